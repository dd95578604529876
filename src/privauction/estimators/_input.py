"""Validation of the samples every estimator takes: done once, in the public function."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._budgets import estimator_memory, neighbor_lookups
from .._validation import check_budget, check_int, check_real

__all__ = [
    "as_samples", "as_column", "as_block", "as_blocks", "check_base", "check_n_neighbors",
    "log_base", "check_sample_budget",
]


def as_column(values, name: str) -> np.ndarray:
    """``values`` as a 1-D float64 array (a ``(n, 1)`` column is accepted), or raise.

    Raises
    ------
    TypeError
        If the values are not real numbers (strings, objects, complex).
    ValueError
        If the array has more than one column, or holds NaN or infinite values.
    """
    try:
        arr = np.asarray(values)
    except Exception as exc:  # ragged nested sequences
        raise TypeError(
            f"`{name}` must be a 1-D array of real numbers; got {type(values).__name__}"
        ) from exc
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"`{name}` must be a 1-D array of real numbers; got an array of dtype {arr.dtype}"
        )
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be a 1-D array of samples; got shape {arr.shape}")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ValueError(
            f"`{name}` must hold finite values; got {arr[bad]} at index {bad} (drop or impute "
            "NaN/inf rows first; for auctions, keep only the sold rows)"
        )
    return arr


def as_samples(x, y, *, min_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """Validate a pair of sample columns: equal lengths, finite, at least ``min_samples``."""
    x = as_column(x, "x")
    y = as_column(y, "y")
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f"`x` and `y` must have the same number of samples; got {x.shape[0]} and {y.shape[0]}"
        )
    if x.shape[0] < min_samples:
        raise ValueError(
            f"`x` and `y` must hold at least {min_samples} samples for this estimator; got "
            f"{x.shape[0]}"
        )
    return x, y


def as_block(values, name: str) -> np.ndarray:
    """``values`` as a C-contiguous float64 array of shape ``(n, d)``, ``d >= 1``, or raise.

    A 1-D array of ``n`` samples becomes one column ``(n, 1)``; a 2-D array holds one sample
    per row. Errors name ``name``: ``TypeError`` for non-real values, ``ValueError`` for other
    shapes, no columns, or NaN / infinite entries (with the row of the first one).
    """
    try:
        arr = np.asarray(values)
    except Exception as exc:  # ragged nested sequences
        raise TypeError(
            f"`{name}` must be an array of real numbers of shape (n,) or (n, d); got "
            f"{type(values).__name__}"
        ) from exc
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"`{name}` must be an array of real numbers of shape (n,) or (n, d); got an array "
            f"of dtype {arr.dtype}"
        )
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(
            f"`{name}` must have shape (n,) or (n, d), one sample per row; got shape {arr.shape}"
        )
    if arr.shape[1] == 0:
        raise ValueError(f"`{name}` must have at least one column (d >= 1); got shape {arr.shape}")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    finite = np.isfinite(arr)
    if not finite.all():
        row, col = (int(i) for i in np.argwhere(~finite)[0])
        raise ValueError(
            f"`{name}` must hold finite values; got {arr[row, col]} at index {row} (column "
            f"{col}) (drop or impute NaN/inf rows first)"
        )
    return arr


def check_sample_budget(named: dict, *, n_neighbors: int, knn: bool, n_estimates: float,
                        max_memory: float, max_work: float) -> bool:
    """Refuse samples whose estimate would exceed ``max_memory`` bytes or ``max_work``
    neighbour look-ups (``privauction._budgets``), from their shapes alone, before any copy
    (a broadcast view of 10^10 rows costs nothing until copied). ``n_estimates`` is the number
    of estimates on all rows the call makes (``1 + n_resamples m / n`` for an interval).
    Returns False, having checked nothing, when an input has no shape (a list): call it again
    on the validated arrays."""
    shapes = []
    for value in named.values():
        shape = getattr(value, "shape", None)
        if shape is None:
            return False  # a list or a scalar: check the arrays as_blocks makes of it
        shapes.append(tuple(shape))
    if not shapes or any(len(s) == 0 for s in shapes):
        return False
    n = max(s[0] for s in shapes)
    columns = sum(int(np.prod(s[1:])) if len(s) > 1 else 1 for s in shapes)
    names = ", ".join(f"`{name}`" for name in named)
    check_budget(
        estimator_memory(n, columns), max_memory, unit="bytes",
        what=f"{names} of {n:,} samples ({columns} columns in all)",
        advice="estimate on a random subset of the rows, or pass max_memory=None (or a "
               "larger number of bytes) to allow it",
    )
    check_budget(
        neighbor_lookups(n * n_estimates, n_neighbors, knn=knn), max_work,
        unit="neighbour look-ups",
        what=f"{names} of {n:,} samples with `n_neighbors` = {n_neighbors}"
             + ("" if n_estimates == 1 else f" and {n_estimates:.3g} estimates' worth of "
                "subsamples (`n_resamples`)"),
        advice="use fewer samples, fewer neighbours or fewer resamples, or pass max_work=None "
               "(or a larger number) to allow it",
    )
    return True


def as_blocks(named: dict, *, min_samples: int, n_neighbors: int | None = None
              ) -> list[np.ndarray]:
    """Validate several sample blocks (``{name: values}``): each as :func:`as_block`, all with
    the same number of rows, at least ``min_samples`` (``n_neighbors + 1`` for a kNN
    estimator, given as ``n_neighbors`` so that the error names it)."""
    blocks = [as_block(v, name) for name, v in named.items()]
    names = [f"`{nm}`" for nm in named]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    rows = [b.shape[0] for b in blocks]
    if len(set(rows)) > 1:
        got = ", ".join(str(r) for r in rows[:-1]) + f" and {rows[-1]}"
        raise ValueError(f"{joined} must have the same number of samples; got {got}")
    if rows[0] < min_samples:
        because = "" if n_neighbors is None else (
            f" (`n_neighbors` = {n_neighbors} needs n_neighbors + 1; lower it or pass more "
            "samples)"
        )
        raise ValueError(
            f"{joined} must hold at least {min_samples} samples for this estimator; got "
            f"{rows[0]}{because}"
        )
    return blocks


def check_n_neighbors(n_neighbors) -> int:
    return check_int(n_neighbors, "n_neighbors", minimum=1)


def check_base(base) -> float:
    """``base`` of the logarithm: None (nats) or a real number > 1."""
    if base is None:
        return math.e
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"`base` must be None (nats) or a real number > 1 such as 2; got {base!r}")
    return check_real(base, "base", lower=1.0, lower_inclusive=False)


def log_base(base: float) -> float:
    return 1.0 if base == math.e else math.log(base)
