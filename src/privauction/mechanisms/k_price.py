"""k-price and first-price auctions with their symmetric Bayes–Nash equilibrium bids
(Section 4.4 of the auction paper: Prop. 4 and Corollary 1).

The equilibrium bids are computed in :mod:`privauction.theory.equilibrium`
(:func:`~privauction.theory.k_price_bids`, :func:`~privauction.theory.first_price_bids`), the
privacy loss in :func:`~privauction.theory.k_price_privacy_loss`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .._validation import check_int
from ..priors import expected_second_highest, validate_prior
from ..theory.equilibrium import first_price_bids, k_price_bids
from ..theory.price_laws import k_price_given_value
from ..theory.spa import k_price_privacy_loss
from .base import Mechanism, kth_highest, top_two

__all__ = ["KPrice", "FirstPrice", "k_price_privacy_loss"]

_GRID = 8193


@dataclass(frozen=True)
class KPrice(Mechanism):
    """k-price auction: the highest bidder wins and pays the k-th highest bid (Section 4.4).

    Bidders play the symmetric Bayes–Nash equilibrium. The winner's privacy loss is the MI of
    the highest and k-th highest values (prices are an increasing function of the k-th highest
    value), decreasing in ``k`` (Prop. 4); for ``k > 2`` the price exceeds the winner's value
    with positive probability (Corollary 1), which the simulator records
    (``Outcomes.ex_post_ir_violation_share``).

    Parameters
    ----------
    k : int
        Which bid the winner pays, ``k >= 2`` (``k = 2`` is the SPA; use :class:`FirstPrice`
        for ``k = 1``). Needs ``n_bidders >= k``.

    Examples
    --------
    >>> from scipy import stats
    >>> mech = KPrice(3)
    >>> float(mech.bid_function(stats.uniform(0, 1), 4)(0.5))  # b(v) = v (n-1)/(n-k+1)
    0.75
    """

    k: int = 2

    efficient = True
    deterministic_payments = True

    def __post_init__(self):
        k = check_int(self.k, "k", minimum=1)
        if k < 2:
            raise ValueError("`k` must be an integer >= 2 (use FirstPrice() for k = 1); got 1")
        object.__setattr__(self, "k", k)  # 3.0 -> 3, so the repr and indexing see an int

    @property
    def min_bidders(self) -> int:  # type: ignore[override]
        return max(2, self.k)

    @property
    def dsic(self) -> bool:  # type: ignore[override]
        return self.k == 2

    @property
    def strategy(self) -> str:
        return "truthful" if self.k == 2 else "equilibrium"

    @property
    def ex_post_ir(self) -> bool:  # type: ignore[override]
        return self.k == 2

    def check_compatible(self, prior, n_bidders: int) -> None:
        validate_prior(prior)
        n_bidders = check_int(n_bidders, "n_bidders", minimum=2)
        if n_bidders < self.k:
            raise ValueError(
                f"`n_bidders` must be >= k ({self.k}) for KPrice({self.k}); got {n_bidders}"
            )
        super().check_compatible(prior, n_bidders)
        if self.k >= 3:
            validate_prior(prior, bounded=True)

    def bid_function(self, prior, n_bidders: int):
        """Symmetric BNE bid function ``b(v)`` (:func:`~privauction.theory.k_price_bids`).

        Closed form for uniform priors; otherwise exact derivatives of the quantile function
        (series reversion) on an adapted grid of 8193 quantiles, a cubic spline in the value.
        Relative residual of the equilibrium identity below 1e-10 for k = 3..10 on beta(2, 2)
        and a truncated normal (``benchmarks/equilibrium_accuracy.py``).
        """
        if self.k == 2:
            return None
        return k_price_bids(prior, n_bidders, self.k)

    def deviation_gain(self, prior, n_bidders: int, values, n_deviations: int = 201):
        """Largest expected gain of a bidder who deviates from the equilibrium bid.

        For each value ``v`` in ``values``, the expected utility of bidding ``b(v')`` for
        ``v'`` on a grid of ``n_deviations`` quantiles, when the ``n - 1`` rivals bid ``b``,
        is computed by Gauss–Legendre quadrature (``E[(v - b(Z)) 1{Y1 < v'}]``, ``Y1`` the
        highest and ``Z`` the (k-1)-th highest rival). Returns ``max_v' U(v, v') - U(v, v)``
        per value: zero (up to quadrature error) in equilibrium.
        """
        n, k = n_bidders, self.k
        bid = self.bid_function(prior, n) or (lambda v: v)
        values = np.atleast_1d(np.asarray(values, dtype=float))
        nodes, weights = np.polynomial.legendre.leggauss(96)
        x = (nodes + 1) / 2  # quadrature on [0, 1]
        wx = weights / 2
        # E[b(Z) | Y1 at quantile s] = E_B[b(Q(s B))], B ~ Beta(n-k+1, k-2) (k >= 3),
        # Z = Y1 itself when k = 2.
        s_grid = np.linspace(0, 1, 801)[1:]
        if k == 2:
            cond_pay = bid(prior.ppf(s_grid))
        else:
            b_nodes = stats.beta(n - k + 1, k - 2).ppf(x)
            cond_pay = np.array([np.sum(wx * bid(prior.ppf(s * b_nodes))) for s in s_grid])
        s_grid = np.concatenate([[0.0], s_grid])
        cond_pay = np.concatenate([[bid(prior.ppf(0.0))], cond_pay])
        dev_q = np.linspace(0, 1, n_deviations)

        def utility(v, upper_q):
            s = upper_q * x
            dens = (n - 1) * s ** (n - 2)
            return upper_q * np.sum(wx * dens * (v - np.interp(s, s_grid, cond_pay)))

        gains = []
        for v in values:
            own = utility(v, float(prior.cdf(v)))
            best = max(utility(v, q) for q in dev_q)
            gains.append(max(best - own, 0.0))
        return np.array(gains)

    def run(self, bids, rng):
        winner, _, second = top_two(bids, rng)
        price = second if self.k == 2 else kth_highest(bids, self.k)
        return winner, price

    def price_law(self, prior, n_bidders: int):
        """The equilibrium bid of the k-th highest value, given the highest value."""
        self.check_compatible(prior, n_bidders)
        return k_price_given_value(prior, n_bidders, self.k, self.bid_function(prior, n_bidders))

    def privacy_loss(self, prior, n_bidders: int) -> float:
        """Closed form of :func:`k_price_privacy_loss` (exact; prior-free)."""
        self.check_compatible(prior, n_bidders)
        return k_price_privacy_loss(n_bidders, self.k)

    def expected_revenue(self, prior, n_bidders: int) -> float:
        """``E[second-highest value]``, by revenue equivalence (efficient BNE)."""
        self.check_compatible(prior, n_bidders)
        return expected_second_highest(prior, n_bidders)


@dataclass(frozen=True)
class FirstPrice(Mechanism):
    """First-price auction with its symmetric BNE bids ``b(v) = E[Y1 | Y1 < v]``.

    ``Y1`` is the highest of the other ``n - 1`` values, so
    ``b(v) = v - ∫_{θ_low}^{v} F(s)^{n-1} ds / F(v)^{n-1}`` (closed form
    ``a + (n-1)(v-a)/n`` for the uniform prior on ``[a, a+s]``). The price is a strictly
    increasing function of the winner's value, so it reveals the value: infinite privacy loss.
    """

    efficient = True
    dsic = False
    ex_post_ir = True
    deterministic_payments = True

    def bid_function(self, prior, n_bidders: int):
        """BNE bids (:func:`~privauction.theory.first_price_bids`): closed form for uniform
        priors, else the integral form on an adapted grid (max abs error below 1e-9 on
        beta(2, 5), a truncated normal and the uniform, n in {2, 3, 5})."""
        return first_price_bids(prior, n_bidders)

    def run(self, bids, rng):
        winner, highest, _ = top_two(bids, rng)
        return winner, highest

    def privacy_loss(self, prior, n_bidders: int) -> float:
        """``math.inf``: the price ``b(W)`` is strictly increasing in W and reveals it."""
        self.check_compatible(prior, n_bidders)
        return math.inf

    def expected_revenue(self, prior, n_bidders: int) -> float:
        """``E[second-highest value]`` by revenue equivalence."""
        self.check_compatible(prior, n_bidders)
        return expected_second_highest(prior, n_bidders)
