"""Rounded prices: to a fixed step, or randomly and without bias to a floating-point grid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_real
from ._checks import bit_count, positive_number
from .base import Disclosure

__all__ = ["RoundedPrice", "StochasticRounding"]


@dataclass(frozen=True)
class RoundedPrice(Disclosure):
    """The price rounded to the nearest multiple of ``step`` (NaN when unsold).

    ``R = step · floor(P / step + 1/2)``: the cell of ``R = k step`` is
    ``[(k - 1/2) step, (k + 1/2) step)``. Under the second-price auction the runner-up's loss
    is then the entropy of ``R`` (a function of the runner-up's value), and the winner's the
    one-dimensional integral of :func:`privauction.theory.disclosure.rounded_price_loss`.

    Parameters
    ----------
    step : float
        Grid step, finite and > 0.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> out = SimpleNamespace(winner=np.array([0, -1]), price=np.array([0.34, np.nan]))
    >>> RoundedPrice(0.1).checked_publish(out, np.random.default_rng(0)).round(12).tolist()
    [[0.3], [nan]]
    """

    step: float

    def __post_init__(self):
        step = positive_number(self.step, "step")
        if step < np.finfo(float).tiny:  # price / step would overflow to inf
            raise ValueError(
                f"`step` must be at least {np.finfo(float).tiny:.3g} (the smallest normal float, "
                f"so that price / step stays finite); got {step:.3g}"
            )
        object.__setattr__(self, "step", step)

    def publish(self, outcome, rng):
        price = np.asarray(outcome.price, dtype=float)
        return (self.step * np.floor(price / self.step + 0.5))[:, None]

    def discrete_columns(self, n_columns):
        return (True,)


@dataclass(frozen=True)
class StochasticRounding(Disclosure):
    """The price rounded at random, without bias, to a binary floating-point grid.

    A price ``p`` between neighbours ``g < p < g + s`` of the grid is published as ``g + s``
    with probability ``(p - g) / s`` and as ``g`` otherwise, so ``E[R | p] = p``: what ad
    platforms do to reported bids. The grid has ``mantissa_bits`` fraction bits and an IEEE-style
    exponent of ``exponent_bits`` bits: spacing ``2^(e - mantissa_bits)`` on ``[2^e, 2^(e+1))``
    for ``e_min <= e <= e_max`` with ``e_max = 2^(exponent_bits - 1) - 1``,
    ``e_min = 1 - e_max``, evenly spaced (subnormal) below ``2^e_min``. Prices above the largest
    grid value ``(2 - 2^-mantissa_bits) 2^e_max`` are published as that value (the only
    biased case).

    Parameters
    ----------
    mantissa_bits : int
        In [0, 52].
    exponent_bits : int
        In [2, 11].

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> out = SimpleNamespace(winner=np.zeros(100_000, int), price=np.full(100_000, 0.3))
    >>> r = StochasticRounding(mantissa_bits=2).checked_publish(out, np.random.default_rng(0))
    >>> sorted(set(r[:, 0].tolist()))           # the grid around 0.3 has step 1/16
    [0.25, 0.3125]
    >>> bool(abs(r.mean() - 0.3) < 1e-3)         # unbiased
    True
    """

    mantissa_bits: int = 8
    exponent_bits: int = 8

    def __post_init__(self):
        bit_count(self.mantissa_bits, "mantissa_bits", 0, 52)
        bit_count(self.exponent_bits, "exponent_bits", 2, 11)

    @property
    def exponent_range(self) -> tuple[int, int]:
        """``(e_min, e_max)`` of the grid."""
        e_max = 2 ** (self.exponent_bits - 1) - 1
        return 1 - e_max, e_max

    @property
    def largest(self) -> float:
        """The largest grid value."""
        return float(np.ldexp(2.0 - 2.0 ** -self.mantissa_bits, self.exponent_range[1]))

    def spacing(self, x) -> np.ndarray:
        """Grid spacing at ``|x|``: ``2^(max(floor(log2 |x|), e_min) - mantissa_bits)``."""
        e_min, _ = self.exponent_range
        _, exp = np.frexp(np.abs(np.asarray(x, dtype=float)))
        return np.ldexp(1.0, np.maximum(exp - 1, e_min) - self.mantissa_bits)

    def grid(self, low: float, high: float) -> np.ndarray:
        """The grid values from the largest one ``<= low`` to the smallest one ``>= high``
        (``0 <= low <= high <= largest``), sorted.

        Examples
        --------
        >>> StochasticRounding(mantissa_bits=1, exponent_bits=3).grid(0.3, 1.0).tolist()
        [0.25, 0.375, 0.5, 0.75, 1.0]
        """
        low = check_real(low, "low")
        high = check_real(high, "high")
        if not 0.0 <= low <= high <= self.largest:
            raise ValueError(
                f"`low` and `high` must satisfy 0 <= low <= high <= {self.largest}; got "
                f"low={low}, high={high}"
            )
        e_min, e_max = self.exponent_range
        mb = self.mantissa_bits
        binade = lambda x: max(int(np.frexp(x)[1]) - 1, e_min) if x > 0 else e_min  # noqa: E731
        e_lo, e_hi = binade(low), binade(high)
        parts = []
        for e in range(e_lo, e_hi + 1):
            step = 2.0 ** (e - mb)
            base = 0.0 if e == e_min else 2.0**e     # binade e_min also holds the subnormals
            parts.append(base + step * np.arange(round((2.0 ** (e + 1) - base) / step)))
        if e_hi < e_max:
            parts.append(np.array([2.0 ** (e_hi + 1)]))
        points = np.concatenate(parts)
        first = max(int(np.searchsorted(points, low, side="right")) - 1, 0)
        last = int(np.searchsorted(points, high, side="left"))
        return points[first: last + 1]

    def publish(self, outcome, rng):
        price = np.asarray(outcome.price, dtype=float)
        u = rng.random(price.shape[0])
        a = np.abs(np.nan_to_num(price))
        s = self.spacing(a)
        low = np.floor(a / s) * s              # exact: s is a power of two
        up = u * s < a - low
        r = np.minimum(low + np.where(up, s, 0.0), self.largest)
        r = np.copysign(r, np.nan_to_num(price))
        return np.where(np.isnan(price), np.nan, r)[:, None]

    def discrete_columns(self, n_columns):
        return (True,)
