"""A self-contained HTML report of validated claims: tables, verdicts and embedded figures.

The report needs no network and no files beside it: figures are PNGs embedded as base64 data
URIs and the style sheet is inline, so ``report.html`` can be mailed or archived as is.

Contents: a banner with the overall verdict, a table per claim (checks passed), every check
(case, method, analytical value, estimate, interval, verdict in colour, rule), the key figures
(the scenarios' own plot hooks, e.g. SPA privacy loss against n with Euler's γ, the {0,K}
lottery against K, k-price auctions against k, the Example 2 coupling) and, for every claim, a
figure of each estimate with its interval beside the analytical value.

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

import base64
import datetime as _dt
import html
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

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
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eaeef2; }
figcaption { color: #57606a; font-size: .85em; }
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


def figure_to_data_uri(fig, *, dpi: int = 96) -> str:
    """PNG of a matplotlib figure as a ``data:image/png;base64,...`` URI; closes the figure."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _img(uri: str, caption: str) -> str:
    return (f'<figure><img src="{uri}" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def estimate_figure(rows: pd.DataFrame, title: str = ""):
    """Each check's estimate and interval beside its analytical value, in two panels.

    Left: the values (dot and bar: estimate and interval, coloured by the verdict; black
    cross: the analytical value), on a log axis when the positive values span more than two
    decades. Right: where the analytical value falls inside the interval,
    ``(analytical − estimate) / half-width`` on the side it lies (−1 and +1 are the interval's
    ends, so agreement is a point inside the grey band) — one scale for every check, however
    large its value; drawn for agreement checks only (rules that say "inside", "covers" or
    "agree"), not for orderings. Rows without a finite estimate are left out.
    """
    import matplotlib.pyplot as plt

    rows = rows[np.isfinite(pd.to_numeric(rows["estimate"], errors="coerce"))]
    height = 1.3 + 0.22 * max(len(rows), 1)
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(9, min(height, 14)), sharey=True,
                                 gridspec_kw={"width_ratios": [3, 1.3], "wspace": 0.05})
    if len(rows) == 0:
        ax.text(0.5, 0.5, "no finite estimates", ha="center", va="center")
        ax.set_axis_off()
        bx.set_axis_off()
        return fig
    y = np.arange(len(rows))[::-1]
    est = rows["estimate"].to_numpy(float)
    lo = np.where(np.isfinite(rows["ci_low"]), rows["ci_low"], est)
    hi = np.where(np.isfinite(rows["ci_high"]), rows["ci_high"], est)
    colours = np.array([_PASS if v else _FAIL for v in rows["verdict"]])
    ax.hlines(y, lo, hi, colors=colours, lw=2)
    ax.scatter(est, y, c=colours, s=14, zorder=3)
    ana = rows["analytical"].to_numpy(float)
    fin = np.isfinite(ana)
    ax.plot(ana[fin], y[fin], "x", color="black", ms=7, mew=1.5, label="analytical", zorder=4)
    values = np.concatenate([est, lo, hi, ana[fin]])
    positive = values[values > 0]
    if positive.size and values.min() > 0 and positive.max() / positive.min() > 100:
        ax.set_xscale("log")
    labels = [str(c) if len(str(c)) <= 60 else str(c)[:57] + "..." for c in rows["case"]]
    ax.set_yticks(y, labels, fontsize=7 if len(rows) < 40 else 5)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.grid(axis="x", alpha=0.3)
    ax.plot([], [], "o-", color=_PASS, label="estimate, interval (pass)")
    ax.plot([], [], "o-", color=_FAIL, label="estimate, interval (fail)")
    ax.legend(fontsize=7, loc="best")
    ax.set_title(title, fontsize=10)
    # Right panel: the analytical value's position in the interval.
    with np.errstate(divide="ignore", invalid="ignore"):
        half = np.where(ana >= est, hi - est, est - lo)
        pos = (ana - est) / half
    agreement = rows["rule"].astype(str).str.contains(r"inside|covers|agree", case=False)
    ok = fin & np.isfinite(pos) & agreement.to_numpy()
    bx.axvspan(-1, 1, color="0.9")
    bx.axvline(0, color="0.6", lw=0.8)
    bx.scatter(np.clip(pos[ok], -2, 2), y[ok], c=colours[ok], s=14, zorder=3)
    bx.set_xlim(-2.2, 2.2)
    bx.set_xticks([-2, -1, 0, 1, 2], ["<-2", "-1", "0", "1", ">2"])
    bx.set_title("analytical in the interval", fontsize=9)
    bx.set_xlabel("-1, +1: interval ends", fontsize=8)
    return fig


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
            f'<td class="num">{_fmt(secs)}</td><td>{html.escape(desc)}</td></tr>'
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


def _hook_figures(name: str, rows: pd.DataFrame) -> list[str]:
    scenario = registry.get(name) if name in registry else None
    if scenario is None or scenario.plot is None:
        return []
    try:
        figs = scenario.plot(rows)
    except Exception as exc:  # a broken hook is shown, not fatal
        return [f'<p class="error">plot hook of {html.escape(name)} failed: '
                f"{html.escape(type(exc).__name__)}: {html.escape(str(exc))}</p>"]
    if figs is None:
        return []
    if not isinstance(figs, (list, tuple)):
        figs = [figs]
    return [_img(figure_to_data_uri(f), f"{scenario.claim}: {name}") for f in figs]


def build_report(
    results: pd.DataFrame,
    *,
    errors: dict[str, str] | None = None,
    title: str = "privauction: validation of the papers' claims",
    meta: dict | None = None,
    plots: bool = True,
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
    """
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
            key += _hook_figures(name, results[results["scenario"] == name])
        if key:
            parts += ["<h2>Key figures</h2>", '<div class="grid">', *key, "</div>"]
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
            parts.append(f"<p>{html.escape(doc)}</p>")
        parts.append(_checks_table(grp))
        parts.append("</details>")
    if plots:
        parts.append("<h2>Estimates against analytical values, every claim</h2>")
        parts.append("<p>Every finite estimate with its interval (green: the check passes, red: "
                     "it fails) beside the analytical value (black cross) where there is one.</p>")
        parts.append('<div class="grid">')
        for name, grp in results.groupby("scenario", sort=False):
            scenario = registry.get(name) if name in registry else None
            label = f"{_paper(grp, scenario)} {grp['claim'].iloc[0]}".strip()
            fig = estimate_figure(grp, f"{label}: {name}")
            parts.append(_img(figure_to_data_uri(fig), f"{label}: {name}"))
        parts.append("</div>")
    parts.append("</body></html>")
    return "\n".join(parts)


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
