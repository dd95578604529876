"""Conditional laws of the price given the winner's value for the auction paper's mechanisms.

Each returns a :class:`~privauction.theory.PriceLaw`, the declaration the observer works from
(see :mod:`privauction.theory.posterior`). ``W`` is the highest of ``n`` values; given ``W = w``
the other ``n - 1`` values are i.i.d. from the prior truncated to ``[θ_low, w]`` (Step 2 of
Theorem 1's proof), which gives every law below.
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import check_int, check_real
from ..priors import expected_second_given_highest, support, validate_prior
from .posterior import PriceLaw

__all__ = ["spa_price_given_value", "k_price_given_value", "zero_k_price_given_value"]


def spa_price_given_value(prior, n_bidders: int, *, reserve: float | None = None) -> PriceLaw:
    """SPA price given ``W = w``: the second-highest value, or ``max(second, r)`` with a reserve.

    Density ``(n-1) f(p) F(p)^{n-2} / F(w)^{n-1}`` for ``r < p < w`` and, with a reserve ``r``
    (``ρ = F(r) > 0``), an atom ``(F(r) / F(w))^{n-1}`` at ``r``; a sale iff ``w >= r``. As a
    function of ``w`` the likelihood is ``c(p) 1{w >= p} / F(w)^{n-1}``, whence Eq. (11) of the
    auction paper (``truncation=True``).

    Examples
    --------
    >>> from scipy import stats
    >>> law = spa_price_given_value(stats.uniform(0, 1), 2, reserve=0.5)
    >>> law.atoms, float(law.atom_mass(0.5, 0.8))   # P(rival < 0.5 | rival < 0.8)
    ((0.5,), 0.625)
    """
    validate_prior(prior)
    n = check_int(n_bidders, "n_bidders", minimum=2)
    _, high = support(prior)
    r = None if reserve is None else check_real(reserve, "reserve")
    rho = 0.0 if r is None else float(prior.cdf(r))

    def density(p, w):
        p, w = np.asarray(p, dtype=float), np.asarray(w, dtype=float)
        Fp = np.asarray(prior.cdf(p), dtype=float)
        Fw = np.asarray(prior.cdf(w), dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            dens = (n - 1) * prior.pdf(p) * Fp ** (n - 2) / Fw ** (n - 1)
        inside = (p < w) if r is None else (p < w) & (p > r)
        return np.where(inside, dens, 0.0)

    def value_range(p):
        return np.asarray(p, dtype=float), high

    if rho <= 0:
        return PriceLaw(density=density, value_range=value_range, truncation=True)

    def atom_mass(p, w):
        w = np.asarray(w, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            mass = (rho / np.asarray(prior.cdf(w), dtype=float)) ** (n - 1)
        return np.where((w >= r) & (np.asarray(p) == r), np.minimum(mass, 1.0), 0.0)

    def sale(w):
        return (np.asarray(w, dtype=float) >= r).astype(float)

    return PriceLaw(density=density, atoms=(r,), atom_mass=atom_mass, sale_probability=sale,
                    value_range=value_range, kinks=(r,), truncation=True)


def k_price_given_value(prior, n_bidders: int, k: int, bid=None, *,
                        n_grid: int = 8193) -> PriceLaw:
    """k-price auction's price ``b(X_k)`` given ``W = w``, ``X_k`` the k-th highest value.

    Given ``W = w``, ``X_k`` is the ``(k-1)``-th highest of ``n - 1`` draws from ``F`` truncated
    to ``[θ_low, w]``, density ``C t^{n-k} (1 - t)^{k-2} f(x) / F(w)`` with ``t = F(x) / F(w)``
    and ``C = (n-1)! / ((k-2)! (n-k)!)``; the price density divides by ``b'(x)`` (Prop. 4's
    setting). ``bid`` is the increasing equilibrium bid function (None: truthful, ``b(x) = x``);
    it is inverted on ``n_grid`` quantiles.
    """
    validate_prior(prior)
    n = check_int(n_bidders, "n_bidders", minimum=2)
    k = check_int(k, "k", minimum=2)
    if k > n:
        raise ValueError(f"`k` must be an integer <= n_bidders ({n}); got {k}")
    _, high = support(prior)
    log_c = math.lgamma(n) - math.lgamma(k - 1) - math.lgamma(n - k + 1)
    if bid is None:
        def value_of(p):
            return np.asarray(p, dtype=float)

        def slope(x):
            return np.ones(np.shape(x))
    else:
        u = np.linspace(0.0, 1.0, n_grid)
        grid = np.asarray(prior.ppf(u), dtype=float)
        if not np.isfinite(grid[-1]):
            grid[-1] = float(prior.isf(1e-12))
        if not np.isfinite(grid[0]):
            grid[0] = float(prior.ppf(1e-12))
        bids = np.asarray(bid(grid), dtype=float)
        d_bid = np.gradient(bids, grid)

        def value_of(p):
            return np.interp(np.asarray(p, dtype=float), bids, grid)

        def slope(x):
            return np.interp(x, grid, d_bid)

    def density(p, w):
        x = value_of(p)
        w = np.asarray(w, dtype=float)
        Fw = np.asarray(prior.cdf(w), dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.asarray(prior.cdf(x), dtype=float) / Fw
            dens = np.exp(log_c) * t ** (n - k) * (1 - t) ** (k - 2) * prior.pdf(x) / Fw
            dens = dens / slope(x)
        return np.where(x < w, dens, 0.0)

    def value_range(p):
        return value_of(p), high

    return PriceLaw(density=density, value_range=value_range, truncation=(k == 2 and bid is None))


def zero_k_price_given_value(prior, n_bidders: int, K: float) -> PriceLaw:
    """{0,K} lottery (Section 4.1): price ``K`` w.p. ``α(w) = E[second | W = w] / K``, else 0.

    Examples
    --------
    >>> from scipy import stats
    >>> law = zero_k_price_given_value(stats.uniform(0, 1), 2, 2.0)
    >>> float(law.atom_mass(2.0, 0.5))   # E[second | W = 0.5] / K = 0.25 / 2
    0.125
    """
    validate_prior(prior)
    n = check_int(n_bidders, "n_bidders", minimum=2)
    K = check_real(K, "K", lower=0.0, lower_inclusive=False)

    def atom_mass(p, w):
        p, w = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(w, dtype=float))
        alpha = expected_second_given_highest(prior, n, w.ravel()).reshape(w.shape) / K
        return np.where(p == K, alpha, 1.0 - alpha)

    return PriceLaw(atoms=(0.0, K), atom_mass=atom_mass)
