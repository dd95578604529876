"""CPU cost of valid calls to the core entry points, main's code against this branch's
(issue 15, part A: the new checks must not slow valid calls).

Runs the same calls under two source trees in separate processes, alternating, and reports
the median CPU time (``time.process_time``) of ``--repeats`` processes of each (in each, the
median of three warm calls), with the wall time and the load average (the machine is shared).

    python benchmarks/bench_validation_overhead.py --before /work/main/src --after src
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, sys, time
import numpy as np
from scipy import stats
import privauction as pa

spa, first = pa.mechanisms.SecondPrice(), pa.mechanisms.FirstPrice()
u = stats.uniform(0, 1)
out = pa.simulate(spa, u, 2, 100_000, rng=0)
rng = np.random.default_rng(0)
x = rng.standard_normal(200_000)
y = x + rng.standard_normal(200_000)
pa.estimators.mutual_information(x[:1000], y[:1000])  # compile the kernels first
calls = {
    "simulate SPA n=2, 10^6 auctions": lambda: pa.simulate(spa, u, 2, 10**6, rng=1),
    "simulate SPA n=10, 2*10^5 auctions": lambda: pa.simulate(spa, u, 10, 200_000, rng=1),
    "simulate FirstPrice n=5, 2*10^5": lambda: pa.simulate(first, u, 5, 200_000, rng=1),
    "estimate_privacy_loss 10^5 auctions": lambda: pa.estimate_privacy_loss(out, rng=0),
    "mutual_information ksg 2*10^5": lambda: pa.estimators.mutual_information(x, y),
    "priors.highest_pdf x 10^4 scalar calls": lambda: [pa.priors.highest_pdf(u, 3, 0.5)
                                                       for _ in range(10_000)],
    "SPA privacy_loss (quadrature)": lambda: pa.mechanisms.ReservePrice(0.3).privacy_loss(u, 3),
}
result = {}
for name, call in calls.items():
    call()  # warm: first-touch page faults and lazy imports are not what is compared
    times = []
    for _ in range(3):
        t, w = time.process_time(), time.perf_counter()
        call()
        times.append((time.process_time() - t, time.perf_counter() - w))
    result[name] = sorted(times)[1]
print(json.dumps(result))
"""


def run(src: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(Path(src).resolve()), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="/work/main/src")
    parser.add_argument("--after", default=str(HERE.parent / "src"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args(argv)
    runs = {"before": [], "after": []}
    load = [os.getloadavg()[0]]
    for _ in range(args.repeats):
        runs["before"].append(run(args.before))
        runs["after"].append(run(args.after))
        load.append(os.getloadavg()[0])
    names = list(runs["before"][0])
    lines = [
        "# python benchmarks/bench_validation_overhead.py "
        f"--before {args.before} --after {args.after} --repeats {args.repeats}",
        f"# load average during the runs: {min(load):.1f} to {max(load):.1f} (2 cores, shared)",
        "# median over the repeats; CPU = time.process_time of the call, wall in brackets",
        "",
        f"{'call':42s} {'CPU before':>11s} {'CPU after':>10s} {'ratio':>6s}   wall before/after",
    ]
    for name in names:
        cb = sorted(r[name][0] for r in runs["before"])[args.repeats // 2]
        ca = sorted(r[name][0] for r in runs["after"])[args.repeats // 2]
        wb = sorted(r[name][1] for r in runs["before"])[args.repeats // 2]
        wa = sorted(r[name][1] for r in runs["after"])[args.repeats // 2]
        lines.append(f"{name:42s} {cb:10.3f}s {ca:9.3f}s {ca / cb:6.2f}   "
                     f"[{wb:.3f}s / {wa:.3f}s]")
    text = "\n".join(lines)
    print(text)
    if args.save:
        (HERE / "results" / "bench_validation_overhead.txt").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
