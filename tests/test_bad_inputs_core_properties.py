"""Properties of the core refusals (issue 15, part A), over many inputs (hypothesis), and the
exact wording of the refusals the issue quotes. Every call here is refused before any work, so
the file runs in seconds."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import privauction as pa
from privauction._budgets import simulate_memory
from privauction._validation import WorkBudgetError, check_rng
from privauction.mechanisms import Mechanism, top_two

SPA = pa.mechanisms.SecondPrice()
UNIFORM = stats.uniform(0, 1)
_gen = np.random.default_rng(0)
X = _gen.standard_normal(64)
Y = X + _gen.standard_normal(64)
OUT = pa.simulate(SPA, UNIFORM, 2, 300, rng=0)
NON_FINITE = st.sampled_from([np.nan, np.inf, -np.inf])


@settings(max_examples=60, deadline=None)
@given(which=st.sampled_from(["x", "y"]), index=st.integers(0, 63), bad=NON_FINITE,
       column=st.booleans(), method=st.sampled_from(["ksg", "mixed", "binned"]))
def test_any_non_finite_entry_of_x_or_y_is_refused_naming_it(which, index, bad, column,
                                                              method):
    data = {"x": X.copy(), "y": Y.copy()}
    data[which][index] = bad
    if column:  # the (n, 1) column form takes the same path
        data[which] = data[which][:, None]
    with pytest.raises(ValueError, match=rf"`{which}` must hold finite values; got {bad}"):
        pa.estimators.mutual_information(data["x"], data["y"], method=method)


@settings(max_examples=40, deadline=None)
@given(which=st.sampled_from(["x", "y", "z"]), index=st.integers(0, 63), bad=NON_FINITE)
def test_any_non_finite_entry_of_x_y_or_z_is_refused_by_the_conditional_mi(which, index, bad):
    data = {"x": X.copy(), "y": Y.copy(), "z": (X * Y).copy()}
    data[which][index] = bad
    with pytest.raises(ValueError, match=rf"`{which}` must hold finite values"):
        pa.estimators.conditional_mutual_information(**data)


@settings(max_examples=60, deadline=None)
@given(field=st.sampled_from(["price", "winner_value"]), index=st.integers(0, 299),
       bad=NON_FINITE)
def test_a_non_finite_number_written_into_outcomes_is_refused_naming_the_array(field, index,
                                                                                bad):
    arrays = {name: getattr(OUT, name).copy() for name in ("winner_value", "price")}
    arrays[field][index] = bad
    # written in place after construction, as a user can (numpy arrays stay writable)
    damaged = dataclasses.replace(OUT)
    object.__setattr__(damaged, field, arrays[field])
    with pytest.raises(ValueError, match=rf"`outcomes`.`{field}` must be finite"):
        pa.estimate_privacy_loss(damaged, rng=0)
    with pytest.raises(ValueError, match=rf"`{field}`"):
        pa.Outcomes(**{**{f.name: getattr(OUT, f.name) for f in dataclasses.fields(OUT)},
                       field: arrays[field]})


@settings(max_examples=30, deadline=None)
@given(drop=st.integers(1, 299), field=st.sampled_from(["price", "winner_value"]))
def test_arrays_of_unequal_lengths_are_refused_naming_the_array(drop, field):
    class Shortened:
        winner = OUT.winner
        winner_value = OUT.winner_value
        price = OUT.price

    setattr(Shortened, field, getattr(OUT, field)[:-drop])
    with pytest.raises(ValueError, match=rf"`outcomes`.`{field}` must have one entry per"):
        pa.estimate_privacy_loss(Shortened(), rng=0)


@pytest.mark.parametrize("rng", [True, False, np.True_, np.False_])
def test_a_boolean_is_not_a_seed(rng):
    with pytest.raises(TypeError, match=r"`rng` must be .*got the boolean"):
        check_rng(rng)
    with pytest.raises(TypeError, match="`rng`"):
        pa.simulate(SPA, UNIFORM, 2, 10, rng=rng)


@settings(max_examples=80, deadline=None)
@given(n_auctions=st.integers(1, 10**15), n_bidders=st.integers(2, 10**7),
       keep=st.sampled_from([None, "values", "bids"]), limit=st.integers(10**5, 2**33))
def test_simulate_past_its_memory_budget_is_refused_with_the_largest_size_that_fits(
        n_auctions, n_bidders, keep, limit):
    kept = (None, "values", "bids").index(keep)
    cost = simulate_memory(n_auctions, n_bidders, 1 << 16, kept)
    if cost <= limit:
        return  # would run: not this property (large runs are not made in a test)
    with pytest.raises(WorkBudgetError) as info:
        pa.simulate(SPA, UNIFORM, n_bidders, n_auctions, rng=0, keep=keep, max_memory=limit)
    message = str(info.value)
    assert f"`n_auctions` = {n_auctions:,}" in message and "max_memory=None" in message
    found = re.search(r"chunks of at most ([\d,]+) auctions", message)
    if found:  # the advice is exact: that many fit, one more does not
        fits = int(found.group(1).replace(",", ""))
        assert simulate_memory(fits, n_bidders, 1 << 16, kept) <= limit
        assert simulate_memory(fits + 1, n_bidders, 1 << 16, kept) > limit
    else:
        assert "even one auction" in message
        assert simulate_memory(1, n_bidders, 1 << 16, kept) > limit


def _plugin(prices):
    class Custom(Mechanism):
        def run(self, bids, rng):
            winner, _, second = top_two(bids, rng)
            return winner, prices(second)

    return Custom()


@pytest.mark.parametrize(
    ("label", "prices", "shown"),
    [
        ("strings", lambda s: s.astype(str), "dtype <U"),
        ("complex", lambda s: s + 0j, "dtype complex128"),
        ("booleans", lambda s: s > 0.5, "dtype bool"),
        ("objects", lambda s: s.astype(object), "dtype object"),
    ],
)
def test_a_plugin_s_non_real_prices_are_refused_naming_run_and_the_value(label, prices, shown):
    with pytest.raises(pa.mechanisms.MechanismContractError) as info:
        pa.simulate(_plugin(prices), UNIFORM, 2, 20, rng=0)
    message = str(info.value)
    assert "Custom.run returned `price`" in message and shown in message
    assert "first entry" in message  # the bad value itself is shown


@pytest.mark.parametrize("cls", [pa.mechanisms.SecondPrice, pa.mechanisms.FirstPrice])
def test_a_mechanism_class_is_told_to_call_it(cls):
    hint = f"call {cls.__name__}() to make one"
    for call in (lambda: pa.simulate(cls, UNIFORM, 2, 10, rng=0),
                 lambda: pa.Observer(cls, UNIFORM, 2)):
        with pytest.raises(TypeError, match=re.escape(hint)):
            call()


def test_the_issue_s_huge_sizes_are_refused_with_the_estimate_and_the_way_on():
    with pytest.raises(WorkBudgetError, match=re.escape(f"`n_auctions` = {10**30:,} with")):
        pa.simulate(SPA, UNIFORM, 2, 10**30, rng=0)
    with pytest.raises(WorkBudgetError, match=r"TiB of memory, over the limit of 4 GiB; "
                                              r"simulate in chunks of at most"):
        pa.simulate(SPA, UNIFORM, 10**6, 100_000, rng=0)
    with pytest.raises(WorkBudgetError, match=r"`n_resamples` = 10,000,000 .* neighbour "
                                              r"look-ups, over the limit of 1e\+09 .*max_work"):
        pa.estimate_privacy_loss(OUT, n_resamples=10**7, rng=0)


def test_a_prior_with_nan_parameters_is_refused_naming_prior():
    for prior in (stats.uniform(np.nan, 1), stats.beta(np.nan, 2), stats.norm(0, np.nan)):
        with pytest.raises(ValueError, match="`prior` must have finite parameters"):
            pa.simulate(SPA, prior, 2, 10, rng=0)
