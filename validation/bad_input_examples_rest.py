"""The issue-15 part-B examples, before (main at c0893bc) and after this branch.

Each example runs in a forked child (``tests/bad_inputs/_harness.run_case``) capped at 20 s,
once against the frozen "before" checkout and once against this worktree's ``src``; the table
gives the outcome (clear / obscure / silent / hang), the wall and CPU seconds of the child and
the first line of what it said.

    git worktree add --detach /work/wt/before15 c0893bc      # once
    python validation/bad_input_examples_rest.py [--before /work/wt/before15/src]

writes ``validation/results/bad_inputs_rest_examples.txt``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TIMEOUT = 20.0


def examples():
    """(label, call, names) of the examples the issue names."""
    import numpy as np
    import pandas as pd
    from scipy import stats

    import privauction as pa

    spa, uniform = pa.mechanisms.SecondPrice(), stats.uniform(0, 1)
    equal = np.full(60_000, 1 / 60_000)

    def market(**changes):
        arguments = dict(n_population=20, n_per_auction=2, arrival_rate=100.0)
        arguments.update(changes)
        return lambda: pa.simulator.Market(spa, uniform, **arguments).run(1.0, rng=0)

    def task(rng, scale):
        return pd.DataFrame({"x": [scale * rng.random()]})

    return [
        ("min_mi_coupling([0.5, 0.1], [0.5, 0.1], atol_sum=nan)",
         lambda: pa.theory.min_mi_coupling([0.5, 0.1], [0.5, 0.1], atol_sum=float("nan")),
         ("atol_sum",)),
        ("min_mi_coupling(p, p), p identical uniform marginals of length 60,000",
         lambda: pa.theory.min_mi_coupling(equal, equal), ("px", "py", "max_cells")),
        ("optimal_menu(uniform(1, 1), n_random=10**6)",
         lambda: pa.screening.optimal_menu(stats.uniform(1, 1), n_random=10**6), ("n_random",)),
        ("optimal_menu(uniform(1, 1), kappa=10, max_intervals=10**6)",
         lambda: pa.screening.optimal_menu(stats.uniform(1, 1), kappa=10, max_intervals=10**6),
         ("kappa", "max_intervals")),
        ("Market(SPA, U(0,1), 20, 2, arrival_rate=1e12).run(horizon=1)",
         market(arrival_rate=1e12), ("arrival_rate",)),
        ("Market(SPA, U(0,1), 20, 2, arrival_rate=100, tick=1e-9).run(horizon=1)",
         market(tick=1e-9), ("tick",)),
        ("run_sweep(task, {'scale': [1.0, 2.0]}, n_replications=10**9)",
         lambda: pa.sweep.run_sweep(task, {"scale": [1.0, 2.0]}, n_replications=10**9,
                                    progress=False), ("n_replications",)),
    ]


def run_here() -> list[dict]:
    """Run every example against the privauction this interpreter imports."""
    sys.path.insert(0, str(ROOT / "tests"))
    from bad_inputs import BadInput, run_case

    import privauction

    rows = []
    for label, call, names in examples():
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = run_case(BadInput("example", label, call, names), timeout=TIMEOUT)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        detail = ("ran past 20 s (killed)" if result.outcome == "hang"
                  else " ".join(result.detail.split()))
        rows.append({"example": label, "outcome": result.outcome, "wall": result.seconds,
                     "cpu": cpu, "detail": detail, "package": str(Path(privauction.__file__)
                                                                  .parents[1])})
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="/work/wt/before15/src",
                        help="src of the frozen 'before' checkout (main at c0893bc)")
    parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.here:
        print(json.dumps(run_here()))
        return 0
    runs = {}
    for tag, src in (("before", args.before), ("after", str(ROOT / "src"))):
        env = dict(os.environ, PYTHONPATH=src)
        out = subprocess.run([sys.executable, __file__, "--here"], env=env, check=True,
                             capture_output=True, text=True, cwd=ROOT)
        runs[tag] = json.loads(out.stdout.strip().splitlines()[-1])
    lines = [
        "# python validation/bad_input_examples_rest.py  "
        f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; each call in a forked child, "
        f"capped at {TIMEOUT:g} s; wall and CPU seconds of the child)",
        f"# before: {runs['before'][0]['package']} (main at c0893bc); after: "
        f"{runs['after'][0]['package']}",
        "",
    ]
    for before, after in zip(runs["before"], runs["after"], strict=True):
        lines.append(before["example"])
        for tag, row in (("before", before), ("after", after)):
            lines.append(f"  {tag:<6} {row['outcome']:<7} wall {row['wall']:6.2f} s  "
                         f"cpu {row['cpu']:6.2f} s  {row['detail'][:400]}")
        lines.append("")
    text = "\n".join(lines)
    print(text)
    out = HERE / "results" / "bad_inputs_rest_examples.txt"
    out.write_text(text)
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
