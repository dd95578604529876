"""Valid but unusual inputs to the core entry points still work after the bad-input checks
(issue 15, part A): the refusals must not catch legitimate calls."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import stats

import privauction as pa
from privauction._validation import WorkBudgetError

SPA = pa.mechanisms.SecondPrice()
UNIFORM = stats.uniform(0, 1)
TRUTH_SPA_N2 = 1.0 - math.log(2.0)  # Eq. (9) of the auction paper at n = 2, any prior


@pytest.mark.parametrize(
    "prior",
    [stats.beta(0.05, 0.05), stats.beta(0.5, 0.5), stats.beta(2, 0.1), stats.beta(0.1, 2)],
    ids=["beta(0.05,0.05)", "beta(0.5,0.5)", "beta(2,0.1)", "beta(0.1,2)"],
)
def test_priors_with_density_spikes_at_the_ends_simulate_and_estimate(prior):
    out = pa.simulate(SPA, prior, 2, 20_000, rng=0)
    assert out.sold_share == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no infinite-loss warning from value ties at an end
        est = pa.estimate_privacy_loss(out, rng=0)
    assert not est.infinite and math.isfinite(est.estimate)
    # The SPA's loss at n = 2 is 1 - log 2 for every prior; the estimate's own standard error
    # sets the tolerance (seed 0: beta(0.05, 0.05) is 2.4 standard errors low, the spikes' ties).
    assert abs(est.estimate - TRUTH_SPA_N2) < 5 * est.std_error + abs(est.bias)


def test_a_reserve_at_the_top_of_the_support():
    near = pa.mechanisms.ReservePrice(0.999)
    out = pa.simulate(near, UNIFORM, 2, 200_000, rng=0)
    assert 0 < out.sold_share < 0.01 and np.nanmin(out.price) >= 0.999
    assert 0 < near.privacy_loss(UNIFORM, 2) < 1e-5
    top = pa.mechanisms.ReservePrice(float(np.nextafter(1.0, 0.0)))  # the top, to rounding
    out = pa.simulate(top, UNIFORM, 2, 1_000, rng=0)
    assert out.sold_share == 0.0 and np.isnan(out.price).all()
    assert 0.0 <= top.privacy_loss(UNIFORM, 2) < 1e-30  # P(sale) = 1 - F(r)^2 ~ 2e-16
    # nothing sold: nothing to estimate, said so naming the argument
    with pytest.raises(ValueError, match="`outcomes` has no sold auction"):
        pa.estimate_privacy_loss(out, rng=0)


def test_one_auction_and_integral_arguments_of_numpy_types():
    out = pa.simulate(SPA, UNIFORM, np.int64(2), 1, rng=np.random.SeedSequence(3))
    assert out.n_auctions == 1 and out.winner.shape == (1,)
    out = pa.simulate(SPA, UNIFORM, 3, 100.0, rng=np.random.PCG64(1), chunk_size=np.int32(7))
    assert out.n_auctions == 100
    assert pa.simulate(SPA, UNIFORM, 2, 5, rng=np.uint8(4)).n_auctions == 5


def test_tiny_scales_give_the_same_mutual_information():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(5_000)
    y = 0.6 * x + 0.8 * rng.standard_normal(5_000)
    z = rng.standard_normal(5_000)
    for method in ("ksg", "mixed", "binned"):
        base = pa.estimators.mutual_information(x, y, method=method)
        assert pa.estimators.mutual_information(1e-200 * x, 1e-200 * y, method=method) == (
            pytest.approx(base, abs=1e-12))
    for method in ("ksg", "mixed"):  # unstandardised: distances scale, counts do not
        raw = pa.estimators.mutual_information(x, y, method=method, standardize=False)
        tiny = pa.estimators.mutual_information(1e-200 * x, 1e-200 * y, method=method,
                                                standardize=False)
        assert tiny == pytest.approx(raw, abs=1e-12)
    cmi = pa.estimators.conditional_mutual_information(x, y, z)
    assert pa.estimators.conditional_mutual_information(1e-200 * x, 1e-200 * y, 1e-200 * z) == (
        pytest.approx(cmi, abs=1e-12))


def test_overrides_lift_the_budgets():
    with pytest.raises(WorkBudgetError, match="max_memory"):
        pa.simulate(SPA, UNIFORM, 2, 10_000, rng=0, max_memory=1e4)
    assert pa.simulate(SPA, UNIFORM, 2, 10_000, rng=0, max_memory=None).n_auctions == 10_000
    out = pa.simulate(SPA, UNIFORM, 2, 2_000, rng=0)
    with pytest.raises(WorkBudgetError, match="max_work"):
        pa.estimate_privacy_loss(out, rng=0, max_work=1e4)
    assert pa.estimate_privacy_loss(out, rng=0, max_work=None).n == 2_000
    x = np.random.default_rng(1).random(1_000)
    with pytest.raises(WorkBudgetError, match="max_work"):
        pa.estimators.mutual_information(x, x ** 2, max_work=100)
    assert math.isfinite(pa.estimators.mutual_information(x, x ** 2, max_work=None))


def test_plugins_with_integer_prices_and_outcomes_with_population_ids():
    class WholePrices(pa.mechanisms.Mechanism):
        def run(self, bids, rng):
            winner, _, second = pa.mechanisms.top_two(bids, rng)
            return winner, np.floor(10 * second).astype(np.int64)  # integers are real prices

    out = pa.simulate(WholePrices(), UNIFORM, 2, 1_000, rng=0)
    assert out.price.dtype.kind == "f" and set(np.unique(out.price)) <= set(range(10))
    # the market's outcomes carry population ids (not seats) as winners: accepted
    res = pa.Outcomes(winner=np.array([0, 17, -1]), winner_value=np.array([0.5, 0.7, np.nan]),
                      second_value=np.array([0.2, 0.1, 0.3]), price=np.array([0.2, 0.1, np.nan]),
                      mechanism=SPA, prior=UNIFORM, n_bidders=2)
    assert res.sold_share == pytest.approx(2 / 3)
    # lists become arrays
    assert isinstance(pa.Outcomes(winner=[0], winner_value=[0.5], second_value=[0.2],
                                  price=[0.2], mechanism=SPA, prior=UNIFORM,
                                  n_bidders=2).winner, np.ndarray)


def test_other_valid_corners():
    # a prior with a sliver of mass below 0 (norm(10, 1)) and one far from 0
    assert pa.simulate(SPA, stats.norm(10, 1), 2, 100, rng=0).n_auctions == 100
    assert pa.simulate(SPA, stats.uniform(1e6, 1), 2, 100, rng=0).price.min() > 1e6
    # the observer at the bottom of the price support, and the smallest normal rounding step
    obs = pa.Observer(SPA, UNIFORM, 2)
    assert obs.kl([0.0])[0] == pytest.approx(TRUTH_SPA_N2)
    step = pa.disclosure.RoundedPrice(step=1e-300)
    out = pa.simulate(SPA, UNIFORM, 2, 50, rng=0)
    assert np.all(np.isfinite(step.checked_publish(out, np.random.default_rng(0))[:, 0]))
    # a noise scale with an infinite price support: epsilon is infinite, not refused
    assert pa.disclosure.NoisyPrice(0.5).epsilon(0.0, math.inf) == math.inf
    # a zero reserve (the bottom of the support) is a plain SPA
    assert pa.mechanisms.ReservePrice(0.0).privacy_loss(UNIFORM, 2) == pytest.approx(
        SPA.privacy_loss(UNIFORM, 2), abs=1e-9)
