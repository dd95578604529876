"""The two-buyer interval auction of Prop. 9 (Section 6.2 of the second paper).

Two buyers with i.i.d. ``U[θ_low, θ_high]`` values (``θ_low >= θ_high / 2``, so virtual values
are non-negative) report the interval holding their value; the higher interval wins, ties
broken evenly; the winner with interval ``[θ_{i-1}, θ_i]`` pays

``(θ_i θ_{i-1} - θ_low²) / (θ_i + θ_{i-1} - 2 θ_low)``,

and the loser pays nothing. From the proof of Prop. 9 (Appendix 8.12): the interim win
probability of interval ``i`` is ``q_i = ((θ_i + θ_{i-1})/2 - θ_low) / (θ_high - θ_low)``, the
interim expected payment ``p_i = (θ_i θ_{i-1} - θ_low²) / (2 (θ_high - θ_low))`` and the
expected profit ``Σ_i (θ_i θ_{i-1} - θ_low²)(θ_i - θ_{i-1}) / (θ_high - θ_low)²``, which is an
increasing affine function of ``-Σ (θ_i - θ_{i-1})³``: the same objective as the one-buyer
uniform–quadratic problem, hence the same optimal partition (Lemma 5).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_budget, check_int, check_real_array, check_rng
from ..mechanisms.base import Mechanism, top_two
from ..priors import validate_prior
from ..theory.menu import menu_entropy

__all__ = ["IntervalAuction", "interim_tables", "auction_profit", "deviation_gains"]


def _cut(cutoffs) -> np.ndarray:
    if isinstance(cutoffs, (str, bytes)):
        raise TypeError(f"`cutoffs` must be a sequence of numbers; got {cutoffs!r}")
    c = check_real_array(cutoffs, "cutoffs", ndim=None, finite=False).ravel()
    if c.size < 2 or np.any(np.diff(c) <= 0) or not np.all(np.isfinite(c)):
        raise ValueError("`cutoffs` must be >= 2 finite, strictly increasing values "
                         "θ_low = θ_0 < ... < θ_n = θ_high")
    return c


def interim_tables(cutoffs):
    """Interim win probability ``q_i`` and expected payment ``p_i`` of each interval (Prop. 9).

    Examples
    --------
    >>> q, p = interim_tables([1.0, 1.5, 2.0])
    >>> q.tolist(), p.tolist()
    ([0.25, 0.75], [0.25, 1.0])
    """
    c = _cut(cutoffs)
    low, high = c[0], c[-1]
    q = ((c[1:] + c[:-1]) / 2 - low) / (high - low)
    p = (c[1:] * c[:-1] - low * low) / (2 * (high - low))
    return q, p


def auction_profit(cutoffs) -> float:
    """Expected revenue from both buyers, proof of Prop. 9."""
    c = _cut(cutoffs)
    low, high = c[0], c[-1]
    return float(np.sum((c[1:] * c[:-1] - low * low) * np.diff(c)) / (high - low) ** 2)


@dataclass(frozen=True, eq=False)
class IntervalAuction(Mechanism):
    """Prop. 9's interval auction for two buyers, usable by ``privauction.simulate``.

    Parameters
    ----------
    cutoffs : tuple of float
        ``θ_low = θ_0 < ... < θ_n = θ_high``, the support of the uniform prior included.

    Notes
    -----
    Bidders report truthfully (their value, which the mechanism maps to its interval); the
    price depends only on the winner's interval, so it reveals that interval and nothing more.
    Truthful reporting is a Bayes–Nash equilibrium under the uniform prior (checked by
    :func:`deviation_gains`), not dominant-strategy.

    Examples
    --------
    >>> import numpy as np
    >>> mech = IntervalAuction((1.0, 1.5, 2.0))
    >>> w, p = mech.checked_run(np.array([[1.2, 1.7], [1.6, 1.1]]), np.random.default_rng(0))
    >>> w.tolist(), p.tolist()   # interval [1.5, 2]: (2*1.5 - 1) / (3.5 - 2)
    ([1, 0], [1.3333333333333333, 1.3333333333333333])
    """

    cutoffs: tuple = (1.0, 2.0)
    min_bidders = 2
    ex_post_ir = True
    deterministic_payments = True

    def __post_init__(self):
        object.__setattr__(self, "cutoffs", tuple(float(x) for x in _cut(self.cutoffs)))

    @property
    def winner_prices(self) -> np.ndarray:
        c = np.asarray(self.cutoffs)
        low = c[0]
        return (c[1:] * c[:-1] - low * low) / (c[1:] + c[:-1] - 2 * low)

    def interval_of(self, values) -> np.ndarray:
        c = np.asarray(self.cutoffs)
        return np.clip(np.searchsorted(c, values, side="right") - 1, 0, c.size - 2)

    def check_compatible(self, prior, n_bidders: int) -> None:
        validate_prior(prior)
        if n_bidders != 2:
            raise ValueError(f"`n_bidders` must be 2 for the Prop. 9 interval auction; got "
                             f"{n_bidders}")

    def run(self, bids, rng):
        idx = self.interval_of(bids)
        winner, _, _ = top_two(idx.astype(float), rng)
        won = np.take_along_axis(idx, winner[:, None], axis=1)[:, 0]
        return winner, self.winner_prices[won]

    def expected_revenue(self, prior, n_bidders: int) -> float:
        self.check_compatible(prior, n_bidders)
        return auction_profit(self.cutoffs)

    def privacy_loss(self, prior, n_bidders: int) -> float:
        """``MI(W; P)``: the price reveals the winner's interval, whose law is that of the
        interval of the maximum of two draws, ``F(θ_i)² - F(θ_{i-1})²``; so the MI is its
        entropy (Definition 2 of the auction paper; every auction sells)."""
        self.check_compatible(prior, n_bidders)
        u = np.asarray(prior.cdf(np.asarray(self.cutoffs)), dtype=float)
        w = np.diff(u**2)
        return menu_entropy(w)

    def report_privacy_loss(self, prior) -> float:
        """Each buyer's ex-ante privacy loss, Eq. (5): the entropy of the interval masses."""
        u = np.asarray(prior.cdf(np.asarray(self.cutoffs)), dtype=float)
        m = np.diff(u)
        return menu_entropy(m)

    def __repr__(self) -> str:
        return f"IntervalAuction(n_intervals={len(self.cutoffs) - 1})"


def deviation_gains(mechanism: IntervalAuction, prior, n_auctions: int, *, rng=None):
    """Monte Carlo check of incentive compatibility: bidder 0 reports another interval.

    Bidder 0's value ``θ`` and the opponent's are drawn from ``prior``; for each report
    ``j`` bidder 0 bids the midpoint of interval ``j`` against a truthful opponent, with the
    same opponent draw and tie-breaking coins for every ``j`` (common random numbers). Returns
    ``(gain, se)``, arrays of shape ``(n, n)``: the mean utility gain over truthful reporting of
    types in interval ``i`` reporting ``j``, and its standard error.
    """
    if not isinstance(mechanism, IntervalAuction):
        hint = " (call it: IntervalAuction(cutoffs))" if mechanism is IntervalAuction else ""
        raise TypeError(f"`mechanism` must be an IntervalAuction instance{hint}; got {mechanism!r}")
    validate_prior(prior)
    n_auctions = check_int(n_auctions, "n_auctions", minimum=2)
    check_budget(n_auctions * 64.0, 4 * 2**30, what=f"`n_auctions` = {n_auctions}", unit="bytes",
                 advice="use fewer auctions")
    gen = check_rng(rng)
    c = np.asarray(mechanism.cutoffs)
    k = c.size - 1
    theta = np.asarray(prior.rvs(size=n_auctions, random_state=gen), dtype=float)
    other = np.asarray(prior.rvs(size=n_auctions, random_state=gen), dtype=float)
    own = mechanism.interval_of(theta)
    opp = mechanism.interval_of(other)
    coin = gen.random(n_auctions) < 0.5
    prices = mechanism.winner_prices

    def utility(report):
        win = (report > opp) | ((report == opp) & coin)
        return np.where(win, theta - prices[report], 0.0)

    truthful = utility(own)
    gain = np.full((k, k), np.nan)
    se = np.full((k, k), np.nan)
    for j in range(k):
        d = utility(np.full(n_auctions, j)) - truthful
        for i in range(k):
            sel = own == i
            if sel.sum() > 1:
                gain[i, j] = d[sel].mean()
                se[i, j] = d[sel].std(ddof=1) / np.sqrt(sel.sum())
    return gain, se
