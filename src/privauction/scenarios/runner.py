"""Run registered claims: arguments, seeds, sequential looks, one crash-safe store.

Arguments. A claim declares the parameters it takes by its function's signature;
:func:`resolve_arguments` is the one place that turns the registered quick/default keyword
arguments and a caller's overrides into the call (an override the claim does not take is an
error naming the claim and what it takes).

Seeds. One scheme: replication ``r`` of claim ``name`` under root seed ``s`` draws from
``SeedSequence(s, spawn_key=(crc32(name), r))``, and its look ``k`` (see below) from that
sequence's child ``k``; so a claim's numbers do not depend on which other claims run, in which
order, or on how many workers. ``validate``, ``run`` and ``run -r`` all use it (``run NAME``
is replication 0, the same numbers as ``validate``'s).

Looks. A claim is run at its base size and every row decided at the run's level
(:mod:`privauction.scenarios.checks`); while some row is inconclusive and the budget allows, the
claim is run again on a fresh stream with more auctions (a power calculation on the measured
spread, :func:`~privauction.scenarios.checks.next_size`), and only its inconclusive rows are
decided again; decided rows keep their first decision. At most ``MAX_STAGES`` looks; the level
is split over them.

Store. Every run goes through :func:`privauction.sweep.run_sweep` (one task = one claim ×
replication, all its looks), whose store keeps each finished task with its row count and
checksum: an interrupted run started again with ``resume=True`` re-runs exactly the tasks that
are missing or do not verify, and names them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import json
import math
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from .._validation import check_int
from . import checks
from .registry import OPTIONAL_COLUMNS, RESULT_COLUMNS, Scenario, registry

__all__ = [
    "CHECK_COLUMNS",
    "claim_key",
    "load_plugin",
    "pass_rates",
    "resolve_arguments",
    "run_many",
    "run_replications",
    "run_scenario",
    "scenario_rng",
    "summarise",
]

#: Columns every decided row carries besides RESULT_COLUMNS (see privauction.scenarios.checks).
CHECK_COLUMNS = ["outcome", "kind", "reference", "margin", "std_error", "bias", "power", "alpha",
                 "stage"]

#: ``n_auctions`` of a claim that takes it but neither registers nor defaults it (quick, full).
DEFAULT_AUCTIONS = {True: 20_000, False: 200_000}

_CHECK_DEFAULTS = {"kind": "exact", "reference": math.nan, "margin": 0.0, "std_error": math.nan,
                   "bias": 0.0, "gap": math.nan, "dof": math.inf, "flag": None}


def claim_key(name: str) -> int:
    """The stable spawn-key element of claim ``name`` (CRC-32 of its UTF-8 bytes)."""
    return zlib.crc32(name.encode())


def scenario_rng(name: str, seed: int, replication: int = 0, stage: int = 1):
    """The generator of look ``stage`` of replication ``replication`` of claim ``name``."""
    seed = check_int(seed, "seed", minimum=0)
    root = np.random.SeedSequence(seed, spawn_key=(claim_key(name), replication))
    return np.random.default_rng(root.spawn(checks.MAX_STAGES)[stage - 1])


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
        raise FileNotFoundError(f"`path` must be an existing Python file; not found: {path}")
    if path.suffix != ".py":
        raise ValueError(f"`path` must be a Python file ending in .py; got {path.name}")
    before = {s.name: s.func for s in registry}
    module_name = "privauction_plugin_" + hashlib.sha1(str(path).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return [s.name for s in registry if before.get(s.name) is not s.func]


# --------------------------------------------------------------------------------------------
# arguments
# --------------------------------------------------------------------------------------------
def declared_parameters(scenario: Scenario) -> tuple[list[str], bool]:
    """The keyword parameters a claim's function takes (``rng`` excluded), and whether it takes
    any (``**kwargs``)."""
    sig = inspect.signature(scenario.func)
    names, anything = [], False
    for p in sig.parameters.values():
        if p.kind is p.VAR_KEYWORD:
            anything = True
        elif p.kind is not p.VAR_POSITIONAL and p.name != "rng":
            names.append(p.name)
    return names, anything


def resolve_arguments(scenario: Scenario | str, *, quick: bool = False,
                      overrides: dict | None = None) -> dict:
    """The keyword arguments of one run of a claim (the one place they are resolved).

    The registered ``quick`` or ``full`` dict, updated with ``overrides``; ``n_auctions``, when
    the claim takes it, must be a positive integer, and defaults to :data:`DEFAULT_AUCTIONS`
    (20,000 quick, 200,000 full) when neither the registration nor the signature gives one.

    Raises
    ------
    ValueError
        If an override names a parameter the claim does not take (the message lists the ones
        it takes).
    """
    if isinstance(scenario, str):
        scenario = registry.get(scenario)
    kwargs = scenario.kwargs(quick=quick)
    names, anything = declared_parameters(scenario)
    for key, value in (overrides or {}).items():
        if key not in names and not anything:
            takes = ", ".join(names) or "no parameters"
            raise ValueError(
                f"`{key}` is not a parameter of claim {scenario.name!r} (it takes: {takes})"
            )
        kwargs[key] = value
    if "n_auctions" in names and "n_auctions" not in kwargs:
        default = inspect.signature(scenario.func).parameters["n_auctions"].default
        kwargs["n_auctions"] = (DEFAULT_AUCTIONS[bool(quick)]
                                if default is inspect.Parameter.empty else default)
    if "n_auctions" in kwargs:
        kwargs["n_auctions"] = check_int(kwargs["n_auctions"], "n_auctions", minimum=1)
    return kwargs


def takes_size(scenario: Scenario) -> bool:
    """Whether the claim declares its sample-size parameter (``scenario.size``, by default
    ``n_auctions``) and so can take more looks."""
    return scenario.size in declared_parameters(scenario)[0]


# --------------------------------------------------------------------------------------------
# one claim, all its looks
# --------------------------------------------------------------------------------------------
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
    if frame["case"].duplicated().any():
        dup = frame.loc[frame["case"].duplicated(), "case"].iloc[0]
        raise ValueError(f"scenario {scenario.name!r} returned the case {dup!r} twice; every "
                         "check needs its own case label")
    if "kind" not in frame:
        # A claim of the older contract decided its own verdicts: keep them as exact checks.
        if not frame["verdict"].map(lambda v: isinstance(v, (bool, np.bool_))).all():
            raise TypeError(f"scenario {scenario.name!r} must return bool verdicts")
        frame["flag"] = frame["verdict"].astype(bool)
    for col, default in _CHECK_DEFAULTS.items():
        if col not in frame:
            frame[col] = default
        elif default is not None:
            frame[col] = frame[col].fillna(default)
    bad = sorted(set(frame["kind"]) - set(checks.KINDS))
    if bad:
        raise ValueError(f"scenario {scenario.name!r} returned check kind(s) {bad}; "
                         f"expected one of {checks.KINDS}")
    for col in ("analytical", "estimate", "ci_low", "ci_high", "reference", "margin",
                "std_error", "bias", "gap", "dof"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    return frame


def _order(frame: pd.DataFrame) -> pd.DataFrame:
    first = RESULT_COLUMNS + [c for c in OPTIONAL_COLUMNS if c in frame]
    first += [c for c in CHECK_COLUMNS if c in frame and c not in first]
    return frame[first + [c for c in frame.columns if c not in first]]


def _call(scenario: Scenario, kwargs: dict, rng) -> pd.DataFrame:
    if "rng" in inspect.signature(scenario.func).parameters:
        return _as_frame(scenario.func(rng=rng, **kwargs), scenario)
    return _as_frame(scenario.func(**kwargs), scenario)


def run_claim(
    scenario: Scenario | str,
    *,
    seed: int = 0,
    replication: int = 0,
    quick: bool = False,
    overrides: dict | None = None,
    n_claims: int = 1,
    alpha_run: float = checks.ALPHA_RUN,
    mutate=None,
    rng=None,
) -> pd.DataFrame:
    """Run one claim with its sequential looks and decide every row.

    Parameters
    ----------
    scenario : Scenario or str
    seed, replication : int
        The claim's stream (module docstring); ignored when ``rng`` is given.
    quick : bool
        The registered quick sizes instead of the default ones.
    overrides : dict, optional
        Keyword arguments for the claim (see :func:`resolve_arguments`).
    n_claims : int
        Claims in the run: the level ``alpha_run`` is split over them, then over this claim's
        stochastic checks and its looks.
    alpha_run : float
        Family-wise error rate of the run, in each direction.
    mutate : callable, optional
        ``mutate(rows) -> rows`` applied to the scenario's rows before every decision: a
        deliberately wrong claim, for the mutation study of the test suite.
    rng : numpy.random.Generator, optional
        The replication's generator (the sweep passes it); its children serve the looks.

    Returns
    -------
    DataFrame
        The decided rows (RESULT_COLUMNS, CHECK_COLUMNS, the scenario's own columns), with
        ``n_auctions`` the size of the look that decided each row, ``config`` the JSON of the
        base arguments, and ``elapsed_s`` the claim's total time.
    """
    if isinstance(scenario, str):
        scenario = registry.get(scenario)
    kwargs = resolve_arguments(scenario, quick=quick, overrides=overrides)
    if rng is None:
        root = np.random.SeedSequence(check_int(seed, "seed", minimum=0),
                                      spawn_key=(claim_key(scenario.name), replication))
        rng = np.random.default_rng(root)
    look_rngs = rng.spawn(checks.MAX_STAGES)
    start = time.perf_counter()
    rows = _call(scenario, kwargs, look_rngs[0])
    if mutate is not None:
        rows = mutate(rows)
    n_stochastic = max(1, int((~rows["kind"].isin(checks.EXACT_KINDS)).sum()))
    alpha = alpha_run / (n_claims * n_stochastic * checks.MAX_STAGES)
    rows = checks.decide_frame(rows, alpha)
    rows["stage"] = 1
    rows["size"] = kwargs.get(scenario.size, math.nan)
    base = kwargs.get(scenario.size)
    size = base
    stage = 1
    while takes_size(scenario) and isinstance(base, int) and stage < checks.MAX_STAGES:
        size_next = checks.next_size(rows, size, base, alpha)
        if size_next is None:
            break
        stage += 1
        size = size_next
        again = _call(scenario, {**kwargs, scenario.size: size}, look_rngs[stage - 1])
        if mutate is not None:
            again = mutate(again)
        again = checks.decide_frame(again, alpha).set_index("case")
        pending = rows["outcome"] == "inconclusive"
        for i in rows.index[pending]:
            case = rows.at[i, "case"]
            if case not in again.index:
                raise ValueError(f"scenario {scenario.name!r} returned case {case!r} at "
                                 f"{scenario.size} = {base} but not at {size}")
            new = again.loc[case]
            for col in again.columns:
                if col in rows.columns:
                    rows.at[i, col] = new[col]
            rows.at[i, "stage"] = stage
            rows.at[i, "size"] = size
    rows["config"] = _config_key(kwargs)
    rows["elapsed_s"] = round(time.perf_counter() - start, 3)
    return _order(rows.drop(columns=["flag", "gap", "dof"]))


def _config_key(kwargs: dict) -> str:
    return json.dumps(kwargs, sort_keys=True, default=repr)


def run_scenario(scenario: Scenario | str, *, seed: int = 0, quick: bool = False,
                 **overrides) -> pd.DataFrame:
    """Run one claim (replication 0, all its looks) and return its decided rows.

    Parameters
    ----------
    scenario : Scenario or str
    seed : int
        Root seed (see the module docstring).
    quick : bool
        Use the claim's ``quick`` sizes instead of its default ones.
    **overrides
        Keyword arguments for the claim, e.g. ``n_auctions=50_000`` (see
        :func:`resolve_arguments`).
    """
    frame = run_claim(scenario, seed=seed, quick=quick, overrides=overrides)
    frame["seed"] = seed
    frame["mode"] = "quick" if quick else "full"
    return frame


# --------------------------------------------------------------------------------------------
# many claims or replications: one sweep, one store
# --------------------------------------------------------------------------------------------
def _claim_task(rng, *, scenario: str, quick: bool, overrides: dict, n_claims: int,
                plugins: tuple[str, ...], code: str = ""):
    """One claim × replication with all its looks (module level: picklable for workers).

    ``code`` is :func:`code_fingerprint`: unused here, it ties the stored rows to the code.
    """
    for path in plugins:
        if scenario not in registry:
            load_plugin(path)
    try:
        frame = run_claim(scenario, quick=quick, overrides=overrides, n_claims=n_claims, rng=rng)
        frame["error"] = ""
    except Exception as exc:  # a failing claim is reported, not fatal to the others
        sc = registry.get(scenario) if scenario in registry else None
        frame = pd.DataFrame([{
            "case": "(the claim raised)", "claim": sc.claim if sc else "", "analytical": math.nan,
            "estimate": math.nan, "ci_low": math.nan, "ci_high": math.nan, "verdict": False,
            "rule": "the claim runs", "outcome": "fail", "kind": "exact",
            "error": f"{type(exc).__name__}: {exc}",
        }])
    return frame


def code_fingerprint(plugins=()) -> str:
    """SHA-256 of the package's source files and of the plug-in modules ``plugins``.

    It goes into every sweep's manifest, so a stored result is re-used only by the code that
    made it: after an edit to a claim, an estimator or a plug-in, the store no longer matches
    (``--resume`` then says so and a plain run starts afresh) instead of serving old rows.
    """
    import hashlib

    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    files = sorted(root.rglob("*.py")) + [Path(p) for p in plugins]
    for path in files:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _sweep(names, *, seed, quick, overrides, n_replications, n_jobs, store, resume, plugins,
           progress) -> pd.DataFrame:
    from ..sweep import run_sweep

    names = list(names)
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise KeyError(f"no claim named {', '.join(map(repr, unknown))}; registered: "
                       f"{', '.join(registry.names())}")
    n_jobs = check_int(n_jobs, "n_jobs", minimum=1)
    plugins = tuple(str(Path(p).resolve()) for p in plugins)
    per_claim = {}
    for name in names:  # resolve every claim's arguments up front: a bad override fails fast
        own = {k: v for k, v in (overrides or {}).items()
               if k in declared_parameters(registry.get(name))[0]}
        resolve_arguments(name, quick=quick, overrides=own)
        per_claim[name] = own
    grid = [{"scenario": name, "overrides": per_claim[name]} for name in names]
    table = run_sweep(
        _claim_task, grid, n_replications=n_replications, seed=seed,
        keys=[(claim_key(n),) for n in names],
        fixed={"quick": quick, "n_claims": len(names), "plugins": plugins,
               "code": code_fingerprint(plugins)},
        backend="joblib" if n_jobs > 1 and len(grid) * n_replications > 1 else "serial",
        n_jobs=n_jobs, store=store, overwrite=not resume, progress=progress,
    )
    table = table.drop(columns=["overrides"])
    table["mode"] = "quick" if quick else "full"
    first = ["scenario", *[c for c in RESULT_COLUMNS if c != "scenario"]]
    return _order(table[first + [c for c in table.columns if c not in first]])


def run_many(
    names,
    *,
    seed: int = 0,
    quick: bool = False,
    overrides: dict | None = None,
    n_jobs: int = 1,
    store=None,
    resume: bool = False,
    plugins=(),
    progress: bool = False,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Run several claims (replication 0 each), optionally in parallel, through one store.

    Parameters
    ----------
    names : iterable of str
    seed : int
    quick : bool
    overrides : dict, optional
        Keyword arguments applied to every claim that takes them (e.g. ``n_auctions``).
    n_jobs : int
        Worker processes.
    store : str or Path, optional
        A :class:`privauction.sweep.SweepStore` directory; with ``resume=True`` finished claims
        that verify are read back, the others re-run (and named in a warning).
    resume : bool
    plugins : sequence of paths
        Scenario files to import in worker processes.
    progress : bool

    Returns
    -------
    results : DataFrame
        All decided rows, in the order of ``names``.
    errors : dict
        ``name -> "ErrorType: message"`` for claims that raised (they count as failed).
    """
    table = _sweep(names, seed=seed, quick=quick, overrides=overrides, n_replications=1,
                   n_jobs=n_jobs, store=store, resume=resume, plugins=plugins,
                   progress=progress)
    errors = {}
    if "error" in table:
        failed = table[table["error"].fillna("") != ""]
        errors = dict(zip(failed["scenario"], failed["error"], strict=True))
        table = table[table["error"].fillna("") == ""].drop(columns=["error"])
    return table.reset_index(drop=True), errors


def run_replications(
    name: str,
    n_replications: int,
    *,
    seed: int = 0,
    quick: bool = False,
    overrides: dict | None = None,
    n_jobs: int = 1,
    store=None,
    resume: bool = True,
    plugins=(),
    progress: bool = False,
) -> pd.DataFrame:
    """Run claim ``name`` ``n_replications`` times with independent streams (all looks each).

    Returns
    -------
    DataFrame
        One row per check and replication: the sweep's ``cell``, ``replication``, ``seed`` and
        ``spawn_key`` columns, ``scenario``, then the decided rows.
    """
    if name not in registry:
        raise KeyError(f"no scenario named {name!r}; registered: {', '.join(registry.names())}")
    return _sweep([name], seed=seed, quick=quick, overrides=overrides,
                  n_replications=n_replications, n_jobs=n_jobs, store=store, resume=resume,
                  plugins=plugins, progress=progress)


def pass_rates(results: pd.DataFrame) -> pd.DataFrame:
    """Per check across replications: ``passed``, ``failed``, ``inconclusive``,
    ``replications`` and ``rate`` (share passed), in the order the checks first appear."""
    outcome = results["outcome"] if "outcome" in results else results["verdict"].map(
        {True: "pass", False: "fail"})
    frame = results.assign(_o=outcome)
    grouped = frame.groupby(["scenario", "case"], sort=False)["_o"]
    out = grouped.agg(
        passed=lambda s: int((s == "pass").sum()),
        failed=lambda s: int((s == "fail").sum()),
        inconclusive=lambda s: int((s == "inconclusive").sum()),
        replications="size",
    ).reset_index()
    out["rate"] = out["passed"] / out["replications"]
    return out


def summarise(results: pd.DataFrame, errors: dict[str, str] | None = None) -> pd.DataFrame:
    """One line per claim: checks, passed, failed, inconclusive, outcome, seconds, looks."""
    errors = errors or {}
    lines = []
    for name, grp in results.groupby("scenario", sort=False):
        outcome = grp["outcome"] if "outcome" in grp else grp["verdict"].map(
            {True: "pass", False: "fail"})
        n_fail = int((outcome == "fail").sum())
        n_inc = int((outcome == "inconclusive").sum())
        lines.append({
            "scenario": name,
            "claim": grp["claim"].iloc[0],
            "checks": len(grp),
            "passed": int((outcome == "pass").sum()),
            "failed": n_fail,
            "inconclusive": n_inc,
            "outcome": "fail" if n_fail else ("inconclusive" if n_inc else "pass"),
            "verdict": not (n_fail or n_inc),
            "seconds": float(grp["elapsed_s"].iloc[0]) if "elapsed_s" in grp else math.nan,
            "looks": int(grp["stage"].max()) if "stage" in grp else 1,
        })
    for name, error in errors.items():
        claim = registry.get(name).claim if name in registry else ""
        lines.append({"scenario": name, "claim": claim, "checks": 0, "passed": 0, "failed": 1,
                      "inconclusive": 0, "outcome": "fail", "verdict": False,
                      "seconds": math.nan, "looks": 0, "error": error})
    return pd.DataFrame(lines)
