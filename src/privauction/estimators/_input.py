"""Validation of the samples every estimator takes: done once, in the public function."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._validation import check_int, check_real

__all__ = ["as_samples", "as_column", "check_base", "check_n_neighbors", "log_base"]


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
