"""The five issue-12 scenarios, quick and full: checks passed and wall time, by hand.

Usage::

    python validation/disclosure_scenarios.py

Writes validation/results/disclosure_scenarios.txt.
"""

from __future__ import annotations

import pathlib
import time

from privauction.scenarios import run_scenario

NAMES = ["disclosure-runner-up", "disclosure-rounding", "disclosure-laplace",
         "disclosure-all-bids", "disclosure-winner-only"]


def main():
    lines = []
    for quick in (True, False):
        for name in NAMES:
            t0 = time.perf_counter()
            df = run_scenario(name, seed=0, quick=quick)
            lines.append(f"{'quick' if quick else 'full '} {name:24s} "
                         f"{int(df['verdict'].sum())}/{len(df)} checks "
                         f"{time.perf_counter() - t0:.1f} s")
            print(lines[-1], flush=True)
    out = pathlib.Path(__file__).parent / "results" / "disclosure_scenarios.txt"
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
