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
from ._common import Estimate, agree, bound, exact, flag, greater
from .registry import (
    OPTIONAL_COLUMNS,
    RESULT_COLUMNS,
    Scenario,
    ScenarioRegistry,
    register,
    registry,
)
from .runner import (
    CHECK_COLUMNS,
    claim_key,
    load_plugin,
    pass_rates,
    resolve_arguments,
    run_claim,
    run_many,
    run_replications,
    run_scenario,
    summarise,
)

__all__ = [
    "CHECK_COLUMNS",
    "Estimate",
    "agree",
    "bound",
    "exact",
    "flag",
    "greater",
    "OPTIONAL_COLUMNS",
    "ScenarioImportWarning",
    "RESULT_COLUMNS",
    "Scenario",
    "ScenarioRegistry",
    "claim_key",
    "load_plugin",
    "pass_rates",
    "register",
    "registry",
    "resolve_arguments",
    "run_claim",
    "run_many",
    "run_replications",
    "run_scenario",
    "summarise",
]

_INFRASTRUCTURE = {"registry", "runner", "checks", "mutation"}

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
    """Import every scenario module; a module that fails is recorded in
    ``registry.import_errors`` (module -> error) and warned about, and ``validate``/``run``
    refuse to report a run without it as passing (they exit non-zero naming it)."""
    for name in _PAPER_ORDER:
        importlib.import_module(f"{__name__}.{name}")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in _INFRASTRUCTURE or info.name in _PAPER_ORDER:
            continue
        module = f"{__name__}.{info.name}"
        try:
            importlib.import_module(module)
        except Exception as exc:  # recorded: one broken module must not hide the others
            registry.import_errors[module] = f"{type(exc).__name__}: {exc}"
            warnings.warn(
                f"scenario module {module} failed to import ({type(exc).__name__}: {exc}); its "
                "claims are not registered and validate will exit non-zero. Fix the module or "
                "remove it.",
                ScenarioImportWarning,
                stacklevel=2,
            )


_import_scenario_modules()
