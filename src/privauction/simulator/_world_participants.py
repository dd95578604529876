"""Who takes part in a market's auctions: uniform random subsets of the population."""

from __future__ import annotations

import numpy as np

__all__ = ["_sample_subsets"]


def _sample_subsets(rng: np.random.Generator, n_population: int, m: int, size: int) -> np.ndarray:
    """``size`` uniform random ``m``-subsets of ``range(n_population)``, shape (size, m).

    Floyd's algorithm vectorised over rows (m(m+1)/2 vector comparisons) when the population is
    much larger than the auction, random-key argpartition otherwise; then each row is rotated
    by a random offset so that no seat favours particular bidders.
    """
    if size == 0:
        return np.empty((0, m), dtype=np.intp)
    if n_population <= 4 * m:
        keys = rng.random((size, n_population))
        return np.argpartition(keys, m - 1, axis=1)[:, :m].astype(np.intp)
    cols: list[np.ndarray] = []
    for j in range(n_population - m, n_population):
        t = rng.integers(0, j + 1, size=size)
        dup = np.zeros(size, dtype=bool)
        for c in cols:
            dup |= c == t
        cols.append(np.where(dup, j, t))
    seats = np.stack(cols, axis=1).astype(np.intp)
    shift = rng.integers(0, m, size=size)
    idx = (np.arange(m)[None, :] + shift[:, None]) % m
    return np.take_along_axis(seats, idx, axis=1)
