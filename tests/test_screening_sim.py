"""Screening: simulated buyers, the Prop. 9 auction, Section 6.1, and the claim scenarios."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import privauction as pa
from privauction.screening import (
    IntervalAuction,
    MenuMechanism,
    auction_profit,
    choose,
    deviation_gains,
    interim_tables,
    menu_envelope,
    optimal_menu,
    plugin_entropy,
    section61_analytical,
    simulate_buyers,
    simulate_section61,
)
from privauction.screening.examples import EXAMPLE_COSTS, EXAMPLE_PRIORS

UNIFORM = stats.uniform(1, 1)
Z = 3.29  # 99.9 % two-sided normal quantile


def test_envelope_drops_dominated_items_and_handles_opt_out():
    # item 1 (2θ - 3.5) is never best: item 2 (3θ - 4) overtakes item 0 (θ - 1) at 1.5,
    # before item 1 would at 2.5; item 3 (4θ - 100) wins only above θ = 96
    q = [1.0, 2.0, 3.0, 4.0]
    p = [1.0, 3.5, 4.0, 100.0]
    items, breaks = menu_envelope(q, p)
    assert items.tolist() == [-1, 0, 2, 3]
    assert breaks.tolist() == [1.0, 1.5, 96.0]
    assert choose(q, p, [0.5, 1.2, 5.0, 97.0]).tolist() == [-1, 0, 2, 3]


def test_buyers_pick_intended_interval_and_privacy_matches_eq5():
    menu = optimal_menu(EXAMPLE_PRIORS["truncnorm-increasing[2,3]"], 1.5,
                        cost=EXAMPLE_COSTS["cosh(q)-1"]())
    out = simulate_buyers(menu, 100_000, rng=11)
    assert out.match_share == 1.0  # Lemma 1, exactly
    assert np.all((out.posterior_low <= out.theta) & (out.theta <= out.posterior_high))
    assert np.allclose(out.cell_masses, menu.masses, atol=1e-12)
    # delta-method interval of the plug-in entropy (SE ≈ 0.0020 at N = 1e5, measured)
    h = plugin_entropy(out.choice, confidence=0.999)
    assert h.ci_low <= menu.privacy_loss <= h.ci_high
    se = np.std(out.kl) / math.sqrt(out.n_buyers)
    assert abs(out.mean_kl - menu.privacy_loss) <= Z * se


def test_menu_mechanism_in_simulate():
    menu = optimal_menu(UNIFORM, 1.0)
    mech = MenuMechanism.from_menu(menu)
    out = pa.simulate(mech, UNIFORM, 1, 50_000, rng=2)
    assert out.sold_share == 1.0  # q > 0 for every interval but the lowest type's measure 0
    expected = float(np.sum(menu.masses * menu.prices))
    se = np.nanstd(out.price) / math.sqrt(out.n_auctions)
    assert abs(out.revenue - expected) <= Z * se
    with pytest.raises(ValueError, match="`n_bidders` must be 1"):
        pa.simulate(mech, UNIFORM, 2, 10, rng=0)


def test_interval_auction_prop9():
    menu = optimal_menu(UNIFORM, 1.0)
    mech = IntervalAuction(tuple(menu.cutoffs))
    q, p = interim_tables(menu.cutoffs)
    grid = np.linspace(1, 2, 1001)
    util = grid[:, None] * q - p
    own = mech.interval_of(grid)
    assert np.all(util[np.arange(grid.size), own] >= util.max(axis=1) - 1e-12)  # IC, exact
    out = pa.simulate(mech, UNIFORM, 2, 100_000, rng=5)
    se = np.std(out.price) / math.sqrt(out.n_auctions)
    assert abs(out.revenue - auction_profit(menu.cutoffs)) <= Z * se
    assert np.all(out.price <= out.winner_value + 1e-12)  # ex-post IR
    gain, gse = deviation_gains(mech, UNIFORM, 50_000, rng=6)
    off = ~np.eye(gain.shape[0], dtype=bool)
    assert np.all(gain[off] < 0) and np.all(gain[off] / gse[off] < -Z)


def test_section61_sequential_same_profit_less_privacy():
    one, seq = simulate_section61(100_000, rng=4)
    ref = section61_analytical()
    assert one.truthful_share == seq.truthful_share == 1.0
    assert np.array_equal(one.price, seq.price)
    d = one.kl - seq.kl
    se = np.std(d) / math.sqrt(d.size)  # ≈ 0.0011 at N = 1e5
    assert abs(d.mean() - (ref["one_shot_privacy"] - ref["sequential_privacy"])) <= Z * se
    assert d.mean() - Z * se > 0


@pytest.mark.parametrize("name,params", [
    ("screening-lemma5", {}),
    ("screening-frontier", {"n_grid": 4, "kappa_max": 0.8}),
    ("screening-global", {"n_random": 60, "n_local": 2, "n_grid": 300,
                          "cases": (("beta(1,2)[1,2]", "cosh(q)-1", 1.5),),
                          "exhaustive_cases": (("beta(1,2)[1,2]", "cosh(q)-1", 1.0),)}),
    ("screening-welfare", {"kappas": (0.0, 0.5, 1.5),
                           "priors": ("uniform[1,2]", "truncnorm-increasing[2,3]",
                                      "beta(1,2)[1,2]")}),
    ("screening-ex-post", {}),
    ("screening-two-intervals", {"kappas": (0.05, 0.2, 0.6)}),
    ("screening-buyers", {"cases": (("uniform[1,2]", "q^2/2", 1.0),)}),
    ("screening-auction", {"kappas": (1.0,), "n_random": 60}),
    ("screening-sequential", {}),
])
def test_screening_scenarios_pass(name, params):
    from privauction.scenarios import RESULT_COLUMNS, registry, run_claim
    from privauction.scenarios.runner import declared_parameters

    scen = registry.get(name)
    if "n_auctions" in declared_parameters(scen)[0]:
        params = {**params, "n_auctions": 20_000}
    df = run_claim(scen, seed=0, overrides=params)
    assert set(RESULT_COLUMNS) <= set(df.columns)
    assert df["verdict"].dtype == bool
    bad = df.loc[df["outcome"] != "pass", "case"].tolist()
    assert not bad, bad
