"""How often does ``privauction validate`` pass on a correct code base, over random seeds?

Runs the command a user runs, ``privauction validate [--quick] --seed S --out DIR``, for seeds
drawn with ``secrets.randbelow(10**6)`` (printed, so any run can be repeated), and records per
run: the exit status, the wall time, how many checks were decided at a later look (inconclusive
at first, resolved by more samples) and how many stayed inconclusive at the budget.

Usage::

    python validation/validate_seeds.py --runs 50 --quick [--save]
    python validation/validate_seeds.py --runs 10 [--save]
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def one_run(seed: int, quick: bool, out: Path) -> dict:
    cmd = [sys.executable, "-m", "privauction.cli", "validate", "--seed", str(seed), "--out",
           str(out), "--no-progress"] + (["--quick"] if quick else [])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    row = {"seed": seed, "exit": done.returncode, "wall_s": round(wall, 1),
           "cpu_s": round(cpu, 1)}
    try:
        table = pd.read_csv(out / "results.csv")
    except (OSError, ValueError):
        row.update(checks=0, passed=0, failed=0, inconclusive=0, later_look=0,
                   stderr=done.stderr[-300:])
        return row
    row.update(
        checks=len(table),
        passed=int((table["outcome"] == "pass").sum()),
        failed=int((table["outcome"] == "fail").sum()),
        inconclusive=int((table["outcome"] == "inconclusive").sum()),
        later_look=int((table["stage"] > 1).sum()),
        claims_with_more_looks=int(table.groupby("scenario")["stage"].max().gt(1).sum()),
        failed_cases="; ".join(table.loc[table["outcome"] != "pass", "case"].astype(str)),
    )
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seeds", type=int, nargs="*", default=None)
    ap.add_argument("--save", action="store_true")
    args = ap.parse_args()
    seeds = args.seeds or [secrets.randbelow(10**6) for _ in range(args.runs)]
    mode = "quick" if args.quick else "full"
    print(f"# validate {'--quick ' if args.quick else ''}on {len(seeds)} seeds from "
          f"secrets.randbelow(10**6): {seeds}; load before: {os.getloadavg()}", flush=True)
    # Note: the CPU time counts the worker processes only when they have exited; joblib's
    # loky workers are reaped with the command, so each run's CPU time is its own.
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, seed in enumerate(seeds):
            rows.append(one_run(seed, args.quick, Path(tmp) / f"run-{i}"))
            print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    wall = table["wall_s"].to_numpy()
    cpu = table["cpu_s"].to_numpy()
    summary = (
        f"exit 0: {int((table['exit'] == 0).sum())} of {len(table)}; exit 1 (fail): "
        f"{int((table['exit'] == 1).sum())}; exit 3 (inconclusive): "
        f"{int((table['exit'] == 3).sum())}\n"
        f"checks decided at a later look (inconclusive first, resolved by more samples): "
        f"{int(table['later_look'].sum())} over all runs, in "
        f"{int((table['later_look'] > 0).sum())} of {len(table)} runs; unresolved at the budget: "
        f"{int(table['inconclusive'].sum())}\n"
        f"wall time (s): min {wall.min():.1f}, median {np.median(wall):.1f}, "
        f"max {wall.max():.1f}; CPU time (s, all processes): median {np.median(cpu):.1f}, "
        f"max {cpu.max():.1f} (wall on an idle 2-core machine is about CPU / 2 for the "
        f"parallel part); load after: {os.getloadavg()}"
    )
    text = table.drop(columns=[c for c in ("stderr",) if c in table]).to_string(index=False)
    print(text)
    print(summary)
    if args.save:
        out = Path(__file__).with_name("results") / f"validate_seeds_{mode}.txt"
        out.parent.mkdir(exist_ok=True)
        out.write_text(f"# python validation/validate_seeds.py --runs {len(seeds)}"
                       f"{' --quick' if args.quick else ''}\n{text}\n\n{summary}\n")


if __name__ == "__main__":
    main()
