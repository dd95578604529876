"""Count how the core entry points answer their part of the bad-input suite (issue 15, part A).

The core entry points are ``simulate``, ``Outcomes``, ``Observer``, the mechanisms and the
plug-in contract, the priors, the disclosure rules and the estimators; their cases are the
``tests/bad_inputs/cases_core_*.py`` modules. Each case runs in a forked child with a time
limit (``tests/bad_inputs/_harness.py``). Prints inputs and outcomes (clear / obscure / silent /
hang) per entry point and per kind of bad input, then every case that was not clear.

    python validation/bad_input_census_core.py [--save NAME] [--timeout SECONDS]

``--save NAME`` writes ``validation/results/NAME.txt``. "Before" counts come from running it
against main's code: ``PYTHONPATH=/work/main/src python validation/bad_input_census_core.py``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import bad_inputs  # noqa: E402
from bad_inputs import DEFAULT_TIMEOUT, OUTCOMES, run_case  # noqa: E402


def core_cases() -> list:
    cases = []
    for info in sorted(pkgutil.iter_modules(bad_inputs.__path__), key=lambda m: m.name):
        if info.name.startswith("cases_core_"):
            cases.extend(importlib.import_module(f"bad_inputs.{info.name}").CASES)
    return cases


def census(timeout: float) -> pd.DataFrame:
    rows = []
    for case in core_cases():
        result = run_case(case, timeout=timeout)
        rows.append({"entry": case.entry, "kind": case.kind, "label": case.label,
                     "outcome": result.outcome, "seconds": result.seconds,
                     "detail": result.detail})
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", metavar="NAME")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    args = parser.parse_args(argv)
    import privauction

    start = time.perf_counter()
    table = census(args.timeout)
    counts = (
        table.pivot_table(index="entry", columns="outcome", values="label", aggfunc="count")
        .reindex(columns=list(OUTCOMES)).fillna(0).astype(int)
    )
    counts.insert(0, "inputs", counts.sum(axis=1))
    counts.loc["total"] = counts.sum()
    by_kind = (table.groupby("kind")["outcome"].value_counts().unstack(fill_value=0)
               .reindex(columns=list(OUTCOMES), fill_value=0))
    lines = [
        f"# python validation/bad_input_census_core.py  ({len(table)} inputs, "
        f"{time.perf_counter() - start:.0f} s wall, timeout {args.timeout:g} s per call, "
        f"slowest call {table['seconds'].max():.2f} s)",
        f"# privauction imported from {Path(privauction.__file__).parent}",
        f"# load average {os.getloadavg()[0]:.2f}",
        "",
        counts.to_string(),
        "",
        "by kind of bad input:",
        by_kind.to_string(),
    ]
    slowest = table.nlargest(5, "seconds")
    lines += ["", "slowest calls (wall, in a forked child):"]
    lines += [f"  {row.seconds:6.2f} s  {row.entry}: {row.label}" for row in slowest.itertuples()]
    unclear = table[table["outcome"] != "clear"]
    if len(unclear):
        lines += ["", "not clear:"]
        for row in unclear.itertuples():
            lines.append(f"  [{row.outcome}] {row.entry}: {row.label} -> {row.detail[:300]}")
    text = "\n".join(lines)
    print(text)
    if args.save:
        out = HERE / "results" / f"{args.save}.txt"
        out.write_text(text + "\n")
        print(f"\nsaved {out}")
    return 0 if unclear.empty else 1


if __name__ == "__main__":
    raise SystemExit(main())
