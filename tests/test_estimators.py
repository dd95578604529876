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
    sk = pytest.importorskip("sklearn.feature_selection._mutual_info")
    if not hasattr(sk, "_compute_mi_cc"):  # a private function: may move in later releases
        pytest.skip("scikit-learn's private _compute_mi_cc is not available")
    _compute_mi_cc = sk._compute_mi_cc
    x, y = gaussian(3000, 0)
    x, y = x / x.std(), y / y.std()
    ours = mutual_information(x, y, method="ksg", standardize=False)
    theirs = _compute_mi_cc(x, y, 3)
    assert ours == pytest.approx(theirs, abs=1e-12)


def test_ksg_equals_npeet_without_noise(monkeypatch):
    # NPEET's mi with its ~1e-10 noise switched off, on standardised data (NPEET does not
    # rescale), in nats: the same KSG algorithm 1.
    npeet = pytest.importorskip("npeet_plus.estimators")
    monkeypatch.setattr(npeet, "add_noise", lambda a, intens=0.0: a)
    x, y = gaussian(3000, 1)
    x, y = x / x.std(), y / y.std()
    theirs = npeet.mi(x[:, None], y[:, None], k=3, base=math.e)
    assert mutual_information(x, y, standardize=False) == pytest.approx(theirs, abs=1e-12)


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
        (np.ones((5, 2, 1)), np.ones(5), ValueError, r"shape \(n,\) or \(n, d\)"),
        (np.ones((5, 0)), np.ones(5), ValueError, "at least one column"),
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
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        finite = estimate_privacy_loss(out, rng=0, detect_infinite=False)
    assert not any(issubclass(w.category, InfinitePrivacyLossWarning) for w in caught)
    assert math.isfinite(finite.estimate) and not finite.infinite


def test_observer_method_matches_theory():
    out = pa.simulate(pa.mechanisms.ZeroKLottery(2), UNIFORM, 2, 2_000, rng=4)
    est = estimate_privacy_loss(out, method="observer")
    assert est.interval == "clt"
    # CLT interval of i.i.d. KL terms; truth 0.0140815 within 4 SE.
    assert abs(est.estimate - 0.0140815) < 4 * est.std_error


def _sold_pairs(mech, n_bidders, n, seed):
    out = pa.simulate(mech, UNIFORM, n_bidders, n, rng=seed)
    return out.winner_value[out.sold], out.price[out.sold]


@pytest.mark.parametrize(
    "mech, n_bidders, truth, tol",
    [
        # Tolerances: |bias at N = 2e4| + 3.5 sd of a mean of 4, both measured with
        # validation/estimator_accuracy.py --n 20000 (bias, sd of one estimate):
        # SPA n=2 (-0.004, 0.0065), SPA n=5 (-0.0055, 0.0051), lottery (-0.0007, 0.0018),
        # reserve | sale (-0.0054, 0.0030).
        (pa.mechanisms.SecondPrice(), 2, 1 - math.log(2), 0.016),
        (pa.mechanisms.SecondPrice(), 5, 1 + 1 / 2 + 1 / 3 + 1 / 4 - math.log(5), 0.015),
        (pa.mechanisms.ZeroKLottery(2), 2, 0.0140815, 0.004),
        (pa.mechanisms.ReservePrice(0.5), 2, 0.1479355, 0.011),
    ],
    ids=["spa2", "spa5", "lottery", "reserve"],
)
def test_mixed_closed_forms(mech, n_bidders, truth, tol):
    est = [mutual_information(*_sold_pairs(mech, n_bidders, 20_000, s), method="mixed")
           for s in range(4)]
    assert np.mean(est) == pytest.approx(truth, abs=tol)


def test_mixed_splits_the_reserve_atom_and_gao_does_not():
    # On the reserve price the atom holds 2/3 of the sold prices. "mixed" handles it by the
    # chain rule; Gao et al.'s estimator sees many points at the same non-zero distance from
    # the atom and is biased upward (+0.005 at N = 2e4, measured), "mixed" downward (-0.005,
    # from the SPA part's boundary bias), so they must differ; both stay near the truth.
    w, p = _sold_pairs(pa.mechanisms.ReservePrice(0.5), 2, 20_000, 11)
    mixed = mutual_information(w, p, method="mixed")
    gao = mutual_information(w, p, method="gao")
    assert mixed != gao
    assert abs(mixed - 0.1479355) < 0.02 and abs(gao - 0.1479355) < 0.03


def test_symmetry_all_methods_with_atoms():
    w, p = _sold_pairs(pa.mechanisms.ReservePrice(0.5), 2, 5_000, 12)
    for method in ("mixed", "gao", "ksg"):
        assert mutual_information(w, p, method=method) == pytest.approx(
            mutual_information(p, w, method=method), abs=1e-12
        )
    # Binned: the transpose of the histogram, same bins each way.
    assert mutual_information(w, p, method="binned") == pytest.approx(
        mutual_information(p, w, method="binned"), abs=1e-12
    )


def test_threads_and_jitter():
    x, y = gaussian(5_000, 8)
    assert mutual_information(x, y, workers=2) == mutual_information(x, y)
    a = mutual_information(x, y, jitter=1e-10, rng=0)
    assert a == mutual_information(x, y, jitter=1e-10, rng=0)
    assert a == pytest.approx(mutual_information(x, y), abs=1e-3)
    # Jitter makes "ksg" usable on atoms (at the price of a bias the notes measure).
    atoms = np.repeat([0.0, 1.0], 50)
    assert math.isfinite(mutual_information(atoms, atoms[::-1], jitter=1e-6, rng=1))


def test_privacy_loss_other_methods_and_errors():
    out = pa.simulate(pa.mechanisms.ZeroKLottery(2), UNIFORM, 2, 10_000, rng=5)
    for method in ("binned", "gao", "ksg"):
        est = estimate_privacy_loss(out, method=method, rng=0, n_resamples=10)
        assert est.method == method and est.ci_low <= est.estimate <= est.ci_high
    with pytest.raises(TypeError, match="privauction.Outcomes"):
        estimate_privacy_loss(np.zeros(3))
    with pytest.raises(ValueError, match="`ci` must be"):
        estimate_privacy_loss(out, ci=1.5)
    with pytest.raises(ValueError, match="`n_resamples` must be an integer >= 10; got 3"):
        estimate_privacy_loss(out, n_resamples=3)
    class HalfSecondPrice(pa.mechanisms.Mechanism):  # a plug-in the observer cannot invert
        def run(self, bids, rng):
            winner, _, second = pa.mechanisms.top_two(bids, rng)
            return winner, second / 2

    plug = pa.simulate(HalfSecondPrice(), UNIFORM, 2, 500, rng=0)
    with pytest.raises(ValueError, match="method='observer' needs"):
        estimate_privacy_loss(plug, method="observer")


def test_privacy_loss_is_reproducible_with_rng():
    out = pa.simulate(pa.mechanisms.SecondPrice(), UNIFORM, 3, 5_000, rng=9)
    assert estimate_privacy_loss(out, rng=3) == estimate_privacy_loss(out, rng=3)


def test_subsample_size_checked_and_scaled_to_the_sold_share():
    out = pa.simulate(pa.mechanisms.ReservePrice(0.9), UNIFORM, 2, 3_000, rng=6)
    est = estimate_privacy_loss(out, rng=0, n_resamples=10)  # ~19 % sold
    assert est.ci_low <= est.estimate <= est.ci_high
    with pytest.raises(ValueError, match="at most n // 2 = 1500"):
        estimate_privacy_loss(out, subsample_size=2_000)


@pytest.mark.parametrize("method", ["ksg", "mixed", "binned"])
def test_constant_column_has_zero_mi_at_every_n(method):
    # scikit-learn's noise scaled to the mean magnitude makes the MI of a constant feature grow
    # with N (scikit-learn #30772); exact tie handling gives 0 up to rounding.
    rng = np.random.default_rng(10)
    for n in (50, 5_000):
        y = rng.standard_normal(n)
        assert abs(mutual_information(np.full(n, 3.0), y, method=method)) < 1e-12


def test_zero_width_interval_and_too_few_sold_auctions_are_reported():
    # Reserve 0.9 with 2 bidders: ~19 % sold. With 120 auctions a subsample cannot be trusted
    # to hold 4 sold ones (4 binomial SDs below its mean): a clear error, whatever the seed.
    out = pa.simulate(pa.mechanisms.ReservePrice(0.9), UNIFORM, 2, 120, rng=3)
    for seed in range(3):
        with pytest.raises(ValueError, match="simulate more auctions"):
            estimate_privacy_loss(out, rng=seed)
    # First price with detection off: the price is a fixed multiple of the value, so every
    # subsample gives the same estimate and the interval would have zero width.
    fp = pa.simulate(pa.mechanisms.FirstPrice(), UNIFORM, 2, 2000, rng=0)
    with pytest.warns(pa.PrivauctionWarning, match="zero width"):
        estimate_privacy_loss(fp, rng=0, detect_infinite=False)


def test_estimate_privacy_loss_validates_workers():
    out = pa.simulate(pa.mechanisms.SecondPrice(), UNIFORM, 2, 500, rng=0)
    with pytest.raises(ValueError, match="`workers` must be -1 \\(all cores\\) or an integer >= 1"):
        estimate_privacy_loss(out, workers=0)


def test_value_ties_from_rounding_are_not_taken_for_revealed_values():
    # beta(2, 0.1) piles mass at 1: ~1 % of draws round to exactly 1.0, so in some auctions the
    # two highest values coincide and the SPA price equals the value. That is not a price that
    # reveals the value (probability 0 in exact arithmetic): no infinite-loss flag.
    prior = stats.beta(2, 0.1)
    out = pa.simulate(pa.mechanisms.SecondPrice(), prior, 2, 4_000, rng=0)
    assert np.count_nonzero(out.price == out.winner_value) >= 2  # the rounding ties exist
    with warnings.catch_warnings():
        warnings.simplefilter("error", InfinitePrivacyLossWarning)
        est = estimate_privacy_loss(out, rng=0)
    assert not est.infinite and math.isfinite(est.estimate)
