"""Exact neighbour distances and neighbour counts for one- and two-dimensional samples.

Everything here is O(N log N), ties included:

* :func:`kth_distance_2d` -- max-norm distance to the ``k``-th nearest neighbour in the plane,
  by a compiled grid search (:mod:`._kernels`), or, where ties crowd a grid cell,
  :func:`kth_distance_2d_tree`: a ``scipy.spatial.cKDTree`` queried *in the tree's own leaf
  order*, so that successive queries visit the same nodes (about 4x faster than querying in
  data order at N = 10^6);
* :func:`kth_distance_1d` -- the same on a line, from the sorted values (no tree: the ``k``
  nearest neighbours of a point are a window of ``k + 1`` consecutive sorted values);
* :func:`count_within` -- how many sample values lie within a radius of each point, by a
  compiled binary search on the sorted distinct values with the exact comparison
  ``|v_j - v_i| < r`` (or ``<= r``) on the computed differences. ``searchsorted`` on
  ``v_i ± r`` alone rounds ``v_i + r`` and, at the edges, counts the very neighbour that
  defined ``r`` on a large share of points (see ../shared/notes/mi-estimators-measured.md).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.spatial import cKDTree

from ._kernels import (
    assign_bands,
    cell_layout,
    count_sorted,
    count_sorted_self,
    grid_kth_distance,
)

__all__ = [
    "SortedValues", "count_within", "count_within_self", "kth_distance_1d", "kth_distance_2d",
    "kth_distance_2d_tree",
]


class SortedValues:
    """Sorted view of a sample column: its order, distinct values and cumulative counts.

    Built once per column and reused by every count on it.
    """

    __slots__ = ("order", "sorted", "unique", "_cum", "has_ties")

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
            self._cum = np.append(starts, self.sorted.shape[0])
        else:
            self.unique = self.sorted
            self._cum = None  # 0, 1, ..., n: made when first asked for (KSG never asks)

    @property
    def cum(self) -> np.ndarray:
        """Number of values below each distinct value, and ``n`` last."""
        if self._cum is None:
            self._cum = np.arange(self.sorted.shape[0] + 1)
        return self._cum


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
    centers = np.ascontiguousarray(centers, dtype=np.float64)
    radii = np.ascontiguousarray(radii, dtype=np.float64)
    out = np.empty(centers.shape[0], dtype=np.int64)
    count_sorted(col.unique, col.cum, centers, radii, bool(strict), out)
    return out


def count_within_self(sorted_values: np.ndarray, radii: np.ndarray, *,
                      strict: bool = True) -> np.ndarray:
    """:func:`count_within` with the sorted sample values themselves as the centres:
    ``#{j : |v_j - v_i| < r_i}`` (or ``<=``) for each sorted ``v_i``, self included. The same
    exact comparisons, by a search that starts from ``i`` (faster: it stays in cache)."""
    out = np.empty(sorted_values.shape[0], dtype=np.int64)
    count_sorted_self(sorted_values, np.ascontiguousarray(radii, dtype=np.float64),
                      bool(strict), out)
    return out


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


def kth_distance_2d_tree(x: np.ndarray, y: np.ndarray, k: int, *, workers: int = 1,
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


_PER_CELL = 2.0  # points per grid cell on average (measured fastest among 1, 2, 4 at 10^6)
_MAX_LOAD = 64.0  # mean cell size seen by a point; above it (heavy ties) the k-d tree is used


def kth_distance_2d(x: np.ndarray, y: np.ndarray, k: int, *, workers: int = 1,
                    order_x: np.ndarray | None = None,
                    order_y: np.ndarray | None = None) -> np.ndarray:
    """Max-norm distance from each point ``(x_i, y_i)`` to its ``k``-th nearest other point.

    Exact: the compiled grid search of :func:`._kernels.grid_kth_distance` (equal-mass cells:
    column ``c`` holds the points of x-rank ``c n / G`` to ``(c + 1) n / G``, likewise rows,
    about two points per cell), which returns the same numbers as the k-d tree search
    :func:`kth_distance_2d_tree`; that search is used instead when the points' cells hold
    more than 64 points on average (``Σ size² > 64 n``: heavy ties in a column, which a grid
    cannot split; the corners of a Gaussian copula, denser than the rest, stay far below).
    ``order_x``, ``order_y`` (sorting permutations of the columns) may be passed when the
    caller has them. ``workers`` threads share the queries (-1: all cores). The result is in
    the input order.
    """
    n = x.shape[0]
    g = max(1, int(np.sqrt(n / _PER_CELL)))
    ox = np.argsort(x) if order_x is None else order_x
    oy = np.argsort(y) if order_y is None else order_y
    # Column c's left edge is its smallest value: points of columns < c are <= it and points
    # of columns >= c are >= it. Tied values share a band (assign_bands), so that heavy ties
    # show as crowded cells. Cells as int32 (g < 2^31 / g always holds here): the arrays of
    # this search are the peak memory of a 2-D KSG estimate.
    left_x = np.empty(g + 1)
    left_y = np.empty(g + 1)
    cx = np.empty(n, dtype=np.int32)
    cy = np.empty(n, dtype=np.int32)
    assign_bands(x, ox, g, True, cx, left_x)
    assign_bands(y, oy, g, True, cy, left_y)
    order, start = cell_layout(cx, cy, g)
    sizes = np.diff(start).astype(np.float64)
    if float(sizes @ sizes) > _MAX_LOAD * n:  # the work of the search grows like Σ size²
        return kth_distance_2d_tree(x, y, k, workers=workers)
    del sizes
    cxs, cys = cx[order], cy[order]
    del cx, cy
    xs, ys = x[order], y[order]
    dist = np.empty(n)
    threads = _threads(workers)
    if threads == 1 or n < 50_000:
        grid_kth_distance(xs, ys, cxs, cys, start, g, left_x, left_y, k, 0, n, dist)
    else:
        bounds = np.linspace(0, n, threads + 1).astype(np.int64)
        with ThreadPoolExecutor(max_workers=threads) as pool:
            jobs = [pool.submit(grid_kth_distance, xs, ys, cxs, cys, start, g, left_x, left_y,
                                k, int(bounds[t]), int(bounds[t + 1]), dist)
                    for t in range(threads)]
            for job in jobs:
                job.result()
    del xs, ys, cxs, cys
    out = np.empty(n)
    out[order] = dist
    return out


def _threads(workers: int) -> int:
    return (os.cpu_count() or 1) if workers == -1 else workers
