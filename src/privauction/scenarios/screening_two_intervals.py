"""Prop. 3 of the screening paper: for small κ the κ-optimal menu has exactly two intervals.

For each prior (and a non-quadratic cost) the solver is run on a grid of small κ; the claim is
that some ``κ_ > 0`` exists below which exactly two intervals are used. The scenario checks
that every κ up to 0.2 gives two intervals and reports the largest grid κ with two intervals
(``log 2`` in the uniform–quadratic case, Prop. 4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..screening import optimal_menu
from ..screening.examples import EXAMPLE_COSTS, EXAMPLE_PRIORS
from ._common import decided
from .registry import register

__all__ = ["screening_two_intervals"]

KAPPAS = (0.005, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.65, 0.69)
CASES = (
    ("uniform[1,2]", "q^2/2"),
    ("truncnorm-increasing[2,3]", "cosh(q)-1"),
    ("beta(1,2)[1,2]", "q^3/3"),
    ("truncnorm-decreasing[1,2]", "q^2/2"),
)


@register(
    "screening-two-intervals",
    claim="Prop. 3",
    paper="screening",
)
def screening_two_intervals(*, kappas=KAPPAS, small=0.2, cases=CASES):
    """Small κ: exactly two intervals."""
    rows = []
    for prior_label, cost_label in cases:
        ns = []
        for k in kappas:
            m = optimal_menu(EXAMPLE_PRIORS[prior_label], k, cost=EXAMPLE_COSTS[cost_label]())
            ns.append(m.n_intervals)
            rows.append(
                decided(
                    case=f"{prior_label}, {cost_label}: κ = {k:g}",
                    analytical=2.0,
                    est=None,
                    verdict=(m.n_intervals == 2)
                    if k <= small
                    else m.n_intervals >= max(2.0, np.exp(k)),
                    method="solver",
                    estimate=float(m.n_intervals),
                    rule=f"n = 2 for κ <= {small:g}"
                    if k <= small
                    else "n >= max(2, e^κ) (Corollary 1); value reported",
                    prior=prior_label,
                    cost=cost_label,
                    param="kappa",
                    value=k,
                    short_mass=float(m.masses.min()),
                )
            )
        ns = np.array(ns)
        two = np.array(kappas)[ns == 2]
        rows.append(
            decided(
                case=f"{prior_label}, {cost_label}: largest grid κ with 2 intervals",
                analytical=float("nan"),
                est=None,
                verdict=bool(np.all(ns[np.array(kappas) <= small] == 2)),
                method="solver",
                estimate=float(two.max()) if two.size else 0.0,
                rule=f"all κ <= {small:g} give two intervals (κ_ >= {small:g})",
                prior=prior_label,
                cost=cost_label,
            )
        )
    return pd.DataFrame(rows)
