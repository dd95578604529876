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
    assert _GridIndex(pts, per_cell=_blocks._KTH_PER_CELL).load <= _blocks._GRID_MAX_LOAD
    t = np.random.default_rng(0).standard_normal(3000)
    crowded = np.column_stack((t, t, t**3))  # every point in a diagonal cell: the tree
    assert _GridIndex(crowded, per_cell=_blocks._KTH_PER_CELL).load > _blocks._GRID_MAX_LOAD
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
