"""Analytical privacy loss when the auction publishes something other than (winner, price).

One home for the formulas of disclosure design, for the second-price auction with
or without a reserve (Sections 4.2–4.3 of the auction paper) and the {0,K} lottery (Section
4.1), and for three people: the **winner** (value ``W``, Definition 2), the **runner-up** (the
second-highest value ``L``) and a given **bidder** (``V_0``, whatever its role). As in
Definition 2 a loss is counted on the sale event ``E``: ``P(E) · MI(X; D | E)`` for the person's
value ``X`` and the published ``D``.

Everything is computed in quantile space: with ``u = F(x)`` the person's quantile, ``a = F(p)``
the price's, ``m = n - 1`` and ``ρ = F(r)`` the reserve's quantile (0 without reserve), the
law of the price given ``u`` on ``E`` is (left limits, ``a > ρ``; 0 for ``a <= ρ``)

* winner, ``u >= ρ``: ``P(F(P) < a | u) = min(a, u)^m / u^m`` (the others are i.i.d. below
  ``u``; Eq. (11) of the auction paper), ``u`` of density ``n u^m / (1 - ρ^n)``;
* bidder: ``(C(a, u) - 1{u < ρ} ρ^m) / (1 - 1{u < ρ} ρ^m)`` with
  ``C(a, u) = a^m + 1{u < a} m a^{m-1} (1 - a)`` (at most one value above the price), ``u`` of
  density ``(1 - 1{u < ρ} ρ^m) / (1 - ρ^n)``; an atom of mass ``m u^{m-1} (1 - u)`` sits at
  ``a = u``: the bidder is the runner-up and the price is its value;
* runner-up: the price is ``max(L, r)``, a function of ``L``, with CDF
  ``(a^n + n a^m (1 - a) - ρ^n) / (1 - ρ^n)``.

The prior enters only through ``F`` at the cell edges of a rounding and ``F^{-1}`` at the
quadrature nodes of a noise integral. It imports only :mod:`privauction.priors`.

References
----------
.. [1] Eilat, Eliaz & Mu, "Privacy Preserving Auctions" (``seeds/privacy-preserving-auctions.txt``):
   Definition 1 (Eq. (MI)), Definition 2, Eq. (9), Eq. (11), Sections 4.1–4.3.
.. [2] T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed. (2006):
   ``MI(X; D) = H(D) - H(D | X)`` (Eq. 2.39) and its continuous analogue (Eq. 8.47); the
   entropy of a Laplace law ``1 + log(2 b)``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from .._validation import check_int, check_real
from ..priors import expected_second_given_highest, support, validate_prior

__all__ = [
    "WHOSE",
    "winner_identity_loss",
    "winner_identity_log_ratio",
    "rival_winner_identity_loss",
    "spa_rounded_price_loss",
    "spa_rounded_price_log_ratio",
    "spa_noisy_price_loss",
    "spa_random_rounding_loss",
    "zero_k_price_loss",
    "zero_k_noisy_price_loss",
]

#: The people whose privacy a loss measures.
WHOSE = ("winner", "runner-up", "bidder")

#: Most cells a rounded price may take on the support (the quadrature is dense in them).
MAX_CELLS = 4000


def _gauss_legendre(breaks, n_per_piece: int, *, graded: bool = False):
    """Nodes and weights of ``n_per_piece``-point Gauss–Legendre on each ``[b_i, b_{i+1}]``.

    ``graded`` maps each piece through ``s ↦ s^3 (10 - 15 s + 6 s^2)`` first, which clusters
    the nodes at both ends: an integrand like ``p log p`` with ``p`` vanishing linearly at an
    end (a cell probability at its first value) then converges like a smooth one (measured:
    error 3e-11 with 16 nodes, against 6e-7 unmapped).
    """
    x, w = np.polynomial.legendre.leggauss(n_per_piece)
    if graded:
        s = (x + 1.0) / 2.0
        x = 2.0 * s**3 * (10.0 - 15.0 * s + 6.0 * s**2) - 1.0
        w = w * 30.0 * s**2 * (1.0 - s) ** 2
    b = np.unique(np.asarray(breaks, dtype=float))
    lo, hi = b[:-1], b[1:]
    half = (hi - lo)[:, None] / 2.0
    return (lo[:, None] + half * (x + 1.0)).ravel(), (half * w).ravel()


def _pieces(lo: float, hi: float, n_pieces: int) -> np.ndarray:
    return np.linspace(lo, hi, n_pieces + 1)


def _discrete_channel_mi(weights, probs) -> float:
    """``MI(X; D) = H(D) - H(D | X)`` for ``X`` at nodes of the given weights (summing to 1) and
    ``P(D = k | X = x_i) = probs[i, k]`` ([2], Eq. 2.39)."""
    weights = np.asarray(weights, dtype=float)
    probs = np.asarray(probs, dtype=float)
    mean = weights @ probs
    return float(weights @ special.xlogy(probs, probs).sum(axis=1)
                 - special.xlogy(mean, mean).sum())


def _check_whose(whose) -> str:
    if whose not in WHOSE:
        raise ValueError(f"`whose` must be one of {', '.join(map(repr, WHOSE))}; got {whose!r}")
    return whose


def _h_b(p):
    return -special.xlogy(p, p) - special.xlogy(1 - p, 1 - p)


def winner_identity_loss(n_bidders: int, reserve_quantile: float = 0.0) -> float:
    """A given bidder's loss when only the winner's identity is published.

    Only whether bidder 0 won matters (given that it lost, the winner is uniform among the
    others whatever its value). With ``B = 1{bidder 0 wins}``, ``P(B = 1 | u, E) = u^m`` for
    ``u >= ρ`` and 0 below, and ``P(B = 1 | E) = 1/n``, so

    ``P(E) MI(V_0; B | E) = (1 - ρ^n) h(1/n) - ∫_ρ^1 h(u^m) du``,

    ``h`` the binary entropy (nats), by ``scipy.integrate.quad`` (error below 1e-12). The
    winner's and the runner-up's losses are 0 (the identity of the highest of exchangeable
    values is independent of the order statistics). Independent of the prior.

    Examples
    --------
    >>> round(winner_identity_loss(2), 10)        # log 2 - 1/2
    0.1931471806
    """
    from scipy import integrate

    n = check_int(n_bidders, "n_bidders", minimum=2)
    m = n - 1
    rho = check_real(reserve_quantile, "reserve_quantile", lower=0.0, upper=1.0,
                     upper_inclusive=False)
    val, _ = integrate.quad(lambda u: _h_b(u**m), rho, 1.0, epsabs=1e-14, epsrel=1e-12,
                            limit=200)
    return float((1.0 - rho**n) * _h_b(1.0 / n) - val)


def winner_identity_log_ratio(n_bidders: int, quantile, won, reserve_quantile: float = 0.0
                              ) -> np.ndarray:
    """Per-auction log-likelihood ratio of the published winner identity, for bidder 0.

    For each sold auction, with bidder 0's value at quantile ``u`` and ``B = 1{bidder 0
    won}``: ``ℓ = log P(B | u, E) − log P(B | E)`` with ``P(B = 1 | u, E) = u^m 1{u >= ρ}``
    and ``P(B = 1 | E) = 1/n`` (the laws of :func:`winner_identity_loss`). Over all auctions,
    ``1{E} ℓ`` has mean ``P(E) MI(V_0; B | E)``, the loss of :func:`winner_identity_loss`, with
    no quadrature: an independent computation of it, and the exact observer's estimate.

    Parameters
    ----------
    n_bidders : int
    quantile : array_like, shape (k,)
        ``F(v_0)`` in sold auctions.
    won : array_like of bool, shape (k,)
        Whether bidder 0 won them.
    reserve_quantile : float
        ``ρ = F(r)``; 0 without a reserve.

    Raises
    ------
    ValueError
        If the arrays differ in length, or bidder 0 won with a value below the reserve.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> u = rng.random((400_000, 2))
    >>> ell = winner_identity_log_ratio(2, u[:, 0], u[:, 0] > u[:, 1])
    >>> se = ell.std() / np.sqrt(ell.size)
    >>> bool(abs(ell.mean() - winner_identity_loss(2)) < 4 * se)
    True
    """
    n = int(n_bidders)
    m = n - 1
    u = np.asarray(quantile, dtype=float).reshape(-1)
    b = np.asarray(won, dtype=bool).reshape(-1)
    if u.shape != b.shape:
        raise ValueError(
            f"`quantile` and `won` must have the same length; got {u.size} and {b.size}"
        )
    rho = float(reserve_quantile)
    win_chance = np.where(u >= rho, u**m, 0.0)
    if np.any(b & (win_chance <= 0.0)):
        bad = int(np.flatnonzero(b & (win_chance <= 0.0))[0])
        raise ValueError(
            f"`won` is True at index {bad} where bidder 0's quantile {u[bad]} cannot win "
            f"(below the reserve's quantile {rho})"
        )
    with np.errstate(divide="ignore"):
        lost = np.log1p(-win_chance) - math.log1p(-1.0 / n)
        return np.where(b, m * np.log(np.where(b, u, 1.0)) + math.log(n), lost)


def _h_uniform_rest(p, m: int):
    """Entropy (nats) of a law with one mass ``p`` and ``1 - p`` spread evenly over ``m``."""
    return -special.xlogy(p, p) - special.xlogy(1 - p, (1 - p) / m)


def rival_winner_identity_loss(n_bidders: int, whose: str = "bidder") -> float:
    """What the winner's identity tells a rival who knows its own value (no reserve).

    The rival is bidder ``n - 1`` with value quantile ``b = F(Z)``; the mechanism is efficient
    (the highest value wins) and every auction sells. The loss is ``MI(X; D | Z)`` for the
    published identity ``D``, in quantile space (independent of the prior), with ``m = n - 1``:

    * winner and runner-up: ``∫_0^1 h(b^m) db``. Given ``Z``, ``D`` says whether the rival won
      (``B``) and otherwise which of the others did, uniformly whatever the values; ``B`` is a
      function of ``(X, Z)`` (the winner's value equals ``Z`` or exceeds it; the runner-up's is
      below ``Z`` exactly when the rival won), so ``MI(X; D | Z) = H(B | Z)``, ``h`` the binary
      entropy;
    * bidder 0: ``H(D | Z) - H(D | V_0, Z) = ∫_0^1 H_m(b^m) db - ∫_0^1 2t H_{n-2}(t^{n-2}) dt``
      with ``H_j(p)`` the entropy of a mass ``p`` and ``1 - p`` spread evenly over ``j``
      others: given ``Z`` the rival wins with probability ``b^m``; given both values, the
      larger, of quantile ``t = max(F(V_0), b)`` (density ``2t``), wins with probability
      ``t^{n-2}``, else one of the ``n - 2`` others (the second term is 0 for ``n = 2``).

    ``scipy.integrate.quad``; [2] Eq. 2.39 (``MI = H(D | Z) - H(D | X, Z)``).

    Examples
    --------
    >>> round(rival_winner_identity_loss(2, "bidder"), 10)     # ∫ h(b) db = 1/2
    0.5
    >>> round(rival_winner_identity_loss(2, "winner"), 10)
    0.5
    """
    from scipy import integrate

    n = int(n_bidders)
    m = n - 1
    whose = _check_whose(whose)
    quad = dict(epsabs=1e-14, epsrel=1e-12, limit=200)
    if whose != "bidder":
        return float(integrate.quad(lambda b: _h_b(b**m), 0.0, 1.0, **quad)[0])
    first = integrate.quad(lambda b: _h_uniform_rest(b**m, m), 0.0, 1.0, **quad)[0]
    if n == 2:
        return float(first)
    second = integrate.quad(lambda t: 2 * t * _h_uniform_rest(t ** (n - 2), n - 2), 0.0, 1.0,
                            **quad)[0]
    return float(first - second)


def _cell_edges(prior, step: float, price_low: float) -> np.ndarray:
    """Quantiles ``F`` of the edges ``(k ± 1/2) step`` of every cell a price in
    ``[price_low, θ_high]`` can be rounded into (first 0, last 1)."""
    _, high = support(prior)
    top = high if math.isfinite(high) else float(prior.ppf(1.0 - 1e-15))
    k0 = math.floor(price_low / step + 0.5)
    k1 = math.floor(top / step + 0.5)
    if k1 - k0 + 1 > MAX_CELLS:
        raise ValueError(
            f"`step` must leave at most {MAX_CELLS} cells on the price's support for the "
            f"quadrature; got step {step} giving {k1 - k0 + 1}"
        )
    edges = (np.arange(k0, k1 + 2) - 0.5) * step
    q = np.clip(np.asarray(prior.cdf(edges), dtype=float), 0.0, 1.0)
    q[0], q[-1] = 0.0, 1.0
    return q


def _price_cdf_left(a, u, m: int, rho: float, whose: str) -> np.ndarray:
    """``P(F(P) < a | F(X) = u, E)``, shape ``(len(u), len(a))`` (see the module notes)."""
    return _price_cdf_left_at(np.asarray(a, dtype=float)[None, :],
                              np.asarray(u, dtype=float)[:, None], m, rho, whose)


def _price_cdf_left_at(A, U, m: int, rho: float, whose: str) -> np.ndarray:
    """``P(F(P) < A | F(X) = U, E)`` for arrays ``A`` and ``U`` that broadcast."""
    if whose == "winner":
        c = np.minimum(A, U) ** m / U**m
    else:
        below = np.where(U < rho, rho**m, 0.0)
        c = (A**m + np.where(U < A, m * A ** (m - 1) * (1.0 - A), 0.0) - below) / (1.0 - below)
    return np.where(A <= rho, 0.0, c)


def _value_nodes(m: int, rho: float, whose: str, breaks, n_per_piece: int):
    """Quadrature nodes ``u`` of the person's quantile on ``E`` and weights ``g(u) du``."""
    n = m + 1
    sale = 1.0 - rho**n
    if whose == "winner":
        u, w = _gauss_legendre(np.concatenate([[rho, 1.0], breaks[(breaks > rho)]]),
                               n_per_piece, graded=True)
        return u, w * n * u**m / sale
    u, w = _gauss_legendre(np.concatenate([[0.0, rho, 1.0], breaks]), n_per_piece, graded=True)
    return u, w * (1.0 - np.where(u < rho, rho**m, 0.0)) / sale


def _rounded_price_cell_probabilities(q, n: int, rho: float) -> np.ndarray:
    """``P(R = cell j | E)`` for the cells with edge quantiles ``q`` (first 0, last 1): the
    law of the price ``L`` (the second-highest of ``n`` values) given a sale,
    ``G_L = F^n + n F^{n-1} (1 - F)`` (auction paper, proof of Theorem 2)."""
    m = n - 1
    g2 = q**n + n * q**m * (1.0 - q)
    sale = 1.0 - rho**n
    left = np.where(q <= rho, 0.0, (g2 - rho**n) / sale)
    left[-1] = 1.0
    return np.diff(left)


def spa_rounded_price_loss(prior, n_bidders: int, step: float, whose: str = "winner", *,
                           reserve=None, n_per_piece: int = 16) -> float:
    """Loss of ``whose`` when an SPA (reserve ``r`` or none) publishes the price rounded to the
    nearest multiple of ``step``: ``R = step · floor(P / step + 1/2)``.

    * runner-up: ``R`` is a function of the runner-up's value, so its loss is
      ``P(E) · H(R | E)``, a finite sum over cells (exact up to ``F``): Cover & Thomas [2]
      Eq. 2.39 with ``H(R | L) = 0``. It bounds the winner's loss from above;
    * winner, bidder: ``P(E) [H(R | E) - H(R | X, E)]`` with the cell probabilities from the
      conditional price laws of the module notes (exact), integrated over the person's
      quantile by Gauss–Legendre between the kinks (the cell edges and ``ρ``), error below
      1e-9 with the default 16 nodes per piece (checked against a fine-grid discrete sum of
      the joint law in the tests).

    Parameters
    ----------
    prior : frozen continuous scipy.stats distribution
    n_bidders : int
    step : float
    whose : {"winner", "runner-up", "bidder"}
    reserve : float, optional
        The reserve price (inside the support); None for the plain SPA.

    Examples
    --------
    >>> from scipy import stats
    >>> round(spa_rounded_price_loss(stats.uniform(0, 1), 2, 1e-3), 4)   # -> 1 - log 2 = 0.3069
    0.3064
    """
    whose = _check_whose(whose)
    n = check_int(n_bidders, "n_bidders", minimum=2)
    step = check_real(step, "step", lower=0.0, lower_inclusive=False)
    m = n - 1
    low, _ = support(prior)
    rho = 0.0 if reserve is None else float(prior.cdf(reserve))
    sale = 1.0 - rho**n
    q = _cell_edges(prior, step, low if reserve is None else float(reserve))
    if whose == "runner-up":
        p = _rounded_price_cell_probabilities(q, n, rho)
        return float(sale * -special.xlogy(p, p).sum())
    inner = q[(q > 0.0) & (q < 1.0)]
    u, w = _value_nodes(m, rho, whose, inner, n_per_piece)
    probs = np.diff(_price_cdf_left(q, u, m, rho, whose), axis=1)
    return float(sale * _discrete_channel_mi(w, probs))


def spa_rounded_price_log_ratio(prior, n_bidders: int, step: float, values, rounded,
                                whose: str = "winner", *, reserve=None) -> np.ndarray:
    """Per-auction log-likelihood ratio of the rounded SPA price, for the exact observer.

    ``ℓ = log P(R = r | X = x, E) − log P(R = r | E)`` for each sold auction with person's value
    ``x`` and published ``r = step · floor(P / step + 1/2)``. The terms are i.i.d. with mean
    ``I(X; R | E)``, so ``P(E)`` times their mean, with its CLT standard error, estimates the
    loss of :func:`spa_rounded_price_loss` without any quadrature (the cell probabilities are
    closed forms of the conditional price laws in the module notes, and the marginal is
    ``G_L = F^n + n F^{n-1}(1 − F)``): an independent computation of the same number, and the
    Bayesian observer's estimate when its law is known. The runner-up's value fixes ``R``, so
    its terms are ``−log P(R = r | E)`` (their mean is ``H(R | E)``).

    Parameters
    ----------
    prior : frozen continuous scipy.stats distribution
    n_bidders : int
    step : float
    values, rounded : array_like, shape (n,)
        The person's values and the published rounded prices of sold auctions.
    whose : {"winner", "runner-up", "bidder"}
    reserve : float, optional
        The reserve price; None for the plain SPA.

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    ValueError
        If ``values`` and ``rounded`` differ in length, or a pair has probability 0 under the
        SPA's law (outcomes that this mechanism, prior and rule cannot produce).

    Examples
    --------
    >>> from scipy import stats
    >>> u = stats.uniform(0, 1)
    >>> rng = np.random.default_rng(0)
    >>> v = np.sort(rng.random((200_000, 2)), axis=1)       # runner-up, winner
    >>> ell = spa_rounded_price_log_ratio(u, 2, 0.1, v[:, 1], 0.1 * np.floor(v[:, 0] / 0.1 + 0.5))
    >>> exact = spa_rounded_price_loss(u, 2, 0.1)
    >>> bool(abs(ell.mean() - exact) < 4 * ell.std() / np.sqrt(ell.size))
    True
    """
    whose = _check_whose(whose)
    n = int(n_bidders)
    m = n - 1
    x = np.asarray(values, dtype=float).reshape(-1)
    r = np.asarray(rounded, dtype=float).reshape(-1)
    if x.shape != r.shape:
        raise ValueError(
            f"`values` and `rounded` must have the same length; got {x.size} and {r.size}"
        )
    low, _ = support(prior)
    price_low = low if reserve is None else float(reserve)
    rho = 0.0 if reserve is None else float(prior.cdf(reserve))
    q = _cell_edges(prior, step, price_low)
    cell = np.rint(r / step).astype(np.int64) - math.floor(price_low / step + 0.5)
    if x.size and (cell.min() < 0 or cell.max() >= q.size - 1):
        bad = int(np.flatnonzero((cell < 0) | (cell >= q.size - 1))[0])
        raise ValueError(
            f"`rounded` must hold multiples of `step` ({step}) that a price in the support can "
            f"round to; got {r[bad]} at index {bad}"
        )
    marginal = _rounded_price_cell_probabilities(q, n, rho)[cell]
    if whose == "runner-up":
        conditional = np.ones_like(marginal)
    else:
        u = np.asarray(prior.cdf(x), dtype=float)
        conditional = (_price_cdf_left_at(q[cell + 1], u, m, rho, whose)
                       - _price_cdf_left_at(q[cell], u, m, rho, whose))
    if x.size and not (np.all(conditional > 0.0) and np.all(marginal > 0.0)):
        bad = int(np.flatnonzero(~((conditional > 0.0) & (marginal > 0.0)))[0])
        raise ValueError(
            f"`rounded` ({r[bad]}) has probability 0 given `values` ({x[bad]}) at index {bad} "
            f"under the second-price auction with n_bidders={n}: these outcomes do not come "
            "from this mechanism, prior and rule"
        )
    return np.log(conditional) - np.log(marginal)


def spa_random_rounding_loss(prior, n_bidders: int, grid, whose: str = "winner", *,
                             reserve=None, n_value_nodes: int = 2048,
                             n_per_cell: int = 4) -> float:
    """Loss of ``whose`` when an SPA (reserve ``r`` or none) publishes its price rounded at
    random, without bias, to the sorted ``grid``: a price ``g_j <= p < g_{j+1}`` is published as
    ``g_{j+1}`` with probability ``(p - g_j) / s_j`` (``s_j = g_{j+1} - g_j``), else ``g_j``.

    Integrating the tent functions of that rule against the conditional price law by parts
    gives ``P(R = g_j | x) = Ḡ_j(x) - Ḡ_{j-1}(x)``, with ``Ḡ_j`` the average of the
    conditional CDF of the price over cell ``j`` (its atoms, at ``r`` and at a bidder's own
    value, placed exactly; its continuous part by ``n_per_cell``-point Gauss–Legendre).
    Published values at or below ``grid[0]`` are merged into one (probability ``Ḡ_0``), so
    the grid need only start near the price's lowest value; the merged loss is smaller by at
    most ``P(P < grid[1]) log(#merged)``. The runner-up's loss is ``MI(P; R)`` (its value
    determines the price); the winner's and a bidder's integrate ``H(R) - H(R | X)`` over the
    person's quantile with graded Gauss–Legendre (``n_value_nodes``; the winner's only: a
    bidder's own value is the price with positive probability, and the rounding of that atom
    makes the integrand oscillate with every cell, so a bidder raises NotImplementedError).
    The runner-up's is exact up to quadrature: ``MI(P; R) = H(R) - E[h(θ)]``, ``h`` the binary
    entropy of the chance ``θ`` of rounding up, integrated cell by cell. The grid must reach
    the top of the (bounded) support.

    Examples
    --------
    >>> from scipy import stats
    >>> grid = np.linspace(0.0, 1.0, 11)           # random rounding to a 0.1 grid
    >>> loss = spa_random_rounding_loss(stats.uniform(0, 1), 2, grid)
    >>> 0 < loss < 1 - math.log(2)
    True
    """
    whose = _check_whose(whose)
    validate_prior(prior, bounded=True)
    n = int(n_bidders)
    m = n - 1
    g = np.asarray(grid, dtype=float)
    _, high = support(prior)
    if g.ndim != 1 or g.size < 2 or np.any(np.diff(g) <= 0) or g[-1] < high:
        raise ValueError(
            f"`grid` must be increasing with at least 2 values and reach the top of the "
            f"support {high}; got {g.size} values up to {g[-1] if g.size else None}"
        )
    rho = 0.0 if reserve is None else float(prior.cdf(reserve))
    sale = 1.0 - rho**n
    s = np.diff(g)
    x, w = np.polynomial.legendre.leggauss(n_per_cell)
    t = (g[:-1, None] + s[:, None] * (x + 1.0) / 2.0).ravel()
    a = np.clip(np.asarray(prior.cdf(t), dtype=float), 0.0, 1.0)
    w_cell = w / 2.0

    def mean_cdf(cont, atoms):
        """Ḡ_j for rows of continuous-CDF values at the nodes plus exact atoms."""
        out = cont.reshape(cont.shape[0], -1, n_per_cell) @ w_cell
        for loc, mass in atoms:
            t_star = np.asarray(prior.ppf(loc), dtype=float)
            frac = np.clip((g[None, 1:] - t_star[:, None]) / s[None, :], 0.0, 1.0)
            out += mass[:, None] * frac
        return out

    def probs(gbar):
        return np.diff(np.concatenate([np.zeros((gbar.shape[0], 1)), gbar,
                                       np.ones((gbar.shape[0], 1))], axis=1), axis=1)

    if whose == "runner-up":
        # MI(L; R) = MI(P; R) = H(R) - E[h(frac(P))] (R given P is a two-point law): H(R) from
        # the cell averages of the price's CDF, E[h] cell by cell against its density.
        cont = np.where(a <= rho, 0.0, (a**n + n * a**m * (1.0 - a) - rho**n) / sale)
        atoms = []
        if rho > 0:
            atoms = [(np.array([rho]), np.array([n * rho**m * (1.0 - rho) / sale]))]
            cont = cont - atoms[0][1][0] * (a > rho)
        gbar = mean_cdf(cont[None, :], atoms)[0]
        p = np.clip(probs(gbar[None, :])[0], 0.0, 1.0)
        h_r = float(-special.xlogy(p, p).sum())
        # E[h(frac(P))]: graded Gauss–Legendre in each cell (h has log singularities at the
        # ends), against the density of the price on (r, high], plus the atom at r.
        xg, wg = _gauss_legendre(np.array([0.0, 1.0]), 16, graded=True)
        tt = g[:-1, None] + s[:, None] * xg[None, :]
        aa = np.asarray(prior.cdf(tt), dtype=float)
        dens = np.where(aa > rho, n * m * aa ** (m - 1) * (1.0 - aa), 0.0) * np.asarray(
            prior.pdf(tt), dtype=float) / sale
        e_h = float(np.sum(dens * _h_b(xg)[None, :] * wg[None, :] * s[:, None]))
        if rho > 0:
            r = float(prior.ppf(rho))
            j = min(max(int(np.searchsorted(g, r, side="right")) - 1, 0), s.size - 1)
            e_h += atoms[0][1][0] * float(_h_b(np.clip((r - g[j]) / s[j], 0.0, 1.0)))
        return float(sale * (h_r - e_h))

    if whose == "bidder":
        raise NotImplementedError(
            "no analytical loss of a bidder under random rounding: its own value is the price "
            "with positive probability, and the rounding of that atom makes the integrand "
            "oscillate with every grid cell; estimate it instead"
        )
    u, wu = _value_nodes(m, rho, whose, np.linspace(0.0, 1.0, n_value_nodes // 8 + 1), 8)
    plogp = 0.0
    mean = np.zeros(g.size)
    for start in range(0, u.size, 64):
        uc, wc = u[start:start + 64], wu[start:start + 64]
        atoms = _spa_price_atoms(uc, m, rho, whose)
        cont = _price_cdf_left(a, uc, m, rho, whose)
        for loc, mass in atoms:
            cont -= mass[:, None] * (a[None, :] > loc[:, None])
        p = np.clip(probs(mean_cdf(cont, atoms)), 0.0, 1.0)
        plogp += float(wc @ special.xlogy(p, p).sum(axis=1))
        mean += wc @ p
    return float(sale * (plogp - special.xlogy(mean, mean).sum()))


def _laplace(z, scale):
    return np.exp(-np.abs(z) / scale) / (2.0 * scale)


def _y_grid(t_lo: float, t_hi: float, scale: float, points_per_scale: int = 40):
    """Price cells of width ``dy`` close to ``scale / points_per_scale`` with edges at ``t_lo``
    and ``t_hi``, and the grid of their centres extended by ``30 scale`` on each side (the
    Laplace tail beyond holds ``e^-30``). Returns the grid, ``dy``, the number of cells in the
    extension on each side and on ``[t_lo, t_hi]``."""
    if scale * 1000.0 < t_hi - t_lo:
        raise ValueError(
            f"`scale` must be at least 1/1000 of the price's range for the quadrature; got "
            f"{scale} on [{t_lo}, {t_hi}]"
        )
    n_t = max(int(math.ceil((t_hi - t_lo) * points_per_scale / scale)), 1)
    dy = (t_hi - t_lo) / n_t
    pad = int(math.ceil(30.0 * scale / dy))
    y = t_lo + dy * (np.arange(-pad, n_t + pad) + 0.5)
    return y, dy, pad, n_t


def _cell_laplace(dy: float, pad: int, scale: float) -> np.ndarray:
    """The Laplace density averaged over price cells of width ``dy``, at offsets
    ``-pad .. pad`` cells: ``(1/dy) ∫_{|s| < dy/2} ℓ(j dy + s) ds``, in closed form. Against
    cell masses it is exact for a price uniform within each cell."""
    j = np.abs(np.arange(-pad, pad + 1)) * dy
    h = dy / (2.0 * scale)
    out = np.exp(-j / scale) * math.sinh(h) / dy
    out[pad] = -math.expm1(-h) / dy
    return out


def _neg_entropy(f, dy: float):
    """``∫ f log f dy`` by the trapezoid rule on a uniform grid (along the last axis)."""
    v = special.xlogy(f, f)
    return dy * (v.sum(axis=-1) - 0.5 * (v[..., 0] + v[..., -1]))


def _spa_price_atoms(u, m: int, rho: float, whose: str):
    """Atoms of ``F(P)`` given ``u`` on ``E``: a list of ``(location, mass)`` arrays over ``u``."""
    atoms = []
    if whose == "winner":
        if rho > 0:
            atoms.append((np.full_like(u, rho), rho**m / u**m))
        return atoms
    below = np.where(u < rho, rho**m, 0.0)
    z = 1.0 - below
    if rho > 0:
        c_rho = rho**m + np.where(u <= rho, m * rho ** (m - 1) * (1.0 - rho), 0.0)
        atoms.append((np.full_like(u, rho), (c_rho - below) / z))
    atoms.append((u, np.where(u > rho, m * u ** (m - 1) * (1.0 - u), 0.0) / z))
    return atoms


def spa_noisy_price_loss(prior, n_bidders: int, scale: float, whose: str = "winner", *,
                         reserve=None, n_value_nodes: int = 48,
                         points_per_scale: int | None = None) -> float:
    """Loss of ``whose`` when an SPA (reserve ``r`` or none) publishes ``Y = P + N``, ``N`` Laplace
    of scale ``b = scale``.

    * runner-up: ``P`` is a function of its value, so ``MI = h(Y | E) - h(N)`` with
      ``h(N) = 1 + log 2b`` ([2]);
    * winner, bidder: ``MI = h(Y | E) - E[h(Y | X, E)]``, with ``X`` the person's value.

    ``f_{Y|X}`` is the Laplace kernel against the conditional price law of the module notes:
    its atoms (at ``r``; at a bidder's own value) exactly, its continuous part as the exact
    masses of price cells of width about ``b / 160`` (closed-form CDF differences) convolved
    by FFT with the kernel averaged over a cell (exact for a price uniform within a cell). The
    outer integral is Gauss–Legendre over the person's quantile (graded at the ends), the
    ``y`` integral the trapezoid rule on the cells' centres, from ``30 b`` below to ``30 b``
    above the price's range: a two-dimensional integral. Error about 1e-6 (1e-5 when
    ``b`` is below 1/100 of the price's range and the cells widen to ``b / 40``; checked in
    the tests by halving the cells and doubling the nodes, and against a Monte Carlo mean of
    the exact log-likelihood ratio on simulated auctions). The prior must have a bounded
    support.

    Examples
    --------
    >>> from scipy import stats
    >>> loss = spa_noisy_price_loss(stats.uniform(0, 1), 2, 0.1)
    >>> 0 < loss < 1 - math.log(2)               # noise protects the winner
    True
    """
    from scipy.signal import fftconvolve

    whose = _check_whose(whose)
    validate_prior(prior, bounded=True)
    n = check_int(n_bidders, "n_bidders", minimum=2)
    scale = check_real(scale, "scale", lower=0.0, lower_inclusive=False)
    m = n - 1
    _, high = support(prior)
    rho = 0.0 if reserve is None else float(prior.cdf(reserve))
    sale = 1.0 - rho**n
    t_lo = float(prior.ppf(rho))
    if points_per_scale is None:
        # 160 cells per scale (error ~1e-6, measured against 320) while that keeps the grid
        # under 16000 cells, down to 40 (~1e-5) at the smallest scale allowed.
        points_per_scale = max(40, min(160, int(16000 * scale / max(high - t_lo, 1e-300))))
    y, dy, pad, n_t = _y_grid(t_lo, high, scale, points_per_scale)
    edges = t_lo + dy * np.arange(n_t + 1)
    q = np.clip(np.asarray(prior.cdf(edges), dtype=float), 0.0, 1.0)
    kernel = _cell_laplace(dy, pad, scale)

    def density(left_cdf, atoms):
        """f(y) rows from left CDFs at the cell edges (rows) and atoms (location, mass)."""
        cont = left_cdf.copy()
        for loc, mass in atoms:
            cont -= mass[:, None] * (q[None, :] > loc[:, None])
        f = np.maximum(fftconvolve(np.diff(cont, axis=1), kernel[None, :], axes=1), 0.0)
        for loc, mass in atoms:
            t = np.asarray(prior.ppf(loc), dtype=float)
            f += mass[:, None] * _laplace(y[None, :] - t[:, None], scale)
        return f

    if whose == "runner-up":
        g2 = q**n + n * q**m * (1.0 - q)
        left = np.where(q <= rho, 0.0, (g2 - rho**n) / sale)[None, :]
        atoms = [(np.array([rho]), np.array([n * rho**m * (1.0 - rho) / sale]))] if rho > 0 \
            else []
        f = density(left, atoms)[0]
        mi = -_neg_entropy(f, dy) - (1.0 + math.log(2.0 * scale))
        return float(sale * mi)

    u, wu = _value_nodes(m, rho, whose, np.linspace(0.0, 1.0, 5), n_value_nodes // 4)
    f = density(_price_cdf_left(q, u, m, rho, whose), _spa_price_atoms(u, m, rho, whose))
    f_mean = wu @ f
    return float(sale * (wu @ _neg_entropy(f, dy) - _neg_entropy(f_mean, dy)))


def _zero_k_channel(prior, n_bidders: int, K: float, whose: str, n_nodes: int = 512):
    """Nodes of the person's value with weights, and the channel of the {0,K} lottery: the
    chance ``q`` of paying ``K`` (Section 4.1: ``K`` with probability ``b_2 / K``) and, for a
    bidder, the chances ``b1`` of winning and ``b1k`` of winning and paying ``K``."""
    n = check_int(n_bidders, "n_bidders", minimum=2)
    K = check_real(K, "K", lower=0.0, lower_inclusive=False)
    m = n - 1
    low, high = support(prior)
    u, w = _gauss_legendre(_pieces(0.0, 1.0, n_nodes // 32), 32)
    x = np.asarray(prior.ppf(u), dtype=float)
    if whose == "winner":
        return w * n * u**m, expected_second_given_highest(prior, n, x) / K, None
    if whose == "runner-up":
        return w * n * m * (1.0 - u) * u ** (m - 1), x / K, None
    # E[L | V_0 = v] = low + ∫ P(L > t | v) dt with P(L > t | v) = 1 - C(F(t), F(v)).
    s, sw = np.polynomial.legendre.leggauss(64)
    t_lo = low + (x - low)[:, None] * (s + 1.0) / 2.0
    t_hi = x[:, None] + (high - x)[:, None] * (s + 1.0) / 2.0
    a_lo = np.asarray(prior.cdf(t_lo), dtype=float)
    a_hi = np.asarray(prior.cdf(t_hi), dtype=float)
    below = ((1.0 - a_lo**m) * sw).sum(axis=1) * (x - low) / 2.0
    above = ((1.0 - a_hi**m - m * a_hi ** (m - 1) * (1.0 - a_hi)) * sw).sum(axis=1) * (
        high - x) / 2.0
    q = (low + below + above) / K
    b1 = u**m
    b1k = (low * b1 + ((b1[:, None] - a_lo**m) * sw).sum(axis=1) * (x - low) / 2.0) / K
    return w, q, (b1, b1k)


def zero_k_price_loss(prior, n_bidders: int, K: float, whose: str = "winner", *,
                      with_winner: bool = False) -> float:
    """Loss of ``whose`` when the {0,K} lottery (Section 4.1) publishes its price (and, with
    ``with_winner``, the winner's identity).

    The price is binary, so the loss is that of a discrete channel ([2], Eq. 2.39):
    ``MI = H(D) - E[H(D | X)]``, over the person's value by Gauss–Legendre (512 nodes in
    quantile space). ``P(K | X)``: for the winner ``E[L | W] / K``; for the runner-up ``L / K``;
    for a bidder ``E[L | V_0] / K``. With the identity, a bidder's channel has four cells
    (won or not × 0 or K), from ``P(win | v) = F(v)^m`` and
    ``P(win, K | v) = E[M 1{M < v}] / K``, ``M`` the highest other value. The identity adds
    nothing for the winner or the runner-up. The winner's case equals
    ``ZeroKLottery(K).privacy_loss`` (Prop. 1).

    Examples
    --------
    >>> from scipy import stats
    >>> round(zero_k_price_loss(stats.uniform(0, 1), 2, 2.0), 6)
    0.014081
    """
    whose = _check_whose(whose)
    validate_prior(prior, bounded=True)
    w, q, extra = _zero_k_channel(prior, n_bidders, K, whose)
    if whose == "bidder" and with_winner:
        b1, b1k = extra
        probs = np.column_stack([b1 - b1k, b1k, 1.0 - b1 - (q - b1k), q - b1k])
    else:
        probs = np.column_stack([1.0 - q, q])
    return _discrete_channel_mi(w, np.clip(probs, 0.0, 1.0))


def zero_k_noisy_price_loss(prior, n_bidders: int, K: float, scale: float,
                            whose: str = "winner") -> float:
    """Loss of ``whose`` when the {0,K} lottery publishes ``Y = P + N``, ``N`` Laplace(``scale``).

    Given the person's value, ``f_{Y|x} = (1 - q(x)) ℓ(y) + q(x) ℓ(y - K)`` with ``ℓ`` the Laplace
    density and ``q`` the chance of paying ``K`` (see :func:`zero_k_price_loss`), so
    ``MI = E[∫ f_{Y|X} log f_{Y|X}] - ∫ f_Y log f_Y``: a two-dimensional integral
    (Gauss–Legendre over the value, trapezoid over ``y`` at step ``scale / 40``).

    Examples
    --------
    >>> from scipy import stats
    >>> loss = zero_k_noisy_price_loss(stats.uniform(0, 1), 2, 2.0, 0.5)
    >>> 0 < loss < zero_k_price_loss(stats.uniform(0, 1), 2, 2.0)   # data processing
    True
    """
    whose = _check_whose(whose)
    validate_prior(prior, bounded=True)
    w, q, _ = _zero_k_channel(prior, n_bidders, K, whose)
    y, dy, _, _ = _y_grid(0.0, K, scale)
    l0, lk = _laplace(y, scale), _laplace(y - K, scale)
    f = (1.0 - q)[:, None] * l0[None, :] + q[:, None] * lk[None, :]
    qbar = float(w @ q)
    fbar = (1.0 - qbar) * l0 + qbar * lk
    return float(w @ _neg_entropy(f, dy) - _neg_entropy(fbar, dy))
