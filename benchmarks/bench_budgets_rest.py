"""Measure the work behind the part-B work budgets (issue 15): min_mi_coupling's cells,
optimal_menu's interval count, the market's auctions and ticks, the sweep's per-task overhead.

    PYTHONPATH=src python benchmarks/bench_budgets_rest.py [coupling|menu|market|sweep ...]

Prints wall and CPU seconds (time.process_time) per size and the load average; the limits in
the docstrings (Raises sections) are set from these numbers so that a call under its limit
finishes in under about a minute on this 2-core machine.
"""

from __future__ import annotations

import os
import sys
import time
import warnings

import numpy as np
import pandas as pd
from scipy import stats

import privauction as pa


def timed(call):
    w, c = time.perf_counter(), time.process_time()
    out = call()
    return time.perf_counter() - w, time.process_time() - c, out


def coupling():
    print("min_mi_coupling: m = n atoms, X = U{0..m-1} shifted up, Y spread below")
    for m in (250, 500, 1000, 2000, 3000, 4000):
        k = np.arange(m, dtype=float)
        px = (k + 1) / (k + 1).sum()          # increasing: X is high
        py = (m - k) / (m - k).sum()          # decreasing: Y is low, strictly dominated
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wall, cpu, res = timed(lambda px=px, py=py: pa.theory.min_mi_coupling(
                px, py, tol=1e-10, max_iter=2000))
        print(f"  m = n = {m:5d}  cells {m * m:.2e}  wall {wall:7.2f} s  cpu {cpu:7.2f} s  "
              f"iterations {res.n_iter}  converged {res.converged}")
    for m in (10_000, 20_000):
        p = np.full(m, 1.0 / m)
        wall, cpu, res = timed(lambda p=p: pa.theory.min_mi_coupling(p, p))
        print(f"  identical uniform marginals m = {m}: wall {wall:.2f} s cpu {cpu:.2f} s "
              f"iterations {res.n_iter}")


def menu():
    print("optimal_menu: uniform [1, 2], quadratic cost, kappa = log(n) - 0.05 (so the search "
          "starts at n intervals), max_intervals = 2n, n_random = 4 (the default)")
    prior = stats.uniform(1, 1)
    for n in (8, 16, 32, 64, 128, 192):
        kappa = float(np.log(n)) - 0.05
        wall, cpu, res = timed(lambda n=n, kappa=kappa: pa.screening.optimal_menu(
            prior, kappa, max_intervals=2 * n))
        print(f"  n {n:4d}  counts solved {[k for k, _ in res.profit_by_n]}  wall {wall:7.2f} s"
              f"  cpu {cpu:7.2f} s")
    for n_random in (4, 16, 64):
        wall, cpu, _ = timed(lambda r=n_random: pa.screening.optimal_menu(
            prior, 2.0, n_random=r))
        print(f"  kappa 2 (intervals 8..), n_random {n_random:3d}  wall {wall:7.2f} s  "
              f"cpu {cpu:7.2f} s")


def market():
    print("Market: SPA, uniform, 1000 bidders, 3 per auction")
    spa = pa.mechanisms.SecondPrice()
    for rate in (1e5, 1e6, 4e6):
        m = pa.simulator.Market(spa, stats.uniform(0, 1), 1000, 3, arrival_rate=rate)
        wall, cpu, res = timed(lambda m=m: m.run(1.0, rng=0))
        print(f"  arrival_rate {rate:.0e} x horizon 1: auctions {len(res.events)}"
              f"  wall {wall:6.2f} s  cpu {cpu:6.2f} s")
    for ticks in (1e4, 1e5):
        m = pa.simulator.Market(spa, stats.uniform(0, 1), 100, 2, arrival_rate=1.0,
                                tick=1.0 / ticks)
        wall, cpu, _ = timed(lambda m=m: m.run(1.0, rng=0))
        print(f"  {ticks:.0e} ticks (few auctions)  wall {wall:6.2f} s  cpu {cpu:6.2f} s")


def _task(rng, a):
    return pd.DataFrame({"x": [rng.random()]})


def sweep():
    print("run_sweep: serial, a trivial task")
    for n in (1_000, 10_000, 50_000):
        wall, cpu, _ = timed(lambda n=n: pa.sweep.run_sweep(_task, {"a": [1]}, n_replications=n,
                                                            progress=False))
        print(f"  tasks {n:7d}  wall {wall:6.2f} s  cpu {cpu:6.2f} s  "
              f"({1e6 * cpu / n:.0f} µs cpu per task)")


if __name__ == "__main__":
    print(f"load average {os.getloadavg()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    for name in sys.argv[1:] or ["coupling", "menu", "market", "sweep"]:
        globals()[name]()
