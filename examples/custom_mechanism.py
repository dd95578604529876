"""A user's own mechanism, plugged into privauction without touching the package.

The "posted-second" auction below charges the second-highest bid rounded down to a 0.05 grid:
still efficient and ex-post IR, but the rounding pools prices, so the observer learns less
than in the SPA (the price is a garbling of the second bid: data processing inequality).

It also declares the conditional law of its price given the winner's value (``price_law``), so
the package's Bayesian observer computes its exact posterior too: in the batch observer, in
``pa.estimate_privacy_loss(out, method="observer")`` and in the market's observer.

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

    def price_law(self, prior, n_bidders):
        """Given the winner's value ``w``, the second value ``S`` has CDF ``(F(s) / F(w))^{n-1}``
        on ``[low, w]``; the price is ``x_j = j · step`` when ``S`` falls in ``[x_j, x_{j+1})``."""
        low, high = prior.support()
        grid = np.arange(np.floor(low / self.step), np.floor(high / self.step) + 1) * self.step

        def atom_mass(p, w):
            p, w = np.broadcast_arrays(np.asarray(p, float), np.asarray(w, float))
            Fw = prior.cdf(w)
            with np.errstate(divide="ignore", invalid="ignore"):  # F(w) = 0: mass 0 below
                upper = prior.cdf(np.minimum(p + self.step, w)) / Fw
                lower = prior.cdf(np.minimum(p, w)) / Fw
                mass = upper ** (n_bidders - 1) - lower ** (n_bidders - 1)
            return np.where((p <= w) & (Fw > 0), mass, 0.0)

        return pa.theory.PriceLaw(
            atoms=tuple(grid), atom_mass=atom_mass, kinks=tuple(grid[1:]),
            value_range=lambda p: (p, high),
        )


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
            obs = pa.estimate_privacy_loss(out, method="observer")
            rows[repr(mech)]["observer_privacy_loss"] = obs.estimate
    return rows


if __name__ == "__main__":
    import pandas as pd

    print(pd.DataFrame(main()).T.to_string(float_format=lambda v: f"{v:.4f}"))
