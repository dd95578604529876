"""KSG, mixed and Frenzel–Pompe estimators for blocks of columns (vectors), max-norm throughout.

A *block* is an array of shape ``(n, d)``, one sample per row. Distances are max-norm, in the
joint space of the blocks involved, as in Kraskov, Stögbauer & Grassberger (2004), algorithm 1:

``MI(X; Y) = ψ(k) + ψ(N) − ⟨ψ(n_x + 1) + ψ(n_y + 1)⟩`` (KSG Eq. (8)), with ``ε_i`` the joint
distance to the ``k``-th neighbour and ``n_x(i) = #{j ≠ i : ‖x_j − x_i‖_∞ < ε_i}``;

``MI(X; Y | Z) = ψ(k) − ⟨ψ(n_xz + 1) + ψ(n_yz + 1) − ψ(n_z + 1)⟩`` (Frenzel & Pompe 2007,
Eq. (3)), with ``ε_i`` the distance to the ``k``-th neighbour in the joint ``(x, y, z)`` space
and the counts strict, in the ``(x, z)``, ``(y, z)`` and ``z`` subspaces.

The ``k``-th neighbour is found by a compiled grid search (:func:`._kernels.grid_kth_nd`), or a
``scipy.spatial.cKDTree`` search above 6 columns or where ties crowd the grid (both exact, the
same numbers). A single column is counted with the sorted-column code of :mod:`._neighbors`,
whose comparisons are the exact ``|v_j − v_i| < r``; a block with the compiled grid count
:func:`._kernels.grid_count_nd` (the same exact comparisons), or, where the grid does not serve,
``cKDTree.query_ball_point``, which counts ``‖v_j − v_i‖_∞ <= r``, the strict count being that
at ``r`` = the largest float below ``ε`` (``nextafter``), the same comparison. The
one-column-each MI never reaches this module: it runs the faster code of :mod:`._ksg`.

Mixed data (atoms: rows of a block repeated at least ``k + 1`` times) is split off by the chain
rule exactly as in :mod:`._mixed`, with the atom label of a block taken over its whole rows.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.spatial import cKDTree
from scipy.special import digamma

from ._kernels import assign_bands, cell_layout_nd, grid_count_nd, grid_kth_nd
from ._ksg import ZeroRadiusError, standardized
from ._mixed import plugin_mi
from ._neighbors import SortedValues, count_within, count_within_self

__all__ = [
    "standardized_block",
    "kth_distance",
    "count_ball",
    "ksg_mi_blocks",
    "row_atom_labels",
    "ross_mi_block",
    "mixed_mi_blocks",
    "ksg_cmi",
    "mixed_cmi",
]

_CHUNK = 1 << 16  # queries per tree call: bounds the memory of the neighbour lists


def standardized_block(a: np.ndarray) -> np.ndarray:
    """Each column divided by its standard deviation (scale-safe, see ``standardized``)."""
    out = np.empty_like(a)
    for j in range(a.shape[1]):
        out[:, j] = standardized(np.ascontiguousarray(a[:, j]))
    return out


def kth_distance(pts: np.ndarray, k: int, *, workers: int = 1) -> np.ndarray:
    """Max-norm distance from each row of ``pts`` to its ``k``-th nearest other row.

    Up to 6 columns: the compiled grid search :func:`._kernels.grid_kth_nd` (equal-mass bands,
    about four points per cell), which returns the k-d tree's numbers (the same floating-point
    operations; tests/test_estimators_kth_grid.py checks it against
    :func:`kth_distance_tree`); where ties crowd its cells, or above 6 columns, the tree.
    """
    if 2 <= pts.shape[1] <= _GRID_MAX_COLUMNS:
        index = _GridIndex(pts, per_cell=_KTH_PER_CELL, keep_ties=True)
        if index.load <= _GRID_MAX_LOAD:
            return index.kth(k, workers=workers)
    return kth_distance_tree(pts, k, workers=workers)


def kth_distance_tree(pts: np.ndarray, k: int, *, workers: int = 1) -> np.ndarray:
    """:func:`kth_distance` by a ``scipy.spatial.cKDTree`` search (exact)."""
    tree = cKDTree(pts, leafsize=16, balanced_tree=False)
    order = tree.indices  # queries in the tree's leaf order stay cache-resident
    out = np.empty(pts.shape[0])
    for start in range(0, pts.shape[0], _CHUNK):
        rows = order[start : start + _CHUNK]
        out[rows] = tree.query(pts[rows], k=k + 1, p=np.inf, workers=workers)[0][:, k]
    return out


def count_ball(block: np.ndarray, radii: np.ndarray, *, strict: bool, workers: int = 1,
               queries: np.ndarray | None = None) -> np.ndarray:
    """``#{j : ‖v_j − q_i‖_∞ < r_i}`` (or ``<=``) for every query ``q_i`` (default: every row
    of ``block``, which then counts itself).

    One column: the sorted-column count of :mod:`._neighbors`. Several: the compiled grid
    count :func:`._kernels.grid_count_nd` (exact comparisons); where ties crowd its cells, or
    above 6 columns, a k-d tree (``cKDTree.query_ball_point``, ``<=`` at the float below the
    radius for the strict count).
    """
    q = block if queries is None else queries
    if block.shape[1] == 1:
        col = SortedValues(np.ascontiguousarray(block[:, 0]))
        out = np.empty(q.shape[0], dtype=np.int64)
        if queries is None:  # the column's own values: the search that starts at each one
            out[col.order] = count_within_self(col.sorted, radii[col.order], strict=strict)
            return out
        o = np.argsort(q[:, 0])
        out[o] = count_within(col, q[o, 0], radii[o], strict=strict)
        return out
    radii = np.ascontiguousarray(radii, dtype=np.float64)
    if block.shape[1] <= _GRID_MAX_COLUMNS:
        index = _GridIndex(block)
        if index.load <= _GRID_MAX_LOAD:
            return index.count(radii, strict=strict, workers=workers, queries=queries)
    r = np.maximum(np.nextafter(radii, -np.inf), 0.0) if strict else radii
    tree = cKDTree(block, leafsize=16, balanced_tree=False)
    out = np.empty(q.shape[0], dtype=np.int64)
    for start in range(0, q.shape[0], _CHUNK):
        sl = slice(start, start + _CHUNK)
        out[sl] = tree.query_ball_point(q[sl], r[sl], p=np.inf, return_length=True,
                                        workers=workers)
    if strict:
        out[radii <= 0] = 0  # nothing is at distance < 0
    return out


_GRID_MAX_COLUMNS = 6
_KTH_PER_CELL = 4.0  # points per cell of the k-th grid (benchmarks/results/grid_tuning.txt)
_THREAD_MIN = 20_000  # fewer queries than this are not worth a thread pool
_GRID_MAX_LOAD = 64.0  # mean size of the cell a point sits in; above it, heavy ties: the tree


class _GridIndex:
    """A block's points stored cell by cell in a ``g^d`` grid of equal-mass bands (band ``c``
    of axis ``j``: the points of rank ``c n / g`` to ``(c + 1) n / g`` along it, tied values
    kept in one band if ``keep_ties``), ``per_cell`` points per cell on average; ``load`` is
    the mean size of the cell a point sits in."""

    def __init__(self, block: np.ndarray, per_cell: float = 4.0, keep_ties: bool = False):
        n, d = block.shape
        g = max(1, int((n / per_cell) ** (1.0 / d)))
        bands = np.empty((n, d), dtype=np.int64)
        left = np.empty((d, g + 1))
        band = np.empty(n, dtype=np.int64)
        for j in range(d):
            # Any sorting permutation will do; numpy's default sort is ~20x faster than the
            # stable one. With ``keep_ties`` (the k-th neighbour search) tied values share a
            # band, so that heavy ties show in ``load``.
            col = np.ascontiguousarray(block[:, j])
            assign_bands(col, np.argsort(col), g, keep_ties, band, left[j])
            bands[:, j] = band
        order, start, _ = cell_layout_nd(bands, g)
        sizes = np.diff(start).astype(np.float64)
        self.load = float(sizes @ sizes) / n
        self.order, self.start, self.g, self.left = order, start, g, left
        self.pts = np.ascontiguousarray(block[order])
        self.bands = np.ascontiguousarray(bands[order])

    @staticmethod
    def _run(job, m, workers):
        """``job(lo, hi)`` over queries ``0 .. m``, split among ``workers`` threads."""
        threads = (os.cpu_count() or 1) if workers == -1 else workers
        if threads == 1 or m < _THREAD_MIN:
            job(0, m)
            return
        cuts = np.linspace(0, m, threads + 1).astype(np.int64)
        with ThreadPoolExecutor(max_workers=threads) as pool:
            jobs = [pool.submit(job, int(a), int(b))
                    for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
            for j in jobs:
                j.result()

    def kth(self, k, *, workers=1):
        """Max-norm distance from each stored point to its ``k``-th nearest other one, in the
        input order."""
        n = self.pts.shape[0]
        res = np.empty(n)

        def job(lo, hi):
            grid_kth_nd(self.pts, self.bands, self.start, self.g, self.left, k, lo, hi, res)

        self._run(job, n, workers)
        out = np.empty(n)
        out[self.order] = res
        return out

    def count(self, radii, *, strict, workers=1, queries=None):
        if queries is None:  # the stored points, queried in cell order (cache-friendly)
            q, qb, r = self.pts, self.bands, radii[self.order]
        else:
            q = np.ascontiguousarray(queries)
            qb = np.empty(q.shape, dtype=np.int64)
            for j in range(q.shape[1]):
                qb[:, j] = np.searchsorted(self.left[j, 1:self.g], q[:, j], side="right")
            r = radii
        res = np.empty(q.shape[0], dtype=np.int64)
        strict = bool(strict)

        def job(lo, hi):
            grid_count_nd(self.pts, self.bands, self.start, self.g, self.left, q[lo:hi],
                          qb[lo:hi], r[lo:hi], strict, res[lo:hi])

        self._run(job, q.shape[0], workers)
        if queries is not None:
            return res
        out = np.empty_like(res)
        out[self.order] = res
        return out


def ksg_mi_blocks(x: np.ndarray, y: np.ndarray, k: int, *, workers: int = 1) -> float:
    """KSG algorithm 1 in nats on validated, already scaled blocks ``(n, d_x)``, ``(n, d_y)``."""
    n = x.shape[0]
    eps = kth_distance(np.hstack((x, y)), k, workers=workers)
    if not np.all(eps > 0):
        raise ZeroRadiusError(
            "some samples have n_neighbors identical copies, so the KSG radius is zero; use "
            "method='mixed' for data with atoms, or pass jitter= to break ties with noise"
        )
    nx = count_ball(x, eps, strict=True, workers=workers)
    ny = count_ball(y, eps, strict=True, workers=workers)
    return float(digamma(k) + digamma(n) - np.mean(digamma(nx) + digamma(ny)))


def row_atom_labels(block: np.ndarray, min_count: int) -> np.ndarray:
    """Atom index of every row, ``-1`` where the row is repeated fewer than ``min_count``
    times (an atom is a whole row repeated at least ``min_count`` times)."""
    _, inv, counts = np.unique(block, axis=0, return_inverse=True, return_counts=True)
    inv = inv.reshape(-1)
    is_atom = counts >= min_count
    ids = np.where(is_atom, np.cumsum(is_atom) - 1, -1)
    return ids[inv]


def ross_mi_block(labels: np.ndarray, v: np.ndarray, k: int, *, workers: int = 1) -> float:
    """Ross (2014) estimate of MI between discrete ``labels`` and a block ``v`` ``(n, d)``.

    ``ψ(N) + ⟨ψ(k_i)⟩ − ⟨ψ(N_{L_i})⟩ − ⟨ψ(m_i)⟩`` (Ross 2014, Eq. (2)), with ``d_i`` the
    max-norm distance to the ``k_i``-th nearest row of the same label, and
    ``m_i = #{j ≠ i : ‖v_j − v_i‖_∞ <= d_i}``. As :func:`._mixed.ross_mi` (which it equals on
    one column): singleton classes are left out, a class of ``N_L <= k`` rows uses
    ``k_L = N_L − 1`` (its farthest other row).
    """
    _, codes, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    codes = codes.reshape(-1)
    keep = sizes[codes] > 1
    if not keep.all():
        codes, v = codes[keep], v[keep]
        _, codes, sizes = np.unique(codes, return_inverse=True, return_counts=True)
        codes = codes.reshape(-1)
    if sizes.shape[0] <= 1:
        return 0.0
    n = v.shape[0]
    k_i = np.minimum(k, sizes - 1)[codes]
    d = np.empty(n)
    for label in range(sizes.shape[0]):  # one tree per label (a handful: atoms + the rest)
        rows = np.flatnonzero(codes == label)
        k_l = int(min(k, rows.shape[0] - 1))
        pts = v[rows]
        tree = cKDTree(pts, leafsize=16, balanced_tree=False)
        for start in range(0, rows.shape[0], _CHUNK):
            sl = slice(start, start + _CHUNK)
            d[rows[sl]] = tree.query(pts[sl], k=k_l + 1, p=np.inf, workers=workers)[0][:, k_l]
    m_i = count_ball(v, d, strict=False, workers=workers) - 1
    return float(
        digamma(n) + np.mean(digamma(k_i)) - np.sum(sizes * digamma(sizes)) / n
        - np.mean(digamma(m_i))
    )


def mixed_mi_blocks(x: np.ndarray, y: np.ndarray, k: int, *, workers: int = 1,
                    standardize: bool = True) -> float:
    """The chain rule of :mod:`._mixed` on blocks, atoms being repeated rows, in nats.

    ``MI(X; Y) = MI(A; B) + P(B = c) MI(A; Y | B = c) + P(A = c) MI(X; B | A = c)
    + P(A = c, B = c) MI(X; Y | A = c, B = c)``, ``A``, ``B`` the row-atom labels of ``X``,
    ``Y`` and ``c`` (``-1``) the continuous label.
    """
    n = x.shape[0]
    a = row_atom_labels(x, k + 1)
    b = row_atom_labels(y, k + 1)
    a_cont, b_cont = a < 0, b < 0
    scale = standardized_block if standardize else (lambda blk: blk)
    if a_cont.all() and b_cont.all():
        return ksg_mi_blocks(scale(x), scale(y), k, workers=workers)
    # Ross's max-norm distances mix the columns of a block: standardise blocks of two or
    # more columns (one column is scale-free and is left exactly as the 1-D code has it).
    ross_scale = lambda blk: scale(blk) if blk.shape[1] > 1 else blk  # noqa: E731
    total = plugin_mi(a, b)
    nb_c = int(b_cont.sum())
    if nb_c > 1:
        total += nb_c / n * ross_mi_block(a[b_cont], ross_scale(y[b_cont]), k, workers=workers)
    na_c = int(a_cont.sum())
    if na_c > 1:
        total += na_c / n * ross_mi_block(b[a_cont], ross_scale(x[a_cont]), k, workers=workers)
    both = a_cont & b_cont
    n_both = int(both.sum())
    if n_both > k:
        total += n_both / n * ksg_mi_blocks(scale(x[both]), scale(y[both]), k, workers=workers)
    return float(total)


def ksg_cmi(x: np.ndarray, y: np.ndarray, z: np.ndarray, k: int, *, workers: int = 1) -> float:
    """Frenzel & Pompe (2007) estimate of ``MI(X; Y | Z)`` in nats on scaled blocks.

    ``ψ(k) − ⟨ψ(n_xz + 1) + ψ(n_yz + 1) − ψ(n_z + 1)⟩`` (their Eq. (3)); ``ε_i`` is the
    max-norm distance to the ``k``-th neighbour in the joint ``(x, y, z)`` space and the counts
    (self included, hence ``n + 1`` directly) are strict, ``< ε_i``, in each subspace.
    """
    eps = kth_distance(np.hstack((x, y, z)), k, workers=workers)
    if not np.all(eps > 0):
        raise ZeroRadiusError(
            "some samples have n_neighbors identical copies, so the KSG radius is zero; use "
            "method='mixed' for data with atoms, or pass jitter= to break ties with noise"
        )
    nxz = count_ball(np.hstack((x, z)), eps, strict=True, workers=workers)
    nyz = count_ball(np.hstack((y, z)), eps, strict=True, workers=workers)
    nz = count_ball(z, eps, strict=True, workers=workers)
    return float(digamma(k) - np.mean(digamma(nxz) + digamma(nyz) - digamma(nz)))


def _mesner_shalizi(x, y, z, k, workers):
    """Mesner & Shalizi (2021) mixed CMI (their Algorithm 1, the Frenzel–Pompe estimator with
    Gao et al.'s zero-distance rule): where the ``k``-th joint neighbour is at distance
    ``ρ_i = 0``, ``k̃_i`` is the number of rows equal to row ``i`` and every count is over
    ``‖·‖ <= 0``; elsewhere ``k̃_i = k`` and the counts are strict, as in :func:`ksg_cmi`
    (counts include the row itself, as in :mod:`._gao`)."""
    xyz = np.hstack((x, y, z))
    rho = kth_distance(xyz, k, workers=workers)
    zero = rho == 0
    if not zero.any():
        return ksg_cmi(x, y, z, k, workers=workers)
    k_t = np.full(rho.shape[0], float(k))
    k_t[zero] = count_ball(xyz, rho[zero], strict=False, queries=xyz[zero])
    terms = np.zeros(rho.shape[0])
    for blk, sign in ((np.hstack((x, z)), 1.0), (np.hstack((y, z)), 1.0), (z, -1.0)):
        cnt = count_ball(blk, rho, strict=True, workers=workers)
        cnt[zero] = count_ball(blk, rho, strict=False, workers=workers)[zero]
        terms += sign * digamma(cnt)
    return float(np.mean(digamma(k_t) - terms))


def mixed_cmi(x: np.ndarray, y: np.ndarray, z: np.ndarray, k: int, *, workers: int = 1,
              standardize: bool = True) -> float:
    """``MI(X; Y | Z)`` for mixtures, in nats: atoms of ``z`` split off by the chain rule.

    With ``C`` the row-atom label of ``Z`` (a function of ``Z``),
    ``MI(X; Y | Z) = Σ_c P(C = c) · MI(X; Y | Z, C = c)``; on an atom ``c`` the block ``Z`` is
    constant, so the term is the mixed MI of ``X`` and ``Y`` on the rows of that atom
    (:func:`mixed_mi_blocks`, or the one-column code when both are single columns); on the
    continuous rows it is Mesner & Shalizi's (2021) mixed Frenzel–Pompe estimate. A ``z`` that
    takes few values thus gives the stratified estimate exactly, atoms of ``x`` and ``y`` inside
    each stratum included.
    """
    from ._mixed import mixed_mi

    n = x.shape[0]
    c = row_atom_labels(z, k + 1)
    scale = standardized_block if standardize else (lambda blk: blk)
    total = 0.0
    for label in np.unique(c):
        rows = c == label
        m = int(rows.sum())
        if m <= k:
            continue  # too few rows to say anything: the term is dropped (weight m / n)
        xs, ys = x[rows], y[rows]
        if label >= 0:
            if xs.shape[1] == 1 and ys.shape[1] == 1:
                part = mixed_mi(xs[:, 0].copy(), ys[:, 0].copy(), k, workers=workers,
                                standardize=standardize)
            else:
                part = mixed_mi_blocks(xs, ys, k, workers=workers, standardize=standardize)
        else:
            part = _mesner_shalizi(scale(xs), scale(ys), scale(z[rows]), k, workers)
        total += m / n * part
    return float(total)
