"""Lemma 5 and Prop. 4 of the screening paper: the uniform–quadratic κ-optimal menu.

On ``U[1, 2]`` with ``c(q) = q²/2``, the general solver :func:`privauction.screening.optimal_menu`
(which knows nothing of the closed form) is compared with

* Prop. 4: the number of intervals is ``n*_κ``, the smallest integer with ``log n >= κ``;
* Lemma 5: one short interval of mass ``s`` and ``n - 1`` long ones, ``s`` from Eqs. (6)–(7);
* Eq. (13): the profit;

each to 1e-6 (absolute), at κ = 0.3, 0.5, 1, 1.5 and 2. The ``(n, κ)``-optimal mechanism with a
fixed ``n`` is also checked: equal intervals when ``log n <= κ`` (Lemma 5, part 1) and one short
plus ``n - 1`` equal long ones when ``log n > κ`` (part 2).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..screening import lemma5_masses, optimal_menu, uniform_quadratic_optimum
from ..screening.examples import EXAMPLE_PRIORS
from ._common import decided
from .registry import register

__all__ = ["screening_lemma5", "TOLERANCE"]

#: Agreement tolerance of solver and closed form (absolute).
TOLERANCE = 1e-6
KAPPAS = (0.3, 0.5, 1.0, 1.5, 2.0)
FIXED_N = ((2, 0.3), (3, 0.9), (4, 1.2), (5, 1.5), (3, 1.2), (4, 1.5))


def _exact(case, analytical, got, rule, **extra):
    ok = abs(got - analytical) <= TOLERANCE
    return decided(
        case=case,
        analytical=analytical,
        est=None,
        verdict=ok,
        rule=rule,
        method="solver",
        estimate=got,
        ci_low=got,
        ci_high=got,
        abs_diff=abs(got - analytical),
        **extra,
    )


@register(
    "screening-lemma5",
    claim="Lemma 5 / Prop. 4",
    paper="screening",
    quick={"kappas": KAPPAS},
    full={"kappas": KAPPAS},
)
def screening_lemma5(*, kappas=KAPPAS, fixed_n=FIXED_N):
    """Uniform–quadratic: solver's intervals, short mass and profit equal Lemma 5 / Prop. 4."""
    prior = EXAMPLE_PRIORS["uniform[1,2]"]
    rows = []
    for k in kappas:
        m = optimal_menu(prior, k)
        cf = uniform_quadratic_optimum(k)
        x = np.sort(m.masses)
        extra = dict(prior="uniform[1,2]", param="kappa", value=k)
        rows.append(
            _exact(
                f"κ = {k:g}: number of intervals",
                cf.n_intervals,
                m.n_intervals,
                "n = n*_κ = ⌈e^κ⌉ (Prop. 4)",
                **extra,
            )
        )
        rows.append(
            _exact(
                f"κ = {k:g}: short-interval mass",
                cf.short_mass,
                float(x[0]),
                f"|s - s_Lemma5| <= {TOLERANCE:g}",
                **extra,
            )
        )
        rows.append(
            _exact(
                f"κ = {k:g}: long-interval mass",
                cf.long_mass,
                float(x[-1]),
                f"|l - l_Lemma5| <= {TOLERANCE:g} (all n - 1 equal)",
                spread=float(x[-1] - x[1]) if x.size > 1 else 0.0,
                **extra,
            )
        )
        rows.append(
            _exact(
                f"κ = {k:g}: profit",
                cf.profit,
                m.profit,
                f"|Π - Π_Eq.(13)| <= {TOLERANCE:g}",
                **extra,
            )
        )
    for n, k in fixed_n:
        m = optimal_menu(prior, k, n_intervals=n)
        x = np.sort(m.masses)
        target = lemma5_masses(n, k) if k < math.log(n) else np.full(n, 1.0 / n)
        diff = float(np.max(np.abs(x - np.sort(target))))
        part = "part 1 (equal)" if k >= math.log(n) else "part 2 (one short, n-1 long)"
        rows.append(
            decided(
                case=f"(n, κ) = ({n}, {k:g})-optimal masses, Lemma 5 {part}",
                analytical=0.0,
                est=None,
                verdict=diff <= TOLERANCE,
                method="solver",
                rule=f"max |mass - Lemma 5 mass| <= {TOLERANCE:g}",
                estimate=diff,
                ci_low=diff,
                ci_high=diff,
                prior="uniform[1,2]",
                param="n",
                value=n,
                kappa=k,
            )
        )
    return pd.DataFrame(rows)
