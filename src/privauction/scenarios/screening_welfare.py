"""Corollary 2 and Props. 5–6 of the screening paper: profit, buyer surplus and welfare in κ.

Quadratic cost, MHR priors. Along a grid of κ (0 = full pooling, the κ-optimal menu for each κ,
and κ = ∞ = full separation):

* Corollary 2: profit strictly increases in κ;
* Prop. 5: buyer surplus is largest at κ = 0 and smallest at κ = ∞;
* Prop. 6: with an increasing density, welfare is largest at κ = 0 and smallest at κ = ∞; with a
  decreasing density the reverse; with the uniform prior welfare does not depend on κ.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..screening import optimal_menu
from ..screening.examples import EXAMPLE_PRIORS
from ..screening.limits import full_separation
from ._common import decided
from .registry import register, registry

__all__ = ["screening_welfare", "welfare_path"]

KAPPAS = (0.0, 0.1, 0.3, 0.5, 0.7, 1.0, 1.3, 1.6, 2.0, 2.5)
DENSITY = {
    "uniform[1,2]": "constant",
    "truncnorm-increasing[2,3]": "increasing",
    "beta(1,2)[1,2]": "decreasing",
    "truncnorm-decreasing[1,2]": "decreasing",
}
TOL = 1e-9


def welfare_path(prior, kappas) -> pd.DataFrame:
    """Profit, buyer surplus and welfare of the κ-optimal menus, and of κ = ∞ (last row)."""
    out = [
        {
            "kappa": float(k),
            **{f: getattr(m, f) for f in ("profit", "buyer_surplus", "welfare")},
            "n_intervals": m.n_intervals,
            "privacy_loss": m.privacy_loss,
        }
        for k, m in ((k, optimal_menu(prior, float(k))) for k in kappas)
    ]
    s = full_separation(prior)
    out.append(
        {
            "kappa": math.inf,
            "profit": s.profit,
            "buyer_surplus": s.buyer_surplus,
            "welfare": s.welfare,
            "n_intervals": -1,
            "privacy_loss": math.inf,
        }
    )
    return pd.DataFrame(out)


@register(
    "screening-welfare",
    claim="Props. 5-6 / Corollary 2",
    paper="screening",
    quick={"kappas": KAPPAS[::2] + (KAPPAS[-1],)},
    full={"kappas": KAPPAS},
)
def screening_welfare(*, kappas=KAPPAS, priors=tuple(DENSITY)):
    """Buyer surplus and welfare against κ for increasing, decreasing and flat densities."""
    rows = []
    for label in priors:
        path = welfare_path(EXAMPLE_PRIORS[label], kappas)
        shape = DENSITY[label]
        for _, r in path.iterrows():
            # each point must be a κ-optimal menu: the privacy constraint binds (Prop. 2)
            ok = (abs(r.privacy_loss - r.kappa) <= 1e-8) if math.isfinite(r.kappa) else True
            for field in ("profit", "buyer_surplus", "welfare"):
                rows.append(
                    decided(
                        case=f"{label}: {field} at κ = {r.kappa:g}",
                        analytical=float("nan"),
                        est=None,
                        verdict=bool(ok),
                        method="solver",
                        estimate=r[field],
                        rule="value for the plot; verdict: I(M) = κ (Prop. 2)",
                        prior=label,
                        param="kappa",
                        value=r.kappa,
                        quantity=field,
                        density=shape,
                        series="path",
                    )
                )
        p = path["profit"].to_numpy()
        rows.append(
            decided(
                case=f"{label}: profit strictly increasing (Corollary 2)",
                analytical=0.0,
                est=None,
                verdict=bool(np.all(np.diff(p) > 0)),
                method="solver",
                estimate=float(np.min(np.diff(p))),
                rule="min Δprofit > 0 along κ = 0 … ∞",
                prior=label,
                series="check",
            )
        )
        bs = path["buyer_surplus"].to_numpy()
        rows.append(
            decided(
                case=f"{label}: buyer surplus max at κ = 0, min at κ = ∞ (Prop. 5)",
                analytical=bs[0],
                est=None,
                verdict=bool(bs[0] >= bs.max() - TOL and bs[-1] <= bs.min() + TOL),
                method="solver",
                estimate=bs[-1],
                rule="surplus(0) = max and surplus(∞) = min over the κ grid",
                prior=label,
                series="check",
            )
        )
        w = path["welfare"].to_numpy()
        if shape == "constant":
            ok = float(np.ptp(w)) <= 1e-8
            rule = "welfare constant in κ (uniform–quadratic): range <= 1e-8"
        elif shape == "increasing":
            ok = bool(w[0] >= w.max() - TOL and w[-1] <= w.min() + TOL)
            rule = "increasing density: welfare(0) = max, welfare(∞) = min"
        else:
            ok = bool(w[0] <= w.min() + TOL and w[-1] >= w.max() - TOL)
            rule = "decreasing density: welfare(0) = min, welfare(∞) = max"
        rows.append(
            decided(
                case=f"{label}: welfare extremes (Prop. 6)",
                analytical=w[0],
                est=None,
                verdict=ok,
                method="solver",
                estimate=w[-1],
                rule=rule,
                prior=label,
                welfare_range=float(np.ptp(w)),
                series="check",
            )
        )
    return pd.DataFrame(rows)


@registry.plot("screening-welfare")
def _plot(results):
    from ..plotting import subplots

    path = results[results["series"] == "path"]
    fig, axes = subplots(1, 3, height=3.0)
    for ax, field in zip(axes, ("profit", "buyer_surplus", "welfare"), strict=True):
        for label, grp in path[path["quantity"] == field].groupby("prior", sort=False):
            base = float(grp.loc[grp["value"] == 0.0, "estimate"].iloc[0])
            fin = grp[np.isfinite(grp["value"])]
            (line,) = ax.plot(fin["value"], fin["estimate"] - base, "o-", ms=3, label=label)
            inf = grp[~np.isfinite(grp["value"])]
            if len(inf):
                ax.axhline(
                    float(inf["estimate"].iloc[0]) - base, color=line.get_color(), ls=":", lw=1
                )
        ax.axhline(0.0, color="0.6", lw=0.8)
        ax.set_xlabel(r"$\kappa$ (nats; dotted: $\kappa = \infty$)")
        ax.set_title(f"{field.replace('_', ' ')}")
    axes[0].set_ylabel(r"change from $\kappa = 0$ (type units)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=4)
    fig.suptitle(r"Props. 5–6 and Corollary 2: quadratic cost, $\kappa$-optimal menus")
    return fig
