"""The market resolves its auctions through simulate's code path (simulator.batch.resolve)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import privauction as pa
from privauction.simulator import _world_run, batch
from privauction.simulator.world import Market, MarketRunError

M = pa.mechanisms


def test_the_market_and_simulate_share_one_resolve():
    assert _world_run.resolve is batch.resolve


def test_market_blames_a_broken_bid_function_like_simulate():
    class Broken(M.Mechanism):
        efficient = True

        def bid_function(self, prior, n_bidders):
            return lambda v: np.where(v > 0.9, -1.0, v)

        def run(self, bids, rng):
            w, b1, _ = M.top_two(bids, rng)
            return w, b1

    market = Market(Broken(), stats.uniform(0, 1), n_population=20, n_per_auction=3,
                    arrival_rate=100.0)
    with pytest.raises(MarketRunError, match=r"Broken.bid_function\(prior, n_bidders\)") as info:
        market.run(5.0, rng=0)
    assert isinstance(info.value.__cause__, M.MechanismContractError)
    assert info.value.auction is not None  # the first failing auction, replayed alone


def test_market_events_match_resolve_on_the_same_values():
    # k-price equilibrium bids through the market: prices are b(third highest value)
    prior, n = stats.beta(2, 2), 4
    mech = M.KPrice(3)
    res = Market(mech, prior, n_population=30, n_per_auction=n, arrival_rate=200.0,
                 value_process="fresh").run(5.0, rng=1)
    e = res.events
    sold = e[e.winner >= 0]
    assert len(sold) == len(e)  # efficient: every auction sells
    assert np.all(sold.winner_value >= sold.second_value)
    # the price is the equilibrium bid of a value at most the second-highest one
    b = mech.bid_function(prior, n)
    assert np.all(sold.price <= b(sold.second_value.to_numpy()) + 1e-12)
