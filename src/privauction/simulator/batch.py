"""Vectorised Monte Carlo: a prior, a mechanism and simulated bidders -> auction outcomes.

Values are drawn i.i.d. from the prior, turned into bids by the mechanism's strategy
(truthful, or its symmetric equilibrium bid function), and the mechanism's vectorised ``run``
allocates and prices every auction of a chunk at once. Chunks bound the memory: 10^7 auctions
with 10 bidders never hold more than ``chunk_size * n_bidders`` values at a time.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._budgets import DEFAULT_MAX_MEMORY, simulate_memory
from .._progress import progress_bar, show_progress
from .._validation import (
    check_budget,
    check_instance,
    check_int,
    check_max_memory,
    check_outcome_arrays,
    check_rng,
)
from ..mechanisms.base import (
    Mechanism,
    MechanismContractError,
    RankedBids,
    top_two,
    values_at,
)
from ..priors import validate_prior

__all__ = ["Outcomes", "simulate", "draw_values"]

# 2^16 auctions keep every temporary small enough to be reused by the allocator and to stay
# in cache; measured fastest of 2^14 ... 2^20 by benchmarks/bench_simulate.py.
DEFAULT_CHUNK_SIZE = 1 << 16
_KEEP = (None, "values", "bids")
#: ``progress=None`` shows a bar from this many auctions on (about a second and up).
PROGRESS_MIN_AUCTIONS = 10_000_000


@dataclass(frozen=True, eq=False, repr=False)
class Outcomes:
    """Outcomes of ``n_auctions`` simulated auctions, one entry per auction.

    Attributes
    ----------
    winner : ndarray of intp
        Winning bidder's index, -1 when unsold.
    winner_value : ndarray of float
        The winner's private value W (NaN when unsold).
    second_value : ndarray of float
        The second-highest value among all bidders (the loser's value when ``n_bidders = 2``).
    price : ndarray of float
        Price P paid by the winner, NaN when unsold.
    mechanism : Mechanism
    prior : frozen scipy.stats distribution
    n_bidders : int
    values, bids : ndarray of shape (n_auctions, n_bidders) or None
        Every bidder's value and bid, kept only when :func:`simulate` was asked to
        (``keep="values"`` or ``keep="bids"``); a :class:`privauction.disclosure.Disclosure`
        that publishes bids, and the privacy loss of a given bidder, need them.

    Raises
    ------
    TypeError, ValueError
        On construction, naming the field: arrays that are not real numbers (``winner``:
        integers), of different lengths or not 1-D; a winner below -1 (or, with ``values`` or
        ``bids`` kept, at or above ``n_bidders``); a non-finite value or a non-finite or
        negative price on a sold auction; a mechanism class instead of an instance; an
        improper prior; ``values`` / ``bids`` not of shape ``(n_auctions, n_bidders)``. The
        arrays stay writable, so the functions that take an ``Outcomes`` check them again
        where they use them.

    Examples
    --------
    >>> import numpy as np, privauction as pa
    >>> from scipy import stats
    >>> out = pa.simulate(pa.mechanisms.SecondPrice(), stats.uniform(0, 1), 2, 100, rng=0)
    >>> out.price[3] = np.nan                        # damaged in place
    >>> pa.estimate_privacy_loss(out, rng=0)          # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: `outcomes`.`price` must be finite and >= 0 on every sold auction; got nan in ...
    """

    winner: np.ndarray
    winner_value: np.ndarray
    second_value: np.ndarray
    price: np.ndarray
    mechanism: Mechanism
    prior: object
    n_bidders: int
    meta: dict = field(default_factory=dict)
    values: np.ndarray | None = None
    bids: np.ndarray | None = None

    def __post_init__(self):
        # One O(n) pass per array; the arrays stay writable, so every function that takes an
        # Outcomes checks them again where it uses them (check_outcome_arrays).
        check_instance(self.mechanism, Mechanism, "mechanism",
                       what="a privauction.mechanisms.Mechanism such as SecondPrice()")
        validate_prior(self.prior)
        object.__setattr__(self, "n_bidders", check_int(
            self.n_bidders, "n_bidders", minimum=self.mechanism.min_bidders))
        for name in ("winner", "winner_value", "second_value", "price"):
            if getattr(self, name) is None:
                raise TypeError(f"`{name}` must be an array, one entry per auction; got None")
        for name in ("winner", "winner_value", "second_value", "price"):  # lists -> arrays
            arr = getattr(self, name)
            if not isinstance(arr, np.ndarray):
                try:
                    object.__setattr__(self, name, np.asarray(arr))
                except Exception as exc:  # ragged sequences
                    raise TypeError(f"`{name}` must be an array, one entry per auction; got "
                                    f"{type(arr).__name__}") from exc
        check_outcome_arrays(self, "outcomes")
        n = self.winner.shape[0]
        second = np.asarray(self.second_value)
        if second.dtype.kind not in "iuf" or second.shape != (n,):
            raise (TypeError if second.dtype.kind not in "iuf" else ValueError)(
                f"`second_value` must be a 1-D array of real numbers, one per auction ({n}); got "
                f"dtype {second.dtype}, shape {second.shape}"
            )
        if not isinstance(self.meta, dict):
            raise TypeError(f"`meta` must be a dict; got {type(self.meta).__name__}")
        for name in ("values", "bids"):
            arr = getattr(self, name)
            if arr is None:
                continue
            arr = np.asarray(arr)
            if arr.dtype.kind not in "iuf" or arr.shape != (n, self.n_bidders):
                raise (TypeError if arr.dtype.kind not in "iuf" else ValueError)(
                    f"`{name}` must be None or a real array of shape (n_auctions, n_bidders) = "
                    f"({n}, {self.n_bidders}); got dtype {arr.dtype}, shape {arr.shape}"
                )
        if (self.values is not None or self.bids is not None) and n and (
                np.asarray(self.winner).max() >= self.n_bidders):
            i = int(np.argmax(np.asarray(self.winner)))
            raise ValueError(
                f"`winner` must hold seat indices below n_bidders = {self.n_bidders} when "
                f"`values` or `bids` are kept; got {int(self.winner[i])} in auction {i}"
            )

    @classmethod
    def _from_simulation(cls, **fields) -> Outcomes:
        """An ``Outcomes`` of arrays the simulator built and the mechanism contract already
        checked chunk by chunk (``Mechanism.checked_run``): the O(n) checks of the public
        constructor are not repeated (validation happens once, in the public function)."""
        self = object.__new__(cls)
        for f in dataclasses.fields(cls):
            if f.name in fields:
                value = fields[f.name]
            elif f.default_factory is not dataclasses.MISSING:
                value = f.default_factory()
            else:
                value = f.default
            object.__setattr__(self, f.name, value)
        return self

    @property
    def n_auctions(self) -> int:
        return int(self.winner.shape[0])

    @property
    def sold(self) -> np.ndarray:
        """Boolean mask of auctions with a winner (the event E of Definition 2)."""
        return self.winner >= 0

    @property
    def sold_share(self) -> float:
        """Share of auctions with a winner, the estimate of P(E) in Definition 2."""
        return float(np.mean(self.sold))

    @property
    def revenue(self) -> float:
        """Mean price per auction, counting an unsold item as 0."""
        return float(np.nansum(self.price) / self.n_auctions)

    @property
    def ex_post_ir_violations(self) -> np.ndarray:
        """Mask of sold auctions where the winner pays more than their value."""
        return self.sold & (np.nan_to_num(self.price, nan=-np.inf) > self.winner_value)

    @property
    def ex_post_ir_violation_share(self) -> float:
        """Share of auctions in which the price exceeds the winner's value."""
        return float(np.mean(self.ex_post_ir_violations))

    def to_frame(self) -> pd.DataFrame:
        """One row per auction: ``winner``, ``winner_value``, ``second_value``, ``price``."""
        return pd.DataFrame(
            {
                "winner": self.winner,
                "winner_value": self.winner_value,
                "second_value": self.second_value,
                "price": self.price,
            }
        )

    def __repr__(self) -> str:
        return (
            f"Outcomes({self.mechanism!r}, n_bidders={self.n_bidders}, "
            f"n_auctions={self.n_auctions}, sold_share={self.sold_share:.4g}, "
            f"revenue={self.revenue:.6g})"
        )


def _checked_bids(mechanism, bid_function, values):
    """Equilibrium bids of a chunk, checked: the same shape, finite and >= 0 (a broken bid
    function is blamed by name, not the mechanism's ``run``)."""
    bids = np.asarray(bid_function(values), dtype=float)
    name = type(mechanism).__name__
    if bids.shape != values.shape:
        raise MechanismContractError(
            f"{name}.bid_function(prior, n_bidders) returned bids of shape {bids.shape} for "
            f"values of shape {values.shape}"
        )
    if not (np.all(np.isfinite(bids)) and bids.min(initial=0.0) >= 0):
        bad = ~(np.isfinite(bids) & (bids >= 0))
        i, j = (int(x[0]) for x in np.nonzero(bad))
        raise MechanismContractError(
            f"{name}.bid_function(prior, n_bidders) returned the bid {bids[i, j]} for the value "
            f"{values[i, j]}; equilibrium bids must be finite and >= 0"
        )
    return bids


def resolve(mechanism: Mechanism, bid_function, values: np.ndarray, rng: np.random.Generator):
    """Resolve a batch of auctions: rank the values, bid, run and check the mechanism.

    The one code path of :func:`simulate` and of the market's auction house
    (:mod:`privauction.simulator.world`).

    Parameters
    ----------
    mechanism : Mechanism
        Bound for the prior and the number of bidders (``mechanism.bind``).
    bid_function : callable or None
        ``mechanism.bid_function(prior, n_bidders)``; None for truthful bidding.
    values : ndarray, shape (n_auctions, n_bidders)
    rng : numpy.random.Generator

    Returns
    -------
    winner : ndarray of intp
        Seat index of the winner, -1 when unsold.
    price : ndarray of float
        NaN when unsold.
    winner_value, second_value : ndarray of float
        The winner's value (NaN when unsold) and the second-highest value.
    bids : ndarray, shape (n_auctions, n_bidders)
        What the bidders bid (the values themselves, read-only, under truthful bidding).
    """
    ranking = top_two(values, rng)
    value_winner, highest, second = ranking
    if bid_function is None:
        bids = RankedBids.wrap(values, ranking)
    else:
        bids = _checked_bids(mechanism, bid_function, values)
    winner, price, won_value = mechanism._run_checked(bids, rng, values, (value_winner, highest))
    if won_value is None:
        won_value = values_at(values, winner, (value_winner, highest))
    return winner, price, won_value, second, bids


def draw_values(prior, size, rng: np.random.Generator) -> np.ndarray:
    """Draw i.i.d. values from ``prior`` with ``rng`` (``prior.rvs`` with ``random_state=rng``)."""
    return np.asarray(prior.rvs(size=size, random_state=rng), dtype=float)


def _check_memory(n_auctions, n_bidders, chunk_size, keep, limit) -> None:
    """Refuse a simulation whose peak memory estimate exceeds ``limit`` (before allocating)."""
    kept = _KEEP.index(keep)
    cost = simulate_memory(n_auctions, n_bidders, chunk_size, kept)
    if not cost > limit:
        return
    # the largest number of auctions that fits, for the advice
    fits, low, high = 0, 1, n_auctions
    while low <= high:
        mid = (low + high) // 2
        if simulate_memory(mid, n_bidders, chunk_size, kept) <= limit:
            fits, low = mid, mid + 1
        else:
            high = mid - 1
    if fits:
        advice = (
            f"simulate in chunks of at most {fits:,} auctions (several calls, each with its own "
            "stream from numpy.random.SeedSequence(seed).spawn(n)), or pass max_memory=None "
            "(or a larger number of bytes) to allow it"
        )
    else:
        advice = (
            f"even one auction of {n_bidders:,} bidders does not fit; use fewer bidders, or "
            "pass max_memory=None (or a larger number of bytes) to allow it"
        )
    keep_text = "" if keep is None else f" and `keep` = {keep!r}"
    check_budget(
        cost, limit, unit="bytes", advice=advice,
        what=f"`n_auctions` = {n_auctions:,} with `n_bidders` = {n_bidders:,}{keep_text}",
    )


def simulate(
    mechanism: Mechanism,
    prior,
    n_bidders: int,
    n_auctions: int,
    *,
    rng=None,
    chunk_size: int | None = None,
    keep: str | None = None,
    max_memory: float | None = DEFAULT_MAX_MEMORY,
    progress: bool | None = None,
) -> Outcomes:
    """Simulate ``n_auctions`` independent auctions of ``mechanism``.

    Parameters
    ----------
    mechanism : Mechanism
        Built-in or plug-in; its ``run`` is checked on every chunk.
    prior : frozen continuous scipy.stats distribution
        Every bidder's value is an independent draw from it.
    n_bidders : int
        Bidders per auction (>= the mechanism's ``min_bidders``).
    n_auctions : int
        Number of auctions, >= 1.
    rng : None, int, SeedSequence or Generator
        Source of all randomness. The same ``rng`` (and ``chunk_size``) gives the same outcomes.
    chunk_size : int, optional
        Auctions simulated per vectorised batch (default 2^16), which bounds peak memory at
        about ``chunk_size * n_bidders * 16`` bytes beyond the outputs.
    keep : {None, "values", "bids"}
        Also keep every bidder's value (``"values"``) or every value and bid (``"bids"``) in
        :attr:`Outcomes.values` and :attr:`Outcomes.bids`, at ``8 n_auctions n_bidders`` bytes
        each. The default keeps neither, so the common case stays as fast and small as before.
    max_memory : float or None
        Bytes the call may use at its peak, 4 GiB by default; None lifts the limit. The
        estimate is ``8 n_auctions (4 + kept n_bidders) + 8 m (4 n_bidders + 16)`` with
        ``m = min(chunk_size, n_auctions)`` and ``kept`` the number of full arrays ``keep``
        asks for (see ``privauction._budgets``).
    progress : bool, optional
        A progress bar over the chunks on standard error; the default (None) shows one when
        standard error is a terminal and ``n_auctions >= 10^7``. The draws do not depend on it.

    Returns
    -------
    Outcomes

    Raises
    ------
    TypeError, ValueError
        On bad arguments, naming the parameter (a mechanism class instead of an instance is
        told to call it). Nothing is returned or left half-built on error.
    privauction._validation.WorkBudgetError
        A ``ValueError``, before anything is allocated, when the memory estimate exceeds
        ``max_memory``: the message gives the estimate and the largest ``n_auctions`` that fits
        (simulate in chunks of at most that many auctions, with independent streams from
        ``numpy.random.SeedSequence(seed).spawn``), or says to pass ``max_memory``.
    MechanismContractError
        When the mechanism's ``run`` breaks the contract (see ``Mechanism.checked_run``).

    Examples
    --------
    >>> import privauction as pa
    >>> from scipy import stats
    >>> out = pa.simulate(pa.mechanisms.SecondPrice(), stats.uniform(0, 1), n_bidders=2,
    ...                   n_auctions=100_000, rng=0)
    >>> round(float(out.price.mean()), 2)  # E[second-highest of 2 uniforms] = 1/3
    0.33
    """
    check_instance(mechanism, Mechanism, "mechanism",
                   what="a privauction.mechanisms.Mechanism such as SecondPrice()")
    validate_prior(prior)
    n_bidders = check_int(n_bidders, "n_bidders", minimum=mechanism.min_bidders)
    n_auctions = check_int(n_auctions, "n_auctions", minimum=1)
    chunk_size = DEFAULT_CHUNK_SIZE if chunk_size is None else check_int(
        chunk_size, "chunk_size", minimum=1
    )
    if keep not in _KEEP:
        raise (TypeError if not isinstance(keep, str) and keep is not None else ValueError)(
            f"`keep` must be one of None, 'values', 'bids'; got {keep!r}"
        )
    show_progress(progress)  # refuses a non-boolean up front
    _check_memory(n_auctions, n_bidders, chunk_size, keep, check_max_memory(max_memory))
    mechanism.check_compatible(prior, n_bidders)
    generator = check_rng(rng)
    mechanism = mechanism.bind(prior, n_bidders)
    bid_function = mechanism.bid_function(prior, n_bidders)

    winner = np.empty(n_auctions, dtype=np.intp)
    winner_value = np.empty(n_auctions)
    second_value = np.empty(n_auctions)
    price = np.empty(n_auctions)
    all_values = np.empty((n_auctions, n_bidders)) if keep is not None else None
    all_bids = np.empty((n_auctions, n_bidders)) if keep == "bids" else None
    bar = progress_bar(n_auctions, progress=progress, threshold=PROGRESS_MIN_AUCTIONS,
                       desc="simulate", unit="auction")
    for start in range(0, n_auctions, chunk_size):
        stop = min(start + chunk_size, n_auctions)
        m = stop - start
        # Bidder-major draw, viewed as (m, n_bidders): each bidder's column is contiguous, so
        # the column-wise ranking in top_two streams through memory.
        values = draw_values(prior, (n_bidders, m), generator).T
        w, p, won_value, second, bids = resolve(mechanism, bid_function, values, generator)
        winner[start:stop] = w
        price[start:stop] = p
        winner_value[start:stop] = won_value
        second_value[start:stop] = second
        if all_values is not None:
            all_values[start:stop] = values
        if all_bids is not None:
            all_bids[start:stop] = bids
        bar.update(m)
    bar.close()
    return Outcomes._from_simulation(
        winner=winner,
        winner_value=winner_value,
        second_value=second_value,
        price=price,
        mechanism=mechanism,
        prior=prior,
        n_bidders=n_bidders,
        meta={"chunk_size": chunk_size},
        values=all_values,
        bids=all_bids,
    )
