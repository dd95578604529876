"""The dynamic market publishes through a Disclosure; its observer accumulates what the rule
reveals about each identified bidder."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

import privauction as pa
from privauction import disclosure as dc
from privauction.simulator.world import Market

U01 = stats.uniform(0, 1)
SPA = pa.mechanisms.SecondPrice()


def _market(**kw):
    base = dict(n_population=40, n_per_auction=3, arrival_rate=200.0)
    return Market(SPA, U01, **{**base, **kw})


def test_the_papers_rule_as_a_disclosure_is_the_default_feed():
    plain = _market().run(5.0, rng=3)
    ruled = _market(disclosure=dc.WinnerAndPrice()).run(5.0, rng=3)
    pd.testing.assert_frame_equal(plain.events, ruled.events)
    pd.testing.assert_frame_equal(plain.privacy, ruled.privacy)
    assert plain.published is None
    pub = ruled.published
    assert pub.shape == (len(ruled.events), 2)
    np.testing.assert_array_equal(pub[:, 0], ruled.events["winner"].to_numpy(float))
    np.testing.assert_array_equal(pub[:, 1], ruled.events["price"].to_numpy())


def _beta_kl_by_quadrature(a):
    # KL of the density ∝ u^(a-1) on [0, 1] from the uniform, integrated numerically
    norm = integrate.quad(lambda u: u ** (a - 1), 0, 1)[0]
    return integrate.quad(lambda u: u ** (a - 1) / norm * np.log(u ** (a - 1) / norm), 0, 1,
                          limit=200)[0]


def _feed_kl_by_quadrature(k, t, m, q):
    # the WinnerOnly posterior ∝ u^((m-1)k) (1 - q u^(m-1))^(t-k), normalised and its KL from
    # the uniform by scipy quad on u (the library uses a log-spaced grid in 1 - u)
    def log_dens(u):
        return (m - 1) * k * np.log(u) + (t - k) * np.log1p(-q * u ** (m - 1))
    peak = max(log_dens(u) for u in np.linspace(1e-3, 1, 2001))
    pts = [1 - 10.0**-e for e in range(1, 8)]
    norm = integrate.quad(lambda u: np.exp(log_dens(u) - peak), 0, 1, points=pts,
                          limit=400)[0]
    return integrate.quad(
        lambda u: np.exp(log_dens(u) - peak) / norm * (log_dens(u) - peak - np.log(norm)),
        0, 1, points=pts, limit=400)[0]


def test_winner_only_observer_counts_wins_and_its_kl_is_the_feed_posterior():
    res = _market(disclosure=dc.WinnerOnly()).run(5.0, rng=4)
    priv = res.privacy
    assert len(priv) == int((res.events["winner"] >= 0).sum())
    assert priv["max_price"].isna().all()            # no price was published
    last = priv.groupby("bidder").tail(1).set_index("bidder")
    wins = res.events.loc[res.events["winner"] >= 0, "winner"].value_counts()
    assert (last["n_wins"] == wins.reindex(last.index)).all()
    # m = 3 of N = 40: the posterior after k wins in t auctions, checked by quadrature
    # (grid against quad: differences measured 1.4e-5 to 1.7e-5 for k <= 300, t <= 3000)
    for _, r in priv.iloc[[0, 5, len(priv) // 2, -1]].iterrows():
        truth = _feed_kl_by_quadrature(r["n_wins"], r["auction"] + 1, 3, 3 / 40)
        assert r["cumulative_kl"] == pytest.approx(truth, abs=1e-4)


def test_fresh_values_add_one_win_kl_per_win():
    res = _market(disclosure=dc.WinnerOnly(), value_process="fresh").run(2.0, rng=5)
    per_win = _beta_kl_by_quadrature(3)              # a single win with m = 3: ∝ u^2
    np.testing.assert_allclose(res.privacy["cumulative_kl"],
                               res.privacy["n_wins"] * per_win, atol=1e-8)


@pytest.mark.parametrize("disclosure", [dc.PriceOnly(), dc.RoundedPrice(0.1),
                                        dc.NoisyPrice(0.1), dc.AllBids(), dc.Nothing()],
                         ids=repr)
def test_a_rule_that_names_nobody_identifies_nobody(disclosure):
    res = _market(disclosure=disclosure).run(2.0, rng=6)
    assert res.privacy.empty
    assert res.published.shape[0] == len(res.events)
    if isinstance(disclosure, dc.AllBids):           # the sorted bids: top one is the value
        np.testing.assert_array_equal(res.published[:, 0], res.events["winner_value"])
    if isinstance(disclosure, dc.PriceOnly):
        np.testing.assert_array_equal(res.published[:, 0], res.events["price"])


def test_noise_comes_from_its_own_stream():
    a = _market(disclosure=dc.NoisyPrice(0.1)).run(2.0, rng=7)
    b = _market(disclosure=dc.NoisyPrice(0.1)).run(2.0, rng=7)
    plain = _market().run(2.0, rng=7)
    np.testing.assert_array_equal(a.published, b.published)           # reproducible
    pd.testing.assert_frame_equal(a.events, plain.events)             # other streams unchanged
    assert not np.allclose(a.published[:, 0], a.events["price"])


def test_market_disclosure_errors_name_the_parameter():
    with pytest.raises(TypeError, match="`disclosure` must be an instance of privauction"):
        _market(disclosure="price")
    with pytest.raises(ValueError, match="`disclosure` AllBids.* give `n_per_auction`"):
        Market(SPA, U01, n_population=40, entry_probability=0.1, arrival_rate=10.0,
               disclosure=dc.AllBids())
    res = Market(SPA, U01, n_population=40, entry_probability=0.1, arrival_rate=50.0,
                 disclosure=dc.WinnerOnly()).run(2.0, rng=0)
    assert res.privacy["cumulative_kl"].isna().all()   # the number of rivals is not published
