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
    "check_real_array",
    "check_budget",
    "WorkBudgetError",
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


def check_real_array(
    values,
    name: str,
    *,
    ndim: int | None = 1,
    finite: bool = True,
    min_length: int = 0,
) -> np.ndarray:
    """Return ``values`` as a float64 array, or raise naming ``name``.

    Booleans, strings, objects and complex numbers are refused with ``TypeError`` (a boolean
    array is not a set of prices); a wrong number of dimensions, too few entries, or NaN /
    infinite entries (when ``finite``) with ``ValueError`` naming the first bad index.

    Examples
    --------
    >>> check_real_array([1, 2.5], "prices")
    array([1. , 2.5])
    >>> check_real_array([1.0, float("nan")], "prices")
    Traceback (most recent call last):
    ...
    ValueError: `prices` must hold finite values; got nan at index 1
    """
    try:
        arr = np.asarray(values)
    except Exception as exc:  # ragged nested sequences
        raise TypeError(
            f"`{name}` must be an array of real numbers; got {type(values).__name__}"
        ) from exc
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"`{name}` must be an array of real numbers; got an array of dtype {arr.dtype}"
        )
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"`{name}` must be a {ndim}-D array; got shape {arr.shape}")
    arr = np.asarray(arr, dtype=np.float64)
    if arr.size < min_length:
        raise ValueError(f"`{name}` must hold at least {min_length} values; got {arr.size}")
    if finite and arr.size and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        index = int(bad[0]) if bad.size == 1 else tuple(int(i) for i in bad)
        raise ValueError(
            f"`{name}` must hold finite values; got {arr[tuple(bad)]} at index {index}"
        )
    return arr


class WorkBudgetError(ValueError):
    """A call would cost more time or memory than its documented limit.

    A ``ValueError`` so that callers catching bad values catch it too; the message states the
    estimate, the limit, and how to proceed.
    """


def _human(amount: float, unit: str) -> str:
    if unit == "bytes":
        scales = ((2.0**40, "TiB"), (2.0**30, "GiB"), (2.0**20, "MiB"), (2.0**10, "KiB"))
        for scale, label in scales:
            if amount >= scale:
                return f"{amount / scale:.3g} {label}"
        return f"{amount:.0f} bytes"
    return f"{amount:.3g} {unit}"


def check_budget(
    cost: float,
    limit: float,
    *,
    what: str,
    unit: str,
    advice: str,
) -> None:
    """Refuse, before any work, a call whose estimated cost exceeds ``limit``.

    Parameters
    ----------
    cost : float
        The estimate of the work the arguments imply, in ``unit`` (e.g. bytes of memory, or a
        count of elementary operations).
    limit : float
        The documented limit; ``numpy.inf`` disables the check (an explicit override).
    what : str
        The arguments that imply the cost, as the user wrote them, e.g.
        ``"`n_auctions` = 10**30 with `n_bidders` = 2"``.
    unit : str
        ``"bytes"`` (shown as KiB/MiB/GiB) or any count such as ``"kNN queries"``.
    advice : str
        How to proceed: a smaller size, chunking, or the override parameter.

    Raises
    ------
    WorkBudgetError
        If ``cost > limit``; the message states the estimate, the limit and ``advice``.

    Examples
    --------
    >>> check_budget(8e12, 4 * 2**30, what="`n_auctions` = 10**12", unit="bytes",
    ...              advice="simulate in chunks")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    privauction._validation.WorkBudgetError: `n_auctions` = 10**12 needs about 7.28 TiB of ...
    """
    if not cost > limit:
        return
    noun = "of memory" if unit == "bytes" else ""
    estimate = f"{_human(cost, unit)} {noun}".rstrip()
    raise WorkBudgetError(
        f"{what} needs about {estimate}, over the limit of {_human(limit, unit)}; {advice}"
    )


# --- in15b: checks of the remaining entry points (theory, screening, market, sweep, audit, CLI)


def check_limit(value, name: str) -> float:
    """The override of a work budget: a number > 0, or None / ``numpy.inf`` for no limit.

    Examples
    --------
    >>> check_limit(None, "max_tasks"), check_limit(10, "max_tasks")
    (inf, 10.0)
    >>> check_limit("many", "max_tasks")
    Traceback (most recent call last):
    ...
    TypeError: `max_tasks` must be a positive number, or None (numpy.inf) for no limit; got 'many'
    """
    if value is None:
        return math.inf
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"`{name}` must be a positive number, or None (numpy.inf) for no limit; got {value!r}"
        )
    value = float(value)
    if not value > 0:  # NaN too
        raise ValueError(
            f"`{name}` must be a positive number, or None (numpy.inf) for no limit; got {value}"
        )
    return value
