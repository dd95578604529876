"""A scenario written by a user: a new mechanism and a new prior, run by the same CLI.

Nothing here touches the package. The file defines

* a mechanism, ``RoundedSPA(grid)``: the second-price auction with the price rounded *down* to a
  grid (a seller who publishes prices in whole cents, or in tenths);
* a prior the package's own scenarios do not use, a power law ``F(v) = v^2`` on [0, 1]
  (``scipy.stats.powerlaw(a=2)``);
* a claim and its check, registered under the name ``user-rounded-spa``: publishing the rounded
  price is a garbling of the SPA's price, so by the data-processing inequality the rounded SPA
  leaks *less* than the SPA's ``H_{n-1} - log n`` (Eq. (9), which holds for this prior too by
  Prop. 3); the coarser the grid, the less it leaks.

Run it with::

    privauction run --module examples/user_scenario.py user-rounded-spa
    privauction validate --plugin examples/user_scenario.py --quick

or from Python: ``privauction.scenarios.load_plugin("examples/user_scenario.py")`` and then
``privauction.scenarios.run_scenario("user-rounded-spa", quick=True)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

import privauction as pa
from privauction.estimators import estimate_privacy_loss
from privauction.mechanisms import Mechanism, top_two
from privauction.scenarios import Estimate, agree, greater, register, registry

PRIOR = stats.powerlaw(a=2)  # F(v) = v^2 on [0, 1]


@dataclass(frozen=True)
class RoundedSPA(Mechanism):
    """Second-price auction whose price is rounded down to a multiple of ``grid``."""

    grid: float = 0.1

    efficient = True
    ex_post_ir = True
    deterministic_payments = True

    def run(self, bids, rng):
        winner, _, second = top_two(bids, rng)
        return winner, np.floor(second / self.grid) * self.grid


@register(
    "user-rounded-spa", claim="user: rounded SPA prices", paper="user example",
    quick={"n_auctions": 100_000, "grids": (0.1, 0.3)},
    full={"n_auctions": 400_000, "grids": (0.1, 0.2, 0.4)},
)
def rounded_spa(*, n_auctions, rng, grids=(0.1, 0.3), n_bidders=2):
    """Rounding the SPA's price down to a grid leaks less than the SPA (data processing).

    Each row states a claim; privauction decides it at the run's level (pass, fail, or
    inconclusive and then re-run with more auctions): ``agree`` for a value, ``greater`` for an
    ordering between two independent estimates.
    """
    spa = pa.mechanisms.SecondPrice()
    truth = spa.privacy_loss(PRIOR, n_bidders)
    out = pa.simulate(spa, PRIOR, n_bidders, n_auctions, rng=rng)
    est_spa = Estimate.of(estimate_privacy_loss(out, method="observer", rng=rng))
    rows = [agree(case=f"SPA, powerlaw(a=2), n = {n_bidders}", analytical=truth, est=est_spa,
                  rule="estimate equals Eq. (9) (Prop. 3: any prior)", value=0.0)]
    previous = est_spa
    for grid in sorted(grids):
        mech = RoundedSPA(grid)
        out = pa.simulate(mech, PRIOR, n_bidders, n_auctions, rng=rng)
        est = Estimate.of(estimate_privacy_loss(out, method="mixed", rng=rng))
        rows.append(greater(case=f"{mech!r} < the previous (finer) price", low=est,
                            high=previous, rule="the finer price leaks more (difference > 0)",
                            value=grid, estimate_of_mechanism=est.estimate,
                            ci_of_mechanism=f"[{est.ci_low:.4g}, {est.ci_high:.4g}]"))
        previous = est
    return pd.DataFrame(rows)


@registry.plot("user-rounded-spa")
def _plot(results):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    spa = results.iloc[:1]
    rounded = results.iloc[1:]
    x = np.concatenate([[0.0], rounded["value"].to_numpy(float)])
    y = np.concatenate([spa["estimate"].to_numpy(float),
                        rounded["estimate_of_mechanism"].to_numpy(float)])
    ax.plot(x, y, "o-")
    ax.axhline(results["analytical"].iloc[0], ls="--", color="0.4", label="SPA, Eq. (9)")
    ax.set_xlabel("price grid (0 = exact second price)")
    ax.set_ylabel("privacy loss (nats)")
    ax.set_title("User example: rounded SPA prices leak less")
    ax.legend()
    return fig
