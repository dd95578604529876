"""The scenario registry: one function per validated claim, run by name from the CLI.

A scenario is a function ``(n_auctions, rng, **params) -> pandas.DataFrame`` returning a tidy
table, one row per checked quantity, with at least the columns of :data:`RESULT_COLUMNS`:

``scenario``  the registered name;
``claim``     the paper's label, e.g. ``"Prop. 3"``;
``case``      a short label of the cell (mechanism, prior, n, K, ...);
``analytical`` the value the paper proves (NaN when the claim is an ordering);
``estimate``, ``ci_low``, ``ci_high``  the simulated estimate and its interval;
``verdict``   bool, computed from the numbers (never hard-coded);
``rule``      in words, what the verdict checked.

Register one with the decorator::

    from privauction.scenarios import register

    @register("my-claim", claim="Prop. 9", paper="auction", quick={"n_auctions": 20_000})
    def my_claim(n_auctions, rng, **params):
        ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["RESULT_COLUMNS", "Scenario", "ScenarioRegistry", "registry", "register"]

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
    """

    name: str
    func: Callable[..., pd.DataFrame] = field(repr=False)
    claim: str
    paper: str = "auction"
    description: str = ""
    quick: dict = field(default_factory=dict, repr=False)
    full: dict = field(default_factory=dict, repr=False)

    def __call__(self, *args, **kwargs) -> pd.DataFrame:
        return self.func(*args, **kwargs)


class ScenarioRegistry:
    """Name -> :class:`Scenario`; iteration is in registration order."""

    def __init__(self):
        self._scenarios: dict[str, Scenario] = {}

    def register(
        self,
        name: str,
        *,
        claim: str,
        paper: str = "auction",
        quick: dict | None = None,
        full: dict | None = None,
    ):
        """Decorator that registers a scenario function under ``name``."""
        if not isinstance(name, str) or not name:
            raise TypeError(f"`name` must be a non-empty string; got {name!r}")

        def decorator(func):
            if name in self._scenarios and self._scenarios[name].func is not func:
                raise ValueError(f"`name` {name!r} is already registered")
            doc = (func.__doc__ or "").strip().splitlines()
            self._scenarios[name] = Scenario(
                name=name, func=func, claim=claim, paper=paper,
                description=doc[0] if doc else "", quick=dict(quick or {}), full=dict(full or {}),
            )
            return func

        return decorator

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


registry = ScenarioRegistry()
register = registry.register
