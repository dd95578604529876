"""Validated claims of both papers, one module per claim, registered by name.

Importing this package imports every scenario module in it (found with :mod:`pkgutil`, so the
modules other parts of the project add, such as ``screening_*.py`` and ``world_*.py``, join
without editing this file) and the registry is complete. Modules whose names start with ``_``
(shared helpers) and the infrastructure modules ``registry`` and ``runner`` are not scenarios.

Run them with ``privauction list`` / ``run NAME`` / ``validate``, or from Python::

    from privauction.scenarios import registry, run_scenario
    table = run_scenario("prop3-spa-n", seed=0, quick=True)
"""

import importlib
import pkgutil
import warnings

from .._validation import PrivauctionWarning
from .registry import (
    OPTIONAL_COLUMNS,
    RESULT_COLUMNS,
    Scenario,
    ScenarioRegistry,
    register,
    registry,
)
from .runner import (
    load_plugin,
    pass_rates,
    run_many,
    run_replications,
    run_scenario,
    summarise,
)

__all__ = [
    "OPTIONAL_COLUMNS",
    "ScenarioImportWarning",
    "RESULT_COLUMNS",
    "Scenario",
    "ScenarioRegistry",
    "load_plugin",
    "pass_rates",
    "register",
    "registry",
    "run_many",
    "run_replications",
    "run_scenario",
    "summarise",
]

_INFRASTRUCTURE = {"registry", "runner"}

#: The auction paper's claims, imported first so that ``privauction list`` follows the paper.
_PAPER_ORDER = (
    "example1",
    "prop1_zero_k",
    "prop2_large_k",
    "theorem1_mps",
    "prop3_spa_n",
    "theorem2_reserve",
    "prop4_k_price",
    "lemma1_bound",
)


class ScenarioImportWarning(PrivauctionWarning):
    """A discovered scenario module failed to import; its claims are missing from the registry."""


def _import_scenario_modules() -> None:
    for name in _PAPER_ORDER:
        importlib.import_module(f"{__name__}.{name}")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in _INFRASTRUCTURE or info.name in _PAPER_ORDER:
            continue
        try:
            importlib.import_module(f"{__name__}.{info.name}")
        except Exception as exc:  # one broken module must not hide every other claim
            warnings.warn(
                f"scenario module privauction.scenarios.{info.name} failed to import "
                f"({type(exc).__name__}: {exc}); its claims are not registered. Fix the module "
                "or remove it.",
                ScenarioImportWarning,
                stacklevel=2,
            )


_import_scenario_modules()
