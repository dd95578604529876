"""The disclosure frontier as a self-contained HTML report section (and page).

:func:`frontier_section` turns a table of :func:`privauction.disclosure_frontier` into HTML: the
frontier figure (revenue against each person's privacy loss, embedded with
:func:`privauction.plotting.figure_html`) and one table per mechanism, a row per
disclosure with revenue, welfare and every person's loss (estimate, interval, analytical value
where one is known). :func:`write_frontier_report` writes it as a page, as ``privauction
frontier`` does.

Examples
--------
>>> import privauction as pa
>>> from privauction import disclosure as dc
>>> from scipy import stats
>>> table = pa.disclosure_frontier(stats.uniform(0, 1), 2, [pa.mechanisms.SecondPrice()],
...                                [dc.WinnerOnly(), dc.Nothing()], 2_000, rng=0)
>>> html = frontier_section(table, plots=False)
>>> "WinnerOnly()" in html and "<table>" in html
True
"""

from __future__ import annotations

import datetime as _dt
import html
from pathlib import Path

import numpy as np
import pandas as pd

from . import plotting
from .frontier import plot_disclosure_frontier
from .privacy import WHOSE
from .report import _CSS, _fmt

__all__ = ["frontier_section", "write_frontier_report"]


def _interval(row) -> str:
    if bool(row.get("infinite", False)) or not np.isfinite(row["estimate"]):
        return "&infin;"
    # two lines (estimate, interval): the table then fits the page
    return f"{_fmt(row['estimate'])}<br>[{_fmt(row['ci_low'])}, {_fmt(row['ci_high'])}]"


def _mechanism_table(rows: pd.DataFrame) -> str:
    people = [w for w in WHOSE if w in set(rows["whose"])]
    head = ("<tr><th>disclosure</th><th>revenue</th><th>welfare</th>"
            + "".join(f"<th>{html.escape(p)}'s loss (nats)</th><th>analytical</th>"
                      for p in people) + "</tr>")
    body = []
    for disclosure, part in rows.groupby("disclosure", sort=False):
        by = {(r["quantity"], r["whose"]): r for _, r in part.iterrows()}
        cells = [f"<td><code>{html.escape(str(disclosure))}</code></td>"]
        for q in ("revenue", "welfare"):
            r = by.get((q, ""))
            cells.append(f'<td class="num">{_interval(r) if r is not None else "&mdash;"}</td>')
        for p in people:
            r = by.get(("privacy_loss", p))
            if r is None:
                cells += ['<td class="num">&mdash;</td>'] * 2
                continue
            cells.append(f'<td class="num">{_interval(r)}</td>')
            cells.append(f'<td class="num">{_fmt(r["analytical"])}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return "<table>" + head + "".join(body) + "</table>"


def frontier_section(table: pd.DataFrame, *, title: str = "Disclosure frontier",
                     plots: bool = True) -> str:
    """HTML of one frontier: its figure and a table per mechanism.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`privauction.disclosure_frontier` (one replication is shown: the first).
    title : str
        The section's heading.
    plots : bool
        Embed the frontier figure (:func:`privauction.frontier.plot_disclosure_frontier`).

    Returns
    -------
    str
        An HTML fragment (``<section>...</section>``); intervals at the table's ``level``,
        ``&infin;`` where the disclosure reveals the value.
    """
    if "replication" in table:
        table = table[table["replication"] == table["replication"].min()]
    parts = [f"<section><h2>{html.escape(title)}</h2>"]
    level = float(table["level"].iloc[0]) if "level" in table and len(table) else 0.95
    audience = str(table["audience"].iloc[0]) if "audience" in table and len(table) else ""
    parts.append(
        f'<p class="meta">{int(table["n_auctions"].iloc[0]) if len(table) else 0} auctions per '
        f"mechanism; intervals at {level:.0%}"
        + (f"; audience: {html.escape(audience)}" if audience else "")
        + ". Analytical values where one is known (&mdash; where none is).</p>"
    )
    if plots and len(table):
        n = int(table["n_auctions"].iloc[0])
        parts.append(plotting.figure_html(
            plot_disclosure_frontier(table, title=title),
            f"{title}: revenue per auction against each person's privacy loss (nats), one "
            f"marker per mechanism, one colour per disclosure; {n:,} simulated auctions per "
            f"mechanism; bars: {level:.0%} intervals (revenue: normal interval of the mean; "
            "privacy loss: the estimator's interval, see the tables); an infinite loss is "
            "drawn at ∞."))
    for mechanism, rows in table.groupby("mechanism", sort=False):
        label = (rows["mechanism_label"].iloc[0] if "mechanism_label" in rows
                 else mechanism)   # with the reserve actually used
        parts.append(f"<h3><code>{html.escape(str(label))}</code></h3>")
        parts.append(_mechanism_table(rows))
    parts.append("</section>")
    return "\n".join(parts)


def write_frontier_report(tables, path, *, meta: dict | None = None) -> Path:
    """Write a self-contained HTML page with one :func:`frontier_section` per table.

    ``tables`` maps a section title to a frontier table (or is one table); ``meta`` is shown
    as ``key: value`` lines under the heading. Returns the path written.
    """
    if isinstance(tables, pd.DataFrame):
        tables = {"Disclosure frontier": tables}
    path = Path(path)
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = "".join(f"{html.escape(str(k))}: {html.escape(str(v))}<br>"
                    for k, v in (meta or {}).items())
    sections = "\n".join(frontier_section(t, title=title) for title, t in tables.items())
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>privauction: disclosure frontier</title><style>{_CSS}</style></head><body>"
        "<h1>privauction: disclosure frontier</h1>"
        f'<p class="meta">Revenue, welfare and every person\'s privacy loss under each '
        f"mechanism and publication rule. Generated {stamp}.<br>{lines}</p>"
        f"{sections}</body></html>"
    )
    path.write_text(page, encoding="utf-8")
    return path
