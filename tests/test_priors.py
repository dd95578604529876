"""Prior helpers: validation, MHR check, Myerson's reserve, order-statistic laws."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import integrate, stats

from privauction import priors


def test_validate_prior_rejects_unfrozen_discrete_and_foreign():
    with pytest.raises(TypeError, match="`prior` must be a frozen continuous"):
        priors.validate_prior(stats.uniform)
    with pytest.raises(TypeError, match="discrete"):
        priors.validate_prior(stats.poisson(3))
    with pytest.raises(TypeError, match="got list"):
        priors.validate_prior([0, 1])
    with pytest.raises(ValueError, match="bounded support"):
        priors.validate_prior(stats.norm(), bounded=True)


def test_mhr_check_and_warning():
    assert priors.is_mhr(stats.uniform(0, 1))
    assert priors.is_mhr(stats.truncexpon(b=3))
    assert not priors.is_mhr(stats.beta(0.5, 0.5))
    with pytest.warns(priors.MHRWarning, match="monotone hazard rate"):
        priors.warn_if_not_mhr(stats.beta(0.5, 0.5), "Theorem 1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert priors.warn_if_not_mhr(stats.beta(2, 2), "Theorem 1")


@pytest.mark.parametrize(
    "prior, expected",
    [
        (stats.uniform(0, 1), 0.5),
        (stats.uniform(1, 2), 1.5),  # argmax r (3 - r) / 2 on [1, 3]
        (stats.expon(scale=2.0), 2.0),  # constant hazard 1/2: r* = 1/λ
    ],
)
def test_myerson_reserve_closed_forms(prior, expected):
    assert priors.myerson_reserve(prior) == pytest.approx(expected, abs=1e-8)


def test_myerson_reserve_is_root_of_virtual_value():
    prior = stats.beta(2, 3)
    r = priors.myerson_reserve(prior)
    assert abs(priors.virtual_value(prior, r)) < 1e-7


@pytest.mark.parametrize("n", [2, 3, 7])
def test_order_statistic_laws_integrate_and_match_sampling(n):
    prior = stats.beta(2, 3)
    for cdf, pdf in [
        (priors.highest_cdf, priors.highest_pdf),
        (priors.second_highest_cdf, priors.second_highest_pdf),
    ]:
        total, _ = integrate.quad(lambda x, pdf=pdf: pdf(prior, n, x), 0, 1)
        assert total == pytest.approx(1.0, abs=1e-10)
        x = 0.37
        part, _ = integrate.quad(lambda s, pdf=pdf: pdf(prior, n, s), 0, x)
        assert part == pytest.approx(float(cdf(prior, n, x)), abs=1e-10)
    draws = np.sort(prior.rvs(size=(200_000, n), random_state=np.random.default_rng(3)), axis=1)
    # Empirical CDF at 0.4 has standard error <= 0.5 / sqrt(2e5) = 0.0011; allow 5 se.
    assert np.mean(draws[:, -1] <= 0.4) == pytest.approx(
        priors.highest_cdf(prior, n, 0.4), abs=0.0056
    )
    assert np.mean(draws[:, -2] <= 0.4) == pytest.approx(
        priors.second_highest_cdf(prior, n, 0.4), abs=0.0056
    )


@pytest.mark.parametrize("prior", [stats.uniform(0, 1), stats.beta(2, 2), stats.truncexpon(b=3)])
@pytest.mark.parametrize("n", [2, 4])
def test_expected_second_given_highest_against_quad(prior, n):
    low, _ = priors.support(prior)
    for w in [0.05, 0.5, 0.93]:
        Fw = prior.cdf(w)
        ref, _ = integrate.quad(lambda s, Fw=Fw: 1 - (prior.cdf(s) / Fw) ** (n - 1), low, w)
        got = priors.expected_second_given_highest(prior, n, w)[0]
        assert got == pytest.approx(low + ref, abs=1e-12)


def test_expected_second_highest_uniform():
    for n in (2, 3, 10):
        # E[second of n uniforms] = (n - 1) / (n + 1)
        assert priors.expected_second_highest(stats.uniform(0, 1), n) == pytest.approx(
            (n - 1) / (n + 1), abs=1e-12
        )
    assert math.isfinite(priors.expected_second_highest(stats.norm(), 3))


def test_myerson_reserve_below_an_upper_limit():
    u = stats.uniform(0, 1)
    assert priors.myerson_reserve(u, upper=0.3) == pytest.approx(0.3, abs=1e-8)  # r(1-r) rises
    assert priors.myerson_reserve(u, upper=0.8) == pytest.approx(0.5, abs=1e-8)
    # a tail with no optimal reserve has one below a finite limit
    assert priors.myerson_reserve(stats.pareto(0.5), upper=10.0) == pytest.approx(10.0, rel=1e-6)
    with pytest.raises(ValueError, match="`upper` must be above"):
        priors.myerson_reserve(u, upper=0.0)
