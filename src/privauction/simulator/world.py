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

Modules, one job each
---------------------
``world`` (this module: the :class:`Market` and its parameters), ``_world_run`` (one run: the
simpy agents; each batch resolved by :func:`privauction.simulator.batch.resolve`, the code path
of :func:`~privauction.simulator.simulate`), ``_world_participants`` (who enters),
``_world_values`` (value processes and per-bidder streams), ``_world_seeding`` (SeedSequence
children), ``_world_observer`` (the observer agent, from the mechanism's declared price law),
``_world_result`` (:class:`MarketResult`), ``_world_seasons`` (many seasons).

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

from .._validation import check_budget, check_int, check_limit, check_real
from ..mechanisms.base import Mechanism
from ..priors import _label, validate_prior
from ._world_budget import MAX_AUCTIONS, MAX_BIDDERS, MAX_TICKS
from ._world_observer import observer_model
from ._world_result import MarketResult
from ._world_run import MarketRunError, _Run
from ._world_seasons import run_seasons, season_outcomes, seasons
from ._world_seeding import _bidder_keys, _root_seed
from ._world_values import MarkovRefresh, as_value_process

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

_REEXPORTED = (_bidder_keys,)  # the tests check the per-bidder seeding through this module


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
    disclosure : privauction.disclosure.Disclosure, optional
        What the auction house publishes to the feed. None (default): the papers' rule, the
        feed of (time, winner id, price) above. Given one, the feed carries only what it
        publishes (its ``winner`` is the winner's population id, so an identity column names a
        bidder across the season; ``values`` and ``bids`` are by seat and need
        ``n_per_auction``), ``MarketResult.published`` keeps it, and the observer accumulates
        what the rule reveals about each identified bidder (see
        :mod:`privauction.simulator._world_observer`).

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
    disclosure: object = None

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
        if self.disclosure is not None:
            from ..disclosure import Disclosure

            if not isinstance(self.disclosure, Disclosure):
                raise TypeError(
                    "`disclosure` must be an instance of privauction.disclosure.Disclosure; "
                    f"got {type(self.disclosure).__name__}"
                )
            if self.disclosure.needs_bids and self.n_per_auction is None:
                raise ValueError(
                    f"`disclosure` {self.disclosure!r} publishes bids, which have one column "
                    "per seat: give `n_per_auction` (a fixed number of participants)"
                )
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
        shown = "" if self.disclosure is None else f", disclosure={self.disclosure!r}"
        return (f"Market({self.mechanism!r}, {_label(self.prior)}, n_population="
                f"{self.n_population}, {entry}, {arrivals}, value_process={values}{shown})")

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

    def _expected_auctions(self, horizon: float) -> float:
        """Expected number of auctions on ``[0, horizon]``."""
        if self.arrival_rate is not None:
            return self.arrival_rate * horizon
        return float(np.searchsorted(self.schedule, horizon, side="right"))

    def _check_budget(self, horizon: float, max_auctions, max_ticks, max_bidders) -> None:
        """Refuse a run past its work budgets (see :meth:`run`), before any work."""
        max_auctions = check_limit(max_auctions, "max_auctions")
        max_ticks = check_limit(max_ticks, "max_ticks")
        max_bidders = check_limit(max_bidders, "max_bidders")
        check_budget(
            float(self.n_population), max_bidders, what=f"`n_population` = {self.n_population}",
            unit="bidders", advice="use a smaller population, or pass a larger `max_bidders`",
        )
        auctions = self._expected_auctions(horizon)
        if self.arrival_rate is not None:
            what = (f"`arrival_rate` = {self.arrival_rate:g} over `horizon` = {horizon:g} "
                    "(the expected number of auctions)")
        else:
            what = f"`schedule` up to `horizon` = {horizon:g}"
        check_budget(
            auctions, max_auctions, what=what, unit="auctions",
            advice="shorten `horizon` and run several seasons (run_seasons), or pass a larger "
                   "`max_auctions` (None for no limit)",
        )
        check_budget(
            math.ceil(horizon / self._tick_for(horizon)), max_ticks,
            what=f"`horizon` = {horizon:g} in steps of `tick` = {self._tick_for(horizon):g}",
            unit="clock ticks",
            advice="coarsen `tick` (None: about 8192 auctions per tick), shorten `horizon`, or "
                   "pass a larger `max_ticks` (None for no limit)",
        )

    # -- running ----------------------------------------------------------------------------
    def run(self, horizon: float, *, rng=None, max_auctions: float = MAX_AUCTIONS,
            max_ticks: float = MAX_TICKS, max_bidders: float = MAX_BIDDERS) -> MarketResult:
        """Run the market on ``[0, horizon]``.

        Parameters
        ----------
        horizon : float > 0
            Length of the season on the market clock.
        rng : None, int, SeedSequence or Generator
            The run's seed (a Generator is used once to draw a SeedSequence's entropy).
        max_auctions, max_ticks, max_bidders : float
            Work budgets (see Raises); None (or ``numpy.inf``) lifts one.

        Returns
        -------
        MarketResult

        Raises
        ------
        privauction._validation.WorkBudgetError
            Before any work, when the run would hold more than ``max_auctions`` auctions
            (expected: ``arrival_rate × horizon``, or the scheduled times up to ``horizon``;
            default 2e7, about 12 s of CPU at the measured 1.6e6 auctions per CPU second), step
            its clock more than ``max_ticks`` times (``horizon / tick``; default 1e6, about 3 s
            of CPU), or seed more than ``max_bidders`` bidders (``n_population``; default 2**25,
            about 115 bytes each, 3.6 GiB). ``arrival_rate=1e12`` over a horizon of 1, or
            ``tick=1e-9``, is refused in milliseconds. Shorten ``horizon`` and run several
            seasons (:func:`run_seasons`), coarsen ``tick`` (leave it None: about 8192 auctions
            per tick), or raise the limit.
        MarketRunError
            When the mechanism (or its bid function) raises during the run; the message names
            the auction and the time at which it failed, and the original error is chained.
        """
        horizon = check_real(horizon, "horizon", lower=0.0, lower_inclusive=False)
        self._check_budget(horizon, max_auctions, max_ticks, max_bidders)
        root = _root_seed(rng)
        run = _Run(self, horizon, root)
        return run.execute()
