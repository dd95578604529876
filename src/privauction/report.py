"""A self-contained HTML report of validated claims: tables, verdicts and embedded figures.

The report needs no network and no files beside it: figures are PNGs embedded as base64 data
URIs and the style sheet is inline, so ``report.html`` can be mailed or archived as is.

Contents: a banner with the overall verdict, a table per claim (checks passed), every check
(case, method, analytical value, estimate, interval, verdict in colour, rule), the key figures
(the scenarios' own plot hooks, e.g. SPA privacy loss against n with Euler's γ, the {0,K}
lottery against K, k-price auctions against k, the Example 2 coupling) and, for every claim, a
figure of each estimate's relative deviation from its analytical value, with its interval.
Figures are drawn in :func:`privauction.plotting.style`, shown at their print width (PNG at
150 dpi or more) and, with ``figures_dir``, also written as files (png, pdf or svg).

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame([{"scenario": "demo", "claim": "Prop. 0", "case": "x", "analytical": 1.0,
...                       "estimate": 1.01, "ci_low": 0.98, "ci_high": 1.04, "verdict": True,
...                       "rule": "analytical inside the CI"}])
>>> html = build_report(rows, plots=False)
>>> "1 of 1 claims pass" in html
True
"""

from __future__ import annotations

import datetime as _dt
import html
import math
from pathlib import Path

import numpy as np
import pandas as pd

from . import plotting
from .scenarios.registry import RESULT_COLUMNS, registry

__all__ = ["build_report", "write_report", "figure_to_data_uri", "estimate_figure"]

_PASS, _FAIL = "#1a7f37", "#c62828"

_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 1250px; padding: 0 1.5em; color: #1f2328; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: .2em; }
h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .25em; margin-top: 2em; }
h3 { margin-top: 1.6em; }
.meta { color: #57606a; font-size: .9em; }
.banner { padding: .7em 1em; border-radius: 6px; color: white; font-weight: 600;
          font-size: 1.1em; margin: 1em 0; }
.pass { background: #1a7f37; } .fail { background: #c62828; }
table { border-collapse: collapse; font-size: .85em; margin: .6em 0; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 3px 7px; vertical-align: top; }
th { background: #f6f8fa; text-align: left; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.ok { color: #1a7f37; font-weight: 600; } td.bad { color: #c62828; font-weight: 600; }
tr.failed { background: #fff0f0; }
td.rule { color: #57606a; }
figure { margin: 1.2em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eaeef2; }
figcaption { color: #57606a; font-size: .85em; max-width: 840px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(540px, 1fr)); gap: 1em; }
.error { color: #c62828; font-family: monospace; }
code { background: #f6f8fa; padding: 0 .3em; border-radius: 3px; }
details { border: 1px solid #d0d7de; border-radius: 6px; padding: .4em .8em; margin: .5em 0; }
summary { cursor: pointer; } span.ok { color: #1a7f37; } span.bad { color: #c62828; }
"""


def _fmt(x) -> str:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return html.escape(str(x))
    if math.isnan(x):
        return "&mdash;"
    if math.isinf(x):
        return "&infin;" if x > 0 else "&minus;&infin;"
    if x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e5):
        return f"{x:.3e}"
    return f"{x:.4g}" if abs(x) >= 1 else f"{x:.5f}".rstrip("0").rstrip(".") or "0"


def figure_to_data_uri(fig, *, dpi: int = plotting.DPI) -> str:
    """PNG of a matplotlib figure as a ``data:image/png;base64,...`` URI; closes the figure."""
    return plotting.figure_to_data_uri(fig, dpi=dpi)


class _Figures:
    """Collects a report's figures: embeds each in the HTML at its print width and, with a
    directory, also writes it there as ``<stem>.<format>``."""

    def __init__(self, directory=None, format: str = "png", dpi: int = plotting.DPI):
        if format not in plotting.FORMATS:
            raise ValueError(f"`figure_format` must be one of {', '.join(plotting.FORMATS)}; "
                             f"got {format!r}")
        self.directory = None if directory is None else Path(directory)
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
        self.format, self.dpi, self.written = format, dpi, []

    def html(self, fig, stem: str, caption: str) -> str:
        if self.directory is not None:
            path = self.directory / f"{plotting.slug(stem)}.{self.format}"
            self.written.append(plotting.save_figure(fig, path, format=self.format,
                                                     dpi=self.dpi, close=False))
        return plotting.figure_html(fig, caption, dpi=max(self.dpi, plotting.DPI))


_AGREEMENT = r"inside|covers|agree|equals"


def _interval_text(rows: pd.DataFrame) -> str:
    """How the rows' intervals were made, for a caption."""
    methods = set(rows["method"].dropna().astype(str)) if "method" in rows else set()
    parts = []
    if "alpha" in rows and rows["alpha"].notna().any():
        alpha = pd.to_numeric(rows["alpha"], errors="coerce").dropna()
        level = (f"at level 1 − α per check (α = {_plain_fmt(alpha.min())}"
                 + (f" to {_plain_fmt(alpha.max())}" if alpha.max() > alpha.min() else "")
                 + ", the run's 0.1 % split over claims, checks and looks)")
    else:
        level = "at the scenario's confidence level"
    parts.append(f"Intervals {level}: estimate ± z·(standard error), widened by the "
                 "estimated finite-sample bias")
    how = []
    if methods & {"observer", "observer posterior KL"}:
        how.append("the observer's: a normal (CLT) interval of the mean of per-auction KL "
                   "terms")
    if methods & {"mixed", "ksg", "binned", "gao"}:
        how.append("kNN and binned estimates: subsampling without replacement (m out of n)")
    if methods & {"quadrature", "closed form", "solver"}:
        how.append("quadrature, closed forms and solvers are deterministic (no interval)")
    return parts[0] + (("; " + "; ".join(how)) if how else "") + "."


def _sizes_text(rows: pd.DataFrame) -> str:
    col = "size" if "size" in rows and rows["size"].notna().any() else "n_auctions"
    if col not in rows:
        return ""
    sizes = pd.to_numeric(rows[col], errors="coerce").dropna()
    if not len(sizes):
        return "Deterministic checks (no samples)."
    low, high = int(sizes.min()), int(sizes.max())
    span = f"{low:,}" if low == high else f"{low:,} to {high:,}"
    return f"Samples per estimate: {span} (simulated auctions, buyers or seasons)."


def _plain_fmt(x) -> str:
    return html.unescape(_fmt(x))


def estimate_figure(rows: pd.DataFrame, title: str = ""):
    """Each check's estimate and interval against its analytical value, on unit-free axes.

    The checks of one claim measure different quantities (privacy loss in nats, probabilities,
    profits, counts, slopes), so no common value axis exists; both panels are normalised.
    Left: the relative deviation ``(estimate − analytical) / |analytical|`` in percent, with the
    interval mapped the same way (dot: estimate; bar: interval; green pass, red fail, orange
    inconclusive); the zero line is agreement; a symmetric-log axis when some deviation exceeds
    20 %. Right: where the analytical value falls inside the interval,
    ``(analytical − estimate) / half-width`` on the side it lies (−1 and +1 are the interval's
    ends: agreement is a point inside the grey band), for agreement checks (``kind`` equal or
    exact; without a ``kind`` column, rules that say "inside", "covers", "agree" or "equals"),
    not orderings. Rows without a finite nonzero
    analytical value and a finite estimate are left out (they are in the report's tables);
    the figure says how many.
    """
    import textwrap

    import matplotlib.ticker

    est_all = pd.to_numeric(rows["estimate"], errors="coerce").to_numpy(float)
    ana_all = pd.to_numeric(rows["analytical"], errors="coerce").to_numpy(float)
    keep = _plottable(rows)
    left_out = int((~keep).sum())
    rows = rows[keep]
    labels = ["\n".join(textwrap.wrap(plotting.plain_text(c), 46)) or " "
              for c in rows["case"]]
    lines = np.array([lab.count("\n") + 1 for lab in labels], dtype=float)
    height = 1.2 + 0.17 * float(lines.sum()) + 0.05 * len(rows)
    with plotting.style():
        fig, (ax, bx) = plotting.subplots(
            1, 2, height=min(max(height, 2.2), 16.0), sharey=True,
            gridspec_kw={"width_ratios": [1.6, 1.0]})
        if len(rows) == 0:
            ax.text(0.5, 0.5, "no check with a finite estimate and a finite nonzero "
                    "analytical value", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            bx.set_axis_off()
            if title:
                fig.suptitle(plotting.plain_text(title))
            return fig
        # rows stacked downwards, each as tall as its label
        y = -(np.cumsum(lines) - lines / 2.0)
        est = est_all[keep]
        ana = ana_all[keep]
        lo = pd.to_numeric(rows["ci_low"], errors="coerce").to_numpy(float)
        hi = pd.to_numeric(rows["ci_high"], errors="coerce").to_numpy(float)
        lo = np.where(np.isfinite(lo), lo, est)
        hi = np.where(np.isfinite(hi), hi, est)
        outcomes = [_outcome(r) for _, r in rows.iterrows()]
        colours = np.array([{"pass": plotting.PASS, "fail": plotting.FAIL}.get(o, "#d9822b")
                            for o in outcomes])
        scale = np.abs(ana)
        rel = 100.0 * (est - ana) / scale
        rel_lo, rel_hi = 100.0 * (lo - ana) / scale, 100.0 * (hi - ana) / scale
        ax.hlines(y, rel_lo, rel_hi, colors=colours, lw=2)
        ax.scatter(rel, y, c=colours, s=14, zorder=3)
        ax.axvline(0.0, color="black", lw=0.8)
        ends = np.concatenate([rel_lo, rel_hi, rel])
        left, right = min(float(np.nanmin(ends)), 0.0), max(float(np.nanmax(ends)), 0.0)
        if max(-left, right) > 20.0:   # decades beyond +-1 %, linear inside; ticks in %
            ax.set_xscale("symlog", linthresh=1.0, linscale=0.5)
            ticks = [0.0]
            for e in range(0, int(np.ceil(np.log10(max(-left, right)))) + 1):
                ticks += [t for t in (-(10.0**e), 10.0**e)
                          if (t < 0 and t >= 1.5 * left - 1) or (t > 0 and t <= 1.5 * right + 1)]
            ticks = sorted(ticks)
            ax.set_xticks(ticks, [f"{t:g}".replace("-", "−") for t in ticks])
            ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
            ax.set_xlim(min(left * 1.3, -0.5), max(right * 1.3, 0.5))
        ax.set_yticks(y, labels)
        ax.set_ylim(float(y.min()) - 0.8, 0.2)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("(estimate − analytical) / |analytical|  (%)")
        handles = [_legend_entry(colour, label) for label, colour in (
            ("pass", plotting.PASS), ("fail", plotting.FAIL), ("inconclusive", "#d9822b"))
            if label in outcomes or label == "inconclusive" and any(
                o not in ("pass", "fail") for o in outcomes)]
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3,
                  borderaxespad=0.2)
        with np.errstate(divide="ignore", invalid="ignore"):
            half = np.where(ana >= est, hi - est, est - lo)
            pos = (ana - est) / half
        if "kind" in rows and rows["kind"].notna().any():
            agreement = rows["kind"].astype(str).isin(["equal", "exact"]).to_numpy()
        else:
            agreement = rows["rule"].astype(str).str.contains(_AGREEMENT, case=False).to_numpy()
        ok = np.isfinite(pos) & agreement
        bx.axvspan(-1, 1, color="0.9", zorder=0)
        bx.axvline(0, color="0.6", lw=0.8)
        bx.scatter(np.clip(pos[ok], -2, 2), y[ok], c=colours[ok], s=14, zorder=3)
        bx.set_xlim(-2.3, 2.3)
        bx.set_xticks([-2, -1, 0, 1, 2], ["≤−2", "−1", "0", "1", "≥2"])
        bx.grid(axis="y", visible=False)
        bx.set_xlabel("analytical value's place\nin the interval")
        if title:
            note = (f"\n({left_out} of {left_out + len(rows)} checks have no finite nonzero "
                    "analytical value: in the tables only)") if left_out else ""
            fig.suptitle(plotting.plain_text(title) + note)
    return fig


def _plottable(rows: pd.DataFrame) -> np.ndarray:
    """Rows the estimate figure can draw: a finite estimate and a finite nonzero analytical
    value."""
    est = pd.to_numeric(rows["estimate"], errors="coerce").to_numpy(float)
    ana = pd.to_numeric(rows["analytical"], errors="coerce").to_numpy(float)
    return np.isfinite(est) & np.isfinite(ana) & (ana != 0)


def _legend_entry(colour: str, label: str):
    """A legend entry: a dot on a bar in ``colour``."""
    from matplotlib.lines import Line2D

    return Line2D([], [], color=colour, marker="o", lw=2, ms=4, label=label)


def _claims_table(results: pd.DataFrame, errors: dict[str, str]) -> str:
    lines = ["<table><tr><th>paper</th><th>claim</th><th>scenario</th><th>checks passed</th>"
             "<th>verdict</th><th>seconds</th><th>what it checks</th></tr>"]
    for name, grp in results.groupby("scenario", sort=False):
        if name in errors:
            continue
        ok = bool(grp["verdict"].all())
        outcomes = {_outcome(r) for _, r in grp.iterrows()}
        label = "PASS" if ok else ("FAIL" if "fail" in outcomes else "INCONCLUSIVE")
        scenario = registry.get(name) if name in registry else None
        desc = scenario.description if scenario is not None else ""
        secs = grp["elapsed_s"].iloc[0] if "elapsed_s" in grp else float("nan")
        lines.append(
            f'<tr class="{"" if ok else "failed"}"><td>{html.escape(_paper(grp, scenario))}</td>'
            f'<td>{html.escape(str(grp["claim"].iloc[0]))}'
            f'</td><td><a href="#{html.escape(name)}"><code>{html.escape(name)}</code></a></td>'
            f'<td class="num">{int(grp["verdict"].sum())} / {len(grp)}</td>'
            f'<td class="{"ok" if ok else "bad"}">{label}</td>'
            f'<td class="num">{_fmt(secs)}</td>'
            f'<td>{html.escape(plotting.plain_text(desc))}</td></tr>'
        )
    for name, error in errors.items():
        claim = registry.get(name).claim if name in registry else ""
        lines.append(
            f'<tr class="failed"><td></td><td>{html.escape(claim)}</td>'
            f'<td><code>{html.escape(name)}</code></td><td class="num">0 / 0</td>'
            f'<td class="bad">ERROR</td><td></td>'
            f'<td class="error">{html.escape(error)}</td></tr>'
        )
    lines.append("</table>")
    return "\n".join(lines)


def _outcome(r) -> str:
    if "outcome" in r and isinstance(r["outcome"], str):
        return r["outcome"]
    return "pass" if bool(r["verdict"]) else "fail"


def _checks_table(results: pd.DataFrame) -> str:
    has_method = "method" in results
    has_design = "power" in results
    head = ("<table><tr><th>claim</th><th>case</th>" + ("<th>method</th>" if has_method else "")
            + "<th>analytical</th><th>estimate</th><th>interval</th><th>outcome</th>"
            + ("<th>level α</th><th>power</th><th>samples (look)</th>" if has_design else "")
            + "<th>rule</th></tr>")
    lines = [head]
    marks = {"pass": ("ok", "pass"), "fail": ("bad", "FAIL"),
             "inconclusive": ("bad", "inconclusive")}
    for _, r in results.iterrows():
        outcome = _outcome(r)
        css, mark = marks.get(outcome, ("bad", outcome))
        method = (f"<td>{html.escape(str(r['method']) if pd.notna(r['method']) else '')}</td>"
                  if has_method else "")
        design = ""
        if has_design:
            stage = int(r["stage"]) if pd.notna(r.get("stage")) else 1
            size = r.get("size")
            samples = f"{_fmt(size)} ({stage})" if pd.notna(size) else f"- ({stage})"
            design = (f'<td class="num">{_fmt(r.get("alpha"))}</td>'
                      f'<td class="num">{_fmt(r.get("power"))}</td>'
                      f'<td class="num">{samples}</td>')
        lines.append(
            f'<tr class="{"" if outcome == "pass" else "failed"}">'
            f'<td>{html.escape(str(r["claim"]))}</td>'
            f'<td>{html.escape(str(r["case"]))}</td>{method}'
            f'<td class="num">{_fmt(r["analytical"])}</td><td class="num">{_fmt(r["estimate"])}'
            f'</td><td class="num">[{_fmt(r["ci_low"])}, {_fmt(r["ci_high"])}]</td>'
            f'<td class="{css}">{mark}</td>{design}'
            f'<td class="rule">{html.escape(str(r["rule"]))}</td></tr>'
        )
    lines.append("</table>")
    return "\n".join(lines)


def _hook_figures(name: str, rows: pd.DataFrame, figures: _Figures) -> list[str]:
    scenario = registry.get(name) if name in registry else None
    if scenario is None or scenario.plot is None:
        return []
    try:
        with plotting.style():
            figs = scenario.plot(rows)
    except Exception as exc:  # a broken hook is shown, not fatal
        return [f'<p class="error">plot hook of {html.escape(name)} failed: '
                f"{html.escape(type(exc).__name__)}: {html.escape(str(exc))}</p>"]
    if figs is None:
        return []
    if not isinstance(figs, (list, tuple)):
        figs = [figs]
    label = _claim_label(rows, scenario)
    out = []
    for i, fig in enumerate(figs, 1):
        what = plotting.math_to_text(_figure_title(fig))
        caption = (f"{label}, {name}{': ' + what if what else ''}. "
                   f"{plotting.plain_text(scenario.description).rstrip('.')}. "
                   f"{_sizes_text(rows)} "
                   f"{_interval_text(rows)}")
        stem = name if len(figs) == 1 else f"{name}-{i}"
        out.append(figures.html(fig, stem, caption))
    return out


def _figure_title(fig) -> str:
    """The figure's suptitle, or its first axes' title (for a caption)."""
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_text():
        return sup.get_text()
    for ax in fig.axes:
        if ax.get_title():
            return ax.get_title()
    return ""


def build_report(
    results: pd.DataFrame,
    *,
    errors: dict[str, str] | None = None,
    title: str = "privauction: validation of the papers' claims",
    meta: dict | None = None,
    plots: bool = True,
    figures_dir=None,
    figure_format: str = "png",
    dpi: int = plotting.DPI,
) -> str:
    """The HTML text of the report for a results table (one row per check).

    Parameters
    ----------
    results : DataFrame
        Rows with at least :data:`~privauction.scenarios.RESULT_COLUMNS`.
    errors : dict, optional
        ``scenario -> message`` for scenarios that raised; shown as failed claims.
    title : str
    meta : dict, optional
        Shown under the title (command, seed, mode, runtime, ...).
    plots : bool
        Draw figures (False gives a fast table-only report).
    figures_dir : str or Path, optional
        Also write every figure there, as ``<claim>.<format>`` (a claim's plot hook; numbered
        when it draws several) and ``<claim>-estimates.<format>``.
    figure_format : {"png", "pdf", "svg"}
        Format of the files in ``figures_dir``.
    dpi : int
        Resolution of PNG files (the report's embedded PNGs use at least 150 dpi).
    """
    figures = _Figures(figures_dir if plots else None, figure_format, dpi)
    errors = dict(errors or {})
    missing = [c for c in RESULT_COLUMNS if c not in results]
    if missing:
        raise ValueError(f"`results` lacks the column(s) {', '.join(missing)}")
    n_claims = results["scenario"].nunique() + len(errors)
    n_pass = int(results.groupby("scenario")["verdict"].all().sum())
    n_checks, n_checks_pass = len(results), int(results["verdict"].sum())
    ok = n_pass == n_claims
    meta = dict(meta or {})
    meta.setdefault("generated", _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    meta_html = " &middot; ".join(
        f"{html.escape(str(k))}: <code>{html.escape(str(v))}</code>" for k, v in meta.items()
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="meta">{meta_html}</p>',
        f'<div class="banner {"pass" if ok else "fail"}">{n_pass} of {n_claims} claims pass '
        f"({n_checks_pass} of {n_checks} checks)</div>",
        "<p>Each check states a claim about one measured quantity (equal to the value the paper "
        "proves, or beyond a reference) and is decided at the run's level: it <b>fails</b> "
        "only when its interval contradicts the claim, <b>passes</b> only when the interval "
        "confirms it within the check's relevant deviation, and is otherwise "
        "<b>inconclusive</b>, when more samples are drawn (up to a budget). Per check and look, "
        "a correct claim fails, and a claim off by its relevant deviation passes, with "
        "probability at most the level α shown; the power is the probability of a pass when "
        "the claim holds. Deterministic checks (quadrature, solvers) have no α. Privacy loss is "
        "the mutual information between the winner's value and the price, in nats "
        "(Definition 2 of the auction paper).</p>",
        "<h2>Claims</h2>",
        _claims_table(results, errors),
    ]
    if plots:
        key = []
        for name in results["scenario"].unique():
            key += _hook_figures(name, results[results["scenario"] == name], figures)
        if key:
            parts += ['<h2 id="key-figures">Key figures</h2>', *key]
    if "replication" in results and results["replication"].nunique() > 1:
        from .scenarios import pass_rates

        rates = pass_rates(results)
        lines = ["<h2>Pass rate across replications</h2>", "<table><tr><th>claim</th>"
                 "<th>case</th><th>passed</th><th>rate</th></tr>"]
        for _, r in rates.iterrows():
            ok = r["passed"] == r["replications"]
            lines.append(
                f'<tr class="{"" if ok else "failed"}"><td>{html.escape(str(r["scenario"]))}'
                f'</td><td>{html.escape(str(r["case"]))}</td><td class="num">{r["passed"]} / '
                f'{r["replications"]}</td><td class="num {"ok" if ok else "bad"}">'
                f'{r["rate"]:.0%}</td></tr>')
        lines.append("</table>")
        parts += lines
    parts.append("<h2>Every check, claim by claim</h2>")
    parts.append("<p>Click a claim to open its checks; claims with a failed check are open.</p>")
    for name, grp in results.groupby("scenario", sort=False):
        scenario = registry.get(name) if name in registry else None
        ok = bool(grp["verdict"].all())
        label = f"{_paper(grp, scenario)} {grp['claim'].iloc[0]}".strip()
        parts.append(
            f'<details id="{html.escape(name)}"{"" if ok else " open"}><summary><b>'
            f"{html.escape(label)}</b>: <code>{html.escape(name)}</code> &mdash; "
            f'<span class="{"ok" if ok else "bad"}">{int(grp["verdict"].sum())} of {len(grp)} '
            f"checks pass</span></summary>"
        )
        if scenario is not None:
            doc = _module_doc(scenario) or scenario.description
            parts.append(f"<p>{html.escape(plotting.plain_text(doc))}</p>")
        parts.append(_checks_table(grp))
        parts.append("</details>")
    if plots:
        parts.append('<h2 id="estimates">Estimates against analytical values, every claim</h2>')
        parts.append(
            "<p>One figure per claim. The checks of a claim measure different quantities "
            "(privacy loss in nats, probabilities, profits, counts, slopes), so the figures "
            "use unit-free axes: left, the relative deviation of the estimate from the "
            "analytical value, with its interval (green: the check passes, red: it fails, "
            "orange: inconclusive); right, where the analytical value lies inside the "
            "interval, in half-widths (inside the grey band: the interval covers it). The "
            "values themselves, in their units, are in the tables above.</p>")
        skipped = []
        for name, grp in results.groupby("scenario", sort=False):
            scenario = registry.get(name) if name in registry else None
            label = f"{_paper(grp, scenario)} {grp['claim'].iloc[0]}".strip()
            if not _plottable(grp).any():
                skipped.append(name)
                continue
            fig = estimate_figure(grp, f"{_claim_label(grp, scenario)}: {name}")
            caption = (f"{_claim_label(grp, scenario)}, {name}: each check's relative "
                       "deviation from its analytical value, with its interval, and the "
                       f"analytical value's place in the interval; {len(grp)} checks. "
                       f"{_sizes_text(grp)} {_interval_text(grp)}")
            parts.append(figures.html(fig, f"{name}-estimates", caption))
        if skipped:
            parts.append("<p>No check with a finite estimate and a finite nonzero analytical "
                         "value (nothing to draw; see the tables): "
                         + ", ".join(f"<code>{html.escape(n)}</code>" for n in skipped)
                         + ".</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _claim_label(rows: pd.DataFrame, scenario) -> str:
    """``Prop. 3 (auction paper)``: the claim and its paper, for figure titles."""
    paper = _paper(rows, scenario)
    claim = plotting.plain_text(rows["claim"].iloc[0])
    return f"{claim} ({paper} paper)" if paper else claim


def _paper(rows: pd.DataFrame, scenario) -> str:
    if "paper" in rows and pd.notna(rows["paper"].iloc[0]):
        return str(rows["paper"].iloc[0])
    return scenario.paper if scenario is not None else ""


def _module_doc(scenario) -> str:
    import sys

    module = sys.modules.get(scenario.func.__module__)
    doc = (getattr(module, "__doc__", None) or "").strip()
    if not doc:
        return ""
    return " ".join(doc.split("\n\n")[0].split())


def write_report(results: pd.DataFrame, path, **kwargs) -> Path:
    """Write :func:`build_report`'s HTML to ``path`` (UTF-8); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(build_report(results, **kwargs), encoding="utf-8")
    return path
