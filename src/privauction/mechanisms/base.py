"""The Mechanism contract that every auction format, built-in or plug-in, follows.

A mechanism is a (frozen) dataclass with **one vectorised method**::

    def run(self, bids, rng):
        '''bids: (n_auctions, n_bidders) float array; rng: numpy.random.Generator.
        Return (winner, price): winner index per auction (-1 when unsold) and the price the
        winner pays (NaN when unsold).'''

Everything else has a default:

* declared properties ``efficient``, ``dsic``, ``ex_post_ir``, ``deterministic_payments``
  (class attributes; conservative ``False`` for a plug-in that says nothing);
* the bidders' strategy, :meth:`Mechanism.bid_function` (truthful unless overridden: an
  equilibrium bid function for first- and k-price auctions);
* :meth:`Mechanism.privacy_loss`, the analytical privacy loss of Definition 2 of the auction
  paper, which raises :class:`NotImplementedError` naming the class when it has none;
* :meth:`Mechanism.price_law`, the conditional law of the price given the winner's value (a
  :class:`~privauction.theory.PriceLaw`: densities and point masses), None unless declared. The
  Bayesian observer (batch, market, ``estimate_privacy_loss(method="observer")``) uses only this
  declaration, so a plug-in that declares it gets the exact observer everywhere.

The simulator never calls ``run`` directly but :meth:`Mechanism.checked_run`, which validates
what ``run`` returned and names the class and the rule it broke.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .._validation import check_int, check_real_array, check_rng
from ..priors import validate_prior

__all__ = [
    "Mechanism",
    "MechanismContractError",
    "RankedBids",
    "kth_highest",
    "top_two",
    "values_at",
]


class MechanismContractError(ValueError):
    """A mechanism's ``run`` returned something that breaks the contract."""


class RankedBids(np.ndarray):
    """Read-only bids that carry their own :func:`top_two` ranking.

    The simulator ranks every chunk of values once (it needs the winner's value and the
    second-highest value anyway) and hands truthful mechanisms these bids, so that a
    mechanism's own call to :func:`top_two` costs three copies instead of a second ranking.
    Slices and arithmetic results are plain arrays: only the array itself carries the ranking.
    """

    _ranking: tuple | None = None

    @classmethod
    def wrap(cls, bids: np.ndarray, ranking: tuple) -> RankedBids:
        out = bids.view(cls)
        out.flags.writeable = False
        out._ranking = ranking
        return out

    def __array_finalize__(self, obj):
        self._ranking = None

    def __array_wrap__(self, obj, context=None, return_scalar=False):
        result = super().__array_wrap__(obj, context, return_scalar)
        return result.view(np.ndarray) if isinstance(result, np.ndarray) else result


def top_two(bids: np.ndarray, rng: np.random.Generator):
    """Winner, highest and second-highest bid of every auction, ties broken at random.

    Works column by column (a Python loop over bidders, never over auctions): each column
    costs five vector passes over ``n_auctions`` with preallocated buffers, and two bidders
    need only three passes. Ties for the highest bid (``second == highest``) are rare with
    continuous priors; only those auctions are revisited, and the winner is drawn uniformly
    among the tied bidders with ``rng`` (random numbers are drawn only when a tie exists).

    Parameters
    ----------
    bids : ndarray, shape (n_auctions, n_bidders)
        Column-contiguous (Fortran-ordered) arrays are fastest.
    rng : numpy.random.Generator

    Returns
    -------
    winner : ndarray of intp, shape (n_auctions,)
    highest, second : ndarray of float, shape (n_auctions,)

    Examples
    --------
    >>> import numpy as np
    >>> w, b1, b2 = top_two(np.array([[0.2, 0.9, 0.5]]), np.random.default_rng(0))
    >>> int(w[0]), float(b1[0]), float(b2[0])
    (1, 0.9, 0.5)
    """
    cached = getattr(bids, "_ranking", None)
    if cached is not None:
        return tuple(a.copy() for a in cached)
    n_auctions, n_bidders = bids.shape
    if n_bidders == 1:
        return np.zeros(n_auctions, dtype=np.intp), bids[:, 0].astype(float), np.full(
            n_auctions, -np.inf
        )
    b0, b1 = bids[:, 0], bids[:, 1]
    highest = np.maximum(b0, b1)
    second = np.minimum(b0, b1)
    winner = np.greater(b1, b0).astype(np.intp)
    if n_bidders > 2:
        above = np.empty(n_auctions, dtype=bool)
        buffer = np.empty(n_auctions)
        for j in range(2, n_bidders):
            b = bids[:, j]
            np.greater(b, highest, out=above)
            np.copyto(winner, j, where=above)
            # new second = max(second, min(b, highest)) whether or not b is the new highest
            np.minimum(b, highest, out=buffer)
            np.maximum(second, buffer, out=second)
            np.maximum(highest, b, out=highest)
    tied = np.flatnonzero(second == highest)
    if tied.size:
        candidates = bids[tied] == highest[tied, None]
        keys = np.where(candidates, rng.random(candidates.shape), -1.0)
        winner[tied] = np.argmax(keys, axis=1)
    return winner, highest, second


def values_at(matrix: np.ndarray, winner: np.ndarray, ranking=None) -> np.ndarray:
    """``matrix[i, winner[i]]`` for every sold auction, NaN where ``winner`` is -1.

    ``ranking = (argmax, max)`` of ``matrix`` rows, when known, saves the gather for the
    auctions won by the row maximum (all of them in an efficient mechanism); when every
    auction is won by its row maximum the result is ``ranking[1]`` itself, not a copy.
    """
    if ranking is not None:
        same = winner == ranking[0]
        if same.all():
            return ranking[1]
    out = np.full(winner.shape[0], np.nan)
    sold = winner >= 0
    if ranking is not None:
        np.copyto(out, ranking[1], where=same)
        rest = np.flatnonzero(sold & ~same)
    else:
        rest = np.flatnonzero(sold)
    if rest.size:
        out[rest] = matrix[rest, winner[rest]]
    return out


def kth_highest(bids: np.ndarray, k: int) -> np.ndarray:
    """The ``k``-th highest bid of every auction (``k = 1`` is the highest)."""
    n_bidders = bids.shape[1]
    return np.partition(bids, n_bidders - k, axis=1)[:, n_bidders - k]


@dataclass(frozen=True)
class Mechanism(abc.ABC):
    """Base class of every auction mechanism.

    Subclass it and implement :meth:`run`; optionally override :meth:`bid_function`,
    :meth:`privacy_loss`, :meth:`expected_revenue` and :meth:`check_compatible`, and declare
    the properties below as class attributes.

    Attributes
    ----------
    efficient : bool
        The highest bid always wins (Eq. (1) of the auction paper).
    dsic : bool
        Truthful bidding is a dominant strategy.
    ex_post_ir : bool
        The price never exceeds the winner's value; the simulator checks it.
    deterministic_payments : bool
        The price is a function of the bids alone.
    min_bidders : int
        Fewest bidders the format is defined for.

    Examples
    --------
    A plug-in needs only ``run``; here a second-price auction that rounds prices down to a
    0.1 grid:

    >>> import numpy as np
    >>> from privauction.mechanisms import Mechanism, top_two
    >>> class RoundedSPA(Mechanism):
    ...     ex_post_ir = True
    ...     def run(self, bids, rng):
    ...         winner, _, second = top_two(bids, rng)
    ...         return winner, np.floor(second * 10) / 10
    >>> winner, price = RoundedSPA().checked_run(np.array([[0.33, 0.72]]), np.random.default_rng(0))
    >>> int(winner[0]), float(price[0])
    (1, 0.3)

    Declaring :meth:`price_law` as well gives it the exact Bayesian observer (see
    ``examples/user_scenario.py``).
    """

    efficient: ClassVar[bool] = False
    dsic: ClassVar[bool] = False
    ex_post_ir: ClassVar[bool] = False
    deterministic_payments: ClassVar[bool] = False
    min_bidders: ClassVar[int] = 2

    # -- the one method a plug-in must write ---------------------------------------------
    @abc.abstractmethod
    def run(self, bids: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Allocate and price a batch of auctions.

        Parameters
        ----------
        bids : ndarray, shape (n_auctions, n_bidders)
            Read-only under the simulator (it carries the ranking that :func:`top_two`
            reuses): copy it before changing it in place.
        rng : numpy.random.Generator
            The only source of randomness (lotteries, tie-breaking).

        Returns
        -------
        winner : ndarray of int, shape (n_auctions,)
            Index of the winning bidder, ``-1`` when the item is unsold.
        price : ndarray of float, shape (n_auctions,)
            What the winner pays; NaN (or anything: it is overwritten) when unsold.
        """

    # -- strategy -------------------------------------------------------------------------
    @property
    def strategy(self) -> str:
        """Short description of the bidders' strategy."""
        return "truthful" if type(self).bid_function is Mechanism.bid_function else "equilibrium"

    def bid_function(self, prior, n_bidders: int) -> Callable[[np.ndarray], np.ndarray] | None:
        """The symmetric bid function ``b(v)`` for this prior, or None for truthful bidding."""
        return None

    def bind(self, prior, n_bidders: int) -> Mechanism:
        """The mechanism as run for this prior (e.g. with Myerson's reserve filled in).

        The simulator calls it once per simulation; the default returns ``self``.
        """
        return self

    # -- theory ---------------------------------------------------------------------------
    def check_compatible(self, prior, n_bidders: int) -> None:
        """Raise if the mechanism is not defined for this prior and number of bidders.

        Values must be >= 0 (Section 3 of the auction paper: ``θ_low >= 0``), since prices are
        non-negative: the prior may put at most 1e-12 of its mass below 0 (``norm(10, 1)`` is
        accepted). A plug-in for other values overrides this method.
        """
        validate_prior(prior)
        check_int(n_bidders, "n_bidders", minimum=self.min_bidders)
        low, high = prior.support()
        if not low >= 0 and float(prior.cdf(0.0)) > 1e-12:
            raise ValueError(
                f"`prior` must have a support >= 0 (values and prices are non-negative, "
                f"Section 3); got [{low}, {high}] with P(value < 0) = {float(prior.cdf(0.0)):.3g}"
            )

    def privacy_loss(self, prior, n_bidders: int) -> float:
        """Analytical privacy loss in nats: ``P(sale) · MI(W; P | sale)`` (Definition 2).

        Returns ``math.inf`` where the price reveals the winner's value with positive
        probability. Raises :class:`NotImplementedError` when no analytical value is known.
        """
        raise NotImplementedError(
            f"{type(self).__name__} gives no analytical privacy loss; estimate it from "
            "simulated outcomes with privauction.estimate_privacy_loss(...)"
        )

    def price_law(self, prior, n_bidders: int):
        """The law of the price given the winner's value and a sale, or None (not declared).

        Return a :class:`privauction.theory.PriceLaw` for a mechanism that sells to its highest
        bidder or to no one; ``W`` is the highest of ``n_bidders`` values drawn from ``prior``.
        The observer computes every posterior from it (:func:`privauction.theory.posterior_kl`).
        """
        return None

    def expected_revenue(self, prior, n_bidders: int) -> float:
        """Expected price paid per auction (0 when unsold), analytical."""
        raise NotImplementedError(
            f"{type(self).__name__} gives no analytical expected revenue; use the simulated "
            "mean price instead"
        )

    # -- contract enforcement -------------------------------------------------------------
    def checked_run(
        self,
        bids: np.ndarray,
        rng: np.random.Generator,
        values: np.ndarray | None = None,
        *,
        value_ranking: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Call :meth:`run` and validate what it returns.

        Parameters
        ----------
        bids : ndarray, shape (n_auctions, n_bidders)
        rng : numpy.random.Generator
        values : ndarray, shape (n_auctions, n_bidders), optional
            The bidders' values (the bids themselves under truthful bidding); used to check
            ex-post individual rationality of mechanisms that declare it.
        value_ranking : (argmax, max) of ``values`` rows, optional
            Saves recomputing the ranking when the caller has it (the simulator does).

        Returns
        -------
        winner : ndarray of intp
        price : ndarray of float, NaN where unsold

        Raises
        ------
        MechanismContractError
            Naming the class and the broken rule: not a pair of arrays, wrong shape, winner
            out of range, NaN/infinite/negative price on a sold item, a non-highest bidder
            winning in a mechanism that declares itself efficient, or a price above the
            winner's value in one that declares ex-post IR.
        """
        bids = check_real_array(bids, "bids", ndim=2)
        if values is not None:
            values = check_real_array(values, "values", ndim=2)
            if values.shape != bids.shape:
                raise ValueError(
                    f"`values` must have the shape of `bids` {bids.shape}; got {values.shape}"
                )
        winner, price, _ = self._run_checked(bids, check_rng(rng), values, value_ranking)
        return winner, price

    def _run_checked(self, bids, rng, values=None, value_ranking=None):
        """:meth:`checked_run`, also returning the winner's value when it was needed."""
        name = type(self).__name__
        n_auctions, n_bidders = bids.shape
        values = bids if values is None else values
        result = self.run(bids, rng)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise MechanismContractError(
                f"{name}.run must return a pair (winner, price), one array each for `winner` "
                f"and `price`; got {type(result).__name__}"
                + (f" of length {len(result)}" if isinstance(result, tuple) else "")
            )
        try:
            winner, price = (np.asarray(a) for a in result)
        except Exception as exc:  # ragged sequences
            raise MechanismContractError(
                f"{name}.run must return two arrays, `winner` and `price`; got "
                f"{type(result[0]).__name__} and {type(result[1]).__name__}"
            ) from exc
        for label, arr in (("winner", winner), ("price", price)):
            if arr.shape != (n_auctions,):
                raise MechanismContractError(
                    f"{name}.run returned `{label}` of shape {arr.shape}; it must have shape "
                    f"(n_auctions,) = ({n_auctions},)"
                )
        if price.dtype.kind not in "iuf":
            # strings, complex numbers, booleans and objects are not prices: never convert them
            first = price.flat[0] if price.size else None
            raise MechanismContractError(
                f"{name}.run returned `price` of dtype {price.dtype} (first entry {first!r}); "
                "prices must be real numbers (int or float), not strings, complex numbers, "
                "booleans or objects"
            )
        if winner.dtype.kind == "b":
            raise MechanismContractError(
                f"{name}.run returned `winner` of dtype bool; it must hold integer bidder "
                "indices (-1 for unsold), not booleans"
            )
        if winner.dtype.kind not in "iu":
            if winner.dtype.kind == "f" and np.all(np.isfinite(winner)) and np.all(
                winner == np.round(winner)
            ):
                winner = winner.astype(np.intp)
            else:
                raise MechanismContractError(
                    f"{name}.run returned `winner` of dtype {winner.dtype} (first entry "
                    f"{winner.flat[0]!r}); it must hold integer bidder indices (-1 for unsold)"
                )
        winner = winner.astype(np.intp, copy=False)
        # Fast path: two reductions; the element-wise search runs only to report an error.
        if n_auctions and (winner.min() < -1 or winner.max() >= n_bidders):
            bad = (winner < -1) | (winner >= n_bidders)
            i = int(np.flatnonzero(bad)[0])
            raise MechanismContractError(
                f"{name}.run returned `winner` index {int(winner[i])} in auction {i}; it must "
                f"be in [-1, {n_bidders - 1}] for {n_bidders} bidders"
            )
        price = price.astype(float, copy=False)
        sold = winner >= 0
        all_sold = bool(sold.all())
        checked = price if all_sold else price[sold]
        if checked.size and not (checked.min() >= 0 and checked.max() < np.inf):
            bad = sold & ~((price >= 0) & (price < np.inf))
            i = int(np.flatnonzero(bad)[0])
            raise MechanismContractError(
                f"{name}.run returned `price` {price[i]} for the sold item in auction {i}; a "
                "sold item's price must be finite and >= 0"
            )
        if not all_sold:
            price = np.where(sold, price, np.nan)  # a new array: never write into run's output
        won_value = None
        if self.efficient or self.ex_post_ir:
            if value_ranking is None:
                value_ranking = top_two(values, rng)[:2]
        if self.efficient:
            cached = getattr(bids, "_ranking", None)
            bid_ranking = cached[:2] if cached is not None else (
                value_ranking if bids is values else None
            )
            self._check_efficient(bids, winner, bid_ranking)
        if self.ex_post_ir:
            won_value = values_at(values, winner, value_ranking)
            # A relative and absolute slack of 1e-12 for floating-point prices computed from bids;
            # the element-wise test runs only when the largest excess could break it.
            excess = np.fmax(price - won_value, -np.inf)
            if excess.max(initial=-np.inf) > 0:
                bad = price > won_value + 1e-12 * (1.0 + np.abs(won_value))
            else:
                bad = np.zeros(1, dtype=bool)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise MechanismContractError(
                    f"{name} declares ex_post_ir = True but in auction {i} the winner pays "
                    f"{price[i]} above their value {won_value[i]}"
                )
        return winner, price, won_value

    def _check_efficient(self, bids, winner, bid_ranking) -> None:
        """The winner must hold the highest bid (ties allowed) in every auction."""
        if bid_ranking is None:
            rest = np.arange(winner.shape[0])
        else:
            rest = np.flatnonzero(winner != bid_ranking[0])
        if rest.size == 0:
            return
        sub = bids[rest]
        won = np.where(winner[rest] >= 0, sub[np.arange(rest.size), np.maximum(winner[rest], 0)],
                       -np.inf)
        top = sub.max(axis=1)
        bad = won < top
        if bad.any():
            i = int(rest[np.flatnonzero(bad)[0]])
            raise MechanismContractError(
                f"{type(self).__name__} declares efficient = True but in auction {i} bidder "
                f"{int(winner[i])} won with bid {bids[i, max(winner[i], 0)]} below the highest "
                f"bid {bids[i].max()}"
            )
