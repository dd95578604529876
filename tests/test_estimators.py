"""Estimators: closed forms, exactness against scikit-learn's KSG, input validation, the
privacy-loss estimate and its infinite-loss detection."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import stats

import privauction as pa
from privauction.estimators import (
    InfinitePrivacyLossWarning,
    PrivacyLossEstimate,
    estimate_privacy_loss,
    mutual_information,
)

UNIFORM = stats.uniform(0, 1)
GAUSS_TRUTH = -0.5 * math.log(1 - 0.6**2)


def gaussian(n, seed, rho=0.6):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    return x, rho * x + math.sqrt(1 - rho**2) * rng.standard_normal(n)


def test_ksg_equals_scikit_learn_without_noise():
    # scikit-learn's KSG kernel without its scaling and noise (_compute_mi_cc) on the same
    # standardised data: the same algorithm, so the same number up to rounding.
    from sklearn.feature_selection._mutual_info import _compute_mi_cc

    x, y = gaussian(3000, 0)
    x, y = x / x.std(), y / y.std()
    ours = mutual_information(x, y, method="ksg", standardize=False)
    theirs = _compute_mi_cc(x, y, 3)
    assert ours == pytest.approx(theirs, abs=1e-12)


def test_ksg_gaussian_closed_form():
    # N = 5000, 8 seeds: measured per-estimate sd 0.0095, so the mean has sd 0.0034;
    # KSG bias at this N is below 0.003. Tolerance 0.012 ~ 3.5 sd.
    est = [mutual_information(*gaussian(5000, s)) for s in range(8)]
    assert np.mean(est) == pytest.approx(GAUSS_TRUTH, abs=0.012)


def test_independent_estimates_centred_on_zero_and_can_be_negative():
    rng = np.random.default_rng(5)
    est = np.array([
        mutual_information(rng.standard_normal(2000), rng.standard_normal(2000))
        for _ in range(10)
    ])
    # Never clipped: some estimates are below zero. Spread at N = 2000 is ~0.006 per estimate.
    assert (est < 0).any()
    assert abs(est.mean()) < 0.006


def test_symmetry():
    x, y = gaussian(2000, 3)
    for method in ("ksg", "mixed"):
        assert mutual_information(x, y, method=method) == pytest.approx(
            mutual_information(y, x, method=method), abs=1e-12
        )


def test_mixed_equals_ksg_without_ties():
    x, y = gaussian(2000, 4)
    assert mutual_information(x, y, method="mixed") == mutual_information(x, y, method="ksg")


def test_discrete_discrete_equals_plugin():
    rng = np.random.default_rng(2)
    a = rng.integers(0, 4, 5000)
    b = (a + rng.integers(0, 3, 5000)) % 5
    joint = np.zeros((4, 5))
    np.add.at(joint, (a, b), 1)
    p = joint / joint.sum()
    pa_, pb = p.sum(1, keepdims=True), p.sum(0, keepdims=True)
    nz = p > 0
    exact = float(np.sum(p[nz] * np.log(p[nz] / (pa_ @ pb)[nz])))
    assert mutual_information(a, b, method="mixed") == pytest.approx(exact, abs=1e-12)


def test_base_two_is_bits():
    x, y = gaussian(1000, 6)
    assert mutual_information(x, y, base=2) == pytest.approx(
        mutual_information(x, y) / math.log(2), rel=1e-12
    )


def test_ksg_refuses_atoms_with_a_clear_error():
    x = np.repeat([0.0, 1.0], 50)
    with pytest.raises(ValueError, match="method='mixed'"):
        mutual_information(x, x, method="ksg")


@pytest.mark.parametrize(
    "x, y, exc, match",
    [
        ([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0], ValueError, "same number"),
        ([1.0, 2.0, np.nan, 4.0, 5.0], [1.0] * 5, ValueError, "finite"),
        ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], ValueError, "at least 4"),
        (["a", "b", "c", "d"], [1.0] * 4, TypeError, "real numbers"),
        (np.ones((5, 2)), np.ones(5), ValueError, "1-D"),
    ],
)
def test_input_validation(x, y, exc, match):
    with pytest.raises(exc, match=match):
        mutual_information(x, y)


def test_option_validation():
    x, y = gaussian(100, 0)
    with pytest.raises(ValueError, match="`method` must be one of"):
        mutual_information(x, y, method="kde")
    with pytest.raises(ValueError, match="`n_neighbors` must be an integer >= 1; got 0"):
        mutual_information(x, y, n_neighbors=0)
    with pytest.raises(ValueError, match="`base`"):
        mutual_information(x, y, base=1)


def test_privacy_loss_result_and_interval():
    out = pa.simulate(pa.mechanisms.SecondPrice(), UNIFORM, 2, 20_000, rng=1)
    est = estimate_privacy_loss(out, rng=0)
    assert isinstance(est, PrivacyLossEstimate)
    assert est.n == 20_000 and est.sold_share == 1.0 and est.method == "mixed"
    assert est.ci_low < est.estimate < est.ci_high
    # SE at N = 2e4 is about 0.0045 (subsample spread); the truth 1 - log 2 within 4 SE.
    assert abs(est.estimate - (1 - math.log(2))) < 4 * est.std_error
    with pytest.raises(AttributeError):
        est.estimate = 0.0  # frozen


def test_privacy_loss_reserve_uses_definition_2():
    out = pa.simulate(pa.mechanisms.ReservePrice(0.5), UNIFORM, 2, 20_000, rng=2)
    est = estimate_privacy_loss(out, rng=0)
    truth = pa.mechanisms.ReservePrice(0.5).privacy_loss(UNIFORM, 2)  # 0.75 * 0.1479355
    assert est.sold_share == pytest.approx(0.75, abs=0.01)
    assert abs(est.estimate - truth) < 4 * est.std_error


@pytest.mark.parametrize("mech", [pa.mechanisms.WinnerBidLottery(), pa.mechanisms.FirstPrice()])
def test_infinite_privacy_loss_detected(mech):
    out = pa.simulate(mech, UNIFORM, 2, 2000, rng=0)
    with pytest.warns(InfinitePrivacyLossWarning, match="reveals the winner's value"):
        est = estimate_privacy_loss(out, rng=0)
    assert est.infinite and est.estimate == math.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        finite = estimate_privacy_loss(out, rng=0, detect_infinite=False)
    assert math.isfinite(finite.estimate) and not finite.infinite


def test_observer_method_matches_theory():
    out = pa.simulate(pa.mechanisms.ZeroKLottery(2), UNIFORM, 2, 5_000, rng=4)
    est = estimate_privacy_loss(out, method="observer")
    assert est.interval == "clt"
    # CLT interval of i.i.d. KL terms; truth 0.0140815 within 4 SE.
    assert abs(est.estimate - 0.0140815) < 4 * est.std_error
