"""Noisy prices: the Laplace mechanism of differential privacy applied to the price."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from ._checks import positive_number
from .base import Disclosure

__all__ = ["NoisyPrice"]


@dataclass(frozen=True)
class NoisyPrice(Disclosure):
    """The price plus Laplace noise of scale ``scale`` (NaN when unsold).

    On a price support of width ``Δ = high - low`` this is the Laplace mechanism with
    sensitivity ``Δ``: ``ε = Δ / scale`` differential privacy of the published number with
    respect to any change of the price (Dwork, McSherry, Nissim & Smith, "Calibrating noise to
    sensitivity in private data analysis", TCC 2006, Prop. 1); see :meth:`epsilon`.

    Parameters
    ----------
    scale : float
        The Laplace scale ``b``, finite and > 0.

    Examples
    --------
    >>> NoisyPrice(scale=0.5).epsilon(0.0, 1.0)     # prices in [0, 1]
    2.0
    """

    scale: float

    def __post_init__(self):
        object.__setattr__(self, "scale", positive_number(self.scale, "scale"))

    def epsilon(self, low: float, high: float) -> float:
        """The ε of differential privacy on prices in ``[low, high]``: ``(high - low) / scale``
        (infinite on an unbounded support)."""
        low, high = _end(low, "low"), _end(high, "high")
        if not high >= low:
            raise ValueError(f"`high` must be >= `low`; got low={low}, high={high}")
        return (high - low) / self.scale

    def publish(self, outcome, rng):
        price = np.asarray(outcome.price, dtype=float)
        return (price + rng.laplace(0.0, self.scale, price.shape[0]))[:, None]

    def discrete_columns(self, n_columns):
        return (False,)


def _end(value, name: str) -> float:
    """An end of the price support: a real number, possibly infinite, not NaN."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        raise (ValueError if isinstance(value, numbers.Real) and not isinstance(value, bool)
               else TypeError)(f"`{name}` must be a real number (inf allowed); got {value!r}")
    return float(value)
