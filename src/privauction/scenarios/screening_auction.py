"""Prop. 9 of the screening paper: the two-buyer interval auction.

Two buyers, values i.i.d. ``U[1, 2]``, no production cost. Checked:

* the auction's profit over partitions is an increasing affine function of the one-buyer
  uniform–quadratic profit (Eq. (13)), exactly, over 1,000 random partitions — hence the
  same optimal partition (Lemma 5) — and the Lemma 5 partition beats 1,000 random partitions
  that exhaust κ in auction profit;
* simulated with ``privauction.simulate``, the mean revenue covers the closed form;
* incentive compatibility of the pricing rule: exactly (interim utilities of every report on a
  fine grid of types), and by Monte Carlo, a bidder deviating to another interval against a
  truthful opponent gains nothing (no gain significantly above 0);
* privacy: each bidder's report reveals only their interval (entropy κ, measured), and the
  published price reveals the winner's interval (``MI(W; P)``, measured).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..screening import (
    IntervalAuction,
    auction_profit,
    deviation_gains,
    interim_tables,
    optimal_menu,
    plugin_entropy,
    random_binding_masses,
    uniform_quadratic_profit,
)
from ..screening.examples import EXAMPLE_PRIORS
from ..simulator import simulate
from ._common import CONFIDENCE, Estimate, agree, bound, exact, mean_estimate
from ._plots import deviation_plot
from .registry import register, registry

__all__ = ["screening_auction"]

KAPPAS = (0.5, 1.0, 1.5)


@register("screening-auction", claim="Prop. 9", paper="screening",
          quick={"n_auctions": 800_000, "n_random": 300},
          full={"n_auctions": 950_000, "n_random": 1000})
def screening_auction(n_auctions, rng, *, kappas=KAPPAS, n_random=1000, level=CONFIDENCE):
    """Two-buyer interval auction: Lemma 5 partition, IC pricing rule, measured privacy."""
    prior = EXAMPLE_PRIORS["uniform[1,2]"]
    rows = []
    # affine relation of the two objectives over random partitions
    a, b = [], []
    for n in range(2, 7):
        xs = rng.dirichlet(np.ones(n), size=n_random // 5)
        for x in xs:
            cut = 1.0 + np.concatenate([[0.0], np.cumsum(x)])
            cut[-1] = 2.0
            a.append(auction_profit(cut))
            b.append(uniform_quadratic_profit(x))
    a, b = np.array(a), np.array(b)
    slope, icpt = np.polyfit(b, a, 1)
    resid = float(np.max(np.abs(a - (slope * b + icpt))))
    rows.append(exact(case="auction profit affine in one-buyer profit (proof of Prop. 9)",
                      analytical=0.0, computed=resid, tol=1e-12, method="closed form",
                      rule="max residual of a linear fit over random partitions <= 1e-12",
                      slope=slope, series="affine"))
    rows.append(exact(case="auction profit increasing in one-buyer profit (proof of Prop. 9)",
                      analytical=0.0, computed=slope, tol=0.0, side="lower",
                      method="closed form", rule="slope of that fit > 0", series="affine"))
    for kappa in kappas:
        menu = optimal_menu(prior, kappa)
        mech = IntervalAuction(tuple(menu.cutoffs))
        best = auction_profit(menu.cutoffs)
        extra = dict(param="kappa", value=kappa, n_intervals=menu.n_intervals,
                     mechanism=repr(mech), prior="uniform[1,2]", n_bidders=2)
        rival = -math.inf
        for n in range(menu.n_intervals, menu.n_intervals + 3):
            for x in random_binding_masses(n, kappa, n_random // 3, rng):
                if x.min() <= 1e-12:  # tempering underflowed: a degenerate interval
                    continue
                cut = 1.0 + np.concatenate([[0.0], np.cumsum(x)])
                cut[-1] = 2.0
                rival = max(rival, auction_profit(cut))
        rows.append(exact(case=f"κ = {kappa:g}: Lemma 5 partition is optimal for the auction",
                          analytical=rival, computed=best, tol=1e-12, side="lower",
                          method="closed form",
                        rule="auction profit of the Lemma 5 partition >= best random binding "
                        "partition", series="partition", **extra))
        out = simulate(mech, prior, 2, n_auctions, rng=rng)
        est = mean_estimate(out.price, level, "simulate()")
        rows.append(agree(case=f"κ = {kappa:g}: simulated revenue", analytical=best, est=est,
                          rule="mean price equals the closed form", series="revenue", **extra))
        # exact interim IC on a grid of types
        q, p = interim_tables(menu.cutoffs)
        grid = np.linspace(1.0, 2.0, 2001)
        util = grid[:, None] * q[None, :] - p[None, :]
        own = mech.interval_of(grid)
        worst = float(np.max(util.max(axis=1) - util[np.arange(grid.size), own]))
        rows.append(exact(case=f"κ = {kappa:g}: truthful report is a best reply (interim, "
                          "exact)", analytical=0.0, computed=worst, tol=1e-12, side="upper",
                          method="closed form",
                          rule="max over types of (best utility - truthful) <= 1e-12",
                          series="ic", **extra))
        gain, gse = deviation_gains(mech, prior, n_auctions, rng=rng)
        off = ~np.eye(gain.shape[0], dtype=bool)
        # The largest mean deviation gain, with its own standard error: the claim is that no
        # deviation gains (<= 0); a gain of 1 % of the revenue is the relevant deviation.
        worst_dev = int(np.argmax(np.where(off, gain, -np.inf)))
        g, g_se = float(gain.flat[worst_dev]), float(gse.flat[worst_dev])
        dev = Estimate(g, math.nan, math.nan, n_auctions, "simulation", level, g_se)
        rows.append(bound(case=f"κ = {kappa:g}: deviating to another interval gains nothing "
                          "(MC)", est=dev, limit=0.0, side="upper", slack=0.01 * best,
                          rule="largest mean deviation gain <= 0 (relevant gain: 1 % of "
                          "revenue)", series="ic", **extra))
        # privacy: reports and price
        vals = prior.rvs(size=(n_auctions, 2), random_state=rng)
        h = plugin_entropy(mech.interval_of(vals[:, 0]), confidence=level)
        e = Estimate(h.estimate, h.ci_low, h.ci_high, h.n, "plug-in entropy", level)
        rows.append(agree(case=f"κ = {kappa:g}: each bidder's report entropy (Eq. (5))",
                          analytical=kappa, est=e, rule="plug-in entropy equals κ",
                          series="privacy", **extra))
        truth = mech.privacy_loss(prior, 2)
        h = plugin_entropy(out.price, confidence=level)
        e = Estimate(h.estimate, h.ci_low, h.ci_high, h.n, "plug-in entropy", level)
        rows.append(agree(case=f"κ = {kappa:g}: MI(W; P), price reveals the winner's interval",
                          analytical=truth, est=e,
                          rule="plug-in entropy of the price equals that of F(θ_i)² - "
                          "F(θ_(i-1))²", series="privacy", **extra))
    return pd.DataFrame(rows)


@registry.plot("screening-auction")
def _plot(results):
    return deviation_plot(results, "Prop. 9 auction: revenue and privacy, measured")
