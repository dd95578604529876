"""Priors and costs used by the screening scenarios, tests and benchmark.

Every prior here satisfies Section 3's assumptions (bounded support, density bounded away from
0, increasing virtual value with ``v(θ_low) >= 0``) and has a monotone hazard rate (needed by
Props. 5–6).
"""

from __future__ import annotations

from scipy import stats

from .model import cosh_cost, power_cost, quadratic_cost

__all__ = ["EXAMPLE_PRIORS", "EXAMPLE_COSTS"]

#: label -> frozen prior.
EXAMPLE_PRIORS = {
    # the paper's running example (Figure 1): v(θ) = 2θ - 2, v(1) = 0 with c''(0) = 1 > 0
    "uniform[1,2]": stats.uniform(1, 1),
    # increasing density on [2, 3] (normal mean 3, sd 1, truncated): v(2) = 0.59
    "truncnorm-increasing[2,3]": stats.truncnorm(-1.0, 0.0, loc=3.0, scale=1.0),
    # decreasing linear density f(θ) = 2 (2 - θ) on [1, 2]: v(θ) = (3θ - 2) / 2, v(1) = 0.5
    "beta(1,2)[1,2]": stats.beta(1, 2, loc=1),
    # decreasing density on [1, 2] (normal mean 1, sd 0.5, truncated): v(1) = 0.40
    "truncnorm-decreasing[1,2]": stats.truncnorm(0.0, 2.0, loc=1.0, scale=0.5),
}

#: label -> cost factory.
EXAMPLE_COSTS = {
    "q^2/2": quadratic_cost,
    "cosh(q)-1": cosh_cost,
    "q^3/3": lambda: power_cost(3.0),
}
