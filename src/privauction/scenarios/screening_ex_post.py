"""Props. 7–8 of the screening paper: ex-post privacy-constrained menus.

Under the ex-post constraint every interval has mass at least ``e^{-κ}`` (Section 5). In the
uniform–quadratic case (Prop. 8), for ``κ ∈ [log n, log(n+1))`` the optimum is ``n`` equal
intervals, so the ex-post constraint is slack unless ``κ = log n``; the ex-ante optimum at the
same κ earns weakly more (strictly more when ``log n < κ``) and the two coincide at ``κ = log n``.
For a non-uniform prior the solver's ex-post menu is checked to respect the mass bound.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..screening import ex_post_intervals, optimal_menu, uniform_quadratic_profit
from ..screening.examples import EXAMPLE_COSTS, EXAMPLE_PRIORS
from ._common import decided
from .registry import register, registry

__all__ = ["screening_ex_post"]

KAPPAS = (0.5, math.log(2), 1.0, 1.5, math.log(5), 2.0, 2.5)


@register(
    "screening-ex-post",
    claim="Props. 7-8",
    paper="screening",
)
def screening_ex_post(*, kappas=KAPPAS):
    """Ex-post κ: n equal intervals for κ in [log n, log(n+1)), constraint slack inside."""
    prior = EXAMPLE_PRIORS["uniform[1,2]"]
    rows = []
    for k in kappas:
        ep = optimal_menu(prior, k, "ex-post")
        ea = optimal_menu(prior, k, "ex-ante")
        n = ex_post_intervals(k)
        extra = dict(prior="uniform[1,2]", param="kappa", value=k, n_intervals=ep.n_intervals)
        rows.append(
            decided(
                case=f"κ = {k:.4g}: n equal intervals (Prop. 8)",
                analytical=n,
                est=None,
                verdict=ep.n_intervals == n and float(np.max(np.abs(ep.masses - 1 / n))) <= 1e-6,
                method="solver",
                estimate=float(ep.n_intervals),
                rule="n = ⌊e^κ⌋ and max |mass - 1/n| <= 1e-6",
                mass_error=float(np.max(np.abs(ep.masses - 1 / ep.n_intervals))),
                **extra,
            )
        )
        cf = uniform_quadratic_profit(np.full(n, 1 / n))
        rows.append(
            decided(
                case=f"κ = {k:.4g}: ex-post profit",
                analytical=cf,
                est=None,
                verdict=abs(ep.profit - cf) <= 1e-6,
                method="solver",
                estimate=ep.profit,
                rule="|Π - Eq. (13) with n equal| <= 1e-6",
                **extra,
            )
        )
        at_kink = abs(k - math.log(n)) < 1e-12
        slack = ep.ex_post_privacy_loss < k - 1e-9
        rows.append(
            decided(
                case=f"κ = {k:.4g}: ex-post constraint {'binds' if at_kink else 'slack'}",
                analytical=k,
                est=None,
                verdict=(not slack) if at_kink else slack,
                method="solver",
                estimate=ep.ex_post_privacy_loss,
                rule="max -log mass = κ at κ = log n, < κ otherwise",
                **extra,
            )
        )
        rows.append(
            decided(
                case=f"κ = {k:.4g}: ex-ante profit >= ex-post profit",
                analytical=ep.profit,
                est=None,
                verdict=(abs(ea.profit - ep.profit) <= 1e-9) if at_kink else ea.profit > ep.profit,
                method="solver",
                estimate=ea.profit,
                rule="equal at κ = log n, strictly larger otherwise",
                **extra,
            )
        )
    # a non-uniform prior and non-quadratic cost: mass bound respected, n <= e^κ
    for k in (1.0, 2.0):
        m = optimal_menu(
            EXAMPLE_PRIORS["truncnorm-increasing[2,3]"],
            k,
            "ex-post",
            cost=EXAMPLE_COSTS["cosh(q)-1"](),
        )
        rows.append(
            decided(
                case=f"truncnorm-increasing, cosh, κ = {k:g}: masses >= e^-κ",
                analytical=math.exp(-k),
                est=None,
                verdict=bool(
                    m.masses.min() >= math.exp(-k) - 1e-9 and m.n_intervals <= math.exp(k)
                ),
                method="solver",
                estimate=float(m.masses.min()),
                rule="min mass >= e^-κ and n <= e^κ (Prop. 7)",
                prior="truncnorm-increasing[2,3]",
                cost="cosh(q)-1",
                param="kappa",
                value=k,
                n_intervals=m.n_intervals,
            )
        )
    # the two frontiers for the figure: ex-ante is never below ex-post (a looser constraint)
    worst = math.inf
    for k in np.linspace(0.0, 2.3, 24):
        ep = optimal_menu(prior, float(k), "ex-post")
        ea = optimal_menu(prior, float(k), "ex-ante")
        worst = min(worst, ea.profit - ep.profit)
        for label, m in (("ex-ante", ea), ("ex-post", ep)):
            rows.append(
                decided(
                    case=f"{label} frontier, κ = {k:.3f}",
                    analytical=float("nan"),
                    est=None,
                    verdict=ea.profit >= ep.profit - 1e-12,
                    method="solver",
                    estimate=m.profit,
                    rule="ex-ante profit >= ex-post profit",
                    prior="uniform[1,2]",
                    param="kappa",
                    value=float(k),
                    n_intervals=m.n_intervals,
                    series=label,
                )
            )
    return pd.DataFrame(rows)


@registry.plot("screening-ex-post")
def _plot(results):
    from ..plotting import subplots

    fig, ax = subplots(height=3.4)
    for label, style in (("ex-ante", "-"), ("ex-post", "--")):
        s = results[results["series"] == label].sort_values("value")
        ax.plot(s["value"], s["estimate"], style, marker="o", ms=3,
                label=f"{label} $\\kappa$-optimal menu")
    for n in range(2, 11):
        if math.log(n) <= 2.3:
            ax.axvline(math.log(n), color="0.85", lw=0.8, zorder=0)
    ax.set_xlabel(r"privacy budget $\kappa$ (nats); grey lines at $\log n$")
    ax.set_ylabel("expected profit per buyer (type units)")
    ax.set_title("$U[1,2]$, $c = q^2/2$: ex-post menus are $n$ equal intervals (Prop. 8)")
    ax.legend()
    return fig
