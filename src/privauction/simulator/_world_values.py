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


# --------------------------------------------------------------------------------------------
# Spawning one SeedSequence per bidder, vectorised over bidders.
#
# ``SeedSequence(entropy, spawn_key=key + (i,)).generate_state(...)`` costs ~8 µs per bidder in
# a Python loop (0.8 s for 10^5 bidders). Its algorithm (O'Neill's seed_seq_fe, as numpy
# implements it) is a fixed sequence of 32-bit multiply/xor-shift steps in which the bidder
# index ``i`` enters only as the last entropy word, so everything before that word is shared
# and the rest vectorises over ``i``. :func:`spawned_states` computes exactly what numpy
# computes and checks itself against numpy on the first and last bidder, falling back to the
# loop if a future numpy changed the algorithm.

_MASK32 = 0xFFFFFFFF
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715


def _words(x) -> list[int]:
    """Non-negative int (or sequence of them) as 32-bit words, lowest first (numpy's rule)."""
    if isinstance(x, (list, tuple, np.ndarray)):
        return [w for v in x for w in _words(int(v))]
    x = int(x)
    if x == 0:
        return [0]
    out = []
    while x > 0:
        out.append(x & _MASK32)
        x >>= 32
    return out


class _Hash:
    """The running multiplier of the entropy hash (it advances on every call, data-free)."""

    def __init__(self, init: int):
        self.const = init

    def mix_in(self, value):
        value = value ^ self.const
        self.const = (self.const * _MULT_A) & _MASK32
        value = (value * self.const) & _MASK32
        return value ^ (value >> 16)


def _mix(x, y):
    r = (_MIX_L * x - _MIX_R * y) & _MASK32
    return r ^ (r >> 16)


def spawned_states(root: np.random.SeedSequence, prefix: tuple[int, ...], n: int,
                   n_words: int = 2) -> np.ndarray:
    """``SeedSequence(root.entropy, spawn_key=root.spawn_key + prefix + (i,),
    pool_size=root.pool_size).generate_state(n_words, np.uint64)`` for ``i < n``, shape
    ``(n, n_words)``, computed vectorised over ``i``.

    Examples
    --------
    >>> root = np.random.SeedSequence(2026)
    >>> s = spawned_states(root, (3,), 5)
    >>> ref = np.random.SeedSequence(2026, spawn_key=(3, 4)).generate_state(2, np.uint64)
    >>> bool(np.array_equal(s[4], ref))
    True
    """
    pool_size = root.pool_size
    run = _words(root.entropy)
    run += [0] * max(0, pool_size - len(run))  # numpy pads when there is a spawn key
    head = run + _words(tuple(root.spawn_key) + tuple(prefix))
    h = _Hash(_INIT_A)
    pool = [h.mix_in(head[k]) if k < len(head) else h.mix_in(0) for k in range(pool_size)]
    for src in range(pool_size):
        for dst in range(pool_size):
            if src != dst:
                pool[dst] = _mix(pool[dst], h.mix_in(pool[src]))
    for word in head[pool_size:]:
        for dst in range(pool_size):
            pool[dst] = _mix(pool[dst], h.mix_in(word))
    # the bidder index: the last entropy word (one word while i < 2^32)
    if n > _MASK32:
        raise ValueError(f"`n_population` must be below 2^32; got {n}")
    with np.errstate(over="ignore"):
        i = np.arange(n, dtype=np.uint64)
        mixers = np.empty((n, pool_size), dtype=np.uint64)
        for dst in range(pool_size):
            v = (i ^ np.uint64(h.const)) & np.uint64(_MASK32)
            h.const = (h.const * _MULT_A) & _MASK32
            v = (v * np.uint64(h.const)) & np.uint64(_MASK32)
            v ^= v >> np.uint64(16)
            r = (np.uint64(_MIX_L) * np.uint64(pool[dst]) - np.uint64(_MIX_R) * v)
            r &= np.uint64(_MASK32)
            mixers[:, dst] = r ^ (r >> np.uint64(16))
        out32 = np.empty((n, 2 * n_words), dtype=np.uint64)
        const = _INIT_B
        for k in range(2 * n_words):
            v = mixers[:, k % pool_size] ^ np.uint64(const)
            const = (const * _MULT_B) & _MASK32
            v = (v * np.uint64(const)) & np.uint64(_MASK32)
            out32[:, k] = v ^ (v >> np.uint64(16))
    states = out32[:, 0::2] | (out32[:, 1::2] << np.uint64(32))  # little-endian word pairs
    for j in {0, n - 1} if n else ():
        ref = np.random.SeedSequence(
            root.entropy, spawn_key=tuple(root.spawn_key) + tuple(prefix) + (j,),
            pool_size=pool_size,
        ).generate_state(n_words, np.uint64)
        if not np.array_equal(states[j], ref):  # numpy changed its algorithm: loop instead
            return np.stack([
                np.random.SeedSequence(
                    root.entropy, spawn_key=tuple(root.spawn_key) + tuple(prefix) + (k,),
                    pool_size=pool_size,
                ).generate_state(n_words, np.uint64) for k in range(n)
            ]) if n else np.empty((0, n_words), np.uint64)
    return states
