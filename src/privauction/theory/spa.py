"""Closed forms of the second-price and k-price auctions (auction paper, Sections 4.2–4.4).

One home each:

* :func:`spa_privacy_loss` — Eq. (9), ``MI_SPA(n) = H_{n-1} - log n``, in the digamma form
  ``ψ(n) + γ - log n`` (constant time for any ``n``; its limit is Eq. (10), Euler's γ);
* :func:`spa_posterior_kl` — the KL divergence of the posterior of Eq. (11) from the prior of the
  winner's value, after one SPA price (with or without a reserve);
* :func:`reserve_spa_conditional_mi` — ``MI(W; P | sale)`` of the SPA with a reserve (Theorem 2),
  the mean of :func:`spa_posterior_kl` over the price;
* :func:`k_price_privacy_loss` — ``MI`` of the highest and the k-th highest of ``n`` draws
  (Prop. 4), which is Eq. (9) plus a k-correction.

All of them depend on the prior only through quantiles, so they take quantiles, not priors.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, special

from .._validation import check_int, check_real, check_real_array

__all__ = [
    "spa_privacy_loss",
    "spa_posterior_kl",
    "reserve_spa_conditional_mi",
    "k_price_privacy_loss",
]


def spa_privacy_loss(n_bidders: int) -> float:
    """Eq. (9) of the auction paper: ``MI_SPA(n) = H_{n-1} - log n`` nats.

    Written as ``ψ(n) + γ - log n`` (``H_{n-1} = ψ(n) + γ``), which costs the same for
    ``n = 2`` and ``n = 10^9`` and keeps full absolute accuracy (about 1e-16); its limit is
    Eq. (10), Euler's γ (Prop. 3).

    Parameters
    ----------
    n_bidders : int
        Number of bidders, ``>= 2``.

    References
    ----------
    .. [1] Auction paper (``seeds/privacy-preserving-auctions.txt``), Eq. (9), (10), Prop. 3.

    Examples
    --------
    >>> round(spa_privacy_loss(2), 10)   # 1 - log 2
    0.3068528194
    >>> round(spa_privacy_loss(10**9), 9)   # γ - 1/(2n) + ...
    0.577215664
    """
    n = check_int(n_bidders, "n_bidders", minimum=2)
    return float(special.digamma(n) + np.euler_gamma - math.log(n))


def _mean_log_u(g):
    """``E[log u]`` for ``u`` uniform on ``[1 - g, 1]``: ``-Σ_{k>=1} g^k / (k (k+1))``.

    The closed form ``(a - 1 - a log a) / (1 - a)`` (``a = 1 - g``) loses all its digits as
    ``g -> 0``; the series (25 terms for ``g < 0.05``, error below 1e-33) keeps them.
    """
    g = np.asarray(g, dtype=float)
    small = g < 0.05
    gs = np.where(small, g, 0.0)
    series = np.zeros_like(gs)
    power = np.ones_like(gs)
    for k in range(1, 26):
        power = power * gs
        series = series + power / (k * (k + 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        a = 1.0 - g
        closed = (a - 1.0 - special.xlogy(a, a)) / g
    return np.where(small, -series, closed)


def _kl_given_gap(g, log_ratio_over_n, n):
    """Eq. (11) KL written as ``log((1 - ρ^n) / ((1 - a) n)) - (n - 1) E[log u]``."""
    return log_ratio_over_n - (n - 1) * _mean_log_u(g)


def spa_posterior_kl(a, n_bidders: int, reserve_quantile: float = 0.0):
    """KL divergence of the observer's posterior of W from its prior, after an SPA price.

    By Eq. (11) of the auction paper, after a price ``p`` (``p >= r``) the winner's value has
    density ``f(w) / (1 - F(p))`` on ``[p, θ_high]``; the prior of W given a sale has density
    ``n f F^{n-1} / (1 - F(r)^n)`` on ``[r, θ_high]``. With ``a = F(p)``, ``ρ = F(r)`` and
    ``u = F(W)`` uniform on ``[a, 1]`` under the posterior,

    ``KL(a) = -log(1 - a) - log n + log(1 - ρ^n) - (n - 1) E[log u]``, with
    ``E[log u] = (a - 1 - a log a) / (1 - a)`` (by its series near ``a = 1``).

    Parameters
    ----------
    a : array_like
        Price quantiles ``F(p)`` in ``[ρ, 1)``.
    n_bidders : int
    reserve_quantile : float
        ``ρ = F(r)``; 0 without a reserve.

    References
    ----------
    .. [1] Auction paper, Eq. (11) and the proof of Theorem 2.

    Examples
    --------
    >>> round(float(spa_posterior_kl(0.0, 2)), 10)   # price at the bottom: KL = 1 - log 2
    0.3068528194
    """
    a = check_real_array(a, "a", ndim=None)
    n = check_int(n_bidders, "n_bidders", minimum=2)
    rho = check_real(reserve_quantile, "reserve_quantile", lower=0.0, upper=1.0,
                     upper_inclusive=False)
    if a.size and (a.min() < rho - 1e-12 or a.max() > 1.0):
        bad = a[(a < rho - 1e-12) | (a > 1.0)][0]
        raise ValueError(f"`a` must hold price quantiles in [reserve_quantile, 1] = [{rho:g}, 1]; "
                         f"got {bad}")
    a = a if a.ndim else a[()]
    # log(1 - ρ^n) = log(-expm1(n log ρ)), accurate when ρ is within 1e-15 of 1
    log_sale = math.log(-math.expm1(n * math.log(rho))) if rho > 0 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        g = 1.0 - a
        return _kl_given_gap(g, log_sale - np.log(g) - math.log(n), n)


def reserve_spa_conditional_mi(n_bidders: int, reserve_quantile: float) -> float:
    """``MI(W; P | sale)`` of the SPA with a reserve at quantile ``ρ = F(r)``, by quadrature.

    Averages :func:`spa_posterior_kl` over the price distribution given a sale (the
    ``E_P[D_KL(G_{W|P} || G_W)]`` form of Definition 1): an atom at ``r`` of mass
    ``n (1-ρ) ρ^{n-1} / (1 - ρ^n)`` and, above ``r``, the density of the second-highest of
    ``n`` uniforms ``n (n-1) (1-a) a^{n-2} / (1 - ρ^n)`` in quantile space. Everything is
    written in ``x = (a - ρ) / (1 - ρ)`` and ``S = (1 - ρ^n) / (1 - ρ) = Σ_{j<n} ρ^j``, so
    that the KL ``log(S / n) - log(1 - x) - (n - 1) E[log u]`` keeps its digits as
    ``ρ -> 1`` (where the atom's KL is of order ``(1 - ρ)^2``); ``quad`` reaches an absolute
    error below 1e-11. At ``ρ = 0`` this is Eq. (9).

    References
    ----------
    .. [1] Auction paper, Theorem 2 and its proof (Eq. (11)); Definition 2.

    Examples
    --------
    >>> abs(reserve_spa_conditional_mi(3, 0.0) - spa_privacy_loss(3)) < 1e-11
    True
    """
    n = check_int(n_bidders, "n_bidders", minimum=2)
    rho = check_real(reserve_quantile, "reserve_quantile", lower=0.0)
    if not rho < 1.0:
        raise ValueError(f"`reserve_quantile` must be < 1 (some auction must sell); got {rho}")
    gap = 1.0 - rho
    if rho > 0:
        log_rho = math.log(rho)
        # S - n = Σ_{j<n} (ρ^j - 1), each term by expm1: no cancellation near ρ = 1
        # (for n > 4096, from the closed form)
        if n <= 4096:
            s_minus_n = float(np.sum(np.expm1(np.arange(n) * log_rho)))
        else:
            s_minus_n = -math.expm1(n * log_rho) / gap - n
        s = n + s_minus_n
        log_s_over_n = math.log1p(s_minus_n / n)
        atom = n * math.exp((n - 1) * log_rho) / s  # n (1-ρ) ρ^{n-1} / (1 - ρ^n)
    else:
        s, log_s_over_n, atom = 1.0, -math.log(n), 0.0
    atom_term = atom * float(_kl_given_gap(gap, log_s_over_n, n)) if atom > 0 else 0.0

    def integrand(x):
        a = rho + gap * x
        # n (n-1) (1-a) a^{n-2} / (1-ρ^n) · (1-ρ) dx, with 1 - a = gap (1 - x)
        dens = n * (n - 1) * (1 - x) * a ** (n - 2) * gap / s
        kl = _kl_given_gap(gap * (1 - x), log_s_over_n - math.log1p(-x), n)
        return dens * float(kl)

    cont, _ = integrate.quad(integrand, 0.0, 1.0, epsabs=1e-13, epsrel=1e-12, limit=200)
    return atom_term + cont


def k_price_privacy_loss(n_bidders: int, k: int) -> float:
    """``MI(X_(n), X_(n-k+1))``: highest and k-th highest of ``n`` i.i.d. draws, in nats.

    Prior-free (MI is invariant to the increasing map ``F``). With ``u`` uniform, given the
    k-th highest ``V`` the ``k - 1`` values above it are i.i.d. uniform on ``[V, 1]``, so
    ``W - V = (1 - V) M`` with ``M ~ Beta(k-1, 1)`` independent of ``V ~ Beta(n-k+1, k)``.
    Taking expectations of ``log p(W | V) - log g_W(W)`` gives

    ``log(k-1) - (k-2)/(k-1) - ψ(k) + ψ(n+1) - log n + (n-1)/n``
    ``= MI_SPA(n) + log(k-1) - (k-2)/(k-1) - (H_{k-1} - 1)``,

    Eq. (9) plus a correction that vanishes at ``k = 2``; ``k = 1`` (the first price) reveals
    the value: ``math.inf``. Decreasing in ``k`` (Prop. 4). Exact to rounding.

    References
    ----------
    .. [1] Auction paper, Section 4.4, Prop. 4.

    Examples
    --------
    >>> k_price_privacy_loss(2, 2) == spa_privacy_loss(2)
    True
    """
    n = check_int(n_bidders, "n_bidders", minimum=2)
    k = check_int(k, "k", minimum=1)
    if k > n:
        raise ValueError(f"`k` must be an integer <= n_bidders ({n}); got {k}")
    if k == 1:
        return math.inf
    harmonic = float(special.digamma(k) - special.digamma(2))  # H_{k-1} - 1
    correction = math.log(k - 1) - (k - 2) / (k - 1) - harmonic
    return spa_privacy_loss(n) + correction
