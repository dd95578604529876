"""Speed, agreement and memory of privauction's MI estimators against scikit-learn and NPEET
(issue 11), side by side in one run, everything on one thread.

Measured so that the machine's load does not decide the verdict:

* one thread on both sides: the thread pools of numba, OpenMP, MKL and OpenBLAS are set to
  one thread before anything is imported, ours runs with ``workers=1`` and scikit-learn with
  ``n_jobs=1``;
* interleaved rounds (ours, theirs, ours, theirs, ...; ``--rounds``, at least 5), so that a
  change of load hits both sides alike;
* per side the minimum and the median over the rounds of the wall time (``perf_counter``) and
  of the CPU time of the process (``process_time``), and the ratio of the minima. Load only
  ever adds time (waiting for a core, caches and memory bandwidth shared with other jobs), so
  the minimum over rounds estimates the unloaded cost; CPU time does not count the waits,
  so it is the less inflated of the two under load;
* the load average (``uptime``) at the start and at the end;
* JIT compilation kept out of the timings: every kernel is warmed up first, and the time of
  compiling them all from scratch (a fresh process with an empty numba cache) is reported
  separately.

Cases:

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

Usage:  nice -n -5 python benchmarks/bench_estimators.py [--rounds 5] [--out FILE]
(as root; otherwise not niced). Writes benchmarks/results/bench_estimators.txt.
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
import tempfile  # noqa: E402
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
lifetime = status("VmHWM")  # peak so far: interpreter, imports, kernels, inputs, warm-up
before = status("VmRSS")
with open("/proc/self/clear_refs", "w") as fh:                    # reset the peak (VmHWM)
    fh.write("5")
mutual_information(x, y, method=method)
print(json.dumps({"before_mb": before, "peak_mb": status("VmHWM"), "setup_peak_mb": lifetime}))
"""


COMPILE_CHILD = r"""
import json, time
t0 = time.perf_counter()
import numpy as np
from privauction.estimators import conditional_mutual_information, mutual_information
t1 = time.perf_counter()
w = np.random.default_rng(0).standard_normal((2000, 3))
mutual_information(w[:, 0], w[:, 1])
mutual_information(w, w[::-1])
conditional_mutual_information(w[:, 0], w[:, 1], w[:, 2])
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "first_calls_s": t2 - t1}))
"""


def interleaved(fns, rounds):
    """Run ``fns`` in turn (ours, theirs, ours, theirs, ...) ``rounds`` times each.

    Returns the wall and CPU times of every run, ``(rounds, len(fns))`` arrays each, and each
    function's last value."""
    wall = np.empty((rounds, len(fns)))
    cpu = np.empty((rounds, len(fns)))
    values = [None] * len(fns)
    for r in range(rounds):
        for i, fn in enumerate(fns):
            c0, t0 = time.process_time(), time.perf_counter()
            values[i] = fn()
            wall[r, i] = time.perf_counter() - t0
            cpu[r, i] = time.process_time() - c0
    return wall, cpu, values


def uptime():
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "load average: {:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5,
                    help="interleaved rounds (ours, theirs) per case, at least 5")
    ap.add_argument("--skip-compile", action="store_true",
                    help="do not time the kernels' compilation from an empty numba cache")
    ap.add_argument("--out", default=str(pathlib.Path(__file__).parent / "results" /
                                         "bench_estimators.txt"))
    args = ap.parse_args(argv)
    if args.rounds < 5:
        ap.error(f"--rounds must be at least 5; got {args.rounds}")

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

    say("# MI estimators, one thread each: privauction vs scikit-learn vs NPEET, k = 3, nats")
    say(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; python "
        f"{sys.version.split()[0]}, numpy {np.__version__}, numba {numba.__version__}, "
        f"scikit-learn {sklearn.__version__}, npeet-plus; {os.cpu_count()} cores; nice "
        f"{os.nice(0)}")
    say(f"# uptime at start: {uptime()}")
    say(f"# {args.rounds} interleaved rounds per case (ours, theirs, ours, theirs, ...); "
        "NUMBA/OMP/MKL/OPENBLAS threads = 1, workers=1, scikit-learn n_jobs=1")
    say("# Per side: min and median over the rounds of wall time (perf_counter) and CPU time")
    say("# (process_time). Load only adds time (waiting for a core, shared caches and memory")
    say("# bandwidth), so the minimum over rounds estimates the unloaded cost, and the verdict")
    say("# is the ratio of the minima (theirs / ours); CPU time leaves out the waits for a core.")
    say()
    # Warm-up: the numba kernels load from their cache (or compile) once per process, before
    # any timing.
    t0 = time.perf_counter()
    w = np.random.default_rng(0).standard_normal((2000, 3))
    mutual_information(w[:, 0], w[:, 1])
    mutual_information(w, w[::-1])
    conditional_mutual_information(w[:, 0], w[:, 1], w[:, 2])
    say(f"## JIT: warm-up in this process (kernels from the numba cache, compiled if stale) "
        f"{time.perf_counter() - t0:.2f} s, not in any timing below")
    if not args.skip_compile:
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache)
            res = subprocess.run([sys.executable, "-c", COMPILE_CHILD], capture_output=True,
                                 text=True, check=True, env=env)
        r = json.loads(res.stdout)
        say(f"## JIT: compiling every kernel from an empty cache (fresh process): first calls "
            f"{r['first_calls_s']:.1f} s wall (import {r['import_s']:.1f} s), once per machine")
    say()

    real_add_noise = npeet.add_noise
    rows = []
    head = (f"{'case':22s} {'side':13s} {'wall min':>9s} {'wall med':>9s} {'cpu min':>9s} "
            f"{'cpu med':>9s}")

    def report(case, names, wall, cpu):
        say(head)
        for i, name in enumerate(names):
            say(f"{case:22s} {name:13s} {wall[:, i].min():9.3f} {np.median(wall[:, i]):9.3f} "
                f"{cpu[:, i].min():9.3f} {np.median(cpu[:, i]):9.3f}")
        rw = wall[:, 1].min() / wall[:, 0].min()
        rc = cpu[:, 1].min() / cpu[:, 0].min()
        rm = np.median(cpu[:, 1]) / np.median(cpu[:, 0])
        say(f"{case:22s} {'ratio':13s} of minima: wall {rw:.1f}x, CPU {rc:.1f}x "
            f"(of CPU medians {rm:.1f}x)")
        rows.append((case, rw, rc))

    say("## 2-D KSG vs scikit-learn mutual_info_regression (n_jobs=1)")
    for n in (100_000, 1_000_000):
        rng = np.random.default_rng(n)
        x = rng.standard_normal(n)
        y = 0.6 * x + 0.8 * rng.standard_normal(n)
        x, y = x / x.std(), y / y.std()
        wall, cpu, (v_o, v_s) = interleaved([
            lambda x=x, y=y: mutual_information(x, y, standardize=False, workers=1),
            lambda x=x, y=y: float(mutual_info_regression(
                x[:, None], y, n_neighbors=3, random_state=0, n_jobs=1)[0]),
        ], args.rounds)
        report(f"2-D KSG N={n:.0e}".replace("e+0", "e"), ["privauction", "scikit-learn"],
               wall, cpu)
        v_kernel = float(_compute_mi_cc(x, y, 3))
        say(f"  ours {v_o:.15f}; |ours - sklearn kernel (noise off)| {abs(v_o - v_kernel):.2e}, "
            f"|ours - sklearn (noise on)| {abs(v_o - v_s):.2e}")
    say()

    say("## Vector MI, d_x = d_y = 3, vs NPEET mi (base e)")
    n = 100_000
    rng = np.random.default_rng(3)
    x = rng.standard_normal((n, 3))
    y = 0.6 * x + 0.8 * rng.standard_normal((n, 3))
    x, y = x / x.std(axis=0), y / y.std(axis=0)
    npeet.add_noise = real_add_noise
    wall, cpu, (v_o, v_n) = interleaved([
        lambda: mutual_information(x, y, standardize=False, workers=1),
        lambda: float(npeet.mi(x, y, k=3, base=math.e)),
    ], args.rounds)
    report("3x3 MI N=1e5", ["privauction", "NPEET"], wall, cpu)
    npeet.add_noise = lambda a, intens=0.0: a
    v_quiet = float(npeet.mi(x, y, k=3, base=math.e))
    npeet.add_noise = real_add_noise
    say(f"  ours {v_o:.15f} (truth {-1.5 * math.log(0.64):.6f}); |ours - NPEET noise off| "
        f"{abs(v_o - v_quiet):.2e}, noise on {abs(v_o - v_n):.2e}")
    say()

    say("## CMI vs NPEET cmi (base e)")
    rng = np.random.default_rng(4)
    z = rng.standard_normal(n)
    x1 = z + rng.standard_normal(n)
    y1 = x1 + rng.standard_normal(n)
    x1, y1, z = x1 / x1.std(), y1 / y1.std(), z / z.std()
    wall, cpu, (v_o, v_n) = interleaved([
        lambda: conditional_mutual_information(x1, y1, z, standardize=False, workers=1),
        lambda: float(npeet.cmi(x1[:, None], y1[:, None], z[:, None], k=3, base=math.e)),
    ], args.rounds)
    report("CMI N=1e5", ["privauction", "NPEET"], wall, cpu)
    npeet.add_noise = lambda a, intens=0.0: a
    v_quiet = float(npeet.cmi(x1[:, None], y1[:, None], z[:, None], k=3, base=math.e))
    npeet.add_noise = real_add_noise
    say(f"  ours {v_o:.15f} (truth {0.5 * math.log(2):.6f}); |ours - NPEET noise off| "
        f"{abs(v_o - v_quiet):.2e}, noise on {abs(v_o - v_n):.2e}")
    say("  (NPEET subtracts 1e-15 from each radius where we compare strictly: with the noise")
    say("  off the two can differ on a point whose neighbour sits at exactly the radius.)")
    say()

    say("## Peak memory at N = 10^6, one thread (fresh process: resident set before the")
    say("## estimate, with the interpreter, libraries, compiled kernels and the two input")
    say("## columns (16 MB), and its peak during the estimate, from /proc VmHWM after a reset;")
    say("## 'peak before': VmHWM up to then, imports and warm-up. getrusage's ru_maxrss is not")
    say("## used: Linux carries it over from the parent across fork and exec, so a child of")
    say("## this large process would report the parent's size)")
    env = dict(os.environ)
    for method in ("ksg", "mixed", "binned"):
        res = subprocess.run([sys.executable, "-c", MEMORY_CHILD, method, str(10**6)],
                             capture_output=True, text=True, check=True, env=env)
        r = json.loads(res.stdout)
        say(f"{method:7s} RSS before {r['before_mb']:7.1f} MB, peak {r['peak_mb']:7.1f} MB, "
            f"growth {r['peak_mb'] - r['before_mb']:6.1f} MB; peak before the estimate "
            f"{r['setup_peak_mb']:6.1f} MB")
    say()
    say("## Summary: ratio of minima, theirs / ours (goals: 2-D KSG at 1e6 >= 15x, 3x3 MI and")
    say("## CMI >= 5x)")
    for case, rw, rc in rows:
        say(f"{case:22s} wall {rw:5.1f}x   CPU {rc:5.1f}x")
    say(f"# uptime at end: {uptime()}")
    pathlib.Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
