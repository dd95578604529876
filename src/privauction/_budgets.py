"""Work budgets of the core entry points: estimates of the memory and time a call implies.

A call whose arguments imply more than its limit is refused before it allocates anything, in
milliseconds, with :class:`~privauction._validation.WorkBudgetError` (a ``ValueError``) that
states the estimate, the limit and how to proceed (see
:func:`~privauction._validation.check_budget`). Each limit is the default of a keyword
argument of the function, so a user who means it passes a larger value (or None: no limit);
there is no global setting.

=================================  =======================================  ==================
entry point                        estimate                                 limit (override)
=================================  =======================================  ==================
``simulate``                       peak bytes ``8 n_auctions (4 + kept      4 GiB
                                   n_bidders) + 8 m (4 n_bidders + 16)``,   (``max_memory=``)
                                   ``m = min(chunk_size, n_auctions)``,
                                   ``kept`` = 0, 1 or 2 full arrays
                                   (``keep``)
``mutual_information``,            bytes ``8 n (6 d + 10)``, ``d`` all the  4 GiB
``conditional_mutual_information`` columns of x, y (and z)                  (``max_memory=``)
                                   neighbour look-ups ``n (k + 1)``         10^9
                                   (``k = n_neighbors``; ``n`` for          (``max_work=``)
                                   ``"binned"``)
``estimate_mutual_information``,   the same bytes; look-ups ``(n +          4 GiB, 10^9
``estimate_privacy_loss``          n_resamples m) (k + 1)``, ``m`` the      (``max_memory=``,
                                   subsample size                           ``max_work=``)
``BinnedMI``, ``method="binned"``  the count table, ``8 bins^2`` bytes      4 GiB (none: at
                                   (``max_categories^2`` likewise)          most 23170 bins)
``priors.is_mhr``                  ``48 n_grid`` bytes                      1 GiB (none)
``priors.expected_second_given_    ``4 · 8 · 64 · w.size`` bytes            1 GiB (none:
highest``                                                                   chunk ``w``)
=================================  =======================================  ==================

The models were measured on the development machine (2 shared cores, 2026-11-30) by
``validation/budget_models.py`` (``validation/results/budget_models.txt``): the simulate model
is 1.0 to 2.0 times the ``tracemalloc`` peak of :func:`privauction.simulate` over 2 to 10^5
bidders, the three ``keep`` options and five mechanisms (never below it, so an admitted call
fits its estimate); the estimator model is 1.2 to 1.9 times the peak of the kNN estimates
(scalars and vectors, MI and conditional MI); the kNN estimators make about 6·10^6 look-ups
per CPU second at ``n = 10^6``, so 10^9 look-ups are under three minutes of one core.
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
    return 8.0 * n_auctions * (4 + kept * n_bidders) + 8.0 * m * (4 * n_bidders + 16)


def estimator_memory(n: int, n_columns: int) -> float:
    """Bytes of a kNN estimate on ``n`` rows of ``n_columns`` columns in all (standardised
    copies, the joint space and its tree, the counts)."""
    return 8.0 * n * (6 * n_columns + 10)


def neighbor_lookups(n_rows: float, n_neighbors: int, *, knn: bool = True) -> float:
    """Neighbour look-ups of kNN estimates on ``n_rows`` rows in all (``n_rows`` for binned)."""
    return float(n_rows) * ((n_neighbors + 1) if knn else 1)
