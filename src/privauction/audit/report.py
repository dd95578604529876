"""The audit's self-contained HTML report: recovered values, GPV diagnostics, the frontier.

One page, no files beside it (figures are PNGs embedded by
:func:`privauction.plotting.figure_html`, at print width): the data and their cleaning, the
model in words (:data:`privauction.audit.MODEL` as filled in by the fit), the recovered value
density, the GPV diagnostics (the recovered inverse bid function per number of bidders, which
the model needs increasing), the market's revenue-privacy frontier (each mechanism and
disclosure, averaged over the market's mix of auction sizes, against the winner's,
runner-up's and a bidder's privacy loss) and the full audit table. Built by
``privauction audit``; usable on its own::

    fit = pa.audit.recover_values(bids, auction="auctionid", bid="actual_bid")
    table = pa.audit.audit(fit)
    write_audit_report(fit, table, "audit.html")
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import numpy as np
import pandas as pd

from .. import plotting
from ..report import _CSS, _fmt
from .audit import WHOSE_COLUMNS

__all__ = ["audit_figures", "build_audit_report", "market_summary", "write_audit_report",
           "TODAY"]

#: The row that is today's practice in a first-price market that publishes every bid.
TODAY = ("FirstPrice()", "AllBids(with_identities=False)")

_LABELS = {"privacy_loss": "the winner", "runner_up_loss": "the runner-up",
           "bidder_loss": "a bidder"}


def market_summary(table: pd.DataFrame, ci: float = 0.9) -> pd.DataFrame:
    """Each mechanism and disclosure averaged over the market's mix of auction sizes.

    Revenue, welfare and the three privacy losses of every row are weighted by
    ``market_share`` (renormalised over the audited numbers of bidders); a loss is ``inf`` if
    it is at any size. With the bootstrap's replicates in ``table.attrs["bootstrap"]`` the
    ``*_low``/``*_high`` columns are the ``ci`` percentile interval of the replicates'
    averages (widened to hold the point), else NaN; a replicate in which the row did not run
    at every audited size is left out of that row's interval.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"mechanism": ["A", "A"], "disclosure": ["D", "D"],
    ...                   "n_bidders": [2, 3], "market_share": [0.75, 0.25],
    ...                   "revenue": [1.0, 2.0], "welfare": [2.0, 3.0], "privacy_loss": [0.1, 0.5],
    ...                   "runner_up_loss": [float("inf"), 0.0], "bidder_loss": [0.0, 0.0]})
    >>> market_summary(t)[["revenue", "privacy_loss", "runner_up_loss"]].to_numpy().tolist()
    [[1.25, 0.2, inf]]
    """
    measures = ["revenue", "welfare", *WHOSE_COLUMNS.values()]
    keys = ["mechanism", "disclosure"]

    def average(frame: pd.DataFrame) -> pd.DataFrame:
        w = frame["market_share"].to_numpy(dtype=float)
        out = {}
        for name in measures:
            x = frame[name].to_numpy(dtype=float)
            ok = ~np.isnan(x)
            if not ok.any() or w[ok].sum() == 0:
                out[name] = math.nan
            elif np.isinf(x[ok]).any():
                out[name] = math.inf
            else:
                out[name] = float(np.sum(w[ok] * x[ok]) / w[ok].sum())
        return pd.Series(out)

    boot = table.attrs.get("bootstrap")
    table = table.copy()
    table.attrs = {}   # pandas compares attrs on merges; a DataFrame there cannot be compared
    order = table[keys].drop_duplicates()
    point = table.groupby(keys, sort=False)[["market_share", *measures]].apply(average)
    summary = order.merge(point.reset_index(), on=keys, how="left")
    for name in measures:
        summary[f"{name}_low"] = summary[f"{name}_high"] = math.nan
    if boot is not None and len(boot):
        shares = table[[*keys, "n_bidders", "market_share"]]
        merged = boot.drop(columns=["market_share"], errors="ignore").merge(
            shares, on=[*keys, "n_bidders"], how="left")
        # a replicate in which a row did not run at some size is left out: averaging over the
        # sizes it has would shift the mix (missing small markets raised first price's high end
        # to 8.2e6 against the point's 6.06e6 on the Forest Service data)
        ran = merged.dropna(subset=["revenue"]).groupby([*keys, "replication"])["n_bidders"]
        complete = ran.nunique().rename("sizes").reset_index().merge(
            table.groupby(keys)["n_bidders"].nunique().rename("wanted").reset_index(), on=keys)
        complete = complete[complete["sizes"] == complete["wanted"]]
        merged = merged.merge(complete[[*keys, "replication"]], on=[*keys, "replication"])
        reps = merged.groupby([*keys, "replication"], sort=False)[
            ["market_share", *measures]].apply(average).reset_index()
        for name in measures:
            alpha = (1.0 - ci) / 2.0
            q = reps.groupby(keys)[name].quantile([alpha, 1.0 - alpha]).unstack()
            q.columns = [f"{name}_low", f"{name}_high"]
            summary = summary.drop(columns=list(q.columns)).merge(
                q.reset_index(), on=keys, how="left")
            point_x = summary[name].to_numpy(dtype=float)
            summary[f"{name}_low"] = np.fmin(summary[f"{name}_low"], point_x)
            summary[f"{name}_high"] = np.fmax(summary[f"{name}_high"], point_x)
    return summary


def _short(mechanism: str, disclosure: str) -> str:
    label = f"{mechanism.split('(')[0]} / {disclosure.split('(')[0]}"
    if "(" in disclosure and not disclosure.endswith("()") and "AllBids" not in disclosure:
        label += disclosure[disclosure.index("("):]
    return label + (" (today)" if (mechanism, disclosure) == TODAY else "")


def _density_figure(fit):
    values = fit.values
    fig, ax = plotting.subplots(height=3.4)
    logs = np.log10(values["pseudo_value"].to_numpy(dtype=float))
    bins = np.linspace(logs.min(), logs.max(), 80)
    ax.hist(logs, bins=bins, density=True, alpha=0.45, color="#1f77b4",
            label="pseudo-values (GPV)")
    ax.hist(np.log10(values["homogenised_bid"].to_numpy(dtype=float)), bins=bins, density=True,
            alpha=0.35, color="#ff7f0e", label="bids (homogenised)")
    grid = np.linspace(logs.min(), logs.max(), 600)
    v = 10.0 ** grid
    ax.plot(grid, fit.prior.pdf(v) * v * math.log(10), color="black", lw=1.3,
            label=r"fit.prior (density of $\log_{10}$ value)")
    ax.set_xlabel(r"$\log_{10}$ of the homogenised value or bid (bid units)")
    ax.set_ylabel(r"density (per unit of $\log_{10}$)")
    ax.set_title("Recovered value distribution")
    ax.legend()
    return fig


def _gpv_figure(fit, max_points: int = 2000):
    import matplotlib.pyplot as plt

    values = fit.values
    fig, ax = plotting.subplots(height=3.8)
    rng = np.random.default_rng(0)   # which points are drawn only: a fixed thinning
    sizes = sorted(values["n_bidders"].unique())
    cmap = plt.get_cmap("viridis", max(len(sizes), 2))
    for i, n in enumerate(sizes):
        rows = values[values["n_bidders"] == n]
        if len(rows) > max_points:
            rows = rows.iloc[np.sort(rng.choice(len(rows), max_points, replace=False))]
        kept = ~rows["trimmed"].to_numpy(dtype=bool)
        b = rows["homogenised_bid"].to_numpy(dtype=float)
        v = rows["pseudo_value"].to_numpy(dtype=float)
        ax.scatter(b[kept], v[kept], s=3, color=cmap(i), label=f"n = {n}")
        ax.scatter(b[~kept], v[~kept], s=6, marker="x", color=cmap(i), alpha=0.5)
    b_all = values["homogenised_bid"].to_numpy(dtype=float)
    line = np.array([b_all.min(), b_all.max()])
    ax.plot(line, line, color="grey", lw=1, ls="--", label="value = bid")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("homogenised bid (bid units, log scale)")
    ax.set_ylabel("recovered value (bid units, log scale)")
    ax.set_title("Recovered inverse bid function per number of bidders $n$\n"
                 "(dots: kept; crosses: trimmed, value extrapolated)")
    ax.legend(markerscale=3, ncol=2, title="bidders per auction")
    return fig


def _frontier_figure(summary: pd.DataFrame):
    import matplotlib.pyplot as plt
    from matplotlib.ticker import EngFormatter

    fig, axes = plotting.subplots(1, 3, height=3.6, sharey=True)
    colors = plt.get_cmap("tab10")
    for ax, (name, who) in zip(axes, _LABELS.items(), strict=True):
        x = summary[name].to_numpy(dtype=float)
        finite = x[np.isfinite(x)]
        top = float(finite.max()) if finite.size else 1.0
        at_inf = 1.25 * top if top > 0 else 1.0
        for i, r in enumerate(summary.itertuples(index=False)):
            loss = getattr(r, name)
            if np.isnan(loss):
                continue
            xpos = at_inf if np.isinf(loss) else loss
            ax.errorbar(xpos, r.revenue,
                        yerr=[[max(r.revenue - r.revenue_low, 0)], [max(r.revenue_high
                                                                        - r.revenue, 0)]]
                        if np.isfinite(r.revenue_low) else None,
                        xerr=[[max(loss - getattr(r, f"{name}_low"), 0)],
                              [max(getattr(r, f"{name}_high") - loss, 0)]]
                        if np.isfinite(loss) and np.isfinite(getattr(r, f"{name}_low")) else None,
                        fmt="o" if np.isfinite(loss) else ">", color=colors(i % 10),
                        label=_short(r.mechanism, r.disclosure), ms=6, capsize=2)
        ax.axvline(at_inf, color="grey", lw=0.6, ls=":")
        ax.text(at_inf, ax.get_ylim()[0], " ∞ (revealed)", va="bottom",
                rotation=90, color="grey")
        ax.set_xlabel("privacy loss (nats)")
        ax.set_title(f"{who}")
    axes[0].set_ylabel("expected revenue per auction\n(bid units, market mix)")
    axes[0].yaxis.set_major_formatter(EngFormatter())   # 6 M, not an offset "1e6"
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=2)
    fig.suptitle("Revenue-privacy frontier of the market (averaged over its auction sizes)")
    return fig


def audit_figures(fit, table: pd.DataFrame) -> dict:
    """The report's matplotlib figures by file stem: ``value_density``, ``gpv_diagnostics``,
    ``frontier`` (drawn in :func:`privauction.plotting.style`)."""
    with plotting.style():
        return {"value_density": _density_figure(fit), "gpv_diagnostics": _gpv_figure(fit),
                "frontier": _frontier_figure(market_summary(table))}


def _sizes(table: pd.DataFrame, meta: dict | None) -> str:
    n = (meta or {}).get("simulated auctions per cell")
    b = int(table["n_bootstrap"].max()) if "n_bootstrap" in table and len(table) else 0
    parts = [f"{int(n):,} simulated auctions per cell" if n is not None else "",
             f"{b} bootstrap replicates" if b else "no bootstrap"]
    return ", ".join(p for p in parts if p)


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for r in frame.itertuples(index=False):
        cells = "".join(
            f'<td class="num">{_fmt(v)}</td>' if isinstance(v, (int, float, np.number))
            and not isinstance(v, bool) else f"<td>{html.escape(str(v))}</td>" for v in r)
        rows.append(f"<tr>{cells}</tr>")
    # wide tables scroll inside the page instead of running off its right edge
    return (f'<div style="overflow-x: auto"><table><tr>{head}</tr>{"".join(rows)}</table>'
            "</div>")


def build_audit_report(fit, table: pd.DataFrame, *, cleaning: pd.DataFrame | None = None,
                       meta: dict | None = None, figures: dict | None = None) -> str:
    """The audit report as one HTML string.

    Parameters
    ----------
    fit : ValueFit
    table : pandas.DataFrame
        From :func:`privauction.audit.audit`.
    cleaning : pandas.DataFrame, optional
        :func:`privauction.audit.cleaning_report` of the bids.
    meta : dict, optional
        Shown at the top (command, seed, sizes, run time).
    figures : dict, optional
        From :func:`audit_figures` (made here when omitted).
    """
    figures = audit_figures(fit, table) if figures is None else figures
    summary = market_summary(table)
    prior = fit.prior
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        "<title>privauction audit</title>", f"<style>{_CSS}</style></head><body>",
        "<h1>Audit: what each auction rule reveals about the bidders</h1>",
    ]
    if meta:
        parts.append('<p class="meta">' + " · ".join(
            f"{html.escape(str(k))}: <code>{html.escape(str(v))}</code>"
            for k, v in meta.items()) + "</p>")
    n_auctions = int(fit.values["auction"].nunique())
    parts += [
        "<h2>Data</h2>",
        f"<p>{len(fit.values)} bids in {n_auctions} auctions; share of auctions by number of "
        "bidders: " + ", ".join(f"{n}: {s:.3f}" for n, s in fit.n_bidders_share.items())
        + "</p>",
    ]
    if cleaning is not None:
        parts += ["<h3>Cleaning (rows dropped, by rule)</h3>", _html_table(cleaning)]
    parts += [
        "<h2>Model</h2>", f"<pre style='white-space: pre-wrap'>{html.escape(fit.model)}</pre>",
        '<h2 id="recovered-values">Recovered values</h2>',
        f"<p>Prior support [{prior.support()[0]:.4g}, {prior.support()[1]:.4g}]; quantiles "
        "1/10/50/90/99 %: " + ", ".join(f"{x:.4g}" for x in prior.ppf([.01, .1, .5, .9, .99]))
        + f"; share of bids trimmed (values extrapolated): {fit.share_trimmed:.4f}.</p>",
        plotting.figure_html(
            figures["value_density"],
            f"Histogram (80 bins, density) of the {len(fit.values)} GPV pseudo-values and of "
            "the homogenised bids, and the density of fit.prior, on a log10 axis."),
        "<h2>GPV diagnostics</h2>",
        "<p>The model needs the recovered inverse bid function increasing in the bid (no "
        "decreasing steps) and every value at or above its bid.</p>",
        _html_table(fit.diagnostics),
        plotting.figure_html(
            figures["gpv_diagnostics"],
            "Recovered value against homogenised bid, per number of bidders (at most 2,000 "
            "bids drawn per number of bidders); crosses: trimmed bids whose value is "
            "extrapolated."),
        '<h2 id="frontier">Revenue-privacy frontier</h2>',
        "<p>Each mechanism and disclosure averaged over the market's mix of auction sizes "
        "(weights: the share of auctions with each number of bidders). Privacy loss: "
        "P(sale) · MI(value; what is published | sale), nats (Definition 2 of the auction "
        "paper for the winner; the runner-up is the second-highest value; a bidder is one "
        "fixed participant); ∞ where what is published reveals the value. Intervals: the "
        "bootstrap over auctions (90 %). Today's practice is the first-price auction that "
        "publishes every bid.</p>",
        plotting.figure_html(
            figures["frontier"],
            "Expected revenue against the privacy loss of the winner, the runner-up and a "
            "bidder, each mechanism and disclosure averaged over the market's auction sizes "
            f"({_sizes(table, meta)}); bars: 90 % percentile intervals over the bootstrap "
            "replicates of the value recovery; right-pointing markers at the dotted line: "
            "infinite loss."),
        _html_table(summary),
        "<h2>Full audit table (per number of bidders)</h2>",
        _html_table(table),
        "</body></html>",
    ]
    return "\n".join(parts)


def write_audit_report(fit, table: pd.DataFrame, path, **kwargs) -> Path:
    """Write :func:`build_audit_report` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(build_audit_report(fit, table, **kwargs), encoding="utf-8")
    return path
