"""The `privauction` command line: help, listing, runs, exit codes, outputs, resume."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from privauction.cli import main
from privauction.scenarios import RESULT_COLUMNS, registry


@pytest.fixture
def plugin(tmp_path):
    """A plug-in file with one true and one false claim and one that raises; unregistered after."""
    path = tmp_path / "claims.py"
    path.write_text(textwrap.dedent('''
        import pandas as pd
        from privauction.scenarios import register

        def _rows(verdict):
            return pd.DataFrame([{"case": "c", "analytical": 1.0, "estimate": 1.0,
                                  "ci_low": 0.9, "ci_high": 1.1, "verdict": verdict,
                                  "rule": "analytical inside the CI"}])

        @register("cli-test-true", claim="T", quick={"n_auctions": 10})
        def true_claim(n_auctions, rng):
            return _rows(bool(rng.random() < 2))

        @register("cli-test-false", claim="F", quick={"n_auctions": 10})
        def false_claim(n_auctions, rng):
            return _rows(bool(rng.random() > 2))

        @register("cli-test-raises", claim="R", quick={"n_auctions": 10})
        def raising_claim(n_auctions, rng):
            raise RuntimeError("boom")
    '''))
    yield path
    for name in ("cli-test-true", "cli-test-false", "cli-test-raises"):
        if name in registry:
            registry.unregister(name)


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["validate", "--help"],
                                  ["list", "--help"]])
def test_help_is_useful(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert "usage: privauction" in text
    if argv[0] == "validate":
        assert "--quick" in text and "--jobs" in text and "--plugin" in text
    if argv[0] == "run":
        assert "--n-auctions" in text and "--seed" in text and "--out" in text


def test_list_names_every_claim(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("example1", "prop3-spa-n", "lemma1-bound"):
        assert name in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "no-such-claim"], "no claim named 'no-such-claim'"),
        (["run", "--module", "/nonexistent/file.py", "example1"], "file not found"),
        (["validate", "--only", "example1", "nope"], "no claim named 'nope'"),
    ],
)
def test_usage_errors_are_one_line_with_status_2(argv, message, capsys, tmp_path):
    assert main([*argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_bad_option_value_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "example1", "--n-auctions", "-3"])
    assert exc.value.code == 2
    assert "must be an integer >= 1" in capsys.readouterr().err


def test_run_writes_table_parquet_and_report(tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", "example1", "--n-auctions", "5000", "--seed", "2", "--out", str(out),
                 "--no-progress"]) == 0
    table = pd.read_csv(out / "results.csv")
    assert list(table.columns[: len(RESULT_COLUMNS)]) == RESULT_COLUMNS
    assert table["verdict"].all() and (table["seed"] == 2).all()
    assert (out / "results.parquet").is_file()
    html = (out / "report.html").read_text()
    assert "data:image/png;base64," in html and "http://" not in html and "https://" not in html
    assert "[pass]" in capsys.readouterr().out


def test_exit_status_1_when_a_claim_fails_or_raises(plugin, tmp_path, capsys):
    out = str(tmp_path / "res")
    assert main(["validate", "--plugin", str(plugin), "--only", "cli-test-true", "--out", out,
                 "--jobs", "1", "--no-report"]) == 0
    assert main(["validate", "--plugin", str(plugin), "--only", "cli-test-true",
                 "cli-test-false", "--out", out, "--jobs", "1", "--no-report"]) == 1
    text = capsys.readouterr().out
    assert "FAIL  F" in text and "checks that did not pass:" in text
    assert main(["run", "--module", str(plugin), "cli-test-raises", "--out", out,
                 "--no-report"]) == 1
    assert "RuntimeError: boom" in capsys.readouterr().out


def test_validate_parallel_and_resume(plugin, tmp_path, capsys):
    out = tmp_path / "res"
    argv = ["validate", "--quick", "--plugin", str(plugin), "--only", "cli-test-true",
            "prop4-k-price", "--out", str(out), "--jobs", "2", "--no-report"]
    assert main(argv) == 0
    first = pd.read_csv(out / "results.csv")
    assert set(first["scenario"]) == {"cli-test-true", "prop4-k-price"}
    tasks = sorted((out / "store" / "tasks").glob("cell-*.pkl"))
    assert len(tasks) == 2
    stamps = [p.stat().st_mtime_ns for p in tasks]
    assert main([*argv, "--resume"]) == 0
    assert [p.stat().st_mtime_ns for p in tasks] == stamps  # re-used, not re-run
    pd.testing.assert_frame_equal(first, pd.read_csv(out / "results.csv"))
    # A truncated stored claim is named, re-run, and gives the same rows.
    data = tasks[1].read_bytes()
    tasks[1].write_bytes(data[: len(data) // 2])
    with pytest.warns(UserWarning, match="does not match its checksum"):
        assert main([*argv, "--resume"]) == 0
    pd.testing.assert_frame_equal(first.drop(columns="elapsed_s"),
                                  pd.read_csv(out / "results.csv").drop(columns="elapsed_s"))


def test_run_replications_through_the_sweep_store(plugin, tmp_path, capsys):
    out = tmp_path / "res"
    argv = ["run", "--module", str(plugin), "cli-test-true", "--quick", "--n-auctions", "3000",
            "--out", str(out), "--no-report", "--no-progress"]
    assert main([*argv, "--replications", "2"]) == 0
    table = pd.read_csv(out / "results.csv")
    assert sorted(table["replication"].unique()) == [0, 1]
    assert "checks pass in all 2 replications" in capsys.readouterr().out
    tasks = out / "store" / "seed-0-quick-n3000" / "tasks"
    first = {p.name: p.stat().st_mtime_ns for p in tasks.iterdir()}
    assert main([*argv, "--replications", "3"]) == 0  # two re-used from the store, one new
    again = pd.read_csv(out / "results.csv")
    keep = [c for c in table.columns if c != "elapsed_s"]
    pd.testing.assert_frame_equal(again[again["replication"] < 2].reset_index(drop=True)[keep],
                                  table[keep])
    assert all((tasks / name).stat().st_mtime_ns == t for name, t in first.items())
    # a new seed in the same --out is a sweep of its own, not a clash with the stored one
    assert main([*argv, "--replications", "2", "--seed", "1"]) == 0
    assert (out / "store" / "seed-1-quick-n3000" / "tasks").is_dir()


def test_out_must_be_a_directory(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("")
    with pytest.raises(SystemExit) as exc:
        main(["run", "example1", "--out", str(afile)])
    assert exc.value.code == 2
    assert "--out: must be a directory" in capsys.readouterr().err


def test_a_claim_that_raises_under_replications_fails_with_status_1(plugin, tmp_path, capsys):
    assert main(["run", "--module", str(plugin), "cli-test-raises", "-r", "2", "--quick",
                 "--out", str(tmp_path / "res"), "--no-report", "--no-progress"]) == 1
    assert "raised RuntimeError: boom" in capsys.readouterr().err


def test_run_after_validate_leaves_validate_results_intact(tmp_path, monkeypatch, capsys):
    # The README's order: validate, then run one claim. Both with their default --out.
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--quick", "--only", "prop4-k-price", "--jobs", "1",
                 "--no-report", "--no-progress"]) == 0
    before = (tmp_path / "privauction-results" / "results.csv").read_bytes()
    assert main(["run", "prop3-spa-n", "--quick", "--no-report", "--no-progress"]) == 0
    assert (tmp_path / "privauction-results" / "results.csv").read_bytes() == before
    ran = pd.read_csv(tmp_path / "privauction-results" / "runs" / "prop3-spa-n" / "results.csv")
    assert set(ran["scenario"]) == {"prop3-spa-n"}


def test_an_unwritable_out_is_a_one_line_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["validate", "--quick", "--only", "example1", "--out",
                 str(blocker / "sub"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "cannot write there" in err and err.count("\n") == 1


def test_n_auctions_for_a_claim_that_takes_none_is_a_usage_error(tmp_path, capsys):
    assert main(["run", "screening-lemma5", "--n-auctions", "1000", "--out", str(tmp_path),
                 "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "--n-auctions is not a parameter of claim 'screening-lemma5'" in err


def test_a_broken_scenario_module_fails_validate_and_is_named(tmp_path):
    # The real discovery code on a package path with a module that raises on import.
    import subprocess
    import sys

    (tmp_path / "broken_claim.py").write_text("raise ImportError('no such thing')\n")
    code = (
        "import sys, warnings\n"
        "import privauction.scenarios as s\n"
        f"s.__path__.append({str(tmp_path)!r})\n"
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('ignore')\n"
        "    s._import_scenario_modules()\n"
        "from privauction.cli import main\n"
        f"sys.exit(main(['validate', '--quick', '--only', 'screening-lemma5', '--out', "
        f"{str(tmp_path / 'out')!r}, '--no-report', '--no-progress']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "privauction.scenarios.broken_claim failed to import" in done.stderr
    assert "1 of 1 claims pass" in done.stdout  # the claims that ran did pass


def test_a_stored_result_is_not_reused_after_the_code_changes(plugin, tmp_path, capsys):
    # The store's manifest holds a fingerprint of the package and plug-in sources: after an
    # edit, a plain run recomputes and --resume names the change, instead of old rows.
    out = str(tmp_path / "res")
    argv = ["run", "--module", str(plugin), "cli-test-true", "--out", out, "--no-report"]
    assert main(argv) == 0
    assert pd.read_csv(tmp_path / "res" / "results.csv")["estimate"].tolist() == [1.0]
    registry.unregister("cli-test-true")
    plugin.write_text(plugin.read_text().replace('"estimate": 1.0', '"estimate": 1.05'))
    assert main(argv) == 0
    assert pd.read_csv(tmp_path / "res" / "results.csv")["estimate"].tolist() == [1.05]
