"""estimate_mutual_information: MI and CMI with a subsampling interval (issue 11).

Coverage itself is measured by validation/estimator_intervals.py (100 seeds per case); these
tests pin what is deterministic: the point estimate is the plain estimator's, the interval is
reproducible from ``rng``, brackets the estimate, scales with ``base``, and bad options raise.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from privauction.estimators import (
    MutualInformationEstimate,
    conditional_mutual_information,
    estimate_mutual_information,
    mutual_information,
)


def _cmi_sample(n, seed):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(n)
    x = z + rng.standard_normal(n)
    return x, x + rng.standard_normal(n), z


def test_cmi_estimate_is_the_plain_estimate_and_brackets_it():
    x, y, z = _cmi_sample(4000, 1)
    est = estimate_mutual_information(x, y, z, rng=0)
    assert isinstance(est, MutualInformationEstimate)
    assert est.estimate == conditional_mutual_information(x, y, z)
    assert est.ci_low < est.estimate < est.ci_high
    assert est.conditional and est.method == "ksg" and est.n == 4000
    assert est.subsample_size == 400 and est.n_resamples == 40 and est.ci == 0.95
    assert est.std_error > 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        est.estimate = 0.0


@pytest.mark.parametrize("shape", [(3000,), (3000, 2)])
def test_mi_estimate_is_the_plain_estimate(shape):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape)
    y = 0.6 * x + 0.8 * rng.standard_normal(shape)
    est = estimate_mutual_information(x, y, rng=0)
    assert est.estimate == mutual_information(x, y)
    assert not est.conditional
    assert est.ci_low < est.estimate < est.ci_high


def test_mixed_cmi_with_a_discrete_condition():
    rng = np.random.default_rng(3)
    s = rng.integers(0, 3, 3000).astype(float)
    x = s + rng.standard_normal(3000)
    y = x + rng.standard_normal(3000)
    est = estimate_mutual_information(x, y, s, method="mixed", rng=0)
    assert est.estimate == conditional_mutual_information(x, y, s, method="mixed")
    assert est.ci_low < est.estimate < est.ci_high


def test_reproducible_from_rng_and_depends_on_it():
    x, y, z = _cmi_sample(2000, 4)
    a = estimate_mutual_information(x, y, z, rng=5)
    b = estimate_mutual_information(x, y, z, rng=np.random.default_rng(5))
    c = estimate_mutual_information(x, y, z, rng=6)
    assert a == b
    assert a.estimate == c.estimate and a.ci_low != c.ci_low


def test_base_two_divides_everything_by_log_two():
    x, y, z = _cmi_sample(2000, 7)
    nats = estimate_mutual_information(x, y, z, rng=0)
    bits = estimate_mutual_information(x, y, z, rng=0, base=2)
    for field in ("estimate", "ci_low", "ci_high", "std_error", "bias"):
        assert getattr(bits, field) == pytest.approx(getattr(nats, field) / math.log(2),
                                                     rel=1e-12, abs=1e-15)


def test_wider_at_higher_level():
    x, y, z = _cmi_sample(2000, 8)
    lo = estimate_mutual_information(x, y, z, ci=0.8, rng=0)
    hi = estimate_mutual_information(x, y, z, ci=0.99, rng=0)
    assert hi.ci_high - hi.ci_low > lo.ci_high - lo.ci_low


def test_errors():
    x, y, z = _cmi_sample(200, 9)
    with pytest.raises(ValueError, match="`method` must be one of"):
        estimate_mutual_information(x, y, z, method="binned")
    with pytest.raises(ValueError, match="`subsample_size` must be between 4 and n // 2 = 100"):
        estimate_mutual_information(x, y, z, subsample_size=150)
    with pytest.raises(ValueError, match="`subsample_size`"):
        estimate_mutual_information(x, y, subsample_size=2)
    with pytest.raises(ValueError, match="`ci`"):
        estimate_mutual_information(x, y, ci=1.0)
    with pytest.raises(ValueError, match="`n_resamples`"):
        estimate_mutual_information(x, y, n_resamples=5)
    with pytest.raises(ValueError, match="same number of"):
        estimate_mutual_information(x, y[:-1])
    with pytest.raises(ValueError, match="finite"):
        estimate_mutual_information(np.where(x > 1, np.nan, x), y)
    with pytest.raises(TypeError, match="`rng`"):
        estimate_mutual_information(x, y, rng="seed")
