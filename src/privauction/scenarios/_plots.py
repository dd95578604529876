"""Figures shared by several scenarios' report hooks."""

from __future__ import annotations

import numpy as np

__all__ = ["deviation_plot"]


def deviation_plot(results, title: str, *, level_label: str | None = None):
    """Estimate minus analytical value, with the interval, for every row that has both.

    One horizontal bar per checked case, a red line at zero: a bar that crosses the line is an
    estimate that agrees with the paper's value.
    """
    import matplotlib.pyplot as plt

    from ._common import CONFIDENCE, pct

    level_label = level_label or f"{pct(CONFIDENCE)} interval"

    s = results[results["ci_low"].notna() & results["analytical"].notna()].reset_index()
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(s) + 1.2))
    y = np.arange(len(s))
    err = np.vstack([s["estimate"] - s["ci_low"], s["ci_high"] - s["estimate"]])
    ax.errorbar(s["estimate"] - s["analytical"], y, xerr=err, fmt="o", ms=3, capsize=2)
    ax.axvline(0.0, color="tab:red", lw=1)
    ax.set_yticks(y)
    ax.set_yticklabels(s["case"], fontsize=6)
    ax.invert_yaxis()
    ax.set_xlabel(f"estimate − analytical value (bars: {level_label})")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
