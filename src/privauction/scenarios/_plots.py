"""Figures shared by several scenarios' report hooks."""

from __future__ import annotations

import numpy as np

__all__ = ["deviation_plot"]


def deviation_plot(results, title: str, *, level_label: str | None = None):
    """Relative deviation of each estimate from its analytical value, with the interval.

    One horizontal bar per checked case with a finite nonzero analytical value, a red line at
    zero: a bar that crosses the line is an estimate that agrees with the paper's value. The
    axis is ``(estimate − analytical) / |analytical|`` in percent, because one claim's rows
    measure different quantities (privacy loss in nats, revenue in the prior's units).
    """
    import textwrap

    from ..plotting import subplots
    from ._common import CONFIDENCE, pct

    level_label = level_label or f"{pct(CONFIDENCE)} interval"

    ana = results["analytical"].astype(float)
    s = results[results["ci_low"].notna() & np.isfinite(ana) & (ana != 0)].reset_index()
    labels = ["\n".join(textwrap.wrap(str(c), 48)) for c in s["case"]]
    fig, ax = subplots(height=0.2 * sum(lab.count("\n") + 1.4 for lab in labels) + 1.3)
    y = np.arange(len(s))
    scale = 100.0 / s["analytical"].abs()
    err = np.vstack([(s["estimate"] - s["ci_low"]) * scale,
                     (s["ci_high"] - s["estimate"]) * scale])
    ax.errorbar((s["estimate"] - s["analytical"]) * scale, y, xerr=err, fmt="o", ms=3,
                capsize=2)
    ax.axvline(0.0, color="tab:red", lw=1)
    ax.set_yticks(y)
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    ax.set_xlabel(f"(estimate − analytical) / |analytical|, %\n(bars: {level_label})")
    fig.suptitle(title)
    return fig
