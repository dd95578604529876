"""Throughput of the simpy market (issue 6) against the batch simulator.

For each configuration, times ``Market(...).run(horizon, rng=rep)`` with ``arrival_rate *
horizon = N`` expected auctions of ``n = 10`` bidders each (population 1000 unless stated),
which includes building the market (each repeat starts with cold caches), spawning one
SeedSequence per bidder, the clock, participant draws, values, bids, the mechanism, the
observer's per-bidder posterior updates and building the two DataFrames; and
``privauction.simulate(SecondPrice(), prior, 10, N)`` for the same N. Reports the best of
``--repeats`` runs: auctions per second (goal >= 50,000 for 10^5 auctions), and the ratio of the
market's time to the batch simulator's.

With ``--validate`` it then runs the three world scenarios in full mode (seed 0) and prints
their tables: KS p-values and MI of fresh values against the batch simulator, the observer's
exactness, and the repeat-winner and bidders-per-auction comparisons.

Usage:  python benchmarks/bench_world.py [--repeats 5] [--auctions 100000] [--validate]
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
from scipy import stats

import privauction as pa
from privauction.simulator.world import Market

M = pa.mechanisms


def best_time(fn, repeats):
    times = []
    for rep in range(repeats):
        t = time.perf_counter()
        out = fn(rep)
        times.append(time.perf_counter() - t)
    return min(times), out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--auctions", type=int, default=100_000)
    parser.add_argument("--validate", action="store_true")
    args = parser.parse_args(argv)
    N = args.auctions
    prior = stats.uniform(0, 1)
    n = 10
    configs = [
        ("SPA, persistent", dict(mechanism=M.SecondPrice(), value_process="persistent")),
        ("SPA, fresh", dict(mechanism=M.SecondPrice(), value_process="fresh")),
        ("SPA, Markov refresh 0.1", dict(mechanism=M.SecondPrice(),
                                         value_process=pa.simulator.world.MarkovRefresh(0.1))),
        ("reserve SPA, persistent", dict(mechanism=M.ReservePrice(), value_process="persistent")),
        ("{0,K} lottery K=2, persistent", dict(mechanism=M.ZeroKLottery(2.0),
                                                value_process="persistent")),
        ("SPA, persistent, population 10^5", dict(mechanism=M.SecondPrice(),
                                                   value_process="persistent",
                                                   n_population=100_000)),
        ("SPA, Bernoulli entry q=0.01 (mean 10)", dict(mechanism=M.SecondPrice(),
                                                       value_process="persistent",
                                                       n_per_auction=None,
                                                       entry_probability=0.01)),
    ]
    batch_t, _ = best_time(
        lambda rep: pa.simulate(M.SecondPrice(), prior, n, N, rng=rep), args.repeats
    )
    lines = [
        f"# bench_world: {N} auctions, {n} bidders per auction, best of {args.repeats}",
        f"# python {platform.python_version()}, numpy {np.__version__}, "
        f"{platform.machine()}; machine shared with other jobs",
        f"batch simulator pa.simulate(SecondPrice, n=10, N={N}): {batch_t:.4f} s = "
        f"{N / batch_t:,.0f} auctions/s",
        "",
        f"{'configuration':42s} {'auctions':>9s} {'time s':>8s} {'auctions/s':>12s} "
        f"{'x batch time':>12s} {'ticks':>6s}",
    ]
    for label, kw in configs:
        kwargs = dict(prior=prior, n_population=1000, n_per_auction=n, arrival_rate=float(N))
        kwargs.update(kw)
        Market(**kwargs).run(0.01, rng=99)  # warm-up of imports and scipy internals
        # a new Market per repeat: cold caches (bound mechanism, observer model, its KL table)
        t, res = best_time(lambda rep, kwargs=kwargs: Market(**kwargs).run(1.0, rng=rep),
                           args.repeats)
        k = len(res.events)
        lines.append(
            f"{label:42s} {k:9d} {t:8.4f} {k / t:12,.0f} {t / batch_t * N / k:12.1f} "
            f"{res.meta['n_batches']:6d}"
        )
    if args.validate:
        lines += ["", *validation_lines()]
    text = "\n".join(lines)
    print(text)
    return text


def validation_lines():
    import pandas as pd

    from privauction.scenarios import run_scenario

    out = []
    cols = ["case", "analytical", "estimate", "ci_low", "ci_high", "verdict"]
    with pd.option_context("display.width", 200, "display.max_colwidth", 75,
                           "display.max_columns", 20, "display.float_format", "{:.6g}".format):
        for name, extra in (
            ("world-fresh-values", ["batch_estimate"]),
            ("world-repeat-winners", ["spa_estimate", "reserve_estimate", "max_abs_difference"]),
            ("world-bidders-per-auction", ["season_mi", "one_shot_mi", "max_abs_difference"]),
        ):
            t = time.perf_counter()
            frame = run_scenario(name, seed=0, quick=False)
            out.append(f"## scenario {name} (full, seed 0): {time.perf_counter() - t:.1f} s, "
                       f"all verdicts {bool(frame.verdict.all())}")
            keep = [c for c in cols + extra if c in frame]
            out.append(frame[keep].to_string(index=False))
            out.append("")
    return out


if __name__ == "__main__":
    main()
