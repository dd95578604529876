"""Dynamic market: how the number of bidders per auction drives a season's privacy loss (an
extension beyond the papers; the one-shot counterpart is Prop. 3.2 of the auction paper,
``MI_SPA(n)`` increasing in n).

SPA, persistent values, a fixed population and a fixed number of auctions per season; only the
number ``n`` of participants per auction changes. With more rivals the price (the second-highest
value) sits closer to the winner's value, and the same strong bidders win more often, so every
winner's highest price creeps up to its value. Checked over many seasons:

* for each ``n``, the season-mean own-record KL of winners, ``-log(1 - F(max price))``, with a
  t-interval over seasons; the verdict of each row is the exactness of the observer
  (``max |KL - (-log(1 - F(max price)))| <= 1e-10`` over all winners);
* the ordering: the season-mean KL at each ``n`` is below the next ``n`` beyond the intervals,
  the season analogue of Prop. 3.2.

Each row also carries the season MI between a winner's value and its highest price (mixed kNN
estimate of :func:`privauction.estimate_privacy_loss`, column ``season_mi``) and the one-shot
``MI_SPA(n)`` of Eq. (9) (column ``one_shot_mi``) for reference. The season MI is *not* claimed
to be monotone in ``n``: with more bidders per auction fewer bidders ever win, which changes the
population the MI is taken over.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..mechanisms import SecondPrice
from ..simulator.world import Market, season_outcomes
from ._common import CONFIDENCE, estimate, exact, greater
from ._common import prior as get_prior
from .prop3_spa_n import mi_spa
from .registry import register, registry
from .world_repeat_winners import season_mean, season_runs

__all__ = ["world_bidders_per_auction"]


@register(
    "world-bidders-per-auction", claim="Dynamic market: n per auction", paper="auction",
    quick={"n_auctions": 1_000, "n_seasons": 20, "ns": (2, 5, 10)},
    full={"n_auctions": 2_000, "n_seasons": 100, "ns": (2, 3, 5, 10)},
    size="n_seasons",
)
def world_bidders_per_auction(
    n_auctions, rng, *, n_seasons=20, ns=(2, 5, 10), n_population=100, prior="uniform(0,1)",
    level=CONFIDENCE,
):
    """Season privacy loss of SPA winners against the number of bidders per auction."""
    dist = get_prior(prior)
    spa = SecondPrice()
    seed = rng.integers(0, 2**63, size=4).tolist()
    rows, ests = [], []
    for n in ns:
        market = Market(spa, dist, n_population=n_population, n_per_auction=n,
                        arrival_rate=float(n_auctions))
        results, frame = season_runs(market, n_seasons, np.random.SeedSequence(seed))
        worst = 0.0
        for res in results:
            sold = res.events[res.events.winner >= 0]
            formula = -np.asarray(dist.logsf(sold.groupby("winner")["price"].cummax()))
            diff = np.abs(res.privacy.cumulative_kl.to_numpy() - formula)
            worst = max(worst, float(np.max(diff, initial=0.0)))
        est = season_mean(frame, "cumulative_kl", n_seasons, min_wins=1, level=level)
        ests.append((n, est))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mi = estimate(season_outcomes(frame, market), "mixed", rng, level=level)
        rows.append(exact(
            case=f"SPA, persistent values, n = {n}: season-mean KL of winners",
            analytical=0.0, computed=worst, tol=1e-10, method="observer (seasons)",
            formula_mean=season_mean(frame.assign(formula=-np.asarray(dist.logsf(
                frame.max_price))), "formula", n_seasons, level=level).estimate,
            season_mean_kl=est.estimate,
            rule="observer KL equals -log(1 - F(max price)) from the feed for every winner "
                 "after every win (max abs difference <= 1e-10); analytical = its season mean "
                 "from the feed",
            mechanism=repr(spa), prior=prior, n_bidders=n, n_auctions=n_auctions, param="n",
            value=n, n_replications=n_seasons, n_population=n_population,
            max_abs_difference=worst, winners_per_season=len(frame) / n_seasons,
            season_mi=mi.estimate, season_mi_ci_low=mi.ci_low, season_mi_ci_high=mi.ci_high,
            one_shot_mi=mi_spa(n),
        ))
    for (n1, e1), (n2, e2) in zip(ests[:-1], ests[1:], strict=True):
        rows.append(greater(
            case=f"season-mean KL of winners: n = {n1} < n = {n2}", low=e1, high=e2,
            rule=f"season-mean KL at n = {n2} minus at n = {n1} > 0",
            mechanism=repr(spa), prior=prior, n_bidders=n2, n_auctions=n_auctions, param="n",
            value=n2, n_replications=n_seasons, n_population=n_population,
            lower_estimate=e1.estimate, lower_ci_high=e1.ci_high,
        ))
    return pd.DataFrame(rows)


@registry.plot("world-bidders-per-auction")
def _plot(results):
    from ..plotting import subplots

    cells = results[results["case"].str.contains("season-mean KL of winners$", regex=True)]
    fig, ax = subplots(height=3.4)
    n = cells["n_bidders"].to_numpy(float)
    y = cells["estimate"].to_numpy(float)
    ax.errorbar(n, y, yerr=[y - cells["ci_low"], cells["ci_high"] - y], fmt="o-", capsize=3,
                label="season-mean own-record KL of winners")
    if "season_mi" in cells:
        mi = cells["season_mi"].to_numpy(float)
        ax.errorbar(n, mi, yerr=[mi - cells["season_mi_ci_low"], cells["season_mi_ci_high"] - mi],
                    fmt="s--", capsize=3, label="season MI(value; highest price)")
        ax.plot(n, cells["one_shot_mi"], "k:", label=r"one-shot $\mathrm{MI}_{SPA}(n)$, Eq. (9)")
    ax.set_xlabel("bidders per auction $n$")
    ax.set_ylabel("privacy loss (nats)")
    ax.set_title("SPA with persistent values over a season; bars: intervals")
    ax.legend()
    return fig
