"""The lower bound of Lemma 1 on the mutual information of two ordered random variables.

For laws ``X`` (non-atomic) and ``Y`` with ``X(s) <= Y(s)`` for all ``s`` (``X`` first-order
dominates ``Y``), Lemma 1 of the auction paper (Eilat, Eliaz & Mu) states, Eq. (4),

    inf_{λ ∈ M(X, Y)} D(λ || X ⊗ Y) = -1 + ∫ log 1 / (Y(s) - X(s)) dX(s),

the infimum over joint laws with marginals ``X``, ``Y`` and ``𝒳 >= 𝒴`` almost surely. With
``X = G_W`` (winner's value) and ``Y = G_P`` (price) it is the lower bound (6) on the privacy
loss of any efficient, DSIC, ex-post IR mechanism; the SPA attains it, Eq. (9).

The integral is taken in ``u = X(s)`` (so ``dX(s) = du``), on ``[0, 1/2]`` with
``Y(s) - u`` and on ``[1/2, 1]`` as ``∫_0^{1/2} -log(v - P(Y > s)) dv`` with ``v = 1 - u`` and
``s = X.isf(v)``, which keeps the gap accurate where both CDFs are close to 1 and puts the
logarithmic endpoint singularities at the ends of the intervals, where ``scipy.integrate.quad``
(QAGS) extrapolates them away. Atoms of ``Y`` are passed as breakpoints.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import integrate

from .._validation import PrivauctionWarning, check_int, check_real
from .laws import Law, as_law

__all__ = ["QuadratureWarning", "ordered_mi_lower_bound"]


class QuadratureWarning(PrivauctionWarning):
    """The quadrature of Eq. (4) did not reach the requested accuracy."""


def _check_x(X) -> Law:
    X = as_law(X, name="X")
    if not X.is_atomless:
        raise ValueError(
            f"`X` must be non-atomic (Lemma 1 assumes a continuous CDF); got atoms at {X.atoms}"
        )
    if X.ppf is None:
        raise ValueError(
            "`X` must provide its quantile function `ppf` (the bound is integrated in u = X(s)); "
            "build it with privauction.theory.payment_law(cdf, support=(low, high)) on a finite "
            "support, or pass a frozen scipy.stats distribution"
        )
    return X


class _Gap:
    """``Y(s) - X(s)`` as a function of ``u = X(s)`` (lower half) or ``v = 1 - X(s)`` (upper)."""

    def __init__(self, X: Law, Y: Law):
        self.X, self.Y = X, Y
        self.isf = X.isf if X.isf is not None else (lambda v: X.ppf(1.0 - np.asarray(v)))

    def lower(self, u):
        u = np.asarray(u, dtype=float)
        return np.asarray(self.Y.cdf(self.X.ppf(u)), dtype=float) - u

    def upper(self, v):
        v = np.asarray(v, dtype=float)
        return v - self.Y.survival(self.isf(v))


def ordered_mi_lower_bound(
    X,
    Y,
    *,
    epsabs: float = 1e-12,
    epsrel: float = 1e-11,
    limit: int = 500,
    n_check: int = 4096,
) -> float:
    """Right-hand side of Eq. (4): ``-1 + ∫ log 1/(Y(s) - X(s)) dX(s)``, in nats.

    The least mutual information of two random variables ``𝒳 >= 𝒴`` with marginals ``X`` and
    ``Y`` (Lemma 1); with ``X = G_W`` and ``Y = G_P`` the privacy-loss bound (6).

    Parameters
    ----------
    X : Law or frozen continuous scipy.stats distribution
        Non-atomic law with a quantile function (e.g. :func:`winner_value_law`).
    Y : Law or frozen scipy.stats distribution
        Any law with ``Y(s) >= X(s)`` for all ``s``; may have atoms (e.g.
        :func:`spa_price_law` with a reserve, or :func:`payment_law` of any CDF).
    epsabs, epsrel, limit : float, float, int
        Passed to ``scipy.integrate.quad`` on each piece; the tolerances are raised to the
        declared ``accuracy`` of a tabulated law (e.g. the lottery price laws, 1e-8).
    n_check : int
        Points of the grid that checks the ordering and looks for a zero set of ``Y - X`` of
        positive X-measure (where the bound is infinite, Section 6.2). A zero set narrower than
        the grid is still found when a quadrature node falls in it (then a grid 2000 times
        finer is searched around the node); a zero set that no node touches can be missed.

    Returns
    -------
    float
        The bound; ``math.inf`` when ``Y(s) = X(s)`` on a set of positive ``X``-measure
        (detected as two neighbouring grid points where ``Y - X`` vanishes, Section 6.2), where
        every ordered coupling has infinite mutual information.

    Raises
    ------
    ValueError
        If ``X`` has atoms or no quantile function, or if ``Y(s) < X(s)`` somewhere, in which
        case no ordered coupling exists (Lemma 2).

    Warns
    -----
    QuadratureWarning
        When ``quad`` reports that it did not reach the tolerance.

    Examples
    --------
    The SPA with two bidders: Eq. (9), ``H_1 - log 2 = 1 - log 2``.

    >>> from scipy import stats
    >>> from privauction.theory import spa_price_law, winner_value_law
    >>> prior = stats.uniform(0, 1)
    >>> bound = ordered_mi_lower_bound(winner_value_law(prior, 2), spa_price_law(prior, 2))
    >>> round(bound, 10)
    0.3068528194
    """
    X = _check_x(X)
    Y = as_law(Y, name="Y")
    epsabs = check_real(epsabs, "epsabs", lower=0.0)
    epsrel = check_real(epsrel, "epsrel", lower=0.0)
    limit = check_int(limit, "limit", minimum=1)
    n_check = check_int(n_check, "n_check", minimum=16, maximum=10**7)
    floor = max(X.accuracy, Y.accuracy)
    epsabs, epsrel = max(epsabs, floor), max(epsrel, floor)
    gap = _Gap(X, Y)

    # Ordering (Lemma 2) and a zero set of positive X-measure (Section 6.2), on a grid.
    half = n_check // 2
    grid = (np.arange(half) + 0.5) / n_check  # midpoints in (0, 1/2)
    g_low, g_up = gap.lower(grid), gap.upper(grid[::-1])
    g = np.concatenate([g_low, g_up])
    u_all = np.concatenate([grid, 1.0 - grid[::-1]])
    tol_order = 1e-10
    if np.any(g < -tol_order):
        k = int(np.argmin(g))
        s = float(X.ppf(u_all[k]))
        raise ValueError(
            "`Y` must be first-order dominated by `X` (Y(s) >= X(s) for all s) for an ordered "
            f"coupling to exist (Lemma 2); at s = {s:.6g}, Y(s) - X(s) = {g[k]:.3g}"
        )
    zero = g <= _ZERO_GAP
    if np.any(zero[1:] & zero[:-1]):
        return math.inf
    # A zero set narrower than the grid can still be hit by a quadrature node: record those
    # nodes and look around each on a finer grid once the integral is done.
    touched = []

    def f_low(u):
        g_u = float(gap.lower(u))
        if g_u <= _ZERO_GAP:
            touched.append(float(u))
        return -math.log(max(g_u, 1e-300))

    def f_up(v):
        g_v = float(gap.upper(v))
        if g_v <= _ZERO_GAP:
            touched.append(1.0 - float(v))
        return -math.log(max(g_v, 1e-300))

    # Atoms of Y make the integrand jump at u = X(atom): breakpoints.
    breaks = np.asarray([float(X.cdf(a)) for a in Y.atoms] or [0.0], dtype=float)
    breaks = breaks[(breaks > 0) & (breaks < 1)]
    low_pts = sorted(float(b) for b in breaks if b < 0.5)
    up_pts = sorted(float(1.0 - b) for b in breaks if b > 0.5)

    total = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", integrate.IntegrationWarning)
        pieces = ((f_low, low_pts), (f_up, up_pts))
        for func, pts in pieces:
            try:
                val, _ = integrate.quad(
                    func, 0.0, 0.5, points=pts or None, epsabs=epsabs, epsrel=epsrel,
                    limit=limit,
                )
            except integrate.IntegrationWarning as exc:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", integrate.IntegrationWarning)
                    val, err = integrate.quad(
                        func, 0.0, 0.5, points=pts or None, epsabs=epsabs, epsrel=epsrel,
                        limit=limit,
                    )
                warnings.warn(
                    f"ordered_mi_lower_bound: quad did not reach epsabs={epsabs:g}, "
                    f"epsrel={epsrel:g} (estimated error {err:.2g}; {str(exc).splitlines()[0]}); "
                    "raise `limit`, loosen the tolerances, or give the jump points of Y as "
                    "`atoms` of its Law",
                    QuadratureWarning,
                    stacklevel=2,
                )
            total += val
    if _zero_set_near(gap, touched, width=1.0 / n_check):
        return math.inf
    return -1.0 + total


_ZERO_GAP = 1e-14


def _zero_set_near(gap: _Gap, points, *, width: float, n_fine: int = 4001) -> bool:
    """Whether ``Y - X`` vanishes on an interval (two neighbouring points of a fine grid of
    ``n_fine`` points over ``[u - width, u + width]``) around any of ``points``, away from the
    ends ``u = 0, 1`` where the gap of an ordered pair always closes."""
    for u in sorted(set(points)):
        if not 1e-9 < u < 1 - 1e-9:
            continue
        fine = np.linspace(max(u - width, 1e-12), min(u + width, 1 - 1e-12), n_fine)
        low = fine <= 0.5
        g = np.empty_like(fine)
        g[low] = gap.lower(fine[low])
        g[~low] = gap.upper(1.0 - fine[~low])
        zero = g <= _ZERO_GAP
        if np.any(zero[1:] & zero[:-1]):
            return True
    return False
