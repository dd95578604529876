"""Input validation shared by every public function.

One error form throughout the package (see DESIGN.md)::

    "`n_bidders` must be an integer >= 2; got 1"

``TypeError`` for a wrong type, ``ValueError`` for a wrong value; never ``assert``.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "PrivauctionWarning",
    "check_rng",
    "check_int",
    "check_real",
    "check_probability",
]


class PrivauctionWarning(UserWarning):
    """Base category of every warning the package emits."""


def check_rng(rng) -> np.random.Generator:
    """Normalise ``rng`` (None, int, SeedSequence or Generator) into a Generator (SPEC 7).

    Examples
    --------
    >>> check_rng(0).random() == check_rng(0).random()
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (numbers.Integral, np.random.SeedSequence)):
        if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng < 0:
            raise ValueError(f"`rng` must be a non-negative integer seed; got {rng}")
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.BitGenerator):
        return np.random.Generator(rng)
    raise TypeError(
        "`rng` must be None, an int, a numpy.random.SeedSequence or a numpy.random.Generator;"
        f" got {type(rng).__name__}"
    )


def check_int(value, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an int, or raise naming ``name`` and the bound it breaks."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if (not isinstance(value, bool) and isinstance(value, numbers.Real)
                and math.isfinite(value) and float(value).is_integer()):
            value = int(value)
        else:
            bound = f" >= {minimum}" if minimum is not None else ""
            raise TypeError(f"`{name}` must be an integer{bound}; got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"`{name}` must be an integer <= {maximum}; got {value}")
    return value


def check_real(
    value,
    name: str,
    *,
    lower: float | None = None,
    upper: float | None = None,
    lower_inclusive: bool = True,
    upper_inclusive: bool = True,
) -> float:
    """Return ``value`` as a finite float inside the given bounds, or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a real number; got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"`{name}` must be finite; got {value}")
    if lower is not None and (value < lower or (value == lower and not lower_inclusive)):
        op = ">=" if lower_inclusive else ">"
        raise ValueError(f"`{name}` must be {op} {lower}; got {value}")
    if upper is not None and (value > upper or (value == upper and not upper_inclusive)):
        op = "<=" if upper_inclusive else "<"
        raise ValueError(f"`{name}` must be {op} {upper}; got {value}")
    return value


def check_probability(value, name: str, *, open_interval: bool = True) -> float:
    """A level such as a confidence level: a float in (0, 1)."""
    return check_real(
        value, name, lower=0.0, upper=1.0, lower_inclusive=not open_interval,
        upper_inclusive=not open_interval,
    )
