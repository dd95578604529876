"""The compiled d-dimensional grid search for the k-th neighbour (issue 11) against the k-d tree.

``kth_distance`` must return the tree's distances (the reference, ``kth_distance_tree``,
a ``scipy.spatial.cKDTree`` max-norm query): both take ``max_j |p_j - q_j|`` in floating point,
so the numbers are compared for equality, not within a tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest

from privauction.estimators import _blocks, conditional_mutual_information, mutual_information
from privauction.estimators._blocks import _GridIndex, kth_distance, kth_distance_tree


def _correlated(n, d, seed):
    rng = np.random.default_rng(seed)
    e = rng.standard_normal((n, d))
    e[:, 1:] = 0.6 * e[:, :1] + 0.8 * e[:, 1:]
    return e


@pytest.mark.parametrize("d", [2, 3, 4, 5, 6])
@pytest.mark.parametrize("k", [1, 3, 6])
def test_equals_the_tree_on_continuous_data(d, k):
    pts = _correlated(3000, d, d * 10 + k)
    assert np.array_equal(kth_distance(pts, k), kth_distance_tree(pts, k))


@pytest.mark.parametrize("d", [2, 3, 5])
def test_equals_the_tree_with_ties_duplicates_and_odd_scales(d):
    rng = np.random.default_rng(d)
    pts = np.round(_correlated(2000, d, d) * 4) / 4  # many ties on every axis
    pts[:50] = pts[50:100]  # exact duplicate rows: distance 0 for k = 1
    pts[:, 0] *= 1e-7
    pts[:, -1] = pts[:, -1] * 3e5 + rng.standard_normal(2000)
    for k in (1, 3):
        assert np.array_equal(kth_distance(pts, k), kth_distance_tree(pts, k))


def test_heavy_tail_and_clusters():
    rng = np.random.default_rng(7)
    pts = rng.standard_cauchy((4000, 3))
    pts[:1000] = 1e-3 * rng.standard_normal((1000, 3)) + 5.0  # a tight cluster far out
    assert np.array_equal(kth_distance(pts, 3), kth_distance_tree(pts, 3))


def test_smallest_sample_and_threads():
    pts = _correlated(4, 3, 1)
    assert np.array_equal(kth_distance(pts, 3), kth_distance_tree(pts, 3))
    big = _correlated(25_000, 3, 2)  # above the thread threshold (20 000 queries)
    assert np.array_equal(kth_distance(big, 3, workers=2), kth_distance_tree(big, 3))


def test_the_grid_is_used_and_falls_back_on_crowded_cells():
    pts = _correlated(3000, 3, 3)
    pc = _blocks._KTH_PER_CELL
    assert _GridIndex(pts, per_cell=pc, keep_ties=True).load <= _blocks._GRID_MAX_LOAD
    t = np.random.default_rng(0).standard_normal(3000)
    crowded = np.column_stack((t, t, t**3))  # every point in a diagonal cell: the tree
    assert _GridIndex(crowded, per_cell=pc, keep_ties=True).load > _blocks._GRID_MAX_LOAD
    assert np.array_equal(kth_distance(crowded, 3), kth_distance_tree(crowded, 3))


def test_estimates_unchanged_by_the_grid(monkeypatch):
    """MI of vectors and CMI equal what the tree search gives (to the last bit)."""
    x = _correlated(3000, 3, 4)
    y = 0.6 * x + 0.8 * _correlated(3000, 3, 5)
    z = _correlated(3000, 1, 6)[:, 0]
    got = (mutual_information(x, y), conditional_mutual_information(x[:, 0], y[:, 0], z))
    monkeypatch.setattr(_blocks, "kth_distance", _blocks.kth_distance_tree)
    ref = (mutual_information(x, y), conditional_mutual_information(x[:, 0], y[:, 0], z))
    assert got == ref


def test_a_heavily_tied_column_keeps_its_ties_in_one_band():
    """A price on two atoms (80 % at 0) beside continuous columns: with rank bands the tie
    spread over most bands held the shell search's gap at zero (the 2-D search of the
    {0, K} lottery at 10^5 ran for minutes); tied values now share a band, the crowding shows
    in the cell sizes and the 2-D search falls back on the tree. Same numbers either way."""
    from privauction.estimators._kernels import assign_bands
    from privauction.estimators._neighbors import kth_distance_2d, kth_distance_2d_tree

    rng = np.random.default_rng(11)
    n = 20_000
    w = rng.random(n)
    p = np.where(rng.random(n) < 0.8, 0.0, 2.0)
    g = 10
    band, left = np.empty(n, dtype=np.int64), np.empty(g + 1)
    assign_bands(p, np.argsort(p), g, True, band, left)
    b2 = int(np.count_nonzero(p == 0)) * g // n  # the band where the value 2 begins
    assert np.all(band[p == 0] == 0) and np.all(band[p == 2] == b2)
    assert left[0] == -np.inf and np.all(left[1 : b2 + 1] == 2.0)  # empty bands: next value
    assert np.all(left[b2 + 1 :] == np.inf)
    plain, plain_left = np.empty(n, dtype=np.int64), np.empty(g + 1)
    assign_bands(p, np.argsort(p), g, False, plain, plain_left)  # rank bands, for the counts
    assert np.bincount(plain, minlength=g).tolist() == [n // g] * g
    assert np.array_equal(kth_distance_2d(w, p, 3), kth_distance_2d_tree(w, p, 3))
    pts = np.column_stack((w, p, rng.standard_normal(n)))
    assert np.array_equal(kth_distance(pts, 3), kth_distance_tree(pts, 3))
