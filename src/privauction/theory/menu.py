"""Privacy of a screening menu (the screening paper, ``seeds/optimal-privacy-constrained-
mechanisms.txt``).

* :func:`menu_entropy` — Eq. (5): the ex-ante privacy loss of an interval menu is the Shannon
  entropy of the interval masses, ``I(M) = -Σ_m g_M(m) log g_M(m)`` (Lemma 2 states the seller's
  problem with it; by Cover & Thomas 2.6.4 it is at most ``log n``, Corollary 1).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .._validation import check_real_array

__all__ = ["menu_entropy"]


def menu_entropy(masses, axis: int = -1):
    """Eq. (5) of the screening paper: ``-Σ x log x`` in nats, with ``0 log 0 = 0``.

    Parameters
    ----------
    masses : array_like
        Interval masses ``g_M(m) = F(m̄) - F(m̲)`` (any non-negative weights; they are not
        renormalised).
    axis : int
        Axis summed over; a 1-d input gives a Python float, a batch an array.

    References
    ----------
    .. [1] Screening paper, Eq. (5), Lemma 2, Corollary 1.

    Examples
    --------
    >>> round(menu_entropy([0.5, 0.25, 0.25]), 10)  # 1.5 log 2
    1.0397207708
    >>> menu_entropy([[0.5, 0.5], [1.0, 0.0]]).round(6).tolist()
    [0.693147, 0.0]
    """
    x = check_real_array(masses, "masses", ndim=None)
    if x.size and x.min() < 0:
        raise ValueError(f"`masses` must be non-negative; got {x.min()}")
    h = -np.sum(special.xlogy(x, x), axis=axis) + 0.0  # + 0.0 turns -0.0 into 0.0
    return float(h) if np.ndim(h) == 0 else h
