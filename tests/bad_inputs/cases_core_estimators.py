"""Bad inputs to the estimators: :func:`mutual_information`,
:func:`conditional_mutual_information`, :func:`estimate_mutual_information`, :class:`BinnedMI`
and :func:`estimate_privacy_loss` (issue 15, part A)."""

from __future__ import annotations

import numpy as np

import privauction as pa
from privauction import disclosure as dc
from privauction import estimators as est

from ._core_common import BAD_RNGS, NOT_INTEGERS, BadInput, small_outcomes, vary

_gen = np.random.default_rng(0)
X = _gen.standard_normal(200)
Y = X + _gen.standard_normal(200)
Z = _gen.standard_normal(200)
HUGE = np.broadcast_to(0.5, (10**10,))  # 80 GB if copied; no memory as a view

DATA = [
    ("str", "abc", "type"),
    ("list of str", ["a"] * 200, "type"),
    ("complex", X * 1j, "type"),
    ("None", None, "type"),
    ("object array", np.array([object()] * 200), "type"),
    ("ragged list", [[1.0, 2.0], [3.0]], "type"),
    ("scalar", 0.5, "mismatch"),
    ("empty", np.zeros(0), "empty"),
    ("too short", X[:50], "mismatch"),
    ("3-D", np.zeros((200, 1, 1)), "mismatch"),
    ("NaN entry", np.where(np.arange(200) == 7, np.nan, X), "nan"),
    ("inf entry", np.where(np.arange(200) == 7, np.inf, X), "nan"),
    ("column of zero width", np.zeros((200, 0)), "empty"),
]

OPTIONS = [
    ("method", [("int", 3, "type"), ("'kde'", "kde", "support"), ("None", None, "type")]),
    ("n_neighbors", [*[(lab, v, "type") for lab, v in NOT_INTEGERS],
                     ("0", 0, "zero"), ("-1", -1, "negative"), ("nan", np.nan, "nan"),
                     ("200 >= n", 200, "support")]),
    ("base", [("1", 1.0, "support"), ("0", 0, "zero"), ("-2", -2, "negative"),
              ("str", "2", "type"), ("bool", True, "type"), ("nan", np.nan, "nan")]),
    ("standardize", [("str", "yes", "type"), ("int", 1, "type"), ("None", None, "type")]),
    ("workers", [("0", 0, "zero"), ("-2", -2, "negative"), ("bool", True, "type"),
                 ("str", "1", "type")]),
    ("jitter", [("-1", -1.0, "negative"), ("nan", np.nan, "nan"), ("str", "0.1", "type")]),
]


def _function_cases(entry, function, base, data_names):
    cases = []
    for name in data_names:
        cases += [BadInput(entry, f"{name}={label}", _call(function, {**base, name: value}),
                           (name,), kind) for label, value, kind in DATA]
    for name, values in OPTIONS:
        cases += [BadInput(entry, f"{name}={label}", _call(function, {**base, name: value}),
                           (name,), kind) for label, value, kind in values]
    cases += [BadInput(entry, f"jitter=0.1, {label}",
                       _call(function, {**base, "jitter": 0.1, "rng": value}), ("rng",), "type")
              for label, value in BAD_RNGS[:3]]
    return cases


def _call(function, arguments):
    return lambda: function(**arguments)


MI = dict(x=X, y=Y)
CMI = dict(x=X, y=Y, z=Z)

CASES = [
    *_function_cases("mutual_information", est.mutual_information, MI, ("x", "y")),
    BadInput("mutual_information", "x and y of different lengths",
             lambda: est.mutual_information(X, Y[:-1]), ("x", "y"), "mismatch"),
    BadInput("mutual_information", "x of 10**10 samples",
             lambda: est.mutual_information(HUGE, HUGE), ("x", "y", "n_neighbors"), "huge"),
    BadInput("mutual_information", "n_neighbors=10**7 on 2 * 10**7 samples (view)",
             lambda: est.mutual_information(np.broadcast_to(0.5, (2 * 10**7,)),
                                            np.broadcast_to(0.5, (2 * 10**7,)),
                                            n_neighbors=10**7), ("n_neighbors", "x"), "huge"),
    *vary("mutual_information", lambda **kw: est.mutual_information(**kw),
          {**MI, "method": "binned"}, "bins",
          [("0", 0), ("1", 1), ("bool", True), ("str", "10"), ("2.5", 2.5), ("10**9", 10**9)],
          "type"),
    *vary("mutual_information", lambda **kw: est.mutual_information(**kw),
          {**MI, "method": "binned"}, "binning", [("int", 3), ("'equal-width?'", "wide")],
          "type"),
    *vary("mutual_information", lambda **kw: est.mutual_information(**kw),
          {**MI, "method": "binned"}, "max_categories", [("0", 0), ("str", "3")], "type"),
    *vary("mutual_information", lambda **kw: est.mutual_information(**kw),
          {**MI, "method": "binned", "bins": 10}, "miller_madow", [("str", "no")], "type"),
    *_function_cases("conditional_mutual_information", est.conditional_mutual_information, CMI,
                     ("x", "y", "z")),
    BadInput("conditional_mutual_information", "z shorter than x",
             lambda: est.conditional_mutual_information(X, Y, Z[:-1]), ("x", "y", "z"),
             "mismatch"),
    BadInput("conditional_mutual_information", "x of 10**10 samples",
             lambda: est.conditional_mutual_information(HUGE, HUGE, HUGE), ("x", "y", "z"),
             "huge"),
]

# estimate_mutual_information: the data checks are shared with mutual_information; here the
# interval's own options.
EMI = dict(x=X, y=Y, rng=0)
CASES += [
    *vary("estimate_mutual_information", lambda **kw: est.estimate_mutual_information(**kw),
          EMI, "ci", [("0", 0.0), ("1", 1.0), ("1.5", 1.5), ("nan", np.nan), ("str", "0.95"),
                      ("bool", True)], "type"),
    *vary("estimate_mutual_information", lambda **kw: est.estimate_mutual_information(**kw),
          EMI, "n_resamples", [("0", 0), ("9", 9), ("bool", True), ("str", "40"), ("2.5", 2.5),
                               ("10**7", 10**7)], "type"),
    *vary("estimate_mutual_information", lambda **kw: est.estimate_mutual_information(**kw),
          EMI, "subsample_size", [("0", 0), ("1", 1), ("n", 200), ("-5", -5), ("str", "50"),
                                  ("bool", True)], "type"),
    *vary("estimate_mutual_information", lambda **kw: est.estimate_mutual_information(**kw),
          EMI, "rng", BAD_RNGS, "type"),
    *vary("estimate_mutual_information", lambda **kw: est.estimate_mutual_information(**kw),
          EMI, "x", [("NaN entry", np.where(np.arange(200) == 3, np.nan, X)), ("str", "a"),
                     ("too short", X[:3])], "nan"),
    *vary("estimate_mutual_information", lambda **kw: est.estimate_mutual_information(**kw),
          EMI, "z", [("str", "a"), ("shorter", Z[:10])], "mismatch"),
    *vary("estimate_mutual_information", lambda **kw: est.estimate_mutual_information(**kw),
          EMI, "method", [("'kde'", "kde"), ("int", 1)], "support"),
]

# BinnedMI
CASES += [
    *vary("BinnedMI", lambda **kw: est.BinnedMI(**kw), {}, "bins",
          [("0", 0), ("1", 1), ("bool", True), ("str", "10"), ("nan", np.nan), ("10**9", 10**9)],
          "type"),
    *vary("BinnedMI", lambda **kw: est.BinnedMI(**kw), {}, "binning",
          [("int", 3), ("None", None), ("'quantile'", "quantile")], "type"),
    *vary("BinnedMI", lambda **kw: est.BinnedMI(**kw), {}, "max_categories",
          [("0", 0), ("bool", True), ("10**9", 10**9)], "type"),
    *vary("BinnedMI", lambda **kw: est.BinnedMI(**kw), {}, "miller_madow",
          [("str", "no"), ("None", None)], "type"),
    BadInput("BinnedMI.update", "x NaN", lambda: est.BinnedMI(bins=5).update([np.nan, 1, 2],
                                                                           [1, 2, 3]),
             ("x",), "nan"),
    BadInput("BinnedMI.update", "x, y mismatched",
             lambda: est.BinnedMI(bins=5).update(X, Y[:3]), ("x", "y"), "mismatch"),
    BadInput("BinnedMI.update", "y strings", lambda: est.BinnedMI(bins=5).update(X, ["a"] * 200),
             ("y",), "type"),
    BadInput("BinnedMI.mutual_information", "before any update",
             lambda: est.BinnedMI(bins=5).mutual_information(), ("update(x, y)",), "empty"),
]

# estimate_privacy_loss: its options (the damaged-outcomes cases are in cases_core_outcomes)
OUT = small_outcomes(2000)


def _epl(**changes):
    return lambda: pa.estimate_privacy_loss(**{"outcomes": OUT, "rng": 0, **changes})


def _epl_vary(name, values, kind):
    return [BadInput("estimate_privacy_loss", f"{name}={label}", _epl(**{name: value}), (name,),
                     kind) for label, value in values]


CASES += [
    # (a DataFrame from Outcomes.to_frame() has the arrays, and gives the same estimate)
    *_epl_vary("outcomes", [("None", None), ("str", "out"), ("a dict", {"price": [1.0]}),
                            ("the class Outcomes", pa.Outcomes)], "type"),
    *_epl_vary("method", [("'kde'", "kde"), ("int", 1), ("None", None)], "support"),
    *_epl_vary("ci", [("0", 0.0), ("1", 1.0), ("1.5", 1.5), ("nan", np.nan), ("str", "0.95"),
                      ("bool", True)], "type"),
    *_epl_vary("n_resamples", [("0", 0), ("9", 9), ("bool", True), ("str", "40"), ("2.5", 2.5),
                               ("nan", np.nan)], "type"),
    *_epl_vary("n_resamples", [("10**7", 10**7), ("10**30", 10**30)], "huge"),
    *_epl_vary("subsample_size", [("0", 0), ("1", 1), ("-5", -5), ("n", 2000), ("str", "50"),
                                  ("bool", True), ("nan", np.nan), ("2.5", 2.5)], "type"),
    *_epl_vary("n_neighbors", [("0", 0), ("bool", True), ("str", "3"), ("10**6", 10**6)],
               "type"),
    *_epl_vary("detect_infinite", [("str", "yes"), ("None", None), ("int 2", 2)], "type"),
    *_epl_vary("rng", BAD_RNGS, "type"),
    *_epl_vary("progress", [("str 'yes'", "yes"), ("int 2", 2)], "type"),
    *_epl_vary("workers", [("0", 0), ("bool", True), ("str", "1")], "type"),
    *_epl_vary("disclosure", [("str", "rounded"), ("the class RoundedPrice", dc.RoundedPrice),
                              ("a function", lambda out, rng: out.price[:, None])], "type"),
    *_epl_vary("whose", [("'loser'", "loser"), ("int 1", 1), ("None", None)], "support"),
    *_epl_vary("audience", [("'insider'", "insider"), ("None", None)], "support"),
    BadInput("estimate_privacy_loss", "whose='bidder' without keep='values'",
             _epl(whose="bidder"), ("whose", "outcomes", "keep"), "support"),
    BadInput("estimate_privacy_loss", "method='observer' on a plug-in without a price law",
             lambda: pa.estimate_privacy_loss(
                 small_outcomes(500, mechanism=pa.mechanisms.BetaPrice()), method="observer",
                 detect_infinite=False, rng=0),
             ("method",), "support"),
]
