"""Disclosures of the winner and the price as they are: the papers' rule and its parts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import Disclosure

__all__ = ["WinnerAndPrice", "PriceOnly", "WinnerOnly", "Nothing"]


def _winner_column(outcome) -> np.ndarray:
    winner = np.asarray(outcome.winner)
    return np.where(winner >= 0, winner, np.nan).astype(float)


@dataclass(frozen=True)
class WinnerAndPrice(Disclosure):
    """The winner's identity and the price (NaN, NaN when unsold): the rule of both papers.

    Under symmetric i.i.d. priors and an anonymous mechanism the identity is independent of
    the values' order statistics, so the winner's loss is Definition 2 of the auction paper,
    ``Mechanism.privacy_loss``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> out = SimpleNamespace(winner=np.array([1, -1]), price=np.array([0.25, np.nan]))
    >>> WinnerAndPrice().checked_publish(out, np.random.default_rng(0)).tolist()
    [[1.0, 0.25], [nan, nan]]
    """

    def publish(self, outcome, rng):
        return np.column_stack([_winner_column(outcome), np.asarray(outcome.price, float)])

    def discrete_columns(self, n_columns):
        return (True, False)


@dataclass(frozen=True)
class PriceOnly(Disclosure):
    """The price alone (NaN when unsold).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> out = SimpleNamespace(winner=np.array([1]), price=np.array([0.25]))
    >>> PriceOnly().checked_publish(out, np.random.default_rng(0)).tolist()
    [[0.25]]
    """

    def publish(self, outcome, rng):
        return np.asarray(outcome.price, float)[:, None]

    def discrete_columns(self, n_columns):
        return (False,)


@dataclass(frozen=True)
class WinnerOnly(Disclosure):
    """The winner's identity alone (NaN when unsold).

    Reveals nothing about the winner's or the runner-up's value under symmetric i.i.d. priors
    (the identity of the highest of exchangeable values is independent of their order
    statistics), but tells a given bidder's rivals whether that bidder won.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> out = SimpleNamespace(winner=np.array([2, -1]), price=np.array([0.5, np.nan]))
    >>> WinnerOnly().checked_publish(out, np.random.default_rng(0)).tolist()
    [[2.0], [nan]]
    """

    def publish(self, outcome, rng):
        return _winner_column(outcome)[:, None]

    def discrete_columns(self, n_columns):
        return (True,)


@dataclass(frozen=True)
class Nothing(Disclosure):
    """Nothing is published: an array with no columns, and no privacy loss for anyone.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> out = SimpleNamespace(winner=np.array([0, 1]), price=np.array([0.1, 0.2]))
    >>> Nothing().checked_publish(out, np.random.default_rng(0)).shape
    (2, 0)
    """

    def publish(self, outcome, rng):
        return np.empty((np.asarray(outcome.winner).shape[0], 0))

    def discrete_columns(self, n_columns):
        return ()
