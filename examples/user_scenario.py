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
from privauction.scenarios import register, registry

PRIOR = stats.powerlaw(a=2)  # F(v) = v^2 on [0, 1]
LEVEL = 0.999


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


def _row(case, analytical, est, verdict, rule, **extra):
    return {"case": case, "analytical": analytical, "estimate": est.estimate,
            "ci_low": est.ci_low, "ci_high": est.ci_high, "verdict": bool(verdict),
            "rule": rule, "method": est.method, "n_auctions": est.n, **extra}


@register(
    "user-rounded-spa", claim="user: rounded SPA prices", paper="user example",
    quick={"n_auctions": 20_000, "grids": (0.1, 0.3)},
    full={"n_auctions": 200_000, "grids": (0.1, 0.2, 0.4)},
)
def rounded_spa(n_auctions, rng, *, grids=(0.1, 0.3), n_bidders=2):
    """Rounding the SPA's price down to a grid leaks less than the SPA (data processing)."""
    spa = pa.mechanisms.SecondPrice()
    truth = spa.privacy_loss(PRIOR, n_bidders)
    out = pa.simulate(spa, PRIOR, n_bidders, n_auctions, rng=rng)
    est_spa = estimate_privacy_loss(out, method="observer", ci=LEVEL, rng=rng)
    rows = [_row(f"SPA, powerlaw(a=2), n = {n_bidders}", truth, est_spa,
                 est_spa.ci_low <= truth <= est_spa.ci_high,
                 "Eq. (9) inside the 99.9% CI (Prop. 3: any prior)", value=0.0)]
    previous = est_spa
    for grid in sorted(grids):
        mech = RoundedSPA(grid)
        out = pa.simulate(mech, PRIOR, n_bidders, n_auctions, rng=rng)
        est = estimate_privacy_loss(out, method="mixed", ci=LEVEL, rng=rng)
        rows.append(_row(f"{mech!r} < the previous (finer) price", float("nan"), est,
                         est.ci_high < previous.ci_low,
                         "upper 99.9% CI < lower CI of the finer price", value=grid))
        previous = est
    return pd.DataFrame(rows)


@registry.plot("user-rounded-spa")
def _plot(results):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    x = results["value"].to_numpy(float)
    y = results["estimate"].to_numpy(float)
    ax.errorbar(x, y, yerr=np.vstack([y - results["ci_low"], results["ci_high"] - y]), fmt="o-",
                capsize=3)
    ax.axhline(results["analytical"].iloc[0], ls="--", color="0.4", label="SPA, Eq. (9)")
    ax.set_xlabel("price grid (0 = exact second price)")
    ax.set_ylabel("privacy loss (nats)")
    ax.set_title("User example: rounded SPA prices leak less")
    ax.legend()
    return fig
