"""Census of the part-B bad-input cases (issue 15): theory, screening, market, sweep, audit,
frontier, privacy_loss and the CLI (``tests/bad_inputs/cases_rest_*.py``).

Same harness and table as ``validation/bad_input_census.py``, restricted to the part-B cases,
so it can be run against any checkout of the package::

    # after (this worktree)
    PYTHONPATH=src python validation/bad_input_census_rest.py --save after
    # before (the frozen main of issue 15: git worktree add --detach /work/wt/before15 c0893bc)
    PYTHONPATH=/work/wt/before15/src python validation/bad_input_census_rest.py --save before

``--save TAG`` writes ``validation/results/bad_input_census_rest_TAG.txt``. Run it from any
directory: CLI cases write only under fresh temporary directories.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from bad_inputs import DEFAULT_TIMEOUT, OUTCOMES, all_cases, run_case  # noqa: E402


def rest_cases(only=None):
    """The cases of the ``cases_rest_*`` modules (or of ``cases_rest_<only>``), in order."""
    import bad_inputs

    all_cases()  # the suite-wide check that case ids are unique
    cases = []
    for info in sorted(pkgutil.iter_modules(bad_inputs.__path__), key=lambda m: m.name):
        if info.name.startswith("cases_rest_") and only in (None, info.name[11:]):
            cases.extend(importlib.import_module(f"bad_inputs.{info.name}").CASES)
    return cases


def census(timeout: float, only=None) -> pd.DataFrame:
    rows = []
    for case in rest_cases(only):
        result = run_case(case, timeout=timeout)
        rows.append({"entry": case.entry, "kind": case.kind, "label": case.label,
                     "outcome": result.outcome, "seconds": result.seconds,
                     "detail": result.detail})
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", metavar="TAG", default=None)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    parser.add_argument("--only", metavar="MODULE", default=None,
                        help="one module: theory, screening, market, sweep, audit, frontier, cli")
    args = parser.parse_args(argv)
    import privauction

    start = time.perf_counter()
    table = census(args.timeout, args.only)
    counts = (
        table.pivot_table(index="entry", columns="outcome", values="label", aggfunc="count")
        .reindex(columns=list(OUTCOMES)).fillna(0).astype(int)
    )
    counts.insert(0, "inputs", counts.sum(axis=1))
    counts.loc["total"] = counts.sum()
    by_kind = (table.groupby("kind")["outcome"].value_counts().unstack(fill_value=0)
               .reindex(columns=list(OUTCOMES), fill_value=0))
    lines = [
        f"# PYTHONPATH={Path(privauction.__file__).parents[1]} python "
        f"validation/bad_input_census_rest.py  ({len(table)} inputs, "
        f"{time.perf_counter() - start:.0f} s, timeout {args.timeout:g} s per call, "
        f"slowest call {table['seconds'].max():.2f} s; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
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
            lines.append(f"  [{row.outcome}] {row.entry}: {row.label} -> "
                         f"{' '.join(row.detail.split())[:300]}")
    text = "\n".join(lines)
    print(text)
    if args.save:
        out = HERE / "results" / f"bad_input_census_rest_{args.save}.txt"
        out.write_text(text + "\n")
        print(f"\nsaved {out}")
    return 0 if unclear.empty else 1


if __name__ == "__main__":
    raise SystemExit(main())
