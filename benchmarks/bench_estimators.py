"""Speed, agreement and memory of privauction's MI estimators against scikit-learn and NPEET
(issue 11), side by side in one run, everything on one thread.

The thread pools of numba, OpenMP, MKL and OpenBLAS are set to one thread before anything is
imported, and every estimator runs with its defaults for one thread (``workers=1``;
scikit-learn's ``n_jobs`` only splits feature columns anyway). Contenders are timed round-robin
(ours, theirs, ours, theirs, ...) so that a change of load on the shared machine hits both; the
best time of each is reported, and the ratio of the best times.

* 2-D KSG: N pairs of a bivariate Gaussian (ρ = 0.6), standardised once; ours
  ``mutual_information(x, y)`` against scikit-learn ``mutual_info_regression(n_neighbors=3)``
  as users call it (it rescales and adds noise), at N = 10^5 and 10^6 (goal at 10^6: >= 15x);
* vector MI, d_x = d_y = 3, N = 10^5: y = 0.6 x + 0.8 e coordinate-wise; ours against NPEET
  ``mi(x, y, k=3, base=e)`` (package npeet-plus; NPEET's default base is 2; goal >= 5x);
* CMI, N = 10^5: z ~ N(0, 1), x = z + e1, y = x + e2; ours ``conditional_mutual_information``
  against NPEET ``cmi(x, y, z, k=3, base=e)`` (goal >= 5x);
* agreement: the same numbers with the other tool's noise switched off (scikit-learn's kernel
  ``_compute_mi_cc``; NPEET with ``add_noise`` the identity);
* peak memory at N = 10^6 in a fresh process (goal < 400 MB).

Usage:  nice python benchmarks/bench_estimators.py [--repeats 3] [--other-repeats 2]
Writes benchmarks/results/bench_estimators.txt.
"""

from __future__ import annotations

import os

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import pathlib  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

MEMORY_CHILD = r"""
import json, sys
import numpy as np
from privauction.estimators import mutual_information


def status(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB -> MB


method, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(0)
x = rng.standard_normal(n); y = 0.6 * x + 0.8 * rng.standard_normal(n)
mutual_information(x[:1000], y[:1000], method=method)            # warm-up: imports, caches
before = status("VmRSS")
with open("/proc/self/clear_refs", "w") as fh:                    # reset the peak (VmHWM)
    fh.write("5")
mutual_information(x, y, method=method)
print(json.dumps({"before_mb": before, "peak_mb": status("VmHWM")}))
"""


def round_robin(fns, repeats):
    """Best time and last value of each function, run in turn ``repeats[i]`` times each."""
    best = [math.inf] * len(fns)
    values = [None] * len(fns)
    for r in range(max(repeats)):
        for i, fn in enumerate(fns):
            if r >= repeats[i]:
                continue
            t0 = time.perf_counter()
            values[i] = fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return best, values


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3, help="runs of ours")
    ap.add_argument("--other-repeats", type=int, default=2, help="runs of scikit-learn / NPEET")
    ap.add_argument("--out", default=str(pathlib.Path(__file__).parent / "results" /
                                         "bench_estimators.txt"))
    args = ap.parse_args(argv)

    import npeet_plus.estimators as npeet
    import numba
    import sklearn
    from sklearn.feature_selection import mutual_info_regression
    from sklearn.feature_selection._mutual_info import _compute_mi_cc

    from privauction.estimators import conditional_mutual_information, mutual_information

    lines = []

    def say(s=""):
        print(s, flush=True)
        lines.append(s)

    reps = [args.repeats, args.other_repeats]
    say("# MI estimators, one thread each: privauction vs scikit-learn vs NPEET, k = 3, nats")
    say(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; python "
        f"{sys.version.split()[0]}, numpy {np.__version__}, numba {numba.__version__}, "
        f"scikit-learn {sklearn.__version__}, npeet-plus; {os.cpu_count()} cores; load "
        f"average {os.getloadavg()[0]:.1f} at start")
    say(f"# best of {args.repeats} runs (ours) / {args.other_repeats} (theirs), round-robin; "
        "NUMBA/OMP/MKL/OPENBLAS threads = 1")
    # warm-up: numba kernels load from their cache (or compile) once per process
    w = np.random.default_rng(0).standard_normal((2000, 3))
    mutual_information(w[:, 0], w[:, 1])
    mutual_information(w, w[::-1])
    conditional_mutual_information(w[:, 0], w[:, 1], w[:, 2])
    say()

    real_add_noise = npeet.add_noise
    rows = []

    say("## 2-D KSG vs scikit-learn mutual_info_regression")
    say(f"{'N':>8s} {'ours s':>8s} {'sklearn s':>10s} {'ratio':>6s} {'ours MI':>18s} "
        f"{'|ours - sk kernel|':>19s} {'|ours - sk noisy|':>18s}")
    for n in (100_000, 1_000_000):
        rng = np.random.default_rng(n)
        x = rng.standard_normal(n)
        y = 0.6 * x + 0.8 * rng.standard_normal(n)
        x, y = x / x.std(), y / y.std()
        (t_o, t_s), (v_o, v_s) = round_robin([
            lambda x=x, y=y: mutual_information(x, y, standardize=False),
            lambda x=x, y=y: float(mutual_info_regression(
                x[:, None], y, n_neighbors=3, random_state=0)[0]),
        ], reps)
        v_kernel = float(_compute_mi_cc(x, y, 3))
        say(f"{n:8d} {t_o:8.3f} {t_s:10.3f} {t_s / t_o:6.1f} {v_o:18.15f} "
            f"{abs(v_o - v_kernel):19.2e} {abs(v_o - v_s):18.2e}")
        rows.append(("2-D KSG", n, t_o, t_s))
    say()

    say("## Vector MI, d_x = d_y = 3, vs NPEET mi (base e)")
    n = 100_000
    rng = np.random.default_rng(3)
    x = rng.standard_normal((n, 3))
    y = 0.6 * x + 0.8 * rng.standard_normal((n, 3))
    x, y = x / x.std(axis=0), y / y.std(axis=0)
    npeet.add_noise = real_add_noise
    (t_o, t_n), (v_o, v_n) = round_robin([
        lambda: mutual_information(x, y, standardize=False),
        lambda: float(npeet.mi(x, y, k=3, base=math.e)),
    ], reps)
    npeet.add_noise = lambda a, intens=0.0: a
    v_quiet = float(npeet.mi(x, y, k=3, base=math.e))
    npeet.add_noise = real_add_noise
    say(f"N = {n}: ours {t_o:.3f} s, NPEET {t_n:.3f} s, ratio {t_n / t_o:.1f}; ours "
        f"{v_o:.15f} (truth {-1.5 * math.log(0.64):.6f}); |ours - NPEET noise off| "
        f"{abs(v_o - v_quiet):.2e}, noise on {abs(v_o - v_n):.2e}")
    rows.append(("3x3 MI", n, t_o, t_n))
    say()

    say("## CMI vs NPEET cmi (base e)")
    rng = np.random.default_rng(4)
    z = rng.standard_normal(n)
    x1 = z + rng.standard_normal(n)
    y1 = x1 + rng.standard_normal(n)
    x1, y1, z = x1 / x1.std(), y1 / y1.std(), z / z.std()
    (t_o, t_n), (v_o, v_n) = round_robin([
        lambda: conditional_mutual_information(x1, y1, z, standardize=False),
        lambda: float(npeet.cmi(x1[:, None], y1[:, None], z[:, None], k=3, base=math.e)),
    ], reps)
    npeet.add_noise = lambda a, intens=0.0: a
    v_quiet = float(npeet.cmi(x1[:, None], y1[:, None], z[:, None], k=3, base=math.e))
    npeet.add_noise = real_add_noise
    say(f"N = {n}: ours {t_o:.3f} s, NPEET {t_n:.3f} s, ratio {t_n / t_o:.1f}; ours "
        f"{v_o:.15f} (truth {0.5 * math.log(2):.6f}); |ours - NPEET noise off| "
        f"{abs(v_o - v_quiet):.2e}, noise on {abs(v_o - v_n):.2e}")
    say("(NPEET subtracts 1e-15 from each radius where we compare strictly: with the noise off")
    say(" the two can differ on a point whose neighbour sits at exactly the radius.)")
    rows.append(("CMI", n, t_o, t_n))
    say()

    say("## Peak memory at N = 10^6, one thread (fresh process: resident set before the")
    say("## estimate, with the interpreter, libraries, compiled kernels and the two input")
    say("## columns (16 MB), and its peak during the estimate, from /proc VmHWM after a reset)")
    env = dict(os.environ)
    for method in ("ksg", "mixed", "binned"):
        res = subprocess.run([sys.executable, "-c", MEMORY_CHILD, method, str(10**6)],
                             capture_output=True, text=True, check=True, env=env)
        r = json.loads(res.stdout)
        say(f"{method:7s} RSS before {r['before_mb']:7.1f} MB, peak {r['peak_mb']:7.1f} MB, "
            f"growth {r['peak_mb'] - r['before_mb']:6.1f} MB")
    say()
    say("## Summary (ratio = their best time / our best time)")
    for name, n, t_o, t_t in rows:
        say(f"{name:8s} N = {n:>8d}: {t_t / t_o:5.1f}x")
    pathlib.Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
