"""Parameter sweeps: reproducible streams, backends, the crash-safe store."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # workers and the subprocess import it by name
import _sweep_tasks as tasks  # noqa: E402

from privauction.sweep import (  # noqa: E402
    SweepStore,
    SweepStoreMismatchError,
    SweepStoreWarning,
    expand_grid,
    run_sweep,
    task_seed_sequence,
)

N_CELLS = 6  # tasks.GRID: 3 x 2


@pytest.fixture(scope="module")
def serial_table():
    return run_sweep(tasks.draws, tasks.GRID, n_replications=3, seed=11, progress=False)


def test_table_layout_and_streams(serial_table):
    t = serial_table
    assert list(t.columns[:6]) == ["cell", "replication", "seed", "spawn_key", "n_bidders", "scale"]
    assert len(t) == N_CELLS * 3 * 3
    keys = list(zip(t["cell"], t["replication"], strict=True))
    assert keys == sorted(keys) and t.index.equals(pd.RangeIndex(len(t)))
    assert (t["spawn_key"] == [tuple(k) for k in keys]).all() and (t["seed"] == 11).all()
    # Each row is reproducible from its recorded seed and spawn key alone.
    row = t.iloc[-1]
    seq = np.random.SeedSequence(int(row["seed"]), spawn_key=row["spawn_key"])
    rng = np.random.default_rng(seq)
    again = tasks.draws(rng, int(row["n_bidders"]), float(row["scale"]))
    assert again["u"].iloc[-1] == row["u"]
    # Cells and replications get different streams.
    assert t.groupby(["cell", "replication"])["u"].first().nunique() == N_CELLS * 3


def test_spawn_key_is_the_two_level_spawn():
    a = task_seed_sequence(5, 4, 2).generate_state(4)
    b = np.random.SeedSequence(5).spawn(5)[4].spawn(3)[2].generate_state(4)
    np.testing.assert_array_equal(a, b)


@pytest.mark.slow
def test_joblib_two_workers_gives_the_identical_table(serial_table):
    par = run_sweep(tasks.draws, tasks.GRID, n_replications=3, seed=11, backend="joblib",
                    n_jobs=2, progress=False)
    pd.testing.assert_frame_equal(par, serial_table)


@pytest.mark.slow
def test_dask_local_cluster_gives_the_identical_table(serial_table):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        par = run_sweep(tasks.draws, tasks.GRID, n_replications=3, seed=11, backend="dask",
                        client=client, progress=False)
    pd.testing.assert_frame_equal(par, serial_table)


def test_replications_and_order_do_not_change_rows(serial_table, tmp_path):
    # A list-of-dicts grid in the same order is the same sweep; a store run in two halves
    # (n_replications 1 then 3) ends with the same table.
    cells = expand_grid(tasks.GRID)
    store = tmp_path / "s"
    first = run_sweep(tasks.draws, cells, n_replications=1, seed=11, store=store, progress=False)
    pd.testing.assert_frame_equal(first, serial_table[serial_table["replication"] == 0]
                                  .reset_index(drop=True))
    full = run_sweep(tasks.draws, cells, n_replications=3, seed=11, store=store, progress=False)
    pd.testing.assert_frame_equal(full, serial_table)


def _n_calls(calls: Path) -> int:
    return sum(1 for _ in calls.iterdir())


def test_kill_and_resume_computes_only_missing_tasks(tmp_path):
    store, calls = tmp_path / "store", tmp_path / "calls"
    calls.mkdir()
    script = Path(tasks.__file__)
    proc = subprocess.Popen([sys.executable, str(script), str(store), str(calls)],
                            start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    store_view = SweepStore(store)
    deadline = time.monotonic() + 60
    try:
        while len(store_view.completed()) < 4:  # poll until some tasks are stored
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the sweep subprocess stored nothing in 60 s"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
    stored = store_view.completed()
    assert 4 <= len(stored) < N_CELLS * 4  # killed mid-way
    # No partial files: every visible task file loads; temporaries have hidden names.
    for cell, rep in stored:
        frame = store_view.read(cell, rep)
        assert len(frame) == 3 and (frame["cell"] == cell).all()
    calls_before = _n_calls(calls)
    assert calls_before >= len(stored)

    resumed = run_sweep(tasks.counted_draws, tasks.GRID, n_replications=4, seed=3, store=store,
                        progress=False, fixed={"calls_dir": str(calls), "delay": 0.1})
    assert _n_calls(calls) - calls_before == N_CELLS * 4 - len(stored)  # only the missing ones
    assert not list(store_view.tasks_dir.glob(".*.tmp"))
    reference = run_sweep(tasks.draws, tasks.GRID, n_replications=4, seed=3, progress=False)
    pd.testing.assert_frame_equal(resumed, reference)

    # Running again computes nothing.
    again = run_sweep(tasks.counted_draws, tasks.GRID, n_replications=4, seed=3, store=store,
                      progress=False, fixed={"calls_dir": str(calls), "delay": 0.1})
    assert _n_calls(calls) - calls_before == N_CELLS * 4 - len(stored)
    pd.testing.assert_frame_equal(again, reference)


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    store = SweepStore(tmp_path / "s")
    store.tasks_dir.mkdir(parents=True)
    frame = pd.DataFrame({"x": np.arange(1000.0)})

    def crash(src, dst):
        raise OSError("disk unplugged")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk unplugged"):
        store.write(0, 0, frame)
    monkeypatch.undo()
    assert list(store.tasks_dir.iterdir()) == []  # neither the task file nor a temporary
    store.write(0, 0, frame)
    assert store.completed() == {(0, 0)}
    pd.testing.assert_frame_equal(store.read(0, 0), frame)


def test_stale_temporaries_are_ignored_and_cleaned(tmp_path):
    store = tmp_path / "s"
    run_sweep(tasks.draws, tasks.GRID, seed=1, store=store, progress=False)
    junk = store / "tasks" / ".cell-000000_rep-000001.pkl.abc.tmp"
    junk.write_bytes(b"\x80\x05half a pick")  # what a killed writer leaves
    table = run_sweep(tasks.draws, tasks.GRID, n_replications=2, seed=1, store=store,
                      progress=False)
    assert not junk.exists() and len(table) == N_CELLS * 2 * 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"grid": {"n_bidders": [2, 3, 5], "scale": [0.5, 2.0]}},
         r"grid changed \(cell 4: \{'n_bidders': 4, 'scale': 0.5\} -> \{'n_bidders': 5"),
        ({"grid": {"n_bidders": [2, 3], "scale": [1.0]}}, r"grid changed \(6 cells -> 2 cells\)"),
        ({"seed": 2}, r"seed changed \(1 -> 2\)"),
        ({"func": tasks.counted_draws, "fixed": {"calls_dir": "<tmp_path>"}},
         r"function changed \(_sweep_tasks.draws -> _sweep_tasks.counted_draws\)"),
    ],
)
def test_a_changed_sweep_is_refused_unless_overwritten(tmp_path, change, message):
    store = tmp_path / "s"
    run_sweep(tasks.draws, tasks.GRID, seed=1, store=store, progress=False)
    args = {"func": tasks.draws, "grid": tasks.GRID, "seed": 1, "fixed": None} | change
    if args["fixed"]:  # the counting task writes one file per call: keep them out of the cwd
        args["fixed"] = {"calls_dir": str(tmp_path), "delay": 0.0}
    func, grid = args.pop("func"), args.pop("grid")
    with pytest.raises(SweepStoreMismatchError, match=message + r".*overwrite=True"):
        run_sweep(func, grid, store=store, progress=False, **args)
    fresh = run_sweep(func, grid, store=store, progress=False, overwrite=True, **args)
    assert len(SweepStore(store).completed()) == fresh["cell"].nunique()


def test_changed_source_is_detected(tmp_path):
    store = tmp_path / "s"

    def f(rng, a):
        return pd.DataFrame({"v": [a]})

    run_sweep(f, {"a": [1]}, store=store, progress=False)

    def f(rng, a):  # noqa: F811 - same qualified name, new body
        return pd.DataFrame({"v": [a + 1]})

    with pytest.raises(SweepStoreMismatchError, match="source code of .*f changed"):
        run_sweep(f, {"a": [1]}, store=store, progress=False)


def test_object_values_are_recorded_by_their_label():
    from scipy import stats

    import privauction as pa

    def f(rng, mechanism, prior):
        return pd.DataFrame({"loss": [mechanism.privacy_loss(prior, 2)]})

    t = run_sweep(f, {"mechanism": [pa.mechanisms.SecondPrice()], "prior": [stats.uniform(0, 1)]},
                  progress=False)
    assert t.loc[0, "mechanism"] == "SecondPrice()" and t.loc[0, "prior"] == "uniform(0, 1)"
    with pytest.raises(TypeError, match="no stable repr"):
        run_sweep(f, {"mechanism": [object()], "prior": [1]}, progress=False)


def test_argument_errors():
    with pytest.raises(TypeError, match=r"wrap a single value in a list"):
        expand_grid({"a": 3})
    with pytest.raises(ValueError, match="empty grid"):
        expand_grid([])
    with pytest.raises(ValueError, match="reserved"):
        expand_grid({"rng": [1]})
    with pytest.raises(ValueError, match="`backend` must be one of"):
        run_sweep(tasks.draws, tasks.GRID, backend="spark", progress=False)
    with pytest.raises(ValueError, match="`n_replications` must be an integer >= 1; got 0"):
        run_sweep(tasks.draws, tasks.GRID, n_replications=0, progress=False)
    with pytest.raises(TypeError, match="must return a pandas DataFrame; got dict"):
        run_sweep(tasks.not_a_frame, {"a": [1]}, progress=False)
    with pytest.raises(ValueError, match="also a grid parameter"):
        run_sweep(tasks.draws, tasks.GRID, fixed={"scale": 1.0}, progress=False)


@pytest.mark.parametrize("damage", ["truncated", "foreign pickle", "edited rows"])
def test_a_stored_task_that_does_not_verify_is_named_and_rerun(tmp_path, damage):
    import pickle

    calls = tmp_path / "calls"
    calls.mkdir()
    store = tmp_path / "store"
    kwargs = dict(n_replications=2, seed=3, store=store, progress=False,
                  fixed={"calls_dir": str(calls)})
    first = run_sweep(tasks.counted_draws, tasks.GRID, **kwargs)
    target = store / "tasks" / SweepStore.task_name(2, 1)
    data = target.read_bytes()
    if damage == "truncated":
        target.write_bytes(data[: len(data) // 2])
    elif damage == "foreign pickle":  # a plain pickle of a plausible table, no header
        target.write_bytes(pickle.dumps(first.iloc[:3]))
    else:  # same header, payload of another table
        head = data.partition(b"\n")[0]
        target.write_bytes(head + b"\n" + pickle.dumps(first.iloc[:3]))
    n_before = _n_calls(calls)
    with pytest.warns(SweepStoreWarning, match=str(target.name)):
        again = run_sweep(tasks.counted_draws, tasks.GRID, **kwargs)
    assert _n_calls(calls) == n_before + 1  # exactly the damaged task ran again
    pd.testing.assert_frame_equal(first, again)


def test_stable_keys_make_a_cell_independent_of_its_position():
    grid = [{"n_bidders": 2, "scale": 1.0}, {"n_bidders": 3, "scale": 1.0}]
    a = run_sweep(tasks.draws, grid, seed=1, keys=[(7,), (9,)], progress=False)
    b = run_sweep(tasks.draws, grid[::-1], seed=1, keys=[(9,), (7,)], progress=False)
    got_a = a[a["n_bidders"] == 2]["x"].to_numpy()
    got_b = b[b["n_bidders"] == 2]["x"].to_numpy()
    np.testing.assert_array_equal(got_a, got_b)
    with pytest.raises(ValueError, match="`keys` must be distinct"):
        run_sweep(tasks.draws, grid, seed=1, keys=[(7,), (7,)], progress=False)
