"""Publishing every bid, as many procurement offices do."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import Disclosure

__all__ = ["AllBids"]


@dataclass(frozen=True)
class AllBids(Disclosure):
    """Every bid of every auction, sold or not.

    Parameters
    ----------
    with_identities : bool
        True: bid ``j`` in column ``j``. False (default): the bids sorted from highest to
        lowest, so the public sees the bids but not who made them.

    Under truthful bidding every value is published, with or without identities, so every
    bidder's privacy loss is infinite (a given bidder's value is one of the ``n`` published
    numbers: its posterior has atoms, which its continuous prior does not).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> bids = np.array([[0.2, 0.9, 0.5]])
    >>> out = SimpleNamespace(winner=np.array([1]), price=np.array([0.5]), bids=bids, values=bids)
    >>> AllBids().checked_publish(out, np.random.default_rng(0)).tolist()
    [[0.9, 0.5, 0.2]]
    >>> AllBids(with_identities=True).checked_publish(out, np.random.default_rng(0)).tolist()
    [[0.2, 0.9, 0.5]]
    """

    with_identities: bool = False

    needs_bids = True

    def __post_init__(self):
        if not isinstance(self.with_identities, (bool, np.bool_)):
            raise TypeError(
                f"`with_identities` must be True or False; got {self.with_identities!r}"
            )

    def publish(self, outcome, rng):
        bids = np.asarray(outcome.bids, dtype=float)
        if self.with_identities:
            return bids.copy()
        return -np.sort(-bids, axis=1)

    def discrete_columns(self, n_columns):
        return (False,) * n_columns
