"""Bad inputs to the constructors of every :mod:`privauction.disclosure` rule, and to the
disclosure contract (issue 15, part A)."""

from __future__ import annotations

import numpy as np

from privauction import disclosure as dc

from ._core_common import NON_FINITE, NOT_INTEGERS, NOT_REALS, BadInput, small_outcomes, vary


def _new(cls):
    return lambda **kw: cls(**kw)


def _publish(disclosure, outcome=None, rng=0):
    return lambda: disclosure.checked_publish(
        small_outcomes(50) if outcome is None else outcome, rng)


CASES = [
    *vary("RoundedPrice", _new(dc.RoundedPrice), {}, "step", NOT_REALS, "type"),
    *vary("RoundedPrice", _new(dc.RoundedPrice), {}, "step", NON_FINITE, "nan"),
    *vary("RoundedPrice", _new(dc.RoundedPrice), {}, "step", [("0", 0.0)], "zero"),
    *vary("RoundedPrice", _new(dc.RoundedPrice), {}, "step", [("-0.1", -0.1)], "negative"),
    *vary("RoundedPrice", _new(dc.RoundedPrice), {}, "step", [("1e-320", 1e-320)], "support"),
    *vary("NoisyPrice", _new(dc.NoisyPrice), {}, "scale", NOT_REALS, "type"),
    *vary("NoisyPrice", _new(dc.NoisyPrice), {}, "scale", NON_FINITE, "nan"),
    *vary("NoisyPrice", _new(dc.NoisyPrice), {}, "scale", [("0", 0)], "zero"),
    *vary("NoisyPrice", _new(dc.NoisyPrice), {}, "scale", [("-1", -1)], "negative"),
    *vary("StochasticRounding", _new(dc.StochasticRounding), {}, "mantissa_bits",
          NOT_INTEGERS, "type"),
    *vary("StochasticRounding", _new(dc.StochasticRounding), {}, "mantissa_bits",
          [("-1", -1)], "negative"),
    *vary("StochasticRounding", _new(dc.StochasticRounding), {}, "mantissa_bits",
          [("53", 53), ("10**30", 10**30)], "huge"),
    *vary("StochasticRounding", _new(dc.StochasticRounding), {}, "exponent_bits",
          [("bool", True), ("str", "8"), ("nan", float("nan"))], "type"),
    *vary("StochasticRounding", _new(dc.StochasticRounding), {}, "exponent_bits",
          [("0", 0), ("1", 1)], "zero"),
    *vary("StochasticRounding", _new(dc.StochasticRounding), {}, "exponent_bits",
          [("12", 12)], "huge"),
    *vary("AllBids", _new(dc.AllBids), {}, "with_identities",
          [("str 'yes'", "yes"), ("int 1", 1), ("None", None), ("float", 1.0)], "type"),
    BadInput("NoisyPrice.epsilon", "low=nan", lambda: dc.NoisyPrice(0.1).epsilon(np.nan, 1.0),
             ("low",), "nan"),
    BadInput("NoisyPrice.epsilon", "high=str", lambda: dc.NoisyPrice(0.1).epsilon(0.0, "1"),
             ("high",), "type"),
    BadInput("StochasticRounding.grid", "low=nan",
             lambda: dc.StochasticRounding().grid(np.nan, 1.0), ("low",), "nan"),
    BadInput("StochasticRounding.grid", "high=str",
             lambda: dc.StochasticRounding().grid(0.0, "1"), ("high",), "type"),
    BadInput("Disclosure.checked_publish", "rng=True", _publish(dc.NoisyPrice(0.1), rng=True),
             ("rng",), "type"),
    BadInput("Disclosure.checked_publish", "outcome=None",
             lambda: dc.PriceOnly().checked_publish(None, 0), ("outcome",), "type"),
    BadInput("Disclosure.checked_publish", "AllBids without bids",
             _publish(dc.AllBids()), ("outcomes", "outcome", "keep"), "support"),
]


def _damaged_publish(disclosure, change, keep=None):
    def call():
        out = small_outcomes(50, **({} if keep is None else {"keep": keep}))
        change(out)
        return disclosure.checked_publish(out, 0)

    return call


def _set(name, index, value):
    def change(out):
        getattr(out, name)[index] = value

    return change


def _shorten(name):
    def change(out):
        object.__setattr__(out, name, getattr(out, name)[:-1])

    return change


CASES += [
    BadInput("Disclosure.checked_publish", "outcome price shorter than winner",
             _damaged_publish(dc.PriceOnly(), _shorten("price")), ("outcome",), "mismatch"),
    BadInput("Disclosure.checked_publish", "NaN written into outcome price",
             _damaged_publish(dc.RoundedPrice(0.1), _set("price", 3, np.nan)), ("outcome",),
             "nan"),
    BadInput("Disclosure.checked_publish", "negative price written into outcome",
             _damaged_publish(dc.NoisyPrice(0.1), _set("price", 3, -2.0)), ("outcome",),
             "negative"),
    BadInput("Disclosure.checked_publish", "AllBids: NaN written into bids",
             _damaged_publish(dc.AllBids(), _set("bids", (3, 1), np.nan), keep="bids"),
             ("outcome",), "nan"),
    BadInput("Disclosure.checked_publish", "AllBids: bids with a row missing",
             _damaged_publish(dc.AllBids(), _shorten("bids"), keep="bids"), ("outcome",),
             "mismatch"),
]
