"""Property-based invariants of the ranking kernel and the input validators (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from privauction._validation import check_int, check_real, check_rng
from privauction.mechanisms import RankedBids, top_two

bid_matrices = st.integers(2, 7).flatmap(
    lambda n: arrays(
        np.float64, st.tuples(st.integers(1, 40), st.just(n)),
        # a small set of values makes ties frequent
        elements=st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 1.0]) | st.floats(0, 1),
    )
)


@settings(max_examples=200, deadline=None)
@given(bids=bid_matrices, seed=st.integers(0, 2**32 - 1))
def test_top_two_agrees_with_sorting(bids, seed):
    winner, highest, second = top_two(np.asfortranarray(bids), np.random.default_rng(seed))
    ordered = np.sort(bids, axis=1)
    np.testing.assert_array_equal(highest, ordered[:, -1])
    np.testing.assert_array_equal(second, ordered[:, -2])
    np.testing.assert_array_equal(bids[np.arange(len(bids)), winner], highest)


@settings(max_examples=50, deadline=None)
@given(bids=bid_matrices, seed=st.integers(0, 2**32 - 1))
def test_ranked_bids_return_the_cached_ranking_as_fresh_copies(bids, seed):
    ranking = top_two(bids, np.random.default_rng(seed))
    wrapped = RankedBids.wrap(bids, ranking)
    again = top_two(wrapped, np.random.default_rng(seed + 1))
    for a, b in zip(ranking, again, strict=True):
        np.testing.assert_array_equal(a, b)
        assert a is not b
    with pytest.raises(ValueError, match="read-only"):
        wrapped[0, 0] = 3.0
    assert type(wrapped[:, 0] * 2) is np.ndarray  # results of arithmetic are plain arrays


@given(st.one_of(st.integers(-5, 1), st.floats(allow_nan=True), st.text(max_size=3), st.booleans()))
def test_check_int_refuses_everything_below_two_with_the_parameter_named(value):
    integral = isinstance(value, (int, float)) and not isinstance(value, bool) and (
        np.isfinite(value) and float(value).is_integer()
    )
    if integral and value >= 2:  # integral floats such as 1e6 are accepted, like numpy ints
        assert check_int(value, "n_bidders", minimum=2) == int(value)
        return
    with pytest.raises((TypeError, ValueError), match="`n_bidders` must be an integer"):
        check_int(value, "n_bidders", minimum=2)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_check_real_bounds(value):
    ok = np.isfinite(value) and value >= 0
    if ok:
        assert check_real(value, "K", lower=0.0) == value
    else:
        with pytest.raises(ValueError, match="`K` must be"):
            check_real(value, "K", lower=0.0)


def test_check_rng_accepts_the_spec7_forms_and_refuses_others():
    seq = np.random.SeedSequence(3)
    assert check_rng(seq).random() == np.random.default_rng(np.random.SeedSequence(3)).random()
    g = np.random.default_rng(1)
    assert check_rng(g) is g
    with pytest.raises(ValueError, match="`rng` must be a non-negative integer seed; got -1"):
        check_rng(-1)
    with pytest.raises(TypeError, match="`rng` must be None, an int"):
        check_rng(1.5)
