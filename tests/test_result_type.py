"""One result type for an estimate with its interval (issue 10).

Estimators, screening and the scenarios all report :class:`privauction.estimators.Estimate`
or a subclass of it; no module defines a second class with an estimate and an interval.
"""

from __future__ import annotations

import ast
import importlib
import math
import statistics
import warnings
from dataclasses import FrozenInstanceError, fields
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import privauction as pa
from privauction import disclosure as dc
from privauction.estimators import Estimate, PrivacyLossEstimate
from privauction.scenarios import Estimate as ScenarioEstimate
from privauction.scenarios._common import CONFIDENCE, estimate
from privauction.screening import plugin_entropy

SRC = Path(pa.__file__).parent
PRIOR = stats.uniform(0, 1)


def _classes_with_an_interval():
    """``(module, class)`` of every class in the package that declares both an ``estimate``
    and a ``ci_low`` field (read from the syntax tree, so a new one cannot hide)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        module = ".".join(["privauction", *parts])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names = {s.target.id for s in node.body
                         if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)}
                if {"estimate", "ci_low"} <= names:
                    found.append((module, node.name))
    return found


def test_the_package_defines_one_estimate_type():
    found = _classes_with_an_interval()
    assert found == [("privauction.estimators._result", "Estimate")]


def test_every_estimate_with_an_interval_is_the_one_type():
    # The subclasses that add fields (or a default) are found by their own modules.
    for module, name in [("privauction.estimators.privacy_loss", "PrivacyLossEstimate"),
                         ("privauction.scenarios._common", "Estimate")]:
        cls = getattr(importlib.import_module(module), name)
        assert issubclass(cls, Estimate)
    assert pa.estimators.Estimate is Estimate
    assert ScenarioEstimate is pa.scenarios.Estimate


@pytest.fixture(scope="module")
def spa_out():
    return pa.simulate(pa.mechanisms.SecondPrice(), PRIOR, n_bidders=2, n_auctions=4000, rng=0)


@pytest.mark.parametrize("method", ["observer", "mixed"])
def test_estimate_privacy_loss_returns_the_one_type(spa_out, method):
    est = pa.estimate_privacy_loss(spa_out, method=method, ci=0.99, rng=1)
    assert isinstance(est, PrivacyLossEstimate) and isinstance(est, Estimate)
    assert est.level == est.ci == 0.99
    assert est.ci_low <= est.estimate <= est.ci_high
    assert est.std_error > 0 and est.dof == math.inf and not est.infinite


def test_the_disclosure_path_returns_the_one_type(spa_out):
    est = pa.estimate_privacy_loss(spa_out, disclosure=dc.RoundedPrice(0.1), ci=0.9, rng=0)
    assert isinstance(est, PrivacyLossEstimate) and est.level == 0.9
    none = pa.estimate_privacy_loss(spa_out, disclosure=dc.Nothing(), rng=0)
    assert isinstance(none, Estimate) and none.estimate == 0.0 and none.interval == "none"


def test_an_infinite_loss_keeps_its_flag():
    out = pa.simulate(pa.mechanisms.WinnerBidLottery(), PRIOR, n_bidders=2, n_auctions=500,
                      rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pa.estimators.InfinitePrivacyLossWarning)
        est = pa.estimate_privacy_loss(out, rng=0)
    assert est.infinite is True and est.estimate == math.inf
    assert ScenarioEstimate.of(est).infinite  # the base's property reads the estimate
    assert ScenarioEstimate.of(est).bias == 0.0  # a NaN bias is not carried to the runner


def test_plugin_entropy_is_the_one_type():
    labels = np.random.default_rng(3).integers(0, 4, size=2000)
    h = plugin_entropy(labels, confidence=0.95)
    assert type(h) is Estimate and h.level == 0.95 and h.n == 2000
    # The delta-method standard error, recomputed here from the counts.
    p = np.bincount(labels) / labels.size
    se = math.sqrt((np.sum(p * np.log(p) ** 2) - np.sum(p * np.log(p)) ** 2) / labels.size)
    assert h.std_error == pytest.approx(se, rel=1e-12)


def test_scenario_estimates_are_the_one_type_with_the_scenarios_level(spa_out):
    e = ScenarioEstimate(1.0, math.nan, math.nan, 10, "observer", std_error=0.1)
    assert isinstance(e, Estimate) and e.level == CONFIDENCE
    assert Estimate(1.0, math.nan, math.nan, 10, "x").level == 0.95
    est = estimate(spa_out, "observer", 0, level=0.999)
    assert type(est) is ScenarioEstimate and est.level == 0.999
    direct = pa.estimate_privacy_loss(spa_out, method="observer", ci=0.999)
    assert (est.estimate, est.ci_low, est.ci_high, est.std_error) == (
        direct.estimate, direct.ci_low, direct.ci_high, direct.std_error)


def test_of_carries_every_common_field(spa_out):
    src = pa.estimate_privacy_loss(spa_out, method="mixed", ci=0.9, rng=2)
    got = ScenarioEstimate.of(src)
    for f in fields(Estimate):
        assert getattr(got, f.name) == getattr(src, f.name), f.name
    # A result without a level takes the argument, else the class's default.
    bare = type("R", (), dict(estimate=1.0, ci_low=0.0, ci_high=2.0, n=5, method="m"))()
    assert ScenarioEstimate.of(bare).level == CONFIDENCE
    assert Estimate.of(bare, 0.8).level == 0.8


def test_std_error_is_read_off_a_symmetric_interval():
    # z from the standard library's normal law, independent of scipy's.
    z = statistics.NormalDist().inv_cdf(0.975)
    e = Estimate(1.0, 0.8, 1.2, 100, "x", level=0.95)
    assert e.std_error == pytest.approx(0.2 / z, rel=1e-12)
    # With finite degrees of freedom the t quantile is used: a t interval round-trips.
    se, dof = 0.05, 7
    t = stats.t.ppf(0.975, dof)
    e = Estimate(1.0, 1.0 - t * se, 1.0 + t * se, 8, "x", level=0.95, dof=dof)
    assert e.std_error == pytest.approx(se, rel=1e-12)
    # A given standard error is kept; an infinite interval gives none.
    assert Estimate(1.0, 0.0, 2.0, 5, "x", std_error=0.3).std_error == 0.3
    assert math.isnan(Estimate(math.inf, math.inf, math.inf, 5, "x").std_error)


def test_the_added_fields_are_keyword_only_and_results_frozen():
    # Positional arguments past the common fields would silently land in the wrong field.
    with pytest.raises(TypeError):
        PrivacyLossEstimate(0.1, 0.0, 0.2, 10, "mixed", 0.95, 0.05, 0.0, math.inf, 1.0, 10,
                            "clt")
    est = PrivacyLossEstimate(0.1, 0.0, 0.2, 10, "mixed", sold_share=1.0, n_sold=10,
                              interval="clt")
    with pytest.raises(FrozenInstanceError):
        est.estimate = 0.2
