"""Lemma 2, Lemma 4, Prop. 2 and Corollary 1 for priors and costs beyond the uniform–quadratic.

For non-uniform priors (increasing and decreasing densities) and non-quadratic costs, the
solver's κ-optimal menu is checked to be

* **global**: its profit is at least that of 1,000 random partitions that exhaust κ (random
  number of intervals from ``⌈e^κ⌉`` to ``⌈e^κ⌉ + 2``, Dirichlet masses tempered to entropy κ)
  and of a local optimiser (SLSQP on the exact prior) started from 20 random partitions;
* **stationary**: Lemma 4's conditions hold to 1e-6 with ``λ >= 0``;
* **binding** (Prop. 2): the ex-ante privacy loss Eq. (5) equals κ to 1e-8;
* **coarse enough** (Corollary 1): at least ``e^κ`` intervals;
* **exhaustive** for three intervals: with ``κ ∈ (log 2, log 3]`` and ``H = κ`` the 3-interval
  partitions form a one-dimensional family (for each first mass, the second solves
  ``H = κ``); the best of a fine grid over it is not above the solver's profit and is within
  the grid's resolution of it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize

from ..screening import (
    min_intervals,
    optimal_menu,
    profit_of_masses,
    random_binding_masses,
    screening_model,
)
from ..screening.examples import EXAMPLE_COSTS, EXAMPLE_PRIORS
from ..theory.menu import menu_entropy
from ._common import decided
from .registry import register, registry

__all__ = ["screening_global", "local_optimiser", "exhaustive_three"]

EXHAUSTIVE_CASES = (
    ("beta(1,2)[1,2]", "cosh(q)-1", 1.0),
    ("truncnorm-increasing[2,3]", "q^3/3", 0.9),
    ("truncnorm-decreasing[1,2]", "q^2/2", 1.05),
)


def exhaustive_three(model, kappa: float, n_grid: int) -> float:
    """Best profit over 3-interval partitions with entropy exactly κ, by a grid over the first
    mass and root-finding for the second (two roots: H is concave in it)."""

    def h(x):
        return menu_entropy(x)

    rows = []
    for x1 in np.linspace(1e-4, 1 - 1e-4, n_grid):
        rest = 1.0 - x1

        def f(x2, x1=x1, rest=rest):
            return h(np.array([x1, x2, rest - x2])) - kappa

        if f(rest / 2) < 0:
            continue
        for lo, hi in ((1e-15, rest / 2), (rest / 2, rest - 1e-15)):
            if f(lo) * f(hi) < 0:
                x2 = optimize.brentq(f, lo, hi, xtol=1e-15)
                rows.append([x1, x2, rest - x2])
    return float(np.max(profit_of_masses(model, np.array(rows))))


CASES = (
    ("truncnorm-increasing[2,3]", "cosh(q)-1", 1.0),
    ("truncnorm-increasing[2,3]", "q^3/3", 1.5),
    ("beta(1,2)[1,2]", "cosh(q)-1", 1.5),
    ("beta(1,2)[1,2]", "q^3/3", 2.0),
    ("truncnorm-decreasing[1,2]", "q^2/2", 1.2),
)


def local_optimiser(model, n: int, kappa: float, x0) -> float:
    """Plain SLSQP over the masses on the exact prior from one start; the profit it reaches
    (or -inf if it ends infeasible). The comparator a user without the solver would write."""

    def neg(x):
        x = np.abs(x) / np.sum(np.abs(x))
        return -float(profit_of_masses(model, x)[0])

    cons = [
        {"type": "eq", "fun": lambda x: np.sum(x) - 1.0},
        {"type": "ineq", "fun": lambda x: kappa - menu_entropy(np.abs(x))},
    ]
    res = optimize.minimize(
        neg,
        x0,
        method="SLSQP",
        bounds=[(1e-9, 1.0)] * n,
        constraints=cons,
        options={"maxiter": 300, "ftol": 1e-12},
    )
    x = np.abs(res.x) / np.sum(np.abs(res.x))
    h = menu_entropy(x)
    return -neg(res.x) if h <= kappa + 1e-8 else -math.inf


@register(
    "screening-global",
    claim="Lemma 4 / Prop. 2 / Corollary 1",
    paper="screening",
    quick={"n_random": 300, "n_local": 6, "n_grid": 1000},
    full={"n_random": 1000, "n_local": 20, "n_grid": 4000},
)
def screening_global(
    rng, *, n_random=1000, n_local=20, cases=CASES, n_grid=4000, exhaustive_cases=EXHAUSTIVE_CASES
):
    """General prior and cost: solver beats random partitions and local optima; Lemma 4 holds."""
    rows = []
    for prior_label, cost_label, kappa in cases:
        prior = EXAMPLE_PRIORS[prior_label]
        cost = EXAMPLE_COSTS[cost_label]()
        model = screening_model(prior, cost)
        m = optimal_menu(prior, kappa, cost=cost)
        tag = f"{prior_label}, c = {cost_label}, κ = {kappa:g}"
        extra = dict(
            prior=prior_label,
            cost=cost_label,
            param="kappa",
            value=kappa,
            n_intervals=m.n_intervals,
        )
        n0 = min_intervals(kappa)
        ns = rng.integers(n0, n0 + 3, size=n_random)
        best_random = -math.inf
        for n in np.unique(ns):
            xs = random_binding_masses(int(n), kappa, int(np.sum(ns == n)), rng)
            best_random = max(best_random, float(np.max(profit_of_masses(model, xs))))
        rows.append(
            decided(
                case=f"{tag}: solver >= {n_random} random partitions",
                analytical=best_random,
                est=None,
                verdict=m.profit >= best_random - 1e-12,
                method="solver",
                estimate=m.profit,
                ci_low=m.profit,
                ci_high=m.profit,
                rule="solver profit >= best random binding partition",
                margin=m.profit - best_random,
                series="random",
                **extra,
            )
        )
        best_local = -math.inf
        for j in range(n_local):
            n = int(n0 + j % 2)
            x0 = random_binding_masses(n, kappa, 1, rng)[0]
            best_local = max(best_local, local_optimiser(model, n, kappa, x0))
        rows.append(
            decided(
                case=f"{tag}: solver >= local optimiser from {n_local} random starts",
                analytical=best_local,
                est=None,
                verdict=m.profit >= best_local - 1e-10,
                method="solver",
                estimate=m.profit,
                ci_low=m.profit,
                ci_high=m.profit,
                rule="solver profit >= best SLSQP local optimum (n = ⌈e^κ⌉, ⌈e^κ⌉+1)",
                margin=m.profit - best_local,
                series="local",
                **extra,
            )
        )
        rows.append(
            decided(
                case=f"{tag}: Lemma 4 first-order conditions",
                analytical=0.0,
                est=None,
                verdict=m.foc_residual <= 1e-6 and m.multiplier >= 0,
                method="solver",
                estimate=m.foc_residual,
                ci_low=m.foc_residual,
                ci_high=m.foc_residual,
                rule="max |Lemma 4 residual| <= 1e-6, λ >= 0",
                multiplier=m.multiplier,
                series="lemma4",
                **extra,
            )
        )
        rows.append(
            decided(
                case=f"{tag}: privacy constraint binds (Prop. 2)",
                analytical=kappa,
                est=None,
                verdict=abs(m.privacy_loss - kappa) <= 1e-8,
                method="solver",
                estimate=m.privacy_loss,
                ci_low=m.privacy_loss,
                ci_high=m.privacy_loss,
                rule="|I(M) - κ| <= 1e-8",
                series="binding",
                **extra,
            )
        )
        rows.append(
            decided(
                case=f"{tag}: at least e^κ intervals (Corollary 1)",
                analytical=math.exp(kappa),
                est=None,
                verdict=m.n_intervals >= math.exp(kappa) - 1e-9,
                method="solver",
                estimate=float(m.n_intervals),
                rule="n >= e^κ",
                series="corollary1",
                **extra,
            )
        )
    for prior_label, cost_label, kappa in exhaustive_cases:
        prior = EXAMPLE_PRIORS[prior_label]
        cost = EXAMPLE_COSTS[cost_label]()
        m = optimal_menu(prior, kappa, cost=cost)
        best = exhaustive_three(screening_model(prior, cost), kappa, n_grid)
        # grid resolution: measured gap 5e-12 .. 2.4e-10 at 4000 points. The optimum may have
        # more than three intervals (truncnorm-decreasing at κ = 1.05 has four, 2e-5 more
        # profit than the best three): then it must only beat the three-interval search.
        ok = best <= m.profit + 1e-12 and (m.n_intervals != 3 or best >= m.profit - 1e-6)
        rows.append(
            decided(
                case=f"{prior_label}, c = {cost_label}, κ = {kappa:g}: exhaustive "
                f"search over 3-interval partitions ({n_grid} grid points)",
                analytical=best,
                est=None,
                verdict=ok,
                method="solver",
                estimate=m.profit,
                ci_low=m.profit,
                ci_high=m.profit,
                rule="best 3-interval grid profit <= solver profit (<= it + 1e-6 "
                "when the solver also uses 3)",
                margin=m.profit - best,
                series="exhaustive",
                prior=prior_label,
                cost=cost_label,
                param="kappa",
                value=kappa,
                n_intervals=m.n_intervals,
            )
        )
    return pd.DataFrame(rows)


@registry.plot("screening-global")
def _plot(results):
    from ..plotting import subplots

    fig, ax = subplots(height=3.6)
    sub = results[results["series"].isin(["random", "local"])]
    labels = [
        f"{p}\n{c}, $\\kappa$={v:g}"
        for p, c, v in sub[sub["series"] == "random"][["prior", "cost", "value"]].itertuples(
            index=False
        )
    ]
    for off, (series, color) in enumerate((("random", "tab:blue"), ("local", "tab:orange"))):
        s = sub[sub["series"] == series]
        ax.bar(
            np.arange(len(s)) + 0.4 * off,
            s["margin"].clip(lower=1e-12),
            width=0.4,
            color=color,
            label=f"solver − best {series}",
        )
    ax.set_yscale("log")
    ax.set_xticks(np.arange(len(labels)) + 0.2)
    ax.set_xticklabels(labels, rotation=90)
    ax.set_ylabel("solver's profit minus the best\n(type units; log scale, floor $10^{-12}$)")
    ax.legend()
    ax.set_title(r"$\kappa$-optimal menu against random partitions and local optima")
    return fig
