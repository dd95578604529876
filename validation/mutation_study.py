"""Mutation study: the share of deliberately wrong claims that ``validate --quick`` catches.

Every claim is run at its quick sizes, with the run's level of a full ``validate --quick``
(the level split over all registered claims), three times: with every analytical value moved by
3 %, with every value moved by 10 %, and with every strict ordering reversed
(:mod:`privauction.scenarios.mutation`). A mutant is caught when its check does not pass. The
seeds are drawn from ``secrets`` unless given, and printed.

Usage::

    python validation/mutation_study.py [--seed S] [--save] [NAME ...]
"""

from __future__ import annotations

import argparse
import secrets
import time
from pathlib import Path

import pandas as pd

from privauction.scenarios import registry, run_claim
from privauction.scenarios.mutation import (
    flip_orderings,
    mutant_outcomes,
    mutant_values,
    perturb_values,
)

MUTANTS = {
    "values +3 %": perturb_values(0.03),
    "values +10 %": perturb_values(0.10),
    "orderings reversed": flip_orderings(),
}


def study(names, seed: int, mutants=MUTANTS) -> pd.DataFrame:
    frames = []
    for label, mutate in mutants.items():
        for name in names:
            start = time.perf_counter()
            rows = run_claim(name, seed=seed, quick=True, n_claims=len(registry), mutate=mutate)
            out = mutant_outcomes(rows)
            out["mutant"] = label
            out["scenario"] = name
            out["seconds"] = time.perf_counter() - start
            frames.append(out)
            print(f"{label:20s} {name:28s} {len(out):4d} mutants, {int(out['caught'].sum()):4d} "
                  f"caught ({time.perf_counter() - start:.1f} s)", flush=True)
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--save", action="store_true")
    args = ap.parse_args()
    seed = secrets.randbelow(10**6) if args.seed is None else args.seed
    names = args.names or registry.names()
    start = time.perf_counter()
    table = study(names, seed)
    summary = table.groupby(["mutant", "deterministic"]).agg(
        mutants=("caught", "size"), caught=("caught", "sum"),
        failed=("outcome", lambda s: int((s == "fail").sum())),
        inconclusive=("outcome", lambda s: int((s == "inconclusive").sum())),
    ).reset_index()
    summary["share caught"] = summary["caught"] / summary["mutants"]
    totals = table.groupby("mutant")["caught"].agg(["size", "sum"])
    totals["share caught"] = totals["sum"] / totals["size"]
    escapes = table[~table["caught"]][["mutant", "scenario", "case", "kind", "method", "margin",
                                       "estimate", "reference", "ci_low", "ci_high"]]
    # A wrong value is caught when any check of it does not pass (validate then exits non-zero).
    by_value = pd.concat(
        [mutant_values(part).assign(mutant=label)
         for label, part in table[table["mutant"].str.startswith("values")].groupby("mutant")],
        ignore_index=True,
    )
    value_totals = by_value.groupby("mutant")["caught"].agg(["size", "sum"])
    value_totals["share caught"] = value_totals["sum"] / value_totals["size"]
    value_escapes = by_value[~by_value["caught"]][["mutant", "scenario", "value", "checks",
                                                   "cases"]]
    text = "\n".join([
        f"# python validation/mutation_study.py --seed {seed}"
        f"  ({time.perf_counter() - start:.0f} s)",
        "", summary.to_string(index=False), "", totals.to_string(), "",
        "escapes (per check):", escapes.to_string(index=False), "",
        "per wrong value (caught when any of its checks is caught):",
        value_totals.to_string(), "",
        "values that escape:", value_escapes.to_string(index=False),
    ])
    print(text)
    if args.save:
        out = Path(__file__).with_name("results") / "mutation_study.txt"
        out.parent.mkdir(exist_ok=True)
        out.write_text(text + "\n")


if __name__ == "__main__":
    main()
