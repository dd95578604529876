"""Disclosure: publishing every bid under truthful bidding is an infinite loss for every bidder.

Each value is one of the published numbers (with or without identities), so every person's
posterior has an atom its continuous prior lacks. Checks, for the SPA, Myerson's reserve SPA
and the {0,K} lottery, both variants of ``AllBids`` and the winner, the runner-up and bidder
0: the estimate is infinite (a published number equals the value), as ``pa.privacy_loss``
says.
"""

from __future__ import annotations

import pandas as pd

from ..disclosure import AllBids
from ..mechanisms import ReservePrice, SecondPrice, ZeroKLottery
from ..privacy import privacy_loss
from ..simulator import simulate
from ._common import CONFIDENCE, agree, estimate, prior
from .registry import register

__all__ = ["disclosure_all_bids"]


@register(
    "disclosure-all-bids", claim="Disclosure: all bids published", paper="auction",
    quick={"n_auctions": 5_000, "ns": (2, 5)},
    full={"n_auctions": 20_000, "ns": (2, 3, 5), "priors": ("uniform(0,1)", "beta(2,2)")},
)
def disclosure_all_bids(n_auctions, rng, *, ns=(2, 5), priors=("uniform(0,1)",),
                        level=CONFIDENCE):
    """Every bid published (truthful bidding): infinite loss for everyone."""
    rows = []
    for label in priors:
        dist = prior(label)
        for n in ns:
            for mech in (SecondPrice(), ReservePrice(), ZeroKLottery(K=2.0)):
                out = simulate(mech, dist, n, n_auctions, rng=rng, keep="bids")
                for rule in (AllBids(), AllBids(with_identities=True)):
                    for whose in ("winner", "runner-up", "bidder"):
                        truth = privacy_loss(mech, dist, n, rule, whose)
                        est = estimate(out, "mixed", rng, level=level, disclosure=rule,
                                       whose=whose)
                        rows.append(agree(
                            case=f"{out.mechanism!r}, {rule!r}, {label}, n = {n}, {whose}",
                            analytical=truth, est=est,
                            rule="estimate infinite (a published bid equals the value)",
                            mechanism=repr(out.mechanism), prior=label, n_bidders=n,
                            whose=whose, disclosure=repr(rule),
                        ))
    return pd.DataFrame(rows)
