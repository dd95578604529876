"""Disclosure: publishing only the winner's identity.

Under symmetric i.i.d. priors the identity of the highest bidder is independent of the values'
order statistics, so it reveals nothing about the winner's or the runner-up's value (loss 0).
It does tell about a given bidder whether it won: bidder 0's loss is
``(1 - ρ^n) h(1/n) - ∫_ρ^1 h(u^{n-1}) du`` (:func:`privauction.theory.disclosure.
winner_identity_loss`; ``h`` the binary entropy, ``ρ`` the reserve's quantile), prior-free.
Checks: every estimate covers its analytical value.
"""

from __future__ import annotations

import pandas as pd

from ..disclosure import WinnerOnly
from ..mechanisms import ReservePrice, SecondPrice
from ..privacy import privacy_loss
from ..simulator import simulate
from ._common import CONFIDENCE, agree, estimate, prior
from .registry import register

__all__ = ["disclosure_winner_only"]


@register(
    "disclosure-winner-only", claim="Disclosure: winner's identity only", paper="auction",
    quick={"n_auctions": 100_000, "ns": (2,), "priors": ("uniform(0,1)",)},
    full={"n_auctions": 100_000, "ns": (2, 3, 5),
          "priors": ("uniform(0,1)", "beta(2,2)", "truncexpon(b=3)")},
)
def disclosure_winner_only(n_auctions, rng, *, ns=(2, 5), priors=("uniform(0,1)", "beta(2,2)"),
                           level=CONFIDENCE):
    """Winner's identity only: zero for the winner and the runner-up, not for a bidder."""
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
    return pd.DataFrame(rows)
