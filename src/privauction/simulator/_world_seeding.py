"""Seeding of a market run: one SeedSequence per run, one child per agent and per bidder."""

from __future__ import annotations

import numbers

import numpy as np

from ._world_values import spawned_states

__all__ = ["_root_seed", "_child", "_bidder_keys", "_AGENT_DISCLOSURE"]

_AGENT_ARRIVALS, _AGENT_HOUSE, _AGENT_MECHANISM, _AGENT_BIDDERS, _AGENT_DISCLOSURE = range(5)


def _root_seed(rng) -> np.random.SeedSequence:
    """One SeedSequence for the run, from None, an int, a SeedSequence or a Generator."""
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        if rng is not None and rng < 0:
            raise ValueError(f"`rng` must be a non-negative integer seed; got {rng}")
        return np.random.SeedSequence(rng)
    if isinstance(rng, np.random.Generator):
        return np.random.SeedSequence(rng.integers(0, 2**63, size=4).tolist())
    raise TypeError(
        "`rng` must be None, an int, a numpy.random.SeedSequence or a numpy.random.Generator;"
        f" got {type(rng).__name__}"
    )


def _child(root: np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    """The child of ``root`` at spawn key ``key``, as ``root.spawn`` would create it.

    Built from the spawn key directly, so it does not depend on how many children were
    spawned before (and calling ``run`` twice with one SeedSequence gives the same run).
    """
    return np.random.SeedSequence(
        root.entropy, spawn_key=tuple(root.spawn_key) + key, pool_size=root.pool_size
    )


def _bidder_keys(root: np.random.SeedSequence, n_population: int) -> tuple[np.ndarray, np.ndarray]:
    """Each bidder's two stream keys: the state of its spawned child ``(3, i)`` of ``root``.

    Exactly ``_child(root, 3, i).generate_state(2, np.uint64)``, computed vectorised over the
    bidders (:func:`~privauction.simulator._world_values.spawned_states`).
    """
    state = spawned_states(root, (_AGENT_BIDDERS,), n_population, n_words=2)
    return state[:, 0].copy(), state[:, 1].copy()
