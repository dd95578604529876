"""Exact neighbour distances and neighbour counts for one- and two-dimensional samples.

Everything here is O(N log N), ties included:

* :func:`kth_distance_2d` -- max-norm distance to the ``k``-th nearest neighbour in the plane,
  with a ``scipy.spatial.cKDTree`` queried *in the tree's own leaf order*, so that successive
  queries visit the same nodes (about 4x faster than querying in data order at N = 10^6);
* :func:`kth_distance_1d` -- the same on a line, from the sorted values (no tree: the ``k``
  nearest neighbours of a point are a window of ``k + 1`` consecutive sorted values);
* :func:`count_within` -- how many sample values lie within a radius of each point, by sorting
  and ``searchsorted`` on the distinct values, then corrected so that the comparison is the
  exact ``|v_j - v_i| < r`` (or ``<= r``) on the computed differences. ``searchsorted`` on
  ``v_i ± r`` alone rounds ``v_i + r`` and, at the edges, counts the very neighbour that
  defined ``r`` on a large share of points (see ../shared/notes/mi-estimators-measured.md).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

__all__ = ["SortedValues", "count_within", "kth_distance_1d", "kth_distance_2d"]


class SortedValues:
    """Sorted view of a sample column: its order, distinct values and cumulative counts.

    Built once per column and reused by every count on it.
    """

    __slots__ = ("order", "sorted", "unique", "cum", "has_ties")

    def __init__(self, values: np.ndarray, order: np.ndarray | None = None):
        self.order = np.argsort(values) if order is None else order
        self.sorted = values[self.order]
        new = np.empty(self.sorted.shape[0], dtype=bool)
        if new.size:
            new[0] = True
            np.not_equal(self.sorted[1:], self.sorted[:-1], out=new[1:])
        self.has_ties = not bool(new.all())
        if self.has_ties:
            starts = np.flatnonzero(new)
            self.unique = self.sorted[starts]
            self.cum = np.append(starts, self.sorted.shape[0])
        else:
            self.unique = self.sorted
            self.cum = np.arange(self.sorted.shape[0] + 1)


def _settle(index, pred, n):
    """Move each ``index`` to the first ``j`` in ``[0, n]`` with ``pred(j)`` true.

    ``pred(j, rows)`` must be monotone (false then true) in ``j`` for every row; ``index`` is a
    close guess (off by a place or two from rounding), so after one pass over all rows the
    loops run over a handful of rows.
    """
    everything = slice(None)
    back = (index > 0) & pred(np.maximum(index - 1, 0), everything)
    rows = np.flatnonzero(back)
    while rows.size:
        index[rows] -= 1
        rows = rows[index[rows] > 0]
        rows = rows[pred(index[rows] - 1, rows)]
    fwd = (index < n) & ~pred(np.minimum(index, n - 1), everything)
    rows = np.flatnonzero(fwd)
    while rows.size:
        index[rows] += 1
        rows = rows[index[rows] < n]
        rows = rows[~pred(index[rows], rows)]
    return index


def _search_sorted(u: np.ndarray, keys: np.ndarray, side: str) -> np.ndarray:
    """``np.searchsorted(u, keys, side)``, with the keys searched in sorted order: numpy's
    binary search narrows its range from the previous key when keys increase, which halves the
    time at 10^6 keys even with the cost of sorting them."""
    if keys.shape[0] < 4096:
        return np.searchsorted(u, keys, side=side)
    o = np.argsort(keys)
    out = np.empty(keys.shape[0], dtype=np.intp)
    out[o] = np.searchsorted(u, keys[o], side=side)
    return out


def count_within(col: SortedValues, centers, radii, *, strict: bool = True) -> np.ndarray:
    """Number of sample values ``v_j`` (self included) with ``|v_j - c| < r`` (or ``<= r``).

    Parameters
    ----------
    col : SortedValues
        The sample column.
    centers, radii : ndarray
        One query per entry; fastest when ``centers`` is sorted (as ``col.sorted`` is).
    strict : bool
        ``<`` (KSG counts) or ``<=`` (Ross / Gao counts).

    Returns
    -------
    ndarray of int64
        The counts, computed from the exact comparisons ``c - v_j < r`` and ``v_j - c < r``
        as evaluated in floating point (not from ``c ± r``, which rounds).
    """
    u = col.unique
    n_u = u.shape[0]
    if strict:
        lo_pred = lambda j, rows: centers[rows] - u[j] < radii[rows]  # noqa: E731
        hi_pred = lambda j, rows: u[j] - centers[rows] >= radii[rows]  # noqa: E731
    else:
        lo_pred = lambda j, rows: centers[rows] - u[j] <= radii[rows]  # noqa: E731
        hi_pred = lambda j, rows: u[j] - centers[rows] > radii[rows]  # noqa: E731
    lo = _settle(_search_sorted(u, centers - radii, "left"), lo_pred, n_u)
    hi = _settle(_search_sorted(u, centers + radii, "right"), hi_pred, n_u)
    return np.maximum(col.cum[hi] - col.cum[lo], 0)  # r = 0 with strict: empty, hi < lo


def kth_distance_1d(sorted_values: np.ndarray, k: int) -> np.ndarray:
    """Distance from each sorted value to its ``k``-th nearest other value (``k < n``).

    The ``k`` nearest neighbours of ``v_i`` are ``k`` of the values ``v_{i-k} .. v_{i+k}`` that
    form, together with ``v_i``, a window of ``k + 1`` consecutive values; the distance is the
    smallest, over the ``k + 1`` windows containing ``i``, of the window's far edge.

    Examples
    --------
    >>> kth_distance_1d(np.array([0.0, 1.0, 3.0, 7.0]), 1).tolist()
    [1.0, 1.0, 2.0, 4.0]
    """
    v = sorted_values
    n = v.shape[0]
    pad = np.concatenate((np.full(k, -np.inf), v, np.full(k, np.inf)))
    best = np.full(n, np.inf)
    for s in range(k + 1):
        left = v - pad[k - s : k - s + n]  # v_i - v_{i-s}
        right = pad[2 * k - s : 2 * k - s + n] - v  # v_{i+k-s} - v_i
        np.minimum(best, np.maximum(left, right), out=best)
    return best


def kth_distance_2d(x: np.ndarray, y: np.ndarray, k: int, *, workers: int = 1,
                    chunk: int = 1 << 17) -> np.ndarray:
    """Max-norm distance from each point ``(x_i, y_i)`` to its ``k``-th nearest other point.

    Exact (a k-d tree search, no approximation). Two devices make the search fast:

    * the queries are issued in the tree's leaf order (``cKDTree.indices``), which keeps the
      search cache-resident (about 4x faster than data order at N = 10^6);
    * the search is bounded by the 99.5 % quantile of the radii of ~2000 probe points, which
      lets the tree prune from the start (about 25 % faster); the few points with fewer than
      ``k + 1`` points within the bound (reported as infinite) are searched again unbounded.
      Every finite distance returned under the bound is exact: all closer points are inside it.

    ``chunk`` queries at a time bound the memory of the neighbour lists; ``workers`` threads
    share each chunk (``-1``: all cores). The result is in the input order.
    """
    n = x.shape[0]
    pts = np.empty((n, 2))
    pts[:, 0] = x
    pts[:, 1] = y
    tree = cKDTree(pts, leafsize=16, balanced_tree=False, copy_data=False)
    order = tree.indices
    bound = np.inf
    if n > 20_000:
        probe = order[:: n // 2048]  # spread over the plane: a stride through leaf order
        d_probe = tree.query(pts[probe], k=k + 1, p=np.inf)[0][:, k]
        bound = float(np.quantile(d_probe, 0.995))
        if not bound > 0:
            bound = np.inf
    out = np.empty(n)
    for start in range(0, n, chunk):
        rows = order[start : start + chunk]
        dist = tree.query(pts[rows], k=k + 1, p=np.inf, workers=workers,
                          distance_upper_bound=bound)[0][:, k]
        missed = np.isinf(dist)
        if missed.any():
            dist[missed] = tree.query(pts[rows[missed]], k=k + 1, p=np.inf,
                                      workers=workers)[0][:, k]
        out[rows] = dist
    return out
