"""Kraskov–Stögbauer–Grassberger estimator, algorithm 1 (max-norm), for two scalar columns.

``I = ψ(k) + ψ(N) − ⟨ψ(n_x + 1)⟩ − ⟨ψ(n_y + 1)⟩`` (Kraskov et al. 2004, Eq. (8)), where
``ε_i`` is the max-norm distance from point ``i`` to its ``k``-th nearest neighbour and
``n_x(i) = #{j ≠ i : |x_j − x_i| < ε_i}`` (strictly), likewise ``n_y``. The estimate is
returned as computed: it is never clipped at zero and no noise is added here.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.special import digamma

from ._neighbors import SortedValues, count_within_self, kth_distance_2d

__all__ = ["ksg_mi", "ksg_terms", "standardized", "ZeroRadiusError"]


class ZeroRadiusError(ValueError):
    """``k + 1`` or more identical points: the KSG radius is zero and the estimate undefined."""


def standardized(v: np.ndarray) -> np.ndarray:
    """``v / std(v)`` (no centring, as scikit-learn's ``scale(with_mean=False)``); a constant
    column is returned unchanged.

    Scale-safe: where the standard deviation is outside ``[1e-100, 1e100]`` (its squares
    under- or overflow near 1e-154 / 1e154, which used to turn the estimate into 0), the column
    is first divided by its largest absolute value, so that ``c · v`` gives the same result as
    ``v`` for every ``c > 0`` that keeps the data finite, up to rounding. Inside that range the
    result is exactly ``v / std(v)``, as before.
    """
    with np.errstate(over="ignore", under="ignore"):
        sd = float(np.std(v))
    if math.isfinite(sd) and 1e-100 < sd < 1e100:
        return v / sd
    top = float(np.max(np.abs(v))) if v.size else 0.0
    if not top > 0:
        return v
    w = v / top
    sd = float(np.std(w))
    return w / sd if sd > 0 else w


def _check_no_heavy_duplicates(x: SortedValues, y_values: np.ndarray, k: int) -> None:
    """Raise before the tree search if ``k + 1`` points coincide (then ε = 0, and a k-d tree
    search over a large block of identical points is quadratic)."""
    if not x.has_ties:
        return
    ys = y_values[x.order]
    same = np.empty(ys.shape[0], dtype=bool)
    same[0] = False
    np.equal(x.sorted[1:], x.sorted[:-1], out=same[1:])
    # Within a run of equal x, sort y to find coinciding points.
    run_id = np.cumsum(~same)
    o = np.lexsort((ys, run_id))
    ys, run_id = ys[o], run_id[o]
    dup = np.empty(ys.shape[0], dtype=bool)
    dup[0] = False
    dup[1:] = (ys[1:] == ys[:-1]) & (run_id[1:] == run_id[:-1])
    if not dup.any():
        return
    starts = np.flatnonzero(~dup)
    longest = int(np.max(np.diff(np.append(starts, ys.shape[0]))))
    if longest >= k + 1:
        raise ZeroRadiusError(
            f"{longest} samples share the same (x, y) point, at least n_neighbors + 1 = {k + 1}: "
            "the KSG radius is zero there. Use method='mixed' for data with atoms, or pass "
            "jitter= to break ties with noise"
        )


def _pair(fn, a, b, parallel: bool):
    """``(fn(a), fn(b))``, in two threads when ``parallel`` (numpy releases the GIL in the
    sorts, searches and gathers that dominate these per-column steps)."""
    if not parallel:
        return fn(a), fn(b)
    with ThreadPoolExecutor(max_workers=2) as pool:
        fa, fb = pool.submit(fn, a), pool.submit(fn, b)
        return fa.result(), fb.result()


def ksg_terms(x: np.ndarray, y: np.ndarray, k: int, *, workers: int = 1, order_x=None,
              order_y=None):
    """Per-sample KSG terms ``ψ(n_x + 1) + ψ(n_y + 1)`` and the neighbour radii.

    Returns ``(psi_sum, eps)``; the estimate is ``ψ(k) + ψ(N) − mean(psi_sum)``. ``order_x``
    and ``order_y``, if given, are sorting permutations of the columns (reused when the caller
    has sorted them already). With ``workers != 1`` the two columns are processed in two
    threads and the neighbour search uses ``workers`` threads.
    """
    parallel = workers != 1 and x.shape[0] >= 50_000
    sx, sy = _pair(lambda a: SortedValues(*a), (x, order_x), (y, order_y), parallel)
    if sx.has_ties and sy.has_ties:
        _check_no_heavy_duplicates(sx, y, k)
    eps = kth_distance_2d(x, y, k, workers=workers, order_x=sx.order, order_y=sy.order)
    if not np.all(eps > 0):
        raise ZeroRadiusError(
            "some samples have n_neighbors identical copies, so the KSG radius is zero; use "
            "method='mixed' for data with atoms, or pass jitter= to break ties with noise"
        )

    def column_psi(col):
        # Counts include the point itself, so they are n + 1 directly.
        psi = np.empty(x.shape[0])
        psi[col.order] = digamma(count_within_self(col.sorted, eps[col.order], strict=True))
        return psi

    px, py = _pair(column_psi, sx, sy, parallel)
    px += py
    return px, eps


def ksg_mi(x: np.ndarray, y: np.ndarray, k: int, *, workers: int = 1, order_x=None,
           order_y=None) -> float:
    """KSG algorithm 1 estimate in nats on validated, already scaled columns."""
    n = x.shape[0]
    psi_sum, _ = ksg_terms(x, y, k, workers=workers, order_x=order_x, order_y=order_y)
    return float(digamma(k) + digamma(n) - np.mean(psi_sum))
