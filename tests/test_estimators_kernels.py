"""Estimator kernels against brute-force O(N^2) definitions, on data with ties, and input
validation under hypothesis."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import digamma

from privauction.estimators import mutual_information
from privauction.estimators._gao import gao_mi
from privauction.estimators._ksg import ksg_mi
from privauction.estimators._mixed import ross_mi
from privauction.estimators._neighbors import SortedValues, count_within, kth_distance_1d

# Values on a coarse grid plus a continuous part: plenty of exact ties and of differences that
# round (0.1 + 0.2 != 0.3), the cases where searchsorted(v ± r) miscounts.
grid_values = st.one_of(
    st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.7, 1.0]),
    st.floats(-2, 2, allow_nan=False, width=64),
)
columns = st.lists(grid_values, min_size=6, max_size=60)


def brute_ksg(x, y, k):
    n = len(x)
    total = 0.0
    for i in range(n):
        d = np.maximum(abs(x - x[i]), abs(y - y[i]))
        d[i] = np.inf
        eps = np.sort(d)[k - 1]
        nx = np.sum(abs(x - x[i]) < eps) - 1
        ny = np.sum(abs(y - y[i]) < eps) - 1
        total += digamma(nx + 1) + digamma(ny + 1)
    return digamma(k) + digamma(n) - total / n


def brute_ross(labels, v, k):
    """Ross (2014) by definition; a class of N_L <= k samples uses k_L = N_L - 1."""
    n = len(v)
    acc = []
    for i in range(n):
        same = labels == labels[i]
        k_i = min(k, same.sum() - 1)
        d = np.sort(np.abs(v[same] - v[i]))[1:]  # drop self
        di = d[k_i - 1]
        m = np.sum(np.abs(v - v[i]) <= di) - 1
        acc.append(digamma(k_i) - digamma(same.sum()) - digamma(m))
    return digamma(n) + np.mean(acc)


@settings(max_examples=60, deadline=None)
@given(columns, st.floats(0, 1.5), st.booleans())
def test_count_within_is_the_exact_comparison(values, radius, strict):
    v = np.array(values)
    col = SortedValues(v)
    radii = np.full(v.size, radius)
    got = count_within(col, col.sorted, radii, strict=strict)
    diff = np.abs(col.sorted[None, :] - col.sorted[:, None])
    want = (diff < radius).sum(1) if strict else (diff <= radius).sum(1)
    # |v_j - v_i| evaluated as c - v_j or v_j - c: the same float either way.
    np.testing.assert_array_equal(got, want)


def test_count_within_at_the_neighbour_that_defines_the_radius():
    # The radius is the computed difference to a neighbour b: a strict count must leave b out
    # and an inclusive one count it, whatever a + r rounds to.
    rng = np.random.default_rng(0)
    a = rng.random(2000)
    b = a + rng.random(2000) * rng.choice([1e-3, 1.0, 1e3], 2000)
    r = b - a
    for i in range(0, 2000, 10):
        col = SortedValues(np.array([a[i], b[i]]))
        c, rr = np.array([a[i]]), np.array([r[i]])
        assert count_within(col, c, rr, strict=True)[0] == 1
        assert count_within(col, c, rr, strict=False)[0] == 2


@settings(max_examples=40, deadline=None)
@given(columns, st.integers(1, 4))
def test_kth_distance_1d(values, k):
    v = np.sort(np.array(values))
    d = np.abs(v[None, :] - v[:, None])
    want = np.sort(d, axis=1)[:, k]  # column 0 is the point itself
    np.testing.assert_array_equal(kth_distance_1d(v, k), want)


@settings(max_examples=40, deadline=None)
@given(columns, st.data())
def test_ksg_matches_brute_force_with_ties(values, data):
    x = np.array(values)
    y = np.array(data.draw(st.lists(st.floats(-1, 1, allow_nan=False), min_size=x.size,
                                    max_size=x.size)))
    pts = set(zip(x.tolist(), y.tolist(), strict=True))
    if len(pts) < x.size:  # coinciding points: KSG refuses them at k + 1 copies
        return
    assert ksg_mi(x, y, 3) == pytest.approx(brute_ksg(x, y, 3), abs=1e-10)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=12, max_size=60), st.data())
def test_ross_matches_brute_force(labels, data):
    labels = np.array(labels)
    keep = np.bincount(labels)[labels] > 1  # singleton classes are left out by design
    v = np.array(data.draw(st.lists(st.floats(-1, 1, allow_nan=False), min_size=labels.size,
                                    max_size=labels.size, unique=True)))
    if np.unique(labels[keep]).size < 2:
        assert ross_mi(labels, v, 3) == 0.0
        return
    assert ross_mi(labels, v, 3) == pytest.approx(brute_ross(labels[keep], v[keep], 3),
                                                  abs=1e-10)


def test_gao_matches_brute_force_with_duplicates():
    rng = np.random.default_rng(0)

    def brute(x, y, k):
        n = len(x)
        s = 0.0
        for i in range(n):
            d = np.maximum(abs(x - x[i]), abs(y - y[i]))
            d2 = d.copy()
            d2[i] = np.inf
            rho = np.sort(d2)[k - 1]
            if rho == 0:
                kt, nx, ny = np.sum(d == 0), np.sum(x == x[i]), np.sum(y == y[i])
            else:
                kt, nx, ny = k, np.sum(abs(x - x[i]) < rho), np.sum(abs(y - y[i]) < rho)
            s += digamma(kt) + math.log(n) - digamma(nx) - digamma(ny)
        return s / n

    for _ in range(3):
        x = rng.integers(0, 5, 300).astype(float)
        y = np.where(rng.random(300) < 0.5, rng.integers(0, 3, 300), rng.random(300))
        assert gao_mi(x, y, 3) == pytest.approx(brute(x, y, 3), abs=1e-10)


@settings(max_examples=40, deadline=None)
@given(st.integers(4, 40), st.integers(4, 40))
def test_unequal_lengths_rejected(n, m):
    if n == m:
        return
    with pytest.raises(ValueError, match=f"same number of samples; got {n} and {m}"):
        mutual_information(np.arange(n, dtype=float), np.arange(m, dtype=float))


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.integers(5, 30), elements=st.floats(-5, 5)), st.data(),
       st.sampled_from([np.nan, np.inf, -np.inf]))
def test_non_finite_rejected_with_its_index(x, data, bad):
    i = data.draw(st.integers(0, x.size - 1))
    y = x.copy()
    y[i] = bad
    with pytest.raises(ValueError, match=f"`y` must hold finite values; got .* at index {i}"):
        mutual_information(x, y, method=data.draw(st.sampled_from(["ksg", "mixed", "binned"])))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 8), st.integers(1, 10))
def test_too_few_samples_rejected(k, n):
    x = np.arange(n, dtype=float)
    if n >= k + 1:
        assert math.isfinite(mutual_information(x, x**2, n_neighbors=k))
    else:
        with pytest.raises(ValueError, match=f"at least {k + 1} samples"):
            mutual_information(x, x**2, n_neighbors=k)


@pytest.mark.parametrize("case", ["gaussian", "cauchy-with-atom"])
def test_kth_distance_2d_bounded_search_is_exact(case):
    # Above 20000 points the search is bounded by a probe quantile and the points it misses are
    # searched again; the result must equal the plain unbounded k-d tree search. Heavy tails
    # (Cauchy) put many points outside the bound; an atom puts many at equal distances.
    from scipy.spatial import cKDTree

    from privauction.estimators._neighbors import kth_distance_2d

    rng = np.random.default_rng(3)
    n = 30_000
    if case == "gaussian":
        x = rng.standard_normal(n)
        y = 0.6 * x + 0.8 * rng.standard_normal(n)
    else:
        x = rng.standard_cauchy(n)
        y = np.where(rng.random(n) < 0.5, 0.5, rng.standard_cauchy(n))
    pts = np.column_stack((x, y))
    want = cKDTree(pts).query(pts, k=4, p=np.inf)[0][:, 3]
    np.testing.assert_array_equal(kth_distance_2d(x, y, 3), want)
