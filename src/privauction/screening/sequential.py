"""Section 6.1 of the second paper: a sequential mechanism beats every one-shot one on privacy.

The buyer's type is ``θ ~ U[0, 1]``; one unit of a good (no cost).

*One-shot*: report ``θ > 0.5`` → offered at 0.375; ``0.25 < θ <= 0.5`` → with probability 1/2
offered at 0.25, else nothing; ``θ <= 0.25`` → nothing. The seller learns which of
``[0, .25], [.25, .5], [.5, 1]`` holds θ: ex-ante privacy loss ``H(1/4, 1/4, 1/2) = 1.5 log 2``.

*Sequential*: first "above or below 0.5?"; above → offered at 0.375; below → with probability
1/2 the interaction ends, else a second question "above or below 0.25?" with an offer at 0.25
above. Same incentives and profit (7/32), but below 0.5 the seller learns the fine interval
only half the time: messages ``above`` (mass 1/2, KL log 2), ``below, stopped`` (1/4, KL log 2),
``below, low`` and ``below, high`` (1/8 each, KL log 4), so the loss is ``1.25 log 2``.

Here the buyers are simulated: each picks the report (and, in the sequential mechanism, each
stage's answer) that maximises expected utility, the lottery is drawn, the seller-observer's
posterior is the prior restricted to the types consistent with what it saw, and the profit and
privacy loss are *measured* on the same buyers for both mechanisms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validation import check_budget, check_int, check_limit, check_rng

__all__ = ["SECTION61", "MechanismRun", "simulate_section61", "section61_analytical"]

#: Prices and cutoffs of the Section 6.1 example.
SECTION61 = {"high_price": 0.375, "low_price": 0.25, "cut_high": 0.5, "cut_low": 0.25,
             "continue_probability": 0.5}


@dataclass(frozen=True, eq=False)
class MechanismRun:
    """Simulated buyers in one mechanism of Section 6.1.

    Attributes
    ----------
    message : ndarray of int
        What the seller observes (a label per buyer).
    message_cells : dict
        Label -> the interval of types consistent with it (the posterior's support).
    bought, price : ndarray
        Trade indicator and price paid (0 without trade).
    truthful_share : float
        Share of buyers whose utility-maximising report is their own interval.
    """

    name: str
    theta: np.ndarray
    message: np.ndarray
    message_cells: dict
    bought: np.ndarray
    price: np.ndarray
    truthful_share: float

    @property
    def profit(self) -> float:
        return float(np.mean(self.price))

    @property
    def kl(self) -> np.ndarray:
        """Posterior KL per buyer: ``-log |cell|`` under the uniform prior (Eq. (1))."""
        width = np.array([self.message_cells[m][1] - self.message_cells[m][0]
                          for m in sorted(self.message_cells)])
        labels = np.array(sorted(self.message_cells))
        return -np.log(width[np.searchsorted(labels, self.message)])

    @property
    def privacy_loss(self) -> float:
        """Mean posterior KL: the measured ex-ante privacy loss (Definition 1)."""
        return float(np.mean(self.kl))

    @property
    def ex_post_privacy_loss(self) -> float:
        return float(np.max(self.kl))


def section61_analytical() -> dict:
    """Profit and privacy losses stated in Section 6.1 (``7/32``; ``1.5 log 2``, ``1.25 log 2``)."""
    return {"profit": 7 / 32, "one_shot_privacy": 1.5 * math.log(2),
            "sequential_privacy": 1.25 * math.log(2), "ex_post_privacy": math.log(4)}


def simulate_section61(n_buyers: int, *, rng=None, max_memory: float | None = 4 * 2**30
                       ) -> tuple[MechanismRun, MechanismRun]:
    """The one-shot and the sequential mechanism on the same simulated buyers.

    Returns ``(one_shot, sequential)``. ``max_memory`` (bytes, default 4 GiB, about 160 bytes
    per buyer; None for no limit) bounds ``n_buyers`` before any draw.

    Examples
    --------
    >>> one, seq = simulate_section61(100_000, rng=0)
    >>> one.truthful_share, seq.truthful_share
    (1.0, 1.0)
    >>> round(one.privacy_loss - seq.privacy_loss, 1)  # 0.25 log 2 = 0.17
    0.2
    """
    n_buyers = check_int(n_buyers, "n_buyers", minimum=1)
    check_budget(
        n_buyers * 160.0, check_limit(max_memory, "max_memory"), what=f"`n_buyers` = {n_buyers}",
        unit="bytes",
        advice="simulate fewer buyers, or pass a larger `max_memory` (None: no limit)",
    )
    gen = check_rng(rng)
    s = SECTION61
    theta = gen.random(n_buyers)
    coin = gen.random(n_buyers) < s["continue_probability"]
    # ---- one-shot: reports 0 = [0, .25], 1 = [.25, .5], 2 = [.5, 1]; best report per type
    utilities = np.column_stack([
        np.zeros(n_buyers),
        s["continue_probability"] * (theta - s["low_price"]),
        theta - s["high_price"],
    ])
    report = np.argmax(utilities, axis=1)
    own = np.searchsorted([s["cut_low"], s["cut_high"]], theta, side="left")
    offer_low = (report == 1) & coin
    bought1 = (report == 2) | offer_low
    price1 = np.where(report == 2, s["high_price"], np.where(offer_low, s["low_price"], 0.0))
    one = MechanismRun(
        name="one-shot", theta=theta, message=report,
        message_cells={0: (0.0, s["cut_low"]), 1: (s["cut_low"], s["cut_high"]),
                       2: (s["cut_high"], 1.0)},
        bought=bought1, price=price1, truthful_share=float(np.mean(report == own)),
    )
    # ---- sequential: stage-1 answer by backward induction (stage 2 answered optimally)
    stage2_value = np.maximum(theta - s["low_price"], 0.0)  # "above .25" buys at .25
    above = (theta - s["high_price"]) > s["continue_probability"] * stage2_value
    # messages: 0 below-stage2-low, 1 below-stage2-high, 2 below-stopped, 3 above
    answer2_high = (theta - s["low_price"]) > 0.0
    message = np.where(above, 3, np.where(~coin, 2, np.where(answer2_high, 1, 0)))
    bought2 = above | (~above & coin & answer2_high)
    price2 = np.where(above, s["high_price"], np.where(bought2, s["low_price"], 0.0))
    truthful = (above == (theta > s["cut_high"])) & (answer2_high == (theta > s["cut_low"]))
    seq = MechanismRun(
        name="sequential", theta=theta, message=message,
        message_cells={0: (0.0, s["cut_low"]), 1: (s["cut_low"], s["cut_high"]),
                       2: (0.0, s["cut_high"]), 3: (s["cut_high"], 1.0)},
        bought=bought2, price=price2, truthful_share=float(np.mean(truthful)),
    )
    return one, seq
