"""Throughput of the batch simulator against merely drawing the values (issue 2).

For SPA with n = 2 and 10 bidders at 10^6 and 10^7 auctions, times
  (a) drawing the n·N values from the prior with the same call the simulator uses, in one go;
  (b) privauction.simulate (which includes its own draw);
and reports auctions per second, the ratio (b)/(a) (goal <= 2) and each run's peak memory.
Each configuration runs in a fresh subprocess (so peak RSS is its own), best of 5 repeats.

Usage:  python benchmarks/bench_simulate.py [--repeats 5] [--sizes 1000000 10000000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
import numpy as np
from scipy import stats
import privauction as pa
what, n, N, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
prior = stats.uniform(0, 1)
pa.simulate(pa.mechanisms.SecondPrice(), prior, n, 1000, rng=0)  # warm-up (imports, caches)
times = []
for rep in range(repeats):
    rng = np.random.default_rng(rep)
    t = time.perf_counter()
    if what == "draw":
        values = pa.simulator.draw_values(prior, (n, N), rng)
    else:
        out = pa.simulate(pa.mechanisms.SecondPrice(), prior, n, N, rng=rng)
    times.append(time.perf_counter() - t)
    if what == "draw":
        del values
    else:
        del out
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB (Linux reports KiB)
print(json.dumps({"best": min(times), "median": sorted(times)[len(times) // 2], "peak_mib": peak}))
"""


def run(what, n, N, repeats):
    env = dict(os.environ)
    res = subprocess.run(
        [sys.executable, "-c", CHILD, what, str(n), str(N), str(repeats)],
        capture_output=True, text=True, env=env, check=True,
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--bidders", type=int, nargs="+", default=[2, 10])
    args = parser.parse_args(argv)
    print(f"{'n':>3} {'N':>10} {'draw s':>8} {'simulate s':>10} {'auctions/s':>12} "
          f"{'ratio':>6} {'peak MiB draw':>13} {'peak MiB sim':>12}")
    for n in args.bidders:
        for N in args.sizes:
            draw = run("draw", n, N, args.repeats)
            sim = run("simulate", n, N, args.repeats)
            print(f"{n:>3} {N:>10} {draw['best']:>8.3f} {sim['best']:>10.3f} "
                  f"{N / sim['best']:>12.3e} {sim['best'] / draw['best']:>6.2f} "
                  f"{draw['peak_mib']:>13.0f} {sim['peak_mib']:>12.0f}")


if __name__ == "__main__":
    main()
