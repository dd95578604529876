"""Confidence intervals for kNN estimates by subsampling (m out of n, without replacement).

The bootstrap is not valid for kNN estimators: a resample with replacement duplicates points,
which then sit at distance zero from each other and move every neighbour count (the estimate of
a resample is biased upward by the duplicates, not a draw from the estimator's law). Subsamples
drawn *without* replacement are genuine samples of size ``m`` from the same distribution, so the
spread of the estimate over them is the sampling spread at size ``m``; with the estimator's
variance falling like ``1/n`` (true of KSG and of its mixed and plug-in relatives for a fixed
law with positive MI), ``Var(θ̂_n) ≈ (m / n) Var(θ̂_m)`` (Politis, Romano & Wolf 1999, ch. 2).

The subsamples are the disjoint blocks of repeated random partitions of the ``n`` rows into
blocks of ``m``; blocks of one partition are independent. The interval is
``θ̂_n ± t_{B−1, (1+level)/2} · sqrt(m/n) · sd(θ̂_m)`` over the ``B`` subsample estimates.
Where the variance falls faster than ``1/n`` (independent variables, where the plug-in
estimator's spread is ``O(1/n)``), the rescaling over-states the spread: the interval is then
conservative, never too short.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["SubsampleInterval", "subsample_interval", "default_subsample_size"]


@dataclass(frozen=True)
class SubsampleInterval:
    low: float
    high: float
    std_error: float
    n_resamples: int
    subsample_size: int


def default_subsample_size(n: int, minimum: int) -> int:
    """``n // 10``, but at least ``minimum`` and at most ``n // 2``."""
    return int(min(max(n // 10, minimum), n // 2))


def subsample_interval(
    statistic: Callable[[np.ndarray], float],
    n: int,
    estimate: float,
    *,
    level: float,
    n_resamples: int,
    subsample_size: int,
    rng: np.random.Generator,
) -> SubsampleInterval:
    """Interval for ``estimate`` (the statistic on all ``n`` rows) from subsample estimates.

    ``statistic(rows)`` evaluates the estimator on the rows with the given indices.
    """
    m = subsample_size
    per_partition = n // m
    values = np.empty(n_resamples)
    i = 0
    while i < n_resamples:
        perm = rng.permutation(n)
        for b in range(min(per_partition, n_resamples - i)):
            values[i] = statistic(perm[b * m : (b + 1) * m])
            i += 1
    se = math.sqrt(m / n) * float(np.std(values, ddof=1))
    q = float(stats.t.ppf(0.5 + level / 2.0, df=n_resamples - 1))
    return SubsampleInterval(estimate - q * se, estimate + q * se, se, n_resamples, m)
