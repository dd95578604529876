"""Bidders' values in the dynamic market: per-bidder random streams and value processes.

Every bidder owns a random stream keyed by its own spawned :class:`numpy.random.SeedSequence`
(``SeedSequence(run seed).spawn`` per agent), so adding a bidder to the population leaves every
other bidder's values unchanged. Streams are *counter-based*: the ``j``-th number of bidder ``i``
is the SplitMix64 output (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number
generators") of state ``key_i + (j + 1)·γ``; it is a pure function of ``(key_i, j)``, so a batch
of auctions draws all its participants' values in one vectorised pass, with no Python loop per
bidder or per auction.

Value processes (the ``value_process`` argument of the market):

``"persistent"``
    one draw per bidder for the whole run (``MarkovRefresh(0)``);
``"fresh"``
    a new independent draw at every auction a bidder enters (``MarkovRefresh(1)``): the one-shot
    i.i.d. model of the papers and of :func:`privauction.simulate`;
``MarkovRefresh(p)``
    before each auction it enters after its first, a bidder's value is redrawn from the prior
    with probability ``p`` and otherwise kept. The clock of the process is the bidder's own
    participations, not calendar time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_real

__all__ = ["MarkovRefresh", "as_value_process", "stream_uniforms", "BidderValues"]

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = (np.uint64(s) for s in (30, 27, 31, 11))
_TWO_M53 = 2.0**-53


def _splitmix64(state: np.ndarray) -> np.ndarray:
    """The SplitMix64 output function of a uint64 state array (wrapping arithmetic)."""
    z = state.copy()
    z ^= z >> _S30
    z *= _M1
    z ^= z >> _S27
    z *= _M2
    z ^= z >> _S31
    return z


def stream_uniforms(keys: np.ndarray, counters: np.ndarray) -> np.ndarray:
    """The ``counters``-th uniform in ``(0, 1)`` of the streams with keys ``keys`` (broadcast).

    Uses the top 53 bits of SplitMix64 output, offset by half a unit so 0 and 1 never occur.

    Examples
    --------
    >>> import numpy as np
    >>> u = stream_uniforms(np.array([1, 2], dtype=np.uint64), np.array([0, 0]))
    >>> bool(np.all((0 < u) & (u < 1))), bool(u[0] != u[1])
    (True, True)
    """
    with np.errstate(over="ignore"):
        state = keys.astype(np.uint64) + (counters.astype(np.uint64) + np.uint64(1)) * _GAMMA
        bits = _splitmix64(state) >> _S11
    return (bits.astype(np.float64) + 0.5) * _TWO_M53


@dataclass(frozen=True)
class MarkovRefresh:
    """Values that are redrawn from the prior with probability ``probability`` per participation.

    ``MarkovRefresh(0)`` is ``"persistent"``, ``MarkovRefresh(1)`` is ``"fresh"``.

    Parameters
    ----------
    probability : float in [0, 1]

    Examples
    --------
    >>> MarkovRefresh(0.1)
    MarkovRefresh(probability=0.1)
    >>> MarkovRefresh(0.0).kind, MarkovRefresh(1.0).kind, MarkovRefresh(0.5).kind
    ('persistent', 'fresh', 'markov')
    """

    probability: float

    def __post_init__(self):
        check_real(self.probability, "probability", lower=0.0, upper=1.0)

    @property
    def kind(self) -> str:
        """``"persistent"``, ``"fresh"`` or ``"markov"``."""
        if self.probability == 0.0:
            return "persistent"
        if self.probability == 1.0:
            return "fresh"
        return "markov"


def as_value_process(value_process) -> MarkovRefresh:
    """Normalise ``"persistent"``, ``"fresh"`` or a :class:`MarkovRefresh`."""
    if isinstance(value_process, MarkovRefresh):
        return value_process
    if isinstance(value_process, str):
        if value_process == "persistent":
            return MarkovRefresh(0.0)
        if value_process == "fresh":
            return MarkovRefresh(1.0)
        raise ValueError(
            "`value_process` must be 'persistent', 'fresh' or a MarkovRefresh(p); got "
            f"{value_process!r}"
        )
    raise TypeError(
        "`value_process` must be 'persistent', 'fresh' or a MarkovRefresh(p); got "
        f"{type(value_process).__name__}"
    )


def _group_positions(sorted_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group number and position inside the group of each entry of a sorted id array."""
    n = sorted_ids.shape[0]
    starts = np.ones(n, dtype=bool)
    starts[1:] = sorted_ids[1:] != sorted_ids[:-1]
    group = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    return group, np.arange(n) - first[group]


class BidderValues:
    """Mutable state of the population's values during one run (internal to the market).

    Parameters
    ----------
    prior : frozen scipy.stats distribution
    value_keys, refresh_keys : ndarray of uint64, shape (n_population,)
        Each bidder's two stream keys, from its spawned SeedSequence.
    process : MarkovRefresh
    """

    def __init__(self, prior, value_keys, refresh_keys, process: MarkovRefresh):
        self.prior = prior
        self.value_keys = value_keys
        self.refresh_keys = refresh_keys
        self.process = process
        n = value_keys.shape[0]
        self.n_entered = np.zeros(n, dtype=np.int64)  # participations so far
        self.last_draw = np.zeros(n, dtype=np.int64)  # stream index of the current value
        self._persistent = None
        if process.kind == "persistent":
            self._persistent = self._ppf(stream_uniforms(value_keys, np.zeros(n, np.int64)))

    def _ppf(self, u):
        return np.asarray(self.prior.ppf(u), dtype=float)

    def initial_values(self) -> np.ndarray:
        """Every bidder's value at its first participation (the persistent values)."""
        if self._persistent is not None:
            return self._persistent
        return self._ppf(stream_uniforms(self.value_keys, np.zeros(self.value_keys.size, np.int64)))

    def draw(self, bidders: np.ndarray) -> np.ndarray:
        """Values of the flat participant array ``bidders``, listed in auction order.

        A bidder listed several times (several auctions of the batch) gets its values in
        that order; the state advances so the next batch continues each bidder's process.
        """
        if self._persistent is not None:
            return self._persistent[bidders]
        order = np.argsort(bidders, kind="stable")
        sb = bidders[order]
        group, pos = _group_positions(sb)
        j = self.n_entered[sb] + pos  # each entry's participation ordinal
        if self.process.kind == "fresh":
            idx = j
        else:
            refresh = stream_uniforms(self.refresh_keys[sb], j) < self.process.probability
            refresh |= j == 0
            # Forward-fill the last refresh index within each bidder's run of entries; the
            # group number in the high bits keeps the running maximum inside the group.
            carry = self.last_draw[sb]
            code = (group.astype(np.int64) << 32) + np.where(refresh, j, carry)
            idx = np.maximum.accumulate(code) - (group.astype(np.int64) << 32)
        values_sorted = self._ppf(stream_uniforms(self.value_keys[sb], idx))
        # advance the state: the last entry of every group holds the bidder's latest state
        last = np.ones(sb.shape[0], dtype=bool)
        last[:-1] = sb[1:] != sb[:-1]
        self.n_entered[sb[last]] = j[last] + 1
        self.last_draw[sb[last]] = idx[last]
        values = np.empty_like(values_sorted)
        values[order] = values_sorted
        return values
