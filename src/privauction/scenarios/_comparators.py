"""Plug-in comparator mechanisms used only by the claim scenarios.

They are ordinary :class:`~privauction.mechanisms.Mechanism` subclasses written against the
public contract (one vectorised ``run``), which also shows that a plug-in works everywhere. No
lower layer imports them.

* :class:`UniformCapLottery` — Prop. 1's comparator: an efficient K-capped mechanism whose price
  is uniform on ``[0, K]`` mixed with an atom at 0 or at K so that its mean is the second bid.
* :class:`UniformSpread` — an extra mean-preserving spread of the second price for Theorem 1:
  uniform on ``[b2 − h, b2 + h]`` with ``h = min(b2, b1 − b2)``, so its mean is ``b2`` and its
  support lies in ``[0, b1]`` (ex-post IR).
* :class:`ReserveSpread` — Theorem 2's alternatives: the same expected payment as the SPA with
  reserve ``r`` (``max(b2, r)`` given a sale) paid as a winner-bid lottery, a scaled Beta price or
  the uniform spread; all ex-post IR.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import integrate

from .._validation import check_real
from ..mechanisms.base import Mechanism, top_two
from ..priors import (
    expected_second_highest,
    highest_pdf,
    myerson_reserve,
    support,
    validate_prior,
    virtual_value,
)
from ..theory.order_statistics import conditional_second_mean

__all__ = ["UniformCapLottery", "UniformSpread", "ReserveSpread", "conditional_second_mean"]

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(96)


def _uniform_cap_weights(s, K):
    """Probabilities of (atom at 0, uniform part, atom at K) given the second bid ``s``."""
    s = np.asarray(s, dtype=float)
    uniform = np.minimum(2.0 * s, 2.0 * (K - s)) / K
    zero = np.maximum(0.0, 1.0 - 2.0 * s / K)
    top = np.maximum(0.0, 2.0 * s / K - 1.0)
    return zero, uniform, top


@dataclass(frozen=True)
class UniformCapLottery(Mechanism):
    """An efficient K-capped mechanism with a uniform-on-[0, K] price and the SPA's mean.

    The highest bidder wins. Given the second bid ``b2``, with probability
    ``u = min(2 b2, 2 (K − b2)) / K`` the price is uniform on ``[0, K]``; otherwise it is 0 (when
    ``b2 <= K/2``) or ``K`` (when ``b2 > K/2``). The mean price is ``b2``, so by Eq. (2) of the
    auction paper it is DSIC and interim IR, and every price lies in ``[0, K]``: it is one of the
    "efficient K-capped mechanisms" that Prop. 1 says the {0,K} lottery beats.

    Its analytical privacy loss is finite: given which of the three parts was drawn, the uniform
    draw is independent of everything, so ``MI(W; P) = MI(W; T)`` with ``T`` in
    ``{0, uniform, K}``, computed by quadrature in :meth:`privacy_loss`.

    Parameters
    ----------
    K : float
        The cap, ``>=`` the top of the prior's support (Prop. 1's ``K >= θ̄``).
    """

    K: float

    efficient: ClassVar[bool] = True
    dsic: ClassVar[bool] = True
    ex_post_ir: ClassVar[bool] = False
    deterministic_payments: ClassVar[bool] = False

    def __post_init__(self):
        check_real(self.K, "K", lower=0.0, lower_inclusive=False)

    def check_compatible(self, prior, n_bidders: int) -> None:
        super().check_compatible(prior, n_bidders)
        validate_prior(prior, bounded=True)
        low, high = support(prior)
        if low < 0 or self.K < high:
            raise ValueError(
                f"`K` must be >= the top of the prior's support [{low}, {high}] (which must be "
                f">= 0); got {self.K}"
            )

    def run(self, bids, rng):
        winner, _, second = top_two(bids, rng)
        zero, uniform, _ = _uniform_cap_weights(second, self.K)
        u = rng.random(second.shape[0])
        price = np.where(u < zero, 0.0, self.K)
        in_uniform = (u >= zero) & (u < zero + uniform)
        price[in_uniform] = rng.random(int(in_uniform.sum())) * self.K
        return winner, price

    def privacy_loss(self, prior, n_bidders: int) -> float:
        """``MI(W; T) = E_W[D_KL(π(W) || π̄)]`` over the three parts, by quadrature.

        ``π(w) = E[(zero, uniform, top)(S) | W = w]`` from :func:`conditional_second_mean`
        (kink at ``K/2``), and the outer integral over ``g_W`` by 96-point Gauss–Legendre on
        each of 64 equal pieces of the support (error below 1e-9 for the smooth priors used).
        """
        self.check_compatible(prior, n_bidders)
        low, high = support(prior)
        pieces = np.linspace(low, high, 65)
        a, b = pieces[:-1, None], pieces[1:, None]
        w = (a + (b - a) * (_GL_NODES[None, :] + 1.0) / 2.0).ravel()
        weight = ((b - a) / 2.0 * _GL_WEIGHTS[None, :]).ravel() * highest_pdf(prior, n_bidders, w)
        parts = [
            conditional_second_mean(
                prior, n_bidders, w, lambda s, j=j: _uniform_cap_weights(s, self.K)[j],
                breaks=(self.K / 2.0,),
            )
            for j in range(3)
        ]
        pi = np.clip(np.stack(parts, axis=1), 0.0, 1.0)
        pi_bar = (weight[:, None] * pi).sum(axis=0) / weight.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(pi > 0, pi * np.log(pi / pi_bar[None, :]), 0.0)
        return float(np.sum(weight * terms.sum(axis=1)))

    def expected_revenue(self, prior, n_bidders: int) -> float:
        self.check_compatible(prior, n_bidders)
        return expected_second_highest(prior, n_bidders)


def _spread_price(kind: str, mean, b1, rng):
    """A price with the given conditional ``mean`` and support in ``[0, b1]`` (vectorised)."""
    m = len(mean)
    if kind == "uniform":
        h = np.minimum(mean, b1 - mean)
        return mean - h + 2.0 * h * rng.random(m)
    if kind == "winner-bid":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(rng.random(m) * b1 < mean, b1, 0.0)
    if kind == "beta":
        gap = b1 - mean
        ok = (mean > 0) & (gap > 0)
        fraction = np.where(mean > 0, 1.0, 0.0)
        if ok.any():
            fraction[ok] = rng.beta(mean[ok], gap[ok])
        return b1 * fraction
    raise ValueError(f"`kind` must be one of 'uniform', 'winner-bid', 'beta'; got {kind!r}")


@dataclass(frozen=True)
class UniformSpread(Mechanism):
    """A mean-preserving spread of the second price: uniform on ``[b2 − h, b2 + h]``.

    ``h = min(b2, b1 − b2)`` is the widest symmetric interval around the second bid inside
    ``[0, b1]``: when ``2 b2 >= b1`` the price is uniform on ``[2 b2 − b1, b1]``, otherwise on
    ``[0, 2 b2]``. Its mean is ``b2`` (DSIC by Eq. (2)) and it never exceeds the winner's bid
    (ex-post IR), so Theorem 1 says its privacy loss exceeds the SPA's ``H_{n−1} − log n`` for MHR
    priors. No closed form is known for it.
    """

    efficient: ClassVar[bool] = True
    dsic: ClassVar[bool] = True
    ex_post_ir: ClassVar[bool] = True
    deterministic_payments: ClassVar[bool] = False

    def check_compatible(self, prior, n_bidders: int) -> None:
        super().check_compatible(prior, n_bidders)
        if support(prior)[0] < 0:
            raise ValueError("the prior's support must be >= 0 for UniformSpread")

    def run(self, bids, rng):
        winner, highest, second = top_two(bids, rng)
        return winner, _spread_price("uniform", second, highest, rng)

    def expected_revenue(self, prior, n_bidders: int) -> float:
        self.check_compatible(prior, n_bidders)
        return expected_second_highest(prior, n_bidders)


@dataclass(frozen=True)
class ReserveSpread(Mechanism):
    """Randomised alternatives to the SPA with reserve ``r`` that keep its expected payments.

    Unsold when the highest bid is below ``r``; otherwise the highest bidder wins and pays a
    random price with mean ``m = max(b2, r)`` (the reserve SPA's payment, Section 4.3) and support
    in ``[0, b1]``:

    * ``"winner-bid"``: ``b1`` with probability ``m / b1``, else 0 (infinite privacy loss);
    * ``"beta"``: ``b1 · Beta(m, b1 − m)``;
    * ``"uniform"``: uniform on ``[m − h, m + h]``, ``h = min(m, b1 − m)``.

    All are DSIC, ex-post IR and revenue-maximising with Myerson's reserve, so Theorem 2 says
    each leaks more than the reserve SPA.

    Parameters
    ----------
    kind : {"uniform", "winner-bid", "beta"}
    reserve : float or None
        None means Myerson's optimal reserve for the prior (fixed by :meth:`bind`).
    """

    kind: str = "uniform"
    reserve: float | None = None

    efficient: ClassVar[bool] = False
    dsic: ClassVar[bool] = True
    ex_post_ir: ClassVar[bool] = True
    deterministic_payments: ClassVar[bool] = False

    def __post_init__(self):
        if self.kind not in ("uniform", "winner-bid", "beta"):
            raise ValueError(
                f"`kind` must be one of 'uniform', 'winner-bid', 'beta'; got {self.kind!r}"
            )
        if self.reserve is not None:
            check_real(self.reserve, "reserve", lower=0.0)

    def reserve_for(self, prior) -> float:
        return myerson_reserve(prior) if self.reserve is None else float(self.reserve)

    def bind(self, prior, n_bidders: int) -> ReserveSpread:
        if self.reserve is not None:
            return self
        return ReserveSpread(self.kind, myerson_reserve(prior))

    def run(self, bids, rng):
        if self.reserve is None:
            raise ValueError(
                "ReserveSpread(reserve=None) needs the prior to find Myerson's reserve: use "
                "pa.simulate(...), or pass reserve=..."
            )
        winner, highest, second = top_two(bids, rng)
        sold = highest >= self.reserve
        mean = np.maximum(second, self.reserve)
        price = _spread_price(self.kind, mean, highest, rng)
        return np.where(sold, winner, -1), np.where(sold, price, np.nan)

    def privacy_loss(self, prior, n_bidders: int) -> float:
        """``math.inf`` for the winner-bid lottery and the Beta price; none for the uniform.

        The winner-bid lottery's price equals W with positive chance. The Beta price
        ``b1 · Beta(m, b1 − m)`` diverges like BetaPrice's (log-log, near ``P = W``): the gap
        ``b1 − m`` has a positive density at 0 given a sale, whether ``m`` is ``b2`` or ``r``.
        """
        self.check_compatible(prior, n_bidders)
        if self.kind in ("winner-bid", "beta"):
            return math.inf
        return super().privacy_loss(prior, n_bidders)

    def expected_revenue(self, prior, n_bidders: int) -> float:
        """Myerson's revenue ``n ∫_r φ(v) F(v)^{n−1} f(v) dv``, the same as the reserve SPA's."""
        self.check_compatible(prior, n_bidders)
        r = self.reserve_for(prior)
        _, high = support(prior)
        val, _ = integrate.quad(
            lambda v: n_bidders * virtual_value(prior, v) * prior.cdf(v) ** (n_bidders - 1)
            * prior.pdf(v), r, high, epsabs=1e-13, epsrel=1e-12, limit=200,
        )
        return float(val)
