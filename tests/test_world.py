"""The simpy market (privauction.simulator.world): clock, seeding, values, observer, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

import privauction as pa
from privauction.estimators import mutual_information
from privauction.mechanisms import Mechanism, MechanismContractError, top_two
from privauction.simulator._world_observer import LotteryModel
from privauction.simulator._world_values import (
    BidderValues,
    MarkovRefresh,
    spawned_states,
    stream_uniforms,
)
from privauction.simulator.world import (
    Market,
    MarketRunError,
    _bidder_keys,
    run_seasons,
    season_outcomes,
    seasons,
)

M = pa.mechanisms
UNIFORM = stats.uniform(0, 1)
BETA22 = stats.beta(2, 2)


def spa_market(**kw):
    args = dict(mechanism=M.SecondPrice(), prior=BETA22, n_population=30, n_per_auction=3,
                arrival_rate=200.0)
    args.update(kw)
    return Market(**args)


# -- the clock and the feed -------------------------------------------------------------------


def test_poisson_arrivals_fill_the_horizon_in_time_order():
    res = spa_market().run(50.0, rng=0)
    e = res.events
    assert np.all(np.diff(e.time.to_numpy()) >= 0)
    assert e.time.min() >= 0 and e.time.max() <= 50.0
    assert np.array_equal(e.auction.to_numpy(), np.arange(len(e)))
    # Poisson(rate * horizon) = Poisson(10^4): sd 100, so 5 sd is 500.
    assert abs(len(e) - 10_000) < 500
    # exponential gaps: KS against Exp(rate)
    assert stats.kstest(np.diff(e.time.to_numpy()), stats.expon(scale=1 / 200).cdf).pvalue > 0.01


def test_schedule_is_followed_exactly_up_to_the_horizon():
    times = np.array([0.0, 0.5, 0.5, 1.25, 3.0, 7.5, 9.0])
    res = spa_market(arrival_rate=None, schedule=times, tick=1.0).run(8.0, rng=1)
    assert np.array_equal(res.events.time.to_numpy(), times[times <= 8.0])


def test_same_seed_same_run_and_tick_only_regroups_the_clock():
    market = spa_market(value_process="fresh")
    a, b = market.run(20.0, rng=7), market.run(20.0, rng=np.random.SeedSequence(7))
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.privacy, b.privacy)
    c = market.run(20.0, rng=8)
    assert not np.array_equal(a.events.price.to_numpy()[:50], c.events.price.to_numpy()[:50])


def test_adding_a_bidder_changes_no_other_bidders_values():
    root = np.random.SeedSequence(11)
    k5, k6 = _bidder_keys(root, 5), _bidder_keys(root, 6)
    assert np.array_equal(k5[0], k6[0][:5]) and np.array_equal(k5[1], k6[1][:5])
    # bidder i's keys are the state of the SeedSequence spawned for it, child (3, i) of the run
    for i in (0, 3, 5):
        state = np.random.SeedSequence(11, spawn_key=(3, i)).generate_state(2, np.uint64)
        assert k6[0][i] == state[0] and k6[1][i] == state[1]
    v30 = spa_market(n_population=30).run(1.0, rng=11).initial_values
    v31 = spa_market(n_population=31).run(1.0, rng=11).initial_values
    assert np.array_equal(v30, v31[:30])


def test_winner_is_the_highest_participant_and_prices_are_published_for_sales_only():
    res = spa_market(mechanism=M.ReservePrice(0.5), value_process="fresh").run(20.0, rng=2)
    e = res.events
    sold = e.winner >= 0
    assert np.all(e.price[sold] >= 0.5) and e.price[~sold].isna().all()
    assert np.all(e.winner_value[sold] >= e.second_value[sold])
    assert np.all(e.price[sold] <= e.winner_value[sold] + 1e-12)
    # the privacy table has exactly one row per sale, in time order
    assert len(res.privacy) == int(sold.sum())
    assert np.array_equal(res.privacy.auction.to_numpy(), e.auction[sold].to_numpy())


# -- values ------------------------------------------------------------------------------------


def _values(process, n_bidders=200, n_rounds=60, seed=0):
    rng = np.random.default_rng(seed)
    keys = rng.integers(0, 2**63, size=(2, n_bidders), dtype=np.uint64)
    return BidderValues(UNIFORM, keys[0], keys[1], process), rng


def test_markov_refresh_redraws_at_the_given_rate_and_does_not_depend_on_batching():
    p, n_bidders, n_rounds = 0.3, 2000, 20
    vals, rng = _values(MarkovRefresh(p), n_bidders)
    seq = rng.permutation(np.repeat(np.arange(n_bidders), n_rounds))  # shuffled participations
    one = vals.draw(seq)
    vals2, _ = _values(MarkovRefresh(p), n_bidders)
    split = np.concatenate([vals2.draw(seq[:15000]), vals2.draw(seq[15000:])])
    assert np.array_equal(one, split)
    order = np.argsort(seq, kind="stable")
    paths = one[order].reshape(n_bidders, n_rounds)  # each bidder's values in its own order
    # 2000 * 19 transitions with refresh share p: sd sqrt(p(1-p)/38000) = 0.0024; 4 sd = 0.0095
    assert abs(np.mean(paths[:, 1:] != paths[:, :-1]) - p) < 0.0095
    # the marginal stays the prior: the last values of independent bidders are uniform
    assert stats.kstest(paths[:, -1], "uniform").pvalue > 0.01


def test_persistent_and_fresh_are_the_two_ends_of_markov_refresh():
    seq = np.repeat(np.arange(50), 4)
    pers = _values(MarkovRefresh(0.0))[0].draw(seq).reshape(50, 4)
    fresh = _values(MarkovRefresh(1.0))[0].draw(seq).reshape(50, 4)
    assert np.all(pers == pers[:, :1])
    assert np.all(np.diff(np.sort(fresh, axis=1), axis=1) > 0)
    assert np.array_equal(pers[:, 0], fresh[:, 0])  # the first draw is shared


def test_stream_uniforms_are_uniform_and_distinct_across_keys():
    keys = np.arange(1000, dtype=np.uint64)
    u = stream_uniforms(keys[:, None], np.arange(100)[None, :]).ravel()
    assert stats.kstest(u, "uniform").pvalue > 0.01
    assert np.unique(u).size == u.size


# -- the observer ------------------------------------------------------------------------------


@pytest.mark.parametrize("mechanism", [M.SecondPrice(), M.ReservePrice()], ids=["spa", "reserve"])
def test_persistent_spa_posterior_is_the_prior_truncated_at_the_highest_price(mechanism):
    prior = BETA22
    res = spa_market(mechanism=mechanism).run(30.0, rng=3)
    sold = res.events[res.events.winner >= 0]
    # max price per bidder over time, recomputed from the public feed alone
    running = sold.groupby("winner")["price"].cummax().to_numpy()
    assert np.array_equal(res.privacy.max_price.to_numpy(), running)
    expected_kl = -np.log1p(-prior.cdf(running))
    np.testing.assert_allclose(res.privacy.cumulative_kl.to_numpy(), expected_kl, rtol=1e-12)
    final = res.final_privacy()
    v = np.linspace(0, 1, 201)
    for _, row in final.head(8).iterrows():
        m = row.max_price
        analytic = np.where(v < m, 0.0, (prior.cdf(v) - prior.cdf(m)) / prior.sf(m))
        np.testing.assert_allclose(res.posterior_cdf(int(row.bidder), v), analytic, atol=1e-14)
        # KL of the posterior density from the prior, by quadrature, is -log(1 - F(max p))
        b = int(row.bidder)
        kl, _ = integrate.quad(
            lambda x, b=b: res.posterior_pdf(b, x) * np.log(res.posterior_pdf(b, x) / prior.pdf(x)),
            m, 1.0, epsabs=1e-12, epsrel=1e-10,
        )
        assert kl == pytest.approx(row.cumulative_kl, rel=1e-8)
    # a bidder who never won keeps the prior
    never = np.setdiff1d(np.arange(30), final.bidder)
    if never.size:
        np.testing.assert_allclose(res.posterior_cdf(int(never[0]), v), prior.cdf(v))


def test_fresh_values_kl_adds_up_over_wins():
    res = spa_market(value_process="fresh").run(10.0, rng=4)
    sold = res.events[res.events.winner >= 0].copy()
    sold["kl"] = -np.log1p(-BETA22.cdf(sold.price))
    expected = sold.groupby("winner")["kl"].cumsum().to_numpy()
    np.testing.assert_allclose(res.privacy.cumulative_kl.to_numpy(), expected, rtol=1e-10)


@pytest.mark.parametrize("n", [2, 5])
def test_lottery_grid_posterior_matches_closed_forms(n):
    # K -> infinity: no price information, the posterior is u^c with c = (n-1) k in quantile
    # space, whose KL from the uniform prior is log(c+1) - c/(c+1). Measured error of the
    # 1024-cell grid: below 1e-9 for c from 1 to 27000.
    model = LotteryModel(BETA22, 1e9, {n - 1: 1.0})
    for k in (1, 10, 100, 1000, 3000):
        c = (n - 1) * k
        assert model.kl(k, 0) == pytest.approx(np.log(c + 1) - c / (c + 1), abs=1e-8)  # k zeros
    model = LotteryModel(BETA22, 2.0, {n - 1: 1.0})
    w = BETA22.ppf(model.u[::97])
    np.testing.assert_allclose(
        model.conditional_mass[1, ::97], M.ZeroKLottery(2.0).pay_probability(BETA22, n, w),
        atol=1e-12,
    )


def test_lottery_observer_counts_prices_and_posterior_is_a_cdf():
    market = spa_market(mechanism=M.ZeroKLottery(2.0), prior=UNIFORM)
    res = market.run(10.0, rng=5)
    sold = res.events[res.events.winner >= 0]
    paid = (sold.price > 0).groupby(sold.winner).cumsum().to_numpy()
    model = market._observer_model()
    kl = [model.kl(n - a, a) for a, n in zip(paid, res.privacy.n_wins, strict=True)]  # (0s, Ks)
    np.testing.assert_allclose(res.privacy.cumulative_kl.to_numpy(), kl)
    cdf = res.posterior_cdf(int(res.privacy.bidder.iloc[-1]), np.linspace(0, 1, 101))
    assert cdf[0] == 0 and cdf[-1] == pytest.approx(1.0) and np.all(np.diff(cdf) >= 0)


def test_other_mechanisms_get_counts_but_no_kl():
    res = spa_market(mechanism=M.BetaPrice()).run(5.0, rng=6)
    assert res.privacy.cumulative_kl.isna().all() and (res.privacy.n_wins >= 1).all()
    with pytest.raises(ValueError, match="persistent values"):
        res.posterior_cdf(0, 0.5)


# -- entry -------------------------------------------------------------------------------------


def test_bernoulli_entry_counts_and_auctions_too_small_to_hold():
    res = spa_market(n_per_auction=None, entry_probability=0.05, n_population=40,
                     arrival_rate=1000.0).run(20.0, rng=9)
    e = res.events
    # Binomial(40, 0.05): mean 2, sd 1.38 per auction; 2*10^4 auctions -> sd of mean ~0.01
    assert abs(e.n_participants.mean() - 2.0) < 0.04
    small = e.n_participants < 2
    assert (e.winner[small] == -1).all() and e.price[small].isna().all()
    assert (e.winner[~small] >= 0).all()
    p_small = stats.binom(40, 0.05).cdf(1)  # 0.399; sd of share sqrt(.24/2e4) = 0.0035
    assert abs(small.mean() - p_small) < 0.014


# -- seasons -----------------------------------------------------------------------------------


def test_seasons_are_independent_of_how_many_are_run():
    market = spa_market()
    two, three = seasons(market, 2, 2.0, rng=3), seasons(market, 3, 2.0, rng=3)
    pd.testing.assert_frame_equal(two, three[three.season < 2].reset_index(drop=True))
    persistent = market.run(2.0, rng=np.random.SeedSequence(3, spawn_key=(0,))).initial_values
    first = two[two.season == 0]
    np.testing.assert_array_equal(first.value.to_numpy(), persistent[first.bidder.to_numpy()])


# -- bad input and failing plug-ins ------------------------------------------------------------


@pytest.mark.parametrize(
    "kw, error, match",
    [
        ({"arrival_rate": -1.0}, ValueError, "`arrival_rate` must be > 0.0; got -1.0"),
        ({"arrival_rate": 0.0}, ValueError, "`arrival_rate` must be > 0.0"),
        ({"n_population": 0}, ValueError, "empty population"),
        ({"n_population": 2}, ValueError, "`n_population` must be an integer >= 3; got 2"),
        ({"n_per_auction": 1}, ValueError, "`n_per_auction` must be an integer >= 2; got 1"),
        ({"entry_probability": 0.5}, ValueError, "exactly one of `n_per_auction`"),
        ({"n_per_auction": None, "entry_probability": 0.0}, ValueError, "entry_probability"),
        ({"schedule": [1.0]}, ValueError, "exactly one of `arrival_rate` and `schedule`"),
        ({"arrival_rate": None, "schedule": [2.0, 1.0]}, ValueError, "non-decreasing"),
        ({"arrival_rate": None, "schedule": [-1.0]}, ValueError, "must be >= 0"),
        ({"value_process": "sticky"}, ValueError, "value_process"),
        ({"mechanism": "spa"}, TypeError, "Mechanism"),
        ({"tick": 0.0}, ValueError, "`tick` must be > 0.0"),
    ],
)
def test_bad_market_arguments_are_refused_clearly(kw, error, match):
    with pytest.raises(error, match=match):
        spa_market(**kw)


@pytest.mark.parametrize("horizon", [0.0, -1.0])
def test_horizon_must_be_positive(horizon):
    with pytest.raises(ValueError, match="`horizon` must be > 0.0"):
        spa_market().run(horizon)


class _BreaksOnHighBids(Mechanism):
    """A plug-in that raises on any auction whose highest bid exceeds 0.99."""

    def run(self, bids, rng):
        if np.any(bids.max(axis=1) > 0.99):
            raise ZeroDivisionError("bid too high")
        winner, _, second = top_two(bids, rng)
        return winner, second


class _NegativePrice(Mechanism):
    def run(self, bids, rng):
        winner, _, second = top_two(bids, rng)
        return winner, np.where(second > 0.95, -1.0, second)


def test_a_failing_plug_in_names_the_auction_and_time():
    kw = dict(prior=UNIFORM, n_population=50, n_per_auction=4, arrival_rate=100.0,
              value_process="fresh")
    with pytest.raises(MarketRunError) as info:
        Market(_BreaksOnHighBids(), **kw).run(20.0, rng=12)
    # participants and values do not depend on the mechanism's stream: find the culprit with
    # an SPA run of the same seed
    ref = Market(M.SecondPrice(), **kw).run(20.0, rng=12).events
    first = ref[ref.winner_value > 0.99].iloc[0]
    err = info.value
    assert err.auction == first.auction and err.time == first.time
    assert f"auction {int(first.auction)} at time {first.time:.6g}" in str(err)
    assert "_BreaksOnHighBids" in str(err) and isinstance(err.__cause__, ZeroDivisionError)

    with pytest.raises(MarketRunError, match="_NegativePrice failed in auction") as info:
        Market(_NegativePrice(), **kw).run(20.0, rng=12)
    assert isinstance(info.value.__cause__, MechanismContractError)


# -- any mechanism, seasons, edge cases --------------------------------------------------------


class _RoundedSPA(Mechanism):
    """A plug-in with only `run`: SPA with prices rounded down to a 0.1 grid."""

    ex_post_ir = True

    def run(self, bids, rng):
        winner, _, second = top_two(bids, rng)
        return winner, np.floor(second * 10) / 10


def test_plug_ins_and_equilibrium_bidders_run_in_the_market():
    res = Market(_RoundedSPA(), UNIFORM, n_population=40, n_per_auction=3,
                 arrival_rate=500.0).run(4.0, rng=13)
    assert np.allclose(res.events.price * 10, np.round(res.events.price * 10))
    assert res.privacy.cumulative_kl.isna().all()  # no posterior for an unknown price rule
    # first-price auction: bidders shade with the equilibrium bid function for n (Bernoulli
    # entry: one bid function per participant count); the winner pays its own bid < value
    fpa = Market(M.FirstPrice(), UNIFORM, n_population=40, entry_probability=0.1,
                 arrival_rate=500.0, value_process="fresh").run(4.0, rng=14).events
    sold = fpa[fpa.winner >= 0]
    # uniform prior: b(v) = (n-1)/n v exactly
    np.testing.assert_allclose(
        sold.price, (sold.n_participants - 1) / sold.n_participants * sold.winner_value,
        rtol=1e-6,
    )


def test_season_outcomes_feed_the_estimators():
    market = spa_market(prior=UNIFORM, arrival_rate=300.0)
    frame = seasons(market, 6, 1.0, rng=21)
    out = season_outcomes(frame, market)
    assert out.n_auctions == len(frame) and np.all(out.price <= out.winner_value)
    est = mutual_information(out.winner_value, out.price, method="mixed")
    assert est > 0.3  # measured 1.9 nats: a winner's highest price is close to its value
    assert len(run_seasons(market, 2, 1.0, rng=21)) == 2


def test_an_empty_season_and_the_repr():
    market = spa_market(arrival_rate=None, schedule=[5.0])
    res = market.run(1.0, rng=0)
    assert res.events.empty and res.privacy.empty and res.final_privacy().empty
    assert repr(market) == (
        "Market(SecondPrice(), beta(2, 2), n_population=30, n_per_auction=3, "
        "schedule=<1 times>, value_process=persistent)"
    )


def test_an_entry_rule_sets_the_entry_probability_per_auction():
    def busy_late(times):
        return np.where(times < 5.0, 0.02, 0.2)

    market = spa_market(n_per_auction=None, entry_probability=busy_late, n_population=50,
                        arrival_rate=400.0)
    e = market.run(10.0, rng=17).events
    early, late = e[e.time < 5.0], e[e.time >= 5.0]
    # Binomial(50, q): means 1 and 10, sd 0.99 and 2.8 per auction over ~2000 auctions each
    assert abs(early.n_participants.mean() - 1.0) < 0.1
    assert abs(late.n_participants.mean() - 10.0) < 0.3
    assert "entry_probability=<rule busy_late>" in repr(market)

    def broken(times):
        return np.full(times.shape, 1.5)

    with pytest.raises(MarketRunError, match="entry rule broken returned 1.5 at time"):
        spa_market(n_per_auction=None, entry_probability=broken).run(1.0, rng=0)


@pytest.mark.parametrize("entropy", [0, 2**70 + 5, [1, 2, 3, 4, 5, 6]])
@pytest.mark.parametrize("spawn_key", [(), (7, 2**40)])
@pytest.mark.parametrize("pool_size", [4, 8])
def test_vectorised_spawning_equals_numpy_seedsequence(entropy, spawn_key, pool_size):
    root = np.random.SeedSequence(entropy, spawn_key=spawn_key, pool_size=pool_size)
    fast = spawned_states(root, (3,), 40)
    slow = np.stack([
        np.random.SeedSequence(entropy, spawn_key=spawn_key + (3, i), pool_size=pool_size)
        .generate_state(2, np.uint64) for i in range(40)
    ])
    np.testing.assert_array_equal(fast, slow)
