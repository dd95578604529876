"""Closed forms of the uniform–quadratic case (Section 4.3 and Section 5), used as checks.

With ``θ ~ U[θ_low, θ_high]`` and ``c(q) = q²/2``:

* Lemma 5: the ``(n, κ)``-optimal mechanism has ``n`` equal intervals when ``log n <= κ``, and
  otherwise one short interval of length ``l_s`` and ``n - 1`` long ones of length ``l_l``
  solving Eqs. (6)–(7);
* Prop. 4: the κ-optimal mechanism is the ``(n*_κ, κ)``-optimal one, ``n*_κ`` the smallest
  integer with ``log n*_κ >= κ``;
* Eq. (13): profit ``(θ_high - θ_low)²/6 + θ_low²/2 - Σ l_i³ / (6 (θ_high - θ_low))``;
* Prop. 8: under the ex-post constraint, ``n`` equal intervals for ``κ ∈ [log n, log(n+1))``.

Nothing here is used by :func:`~privauction.screening.optimal_menu`; the validation compares
the solver with these.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validation import check_int, check_real, check_real_array
from .solver import MAX_KAPPA, MAX_N_INTERVALS, _short_mass, min_intervals

__all__ = ["UniformQuadraticOptimum", "lemma5_masses", "uniform_quadratic_profit",
           "uniform_quadratic_optimum", "ex_post_intervals"]


@dataclass(frozen=True)
class UniformQuadraticOptimum:
    """The closed-form κ-optimal partition of ``U[low, high]`` with quadratic cost.

    Attributes
    ----------
    n_intervals : int
    short_mass, long_mass : float
        Masses of the short interval and of each long one (equal when ``κ = log n``).
    masses : tuple of float
        Short interval first (its position does not matter, Lemma 5).
    profit : float
        Eq. (13).
    """

    n_intervals: int
    short_mass: float
    long_mass: float
    masses: tuple
    profit: float


def _check_support(low, high) -> tuple[float, float]:
    low = check_real(low, "low")
    high = check_real(high, "high")
    if not high > low:
        raise ValueError(f"`high` must exceed `low`; got low = {low:g}, high = {high:g}")
    return low, high


def lemma5_masses(n: int, kappa: float) -> np.ndarray:
    """Masses of the ``(n, κ)``-optimal partition (Lemma 5), short interval first.

    Examples
    --------
    >>> lemma5_masses(2, math.log(2)).tolist()
    [0.5, 0.5]
    """
    n = check_int(n, "n", minimum=1, maximum=MAX_N_INTERVALS)
    kappa = check_real(kappa, "kappa", lower=0.0)
    if n > 1 and kappa <= math.log(n - 1):
        raise ValueError(
            f"`kappa` must exceed log(n - 1) = {math.log(n - 1):.6g} for n = {n} intervals "
            f"that exhaust it (Lemma 5); got {kappa}"
        )
    s = _short_mass(n, kappa)
    if n == 1:
        return np.ones(1)
    long = (1.0 - s) / (n - 1)
    return np.concatenate([[s], np.full(n - 1, long)])


def uniform_quadratic_profit(masses, low: float = 1.0, high: float = 2.0) -> float:
    """Eq. (13): profit of a partition of ``U[low, high]`` (masses in any order), ``c = q²/2``.

    Examples
    --------
    >>> uniform_quadratic_profit([1.0])  # pooling on [1, 2]: q = E[2θ - 2] = 1
    0.5
    """
    x = check_real_array(masses, "masses", ndim=1, min_length=1)
    # 1e-6: float32 masses sum to 1 only within about 3e-8
    if x.min() < 0 or abs(x.sum() - 1.0) > 1e-6:
        raise ValueError(f"`masses` must be non-negative and sum to 1; got sum {x.sum()!r}")
    low, high = _check_support(low, high)
    w = high - low
    return float(w * w / 6.0 + low * low / 2.0 - w * w * np.sum(x**3) / 6.0)


def uniform_quadratic_optimum(kappa: float, low: float = 1.0, high: float = 2.0
                              ) -> UniformQuadraticOptimum:
    """Prop. 4 with Lemma 5: the ex-ante κ-optimal partition in closed form.

    Examples
    --------
    >>> opt = uniform_quadratic_optimum(1.0)
    >>> opt.n_intervals, round(opt.short_mass, 6), round(opt.profit, 6)
    (3, 0.13905, 0.639628)
    """
    kappa = check_real(kappa, "kappa", lower=0.0, upper=math.log(MAX_N_INTERVALS))
    low, high = _check_support(low, high)
    n = min_intervals(kappa)
    x = lemma5_masses(n, kappa)
    return UniformQuadraticOptimum(
        n_intervals=n,
        short_mass=float(x[0]),
        long_mass=float(x[-1]),
        masses=tuple(float(t) for t in x),
        profit=uniform_quadratic_profit(x, low, high),
    )


def ex_post_intervals(kappa: float) -> int:
    """Prop. 8: ``n`` with ``κ ∈ [log n, log(n+1))``, the number of equal intervals.

    Examples
    --------
    >>> [ex_post_intervals(k) for k in (0.5, math.log(2), 1.0, 2.0)]
    [1, 2, 2, 7]
    """
    kappa = check_real(kappa, "kappa", lower=0.0, upper=MAX_KAPPA)
    n = int(math.floor(math.exp(kappa)))
    if math.log(n + 1) <= kappa + 1e-12:
        n += 1
    return max(n, 1)
