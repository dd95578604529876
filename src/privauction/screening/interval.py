"""Interval mechanisms: a partition of the types into intervals, priced by Eqs. (2)–(5).

Lemma 1 of the second paper: any κ-feasible mechanism can be replaced by an *interval
mechanism* with the same profit, in which each type reports the interval holding it. Given the
cutoffs ``θ_low = θ_0 < θ_1 < ... < θ_n = θ_high``:

* quantities, Eq. (3): ``c'(q_i) = E[v(θ) | θ ∈ [θ_{i-1}, θ_i]]``;
* prices, Eq. (4): ``p_i = q_i θ_{i-1} - Σ_{j<i} (θ_j - θ_{j-1}) q_j`` (local IC, IR binding at
  ``θ_low``);
* profit, Eq. (2): ``Σ_i [q_i ∫ v f - c(q_i) · mass_i]``;
* ex-ante privacy loss, Eq. (5): the Shannon entropy ``-Σ mass_i log mass_i`` of the masses;
* ex-post privacy loss (Definition 2): ``max_i -log mass_i``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._validation import check_real_array
from ..theory.menu import menu_entropy
from .model import ScreeningModel, screening_model

__all__ = ["IntervalMenu", "interval_mechanism", "entropy", "build_menu"]

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(48)


# Eq. (5), the menu entropy, has its one home in theory; `entropy` is its name here.
entropy = menu_entropy


#: Most cutoffs :func:`interval_mechanism` takes (each interval costs a quadrature).
MAX_CUTOFFS = 10**5

@dataclass(frozen=True, eq=False, repr=False)
class IntervalMenu:
    """An interval mechanism (Lemma 1) with its menu and the paper's measures.

    Attributes
    ----------
    cutoffs : ndarray, shape (n + 1,)
        ``θ_0 = θ_low < ... < θ_n = θ_high``.
    quantiles : ndarray, shape (n + 1,)
        ``F(θ_i)``.
    masses : ndarray, shape (n,)
        Prior probability of each interval, ``g_M`` of Eq. (5).
    mean_virtual_values : ndarray, shape (n,)
        ``E[v | interval]``, the right side of Eq. (3).
    quantities, prices : ndarray, shape (n,)
        The menu, Eqs. (3) and (4); item ``i`` is meant for the ``i``-th interval.
    profit : float
        Expected profit, Eq. (2).
    buyer_surplus, welfare : float
        Expected buyer utility ``E[q θ - p]`` by Eq. (16), and ``profit + buyer_surplus``
        (Section 4.4).
    privacy_loss : float
        Ex-ante privacy loss, Eq. (5), nats.
    ex_post_privacy_loss : float
        Largest KL of a posterior from the prior, ``max -log mass`` (Definition 2).
    model : ScreeningModel
        The validated prior and cost.
    """

    cutoffs: np.ndarray
    quantiles: np.ndarray
    masses: np.ndarray
    mean_virtual_values: np.ndarray
    quantities: np.ndarray
    prices: np.ndarray
    profit: float
    buyer_surplus: float
    welfare: float
    privacy_loss: float
    ex_post_privacy_loss: float
    model: ScreeningModel = field(repr=False)

    @property
    def n_intervals(self) -> int:
        return int(self.masses.size)

    @property
    def menu(self) -> np.ndarray:
        """The menu as an ``(n, 2)`` array of ``(quantity, price)`` items."""
        return np.column_stack([self.quantities, self.prices])

    def interval_of(self, theta) -> np.ndarray:
        """Index of the interval holding each type (the truthful report of Lemma 1)."""
        theta = np.asarray(theta, dtype=float)
        return np.clip(np.searchsorted(self.cutoffs, theta, side="right") - 1, 0,
                       self.n_intervals - 1)

    def __repr__(self) -> str:
        cut = ", ".join(f"{c:.4g}" for c in self.cutoffs)
        return (
            f"{type(self).__name__}(n_intervals={self.n_intervals}, cutoffs=[{cut}], "
            f"profit={self.profit:.6g}, privacy_loss={self.privacy_loss:.6g})"
        )


def _survival_integrals(model: ScreeningModel, theta: np.ndarray) -> np.ndarray:
    """``∫ (1 - F(θ)) dθ`` over each interval (48-point Gauss–Legendre in θ; ``1 - F`` is as
    smooth as the density, unlike ``F^{-1}`` near a zero of ``f``)."""
    a, b = theta[:-1, None], theta[1:, None]
    t = 0.5 * (b - a) * _GL_NODES[None, :] + 0.5 * (a + b)
    vals = np.asarray(model.prior.sf(t), dtype=float)
    return 0.5 * (b[:, 0] - a[:, 0]) * (vals @ _GL_WEIGHTS)


def build_menu(model: ScreeningModel, u, cls=IntervalMenu, **extra) -> IntervalMenu:
    """The interval mechanism of quantile cutoffs ``u`` (ends included) under ``model``."""
    u = np.asarray(u, dtype=float)
    theta, mass, mean_v = model.interval_moments(u)
    cost = model.cost
    q = cost.quantity(mean_v)
    lengths = np.diff(theta)
    rent = np.concatenate([[0.0], np.cumsum(lengths * q)[:-1]])
    prices = q * theta[:-1] - rent
    # Eq. (2) as Σ_i [q_i ∫ v f - c(q_i) mass_i], with ∫ v f = mass · E v
    profit = float(np.sum(q * mean_v * mass - cost(q) * mass))
    # Eq. (16): ex-ante buyer surplus ∫ q(θ) (1 - F(θ)) dθ (envelope theorem, IR binding at
    # θ_low); it equals E[q θ - p] under the prices of Eq. (4).
    buyer_surplus = float(np.sum(q * _survival_integrals(model, theta)))
    return cls(
        cutoffs=theta,
        quantiles=u,
        masses=mass,
        mean_virtual_values=mean_v,
        quantities=q,
        prices=prices,
        profit=profit,
        buyer_surplus=buyer_surplus,
        welfare=profit + buyer_surplus,
        privacy_loss=entropy(mass),
        ex_post_privacy_loss=(float(np.max(-np.log(mass))) + 0.0) if np.all(mass > 0)
        else np.inf,
        model=model,
        **extra,
    )


def interval_mechanism(prior, cutoffs, *, cost=None) -> IntervalMenu:
    """The interval mechanism with the given cutoffs (Lemma 1, Eqs. (2)–(5)).

    Parameters
    ----------
    prior : frozen continuous scipy.stats distribution
        Bounded support, density > 0, increasing virtual value with ``v(θ_low) >= 0``.
    cutoffs : array_like
        Increasing cutoffs. The support's ends are added when missing, so ``[1.5]`` on
        ``[1, 2]`` means the two intervals ``[1, 1.5]`` and ``[1.5, 2]``.
    cost : Cost, callable or (c, c') pair, optional
        Production cost; ``q²/2`` by default.

    Returns
    -------
    IntervalMenu

    Examples
    --------
    Uniform on [1, 2], quadratic cost, two equal intervals: ``q = E[2θ - 2]``:

    >>> from scipy import stats
    >>> m = interval_mechanism(stats.uniform(1, 1), [1.5])
    >>> m.quantities.round(6).tolist(), m.prices.round(6).tolist()
    ([0.5, 1.5], [0.5, 2.0])
    >>> round(m.profit, 10), round(m.privacy_loss, 10)  # 1/2 + 1/6 - (1/6)(2 / 8); log 2
    (0.625, 0.6931471806)
    """
    if isinstance(cutoffs, (str, bytes)):
        raise TypeError(f"`cutoffs` must be an array of numbers; got {cutoffs!r}")
    if hasattr(cutoffs, "__len__") and len(cutoffs) > MAX_CUTOFFS:
        raise ValueError(f"`cutoffs` must hold at most {MAX_CUTOFFS} values; got {len(cutoffs)}")
    c = check_real_array(cutoffs, "cutoffs", ndim=None).ravel()
    if c.size > MAX_CUTOFFS:
        raise ValueError(f"`cutoffs` must hold at most {MAX_CUTOFFS} values; got {c.size}")
    model = screening_model(prior, cost, warn=False)
    if c.size == 0 or c[0] > model.low:
        c = np.concatenate([[model.low], c])
    if c[-1] < model.high:
        c = np.concatenate([c, [model.high]])
    if c[0] < model.low or c[-1] > model.high:
        raise ValueError(
            f"`cutoffs` must lie in the support [{model.low:g}, {model.high:g}]; got "
            f"[{c[0]:g}, {c[-1]:g}]"
        )
    if np.any(np.diff(c) <= 0):
        raise ValueError("`cutoffs` must be strictly increasing")
    u = np.asarray(model.prior.cdf(c), dtype=float)
    u[0], u[-1] = 0.0, 1.0
    return build_menu(model, u)
