"""The README runs as written: its two commands are what users and CI run, every ```python
block runs pasted into a fresh interpreter, and every command of its ```bash blocks either runs
(in a scratch directory) or, when it sets up a virtualenv or takes minutes, is parsed by the
CLI's own argument parser so a renamed flag still fails here. Which is which is listed below."""

from __future__ import annotations

import math
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import privauction as pa
from privauction.cli import build_parser

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()

# Commands that set up a virtualenv (the README's two opening commands, the docs build): their
# text is checked below and by .ci/run, which runs them on a clean checkout.
SETUP = ("python3 -m venv", ".venv/bin/pip install")
# Commands that take minutes at the sizes written (the full Forest Service audit: ~2 min on
# 2 cores): only parsed. The README's `run prop3-spa-n` runs with --quick added.
PARSE_ONLY = ("audit --data usfs",)
QUICK = ("run prop3-spa-n",)


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.+?)\n```", README, flags=re.S)


def _readme_commands():
    return _blocks("bash")[:2]


def test_readme_opens_with_two_commands_and_ci_runs_the_test_one():
    main, tests = _readme_commands()
    assert "pip install" in main and "pip install" in tests
    assert "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text()
    assert tests in ci, "`.ci/run` must run the README's test command verbatim"


def test_ci_builds_the_docs_with_the_readme_command():
    docs = [b for b in _blocks("bash") if "sphinx-build" in b]
    assert len(docs) == 1 and "-W" in docs[0], "one documented docs command, warnings as errors"
    ci = (ROOT / ".ci" / "run").read_text()
    build = docs[0].split("&&")[-1].strip()
    assert build in ci, "`.ci/run` must build the docs with the README's command"
    assert '".[docs]"' in docs[0] and "docs = [" in (ROOT / "pyproject.toml").read_text()


def _python_blocks():
    return [pytest.param(code, id=f"python-{i}") for i, code in enumerate(_blocks("python"))]


@pytest.mark.slow
@pytest.mark.parametrize("code", _python_blocks())
def test_readme_python_block_runs_as_written(code, tmp_path, monkeypatch):
    # A fresh namespace per block: each must run pasted on its own (sweep-store lands in tmp).
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {"__name__": "__main__"})


def _bash_commands():
    cmds = []
    for block in _blocks("bash"):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line:
                cmds.append(line)
    return cmds


def test_every_bash_command_is_classified():
    cmds = _bash_commands()
    assert len(cmds) >= 8
    for cmd in cmds:
        assert cmd.startswith(SETUP) or cmd.startswith(".venv/bin/"), cmd


def _runnable():
    return [pytest.param(c, id=c.split("/")[-1][:60]) for c in _bash_commands()
            if not c.startswith(SETUP)]


def _argv(cmd: str) -> list[str]:
    words = shlex.split(cmd)
    if words[0] == ".venv/bin/privauction":
        return [sys.executable, "-m", "privauction.cli", *words[1:]]
    assert words[0] == ".venv/bin/python", cmd
    return [sys.executable, *words[1:]]


def _bids_csv(path: Path) -> None:
    """A small first-price market with an appraisal covariate (the README's bids.csv)."""
    rng = np.random.default_rng(0)
    rows = []
    for auction in range(300):
        n = int(rng.integers(2, 5))
        appraisal = float(rng.uniform(1, 3))
        values = appraisal * rng.uniform(0, 1, size=n)
        rows += [{"auction": auction, "bid": b, "appraisal": appraisal}
                 for b in values * (n - 1) / n]
    pd.DataFrame(rows).to_csv(path, index=False)


@pytest.mark.slow
@pytest.mark.parametrize("cmd", _runnable())
def test_readme_bash_command_runs(cmd, tmp_path):
    argv = _argv(cmd)
    if any(p in cmd for p in PARSE_ONLY):
        build_parser().parse_args(argv[3:])  # exits (SystemExit) on an unknown flag
        return
    if any(q in cmd for q in QUICK):
        argv.append("--quick")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    if "bids.csv" in cmd:
        _bids_csv(tmp_path / "bids.csv")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]),
        "MPLBACKEND": "Agg"}
    done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"{cmd}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert done.stdout.strip(), cmd


@pytest.mark.slow
def test_readme_first_example_prints_what_it_says_and_covers():
    """The first example's commented estimates and intervals are what the code gives, and both
    intervals contain 1 - log 2 (the README says so and says how often that happens)."""
    stated = re.findall(r'method="(\w+)".*?# ([\d.]+), 95 % interval \[([\d.]+), ([\d.]+)\]',
                        _blocks("python")[0])
    assert [m for m, *_ in stated] == ["mixed", "observer"]
    mech, prior = pa.mechanisms.SecondPrice(), stats.uniform(0, 1)
    out = pa.simulate(mech, prior, n_bidders=2, n_auctions=100_000, rng=1)
    truth = 1 - math.log(2)
    for method, *numbers in stated:
        kw = {"rng": 1} if method == "mixed" else {}
        est = pa.estimate_privacy_loss(out, method=method, **kw)
        got = [est.estimate, est.ci_low, est.ci_high]
        assert [f"{x:.4f}" for x in got] == numbers, (
            f"README's first example is out of date for {method!r}: the code gives "
            f"{got[0]:.4f}, 95 % interval [{got[1]:.4f}, {got[2]:.4f}]; update its comment (and, "
            "if it no longer covers, the seed and validation/readme_example_coverage.py's run)")
        assert est.ci_low <= truth <= est.ci_high
