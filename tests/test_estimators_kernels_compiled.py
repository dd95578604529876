"""The compiled neighbour kernels (numba) against plain-Python references: the grid k-th
neighbour search against a brute-force sort and the k-d tree, the counts against their
definition, and the whole KSG estimate against a reference built from scipy alone."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree
from scipy.special import digamma

from privauction.estimators import mutual_information
from privauction.estimators._neighbors import (
    SortedValues,
    count_within,
    count_within_self,
    kth_distance_2d,
    kth_distance_2d_tree,
)

grid = st.one_of(st.sampled_from([0.0, 0.1, 0.2, 0.3, 1.0]), st.floats(-3, 3, width=64))


def brute_kth(x, y, k):
    """Plain Python: sort every point's max-norm distances to the others."""
    out = []
    for i in range(len(x)):
        d = sorted(max(abs(x[j] - x[i]), abs(y[j] - y[i])) for j in range(len(x)) if j != i)
        out.append(d[k - 1])
    return np.array(out)


def reference_ksg(x, y, k):
    """KSG algorithm 1 from scipy's k-d tree alone: radii by a tree query, strict counts as
    ``<=`` the largest float below the radius (the same comparison)."""
    pts = np.column_stack((x, y))
    eps = cKDTree(pts).query(pts, k=k + 1, p=np.inf)[0][:, k]
    below = np.nextafter(eps, -np.inf)
    nx = cKDTree(x[:, None]).query_ball_point(x[:, None], below, p=np.inf, return_length=True)
    ny = cKDTree(y[:, None]).query_ball_point(y[:, None], below, p=np.inf, return_length=True)
    return digamma(k) + digamma(len(x)) - np.mean(digamma(nx) + digamma(ny))


@settings(max_examples=60, deadline=None)
@given(st.integers(5, 60), st.integers(1, 4), st.data())
def test_grid_search_equals_brute_force(n, k, data):
    x = np.array(data.draw(st.lists(grid, min_size=n, max_size=n)))
    y = np.array(data.draw(st.lists(grid, min_size=n, max_size=n)))
    np.testing.assert_array_equal(kth_distance_2d(x, y, k), brute_kth(x, y, k))


@pytest.mark.parametrize("case", ["gaussian", "cauchy", "rho-0.999", "ties-in-x", "uniform"])
def test_grid_search_equals_the_tree_at_scale(case):
    rng = np.random.default_rng(8)
    n = 60_000
    x = rng.standard_normal(n)
    if case == "gaussian":
        y = 0.6 * x + 0.8 * rng.standard_normal(n)
    elif case == "cauchy":
        x, y = rng.standard_cauchy(n), rng.standard_cauchy(n)
    elif case == "rho-0.999":
        y = 0.999 * x + math.sqrt(1 - 0.999**2) * rng.standard_normal(n)
    elif case == "ties-in-x":  # 20 distinct x values: the k-d tree path
        x = rng.integers(0, 20, n).astype(float)
        y = rng.standard_normal(n)
    else:
        x, y = rng.random(n), rng.random(n)
    for k in (1, 3, 6):
        np.testing.assert_array_equal(kth_distance_2d(x, y, k), kth_distance_2d_tree(x, y, k))
    # threads share the queries without changing them
    np.testing.assert_array_equal(kth_distance_2d(x, y, 3, workers=2),
                                  kth_distance_2d_tree(x, y, 3))


@settings(max_examples=60, deadline=None)
@given(st.lists(grid, min_size=1, max_size=60), st.data(), st.booleans())
def test_counts_are_the_definition(values, data, strict):
    v = np.sort(np.array(values))
    r = np.array(data.draw(st.lists(st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.7, 2.0]),
                                    min_size=v.size, max_size=v.size)))
    diff = np.abs(v[None, :] - v[:, None])
    want = np.sum(diff < r[:, None] if strict else diff <= r[:, None], axis=1)
    np.testing.assert_array_equal(count_within_self(v, r, strict=strict), want)
    np.testing.assert_array_equal(count_within(SortedValues(v), v, r, strict=strict), want)


@pytest.mark.parametrize("n", [500, 30_000, 100_000])
def test_ksg_equals_the_scipy_reference(n):
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n)
    y = np.sin(2 * x) + 0.5 * rng.standard_normal(n)
    x, y = x / x.std(), y / y.std()
    got = mutual_information(x, y, standardize=False)
    assert got == pytest.approx(reference_ksg(x, y, 3), abs=1e-12)


@pytest.mark.parametrize("d", [2, 3, 5])
@pytest.mark.parametrize("kind", ["gaussian", "heavy-ties", "tree"])
def test_block_counts_equal_the_definition(d, kind, monkeypatch):
    # The compiled grid count (and, for heavy ties, the k-d tree it hands over to) against
    # the plain definition, with own rows and with foreign queries, strict and not, and with
    # two threads sharing the queries; "tree" forces the k-d tree fallback.
    from privauction.estimators import _blocks
    from privauction.estimators._blocks import count_ball

    monkeypatch.setattr(_blocks, "_THREAD_MIN", 1000)
    if kind == "tree":
        monkeypatch.setattr(_blocks, "_GRID_MAX_LOAD", 0.0)

    rng = np.random.default_rng(d)
    n = 8_000
    a = rng.standard_normal((n, d))
    if kind != "gaussian":
        a[:, 0] = rng.integers(0, 3, n)
        a[:, 1] = np.round(a[:, 1], 1)
    r = rng.choice([0.0, 0.1, 0.2, 0.35], n) * rng.random(n) ** 0.1
    r[:50] = np.abs(a[:50, 0] - a[50:100, 0])  # radii equal to a distance: exact edges
    q = np.round(rng.standard_normal((200, d)), 1)
    rows = rng.choice(n, 200, replace=False)
    for strict in (True, False):
        got = count_ball(a, r, strict=strict, workers=2)
        got_q = count_ball(a, r[:200], strict=strict, queries=q)
        dist_rows = np.max(np.abs(a[rows][:, None, :] - a[None, :, :]), axis=2)
        dist_q = np.max(np.abs(q[:, None, :] - a[None, :, :]), axis=2)
        rr, rq = r[rows][:, None], r[:200][:, None]
        want = np.sum(dist_rows < rr if strict else dist_rows <= rr, axis=1)
        want_q = np.sum(dist_q < rq if strict else dist_q <= rq, axis=1)
        np.testing.assert_array_equal(got[rows], want)
        np.testing.assert_array_equal(got_q, want_q)
