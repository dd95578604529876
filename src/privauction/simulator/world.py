"""A dynamic market on a discrete-event clock (simpy): persistent bidders, a stream of auctions,
a public feed and an observer whose knowledge of each bidder accumulates.

The papers measure one auction. Here the same bidders meet again and again: items arrive (a
Poisson stream or a given schedule), each auction draws its participants from a population of
bidders, the bidders bid by the mechanism's strategy, and the auction house publishes each
auction's (time, winner id, price) to a public feed. An observer agent subscribed to the feed
keeps, for every bidder it has seen win, a posterior of that bidder's value and reports the
bidder's cumulative KL divergence from the prior after each win (see
:mod:`privauction.simulator._world_observer` for exactly what it conditions on: a bidder's own
wins, **ignoring what its absence from the feed reveals**).

Agents and the clock
--------------------
Three simpy processes share one :class:`simpy.Environment`:

* the **arrival process** wakes once per ``tick`` and hands the auction house every item that
  arrived in the tick just ended (the arrival times themselves are drawn exactly, in one
  vectorised draw per tick);
* the **auction house** resolves that batch of auctions -- participants, values, bids, one
  :meth:`Mechanism.checked_run` call per participant count -- and publishes the batch to the
  feed, each auction stamped with its own arrival time;
* the **observer** consumes feed batches and updates its per-bidder statistics vectorised.

The event loop only schedules; all per-auction work is vectorised numpy, so the clock costs a
few simpy events per tick, not per auction (see ``benchmarks/bench_world.py``).

Participants
------------
``n_per_auction=m``: ``m`` distinct bidders drawn uniformly from the population for each auction
(Floyd's sampling, vectorised over the batch, then a random rotation of the seats).
``entry_probability=q``: every bidder enters each auction independently with probability ``q``;
the count is drawn as Binomial(n_population, q) and the entrants as a uniform subset of that
size, which is the same law. ``q`` may also be a rule: a callable mapping the array of the
auctions' times to their entry probabilities (e.g. busier markets in a season's middle). An
auction with fewer entrants than the mechanism's ``min_bidders`` is not held (winner -1, price
NaN). Auctions are grouped by their number of entrants and each group is run with the mechanism
bound for that number (``mechanism.bind(prior, n)``, ``mechanism.bid_function(prior, n)``):
bidders are assumed to know how many rivals they face when they bid.

Seeding
-------
One :class:`numpy.random.SeedSequence` per run, spawned per agent: child 0 drives arrivals,
child 1 the auction house's choice of participants, child 2 the mechanism's randomness, and
child 3 is spawned once more per bidder (bidder ``i`` gets child ``(3, i)``), whose state keys
that bidder's value stream (:mod:`privauction.simulator._world_values`; the per-bidder spawn is
computed vectorised and equals numpy's ``SeedSequence`` bit for bit). A run is reproducible from
its seed and ``tick``, and adding a bidder changes no other bidder's values.

References
----------
Eilat, Eliaz & Mu, "Privacy Preserving Auctions": Definition 2 (privacy loss), Eq. (9) (MI of
the SPA), Eq. (11) (the SPA posterior, prior truncated at the price), Section 4.1 ({0,K}
lottery), Section 4.3 (reserve price).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import simpy

from .._validation import check_int, check_real
from ..mechanisms.base import Mechanism
from ..priors import _label, validate_prior
from ._world_observer import FeedObserver, observer_model
from ._world_values import BidderValues, MarkovRefresh, as_value_process, spawned_states
from .batch import Outcomes

__all__ = [
    "Market",
    "MarketResult",
    "MarketRunError",
    "MarkovRefresh",
    "run_seasons",
    "seasons",
    "season_outcomes",
]

_BLOCK_TARGET = 8192  # expected auctions per tick when `tick` is left to the market
_AGENT_ARRIVALS, _AGENT_HOUSE, _AGENT_MECHANISM, _AGENT_BIDDERS = range(4)

EVENT_COLUMNS = [
    "time", "auction", "n_participants", "winner", "price", "winner_value", "second_value",
]
PRIVACY_COLUMNS = ["time", "auction", "bidder", "n_wins", "max_price", "cumulative_kl"]


class MarketRunError(RuntimeError):
    """A mechanism failed inside a market run; names the auction and the time it failed at.

    Attributes
    ----------
    auction : int or None
        Index of the first auction of the failing batch that fails on its own (None when no
        single auction reproduces the failure).
    time : float or None
        That auction's time on the market clock.
    """

    def __init__(self, message: str, auction: int | None = None, time: float | None = None):
        super().__init__(message, auction, time)  # all in args: simpy re-creates it from them
        self.auction = auction
        self.time = time

    def __str__(self) -> str:
        return str(self.args[0])


# --------------------------------------------------------------------------------------------
# seeding


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


# --------------------------------------------------------------------------------------------
# participants


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


# --------------------------------------------------------------------------------------------
# the market


@dataclass(frozen=True, eq=False)
class Market:
    """A market of ``n_population`` bidders and a stream of auctions run by ``mechanism``.

    Parameters
    ----------
    mechanism : Mechanism
        Any mechanism, built-in or plug-in; bound per participant count with
        ``mechanism.bind(prior, n)``, bids from ``mechanism.bid_function(prior, n)``.
    prior : frozen continuous scipy.stats distribution
        Every bidder's value is drawn from it.
    n_population : int
        Number of bidders in the population (>= the participants of one auction).
    n_per_auction : int, optional
        Fixed number of distinct participants per auction. Give this or ``entry_probability``.
    entry_probability : float in (0, 1] or callable, optional
        Each bidder enters each auction independently with this probability; a callable
        ``rule(times) -> probabilities`` (vectorised, values in [0, 1]) gives it per auction.
        With a rule the {0,K} lottery's observer keeps no posterior (the law of the number of
        rivals is not known to it); the SPA's and the reserve SPA's stay exact.
    arrival_rate : float > 0, optional
        Items arrive as a Poisson process with this rate (per unit of time). Give this or
        ``schedule``.
    schedule : array_like, optional
        Arrival times (finite, >= 0, non-decreasing).
    value_process : {"persistent", "fresh"} or MarkovRefresh
        How values evolve (see :mod:`privauction.simulator._world_values`).
    tick : float > 0, optional
        Clock period at which the auction house resolves the items that arrived. Results depend
        on it only through which random numbers each batch uses; the default gives about 8192
        auctions per tick.

    Examples
    --------
    >>> import privauction as pa
    >>> from scipy import stats
    >>> from privauction.simulator.world import Market
    >>> market = Market(pa.mechanisms.SecondPrice(), stats.uniform(0, 1), n_population=50,
    ...                 n_per_auction=3, arrival_rate=100.0)
    >>> result = market.run(horizon=10.0, rng=0)
    >>> list(result.events.columns)
    ['time', 'auction', 'n_participants', 'winner', 'price', 'winner_value', 'second_value']
    >>> last = result.final_privacy()
    >>> bool(np.allclose(last.cumulative_kl, -np.log1p(-last.max_price)))  # -log(1 - F(max p))
    True
    """

    mechanism: Mechanism
    prior: object
    n_population: int
    n_per_auction: int | None = None
    entry_probability: float | Callable[[np.ndarray], np.ndarray] | None = None
    arrival_rate: float | None = None
    schedule: object = field(default=None, repr=False)
    value_process: object = "persistent"
    tick: float | None = None

    def __post_init__(self):
        if not isinstance(self.mechanism, Mechanism):
            raise TypeError(
                "`mechanism` must be an instance of privauction.mechanisms.Mechanism; got "
                f"{type(self.mechanism).__name__}"
            )
        validate_prior(self.prior)
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        set_("value_process", as_value_process(self.value_process))
        min_b = self.mechanism.min_bidders
        if (self.n_per_auction is None) == (self.entry_probability is None):
            raise ValueError("give exactly one of `n_per_auction` and `entry_probability`")
        if self.n_per_auction is not None:
            set_("n_per_auction", check_int(self.n_per_auction, "n_per_auction", minimum=min_b))
            low_pop = self.n_per_auction
        else:
            if not callable(self.entry_probability):
                set_("entry_probability", check_real(
                    self.entry_probability, "entry_probability", lower=0.0, upper=1.0,
                    lower_inclusive=False,
                ))
            low_pop = min_b
        if isinstance(self.n_population, numbers.Integral) and not isinstance(
            self.n_population, bool
        ) and 0 <= self.n_population < low_pop:
            what = "an empty population" if self.n_population == 0 else (
                f"one auction needs {low_pop} bidders"
            )
            raise ValueError(
                f"`n_population` must be an integer >= {low_pop}; got {self.n_population} ({what})"
            )
        set_("n_population", check_int(self.n_population, "n_population", minimum=low_pop))
        if (self.arrival_rate is None) == (self.schedule is None):
            raise ValueError("give exactly one of `arrival_rate` and `schedule`")
        if self.arrival_rate is not None:
            set_("arrival_rate", check_real(
                self.arrival_rate, "arrival_rate", lower=0.0, lower_inclusive=False
            ))
        else:
            s = np.asarray(self.schedule)
            if s.ndim != 1 or s.dtype.kind not in "iuf":
                raise TypeError(
                    "`schedule` must be a 1-D array of arrival times; got "
                    f"{type(self.schedule).__name__} of shape {s.shape}"
                )
            s = s.astype(float)
            if s.size and not np.all(np.isfinite(s)):
                raise ValueError("`schedule` must hold finite times; got a NaN or infinity")
            if s.size and s.min() < 0:
                raise ValueError(f"`schedule` times must be >= 0; got {s.min()}")
            if np.any(np.diff(s) < 0):
                i = int(np.flatnonzero(np.diff(s) < 0)[0])
                raise ValueError(
                    f"`schedule` must be non-decreasing; got {s[i]} before {s[i + 1]} at "
                    f"position {i}"
                )
            s.setflags(write=False)
            set_("schedule", s)
        if self.tick is not None:
            set_("tick", check_real(self.tick, "tick", lower=0.0, lower_inclusive=False))
        if self.n_per_auction is not None:
            self.mechanism.check_compatible(self.prior, self.n_per_auction)
        object.__setattr__(self, "_bound", {})
        object.__setattr__(self, "_models", {})

    def __repr__(self) -> str:
        q = self.entry_probability
        entry = (f"n_per_auction={self.n_per_auction}" if self.n_per_auction is not None
                 else f"entry_probability={q:g}" if not callable(q)
                 else f"entry_probability=<rule {getattr(q, '__name__', type(q).__name__)}>")
        arrivals = (f"arrival_rate={self.arrival_rate:g}" if self.arrival_rate is not None
                    else f"schedule=<{self.schedule.size} times>")
        process = self.value_process
        values = process.kind if process.kind != "markov" else repr(process)
        return (f"Market({self.mechanism!r}, {_label(self.prior)}, n_population="
                f"{self.n_population}, {entry}, {arrivals}, value_process={values})")

    # -- helpers ----------------------------------------------------------------------------
    def _bound_for(self, n: int):
        """(bound mechanism, bid function) for auctions with ``n`` participants, cached."""
        if n not in self._bound:
            self.mechanism.check_compatible(self.prior, n)
            mech = self.mechanism.bind(self.prior, n)
            self._bound[n] = (mech, mech.bid_function(self.prior, n))
        return self._bound[n]

    def _rival_pmf(self) -> dict[int, float] | None:
        """Law of a participant's number of rivals in a held auction (None under a rule)."""
        if self.n_per_auction is not None:
            return {self.n_per_auction - 1: 1.0}
        if callable(self.entry_probability):
            return None
        from scipy import stats

        n_rivals = np.arange(self.mechanism.min_bidders - 1, self.n_population)
        pmf = stats.binom(self.n_population - 1, self.entry_probability).pmf(n_rivals)
        keep = pmf > 1e-300
        return dict(zip(n_rivals[keep].tolist(), pmf[keep].tolist(), strict=True))

    def _observer_model(self):
        kind = self.value_process.kind
        if kind not in self._models:
            q = self.entry_probability
            n_ref = self.n_per_auction or max(
                self.mechanism.min_bidders,
                0 if callable(q) else int(round(q * self.n_population)),
            )
            mech = self._bound_for(n_ref)[0]
            self._models[kind] = observer_model(mech, self.prior, kind, self._rival_pmf())
        return self._models[kind]

    def _tick_for(self, horizon: float) -> float:
        if self.tick is not None:
            return min(self.tick, horizon)
        if self.arrival_rate is not None:
            return min(horizon, _BLOCK_TARGET / self.arrival_rate)
        n = int(np.searchsorted(self.schedule, horizon, side="right"))
        return horizon / max(1, math.ceil(n / _BLOCK_TARGET))

    # -- running ----------------------------------------------------------------------------
    def run(self, horizon: float, *, rng=None) -> MarketResult:
        """Run the market on ``[0, horizon]``.

        Parameters
        ----------
        horizon : float > 0
            Length of the season on the market clock.
        rng : None, int, SeedSequence or Generator
            The run's seed (a Generator is used once to draw a SeedSequence's entropy).

        Returns
        -------
        MarketResult

        Raises
        ------
        MarketRunError
            When the mechanism (or its bid function) raises during the run; the message names
            the auction and the time at which it failed, and the original error is chained.
        """
        horizon = check_real(horizon, "horizon", lower=0.0, lower_inclusive=False)
        root = _root_seed(rng)
        run = _Run(self, horizon, root)
        return run.execute()


class _Run:
    """One run of a market: the simpy environment, its agents and what they record."""

    def __init__(self, market: Market, horizon: float, root: np.random.SeedSequence):
        self.market = market
        self.horizon = horizon
        self.root = root
        self.tick = market._tick_for(horizon)
        self.arrival_rng = np.random.default_rng(_child(root, _AGENT_ARRIVALS))
        self.house_rng = np.random.default_rng(_child(root, _AGENT_HOUSE))
        self.mech_rng = np.random.default_rng(_child(root, _AGENT_MECHANISM))
        value_keys, refresh_keys = _bidder_keys(root, market.n_population)
        self.values = BidderValues(market.prior, value_keys, refresh_keys, market.value_process)
        self.observer = FeedObserver(
            market.n_population, market._observer_model(), market.value_process.kind
        )
        self.env = simpy.Environment()
        self.arrivals = simpy.Store(self.env)
        self.subscribers: list[simpy.Store] = []
        self.ledger: list[dict[str, np.ndarray]] = []
        self.privacy_rows: list[dict[str, np.ndarray]] = []
        self.n_auctions = 0
        self.n_batches = 0

    # -- the public feed ------------------------------------------------------------------
    def subscribe(self) -> simpy.Store:
        store = simpy.Store(self.env)
        self.subscribers.append(store)
        return store

    def publish(self, item) -> None:
        for store in self.subscribers:
            store.put(item)

    # -- agents ---------------------------------------------------------------------------
    def arrival_process(self):
        t = 0.0
        market = self.market
        while t < self.horizon:
            t_next = min(t + self.tick, self.horizon)
            if market.arrival_rate is not None:
                k = self.arrival_rng.poisson(market.arrival_rate * (t_next - t))
                block = np.sort(self.arrival_rng.uniform(t, t_next, size=k))
            else:
                lo = np.searchsorted(market.schedule, t, side="left" if t == 0 else "right")
                hi = np.searchsorted(market.schedule, t_next, side="right")
                block = market.schedule[lo:hi]
            yield self.env.timeout(t_next - t)
            t = t_next
            if block.size:
                yield self.arrivals.put(block)
        yield self.arrivals.put(None)

    def auction_house(self):
        while True:
            block = yield self.arrivals.get()
            if block is None:
                self.publish(None)
                return
            record = self.resolve(block)
            self.ledger.append(record)
            self.publish({k: record[k] for k in ("time", "auction", "winner", "price")})

    def observer_process(self, feed: simpy.Store):
        while True:
            batch = yield feed.get()
            if batch is None:
                return
            self.privacy_rows.append(
                self.observer.consume(batch["time"], batch["auction"], batch["winner"],
                                      batch["price"])
            )

    # -- the auction house's vectorised work ------------------------------------------------
    def resolve(self, times: np.ndarray) -> dict[str, np.ndarray]:
        market = self.market
        size = times.size
        auction = np.arange(self.n_auctions, self.n_auctions + size)
        self.n_auctions += size
        self.n_batches += 1
        winner = np.full(size, -1, dtype=np.intp)
        price = np.full(size, np.nan)
        winner_value = np.full(size, np.nan)
        second_value = np.full(size, np.nan)
        if market.n_per_auction is not None:
            m = market.n_per_auction
            n_participants = np.full(size, m, dtype=np.intp)
            seats = _sample_subsets(self.house_rng, market.n_population, m, size)
            values = self.values.draw(seats.reshape(-1)).reshape(size, m)
            groups = [(np.arange(size), seats, values)]
        else:
            n_participants = self.house_rng.binomial(
                market.n_population, self._entry(times), size=size
            ).astype(np.intp)
            groups = []
            for c in np.unique(n_participants[n_participants >= market.mechanism.min_bidders]):
                rows = np.flatnonzero(n_participants == c)
                groups.append((rows, _sample_subsets(
                    self.house_rng, market.n_population, int(c), rows.size), None))
            if groups:  # values in auction order across the groups
                row_of = np.concatenate([np.repeat(r, s.shape[1]) for r, s, _ in groups])
                who = np.concatenate([s.reshape(-1) for _, s, _ in groups])
                order = np.argsort(row_of, kind="stable")
                flat = np.empty(who.size)
                flat[order] = self.values.draw(who[order])
                out, start = [], 0
                for rows, seats, _ in groups:
                    stop = start + seats.size
                    out.append((rows, seats, flat[start:stop].reshape(seats.shape)))
                    start = stop
                groups = out
        for rows, seats, vals in groups:
            n = seats.shape[1]
            w, p = self._run_mechanism(n, vals, times[rows], auction[rows])
            sold = w >= 0
            ws = np.where(sold, w, 0)[:, None]
            winner[rows] = np.where(sold, np.take_along_axis(seats, ws, axis=1)[:, 0], -1)
            price[rows] = p
            winner_value[rows] = np.where(sold, np.take_along_axis(vals, ws, axis=1)[:, 0], np.nan)
            second_value[rows] = np.partition(vals, n - 2, axis=1)[:, n - 2]
        return {
            "time": times, "auction": auction, "n_participants": n_participants,
            "winner": winner, "price": price, "winner_value": winner_value,
            "second_value": second_value,
        }

    def _entry(self, times: np.ndarray):
        """Entry probability per auction: the fixed one, or the rule's, checked."""
        q = self.market.entry_probability
        if not callable(q):
            return q
        name = getattr(q, "__name__", type(q).__name__)
        try:
            p = np.broadcast_to(np.asarray(q(times), dtype=float), times.shape)
        except Exception as exc:  # noqa: BLE001 -- re-raised naming the rule and the times
            raise MarketRunError(
                f"the entry rule {name} failed on the auctions at times {times[0]:.6g}.."
                f"{times[-1]:.6g}: {type(exc).__name__}: {exc}", None, float(times[0]),
            ) from exc
        bad = ~((p >= 0) & (p <= 1))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise MarketRunError(
                f"the entry rule {name} returned {p[i]} at time {times[i]:.6g}; an entry "
                "probability must be in [0, 1]", None, float(times[i]),
            )
        return p

    def _run_mechanism(self, n, values, times, auctions):
        state = self.mech_rng.bit_generator.state
        try:
            mech, bid_fn = self.market._bound_for(n)
            bids = values if bid_fn is None else np.asarray(bid_fn(values), dtype=float)
            return mech.checked_run(bids, self.mech_rng, values)
        except Exception as exc:  # noqa: BLE001 -- re-raised with the auction and time
            name = type(self.market.mechanism).__name__
            i = _first_failing(self.market, n, values, state)
            if i is None:
                raise MarketRunError(
                    f"{name} failed on the batch of auctions {auctions[0]}..{auctions[-1]} "
                    f"(times {times[0]:.6g}..{times[-1]:.6g}, {n} participants each); no "
                    f"single auction of the batch reproduces it: {type(exc).__name__}: {exc}",
                    None, None,
                ) from exc
            raise MarketRunError(
                f"{name} failed in auction {auctions[i]} at time {times[i]:.6g} "
                f"({n} participants): {type(exc).__name__}: {exc}",
                int(auctions[i]), float(times[i]),
            ) from exc

    def execute(self) -> MarketResult:
        env = self.env
        env.process(self.arrival_process())
        env.process(self.auction_house())
        env.process(self.observer_process(self.subscribe()))
        try:
            env.run()
        except MarketRunError as exc:
            # simpy raises a copy whose cause is the error our process raised; re-raise that
            # one, so the plug-in's own exception stays its __cause__.
            original = exc.__cause__ if isinstance(exc.__cause__, MarketRunError) else exc
            raise original from original.__cause__
        market = self.market
        if self.ledger:
            events = pd.DataFrame({c: np.concatenate([r[c] for r in self.ledger])
                                   for c in EVENT_COLUMNS})
        else:
            events = pd.DataFrame({c: np.array([], dtype=float) for c in EVENT_COLUMNS})
        if self.privacy_rows:
            privacy = pd.DataFrame({c: np.concatenate([r[c] for r in self.privacy_rows])
                                    for c in PRIVACY_COLUMNS})
        else:
            privacy = pd.DataFrame({c: np.array([], dtype=float) for c in PRIVACY_COLUMNS})
        meta = {
            "entropy": self.root.entropy, "spawn_key": tuple(self.root.spawn_key),
            "tick": self.tick, "n_batches": self.n_batches,
        }
        return MarketResult(events=events, privacy=privacy, market=market,
                            horizon=self.horizon, observer=self.observer,
                            initial_values=self.values.initial_values(), meta=meta)


def _first_failing(market: Market, n: int, values: np.ndarray, state) -> int | None:
    """Index of the first auction of a failed batch that fails on its own, replayed in order."""
    try:
        mech, bid_fn = market._bound_for(n)
    except Exception:  # noqa: BLE001 -- the binding itself fails: the first auction fails
        return 0
    gen = np.random.default_rng()
    gen.bit_generator.state = state
    for i in range(values.shape[0]):
        v = values[i : i + 1]
        try:
            bids = v if bid_fn is None else np.asarray(bid_fn(v), dtype=float)
            mech.checked_run(bids, gen, v)
        except Exception:  # noqa: BLE001
            return i
    return None


# --------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True, eq=False, repr=False)
class MarketResult:
    """What one market run produced.

    Attributes
    ----------
    events : DataFrame
        One row per auction: ``time, auction, n_participants, winner`` (population id, -1 when
        unsold or not held), ``price`` (NaN when unsold), ``winner_value`` and ``second_value``
        (the ground truth the observer does not see; second is the second-highest value among
        the participants).
    privacy : DataFrame
        The observer's view, one row per sale: ``time, auction, bidder, n_wins, max_price,
        cumulative_kl`` -- after this win, the bidder's number of wins, highest price paid and
        the KL of the observer's posterior from the prior (NaN where the observer keeps no
        posterior).
    market : Market
    horizon : float
    observer : FeedObserver
        The observer's final state (``posterior_cdf``).
    initial_values : ndarray, shape (n_population,)
        Every bidder's value at its first participation: its value throughout under
        ``"persistent"`` values (ground truth, not seen by the observer).
    meta : dict
        ``entropy``, ``spawn_key`` of the run's SeedSequence, ``tick``, ``n_batches``.
    """

    events: pd.DataFrame
    privacy: pd.DataFrame
    market: Market
    horizon: float
    observer: FeedObserver
    initial_values: np.ndarray
    meta: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return (
            f"MarketResult({self.market.mechanism!r}, n_auctions={len(self.events)}, "
            f"n_sales={len(self.privacy)}, horizon={self.horizon:g})"
        )

    def final_privacy(self) -> pd.DataFrame:
        """Each winning bidder's last privacy row, with the value it had at its highest price.

        Columns: ``bidder, n_wins, max_price, cumulative_kl, time`` (of the last win) and
        ``value`` (the bidder's value in the auction where it paid its highest price: its value
        for persistent values).
        """
        if self.privacy.empty:
            return pd.DataFrame(columns=["bidder", "n_wins", "max_price", "cumulative_kl",
                                         "time", "value"])
        last = self.privacy.groupby("bidder", sort=True).tail(1).set_index("bidder")
        sold = self.events[self.events.winner >= 0]
        top = sold.loc[sold.groupby("winner")["price"].idxmax()].set_index("winner")
        out = last[["n_wins", "max_price", "cumulative_kl", "time"]].copy()
        out["value"] = top["winner_value"].reindex(out.index).to_numpy()
        return out.sort_index().reset_index()

    def posterior_cdf(self, bidder: int, v):
        """The observer's posterior CDF of ``bidder``'s persistent value at ``v``."""
        bidder = check_int(bidder, "bidder", minimum=0, maximum=self.market.n_population - 1)
        return self.observer.posterior_cdf(bidder, v)

    def posterior_pdf(self, bidder: int, v):
        """The observer's posterior density of ``bidder``'s value (SPA and reserve SPA)."""
        bidder = check_int(bidder, "bidder", minimum=0, maximum=self.market.n_population - 1)
        return self.observer.posterior_pdf(bidder, v)

    def to_outcomes(self) -> Outcomes:
        """The auctions as batch-simulator :class:`Outcomes` (fixed ``n_per_auction`` only).

        ``winner`` holds population ids (-1 unsold), which is all ``Outcomes.sold`` needs.
        """
        m = self.market.n_per_auction
        if m is None:
            raise ValueError(
                "to_outcomes needs a fixed number of participants; this market uses "
                "entry_probability, so auctions differ in size"
            )
        e = self.events
        return Outcomes(
            winner=e.winner.to_numpy(np.intp), winner_value=e.winner_value.to_numpy(float),
            second_value=e.second_value.to_numpy(float), price=e.price.to_numpy(float),
            mechanism=self.market._bound_for(m)[0], prior=self.market.prior, n_bidders=m,
            meta={"source": "world", **self.meta},
        )

    def plot_privacy(self, ax=None, n_bidders: int = 5):
        """Step plot of cumulative KL over time for the ``n_bidders`` most frequent winners."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        if self.privacy.empty:
            return ax
        top = self.privacy.bidder.value_counts().index[:n_bidders]
        for b in top:
            rows = self.privacy[self.privacy.bidder == b]
            ax.step(rows.time, rows.cumulative_kl, where="post", label=f"bidder {b}")
        ax.set_xlabel("time")
        ax.set_ylabel("cumulative KL from prior (nats)")
        ax.set_title(f"{self.market.mechanism!r}, {self.market.value_process.kind} values")
        ax.legend(fontsize="small")
        return ax


# --------------------------------------------------------------------------------------------
# many seasons


def run_seasons(market: Market, n_seasons: int, horizon: float, *, rng=None) -> list[MarketResult]:
    """Run ``n_seasons`` independent seasons of ``market``; season ``s`` uses child ``(s,)``.

    The children are built from the spawn key (see :func:`_child`), so season ``s`` is the same
    whatever the number of seasons run, and two markets run with the same ``rng`` see the same
    participants and values (common random numbers across mechanisms).
    """
    return list(_iter_seasons(market, n_seasons, horizon, rng))


def _iter_seasons(market, n_seasons, horizon, rng):
    if not isinstance(market, Market):
        raise TypeError(f"`market` must be a Market; got {type(market).__name__}")
    n_seasons = check_int(n_seasons, "n_seasons", minimum=1)
    horizon = check_real(horizon, "horizon", lower=0.0, lower_inclusive=False)
    root = _root_seed(rng)
    for s in range(n_seasons):
        yield market.run(horizon, rng=_child(root, s))


def seasons(market: Market, n_seasons: int, horizon: float, *, rng=None) -> pd.DataFrame:
    """Run ``n_seasons`` independent seasons and list every bidder that won in each.

    Seeds as in :func:`run_seasons`; only the season-end rows are kept.

    Returns
    -------
    DataFrame
        One row per (season, winning bidder): ``season, bidder, n_wins, max_price,
        cumulative_kl, time, value`` (see :meth:`MarketResult.final_privacy`).
    """
    frames = []
    for s, res in enumerate(_iter_seasons(market, n_seasons, horizon, rng)):
        final = res.final_privacy()
        final.insert(0, "season", s)
        frames.append(final)
    return pd.concat(frames, ignore_index=True)


def season_outcomes(frame: pd.DataFrame, market: Market) -> Outcomes:
    """The (value, highest price paid) pairs of :func:`seasons` as :class:`Outcomes`.

    One row per (season, winning bidder): ``winner_value`` is the bidder's value (at its
    highest price), ``price`` the highest price it was published paying, every row "sold". Pass
    it to :func:`privauction.estimate_privacy_loss` for the MI between a winning bidder's value
    and its highest published price over many seasons, with an interval. This is the empirical
    counterpart of the observer's per-bidder KL; unlike the observer it also reflects what a
    bidder's absence from the feed reveals, and it conditions on the bidder having won.
    """
    if not isinstance(market, Market):
        raise TypeError(f"`market` must be a Market; got {type(market).__name__}")
    missing = {"value", "max_price"} - set(frame.columns)
    if missing:
        raise ValueError(f"`frame` must come from seasons(...); it lacks columns {sorted(missing)}")
    n = len(frame)
    m = market.n_per_auction or market.mechanism.min_bidders
    return Outcomes(
        winner=np.zeros(n, dtype=np.intp), winner_value=frame["value"].to_numpy(float),
        second_value=np.full(n, np.nan), price=frame["max_price"].to_numpy(float),
        mechanism=market._bound_for(m)[0], prior=market.prior, n_bidders=m,
        meta={"source": "world seasons"},
    )
