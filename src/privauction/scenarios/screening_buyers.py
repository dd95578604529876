"""Lemma 1 and Eq. (5) with simulated buyers: coarse revelation, measured.

Buyers with types from the prior face the κ-optimal menu (only ``(quantity, price)`` items, no
intervals) and pick their utility-maximising item. Checked:

* every buyer's choice is the item meant for the interval holding their type (Lemma 1: the
  interval partition is incentive compatible), exactly;
* the seller-observer's privacy loss, measured three ways, agrees with Eq. (5) (= κ): the mean
  KL of the observer's posterior (the prior restricted to the chosen item's cell); the plug-in
  entropy of the observed choices (``MI(θ; price) = H(price)`` since the price is a function of
  θ's interval) with a delta-method interval; and the mixed discrete–continuous MI estimator of
  :mod:`privauction.estimators` on the pairs ``(θ, price)`` when it is available;
* ``privauction.simulate`` with the menu as a one-buyer :class:`MenuMechanism` gives a mean
  price (revenue) whose interval covers ``Σ mass · price``.
"""

from __future__ import annotations

import types

import numpy as np
import pandas as pd

from ..screening import MenuMechanism, optimal_menu, plugin_entropy, simulate_buyers
from ..screening.examples import EXAMPLE_COSTS, EXAMPLE_PRIORS
from ..simulator import simulate
from ._common import CONFIDENCE, Estimate, agree, estimate, flag, mean_estimate
from ._plots import deviation_plot
from .registry import register, registry

__all__ = ["screening_buyers"]

CASES = (("uniform[1,2]", "q^2/2", 1.0), ("uniform[1,2]", "q^2/2", 2.0),
         ("truncnorm-increasing[2,3]", "cosh(q)-1", 1.5), ("beta(1,2)[1,2]", "q^3/3", 2.0))


@register("screening-buyers", claim="Lemma 1 / Eq. (5)", paper="screening",
          quick={"n_auctions": 50_000}, full={"n_auctions": 400_000})
def screening_buyers(n_auctions, rng, *, cases=CASES, level=CONFIDENCE):
    """Simulated buyers pick the intended interval; measured privacy loss matches Eq. (5)."""
    rows = []
    for prior_label, cost_label, kappa in cases:
        prior = EXAMPLE_PRIORS[prior_label]
        menu = optimal_menu(prior, kappa, cost=EXAMPLE_COSTS[cost_label]())
        out = simulate_buyers(menu, n_auctions, rng=rng)
        tag = f"{prior_label}, {cost_label}, κ = {kappa:g}"
        extra = dict(prior=prior_label, cost=cost_label, param="kappa", value=kappa,
                     n_intervals=menu.n_intervals, n_auctions=n_auctions)
        rows.append(flag(case=f"{tag}: choices = intended intervals", analytical=1.0,
                         ok=out.match_share == 1.0, computed=out.match_share,
                         method="simulation", rule="every buyer picks the item of their "
                         "interval (share = 1 exactly)", **extra))
        truth = menu.privacy_loss
        kl = mean_estimate(out.kl, level, "observer posterior KL")
        rows.append(agree(case=f"{tag}: observer's mean posterior KL", analytical=truth, est=kl,
                          rule="mean posterior KL equals Eq. (5)", **extra))
        h = plugin_entropy(out.choice, confidence=level)
        est = Estimate(h.estimate, h.ci_low, h.ci_high, h.n, "plug-in entropy", level)
        rows.append(agree(case=f"{tag}: plug-in entropy of choices", analytical=truth, est=est,
                          rule="plug-in entropy equals Eq. (5)", **extra))
        # The mixed kNN estimator on (θ, price), with its subsampling standard error and bias.
        pairs = types.SimpleNamespace(winner_value=out.theta, price=out.price,
                                      sold=np.ones(out.theta.size, dtype=bool))
        mi = estimate(pairs, "mixed", rng, level=level, detect_infinite=False)
        rows.append(agree(case=f"{tag}: MI(θ; price), estimators 'mixed'", analytical=truth,
                          est=mi, rule="mixed kNN estimate equals Eq. (5)", **extra))
        sim = simulate(MenuMechanism.from_menu(menu), prior, 1, n_auctions, rng=rng)
        price = np.nan_to_num(sim.price, nan=0.0)
        rev = mean_estimate(price, level, "simulate() mean price")
        expected = float(np.sum(menu.masses * menu.prices))
        rows.append(agree(case=f"{tag}: simulate() revenue", analytical=expected, est=rev,
                          rule="mean price equals Σ mass·price", **extra))
    return pd.DataFrame(rows)


@registry.plot("screening-buyers")
def _plot(results):
    return deviation_plot(results, "Simulated buyers: measured privacy loss and revenue vs Eq. (5)")
