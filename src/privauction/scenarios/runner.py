"""Run registered scenarios: seeds, plug-in files, crash-safe parts, parallel workers.

Seeds. Scenario ``name`` run with seed ``s`` gets the generator
``default_rng(SeedSequence([s, crc32(name)]))``, so its numbers do not depend on which other
scenarios run, in which order, or on how many workers (the SeedSequence rule of DESIGN.md).

Replications. :func:`run_replications` runs one scenario ``R`` times through
:func:`privauction.sweep.run_sweep` (stream ``SeedSequence(seed·2^32 + crc32(name),
spawn_key=(0, r))`` for replication ``r``, a crash-safe store, joblib workers): how often
each check passes across seeds, i.e. whether a verdict is robust or a lucky draw.

Crash safety. :func:`run_many` writes each finished scenario to ``<parts>/<name>.csv`` at once;
with ``resume=True`` a part whose seed and keyword arguments match is read back instead of
re-run, so an interrupted ``privauction validate`` continues where it stopped.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from .._validation import check_int
from .registry import OPTIONAL_COLUMNS, RESULT_COLUMNS, Scenario, registry

__all__ = [
    "scenario_rng",
    "run_scenario",
    "run_many",
    "run_replications",
    "load_plugin",
    "summarise",
    "pass_rates",
]


def scenario_rng(name: str, seed: int) -> np.random.Generator:
    """The generator of scenario ``name`` under ``seed`` (independent of other scenarios)."""
    seed = check_int(seed, "seed", minimum=0)
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(name.encode())]))


def load_plugin(path) -> list[str]:
    """Import a user's scenario file so that its ``@register`` calls join the registry.

    Parameters
    ----------
    path : str or Path
        A Python file that imports ``privauction.scenarios.register`` and registers one or more
        scenarios (see ``examples/user_scenario.py``).

    Returns
    -------
    list of str
        The names the file registered (or re-registered).

    Raises
    ------
    FileNotFoundError, ValueError
        When the file is missing or is not a ``.py`` file.
    """
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise FileNotFoundError(f"`--module` file not found: {path}")
    if path.suffix != ".py":
        raise ValueError(f"`--module` must be a Python file ending in .py; got {path.name}")
    before = {s.name: s.func for s in registry}
    module_name = "privauction_plugin_" + hashlib.sha1(str(path).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return [s.name for s in registry if before.get(s.name) is not s.func]


def _replicate(rng, *, scenario: str, quick: bool, n_auctions, plugins: tuple[str, ...]):
    """One replication of ``scenario`` with the sweep's generator (module level: picklable)."""
    for path in plugins:
        if scenario not in registry:
            load_plugin(path)
    sc = registry.get(scenario)
    kwargs = sc.kwargs(quick=quick)
    if n_auctions is not None:
        kwargs["n_auctions"] = n_auctions
    kwargs.setdefault("n_auctions", 20_000 if quick else 200_000)
    n = kwargs.pop("n_auctions")
    start = time.perf_counter()
    frame = _as_frame(sc.func(n, rng, **kwargs), sc)
    frame["elapsed_s"] = round(time.perf_counter() - start, 3)
    return frame.drop(columns=["scenario"])


def run_replications(
    name: str,
    n_replications: int,
    *,
    seed: int = 0,
    quick: bool = False,
    n_auctions: int | None = None,
    n_jobs: int = 1,
    store=None,
    plugins=(),
    progress: bool = False,
) -> pd.DataFrame:
    """Run scenario ``name`` ``n_replications`` times with independent streams.

    A thin layer over :func:`privauction.sweep.run_sweep` (serial, or joblib with ``n_jobs``
    workers; with ``store`` every finished replication is kept on disk and a restarted run
    computes only the missing ones).

    Returns
    -------
    DataFrame
        One row per check and replication: the sweep's ``cell``, ``replication``, ``seed`` and
        ``spawn_key`` columns, ``scenario``, then the scenario's columns.
    """
    from ..sweep import run_sweep

    if name not in registry:
        raise KeyError(f"no scenario named {name!r}; registered: {', '.join(registry.names())}")
    n_jobs = check_int(n_jobs, "jobs", minimum=1)
    plugins = tuple(str(Path(p).resolve()) for p in plugins)
    # The sweep's root seed mixes in the scenario's name, as scenario_rng does: otherwise
    # replication r of every scenario would draw the very same numbers (cell 0 everywhere),
    # and one unlucky stream would fail the same SPA check in several scenarios at once.
    sweep_seed = (check_int(seed, "seed", minimum=0) << 32) | zlib.crc32(name.encode())
    table = run_sweep(
        _replicate, [{"scenario": name}], n_replications=n_replications, seed=sweep_seed,
        fixed={"quick": quick, "n_auctions": n_auctions, "plugins": plugins},
        backend="joblib" if n_jobs > 1 else "serial", n_jobs=n_jobs, store=store,
        progress=progress,
    )
    table["mode"] = "quick" if quick else "full"
    first = ["scenario", *[c for c in RESULT_COLUMNS if c != "scenario"]]
    return table[first + [c for c in table.columns if c not in first]]


def pass_rates(results: pd.DataFrame) -> pd.DataFrame:
    """Share of replications in which each check passed: ``scenario``, ``case``, ``passed``,
    ``replications``, ``rate``; in the order the checks first appear."""
    grouped = results.groupby(["scenario", "case"], sort=False)["verdict"]
    out = grouped.agg(passed="sum", replications="size").reset_index()
    out["passed"] = out["passed"].astype(int)
    out["rate"] = out["passed"] / out["replications"]
    return out


def _config_key(kwargs: dict) -> str:
    return json.dumps(kwargs, sort_keys=True, default=repr)


def run_scenario(
    scenario: Scenario | str,
    *,
    seed: int = 0,
    quick: bool = False,
    n_auctions: int | None = None,
    **overrides,
) -> pd.DataFrame:
    """Run one scenario and return its tidy rows, checked against the registry contract.

    Parameters
    ----------
    scenario : Scenario or str
    seed : int
        Root seed (see the module docstring).
    quick : bool
        Use the scenario's ``quick`` keyword arguments instead of its ``full`` ones.
    n_auctions : int, optional
        Overrides the registered number of auctions per cell.
    **overrides
        Further keyword arguments for the scenario function.

    Returns
    -------
    DataFrame
        :data:`RESULT_COLUMNS` first, then optional and scenario-specific columns, then
        ``seed``, ``mode`` (``"quick"`` or ``"full"``), ``config`` (the JSON of the keyword
        arguments) and ``elapsed_s``.
    """
    if isinstance(scenario, str):
        scenario = registry.get(scenario)
    kwargs = scenario.kwargs(quick=quick)
    if n_auctions is not None:
        kwargs["n_auctions"] = check_int(n_auctions, "n_auctions", minimum=1)
    kwargs.update(overrides)
    kwargs.setdefault("n_auctions", 20_000 if quick else 200_000)
    n = kwargs.pop("n_auctions")
    start = time.perf_counter()
    result = scenario.func(n, scenario_rng(scenario.name, seed), **kwargs)
    elapsed = time.perf_counter() - start
    frame = _as_frame(result, scenario)
    kwargs["n_auctions"] = n
    frame["seed"] = seed
    frame["mode"] = "quick" if quick else "full"
    frame["config"] = _config_key(kwargs)
    frame["elapsed_s"] = round(elapsed, 3)
    return frame


def _as_frame(result, scenario: Scenario) -> pd.DataFrame:
    if isinstance(result, list):
        result = pd.DataFrame(result)
    if not isinstance(result, pd.DataFrame):
        raise TypeError(
            f"scenario {scenario.name!r} must return a pandas DataFrame (or a list of row "
            f"dicts); got {type(result).__name__}"
        )
    frame = result.copy()
    if "scenario" not in frame:
        frame["scenario"] = scenario.name
    if "claim" not in frame:
        frame["claim"] = scenario.claim
    if "paper" not in frame:
        frame["paper"] = scenario.paper
    missing = [c for c in RESULT_COLUMNS if c not in frame]
    if missing:
        raise ValueError(
            f"scenario {scenario.name!r} returned a table without the column(s) "
            f"{', '.join(missing)}; see privauction.scenarios.RESULT_COLUMNS"
        )
    if len(frame) == 0:
        raise ValueError(f"scenario {scenario.name!r} returned no rows")
    if not frame["verdict"].map(lambda v: isinstance(v, (bool, np.bool_))).all():
        raise TypeError(f"scenario {scenario.name!r} must return bool verdicts")
    frame["verdict"] = frame["verdict"].astype(bool)
    for col in ("analytical", "estimate", "ci_low", "ci_high"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    first = RESULT_COLUMNS + [c for c in OPTIONAL_COLUMNS if c in frame]
    return frame[first + [c for c in frame.columns if c not in first]]


def _worker(name: str, seed: int, quick: bool, n_auctions, plugins: tuple[str, ...]):
    # In a fresh worker process the registry holds only the package's scenarios.
    for path in plugins:
        if name not in registry:
            load_plugin(path)
    try:
        return run_scenario(name, seed=seed, quick=quick, n_auctions=n_auctions), None
    except Exception as exc:  # a failing scenario is reported, not fatal to the others
        return None, f"{type(exc).__name__}: {exc}"


def run_many(
    names,
    *,
    seed: int = 0,
    quick: bool = False,
    n_auctions: int | None = None,
    n_jobs: int = 1,
    parts_dir=None,
    resume: bool = False,
    plugins=(),
    progress: bool = False,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Run several scenarios, optionally in parallel, saving each as it finishes.

    Returns
    -------
    results : DataFrame
        All rows, in the order of ``names``.
    errors : dict
        ``name -> "ErrorType: message"`` for scenarios that raised (their claims count as
        failed).
    """
    names = list(names)
    n_jobs = check_int(n_jobs, "jobs", minimum=1)
    plugins = tuple(str(Path(p).resolve()) for p in plugins)
    parts = Path(parts_dir) if parts_dir is not None else None
    if parts is not None:
        parts.mkdir(parents=True, exist_ok=True)
    frames: dict[str, pd.DataFrame] = {}
    errors: dict[str, str] = {}
    todo = []
    for name in names:
        cached = _read_part(parts, name, seed, quick, n_auctions) if (parts and resume) else None
        if cached is not None:
            frames[name] = cached
        else:
            todo.append(name)

    def collect(name, frame, error):
        if error is not None:
            errors[name] = error
            return
        frames[name] = frame
        if parts is not None:
            tmp = parts / f".{name}.csv.tmp"
            frame.to_csv(tmp, index=False)
            tmp.replace(parts / f"{name}.csv")

    bar = _progress(len(todo), progress)
    if n_jobs == 1 or len(todo) <= 1:
        for name in todo:
            if bar is not None:
                bar.set_postfix_str(name)
            frame, error = _worker(name, seed, quick, n_auctions, plugins)
            collect(name, frame, error)
            if bar is not None:
                bar.update()
    else:
        from joblib import Parallel, delayed

        # Longest first keeps both workers busy to the end.
        order = sorted(todo, key=lambda n: -_cost_hint(n, quick))
        jobs = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
            delayed(_named_worker)(name, seed, quick, n_auctions, plugins) for name in order
        )
        for name, frame, error in jobs:
            collect(name, frame, error)
            if bar is not None:
                bar.set_postfix_str(name)
                bar.update()
    if bar is not None:
        bar.close()
    ordered = [frames[n] for n in names if n in frames]
    results = pd.concat(ordered, ignore_index=True) if ordered else pd.DataFrame(
        columns=RESULT_COLUMNS
    )
    return results, errors


def _named_worker(name, seed, quick, n_auctions, plugins):
    frame, error = _worker(name, seed, quick, n_auctions, plugins)
    return name, frame, error


def _cost_hint(name: str, quick: bool) -> float:
    scenario = registry.get(name) if name in registry else None
    if scenario is None:
        return 0.0
    return float(scenario.kwargs(quick=quick).get("n_auctions", 0))


def _read_part(parts: Path, name: str, seed: int, quick: bool, n_auctions) -> pd.DataFrame | None:
    path = parts / f"{name}.csv"
    if not path.is_file():
        return None
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError):
        return None
    kwargs = registry.get(name).kwargs(quick=quick) if name in registry else {}
    if n_auctions is not None:
        kwargs["n_auctions"] = n_auctions
    kwargs.setdefault("n_auctions", 20_000 if quick else 200_000)
    same = (
        len(frame) > 0
        and set(RESULT_COLUMNS) <= set(frame.columns)
        and (frame["seed"] == seed).all()
        and (frame["mode"] == ("quick" if quick else "full")).all()
        and (frame["config"] == _config_key(kwargs)).all()
    )
    if not same:
        return None
    frame["verdict"] = frame["verdict"].astype(bool)
    return frame


def _progress(total: int, enabled: bool):
    if not enabled or total == 0:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="claim", desc="validating", file=sys.stderr, leave=False)


def summarise(results: pd.DataFrame, errors: dict[str, str] | None = None) -> pd.DataFrame:
    """One line per scenario: claim, rows checked, rows passed, overall verdict, seconds."""
    errors = errors or {}
    lines = []
    for name, grp in results.groupby("scenario", sort=False):
        lines.append({
            "scenario": name,
            "claim": grp["claim"].iloc[0],
            "checks": len(grp),
            "passed": int(grp["verdict"].sum()),
            "verdict": bool(grp["verdict"].all()),
            "seconds": float(grp["elapsed_s"].iloc[0]) if "elapsed_s" in grp else math.nan,
        })
    for name, error in errors.items():
        claim = registry.get(name).claim if name in registry else ""
        lines.append({"scenario": name, "claim": claim, "checks": 0, "passed": 0,
                      "verdict": False, "seconds": math.nan, "error": error})
    return pd.DataFrame(lines)
