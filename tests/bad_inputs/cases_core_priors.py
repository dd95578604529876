"""Bad inputs to :mod:`privauction.priors` and to any function taking a frozen scipy prior:
NaN / infinite parameters, unbounded support where a bounded one is needed (issue 15, part A)."""

from __future__ import annotations

import numpy as np
from scipy import stats

from privauction import priors

from ._core_common import NOT_INTEGERS, PRIOR, BadInput, vary

NAN = float("nan")
INF = float("inf")

BAD_PRIORS = [
    ("uniform(nan, 1)", stats.uniform(NAN, 1), "nan"),
    ("norm(nan, 1)", stats.norm(NAN, 1), "nan"),
    ("norm(0, nan)", stats.norm(0, NAN), "nan"),
    ("beta(nan, nan)", stats.beta(NAN, NAN), "nan"),
    ("beta(2, 2, scale=inf)", stats.beta(2, 2, scale=INF), "nan"),
    ("truncnorm(0, inf, loc=nan)", stats.truncnorm(0, INF, loc=NAN), "nan"),
    ("beta(0, 1)", stats.beta(0, 1), "support"),
    ("uniform(0, -2)", stats.uniform(0, -2), "support"),
    ("unfrozen stats.beta", stats.beta, "type"),
    ("binom(10, 0.5)", stats.binom(10, 0.5), "type"),
    ("a list", [0.1, 0.2], "type"),
]

FUNCTIONS = [
    ("validate_prior", lambda prior: priors.validate_prior(prior)),
    ("myerson_reserve", lambda prior: priors.myerson_reserve(prior)),
    ("is_mhr", lambda prior: priors.is_mhr(prior)),
    ("expected_second_highest", lambda prior: priors.expected_second_highest(prior, 2)),
    ("hazard_rate", lambda prior: priors.hazard_rate(prior, 0.5)),
    ("highest_cdf", lambda prior: priors.highest_cdf(prior, 2, 0.5)),
    ("second_highest_pdf", lambda prior: priors.second_highest_pdf(prior, 2, 0.5)),
    ("support", lambda prior: priors.support(prior)),
    ("virtual_value", lambda prior: priors.virtual_value(prior, 0.5)),
    ("expected_second_given_highest",
     lambda prior: priors.expected_second_given_highest(prior, 2, 0.5)),
]

# every function on the NaN priors; the cheapest (validate_prior, support) on every bad prior
_ALL = {"validate_prior", "support", "myerson_reserve"}
CASES = [
    BadInput(f"priors.{fname}", f"prior={label}", (lambda f=f, p=p: f(p)), ("prior",), kind)
    for fname, f in FUNCTIONS
    for label, p, kind in BAD_PRIORS
    if fname in _ALL or kind == "nan"
]


def _with(function, **base):
    return lambda **kw: function(**{**base, **kw})


CASES += [
    *vary("priors.highest_cdf", _with(priors.highest_cdf, prior=PRIOR, x=0.5), {}, "n_bidders",
          [*NOT_INTEGERS, ("0", 0), ("-1", -1)], "type"),
    *vary("priors.second_highest_cdf", _with(priors.second_highest_cdf, prior=PRIOR, x=0.5), {},
          "n_bidders", [("bool", True), ("1", 1), ("str", "2")], "type"),
    *vary("priors.expected_second_highest", _with(priors.expected_second_highest, prior=PRIOR),
          {}, "n_bidders", [("bool", True), ("1", 1), ("str", "2")], "type"),
    *vary("priors.hazard_rate", _with(priors.hazard_rate, prior=PRIOR), {}, "x",
          [("str", "0.5"), ("None", None), ("complex", 0.5j), ("list of str", ["a"])], "type"),
    *vary("priors.virtual_value", _with(priors.virtual_value, prior=PRIOR), {}, "x",
          [("str", "0.5"), ("complex", 0.5j)], "type"),
    *vary("priors.highest_pdf", _with(priors.highest_pdf, prior=PRIOR, n_bidders=2), {}, "x",
          [("str", "a"), ("complex", np.array([0.5j]))], "type"),
    *vary("priors.expected_second_given_highest",
          _with(priors.expected_second_given_highest, prior=PRIOR, n_bidders=2), {}, "w",
          [("str", "a"), ("nan", NAN), ("huge array", np.broadcast_to(0.5, (10**9,)))], "type"),
    BadInput("priors.expected_second_given_highest", "prior=norm() unbounded below",
             lambda: priors.expected_second_given_highest(stats.norm(), 2, 0.5), ("prior",),
             "support"),
    *vary("priors.is_mhr", _with(priors.is_mhr, prior=PRIOR), {}, "n_grid",
          [("0", 0), ("1", 1), ("bool", True), ("str", "10"), ("10**12", 10**12)], "type"),
    *vary("priors.is_mhr", _with(priors.is_mhr, prior=PRIOR), {}, "rtol",
          [("nan", NAN), ("-1", -1.0), ("str", "1e-9")], "type"),
    *vary("priors.validate_prior", _with(priors.validate_prior, prior=stats.expon()), {},
          "bounded", [("str", "yes")], "type", names=("bounded",)),
]
