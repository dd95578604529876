"""The Disclosure contract: what is published after an auction.

A disclosure is a (frozen) dataclass with **one vectorised method**::

    def publish(self, outcome, rng):
        '''outcome: the auctions' full outcome (arrays ``winner``, ``price`` of shape
        (n_auctions,), and ``values``, ``bids`` of shape (n_auctions, n_bidders) when kept);
        rng: numpy.random.Generator.
        Return what the public sees: a float array (n_auctions, d), NaN where a field is
        absent (the price of an unsold item).'''

Everything else has a default: ``needs_bids`` (False: the method reads only ``winner`` and
``price``) and :meth:`Disclosure.discrete_columns` (None: the estimator finds the discrete
columns itself). Callers never use ``publish`` directly but :meth:`Disclosure.checked_publish`,
which validates the array and names the class and the rule it broke.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .._validation import check_outcome_arrays, check_rng

__all__ = ["Disclosure", "DisclosureContractError"]


class DisclosureContractError(ValueError):
    """A disclosure's ``publish`` returned something that breaks the contract."""


@dataclass(frozen=True)
class Disclosure(abc.ABC):
    """Base class of every publication rule.

    Subclass it and implement :meth:`publish`; set ``needs_bids = True`` if it reads
    ``outcome.bids`` or ``outcome.values`` (then simulate with ``keep="bids"``), and override
    :meth:`discrete_columns` when some published columns take finitely many values.

    Examples
    --------
    A plug-in that publishes the price in whole cents:

    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> from privauction.disclosure import Disclosure
    >>> class Cents(Disclosure):
    ...     def publish(self, outcome, rng):
    ...         return np.round(outcome.price * 100)[:, None] / 100
    >>> out = SimpleNamespace(winner=np.array([0, -1]), price=np.array([0.1234, np.nan]))
    >>> Cents().checked_publish(out, np.random.default_rng(0))
    array([[0.12],
           [ nan]])
    """

    needs_bids: ClassVar[bool] = False

    @abc.abstractmethod
    def publish(self, outcome, rng: np.random.Generator) -> np.ndarray:
        """What is published about each auction.

        Parameters
        ----------
        outcome : privauction.Outcomes or any object with the same arrays
            ``winner`` (-1 when unsold) and ``price`` (NaN when unsold), shape (n_auctions,);
            ``values`` and ``bids``, shape (n_auctions, n_bidders), when ``needs_bids``.
        rng : numpy.random.Generator
            The only source of randomness (noise, random rounding).

        Returns
        -------
        ndarray of float, shape (n_auctions, d)
            NaN where a field is absent; never infinite.
        """

    def discrete_columns(self, n_columns: int) -> tuple[bool, ...] | None:
        """Which of the ``n_columns`` published columns are discrete (None: let the estimator
        detect it from repeated values)."""
        return None

    def checked_publish(self, outcome, rng: np.random.Generator) -> np.ndarray:
        """Call :meth:`publish` and validate what it returns.

        Raises
        ------
        DisclosureContractError
            Naming the class and the broken rule: not an array of numbers, not two-dimensional,
            not one row per auction, or an infinite entry.
        ValueError
            When the disclosure needs bids and the outcome has none.
        """
        name = type(self).__name__
        if not hasattr(outcome, "winner") or not hasattr(outcome, "price"):
            raise TypeError(
                "`outcome` must be a privauction.Outcomes (or an object with its `winner` and "
                f"`price` arrays); got {type(outcome).__name__}"
            )
        rng = check_rng(rng)
        winner, *_ = check_outcome_arrays(
            outcome, "outcome", values=False,
            extra=("values", "bids") if self.needs_bids else ())
        n_auctions = int(winner.shape[0])
        if self.needs_bids and getattr(outcome, "bids", None) is None:
            raise ValueError(
                f"{name} publishes bids, but `outcomes` has none: simulate with "
                "privauction.simulate(..., keep='bids')"
            )
        result = self.publish(outcome, rng)
        try:
            arr = np.asarray(result)
        except Exception as exc:  # pragma: no cover - numpy raises rarely here
            raise DisclosureContractError(
                f"{name}.publish must return an array of numbers; got {type(result).__name__}"
            ) from exc
        if arr.dtype.kind not in "biuf":
            raise DisclosureContractError(
                f"{name}.publish must return an array of numbers; got dtype {arr.dtype}"
            )
        if arr.ndim != 2 or arr.shape[0] != n_auctions:
            raise DisclosureContractError(
                f"{name}.publish returned shape {arr.shape}; it must have shape "
                f"(n_auctions, d) = ({n_auctions}, d), one row per auction"
            )
        arr = arr.astype(float, copy=False)
        if np.isinf(arr).any():
            i, j = (int(x[0]) for x in np.nonzero(np.isinf(arr)))
            raise DisclosureContractError(
                f"{name}.publish returned {arr[i, j]} in auction {i}, column {j}; published "
                "entries must be finite (NaN where a field is absent)"
            )
        kinds = self.discrete_columns(arr.shape[1])
        if kinds is not None and len(kinds) != arr.shape[1]:
            raise DisclosureContractError(
                f"{name}.discrete_columns returned {len(kinds)} entries for {arr.shape[1]} "
                "published columns; it must return one per column"
            )
        return arr
