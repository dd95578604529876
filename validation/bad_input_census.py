"""Count how the public API answers the bad-input suite (issue 15).

Runs every case of ``tests/bad_inputs/cases_*.py`` in a forked child (see
``tests/bad_inputs/_harness.py``) and prints, per entry point, how many inputs were tried
and how many were refused clearly, obscurely, accepted silently or hung, then every case
that was not clear with what it did.

    python validation/bad_input_census.py [--save] [--timeout SECONDS]

``--save`` writes the table to ``validation/results/bad_input_census.txt``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from bad_inputs import DEFAULT_TIMEOUT, OUTCOMES, all_cases, run_case  # noqa: E402


def census(timeout: float) -> pd.DataFrame:
    rows = []
    for case in all_cases():
        result = run_case(case, timeout=timeout)
        rows.append(
            {
                "entry": case.entry,
                "kind": case.kind,
                "label": case.label,
                "outcome": result.outcome,
                "seconds": result.seconds,
                "detail": result.detail,
            }
        )
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", action="store_true")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    table = census(args.timeout)
    counts = (
        table.pivot_table(index="entry", columns="outcome", values="label", aggfunc="count")
        .reindex(columns=list(OUTCOMES)).fillna(0).astype(int)
    )
    counts.insert(0, "inputs", counts.sum(axis=1))
    counts.loc["total"] = counts.sum()
    by_kind = table.groupby("kind")["outcome"].value_counts().unstack(fill_value=0)
    lines = [
        f"# python validation/bad_input_census.py  ({len(table)} inputs, "
        f"{time.perf_counter() - start:.0f} s, timeout {args.timeout:g} s per call, "
        f"slowest call {table['seconds'].max():.2f} s)",
        "",
        counts.to_string(),
        "",
        "by kind of bad input:",
        by_kind.to_string(),
    ]
    unclear = table[table["outcome"] != "clear"]
    if len(unclear):
        lines += ["", "not clear:"]
        for row in unclear.itertuples():
            lines.append(f"  [{row.outcome}] {row.entry}: {row.label} -> {row.detail[:300]}")
    text = "\n".join(lines)
    print(text)
    if args.save:
        out = HERE / "results" / "bad_input_census.txt"
        out.write_text(text + "\n")
        print(f"\nsaved {out}")
    return 0 if unclear.empty else 1


if __name__ == "__main__":
    raise SystemExit(main())
