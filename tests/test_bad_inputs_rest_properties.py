"""Property tests of the part-B refusals (issue 15): hypothesis draws the bad values.

Each property is checked in-process (no fork): the refusals happen before any work, so every
example costs milliseconds; the work budgets are drawn far past their limits and asserted to
state the estimate.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import tempfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

import privauction as pa
from privauction._validation import WorkBudgetError
from privauction.cli import main

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])


@FAST
@given(st.integers(2, 12).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))),
       NON_FINITE)
def test_a_non_finite_mass_is_refused_naming_the_marginal(size_and_index, bad):
    size, index = size_and_index
    px = np.full(size, 1.0 / size)
    px[index] = bad
    with pytest.raises(ValueError, match="`px`"):
        pa.theory.min_mi_coupling(px, np.full(size, 1.0 / size))


@FAST
@given(st.one_of(NON_FINITE, st.floats(-1e3, -1e-300), st.floats(0.011, 1e3)))
def test_atol_sum_outside_its_range_is_refused(atol):
    with pytest.raises(ValueError, match="`atol_sum`"):
        pa.theory.min_mi_coupling([0.5, 0.5], [0.5, 0.5], atol_sum=atol)


@FAST
@given(st.integers(4_100, 10**6), st.integers(4_100, 10**6))
def test_coupling_past_the_cell_budget_is_refused_before_any_array(m, n):
    px, py = np.full(m, 1.0 / m), np.full(n, 1.0 / n)
    with pytest.raises(WorkBudgetError, match=f"{m * n:,} cells"):
        pa.theory.min_mi_coupling(px, py, support_x=np.arange(m, dtype=float),
                                  support_y=np.arange(n, dtype=float))


@FAST
@given(st.integers(1, 40), st.integers(1, 10**4), st.integers(1, 10**6))
def test_sweep_is_refused_exactly_when_tasks_exceed_max_tasks(n_cells, n_rep, max_tasks):
    def never(rng, a):  # the refusal comes before any task
        raise AssertionError("a task ran")

    grid = {"a": list(range(n_cells))}
    if n_cells * n_rep > max_tasks:
        with pytest.raises(WorkBudgetError, match="`n_replications`"):
            pa.sweep.run_sweep(never, grid, n_replications=n_rep, max_tasks=max_tasks,
                               progress=False)
    else:
        with pytest.raises(AssertionError, match="a task ran"):
            pa.sweep.run_sweep(never, grid, n_replications=n_rep, max_tasks=max_tasks,
                               progress=False)


@FAST
@given(st.floats(1e8, 1e15), st.floats(1.0, 1e3))
def test_market_past_its_auction_budget_states_the_expected_count(rate, horizon):
    market = pa.simulator.Market(pa.mechanisms.SecondPrice(), stats.uniform(0, 1), 10, 2,
                                 arrival_rate=rate)
    with pytest.raises(WorkBudgetError, match=re.escape(f"{rate * horizon:.3g} auctions")):
        market.run(horizon, rng=0)


@FAST
@given(st.floats(1e-12, 1e-7))
def test_market_past_its_tick_budget_is_refused(tick):
    market = pa.simulator.Market(pa.mechanisms.SecondPrice(), stats.uniform(0, 1), 10, 2,
                                 arrival_rate=1.0, tick=tick)
    with pytest.raises(WorkBudgetError, match="`tick`"):
        market.run(1.0, rng=0)


@FAST
@given(st.integers(10**5, 10**12))
def test_optimal_menu_with_many_random_starts_is_refused(n_random):
    with pytest.raises(WorkBudgetError, match="`n_random`"):
        pa.screening.optimal_menu(stats.uniform(1, 1), kappa=1.0, n_random=n_random)


@FAST
@given(st.one_of(st.text(max_size=5), st.booleans(), st.complex_numbers(), st.none()))
def test_optimal_menu_kappa_of_a_wrong_type(kappa):
    with pytest.raises(TypeError, match="`kappa`"):
        pa.screening.optimal_menu(stats.uniform(1, 1), kappa=kappa)


@FAST
@given(n=st.integers(10**8 + 1, 10**40))
def test_cli_n_auctions_past_the_cap_exits_2_naming_the_flag(n):
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc, contextlib.redirect_stderr(err):
        # argparse refuses the flag before --out is created or written
        main(["run", "example1", "--n-auctions", str(n), "--out", tempfile.gettempdir()])
    assert exc.value.code == 2 and "--n-auctions" in err.getvalue()


@FAST
@given(st.sampled_from([math.nan, math.inf, -1.0, 0.0]), st.integers(0, 5))
def test_load_bids_refuses_a_bad_bid_naming_the_column(bad, row):
    table = pd.DataFrame({"auction": [0, 0, 1, 1, 2, 2], "bid": [1.0, 1.5, 2.0, 1.2, 1.1, 1.3]})
    table.loc[row, "bid"] = bad
    with pytest.raises(ValueError, match="`bid` column 'bid'"):
        pa.audit.load_bids(table)
