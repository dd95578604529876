"""Screening: bad input gives errors or warnings that name the parameter."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

from privauction.screening import (
    Cost,
    ScreeningWarning,
    interval_mechanism,
    optimal_menu,
    power_cost,
    screening_model,
)

UNIFORM = stats.uniform(1, 1)


def test_negative_kappa():
    with pytest.raises(ValueError, match="`kappa` must be >= 0"):
        optimal_menu(UNIFORM, -0.1)


def test_infinite_or_huge_kappa():
    with pytest.raises(ValueError, match="`kappa` must be finite"):
        optimal_menu(UNIFORM, float("inf"))
    with pytest.raises(ValueError, match="`kappa`.*max_intervals"):
        optimal_menu(UNIFORM, 10.0)


def test_bad_constraint():
    with pytest.raises(ValueError, match="`constraint` must be one of"):
        optimal_menu(UNIFORM, 1.0, "ex post")


def test_non_convex_cost():
    with pytest.raises(ValueError, match="`cost` must be strictly convex"):
        optimal_menu(UNIFORM, 1.0, cost=lambda q: np.sqrt(q + 1.0) - 1.0 - 0.5 * q)
    with pytest.raises(ValueError, match="`cost` must be strictly convex"):
        optimal_menu(UNIFORM, 1.0, cost=lambda q: q**3 / 3 - q**2)


def test_cost_with_linear_term_or_constant():
    with pytest.raises(ValueError, match=r"`cost` must satisfy c'\(0\) = 0"):
        optimal_menu(UNIFORM, 1.0, cost=lambda q: q + q**2)
    with pytest.raises(ValueError, match=r"`cost` must satisfy c\(0\) = 0"):
        optimal_menu(UNIFORM, 1.0, cost=lambda q: 1.0 + q**2)


def test_cost_wrong_type_and_wrong_derivative():
    with pytest.raises(TypeError, match="`cost` must be"):
        optimal_menu(UNIFORM, 1.0, cost="quadratic")
    with pytest.raises(ValueError, match="not the derivative"):
        optimal_menu(UNIFORM, 1.0, cost=(lambda q: q**2 / 2, lambda q: 2 * q))


def test_callable_cost_matches_built_in():
    # a bare callable: c' by central differences, φ by Newton; agrees with the closed forms
    prior = stats.truncnorm(-1.0, 0.0, loc=3.0, scale=1.0)
    a = optimal_menu(prior, 0.5, cost=lambda q: q**3 / 3)
    b = optimal_menu(prior, 0.5, cost=power_cost(3.0))
    assert a.profit == pytest.approx(b.profit, abs=1e-7)


def test_prior_with_negative_virtual_value():
    with pytest.raises(ValueError, match="`prior` must have a non-negative virtual value"):
        optimal_menu(stats.uniform(0, 1), 1.0)


def test_prior_with_decreasing_virtual_value():
    # truncated Pareto: decreasing hazard rate, v(θ) = θ - (1-F)/f decreases near θ_low
    with pytest.raises(ValueError, match="`prior` must have an increasing virtual value"):
        optimal_menu(stats.truncpareto(0.2, 30, loc=3), 1.0)
    # U-shaped beta(0.5, 0.5): infinite density at the ends
    with pytest.raises(ValueError, match="`prior` must have a density bounded away"):
        optimal_menu(stats.beta(0.5, 0.5, loc=5), 1.0)


def test_prior_types():
    with pytest.raises(TypeError, match="`prior` must be a frozen"):
        optimal_menu(stats.uniform, 1.0)
    with pytest.raises(ValueError, match="bounded support"):
        optimal_menu(stats.norm(5, 1), 1.0)


def test_zero_virtual_value_warns_only_without_curvature():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        screening_model(UNIFORM)  # v(1) = 0 but c''(0) = 1 > 0: fine (footnote 5)
    with pytest.warns(ScreeningWarning, match="v\\(θ_low\\) = 0"):
        screening_model(UNIFORM, power_cost(3.0))


def test_interval_mechanism_cutoffs():
    with pytest.raises(ValueError, match="`cutoffs` must be strictly increasing"):
        interval_mechanism(UNIFORM, [1.6, 1.4])
    with pytest.raises(ValueError, match="`cutoffs` must lie in the support"):
        interval_mechanism(UNIFORM, [0.5, 1.5])


def test_cost_class_without_inverse_uses_newton():
    c = Cost(func=lambda q: np.cosh(q) - 1, marginal=np.sinh, name="cosh, no inverse")
    y = np.array([0.0, 0.3, 1.0, 2.5])
    assert np.allclose(c.quantity(y), np.arcsinh(y), atol=1e-12)
