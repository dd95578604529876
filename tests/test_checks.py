"""Decision rules of the validator: pass / fail / inconclusive, their error rates, the looks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from privauction.scenarios import checks
from privauction.scenarios._common import Estimate, agree, bound, exact, flag, greater


def _decide(row, alpha):
    return checks.decide(row["kind"], row["estimate"], row["reference"], row["margin"],
                         row["std_error"], row["bias"], alpha, flag=row["flag"],
                         gap=row["gap"], dof=row["dof"])


def test_equal_passes_fails_or_is_inconclusive_by_the_interval():
    alpha = 0.05  # z = 1.96
    tight = Estimate(1.0, math.nan, math.nan, 100, "observer", std_error=0.005)
    wide = Estimate(1.0, math.nan, math.nan, 100, "observer", std_error=0.05)
    far = Estimate(1.5, math.nan, math.nan, 100, "observer", std_error=0.005)
    assert _decide(agree(case="a", analytical=1.0, est=tight, rule=""), alpha).outcome == "pass"
    assert _decide(agree(case="a", analytical=1.0, est=wide, rule=""),
                   alpha).outcome == "inconclusive"
    assert _decide(agree(case="a", analytical=1.0, est=far, rule=""), alpha).outcome == "fail"


def test_orderings_and_bounds():
    alpha = 0.05
    lo = Estimate(0.30, math.nan, math.nan, 100, "observer", std_error=0.01)
    hi = Estimate(0.40, math.nan, math.nan, 100, "observer", std_error=0.01)
    near = Estimate(0.31, math.nan, math.nan, 100, "observer", std_error=0.01)
    inf = Estimate(math.inf, math.inf, math.inf, 100, "mixed")
    assert _decide(greater(case="g", low=lo, high=hi, rule=""), alpha).outcome == "pass"
    assert _decide(greater(case="g", low=hi, high=lo, rule=""), alpha).outcome == "fail"
    assert _decide(greater(case="g", low=lo, high=near, rule=""),
                   alpha).outcome == "inconclusive"
    assert _decide(greater(case="g", low=lo, high=inf, rule=""), alpha).outcome == "pass"
    assert _decide(greater(case="g", low=inf, high=lo, rule=""), alpha).outcome == "fail"
    assert _decide(bound(case="b", est=lo, limit=0.5, side="upper", rule=""),
                   alpha).outcome == "pass"
    assert _decide(bound(case="b", est=hi, limit=0.2, side="upper", rule=""),
                   alpha).outcome == "fail"


def test_exact_rows_are_deterministic():
    assert _decide(exact(case="e", analytical=1.0, computed=1.0 + 1e-10, tol=1e-9, rule="",
                         method="q"), 0.05).outcome == "pass"
    assert _decide(exact(case="e", analytical=1.0, computed=1.0 + 1e-8, tol=1e-9, rule="",
                         method="q"), 0.05).outcome == "fail"
    assert _decide(exact(case="e", analytical=1.0, computed=0.5, tol=0.0, side="upper",
                         rule="", method="q"), 0.05).outcome == "pass"
    assert _decide(flag(case="f", ok=False, rule="", method="s"), 0.05).outcome == "fail"


@pytest.mark.parametrize("kind", ["equal", "greater"])
def test_error_rates_in_both_directions_are_at_most_alpha(kind):
    # Monte Carlo of the rule itself with normal estimates: at alpha = 0.05, a true claim
    # fails in at most 5 % of 5,000 draws, and a claim off by exactly its relevant deviation
    # passes in at most 5 %. The binomial sd of a 5 % rate over 5,000 draws is 0.31 %, so
    # 4 sd (1.2 %) above 5 % is a bound this test exceeds by chance with probability 3e-5.
    rng = np.random.default_rng(0)
    alpha, se, margin, n = 0.05, 1.0, 5.0, 5_000
    ref = 10.0
    if kind == "equal":
        correct = ref + se * rng.standard_normal(n)
        wrong = ref + margin + se * rng.standard_normal(n)  # truth is margin away
    else:
        correct = ref + 1e-9 + se * rng.standard_normal(n)  # the claim θ > ref just holds
        wrong = ref - margin + se * rng.standard_normal(n)
    margin_used = margin if kind == "equal" else 0.0
    fails = np.mean([checks.decide(kind, x, ref, margin_used, se, 0.0, alpha).outcome == "fail"
                     for x in correct])
    if kind == "greater":
        wrong = ref - 1e-9 + se * rng.standard_normal(n)  # the claim is just false
    passes = np.mean([checks.decide(kind, x, ref, margin_used, se, 0.0, alpha).outcome == "pass"
                      for x in wrong])
    assert fails <= alpha + 0.012
    assert passes <= alpha + 0.012
    # ... and the rule is not vacuous: the true claim does pass when the data are precise.
    assert checks.decide(kind, ref + 0.01, ref, margin_used if kind == "equal" else 0.0,
                         0.01 if kind == "equal" else 1e-6, 0.0, alpha).outcome in ("pass",)


def test_power_matches_the_simulated_pass_rate():
    # power() is the probability of a pass under the claim; compare with a Monte Carlo
    # (2,000 draws: binomial sd <= 1.1 %, tolerance 4 sd).
    rng = np.random.default_rng(1)
    alpha, se, margin = 0.01, 1.0, 4.0
    draws = se * rng.standard_normal(2000)
    rate = np.mean([checks.decide("equal", x, 0.0, margin, se, 0.0, alpha).outcome == "pass"
                    for x in draws])
    assert rate == pytest.approx(checks.power("equal", se, 0.0, margin, 0.0, alpha), abs=0.045)


def test_t_quantiles_for_few_replications():
    # 19 degrees of freedom: a wider interval than the normal one at the same level.
    assert checks.z_value(1e-4, 19) > checks.z_value(1e-4) + 1.0
    assert checks.z_value(1e-4, 19) == pytest.approx(stats.t.isf(5e-5, 19))


def test_next_size_grows_by_a_power_calculation_and_stops_at_the_budget():
    rows = pd.DataFrame([{"outcome": "inconclusive", "kind": "equal", "estimate": 1.0,
                          "reference": 1.0, "margin": 0.03, "std_error": 0.01, "bias": 0.0,
                          "dof": math.inf}])
    alpha = 1e-4
    z = checks.z_value(alpha) + stats.norm.isf(1 - checks.TARGET_POWER)
    expected = math.ceil(1000 * (z * 0.01 / 0.03) ** 2)
    assert checks.next_size(rows, 1000, 1000, alpha) == expected
    assert checks.next_size(rows, 16_000, 1000, alpha) is None  # at the budget
    assert checks.next_size(rows.assign(outcome="pass"), 1000, 1000, alpha) is None


def test_a_claim_with_a_signature_default_size_takes_more_looks():
    # A user claim that declares n_auctions with a default and registers no size: the default
    # is its base size, and an inconclusive check gets a larger look (not a crash).
    from privauction.scenarios import registry, run_claim

    sizes = []

    @registry.register("checks-test-default-size", claim="T")
    def claim(*, rng, n_auctions=100):
        sizes.append(n_auctions)
        se = 1.0 / math.sqrt(n_auctions)
        est = Estimate(1.0 + 0.1 * se * rng.standard_normal(), math.nan, math.nan, n_auctions,
                       "observer", std_error=se)
        return pd.DataFrame([agree(case="c", analytical=1.0, est=est, rule="")])

    try:
        rows = run_claim("checks-test-default-size", seed=0)
    finally:
        registry.unregister("checks-test-default-size")
    assert sizes[0] == 100 and len(sizes) >= 2 and sizes[1] > 100
    assert rows["outcome"].iloc[0] in ("pass", "inconclusive")
