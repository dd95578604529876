"""Bad inputs to :func:`privauction.simulate` (issue 15, part A)."""

from __future__ import annotations

import numpy as np
from scipy import stats

import privauction as pa

from ._core_common import BAD_RNGS, NON_FINITE, NOT_INTEGERS, PRIOR, SPA, BadInput, vary

BASE = dict(mechanism=SPA, prior=PRIOR, n_bidders=2, n_auctions=100, rng=0)


def _vary(name, values, kind, names=None):
    return vary("simulate", pa.simulate, BASE, name, values, kind, names=names)


CASES = [
    *_vary("n_auctions", NOT_INTEGERS, "type"),
    *_vary("n_auctions", [("numpy array", np.array([100, 200]))], "type"),
    *_vary("n_auctions", NON_FINITE, "nan"),
    *_vary("n_auctions", [("0", 0)], "zero"),
    *_vary("n_auctions", [("-5", -5)], "negative"),
    *_vary("n_auctions", [("10**30", 10**30), ("10**12", 10**12), ("2**63", 2**63)], "huge"),
    *_vary("n_bidders", NOT_INTEGERS, "type"),
    *_vary("n_bidders", NON_FINITE, "nan"),
    *_vary("n_bidders", [("0", 0)], "zero"),
    *_vary("n_bidders", [("-3", -3)], "negative"),
    *_vary("n_bidders", [("1", 1)], "support"),
    BadInput("simulate", "n_bidders=10**6 (1000 auctions)",
             lambda: pa.simulate(SPA, PRIOR, 10**6, 1000, rng=0), ("n_auctions", "n_bidders"),
             "huge"),
    *_vary("n_bidders", [("10**30", 10**30)], "huge"),
    *_vary("chunk_size", [("str", "10"), ("bool", True), ("float 2.5", 2.5)], "type"),
    *_vary("chunk_size", [("0", 0)], "zero"),
    *_vary("chunk_size", [("-1", -1)], "negative"),
    *_vary("chunk_size", [("nan", float("nan"))], "nan"),
    *_vary("keep", [("int 1", 1), ("bool", True), ("list", ["values"])], "type"),
    *_vary("keep", [("'value'", "value"), ("''", "")], "support"),
    *_vary("rng", BAD_RNGS, "type"),
    *_vary("progress", [("str 'yes'", "yes"), ("int 2", 2)], "type"),
    *_vary("mechanism", [
        ("the class SecondPrice", pa.mechanisms.SecondPrice),
        ("the class ReservePrice", pa.mechanisms.ReservePrice),
        ("None", None),
        ("str", "SecondPrice"),
        ("a function", lambda bids, rng: (bids.argmax(1), bids.min(1))),
    ], "type"),
    *_vary("prior", [
        ("unfrozen stats.uniform", stats.uniform),
        ("None", None),
        ("str", "uniform"),
        ("float", 0.5),
        ("discrete poisson(3)", stats.poisson(3)),
        ("numpy array of values", np.linspace(0, 1, 10)),
    ], "type"),
    *_vary("prior", [
        ("uniform(nan, 1)", stats.uniform(float("nan"), 1)),
        ("uniform(0, nan)", stats.uniform(0, float("nan"))),
        ("beta(nan, 2)", stats.beta(float("nan"), 2)),
        ("uniform(0, inf)", stats.uniform(0, float("inf"))),
        ("expon(scale=inf)", stats.expon(scale=float("inf"))),
    ], "nan"),
    *_vary("prior", [
        ("beta(-1, 2)", stats.beta(-1, 2)),
        ("uniform(0, -1)", stats.uniform(0, -1)),
        ("uniform(0, 0)", stats.uniform(0, 0)),
        ("norm(0, 1) below zero", stats.norm(0, 1)),
        ("uniform(-1, 1) below zero", stats.uniform(-1, 1)),
    ], "support"),
    BadInput(
        "simulate", "KPrice(3) with n_bidders=2",
        lambda: pa.simulate(pa.mechanisms.KPrice(3), PRIOR, 2, 100, rng=0),
        ("n_bidders", "k"), "support",
    ),
    BadInput(
        "simulate", "ZeroKLottery(K=0.5) below the support top",
        lambda: pa.simulate(pa.mechanisms.ZeroKLottery(K=0.5), PRIOR, 2, 100, rng=0),
        ("K",), "support",
    ),
    BadInput(
        "simulate", "ZeroKLottery on an unbounded prior expon()",
        lambda: pa.simulate(pa.mechanisms.ZeroKLottery(K=5), stats.expon(), 2, 100, rng=0),
        ("prior",), "support",
    ),
    BadInput(
        "simulate", "ReservePrice(reserve=2) above the support",
        lambda: pa.simulate(pa.mechanisms.ReservePrice(2.0), PRIOR, 2, 100, rng=0),
        ("reserve",), "support",
    ),
    BadInput(
        "simulate", "keep='bids' with 10**9 auctions",
        lambda: pa.simulate(SPA, PRIOR, 2, 10**9, rng=0, keep="bids"),
        ("n_auctions", "keep"), "huge",
    ),
    BadInput(
        "simulate", "n_bidders=10**4 with n_auctions=10**6",
        lambda: pa.simulate(SPA, PRIOR, 10**4, 10**6, rng=0),
        ("n_auctions", "n_bidders"), "huge",
    ),
    BadInput(
        "simulate", "max_memory=-1",
        lambda: pa.simulate(SPA, PRIOR, 2, 100, rng=0, max_memory=-1),
        ("max_memory",), "negative",
    ),
    BadInput(
        "simulate", "max_memory='4GiB'",
        lambda: pa.simulate(SPA, PRIOR, 2, 100, rng=0, max_memory="4GiB"),
        ("max_memory",), "type",
    ),
]
