"""Coverage of estimate_mutual_information's subsampling intervals (issue 11), run by hand.

Usage::

    nice -n 10 python validation/estimator_intervals.py [--seeds 100] [--n 10000]

Writes validation/results/estimator_intervals.txt: for each case, over ``--seeds`` independent
samples of ``--n`` rows, how often the nominal 95 % interval covers the exact value (with its
binomial standard error), the mean estimate's bias, the mean reported standard error beside
the standard deviation of the estimates across seeds, and the mean estimated bias.

Cases and their exact values, each computed two ways (closed form, and the log-determinant
formula ``MI(X; Y | Z) = ½ log(det Σ_xz det Σ_yz / (det Σ_z det Σ_xyz))`` on the covariance
matrix, Cover & Thomas Eq. (8.56) applied through the chain rule):

* ``cmi gauss`` (``"ksg"``): z ~ N(0, 1), x = z + e1, y = x + e2: ½ log 2;
* ``cmi discrete z`` (``"mixed"``): s uniform on {0, 1, 2}, x = s + e1, y = (1 + s) x + e2:
  mean over s of ½ log(1 + (1 + s)²) (per stratum, the log-determinant of that stratum's
  Gaussian);
* ``mi gauss d=2`` (``"ksg"``): x ~ N(0, Σ), Σ_ij = 0.5^|i−j|, y = 0.6 x + 0.8 L e:
  −(d/2) log(1 − 0.36) (the same cases as validation/estimator_vectors.py).
"""

from __future__ import annotations

import argparse
import math
import pathlib
import sys
import time

import numpy as np

from privauction.estimators import estimate_mutual_information

RHO = 0.6


def gaussian_cmi_by_logdet(cov, ix, iy, iz):
    """½ log(det Σ_xz det Σ_yz / (det Σ_z det Σ_xyz)) for index lists into ``cov``."""
    def ld(idx):
        return np.linalg.slogdet(cov[np.ix_(idx, idx)])[1] if idx else 0.0
    return 0.5 * (ld(ix + iz) + ld(iy + iz) - ld(iz) - ld(ix + iy + iz))


def case_cmi_gauss():
    # (z, x, y) = A e with e ~ N(0, I3): z = e0, x = e0 + e1, y = e0 + e1 + e2
    a = np.array([[1.0, 0, 0], [1, 1, 0], [1, 1, 1]])
    by_logdet = gaussian_cmi_by_logdet(a @ a.T, [1], [2], [0])

    def draw(n, rng):
        z = rng.standard_normal(n)
        x = z + rng.standard_normal(n)
        return x, x + rng.standard_normal(n), z

    return draw, 0.5 * math.log(2.0), by_logdet, "ksg"


def case_cmi_discrete():
    by_logdet = 0.0
    for s in range(3):  # given s: (x, y) = (e1, (1 + s) e1 + e2), independent of z
        a = np.array([[1.0, 0.0], [1.0 + s, 1.0]])
        by_logdet += gaussian_cmi_by_logdet(a @ a.T, [0], [1], []) / 3

    def draw(n, rng):
        s = rng.integers(0, 3, n).astype(float)
        x = s + rng.standard_normal(n)
        return x, (1 + s) * x + rng.standard_normal(n), s

    closed = float(np.mean([0.5 * math.log(1 + (1 + s) ** 2) for s in range(3)]))
    return draw, closed, by_logdet, "mixed"


def case_mi_gauss(d):
    sigma = 0.5 ** np.abs(np.subtract.outer(np.arange(d), np.arange(d)))
    chol = np.linalg.cholesky(sigma)
    s = math.sqrt(1 - RHO**2)
    cov = np.block([[sigma, RHO * sigma], [RHO * sigma, sigma]])  # var y = ρ²Σ + (1-ρ²)Σ
    by_logdet = gaussian_cmi_by_logdet(cov, list(range(d)), list(range(d, 2 * d)), [])

    def draw(n, rng):
        x = rng.standard_normal((n, d)) @ chol.T
        return x, RHO * x + s * rng.standard_normal((n, d)) @ chol.T, None

    return draw, -0.5 * d * math.log(1 - RHO**2), by_logdet, "ksg"


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--out", default=str(pathlib.Path(__file__).parent / "results" /
                                         "estimator_intervals.txt"))
    args = ap.parse_args(argv)
    t_start = time.perf_counter()
    lines = []

    def say(s=""):
        print(s, flush=True)
        lines.append(s)

    say("# Coverage of estimate_mutual_information's nominal 95 % subsampling interval; "
        f"N = {args.n}, {args.seeds} seeds, k = 3, 40 subsamples of N/10, nats")
    say(f"# python {sys.version.split()[0]}, numpy {np.__version__}; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    say()
    say(f"{'case':16s} {'method':6s} {'truth':>8s} {'|closed-logdet|':>15s} {'covered':>8s} "
        f"{'coverage ± se':>15s} {'bias ± se':>20s} {'mean SE':>8s} {'sd est':>8s} "
        f"{'mean b^':>9s} {'s/seed':>7s}")
    cases = [("cmi gauss", case_cmi_gauss()), ("cmi discrete z", case_cmi_discrete()),
             ("mi gauss d=2", case_mi_gauss(2))]
    for name, (draw, truth, by_logdet, method) in cases:
        est, cov, se, bias = [], [], [], []
        t0 = time.perf_counter()
        for seed in range(args.seeds):
            rng = np.random.default_rng([11, seed])
            x, y, z = draw(args.n, rng)
            r = estimate_mutual_information(x, y, z, method=method, rng=rng)
            est.append(r.estimate)
            cov.append(r.ci_low <= truth <= r.ci_high)
            se.append(r.std_error)
            bias.append(r.bias)
        per_seed = (time.perf_counter() - t0) / args.seeds
        est = np.array(est)
        p = float(np.mean(cov))
        p_se = math.sqrt(p * (1 - p) / args.seeds)
        say(f"{name:16s} {method:6s} {truth:8.5f} {abs(truth - by_logdet):15.1e} "
            f"{int(np.sum(cov)):4d}/{args.seeds:<3d} {p:7.3f} ± {p_se:.3f}"
            f" {est.mean() - truth:+9.5f} ± {est.std(ddof=1) / math.sqrt(args.seeds):.5f}"
            f" {np.mean(se):8.5f} {est.std(ddof=1):8.5f} {np.mean(bias):+9.5f} {per_seed:7.2f}")
    say()
    say("(coverage: share of seeds whose interval holds the truth, ± binomial se; 'mean SE' is the")
    say(" interval's standard error averaged over seeds, 'sd est' the spread of the estimates")
    say(" across seeds, which it should match; 'mean b^' the averaged bias estimate of the")
    say(" subsample mean, by which the interval is widened on one side.)")
    say(f"# {time.perf_counter() - t_start:.0f} s")
    pathlib.Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
