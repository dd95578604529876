"""Efficient DSIC mechanisms with random prices: the {0,K} lottery, the winner-bid lottery and
Beta prices (Sections 4.1 and 4.2 of the auction paper).

All three allocate to the highest bidder and charge a random price whose mean, given the bids,
is the second-highest bid (Eq. (2)), so they are DSIC and raise the SPA's expected revenue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validation import check_real
from ..priors import (
    expected_second_given_highest,
    expected_second_highest,
    support,
    validate_prior,
)
from ..theory.lotteries import zero_k_privacy_loss
from ..theory.price_laws import zero_k_price_given_value
from .base import Mechanism, top_two

__all__ = ["ZeroKLottery", "WinnerBidLottery", "BetaPrice"]


@dataclass(frozen=True)
class ZeroKLottery(Mechanism):
    """The efficient {0,K}-mechanism of Section 4.1: pay ``K`` with probability ``b2 / K``, else 0.

    Efficient, DSIC and interim IR, but not ex-post IR (``K`` may exceed the winner's value).
    Among efficient mechanisms whose prices never exceed ``K`` it has the least privacy loss
    (Prop. 1), and its privacy loss vanishes like ``1/K`` (Prop. 2).

    Parameters
    ----------
    K : float
        The price cap; must be >= the top of the prior's support.

    Examples
    --------
    >>> from scipy import stats
    >>> round(ZeroKLottery(K=2).privacy_loss(stats.uniform(0, 1), n_bidders=2), 7)
    0.0140815
    """

    K: float

    efficient = True
    dsic = True
    ex_post_ir = False
    deterministic_payments = False

    def __post_init__(self):
        check_real(self.K, "K", lower=0.0, lower_inclusive=False)

    def check_compatible(self, prior, n_bidders: int) -> None:
        super().check_compatible(prior, n_bidders)
        validate_prior(prior, bounded=True)
        _, high = support(prior)
        if self.K < high:
            raise ValueError(
                f"`K` must be >= the top of the prior's support ({high}); got {self.K}"
            )

    def run(self, bids, rng):
        winner, _, second = top_two(bids, rng)
        pay = rng.random(winner.shape[0]) * self.K < second
        return winner, np.where(pay, self.K, 0.0)

    def pay_probability(self, prior, n_bidders: int, winner_value):
        """``α(w) = E[second-highest | W = w] / K``: the chance that a winner of value w pays K.

        This is the conditional payment of a *winner*, not the interim payment ``τ(w)`` of
        Eq. (3), which also includes the chance of winning.
        """
        return expected_second_given_highest(prior, n_bidders, winner_value) / self.K

    def price_law(self, prior, n_bidders: int):
        """Atoms at 0 and K, with ``P(K | W = w) = α(w)`` (:meth:`pay_probability`)."""
        self.check_compatible(prior, n_bidders)
        return zero_k_price_given_value(prior, n_bidders, self.K)

    def privacy_loss(self, prior, n_bidders: int) -> float:
        """``MI(W; P)`` by quadrature (:func:`~privauction.theory.zero_k_privacy_loss`)."""
        self.check_compatible(prior, n_bidders)
        return zero_k_privacy_loss(prior, n_bidders, self.K)

    def expected_revenue(self, prior, n_bidders: int) -> float:
        """``E[second-highest value]`` (each price has the second bid as its mean)."""
        self.check_compatible(prior, n_bidders)
        return expected_second_highest(prior, n_bidders)


@dataclass(frozen=True)
class WinnerBidLottery(Mechanism):
    """Ex-post IR lottery of Section 4.2: pay your bid ``b1`` with probability ``b2 / b1``, else 0.

    Efficient, DSIC, ex-post IR. The price equals the winner's value with positive probability,
    so the observer learns the value exactly then: the privacy loss is infinite.

    Examples
    --------
    >>> from scipy import stats
    >>> WinnerBidLottery().privacy_loss(stats.uniform(0, 1), n_bidders=2)
    inf
    """

    efficient = True
    dsic = True
    ex_post_ir = True
    deterministic_payments = False

    def run(self, bids, rng):
        winner, highest, second = top_two(bids, rng)
        with np.errstate(divide="ignore", invalid="ignore"):
            pay = rng.random(winner.shape[0]) * highest < second
        return winner, np.where(pay, highest, 0.0)

    def privacy_loss(self, prior, n_bidders: int) -> float:
        """``math.inf``: ``P = W`` on an event of probability ``E[b2/b1] > 0``.

        The joint law of (W, P) then has a part on the diagonal that the product of marginals
        gives zero mass, so the KL divergence (MI) is infinite.
        """
        self.check_compatible(prior, n_bidders)
        return math.inf

    def expected_revenue(self, prior, n_bidders: int) -> float:
        self.check_compatible(prior, n_bidders)
        return expected_second_highest(prior, n_bidders)


@dataclass(frozen=True)
class BetaPrice(Mechanism):
    """Beta prices of Section 4.2: the winner pays ``b1 · Beta(b2, b1 − b2)``.

    The scaled Beta has mean ``b2`` and support ``[0, b1]``, so the mechanism is efficient,
    DSIC and ex-post IR; by Theorem 1 its privacy loss exceeds the SPA's. When ``b1 = b2`` the
    price is ``b1``; when ``b2 = 0`` it is 0. Its privacy loss is infinite (see
    :meth:`privacy_loss`), though the divergence is so slow (``log log``) that estimates from
    samples look finite; in floating point about 5 % of prices round to exactly ``b1``.
    """

    efficient = True
    dsic = True
    ex_post_ir = True
    deterministic_payments = False

    def privacy_loss(self, prior, n_bidders: int) -> float:
        """``math.inf``: the price nearly reveals the value when the gap ``g = b1 - b2`` is small.

        Given ``W = w`` and a gap ``g``, ``P / w ~ Beta(w - g, g)`` has density about
        ``g δ^{g-1}`` at ``δ = 1 - P/w``. The gap has a positive density at 0 (prior density
        positive), so mixing over it gives ``P | W = w`` a density of order
        ``1 / (δ log² δ)`` near ``P = w``: integrable, but ``∫ f log f`` diverges like
        ``log |log δ|``. Every ``D_KL(G_{P|W=w} || G_P)`` is infinite (``G_P`` has a bounded
        density there), hence ``MI(W; P) = E_W[D_KL] = ∞``.
        """
        self.check_compatible(prior, n_bidders)
        return math.inf

    def run(self, bids, rng):
        winner, highest, second = top_two(bids, rng)
        gap = highest - second
        ok = (second > 0) & (gap > 0)
        fraction = np.where(second > 0, 1.0, 0.0)
        if ok.any():
            fraction[ok] = rng.beta(second[ok], gap[ok])
        return winner, highest * fraction

    def expected_revenue(self, prior, n_bidders: int) -> float:
        self.check_compatible(prior, n_bidders)
        return expected_second_highest(prior, n_bidders)
