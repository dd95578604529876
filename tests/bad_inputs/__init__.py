"""The bad-input suite: every public entry point walked through wrong inputs (issue 15).

Each ``cases_*.py`` module in this folder defines ``CASES``, a list of
:class:`~bad_inputs._harness.BadInput`. ``tests/test_bad_inputs.py`` asserts that every case
is refused clearly; ``validation/bad_input_census.py`` counts the outcomes per entry point.
"""

from __future__ import annotations

import importlib
import pkgutil

from ._harness import DEFAULT_TIMEOUT, OUTCOMES, BadInput, Result, run_case

__all__ = ["BadInput", "Result", "run_case", "all_cases", "OUTCOMES", "DEFAULT_TIMEOUT"]


def all_cases() -> list[BadInput]:
    """Every case of every ``cases_*`` module, in module then listed order."""
    cases: list[BadInput] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("cases_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            cases.extend(module.CASES)
    ids = [case.id for case in cases]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"bad-input case ids must be unique; repeated: {duplicated}")
    return cases
