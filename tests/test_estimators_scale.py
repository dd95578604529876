"""Scale safety: an estimate does not change when a variable is multiplied by a positive float
that keeps the data finite (it used to drop to 0.0 below ~1e-154 and above ~1e154, where the
standard deviation under- or overflows)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privauction.estimators import conditional_mutual_information, mutual_information

_RNG = np.random.default_rng(11)
X = _RNG.standard_normal(400)
Y = 0.6 * X + 0.8 * _RNG.standard_normal(400)
Z = _RNG.standard_normal(400)
P = np.where(_RNG.random(400) < 0.3, 0.5, Y)  # a price with an atom
XV = np.column_stack((X, _RNG.standard_normal(400)))

# Factors 10^e * m over the whole range in which these data stay finite and normal.
factors = st.builds(lambda e, m: m * 10.0**e, st.integers(-300, 300), st.floats(1.0, 9.99))


@settings(max_examples=60, deadline=None)
@given(factors, factors, st.sampled_from(["ksg", "mixed", "binned", "gao"]))
def test_mi_unchanged_by_rescaling(a, b, method):
    y = P if method != "ksg" else Y
    want = mutual_information(X, y, method=method)
    # Rescaling rounds each value once, relative 1e-16: the neighbour structure is the same,
    # so the estimate agrees to rounding (no count can flip on these tie-free distances).
    assert mutual_information(a * X, b * y, method=method) == pytest.approx(want, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(factors, factors)
def test_vector_mi_and_cmi_unchanged_by_rescaling(a, b):
    want = mutual_information(XV, Y)
    assert mutual_information(a * XV, b * Y) == pytest.approx(want, abs=1e-9)
    want = conditional_mutual_information(X, Y, Z)
    assert conditional_mutual_information(a * X, Y, b * Z) == pytest.approx(want, abs=1e-9)


def test_extreme_scales_are_not_zero():
    want = mutual_information(X, Y)
    assert want > 0.1
    for c in (1e-200, 1e-160, 1e160, 1e300):
        assert mutual_information(c * X, c * Y) == pytest.approx(want, abs=1e-9)
