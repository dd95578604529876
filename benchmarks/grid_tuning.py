"""Points per cell of the compiled k-th neighbour grid (issue 11): CPU time of the grid search
``_GridIndex(pts, per_cell=c, keep_ties=True).kth(3)`` for c in {1, 2, 4, 8, 16}, on
N = 10^5 correlated Gaussian points in d = 2 .. 6 dimensions (for d = 6 the 3x3 MI case of
bench_estimators.py), one thread, the minimum of 3 runs (CPU time, ``process_time``: the least
inflated by the load of the shared machine). Every setting returns the same distances (checked
here against the k-d tree); only the time changes. The library uses
``_blocks._KTH_PER_CELL``.

Usage:  python benchmarks/grid_tuning.py      Writes benchmarks/results/grid_tuning.txt.
"""

from __future__ import annotations

import os

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"

import pathlib  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from privauction.estimators import _blocks  # noqa: E402
from privauction.estimators._blocks import _GridIndex, kth_distance_tree  # noqa: E402

PER_CELL = (1.0, 2.0, 4.0, 8.0, 16.0)


def points(n, d, seed):
    rng = np.random.default_rng(seed)
    if d == 6:  # x, y = 0.6 x + 0.8 e, three columns each (bench_estimators.py)
        x = rng.standard_normal((n, 3))
        pts = np.hstack((x, 0.6 * x + 0.8 * rng.standard_normal((n, 3))))
    else:
        pts = rng.standard_normal((n, d))
        pts[:, 1:] = 0.6 * pts[:, :1] + 0.8 * pts[:, 1:]
    return pts / pts.std(axis=0)


def main():
    n = 100_000
    _GridIndex(points(1000, 3, 0), per_cell=4.0, keep_ties=True).kth(3)  # compile / load
    lines = [f"# k-th neighbour grid: CPU seconds (min of 3), N = {n}, k = 3, one thread; "
             f"load average {os.getloadavg()[0]:.1f} at start",
             f"# library setting: _KTH_PER_CELL = {_blocks._KTH_PER_CELL}",
             f"{'d':>2s} " + " ".join(f"{f'{c:g}/cell':>9s}" for c in PER_CELL)]
    print("\n".join(lines), flush=True)
    for d in (2, 3, 4, 5, 6):
        pts = points(n, d, d)
        ref = kth_distance_tree(pts, 3)
        row = []
        for c in PER_CELL:
            best = np.inf
            for _ in range(3):
                t0 = time.process_time()
                got = _GridIndex(pts, per_cell=c, keep_ties=True).kth(3)
                best = min(best, time.process_time() - t0)
            assert np.array_equal(got, ref)
            row.append(f"{best:9.3f}")
        lines.append(f"{d:2d} " + " ".join(row))
        print(lines[-1], flush=True)
    lines.append(f"# load average {os.getloadavg()[0]:.1f} at end")
    out = pathlib.Path(__file__).parent / "results" / "grid_tuning.txt"
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
