"""The guided search of ``count_within_self`` (issue 11): each edge is searched from a guess
made from the previous query's density, so the guess can be far off where the density or the
radius jumps; the counts must still be the definition's, computed here independently by the
whole-array bisection of ``count_within``."""

from __future__ import annotations

import numpy as np
import pytest

from privauction.estimators._neighbors import SortedValues, count_within, count_within_self


@pytest.mark.parametrize("strict", [True, False])
def test_guided_counts_equal_the_bisection_where_density_and_radius_jump(strict):
    rng = np.random.default_rng(11)
    v = np.sort(np.concatenate((
        rng.standard_normal(20_000),                 # smooth bulk
        1e-9 * rng.standard_normal(5_000) + 3.0,     # a tight cluster (density x 1e9)
        np.round(rng.standard_normal(5_000), 1),     # heavy ties on a grid of 0.1
        rng.standard_cauchy(2_000),                  # sparse far tails
    )))
    n = v.shape[0]
    # radii over 12 orders of magnitude, in random order, with exact neighbour gaps, 0 and inf
    r = 10.0 ** rng.uniform(-10, 2, n)
    j = rng.integers(1, n - 1, 2_000)
    r[j] = v[j + 1] - v[j]
    r[rng.integers(0, n, 200)] = 0.0
    r[rng.integers(0, n, 20)] = np.inf
    want = count_within(SortedValues(v), v, r, strict=strict)
    np.testing.assert_array_equal(count_within_self(v, r, strict=strict), want)
