"""The world scenarios: tidy rows, passing verdicts on small runs, same seed same numbers, plots."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from privauction.scenarios import RESULT_COLUMNS, registry, run_scenario  # noqa: E402

SMALL = {
    "world-repeat-winners": {"n_auctions": 500, "n_seasons": 12},
    "world-bidders-per-auction": {"n_auctions": 500, "n_seasons": 12, "ns": (2, 10)},
    "world-fresh-values": {"n_auctions": 10_000, "cases": ("SPA, n = 2",), "mixed_max": 5_000},
}


@pytest.mark.parametrize("name", list(SMALL))
def test_world_scenario_small_run(name):
    kwargs = dict(SMALL[name])
    n = kwargs.pop("n_auctions")
    table = run_scenario(name, seed=5, quick=True, n_auctions=n, **kwargs)
    assert list(table.columns[: len(RESULT_COLUMNS)]) == RESULT_COLUMNS
    assert table["verdict"].dtype == bool and (table["scenario"] == name).all()
    failed = table.loc[~table["verdict"], ["case", "estimate", "ci_low", "ci_high"]]
    assert failed.empty, failed.to_string()
    again = run_scenario(name, seed=5, quick=True, n_auctions=n, **kwargs)
    pd.testing.assert_series_equal(table["estimate"], again["estimate"])
    figs = registry.get(name).plot(table)
    figs = figs if isinstance(figs, list) else [figs]
    assert figs and all(isinstance(f, matplotlib.figure.Figure) for f in figs)
    for f in figs:
        plt.close(f)
