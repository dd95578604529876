"""Work budgets of the core entry points: estimates of the memory and time a call implies.

A call whose arguments imply more than its limit is refused before it allocates anything, in
milliseconds, with :class:`~privauction._validation.WorkBudgetError` (a ``ValueError``) that
states the estimate, the limit and how to proceed (see
:func:`~privauction._validation.check_budget`). Each limit is the default of a keyword
argument of the function, so a user who means it passes a larger value (or None: no limit);
there is no global setting.

=================================  ======================================  ==================
entry point                        estimate                                limit (override)
=================================  ======================================  ==================
``simulate``                       peak memory: ``8 n_auctions (4 + kept   4 GiB
                                   n_bidders) + 8 m (4 n_bidders + 8)``,   (``max_memory=``)
                                   ``m = min(chunk_size, n_auctions)``,
                                   ``kept`` = 0, 1 or 2 arrays of
                                   ``keep``
``mutual_information``,            memory ``8 n (3 d + 6)``, ``d`` all     4 GiB
``conditional_mutual_information`` the columns of x, y (and z)             (``max_memory=``)
                                   neighbour look-ups ``n (k + 1)``        10^9
                                   (``k = n_neighbors``; ``n`` for         (``max_work=``)
                                   ``"binned"``)
``estimate_mutual_information``,   look-ups ``(n + n_resamples m)          10^9
``estimate_privacy_loss``          (k + 1)``, ``m`` the subsample size     (``max_work=``)
``BinnedMI``, ``method="binned"``  the count table: ``8 bins^2`` bytes     4 GiB (none:
                                   (``max_categories^2`` likewise)         fewer bins)
``priors.is_mhr``                  ``8 n_grid`` bytes times 6              1 GiB (none)
``priors.expected_second_given_    ``8 · 64 · w.size`` bytes times 4       1 GiB (none)
highest``
=================================  ======================================  ==================

The constants were measured on the development machine (2 cores, 2026-11-30): the memory
models against ``tracemalloc`` peaks of :func:`privauction.simulate` (within 35 % above, for
2 to 1000 bidders); the look-up rate of the kNN estimators is about 6·10^6 per CPU second, so
10^9 look-ups are about three minutes of one core.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_MAX_MEMORY",
    "DEFAULT_MAX_WORK",
    "TABLE_LIMIT_BYTES",
    "GRID_LIMIT_BYTES",
    "simulate_memory",
    "estimator_memory",
    "neighbor_lookups",
]

#: Default ``max_memory`` (bytes) of :func:`privauction.simulate` and the estimators.
DEFAULT_MAX_MEMORY = 4 * 2**30

#: Default ``max_work`` (kNN neighbour look-ups) of the estimators.
DEFAULT_MAX_WORK = 10**9

#: Largest count table of the binned estimator (bytes); no override (use fewer bins).
TABLE_LIMIT_BYTES = 4 * 2**30

#: Largest grid of the priors' helpers (bytes); no override (use fewer points).
GRID_LIMIT_BYTES = 2**30


def simulate_memory(n_auctions: int, n_bidders: int, chunk_size: int, kept: int) -> float:
    """Peak bytes of :func:`privauction.simulate`: the four outputs (and ``kept`` full
    ``(n_auctions, n_bidders)`` arrays) plus the working set of one chunk (the draw, scipy's
    temporaries, the bids and the ranking)."""
    m = min(chunk_size, n_auctions)
    return 8.0 * n_auctions * (4 + kept * n_bidders) + 8.0 * m * (4 * n_bidders + 8)


def estimator_memory(n: int, n_columns: int) -> float:
    """Bytes of a kNN estimate on ``n`` rows of ``n_columns`` columns in all (standardised
    copies, the joint space and its tree, the counts)."""
    return 8.0 * n * (3 * n_columns + 6)


def neighbor_lookups(n_rows: float, n_neighbors: int, *, knn: bool = True) -> float:
    """Neighbour look-ups of kNN estimates on ``n_rows`` rows in all (``n_rows`` for binned)."""
    return float(n_rows) * ((n_neighbors + 1) if knn else 1)
