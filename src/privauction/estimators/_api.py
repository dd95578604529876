"""``mutual_information``: one entry point, methods chosen from a dict (as scipy.stats does)."""

from __future__ import annotations

import numpy as np

from .._budgets import DEFAULT_MAX_MEMORY, DEFAULT_MAX_WORK
from .._validation import (
    check_int,
    check_max_memory,
    check_max_work,
    check_real,
    check_rng,
)
from ._binned import BinnedMI, binned_mi_blocks, check_binned_options
from ._blocks import ksg_cmi, ksg_mi_blocks, mixed_cmi, mixed_mi_blocks, standardized_block
from ._gao import gao_mi
from ._input import (
    as_blocks,
    check_base,
    check_n_neighbors,
    check_sample_budget,
    log_base,
)
from ._ksg import ksg_mi, standardized
from ._mixed import mixed_mi

__all__ = ["mutual_information", "conditional_mutual_information", "METHODS", "CMI_METHODS"]


def _ksg(x, y, *, n_neighbors, standardize, workers, **_):
    if x.ndim == 2:
        if standardize:
            x, y = standardized_block(x), standardized_block(y)
        return ksg_mi_blocks(x, y, n_neighbors, workers=workers)
    if standardize:
        x, y = standardized(x), standardized(y)
    return ksg_mi(x, y, n_neighbors, workers=workers)


def _mixed(x, y, *, n_neighbors, standardize, workers, **_):
    if x.ndim == 2:
        return mixed_mi_blocks(x, y, n_neighbors, workers=workers, standardize=standardize)
    return mixed_mi(x, y, n_neighbors, workers=workers, standardize=standardize)


def _gao(x, y, *, n_neighbors, standardize, workers, **_):
    if x.ndim == 2:
        raise ValueError("`method='gao'` takes one column each for `x` and `y`; got shapes "
                         f"{x.shape} and {y.shape} (use method='mixed' for vectors)")
    if standardize:
        x, y = standardized(x), standardized(y)
    return gao_mi(x, y, n_neighbors, workers=workers)


def _binned(x, y, *, bins=None, binning="equal-mass", max_categories=32, miller_madow=True, **_):
    if x.ndim == 2 or bins is None:
        if x.ndim == 1:
            x, y = x[:, None], y[:, None]
        return binned_mi_blocks(x, y, bins=bins, binning=binning,
                                max_categories=max_categories, miller_madow=miller_madow)
    est = BinnedMI(bins=bins, binning=binning, max_categories=max_categories,
                   miller_madow=miller_madow)
    return est.update(x, y).mutual_information()


METHODS = {"ksg": _ksg, "mixed": _mixed, "binned": _binned, "gao": _gao}
_KNN = ("ksg", "mixed", "gao")


def _cmi_ksg(x, y, z, *, n_neighbors, standardize, workers):
    if standardize:
        x, y, z = standardized_block(x), standardized_block(y), standardized_block(z)
    return ksg_cmi(x, y, z, n_neighbors, workers=workers)


def _cmi_mixed(x, y, z, *, n_neighbors, standardize, workers):
    return mixed_cmi(x, y, z, n_neighbors, workers=workers, standardize=standardize)


CMI_METHODS = {"ksg": _cmi_ksg, "mixed": _cmi_mixed}


def _check_common(n_neighbors, base, workers, standardize):
    k = check_n_neighbors(n_neighbors)
    b = check_base(base)
    workers = check_int(workers, "workers", minimum=-1)
    if workers == 0:
        raise ValueError("`workers` must be -1 (all cores) or an integer >= 1; got 0")
    if not isinstance(standardize, (bool, np.bool_)):
        raise TypeError(f"`standardize` must be True or False; got {standardize!r}")
    return k, b, workers


def _jittered(block, jitter, gen):
    """``block`` standardised column by column plus ``jitter × N(0, 1)`` noise."""
    if block.ndim == 1:
        return standardized(block) + jitter * gen.standard_normal(block.shape[0])
    return standardized_block(block) + jitter * gen.standard_normal(block.shape)


def check_method(method, allowed) -> str:
    if not isinstance(method, str):
        raise TypeError(f"`method` must be one of {sorted(allowed)}; got {method!r}")
    if method not in allowed:
        raise ValueError(f"`method` must be one of {sorted(allowed)}; got {method!r}")
    return method


def mutual_information(
    x,
    y,
    *,
    method: str = "ksg",
    n_neighbors: int = 3,
    base: float | None = None,
    standardize: bool = True,
    jitter: float | None = None,
    rng=None,
    workers: int = 1,
    bins: int | None = None,
    binning: str = "equal-mass",
    max_categories: int = 32,
    miller_madow: bool = True,
    max_memory: float | None = DEFAULT_MAX_MEMORY,
    max_work: float | None = DEFAULT_MAX_WORK,
) -> float:
    """Estimate the mutual information ``MI(X; Y)`` of two scalars or vectors from samples.

    The privacy loss of an auction is ``MI(W; P)`` between the winner's value and the price
    (Definition 1, Eq. (MI) of the auction paper); this function estimates it from simulated
    pairs. The estimate is returned as computed: it is never clipped at zero, so that it stays
    unbiased when the true value is small.

    Parameters
    ----------
    x, y : array_like, shape (n,) or (n, d)
        Paired samples, one per row (a vector per row for ``d > 1``; ``(n, 1)`` is a scalar),
        finite, at least ``n_neighbors + 1`` rows. Distances are max-norm in the joint space of
        all columns (each standardised when ``standardize``). ``"binned"`` takes at most 4
        columns in all; ``"gao"`` one each.
    method : {"ksg", "mixed", "binned", "gao"}
        ``"ksg"``: Kraskov, Stögbauer & Grassberger algorithm 1 (max-norm), exact: for
        continuous data. ``"mixed"``: for discrete–continuous mixtures (atoms, ties, purely
        discrete columns): atoms are detected exactly and split off by the chain rule, each part
        estimated with a low-bias estimator (plug-in, Ross 2014, KSG); it equals ``"ksg"`` on
        tie-free data and the plug-in estimate on purely discrete data; for vectors an atom is
        a whole row of a block repeated ``n_neighbors + 1`` times or more. See
        ``privauction.estimators._mixed``. ``"binned"``: histograms of equal-mass bins; by
        default the Richardson extrapolation of two of them (``b`` and ``2b`` bins per column,
        ``b`` growing with ``n``, Grassberger entropies), which converges to the truth; with
        ``bins`` given, the Miller–Madow plug-in on that one histogram (as :class:`BinnedMI`,
        which also takes data chunk by chunk). See ``privauction.estimators._binned``.
        ``"gao"``: Gao et al.'s (2017) Algorithm 1 as published, kept for comparison (biased
        on atoms; use "mixed").
    n_neighbors : int
        ``k``, the number of neighbours (3, as scikit-learn and NPEET).
    base : float, optional
        Logarithm base of the result; None gives nats, 2 gives bits.
    standardize : bool
        Divide each column by its standard deviation before the max-norm neighbour search (as
        scikit-learn does). The estimate depends on the scales of ``x`` and ``y`` otherwise.
    jitter : float, optional
        If given, add ``jitter × N(0, 1)`` noise to each standardised column, drawn from
        ``rng``, to break ties (what scikit-learn and NPEET always do, with 1e-10). Off by
        default: ties are handled exactly by "mixed". "ksg" assumes continuous data: it is
        biased where values repeat (about +3 % on a reserve-price atom) and raises only when
        ``n_neighbors + 1`` points coincide, so use "mixed" for prices with atoms.
    rng : None, int, SeedSequence or Generator
        Source of the jitter; unused otherwise.
    workers : int
        Threads for the two-dimensional neighbour search (-1: all cores).
    bins, binning, max_categories, miller_madow
        Options of ``"binned"`` (see :class:`BinnedMI`; ``miller_madow`` applies only with
        ``bins`` given); ignored by the other methods.
    max_memory : float or None
        Bytes the estimate may use, 4 GiB by default, estimated as ``8 n (6 d + 10)`` for ``n``
        rows and ``d`` columns in all; None lifts the limit.
    max_work : float or None
        Most neighbour look-ups, ``n (n_neighbors + 1)`` (``n`` for ``"binned"``), 10^9 by
        default (about three minutes of one core); None lifts the limit. Both are checked from
        the shapes, before anything is copied (see ``privauction._budgets``).

    Returns
    -------
    float
        The estimate, in nats unless ``base`` is given. It may be negative when the true value
        is near zero.

    Raises
    ------
    TypeError, ValueError
        On non-numeric, non-finite, unequal-length or too short inputs, or bad options.
    ValueError
        With ``method="ksg"`` when ``n_neighbors + 1`` samples coincide (use ``"mixed"``).
    privauction._validation.WorkBudgetError
        A ``ValueError``, when the samples' memory or look-ups exceed ``max_memory`` or
        ``max_work``, or ``bins`` (``max_categories``) a count table over 4 GiB.

    References
    ----------
    A. Kraskov, H. Stögbauer, P. Grassberger, "Estimating mutual information", Phys. Rev. E 69
    (2004). W. Gao, S. Kannan, S. Oh, P. Viswanath, "Estimating mutual information for
    discrete-continuous mixtures", NeurIPS (2017). B. C. Ross, "Mutual information between
    discrete and continuous data sets", PLoS ONE 9 (2014).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(20_000)
    >>> y = 0.6 * x + 0.8 * rng.standard_normal(20_000)
    >>> abs(mutual_information(x, y) - 0.2231) < 0.02   # truth -log(1 - 0.36) / 2
    True
    >>> price = np.where(rng.random(20_000) < x.clip(0, None) / 3, 2.0, 0.0)  # an atom pair
    >>> mutual_information(x, price, method="mixed") > 0
    True
    """
    method = check_method(method, METHODS)
    k, b, workers = _check_common(n_neighbors, base, workers, standardize)
    check_binned_options(bins, max_categories, miller_madow)
    budget = dict(n_neighbors=k, knn=method in _KNN, n_estimates=1,
                  max_memory=check_max_memory(max_memory), max_work=check_max_work(max_work))
    checked = check_sample_budget({"x": x, "y": y}, **budget)
    x, y = as_blocks({"x": x, "y": y}, min_samples=k + 1 if method in _KNN else 2,
                     n_neighbors=k if method in _KNN else None)
    if not checked:
        check_sample_budget({"x": x, "y": y}, **budget)
    if x.shape[1] == 1 and y.shape[1] == 1:  # two scalars: the one-column code
        x, y = np.ascontiguousarray(x[:, 0]), np.ascontiguousarray(y[:, 0])
    if jitter is not None:
        jitter = check_real(jitter, "jitter", lower=0.0)
        gen = check_rng(rng)
        x = _jittered(x, jitter, gen)
        y = _jittered(y, jitter, gen)
    value = METHODS[method](
        x, y, n_neighbors=k, standardize=bool(standardize), workers=workers, bins=bins,
        binning=binning, max_categories=max_categories, miller_madow=miller_madow,
    )
    return value / log_base(b)


def conditional_mutual_information(
    x,
    y,
    z,
    *,
    method: str = "ksg",
    n_neighbors: int = 3,
    base: float | None = None,
    standardize: bool = True,
    jitter: float | None = None,
    rng=None,
    workers: int = 1,
    max_memory: float | None = DEFAULT_MAX_MEMORY,
    max_work: float | None = DEFAULT_MAX_WORK,
) -> float:
    """Estimate the conditional mutual information ``MI(X; Y | Z)`` from samples.

    What a published ``Y`` reveals about ``X`` to an audience that already knows ``Z`` (a
    rival's own value, an earlier price): ``MI(X; Y | Z) = E_Z[MI(X; Y | Z = z)]``. The
    estimate is returned as computed, never clipped at zero.

    Parameters
    ----------
    x, y, z : array_like, shape (n,) or (n, d)
        Paired samples, one per row, finite, at least ``n_neighbors + 1`` rows.
    method : {"ksg", "mixed"}
        ``"ksg"``: Frenzel & Pompe (2007), the KSG construction for ``MI(X; Y | Z)`` (max-norm
        radius in the joint ``(x, y, z)`` space, strict counts in the ``(x, z)``, ``(y, z)``
        and ``z`` spaces), for continuous data. ``"mixed"``: rows of ``z`` repeated at least
        ``n_neighbors + 1`` times are atoms; on each atom the term is ``"mixed"``
        :func:`mutual_information` of ``x`` and ``y`` on its rows, weighted by its share (for a
        discrete ``z`` this is the stratified estimate); on the remaining rows Mesner &
        Shalizi's (2021) mixed form of Frenzel & Pompe's estimator.
    n_neighbors : int
        ``k``, the number of neighbours.
    base : float, optional
        Logarithm base of the result; None gives nats.
    standardize : bool
        Divide each column by its standard deviation first (scale-safe).
    jitter : float, optional
        If given, add ``jitter × N(0, 1)`` noise to each standardised column, drawn from ``rng``.
    rng : None, int, SeedSequence or Generator
        Source of the jitter; unused otherwise.
    workers : int
        Threads for the neighbour searches (-1: all cores).
    max_memory, max_work : float or None
        The budgets of :func:`mutual_information` (4 GiB, 10^9 neighbour look-ups; None lifts
        a limit), checked from the shapes before anything is copied.

    Returns
    -------
    float
        The estimate, in nats unless ``base`` is given; may be negative near zero.

    Raises
    ------
    TypeError, ValueError
        On non-numeric, non-finite, unequal-length, column-less or too short inputs, bad
        options, or (``"ksg"``) ``n_neighbors + 1`` coinciding rows.

    References
    ----------
    S. Frenzel, B. Pompe, "Partial mutual information for coupling analysis of multivariate
    time series", Phys. Rev. Lett. 99 (2007). O. C. Mesner, C. R. Shalizi, "Conditional mutual
    information estimation for mixed, discrete and continuous data", IEEE Trans. Inf. Theory 67
    (2021).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> z = rng.standard_normal(20_000)
    >>> x = z + rng.standard_normal(20_000)
    >>> y = x + rng.standard_normal(20_000)       # truth 0.5 log(1 + var(x | z)) = log 2 / 2
    >>> abs(conditional_mutual_information(x, y, z) - 0.3466) < 0.02
    True
    >>> s = rng.integers(0, 3, 20_000).astype(float)   # a discrete condition
    >>> x = s + rng.standard_normal(20_000)
    >>> y = x + rng.standard_normal(20_000)       # given s, the same law: truth log 2 / 2
    >>> abs(conditional_mutual_information(x, y, s, method="mixed") - 0.3466) < 0.02
    True
    """
    method = check_method(method, CMI_METHODS)
    k, b, workers = _check_common(n_neighbors, base, workers, standardize)
    budget = dict(n_neighbors=k, knn=True, n_estimates=1,
                  max_memory=check_max_memory(max_memory), max_work=check_max_work(max_work))
    checked = check_sample_budget({"x": x, "y": y, "z": z}, **budget)
    x, y, z = as_blocks({"x": x, "y": y, "z": z}, min_samples=k + 1, n_neighbors=k)
    if not checked:
        check_sample_budget({"x": x, "y": y, "z": z}, **budget)
    if jitter is not None:
        jitter = check_real(jitter, "jitter", lower=0.0)
        gen = check_rng(rng)
        x, y, z = (_jittered(v, jitter, gen) for v in (x, y, z))
    value = CMI_METHODS[method](x, y, z, n_neighbors=k, standardize=bool(standardize),
                                workers=workers)
    return value / log_base(b)
