"""Benchmark: scaling of privauction.sweep.run_sweep from 1 to 2 local joblib workers.

A 16-cell CPU-bound sweep (4 mechanisms x n_bidders in {2, 3, 4, 5}); each cell simulates
auctions in chunks of 10^6 with privauction.simulate and keeps a few cheap statistics (mean
price, sold share, price-value correlation). The number of chunks is calibrated at start-up so
that one cell takes about 1 s on one core. Timings are wall-clock, best of ``--repeat`` runs,
after warming up the loky worker pool (worker start-up is reported separately).

Usage::

    python benchmarks/bench_sweep.py [--repeat 2] [--out benchmarks/results/bench_sweep.txt]

The result is appended to the output file together with the load average, since the machine
is shared.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

import privauction as pa  # noqa: E402
from privauction.sweep import run_sweep  # noqa: E402

CHUNK = 1_000_000
MECHANISMS = {
    "SecondPrice": pa.mechanisms.SecondPrice(),
    "ReservePrice(0.5)": pa.mechanisms.ReservePrice(0.5),
    "ZeroKLottery(K=2)": pa.mechanisms.ZeroKLottery(K=2.0),
    "WinnerBidLottery": pa.mechanisms.WinnerBidLottery(),
}
GRID = {"mechanism": list(MECHANISMS), "n_bidders": [2, 3, 4, 5]}


def cell(rng, mechanism, n_bidders, n_chunks):
    """Simulate ``n_chunks`` x 10^6 auctions and return cheap statistics (one row)."""
    mech = MECHANISMS[mechanism]
    prior = stats.uniform(0, 1)
    total = sold = 0.0
    cov = np.zeros(2)
    for _ in range(n_chunks):
        out = pa.simulate(mech, prior, n_bidders, CHUNK, rng=rng)
        p = np.nan_to_num(out.price)
        total += p.sum()
        sold += out.sold.sum()
        w = np.nan_to_num(out.winner_value)
        cov += [np.mean(p * w), np.mean(w)]
    n = n_chunks * CHUNK
    return pd.DataFrame({"mean_price": [total / n], "sold_share": [sold / n],
                         "E_pw": [cov[0] / n_chunks], "E_w": [cov[1] / n_chunks]})


def calibrate(target_seconds: float = 1.0) -> tuple[int, float]:
    rng = np.random.default_rng(0)
    cell(rng, "ZeroKLottery(K=2)", 3, 1)  # warm caches
    t0 = time.perf_counter()
    cell(rng, "ZeroKLottery(K=2)", 3, 2)
    per_chunk = (time.perf_counter() - t0) / 2
    return max(1, round(target_seconds / per_chunk)), per_chunk


def timed(**kwargs) -> tuple[float, pd.DataFrame]:
    t0 = time.perf_counter()
    table = run_sweep(cell, GRID, seed=0, progress=False, **kwargs)
    return time.perf_counter() - t0, table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results",
                                                      "bench_sweep.txt"))
    args = parser.parse_args(argv)

    load_before = os.getloadavg()
    n_chunks, per_chunk = calibrate()
    fixed = {"n_chunks": n_chunks}
    t0 = time.perf_counter()
    run_sweep(cell, {"mechanism": ["SecondPrice"], "n_bidders": [2, 2]}, seed=0, progress=False,
              fixed={"n_chunks": 1}, backend="joblib", n_jobs=2)  # start the loky workers
    startup = time.perf_counter() - t0

    times = {1: [], 2: []}
    tables = {}
    for _ in range(args.repeat):
        for n_jobs in (1, 2):
            t, table = timed(backend="joblib", n_jobs=n_jobs, fixed=fixed)
            times[n_jobs].append(t)
            tables[n_jobs] = table
    identical = tables[1].equals(tables[2])
    best1, best2 = min(times[1]), min(times[2])
    ratio = best1 / best2
    load_after = os.getloadavg()

    lines = [
        f"== bench_sweep  {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())} ==",
        f"python {platform.python_version()}, {os.cpu_count()} cores, "
        f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
        f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}",
        f"16 cells; each {n_chunks} x 10^6 auctions (calibrated: {per_chunk:.3f} s per 10^6 "
        f"auctions of ZeroKLottery, n=3, so ~{n_chunks * per_chunk:.2f} s per cell on one core)",
        f"loky pool start-up (2 workers, 2 tiny tasks): {startup:.2f} s (excluded below)",
        f"n_jobs=1: {', '.join(f'{t:.2f}' for t in times[1])} s  (best {best1:.2f} s)",
        f"n_jobs=2: {', '.join(f'{t:.2f}' for t in times[2])} s  (best {best2:.2f} s)",
        f"scaling ratio t(1)/t(2) = {ratio:.2f}  (goal >= 1.7)",
        f"tables identical for 1 and 2 workers: {identical}",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "a") as fh:
        fh.write(text + "\n")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
