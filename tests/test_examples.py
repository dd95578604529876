"""The user example: a new mechanism and prior, run by the same CLI without touching the package."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from privauction.cli import main
from privauction.scenarios import load_plugin, registry, run_scenario

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "user_scenario.py"


@pytest.fixture
def user_scenario():
    yield EXAMPLE
    if "user-rounded-spa" in registry:
        registry.unregister("user-rounded-spa")


def test_user_scenario_runs_through_the_cli(user_scenario, tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", "--module", str(user_scenario), "user-rounded-spa", "--quick",
                 "--out", str(out), "--no-progress"]) == 0
    table = pd.read_csv(out / "results.csv")
    assert table["verdict"].all() and len(table) == 3
    assert (out / "report.html").read_text().count("data:image/png;base64,") >= 2
    assert "user-rounded-spa" in capsys.readouterr().out


def test_user_scenario_from_python_and_validate_plugin(user_scenario, tmp_path):
    assert load_plugin(user_scenario) == ["user-rounded-spa"]
    table = run_scenario("user-rounded-spa", quick=True, seed=1)
    assert table["verdict"].all()
    assert main(["validate", "--quick", "--plugin", str(user_scenario), "--only",
                 "user-rounded-spa", "--jobs", "1", "--out", str(tmp_path), "--no-report"]) == 0
