"""Parameter checks of the built-in disclosures, in the package's one error form."""

from __future__ import annotations

import math
import numbers

__all__ = ["positive_number", "bit_count"]


def positive_number(value, name: str) -> float:
    """``value`` as a finite float > 0, or TypeError / ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a finite number > 0; got {value!r}")
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"`{name}` must be a finite number > 0; got {value}")
    return value


def bit_count(value, name: str, minimum: int, maximum: int) -> int:
    """``value`` as an int in ``[minimum, maximum]``, or TypeError / ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"`{name}` must be an integer in [{minimum}, {maximum}]; got {value!r}"
        )
    value = int(value)
    if not minimum <= value <= maximum:
        raise ValueError(f"`{name}` must be an integer in [{minimum}, {maximum}]; got {value}")
    return value
