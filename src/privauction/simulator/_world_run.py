"""One run of a market: the simpy environment, its three agents and what they record.

The auction house resolves each batch through :func:`privauction.simulator.batch.resolve`, the
same code path as :func:`~privauction.simulator.simulate`.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import simpy

from ._world_observer import FeedObserver
from ._world_participants import _sample_subsets
from ._world_result import EVENT_COLUMNS, PRIVACY_COLUMNS, MarketResult
from ._world_seeding import (
    _AGENT_ARRIVALS,
    _AGENT_DISCLOSURE,
    _AGENT_HOUSE,
    _AGENT_MECHANISM,
    _bidder_keys,
    _child,
)
from ._world_values import BidderValues
from .batch import resolve

__all__ = ["MarketRunError"]


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


class _Run:
    """One run of a market: the simpy environment, its agents and what they record."""

    def __init__(self, market, horizon: float, root: np.random.SeedSequence):
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
            market.n_population, market._observer_model(), market.value_process.kind,
            disclosure=market.disclosure, n_per_auction=market.n_per_auction,
            efficient=bool(market.mechanism.efficient),
        )
        # the disclosure's own stream (noise, random rounding): a new child, so that the
        # other agents' streams, and a run without a disclosure, are unchanged
        self.disclosure_rng = np.random.default_rng(_child(root, _AGENT_DISCLOSURE))
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
            record = self.hold_auctions(block)
            self.ledger.append(record)
            if self.market.disclosure is None:
                self.publish({k: record[k] for k in ("time", "auction", "winner", "price")})
            else:  # the public sees only what the rule publishes
                self.publish({k: record[k] for k in ("time", "auction", "published")})

    def observer_process(self, feed: simpy.Store):
        while True:
            batch = yield feed.get()
            if batch is None:
                return
            if "published" in batch:
                rows = self.observer.consume_published(batch["time"], batch["auction"],
                                                       batch["published"])
            else:
                rows = self.observer.consume(batch["time"], batch["auction"], batch["winner"],
                                             batch["price"])
            self.privacy_rows.append(rows)

    # -- the auction house's vectorised work ------------------------------------------------
    def hold_auctions(self, times: np.ndarray) -> dict[str, np.ndarray]:
        """Participants, values and one :func:`resolve` per participant count for a batch."""
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
        disclosure = market.disclosure
        keep = disclosure is not None and disclosure.needs_bids   # fixed n: one group
        all_values = all_bids = None
        for rows, seats, vals in groups:
            w, p, won, second, bids = self._run_mechanism(seats.shape[1], vals, times[rows],
                                                       auction[rows])
            if keep:
                all_values, all_bids = vals, bids
            sold = w >= 0
            ws = np.where(sold, w, 0)[:, None]
            winner[rows] = np.where(sold, np.take_along_axis(seats, ws, axis=1)[:, 0], -1)
            price[rows] = p
            winner_value[rows] = won
            second_value[rows] = second
        record = {
            "time": times, "auction": auction, "n_participants": n_participants,
            "winner": winner, "price": price, "winner_value": winner_value,
            "second_value": second_value,
        }
        if disclosure is not None:
            outcome = SimpleNamespace(winner=winner, price=price, values=all_values,
                                      bids=all_bids)
            record["published"] = disclosure.checked_publish(outcome, self.disclosure_rng)
        return record

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
            return resolve(mech, bid_fn, values, self.mech_rng)
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
        published = None
        if market.disclosure is not None and self.ledger:
            published = np.concatenate([r["published"] for r in self.ledger])
        return MarketResult(events=events, privacy=privacy, market=market,
                            horizon=self.horizon, observer=self.observer,
                            initial_values=self.values.initial_values(), meta=meta,
                            published=published)


def _first_failing(market, n: int, values: np.ndarray, state) -> int | None:
    """Index of the first auction of a failed batch that fails on its own, replayed in order."""
    try:
        mech, bid_fn = market._bound_for(n)
    except Exception:  # noqa: BLE001 -- the binding itself fails: the first auction fails
        return 0
    gen = np.random.default_rng()
    gen.bit_generator.state = state
    for i in range(values.shape[0]):
        try:
            resolve(mech, bid_fn, values[i : i + 1], gen)
        except Exception:  # noqa: BLE001
            return i
    return None
