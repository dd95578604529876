"""Coverage of the confidence intervals of ``estimate_privacy_loss`` (issue 3), run by hand.

Usage::

    python validation/estimator_coverage.py [--n 10000] [--seeds 200]

Writes validation/results/estimator_coverage.txt. For each case, ``--seeds`` independent
samples of ``--n`` auctions (or Gaussian pairs) are drawn; the nominal 95 % interval of each is
checked against the true value of Definition 2. The table also shows what the plain
subsampling interval (``θ̂ ± t·SE``, without the bias extension) would have covered, and, for
mechanisms the observer supports, the observer's CLT interval. Target: coverage between 90 %
and 99 % on the Gaussian and SPA cases.
"""

from __future__ import annotations

import argparse
import math
import pathlib
import sys
import time
import types

import numpy as np
from scipy import stats

import privauction as pa
from privauction.estimators import estimate_privacy_loss

UNIFORM = stats.uniform(0, 1)
M = pa.mechanisms


def gaussian_outcomes(n, rng, rho=0.6):
    """A duck-typed stand-in for Outcomes: every 'auction' sold, W and P jointly Gaussian."""
    x = rng.standard_normal(n)
    y = rho * x + math.sqrt(1 - rho**2) * rng.standard_normal(n)
    return types.SimpleNamespace(winner_value=x, price=y, sold=np.ones(n, dtype=bool))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--observer-seeds", type=int, default=100)
    ap.add_argument("--out", default=str(pathlib.Path(__file__).parent / "results" /
                                         "estimator_coverage.txt"))
    args = ap.parse_args(argv)
    lines = []

    def say(s=""):
        print(s, flush=True)
        lines.append(s)

    say(f"# Coverage of nominal 95 % intervals, n = {args.n} auctions, {args.seeds} seeds")
    say(f"# python {sys.version.split()[0]}, numpy {np.__version__}; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    say("# estimate_privacy_loss defaults: method='mixed', n_resamples=40, subsample n//10")
    say()
    cases = [
        ("gaussian rho=0.6", None, 0, -0.5 * math.log(1 - 0.36)),
        ("SPA n=2", M.SecondPrice(), 2, None),
        ("SPA n=5", M.SecondPrice(), 5, None),
        ("{0,K} lottery K=2", M.ZeroKLottery(2), 2, None),
        ("reserve r=0.5", M.ReservePrice(0.5), 2, None),
    ]
    hdr = (f"{'case':18s} {'truth':>9s} {'bias':>9s} {'sd':>8s} {'mean SE':>8s} "
           f"{'mean b^':>9s} {'width':>8s} {'coverage':>9s} {'95% CI of cov.':>15s} "
           f"{'plain cov.':>10s} {'sec/run':>8s}  verdict")
    say(hdr)
    for label, mech, nb, truth in cases:
        if truth is None:
            truth = mech.privacy_loss(UNIFORM, nb)
        rows = []
        t0 = time.perf_counter()
        for s in range(args.seeds):
            rng = np.random.default_rng([s, 7])
            out = (gaussian_outcomes(args.n, rng) if mech is None
                   else pa.simulate(mech, UNIFORM, nb, args.n, rng=rng))
            e = estimate_privacy_loss(out, rng=rng)
            # The plain subsampling interval: t quantile with n_resamples - 1 = 39 df.
            plain = abs(e.estimate - truth) <= stats.t.ppf(0.975, 39) * e.std_error
            rows.append((e.estimate, e.std_error, e.bias, e.ci_low, e.ci_high, plain))
        sec = (time.perf_counter() - t0) / args.seeds
        a = np.array(rows, dtype=float)
        est, se, bias_hat, lo, hi, plain = a.T
        cover = (lo <= truth) & (truth <= hi)
        c = cover.mean()
        ci = stats.binomtest(int(cover.sum()), cover.size).proportion_ci(0.95)
        ok = 0.90 <= c <= 0.99
        say(f"{label:18s} {truth:9.6f} {est.mean() - truth:+9.6f} {est.std(ddof=1):8.6f} "
            f"{se.mean():8.6f} {bias_hat.mean():+9.6f} {(hi - lo).mean():8.6f} "
            f"{c:9.3f} [{ci.low:.3f}, {ci.high:.3f}] {plain.mean():10.3f} {sec:8.3f}  "
            f"{'PASS' if ok else 'FAIL'} (target 0.90-0.99)")
    say()
    say("## Observer method (plain CLT interval of the mean KL), same n")
    for label, mech, nb in (("SPA n=2", M.SecondPrice(), 2),
                            ("{0,K} lottery K=2", M.ZeroKLottery(2), 2)):
        truth = mech.privacy_loss(UNIFORM, nb)
        cover = []
        for s in range(args.observer_seeds):
            rng = np.random.default_rng([s, 11])
            out = pa.simulate(mech, UNIFORM, nb, args.n, rng=rng)
            e = estimate_privacy_loss(out, method="observer")
            cover.append(e.ci_low <= truth <= e.ci_high)
        say(f"{label:18s} observer coverage {np.mean(cover):.3f} over {len(cover)} seeds")
    pathlib.Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
