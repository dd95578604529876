"""estimate_mutual_information passes the binned options and ``jitter`` through (issue 11):
its point estimate is then the plain estimator's with the same options, every subsample uses
them (the interval changes with them), and bad values raise in the library's one form."""

from __future__ import annotations

import numpy as np
import pytest

from privauction.estimators import (
    conditional_mutual_information,
    estimate_mutual_information,
    mutual_information,
)


def _pair(n, seed, shape=None):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape or n)
    return x, 0.6 * x + 0.8 * rng.standard_normal(shape or n)


@pytest.mark.parametrize("options", [
    {"bins": 8},
    {"bins": 8, "miller_madow": False},
    {"bins": 6, "binning": "equal-width"},
    {},  # bins=None: the extrapolated estimate
])
def test_binned_options_reach_the_estimate_and_the_subsamples(options):
    x, y = _pair(4000, 1)
    est = estimate_mutual_information(x, y, method="binned", rng=0, n_resamples=10, **options)
    assert est.estimate == mutual_information(x, y, method="binned", **options)
    if options:  # the subsamples use the options too: same subsamples (rng), other spread
        default = estimate_mutual_information(x, y, method="binned", rng=0, n_resamples=10)
        assert est.std_error != default.std_error


def test_binned_options_on_vectors_and_max_categories():
    rng = np.random.default_rng(2)
    x = rng.integers(0, 5, (3000, 2)).astype(float)  # 25 categories of the pair
    y = x[:, :1] + rng.standard_normal((3000, 1))
    for mc in (32, 2):  # 2: the 5-valued columns are binned, not kept as categories
        est = estimate_mutual_information(x, y, method="binned", bins=4, max_categories=mc,
                                          rng=0, n_resamples=10)
        assert est.estimate == mutual_information(x, y, method="binned", bins=4,
                                                  max_categories=mc)


def test_jitter_is_drawn_once_from_rng_as_the_plain_estimator_draws_it():
    rng = np.random.default_rng(3)
    x = np.round(rng.standard_normal(3000), 1)  # heavy ties: plain KSG refuses
    y = np.round(x + rng.standard_normal(3000), 1)
    x[:10] = y[:10] = 0.0  # ten identical points
    with pytest.raises(ValueError, match="jitter"):
        estimate_mutual_information(x, y, rng=0)
    est = estimate_mutual_information(x, y, jitter=1e-6, rng=5, n_resamples=10)
    assert est.estimate == mutual_information(x, y, jitter=1e-6, rng=5)
    assert est.ci_low < est.estimate < est.ci_high
    other = estimate_mutual_information(x, y, jitter=1e-6, rng=6, n_resamples=10)
    assert other.estimate != est.estimate  # the jitter comes from rng


def test_jitter_on_cmi():
    rng = np.random.default_rng(4)
    z = rng.integers(0, 4, 3000).astype(float)
    x = z + np.round(rng.standard_normal(3000), 1)
    y = x + rng.standard_normal(3000)
    est = estimate_mutual_information(x, y, z, jitter=1e-6, rng=7, n_resamples=10)
    assert est.estimate == conditional_mutual_information(x, y, z, jitter=1e-6, rng=7)


@pytest.mark.parametrize(("options", "error", "message"), [
    ({"bins": 1}, ValueError, "`bins` must be"),
    ({"bins": 2.5}, TypeError, "`bins` must be"),
    ({"binning": "quantile"}, ValueError, "`binning` must be one of"),
    ({"binning": 3}, TypeError, "`binning` must be one of"),
    ({"max_categories": 0}, ValueError, "`max_categories` must be"),
    ({"miller_madow": "yes"}, TypeError, "`miller_madow` must be True or False"),
    ({"jitter": -1.0}, ValueError, "`jitter` must be"),
    ({"jitter": float("nan")}, ValueError, "`jitter` must be"),
])
def test_bad_options_raise(options, error, message):
    x, y = _pair(500, 5)
    with pytest.raises(error, match=message):
        estimate_mutual_information(x, y, method="binned", **options)


def test_binned_options_with_z_are_refused():
    x, y = _pair(500, 6)
    with pytest.raises(ValueError, match="`bins` applies to method='binned'"):
        estimate_mutual_information(x, y, x + y, bins=8)
    # the defaults, spelled out, are accepted
    est = estimate_mutual_information(x, y, x + y, binning="equal-mass", max_categories=32,
                                      miller_madow=True, rng=0, n_resamples=10)
    assert est.conditional
