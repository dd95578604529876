"""The Disclosure contract and the built-in publication rules (privauction.disclosure)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats

import privauction as pa
from privauction import disclosure as dc

BUILTINS = [
    dc.WinnerAndPrice(), dc.PriceOnly(), dc.WinnerOnly(), dc.AllBids(),
    dc.AllBids(with_identities=True), dc.RoundedPrice(0.1), dc.StochasticRounding(),
    dc.NoisyPrice(0.1), dc.Nothing(),
]


@pytest.fixture(scope="module")
def reserve_out():
    return pa.simulate(pa.mechanisms.ReservePrice(0.5), stats.uniform(0, 1), n_bidders=3,
                       n_auctions=2_000, rng=0, keep="bids")


@pytest.mark.parametrize("disclosure", BUILTINS, ids=repr)
def test_builtin_shape_and_unsold_rows(disclosure, reserve_out):
    arr = disclosure.checked_publish(reserve_out, np.random.default_rng(1))
    assert arr.shape[0] == reserve_out.n_auctions and arr.dtype == float
    kinds = disclosure.discrete_columns(arr.shape[1])
    assert kinds is None or len(kinds) == arr.shape[1]
    unsold = ~reserve_out.sold
    assert unsold.any()
    if not disclosure.needs_bids and arr.shape[1]:
        assert np.isnan(arr[unsold]).all()          # nothing to publish about an unsold item
        assert not np.isnan(arr[~unsold]).any()


def test_simulate_keeps_values_and_bids_only_when_asked():
    prior = stats.uniform(0, 1)
    plain = pa.simulate(pa.mechanisms.SecondPrice(), prior, 3, 500, rng=2)
    kept = pa.simulate(pa.mechanisms.SecondPrice(), prior, 3, 500, rng=2, keep="bids")
    assert plain.values is None and plain.bids is None
    np.testing.assert_array_equal(plain.price, kept.price)     # same draws either way
    np.testing.assert_array_equal(kept.values.max(axis=1), kept.winner_value)
    np.testing.assert_array_equal(kept.bids, kept.values)      # truthful bidding
    np.testing.assert_array_equal(kept.values[np.arange(500), kept.winner], kept.winner_value)
    vals = pa.simulate(pa.mechanisms.SecondPrice(), prior, 3, 500, rng=2, keep="values")
    assert vals.bids is None and vals.values.shape == (500, 3)
    with pytest.raises(ValueError, match="`keep` must be one of"):
        pa.simulate(pa.mechanisms.SecondPrice(), prior, 3, 10, rng=0, keep="everything")
    with pytest.raises(TypeError, match="`keep` must be one of"):
        pa.simulate(pa.mechanisms.SecondPrice(), prior, 3, 10, rng=0, keep=1)


def test_all_bids_sorted_or_by_identity(reserve_out):
    sorted_bids = dc.AllBids().checked_publish(reserve_out, np.random.default_rng(0))
    assert np.all(np.diff(sorted_bids, axis=1) <= 0)
    np.testing.assert_array_equal(np.sort(sorted_bids, axis=1),
                                  np.sort(reserve_out.bids, axis=1))
    by_id = dc.AllBids(with_identities=True).checked_publish(reserve_out, np.random.default_rng(0))
    np.testing.assert_array_equal(by_id, reserve_out.bids)


def test_all_bids_needs_kept_bids():
    out = pa.simulate(pa.mechanisms.SecondPrice(), stats.uniform(0, 1), 2, 10, rng=0)
    with pytest.raises(ValueError, match="keep='bids'"):
        dc.AllBids().checked_publish(out, np.random.default_rng(0))


def test_rounded_price_is_nearest_multiple():
    price = np.random.default_rng(3).uniform(0, 1, 10_000)
    out = SimpleNamespace(winner=np.zeros(price.size, int), price=price)
    r = dc.RoundedPrice(0.125).checked_publish(out, np.random.default_rng(0))[:, 0]
    assert np.all(np.abs(r - price) <= 0.0625)
    np.testing.assert_array_equal(r / 0.125, np.round(r / 0.125))


def _spacing_by_search(x, mantissa_bits, e_min):
    """The grid step at x by brute force over binades (reference for StochasticRounding)."""
    for e in range(e_min, 200):
        if x < 2.0 ** (e + 1):
            return 2.0 ** (e - mantissa_bits)
    raise AssertionError


@pytest.mark.parametrize("mantissa_bits,exponent_bits", [(0, 3), (2, 4), (8, 8)])
def test_stochastic_rounding_grid_and_unbiased(mantissa_bits, exponent_bits):
    rule = dc.StochasticRounding(mantissa_bits, exponent_bits)
    e_min, e_max = rule.exponent_range
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 1, 200)
    for xi in x[:20]:
        assert rule.spacing(xi) == _spacing_by_search(xi, mantissa_bits, e_min)
    reps = 2_000
    out = SimpleNamespace(winner=np.zeros(x.size * reps, int), price=np.repeat(x, reps))
    r = rule.checked_publish(out, rng)[:, 0].reshape(x.size, reps)
    s = rule.spacing(x)
    low = np.floor(x / s) * s
    # Every published value is one of the two neighbours on the grid ...
    assert np.all((r == low[:, None]) | (r == (low + s)[:, None]))
    # ... and the mean is the price: each row's mean has standard deviation <= s / (2 sqrt(reps)),
    # so 5 of them bound a deviation that a correct rule exceeds with chance < 1e-6 per row.
    assert np.all(np.abs(r.mean(axis=1) - x) <= 5 * s / (2 * math.sqrt(reps)))
    big = SimpleNamespace(winner=np.zeros(1, int), price=np.array([10.0 * rule.largest]))
    assert rule.checked_publish(big, rng)[0, 0] == rule.largest


def test_noisy_price_is_laplace_around_the_price():
    price = np.full(200_000, 0.4)
    out = SimpleNamespace(winner=np.zeros(price.size, int), price=price)
    y = dc.NoisyPrice(0.2).checked_publish(out, np.random.default_rng(5))[:, 0]
    # Kolmogorov–Smirnov against Laplace(0.4, 0.2): a correct rule fails with chance 1e-4.
    assert stats.kstest(y, stats.laplace(0.4, 0.2).cdf).pvalue > 1e-4
    assert dc.NoisyPrice(0.25).epsilon(0, 1) == 4.0
    assert dc.NoisyPrice(0.25).epsilon(0, math.inf) == math.inf


@pytest.mark.parametrize("make,name,bad", [
    (dc.RoundedPrice, "step", -1.0), (dc.RoundedPrice, "step", math.nan),
    (dc.RoundedPrice, "step", 0.0), (dc.RoundedPrice, "step", math.inf),
    (dc.NoisyPrice, "scale", -1.0), (dc.NoisyPrice, "scale", math.nan),
])
def test_bad_step_or_scale(make, name, bad):
    with pytest.raises(ValueError, match=rf"`{name}` must be a finite number > 0; got {bad}"):
        make(bad)


def test_bad_types_and_bits():
    with pytest.raises(TypeError, match="`step` must be a finite number > 0; got '0.1'"):
        dc.RoundedPrice("0.1")
    with pytest.raises(ValueError,
                       match=r"`mantissa_bits` must be an integer in \[0, 52\]; got -1"):
        dc.StochasticRounding(mantissa_bits=-1)
    with pytest.raises(TypeError, match="`exponent_bits` must be an integer"):
        dc.StochasticRounding(exponent_bits=2.5)
    with pytest.raises(TypeError, match="`with_identities` must be True or False"):
        dc.AllBids(with_identities="no")


class _WrongShape(dc.Disclosure):
    def publish(self, outcome, rng):
        return np.asarray(outcome.price)            # 1-D: breaks the (n_auctions, d) rule


class _WrongRows(dc.Disclosure):
    def publish(self, outcome, rng):
        return np.zeros((3, 1))


class _Infinite(dc.Disclosure):
    def publish(self, outcome, rng):
        return np.full((np.asarray(outcome.price).shape[0], 1), np.inf)


class _Text(dc.Disclosure):
    def publish(self, outcome, rng):
        return np.array([["a"]] * np.asarray(outcome.price).shape[0])


class _BadKinds(dc.Disclosure):
    def publish(self, outcome, rng):
        return np.zeros((np.asarray(outcome.price).shape[0], 2))

    def discrete_columns(self, n_columns):
        return (True,)


@pytest.mark.parametrize("plugin,message", [
    (_WrongShape(), r"_WrongShape.publish returned shape \(5,\); it must have shape "
                    r"\(n_auctions, d\) = \(5, d\)"),
    (_WrongRows(), r"_WrongRows.publish returned shape \(3, 1\)"),
    (_Infinite(), r"_Infinite.publish returned inf in auction 0, column 0"),
    (_Text(), r"_Text.publish must return an array of numbers; got dtype <U1"),
    (_BadKinds(), r"_BadKinds.discrete_columns returned 1 entries for 2 published columns"),
])
def test_plugin_contract_errors(plugin, message):
    out = SimpleNamespace(winner=np.zeros(5, int), price=np.full(5, 0.5))
    with pytest.raises(dc.DisclosureContractError, match=message):
        plugin.checked_publish(out, np.random.default_rng(0))


def test_disclosures_are_frozen_and_labelled():
    rule = dc.RoundedPrice(0.1)
    assert repr(rule) == "RoundedPrice(step=0.1)"
    with pytest.raises(AttributeError):
        rule.step = 0.2
    assert dc.RoundedPrice(1) == dc.RoundedPrice(1.0)
