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
    >>> check_rng(True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: `rng` must be None, an int seed, ... got the boolean True (a boolean is not a seed)
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (bool, np.bool_)):
        raise TypeError(
            "`rng` must be None, an int seed, a numpy.random.SeedSequence or a "
            f"numpy.random.Generator; got the boolean {rng!r} (a boolean is not a seed)"
        )
    if rng is None or isinstance(rng, (numbers.Integral, np.random.SeedSequence)):
        if isinstance(rng, numbers.Integral) and rng < 0:
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


# --- in15a: checks of the core entry points (simulate, Outcomes, mechanisms, estimators) ---


def check_bool(value, name: str) -> bool:
    """Return ``value`` as a bool; only ``True`` / ``False`` (or numpy booleans) are accepted.

    Examples
    --------
    >>> check_bool(True, "detect_infinite")
    True
    >>> check_bool("yes", "detect_infinite")
    Traceback (most recent call last):
    ...
    TypeError: `detect_infinite` must be True or False; got 'yes'
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False; got {value!r}")
    return bool(value)


def check_instance(value, cls: type, name: str, *, what: str) -> None:
    """Refuse anything but an instance of ``cls``; a subclass of ``cls`` passed instead of an
    instance is told to call it (``"call SecondPrice()"``).

    Examples
    --------
    >>> class Base: ...
    >>> class Child(Base): ...
    >>> check_instance(Child, Base, "mechanism", what="a mechanism")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: `mechanism` must be a mechanism, an instance; got the class Child itself ...
    """
    if isinstance(value, cls):
        return
    if isinstance(value, type) and issubclass(value, cls):
        raise TypeError(
            f"`{name}` must be {what}, an instance; got the class {value.__name__} itself "
            f"(call {value.__name__}() to make one)"
        )
    raise TypeError(f"`{name}` must be {what}; got {type(value).__name__} {value!r:.60}")


def check_max_memory(max_memory) -> float:
    """The ``max_memory`` override of a memory budget: None (no limit) or bytes > 0."""
    if max_memory is None:
        return math.inf
    return check_real(max_memory, "max_memory", lower=0.0, lower_inclusive=False)


def check_max_work(max_work) -> float:
    """The ``max_work`` override of a work budget: None (no limit) or a count > 0."""
    if max_work is None:
        return math.inf
    return check_real(max_work, "max_work", lower=0.0, lower_inclusive=False)


def check_outcome_arrays(outcomes, name: str = "outcomes", *, values: bool = True,
                         extra: tuple = ()) -> tuple:
    """The arrays of an auction outcome, checked: ``(winner, winner_value, price, sold)``.

    Every array an :class:`~privauction.Outcomes` (or a result built like one) carries is
    checked where it is used, since numpy arrays stay writable inside a frozen result: the same
    length and one dimension, real numbers, ``winner`` integer indices ``>= -1``, and on every
    sold auction a finite ``winner_value`` and a finite price ``>= 0``. O(n), one pass per
    array. Errors name ``name`` and the array (``"`outcomes`.`price`"``).

    An object without ``winner`` but with a boolean ``sold`` (pairs of a value and a "price"
    that are not an auction's, as the scenarios pass) is checked the same way, except that its
    prices may be negative; ``winner`` is then returned as None.

    ``values=False`` leaves out ``winner_value`` (a disclosure reads only winners and prices).
    ``extra`` names further arrays the caller will read: ``"second_value"`` (finite on sold
    auctions), ``"values"`` or ``"bids"`` (real, finite, one row per auction).

    Raises
    ------
    TypeError
        When an array is missing or not of real numbers (booleans refused for ``winner``,
        ``winner_value`` and ``price``).
    ValueError
        On unequal lengths, wrong dimensions, a winner below -1 or a non-finite value or a
        non-finite or negative price on a sold auction (naming the first such auction).
    """
    auction = hasattr(outcomes, "winner")
    first = "winner" if auction else "sold"
    fields = (first, "winner_value", "price") if values else (first, "price")
    arrays = {}
    for field in fields:
        if not hasattr(outcomes, field):
            raise TypeError(
                f"`{name}` must be a privauction.Outcomes (from privauction.simulate); got "
                f"{type(outcomes).__name__} without `{field}`"
            )
        arr = np.asarray(getattr(outcomes, field))
        kinds = {"winner": "iu", "sold": "b"}.get(field, "iuf")
        if arr.dtype.kind not in kinds:
            kind = {"winner": "integer bidder indices", "sold": "booleans"}.get(
                field, "real numbers")
            raise TypeError(
                f"`{name}`.`{field}` must be an array of {kind}; got dtype {arr.dtype}"
                + (" (a price array of booleans or strings is not a price)"
                   if field == "price" else "")
            )
        if arr.ndim != 1:
            raise ValueError(
                f"`{name}`.`{field}` must be a 1-D array, one entry per auction; got shape "
                f"{arr.shape}"
            )
        arrays[field] = arr
    n = arrays[first].shape[0]
    for field in fields[1:]:
        if arrays[field].shape[0] != n:
            raise ValueError(
                f"`{name}`.`{field}` must have one entry per auction like `{first}` ({n}); got "
                f"{arrays[field].shape[0]}"
            )
    winner = arrays.get("winner")
    if winner is not None:
        if n and winner.min() < -1:
            bad = int(np.flatnonzero(winner < -1)[0])
            raise ValueError(
                f"`{name}`.`winner` must hold bidder indices >= -1 (-1: unsold); got "
                f"{int(winner[bad])} in auction {bad}"
            )
        sold = winner >= 0
    else:
        sold = arrays["sold"]
    all_sold = bool(sold.all())
    value = np.asarray(arrays["winner_value"], dtype=float) if values else None
    price = np.asarray(arrays["price"], dtype=float)
    checks = [("price", price, 0.0 if auction else -np.inf)]
    if values:
        checks.append(("winner_value", value, -np.inf))
    if "second_value" in extra:
        second = np.asarray(getattr(outcomes, "second_value", None))
        if second.dtype.kind not in "iuf" or second.shape != (n,):
            raise TypeError(
                f"`{name}`.`second_value` must be a 1-D array of real numbers, one per auction "
                f"({n}); got dtype {second.dtype}, shape {second.shape}"
            )
        checks.append(("second_value", second.astype(float, copy=False), -np.inf))
    for field, arr, low in checks:
        on_sold = arr if all_sold else arr[sold]
        if on_sold.size and not (on_sold.min() >= low and -np.inf < on_sold.min()
                                 and on_sold.max() < np.inf):
            bad = int(np.flatnonzero(sold & ~((arr >= low) & np.isfinite(arr)))[0])
            rule = "finite and >= 0" if low == 0.0 else "finite"
            won = f" (won by bidder {int(winner[bad])})" if winner is not None else ""
            raise ValueError(
                f"`{name}`.`{field}` must be {rule} on every sold auction; got {arr[bad]} in "
                f"auction {bad}{won}"
            )
    for field in ("values", "bids"):
        matrix = getattr(outcomes, field, None) if field in extra else None
        if matrix is None:
            continue
        matrix = check_real_array(matrix, f"{name}`.`{field}", ndim=2)
        if matrix.shape[0] != n:
            raise ValueError(
                f"`{name}`.`{field}` must have one row per auction ({n}); got shape "
                f"{matrix.shape}"
            )
    if auction and hasattr(outcomes, "sold") and not isinstance(
            getattr(type(outcomes), "sold", None), property):  # a property derives it
        given = np.asarray(outcomes.sold)
        if given.dtype.kind != "b" or given.shape != sold.shape:
            raise TypeError(
                f"`{name}`.`sold` must be a boolean mask like `winner` >= 0, shape ({n},); got "
                f"dtype {given.dtype}, shape {given.shape}"
            )
        if not np.array_equal(given, sold):
            bad = int(np.flatnonzero(given != sold)[0])
            raise ValueError(
                f"`{name}`.`sold` must equal `winner` >= 0; differs in auction {bad}"
            )
    return winner, value, price, sold


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
