"""Simulated buyers choosing from a menu, and the seller-observer's posterior.

A buyer of type θ facing a menu of ``(q_k, p_k)`` items picks ``argmax_k q_k θ - p_k`` or opts
out (utility 0). The chosen item is an upper-envelope problem over lines of slope ``q_k``: the
envelope's breakpoints split the types into cells, and each type's choice is found by binary
search, ``O(n_buyers log K)`` with no ``n_buyers × K`` matrix. Under an interval mechanism
(Lemma 1) the cells are exactly the intervals, so the seller who sees the chosen item learns
the interval holding θ: the posterior is the prior restricted to that cell, its KL from the
prior is ``-log F(cell)`` and the ex-ante privacy loss is Eq. (5), the entropy of the cell
masses. Here this is *measured*: by plug-in entropy of the observed choice frequencies (with a
delta-method interval) and, when available, by the mutual-information estimators of
:mod:`privauction.estimators` on the pairs ``(θ, price)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from .._validation import (
    check_budget,
    check_int,
    check_limit,
    check_probability,
    check_real_array,
    check_rng,
)
from ..estimators import Estimate
from ..mechanisms.base import Mechanism
from ..priors import validate_prior
from .interval import IntervalMenu

__all__ = [
    "MenuMechanism",
    "menu_envelope",
    "choose",
    "BuyerOutcomes",
    "simulate_buyers",
    "plugin_entropy",
    "estimate_mi",
]


#: Default memory budget of :func:`simulate_buyers` (bytes) and the bytes one buyer holds
#: (nine float64 / intp arrays of the outcome plus temporaries).
MAX_MEMORY = 4 * 2**30
BYTES_PER_BUYER = 128

def menu_envelope(quantities, prices):
    """Upper envelope of the buyer's utility lines ``q_k θ - p_k`` and the opt-out line 0.

    Returns ``(items, breaks)``: the items on the envelope in increasing order of ``q``
    (``-1`` is opting out) and the ``len(items) - 1`` types at which the choice switches.
    Only ``θ >= 0`` matters; items never chosen are dropped.

    Examples
    --------
    >>> items, breaks = menu_envelope([0.5, 1.5], [0.5, 2.0])
    >>> items.tolist(), breaks.tolist()
    ([-1, 0, 1], [1.0, 1.5])
    """
    q = check_real_array(quantities, "quantities", ndim=None)
    p = check_real_array(prices, "prices", ndim=None)
    if q.shape != p.shape or q.ndim != 1:
        raise ValueError("`quantities` and `prices` must be 1-d arrays of the same length")
    slopes = np.concatenate([[0.0], q])
    icpts = np.concatenate([[0.0], -p])
    ids = np.concatenate([[-1], np.arange(q.size)])
    # same slope: keep the highest intercept (the cheapest item)
    order = np.lexsort((-icpts, slopes))
    hull: list[int] = []
    for j in order:
        if hull and slopes[hull[-1]] == slopes[j]:
            continue
        while hull:
            k = hull[-1]
            # x where line j overtakes k
            x_jk = (icpts[k] - icpts[j]) / (slopes[j] - slopes[k])
            if len(hull) >= 2:
                i = hull[-2]
                x_ki = (icpts[i] - icpts[k]) / (slopes[k] - slopes[i])
                if x_jk <= x_ki:
                    hull.pop()
                    continue
            break
        hull.append(j)
    hull_arr = np.array(hull)
    breaks = (icpts[hull_arr[:-1]] - icpts[hull_arr[1:]]) / (slopes[hull_arr[1:]] -
                                                             slopes[hull_arr[:-1]])
    # drop lines that are on top only for θ < 0
    keep = np.ones(hull_arr.size, dtype=bool)
    neg = np.flatnonzero(breaks <= 0.0)
    if neg.size:
        keep[: neg[-1] + 1] = False
    hull_arr = hull_arr[keep]
    breaks = breaks[neg[-1] + 1:] if neg.size else breaks
    return ids[hull_arr], breaks


def choose(quantities, prices, theta) -> np.ndarray:
    """Utility-maximising item of each type (``-1``: opt out), vectorised.

    Types exactly at a breakpoint (a null set) take the higher item.

    Examples
    --------
    >>> choose([0.5, 1.5], [0.5, 2.0], [0.9, 1.2, 1.7]).tolist()
    [-1, 0, 1]
    """
    items, breaks = menu_envelope(quantities, prices)
    theta = check_real_array(theta, "theta", ndim=None)
    return items[np.searchsorted(breaks, theta, side="right")]


@dataclass(frozen=True, eq=False)
class MenuMechanism(Mechanism):
    """A menu of ``(quantity, price)`` items for a single buyer, usable by the simulator.

    With ``n_bidders = 1`` the "bid" is the buyer's type θ; ``run`` returns winner 0 when the
    buyer takes an item with positive quantity, ``-1`` when they opt out, and the price of
    the item. ``privauction.simulate(MenuMechanism.from_menu(m), prior, 1, n)`` then gives
    ``Outcomes`` whose ``(winner_value, price)`` pairs are ``(θ, chosen price)``.

    Parameters
    ----------
    quantities, prices : tuple of float
    """

    quantities: tuple = ()
    prices: tuple = ()
    min_bidders = 1
    deterministic_payments = True

    @classmethod
    def from_menu(cls, menu: IntervalMenu) -> MenuMechanism:
        """The menu of an interval mechanism (e.g. the result of ``optimal_menu``)."""
        return cls(tuple(float(q) for q in menu.quantities),
                   tuple(float(p) for p in menu.prices))

    def __post_init__(self):
        for name in ("quantities", "prices"):
            value = getattr(self, name)
            if isinstance(value, (str, bytes)):
                raise TypeError(f"`{name}` must be a tuple of numbers; got {value!r}")
            arr = check_real_array(value, name, ndim=1)
            object.__setattr__(self, name, tuple(float(x) for x in arr))
        if len(self.quantities) != len(self.prices):
            raise ValueError(
                "`quantities` and `prices` must have the same length; got "
                f"{len(self.quantities)} and {len(self.prices)}"
            )

    def check_compatible(self, prior, n_bidders: int) -> None:
        validate_prior(prior)
        if n_bidders != 1:
            raise ValueError(f"`n_bidders` must be 1 for a screening menu; got {n_bidders}")
        if len(self.quantities) != len(self.prices) or not self.quantities:
            raise ValueError("`quantities` and `prices` must be non-empty and of equal length")

    def run(self, bids, rng):
        theta = bids[:, 0]
        item = choose(self.quantities, self.prices, theta)
        q = np.asarray(self.quantities, dtype=float)
        p = np.asarray(self.prices, dtype=float)
        buys = (item >= 0) & (q[np.maximum(item, 0)] > 0)
        winner = np.where(buys, 0, -1)
        price = np.where(buys, p[np.maximum(item, 0)], np.nan)
        return winner, price

    def __repr__(self) -> str:
        return f"MenuMechanism(n_items={len(self.quantities)})"


@dataclass(frozen=True, eq=False, repr=False)
class BuyerOutcomes:
    """Simulated buyers facing an interval mechanism's menu.

    Attributes
    ----------
    theta : ndarray
        Types, i.i.d. from the prior.
    choice : ndarray of int
        Chosen item (``-1`` opted out).
    intended : ndarray of int
        The interval holding θ (Lemma 1's truthful report).
    quantity, price : ndarray
        Of the chosen item (0 when opting out).
    posterior_low, posterior_high : ndarray
        The observer's posterior support after seeing the choice: the cell of types that
        choose that item; the posterior is the prior restricted to it.
    kl : ndarray
        ``D_KL(posterior || prior) = -log F(cell)`` for each buyer (Eq. (1) for an interval).
    cell_masses : ndarray
        Prior mass of each item's cell, in item order (0 for an item nobody takes).
    menu : IntervalMenu
    """

    theta: np.ndarray
    choice: np.ndarray
    intended: np.ndarray
    quantity: np.ndarray
    price: np.ndarray
    posterior_low: np.ndarray
    posterior_high: np.ndarray
    kl: np.ndarray
    cell_masses: np.ndarray
    menu: IntervalMenu = field(repr=False)

    @property
    def n_buyers(self) -> int:
        return int(self.theta.size)

    @property
    def match_share(self) -> float:
        """Share of buyers whose choice is the interval holding their type."""
        return float(np.mean(self.choice == self.intended))

    @property
    def mean_kl(self) -> float:
        """Average posterior KL: the simulated ex-ante privacy loss (Definition 1)."""
        return float(np.mean(self.kl))

    def __repr__(self) -> str:
        return (f"BuyerOutcomes(n_buyers={self.n_buyers}, match_share={self.match_share:.6g}, "
                f"mean_kl={self.mean_kl:.6g})")


def simulate_buyers(menu: IntervalMenu, n_buyers: int, *, rng=None,
                    max_memory: float | None = MAX_MEMORY) -> BuyerOutcomes:
    """Draw ``n_buyers`` types from the menu's prior and let each pick from the menu.

    Parameters
    ----------
    menu : IntervalMenu
        An interval mechanism, e.g. from :func:`~privauction.screening.optimal_menu`.
    n_buyers : int
    rng : None, int, SeedSequence or Generator
    max_memory : float or None
        Memory budget in bytes (default 4 GiB; about 128 bytes per buyer); None lifts it.
        Past it a :class:`~privauction._validation.WorkBudgetError` is raised before any draw.

    Returns
    -------
    BuyerOutcomes

    Examples
    --------
    >>> from scipy import stats
    >>> from privauction.screening import interval_mechanism
    >>> out = simulate_buyers(interval_mechanism(stats.uniform(1, 1), [1.5]), 1000, rng=0)
    >>> out.match_share
    1.0
    """
    if not isinstance(menu, IntervalMenu):
        raise TypeError(f"`menu` must be an IntervalMenu; got {type(menu).__name__}")
    n_buyers = check_int(n_buyers, "n_buyers", minimum=1)
    check_budget(
        n_buyers * BYTES_PER_BUYER, check_limit(max_memory, "max_memory"),
        what=f"`n_buyers` = {n_buyers}", unit="bytes",
        advice="simulate fewer buyers per call (several calls with independent seeds), or pass "
               "a larger `max_memory` (None for no limit)",
    )
    gen = check_rng(rng)
    prior = menu.model.prior
    theta = np.asarray(prior.rvs(size=n_buyers, random_state=gen), dtype=float)
    items, breaks = menu_envelope(menu.quantities, menu.prices)
    cell = np.searchsorted(breaks, theta, side="right")
    choice = items[cell]
    edges = np.concatenate([[menu.model.low], np.clip(breaks, menu.model.low, menu.model.high),
                            [menu.model.high]])
    cdf = np.asarray(prior.cdf(edges), dtype=float)
    cdf[0], cdf[-1] = 0.0, 1.0
    cell_mass = np.diff(cdf)
    k = menu.n_intervals
    cell_masses = np.zeros(k)
    on = items >= 0
    cell_masses[items[on]] = cell_mass[on]
    bought = choice >= 0
    quantity = np.where(bought, menu.quantities[np.maximum(choice, 0)], 0.0)
    price = np.where(bought, menu.prices[np.maximum(choice, 0)], 0.0)
    with np.errstate(divide="ignore"):
        kl = -np.log(cell_mass[cell])
    return BuyerOutcomes(
        theta=theta,
        choice=choice,
        intended=menu.interval_of(theta),
        quantity=quantity,
        price=price,
        posterior_low=edges[cell],
        posterior_high=edges[cell + 1],
        kl=kl,
        cell_masses=cell_masses,
        menu=menu,
    )


def plugin_entropy(labels, *, confidence: float = 0.95) -> Estimate:
    """Entropy of the empirical distribution of ``labels``, nats, with a CLT interval.

    ``Ĥ = -Σ p̂ log p̂ + (K - 1) / (2 N)`` (Miller–Madow bias correction, ``K`` observed
    labels); its delta-method variance is ``(Σ p̂ (log p̂)² - Ĥ_plugin²) / N``. When the
    chosen item is a function of the type's interval, ``MI(θ; item) = H(item)`` exactly, so
    this estimates Eq. (5).

    Returns
    -------
    Estimate
        The package's one estimate type (:class:`privauction.estimators.Estimate`): the
        Miller–Madow estimate, its delta-method interval at ``confidence`` (``level``), the
        delta-method ``std_error`` and ``n`` labels.

    Examples
    --------
    >>> e = plugin_entropy(np.repeat([0, 1], 5000))
    >>> round(e.estimate, 4)  # log 2 + 1 / 20000
    0.6932
    """
    confidence = check_probability(confidence, "confidence")
    labels = np.asarray(labels).ravel()
    n = labels.size
    if n == 0:
        raise ValueError("`labels` must hold at least one label; got an empty array")
    _, counts = np.unique(labels, return_counts=True)
    p = counts / n
    logp = np.log(p)
    h = float(-np.sum(p * logp))
    var = max(float(np.sum(p * logp**2)) - h * h, 0.0) / n
    h_mm = h + (counts.size - 1) / (2.0 * n)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    se = math.sqrt(var)
    return Estimate(h_mm, h_mm - z * se, h_mm + z * se, n,
                    "plug-in entropy (Miller-Madow), delta-method CI", confidence, se)


def estimate_mi(theta, price, method: str, **options):
    """``MI(θ; price)`` with :func:`privauction.estimators.mutual_information`, or None.

    ``options`` are passed on (e.g. ``bins`` for ``"binned"``). Returns None when the
    estimators package (or that method) is not available, so callers can fall back to
    :func:`plugin_entropy`.
    """
    if not isinstance(method, str):
        raise TypeError(f"`method` must be a string; got {method!r}")
    try:
        from ..estimators._api import METHODS
    except ImportError:
        METHODS = None
    if METHODS is not None and method not in METHODS:
        raise ValueError(f"`method` must be one of {sorted(METHODS)}; got {method!r}")
    try:
        from ..estimators import mutual_information  # type: ignore[attr-defined]
    except ImportError:
        try:
            from ..estimators._api import mutual_information
        except ImportError:
            return None
    try:
        return float(mutual_information(theta, price, method=method, **options))
    except (ValueError, TypeError, NotImplementedError):
        return None
