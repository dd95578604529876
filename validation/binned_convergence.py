"""Does ``mutual_information(method="binned")`` converge, and is its privacy-loss interval honest?
(issue 11), run by hand.

Usage::

    nice -n 10 python validation/binned_convergence.py [--seeds 20] [--coverage-runs 40]

Writes validation/results/binned_convergence.txt.

1. Bias ± standard error over ``--seeds`` independent samples at N = 10^5 and 10^6, for the
   default ``"binned"`` estimate (Richardson extrapolation of two equal-mass histograms with
   Grassberger entropies) and, beside it, the previous default (one histogram of
   ``round(N^{1/3})`` equal-mass bins, Miller–Madow; ``bins=`` given explicitly). Cases, each
   with its exact MI:

   * SPA, n = 2: W = max of two uniforms, P = min; MI = 1 − log 2 (auction paper, SPA);
   * Gaussian, ρ = 0.6 and ρ = 0.9: MI = −½ log(1 − ρ²);
   * additive uniform noise: X ~ U(0, 1), Y = X + U(−0.1, 0.1): MI = 0.1 − log 0.2 (the
     density of Y is a trapezoid; h(Y) − h(Y | X) = 0.1 − log 0.2 for a half-width ≤ ½).

   Goals (issue 11): |bias| within 1 % of the truth at 10^6 on the SPA, within 2 % at 10^5 on
   the continuous cases.
2. Coverage of the nominal 95 % interval of ``estimate_privacy_loss(method="binned")`` on the
   simulated SPA, n = 2 (truth 1 − log 2, every auction sold), over ``--coverage-runs``
   independent simulations at 10^4 and 10^5 auctions.
"""

from __future__ import annotations

import argparse
import math
import pathlib
import sys
import time

import numpy as np
from scipy import stats

import privauction as pa
from privauction.estimators import estimate_privacy_loss, mutual_information


def spa(n, rng):
    u = rng.random((n, 2))
    return u.max(axis=1), u.min(axis=1)


def gaussian(rho):
    def draw(n, rng):
        x = rng.standard_normal(n)
        return x, rho * x + math.sqrt(1 - rho**2) * rng.standard_normal(n)
    return draw


def additive(n, rng):
    x = rng.random(n)
    return x, x + rng.uniform(-0.1, 0.1, n)


CASES = [
    ("SPA n=2", spa, 1 - math.log(2)),
    ("Gaussian rho=0.6", gaussian(0.6), -0.5 * math.log(1 - 0.36)),
    ("Gaussian rho=0.9", gaussian(0.9), -0.5 * math.log(1 - 0.81)),
    ("additive U(+-0.1)", additive, 0.1 - math.log(0.2)),
]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--coverage-runs", type=int, default=40)
    ap.add_argument("--out", default=str(pathlib.Path(__file__).parent / "results" /
                                         "binned_convergence.txt"))
    args = ap.parse_args(argv)
    lines = []

    def say(s=""):
        print(s, flush=True)
        lines.append(s)

    t0 = time.perf_counter()
    say(f"# binned MI: bias ± se over {args.seeds} seeds; coverage over "
        f"{args.coverage_runs} runs")
    say(f"# python {sys.version.split()[0]}, numpy {np.__version__}; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    say()
    say(f"{'case':20s} {'N':>8s} {'truth':>7s} {'new: bias ± se':>20s} {'rel':>7s} "
        f"{'old: bias ± se':>20s} {'rel':>7s}")
    for name, draw, truth in CASES:
        for n in (100_000, 1_000_000):
            new, old = [], []
            for seed in range(args.seeds):
                x, y = draw(n, np.random.default_rng([11, seed, n]))
                new.append(mutual_information(x, y, method="binned") - truth)
                old_bins = int(np.clip(round(n ** (1 / 3)), 2, 256))
                old.append(mutual_information(x, y, method="binned", bins=old_bins) - truth)
            cells = []
            for v in (new, old):
                v = np.asarray(v)
                m, se = v.mean(), v.std(ddof=1) / math.sqrt(v.size)
                cells += [f"{m:+.5f} ± {se:.5f}", f"{m / truth:+.2%}"]
            say(f"{name:20s} {n:8d} {truth:7.4f} {cells[0]:>20s} {cells[1]:>7s} "
                f"{cells[2]:>20s} {cells[3]:>7s}")
    say()
    truth = 1 - math.log(2)
    say(f"# estimate_privacy_loss(method='binned'), SPA n=2, truth {truth:.5f}, nominal 95 %")
    say(f"{'n':>8s} {'covered':>10s} {'mean est':>9s} {'mean half-width':>16s} "
        f"{'mean bias est':>14s}")
    for n in (10_000, 100_000):
        hit, est, half, bias = 0, [], [], []
        for run in range(args.coverage_runs):
            out = pa.simulate(pa.mechanisms.SecondPrice(), stats.uniform(0, 1), n_bidders=2,
                              n_auctions=n, rng=np.random.default_rng([12, run, n]))
            e = estimate_privacy_loss(out, method="binned", rng=run)
            hit += e.ci_low <= truth <= e.ci_high
            est.append(e.estimate)
            half.append((e.ci_high - e.ci_low) / 2)
            bias.append(e.bias)
        say(f"{n:8d} {hit:4d}/{args.coverage_runs:<5d} {np.mean(est):9.5f} "
            f"{np.mean(half):16.5f} {np.mean(bias):+14.5f}")
    say()
    say(f"# {time.perf_counter() - t0:.0f} s")
    pathlib.Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
