"""Lemma 1 of the auction paper: the least MI of two ordered variables, and the SPA attains it.

Example 2 (Table 1) solves the discrete problem ``min D(λ || g1 ⊗ g2)`` over joint laws on
``y <= x`` with marginals ``g1 = (0.1, 0.4, 0.5)``, ``g2 = (0.6, 0.3, 0.1)``; the paper's solution
is ``λ(x, y) = h1(x) h2(y)`` with ``h1 = (1/6, 5/12, 5/12)``, ``h2 = (15, 9, 6)/25``. The scenario
checks :func:`privauction.theory.min_mi_coupling` against Table 1b, checks that moving mass along
the one feasible cycle of the triangle only raises the MI (minimality), and estimates the MI of
Table 1b from samples (plug-in with a delta-method interval).

The continuous case (Eq. (4)-(5)): for MHR priors and several n, the bound of Eq. (4) with
``X = G_W`` and ``Y = G_L`` (:func:`privauction.theory.ordered_mi_lower_bound`) equals Eq. (9)
and lies inside the interval of the simulated SPA's observer estimate (Step 2 of Theorem 1: the
SPA attains the bound); and pairs drawn from the minimiser λ* of Eq. (5)
(:func:`privauction.theory.min_mi_joint`) for ``Y`` the law of Beta prices have a KSG estimate
whose interval covers the bound (λ* attains the infimum).
"""

from __future__ import annotations

import math
import types
import warnings

import numpy as np
import pandas as pd

from ..mechanisms import SecondPrice
from ..simulator import simulate
from ..theory import (
    QuadratureWarning,
    beta_price_law,
    min_mi_coupling,
    min_mi_joint,
    ordered_mi_lower_bound,
    spa_price_law,
    winner_value_law,
)
from ._common import CONFIDENCE, Estimate, agree, estimate, exact, flag, prior
from .registry import register, registry

__all__ = ["lemma1_bound", "EXAMPLE2_G1", "EXAMPLE2_G2", "table_1b", "plan_mi"]

EXAMPLE2_G1 = np.array([0.1, 0.4, 0.5])  # pmf of X (rows, x = 1, 2, 3)
EXAMPLE2_G2 = np.array([0.6, 0.3, 0.1])  # pmf of Y (columns, y = 1, 2, 3)
_H1 = np.array([1 / 6, 5 / 12, 5 / 12])
_H2 = np.array([15, 9, 6]) / 25
#: A direction that keeps both marginals and the triangle: +(2,1) -(2,2) +(3,2) -(3,1).
_CYCLE = np.array([[0, 0, 0], [1, -1, 0], [-1, 1, 0]], dtype=float)


def table_1b() -> np.ndarray:
    """The paper's MI-minimising plan ``h1(x) h2(y) 1{y <= x}`` (Table 1b), rows x, columns y."""
    return np.tril(np.outer(_H1, _H2))


def plan_mi(plan) -> float:
    """``D(plan || row sums ⊗ column sums)`` in nats (0 log 0 = 0)."""
    plan = np.asarray(plan, dtype=float)
    prod = np.outer(plan.sum(axis=1), plan.sum(axis=0))
    mask = plan > 0
    return float(np.sum(plan[mask] * np.log(plan[mask] / prod[mask])))


def _plugin_estimate(x, y, shape, level) -> Estimate:
    """Plug-in MI of discrete samples with the delta-method interval.

    The influence function of the plug-in MI at a sample is ``log λ̂(x, y) / (p̂(x) q̂(y)) − MI``,
    so the standard error is its sample standard deviation over ``√N``.
    """
    n = x.size
    counts = np.zeros(shape)
    np.add.at(counts, (x, y), 1)
    joint = counts / n
    px, py = joint.sum(axis=1), joint.sum(axis=0)
    log_ratio = np.log(joint[x, y] / (px[x] * py[y]))
    mi = float(log_ratio.mean())
    se = float(log_ratio.std(ddof=1)) / math.sqrt(n)
    return Estimate(mi, math.nan, math.nan, n, "plug-in", level, se)


@register(
    "lemma1-bound", claim="Lemma 1 / Example 2", paper="auction",
    quick={"n_auctions": 50_000, "priors": ("uniform(0,1)", "beta(2,2)"), "n_bidders": (2,)},
    full={"n_auctions": 400_000, "priors": ("uniform(0,1)", "beta(2,2)", "truncexpon(b=3)"),
          "n_bidders": (2, 3)},
)
def lemma1_bound(
    n_auctions, rng, *, priors=("uniform(0,1)",), n_bidders=(2,), level=CONFIDENCE,
):
    """Example 2's coupling; the SPA and λ* attain the bound of Eq. (4)."""
    rows = []
    res = min_mi_coupling(EXAMPLE2_G1, EXAMPLE2_G2, support_x=[1, 2, 3], support_y=[1, 2, 3])
    paper = table_1b()
    truth = plan_mi(paper)
    gap = float(np.max(np.abs(res.plan - paper)))
    rows.append(exact(
        case="Example 2: min_mi_coupling plan = Table 1b", analytical=0.0, computed=gap,
        tol=1e-9, method="Sinkhorn", rule="every cell within 1e-9 of h1(x) h2(y)",
        param="max cell error", value=gap,
    ))
    rows.append(exact(
        case="Example 2: MI of the min_mi_coupling plan", analytical=truth, computed=res.mi,
        tol=1e-9, method="Sinkhorn", rule="the plan's MI within 1e-9 of Table 1b's",
    ))
    t_max = float(min(paper[1, 1], paper[2, 0]))
    ts = np.linspace(-min(paper[1, 0], paper[2, 1]), t_max, 41)
    mis = np.array([plan_mi(paper + t * _CYCLE) for t in ts])
    rows.append(exact(
        case="Example 2: feasible perturbations raise the MI", analytical=truth,
        computed=float(mis.min()), tol=1e-12, side="lower", method="grid over the cycle",
        rule="MI(λ + t·D) >= MI(λ) on 41 feasible t (D keeps both marginals)",
        param="cycle", value=0.0,
    ))
    rows.append(flag(
        case="Example 2: the perturbed MI is smallest at t = 0",
        ok=abs(ts[np.argmin(mis)]) <= ts[1] - ts[0], computed=float(ts[np.argmin(mis)]),
        method="grid over the cycle", rule="argmin over the 41 t is the grid point at 0",
        param="cycle", value=0.0,
    ))
    flat = paper.ravel()
    # Draws from a 3 x 3 table are cheap: six per auction give this plug-in check the same
    # power as the others (validation/power_budget.py).
    idx = rng.choice(flat.size, size=6 * n_auctions, p=flat / flat.sum())
    est = _plugin_estimate(idx // 3, idx % 3, (3, 3), level)
    rows.append(agree(
        case="Example 2: MI of Table 1b from samples", analytical=truth, est=est,
        rule="plug-in estimate equals the MI of Table 1b", param="samples", value=6 * n_auctions,
    ))
    spa = SecondPrice()
    for label in priors:
        dist = prior(label)
        for n in n_bidders:
            eq9 = spa.privacy_loss(dist, n)
            bound = ordered_mi_lower_bound(winner_value_law(dist, n), spa_price_law(dist, n))
            base = dict(mechanism=repr(spa), prior=label, n_bidders=n, param="n", value=n)
            rows.append(exact(
                case=f"Eq. (4) bound for (G_W, G_L) = Eq. (9), {label}, n = {n}", analytical=eq9,
                computed=bound, tol=1e-8, method="quadrature",
                rule="ordered_mi_lower_bound within 1e-8 of H_{n-1} - log n", **base,
            ))
            est = estimate(simulate(spa, dist, n, n_auctions, rng=rng), "observer", rng,
                           level=level)
            rows.append(agree(
                case=f"simulated SPA attains the bound, {label}, n = {n}", analytical=bound,
                est=est, rule="the SPA's estimated loss equals the Eq. (4) bound", **base,
            ))
    # λ* of Eq. (5) for Beta prices: its samples' MI is the bound (the minimum is attained).
    dist = prior("uniform(0,1)")
    with warnings.catch_warnings():
        # The Beta price law's CDF is itself a quadrature; quad reports round-off at ~1e-10.
        warnings.simplefilter("ignore", QuadratureWarning)
        joint = min_mi_joint(winner_value_law(dist, 2), beta_price_law(dist, 2))
    x, y = joint.sample(n_auctions, rng=rng)
    pairs = types.SimpleNamespace(winner_value=x, price=y, sold=np.ones(x.size, dtype=bool))
    est = estimate(pairs, "ksg", rng, level=level, detect_infinite=False)
    rows.append(agree(
        case="samples of λ* (Eq. (5)), X = G_W, Y = Beta-price law, uniform(0,1), n = 2",
        analytical=joint.mi, est=est,
        rule="KSG estimate on λ* samples equals the Eq. (4) bound",
        prior="uniform(0,1)", n_bidders=2, param="lambda*", value=2,
    ))
    return pd.DataFrame(rows)


@registry.plot("lemma1-bound")
def _plot(results):
    from ..plotting import subplots

    res = min_mi_coupling(EXAMPLE2_G1, EXAMPLE2_G2, support_x=[1, 2, 3], support_y=[1, 2, 3])
    fig, axes = subplots(1, 2, height=3.4, gridspec_kw={"width_ratios": [1, 1.2]})
    ax = axes[0]
    plan = res.plan.T  # rows y, columns x, as in Table 1
    shown = np.where(plan > 0, plan, np.nan)
    ax.imshow(shown, origin="lower", cmap="Blues", vmin=0, vmax=0.3)
    for yi in range(3):
        for xi in range(3):
            if plan[yi, xi] > 0:
                ax.text(xi, yi, f"{plan[yi, xi]:.2f}", ha="center", va="center")
    ax.set_xticks(range(3), [f"$x$={i}\n$g_1$={g:.1f}" for i, g in enumerate(EXAMPLE2_G1, 1)])
    ax.set_yticks(range(3), [f"$y$={i}, $g_2$={g:.1f}" for i, g in enumerate(EXAMPLE2_G2, 1)])
    ax.grid(False)
    ax.set_title(f"Example 2: the minimum-MI coupling\n(probabilities; MI = {res.mi:.4f} nats)")
    ax = axes[1]
    paper = table_1b()
    ts = np.linspace(-min(paper[1, 0], paper[2, 1]), min(paper[1, 1], paper[2, 0]), 101)
    ax.plot(ts, [plan_mi(paper + t * _CYCLE) for t in ts], color="tab:blue")
    ax.axvline(0, color="0.5", ls=":")
    ax.set_xlabel("$t$: probability moved along the cycle\n+(2,1) −(2,2) +(3,2) −(3,1)")
    ax.set_ylabel("MI of the coupling (nats)")
    ax.set_title("every other ordered coupling has more MI")
    return fig
