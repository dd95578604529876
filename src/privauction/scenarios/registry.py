"""The scenario registry: one function per validated claim, run by name from the CLI.

A scenario is a function of keyword arguments returning a tidy table, one row per check. It
**declares the parameters it takes by its signature**: ``rng`` (a numpy Generator) when it
draws, ``n_auctions`` when it simulates auctions (only then can ``--n-auctions`` and the
sequential design's extra looks reach it), and any parameters of its own. The registered
``quick`` and ``full`` dicts may name only declared parameters.

Each row has at least the columns of :data:`RESULT_COLUMNS` (``scenario`` and ``claim`` are
filled in from the registration):

``case``       a short label of the check, unique within the claim;
``analytical`` the value the paper proves (NaN when the claim is an ordering);
``estimate``   the measured quantity;
``rule``       in words, what the check states;
``verdict``    filled in by the runner;

and states its hypothesis in the columns of :mod:`privauction.scenarios.checks`
(``kind``, ``reference``, ``margin``, ``std_error``, ``bias``; the builders of
``privauction.scenarios._common`` — ``agree``, ``greater``, ``bound``, ``exact``, ``flag`` —
write them). The runner decides ``outcome`` (pass / fail / inconclusive), ``verdict``,
``ci_low``/``ci_high`` at the run's level, ``power``, ``alpha`` and ``stage``. A row without
``kind`` (a user claim of the older contract that decided its own boolean ``verdict``) is kept
as an exact check of that boolean.

Optional columns (see :data:`OPTIONAL_COLUMNS`) carry the cell's parameters for plots and
tables: ``method`` (the estimator, e.g. ``"observer"``, ``"ksg"``, ``"quadrature"``),
``mechanism``, ``prior``, ``n_bidders``, ``n_auctions``, ``param`` / ``value`` (a swept
parameter's name and value, e.g. ``"K"`` and ``8.0``), ``n_replications``. Any other column is
kept as is.

Register one with the decorator::

    from privauction.scenarios import register

    @register("my-claim", claim="Prop. 9", paper="auction", quick={"n_auctions": 20_000})
    def my_claim(*, n_auctions, rng, **params):
        ...

Plot hook
---------
A scenario may supply figures for the HTML report: a function ``plot(results) -> figure or
list of figures`` (matplotlib), where ``results`` is the scenario's own rows of the results table
(what its function returned, plus the ``seed``/``elapsed_s`` columns the runner adds). Pass it
as ``register(..., plot=func)`` or attach it afterwards::

    @registry.plot("my-claim")
    def _plot_my_claim(results):
        fig, ax = matplotlib.pyplot.subplots()
        ...
        return fig

The report embeds each figure as a base64 PNG under the scenario's heading and closes it. A hook
that raises is reported in the HTML (with the error line) instead of failing the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import pandas as pd

__all__ = [
    "OPTIONAL_COLUMNS",
    "RESULT_COLUMNS",
    "Scenario",
    "ScenarioRegistry",
    "registry",
    "register",
]

RESULT_COLUMNS = [
    "scenario",
    "claim",
    "case",
    "analytical",
    "estimate",
    "ci_low",
    "ci_high",
    "verdict",
    "rule",
]

OPTIONAL_COLUMNS = [
    "method",
    "mechanism",
    "prior",
    "n_bidders",
    "n_auctions",
    "param",
    "value",
    "n_replications",
]


@dataclass(frozen=True)
class Scenario:
    """A registered claim check.

    Attributes
    ----------
    name : str
        Registry key, used on the command line.
    func : callable
        ``(n_auctions, rng, **params) -> DataFrame``.
    claim : str
        The paper's label of the claim.
    paper : str
        ``"auction"`` or ``"screening"``.
    quick, full : dict
        Keyword arguments for ``validate --quick`` and for the default run.
    plot : callable or None
        ``plot(results) -> Figure | list[Figure]``, figures for the HTML report (see the module
        docstring).
    """

    name: str
    func: Callable[..., pd.DataFrame] = field(repr=False)
    claim: str
    paper: str = "auction"
    description: str = ""
    quick: dict = field(default_factory=dict, repr=False)
    full: dict = field(default_factory=dict, repr=False)
    plot: Callable[[pd.DataFrame], object] | None = field(default=None, repr=False)
    size: str = "n_auctions"

    def __call__(self, *args, **kwargs) -> pd.DataFrame:
        return self.func(*args, **kwargs)

    def kwargs(self, *, quick: bool = False) -> dict:
        """The keyword arguments of the quick or the default (full) run, as a new dict."""
        return dict(self.quick if quick else self.full)


class ScenarioRegistry:
    """Name -> :class:`Scenario`; iteration is in registration order."""

    def __init__(self):
        self._scenarios: dict[str, Scenario] = {}
        #: Scenario modules that failed to import: module name -> "ErrorType: message".
        self.import_errors: dict[str, str] = {}

    def register(
        self,
        name: str,
        *,
        claim: str,
        paper: str = "auction",
        quick: dict | None = None,
        full: dict | None = None,
        plot: Callable[[pd.DataFrame], object] | None = None,
        description: str | None = None,
        size: str = "n_auctions",
    ):
        """Decorator that registers a scenario function under ``name``.

        ``description`` defaults to the first line of the function's docstring; ``plot`` is an
        optional figure hook for the report (see the module docstring); ``size`` names the
        parameter the sequential design enlarges when a check is inconclusive (default
        ``n_auctions``; e.g. ``n_seasons`` for a market claim whose precision comes from
        independent seasons).
        """
        if not isinstance(name, str) or not name:
            raise TypeError(f"`name` must be a non-empty string; got {name!r}")

        def decorator(func):
            if name in self._scenarios and not _same_function(self._scenarios[name].func, func):
                raise ValueError(f"`name` {name!r} is already registered")
            _check_declared(name, func, quick or {}, full or {})
            doc = (func.__doc__ or "").strip().splitlines()
            self._scenarios[name] = Scenario(
                name=name, func=func, claim=claim, paper=paper,
                description=description if description is not None else (doc[0] if doc else ""),
                quick=dict(quick or {}), full=dict(full or {}), plot=plot, size=size,
            )
            return func

        return decorator

    def plot(self, name: str):
        """Decorator that attaches a report figure hook to the registered scenario ``name``."""
        scenario = self.get(name)

        def decorator(func):
            if not callable(func):
                raise TypeError(f"a plot hook must be callable; got {type(func).__name__}")
            self._scenarios[name] = replace(scenario, plot=func)
            return func

        return decorator

    def unregister(self, name: str) -> Scenario:
        """Remove and return the scenario ``name`` (KeyError naming the registered ones)."""
        scenario = self.get(name)
        del self._scenarios[name]
        return scenario

    def get(self, name: str) -> Scenario:
        try:
            return self._scenarios[name]
        except KeyError:
            known = ", ".join(sorted(self._scenarios)) or "none"
            raise KeyError(f"no scenario named {name!r}; registered: {known}") from None

    def __contains__(self, name) -> bool:
        return name in self._scenarios

    def __iter__(self) -> Iterator[Scenario]:
        return iter(list(self._scenarios.values()))

    def __len__(self) -> int:
        return len(self._scenarios)

    def names(self) -> list[str]:
        return list(self._scenarios)


def _check_declared(name: str, func, quick: dict, full: dict) -> None:
    """The registered sizes may name only parameters the function declares."""
    import inspect

    params = inspect.signature(func).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return
    for label, given in (("quick", quick), ("full", full)):
        extra = [k for k in given if k not in params or k == "rng"]
        if extra:
            raise ValueError(
                f"`{label}` of claim {name!r} names {extra}, which {func.__qualname__} does not "
                f"take (it takes: {', '.join(p for p in params if p != 'rng') or 'nothing'})"
            )


def _same_function(a, b) -> bool:
    """Whether ``b`` is ``a`` or the same function of a re-imported module (a reloaded plug-in)."""
    key = lambda f: (getattr(f, "__module__", None), getattr(f, "__qualname__", None))  # noqa: E731
    return a is b or key(a) == key(b)


registry = ScenarioRegistry()
register = registry.register
