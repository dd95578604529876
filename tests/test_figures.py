"""Figures: one style (no global rcParams change), --figures files in each format from every
command that draws, legible fonts, and progress bars that stay silent off a terminal."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy import stats  # noqa: E402

import privauction as pa  # noqa: E402
from privauction import plotting  # noqa: E402
from privauction.cli import main  # noqa: E402
from privauction.report import build_report, estimate_figure  # noqa: E402

MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}


def _valid(path, fmt: str) -> bool:
    """The file is what matplotlib writes in ``fmt``: its magic bytes, or an SVG root."""
    head = path.read_bytes()[:400]
    if fmt == "svg":
        return b"<svg" in head and path.read_bytes().rstrip().endswith(b"</svg>")
    return head.startswith(MAGIC[fmt])


def _texts(fig):
    fig.canvas.draw()
    for t in fig.findobj(matplotlib.text.Text):
        if t.get_visible() and t.get_text().strip():
            yield t


def test_style_changes_rcparams_only_inside():
    before = dict(matplotlib.rcParams)
    with plotting.style():
        assert matplotlib.rcParams["font.size"] == plotting.RC["font.size"]
    assert dict(matplotlib.rcParams) == before


def test_report_figures_have_text_of_at_least_8_points():
    rows = pd.DataFrame([
        {"scenario": "s", "claim": "Prop. 0", "case": f"case {i} " + "long words " * 8,
         "analytical": 0.3, "estimate": 0.3 + 0.01 * i, "ci_low": 0.29 + 0.01 * i,
         "ci_high": 0.31 + 0.01 * i, "verdict": True, "rule": "r", "kind": "equal"}
        for i in range(5)])
    fig = estimate_figure(rows, "Prop. 0 (test paper): ``s``")
    sizes = [t.get_fontsize() for t in _texts(fig)]
    assert sizes and min(sizes) >= 8.0
    assert fig.get_size_inches()[0] <= plotting.WIDTH
    # no reStructuredText markup reaches a figure
    assert not any("`" in t.get_text() for t in _texts(fig))
    plt.close(fig)


def test_estimate_figure_is_unit_free_and_counts_what_it_leaves_out():
    rows = pd.DataFrame([
        {"scenario": "s", "claim": "c", "case": "nats", "analytical": 0.5, "estimate": 0.51,
         "ci_low": 0.49, "ci_high": 0.53, "verdict": True, "rule": "r", "kind": "equal"},
        {"scenario": "s", "claim": "c", "case": "profit", "analytical": 20.0, "estimate": 19.0,
         "ci_low": 18.0, "ci_high": 21.0, "verdict": True, "rule": "r", "kind": "equal"},
        {"scenario": "s", "claim": "c", "case": "ordering", "analytical": np.nan,
         "estimate": 0.1, "ci_low": 0.05, "ci_high": 0.15, "verdict": True, "rule": "r",
         "kind": "greater"},
    ])
    fig = estimate_figure(rows, "t")
    left = fig.axes[0]
    # both plotted rows on one relative axis: 2 % above and 5 % below the analytical value
    xs = sorted(np.round(left.collections[-1].get_offsets()[:, 0], 6))
    assert xs == [-5.0, 2.0]
    assert "%" in left.get_xlabel()
    assert "1 of 3 checks" in fig._suptitle.get_text()
    plt.close(fig)


def test_validate_writes_every_figure_in_the_chosen_format(tmp_path, capsys):
    # png here; svg through `run` below, pdf through build_report and the frontier's tests
    fmt, figs = "png", tmp_path / "fig"
    status = main(["validate", "--quick", "--only", "lemma1-bound", "--jobs", "1",
                   "--out", str(tmp_path / "out"), "--figures", str(figs), "--format", fmt,
                   "--dpi", "60", "--no-progress"])
    assert status == 0, capsys.readouterr().err
    names = sorted(p.name for p in figs.iterdir())
    assert names == [f"lemma1-bound-estimates.{fmt}", f"lemma1-bound.{fmt}"]
    assert all(_valid(figs / n, fmt) for n in names)
    html = (tmp_path / "out" / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 2


def test_run_writes_figures_without_a_report(tmp_path, capsys):
    figs = tmp_path / "fig"
    status = main(["run", "lemma1-bound", "--quick", "--out", str(tmp_path / "out"),
                   "--figures", str(figs), "--format", "svg", "--no-report", "--no-progress"])
    assert status == 0, capsys.readouterr().err
    assert _valid(figs / "lemma1-bound.svg", "svg")
    assert not (tmp_path / "out" / "report.html").exists()


def test_png_dpi_is_applied(tmp_path, capsys):
    args = ["frontier", "--n-auctions", "1000", "-m", "spa", "-d", "nothing", "-n", "2",
            "--out", str(tmp_path / "r"), "--figures", str(tmp_path / "f"), "--no-report"]
    assert main([*args, "--dpi", "60"]) == 0
    small = (tmp_path / "f" / "frontier_n2.png")
    assert _valid(small, "png")
    width_60 = int.from_bytes(small.read_bytes()[16:20], "big")   # the IHDR width
    assert main([*args, "--dpi", "120"]) == 0
    width_120 = int.from_bytes(small.read_bytes()[16:20], "big")
    assert width_120 == pytest.approx(2 * width_60, abs=2)
    assert width_60 == pytest.approx(plotting.WIDTH * 60, abs=2)


@pytest.mark.parametrize("dpi", ["10", "x"])
def test_bad_dpi_is_a_usage_error(dpi, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["frontier", "--dpi", dpi, "--out", str(tmp_path)])
    assert exc.value.code == 2 and "--dpi" in capsys.readouterr().err


def test_mechanism_label_names_the_reserve_used():
    label = plotting.mechanism_label(pa.mechanisms.ReservePrice(), stats.uniform(0, 1))
    assert label == "ReservePrice(reserve=0.5, Myerson's)"
    assert plotting.mechanism_label(pa.mechanisms.SecondPrice()) == "SecondPrice()"


def test_progress_is_silent_off_a_terminal_and_does_not_change_draws(monkeypatch):
    mech, prior = pa.mechanisms.SecondPrice(), stats.uniform(0, 1)
    err = io.StringIO()                           # not a terminal
    monkeypatch.setattr("sys.stderr", err)
    quiet = pa.simulate(mech, prior, 2, 5_000, rng=3, chunk_size=1_000)
    assert err.getvalue() == ""
    shown = pa.simulate(mech, prior, 2, 5_000, rng=3, chunk_size=1_000, progress=True)
    np.testing.assert_array_equal(quiet.price, shown.price)
    est = pa.estimate_privacy_loss(quiet, method="ksg", rng=0, n_resamples=10)
    assert err.getvalue() == ""
    again = pa.estimate_privacy_loss(quiet, method="ksg", rng=0, n_resamples=10, progress=True)
    assert (est.estimate, est.ci_low, est.ci_high) == (again.estimate, again.ci_low,
                                                       again.ci_high)
    from privauction import disclosure as dc

    quiet_rounded = pa.estimate_privacy_loss(quiet, disclosure=dc.RoundedPrice(0.1), rng=0,
                                             n_resamples=10)
    assert err.getvalue() == ""
    shown_rounded = pa.estimate_privacy_loss(quiet, disclosure=dc.RoundedPrice(0.1), rng=0,
                                             n_resamples=10, progress=True)
    assert (quiet_rounded.ci_low, quiet_rounded.ci_high) == (shown_rounded.ci_low,
                                                             shown_rounded.ci_high)


def test_report_can_write_figures_without_plots_disabled(tmp_path):
    rows = pd.DataFrame([{"scenario": "s", "claim": "c", "case": "x", "analytical": 1.0,
                          "estimate": 1.0, "ci_low": 0.9, "ci_high": 1.1, "verdict": True,
                          "rule": "r"}])
    build_report(rows, figures_dir=tmp_path / "f", figure_format="pdf", dpi=60)
    assert _valid(tmp_path / "f" / "s-estimates.pdf", "pdf")
    with pytest.raises(ValueError, match="`figure_format`"):
        build_report(rows, figures_dir=tmp_path / "g", figure_format="gif")


def test_frontier_names_the_reserve_used():
    from privauction import disclosure as dc
    from privauction.frontier_report import frontier_section

    table = pa.disclosure_frontier(stats.uniform(0, 1), 2, [pa.mechanisms.ReservePrice()],
                                   [dc.Nothing()], 1_000, rng=0, progress=False)
    assert set(table["mechanism_label"]) == {"ReservePrice(reserve=0.5, Myerson's)"}
    assert "ReservePrice(reserve=0.5, Myerson&#x27;s)" in frontier_section(table, plots=False)


def test_an_unwritable_figures_dir_is_a_one_line_error_naming_the_flag(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    status = main(["validate", "--quick", "--only", "example1", "--out", str(tmp_path / "o"),
                   "--figures", str(blocker / "sub"), "--no-progress"])
    assert status == 2
    assert "--figures" in capsys.readouterr().err
