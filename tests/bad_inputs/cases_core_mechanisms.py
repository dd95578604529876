"""Bad inputs to the built-in mechanism constructors, their methods, and the plug-in contract
(a custom mechanism whose ``run`` returns what the contract forbids) (issue 15, part A)."""

from __future__ import annotations

import numpy as np

import privauction as pa
from privauction.mechanisms import (
    BetaPrice,
    FirstPrice,
    KPrice,
    Mechanism,
    ReservePrice,
    SecondPrice,
    WinnerBidLottery,
    ZeroKLottery,
    top_two,
)

from ._core_common import NON_FINITE, NOT_INTEGERS, NOT_REALS, PRIOR, BadInput, vary


def _construct(cls):
    return lambda **kw: cls(**kw)


def _run_with(prices=None, winner=None, result=None):
    """A plug-in whose ``run`` returns the given prices / winners (or the whole result)."""

    class Custom(Mechanism):
        def run(self, bids, rng):
            if result is not None:
                return result(bids)
            w, _, second = top_two(bids, rng)
            p = second if prices is None else prices(bids)
            return (w if winner is None else winner(bids)), p

    return lambda: pa.simulate(Custom(), PRIOR, 2, 50, rng=0)


def _n(bids):
    return bids.shape[0]


CUSTOM = [
    ("prices are strings", _run_with(prices=lambda b: np.full(_n(b), "0.5")), "type"),
    ("prices are a list of str", _run_with(prices=lambda b: ["0.5"] * _n(b)), "type"),
    ("prices are complex", _run_with(prices=lambda b: np.full(_n(b), 0.5 + 0j)), "type"),
    ("prices are complex with imaginary part",
     _run_with(prices=lambda b: np.full(_n(b), 0.5 + 1j)), "type"),
    ("prices are booleans", _run_with(prices=lambda b: np.ones(_n(b), dtype=bool)), "type"),
    ("prices are objects", _run_with(prices=lambda b: np.array([object()] * _n(b))), "type"),
    ("prices are None", _run_with(prices=lambda b: None), "type"),
    ("prices NaN on sold items", _run_with(prices=lambda b: np.full(_n(b), np.nan)), "nan"),
    ("prices inf", _run_with(prices=lambda b: np.full(_n(b), np.inf)), "nan"),
    ("prices negative", _run_with(prices=lambda b: np.full(_n(b), -1.0)), "negative"),
    ("prices too short", _run_with(prices=lambda b: np.zeros(_n(b) - 1)), "mismatch"),
    ("prices 2-D", _run_with(prices=lambda b: np.zeros((_n(b), 2))), "mismatch"),
    ("prices empty", _run_with(prices=lambda b: np.zeros(0)), "empty"),
    ("winners are strings", _run_with(winner=lambda b: np.full(_n(b), "0")), "type"),
    ("winners are booleans", _run_with(winner=lambda b: np.ones(_n(b), dtype=bool)), "type"),
    ("winners are fractional", _run_with(winner=lambda b: np.full(_n(b), 0.5)), "type"),
    ("winner out of range", _run_with(winner=lambda b: np.full(_n(b), 7)), "support"),
    ("winner below -1", _run_with(winner=lambda b: np.full(_n(b), -2)), "negative"),
    ("run returns None", _run_with(result=lambda b: None), "type"),
    ("run returns a triple", _run_with(result=lambda b: (b[:, 0], b[:, 0], b[:, 0])), "type"),
    ("run returns a list pair", _run_with(result=lambda b: [np.zeros(_n(b), int), b[:, 0]]),
     "type"),
]

CASES = [
    # reserve=None is valid (Myerson's reserve)
    *vary("ReservePrice", _construct(ReservePrice), {}, "reserve",
          [v for v in NOT_REALS if v[1] is not None], "type"),
    *vary("ReservePrice", _construct(ReservePrice), {}, "reserve", NON_FINITE, "nan"),
    *vary("ReservePrice", _construct(ReservePrice), {}, "reserve", [("-0.5", -0.5)], "negative"),
    *vary("ZeroKLottery", _construct(ZeroKLottery), {}, "K", NOT_REALS, "type"),
    *vary("ZeroKLottery", _construct(ZeroKLottery), {}, "K", NON_FINITE, "nan"),
    *vary("ZeroKLottery", _construct(ZeroKLottery), {}, "K", [("0", 0)], "zero"),
    *vary("ZeroKLottery", _construct(ZeroKLottery), {}, "K", [("-2", -2.0)], "negative"),
    *vary("KPrice", _construct(KPrice), {}, "k", NOT_INTEGERS, "type"),
    *vary("KPrice", _construct(KPrice), {}, "k", NON_FINITE, "nan"),
    *vary("KPrice", _construct(KPrice), {}, "k", [("0", 0)], "zero"),
    *vary("KPrice", _construct(KPrice), {}, "k", [("-3", -3)], "negative"),
    *vary("KPrice", _construct(KPrice), {}, "k", [("1", 1)], "support"),
    *vary("Mechanism.privacy_loss", lambda **kw: SecondPrice().privacy_loss(**kw),
          {"prior": PRIOR, "n_bidders": 2}, "n_bidders",
          [("bool", True), ("str", "2"), ("1", 1), ("nan", float("nan"))], "type"),
    *vary("Mechanism.privacy_loss", lambda **kw: SecondPrice().privacy_loss(**kw),
          {"prior": PRIOR, "n_bidders": 2}, "prior",
          [("None", None), ("uniform(nan, 1)", __import__("scipy").stats.uniform(np.nan, 1))],
          "type"),
    *vary("Mechanism.expected_revenue", lambda **kw: ReservePrice(0.5).expected_revenue(**kw),
          {"prior": PRIOR, "n_bidders": 2}, "n_bidders", [("bool", True), ("0", 0)], "type"),
    *vary("Mechanism.checked_run", lambda **kw: SecondPrice().checked_run(**kw),
          {"bids": np.ones((3, 2)), "rng": np.random.default_rng(0)}, "bids",
          [("str", np.full((3, 2), "a")), ("1-D", np.ones(3)), ("None", None),
           ("NaN", np.full((3, 2), np.nan)), ("complex", np.ones((3, 2)) * 1j)], "type"),
    *vary("Mechanism.checked_run", lambda **kw: SecondPrice().checked_run(**kw),
          {"bids": np.ones((3, 2))}, "rng", [("True", True), ("str", "x")], "type"),
    *vary("Mechanism.bid_function", lambda **kw: FirstPrice().bid_function(**kw),
          {"prior": PRIOR, "n_bidders": 2}, "n_bidders", [("bool", True), ("1", 1)], "type"),
    *vary("WinnerBidLottery.privacy_loss", lambda **kw: WinnerBidLottery().privacy_loss(**kw),
          {"prior": PRIOR, "n_bidders": 2}, "prior", [("str", "uniform")], "type"),
    *vary("BetaPrice.expected_revenue", lambda **kw: BetaPrice().expected_revenue(**kw),
          {"prior": PRIOR, "n_bidders": 2}, "n_bidders", [("str", "2")], "type"),
    *[BadInput("custom mechanism", label, call, ("price", "winner", "run"), kind)
      for label, call, kind in CUSTOM],
]
