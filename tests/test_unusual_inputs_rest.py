"""Valid but unusual inputs to the part-B entry points still work (issue 15).

The refusals of the bad-input suite must not catch legitimate edge cases: atoms of zero mass,
κ at the ends of its range, a sweep of one task, audits of two-bid auctions, a market at its
smallest population, work budgets met exactly or lifted with their override.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import privauction as pa
from privauction._validation import WorkBudgetError, check_limit
from privauction.cli import _auction_count
from privauction.theory import min_mi_coupling, min_mi_coupling_slsqp

U12 = stats.uniform(1, 1)
SPA = pa.mechanisms.SecondPrice()


# --- theory ------------------------------------------------------------------------------
def test_coupling_with_zero_mass_atoms_matches_the_generic_optimiser():
    px, py = [0.2, 0.0, 0.3, 0.5], [0.5, 0.3, 0.0, 0.2]
    res = min_mi_coupling(px, py)
    assert res.converged
    assert res.plan[1].sum() == 0 and res.plan[:, 2].sum() == 0   # the zero atoms stay empty
    # The generic optimiser on the problem without the zero atoms (it needs log px > 0): the
    # same support values, so the same ordered couplings.
    ref, err = min_mi_coupling_slsqp([0.2, 0.3, 0.5], [0.5, 0.3, 0.2], [0.0, 2.0, 3.0],
                                     [0.0, 1.0, 3.0])
    assert err < 1e-8
    # measured: the plans agree to 4e-12; 1e-8 leaves room for SLSQP's stopping rule (ftol)
    np.testing.assert_allclose(res.plan[np.ix_([0, 2, 3], [0, 1, 3])], ref, atol=1e-8)


def test_coupling_budget_is_exact_at_the_limit_and_lifted_by_none():
    p = np.full(3, 1 / 3)
    assert min_mi_coupling(p, p, max_cells=9).converged          # 3 x 3 = 9 cells: allowed
    with pytest.raises(WorkBudgetError, match="`max_cells`"):
        min_mi_coupling(p, p, max_cells=8)
    res = min_mi_coupling(p, p, max_cells=None)
    assert res.mi == pytest.approx(math.log(3), abs=1e-12)        # identical: MI = H(X)


def test_coupling_accepts_integer_and_float32_marginals():
    res = min_mi_coupling(np.array([0.25, 0.75], dtype=np.float32), np.array([1, 0]))
    assert res.converged and res.marginal_error_x < 1e-7


def test_spa_posterior_kl_at_the_ends_of_the_price_range():
    kl = pa.theory.spa_posterior_kl([0.0, 1.0], 2)
    assert np.isfinite(kl[0]) and kl[1] == np.inf                 # a price at the top reveals W


def test_menu_entropy_with_zero_masses():
    assert pa.theory.menu_entropy([0.0, 1.0]) == 0.0
    assert pa.theory.menu_entropy([0.5, 0.0, 0.5]) == pytest.approx(math.log(2))


# --- screening ---------------------------------------------------------------------------
def test_optimal_menu_at_kappa_equal_log_max_intervals_is_prop4():
    menu = pa.screening.optimal_menu(U12, kappa=math.log(4), max_intervals=4)
    closed = pa.screening.uniform_quadratic_optimum(math.log(4))    # Prop. 4 / Lemma 5
    assert menu.n_intervals == closed.n_intervals == 4
    assert menu.profit == pytest.approx(closed.profit, abs=1e-9)


@pytest.mark.parametrize("kappa", [0.0, 1e-9])
def test_optimal_menu_at_tiny_kappa_pools_everyone(kappa):
    menu = pa.screening.optimal_menu(U12, kappa=kappa)
    closed = pa.screening.interval_mechanism(U12, [])               # one interval, Eq. (2)
    assert menu.n_intervals == 1 and menu.profit == pytest.approx(closed.profit, abs=1e-12)


def test_optimal_menu_budget_override():
    with pytest.raises(WorkBudgetError, match="`max_seconds`"):
        pa.screening.optimal_menu(U12, kappa=1.0, max_seconds=1e-6)
    assert pa.screening.optimal_menu(U12, kappa=1.0, n_random=0, max_seconds=None).n_intervals == 3


def test_simulate_buyers_one_buyer():
    out = pa.screening.simulate_buyers(pa.screening.interval_mechanism(U12, [1.5]), 1, rng=0)
    assert out.n_buyers == 1


def test_menu_mechanism_from_lists_and_numpy_numbers():
    mech = pa.screening.MenuMechanism([np.float64(0.5), 1], (0.25, np.int64(1)))
    assert mech.quantities == (0.5, 1.0) and mech.prices == (0.25, 1.0)


# --- market ------------------------------------------------------------------------------
def test_market_at_its_smallest_population_and_one_scheduled_instant():
    market = pa.simulator.Market(SPA, stats.uniform(0, 1), n_population=2, n_per_auction=2,
                                 schedule=[0.5, 0.5, 0.5])
    result = market.run(1.0, rng=0)
    assert len(result.events) == 3 and set(result.events["time"]) == {0.5}


def test_market_budgets_are_exact_at_the_limit_and_lifted_by_none():
    market = pa.simulator.Market(SPA, stats.uniform(0, 1), 4, 2, arrival_rate=10.0, tick=0.25)
    assert market.run(1.0, rng=0, max_ticks=4) is not None               # 1 / 0.25 = 4 ticks
    with pytest.raises(WorkBudgetError, match="`tick`"):
        market.run(1.0, rng=0, max_ticks=3)
    with pytest.raises(WorkBudgetError, match="`arrival_rate`"):
        market.run(1.0, rng=0, max_auctions=5)                          # 10 expected
    assert market.run(1.0, rng=0, max_auctions=None, max_ticks=None, max_bidders=None) is not None


def test_market_horizon_shorter_than_the_tick():
    market = pa.simulator.Market(SPA, stats.uniform(0, 1), 4, 2, arrival_rate=1000.0, tick=5.0)
    assert market.run(0.01, rng=0).horizon == 0.01


# --- sweep -------------------------------------------------------------------------------
def _one(rng, a):
    return pd.DataFrame({"x": [a + rng.random()]})


def test_one_task_sweep():
    table = pa.sweep.run_sweep(_one, [{"a": 1.0}], progress=False)
    assert len(table) == 1 and table["replication"].tolist() == [0]


def test_sweep_budget_is_exact_at_the_limit():
    grid = {"a": [1.0, 2.0]}
    assert len(pa.sweep.run_sweep(_one, grid, n_replications=2, progress=False,
                                  max_tasks=4)) == 4
    with pytest.raises(WorkBudgetError, match="`n_replications`"):
        pa.sweep.run_sweep(_one, grid, n_replications=3, progress=False, max_tasks=4)


def test_sweep_grid_of_ranges_and_numpy_arrays():
    cells = pa.sweep.expand_grid({"a": range(3), "b": np.array([0.5, 1.5])})
    assert len(cells) == 6 and cells[-1] == {"a": 2, "b": 1.5}


# --- audit -------------------------------------------------------------------------------
def _two_bid_auctions(n_auctions=1500, seed=0):
    rng = np.random.default_rng(seed)
    v = rng.uniform(1, 2, (n_auctions, 2))
    return pd.DataFrame({"id": np.repeat(np.arange(n_auctions), 2),
                         "b": (1 + v.ravel()) / 2, "lot": np.repeat(rng.random(n_auctions), 2)})


def test_audit_with_exactly_two_bids_per_auction():
    table = pa.audit.load_bids(_two_bid_auctions(), auction="id", bid="b", covariates="lot")
    fit = pa.audit.recover_values(table, auction="id", bid="b")
    out = pa.audit.audit(fit, n_auctions=2000, n_bootstrap=0, mechanisms=[SPA])
    assert out["n_bidders"].tolist() == [2]
    assert out["privacy_loss"].iloc[0] == pytest.approx(1 - math.log(2), abs=1e-9)  # Eq. (9)


# --- frontier, CLI, the override checker -------------------------------------------------
def test_frontier_of_one_mechanism_instance():
    table = pa.disclosure_frontier(stats.uniform(0, 1), 2, SPA, pa.disclosure.PriceOnly(), 300)
    assert set(table["mechanism"]) == {"SecondPrice()"}


def test_cli_auction_count_bounds():
    assert _auction_count("1") == 1 and _auction_count("100_000_000") == 10**8


def test_check_limit_accepts_numpy_numbers_and_inf():
    assert check_limit(np.int64(5), "max_tasks") == 5.0
    assert check_limit(np.inf, "max_tasks") == math.inf
