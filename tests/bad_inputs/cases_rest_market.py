"""Bad inputs to the market (:class:`privauction.simulator.Market` and its seasons)."""

from __future__ import annotations

import pandas as pd
from scipy import stats

import privauction as pa

from ._harness import BadInput
from ._rest_common import BAD_INT, BAD_REAL, NAN, family

sim = pa.simulator
U = stats.uniform(0, 1)
SPA = pa.mechanisms.SecondPrice()


def market(**changes):
    arguments = dict(mechanism=SPA, prior=U, n_population=20, n_per_auction=2,
                     arrival_rate=100.0)
    arguments.update(changes)
    return lambda: sim.Market(**arguments)


def run(horizon=1.0, rng=0, **changes):
    arguments = dict(mechanism=SPA, prior=U, n_population=20, n_per_auction=2,
                     arrival_rate=100.0)
    arguments.update(changes)
    return lambda: sim.Market(**arguments).run(horizon, rng=rng)


MARKET = sim.Market(SPA, U, n_population=20, n_per_auction=2, arrival_rate=100.0)

CASES = [
    BadInput("Market", "mechanism=SecondPrice (class)", market(mechanism=pa.mechanisms.SecondPrice),
             ("mechanism",), "type"),
    BadInput("Market", "mechanism='spa'", market(mechanism="spa"), ("mechanism",), "type"),
    BadInput("Market", "prior=None", market(prior=None), ("prior",), "type"),
    BadInput("Market", "prior=stats.uniform (class)", market(prior=stats.uniform), ("prior",),
             "type"),
    BadInput("Market", "prior=uniform(nan, 1)", market(prior=stats.uniform(NAN, 1)), ("prior",),
             "nan"),
    *family("Market", market, "n_population", BAD_INT + [("1", 1, "support")]),
    *family("Market", market, "n_per_auction",
            [("1", 1, "support"), ("True", True, "type"), ("2.5", 2.5, "type"),
             ("30 > n_population", 30, "support")], names=("n_per_auction", "n_population")),
    BadInput("Market", "both n_per_auction and entry_probability",
             market(entry_probability=0.5), ("n_per_auction", "entry_probability"), "other"),
    *family("Market", lambda **c: market(n_per_auction=None, **c), "entry_probability",
            [("0", 0.0, "zero"), ("1.5", 1.5, "support"), ("nan", NAN, "nan"),
             ("'0.5'", "0.5", "type")]),
    *family("Market", market, "arrival_rate", BAD_REAL + [("0", 0.0, "zero")]),
    BadInput("Market", "neither arrival_rate nor schedule", market(arrival_rate=None),
             ("arrival_rate", "schedule"), "other"),
    *family("Market", lambda **c: market(arrival_rate=None, **c), "schedule",
            [("with nan", [0.1, NAN], "nan"), ("decreasing", [0.5, 0.1], "support"),
             ("negative", [-1.0, 0.5], "negative"), ("strings", ["a", "b"], "type"),
             ("2-d", [[0.1, 0.2]], "mismatch"), ("booleans", [True, False], "type")]),
    *family("Market", market, "tick",
            [b for b in BAD_REAL if b[1] is not None] + [("0", 0.0, "zero")]),
    BadInput("Market", "value_process='sometimes'", market(value_process="sometimes"),
             ("value_process",), "support"),
    BadInput("Market", "value_process=MarkovRefresh(1.5)",
             lambda: sim.Market(SPA, U, 20, 2, arrival_rate=1.0,
                                value_process=sim.MarkovRefresh(1.5)),
             ("probability", "value_process"), "support"),
    BadInput("Market", "disclosure='price'", market(disclosure="price"), ("disclosure",), "type"),
    BadInput("Market", "disclosure=PriceOnly (class)",
             market(disclosure=pa.disclosure.PriceOnly), ("disclosure",), "type"),
    # run
    *family("Market.run", lambda horizon: run(horizon=horizon), "horizon",
            BAD_REAL + [("0", 0.0, "zero")]),
    *family("Market.run", lambda rng: run(rng=rng), "rng",
            [("True", True, "type"), ("'x'", "x", "type"), ("-1", -1, "negative")]),
    BadInput("Market.run", "arrival_rate=1e12, horizon=1", run(arrival_rate=1e12),
             ("arrival_rate", "horizon", "max_auctions"), "huge"),
    BadInput("Market.run", "arrival_rate=1e9, horizon=1000",
             run(horizon=1000.0, arrival_rate=1e9), ("arrival_rate", "horizon", "max_auctions"),
             "huge"),
    BadInput("Market.run", "tick=1e-9, horizon=1", run(tick=1e-9),
             ("tick", "horizon", "max_ticks"), "huge"),
    BadInput("Market.run", "tick=1e-3, horizon=1e6", run(horizon=1e6, tick=1e-3, arrival_rate=1e-3),
             ("tick", "horizon", "max_ticks"), "huge"),
    BadInput("Market.run", "n_population=10**9", run(n_population=10**9),
             ("n_population",), "huge"),
    # seasons
    *family("run_seasons", lambda n_seasons: lambda: sim.run_seasons(MARKET, n_seasons, 1.0),
            "n_seasons", BAD_INT),
    BadInput("run_seasons", "n_seasons=10**9", lambda: sim.run_seasons(MARKET, 10**9, 1.0),
             ("n_seasons", "max_auctions"), "huge"),
    BadInput("run_seasons", "market='market'", lambda: sim.run_seasons("market", 2, 1.0),
             ("market",), "type"),
    BadInput("seasons", "horizon=nan", lambda: sim.seasons(MARKET, 2, NAN), ("horizon",), "nan"),
    BadInput("seasons", "n_seasons=10**9", lambda: sim.seasons(MARKET, 10**9, 1.0),
             ("n_seasons", "max_auctions"), "huge"),
    BadInput("season_outcomes", "frame lacks columns",
             lambda: sim.season_outcomes(pd.DataFrame({"x": [1.0]}), MARKET), ("frame",),
             "mismatch"),
    BadInput("season_outcomes", "frame='table'", lambda: sim.season_outcomes("table", MARKET),
             ("frame",), "type"),
    BadInput("season_outcomes", "frame with nan values",
             lambda: sim.season_outcomes(pd.DataFrame({"value": [NAN, 0.5],
                                                       "max_price": [0.2, 0.3]}), MARKET),
             ("frame",), "nan"),
    BadInput("MarkovRefresh", "probability=nan", lambda: sim.MarkovRefresh(NAN),
             ("probability",), "nan"),
    BadInput("MarkovRefresh", "probability='0.5'", lambda: sim.MarkovRefresh("0.5"),
             ("probability",), "type"),
]
