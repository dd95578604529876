"""Power calculation for the registered sample sizes of every claim.

For each claim that draws samples, run one look at its registered size (quick or default) on a
few seeds, and for each stochastic check compute the size at which it would pass with power
``TARGET_POWER`` at the level a full ``validate`` gives it (the run's level split over all
claims, the claim's checks and its looks):

    n_needed = n · ((z_α + z_β)·se + |bias|)² / d²

with ``se`` and ``bias`` the check's measured standard error and bias at ``n`` (both fall like
``n^{-1/2}``), ``d`` the relevant deviation (``equal``) or the distance of the estimate beyond
the reference plus the slack (orderings and bounds). The claim's recommended base size is the
largest ``n_needed`` over its checks (median over seeds); the registered sizes should be at
least that, so that the sequential design's extra looks are rarely needed.

Usage::

    python validation/power_budget.py [--quick] [--seeds 3] [NAME ...]

Writes a table to stdout (and validation/results/power_budget_{quick,full}.txt when run with
``--save``).
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from privauction.scenarios import checks, registry
from privauction.scenarios.runner import _call, resolve_arguments, scenario_rng, takes_size


def needed(rows: pd.DataFrame, n: int, alpha: float) -> pd.Series:
    out = []
    for r in rows.itertuples(index=False):
        if r.kind in checks.EXACT_KINDS or not math.isfinite(r.std_error) or r.std_error <= 0:
            out.append(math.nan)
            continue
        if math.isinf(r.estimate):
            out.append(math.nan)
            continue
        z = checks.z_value(alpha, r.dof) + float(stats.norm.isf(1 - checks.TARGET_POWER))
        b = abs(r.bias) if math.isfinite(r.bias) else 0.0
        if r.kind == "equal":
            d = r.margin
        elif r.kind == "greater":
            d = (r.estimate - r.reference) + r.margin
        else:
            d = (r.reference - r.estimate) + r.margin
        out.append(n * ((z * r.std_error + b) / d) ** 2 if d > 0 else math.inf)
    return pd.Series(out, index=rows.index)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--save", action="store_true")
    args = ap.parse_args()
    names = args.names or [s.name for s in registry if takes_size(s)]
    n_claims = len(registry)
    lines = []
    for name in names:
        sc = registry.get(name)
        kwargs = resolve_arguments(sc, quick=args.quick)
        n = kwargs[sc.size]
        per_seed, worst_case = [], []
        start = time.perf_counter()
        for seed in range(args.seeds):
            rows = _call(sc, kwargs, scenario_rng(name, 1000 + seed))
            m = max(1, int((~rows["kind"].isin(checks.EXACT_KINDS)).sum()))
            alpha = checks.ALPHA_RUN / (n_claims * m * checks.MAX_STAGES)
            need = needed(rows, n, alpha)
            per_seed.append(float(np.nanmax(need)) if need.notna().any() else math.nan)
            if need.notna().any():
                worst_case.append(rows.loc[need.idxmax(), "case"])
        elapsed = (time.perf_counter() - start) / args.seeds
        rec = float(np.nanmedian(per_seed)) if np.isfinite(per_seed).any() else math.nan
        lines.append({"claim": name, "size": sc.size, "registered": n,
                      "needed (median over seeds)": rec,
                      "ratio": rec / n if math.isfinite(rec) else math.nan,
                      "seconds per look": round(elapsed, 1),
                      "driving check": worst_case[0] if worst_case else ""})
        print(lines[-1], flush=True)
    table = pd.DataFrame(lines)
    text = table.to_string(index=False)
    print(text)
    if args.save:
        out = Path(__file__).with_name("results") / (
            f"power_budget_{'quick' if args.quick else 'full'}.txt")
        out.parent.mkdir(exist_ok=True)
        out.write_text(f"# python validation/power_budget.py {'--quick ' if args.quick else ''}"
                       f"--seeds {args.seeds}\n{text}\n")


if __name__ == "__main__":
    main()
