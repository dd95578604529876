"""Bad inputs to :func:`privauction.sweep.run_sweep` and its helpers (issue 15, part B)."""

from __future__ import annotations

import os
import tempfile

import pandas as pd

import privauction as pa

from ._harness import BadInput
from ._rest_common import BAD_INT, NAN, caller, family

sw = pa.sweep


def task(rng, scale):
    """A cheap task: one random number."""
    return pd.DataFrame({"x": [scale * rng.random()]})


GRID = {"scale": [1.0, 2.0]}
sweep = caller(sw.run_sweep, func=task, grid=GRID, progress=False)


def _store_is_a_file():
    path = os.path.join(tempfile.mkdtemp(), "a-file")
    with open(path, "w") as handle:
        handle.write("not a directory")
    return sw.run_sweep(task, GRID, store=path, progress=False)


def _store_under_a_file():
    path = os.path.join(tempfile.mkdtemp(), "a-file")
    with open(path, "w") as handle:
        handle.write("not a directory")
    return sw.run_sweep(task, GRID, store=os.path.join(path, "store"), progress=False)


CASES = [
    BadInput("run_sweep", "func='task'", sweep(func="task"), ("func",), "type"),
    BadInput("run_sweep", "func=None", sweep(func=None), ("func",), "type"),
    BadInput("run_sweep", "grid=[]", sweep(grid=[]), ("grid",), "empty"),
    BadInput("run_sweep", "grid='scale'", sweep(grid="scale"), ("grid",), "type"),
    BadInput("run_sweep", "grid=None", sweep(grid=None), ("grid",), "type"),
    BadInput("run_sweep", "grid={'scale': 1.0} (not a list)", sweep(grid={"scale": 1.0}),
             ("grid", "grid['scale']"), "type"),
    BadInput("run_sweep", "grid={'scale': []}", sweep(grid={"scale": []}), ("grid",), "empty"),
    BadInput("run_sweep", "grid=[1, 2]", sweep(grid=[1, 2]), ("grid", "grid[0]"), "type"),
    BadInput("run_sweep", "grid={1: [1.0]}", sweep(grid={1: [1.0]}), ("grid",), "type"),
    BadInput("run_sweep", "grid={'rng': [0]}", sweep(grid={"rng": [0]}), ("grid",), "other"),
    BadInput("run_sweep", "grid of 10**12 cells",
             sweep(grid={"a": range(10**4), "b": range(10**4), "c": range(10**4)}),
             ("grid", "max_tasks"), "huge"),
    *family("run_sweep", sweep, "n_replications", BAD_INT),
    BadInput("run_sweep", "n_replications=10**9", sweep(n_replications=10**9),
             ("n_replications", "max_tasks"), "huge"),
    BadInput("run_sweep", "n_replications=10**7 over 2 cells", sweep(n_replications=10**7),
             ("n_replications", "max_tasks"), "huge"),
    *family("run_sweep", sweep, "seed", [("-1", -1, "negative"), ("True", True, "type"),
                                         ("'0'", "0", "type"), ("nan", NAN, "nan"),
                                         ("1.5", 1.5, "type")]),
    BadInput("run_sweep", "fixed='x'", sweep(fixed="x"), ("fixed",), "type"),
    BadInput("run_sweep", "fixed={'scale': 1}", sweep(fixed={"scale": 1.0}), ("fixed",),
             "other"),
    BadInput("run_sweep", "fixed={'rng': 0}", sweep(fixed={"rng": 0}), ("fixed",), "other"),
    BadInput("run_sweep", "backend='threads'", sweep(backend="threads"), ("backend",),
             "support"),
    BadInput("run_sweep", "backend=None", sweep(backend=None), ("backend",), "type"),
    *family("run_sweep", sweep, "n_jobs", [("0", 0, "zero"), ("True", True, "type"),
                                           ("-2", -2, "negative")]),
    BadInput("run_sweep", "client without dask", sweep(client=object()), ("client",), "other"),
    BadInput("run_sweep", "store=123", sweep(store=123), ("store",), "type"),
    BadInput("run_sweep", "store is a file", _store_is_a_file, ("store",), "other"),
    BadInput("run_sweep", "store under a file", _store_under_a_file, ("store",), "other"),
    BadInput("run_sweep", "overwrite='yes'", sweep(overwrite="yes"), ("overwrite",), "type"),
    BadInput("run_sweep", "progress='no'", sweep(progress="no"), ("progress",), "type"),
    BadInput("run_sweep", "keys of the wrong length", sweep(keys=[(0,)]), ("keys",), "mismatch"),
    BadInput("run_sweep", "keys repeated", sweep(keys=[(0,), (0,)]), ("keys",), "other"),
    BadInput("run_sweep", "keys negative", sweep(keys=[(-1,), (1,)]), ("keys",), "negative"),
    BadInput("run_sweep", "keys=5", sweep(keys=5), ("keys",), "type"),
    BadInput("run_sweep", "func returns a list",
             sweep(func=lambda rng, scale: [scale]), ("func",), "type"),
    BadInput("expand_grid", "grid=42", lambda: sw.expand_grid(42), ("grid",), "type"),
    BadInput("expand_grid", "grid of 10**12 cells",
             lambda: sw.expand_grid({"a": range(10**4), "b": range(10**4), "c": range(10**4)}),
             ("grid", "max_cells"), "huge"),
    BadInput("task_seed_sequence", "seed=-1", lambda: sw.task_seed_sequence(-1, 0, 0),
             ("seed",), "negative"),
    BadInput("task_seed_sequence", "replication='a'", lambda: sw.task_seed_sequence(0, 0, "a"),
             ("replication",), "type"),
    BadInput("task_seed_sequence", "cell=-3", lambda: sw.task_seed_sequence(0, -3, 0),
             ("cell",), "negative"),
]
