"""The HTML report: self-contained, verdicts in colour, plot hooks and their failures."""

from __future__ import annotations

import pandas as pd
import pytest

from privauction.report import build_report, estimate_figure
from privauction.scenarios import registry


def _rows(verdicts):
    return pd.DataFrame([
        {"scenario": "report-test", "claim": "Prop. 0", "case": f"case {i}", "analytical": 0.3,
         "estimate": 0.3 + 0.01 * i, "ci_low": 0.29 + 0.01 * i, "ci_high": 0.31 + 0.01 * i,
         "verdict": v, "rule": "analytical inside the CI", "method": "observer"}
        for i, v in enumerate(verdicts)
    ])


@pytest.fixture
def hooked():
    @registry.register("report-test", claim="Prop. 0", paper="test")
    def _scenario(n_auctions, rng):
        """A test claim."""

    yield registry
    registry.unregister("report-test")


def test_report_is_self_contained_and_marks_failures(hooked):
    html = build_report(_rows([True, False]), meta={"seed": 0})
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "0 of 1 claims pass (1 of 2 checks)" in html
    assert 'class="banner fail"' in html and "FAIL" in html
    assert "data:image/png;base64," in html
    assert "<script" not in html and "http://" not in html and "https://" not in html


def test_plot_hook_figures_are_embedded_and_failures_shown(hooked):
    import matplotlib.pyplot as plt

    hooked.plot("report-test")(lambda rows: plt.subplots()[0])
    html = build_report(_rows([True]))
    assert html.count("data:image/png;base64,") == 2  # the hook and the estimate figure
    assert 'class="banner pass"' in html

    def broken(rows):
        raise RuntimeError("no data")

    hooked.plot("report-test")(broken)
    html = build_report(_rows([True]))
    assert "plot hook of report-test failed: RuntimeError: no data" in html


def test_errors_and_missing_columns():
    html = build_report(_rows([True]), errors={"other": "ValueError: bad"}, plots=False)
    assert "1 of 2 claims pass" in html and "ValueError: bad" in html
    with pytest.raises(ValueError, match="lacks the column"):
        build_report(_rows([True]).drop(columns="rule"))


def test_estimate_figure_handles_infinite_and_missing_values():
    rows = _rows([True, True])
    rows.loc[1, ["estimate", "ci_low", "ci_high"]] = float("inf")
    rows.loc[0, "analytical"] = float("nan")
    fig = estimate_figure(rows, "t")
    # both rows lack what the unit-free axes need (a finite estimate, a finite nonzero
    # analytical value): none is drawn and the figure says so (it used to plot the first on a
    # value axis that mixed units; issue 14)
    assert "no check with a finite estimate" in fig.axes[0].texts[0].get_text()
    rows.loc[0, "analytical"] = 0.3
    fig = estimate_figure(rows, "t")
    assert len(fig.axes[0].get_yticklabels()) == 1
