"""Vector MI and conditional MI: kernels against brute-force definitions, closed forms, shapes,
errors, symmetry and the chain-rule identities of the mixed estimators."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import digamma

from privauction.estimators import conditional_mutual_information, mutual_information
from privauction.estimators._blocks import (
    count_ball,
    ksg_cmi,
    ksg_mi_blocks,
    mixed_mi_blocks,
    ross_mi_block,
)
from privauction.estimators._mixed import mixed_mi, ross_mi


def chebyshev(a):
    """All pairwise max-norm distances of the rows of ``a``."""
    return np.max(np.abs(a[:, None, :] - a[None, :, :]), axis=2)


def brute_ksg_blocks(x, y, k):
    n = x.shape[0]
    dx, dy = chebyshev(x), chebyshev(y)
    d = np.maximum(dx, dy)
    np.fill_diagonal(d, np.inf)
    eps = np.sort(d, axis=1)[:, k - 1]
    nx = np.sum(dx < eps[:, None], axis=1)  # self included: n_x + 1
    ny = np.sum(dy < eps[:, None], axis=1)
    return digamma(k) + digamma(n) - np.mean(digamma(nx) + digamma(ny))


def brute_fp(x, y, z, k):
    dx, dy, dz = chebyshev(x), chebyshev(y), chebyshev(z)
    d = np.maximum(np.maximum(dx, dy), dz)
    np.fill_diagonal(d, np.inf)
    eps = np.sort(d, axis=1)[:, k - 1][:, None]
    nxz = np.sum(np.maximum(dx, dz) < eps, axis=1)
    nyz = np.sum(np.maximum(dy, dz) < eps, axis=1)
    nz = np.sum(dz < eps, axis=1)
    return digamma(k) - np.mean(digamma(nxz) + digamma(nyz) - digamma(nz))


def gaussian_blocks(n, seed, d=2, rho=0.6):
    """x ~ N(0, I_d), y = rho x + sqrt(1 - rho^2) e: MI = -d/2 log(1 - rho^2)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    return x, rho * x + math.sqrt(1 - rho**2) * rng.standard_normal((n, d))


# Values on a coarse grid and continuous ones: exact ties and differences that round.
grid = st.one_of(st.sampled_from([0.0, 0.1, 0.2, 0.3, 1.0]), st.floats(-2, 2, width=64))


@settings(max_examples=40, deadline=None)
@given(st.integers(8, 50), st.integers(1, 3), st.integers(1, 3), st.data())
def test_ksg_blocks_equal_brute_force(n, dx, dy, data):
    vals = data.draw(st.lists(grid, min_size=n * (dx + dy), max_size=n * (dx + dy)))
    a = np.array(vals).reshape(n, dx + dy)
    x, y = a[:, :dx], a[:, dx:]
    if np.unique(a, axis=0).shape[0] < n:  # coinciding rows: refused (ZeroRadiusError) at k + 1
        return
    assert ksg_mi_blocks(x, y, 3) == pytest.approx(brute_ksg_blocks(x, y, 3), abs=1e-10)


@settings(max_examples=40, deadline=None)
@given(st.integers(8, 50), st.data())
def test_frenzel_pompe_equals_brute_force(n, data):
    vals = data.draw(st.lists(grid, min_size=n * 4, max_size=n * 4))
    a = np.array(vals).reshape(n, 4)
    if np.unique(a, axis=0).shape[0] < n:
        return
    x, y, z = a[:, :1], a[:, 1:2], a[:, 2:]
    assert ksg_cmi(x, y, z, 3) == pytest.approx(brute_fp(x, y, z, 3), abs=1e-10)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 40), st.integers(1, 3), st.booleans(), st.data())
def test_count_ball_is_the_exact_comparison(n, d, strict, data):
    a = np.array(data.draw(st.lists(grid, min_size=n * d, max_size=n * d))).reshape(n, d)
    r = np.array(data.draw(st.lists(st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.7]), min_size=n,
                                    max_size=n)))
    dist = chebyshev(a)
    want = np.sum(dist < r[:, None] if strict else dist <= r[:, None], axis=1)
    np.testing.assert_array_equal(count_ball(a, r, strict=strict), want)


def test_one_column_blocks_are_todays_code():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(3000)
    y = 0.6 * x + 0.8 * rng.standard_normal(3000)
    labels = rng.integers(0, 4, 3000)
    # the block kernels equal the one-column kernels (same definitions, different searches)
    assert ross_mi_block(labels, x[:, None], 3) == pytest.approx(ross_mi(labels, x, 3),
                                                                 abs=1e-12)
    for method in ("ksg", "mixed", "binned"):
        want = mutual_information(x, y, method=method)
        assert mutual_information(x[:, None], y[:, None], method=method) == want
        assert mutual_information(x[:, None], y, method=method) == want


def test_ksg_vectors_gaussian_closed_form():
    # d_x = d_y = 2, rho = 0.6: truth -log(0.64) = 0.4463. Measured over 20 seeds at N = 5000
    # : bias +0.010, sd of one estimate 0.0146, so 0.006 for
    # the mean of 6. Tolerance 0.03 ~ bias + 3.3 sd.
    truth = -math.log(1 - 0.36)
    est = [mutual_information(*gaussian_blocks(5000, s)) for s in range(6)]
    assert np.mean(est) == pytest.approx(truth, abs=0.03)


def test_mixed_vectors_equal_ksg_without_ties_and_symmetry():
    x, y = gaussian_blocks(2000, 1, d=3)
    assert mutual_information(x, y, method="mixed") == pytest.approx(
        mutual_information(x, y, method="ksg"), abs=1e-12)
    for method in ("ksg", "mixed", "binned"):
        xs, ys = x[:, :2], y[:, :1] if method == "binned" else y
        assert mutual_information(xs, ys, method=method) == pytest.approx(
            mutual_information(ys, xs, method=method), abs=1e-12)


def test_mixed_vectors_atoms_are_rows_of_the_block():
    # y: a discrete vector (2 columns), x: continuous (1 column). Every row of y is an atom,
    # so the chain rule leaves only the Ross term, which is the 1-D "mixed" estimate on a
    # scalar code of y's rows (Ross's estimate depends only on the partition of the labels).
    rng = np.random.default_rng(2)
    y = rng.integers(0, 3, (4000, 2)).astype(float)
    x = y[:, 0] + 0.5 * y[:, 1] + rng.standard_normal(4000)
    code = 3 * y[:, 0] + y[:, 1]
    want = mixed_mi(x, code, 3)
    assert mutual_information(x, y, method="mixed") == pytest.approx(want, abs=1e-12)
    assert mixed_mi_blocks(x[:, None], y, 3) == pytest.approx(want, abs=1e-12)


def test_binned_refuses_too_many_columns_and_gao_vectors():
    x, y = gaussian_blocks(500, 0, d=3)
    with pytest.raises(ValueError, match="at most 4 columns of `x` and `y` together; got 3 \\+ 3"):
        mutual_information(x, y, method="binned")
    with pytest.raises(ValueError, match="`method='gao'` takes one column each"):
        mutual_information(x, y, method="gao")


@pytest.mark.parametrize(
    "x, y, match",
    [
        (np.ones((6, 2)), np.ones((5, 2)), "same number of samples; got 6 and 5"),
        (np.ones((6, 0)), np.ones(6), "`x` must have at least one column"),
        (np.ones(6), np.ones((6, 0)), "`y` must have at least one column"),
        (np.ones((3, 2)), np.ones((3, 2)), "at least 4 samples"),
        (np.ones((5, 2, 2)), np.ones(5), "shape \\(n,\\) or \\(n, d\\)"),
    ],
)
def test_vector_input_errors(x, y, match):
    with pytest.raises(ValueError, match=match):
        mutual_information(x, y)


def test_nan_in_a_block_is_reported_with_its_row():
    x, y = gaussian_blocks(50, 0)
    y[7, 1] = np.nan
    with pytest.raises(ValueError, match="`y` must hold finite values; got nan at index 7"):
        mutual_information(x, y)
    y[7, 1] = 0.0
    z = np.ones((50, 1))
    z[3, 0] = np.inf
    with pytest.raises(ValueError, match="`z` must hold finite values; got inf at index 3"):
        conditional_mutual_information(x, y, z)
    z[3, 0] = 1.0
    with pytest.raises(ValueError, match="`x`, `y` and `z` must have the same number of "
                                         "samples; got 50, 50 and 40"):
        conditional_mutual_information(x, y, z[:40])
    with pytest.raises(ValueError, match="`method` must be one of \\['ksg', 'mixed'\\]"):
        conditional_mutual_information(x, y, z, method="binned")


def test_cmi_equals_mi_when_z_is_independent_noise():
    # Same samples, z independent of (x, y): CMI and MI estimate the same number. Measured on
    # 20 seeds at N = 5000: the difference has mean -0.00002 and sd 0.0125, so sd 0.0051 for
    # the mean of 6; tolerance 0.016 ~ 3.1 sd.
    diffs = []
    for s in range(6):
        x, y = gaussian_blocks(5000, s, d=1)
        z = np.random.default_rng(100 + s).standard_normal((5000, 1))
        diffs.append(conditional_mutual_information(x, y, z) - mutual_information(x, y))
    assert abs(np.mean(diffs)) < 0.016


def test_cmi_gaussian_closed_form():
    # z ~ N(0,1), x = z + e1, y = x + e2: MI(X; Y | Z) = 0.5 log 2 = 0.3466 (var(x|z) = 1).
    # Measured over 20 seeds at N = 5000: bias +0.006, sd of one estimate 0.018, so 0.0073 for
    # the mean of 6; tolerance 0.03 ~ bias + 3.3 sd.
    est = []
    for s in range(6):
        rng = np.random.default_rng(s)
        z = rng.standard_normal(5000)
        x = z + rng.standard_normal(5000)
        y = x + rng.standard_normal(5000)
        est.append(conditional_mutual_information(x, y, z))
    assert np.mean(est) == pytest.approx(0.5 * math.log(2), abs=0.03)


def test_cmi_given_a_discrete_z_is_the_stratified_mixed_mi():
    rng = np.random.default_rng(4)
    n = 6000
    s = rng.integers(0, 3, n).astype(float)
    x = s + rng.standard_normal(n)
    y = (1.0 + s) * x + rng.standard_normal(n)
    got = conditional_mutual_information(x, y, s, method="mixed")
    want = sum(np.mean(s == c) * mixed_mi(x[s == c], y[s == c], 3) for c in (0.0, 1.0, 2.0))
    assert got == pytest.approx(want, abs=1e-12)
    # truth: given s = c, y = (1 + c) x + e with var(x | s) = 1: 0.5 log(1 + (1 + c)^2);
    # measured over 20 seeds at n = 6000: bias +0.008, sd 0.011; tolerance 0.045 ~ bias + 3.3 sd.
    truth = np.mean([0.5 * math.log(1 + (1 + c) ** 2) for c in (0, 1, 2)])
    assert got == pytest.approx(truth, abs=0.045)


def test_mixed_cmi_on_continuous_z_is_frenzel_pompe():
    rng = np.random.default_rng(5)
    z = rng.standard_normal(3000)
    x = z + rng.standard_normal(3000)
    y = x + rng.standard_normal(3000)
    assert conditional_mutual_information(x, y, z, method="mixed") == pytest.approx(
        conditional_mutual_information(x, y, z, method="ksg"), abs=1e-12)


def test_vector_options_jitter_base_and_standardize():
    x, y = gaussian_blocks(3000, 7)
    z = np.random.default_rng(9).standard_normal(3000)
    # jitter is drawn from rng: reproducible, and tiny jitter barely moves the estimate
    a = mutual_information(x, y, jitter=1e-10, rng=3)
    assert a == mutual_information(x, y, jitter=1e-10, rng=3)
    assert a == pytest.approx(mutual_information(x, y), abs=1e-6)
    c = conditional_mutual_information(x, y, z, jitter=1e-10, rng=3)
    assert c == pytest.approx(conditional_mutual_information(x, y, z), abs=1e-6)
    # bits
    assert conditional_mutual_information(x, y, z, base=2) == pytest.approx(
        conditional_mutual_information(x, y, z) / math.log(2), abs=1e-12)
    # standardize=False: the raw scales enter the max-norm, so a stretched column changes it
    stretched = x * np.array([1.0, 50.0])
    assert mutual_information(stretched, y) == pytest.approx(mutual_information(x, y),
                                                             abs=1e-9)
    assert mutual_information(stretched, y, standardize=False) != pytest.approx(
        mutual_information(x, y), abs=1e-3)
    with pytest.raises(TypeError, match="`standardize` must be True or False"):
        conditional_mutual_information(x, y, z, standardize="yes")


def brute_ross_block(labels, v, k):
    """Ross (2014) by definition on a block, max-norm (singleton classes dropped first)."""
    keep = np.array([np.sum(labels == lab) > 1 for lab in labels])
    labels, v = labels[keep], v[keep]
    n = len(v)
    dist = chebyshev(v)
    acc = []
    for i in range(n):
        same = labels == labels[i]
        k_i = min(k, same.sum() - 1)
        di = np.sort(dist[i, same])[k_i]  # index 0 is the row itself
        m = np.sum(dist[i] <= di) - 1
        acc.append(digamma(k_i) - digamma(same.sum()) - digamma(m))
    return digamma(n) + np.mean(acc)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=10, max_size=50), st.integers(1, 3), st.data())
def test_ross_block_equals_brute_force(labels, d, data):
    labels = np.array(labels)
    v = np.array(data.draw(st.lists(grid, min_size=labels.size * d, max_size=labels.size * d)))
    v = v.reshape(labels.size, d)
    keep = np.bincount(labels)[labels] > 1
    if np.unique(labels[keep]).size < 2:
        assert ross_mi_block(labels, v, 3) == 0.0
        return
    assert ross_mi_block(labels, v, 3) == pytest.approx(brute_ross_block(labels, v, 3),
                                                        abs=1e-10)


def test_mixed_vectors_with_atoms_do_not_depend_on_column_scales():
    # x: a 2-column continuous block; y: a price with an atom. The Ross term measures
    # max-norm distances across x's columns, so x is standardised first: stretching one
    # column leaves the estimate unchanged (to rounding).
    rng = np.random.default_rng(12)
    x = rng.standard_normal((4000, 2))
    y = np.where(rng.random(4000) < 0.4, 0.5, x[:, 0] + x[:, 1] + rng.standard_normal(4000))
    want = mutual_information(x, y, method="mixed")
    got = mutual_information(x * np.array([1.0, 1e6]), y, method="mixed")
    assert got == pytest.approx(want, abs=1e-9)
    assert want > 0.1
