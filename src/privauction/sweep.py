"""Parameter sweeps: a function over a grid × replications, serial, joblib or Dask, resumable.

:func:`run_sweep` calls ``func(rng=..., **params)`` for every cell of a parameter grid and every
replication, and returns one tidy long DataFrame (the rows ``func`` returned, each with its cell,
replication, seed and spawn key and the cell's parameters).

Reproducibility (DESIGN.md, house rules): the task ``(cell, replication)`` draws all its
randomness from ``numpy.random.SeedSequence(seed, spawn_key=(cell, replication))`` — exactly the
stream ``SeedSequence(seed).spawn(n_cells)[cell].spawn(n_replications)[replication]`` — so a row
does not depend on the backend, the number of workers or the order tasks finish in.

Crash safety: with ``store=<directory>`` every finished task is written atomically (serialised
in memory, written to a temporary name, flushed and fsynced, then ``os.replace``-d into place),
so a killed sweep leaves only complete task files. Each task file opens with a header line that
holds its row count and the SHA-256 of its payload; a file that does not verify (truncated,
edited, or a foreign file dropped in the store) is never unpickled: it is re-run, and a
:class:`SweepStoreWarning` names it. Started again with the same store it
computes only the missing tasks and returns the same table as an uninterrupted run. A manifest
records the function (qualified name and a hash of its source), the grid, the fixed keyword
arguments and the seed; a store written by a different sweep is refused with an error that
names what changed, unless ``overwrite=True``.

Layout of a store::

    <store>/manifest.json
    <store>/tasks/cell-000003_rep-000001.pkl     header line + one pickled DataFrame per task

Task files hold pickles: open only stores you wrote yourself (the checksum guards against
accidents, not against someone who can write to the store).
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
import numbers
import os
import pickle
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._validation import check_budget, check_int, check_limit

__all__ = [
    "META_COLUMNS",
    "SweepStore",
    "SweepStoreMismatchError",
    "SweepStoreWarning",
    "expand_grid",
    "run_sweep",
    "task_seed_sequence",
]

#: Columns :func:`run_sweep` puts in front of every row.
META_COLUMNS = ["cell", "replication", "seed", "spawn_key"]

_BACKENDS = ("serial", "joblib", "dask")

#: Default most tasks (cells × replications) of one :func:`run_sweep`: the bookkeeping alone
#: (a seed sequence, a one-row frame and the final concat) costs about 0.7 ms of CPU per task
#: (benchmarks/bench_budgets_rest.py: 1000 trivial tasks, 0.66 s CPU), so the limit is about a
#: minute of overhead before any task's own work.
MAX_TASKS = 10**5
_MANIFEST = "manifest.json"
_FORMAT = 2
_HEADER = b"privauction-sweep-task"


class SweepStoreMismatchError(ValueError):
    """A results store was written by a different sweep (function, grid, fixed args or seed)."""


class SweepStoreWarning(UserWarning):
    """A stored task did not verify (truncated, edited or foreign) and is computed again."""


class CorruptTaskError(ValueError):
    """A task file whose header, checksum or row count does not verify."""


# --------------------------------------------------------------------------------------------
# grid and seeds
# --------------------------------------------------------------------------------------------
def _n_cells(grid) -> float:
    """The number of cells of ``grid`` from its lengths, without building them (0 when it
    cannot tell: :func:`expand_grid` then refuses the grid with its own message)."""
    if isinstance(grid, Mapping):
        sizes = [len(v) if hasattr(v, "__len__") and not isinstance(v, (str, bytes, Mapping))
                 else 1 for v in grid.values()]
        return float(np.prod(np.asarray(sizes, dtype=float)))
    if isinstance(grid, Sequence) and not isinstance(grid, (str, bytes)):
        return float(len(grid))
    return 0.0


def expand_grid(grid, *, max_cells: float = MAX_TASKS) -> list[dict]:
    """The cells of a parameter grid, in a fixed order.

    Parameters
    ----------
    grid : dict of sequences, or sequence of dicts
        A dict ``{name: [values...]}`` gives the Cartesian product of its value lists, in key
        order with the last key varying fastest (as ``itertools.product``); a list of dicts is
        taken as the cells themselves.
    max_cells : float
        Most cells (default :data:`MAX_TASKS`); checked on the product of the list lengths
        before the product is built.

    Returns
    -------
    list of dict

    Raises
    ------
    TypeError, ValueError
        On a grid that is not a dict of value lists or a list of dicts, an empty grid or a
        reserved parameter name.
    privauction._validation.WorkBudgetError
        If the grid has more than ``max_cells`` cells.

    Examples
    --------
    >>> for cell in expand_grid({"n_bidders": [2, 3], "K": [1.5, 2.0]}):
    ...     print(cell)
    {'n_bidders': 2, 'K': 1.5}
    {'n_bidders': 2, 'K': 2.0}
    {'n_bidders': 3, 'K': 1.5}
    {'n_bidders': 3, 'K': 2.0}
    """
    max_cells = check_limit(max_cells, "max_cells")
    if isinstance(grid, Mapping):
        names = list(grid)
        values = []
        for name in names:
            v = grid[name]
            if isinstance(v, (str, bytes, Mapping)) or not isinstance(v, Iterable):
                raise TypeError(
                    f"`grid[{name!r}]` must be a list of values; got {v!r} (wrap a single value "
                    f"in a list: {{{name!r}: [{v!r}]}})"
                )
            if not hasattr(v, "__len__"):
                v = list(v)
            values.append(v)
        sizes = [len(v) for v in values]
        check_budget(
            float(np.prod(np.asarray(sizes, dtype=float))), max_cells,
            what=f"`grid` ({' x '.join(map(str, sizes))} values)", unit="cells",
            advice="use fewer values per parameter, or pass a larger `max_cells` (None: no limit)",
        )
        values = [list(v) for v in values]
        cells = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)]
    elif isinstance(grid, Sequence) and not isinstance(grid, (str, bytes)):
        check_budget(float(len(grid)), max_cells, what=f"`grid` ({len(grid)} cells)",
                     unit="cells", advice="split the grid, or pass a larger `max_cells`")
        cells = []
        for i, cell in enumerate(grid):
            if not isinstance(cell, Mapping):
                raise TypeError(f"`grid[{i}]` must be a dict of parameters; got {cell!r}")
            cells.append(dict(cell))
    else:
        raise TypeError(
            f"`grid` must be a dict of value lists or a list of dicts; got {type(grid).__name__}"
        )
    if not cells:
        raise ValueError("`grid` must have at least one cell; got an empty grid")
    for cell in cells:
        for name in cell:
            if not isinstance(name, str):
                raise TypeError(f"`grid` parameter names must be strings; got {name!r}")
            if name == "rng" or name in META_COLUMNS:
                raise ValueError(
                    f"`grid` parameter name {name!r} is reserved (the sweep passes `rng` and adds "
                    f"the columns {META_COLUMNS}); rename it"
                )
    return cells


def task_seed_sequence(seed: int, cell, replication: int) -> np.random.SeedSequence:
    """The seed sequence of task ``(cell, replication)``: spawn key ``(cell, replication)``.

    Equal to ``SeedSequence(seed).spawn(cell + 1)[cell].spawn(replication + 1)[replication]``.
    ``cell`` may also be a tuple of non-negative integers, a cell's stable key (``keys`` of
    :func:`run_sweep`): the spawn key is then ``(*cell, replication)``.

    Examples
    --------
    >>> import numpy as np
    >>> a = task_seed_sequence(7, 2, 1).generate_state(2)
    >>> b = np.random.SeedSequence(7).spawn(3)[2].spawn(2)[1].generate_state(2)
    >>> bool((a == b).all())
    True
    """
    seed = check_int(seed, "seed", minimum=0)
    key = tuple(cell) if isinstance(cell, tuple) else (cell,)
    key = tuple(check_int(part, "cell", minimum=0) for part in key)
    replication = check_int(replication, "replication", minimum=0)
    return np.random.SeedSequence(seed, spawn_key=(*key, replication))


# --------------------------------------------------------------------------------------------
# stable labels (manifest and row values)
# --------------------------------------------------------------------------------------------
def _is_scalar(value) -> bool:
    return value is None or isinstance(value, (str, bool, numbers.Number, np.generic))


def _label(value):
    """A JSON-able, process-independent description of a parameter value."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_label(v) for v in value]
    if isinstance(value, np.ndarray):
        return {"ndarray": value.tolist()}
    if isinstance(value, Mapping):
        return {str(k): _label(v) for k, v in value.items()}
    dist = getattr(value, "dist", None)
    if dist is not None and hasattr(value, "args") and hasattr(value, "kwds"):  # frozen scipy
        name = getattr(dist, "name", type(dist).__name__)
        args = [repr(_label(a)) for a in value.args]
        args += [f"{k}={_label(v)!r}" for k, v in sorted(value.kwds.items())]
        return f"{name}({', '.join(args)})"
    if inspect.isfunction(value) or inspect.isclass(value) or inspect.isbuiltin(value):
        return f"{value.__module__}.{value.__qualname__}"
    text = repr(value)
    if " at 0x" in text:
        raise TypeError(
            f"grid value {text} has no stable repr (it shows a memory address), so the sweep "
            "cannot record it or recognise it in a store; give its class a __repr__ (frozen "
            "dataclasses have one) or sweep over a label and build the object inside `func`"
        )
    return text


def _row_value(value):
    """What a row records for a parameter: the value if scalar, else its stable label."""
    if _is_scalar(value):
        return value.item() if isinstance(value, np.generic) else value
    lab = _label(value)
    return lab if isinstance(lab, str) else json.dumps(lab, sort_keys=True)


def _function_identity(func) -> tuple[str, str | None]:
    """Qualified name and a hash of the source of ``func`` (None when there is no source)."""
    target = func
    extra = ""
    while hasattr(target, "func") and hasattr(target, "args"):  # functools.partial
        extra += json.dumps([_label(list(target.args)), _label(dict(target.keywords))])
        target = target.func
    name = f"{getattr(target, '__module__', '?')}.{getattr(target, '__qualname__', repr(target))}"
    try:
        source = inspect.getsource(target) + extra
    except (OSError, TypeError):
        return name, (hashlib.sha256(extra.encode()).hexdigest() if extra else None)
    return name, hashlib.sha256(source.encode()).hexdigest()


def _manifest(func, cells, fixed, seed, keys=None) -> dict:
    name, source_hash = _function_identity(func)
    grid = [_label(c) for c in cells]
    fixed_label = _label(dict(fixed))
    parts = [name, source_hash, grid, fixed_label, seed]
    if keys is not None:
        parts.append([list(k) for k in keys])
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return {
        "format": _FORMAT,
        "function": name,
        "function_source_sha256": source_hash,
        "grid": grid,
        "fixed": fixed_label,
        "seed": seed,
        "sweep_sha256": digest,
    }


def _describe_change(old: dict, new: dict) -> str:
    changes = []
    if old.get("function") != new["function"]:
        changes.append(f"the function changed ({old.get('function')} -> {new['function']})")
    elif old.get("function_source_sha256") != new["function_source_sha256"]:
        changes.append(f"the source code of {new['function']} changed")
    if old.get("grid") != new["grid"]:
        o, n = old.get("grid") or [], new["grid"]
        if len(o) != len(n):
            changes.append(f"the grid changed ({len(o)} cells -> {len(n)} cells)")
        else:
            i = next(k for k in range(len(n)) if o[k] != n[k])
            changes.append(f"the grid changed (cell {i}: {o[i]} -> {n[i]})")
    if old.get("fixed") != new["fixed"]:
        changes.append(f"the fixed arguments changed ({old.get('fixed')} -> {new['fixed']})")
    if old.get("seed") != new["seed"]:
        changes.append(f"the seed changed ({old.get('seed')} -> {new['seed']})")
    if old.get("format") != new["format"]:
        changes.append(f"the store format changed ({old.get('format')} -> {new['format']})")
    return "; ".join(changes) or "its manifest differs"


# --------------------------------------------------------------------------------------------
# the store
# --------------------------------------------------------------------------------------------
def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either nothing or all of it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(path.parent)


@dataclass(frozen=True)
class SweepStore:
    """A directory holding one sweep's finished tasks (see the module docstring).

    Parameters
    ----------
    path : str or Path
    """

    path: Path

    def __post_init__(self):
        object.__setattr__(self, "path", Path(self.path))

    @property
    def tasks_dir(self) -> Path:
        return self.path / "tasks"

    @staticmethod
    def task_name(cell: int, replication: int) -> str:
        return f"cell-{cell:06d}_rep-{replication:06d}.pkl"

    def manifest(self) -> dict | None:
        """The stored manifest, or None for a new store."""
        try:
            return json.loads((self.path / _MANIFEST).read_text())
        except FileNotFoundError:
            return None

    def prepare(self, manifest: dict, *, overwrite: bool = False) -> None:
        """Create the store or check that it belongs to this sweep.

        Raises
        ------
        SweepStoreMismatchError
            If it holds another sweep's results and ``overwrite`` is False.
        """
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"`store` must be a directory; {self.path} is a file")
        old = self.manifest()
        same = old is not None and old.get("sweep_sha256") == manifest["sweep_sha256"]
        if not same and not overwrite:
            if old is not None:
                raise SweepStoreMismatchError(
                    f"the store {self.path} holds {len(self.completed())} results of a "
                    f"different sweep: {_describe_change(old, manifest)}. Pass overwrite=True "
                    "to discard them, or use another store directory."
                )
            if self.tasks_dir.is_dir() and any(self.tasks_dir.glob("cell-*.pkl")):
                raise SweepStoreMismatchError(
                    f"the store {self.path} holds task files but no manifest; pass "
                    "overwrite=True to discard them, or use another store directory"
                )
        if not same and self.tasks_dir.is_dir():
            shutil.rmtree(self.tasks_dir)
        self.tasks_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.tasks_dir.glob(".*.tmp"):  # left by a killed writer; never read
            try:
                stale.unlink()
            except OSError:
                pass
        if not same:
            data = json.dumps({**manifest, "created": time.time()}, indent=1).encode()
            _atomic_write_bytes(self.path / _MANIFEST, data)

    def completed(self) -> set[tuple[int, int]]:
        """``(cell, replication)`` of every stored task."""
        done = set()
        if not self.tasks_dir.is_dir():
            return done
        for f in self.tasks_dir.glob("cell-*_rep-*.pkl"):
            try:
                cell, rep = f.stem.split("_")
                done.add((int(cell[5:]), int(rep[4:])))
            except ValueError:
                continue
        return done

    def write(self, cell: int, replication: int, frame: pd.DataFrame) -> None:
        """Store one task's rows atomically, behind a header with their count and checksum."""
        payload = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
        header = b"%s %d %d %s\n" % (_HEADER, _FORMAT, len(frame),
                                       hashlib.sha256(payload).hexdigest().encode())
        _atomic_write_bytes(self.tasks_dir / self.task_name(cell, replication), header + payload)

    def read(self, cell: int, replication: int) -> pd.DataFrame:
        """One task's rows, verified.

        Raises
        ------
        CorruptTaskError
            If the file lacks the header, or its checksum or row count does not match (the
            payload is not unpickled then).
        """
        path = self.tasks_dir / self.task_name(cell, replication)
        data = path.read_bytes()
        head, sep, payload = data.partition(b"\n")
        fields = head.split(b" ")
        if not sep or len(fields) != 4 or fields[0] != _HEADER:
            raise CorruptTaskError(f"{path} is not a privauction sweep task file")
        if hashlib.sha256(payload).hexdigest().encode() != fields[3]:
            raise CorruptTaskError(f"{path} does not match its checksum (truncated or edited)")
        frame = pickle.loads(payload)
        if not isinstance(frame, pd.DataFrame) or len(frame) != int(fields[2]):
            raise CorruptTaskError(f"{path} does not hold the {int(fields[2])} rows it declares")
        return frame


# --------------------------------------------------------------------------------------------
# one task
# --------------------------------------------------------------------------------------------
def _run_task(func, params: dict, fixed: dict, seed: int, cell: int, replication: int,
              key: tuple = None):
    """Run ``func`` for one (cell, replication) and prepend the bookkeeping columns."""
    key = (cell,) if key is None else tuple(key)
    rng = np.random.default_rng(task_seed_sequence(seed, key, replication))
    frame = func(rng=rng, **fixed, **params)
    name = getattr(func, "__qualname__", repr(func))
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"`func` ({name}) must return a pandas DataFrame; got {type(frame).__name__} for "
            f"cell {cell} {params}"
        )
    clash = [c for c in META_COLUMNS if c in frame.columns]
    if clash:
        raise ValueError(
            f"`func` ({name}) returned the reserved column(s) {clash}; the sweep adds "
            f"{META_COLUMNS} itself: rename them"
        )
    frame = frame.reset_index(drop=True)
    meta = {"cell": cell, "replication": replication, "seed": seed,
            "spawn_key": [(*key, replication)] * len(frame)}
    front = pd.DataFrame(meta, index=frame.index)
    for pname, value in params.items():
        recorded = _row_value(value)
        if pname in frame.columns:
            same = _is_scalar(recorded) and bool((frame[pname] == recorded).all())
            if not same:
                raise ValueError(
                    f"`func` ({name}) returned a column {pname!r} that differs from the grid "
                    f"parameter of that name ({recorded!r}); rename the column"
                )
            continue
        front[pname] = [recorded] * len(frame)
    return cell, replication, pd.concat([front, frame], axis=1)


# --------------------------------------------------------------------------------------------
# backends
# --------------------------------------------------------------------------------------------
def _serial(func, tasks, fixed, seed, n_jobs, client):
    for cell, rep, params, key in tasks:
        yield _run_task(func, params, fixed, seed, cell, rep, key)


def _joblib(func, tasks, fixed, seed, n_jobs, client):
    from joblib import Parallel, delayed

    try:  # joblib >= 1.4 yields results as they finish
        parallel = Parallel(n_jobs=n_jobs, backend="loky", return_as="generator_unordered")
    except ValueError:  # pragma: no cover - older joblib: in submission order
        parallel = Parallel(n_jobs=n_jobs, backend="loky", return_as="generator")
    yield from parallel(
        delayed(_run_task)(func, params, fixed, seed, cell, rep, key)
        for cell, rep, params, key in tasks
    )


def _dask(func, tasks, fixed, seed, n_jobs, client):
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - exercised only without dask installed
        raise ImportError(
            "backend='dask' needs dask.distributed: pip install 'privauction[dask]'"
        ) from None
    own = client is None
    cluster = None
    if own:
        cluster = LocalCluster(n_workers=n_jobs, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    elif not isinstance(client, Client):
        raise TypeError(f"`client` must be a distributed.Client; got {type(client).__name__}")
    try:
        futures = [
            client.submit(_run_task, func, params, fixed, seed, cell, rep, key, pure=False)
            for cell, rep, params, key in tasks
        ]
        for future in as_completed(futures):
            yield future.result()
            future.release()
    finally:
        if own:
            client.close()
            cluster.close()


_RUNNERS = {"serial": _serial, "joblib": _joblib, "dask": _dask}


# --------------------------------------------------------------------------------------------
# the public entry point
# --------------------------------------------------------------------------------------------
def run_sweep(
    func: Callable[..., pd.DataFrame],
    grid,
    *,
    n_replications: int = 1,
    seed: int = 0,
    fixed: Mapping | None = None,
    backend: str = "serial",
    n_jobs: int | None = None,
    client=None,
    store=None,
    overwrite: bool = False,
    progress: bool | None = None,
    keys=None,
    max_tasks: float = MAX_TASKS,
) -> pd.DataFrame:
    """Run ``func`` over a parameter grid × replications and return one tidy table.

    Parameters
    ----------
    func : callable
        ``func(rng=<numpy Generator>, **fixed, **cell_params) -> pandas.DataFrame``, e.g. a
        scenario ``(n_auctions, rng, **params)`` with ``n_auctions`` in ``fixed`` or the grid.
        With the joblib or Dask backends it must be picklable (a module-level function).
    grid : dict of lists, or list of dicts
        The cells (see :func:`expand_grid`); values are recorded in each row (scalars as they
        are, other objects by their repr, e.g. ``SecondPrice()`` or ``uniform(0, 1)``).
    n_replications : int
        Independent replications per cell, each with its own random stream.
    seed : int
        Root entropy; task ``(cell, r)`` uses ``SeedSequence(seed, spawn_key=(cell, r))``.
    fixed : dict, optional
        Keyword arguments passed unchanged to every call (not recorded in rows, but part of the
        store's manifest).
    backend : {"serial", "joblib", "dask"}
        ``"joblib"``: local processes (loky); ``"dask"``: a ``distributed`` cluster.
    n_jobs : int, optional
        Workers for joblib (default: all cores) or for the ``LocalCluster`` created when
        ``backend="dask"`` and no ``client`` is given (default: all cores).
    client : distributed.Client, optional
        Cluster to use with ``backend="dask"``; when omitted a local one is started and closed.
    store : str or Path, optional
        Directory that keeps finished tasks on disk; a sweep started again with the same store
        computes only the missing tasks. Extra or fewer ``n_replications`` reuse what is there.
    overwrite : bool
        Discard a store written by a different sweep instead of refusing it.
    progress : bool, optional
        A tqdm progress bar on stderr; the default (None) shows one when stderr is a terminal.
    keys : sequence of tuples of int, optional
        A stable key per cell: task ``(cell, r)`` then draws from ``SeedSequence(seed,
        spawn_key=(*keys[cell], r))``, so a cell's numbers do not depend on its position in the
        grid (e.g. a key derived from a name). Default: ``(cell,)``.
    max_tasks : float
        Work budget: most tasks ``cells × n_replications`` (default :data:`MAX_TASKS` =
        10**5); None (or ``numpy.inf``) lifts it.

    Returns
    -------
    pandas.DataFrame
        The rows of every task, with columns ``cell``, ``replication``, ``seed``, ``spawn_key``,
        the grid parameters, then ``func``'s columns; sorted by cell then replication, index
        ``0..N-1``. Identical for every backend, worker count and interruption history.

    Raises
    ------
    SweepStoreMismatchError
        If ``store`` holds results of a different function, grid, fixed arguments or seed
        (the message says which) and ``overwrite`` is False.
    TypeError, ValueError
        On bad arguments (each named), a ``store`` that cannot be a directory, or if ``func``
        does not return a DataFrame.
    privauction._validation.WorkBudgetError
        Before any task runs, if ``cells × n_replications > max_tasks``: the sweep's own
        bookkeeping costs about 0.7 ms of CPU per task (``benchmarks/bench_budgets_rest.py``),
        so 10**5 tasks spend about a minute on it and ``n_replications=10**9`` would spend a
        week before any work of ``func``. Run fewer replications, or in chunks with the same
        ``store`` (a store keeps finished tasks and more replications reuse them), or pass a
        larger ``max_tasks``.

    Examples
    --------
    >>> import pandas as pd
    >>> def draw(rng, scale):
    ...     return pd.DataFrame({"x": [scale * rng.random()]})
    >>> table = run_sweep(draw, {"scale": [1.0, 10.0]}, n_replications=2, seed=1, progress=False)
    >>> table[["cell", "replication", "scale"]].to_numpy().tolist()
    [[0.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 0.0, 10.0], [1.0, 1.0, 10.0]]
    >>> bool(table["x"].iloc[2] == run_sweep(draw, [{"scale": 10.0}], seed=1,
    ...                                    progress=False)["x"].iloc[0])  # cell 0 there: new stream
    False
    """
    if not callable(func):
        raise TypeError(f"`func` must be callable; got {type(func).__name__}")
    max_tasks = check_limit(max_tasks, "max_tasks")
    n_replications = check_int(n_replications, "n_replications", minimum=1)
    n_cells = _n_cells(grid)
    check_budget(
        n_cells * n_replications, max_tasks,
        what=f"`grid` ({n_cells:.0f} cells) x `n_replications` = {n_replications}",
        unit="tasks",
        advice="run fewer replications, or in chunks with the same `store` (finished tasks are "
               "kept and reused), or pass a larger `max_tasks` (None for no limit)",
    )
    cells = expand_grid(grid, max_cells=None)
    for cell in cells:  # every value must have a stable label before anything runs
        _label(cell)
    seed = check_int(seed, "seed", minimum=0)
    if fixed is not None and not isinstance(fixed, Mapping):
        raise TypeError(f"`fixed` must be a dict of keyword arguments; got {fixed!r}")
    if not isinstance(overwrite, (bool, np.bool_)):
        raise TypeError(f"`overwrite` must be True or False; got {overwrite!r}")
    if progress is not None and not isinstance(progress, (bool, np.bool_)):
        raise TypeError(f"`progress` must be None, True or False; got {progress!r}")
    if store is not None and not isinstance(store, (str, os.PathLike)):
        raise TypeError(f"`store` must be a directory path (str or Path); got {store!r}")
    fixed = {} if fixed is None else dict(fixed)
    for name in fixed:
        if name == "rng" or any(name in c for c in cells):
            raise ValueError(
                f"`fixed` argument {name!r} is also " + ("passed by the sweep" if name == "rng"
                                                         else "a grid parameter")
            )
    if backend not in _BACKENDS:
        raise ValueError(f"`backend` must be one of {_BACKENDS}; got {backend!r}")
    if n_jobs is None:
        n_jobs = os.cpu_count() or 1
    n_jobs = check_int(n_jobs, "n_jobs", minimum=1)
    if client is not None and backend != "dask":
        raise ValueError("`client` is used only with backend='dask'")

    if keys is not None:
        if isinstance(keys, (str, bytes)) or not isinstance(keys, Iterable):
            raise TypeError(f"`keys` must be a sequence of tuples of int; got {keys!r}")
        keys = [tuple(k) if isinstance(k, (tuple, list)) else (k,) for k in keys]
        if len(keys) != len(cells):
            raise ValueError(f"`keys` must have one key per cell ({len(cells)}); got {len(keys)}")
        for k in keys:
            for part in k:
                check_int(part, "keys", minimum=0)
        if len(set(keys)) != len(keys):
            raise ValueError("`keys` must be distinct: two cells would draw the same numbers")

    all_tasks = [(c, r) for c in range(len(cells)) for r in range(n_replications)]
    results: dict[tuple[int, int], pd.DataFrame] = {}
    sweep_store = None
    done: set[tuple[int, int]] = set()
    if store is not None:
        sweep_store = SweepStore(store)
        try:
            sweep_store.prepare(_manifest(func, cells, fixed, seed, keys), overwrite=overwrite)
        except OSError as exc:
            raise ValueError(
                f"`store` {str(store)!r} cannot hold the sweep: {exc.strerror or exc}"
            ) from None
        for key in sorted(sweep_store.completed() & set(all_tasks)):
            try:
                results[key] = sweep_store.read(*key)
            except (CorruptTaskError, pickle.UnpicklingError, EOFError, OSError) as exc:
                warnings.warn(f"{exc}; task (cell {key[0]}, replication {key[1]}) is computed "
                              "again", SweepStoreWarning, stacklevel=2)
                continue
            done.add(key)
    pending = [(c, r, cells[c], None if keys is None else keys[c])
               for c, r in all_tasks if (c, r) not in done]

    from tqdm.auto import tqdm

    from ._progress import show_progress

    bar = tqdm(total=len(all_tasks), initial=len(done), disable=not show_progress(progress),
               unit="task",
               desc=f"sweep {getattr(func, '__name__', 'func')}")
    try:
        if pending:
            runner = _RUNNERS[backend]
            for cell, rep, frame in runner(func, pending, fixed, seed, n_jobs, client):
                if sweep_store is not None:
                    sweep_store.write(cell, rep, frame)
                results[(cell, rep)] = frame
                bar.update(1)
    finally:
        bar.close()
    frames = [results[key] for key in all_tasks]
    return pd.concat(frames, ignore_index=True)
