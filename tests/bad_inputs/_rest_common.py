"""Shared helpers of the ``cases_rest_*`` modules (issue 15, part B).

:func:`family` turns one keyword of a call into a list of :class:`BadInput` cases, one per bad
value, so that every entry point is walked through the same wrong types, NaN/inf, negative,
zero and out-of-support values without repeating the boilerplate.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ._harness import BadInput

NAN = math.nan
INF = math.inf

#: Bad values for an integer parameter (label, value, kind).
BAD_INT = [
    ("True", True, "type"),
    ("2.5", 2.5, "type"),
    ("'3'", "3", "type"),
    ("None", None, "type"),
    ("1j", 1j, "type"),
    ("nan", NAN, "nan"),
    ("-1", -1, "negative"),
    ("0", 0, "zero"),
]

#: Bad values for a real parameter.
BAD_REAL = [
    ("'1'", "1", "type"),
    ("True", True, "type"),
    ("1+1j", 1 + 1j, "type"),
    ("None", None, "type"),
    ("nan", NAN, "nan"),
    ("inf", INF, "nan"),
    ("-1", -1.0, "negative"),
]


def family(entry: str, make: Callable[..., Callable[[], object]], name: str, bads,
           names: tuple[str, ...] | None = None) -> list[BadInput]:
    """One case per ``(label, value, kind)`` in ``bads``: ``make(**{name: value})``."""
    return [
        BadInput(entry, f"{name}={label}", make(**{name: value}), names or (name,), kind)
        for label, value, kind in bads
    ]


def caller(_function, *args, **base):
    """``make(**changes)``: a zero-argument call of ``_function(*args, **base | changes)``."""

    def make(**changes):
        arguments = dict(base)
        arguments.update(changes)
        return lambda: _function(*args, **arguments)

    return make
