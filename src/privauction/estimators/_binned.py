"""MI from histograms: the plug-in fed chunk by chunk (:class:`BinnedMI`), and the default of
``mutual_information(method="binned")``, which extrapolates two histograms in the bin count so
that the discretisation bias vanishes as ``n`` grows (:func:`binned_mi_blocks`).

Each column is either *categorical* (few distinct values, each its own cell) or *binned* on
edges fixed by the first chunk: equal-width over the first chunk's range, or equal-mass at its
order statistics (so that a strictly increasing transform of the column moves the edges with
the data and leaves every cell count, hence the estimate, unchanged). Values repeated at least
``max(5, n_first / (4 bins))`` times in the first chunk (atoms, such as a reserve price) get a
cell of their own, so an atom is never merged with the continuous values next to it. The outer
cells are open-ended, so later chunks may fall outside the first chunk's range.

The estimate is ``MI = H(X) + H(Y) − H(X, Y)`` of the empirical cell frequencies, with the
Miller–Madow correction ``(m − 1) / (2N)`` added to each entropy (``m`` the number of occupied
cells), which removes the ``O(1/N)`` finite-sample bias of the plug-in entropies. What remains
is the discretisation bias, always downward by the data-processing inequality (what
:func:`binned_mi_blocks` removes by extrapolation). The counts take
``O(cells)`` memory, whatever the number of samples: 10^8 samples fed in chunks of 10^6 hold a
few MB.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import digamma, xlogy

from .._budgets import TABLE_LIMIT_BYTES
from .._validation import check_bool, check_budget, check_int
from ._input import as_samples, check_base, log_base

__all__ = [
    "BinnedMI", "default_bins", "binned_mi_blocks", "extrapolation_bins", "grassberger_entropy",
    "MAX_BINNED_COLUMNS",
]

_BINNINGS = ("equal-mass", "equal-width")


#: Most bins (or categories) per column: a table of side² int64 counts within 4 GiB.
_MAX_TABLE_SIDE = math.isqrt(TABLE_LIMIT_BYTES // 8)


def check_binned_options(bins, max_categories, miller_madow) -> None:
    """The binned estimator's options, with its count-table budget (bins² cells of 8 bytes)."""
    if bins is not None:
        bins = check_int(bins, "bins", minimum=2)
        check_budget(8.0 * bins**2, TABLE_LIMIT_BYTES, unit="bytes",
                     what=f"`bins` = {bins:,} (a table of bins² counts)",
                     advice=f"use fewer bins, at most {_MAX_TABLE_SIDE:,}")
    max_categories = check_int(max_categories, "max_categories", minimum=1)
    check_budget(8.0 * max_categories**2, TABLE_LIMIT_BYTES, unit="bytes",
                 what=f"`max_categories` = {max_categories:,} (a table of max_categories² counts)",
                 advice=f"use at most {_MAX_TABLE_SIDE:,} categories")
    check_bool(miller_madow, "miller_madow")



def default_bins(n: int) -> int:
    """``round(n ** (1/3))`` clipped to ``[2, 256]`` bins per column."""
    return int(np.clip(round(n ** (1.0 / 3.0)), 2, 256))


class _Column:
    """Maps a column's values to cell indices; decided from the first chunk."""

    def __init__(self, v: np.ndarray, bins: int, binning: str, max_categories: int):
        uniq, counts = np.unique(v, return_counts=True)
        n = v.shape[0]
        self.categorical = uniq.shape[0] <= max_categories and uniq.shape[0] <= n / 2
        if self.categorical:
            self.categories = uniq
            self.edges = None
            return
        self.categories = None
        if binning == "equal-mass":
            s = np.sort(v)
            inner = s[(np.arange(1, bins) * n) // bins]
        else:
            lo, hi = float(uniq[0]), float(uniq[-1])
            inner = lo + (hi - lo) * np.arange(1, bins) / bins
        atoms = uniq[counts >= max(5, n / (4 * bins))]
        edges = np.concatenate((inner, atoms, np.nextafter(atoms, np.inf)))
        self.edges = np.unique(edges)

    @property
    def n_cells(self) -> int:
        return self.categories.shape[0] if self.categorical else self.edges.shape[0] + 1

    def cells(self, v: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Cell index of every value; for a categorical column also the grown category list
        (None when unchanged)."""
        if not self.categorical:
            return np.searchsorted(self.edges, v, side="right"), None
        idx = np.searchsorted(self.categories, v)
        idx_c = np.minimum(idx, self.categories.shape[0] - 1)
        if np.all(self.categories[idx_c] == v):
            return idx, None
        grown = np.union1d(self.categories, v)
        return np.searchsorted(grown, v), grown


class BinnedMI:
    """Streaming plug-in estimator of ``MI(X; Y)`` on a histogram.

    Parameters
    ----------
    bins : int, optional
        Bins per non-categorical column; default ``round(n ** (1/3))`` for the first chunk's
        ``n`` (pass it explicitly when streaming small chunks).
    binning : {"equal-mass", "equal-width"}
        Edges at the first chunk's order statistics (invariant under strictly increasing
        transforms) or equally spaced over its range.
    max_categories : int
        A column with at most this many distinct values in the first chunk (each seen twice on
        average) is kept as categories, one cell per value (new values in later chunks add
        cells).
    miller_madow : bool
        Add the Miller–Madow correction to each entropy (default True).

    Raises
    ------
    TypeError, ValueError
        On bad options, naming them; :class:`~privauction._validation.WorkBudgetError` (a
        ``ValueError``) when ``bins`` or ``max_categories`` implies a count table over 4 GiB
        (``8 bins²`` bytes; at most 23170 per column, see ``privauction._budgets``).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> est = BinnedMI(bins=20)
    >>> for _ in range(10):                                  # ten chunks of 10^5 samples
    ...     x = rng.standard_normal(100_000)
    ...     est = est.update(x, 0.6 * x + 0.8 * rng.standard_normal(100_000))
    >>> est.n
    1000000
    >>> round(est.mutual_information(), 2)    # truth 0.223, less the binning bias
    0.21
    """

    def __init__(self, *, bins: int | None = None, binning: str = "equal-mass",
                 max_categories: int = 32, miller_madow: bool = True):
        check_binned_options(bins, max_categories, miller_madow)
        self.bins = None if bins is None else check_int(bins, "bins", minimum=2)
        if not isinstance(binning, str) or binning not in _BINNINGS:
            raise (ValueError if isinstance(binning, str) else TypeError)(
                f"`binning` must be one of {list(_BINNINGS)}; got {binning!r}")
        self.binning = binning
        self.max_categories = check_int(max_categories, "max_categories", minimum=1)
        self.miller_madow = bool(miller_madow)
        self._x = self._y = None
        self._counts = None
        self.n = 0

    def update(self, x, y) -> BinnedMI:
        """Add a chunk of paired samples (at least two); returns ``self``."""
        x, y = as_samples(x, y, min_samples=2 if self._x is None else 1)
        if self._x is None:
            bins = self.bins if self.bins is not None else default_bins(x.shape[0])
            self._x = _Column(x, bins, self.binning, self.max_categories)
            self._y = _Column(y, bins, self.binning, self.max_categories)
            self._counts = np.zeros((self._x.n_cells, self._y.n_cells), dtype=np.int64)
        ix, gx = self._x.cells(x)
        iy, gy = self._y.cells(y)
        if gx is not None or gy is not None:
            self._grow(gx, gy)
        nx, ny = self._counts.shape
        self._counts += np.bincount(ix * ny + iy, minlength=nx * ny).reshape(nx, ny)
        self.n += x.shape[0]
        return self

    def _grow(self, gx, gy):
        counts = self._counts
        rows = np.arange(counts.shape[0]) if gx is None else np.searchsorted(gx, self._x.categories)
        cols = np.arange(counts.shape[1]) if gy is None else np.searchsorted(gy, self._y.categories)
        new = np.zeros(
            (counts.shape[0] if gx is None else gx.shape[0],
             counts.shape[1] if gy is None else gy.shape[0]), dtype=np.int64,
        )
        new[np.ix_(rows, cols)] = counts
        if gx is not None:
            self._x.categories = gx
        if gy is not None:
            self._y.categories = gy
        self._counts = new

    @property
    def counts(self) -> np.ndarray:
        """The joint histogram (a copy), rows the cells of ``x``, columns those of ``y``."""
        if self._counts is None:
            raise ValueError("no samples yet: call `update(x, y)` first")
        return self._counts.copy()

    def mutual_information(self, *, base: float | None = None) -> float:
        """The (Miller–Madow corrected) plug-in estimate from the counts so far."""
        if self._counts is None:
            raise ValueError("no samples yet: call `update(x, y)` first")
        b = check_base(base)
        c = self._counts
        n = float(self.n)

        def entropy(counts):
            counts = counts[counts > 0].astype(float)
            h = math.log(n) - float(np.sum(xlogy(counts, counts))) / n
            if self.miller_madow:
                h += (counts.shape[0] - 1) / (2.0 * n)
            return h

        mi = entropy(c.sum(axis=1)) + entropy(c.sum(axis=0)) - entropy(c.ravel())
        return mi / log_base(b)

    def __repr__(self) -> str:
        return (f"BinnedMI(bins={self.bins}, binning={self.binning!r}, "
                f"max_categories={self.max_categories}, miller_madow={self.miller_madow}, "
                f"n={self.n})")


MAX_BINNED_COLUMNS = 4


def grassberger_entropy(counts: np.ndarray) -> float:
    """Grassberger's (2003) entropy estimate in nats from cell counts.

    ``Ĥ = log N − (1/N) Σ_i n_i G(n_i)``, ``G(n) = ψ(n) + ½ (−1)^n (ψ((n + 1)/2) − ψ(n/2))``
    (P. Grassberger, "Entropy estimates from insufficient samplings", arXiv:physics/0307138
    (2003), the estimator built on ``G_n``; the paper is not among the seeds, so no equation
    number is quoted here). Its bias stays small where many cells hold a few samples, the
    regime in which the Miller–Madow correction ``(m − 1)/(2N)`` falls short (measured on the
    product
    histograms below: at 256² cells and N = 10^5 Miller–Madow leaves +0.12 nats on a Gaussian,
    this estimate +0.02).

    Examples
    --------
    >>> round(grassberger_entropy(np.array([50, 50])), 4)   # plug-in log 2 = 0.6931
    0.6931
    """
    c = counts[counts > 0].astype(float)
    if c.shape[0] <= 1:
        return 0.0  # a single occupied cell: a constant, whose entropy is known to be 0
    n = float(c.sum())
    sign = np.where(c % 2 == 0, 1.0, -1.0)
    g = digamma(c) + 0.5 * sign * (digamma((c + 1.0) / 2.0) - digamma(c / 2.0))
    return math.log(n) - float(np.sum(c * g)) / n


def _entropy_of_codes(codes: np.ndarray, estimator: str) -> float:
    """Entropy (nats) of integer cell codes: ``"grassberger"``, ``"miller-madow"`` or
    ``"plug-in"``."""
    counts = np.unique(codes, return_counts=True)[1]
    if estimator == "grassberger":
        return grassberger_entropy(counts)
    counts = counts.astype(float)
    n = float(codes.shape[0])
    h = math.log(n) - float(np.sum(xlogy(counts, counts))) / n
    if estimator == "miller-madow":
        h += (counts.shape[0] - 1) / (2.0 * n)
    return h


def _block_codes(block: np.ndarray, bins: int, binning: str, max_categories: int) -> np.ndarray:
    """One integer cell code per row: the columns' cells (as :class:`BinnedMI` bins a single
    column) combined in mixed radix."""
    code = np.zeros(block.shape[0], dtype=np.int64)
    for j in range(block.shape[1]):
        v = np.ascontiguousarray(block[:, j])
        col = _Column(v, bins, binning, max_categories)
        idx, grown = col.cells(v)
        code = code * (col.n_cells if grown is None else grown.shape[0]) + idx
    return code


def _histogram_mi(x, y, bins, binning, max_categories, estimator) -> float:
    cx = _block_codes(x, bins, binning, max_categories)
    cy = _block_codes(y, bins, binning, max_categories)
    _, cy_dense = np.unique(cy, return_inverse=True)
    cy_dense = cy_dense.reshape(-1)
    joint = cx * (int(cy_dense.max()) + 1) + cy_dense
    return (_entropy_of_codes(cx, estimator) + _entropy_of_codes(cy, estimator)
            - _entropy_of_codes(joint, estimator))


def extrapolation_bins(n: int, n_columns: int) -> int:
    """Bins per column of the coarse histogram of :func:`binned_mi_blocks`:
    ``⌊½ (0.07 n)^{1/d}⌋``, at least 2, with ``d`` the number of columns in all.

    The fine histogram has ``2b`` bins per column, so ``(2b)^d ≈ 0.07 n`` joint cells (about
    14 samples per cell): measured on the continuous validation cases, the finite-sample bias
    left by the entropy estimate grows quickly beyond that (e.g. SPA, n = 2, N = 10^5: +0.009
    at 256² cells, +0.25 at 512²), while the discretisation bias falls like ``1/b``.
    """
    return max(2, int(0.5 * (0.07 * n) ** (1.0 / n_columns)))


def binned_mi_blocks(x: np.ndarray, y: np.ndarray, *, bins: int | None, binning: str,
                     max_categories: int, miller_madow: bool) -> float:
    """MI (nats) of two blocks ``(n, d_x)``, ``(n, d_y)`` from product histograms.

    ``MI = H(X) + H(Y) − H(X, Y)`` of the cell frequencies, every column binned as
    :class:`BinnedMI` bins one (categorical columns keep their values as cells, atoms get a
    cell of their own). Counts are kept sparse (``np.unique``): memory ``O(n)``.

    * ``bins=None`` (default): an estimate that converges as ``n`` grows. A histogram only
      sees a coarsened ``X`` and ``Y``, so it under-estimates MI (data processing), by an amount
      that falls like ``1/b`` with ``b`` equal-mass bins per column where the joint density
      has edges or a steep ridge (measured on the SPA, n = 2 and a uniform additive-noise
      channel: the bias halves at each doubling of ``b``, from 8 to 512 bins at N = 10^6). So
      the estimate is the Richardson extrapolation ``2 Î(2b) − Î(b)`` of two histograms, ``b``
      and ``2b`` bins per column, ``b`` from :func:`extrapolation_bins`, which cancels the
      ``1/b`` term; each ``Î`` uses Grassberger's entropy estimate
      (:func:`grassberger_entropy`) for the finite-sample bias of the many sparse cells. Where
      the discretisation bias is ``O(1/b²)`` (smooth densities) the extrapolation over-corrects
      by half the coarse histogram's ``O(1/b²)`` bias, a small number. A column kept as
      categories is not coarsened and contributes no discretisation bias.
    * ``bins`` given: the plug-in estimate on that one histogram, Miller–Madow corrected if
      ``miller_madow`` (the estimate of :class:`BinnedMI`).

    Refused above :data:`MAX_BINNED_COLUMNS` columns in all, where a histogram has too few
    samples per cell to be of use.
    """
    d = x.shape[1] + y.shape[1]
    if d > MAX_BINNED_COLUMNS:
        raise ValueError(
            f"`method='binned'` handles at most {MAX_BINNED_COLUMNS} columns of `x` and `y` "
            f"together; got {x.shape[1]} + {y.shape[1]} = {d} (use method='ksg' or 'mixed')"
        )
    if binning not in _BINNINGS:
        raise ValueError(f"`binning` must be one of {list(_BINNINGS)}; got {binning!r}")
    max_categories = check_int(max_categories, "max_categories", minimum=1)
    if bins is not None:
        b = check_int(bins, "bins", minimum=2)
        est = "miller-madow" if miller_madow else "plug-in"
        return _histogram_mi(x, y, b, binning, max_categories, est)
    b = extrapolation_bins(x.shape[0], d)
    coarse = _histogram_mi(x, y, b, binning, max_categories, "grassberger")
    fine = _histogram_mi(x, y, 2 * b, binning, max_categories, "grassberger")
    return 2.0 * fine - coarse
