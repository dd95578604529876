"""Disclosure: the second-price auction exposes the runner-up completely.

Under the papers' rule (winner and price) the SPA's price *is* the runner-up's bid, so the
runner-up's privacy loss is infinite while the winner's is Eq. (9), ``H_{n-1} - log n``; with a
reserve the same holds whenever the runner-up's value clears the reserve. Checks, for each
prior and n:

1. the winner's kNN estimate (``"mixed"``, through the disclosure) agrees with Eq. (9)
   (``pa.privacy_loss``) to the kNN checks' 10 %, and the exact observer's (which knows the
   mechanism's price law) to the observer checks' 3 %;
2. the runner-up's loss is estimated infinite (the published price equals its value), as
   ``pa.privacy_loss(..., whose="runner-up")`` says, for the SPA and Myerson's reserve SPA.
"""

from __future__ import annotations

import pandas as pd

from ..disclosure import WinnerAndPrice
from ..mechanisms import ReservePrice, SecondPrice
from ..privacy import privacy_loss
from ..simulator import simulate
from ._common import CONFIDENCE, PRIORS, agree, estimate, prior
from .registry import register

__all__ = ["disclosure_runner_up"]


@register(
    "disclosure-runner-up", claim="Disclosure: SPA exposes the runner-up", paper="auction",
    quick={"n_auctions": 400_000, "ns": (2,), "priors": ("uniform(0,1)",)},
    full={"n_auctions": 400_000, "ns": (2, 3, 5), "priors": tuple(PRIORS)},
)
def disclosure_runner_up(n_auctions, rng, *, ns=(2, 5), priors=("uniform(0,1)",),
                         level=CONFIDENCE):
    """SPA: the winner's loss is Eq. (9), the runner-up's is infinite."""
    rows = []
    rule = WinnerAndPrice()
    for label in priors:
        dist = prior(label)
        for n in ns:
            for mech in (SecondPrice(), ReservePrice()):
                out = simulate(mech, dist, n, n_auctions, rng=rng)
                bound = out.mechanism
                for whose in ("winner", "runner-up"):
                    truth = privacy_loss(mech, dist, n, rule, whose)
                    est = estimate(out, "mixed", rng, level=level, disclosure=rule, whose=whose)
                    rows.append(agree(
                        case=f"{bound!r}, {label}, n = {n}, {whose}", analytical=truth,
                        est=est,
                        rule=("estimate infinite (the price is the runner-up's value)"
                              if whose == "runner-up" else
                              "estimate equals the analytical loss"),
                        mechanism=repr(bound), prior=label, n_bidders=n, whose=whose,
                        disclosure=repr(rule),
                    ))
                rows.append(agree(
                    case=f"{bound!r}, {label}, n = {n}, winner: exact observer",
                    analytical=privacy_loss(mech, dist, n, rule, "winner"),
                    est=estimate(out, "observer", rng, level=level),
                    rule="the observer's mean posterior KL equals the analytical loss",
                    mechanism=repr(bound), prior=label, n_bidders=n, whose="winner",
                    disclosure=repr(rule),
                ))
    return pd.DataFrame(rows)
