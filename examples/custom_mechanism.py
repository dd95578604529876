"""A user's own mechanism, plugged into privauction without touching the package.

The "posted-second" auction below charges the second-highest bid rounded down to a 0.05 grid:
still efficient and ex-post IR, but the rounding pools prices, so the observer learns less
than in the SPA (the price is a garbling of the second bid: data processing inequality).

Run it with ``python examples/custom_mechanism.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

import privauction as pa


@dataclass(frozen=True)
class RoundedSecondPrice(pa.mechanisms.Mechanism):
    """Second-price auction whose price is rounded down to a grid of width ``step``."""

    step: float = 0.05

    efficient = True
    ex_post_ir = True
    deterministic_payments = True

    def run(self, bids, rng):
        winner, _, second = pa.mechanisms.top_two(bids, rng)
        return winner, np.floor(second / self.step) * self.step


def main(n_auctions: int = 200_000, seed: int = 0) -> dict:
    prior = stats.uniform(0, 1)
    rows = {}
    for mech in (pa.mechanisms.SecondPrice(), RoundedSecondPrice(0.05), RoundedSecondPrice(0.25)):
        out = pa.simulate(mech, prior, n_bidders=2, n_auctions=n_auctions, rng=seed)
        rows[repr(mech)] = {
            "revenue": out.revenue,
            "ex_post_ir_violations": out.ex_post_ir_violation_share,
        }
        try:
            rows[repr(mech)]["analytical_privacy_loss"] = mech.privacy_loss(prior, 2)
        except NotImplementedError:
            rows[repr(mech)]["analytical_privacy_loss"] = float("nan")
        if hasattr(pa, "estimate_privacy_loss"):
            est = pa.estimate_privacy_loss(out, method="mixed", rng=seed)
            rows[repr(mech)]["estimated_privacy_loss"] = est.estimate
    return rows


if __name__ == "__main__":
    import pandas as pd

    print(pd.DataFrame(main()).T.to_string(float_format=lambda v: f"{v:.4f}"))
