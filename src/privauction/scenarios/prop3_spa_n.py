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

from ..mechanisms import SecondPrice
from ..simulator import simulate
from ..theory.spa import spa_privacy_loss as mi_spa
from ._common import (
    CONFIDENCE,
    PRIORS,
    Estimate,
    agree,
    default_margin,
    estimate,
    exact,
    greater,
    prior,
)
from .registry import register, registry

__all__ = ["prop3_spa_n", "mi_spa"]

EULER_GAMMA = float(np.euler_gamma)


def _pool(ests):
    """Inverse-variance weighted mean of independent estimates, with its standard error."""
    se = np.array([e.std_error for e in ests])
    x = np.array([e.estimate for e in ests])
    w = 1.0 / se**2
    mean = float(np.sum(w * x) / np.sum(w))
    pooled_se = float(1.0 / math.sqrt(np.sum(w)))
    return Estimate(mean, math.nan, math.nan, sum(e.n for e in ests), ests[0].method,
                    ests[0].level, pooled_se)


def _difference(a, b) -> Estimate:
    """``a − b`` of two independent estimates."""
    return Estimate(a.estimate - b.estimate, math.nan, math.nan, a.n + b.n, a.method, a.level,
                    math.hypot(a.std_error, b.std_error), a.bias - b.bias)


@register(
    "prop3-spa-n", claim="Prop. 3", paper="auction",
    quick={"n_auctions": 250_000, "ns": (2, 3, 5), "priors": tuple(PRIORS), "large_n": 200},
    full={"n_auctions": 300_000, "ns": (2, 3, 5, 10), "priors": tuple(PRIORS), "large_n": 1000},
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
            rows.append(agree(
                case=f"SPA, {label}, n = {n}", analytical=truth, est=est,
                rule="estimate equals Eq. (9)",
                mechanism=repr(spa), prior=label, n_bidders=n, param="n", value=n,
            ))
        # Prior independence: every prior's estimate minus the first's is zero, to within the
        # relevant deviation of the value itself (an equivalence test, not a homogeneity p-value,
        # so it can pass with power and not only fail to reject).
        for label, est in zip(priors[1:], ests[1:], strict=True):
            rows.append(agree(
                case=f"prior independence at n = {n}: {label} − {priors[0]}", analytical=0.0,
                est=_difference(est, ests[0]), margin=default_margin(truth),
                rule="difference of two priors' estimates is zero (Eq. (9) is prior-free)",
                mechanism=repr(spa), prior=label, n_bidders=n, param="n", value=n,
            ))
        pooled.append((n, _pool(ests)))
    for (n1, e1), (n2, e2) in zip(pooled[:-1], pooled[1:], strict=False):
        rows.append(greater(
            case=f"MI_SPA({n1}) < MI_SPA({n2})", low=e1, high=e2, gap=mi_spa(n2) - mi_spa(n1),
            rule=f"pooled estimate at n = {n2} minus pooled estimate at n = {n1} > 0",
            mechanism=repr(spa), prior="pooled", n_bidders=n2, param="n", value=n2,
        ))
        rows.append(exact(
            case=f"Eq. (9) at n = {n1} < at n = {n2}", analytical=mi_spa(n1), computed=mi_spa(n2),
            tol=0.0, side="lower", method="closed form",
            rule="H_{n-1} − log n increases in n", n_bidders=n2, param="n", value=n2,
        ))
    big = 10**6
    rows.append(exact(
        case="MI_SPA(10^6) → γ (Eq. (10))", analytical=EULER_GAMMA, computed=mi_spa(big),
        tol=1 / (2 * big) + 1e-12, method="closed form",
        rule="|γ − MI_SPA(n)| <= 1/(2n) at n = 10^6", n_bidders=big, param="n", value=big,
    ))
    rows.append(exact(
        case="MI_SPA(10^6) < γ", analytical=EULER_GAMMA, computed=mi_spa(big), tol=0.0,
        side="upper", method="closed form", rule="the limit is approached from below",
        n_bidders=big, param="n", value=big,
    ))
    m = max(2_000, n_auctions // 10)
    est = estimate(simulate(spa, PRIORS["uniform(0,1)"], large_n, m, rng=rng), "observer", rng,
                   level=level)
    rows.append(agree(
        case=f"SPA with n = {large_n} bidders", analytical=mi_spa(large_n), est=est,
        rule="estimate equals Eq. (9)",
        mechanism=repr(spa), prior="uniform(0,1)", n_bidders=large_n, param="n", value=large_n,
    ))
    rows.append(exact(
        case=f"Eq. (9) at n = {large_n} within 1/n of γ", analytical=EULER_GAMMA,
        computed=mi_spa(large_n), tol=1 / large_n, method="closed form",
        rule="|γ − MI_SPA(n)| <= 1/n", n_bidders=large_n, param="n", value=large_n,
    ))
    return pd.DataFrame(rows)


@registry.plot("prop3-spa-n")
def _plot(results):
    from matplotlib.ticker import NullLocator

    from ..plotting import subplots

    fig, ax = subplots(height=3.4)
    cells = results[(results["param"] == "n") & (results["prior"] != "pooled")
                    & results["estimate"].notna() & (results["method"] == "observer")
                    & results["case"].str.startswith("SPA")]   # not the differences
    n_max = int(max(cells["n_bidders"].max(), 10)) if len(cells) else 10
    grid = np.unique(np.geomspace(2, max(n_max, 50), 200).astype(int))
    ax.plot(grid, [mi_spa(n) for n in grid], color="0.2", lw=1.5,
            label=r"Eq. (9): $H_{n-1} - \log n$")
    ax.axhline(EULER_GAMMA, color="tab:red", ls="--", lw=1,
               label=r"Euler's $\gamma$, the limit (Eq. (10))")
    for i, (label, grp) in enumerate(cells.groupby("prior", sort=False)):
        x = grp["n_bidders"].to_numpy(float) * (1 + 0.03 * (i - 1.5))
        y = grp["estimate"].to_numpy()
        err = np.vstack([y - grp["ci_low"], grp["ci_high"] - y])
        ax.errorbar(x, y, yerr=err, fmt="o", ms=4, capsize=3, label=f"observer, {label}")
    ax.set_xscale("log")
    ticks = [t for t in (2, 3, 5, 10, 20, 50, 100, 200, 500, 1000) if t <= 1.2 * grid.max()]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("number of bidders $n$ (log scale)")
    ax.set_ylabel("privacy loss (nats)")
    ax.set_title("SPA: the winner's privacy loss against $n$ (Prop. 3); bars: intervals")
    ax.legend(loc="lower right")
    return fig

