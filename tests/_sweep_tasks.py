"""Task functions for tests/test_sweep.py, importable by worker processes (joblib, Dask) and by
the subprocess of the kill-and-resume test (run as ``python _sweep_tasks.py <store> <calls>``)."""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

GRID = {"n_bidders": [2, 3, 4], "scale": [0.5, 2.0]}


def draws(rng, n_bidders, scale, n_rows=3):
    """A cheap task: a few random numbers that depend on the stream and the parameters."""
    x = scale * rng.standard_normal((n_rows, n_bidders)).max(axis=1)
    return pd.DataFrame({"row": np.arange(n_rows), "x": x, "u": rng.random(n_rows)})


def counted_draws(rng, n_bidders, scale, calls_dir, delay=0.0):
    """Like :func:`draws`, but records each call as a file in ``calls_dir`` and sleeps ``delay``."""
    Path(calls_dir, f"{n_bidders}-{scale}-{os.getpid()}-{uuid.uuid4().hex}").touch()
    time.sleep(delay)
    return draws(rng, n_bidders, scale)


def not_a_frame(rng, a):
    return {"a": a}


if __name__ == "__main__":  # the subprocess of the kill-and-resume test
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _sweep_tasks import counted_draws as task  # same qualified name as in the test process

    from privauction.sweep import run_sweep

    store, calls = sys.argv[1], sys.argv[2]
    run_sweep(task, GRID, n_replications=4, seed=3, store=store, progress=False,
              fixed={"calls_dir": calls, "delay": 0.1})
