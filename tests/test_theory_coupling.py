"""Minimum-MI ordered couplings of discrete marginals (Example 2, Lemma 1 of the auction paper)."""

import warnings

import numpy as np
import pytest
from scipy import special

from privauction import PrivauctionWarning
from privauction.theory import CouplingConvergenceWarning, min_mi_coupling, min_mi_coupling_slsqp

G1 = np.array([0.1, 0.4, 0.5])  # Table 1(a): pmf of X on {1, 2, 3}
G2 = np.array([0.6, 0.3, 0.1])  # pmf of Y on {1, 2, 3}


def _mi(plan, px, py):
    ref = np.outer(px, py)
    return float(np.sum(special.rel_entr(plan, np.where(plan > 0, ref, 1.0))))


def _assert_marginals(plan, px, py, atol=1e-9):
    np.testing.assert_allclose(plan.sum(axis=1), px, rtol=0, atol=atol)
    np.testing.assert_allclose(plan.sum(axis=0), py, rtol=0, atol=atol)


def _random_ordered_marginals(rng, m):
    """Marginals of a random joint law on the triangle y <= x, so an ordered coupling exists."""
    sx = np.sort(rng.choice(np.arange(10), m, replace=False)).astype(float)
    sy = np.sort(rng.choice(np.arange(10), m, replace=False)).astype(float)
    mask = sy[None, :] <= sx[:, None]
    while not mask.any(axis=1).all():  # every x must have some y <= x below it
        sy = np.sort(rng.choice(np.arange(10), m, replace=False)).astype(float)
        mask = sy[None, :] <= sx[:, None]
    w = np.where(mask, rng.dirichlet(np.ones(m * m)).reshape(m, m), 0.0)
    w /= w.sum()
    return w.sum(axis=1), w.sum(axis=0), sx, sy, w


def test_example_2_matches_table_1b():
    res = min_mi_coupling(G1, G2, support_x=[1, 2, 3], support_y=[1, 2, 3])
    h1 = np.array([1 / 6, 5 / 12, 5 / 12])
    h2 = np.array([15, 9, 6]) / 25
    expected = np.tril(np.outer(h1, h2))  # λ = h1(x) h2(y) 1{y <= x}
    np.testing.assert_allclose(res.plan, expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.h1, h1, atol=1e-9)
    np.testing.assert_allclose(res.h2, h2, atol=1e-9)
    _assert_marginals(res.plan, G1, G2)
    assert res.converged and res.n_iter < 1000
    assert res.mi == pytest.approx(_mi(expected, G1, G2), abs=1e-10)


def test_example_2_is_the_minimum_against_slsqp():
    sx = np.array([1.0, 2.0, 3.0])
    start = np.array([[0.1, 0, 0], [0.3, 0.1, 0], [0.2, 0.2, 0.1]])  # a feasible ordered plan
    _assert_marginals(start, G1, G2, atol=1e-15)
    plan, violation = min_mi_coupling_slsqp(G1, G2, sx, sx, start)
    assert violation < 1e-9
    res = min_mi_coupling(G1, G2, support_x=sx, support_y=sx)
    assert res.mi <= _mi(plan, G1, G2) + 1e-7
    assert res.mi == pytest.approx(_mi(plan, G1, G2), abs=1e-9)  # measured 1e-13 apart


def test_random_ordered_marginals_never_beaten_by_slsqp():
    rng = np.random.default_rng(20261125)
    gaps = []
    for _ in range(25):
        px, py, sx, sy, start = _random_ordered_marginals(rng, int(rng.integers(2, 6)))
        res = min_mi_coupling(px, py, support_x=sx, support_y=sy)
        assert res.converged
        _assert_marginals(res.plan, px, py)
        assert np.all(res.plan[sy[None, :] > sx[:, None]] == 0)
        plan, violation = min_mi_coupling_slsqp(px, py, sx, sy, start)
        assert violation < 1e-7
        assert res.mi <= _mi(plan, px, py) + 1e-7
        gaps.append(_mi(plan, px, py) - res.mi)
    # SLSQP reaches the same minimum on most draws (measured: 20 of 25 within 1e-9; on the
    # others it stops higher), and never a lower one.
    assert np.median(np.abs(gaps)) < 1e-9


def test_plan_has_product_form_on_the_triangle():
    px, py, sx, sy, _ = _random_ordered_marginals(np.random.default_rng(3), 5)
    res = min_mi_coupling(px, py, support_x=sx, support_y=sy)
    mask = sy[None, :] <= sx[:, None]
    np.testing.assert_allclose(res.plan, np.where(mask, np.outer(res.h1, res.h2), 0), atol=1e-12)


def test_tight_dominance_splits_into_blocks_and_converges():
    # P(Y <= 1) = P(X <= 1) = 0.5: mass below 1 must stay below 1.
    px = np.array([0.2, 0.3, 0.25, 0.25])
    py = np.array([0.4, 0.1, 0.3, 0.2])
    res = min_mi_coupling(px, py)
    assert res.converged and res.n_iter < 100
    _assert_marginals(res.plan, px, py)
    assert res.plan[2:, :2].sum() == 0


def test_identical_marginals_force_the_diagonal():
    p = np.array([0.2, 0.5, 0.3])
    res = min_mi_coupling(p, p)
    np.testing.assert_allclose(res.plan, np.diag(p), atol=1e-12)
    assert res.mi == pytest.approx(-np.sum(p * np.log(p)), abs=1e-12)  # MI = H(X)


def test_not_dominated_is_refused_naming_lemma_2():
    with pytest.raises(ValueError, match="first-order dominate Y.*Lemma 2.*s = 1"):
        min_mi_coupling(G2, G1, support_x=[1, 2, 3], support_y=[1, 2, 3])


@pytest.mark.parametrize(
    ("px", "match"),
    [([0.5, 0.6, -0.1], "non-negative"), ([0.5, 0.6, 0.1], "sum to 1"), ([[0.5, 0.5]], "1-d")],
)
def test_bad_marginals(px, match):
    with pytest.raises(ValueError, match=match):
        min_mi_coupling(px, [0.5, 0.5, 0.0] if len(np.ravel(px)) == 3 else [0.5, 0.5])


def test_bad_arguments():
    with pytest.raises(TypeError, match="`px`"):
        min_mi_coupling("abc", [1.0])
    with pytest.raises(ValueError, match="same length"):
        min_mi_coupling([0.5, 0.5], [1.0])
    with pytest.raises(ValueError, match="strictly increasing"):
        min_mi_coupling([0.5, 0.5], [1.0], support_x=[2, 1], support_y=[0])
    with pytest.raises(ValueError, match="`max_iter` must be an integer >= 1; got 0"):
        min_mi_coupling(G1, G2, max_iter=0)


def test_non_convergence_warns_with_advice():
    px, py, sx, sy, _ = _random_ordered_marginals(np.random.default_rng(5), 5)
    with pytest.warns(CouplingConvergenceWarning, match="raise `max_iter`") as rec:
        res = min_mi_coupling(px, py, support_x=sx, support_y=sy, max_iter=1)
    assert issubclass(rec[0].category, PrivauctionWarning)
    assert not res.converged
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert min_mi_coupling(px, py, support_x=sx, support_y=sy).converged
