"""Symmetric Bayes–Nash equilibrium bids of the first-price and k-price auctions
(Section 4.4 of the auction paper: Prop. 4, Corollary 1).

First price: ``b(v) = E[Y1 | Y1 < v] = v - ∫_{θ_low}^v F(s)^{n-1} ds / F(v)^{n-1}``, ``Y1`` the
highest of the other ``n - 1`` values.

k-price (``k >= 3``). By revenue equivalence a bidder's expected payment equals the SPA's, which
for every rival maximum ``Y1 = y`` requires ``E[b(Z) | Y1 = y] = y``, ``Z`` the (k-1)-th highest
rival value. In quantile space (``t = F(y)``, ``Q = F^{-1}``, ``β = b ∘ Q``) the other ``n - 2``
rivals are uniform on ``[0, t]`` and ``Z = Q(t B)`` with ``B ~ Beta(n-k+1, k-2)``, so
``∫_0^t β(s) s^{n-k} (t - s)^{k-3} ds = B(n-k+1, k-2) t^{n-2} Q(t)``, an Abel equation solved by
a (k-2)-th derivative; Leibniz' rule gives

``β(t) = Γ(n-k+1)/Γ(n-1) · Σ_{j=0}^{k-2} C(k-2, j) (n-2)!/(n-k+j)! · t^j Q^{(j)}(t)``.

For ``k = 3`` this is ``b(v) = v + F(v) / ((n-2) f(v))``, and for the uniform prior on
``[a, a+s]`` it is ``b(v) = v + (k-2)(v-a)/(n-k+1)``. The bid exceeds the value for ``k > 2``
(Monderer & Tennenholtz 2000, Theorem A), so ex-post IR fails.

Numerics. Finite differences of ``Q`` lose all digits by the 6th derivative, so the derivatives
``Q^{(j)}`` are computed exactly from those of ``F`` by series reversion (Lagrange inversion),
pointwise: ``F(v)`` and ``f(v)`` from the prior, ``f', ..., f^{(k-3)}`` from a Chebyshev series of
the density on the support (it must converge: a smooth density; otherwise the bids are refused
with an error that names the limit). Both bid functions are tabulated on 8193 quantiles,
crowded towards a support end where the density vanishes (:func:`_adapted_grid`), and
interpolated by a cubic spline in the value.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.polynomial import chebyshev
from scipy import integrate, interpolate, stats

from .._validation import check_int
from ..priors import support, validate_prior

__all__ = ["first_price_bids", "k_price_bids"]

_GRID = 8193
_CHEB_DEGREES = (16, 32, 64, 128, 256, 512)


def _is_uniform(prior) -> bool:
    return getattr(prior.dist, "name", "") == "uniform"


def _end_order(prior, end: float, inward: float) -> int:
    """Order ``m`` of the zero of the density at a support end (``f ~ |x - end|^m``), 0..4;
    3 at an infinite end (a polynomially graded grid reaches the far tail)."""
    if not math.isfinite(end):
        return 3
    step = 1e-6 * (inward - end)
    f1, f2 = prior.pdf(end + step), prior.pdf(end + 2 * step)
    if f1 <= 0 or f2 <= 0:
        return 4
    return int(np.clip(np.round(np.log2(f2 / f1)), 0, 4))


def _adapted_grid(prior, n_grid: int = _GRID):
    """Quantiles ``t`` on a grid uniform in ``u``, with ``t = I_u(m_low + 1, m_high + 1)``
    (each exponent at least 2).

    Where the density has a zero of order ``m`` at a support end, ``Q`` behaves like
    ``t^{1/(m+1)}`` there; this grid makes ``Q`` a smooth function of ``u`` at both ends (at an
    infinite end, ``t ~ u^4``). Returns ``u, t, 1 - t`` (without rounding), ``dt/du`` and the
    values ``Q(t)``; grid points whose value is not finite are dropped.
    """
    low, high = support(prior)
    mid = float(prior.ppf(0.5))
    # at least 2: grid points crowd towards both ends even where the density is positive, so
    # the first-price integral keeps its relative accuracy next to θ_low
    a = max(_end_order(prior, low, mid) + 1, 2)
    b = max(_end_order(prior, high, mid) + 1, 2)
    u = np.linspace(0.0, 1.0, n_grid)
    grid = stats.beta(a, b)
    t, upper, dt_du = grid.cdf(u), grid.sf(u), grid.pdf(u)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(t <= 0.5, prior.ppf(t), prior.isf(upper))
    keep = np.isfinite(q) & np.isfinite(dt_du)
    keep &= np.concatenate([[True], np.diff(np.where(keep, q, -np.inf)) > 0])
    return u[keep], t[keep], upper[keep], dt_du[keep], q[keep]


def _spline_on_values(values, bids, base=None, monotone=False):
    """Cubic spline ``b(v)`` through the grid, extended linearly beyond its ends (a flat
    extension would make bidders above the grid tie).

    With ``monotone``, the shape-preserving piecewise cubic Hermite interpolant (PCHIP; Fritsch
    & Carlson 1980) instead: it stays within the bids of each cell, so increasing bids give an
    increasing ``b``; the cubic spline can overshoot by far where the nodes' spacing jumps by
    orders of magnitude (the heavy upper tail of a prior recovered from bids).

    With ``base`` given (bids ``>= base``), the spline runs through ``log1p(b - base)``: the
    k-price bids grow by many orders of magnitude towards the top of a support where the
    density vanishes, and their logarithm stays smooth.
    """
    if monotone:
        spline = interpolate.PchipInterpolator(values, bids)
    elif base is None:
        spline = interpolate.CubicSpline(values, bids)
    else:
        inner = interpolate.CubicSpline(values, np.log1p(np.maximum(bids - base, 0.0)))

        class _Exp:
            def __call__(self, x, nu=0):
                y = np.expm1(inner(x))
                if nu == 1:
                    return (y + 1.0) * inner(x, 1)
                return base + y

        spline = _Exp()
    slope_low, slope_high = float(spline(values[0], 1)), float(spline(values[-1], 1))
    v0, v1, b0, b1 = values[0], values[-1], bids[0], bids[-1]

    def bid(v):
        v = np.asarray(v, dtype=float)
        out = spline(np.clip(v, v0, v1))
        below, above = v < v0, v > v1
        if below.any() or above.any():
            out = np.where(below, b0 + slope_low * (v - v0), out)
            out = np.where(above, b1 + slope_high * (v - v1), out)
        return out

    return bid


def first_price_bids(prior, n_bidders: int):
    """First-price BNE bids ``b(v) = v - ∫_{θ_low}^v F^{n-1} ds / F(v)^{n-1}`` as a callable.

    The integral is taken by cumulative Simpson over the 8193 values ``Q(t)`` of the grid of
    :func:`_adapted_grid` (crowded where ``F^{n-1}`` bends, at the support's ends);
    ``b`` is then a cubic spline in the value (the monotone PCHIP in the cells where the spline
    would leave the bids of the cell's nodes). Measured max abs error below 1e-9 on beta(2, 5),
    a truncated normal and the uniform for ``n`` in {2, 3, 5}
    (``benchmarks/equilibrium_accuracy.py``). Unbounded supports are covered up to the
    quantiles about ``1e-16`` and ``1 - 1e-16`` and extended linearly beyond.

    References
    ----------
    .. [1] Auction paper, Section 4.4; Krishna, *Auction Theory*, Prop. 2.2.

    Examples
    --------
    >>> from scipy import stats
    >>> b = first_price_bids(stats.beta(2, 2), 3)
    >>> round(float(b(0.0)), 12), bool(0 < b(0.5) < 0.5)
    (0.0, True)
    """
    validate_prior(prior)
    n = check_int(n_bidders, "n_bidders", minimum=2)
    low, _ = support(prior)
    if _is_uniform(prior):
        return lambda v: low + (n - 1) * (np.asarray(v, dtype=float) - low) / n
    _, t, _, _, v = _adapted_grid(prior)
    # ∫ F^{n-1} ds in the value itself, on the grid's nodes (non-uniform Simpson): the same
    # accuracy as the integral in u on beta(2, 5) and a truncated normal, and no 1/f, which on
    # a heavy-tailed recovered prior (density near its floor over most of the support) put
    # first-price revenue 4-6 % above E[second-highest] on the Forest Service data
    cum = integrate.cumulative_simpson(t ** (n - 1), x=v, initial=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        bids = np.where(t > 0, v - cum / t ** (n - 1), v)
    # θ_low <= b(v) <= v exactly (b is a conditional mean of values below v); a density with a
    # long thin lower tail (e.g. recovered from bids) can make the quadrature overshoot
    bids = np.clip(bids, low, v)
    spline = _spline_on_values(v, bids)
    # the cubic spline must stay between the bids of neighbouring nodes (b is increasing); on a
    # heavy-tailed recovered prior it may not (it returned bids below 0 at values near 2e9 on
    # bootstrap priors of the Forest Service data): in those cells, the monotone interpolant
    lower, upper = np.minimum(bids[:-1], bids[1:]), np.maximum(bids[:-1], bids[1:])
    mid = spline(0.5 * (v[1:] + v[:-1]))
    slack = 1e-9 * np.maximum(np.abs(upper), 1.0)
    cells = (mid < lower - slack) | (mid > upper + slack)
    monotone = _spline_on_values(v, bids, monotone=True) if cells.any() else None

    def bid(x):
        x = np.asarray(x, dtype=float)
        out = spline(x)
        inside = (x >= v[0]) & (x <= v[-1])
        if monotone is not None:
            cell = np.clip(np.searchsorted(v, x, side="right") - 1, 0, v.size - 2)
            out = np.where(inside & cells[cell], monotone(x), out)
        # θ_low <= b(x) <= x between the nodes too (where b is within 1e-9 of the value, in a
        # thin lower tail, the spline's bend can cross it)
        return np.where(inside, np.clip(out, low, np.maximum(x, low)), out)[()]

    return bid


def _density_series(prior):
    """Chebyshev series of the density on the (bounded) support, or None if it does not
    converge to 1e-13 of its largest coefficient by degree 512 (a density that is not smooth)."""
    low, high = support(prior)
    for deg in _CHEB_DEGREES:
        series = chebyshev.Chebyshev.interpolate(
            lambda x: np.asarray(prior.pdf(x), dtype=float), deg, domain=[low, high])
        coef = np.abs(series.coef)
        scale = coef.max()
        if np.all(coef[-4:] <= 1e-13 * scale):
            big = np.flatnonzero(coef > 1e-16 * scale)
            return series.truncate(int(big[-1]) + 1 if big.size else 1)
    return None


def _quantile_jets(prior, v, order: int, series):
    """``[Q(t), t Q'(t), ..., t^order Q^{(order)}(t)]`` at ``t = F(v)``, by series reversion.

    With ``F(v + x) - F(v) = Σ_{m>=1} g_m x^m`` (``g_1 = f``, ``g_m = f^{(m-1)} / m!``), the
    inverse series ``x = Σ h_m y^m`` has ``h_1 = 1 / g_1`` and
    ``h_m = -(1/g_1) Σ_{i=2}^m g_i [H^i]_m``; then ``Q^{(m)}(t) = m! h_m``.
    """
    t = np.asarray(prior.cdf(v), dtype=float)
    g = np.zeros((order + 1, v.size))
    g[1] = np.asarray(prior.pdf(v), dtype=float)
    for m in range(2, order + 1):
        g[m] = series.deriv(m - 1)(v) / math.factorial(m)
    h = np.zeros((order + 1, v.size))
    with np.errstate(divide="ignore", invalid="ignore"):
        h[1] = 1.0 / g[1]
        # powers[i][m] = coefficient of y^m in H(y)^i, built as h fills in
        for m in range(2, order + 1):
            total = np.zeros(v.size)
            for i in range(2, m + 1):
                total += g[i] * _power_coefficient(h, i, m)
            h[m] = -total / g[1]
    out = [np.asarray(v, dtype=float)]
    for m in range(1, order + 1):
        out.append(t**m * math.factorial(m) * h[m])
    return t, out


def _power_coefficient(h, i: int, m: int):
    """Coefficient of ``y^m`` in ``H(y)^i`` (``H`` without constant term), from ``h[1..m-i+1]``."""
    # repeated truncated convolution of the coefficient rows
    order = m
    current = np.zeros_like(h[: order + 1])
    current[1 : order + 1] = h[1 : order + 1]
    for _ in range(i - 1):
        nxt = np.zeros_like(current)
        for a in range(1, order + 1):
            if not current[a].any():
                continue
            for b in range(1, order + 1 - a):
                nxt[a + b] += current[a] * h[b]
        current = nxt
    return current[m]


def k_price_bids(prior, n_bidders: int, k: int):
    """k-price BNE bids ``b(v)`` (``3 <= k <= n``) as a callable; None for ``k = 2`` (truthful).

    Closed form for the uniform prior; otherwise ``β(t)`` of the module docstring on the
    adapted grid, with exact derivatives of ``Q`` (series reversion of ``F``'s Taylor series,
    the density's derivatives from its Chebyshev series), and a cubic spline in the value.

    Raises
    ------
    ValueError
        For ``k >= 4`` when the density is not smooth on its support (its Chebyshev series
        does not converge by degree 512): the equilibrium needs ``k - 3`` derivatives of it.

    References
    ----------
    .. [1] Auction paper, Section 4.4, Prop. 4; Monderer & Tennenholtz (2000).

    Examples
    --------
    >>> from scipy import stats
    >>> float(k_price_bids(stats.uniform(0, 1), 4, 3)(0.5))   # v (n-1)/(n-k+1)
    0.75
    """
    validate_prior(prior, bounded=True)
    n = check_int(n_bidders, "n_bidders", minimum=2)
    k = check_int(k, "k", minimum=2)
    if k > n:
        raise ValueError(f"`k` must be an integer <= n_bidders ({n}); got {k}")
    if k == 2:
        return None
    low, _ = support(prior)
    if _is_uniform(prior):
        slope = (k - 2) / (n - k + 1)
        return lambda v: np.asarray(v, dtype=float) + slope * (np.asarray(v, dtype=float) - low)
    series = None
    if k >= 4:
        series = _density_series(prior)
        if series is None:
            raise ValueError(
                f"KPrice({k}) needs a prior whose density is smooth on its support (its "
                f"equilibrium bids use {k - 3} derivatives of the density, and the density's "
                f"Chebyshev series did not converge by degree {_CHEB_DEGREES[-1]}); use "
                "k <= 3 with this prior, or a smooth prior"
            )
    _, _, _, _, v = _adapted_grid(prior)
    v = v[(v > low)]
    t, jets = _quantile_jets(prior, v, k - 2, series)
    beta = np.zeros_like(v)
    for j in range(k - 1):
        coef = math.comb(k - 2, j) * math.exp(math.lgamma(n - 1) - math.lgamma(n - k + j + 1))
        beta += coef * jets[j]
    beta *= math.exp(math.lgamma(n - k + 1) - math.lgamma(n - 1))
    keep = np.isfinite(beta)
    v, beta = np.concatenate([[low], v[keep]]), np.concatenate([[low], beta[keep]])
    return _spline_on_values(v, beta, base=low)
