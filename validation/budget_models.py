"""Check the work-budget models of ``privauction._budgets`` against measurements (issue 15).

* ``simulate_memory``: the model's bytes against the ``tracemalloc`` peak of
  :func:`privauction.simulate` (numpy reports its allocations to tracemalloc) over mechanisms,
  bidders, sizes and ``keep``; the model must never be below the peak (a call it admits must
  fit) and should not be far above it (a call it refuses should really be large).
* ``neighbor_lookups``: the CPU seconds per look-up of the kNN estimators at ``n = 10^6``,
  which turns the default ``max_work = 10^9`` into a time.

    python validation/budget_models.py [--save]
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy import stats

import privauction as pa
from privauction._budgets import (
    DEFAULT_MAX_WORK,
    estimator_memory,
    neighbor_lookups,
    simulate_memory,
)

HERE = Path(__file__).resolve().parent


def memory_rows():
    M = pa.mechanisms
    prior = stats.uniform(0, 1)
    cases = [
        (M.SecondPrice(), 2, 10**6, None), (M.SecondPrice(), 10, 200_000, None),
        (M.SecondPrice(), 1000, 1000, None), (M.SecondPrice(), 10**5, 20, None),
        (M.FirstPrice(), 5, 200_000, None), (M.FirstPrice(), 1000, 1000, None),
        (M.KPrice(3), 1000, 1000, None), (M.ZeroKLottery(2), 2, 10**6, None),
        (M.ReservePrice(0.5), 3, 300_000, None), (M.SecondPrice(), 4, 200_000, "values"),
        (M.FirstPrice(), 4, 200_000, "bids"),
    ]
    rows = []
    for mech, n_bidders, n_auctions, keep in cases:
        pa.simulate(mech, prior, n_bidders, 10, rng=0, keep=keep)  # warm caches
        tracemalloc.start()
        pa.simulate(mech, prior, n_bidders, n_auctions, rng=0, keep=keep)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        kept = (None, "values", "bids").index(keep)
        model = simulate_memory(n_auctions, n_bidders, 1 << 16, kept)
        rows.append((f"{mech!r}", n_bidders, n_auctions, keep, peak, model))
    return rows


def estimator_rows():
    rng = np.random.default_rng(0)
    est = pa.estimators
    est.mutual_information(rng.random(100), rng.random(100))  # compile first
    est.conditional_mutual_information(rng.random(100), rng.random(100), rng.random(100))
    rows = []
    for n, d in ((10**6, 1), (3 * 10**5, 3)):
        x = rng.random((n, d))
        y = x + rng.random((n, d))
        z = rng.random((n, 1))
        calls = [("mutual_information ksg", est.mutual_information, {}, 2 * d),
                 ("mutual_information mixed", est.mutual_information, {"method": "mixed"},
                  2 * d),
                 ("conditional_mutual_information", est.conditional_mutual_information,
                  {"z": z}, 2 * d + 1)]
        for name, function, options, columns in calls:
            tracemalloc.start()
            function(x, y, **options)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rows.append((name, n, columns, peak, estimator_memory(n, columns)))
    return rows


def lookup_rate():
    rng = np.random.default_rng(0)
    n = 10**6
    x = rng.random(n)
    y = x + rng.random(n)
    pa.estimators.mutual_information(x[:1000], y[:1000])  # compile
    out = []
    for method in ("ksg", "mixed"):
        t = time.process_time()
        pa.estimators.mutual_information(x, y, method=method)
        cpu = time.process_time() - t
        out.append((method, cpu, neighbor_lookups(n, 3) / cpu))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args(argv)
    lines = ["# python validation/budget_models.py",
             f"# load average {os.getloadavg()[0]:.2f}; "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
             "", "simulate_memory (bytes) against the tracemalloc peak of simulate:",
             f"{'mechanism':24s} {'bidders':>8s} {'auctions':>9s} {'keep':>7s} {'peak MB':>9s} "
             f"{'model MB':>9s} {'model/peak':>10s}"]
    ratios = []
    for name, nb, na, keep, peak, model in memory_rows():
        ratios.append(model / peak)
        lines.append(f"{name:24s} {nb:8d} {na:9d} {keep!s:>7s} {peak / 1e6:9.1f} "
                     f"{model / 1e6:9.1f} {model / peak:10.2f}")
    lines.append(f"model/peak from {min(ratios):.2f} to {max(ratios):.2f} "
                 "(>= 1: an admitted call fits its estimate)")
    lines += ["", "estimator_memory (bytes) against the tracemalloc peak of the estimate:",
              f"{'call':32s} {'rows':>8s} {'columns':>8s} {'peak MB':>9s} {'model MB':>9s} "
              f"{'model/peak':>10s}"]
    for name, n, columns, peak, model in estimator_rows():
        lines.append(f"{name:32s} {n:8d} {columns:8d} {peak / 1e6:9.1f} {model / 1e6:9.1f} "
                     f"{model / peak:10.2f}")
    lines += ["", "kNN look-ups per CPU second at n = 10^6, k = 3:"]
    for method, cpu, rate in lookup_rate():
        lines.append(f"  {method:6s} {cpu:.3f} s CPU, {rate:.3g} look-ups/s -> max_work = "
                     f"{DEFAULT_MAX_WORK:.0e} is about {DEFAULT_MAX_WORK / rate:.0f} s CPU")
    text = "\n".join(lines)
    print(text)
    if args.save:
        (HERE / "results" / "budget_models.txt").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
