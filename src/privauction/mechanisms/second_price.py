"""Second-price auctions, without and with a reserve price (Sections 4.2 and 4.3)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate, special

from .._validation import check_real
from ..priors import expected_second_highest, myerson_reserve, support, virtual_value
from .base import Mechanism, top_two

__all__ = ["SecondPrice", "ReservePrice", "spa_posterior_kl", "reserve_spa_conditional_mi"]


def spa_posterior_kl(a, n_bidders: int, reserve_quantile: float = 0.0):
    """KL divergence of the observer's posterior of W from its prior, after an SPA price.

    By Eq. (11) of the auction paper, after a price ``p`` (``p >= r``) the winner's value has
    density ``f(w) / (1 - F(p))`` on ``[p, θ_high]``; the prior of W given a sale has density
    ``n f F^{n-1} / (1 - F(r)^n)`` on ``[r, θ_high]``. With ``a = F(p)``, ``ρ = F(r)`` and
    ``u = F(W)`` uniform on ``[a, 1]`` under the posterior,

    ``KL(a) = -log(1 - a) - log n + log(1 - ρ^n) - (n - 1) E[log u]``, with
    ``E[log u] = (a - 1 - a log a) / (1 - a)``.

    It depends on the prior only through ``a`` and ``ρ``. Vectorised over ``a`` (in [ρ, 1)).
    """
    a = np.asarray(a, dtype=float)
    n = n_bidders
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_log_u = (a - 1.0 - special.xlogy(a, a)) / (1.0 - a)
        kl = -np.log1p(-a) - math.log(n) + math.log1p(-(reserve_quantile**n)) - (n - 1) * mean_log_u
    return kl


def reserve_spa_conditional_mi(n_bidders: int, reserve_quantile: float) -> float:
    """``MI(W; P | sale)`` of the SPA with a reserve at quantile ``ρ = F(r)``, by quadrature.

    Averages :func:`spa_posterior_kl` over the price distribution given a sale (the
    ``E_P[D_KL(G_{W|P} || G_W)]`` form of Definition 1): an atom at ``r`` of mass
    ``n (1-ρ) ρ^{n-1} / (1 - ρ^n)`` and, above ``r``, the density of the second-highest of
    ``n`` uniforms ``n (n-1) (1-a) a^{n-2} / (1 - ρ^n)`` in quantile space. ``quad`` reaches an
    absolute error below 1e-11. At ``ρ = 0`` this is Eq. (9), ``H_{n-1} - log n``.
    """
    n = n_bidders
    rho = reserve_quantile
    sale = 1.0 - rho**n
    atom = n * (1.0 - rho) * rho ** (n - 1) / sale
    atom_term = atom * float(spa_posterior_kl(rho, n, rho)) if atom > 0 else 0.0

    def integrand(a):
        return n * (n - 1) * (1 - a) * a ** (n - 2) / sale * float(spa_posterior_kl(a, n, rho))

    cont, _ = integrate.quad(integrand, rho, 1.0, epsabs=1e-13, epsrel=1e-12, limit=200)
    return atom_term + cont


@dataclass(frozen=True)
class SecondPrice(Mechanism):
    """The second-price (Vickrey) auction: the highest bidder wins and pays the second bid.

    Efficient, DSIC, ex-post IR, deterministic payments. Its privacy loss is Eq. (9) of the
    auction paper, ``MI_SPA(n) = H_{n-1} - log n``, the same for every prior (Prop. 3) and the
    minimum among efficient DSIC ex-post IR mechanisms (Theorem 1).

    Examples
    --------
    >>> from scipy import stats
    >>> round(SecondPrice().privacy_loss(stats.uniform(0, 1), n_bidders=2), 10)  # 1 - log 2
    0.3068528194
    """

    efficient = True
    dsic = True
    ex_post_ir = True
    deterministic_payments = True

    def run(self, bids, rng):
        winner, _, second = top_two(bids, rng)
        return winner, second

    def privacy_loss(self, prior, n_bidders: int) -> float:
        """Eq. (9): ``H_{n-1} - log n`` nats, exact (a finite sum)."""
        self.check_compatible(prior, n_bidders)
        return math.fsum(1.0 / k for k in range(1, n_bidders)) - math.log(n_bidders)

    def expected_revenue(self, prior, n_bidders: int) -> float:
        """``E[second-highest value]``, by quadrature."""
        self.check_compatible(prior, n_bidders)
        return expected_second_highest(prior, n_bidders)


@dataclass(frozen=True)
class ReservePrice(Mechanism):
    """Second-price auction with a reserve price ``r`` (Section 4.3).

    Unsold when the highest bid is below ``r``; otherwise the highest bidder pays
    ``max(second bid, r)``. With ``reserve=None`` the reserve is Myerson's optimal one for the
    prior, ``argmax r (1 - F(r))``, which makes it revenue-maximising (Myerson 1981) and, by
    Theorem 2, the most private revenue-maximising DSIC ex-post IR mechanism.

    Parameters
    ----------
    reserve : float or None
        The reserve price; must lie inside the prior's support.

    Examples
    --------
    >>> from scipy import stats
    >>> mech = ReservePrice(0.5)
    >>> round(mech.privacy_loss(stats.uniform(0, 1), 2) / 0.75, 7)  # MI given a sale
    0.1479355
    """

    reserve: float | None = None

    efficient = False
    dsic = True
    ex_post_ir = True
    deterministic_payments = True

    def __post_init__(self):
        if self.reserve is not None:
            check_real(self.reserve, "reserve")

    def reserve_for(self, prior) -> float:
        """The reserve used with ``prior``: the given one, or Myerson's optimal reserve."""
        return myerson_reserve(prior) if self.reserve is None else float(self.reserve)

    def check_compatible(self, prior, n_bidders: int) -> None:
        super().check_compatible(prior, n_bidders)
        if self.reserve is not None:
            low, high = support(prior)
            if not (low <= self.reserve < high):
                raise ValueError(
                    f"`reserve` must lie in the prior's support [{low}, {high}); got {self.reserve}"
                )

    def run(self, bids, rng):
        # `run` has no prior; the simulator runs the copy that `bind` fixes for the prior.
        if self.reserve is None:
            raise ValueError(
                "ReservePrice(reserve=None) needs the prior to find Myerson's reserve: use "
                "pa.simulate(...), or ReservePrice(reserve=...).run(...) directly"
            )
        winner, highest, second = top_two(bids, rng)
        sold = highest >= self.reserve
        return np.where(sold, winner, -1), np.where(sold, np.maximum(second, self.reserve), np.nan)

    def bind(self, prior, n_bidders: int) -> ReservePrice:
        """A copy with the reserve fixed for ``prior`` (Myerson's when ``reserve`` is None)."""
        return self if self.reserve is not None else ReservePrice(myerson_reserve(prior))

    def privacy_loss(self, prior, n_bidders: int) -> float:
        """``P(sale) · MI(W; P | sale)`` by quadrature (see :func:`reserve_spa_conditional_mi`).

        Depends on the prior only through ``ρ = F(r)``: ``P(sale) = 1 - ρ^n``. Accurate to
        about 1e-11.
        """
        self.check_compatible(prior, n_bidders)
        rho = float(prior.cdf(self.reserve_for(prior)))
        return (1.0 - rho**n_bidders) * reserve_spa_conditional_mi(n_bidders, rho)

    def expected_revenue(self, prior, n_bidders: int) -> float:
        """Myerson's revenue ``n ∫_r^θ̄ φ(v) F(v)^{n-1} f(v) dv`` (φ the virtual value), by quad."""
        self.check_compatible(prior, n_bidders)
        r = self.reserve_for(prior)
        _, high = support(prior)
        val, _ = integrate.quad(
            lambda v: n_bidders * virtual_value(prior, v) * prior.cdf(v) ** (n_bidders - 1)
            * prior.pdf(v),
            r, high, epsabs=1e-13, epsrel=1e-12, limit=200,
        )
        return float(val)

