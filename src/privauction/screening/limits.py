"""The κ = ∞ limit: full separation, the unconstrained Mussa–Rosen optimum (Section 3).

Every type reports θ; ``c'(q(θ)) = v(θ)``; price ``q(θ) θ - ∫_{θ_low}^θ q``. Its ex-ante privacy
loss is infinite (the posterior is an atom). Profit, buyer surplus (Eq. (16)) and welfare are
computed by adaptive quadrature in quantile space; Props. 5–6 compare the κ-optimal menus with
these values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate

from .model import screening_model

__all__ = ["SeparatingValues", "full_separation"]


@dataclass(frozen=True)
class SeparatingValues:
    """Profit, buyer surplus and welfare of the fully separating mechanism (κ = ∞)."""

    profit: float
    buyer_surplus: float
    welfare: float
    privacy_loss: float = float("inf")


def full_separation(prior, *, cost=None) -> SeparatingValues:
    """Values of the unconstrained optimum ``c'(q(θ)) = v(θ)`` (quadrature to ~1e-12).

    Examples
    --------
    >>> from scipy import stats
    >>> s = full_separation(stats.uniform(1, 1))  # q = 2θ - 2 on [1, 2]
    >>> round(s.profit, 10), round(s.buyer_surplus, 10), round(s.welfare, 10)
    (0.6666666667, 0.3333333333, 1.0)
    """
    model = screening_model(prior, cost)
    c = model.cost

    def parts(u):
        th = float(model.theta(np.array([u]))[0])
        v = float(model.virtual_value(np.array([th]), np.array([u]))[0])
        q = float(c.quantity(np.array([v]))[0])
        return th, v, q

    def profit_integrand(u):
        _, v, q = parts(u)
        return q * v - float(c(np.array([q]))[0])

    def surplus_integrand(u):
        th, _, q = parts(u)
        return q * (1.0 - u) / float(prior.pdf(th))

    opts = dict(epsabs=1e-13, epsrel=1e-12, limit=200)
    profit = integrate.quad(profit_integrand, 0.0, 1.0, **opts)[0]
    surplus = integrate.quad(surplus_integrand, 0.0, 1.0 - 1e-15, **opts)[0]
    return SeparatingValues(profit=profit, buyer_surplus=surplus, welfare=profit + surplus)
