"""Conditional laws of order statistics used in the auction paper's proofs."""

from __future__ import annotations

import numpy as np

from ..priors import support

__all__ = ["conditional_second_mean"]

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(96)


def conditional_second_mean(prior, n_bidders: int, w, phi, breaks=()):
    """``E[φ(S) | W = w]`` for the second-highest value ``S`` given the highest ``W = w``.

    Given ``W = w`` the other ``n − 1`` values are i.i.d. from the prior truncated to
    ``[θ_low, w]``, so ``S`` has density ``(n−1) f(s) F(s)^{n−2} / F(w)^{n−1}`` there (the
    conditional of ``G_L`` given ``G_W`` in Step 2 of Theorem 1's proof). The integral is taken
    with 96-point Gauss–Legendre on each piece of ``[θ_low, w]`` cut at ``breaks`` (kinks of
    ``φ``), vectorised over ``w``.

    References
    ----------
    .. [1] Auction paper, proof of Theorem 1, Step 2.

    Examples
    --------
    >>> from scipy import stats
    >>> float(conditional_second_mean(stats.uniform(0, 1), 2, 0.5, lambda s: s)[0])  # w / 2
    0.25
    """
    low, _ = support(prior)
    w = np.atleast_1d(np.asarray(w, dtype=float))
    edges = [np.full_like(w, low)]
    for b in sorted(breaks):
        edges.append(np.clip(np.full_like(w, b), low, w))
    edges.append(w)
    Fw = np.asarray(prior.cdf(w), dtype=float)
    total = np.zeros_like(w)
    for a, b in zip(edges[:-1], edges[1:], strict=False):
        half = (b - a) / 2.0
        s = a[:, None] + half[:, None] * (_GL_NODES[None, :] + 1.0)
        Fs = np.asarray(prior.cdf(s), dtype=float)
        dens = (n_bidders - 1) * prior.pdf(s) * Fs ** (n_bidders - 2)
        total += np.sum(_GL_WEIGHTS[None, :] * dens * phi(s), axis=1) * half
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(Fw > 0, total / Fw ** (n_bidders - 1), phi(np.full_like(w, low)))
