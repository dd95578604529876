"""Run the five issue-12 scenarios, quick and full, and print checks passed and wall time:
``PYTHONPATH=src python validation/disclosure_scenarios.py`` (output in
validation/results/disclosure_scenarios.txt)."""

import time
from privauction.scenarios import run_scenario
for quick in (True, False):
    for name in ["disclosure-runner-up","disclosure-rounding","disclosure-laplace","disclosure-all-bids","disclosure-winner-only"]:
        t=time.perf_counter()
        df=run_scenario(name, seed=0, quick=quick)
        print("quick" if quick else "full ", name, f"{int(df.verdict.sum())}/{len(df)}", f"{time.perf_counter()-t:.1f}s", flush=True)
