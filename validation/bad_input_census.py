"""Count how the public API answers the bad-input suite (issue 15).

Runs the cases of ``tests/bad_inputs/cases_*.py`` in forked children (see
``tests/bad_inputs/_harness.py``) and prints, per entry point and per kind of bad input, how
many inputs were tried and how many were refused clearly, obscurely, accepted silently or
hung, then every case that was not clear with what it did.

    python validation/bad_input_census.py [--part core|rest] [--only MODULE]
                                          [--save [NAME]] [--timeout SECONDS]

``--part core``: the ``cases_core_*`` modules (simulate, Outcomes, Observer, mechanisms and
the plug-in contract, priors, disclosure rules, estimators); ``--part rest``: the
``cases_rest_*`` modules (theory, screening, market, sweep, audit, frontier, privacy_loss, the
CLI); ``--only MODULE``: one module of the part (e.g. ``cli``). ``--save`` writes
``validation/results/bad_input_census.txt`` (``--save NAME``: ``NAME.txt``). "Before"
counts come from running it against older code, e.g. ``PYTHONPATH=/work/wt/before15/src``
(a worktree frozen at c0893bc): the cases are this checkout's, the package the one on the path.
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

import bad_inputs  # noqa: E402
from bad_inputs import DEFAULT_TIMEOUT, OUTCOMES, all_cases, run_case  # noqa: E402


def cases(part: str | None = None, only: str | None = None) -> list:
    """The cases of ``cases_<part>_*`` modules (every module when ``part`` is None), or of the
    one module ``cases_<part>_<only>``, in module order."""
    everything = all_cases()  # also the suite-wide check that case ids are unique
    if part is None:
        return everything
    prefix = f"cases_{part}_"
    chosen = []
    for info in sorted(pkgutil.iter_modules(bad_inputs.__path__), key=lambda m: m.name):
        if info.name.startswith(prefix) and only in (None, info.name[len(prefix):]):
            chosen.extend(importlib.import_module(f"bad_inputs.{info.name}").CASES)
    return chosen


def census(timeout: float, part=None, only=None) -> pd.DataFrame:
    rows = []
    for case in cases(part, only):
        result = run_case(case, timeout=timeout)
        rows.append({"entry": case.entry, "kind": case.kind, "label": case.label,
                     "outcome": result.outcome, "seconds": result.seconds,
                     "detail": result.detail})
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("core", "rest"), default=None)
    parser.add_argument("--only", metavar="MODULE", default=None)
    parser.add_argument("--save", metavar="NAME", nargs="?", const="bad_input_census",
                        default=None)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    args = parser.parse_args(argv)
    import privauction

    start = time.perf_counter()
    table = census(args.timeout, args.part, args.only)
    counts = (
        table.pivot_table(index="entry", columns="outcome", values="label", aggfunc="count")
        .reindex(columns=list(OUTCOMES)).fillna(0).astype(int)
    )
    counts.insert(0, "inputs", counts.sum(axis=1))
    counts.loc["total"] = counts.sum()
    by_kind = (table.groupby("kind")["outcome"].value_counts().unstack(fill_value=0)
               .reindex(columns=list(OUTCOMES), fill_value=0))
    flags = " ".join(f for f in (args.part and f"--part {args.part}",
                                 args.only and f"--only {args.only}") if f)
    lines = [
        f"# PYTHONPATH={Path(privauction.__file__).parents[1]} python "
        f"validation/bad_input_census.py {flags} ({len(table)} inputs, "
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
        out = HERE / "results" / f"{args.save}.txt"
        out.write_text(text + "\n")
        print(f"\nsaved {out}")
    return 0 if unclear.empty else 1


if __name__ == "__main__":
    raise SystemExit(main())
