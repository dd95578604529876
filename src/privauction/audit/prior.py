"""A prior from recovered values: a smoothed, bounded, continuous scipy.stats distribution."""

from __future__ import annotations

import numpy as np
from scipy import integrate, stats

from ._kde import reflected_kde, silverman_bandwidth

__all__ = ["GridDistribution", "prior_from_values"]


class GridDistribution(stats.rv_continuous):
    """A continuous distribution given by its density on a grid of nodes.

    The density is linear between the nodes, the CDF its exact integral (cumulative
    trapezoid, normalised to 1) and the quantile function the inverse of that CDF (linear
    interpolation of the inverse, which is exact where the density is flat). Support
    ``[grid[0], grid[-1]]``. Frozen with no parameters it is a prior every mechanism accepts.

    Parameters
    ----------
    grid : ndarray
        Increasing nodes (not necessarily equally spaced).
    density : ndarray
        Non-negative values at the nodes (normalised here); must not vanish between two nodes
        (a floor of 1e-12 of the maximum is applied, so the CDF is strictly increasing).

    Examples
    --------
    >>> import numpy as np
    >>> d = GridDistribution(np.linspace(0, 2, 5), np.ones(5))()
    >>> float(d.cdf(0.5)), float(d.ppf(0.75)), tuple(map(float, d.support()))
    (0.25, 1.5, (0.0, 2.0))
    """

    def __init__(self, grid, density, name: str = "recovered", **kwargs):
        grid = np.asarray(grid, dtype=float)
        density = np.asarray(density, dtype=float)
        density = np.maximum(density, 1e-12 * density.max())
        cdf = integrate.cumulative_trapezoid(density, grid, initial=0.0)
        total = cdf[-1]
        self._grid, self._density, self._cdf_nodes = grid, density / total, cdf / total
        kwargs.update(a=float(grid[0]), b=float(grid[-1]), name=name)
        super().__init__(**kwargs)

    def _updated_ctor_param(self):
        # scipy's frozen distributions rebuild the instance from these (also on unpickling)
        params = super()._updated_ctor_param()
        params.update(grid=self._grid, density=self._density)
        return params

    # Fast paths for the frozen prior (no shape, loc or scale): quadratures in privauction.theory
    # call cdf and pdf point by point, and scipy's argument handling costs about ten times the
    # interpolation itself. Same values as the generic methods, outside the support included.
    def pdf(self, x, *args, **kwds):
        if args or kwds:
            return super().pdf(x, *args, **kwds)
        if isinstance(x, (float, int, np.floating, np.integer)):
            x = float(x)
            return np.float64(np.interp(x, self._grid, self._density, left=0.0, right=0.0))
        return self._pdf(np.asarray(x, dtype=float))[()]

    def _cdf_scalar(self, x: float) -> np.float64:
        if not x > self.a:
            return np.float64(0.0 if x <= self.a else np.nan)
        if x >= self.b:
            return np.float64(1.0)
        g, f, c = self._grid, self._density, self._cdf_nodes
        i = min(int(np.searchsorted(g, x, side="right")) - 1, g.size - 2)
        dx = x - float(g[i])
        slope = (float(f[i + 1]) - float(f[i])) / (float(g[i + 1]) - float(g[i]))
        return np.float64(min(max(float(c[i]) + float(f[i]) * dx + 0.5 * slope * dx * dx, 0.0),
                              1.0))

    def cdf(self, x, *args, **kwds):
        if args or kwds:
            return super().cdf(x, *args, **kwds)
        if isinstance(x, (float, int, np.floating, np.integer)):
            return self._cdf_scalar(float(x))
        x = np.asarray(x, dtype=float)
        inside = self._cdf(np.clip(x, self.a, self.b))
        return np.where(x >= self.b, 1.0, np.where(x <= self.a, 0.0, inside))[()]

    def sf(self, x, *args, **kwds):
        if args or kwds:
            return super().sf(x, *args, **kwds)
        return 1.0 - self.cdf(x)

    def ppf(self, q, *args, **kwds):
        if args or kwds:
            return super().ppf(q, *args, **kwds)
        q = np.asarray(q, dtype=float)
        inside = self._ppf(np.clip(q, 0.0, 1.0))
        return np.where((q < 0) | (q > 1), np.nan, inside)[()]

    def _pdf(self, x):
        return np.interp(x, self._grid, self._density, left=0.0, right=0.0)

    def _cdf(self, x):
        # exact integral of the piecewise-linear density
        x = np.asarray(x, dtype=float)
        g, f, c = self._grid, self._density, self._cdf_nodes
        i = np.clip(np.searchsorted(g, x, side="right") - 1, 0, g.size - 2)
        dx = x - g[i]
        slope = (f[i + 1] - f[i]) / (g[i + 1] - g[i])
        return np.clip(c[i] + f[i] * dx + 0.5 * slope * dx * dx, 0.0, 1.0)

    def _sf(self, x):
        return 1.0 - self._cdf(x)

    def _ppf(self, q):
        # invert the quadratic CDF piece by piece
        q = np.asarray(q, dtype=float)
        g, f, c = self._grid, self._density, self._cdf_nodes
        i = np.clip(np.searchsorted(c, q, side="right") - 1, 0, g.size - 2)
        slope = (f[i + 1] - f[i]) / (g[i + 1] - g[i])
        rest = q - c[i]
        with np.errstate(divide="ignore", invalid="ignore"):
            disc = np.sqrt(np.maximum(f[i] ** 2 + 2 * slope * rest, 0.0))
            dx = np.where(np.abs(slope) * rest > 1e-14 * f[i] ** 2,
                          2 * rest / (f[i] + disc), rest / f[i])
        return np.clip(g[i] + dx, g[0], g[-1])

    def _rvs(self, size=None, random_state=None):
        return self._ppf(random_state.random(size))

    def _munp(self, n):
        return integrate.trapezoid(self._grid ** n * self._density, self._grid)


def prior_from_values(values: np.ndarray, *, bandwidth: float | None = None,
                      n_grid: int = 4097):
    """Frozen :class:`GridDistribution` of positive recovered values, smoothed in logs.

    The density of ``y = log v`` is the reflected Gaussian kernel estimate of
    :func:`~privauction.audit._kde.reflected_kde` on ``[min y, max y]`` (Silverman's
    bandwidth unless ``bandwidth`` is given, in log units), and the density of ``v`` is
    ``f_y(log v) / v`` on the nodes ``exp(y_grid)``: bid data span orders of magnitude, and a
    grid in logs resolves the bulk and the tail alike. Support ``[min(values), max(values)]``.

    Examples
    --------
    >>> import numpy as np
    >>> v = np.random.default_rng(0).uniform(2, 4, 50_000)
    >>> p = prior_from_values(v)
    >>> round(float(p.mean()), 2), round(float(p.cdf(3.0)), 2)
    (3.0, 0.5)
    """
    values = np.asarray(values, dtype=float)
    if not (values.size >= 2 and np.all(values > 0) and np.all(np.isfinite(values))):
        raise ValueError("`values` must be at least two positive finite numbers")
    y = np.log(values)
    low, high = float(y.min()), float(y.max())
    h = silverman_bandwidth(y) if bandwidth is None else float(bandwidth)
    grid, density = reflected_kde(y, low, high, h, n_grid)
    nodes = np.exp(grid)
    nodes[0], nodes[-1] = values.min(), values.max()
    return GridDistribution(nodes, density / nodes)()
