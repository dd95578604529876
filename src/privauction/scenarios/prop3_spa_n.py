"""Prop. 3 of the auction paper: the SPA's loss ``H_{n−1} − log n`` is prior-free, increasing in n
and tends to Euler's γ.

Checks, each with the Bayesian observer's estimate (exact posterior, CLT interval):

1. for every prior and n, Eq. (9) lies inside the interval;
2. prior independence: for each n the estimates under the different priors are homogeneous
   (chi-square test on inverse-variance weights, ``p >= 1 − level``);
3. monotonicity: the pooled estimate at each n is below the next n beyond the intervals;
4. the limit: ``MI_SPA(n) = ψ(n) + γ − log n`` lies within ``1/(2n)`` of γ at ``n = 10^6``
   (analytical), and a simulation with many bidders covers ``MI_SPA(n)`` there, within
   ``1/n`` of γ (Eq. (10)).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from ..mechanisms import SecondPrice
from ..simulator import simulate
from ..theory.spa import spa_privacy_loss as mi_spa
from ._common import CONFIDENCE, PRIORS, Estimate, _z, below, covers, estimate, pct, prior, row
from .registry import register, registry

__all__ = ["prop3_spa_n", "mi_spa"]

EULER_GAMMA = float(np.euler_gamma)


def _pool(ests):
    z = _z(ests[0].level)
    se = np.array([(e.ci_high - e.ci_low) / (2 * z) for e in ests])
    x = np.array([e.estimate for e in ests])
    w = 1.0 / se**2
    mean = float(np.sum(w * x) / np.sum(w))
    pooled_se = float(1.0 / math.sqrt(np.sum(w)))
    chi2 = float(np.sum(w * (x - mean) ** 2))
    p = float(stats.chi2.sf(chi2, len(ests) - 1)) if len(ests) > 1 else 1.0
    est = Estimate(mean, mean - z * pooled_se, mean + z * pooled_se,
                   sum(e.n for e in ests), ests[0].method, ests[0].level)
    return est, p


@register(
    "prop3-spa-n", claim="Prop. 3", paper="auction",
    quick={"n_auctions": 20_000, "ns": (2, 3, 5), "priors": tuple(PRIORS), "large_n": 200},
    full={"n_auctions": 200_000, "ns": (2, 3, 5, 10), "priors": tuple(PRIORS), "large_n": 1000},
)
def prop3_spa_n(
    n_auctions, rng, *, ns=(2, 3, 5), priors=tuple(PRIORS), large_n=200, level=CONFIDENCE,
):
    """SPA loss: prior-free, increasing in n, tends to Euler's γ."""
    rows = []
    pooled = []
    spa = SecondPrice()
    for n in ns:
        truth = mi_spa(n)
        ests = []
        for label in priors:
            dist = prior(label)
            est = estimate(simulate(spa, dist, n, n_auctions, rng=rng), "observer", rng,
                           level=level)
            ests.append(est)
            rows.append(row(
                case=f"SPA, {label}, n = {n}", analytical=truth, est=est,
                verdict=covers(truth, est), rule=f"Eq. (9) inside the {pct(level)} CI",
                mechanism=repr(spa), prior=label, n_bidders=n, param="n", value=n,
            ))
        pool, p = _pool(ests)
        pooled.append((n, pool))
        rows.append(row(
            case=f"prior independence at n = {n} ({len(priors)} priors)", analytical=truth,
            est=pool, verdict=p >= 1 - level,
            rule=f"chi-square homogeneity of the estimates across priors, p >= {1 - level:.3g}",
            mechanism=repr(spa), prior="pooled", n_bidders=n, param="n", value=n, p_value=p,
        ))
    for (n1, e1), (n2, e2) in zip(pooled[:-1], pooled[1:], strict=False):
        rows.append(row(
            case=f"MI_SPA({n1}) < MI_SPA({n2})", analytical=mi_spa(n2), est=e2,
            verdict=below(e1, e2) and mi_spa(n1) < mi_spa(n2),
            rule=f"pooled upper {pct(level)} CI at n = {n1} < pooled lower CI at n = {n2}",
            mechanism=repr(spa), prior="pooled", n_bidders=n2, param="n", value=n2,
        ))
    big = 10**6
    rows.append(row(
        case="MI_SPA(10^6) → γ (Eq. (10))", analytical=EULER_GAMMA, est=None,
        verdict=0 < EULER_GAMMA - mi_spa(big) <= 1 / (2 * big) + 1e-12, method="closed form",
        rule="0 < γ − MI_SPA(n) <= 1/(2n) at n = 10^6", estimate=mi_spa(big),
        ci_low=mi_spa(big), ci_high=mi_spa(big), n_bidders=big, param="n", value=big,
    ))
    m = max(2_000, n_auctions // 10)
    est = estimate(simulate(spa, PRIORS["uniform(0,1)"], large_n, m, rng=rng), "observer", rng,
                   level=level)
    rows.append(row(
        case=f"SPA with n = {large_n} bidders near γ", analytical=EULER_GAMMA, est=est,
        verdict=covers(mi_spa(large_n), est) and EULER_GAMMA - mi_spa(large_n) <= 1 / large_n,
        rule=f"{pct(level)} CI covers MI_SPA(n), which is within 1/n of γ",
        mechanism=repr(spa), prior="uniform(0,1)", n_bidders=large_n, param="n", value=large_n,
    ))
    return pd.DataFrame(rows)


@registry.plot("prop3-spa-n")
def _plot(results):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    cells = results[(results["param"] == "n") & (results["prior"] != "pooled")
                    & results["estimate"].notna() & (results["method"] == "observer")]
    n_max = int(max(cells["n_bidders"].max(), 10)) if len(cells) else 10
    grid = np.unique(np.geomspace(2, max(n_max, 50), 200).astype(int))
    ax.plot(grid, [mi_spa(n) for n in grid], color="0.2", lw=1.5, label="Eq. (9): H_{n-1} - log n")
    ax.axhline(EULER_GAMMA, color="tab:red", ls="--", lw=1, label="Euler's γ (Eq. (10))")
    for i, (label, grp) in enumerate(cells.groupby("prior", sort=False)):
        x = grp["n_bidders"].to_numpy(float) * (1 + 0.03 * (i - 1.5))
        y = grp["estimate"].to_numpy()
        err = np.vstack([y - grp["ci_low"], grp["ci_high"] - y])
        ax.errorbar(x, y, yerr=err, fmt="o", ms=4, capsize=3, label=f"observer, {label}")
    ax.set_xscale("log")
    ax.set_xlabel("number of bidders n")
    ax.set_ylabel("privacy loss (nats)")
    ax.set_title("SPA privacy loss against n (Prop. 3)")
    ax.legend(fontsize=8, loc="lower right")
    return fig

