"""The closed forms' one home (privauction.theory.spa, menu, order_statistics), each checked by
a second, independent computation."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from privauction import theory


@pytest.mark.parametrize("n", [2, 3, 5, 10, 57, 400])
def test_eq9_digamma_form_equals_the_harmonic_sum(n):
    harmonic = math.fsum(1.0 / k for k in range(1, n)) - math.log(n)
    assert theory.spa_privacy_loss(n) == pytest.approx(harmonic, abs=1e-14)


def test_eq9_at_a_billion_bidders_is_within_its_asymptotic_expansion_of_gamma():
    n = 10**9
    # ψ(n) = log n - 1/(2n) - 1/(12 n²) + ...: the next term is below 1e-19; ψ(n) and log n are
    # about 20.7, whose rounding (ulp 3.6e-15) sets the tolerance
    assert theory.spa_privacy_loss(n) == pytest.approx(np.euler_gamma - 1 / (2 * n), abs=1e-14)


@pytest.mark.parametrize("bad", [1, 0, 2.5, "3"])
def test_eq9_rejects_bad_n(bad):
    with pytest.raises((TypeError, ValueError), match="`n_bidders` must be an integer >= 2"):
        theory.spa_privacy_loss(bad)


@pytest.mark.parametrize("n", [2, 4])
def test_posterior_kl_mean_over_the_price_is_eq9(n):
    # E over the SPA price quantile a ~ Beta(n-1, 2) of the Eq. (11) KL, by quad
    val, _ = integrate.quad(
        lambda a: stats.beta(n - 1, 2).pdf(a) * float(theory.spa_posterior_kl(a, n)), 0, 1,
        epsabs=1e-13,
    )
    assert val == pytest.approx(theory.spa_privacy_loss(n), abs=1e-9)
    assert theory.reserve_spa_conditional_mi(n, 0.0) == pytest.approx(
        theory.spa_privacy_loss(n), abs=1e-11)


def test_reserve_mi_stays_finite_and_tends_to_zero_next_to_the_top():
    # With ρ -> 1 the price is the reserve with probability -> 1: MI -> 0.
    vals = [theory.reserve_spa_conditional_mi(2, 1 - 10.0**-e) for e in (3, 6, 9, 12, 15)]
    assert all(math.isfinite(v) and v >= 0 for v in vals)
    assert vals[-1] < 1e-10
    assert vals == sorted(vals, reverse=True)


@pytest.mark.parametrize("n", [3, 6, 10])
def test_k_price_closed_form_at_k2_is_eq9_and_decreases(n):
    vals = [theory.k_price_privacy_loss(n, k) for k in range(2, n + 1)]
    assert vals[0] == pytest.approx(theory.spa_privacy_loss(n), abs=1e-15)
    assert all(a > b for a, b in zip(vals, vals[1:], strict=False))
    assert theory.k_price_privacy_loss(n, 1) == math.inf


def test_k_price_closed_form_matches_quadrature_of_its_density():
    # MI of (highest, 3rd highest) of 4 uniforms by 2-d quadrature of p log(p / (p_W p_V))
    n, k = 4, 3
    fw = stats.beta(n, 1).pdf
    fv = stats.beta(n - k + 1, k).pdf

    def joint(w, v):  # v < w: density of (X_(n), X_(n-k+1))
        c = math.factorial(n) / (math.factorial(n - k) * math.factorial(k - 2))
        return c * v ** (n - k) * (w - v) ** (k - 2)

    def integrand(v, w):
        p = joint(w, v)
        return p * math.log(p / (fw(w) * fv(v))) if p > 0 else 0.0

    val, _ = integrate.dblquad(integrand, 0, 1, 0, lambda w: w, epsabs=1e-10)
    assert val == pytest.approx(theory.k_price_privacy_loss(n, k), abs=1e-7)


def test_menu_entropy_batch_and_scalar():
    m = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    assert theory.menu_entropy(m).tolist() == [theory.menu_entropy(m[0]), 0.0]
    assert theory.menu_entropy(m[0]) == pytest.approx(
        -(0.2 * math.log(0.2) + 0.3 * math.log(0.3) + 0.5 * math.log(0.5)), abs=1e-15)
