"""Shared fixtures of the core bad-input cases (simulate, outcomes, mechanisms, priors,
disclosure, estimators): a small valid call, and helpers that vary one argument of it."""

from __future__ import annotations

import numpy as np
from scipy import stats

import privauction as pa

from ._harness import BadInput

PRIOR = stats.uniform(0, 1)
SPA = pa.mechanisms.SecondPrice()

#: Wrong types for an integer argument (label, value).
NOT_INTEGERS = [
    ("str", "3"),
    ("bool True", True),
    ("bool False", False),
    ("float 2.5", 2.5),
    ("complex", 3 + 0j),
    ("None", None),
    ("list", [3]),
]

#: Wrong types for a real-number argument (label, value).
NOT_REALS = [
    ("str", "0.5"),
    ("bool", True),
    ("complex", 0.5 + 1j),
    ("None", None),
    ("list", [0.5]),
]

NON_FINITE = [("nan", float("nan")), ("inf", float("inf")), ("-inf", float("-inf"))]

#: Wrong values for `rng` (label, value).
BAD_RNGS = [
    ("rng=True", True),
    ("rng=False", False),
    ("rng='0'", "0"),
    ("rng=-1", -1),
    ("rng=1.5", 1.5),
    ("rng=nan", float("nan")),
    ("rng=list of str", ["a", "b"]),
    ("rng=RandomState", np.random.RandomState(0)),
]


def vary(entry, function, base: dict, name: str, values, kind: str, *, names=None):
    """One case per ``(label, value)``: ``function(**base)`` with ``base[name] = value``."""
    cases = []
    for label, value in values:
        arguments = dict(base)
        arguments[name] = value
        cases.append(
            BadInput(entry, f"{name}={label}", _caller(function, arguments), names or (name,),
                     kind)
        )
    return cases


def _caller(function, arguments):
    return lambda: function(**arguments)


def small_outcomes(n_auctions: int = 200, mechanism=SPA, **keep):
    """A small valid simulation to damage."""
    return pa.simulate(mechanism, PRIOR, n_bidders=2, n_auctions=n_auctions, rng=0, **keep)
