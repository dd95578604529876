"""Boundary-corrected kernel density on a grid (private helper of the value recovery).

Gaussian kernel, linear binning onto an equally spaced grid and FFT convolution, with the
reflection method at both ends of a bounded support (Schuster 1985; Silverman 1986, §2.10): the
estimate at ``x`` adds the kernel mass that fell beyond an end, mirrored back, which removes the
``O(1)`` bias of a plain kernel estimate at the boundary.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

__all__ = ["reflected_kde", "silverman_bandwidth"]


def silverman_bandwidth(x: np.ndarray) -> float:
    """Silverman's rule of thumb for a Gaussian kernel, ``0.9 min(sd, IQR/1.349) m^(-1/5)``.

    (Silverman 1986, Eq. (3.31).) Falls back to the standard deviation when the IQR is 0.

    Examples
    --------
    >>> import numpy as np
    >>> h = silverman_bandwidth(np.random.default_rng(0).normal(size=10_000))
    >>> bool(0.14 < h < 0.17)  # 0.9 * 10000 ** -0.2 = 0.143 for sd 1
    True
    """
    x = np.asarray(x, dtype=float)
    sd = float(np.std(x, ddof=1))
    q75, q25 = np.percentile(x, [75, 25])
    spread = min(sd, (q75 - q25) / 1.349) if q75 > q25 else sd
    return 0.9 * spread * x.size ** (-0.2)


def reflected_kde(x: np.ndarray, low: float, high: float, bandwidth: float,
                  n_grid: int = 2049) -> tuple[np.ndarray, np.ndarray]:
    """Density of ``x`` on ``[low, high]`` with reflection at both ends.

    ``f(t) = (1/(m h)) Σ_j [φ((t - x_j)/h) + φ((t - (2 low - x_j))/h) + φ((t - (2 high - x_j))/h)]``
    evaluated on ``n_grid`` equally spaced points (binned, so exact up to the grid's linear
    binning error, ``O(Δ²)``). It integrates to 1 over ``[low, high]`` when ``h`` is small
    against the width (mass reflected twice is dropped).

    Returns
    -------
    grid, density : ndarray, shape (n_grid,)

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(1).uniform(size=20_000)
    >>> grid, f = reflected_kde(x, 0.0, 1.0, 0.05)
    >>> bool(abs(f[0] - 1) < 0.1 and abs(f[-1] - 1) < 0.1)  # no halving at the ends
    True
    """
    x = np.asarray(x, dtype=float)
    grid = np.linspace(low, high, n_grid)
    delta = grid[1] - grid[0]
    # linear binning: each point splits its unit mass between its two neighbouring nodes
    pos = np.clip((x - low) / delta, 0.0, n_grid - 1.0)
    left = np.minimum(pos.astype(np.intp), n_grid - 2)
    frac = pos - left
    counts = np.bincount(left, weights=1.0 - frac, minlength=n_grid)
    counts += np.bincount(left + 1, weights=frac, minlength=n_grid)
    # mirror the counts at both ends (the node on the boundary is not duplicated)
    pad = min(n_grid - 1, int(np.ceil(4.0 * bandwidth / delta)))
    padded = np.concatenate([counts[pad:0:-1], counts, counts[-2:-pad - 2:-1]])
    offsets = np.arange(-pad, pad + 1) * delta
    kernel = np.exp(-0.5 * (offsets / bandwidth) ** 2) / (np.sqrt(2 * np.pi) * bandwidth)
    smooth = signal.fftconvolve(padded, kernel, mode="same")[pad:pad + n_grid]
    return grid, np.maximum(smooth, 0.0) / x.size
