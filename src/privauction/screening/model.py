"""The Mussa–Rosen screening model of the second paper: a prior on types and a cost of quality.

Section 3 of Eilat, Eliaz & Mu, "Optimal Privacy-Constrained Mechanisms" (2019): a seller offers
quantity/quality ``q >= 0`` for a payment ``p``; profit ``p - c(q)``; a buyer of type
``θ ∈ [θ_low, θ_high]`` gets ``q θ - p``. The seller's prior ``F`` has a density ``f > 0`` on the
support, and the virtual value ``v(θ) = θ - (1 - F(θ)) / f(θ)`` is increasing with
``v(θ_low) > 0`` (footnote 5 allows ``v(θ_low) = 0`` when ``c''(0) > 0``). The cost is twice
continuously differentiable with ``c(0) = c'(0) = 0`` and ``c'' > 0`` for ``q > 0``.

This module validates both and holds them in a :class:`ScreeningModel`, which works in quantile
space: with ``u = F(θ)`` the mass of an interval is a difference of ``u`` and, because
``d/dθ [θ (F(θ) - 1)] = v(θ) f(θ)``, the integral in Eq. (2) has the closed form

``∫_a^b v(θ) f(θ) dθ = a (1 - F(a)) - b (1 - F(b))``,

so Eqs. (2)–(3) need no quadrature, only the quantile function ``F^{-1}``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .._validation import PrivauctionWarning, check_real
from ..priors import validate_prior

__all__ = [
    "ScreeningWarning",
    "Cost",
    "quadratic_cost",
    "power_cost",
    "cosh_cost",
    "as_cost",
    "ScreeningModel",
    "screening_model",
]


class ScreeningWarning(PrivauctionWarning):
    """A screening input sits on the boundary of the paper's assumptions."""


# --------------------------------------------------------------------------------------------
# Cost of quality
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cost:
    """A convex production cost ``c(q)`` with ``c(0) = c'(0) = 0`` (Section 3).

    Parameters
    ----------
    func : callable
        ``c(q)``, vectorised over numpy arrays.
    marginal : callable
        ``c'(q)``, vectorised.
    curvature : callable, optional
        ``c''(q)``; central differences of ``marginal`` when omitted.
    inverse_marginal : callable, optional
        ``φ(y) = (c')^{-1}(y)``, the quantity with marginal cost ``y`` (Eq. (3)); solved by
        safeguarded Newton steps when omitted.
    name : str
        Label used in the repr and in tables.

    Examples
    --------
    >>> c = quadratic_cost()
    >>> float(c(2.0)), float(c.quantity(1.5)), float(c.h(1.5))  # h(y) = φ(y) y - c(φ(y))
    (2.0, 1.5, 1.125)
    """

    func: Callable = field(repr=False)
    marginal: Callable = field(repr=False)
    curvature: Callable | None = field(default=None, repr=False)
    inverse_marginal: Callable | None = field(default=None, repr=False)
    name: str = "custom"

    def __call__(self, q):
        return np.asarray(self.func(np.asarray(q, dtype=float)), dtype=float)

    def d1(self, q):
        """``c'(q)``."""
        return np.asarray(self.marginal(np.asarray(q, dtype=float)), dtype=float)

    def d2(self, q):
        """``c''(q)`` (central differences of ``c'`` when no curvature was given)."""
        q = np.asarray(q, dtype=float)
        if self.curvature is not None:
            return np.asarray(self.curvature(q), dtype=float)
        step = 1e-6 * np.maximum(1.0, np.abs(q))
        lo = np.maximum(q - step, 0.0)
        return (self.d1(q + step) - self.d1(lo)) / (q + step - lo)

    def quantity(self, y):
        """``φ(y)``: the quantity whose marginal cost is ``y`` (Eq. (3)); 0 for ``y <= 0``."""
        y = np.maximum(np.asarray(y, dtype=float), 0.0)
        if self.inverse_marginal is not None:
            return np.asarray(self.inverse_marginal(y), dtype=float)
        return _invert_increasing(self.d1, self.d2, y)

    def h(self, y):
        """``h(y) = φ(y) y - c(φ(y))``, the profit per unit mass of an interval whose mean
        virtual value is ``y`` (proof of Lemma 6), so that Eq. (2) reads ``Σ h(E v) · mass``."""
        q = self.quantity(y)
        return q * np.asarray(y, dtype=float) - self(q)


def _invert_increasing(fprime, fsecond, y, *, n_newton: int = 60):
    """Solve ``c'(q) = y`` for ``q >= 0`` elementwise: Newton steps kept inside a bracket."""
    y = np.asarray(y, dtype=float)
    lo = np.zeros_like(y)
    hi = np.ones_like(y)
    for _ in range(200):
        short = fprime(hi) < y
        if not short.any():
            break
        hi = np.where(short, 2.0 * hi, hi)
    q = 0.5 * (lo + hi)
    for _ in range(n_newton):
        g = fprime(q) - y
        lo = np.where(g < 0, q, lo)
        hi = np.where(g > 0, q, hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = q - g / fsecond(q)
        inside = np.isfinite(step) & (step > lo) & (step < hi)
        new = np.where(inside, step, 0.5 * (lo + hi))
        if np.all(np.abs(new - q) <= 1e-15 * np.maximum(1.0, np.abs(q))):
            q = new
            break
        q = new
    return np.where(y <= 0, 0.0, q)


def quadratic_cost() -> Cost:
    """``c(q) = q²/2``, the paper's running example (Sections 4.3–4.4)."""
    return Cost(
        func=lambda q: 0.5 * q * q,
        marginal=lambda q: q,
        curvature=lambda q: np.ones_like(q),
        inverse_marginal=lambda y: y,
        name="q^2/2",
    )


def power_cost(power: float = 3.0, scale: float = 1.0) -> Cost:
    """``c(q) = scale · q^power / power`` with ``power > 1`` (convex, ``c(0) = c'(0) = 0``).

    Examples
    --------
    >>> c = power_cost(3.0)
    >>> float(c.quantity(4.0))  # c'(q) = q^2 = 4
    2.0
    """
    power = check_real(power, "power", lower=1.0, lower_inclusive=False)
    scale = check_real(scale, "scale", lower=0.0, lower_inclusive=False)
    k = power - 1.0
    return Cost(
        func=lambda q: scale * np.abs(q) ** power / power,
        marginal=lambda q: scale * np.abs(q) ** k,
        curvature=lambda q: scale * k * np.abs(q) ** (k - 1.0) if k != 1.0 else np.full_like(
            q, scale),
        inverse_marginal=lambda y: (np.maximum(y, 0.0) / scale) ** (1.0 / k),
        name=f"{scale:g}*q^{power:g}/{power:g}",
    )


def cosh_cost() -> Cost:
    """``c(q) = cosh(q) - 1``: convex, ``c'(q) = sinh(q)``, ``c''(q) = cosh(q) > 0``."""
    return Cost(
        func=lambda q: np.cosh(q) - 1.0,
        marginal=np.sinh,
        curvature=np.cosh,
        inverse_marginal=np.arcsinh,
        name="cosh(q)-1",
    )


def as_cost(cost, *, q_max: float = 10.0, name: str = "cost") -> Cost:
    """Normalise and validate a cost: a :class:`Cost`, a callable ``c`` or a pair ``(c, c')``.

    Checks on a grid of ``[0, q_max]`` that ``c(0) = 0``, ``c'(0) = 0``, ``c'`` is strictly
    increasing (``c`` strictly convex) and, when ``c'`` is given, that it is the derivative of
    ``c``. Raises ``ValueError`` naming ``cost`` and the failed condition; ``TypeError`` when
    it is none of the accepted forms.

    Examples
    --------
    >>> as_cost(lambda q: q**2).name
    'custom'
    >>> as_cost(lambda q: q)
    Traceback (most recent call last):
    ...
    ValueError: `cost` must satisfy c'(0) = 0 (Section 3); got c'(0) = 1 ...
    """
    if cost is None:
        return quadratic_cost()
    if isinstance(cost, Cost):
        c = cost
    elif callable(cost):
        func = cost

        def marginal(q, _f=func):
            q = np.asarray(q, dtype=float)
            step = 1e-6 * np.maximum(1.0, np.abs(q))
            lo = np.maximum(q - step, 0.0)
            return (np.asarray(_f(q + step), float) - np.asarray(_f(lo), float)) / (q + step - lo)

        c = Cost(func=func, marginal=marginal, name="custom")
    elif isinstance(cost, tuple) and len(cost) == 2 and all(callable(f) for f in cost):
        c = Cost(func=cost[0], marginal=cost[1], name="custom")
    else:
        raise TypeError(
            f"`{name}` must be a privauction.screening.Cost, a callable c(q) or a pair "
            f"(c, c_prime); got {type(cost).__name__}"
        )
    _check_cost(c, q_max, name)
    return c


def _check_cost(c: Cost, q_max: float, name: str) -> None:
    q = np.linspace(0.0, q_max, 2001)
    try:
        cq = c(q)
        d1 = c.d1(q)
    except Exception as exc:  # noqa: BLE001 - re-raised with the parameter named
        raise TypeError(f"`{name}` could not be evaluated on a numpy array: {exc}") from exc
    if cq.shape != q.shape or d1.shape != q.shape:
        raise ValueError(f"`{name}` must be vectorised: c(q) and c'(q) must keep the shape of q")
    if not (np.all(np.isfinite(cq)) and np.all(np.isfinite(d1))):
        raise ValueError(f"`{name}` must be finite on [0, {q_max:g}]")
    scale = max(1.0, float(np.max(np.abs(cq))))
    if abs(cq[0]) > 1e-9 * scale:
        raise ValueError(f"`{name}` must satisfy c(0) = 0 (Section 3); got c(0) = {cq[0]:.6g}")
    if abs(d1[0]) > 1e-5 * max(1.0, float(np.max(np.abs(d1)))):
        raise ValueError(
            f"`{name}` must satisfy c'(0) = 0 (Section 3); got c'(0) = {d1[0]:.6g} (a linear "
            "term makes low types unprofitable; drop it)"
        )
    dd = np.diff(d1)
    bad = np.flatnonzero(dd <= 0)
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"`{name}` must be strictly convex (c'' > 0 for q > 0, Section 3); c'(q) does not "
            f"increase between q = {q[i]:.4g} and q = {q[i + 1]:.4g}"
        )
    # c' consistent with c (catches a wrong derivative passed by hand)
    mid = 0.5 * (q[1:] + q[:-1])
    slope = np.diff(cq) / np.diff(q)
    d1_mid = c.d1(mid)
    err = np.max(np.abs(slope - d1_mid)) / max(1.0, float(np.max(np.abs(d1_mid))))
    if err > 1e-3:
        raise ValueError(
            f"`{name}`: c'(q) is not the derivative of c(q) (relative error {err:.3g})"
        )


# --------------------------------------------------------------------------------------------
# Prior and model
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScreeningModel:
    """A validated prior and cost, with the quantile-space formulas of Eqs. (2)–(5).

    Build it with :func:`screening_model`. ``u`` always denotes a quantile ``F(θ)``.
    """

    prior: object
    cost: Cost
    low: float
    high: float

    def theta(self, u):
        """``F^{-1}(u)`` with exact ends."""
        u = np.asarray(u, dtype=float)
        t = np.asarray(self.prior.ppf(np.clip(u, 0.0, 1.0)), dtype=float)
        t = np.where(u <= 0.0, self.low, np.where(u >= 1.0, self.high, t))
        return t

    def virtual_value(self, theta, u=None):
        """``v(θ) = θ - (1 - F(θ)) / f(θ)`` (Section 3); ``u = F(θ)`` may be passed."""
        theta = np.asarray(theta, dtype=float)
        s = 1.0 - (np.asarray(u, float) if u is not None else self.prior.cdf(theta))
        with np.errstate(divide="ignore", invalid="ignore"):
            return theta - s / self.prior.pdf(theta)

    def interval_moments(self, u):
        """Masses, mean virtual values and cutoffs of the partition with quantile cutoffs ``u``.

        ``u`` includes the ends 0 and 1. Returns ``(theta, mass, mean_v)``; the mean virtual
        value uses the closed form of the module docstring, and the midpoint value for
        intervals of mass below 1e-9 (where the closed form would cancel).
        """
        u = np.asarray(u, dtype=float)
        theta = self.theta(u)
        mass = np.diff(u)
        num = theta[:-1] * (1.0 - u[:-1]) - theta[1:] * (1.0 - u[1:])
        tiny = mass < 1e-9
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_v = num / mass
        if tiny.any():
            mid_u = 0.5 * (u[:-1] + u[1:])
            mean_v = np.where(tiny, self.virtual_value(self.theta(mid_u), mid_u), mean_v)
        return theta, mass, mean_v


def screening_model(prior, cost=None, *, name: str = "prior", warn: bool = True
                    ) -> ScreeningModel:
    """Validate ``prior`` and ``cost`` against Section 3's assumptions.

    Raises
    ------
    TypeError
        ``prior`` is not a frozen continuous scipy.stats distribution; ``cost`` of a wrong type.
    ValueError
        Unbounded support; density infinite at an end of the support, or vanishing there
        faster than the virtual value allows (a zero at ``θ_high`` with a finite ``v``, as
        for ``beta(1, 2)``, is accepted); virtual value
        not increasing or negative at ``θ_low``; a cost that is not convex or has
        ``c(0) != 0`` or ``c'(0) != 0``. The message names the parameter and what to change.

    Warns
    -----
    ScreeningWarning
        When ``v(θ_low) = 0`` (within 1e-9) and ``c''(0) = 0``: footnote 5 of the paper
        allows ``v(θ_low) = 0`` only when ``c''(0) > 0`` (an existence condition, so not
        raised with ``warn=False``, as for a menu with given cutoffs).

    Examples
    --------
    >>> from scipy import stats
    >>> m = screening_model(stats.uniform(1, 1))
    >>> float(m.virtual_value(1.0))  # 2θ - θ_high
    0.0
    """
    validate_prior(prior, name=name, bounded=True)
    low, high = (float(x) for x in prior.support())
    f_ends = np.asarray(prior.pdf(np.array([low, high])), dtype=float)
    # pdf at the exact ends can be 0 for distributions defined on an open interval; look
    # just inside.
    inside = np.asarray(prior.pdf(prior.ppf(np.array([1e-12, 1 - 1e-12]))), dtype=float)
    f_ends = np.where(f_ends > 0, f_ends, inside)
    if not np.all(np.isfinite(f_ends)) or np.any(f_ends <= 1e-10):
        raise ValueError(
            f"`{name}` must have a density bounded away from 0 and infinity on its support "
            f"[{low:g}, {high:g}] (Section 3); got f(θ_low) = {f_ends[0]:.3g}, "
            f"f(θ_high) = {f_ends[1]:.3g}"
        )
    u = np.linspace(0.0, 1.0, 1025)
    theta = np.asarray(prior.ppf(u), dtype=float)
    theta[0], theta[-1] = low, high
    dens = np.asarray(prior.pdf(theta), dtype=float)
    dens[[0, -1]] = f_ends
    with np.errstate(divide="ignore", invalid="ignore"):
        v = theta - (1.0 - u) / dens
    v_low = float(v[0])
    if not np.isfinite(v).all():
        raise ValueError(f"`{name}`: the virtual value is not finite on the support")
    scale = max(1.0, abs(high))
    if v_low < -1e-9 * scale:
        remedy = (
            f"use a prior with more density at θ_low (f(θ_low) >= {1 / low:.4g})"
            if low > 0 else "no density helps when θ_low = 0"
        )
        raise ValueError(
            f"`{name}` must have a non-negative virtual value at the lowest type (Section 3: "
            f"v(θ_low) > 0, so that every type is served); got v({low:g}) = "
            f"{low:g} - 1/f({low:g}) = {v_low:.6g}. Shift the support up (e.g. loc + 1), or "
            f"{remedy}"
        )
    dv = np.diff(v)
    bad = np.flatnonzero(dv < -1e-9 * scale)
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"`{name}` must have an increasing virtual value v(θ) = θ - (1-F(θ))/f(θ) (Section "
            f"3); it decreases between θ = {theta[i]:.4g} and {theta[i + 1]:.4g}. Use a prior "
            "with a monotone hazard rate (uniform, beta(a, b) with a, b >= 1 on a shifted "
            "support, truncated normal)"
        )
    c = as_cost(cost, q_max=float(max(1.0, 1.5 * high)), name="cost")
    if warn and abs(v_low) <= 1e-9 * scale and not float(c.d2(np.array([0.0]))[0]) > 1e-12:
        warnings.warn(
            f"`{name}` has v(θ_low) = 0 and the cost has c''(0) = 0: the lowest types get "
            "quantity 0 and existence of the optimum is not guaranteed (footnote 5 of the "
            "paper needs c''(0) > 0); shift the support up or use a cost with c''(0) > 0",
            ScreeningWarning,
            stacklevel=2,
        )
    return ScreeningModel(prior=prior, cost=c, low=low, high=high)
