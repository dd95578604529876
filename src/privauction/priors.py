"""Helpers over frozen continuous ``scipy.stats`` distributions used as priors.

A *prior* is any frozen continuous distribution, e.g. ``stats.uniform(0, 1)`` or
``stats.beta(2, 2)``. Bidders' values are i.i.d. draws from it (Section 3 of the auction paper,
Eilat, Eliaz & Mu, "Privacy Preserving Auctions").

The helpers here give the support, the hazard rate ``f / (1 - F)`` and a check that it is
monotone (the MHR assumption of Section 3, needed by Theorems 1 and 2), Myerson's optimal
reserve (Section 4.3), and the distributions of the highest and second-highest of ``n`` draws
(``G_W`` and ``G_L`` of Step 2 in the proof of Theorem 1).
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
from scipy import integrate, optimize, stats

from ._budgets import GRID_LIMIT_BYTES
from ._validation import PrivauctionWarning, check_bool, check_budget, check_int, check_real

__all__ = [
    "MHRWarning",
    "validate_prior",
    "support",
    "hazard_rate",
    "is_mhr",
    "warn_if_not_mhr",
    "virtual_value",
    "myerson_reserve",
    "highest_cdf",
    "highest_pdf",
    "second_highest_cdf",
    "second_highest_pdf",
    "expected_second_highest",
    "expected_second_given_highest",
]


#: 64-point Gauss–Legendre rule on [-1, 1], computed once (a constant, not state).
_GAUSS_LEGENDRE_64 = np.polynomial.legendre.leggauss(64)


class MHRWarning(PrivauctionWarning):
    """A result that assumes a monotone hazard rate is applied to a prior that lacks it."""


def validate_prior(prior, *, name: str = "prior", bounded: bool = False):
    """Check that ``prior`` is a frozen continuous scipy.stats distribution.

    Parameters
    ----------
    prior : object
        The candidate prior.
    name : str
        Parameter name used in error messages.
    bounded : bool
        If True, the support must be a bounded interval (needed by mechanisms that cap the
        price, e.g. the {0,K} lottery, and by equilibrium bid functions).

    Returns
    -------
    prior
        The same object, for chaining.

    Raises
    ------
    TypeError
        If ``prior`` is not a frozen distribution or is discrete.
    ValueError
        If ``bounded`` and the support is not bounded.

    Examples
    --------
    >>> from scipy import stats
    >>> float(validate_prior(stats.uniform(0, 1)).mean())
    0.5
    >>> validate_prior(stats.uniform)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: `prior` must be a frozen continuous scipy.stats distribution ... (call it ...)
    """
    if bounded is False and prior is not None and _PROPER.get(id(prior)) is prior:
        return prior  # already found proper: a dict lookup
    bounded = check_bool(bounded, "bounded")
    if isinstance(prior, stats.rv_continuous):
        raise TypeError(
            f"`{name}` must be a frozen continuous scipy.stats distribution such as "
            f"stats.uniform(0, 1); got the unfrozen distribution {type(prior).__name__} "
            "(call it with its parameters to freeze it)"
        )
    if isinstance(prior, stats.rv_discrete) or (
        hasattr(prior, "dist") and isinstance(prior.dist, stats.rv_discrete)
    ):
        dist = getattr(prior, "dist", prior)
        raise TypeError(
            f"`{name}` must be a continuous distribution; got the discrete distribution "
            f"{type(dist).__name__} (values must have a density)"
        )
    if not (hasattr(prior, "dist") and isinstance(prior.dist, stats.rv_continuous)):
        raise TypeError(
            f"`{name}` must be a frozen continuous scipy.stats distribution such as "
            f"stats.uniform(0, 1); got {type(prior).__name__}"
        )
    if id(prior) not in _PROPER or _PROPER[id(prior)] is not prior:
        _check_proper(prior, name)
        if len(_PROPER) > 4096:
            _PROPER.clear()
        _PROPER[id(prior)] = prior
    if bounded:
        low, high = support(prior)
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError(
                f"`{name}` must have a bounded support for this mechanism; got support "
                f"[{low}, {high}] (truncate it, e.g. stats.truncexpon(b=5))"
            )
    return prior


_PROPER: dict[int, object] = {}  # priors already found proper (id -> the prior itself)


def _points(x, name: str = "x") -> np.ndarray:
    """Points at which a helper evaluates the prior: real numbers (±inf allowed), no NaN.

    A NaN point would come back as a NaN result, silently; strings, complex numbers, booleans
    and objects are refused rather than converted."""
    if type(x) is float:  # the quadratures' scalar calls: no array round trip
        if x != x:
            raise ValueError(f"`{name}` must not hold NaN; got nan")
        return x
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged sequences
        raise TypeError(f"`{name}` must be real numbers; got {type(x).__name__}") from exc
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"`{name}` must be real numbers (a float or an array of them); got "
            + (f"{x!r:.40}" if arr.ndim == 0 else f"an array of dtype {arr.dtype}")
        )
    arr = arr.astype(float, copy=False)
    if np.isnan(arr).any():
        i = int(np.flatnonzero(np.isnan(arr.ravel()))[0])
        raise ValueError(f"`{name}` must not hold NaN; got NaN at flat index {i}")
    return arr


def _check_proper(prior, name: str) -> None:
    """A proper distribution: finite parameters, a support with low < high, a finite median
    with a positive finite density there (``stats.uniform(0, inf)`` is none of these)."""
    params = list(prior.args) + list(prior.kwds.values())
    for value in params:
        if isinstance(value, numbers.Real) and not math.isfinite(value):
            raise ValueError(
                f"`{name}` must have finite parameters; got {_label(prior)} (a scale or shape of "
                f"{value} gives no proper distribution)"
            )
    low, high = prior.support()
    with np.errstate(all="ignore"):
        median = float(prior.ppf(0.5))
        dens = float(prior.pdf(median)) if math.isfinite(median) else math.nan
    if not (low < high) or not math.isfinite(median) or not (0 < dens < math.inf):
        raise ValueError(
            f"`{name}` must be a proper continuous distribution (support low < high, a finite "
            f"median with a positive density); got {_label(prior)} with support [{low}, {high}], "
            f"median {median} and density {dens} there"
        )


def support(prior) -> tuple[float, float]:
    """Lower and upper end of the prior's support, ``(θ_low, θ_high)``.

    Examples
    --------
    >>> from scipy import stats
    >>> support(stats.uniform(1, 2))
    (1.0, 3.0)
    """
    validate_prior(prior)
    low, high = prior.support()
    return float(low), float(high)


def hazard_rate(prior, x):
    """Hazard rate ``f(x) / (1 - F(x))`` (the ``C(s)`` of Eq. (7) of the auction paper)."""
    validate_prior(prior)
    x = _points(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return prior.pdf(x) / prior.sf(x)


def is_mhr(prior, *, n_grid: int = 2001, rtol: float = 1e-9) -> bool:
    """Whether the hazard rate is non-decreasing on a grid over the support.

    The grid covers the support (or its 1e-9 to 1 - 1e-9 quantile range when unbounded) in
    ``n_grid`` equally spaced quantiles; a decrease larger than ``rtol`` relative to the hazard
    rate counts as a violation.

    Examples
    --------
    >>> from scipy import stats
    >>> is_mhr(stats.uniform(0, 1)), is_mhr(stats.beta(2, 2)), is_mhr(stats.beta(0.5, 0.5))
    (True, True, False)
    """
    validate_prior(prior)
    n_grid = check_int(n_grid, "n_grid", minimum=2)
    rtol = check_real(rtol, "rtol", lower=0.0)
    check_budget(48.0 * n_grid, GRID_LIMIT_BYTES, unit="bytes", what=f"`n_grid` = {n_grid:,}",
                 advice="use fewer grid points (the default 2001 resolves smooth priors)")
    q = np.linspace(1e-9, 1 - 1e-6, n_grid)
    x = prior.ppf(q)
    h = hazard_rate(prior, x)
    h = h[np.isfinite(h)]
    dh = np.diff(h)
    return bool(np.all(dh >= -rtol * np.abs(h[1:]) - 1e-12))


def warn_if_not_mhr(prior, result: str) -> bool:
    """Warn with :class:`MHRWarning` when ``result`` (a theorem) needs MHR that the prior lacks.

    Returns whether the prior is MHR.
    """
    ok = is_mhr(prior)
    if not ok:
        warnings.warn(
            f"{result} assumes a monotone hazard rate, but the prior {_label(prior)} does not "
            "have one; the result may not hold. Use an MHR prior (uniform, beta(a, b) with "
            "a, b >= 1, truncated exponential or normal) to apply it.",
            MHRWarning,
            stacklevel=3,
        )
    return ok


def virtual_value(prior, x):
    """Myerson's virtual value ``x - (1 - F(x)) / f(x)``."""
    validate_prior(prior)
    x = _points(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return x - prior.sf(x) / prior.pdf(x)


def myerson_reserve(prior, *, upper: float | None = None) -> float:
    """Myerson's optimal reserve ``r* = argmax_r r (1 - F(r))`` (Section 4.3).

    ``upper``: search only reserves ``<= upper`` (e.g. the top of the values a recovered prior
    rests on; :func:`privauction.audit.audit` passes it). None: the whole support.

    Under MHR ``r*`` is the unique root of the virtual value; it is found with Brent's method on
    the support (to 1e-12), after a grid search that guards against priors with several local
    maxima (those get a warning from :func:`warn_if_not_mhr` where a theorem needs MHR).

    Raises
    ------
    ValueError
        When ``r (1 - F(r))`` does not fall in an unbounded upper tail (no optimal reserve, e.g.
        ``stats.pareto(0.5)``, whose revenue ``sqrt(r)`` grows without bound).

    Examples
    --------
    >>> from scipy import stats
    >>> round(myerson_reserve(stats.uniform(0, 1)), 12)
    0.5
    """
    validate_prior(prior)
    low, high = support(prior)
    lo_q, hi_q = (0.0 if math.isfinite(low) else 1e-12), (1.0 if math.isfinite(high) else 1 - 1e-12)
    if upper is not None:
        upper = float(upper)
        if not upper > low:
            raise ValueError(
                f"`upper` must be above the bottom of the prior's support ({low}); got {upper}")
        if upper < high:
            high, hi_q = upper, float(prior.cdf(upper))
    grid = prior.ppf(np.linspace(lo_q, hi_q, 4001))
    revenue = grid * prior.sf(grid)
    i = int(np.nanargmax(revenue))
    if not math.isfinite(high) and revenue[-1] >= revenue[i] * (1 - 1e-9):
        raise ValueError(
            f"`prior` has no optimal reserve: r (1 - F(r)) does not fall in the upper tail of "
            f"{_label(prior)} (it is {revenue[-1]:.4g} at r = {grid[-1]:.4g}, the quantile "
            "1 - 1e-12, against a grid maximum of "
            f"{revenue[i]:.4g}): a tail as heavy as a Pareto with index <= 1; give the reserve "
            "explicitly, ReservePrice(reserve=...)"
        )
    a = grid[max(i - 1, 0)]
    b = grid[min(i + 1, len(grid) - 1)]
    if a == b:
        return float(a)
    res = optimize.minimize_scalar(
        lambda r: -r * prior.sf(r), bounds=(a, b), method="bounded",
        options={"xatol": 1e-13 * max(1.0, abs(b))},
    )
    if upper is not None and i == len(grid) - 1 and upper * prior.sf(upper) >= -res.fun:
        return upper   # the maximum sits at the limit, which the bounded search never tries
    return float(res.x)


def _label(prior) -> str:
    name = getattr(prior.dist, "name", type(prior.dist).__name__)
    args = ", ".join(f"{a:g}" for a in prior.args)
    kwds = ", ".join(f"{k}={v:g}" for k, v in prior.kwds.items())
    return f"{name}({', '.join(p for p in (args, kwds) if p)})"


def highest_cdf(prior, n_bidders: int, x):
    """CDF of the highest of ``n`` draws, ``G_W = F^n`` (Step 2 of Theorem 1's proof)."""
    validate_prior(prior)
    n_bidders = check_int(n_bidders, "n_bidders", minimum=1)
    x = _points(x)
    return np.asarray(prior.cdf(x), dtype=float) ** n_bidders


def highest_pdf(prior, n_bidders: int, x):
    """Density ``g_W = n f F^{n-1}`` of the highest of ``n`` draws."""
    validate_prior(prior)
    n_bidders = check_int(n_bidders, "n_bidders", minimum=1)
    x = _points(x)
    return n_bidders * prior.pdf(x) * np.asarray(prior.cdf(x), dtype=float) ** (n_bidders - 1)


def second_highest_cdf(prior, n_bidders: int, x):
    """CDF ``G_L = F^n + n (1 - F) F^{n-1}`` of the second-highest of ``n`` draws."""
    validate_prior(prior)
    n_bidders = check_int(n_bidders, "n_bidders", minimum=2)
    x = _points(x)
    F = np.asarray(prior.cdf(x), dtype=float)
    return F**n_bidders + n_bidders * (1 - F) * F ** (n_bidders - 1)


def second_highest_pdf(prior, n_bidders: int, x):
    """Density ``g_L = n (n-1) f (1 - F) F^{n-2}`` of the second-highest of ``n`` draws."""
    validate_prior(prior)
    n_bidders = check_int(n_bidders, "n_bidders", minimum=2)
    x = _points(x)
    F = np.asarray(prior.cdf(x), dtype=float)
    return n_bidders * (n_bidders - 1) * prior.pdf(x) * (1 - F) * F ** (n_bidders - 2)


def expected_second_highest(prior, n_bidders: int) -> float:
    """``E[second-highest of n draws]`` = the expected revenue of the SPA, by quadrature.

    Computed as ``θ_low + ∫ (1 - G_L(s)) ds`` over the support (for a support bounded below)
    with ``scipy.integrate.quad`` (absolute error below 1e-10 for smooth priors).
    """
    n_bidders = check_int(n_bidders, "n_bidders", minimum=2)
    validate_prior(prior)
    low, high = support(prior)
    if not math.isfinite(low):
        val, _ = integrate.quad(
            lambda x: x * second_highest_pdf(prior, n_bidders, x), low, high, limit=200
        )
        return float(val)
    val, _ = integrate.quad(
        lambda s: 1.0 - second_highest_cdf(prior, n_bidders, s), low, high,
        epsabs=1e-13, epsrel=1e-12, limit=200,
    )
    return float(low + val)


def expected_second_given_highest(prior, n_bidders: int, w):
    """``E[second-highest | highest = w]``, vectorised over ``w``.

    Given the highest value ``w``, the other ``n - 1`` values are i.i.d. from the prior truncated
    to ``[θ_low, w]``, so ``E[second | W = w] = θ_low + ∫_{θ_low}^{w} 1 - (F(s)/F(w))^{n-1} ds``.
    This is the probability-weighting that the {0,K} lottery applies to a *winner* (not the
    interim payment ``τ(w)`` of a type in Eq. (3), which also carries the chance of winning).
    The integral is taken with 64-point Gauss–Legendre on ``[θ_low, w]`` (error below 1e-12 for
    smooth priors; checked against ``quad`` in the tests).
    """
    low, _ = support(prior)
    if not math.isfinite(low):
        raise ValueError("`prior` must have a support bounded below for this quantity")
    n_bidders = check_int(n_bidders, "n_bidders", minimum=2)
    size = int(np.size(w))  # before the O(size) checks: a broadcast view may be huge
    # The quadrature runs over chunks of points (about 70 MB of work arrays each), so only the
    # result's own 8 bytes a point count against the budget.
    check_budget(8.0 * size, GRID_LIMIT_BYTES, unit="bytes",
                 what=f"`w` of {size:,} points", advice="evaluate it in chunks of fewer points")
    w = np.atleast_1d(_points(w, "w"))
    out = np.empty(w.shape, dtype=float)
    flat_w, flat_out = w.reshape(-1), out.reshape(-1)
    for start in range(0, flat_w.size, _SECOND_GIVEN_HIGHEST_CHUNK):
        part = slice(start, start + _SECOND_GIVEN_HIGHEST_CHUNK)
        flat_out[part] = _second_given_highest(prior, n_bidders, low, flat_w[part])
    return out


#: Points per chunk of :func:`expected_second_given_highest`'s quadrature (4 work arrays of
#: 64 nodes a point: 67 MB).
_SECOND_GIVEN_HIGHEST_CHUNK = 2**15


def _second_given_highest(prior, n_bidders: int, low: float, w: np.ndarray) -> np.ndarray:
    nodes, weights = _GAUSS_LEGENDRE_64
    half = (w - low)[:, None] / 2.0
    s = low + half * (nodes[None, :] + 1.0)
    Fw = np.asarray(prior.cdf(w), dtype=float)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(Fw > 0, np.asarray(prior.cdf(s), dtype=float) / Fw, 0.0)
    integrand = 1.0 - ratio ** (n_bidders - 1)
    return low + np.sum(weights[None, :] * integrand, axis=1) * half[:, 0]
