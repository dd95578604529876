"""Second-price auctions, without and with a reserve price (Sections 4.2 and 4.3)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate

from .._validation import check_real
from ..priors import expected_second_highest, myerson_reserve, support, virtual_value
from ..theory.price_laws import spa_price_given_value
from ..theory.spa import reserve_spa_conditional_mi, spa_privacy_loss
from .base import Mechanism, top_two

__all__ = ["SecondPrice", "ReservePrice"]


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

    def price_law(self, prior, n_bidders: int):
        """The second-highest value given the highest (``theory.spa_price_given_value``)."""
        self.check_compatible(prior, n_bidders)
        return spa_price_given_value(prior, n_bidders)

    def privacy_loss(self, prior, n_bidders: int) -> float:
        """Eq. (9): ``H_{n-1} - log n`` nats (:func:`~privauction.theory.spa_privacy_loss`)."""
        self.check_compatible(prior, n_bidders)
        return spa_privacy_loss(n_bidders)

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
            check_real(self.reserve, "reserve", lower=0.0)  # prices are >= 0 (Section 3)

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

    def price_law(self, prior, n_bidders: int):
        """``max(second, r)`` given the highest value, with its atom at ``r``."""
        self.check_compatible(prior, n_bidders)
        return spa_price_given_value(prior, n_bidders, reserve=self.reserve_for(prior))

    def privacy_loss(self, prior, n_bidders: int) -> float:
        """``P(sale) · MI(W; P | sale)`` by quadrature (see :func:`reserve_spa_conditional_mi`).

        Depends on the prior only through ``ρ = F(r)``: ``P(sale) = 1 - ρ^n``. Accurate to
        about 1e-11.
        """
        self.check_compatible(prior, n_bidders)
        rho = float(prior.cdf(self.reserve_for(prior)))
        if rho >= 1.0:  # a reserve at the top of the support, to rounding: nothing sells
            return 0.0
        sale = -math.expm1(n_bidders * math.log(rho)) if rho > 0 else 1.0  # 1 - ρ^n
        return sale * reserve_spa_conditional_mi(n_bidders, rho)

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

