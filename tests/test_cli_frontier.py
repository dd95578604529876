"""`privauction frontier`: the table, the tidy CSV, the figure files, report.html, exit codes."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

import privauction as pa
from privauction import disclosure as dc
from privauction.cli import main

ARGS = ["frontier", "--n-auctions", "3000", "-m", "spa", "zero-k(2)",
        "-d", "winner-and-price", "rounded(0.1)", "winner-only", "--seed", "4"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("frontier")
    return out, main([*ARGS, "--out", str(out / "res"), "--figures", str(out / "fig")])


def test_writes_the_csv_the_report_and_the_figure(run, capsys):
    out, status = run
    assert status == 0
    table = pd.read_csv(out / "res" / "frontier.csv")
    # tidy: 2 mechanisms x 3 disclosures x (revenue, welfare, 3 people)
    assert len(table) == 2 * 3 * 5
    assert set(table["quantity"]) == {"revenue", "welfare", "privacy_loss"}
    assert set(table["mechanism"]) == {"SecondPrice()", "ZeroKLottery(K=2)"}
    html = (out / "res" / "report.html").read_text()
    assert "data:image/png;base64," in html and "RoundedPrice(step=0.1)" in html
    assert (out / "fig" / "frontier_n2.png").stat().st_size > 1000


def test_the_csv_is_the_library_frontier(run):
    # the command adds nothing of its own: same seed, same cells as disclosure_frontier
    out, _ = run
    table = pd.read_csv(out / "res" / "frontier.csv")
    direct = pa.disclosure_frontier(
        stats.uniform(0, 1), 2, [pa.mechanisms.SecondPrice(), pa.mechanisms.ZeroKLottery(2)],
        [dc.WinnerAndPrice(), dc.RoundedPrice(0.1), dc.WinnerOnly()], 3000, rng=4)
    key = ["mechanism", "disclosure", "quantity", "whose"]
    a = table.fillna({"whose": ""}).set_index(key)["estimate"].sort_index()
    b = direct.set_index(key)["estimate"].sort_index()
    assert list(a.index) == list(b.index)
    assert all((x == y) or (math.isinf(x) and math.isinf(y)) or abs(x - y) < 1e-12
               for x, y in zip(a, b, strict=True))


def test_terminal_table_names_every_cell(tmp_path, capsys):
    status = main(["frontier", "--n-auctions", "2000", "-d", "nothing", "rounded(0.25)",
                   "-m", "spa", "--out", str(tmp_path), "--no-report"])
    text = capsys.readouterr().out
    assert status == 0
    assert "SecondPrice()" in text and "RoundedPrice(step=0.25)" in text
    # the analytical value of the rounded SPA price, as the library computes it
    truth = pa.privacy_loss(pa.mechanisms.SecondPrice(), stats.uniform(0, 1), 2,
                            dc.RoundedPrice(0.25), "runner-up")
    assert f"({truth:.4g})" in text
    assert not (tmp_path / "report.html").exists()


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_figure_formats(tmp_path, fmt):
    status = main(["frontier", "--n-auctions", "1000", "-m", "spa", "-d", "nothing",
                   "--prior", "beta(2,5)", "-n", "3", "--out", str(tmp_path / "r"),
                   "--figures", str(tmp_path / "f"), "--format", fmt, "--no-report"])
    assert status == 0
    head = (tmp_path / "f" / f"frontier_n3.{fmt}").read_bytes()[:200]
    assert (b"<svg" in head or b"<?xml" in head) if fmt == "svg" else head.startswith(b"%PDF")


@pytest.mark.parametrize("argv,flag", [
    (["--prior", "normal"], "--prior"),
    (["--prior", "beta(2,-5)"], "--prior"),
    (["-m", "vickrey"], "--mechanisms"),
    (["-m", "zero-k(0)"], "--mechanisms"),
    (["-d", "rounded(-0.1)"], "--disclosures"),
    (["-d", "noisy(nan)"], "--disclosures"),
    (["-d", "stochastic(8,8,8)"], "--disclosures"),
    (["-n", "1"], "--n-bidders"),
    (["--n-auctions", "50"], "--n-auctions"),
    (["--format", "gif"], "--format"),
    (["--jobs", "0"], "--jobs"),
])
def test_bad_input_is_one_line_and_status_2(tmp_path, capsys, argv, flag):
    with pytest.raises(SystemExit) as exc:
        status = main(["frontier", *argv, "--out", str(tmp_path)])
        raise SystemExit(status)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and flag in err


def test_report_section_marks_infinite_and_unknown_values():
    from privauction.frontier_report import frontier_section

    table = pa.disclosure_frontier(stats.uniform(0, 1), 2, [pa.mechanisms.FirstPrice()],
                                   [dc.PriceOnly(), dc.NoisyPrice(0.1)], 2000, rng=0)
    html = frontier_section(table, plots=False)
    # the first-price price reveals the winner's value (inf); a noisy first-price price has
    # no analytical value (an em dash)
    assert "&infin;" in html and "&mdash;" in html
    assert html.count("<table>") == 1 and "FirstPrice()" in html
