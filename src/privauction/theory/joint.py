"""The minimiser λ* of Lemma 1 (Eq. (5)): its density and an exact sampler.

For laws ``X`` (non-atomic) and ``Y`` with ``Y(s) >= X(s)``, Eq. (5) of the auction paper gives
the ordered coupling of least mutual information through its density with respect to
``X ⊗ Y``::

    h*(x, y) = exp(-(Φ(x) - Φ(y))) / (Y(x) - X(x)) · 1{Y(x) > X(x)} · 1{y <= x},
    Φ(s) = ∫^s dX(t) / (Y(t) - X(t))      (the "hazard" r(x) of Eq. (13), integrated).

Since ``h*(x, y) dX(x) = exp(-(Φ(x) - Φ(y))) dΦ(x)``, under λ* the conditional law of ``X``
given ``Y = y`` is that of the first arrival after ``y`` of a clock with cumulative hazard Φ:
``Φ(X) - Φ(y)`` is a standard exponential (this is the proof of Lemma 9, and the "locally
memoryless" allocation of Section 5). So λ* is sampled exactly by drawing ``Y`` from its
marginal, ``E ~ Exp(1)``, and setting ``X = Φ^{-1}(Φ(Y) + E)``. Φ is tabulated in
``z = logit(X(s))`` (Gauss–Legendre on each cell, atoms of ``Y`` as cell ends) and inverted by
linear interpolation.

For the SPA (``X = G_W``, ``Y = G_L``) ``Φ(s) = -log(1 - F(s))``, so ``X`` given ``Y = y`` is the
prior truncated to ``[y, ∞)``: Eq. (11).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import special

from .._validation import check_int, check_rng
from .laws import Law, as_law
from .lower_bound import _check_x, _Gap, ordered_mi_lower_bound

__all__ = ["MinMIJoint", "min_mi_joint"]

_Z_MAX = 36.0  # logit range: u from 2.3e-16 to 1 - 2.3e-16


@dataclass(frozen=True, eq=False)
class MinMIJoint:
    """The minimum-MI ordered coupling λ* of Eq. (5), for continuous ``X``.

    Build it with :func:`min_mi_joint`.

    Attributes
    ----------
    X, Y : Law
        The marginals (``X`` the larger variable).
    mi : float
        ``D(λ* || X ⊗ Y)``, the right-hand side of Eq. (4) (Lemma 12).
    """

    X: Law
    Y: Law
    mi: float
    _z: np.ndarray = field(repr=False)
    _phi: np.ndarray = field(repr=False)

    # -- Φ and its inverse ----------------------------------------------------------------
    def _logit_x(self, s) -> np.ndarray:
        s = np.asarray(s, dtype=float)
        c = np.asarray(self.X.cdf(s), dtype=float)
        v = self.X.survival(s)
        with np.errstate(divide="ignore"):
            return np.log(c) - np.log(v)

    def hazard_integral(self, s) -> np.ndarray:
        """``Φ(s) = ∫^s dX / (Y - X)``, up to an additive constant, vectorised.

        Below the tabulated range (``X(s) < 2e-16``) it is held constant; above it, extended
        linearly in ``logit X(s)``.
        """
        z = self._logit_x(s)
        phi = np.interp(z, self._z, self._phi)
        slope = (self._phi[-1] - self._phi[-2]) / (self._z[-1] - self._z[-2])
        return np.where(z > self._z[-1], self._phi[-1] + slope * (z - self._z[-1]), phi)

    def _inverse_hazard(self, phi) -> np.ndarray:
        """``z = logit X(s)`` with ``Φ(s) = phi`` (the tabulated Φ is non-decreasing)."""
        z = np.interp(phi, self._phi, self._z)
        slope = (self._phi[-1] - self._phi[-2]) / (self._z[-1] - self._z[-2])
        return np.where(phi > self._phi[-1], self._z[-1] + (phi - self._phi[-1]) / slope, z)

    def _x_of_logit(self, z) -> np.ndarray:
        u = special.expit(z)
        v = special.expit(-z)
        isf = self.X.isf if self.X.isf is not None else (lambda q: self.X.ppf(1.0 - q))
        return np.where(z <= 0, self.X.ppf(u), isf(v))

    # -- density ----------------------------------------------------------------------------
    def rn_derivative(self, x, y) -> np.ndarray:
        """``dλ*/d(X ⊗ Y)(x, y)`` of Eq. (5), vectorised (broadcasting ``x`` against ``y``)."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        gap = np.asarray(self.Y.cdf(x), dtype=float) - np.asarray(self.X.cdf(x), dtype=float)
        upper = np.asarray(self.X.cdf(x), dtype=float) > 0.5
        gap = np.where(upper, self.X.survival(x) - self.Y.survival(x), gap)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            dens = np.exp(-(self.hazard_integral(x) - self.hazard_integral(y))) / gap
        return np.where((y <= x) & (gap > 0), dens, 0.0)

    def pdf(self, x, y) -> np.ndarray:
        """Density of λ* with respect to Lebesgue measure: ``h*(x, y) f_X(x) f_Y(y)``.

        Needs densities of both marginals and no atoms in ``Y``.
        """
        if self.X.pdf is None or self.Y.pdf is None or self.Y.atoms:
            raise ValueError(
                "pdf needs densities of X and Y and a Y without atoms; use rn_derivative "
                "(the density with respect to X ⊗ Y) instead"
            )
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        return self.rn_derivative(x, y) * self.X.pdf(x) * self.Y.pdf(y)

    # -- sampling ---------------------------------------------------------------------------
    def sample(self, size: int, *, rng=None) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``size`` pairs ``(x, y)`` from λ*, vectorised.

        ``y = Y.ppf(U)``, then ``x = Φ^{-1}(Φ(y) + E)`` with ``E ~ Exp(1)`` (see the module
        docstring); ``x >= y`` always.

        Parameters
        ----------
        size : int
        rng : None, int, SeedSequence or Generator

        Returns
        -------
        x, y : ndarray of shape (size,)
        """
        size = check_int(size, "size", minimum=0)
        gen = check_rng(rng)
        if self.Y.ppf is None:
            raise ValueError(
                "sampling needs the quantile function of Y; give `ppf` (or a finite support) "
                "to privauction.theory.payment_law"
            )
        y = np.asarray(self.Y.ppf(gen.random(size)), dtype=float)
        target = self.hazard_integral(y) + gen.standard_exponential(size)
        z = np.maximum(self._inverse_hazard(target), self._logit_x(y))
        x = np.maximum(self._x_of_logit(z), y)
        return x, y


def min_mi_joint(X, Y, *, n_grid: int = 20_001) -> MinMIJoint:
    """The minimiser λ* of Eq. (5) for a non-atomic ``X`` and any ``Y`` with ``Y >= X``.

    Parameters
    ----------
    X, Y : Law or frozen scipy.stats distribution
        As for :func:`ordered_mi_lower_bound`; ``Y`` needs a ``ppf`` for sampling.
    n_grid : int
        Points of the ``logit X(s) ∈ [-36, 36]`` grid on which ``Φ`` is tabulated (atoms of
        ``Y`` are added as nodes); each cell is integrated by 5-point Gauss–Legendre.

    Returns
    -------
    MinMIJoint
        ``.rn_derivative(x, y)`` (Eq. (5)), ``.pdf(x, y)``, ``.sample(size, rng=...)``, ``.mi``.

    Raises
    ------
    ValueError
        If the bound (4) is infinite (then no minimiser exists in the sense of Lemma 1), or as
        :func:`ordered_mi_lower_bound`.

    Examples
    --------
    For the SPA, λ* is the law of the highest and second-highest of ``n`` values:

    >>> from scipy import stats
    >>> from privauction.theory import spa_price_law, winner_value_law
    >>> prior = stats.uniform(0, 1)
    >>> joint = min_mi_joint(winner_value_law(prior, 2), spa_price_law(prior, 2))
    >>> round(float(joint.pdf(0.7, 0.3)), 6)   # n (n-1) f(w) f(l) F(l)^(n-2) = 2
    2.0
    >>> x, y = joint.sample(5, rng=0)
    >>> bool((x >= y).all())
    True
    """
    X = _check_x(X)
    Y = as_law(Y, name="Y")
    n_grid = check_int(n_grid, "n_grid", minimum=101, maximum=10**7)
    mi = ordered_mi_lower_bound(X, Y)
    if not np.isfinite(mi):
        raise ValueError(
            "the bound of Eq. (4) is infinite for these marginals (Y(s) = X(s) on a set of "
            "positive X-measure), so every ordered coupling has infinite mutual information and "
            "Eq. (5) defines no minimiser (Section 6.2)"
        )
    gap = _Gap(X, Y)
    # Grid in z = logit X(s), with the atoms of Y as nodes so that no cell holds a jump of the
    # integrand; each cell is integrated with 5-point Gauss–Legendre.
    z = np.linspace(-_Z_MAX, _Z_MAX, n_grid)
    if Y.atoms:
        with np.errstate(divide="ignore"):
            za = np.array([float(np.log(X.cdf(a)) - np.log(X.survival(a))) for a in Y.atoms])
        z = np.union1d(z, za[np.abs(za) < _Z_MAX])
    nodes, weights = np.polynomial.legendre.leggauss(5)
    half = np.diff(z) / 2
    zq = (z[:-1] + half)[:, None] + half[:, None] * nodes[None, :]
    u, v = special.expit(zq), special.expit(-zq)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(zq <= 0, gap.lower(np.minimum(u, 0.5)), gap.upper(np.minimum(v, 0.5)))
        integrand = np.where(g > 0, u * v / g, 1e300)
    cells = half * np.sum(weights[None, :] * np.minimum(integrand, 1e300), axis=1)
    phi = np.concatenate([[0.0], np.cumsum(cells)])
    return MinMIJoint(X=X, Y=Y, mi=float(mi), _z=z, _phi=phi)
