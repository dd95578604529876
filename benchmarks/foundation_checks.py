"""The numbers issue 2 asks to show: simulated means against theory, Eq. (9) across priors,
the observer's average KL, k-price ex-post IR violations. Prints a report and writes it to
benchmarks/results/foundation_checks.txt.

Usage:  python benchmarks/foundation_checks.py [--n-auctions 1000000] [--seed 0]
"""

from __future__ import annotations

import argparse
import math
import pathlib
import time

import numpy as np
from scipy import stats

import privauction as pa

M = pa.mechanisms
PRIORS = {
    "uniform(0,1)": stats.uniform(0, 1),
    "beta(2,2)": stats.beta(2, 2),
    "truncexpon(b=3)": stats.truncexpon(b=3),
}


def mean_se(x):
    return float(np.mean(x)), float(np.std(x) / math.sqrt(x.size))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-auctions", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(pathlib.Path(__file__).parent / "results" /
                                         "foundation_checks.txt"))
    args = ap.parse_args(argv)
    N = args.n_auctions
    streams = iter(np.random.SeedSequence(args.seed).spawn(100))
    lines = []

    def say(s=""):
        print(s, flush=True)
        lines.append(s)

    say(f"# Foundation checks, {N:,} auctions per cell, seed {args.seed}; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    say("# z = (simulated - theory) / standard error of the simulated mean")
    say()
    say("## SPA mean price = E[second-highest value]")
    for label, prior in PRIORS.items():
        for n in (2, 5):
            out = pa.simulate(M.SecondPrice(), prior, n, N, rng=next(streams))
            m, se = mean_se(out.price)
            th = M.SecondPrice().expected_revenue(prior, n)
            say(f"{label:<16} n={n:<2}  simulated {m:.6f} ± {se:.6f}   theory {th:.6f}   "
                f"z = {(m - th) / se:+.2f}")
    say()
    say("## Reserve SPA at Myerson's reserve: revenue = Myerson's")
    for label, prior in PRIORS.items():
        for n in (2, 3):
            mech = M.ReservePrice()
            out = pa.simulate(mech, prior, n, N, rng=next(streams))
            m, se = mean_se(np.nan_to_num(out.price, nan=0.0))
            th = mech.expected_revenue(prior, n)
            say(f"{label:<16} n={n:<2}  r* = {pa.priors.myerson_reserve(prior):.6f}   "
                f"simulated {m:.6f} ± {se:.6f}   Myerson {th:.6f}   z = {(m - th) / se:+.2f}")
    say()
    say("## Mean payment given the bids = second-highest bid (DSIC mechanisms; 10^5 repeats "
        "of 3 fixed bid profiles)")
    rng = np.random.default_rng(args.seed)
    for mech, n in [(M.ZeroKLottery(2.0), 2), (M.WinnerBidLottery(), 3), (M.BetaPrice(), 3),
                    (M.SecondPrice(), 4)]:
        profiles = rng.uniform(0, 1, size=(3, n))
        bids = np.repeat(profiles, 100_000, axis=0)
        _, price = mech.checked_run(bids, rng)
        price = price.reshape(3, -1)
        second = np.sort(profiles, axis=1)[:, -2]
        diff = price.mean(axis=1) - second
        se = price.std(axis=1) / math.sqrt(1e5)
        zs = ", ".join("exact" if s < 1e-12 and abs(d) < 1e-12 else f"{d / s:+.2f}"
                       for d, s in zip(diff, se, strict=True))
        say(f"{mech!r:<22} max |mean - b2| = {np.max(np.abs(price.mean(axis=1) - second)):.2e}"
            f"   z = {zs}")
    say()
    say("## k-price: ex-post IR violations (n = 5, uniform and beta(2,2))")
    for label in ("uniform(0,1)", "beta(2,2)"):
        for k in (2, 3, 4, 5):
            out = pa.simulate(M.KPrice(k), PRIORS[label], 5, N, rng=next(streams))
            say(f"{label:<16} KPrice({k})  share of auctions with price > value "
                f"{out.ex_post_ir_violation_share:.4f}")
    say()
    say("## SecondPrice().privacy_loss = H_{n-1} - log n for every prior (Eq. (9), Prop. 3)")
    for n in (2, 3, 5, 10, 100, 1000):
        vals = [M.SecondPrice().privacy_loss(p, n) for p in PRIORS.values()]
        closed = math.fsum(1 / k for k in range(1, n)) - math.log(n)
        say(f"n={n:<5} " + "  ".join(f"{v:.12f}" for v in vals) +
            f"   closed form {closed:.12f}   gamma - value {np.euler_gamma - closed:.2e}")
    say(f"n=2: 1 - log 2 = {1 - math.log(2):.12f}")
    say()
    say("## Observer: mean KL of posterior from prior -> privacy loss")
    for label, prior in PRIORS.items():
        for mech, n in [(M.SecondPrice(), 2), (M.ReservePrice(), 2), (M.ZeroKLottery(3.0), 2),
                        (M.KPrice(3), 4)]:
            out = pa.simulate(mech, prior, n, N, rng=next(streams))
            kl = np.zeros(N)
            kl[out.sold] = pa.Observer(mech, prior, n).kl(out.price[out.sold])
            m, se = mean_se(kl)
            th = mech.privacy_loss(prior, n)
            say(f"{label:<16} {out.mechanism!r:<30} n={n}  observer {m:.6f} ± {se:.6f}   "
                f"analytical {th:.6f}   z = {(m - th) / se:+.2f}")
    pathlib.Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
