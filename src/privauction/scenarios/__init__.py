"""Validated claims of both papers, one module per claim, registered by name.

Importing this package imports every scenario module so that the registry is complete.
"""

from .registry import RESULT_COLUMNS, Scenario, ScenarioRegistry, register, registry

__all__ = ["RESULT_COLUMNS", "Scenario", "ScenarioRegistry", "register", "registry"]
