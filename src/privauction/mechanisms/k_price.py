"""k-price and first-price auctions with their symmetric Bayes–Nash equilibrium bids
(Section 4.4 of the auction paper: Prop. 4 and Corollary 1).

Equilibrium of the k-price auction (k >= 3). By revenue equivalence a bidder's expected
payment equals the SPA's, which for every rival maximum ``Y1 = y`` requires
``E[b(Z) | Y1 = y] = y``, where ``Z`` is the (k-1)-th highest rival value. In quantile space
(``t = F(y)``, ``Q = F^{-1}``, ``β = b ∘ Q``) the other ``n - 2`` rivals are uniform on
``[0, t]`` and ``Z = Q(t B)`` with ``B ~ Beta(n - k + 1, k - 2)``, so
``∫_0^t β(s) s^{n-k} (t - s)^{k-3} ds = B(n-k+1, k-2) t^{n-2} Q(t)``: an Abel equation whose
solution is a (k-2)-th derivative. Expanding it with Leibniz' rule gives

``β(t) = Γ(n-k+1)/Γ(n-1) · Σ_{j=0}^{k-2} C(k-2, j) (n-2)!/(n-k+j)! · t^j Q^{(j)}(t)``.

For ``k = 3`` this is ``b(v) = v + F(v) / ((n-2) f(v))`` and for the uniform prior on
``[a, a+s]`` it is ``b(v) = v + (k-2)(v-a)/(n-k+1)``, the known closed forms. The bid exceeds
the value for ``k > 2`` (Monderer & Tennenholtz 2000, Theorem A), so ex-post IR fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate, stats

from .._validation import check_int
from ..priors import expected_second_highest, support, validate_prior
from ..theory.price_laws import k_price_given_value
from ..theory.spa import k_price_privacy_loss
from .base import Mechanism, kth_highest, top_two

__all__ = ["KPrice", "FirstPrice", "k_price_privacy_loss"]

_GRID = 8193


def _is_uniform(prior) -> bool:
    return getattr(prior.dist, "name", "") == "uniform"


def _end_order(prior, end: float, inward: float) -> int:
    """Order ``m`` of the zero of the density at a support end (``f ~ |x - end|^m``), 0..4."""
    step = 1e-6 * (inward - end)
    f1, f2 = prior.pdf(end + step), prior.pdf(end + 2 * step)
    if f1 <= 0 or f2 <= 0:
        return 4
    return int(np.clip(np.round(np.log2(f2 / f1)), 0, 4))


def _quantile_derivatives(prior, order: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """Quantiles ``t`` and ``[Q, t Q', t² Q'', ..., t^order Q^{(order)}]`` on an adapted grid.

    Where the density has a zero of order ``m`` at a support end, ``Q`` behaves like
    ``t^{1/(m+1)}`` there; the grid ``t = I_u(m_low + 1, m_high + 1)`` (regularised incomplete
    beta of a uniform ``u``) makes ``Q`` a smooth function of ``u`` at both ends, so finite
    differences in ``u`` stay accurate; where the density is positive at an end the grid is
    uniform there. ``Q' = 1 / f(Q)`` exactly; each further derivative is
    ``d/dt = (d/du) / t'(u)`` by second-order central differences.
    """
    low, high = support(prior)
    mid = float(prior.ppf(0.5))
    a = _end_order(prior, low, mid) + 1
    b = _end_order(prior, high, mid) + 1
    u_low = 0.0 if a == 1 else 1e-4
    u_high = 1.0 if b == 1 else 1.0 - 1e-4
    u = np.linspace(u_low, u_high, _GRID)
    grid = stats.beta(a, b)
    t = grid.cdf(u)
    upper = grid.sf(u)  # 1 - t without rounding
    dt_du = grid.pdf(u)
    q = np.where(t <= 0.5, prior.ppf(t), prior.isf(upper))
    out = [q]
    if order >= 1:
        with np.errstate(divide="ignore"):
            d = 1.0 / prior.pdf(q)
        out.append(t * d)
        for j in range(2, order + 1):
            d = np.gradient(d, u, edge_order=2) / dt_du
            out.append(t**j * d)
    return t, out


def _interp_on_values(values_grid, bids_grid):
    """Piecewise-linear bid function through the grid, extended linearly beyond its ends
    (a flat extension would make bidders above the grid tie)."""
    values_grid = np.asarray(values_grid)
    bids_grid = np.asarray(bids_grid)
    slope_low = (bids_grid[1] - bids_grid[0]) / (values_grid[1] - values_grid[0])
    slope_high = (bids_grid[-1] - bids_grid[-2]) / (values_grid[-1] - values_grid[-2])

    def bid(values):
        values = np.asarray(values, dtype=float)
        out = np.interp(values, values_grid, bids_grid)
        below, above = values < values_grid[0], values > values_grid[-1]
        if below.any() or above.any():
            out = np.where(below, bids_grid[0] + slope_low * (values - values_grid[0]), out)
            out = np.where(above, bids_grid[-1] + slope_high * (values - values_grid[-1]), out)
        return out

    return bid


@dataclass(frozen=True)
class KPrice(Mechanism):
    """k-price auction: the highest bidder wins and pays the k-th highest bid (Section 4.4).

    Bidders play the symmetric Bayes–Nash equilibrium. The winner's privacy loss is the MI of
    the highest and k-th highest values (prices are an increasing function of the k-th highest
    value), decreasing in ``k`` (Prop. 4); for ``k > 2`` the price exceeds the winner's value
    with positive probability (Corollary 1), which the simulator records
    (``Outcomes.ex_post_ir_violation_share``).

    Parameters
    ----------
    k : int
        Which bid the winner pays, ``k >= 2`` (``k = 2`` is the SPA; use :class:`FirstPrice`
        for ``k = 1``). Needs ``n_bidders >= k``.

    Examples
    --------
    >>> from scipy import stats
    >>> mech = KPrice(3)
    >>> float(mech.bid_function(stats.uniform(0, 1), 4)(0.5))  # b(v) = v (n-1)/(n-k+1)
    0.75
    """

    k: int = 2

    efficient = True
    deterministic_payments = True

    def __post_init__(self):
        k = check_int(self.k, "k", minimum=1)
        if k < 2:
            raise ValueError("`k` must be an integer >= 2 (use FirstPrice() for k = 1); got 1")
        object.__setattr__(self, "k", k)  # 3.0 -> 3, so the repr and indexing see an int

    @property
    def min_bidders(self) -> int:  # type: ignore[override]
        return max(2, self.k)

    @property
    def dsic(self) -> bool:  # type: ignore[override]
        return self.k == 2

    @property
    def strategy(self) -> str:
        return "truthful" if self.k == 2 else "equilibrium"

    @property
    def ex_post_ir(self) -> bool:  # type: ignore[override]
        return self.k == 2

    def check_compatible(self, prior, n_bidders: int) -> None:
        validate_prior(prior)
        n_bidders = check_int(n_bidders, "n_bidders", minimum=2)
        if n_bidders < self.k:
            raise ValueError(
                f"`n_bidders` must be >= k ({self.k}) for KPrice({self.k}); got {n_bidders}"
            )
        super().check_compatible(prior, n_bidders)
        if self.k >= 3:
            validate_prior(prior, bounded=True)

    def bid_function(self, prior, n_bidders: int):
        """Symmetric BNE bid function ``b(v)`` (closed form for uniform priors, else numeric).

        Numerically, ``β(t)`` of the module docstring is evaluated on 8193 quantiles, crowded
        towards a support end where the density vanishes (see ``_quantile_derivatives``), and
        interpolated linearly in the value; ``Q^{(j)}`` for ``j >= 2`` come from finite
        differences (relative error about 1e-6 for smooth densities, checked against the
        uniform closed form and by :meth:`deviation_gain`).
        """
        k, n = self.k, n_bidders
        if k == 2:
            return None
        low, high = support(prior)
        if _is_uniform(prior):
            slope = (k - 2) / (n - k + 1)
            return lambda v: v + slope * (v - low)
        t, derivs = _quantile_derivatives(prior, k - 2)
        beta = np.zeros_like(t)
        for j in range(k - 1):
            coef = math.comb(k - 2, j) * math.exp(
                math.lgamma(n - 1) - math.lgamma(n - k + j + 1)
            )
            beta += coef * derivs[j]
        beta *= math.exp(math.lgamma(n - k + 1) - math.lgamma(n - 1))
        values = derivs[0]
        if t[0] > 0:  # the grid stops short of the bottom: there t^j Q^(j) -> 0 and b = θ_low
            values, beta = np.concatenate([[low], values]), np.concatenate([[low], beta])
        return _interp_on_values(values, beta)

    def deviation_gain(self, prior, n_bidders: int, values, n_deviations: int = 201):
        """Largest expected gain of a bidder who deviates from the equilibrium bid.

        For each value ``v`` in ``values``, the expected utility of bidding ``b(v')`` for
        ``v'`` on a grid of ``n_deviations`` quantiles, when the ``n - 1`` rivals bid ``b``,
        is computed by Gauss–Legendre quadrature (``E[(v - b(Z)) 1{Y1 < v'}]``, ``Y1`` the
        highest and ``Z`` the (k-1)-th highest rival). Returns ``max_v' U(v, v') - U(v, v)``
        per value: zero (up to quadrature error) in equilibrium.
        """
        n, k = n_bidders, self.k
        bid = self.bid_function(prior, n) or (lambda v: v)
        values = np.atleast_1d(np.asarray(values, dtype=float))
        nodes, weights = np.polynomial.legendre.leggauss(96)
        x = (nodes + 1) / 2  # quadrature on [0, 1]
        wx = weights / 2
        # E[b(Z) | Y1 at quantile s] = E_B[b(Q(s B))], B ~ Beta(n-k+1, k-2) (k >= 3),
        # Z = Y1 itself when k = 2.
        s_grid = np.linspace(0, 1, 801)[1:]
        if k == 2:
            cond_pay = bid(prior.ppf(s_grid))
        else:
            b_nodes = stats.beta(n - k + 1, k - 2).ppf(x)
            cond_pay = np.array([np.sum(wx * bid(prior.ppf(s * b_nodes))) for s in s_grid])
        s_grid = np.concatenate([[0.0], s_grid])
        cond_pay = np.concatenate([[bid(prior.ppf(0.0))], cond_pay])
        dev_q = np.linspace(0, 1, n_deviations)

        def utility(v, upper_q):
            s = upper_q * x
            dens = (n - 1) * s ** (n - 2)
            return upper_q * np.sum(wx * dens * (v - np.interp(s, s_grid, cond_pay)))

        gains = []
        for v in values:
            own = utility(v, float(prior.cdf(v)))
            best = max(utility(v, q) for q in dev_q)
            gains.append(max(best - own, 0.0))
        return np.array(gains)

    def run(self, bids, rng):
        winner, _, second = top_two(bids, rng)
        price = second if self.k == 2 else kth_highest(bids, self.k)
        return winner, price

    def price_law(self, prior, n_bidders: int):
        """The equilibrium bid of the k-th highest value, given the highest value."""
        self.check_compatible(prior, n_bidders)
        return k_price_given_value(prior, n_bidders, self.k, self.bid_function(prior, n_bidders))

    def privacy_loss(self, prior, n_bidders: int) -> float:
        """Closed form of :func:`k_price_privacy_loss` (exact; prior-free)."""
        self.check_compatible(prior, n_bidders)
        return k_price_privacy_loss(n_bidders, self.k)

    def expected_revenue(self, prior, n_bidders: int) -> float:
        """``E[second-highest value]``, by revenue equivalence (efficient BNE)."""
        self.check_compatible(prior, n_bidders)
        return expected_second_highest(prior, n_bidders)


@dataclass(frozen=True)
class FirstPrice(Mechanism):
    """First-price auction with its symmetric BNE bids ``b(v) = E[Y1 | Y1 < v]``.

    ``Y1`` is the highest of the other ``n - 1`` values, so
    ``b(v) = v - ∫_{θ_low}^{v} F(s)^{n-1} ds / F(v)^{n-1}`` (closed form
    ``a + (n-1)(v-a)/n`` for the uniform prior on ``[a, a+s]``). The price is a strictly
    increasing function of the winner's value, so it reveals the value: infinite privacy loss.
    """

    efficient = True
    dsic = False
    ex_post_ir = True
    deterministic_payments = True

    def bid_function(self, prior, n_bidders: int):
        """BNE bids; numeric for non-uniform priors (cumulative Simpson on 8193 quantiles,
        absolute error below 1e-8 on smooth priors; checked against the uniform closed form)."""
        n = n_bidders
        low, _ = support(prior)
        if _is_uniform(prior):
            return lambda v: low + (n - 1) * (v - low) / n
        t = np.linspace(0.0, 1.0, _GRID)
        t[-1] = 1 - 1e-12
        v = prior.ppf(t)
        # ∫ F(s)^{n-1} ds over [low, v(t)], by cumulative Simpson in v (grid at quantiles t).
        Fv = t ** (n - 1)
        cum = integrate.cumulative_simpson(Fv, x=v, initial=0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            b = np.where(t > 0, v - cum / Fv, low)
        return _interp_on_values(v, b)

    def run(self, bids, rng):
        winner, highest, _ = top_two(bids, rng)
        return winner, highest

    def privacy_loss(self, prior, n_bidders: int) -> float:
        """``math.inf``: the price ``b(W)`` is strictly increasing in W and reveals it."""
        self.check_compatible(prior, n_bidders)
        return math.inf

    def expected_revenue(self, prior, n_bidders: int) -> float:
        """``E[second-highest value]`` by revenue equivalence."""
        self.check_compatible(prior, n_bidders)
        return expected_second_highest(prior, n_bidders)
