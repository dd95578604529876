"""Conformance suite: every mechanism, built-in or plug-in, is enrolled here.

Each test below runs on every entry of MECHANISMS (and the examples' plug-in), so a new
mechanism gets the whole contract checked by adding one line.
"""

from __future__ import annotations

import math
import runpy
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import privauction as pa

M = pa.mechanisms
EXAMPLE = runpy.run_path(str(Path(__file__).parents[1] / "examples" / "custom_mechanism.py"))

MECHANISMS = {
    "SecondPrice": (M.SecondPrice(), 3),
    "ReservePrice(None)": (M.ReservePrice(), 3),
    "ReservePrice(0.3)": (M.ReservePrice(0.3), 2),
    "ZeroKLottery(2)": (M.ZeroKLottery(2.0), 2),
    "WinnerBidLottery": (M.WinnerBidLottery(), 3),
    "BetaPrice": (M.BetaPrice(), 2),
    "KPrice(2)": (M.KPrice(2), 3),
    "KPrice(3)": (M.KPrice(3), 4),
    "FirstPrice": (M.FirstPrice(), 3),
    "plugin:RoundedSecondPrice": (EXAMPLE["RoundedSecondPrice"](0.05), 2),
}
PRIORS = [stats.uniform(0, 1), stats.beta(2, 3)]


@pytest.fixture(params=list(MECHANISMS), ids=list(MECHANISMS))
def mech_n(request):
    return MECHANISMS[request.param]


@pytest.mark.parametrize("prior", PRIORS, ids=["uniform", "beta23"])
def test_contract(mech_n, prior):
    mech, n = mech_n
    out = pa.simulate(mech, prior, n_bidders=n, n_auctions=5_000, rng=11, chunk_size=1_500)
    assert out.winner.shape == out.price.shape == out.winner_value.shape == (5_000,)
    assert np.all((out.winner >= -1) & (out.winner < n))
    sold = out.sold
    assert np.all(np.isnan(out.price[~sold])) and np.all(np.isfinite(out.price[sold]))
    assert np.all(out.price[sold] >= 0)
    if mech.efficient:
        # Efficient mechanisms (with increasing bid functions) give the item to the top value.
        assert np.all(sold)
        assert np.all(out.winner_value == np.maximum(out.winner_value, out.second_value))
    if mech.ex_post_ir:
        assert out.ex_post_ir_violation_share == 0.0
    frame = out.to_frame()
    assert list(frame.columns) == ["winner", "winner_value", "second_value", "price"]
    assert len(frame) == 5_000


def test_reproducible_and_seed_sensitive(mech_n):
    mech, n = mech_n
    prior = stats.uniform(0, 1)
    a = pa.simulate(mech, prior, n, 2_000, rng=5)
    b = pa.simulate(mech, prior, n, 2_000, rng=np.random.default_rng(5))
    c = pa.simulate(mech, prior, n, 2_000, rng=6)
    np.testing.assert_array_equal(a.price, b.price)
    np.testing.assert_array_equal(a.winner, b.winner)
    assert not np.array_equal(a.winner_value, c.winner_value)


def test_privacy_loss_is_nonnegative_inf_or_not_implemented(mech_n):
    mech, n = mech_n
    try:
        value = mech.privacy_loss(stats.uniform(0, 1), n)
    except NotImplementedError as err:
        assert type(mech).__name__ in str(err)
        return
    assert value == math.inf or value >= 0


def test_repr_is_a_readable_label(mech_n):
    mech, _ = mech_n
    assert repr(mech).startswith(type(mech).__name__ + "(")
    hash(mech)  # frozen dataclasses are hashable, usable as table keys


DSIC = [k for k, (m, _) in MECHANISMS.items() if m.dsic and not k.startswith("ReservePrice")]


@pytest.mark.parametrize("name", DSIC)
def test_mean_payment_given_bids_is_second_bid(name):
    """DSIC + efficiency pin the expected payment to the second-highest bid (Eq. (2))."""
    mech, n = MECHANISMS[name]
    rng = np.random.default_rng(2)
    profiles = rng.uniform(0, 1, size=(4, n))
    repeats = 100_000
    bids = np.repeat(profiles, repeats, axis=0)
    winner, price = mech.checked_run(bids, rng)
    mean = price.reshape(4, repeats).mean(axis=1)
    se = price.reshape(4, repeats).std(axis=1) / math.sqrt(repeats)
    second = np.sort(profiles, axis=1)[:, -2]
    # 5 standard errors of the mean (measured from the same draws); deterministic prices have se 0
    assert np.all(np.abs(mean - second) <= 5 * se + 1e-12), (mean, second, se)


def test_top_two_breaks_ties_uniformly():
    rng = np.random.default_rng(0)
    bids = np.tile([0.3, 0.9, 0.9, 0.1, 0.9], (90_000, 1))
    winner, high, second = M.top_two(bids, rng)
    assert np.all(high == 0.9) and np.all(second == 0.9)
    counts = np.bincount(winner, minlength=5) / winner.size
    # Each of the three tied bidders wins w.p. 1/3: se = sqrt(2/9 / 9e4) = 0.0016; 5 se.
    np.testing.assert_allclose(counts[[1, 2, 4]], 1 / 3, atol=0.008)
    assert counts[0] == counts[3] == 0


def test_k_price_bids_are_an_equilibrium_for_a_non_uniform_prior():
    prior = stats.beta(2, 3)
    mech = M.KPrice(3)
    gains = mech.deviation_gain(prior, 4, [0.1, 0.3, 0.5, 0.7])
    assert np.all(gains <= 1e-6)

    class Truthful3Price(M.KPrice):
        def bid_function(self, prior, n_bidders):
            return None

    # Truthful bidding is not an equilibrium of the 3-price auction: deviating pays.
    assert np.max(Truthful3Price(3).deviation_gain(prior, 4, [0.3, 0.5, 0.7])) > 1e-3


@pytest.mark.parametrize("k, n", [(4, 4), (5, 5), (4, 6)])
@pytest.mark.parametrize("prior", [stats.beta(2, 2), stats.truncexpon(b=3)], ids=["beta22", "texp"])
def test_k_price_bids_where_the_density_vanishes_at_an_end(prior, k, n):
    """beta(2, 2) has f = 0 at both ends; the bids must stay increasing, above the value
    (Monderer & Tennenholtz, Theorem A) and an equilibrium, and simulate must accept them."""
    mech = M.KPrice(k)
    v = prior.ppf(np.linspace(0.001, 0.999, 2001))
    bids = mech.bid_function(prior, n)(v)
    assert np.all(np.diff(bids) > 0) and np.all(bids >= v)
    assert np.all(mech.deviation_gain(prior, n, prior.ppf([0.05, 0.3, 0.6, 0.95])) <= 1e-6)
    out = pa.simulate(mech, prior, n, 20_000, rng=0)
    assert out.ex_post_ir_violation_share > 0


@pytest.mark.parametrize("k, n", [(3, 4), (4, 6), (5, 5)])
def test_k_price_numeric_bids_match_uniform_closed_form(k, n):
    """The numeric solver, run on a beta(1, 1) (= uniform, but not recognised as such)."""
    numeric = M.KPrice(k).bid_function(stats.beta(1, 1), n)
    v = np.linspace(0.01, 0.99, 50)
    np.testing.assert_allclose(numeric(v), v * (n - 1) / (n - k + 1), rtol=1e-6)


def test_first_price_numeric_bids_match_uniform_closed_form():
    numeric = M.FirstPrice().bid_function(stats.beta(1, 1), 4)
    v = np.linspace(0.01, 0.99, 50)
    np.testing.assert_allclose(numeric(v), 0.75 * v, atol=1e-7)
