"""``estimate_mutual_information``: MI or conditional MI with a subsampling interval.

The point estimate is :func:`mutual_information` (``z`` None) or
:func:`conditional_mutual_information`; the interval comes from the same m-out-of-n subsampling
as :func:`estimate_privacy_loss` (``privauction.estimators._interval``: Politis, Romano & Wolf
1999, ch. 2, with the finite-population factor and the ``n^{-1/2}`` bias extension).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._budgets import DEFAULT_MAX_MEMORY, DEFAULT_MAX_WORK
from .._validation import (
    check_int,
    check_max_memory,
    check_max_work,
    check_probability,
    check_real,
    check_rng,
)
from ._api import _KNN, CMI_METHODS, METHODS, _check_common, _jittered, check_method
from ._binned import _BINNINGS, check_binned_options
from ._input import as_blocks, check_sample_budget, log_base
from ._interval import default_subsample_size, subsample_interval
from ._result import Estimate

__all__ = ["MutualInformationEstimate", "estimate_mutual_information"]


@dataclass(frozen=True, kw_only=True)
class MutualInformationEstimate(Estimate):
    """An MI (or conditional MI) estimate with its subsampling confidence interval.

    An :class:`~privauction.estimators.Estimate` (``estimate``, ``ci_low``, ``ci_high``, ``n``,
    ``method``, ``level`` — also read as ``ci`` —, ``std_error``, ``bias``) with:

    Attributes
    ----------
    conditional : bool
        True for ``MI(X; Y | Z)``.
    n_resamples : int
        Subsamples drawn.
    subsample_size : int
        Rows per subsample.

    ``estimate`` is the point estimate on all ``n`` rows, in the unit of ``base`` (nats by
    default), never clipped at zero; ``bias`` is the estimated finite-sample bias (from the
    subsample mean, assuming an ``n^{-1/2}`` decay), not subtracted from ``estimate``: the
    interval is widened by it on the side where it puts the truth.
    """

    conditional: bool
    n_resamples: int
    subsample_size: int


def estimate_mutual_information(
    x,
    y,
    z=None,
    *,
    method: str = "ksg",
    ci: float = 0.95,
    n_resamples: int = 40,
    subsample_size: int | None = None,
    n_neighbors: int = 3,
    base: float | None = None,
    standardize: bool = True,
    rng=None,
    workers: int = 1,
    jitter: float | None = None,
    bins: int | None = None,
    binning: str = "equal-mass",
    max_categories: int = 32,
    miller_madow: bool = True,
    max_memory: float | None = DEFAULT_MAX_MEMORY,
    max_work: float | None = DEFAULT_MAX_WORK,
) -> MutualInformationEstimate:
    """Estimate ``MI(X; Y)``, or ``MI(X; Y | Z)`` when ``z`` is given, with an interval.

    The estimate is that of :func:`mutual_information` (or
    :func:`conditional_mutual_information`) on all rows; the interval comes from ``n_resamples``
    subsamples of ``subsample_size`` rows drawn without replacement (disjoint blocks of random
    partitions), the estimator's standard error being ``sd · sqrt(m / (n − m))`` over the
    subsamples (Politis, Romano & Wolf 1999, ch. 2, with the finite-population factor), and the
    interval ``estimate ± t · SE`` widened by the bias the subsample mean reveals (an
    ``n^{-1/2}`` decay, as KSG's at a boundary of the support). The bootstrap is not used: its
    duplicated rows sit at distance zero and bias every kNN count. See
    ``privauction.estimators._interval``.

    Parameters
    ----------
    x, y : array_like, shape (n,) or (n, d)
        Paired samples, one per row, finite.
    z : array_like, shape (n,) or (n, d_z), optional
        The condition; None for the unconditional MI.
    method : str
        A method of :func:`mutual_information` (``"ksg"``, ``"mixed"``, ``"binned"``,
        ``"gao"``) or, with ``z``, of :func:`conditional_mutual_information` (``"ksg"``,
        ``"mixed"``), with their default options.
    ci : float
        Confidence level of the interval, in (0, 1).
    n_resamples : int
        Number of subsamples (at least 10); the cost is about ``n_resamples · m / n + 1``
        estimates on all rows (5 by default).
    subsample_size : int, optional
        ``m``, rows per subsample; default ``n // 10`` but at least ``20 (n_neighbors + 1)``,
        and at most ``n // 2``.
    n_neighbors : int
        ``k`` of the kNN estimators.
    base : float, optional
        Logarithm base of the result; None gives nats.
    standardize : bool
        Divide each column by its standard deviation (each subsample by its own).
    rng : None, int, SeedSequence or Generator
        Source of the subsamples (and of the jitter, drawn first).
    workers : int
        Threads for the neighbour searches (-1: all cores).
    jitter : float, optional
        As in :func:`mutual_information`: ``jitter × N(0, 1)`` noise added once to every
        standardised column (of ``z`` too) before anything else, so the estimate equals
        :func:`mutual_information` (or :func:`conditional_mutual_information`) with the same
        ``jitter`` and ``rng``, and every subsample sees the same jittered rows.
    bins, binning, max_categories, miller_madow
        Options of ``method="binned"``, as in :func:`mutual_information` (``bins=None``: the
        extrapolated estimate; ``bins`` given: the plug-in on that one histogram, Miller–Madow
        corrected if ``miller_madow``), used on all rows and on every subsample; ignored by the
        other methods. With ``z`` (no binned method) they must keep their defaults.
    max_memory, max_work : float or None
        The budgets of :func:`mutual_information` (4 GiB; 10^9 neighbour look-ups, here
        counted over the estimate and its ``n_resamples`` subsamples); None lifts a limit.
        Past one, :class:`~privauction._validation.WorkBudgetError` (a ``ValueError``) is
        raised before any work, saying how to proceed.

    Returns
    -------
    MutualInformationEstimate

    Raises
    ------
    TypeError, ValueError
        As :func:`mutual_information`, on bad options, or when ``n`` is too small for
        subsamples of at least ``n_neighbors + 1`` rows.
    privauction._validation.WorkBudgetError
        A ``ValueError``, before any work, past ``max_memory`` or ``max_work``.

    Notes
    -----
    Coverage of the nominal 95 % interval on the Gaussian CMI with closed form ``½ log 2`` at
    ``n = 10^4``, and on the other cases, is in validation/results/estimator_intervals.txt
    (validation/estimator_intervals.py).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> z = rng.standard_normal(5_000)
    >>> x = z + rng.standard_normal(5_000)
    >>> y = x + rng.standard_normal(5_000)             # truth MI(X; Y | Z) = log 2 / 2
    >>> est = estimate_mutual_information(x, y, z, rng=1)
    >>> bool(est.ci_low < 0.3466 < est.ci_high), est.conditional, est.subsample_size
    (True, True, 500)
    """
    conditional = z is not None
    method = check_method(method, CMI_METHODS if conditional else METHODS)
    k, b, workers = _check_common(n_neighbors, base, workers, standardize)
    level = check_probability(ci, "ci")
    n_resamples = check_int(n_resamples, "n_resamples", minimum=10)
    binned = _binned_options(bins, binning, max_categories, miller_madow, conditional)
    if jitter is not None:
        jitter = check_real(jitter, "jitter", lower=0.0)
    gen = check_rng(rng)
    min_rows = k + 1 if method in _KNN else 2
    named = {"x": x, "y": y, "z": z} if conditional else {"x": x, "y": y}
    if subsample_size is not None:
        subsample_size = check_int(subsample_size, "subsample_size", minimum=min_rows)
    limits = dict(max_memory=check_max_memory(max_memory), max_work=check_max_work(max_work))

    def budget(arrays) -> bool:
        n_rows = next((v.shape[0] for v in arrays.values() if getattr(v, "ndim", 0) >= 1), 0)
        # a subsample's rows, as the interval will take them, for the look-up budget
        m = subsample_size or default_subsample_size(n_rows, 20 * (k + 1))
        return check_sample_budget(
            arrays, n_neighbors=k, knn=method in _KNN,
            n_estimates=1 + n_resamples * min(m, n_rows) / max(n_rows, 1), **limits)

    checked = budget(named)
    blocks = as_blocks(named, min_samples=min_rows,
                       n_neighbors=k if method in _KNN else None)
    if not checked:
        budget(dict(zip(named, blocks, strict=True)))
    if jitter is not None:  # once, before the subsamples, in the order of the point estimate
        blocks = tuple(_jittered(blk, jitter, gen) for blk in blocks)
    n = blocks[0].shape[0]
    m = default_subsample_size(n, 20 * (k + 1)) if subsample_size is None else subsample_size
    if m > n // 2 or m < min_rows:
        raise ValueError(
            f"`subsample_size` must be between {min_rows} and n // 2 = {n // 2} (the "
            f"subsamples need n_neighbors + 1 rows each); got {m} for {n} rows"
        )
    std = bool(standardize)
    if conditional:
        fn = CMI_METHODS[method]

        def statistic(rows):
            xb, yb, zb = (blk[rows] for blk in blocks)
            return fn(xb, yb, zb, n_neighbors=k, standardize=std, workers=workers)
    else:
        xb, yb = blocks
        if xb.shape[1] == 1 and yb.shape[1] == 1:  # two scalars: the one-column code
            xb, yb = np.ascontiguousarray(xb[:, 0]), np.ascontiguousarray(yb[:, 0])
        fn = METHODS[method]

        def statistic(rows):
            return fn(xb[rows], yb[rows], n_neighbors=k, standardize=std, workers=workers,
                      **binned)

    estimate = float(statistic(slice(None)))
    band = subsample_interval(statistic, n, estimate, level=level, n_resamples=n_resamples,
                              subsample_size=m, rng=gen)
    unit = log_base(b)
    return MutualInformationEstimate(
        estimate=estimate / unit, ci_low=band.low / unit, ci_high=band.high / unit, n=n,
        method=method, level=level, std_error=band.std_error / unit, bias=band.bias / unit,
        conditional=conditional, n_resamples=n_resamples, subsample_size=m,
    )



_BINNED_DEFAULTS = {"bins": None, "binning": "equal-mass", "max_categories": 32,
                    "miller_madow": True}


def _binned_options(bins, binning, max_categories, miller_madow, conditional) -> dict:
    """The options of ``method="binned"``, checked, as keyword arguments; with ``z`` given
    (no binned conditional estimator) only their defaults are accepted."""
    check_binned_options(bins, max_categories, miller_madow)  # with the count-table budget
    if bins is not None:
        bins = check_int(bins, "bins", minimum=2)
    if not isinstance(binning, str):
        raise TypeError(f"`binning` must be one of {list(_BINNINGS)}; got {binning!r}")
    if binning not in _BINNINGS:
        raise ValueError(f"`binning` must be one of {list(_BINNINGS)}; got {binning!r}")
    max_categories = check_int(max_categories, "max_categories", minimum=1)
    if not isinstance(miller_madow, (bool, np.bool_)):
        raise TypeError(f"`miller_madow` must be True or False; got {miller_madow!r}")
    options = {"bins": bins, "binning": binning, "max_categories": max_categories,
               "miller_madow": bool(miller_madow)}
    if conditional:
        changed = [name for name, value in options.items() if value != _BINNED_DEFAULTS[name]]
        if changed:
            raise ValueError(
                f"`{changed[0]}` applies to method='binned', which has no conditional form; "
                f"got {changed[0]}={options[changed[0]]!r} with `z` given (leave it at its "
                "default)"
            )
    return options
