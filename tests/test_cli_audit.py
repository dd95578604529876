"""``privauction audit``: outputs on a small synthetic market, and one-line errors (exit 2)."""

import contextlib
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from privauction.audit import AUDIT_COLUMNS
from privauction.cli import main

sys.path.insert(0, str(Path(__file__).parent))
from test_audit_recovery import synthetic_bids  # noqa: E402

PRIOR = stats.beta(2, 5, scale=10)


@pytest.fixture(scope="module")
def bids_csv(tmp_path_factory):
    """600 first-price auctions of 2 or 3 bidders at the BNE, bids scaled by an appraisal."""
    table = synthetic_bids(PRIOR, 600, seed=4, n_values=(2, 3)).drop(columns="value")
    table["appraisal"] = 1.0 + table["auction"] % 3
    table["bid"] *= table["appraisal"]
    path = tmp_path_factory.mktemp("audit") / "bids.csv"
    table.to_csv(path, index=False)
    return path


def _run(capsys, *argv):
    code = main(["audit", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def quick_run(bids_csv, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    figs = out / "figs"
    # capsys is function-scoped: a module-scoped run captures by hand
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["audit", str(bids_csv), "--auction-id", "auction", "--bid", "bid",
                     "--covariates", "appraisal", "--quick", "--n-auctions", "1000",
                     "--jobs", "1", "--seed", "3", "--out", str(out), "--figures", str(figs),
                     "--format", "svg"])
    return code, stdout.getvalue(), stderr.getvalue(), out, figs


def test_quick_audit_writes_table_report_and_figures(quick_run):
    code, stdout, stderr, out, figs = quick_run
    assert code == 0, stderr
    table = pd.read_csv(out / "audit.csv")
    assert list(table.columns) == AUDIT_COLUMNS
    assert len(table) == 8 * 2                       # default rows x n in {2, 3}
    assert (table["n_bootstrap"] == 2).all()         # --quick: 2 replicates
    market = pd.read_csv(out / "audit_market.csv")
    assert len(market) == 8
    html = (out / "report.html").read_text()
    for part in ("Recovered values", "GPV diagnostics", "Revenue-privacy frontier",
                 "data:image/png;base64", "FirstPrice()"):
        assert part in html
    assert sorted(p.name for p in figs.iterdir()) == [
        "frontier.svg", "gpv_diagnostics.svg", "value_density.svg"]
    assert "dropped no rows" in stdout
    assert "AllBids" in stdout and "runner-up" in stdout
    assert "%|" not in stderr                        # no progress bar off a terminal


def test_market_average_is_the_share_weighted_mean(quick_run):
    _, _, _, out, _ = quick_run
    table = pd.read_csv(out / "audit.csv")
    market = pd.read_csv(out / "audit_market.csv")
    spa = table[(table["mechanism"] == "SecondPrice()")
                & (table["disclosure"] == "WinnerAndPrice()")]
    w = spa["market_share"] / spa["market_share"].sum()
    row = market[(market["mechanism"] == "SecondPrice()")
                 & (market["disclosure"] == "WinnerAndPrice()")].iloc[0]
    assert row["revenue"] == pytest.approx(float((w * spa["revenue"]).sum()), rel=1e-12)
    assert row["revenue_low"] <= row["revenue"] <= row["revenue_high"]
    assert np.isinf(row["runner_up_loss"])


def _write(tmp_path, frame, name="bids.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def small(bids_csv):
    return pd.read_csv(bids_csv)


@pytest.mark.parametrize("case, edit, argv_extra, message", [
    ("missing column", None, ["--bid", "price"], "--bid column 'price' is not in the table"),
    ("non-positive bid", ("bid", 5, -1.0), [], "must be positive; got -1.0 in row 5"),
    ("non-finite bid", ("bid", 7, np.nan), [], "must be finite; got nan in row 7"),
    ("zero bid", ("bid", 4, 0.0), [], "must be positive; got 0.0 in row 4"),
    ("infinite bid", ("bid", 6, np.inf), [], "must be finite; got inf in row 6"),
    ("text bid", ("bid", 3, "abc"), [], "--bid column 'bid' must be numeric; got dtype"),
    ("missing auction id", ("auction", 8, np.nan), [], "--auction-id column 'auction' is "
                                                       "missing in row 8"),
    ("missing covariate", ("appraisal", 2, np.nan), ["--covariates", "appraisal"],
     "--covariates column 'appraisal' is missing in row 2"),
])
def test_bad_rows_exit_2_naming_column_and_row(tmp_path, capsys, small, case, edit,
                                               argv_extra, message):
    frame = small.copy()
    if edit is not None:
        col, row, value = edit
        frame[col] = frame[col].astype(object if isinstance(value, str) else float)
        frame.loc[row, col] = value
    path = _write(tmp_path, frame)
    argv = [path, "--auction-id", "auction", "--out", tmp_path / "out"]
    argv += argv_extra if "--bid" in argv_extra else ["--bid", "bid", *argv_extra]
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert message in err
    if case == "text bid":
        assert "'abc' in row 3" in err
    if case in ("non-positive bid", "non-finite bid", "zero bid", "infinite bid",
                "missing covariate"):                # the CLI flag, not the library argument
        assert "--drop-invalid" in err and "drop_invalid" not in err
    assert err.count("\n") == 1                      # one line


def test_single_bid_auction_exits_2_then_drops_with_counts(tmp_path, capsys, small):
    lone = small["auction"].iloc[0]
    frame = pd.concat([small[small["auction"] != lone], small[small["auction"] == lone].iloc[:1]])
    path = _write(tmp_path, frame)
    base = [path, "--auction-id", "auction", "--bid", "bid", "--out", tmp_path / "out"]
    code, _, err = _run(capsys, *base)
    assert code == 2 and f"auction {lone} has a single bid" in err and err.count("\n") == 1
    code, out, err = _run(capsys, *base, "--drop-invalid", "--quick", "--n-bootstrap", "0",
                          "--n-auctions", "500")
    assert code == 0, err
    assert "dropped 1 rows in 1 auctions: single-bid auction" in out


def test_not_a_table_and_usage_errors(tmp_path, capsys, bids_csv):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01\x02 not a table")
    code, _, err = _run(capsys, junk, "--auction-id", "a", "--bid", "b", "--out", tmp_path)
    assert code == 2 and "is not a table" in err and err.count("\n") == 1
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    code, _, err = _run(capsys, empty, "--auction-id", "a", "--bid", "b", "--out", tmp_path)
    assert code == 2 and "is not a table" in err and err.count("\n") == 1
    header = tmp_path / "header.csv"
    header.write_text("auction,bid\n")
    code, _, err = _run(capsys, header, "--auction-id", "auction", "--bid", "bid", "--out",
                        tmp_path)
    assert code == 2 and "it has 0 rows" in err and err.count("\n") == 1
    code, _, err = _run(capsys, tmp_path / "absent.csv", "--auction-id", "a", "--bid", "b",
                        "--out", tmp_path)
    assert code == 2 and "file not found" in err and err.count("\n") == 1
    code, _, err = _run(capsys, "--out", tmp_path)
    assert code == 2 and "give a bids file (BIDS) or --data usfs" in err
    code, _, err = _run(capsys, bids_csv, "--data", "usfs", "--out", tmp_path)
    assert code == 2 and "not both" in err
    code, _, err = _run(capsys, bids_csv, "--out", tmp_path)
    assert code == 2 and "--auction-id and --bid required" in err
    code, _, err = _run(capsys, bids_csv, "--auction-id", "auction", "--bid", "bid",
                        "--n-bootstrap", "1", "--out", tmp_path)
    assert code == 2 and "--n-bootstrap must be 0 or an integer >= 2; got 1" in err
