"""Bad inputs to :class:`privauction.Outcomes` (construction, and damaged arrays of a result
passed back into a function) and to :class:`privauction.Observer` (issue 15, part A)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
from scipy import stats

import privauction as pa

from ._core_common import PRIOR, SPA, BadInput, small_outcomes, vary

N = 6
GOOD = dict(
    winner=np.array([0, 1, 0, 1, -1, 0]),
    winner_value=np.array([0.9, 0.8, 0.7, 0.6, np.nan, 0.5]),
    second_value=np.array([0.5, 0.4, 0.3, 0.2, 0.1, 0.05]),
    price=np.array([0.5, 0.4, 0.3, 0.2, np.nan, 0.05]),
    mechanism=SPA,
    prior=PRIOR,
    n_bidders=2,
)


def _outcomes(name, values, kind):
    return vary("Outcomes", lambda **kw: pa.Outcomes(**kw), GOOD, name, values, kind)


def _damaged(change):
    """Simulate, damage an array in place (as a user could), pass it back in."""

    def call():
        out = small_outcomes()
        out = change(out) or out
        return pa.estimate_privacy_loss(out, rng=0)

    return call


def _set(name, index, value):
    def change(out):
        getattr(out, name)[index] = value

    return change


def _replaced(**arrays):
    return lambda out: SimpleNamespace(**{**{f.name: getattr(out, f.name) for f in
                                             dataclasses.fields(out)}, "sold": out.sold,
                                          **{k: v(out) for k, v in arrays.items()}})


DAMAGED = [
    ("NaN written into price", _set("price", 3, np.nan), ("price",), "nan"),
    ("inf written into price", _set("price", 3, np.inf), ("price",), "nan"),
    ("NaN written into winner_value", _set("winner_value", 3, np.nan), ("winner_value",),
     "nan"),
    ("-inf written into winner_value", _set("winner_value", 0, -np.inf), ("winner_value",),
     "nan"),
    ("negative price written", _set("price", 3, -1.0), ("price",), "negative"),
    ("price array shorter than winner array",
     _replaced(price=lambda o: o.price[:-1]), ("price",), "mismatch"),
    ("winner_value array longer",
     _replaced(winner_value=lambda o: np.append(o.winner_value, 0.5)), ("winner_value",),
     "mismatch"),
    ("price of strings", _replaced(price=lambda o: o.price.astype(str)), ("price",), "type"),
    ("price 2-D", _replaced(price=lambda o: o.price[:, None]), ("price",), "mismatch"),
    ("price None", _replaced(price=lambda o: None), ("price",), "type"),
    ("sold of floats", _replaced(sold=lambda o: o.sold * 0.5), ("sold",), "type"),
    ("empty arrays", _replaced(price=lambda o: o.price[:0], winner_value=lambda o:
                               o.winner_value[:0], sold=lambda o: o.sold[:0],
                               winner=lambda o: o.winner[:0]), ("outcomes", "price"), "empty"),
]

CASES = [
    *_outcomes("winner", [
        ("floats 0.5", np.full(N, 0.5)), ("strings", np.full(N, "0")), ("None", None),
        ("booleans", np.ones(N, dtype=bool)),
    ], "type"),
    BadInput("Outcomes", "winner=index 2 with 2 bidders and values kept",
             lambda: pa.Outcomes(**{**GOOD, "winner": np.array([0, 1, 2, 1, -1, 0]),
                                    "values": np.zeros((N, 2))}), ("winner",), "support"),
    *_outcomes("winner", [("index -3", np.array([0, 1, -3, 1, -1, 0]))], "negative"),
    *_outcomes("winner", [("too short", np.array([0, 1]))], "mismatch"),
    *_outcomes("price", [("strings", np.full(N, "0.5")), ("complex", np.full(N, 0.5j)),
                         ("None", None)], "type"),
    *_outcomes("price", [("NaN on a sold row", np.array([0.5, np.nan, 0.3, 0.2, np.nan, 0.05])),
                         ("inf", np.full(N, np.inf))], "nan"),
    *_outcomes("price", [("negative", np.full(N, -0.1))], "negative"),
    *_outcomes("price", [("too long", np.zeros(N + 1)), ("2-D", np.zeros((N, 1)))], "mismatch"),
    *_outcomes("price", [("empty", np.zeros(0))], "empty"),
    *_outcomes("winner_value", [("strings", np.full(N, "a"))], "type"),
    *_outcomes("winner_value", [("NaN on a sold row", np.full(N, np.nan))], "nan"),
    *_outcomes("winner_value", [("too short", np.zeros(N - 1))], "mismatch"),
    *_outcomes("second_value", [("strings", np.full(N, "a")), ("None", None)], "type"),
    *_outcomes("second_value", [("too short", np.zeros(3))], "mismatch"),
    *_outcomes("n_bidders", [("bool", True), ("str", "2"), ("float 2.5", 2.5)], "type"),
    *_outcomes("n_bidders", [("1", 1)], "support"),
    *_outcomes("n_bidders", [("0", 0)], "zero"),
    *_outcomes("mechanism", [("None", None), ("the class SecondPrice", pa.mechanisms.SecondPrice),
                             ("str", "SPA")], "type"),
    *_outcomes("prior", [("None", None), ("uniform(nan, 1)", stats.uniform(np.nan, 1))], "type"),
    *_outcomes("values", [("wrong shape", np.zeros((N, 3))), ("strings", np.full((N, 2), "a")),
                          ("1-D", np.zeros(N))], "mismatch"),
    *_outcomes("bids", [("wrong shape", np.zeros((N + 1, 2)))], "mismatch"),
    *_outcomes("meta", [("a list", [1, 2])], "type"),
    *[BadInput("estimate_privacy_loss", f"outcomes: {label}", _damaged(change),
               ("outcomes", *names), kind) for label, change, names, kind in DAMAGED],
]

# --- Observer --------------------------------------------------------------------------
_OBS = dict(mechanism=SPA, prior=PRIOR, n_bidders=2)


def _observer(name, values, kind):
    return vary("Observer", lambda **kw: pa.Observer(**kw), _OBS, name, values, kind)


def _kl(price):
    return lambda: pa.Observer(SPA, PRIOR, 2).kl(price)


def _posterior(w, price):
    return lambda: pa.Observer(SPA, PRIOR, 2).posterior_cdf(w, price)


CASES += [
    *_observer("mechanism", [("the class SecondPrice", pa.mechanisms.SecondPrice),
                             ("None", None), ("str", "SecondPrice")], "type"),
    *_observer("prior", [("None", None), ("uniform(nan, 1)", stats.uniform(np.nan, 1)),
                         ("unfrozen", stats.uniform)], "type"),
    *_observer("n_bidders", [("bool", True), ("1", 1), ("str", "2")], "type"),
    BadInput("Observer.kl", "price=str", _kl("0.5"), ("price",), "type"),
    BadInput("Observer.kl", "price=list of str", _kl(["a", "b"]), ("price",), "type"),
    BadInput("Observer.kl", "price=complex", _kl(np.array([0.3j])), ("price",), "type"),
    BadInput("Observer.kl", "price=[nan]", _kl([np.nan]), ("price",), "nan"),
    BadInput("Observer.kl", "price=[-0.5]", _kl([-0.5]), ("price",), "support"),
    BadInput("Observer.kl", "price=None", _kl(None), ("price",), "type"),
    BadInput("Observer.posterior_cdf", "w=str", _posterior("a", 0.3), ("w",), "type"),
    BadInput("Observer.posterior_cdf", "price=nan", _posterior(0.5, np.nan), ("price",), "nan"),
    BadInput("Observer.posterior_cdf", "w, price of mismatched shapes",
             _posterior(np.zeros(3), np.zeros(4)), ("w", "price"), "mismatch"),
]


def _damaged_kept(change, **options):
    def call():
        out = small_outcomes(keep="bids")
        change(out)
        return pa.estimate_privacy_loss(out, rng=0, **options)

    return call


CASES += [
    BadInput("estimate_privacy_loss", "outcomes: NaN written into values, whose='bidder'",
             _damaged_kept(_set("values", (4, 0), np.nan), whose="bidder"), ("outcomes",),
             "nan"),
    BadInput("estimate_privacy_loss", "outcomes: NaN written into second_value, "
             "whose='runner-up'",
             _damaged_kept(_set("second_value", 4, np.nan), whose="runner-up"), ("outcomes",),
             "nan"),
    BadInput("estimate_privacy_loss", "outcomes: inf written into bids, AllBids",
             _damaged_kept(_set("bids", (4, 1), np.inf), disclosure=__import__(
                 "privauction").disclosure.AllBids()), ("outcomes",), "nan"),
    BadInput("estimate_privacy_loss", "outcomes: values with a column of strings, rival",
             _damaged_kept(lambda out: object.__setattr__(out, "values",
                                                          out.values.astype(str)),
                           audience="rival"), ("outcomes",), "type"),
]
