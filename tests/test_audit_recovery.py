"""Value recovery (GPV) on synthetic first-price bids from privauction's own equilibrium."""

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import privauction as pa
from privauction.audit import recover_values


def synthetic_bids(prior, n_auctions, seed, n_values=(2, 3, 4, 5, 6)):
    """Bids of ``n_auctions`` first-price auctions, n uniform on ``n_values``, at the BNE."""
    rng = np.random.default_rng(seed)
    n = rng.choice(n_values, size=n_auctions)
    parts = []
    for k in n_values:
        idx = np.flatnonzero(n == k)
        values = prior.rvs(size=(idx.size, k), random_state=rng)
        bids = pa.mechanisms.FirstPrice().bid_function(prior, k)(values)
        parts.append(pd.DataFrame({"auction": np.repeat(idx, k), "bid": bids.ravel(),
                                   "value": values.ravel()}))
    return pd.concat(parts, ignore_index=True)


PRIOR = stats.beta(2, 5, scale=10)


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_bids(PRIOR, 2000, seed=0)


def test_recovered_values_match_the_true_prior(synthetic):
    fit = recover_values(synthetic, auction="auction", bid="bid")
    # Over 20 seeds of 2,000 auctions the KS distance of the pseudo-values to the true prior
    # was 0.0155 ± 0.0025 (max 0.021): mean + 5 sd.
    assert stats.kstest(fit.values["pseudo_value"], PRIOR.cdf).statistic < 0.028
    # bids alone (no GPV markdown) are far from the values: the check can fail
    assert stats.kstest(synthetic["bid"], PRIOR.cdf).statistic > 0.15
    grid = PRIOR.ppf(np.linspace(0, 1, 1001))
    assert np.abs(fit.prior.cdf(grid) - PRIOR.cdf(grid)).max() < 0.028
    assert (fit.diagnostics["share_decreasing"] < 0.01).all()  # kernel noise only
    assert (fit.diagnostics["share_below_bid"] == 0).all()
    assert fit.diagnostics["n_bidders"].tolist() == [2, 3, 4, 5, 6]
    assert fit.diagnostics["n_auctions"].sum() == synthetic["auction"].nunique()
    assert 0 < fit.share_trimmed < 0.15
    np.testing.assert_allclose(fit.values["scale"], 1.0)   # no covariates: no homogenisation
    assert "reserve" in fit.model and "log(bid) ~ 1 + C(n)" in fit.model


def test_homogenisation_removes_a_covariate_effect(synthetic):
    rng = np.random.default_rng(100)
    x = rng.uniform(-1, 1, synthetic["auction"].max() + 1)[synthetic["auction"]]
    data = synthetic.assign(x=x, bid=synthetic["bid"] * np.exp(0.5 * x))
    fit = recover_values(data, auction="auction", bid="bid", covariates=["x"])
    # 20 seeds: coefficient 0.501 ± 0.014 and KS 0.0139 ± 0.0022 (max 0.018): mean + 5 sd
    assert abs(fit.homogenisation.coefficients["x"] - 0.5) < 0.07
    true_units = fit.values["value"] / np.exp(0.5 * x)
    assert stats.kstest(true_units, PRIOR.cdf).statistic < 0.025


def test_categorical_covariate_enters_as_dummies(synthetic):
    group = synthetic["auction"] % 3
    data = synthetic.assign(g=group, bid=synthetic["bid"] * np.array([1.0, 2.0, 4.0])[group])
    fit = recover_values(data, auction="auction", bid="bid", covariates=["g"], categorical=["g"])
    coef = fit.homogenisation.coefficients
    assert abs(coef["g=1"] - np.log(2)) < 0.05 and abs(coef["g=2"] - np.log(4)) < 0.05
    assert "C(g)" in fit.homogenisation.formula


def test_the_prior_is_accepted_by_every_mechanism(synthetic):
    fit = recover_values(synthetic, auction="auction", bid="bid")
    prior = fit.prior
    pa.priors.validate_prior(prior, bounded=True)
    high = prior.support()[1]
    for mech in (pa.mechanisms.FirstPrice(), pa.mechanisms.SecondPrice(),
                 pa.mechanisms.ReservePrice(), pa.mechanisms.ZeroKLottery(K=high),
                 pa.mechanisms.WinnerBidLottery()):
        mech.check_compatible(prior, 3)
        out = pa.simulate(mech, prior, n_bidders=3, n_auctions=2000, rng=0)
        assert np.isfinite(out.winner_value[out.winner >= 0]).all() and out.sold_share > 0.9
    again = pickle.loads(pickle.dumps(prior))
    np.testing.assert_array_equal(again.cdf([1.0, 2.0]), prior.cdf([1.0, 2.0]))
    q = np.linspace(0.01, 0.99, 9)
    np.testing.assert_allclose(prior.cdf(prior.ppf(q)), q, atol=1e-9)


def test_recovery_checks_its_input(synthetic):
    with pytest.raises(ValueError, match="`bid` column 'price' is not in the table"):
        recover_values(synthetic, auction="auction", bid="price")
    with pytest.raises(ValueError, match="single bid"):
        recover_values(synthetic.iloc[1:], auction="auction", bid="bid")
    with pytest.raises(ValueError, match="`bandwidth_scale` must be"):
        recover_values(synthetic, auction="auction", bid="bid", bandwidth_scale=0)
    with pytest.raises(ValueError, match="`categorical` column 'g'"):
        recover_values(synthetic, auction="auction", bid="bid", categorical=["g"])
