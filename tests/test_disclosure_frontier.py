"""pa.disclosure_frontier: a tidy table through run_sweep, and its figure."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import privauction as pa
from privauction import disclosure as dc

U01 = stats.uniform(0, 1)
MECHS = [pa.mechanisms.SecondPrice(), pa.mechanisms.ZeroKLottery(2.0)]
RULES = [dc.WinnerAndPrice(), dc.RoundedPrice(0.2), dc.Nothing()]


@pytest.fixture(scope="module")
def table():
    return pa.disclosure_frontier(U01, 2, MECHS, RULES, 5_000, rng=3)


def test_tidy_table_one_row_per_cell_and_quantity(table):
    assert len(table) == len(MECHS) * len(RULES) * 5
    assert {"cell", "replication", "seed", "spawn_key", "mechanism", "disclosure", "quantity",
            "whose", "estimate", "ci_low", "ci_high", "analytical", "infinite"} <= set(table)
    assert set(table["mechanism"]) == {repr(m) for m in MECHS}
    assert set(table["disclosure"]) == {repr(d) for d in RULES}
    losses = table[table["quantity"] == "privacy_loss"]
    assert set(losses["whose"]) == {"winner", "runner-up", "bidder"}
    # Analytical values are pa.privacy_loss's; the SPA's runner-up under the papers' rule is inf
    spa_runner = losses[(losses["mechanism"] == "SecondPrice()")
                        & (losses["disclosure"] == "WinnerAndPrice()")
                        & (losses["whose"] == "runner-up")].iloc[0]
    assert spa_runner["analytical"] == math.inf and spa_runner["infinite"]
    nothing = losses[losses["disclosure"] == "Nothing()"]
    assert (nothing["estimate"] == 0).all() and (nothing["analytical"] == 0).all()


def test_revenue_interval_covers_the_expected_revenue(table):
    # Both mechanisms charge the second value on average: E = 1/3 for two uniforms. 95 %
    # intervals on 6 cells: a correct table misses one with chance about 26 %; use the CLT
    # half-width widened to 4.5 standard errors instead (chance 4e-5).
    rev = table[table["quantity"] == "revenue"]
    half = (rev["ci_high"] - rev["ci_low"]) / 2 * 4.5 / 1.96
    assert np.all(np.abs(rev["estimate"] - 1 / 3) <= half)
    assert np.allclose(rev["analytical"], 1 / 3)
    welfare = table[table["quantity"] == "welfare"]
    half = (welfare["ci_high"] - welfare["ci_low"]) / 2 * 4.5 / 1.96
    assert np.all(np.abs(welfare["estimate"] - 2 / 3) <= half)      # E max of two uniforms


def test_same_seed_same_table(table):
    again = pa.disclosure_frontier(U01, 2, MECHS, RULES, 5_000, rng=3)
    assert again.equals(table)


def test_plot_has_a_panel_per_person(table):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = pa.frontier.plot_disclosure_frontier(table)
    assert len(fig.axes) == 3
    assert fig.axes[0].get_xticklabels()[-1].get_text() == "∞"
    plt.close(fig)


def test_frontier_errors_name_the_parameter():
    with pytest.raises(TypeError, match="`disclosures` must hold Disclosure instances; got str"):
        pa.disclosure_frontier(U01, 2, MECHS, ["price"], 100)
    with pytest.raises(ValueError, match="`mechanisms` must hold at least one Mechanism"):
        pa.disclosure_frontier(U01, 2, [], RULES, 100)
    with pytest.raises(ValueError, match="`whose` must be one of"):
        pa.disclosure_frontier(U01, 2, MECHS, RULES, 100, whose=("loser",))
