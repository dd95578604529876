"""The lower bound of Lemma 1, Eq. (4), and the laws it is applied to (Theorems 1 and 2)."""

import math
import warnings

import numpy as np
import pytest
from scipy import integrate, stats

import privauction as pa
from privauction.mechanisms import ReservePrice
from privauction.priors import expected_second_highest
from privauction.theory import (
    Law,
    as_law,
    beta_price_law,
    ordered_mi_lower_bound,
    payment_law,
    spa_price_law,
    winner_bid_lottery_price_law,
    winner_value_law,
)

PRIORS = [
    stats.uniform(0, 1), stats.beta(2, 3), stats.norm(0, 1), stats.expon(), stats.truncexpon(b=3),
]


def _mi_spa(n):
    return math.fsum(1.0 / k for k in range(1, n)) - math.log(n)  # Eq. (9)


@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: p.dist.name)
@pytest.mark.parametrize("n", [2, 3, 5, 10, 30])
def test_spa_attains_eq_9_for_every_prior(prior, n):
    bound = ordered_mi_lower_bound(winner_value_law(prior, n), spa_price_law(prior, n))
    assert bound == pytest.approx(_mi_spa(n), abs=1e-8)  # measured: within 4e-14


@pytest.mark.parametrize(
    ("prior", "reserve"),
    [(stats.uniform(0, 1), 0.5), (stats.beta(2, 3), 0.3), (stats.truncexpon(b=3), 1.0),
     (stats.uniform(0, 1), 0.9)],
)
@pytest.mark.parametrize("n", [2, 3, 5])
def test_reserve_spa_bound_equals_its_conditional_privacy_loss(prior, reserve, n):
    X = winner_value_law(prior, n, reserve=reserve)
    Y = spa_price_law(prior, n, reserve=reserve)
    rho = float(prior.cdf(reserve))
    analytical = ReservePrice(reserve).privacy_loss(prior, n) / (1.0 - rho**n)
    assert ordered_mi_lower_bound(X, Y) == pytest.approx(analytical, abs=1e-8)  # measured 5e-16


@pytest.mark.parametrize(
    ("prior", "n"),
    [(stats.uniform(0, 1), 2), (stats.uniform(0, 1), 5), (stats.beta(2, 2), 3),
     (stats.truncexpon(b=2), 2)],
    ids=["uniform-2", "uniform-5", "beta-3", "truncexpon-2"],
)
def test_step_3_mean_preserving_spreads_raise_the_bound(prior, n):
    X = winner_value_law(prior, n)
    spa = ordered_mi_lower_bound(X, spa_price_law(prior, n))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # tabulated laws declare 1e-8: no quadrature warnings
        lottery = ordered_mi_lower_bound(X, winner_bid_lottery_price_law(prior, n))
        beta = ordered_mi_lower_bound(X, beta_price_law(prior, n, n_nodes=24, n_grid=120))
    # Measured gaps are >= 0.05 nats (e.g. uniform, n = 2: 0.307 < 0.469 < 0.693 = log 2).
    assert spa + 0.05 < beta < lottery
    if prior.dist.name == "uniform":  # m(w) = (n-1)/n is constant: the bound is log n
        assert lottery == pytest.approx(math.log(n), abs=1e-8)


@pytest.mark.parametrize("make", [winner_bid_lottery_price_law, beta_price_law])
def test_lottery_price_laws_are_mean_preserving_spreads_of_g_l(make):
    prior, n = stats.beta(2, 2), 3
    fast = {} if make is winner_bid_lottery_price_law else {"n_nodes": 24, "n_grid": 120}
    Y = make(prior, n, **fast)
    mean, _ = integrate.quad(Y.survival, 0, 1, points=[1e-8, 1e-4, 0.01], limit=200)
    # Tabulation error: measured 1e-7 (lottery) and 4e-5 (Beta prices, 24 nodes, 120 prices).
    assert mean == pytest.approx(expected_second_highest(prior, n), abs=2e-4)
    # Second-order condition of a mean-preserving spread: ∫_0^t (G_L - G_P) ds <= 0 (Step 3).
    s = np.linspace(0, 1, 2001)
    diff = spa_price_law(prior, n).cdf(s) - Y.cdf(s)
    assert np.all(integrate.cumulative_trapezoid(diff, s) <= 2e-4)
    assert np.all(np.diff(Y.cdf(s)) >= 0) and Y.cdf(1.0) == 1.0


@pytest.mark.parametrize(
    ("mech", "make"),
    [(pa.mechanisms.WinnerBidLottery(), winner_bid_lottery_price_law),
     (pa.mechanisms.BetaPrice(), beta_price_law)],
)
def test_lottery_price_laws_match_simulated_prices(mech, make):
    prior, n = stats.uniform(0, 1), 2
    n_auctions = 40_000
    out = pa.simulate(mech, prior, n, n_auctions, rng=11)
    fast = {} if make is winner_bid_lottery_price_law else {"n_nodes": 24, "n_grid": 120}
    Y = make(prior, n, **fast)
    # Dvoretzky–Kiefer–Wolfowitz: P(sup |ECDF - F| > eps) <= 2 exp(-2 N eps^2) = 1e-4 (valid
    # with atoms, unlike the KS p-value); the grid reaches down to 1e-30 where Beta prices pile up.
    eps = np.sqrt(np.log(2 / 1e-4) / (2 * n_auctions))
    s = np.concatenate([np.geomspace(1e-30, 1e-3, 60), np.linspace(0, 1, 401)])
    ecdf = np.searchsorted(np.sort(out.price), s, side="right") / n_auctions
    assert np.max(np.abs(ecdf - Y.cdf(s))) < eps  # measured 0.003-0.005 against eps = 0.011


def test_equal_cdfs_on_a_positive_measure_set_give_infinity():
    X = as_law(stats.uniform(0, 1))
    # Y = X on [0.5, 1]: every ordered coupling puts mass on the diagonal there (Section 6.2).
    Y = payment_law(lambda s: np.clip(np.where(s < 0.5, 2 * s * 0.75, s), 0, 1), support=(0, 1))
    assert ordered_mi_lower_bound(X, Y) == math.inf
    assert ordered_mi_lower_bound(X, X) == math.inf


def test_atom_at_the_bottom_point_mass():
    # Footnote 23's example: X uniform, Y a point mass at 0: bound = -1 + ∫ -log(1 - u) du = 0.
    Y = payment_law(lambda s: np.where(np.asarray(s) >= 0, 1.0, 0.0), support=(0, 0), atoms=[0])
    assert ordered_mi_lower_bound(stats.uniform(0, 1), Y) == pytest.approx(0.0, abs=1e-10)


def test_interior_atom_is_a_breakpoint():
    # Y: density 1.5 on [0, 0.3), an atom of mass 0.15 at 0.3, density 4/7 on (0.3, 1].
    def cdf(s):
        s = np.asarray(s, dtype=float)
        return np.clip(np.where(s < 0.3, 1.5 * s, 0.6 + 0.4 * (s - 0.3) / 0.7), 0.0, 1.0)

    Y = payment_law(cdf, support=(0.0, 1.0), atoms=[0.3])
    # With X uniform, u = s and the integrand is piecewise -log(linear): integrate by hand.
    ref = -0.3 * (np.log(0.15) - 1)  # ∫_0^0.3 -log(0.5 u) du
    a, b = 0.6 - 0.4 * 0.3 / 0.7, 0.4 / 0.7 - 1  # Y(u) - u = a + b u on (0.3, 1]
    F = lambda u: ((a + b * u) * np.log(a + b * u) - (a + b * u)) / b  # noqa: E731
    ref -= F(1.0) - F(0.3)
    assert ordered_mi_lower_bound(stats.uniform(0, 1), Y) == pytest.approx(ref - 1, abs=1e-9)


def test_not_dominated_is_refused_naming_lemma_2():
    with pytest.raises(ValueError, match="Lemma 2"):
        ordered_mi_lower_bound(stats.uniform(0, 1), stats.uniform(0.5, 1))


def test_argument_errors():
    prior = stats.uniform(0, 1)
    with pytest.raises(TypeError, match="bare callable"):
        ordered_mi_lower_bound(prior, lambda s: s)
    with pytest.raises(ValueError, match="non-atomic"):
        ordered_mi_lower_bound(spa_price_law(prior, 2, reserve=0.5), prior)
    with pytest.raises(ValueError, match="ppf"):
        ordered_mi_lower_bound(Law(cdf=prior.cdf, support=(0.0, 1.0)), prior)
    with pytest.raises(ValueError, match="`reserve` must lie in the prior's support"):
        spa_price_law(prior, 2, reserve=1.5)
    with pytest.raises(ValueError, match="`n_bidders` must be an integer >= 2; got 1"):
        spa_price_law(prior, 1)


def test_laws_agree_with_priors_module_and_have_consistent_quantiles():
    prior, n = stats.beta(2, 3), 4
    s = np.linspace(0.01, 0.99, 50)
    X, Y = winner_value_law(prior, n), spa_price_law(prior, n)
    np.testing.assert_allclose(X.cdf(s), pa.priors.highest_cdf(prior, n, s), atol=1e-14)
    np.testing.assert_allclose(Y.cdf(s), pa.priors.second_highest_cdf(prior, n, s), atol=1e-14)
    np.testing.assert_allclose(X.cdf(s) + X.sf(s), 1.0, atol=1e-14)
    np.testing.assert_allclose(Y.cdf(Y.ppf(X.cdf(s))), X.cdf(s), atol=1e-12)
    np.testing.assert_allclose(X.ppf(X.cdf(s)), s, atol=1e-12)
    upper = X.sf(s) < 0.5  # isf is used (and accurate) in the upper half only
    np.testing.assert_allclose(X.isf(X.sf(s[upper])), s[upper], atol=1e-12)


def test_theory_imports_no_higher_layer():
    # DESIGN.md: data flows one way; theory may use priors and mechanisms only.
    import ast
    from pathlib import Path

    import privauction.theory

    allowed = {"_validation", "priors", "mechanisms"}
    for path in Path(privauction.theory.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                top = (node.module or "").split(".")[0]
                assert top in allowed, f"{path.name} imports privauction.{top}"
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [
                    a.name for a in node.names]
                for name in names:
                    assert not name.startswith("privauction."), f"{path.name}: absolute {name}"


@pytest.mark.parametrize("width", [1e-2, 1e-4])
def test_a_zero_set_narrower_than_the_grid_still_gives_inf(width):
    """Section 6.2: Y = X on a set of positive X-measure makes the bound infinite, even when
    the set is narrower than the 4096-point check grid (found around quadrature nodes)."""
    a = 0.3

    def cdf(s):
        s = np.clip(np.asarray(s, dtype=float), 0.0, 1.0)
        bump = np.sqrt(s) * (1 - s) * 0.2
        gap = np.where(s < a, np.minimum(bump, a - s),
                       np.where(s > a + width, np.minimum(bump, s - a - width), 0.0))
        return np.clip(s + gap, 0.0, 1.0)

    Y = payment_law(cdf, support=(0.0, 1.0))
    assert ordered_mi_lower_bound(stats.uniform(0, 1), Y) == math.inf
