"""Disclosure: publishing only the winner's identity.

Under symmetric i.i.d. priors the identity of the highest bidder is independent of the values'
order statistics, so it reveals nothing about the winner's or the runner-up's value (loss 0).
It does tell about a given bidder whether it won: bidder 0's loss is
``(1 - ρ^n) h(1/n) - ∫_ρ^1 h(u^{n-1}) du`` (:func:`privauction.theory.disclosure.
winner_identity_loss`; ``h`` the binary entropy, ``ρ`` the reserve's quantile), prior-free.
Checks: every kNN estimate (``"mixed"``) agrees with its analytical value (to the kNN checks'
10 %), and the bidder's exact-observer estimate, the mean log-likelihood ratio of
:func:`privauction.theory.disclosure.winner_identity_log_ratio`, to the observer checks' 3 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..disclosure import WinnerOnly
from ..mechanisms import ReservePrice, SecondPrice
from ..privacy import privacy_loss
from ..simulator import simulate
from ..theory.disclosure import winner_identity_log_ratio
from ._common import CONFIDENCE, agree, estimate, mean_estimate, prior
from .registry import register

__all__ = ["disclosure_winner_only"]


@register(
    "disclosure-winner-only", claim="Disclosure: winner's identity only", paper="auction",
    quick={"n_auctions": 100_000, "ns": (2,), "priors": ("uniform(0,1)",)},
    full={"n_auctions": 100_000, "ns": (2, 3, 5),
          "priors": ("uniform(0,1)", "beta(2,2)", "truncexpon(b=3)")},
)
def disclosure_winner_only(n_auctions, rng, *, ns=(2, 5), priors=("uniform(0,1)", "beta(2,2)"),
                           observer_factor=4, level=CONFIDENCE):
    """Winner's identity only: zero for the winner and the runner-up, not for a bidder.

    ``observer_factor``: the exact observer's simulation is this many times ``n_auctions``
    (cheap, no kNN; its terms' standard error is about 1 % of the value at 1e5 auctions,
    measured, and the observer checks' 3 % margin needs about 0.5 % at the run's level).
    """
    rows = []
    rule = WinnerOnly()
    for label in priors:
        dist = prior(label)
        for n in ns:
            for mech in (SecondPrice(), ReservePrice()):
                out = simulate(mech, dist, n, n_auctions, rng=rng, keep="values")
                for whose in ("winner", "runner-up", "bidder"):
                    truth = privacy_loss(mech, dist, n, rule, whose)
                    est = estimate(out, "mixed", rng, level=level, disclosure=rule, whose=whose)
                    rows.append(agree(
                        case=f"{out.mechanism!r}, {label}, n = {n}, {whose}", analytical=truth,
                        est=est,
                        rule=f"estimate equals the analytical loss "
                             f"({'0' if whose != 'bidder' else 'identity'})",
                        mechanism=repr(out.mechanism), prior=label, n_bidders=n, whose=whose,
                        disclosure=repr(rule),
                    ))
                large = simulate(mech, dist, n, observer_factor * n_auctions, rng=rng,
                                 keep="values")
                sold = large.sold
                reserve = getattr(large.mechanism, "reserve", None)   # the bound reserve SPA's
                rho = 0.0 if reserve is None else float(dist.cdf(reserve))
                terms = np.zeros(sold.size)
                terms[sold] = winner_identity_log_ratio(
                    n, dist.cdf(large.values[sold, 0]), large.winner[sold] == 0, rho)
                rows.append(agree(
                    case=f"{out.mechanism!r}, {label}, n = {n}, bidder: exact observer",
                    analytical=privacy_loss(mech, dist, n, rule, "bidder"),
                    est=mean_estimate(terms, level, "observer"),
                    rule="the observer's mean log-likelihood ratio equals the analytical loss",
                    mechanism=repr(out.mechanism), prior=label, n_bidders=n, whose="bidder",
                    disclosure=repr(rule),
                ))
    return pd.DataFrame(rows)
