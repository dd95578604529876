"""Figure 1 of the screening paper: the privacy–profit frontier of the uniform–quadratic case.

On ``U[1, 2]`` with ``c(q) = q²/2`` the solver's κ-optimal profit is traced over a grid of κ and
checked against the paper's description of Figure 1:

* it equals the closed form (Prop. 4 with Eq. (13)) at every κ;
* the number of intervals changes exactly at ``κ = log n`` (the kinks);
* it is strictly increasing (Corollary 2);
* between kinks it is convex (increasing returns: second differences >= 0);
* at each kink the slope drops (diminishing returns when an interval is added): the one-sided
  slopes satisfy ``slope(log n +) < slope(log n -)``.

A non-uniform prior with a non-quadratic cost is traced too, for the figure.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..screening import min_intervals, optimal_menu, uniform_quadratic_optimum
from ..screening.examples import EXAMPLE_COSTS, EXAMPLE_PRIORS
from ._common import decided
from .registry import register, registry

__all__ = ["screening_frontier", "frontier"]


def frontier(prior, kappas, cost=None) -> pd.DataFrame:
    """κ-optimal profit, number of intervals and masses along ``kappas``."""
    out = []
    for k in kappas:
        m = optimal_menu(prior, float(k), cost=cost)
        out.append(
            {
                "kappa": float(k),
                "profit": m.profit,
                "n_intervals": m.n_intervals,
                "privacy_loss": m.privacy_loss,
                "short_mass": float(m.masses.min()),
            }
        )
    return pd.DataFrame(out)


@register(
    "screening-frontier",
    claim="Figure 1",
    paper="screening",
    quick={"n_grid": 20, "kappa_max": 1.7},
    full={"n_grid": 90, "kappa_max": 2.3},
)
def screening_frontier(*, n_grid=36, kappa_max=2.3):
    """Privacy–profit frontier: kinks at log n, convex between kinks, increasing."""
    prior = EXAMPLE_PRIORS["uniform[1,2]"]
    kinks = [math.log(n) for n in range(2, 1 + int(math.exp(kappa_max)))]
    grid = np.unique(np.concatenate([np.linspace(0.0, kappa_max, n_grid), kinks]))
    fr = frontier(prior, grid)
    cf = np.array([uniform_quadratic_optimum(k).profit for k in fr["kappa"]])
    rows = []
    for (_, r), c in zip(fr.iterrows(), cf, strict=True):
        rows.append(
            decided(
                case=f"κ = {r.kappa:.4f}",
                analytical=c,
                est=None,
                verdict=abs(r.profit - c) <= 1e-6,
                method="solver",
                estimate=r.profit,
                ci_low=r.profit,
                ci_high=r.profit,
                rule="|Π_solver - Π_Prop.4| <= 1e-6",
                prior="uniform[1,2]",
                cost="q^2/2",
                param="kappa",
                value=r.kappa,
                n_intervals=r.n_intervals,
                series="frontier",
            )
        )
    n_ok = all(
        int(n) == min_intervals(k) for k, n in zip(fr["kappa"], fr["n_intervals"], strict=True)
    )
    rows.append(
        decided(
            case="number of intervals changes exactly at κ = log n",
            analytical=1.0,
            est=None,
            verdict=n_ok,
            method="solver",
            estimate=float(n_ok),
            rule="n(κ) = ⌈e^κ⌉ at every grid κ",
            series="check",
        )
    )
    d = np.diff(fr["profit"].to_numpy())
    rows.append(
        decided(
            case="profit strictly increasing in κ (Corollary 2)",
            analytical=0.0,
            est=None,
            verdict=bool(np.all(d > 0)),
            method="solver",
            estimate=float(d.min()),
            rule="min Δprofit > 0",
            series="check",
        )
    )
    # convexity between kinks: on each segment (log(n-1), log n], second differences >= 0
    worst = math.inf
    for n in range(2, 1 + int(math.exp(kappa_max)) + 1):
        lo, hi = math.log(n - 1), min(math.log(n), kappa_max)
        seg = np.linspace(lo + 1e-3, hi, 8)
        p = np.array([optimal_menu(prior, float(k)).profit for k in seg])
        h = np.diff(seg)
        sec = np.diff(np.diff(p) / h)
        worst = min(worst, float(sec.min()) if sec.size else math.inf)
    rows.append(
        decided(
            case="convex between kinks (increasing returns)",
            analytical=0.0,
            est=None,
            verdict=worst >= -1e-9,
            method="solver",
            estimate=worst,
            rule="min second difference of profit within (log(n-1), log n] >= 0",
            series="check",
        )
    )
    # slope drops at each kink
    eps = 1e-4
    drops = []
    for kk in kinks[:-1] if kinks[-1] > kappa_max - eps else kinks:
        pl = [optimal_menu(prior, kk - t).profit for t in (2 * eps, eps)]
        pr = [optimal_menu(prior, kk + t).profit for t in (eps, 2 * eps)]
        left = (pl[1] - pl[0]) / eps
        right = (pr[1] - pr[0]) / eps
        drops.append((kk, left, right))
        rows.append(
            decided(
                case=f"kink at κ = log {round(math.exp(kk))}: slope drops",
                analytical=left,
                est=None,
                verdict=right < left,
                method="solver",
                estimate=right,
                rule="right slope < left slope (diminishing returns "
                "when the number of intervals increases)",
                param="kappa",
                value=kk,
                series="kink",
            )
        )
    # a non-uniform prior with a non-quadratic cost, for the figure
    other = frontier(
        EXAMPLE_PRIORS["beta(1,2)[1,2]"],
        np.linspace(0.0, kappa_max, 16),
        EXAMPLE_COSTS["cosh(q)-1"](),
    )
    for _, r in other.iterrows():
        rows.append(
            decided(
                case=f"beta(1,2), cosh: κ = {r.kappa:.4f}",
                analytical=float("nan"),
                est=None,
                verdict=abs(r.privacy_loss - r.kappa) <= 1e-8,
                method="solver",
                estimate=r.profit,
                rule="privacy constraint binds",
                prior="beta(1,2)[1,2]",
                cost="cosh(q)-1",
                param="kappa",
                value=r.kappa,
                n_intervals=r.n_intervals,
                series="frontier-other",
            )
        )
    return pd.DataFrame(rows)


@registry.plot("screening-frontier")
def _plot(results):
    from ..plotting import subplots

    fig, axes = subplots(1, 2, height=3.4)
    for ax, series, title in (
        (axes[0], "frontier", "$U[1,2]$, $c = q^2/2$ (Figure 1)"),
        (axes[1], "frontier-other", r"beta(1,2) on $[1,2]$, $c = \cosh q - 1$"),
    ):
        fr = results[results["series"] == series].sort_values("value")
        if not len(fr):
            continue
        ax.plot(fr["value"], fr["estimate"], "-", color="0.2", lw=1.5, label="solver")
        if series == "frontier":
            ax.plot(
                fr["value"],
                fr["analytical"],
                ":",
                color="tab:red",
                lw=1.5,
                label="Prop. 4 / Eq. (13)",
            )
        for n in range(2, 12):
            if math.log(n) <= fr["value"].max():
                ax.axvline(math.log(n), color="0.8", lw=0.8, zorder=0)
        ax.set_xlabel(r"privacy budget $\kappa$ (nats)")
        ax.set_ylabel("expected profit per buyer (type units)")
        ax.set_title(title)
        ax.legend()
    fig.suptitle(r"Privacy–profit frontier; grey lines at $\kappa = \log n$")
    return fig
