"""The Bayesian outside observer: posterior of the winner's value after a published price.

The observer knows the mechanism, the prior and the number of bidders, sees the winner's
identity and price, and updates the prior of the winner's value W (given a sale) by Bayes'
rule. The KL divergence of that posterior from the prior, averaged over simulated prices, is
``MI(W; P | sale)`` (the ``E_P[D_KL(G_{W|P} || G_W)]`` representation in Section 3 of the auction
paper): an estimate of the privacy loss with no kNN bias, only Monte Carlo error.

Supported mechanisms:

* :class:`~privauction.mechanisms.SecondPrice` and :class:`~privauction.mechanisms.ReservePrice`:
  the posterior is the prior truncated to ``[p, θ_high]`` (Eq. (11)); exact closed-form KL.
* :class:`~privauction.mechanisms.ZeroKLottery`: a price of 0 or K; the posterior reweights
  ``g_W`` by ``α(w)`` or ``1 - α(w)``, ``α(w) = E[second | W = w] / K``; KL by quadrature.
* :class:`~privauction.mechanisms.KPrice`: the price reveals the k-th highest value ``x``; the
  winner's value is the highest of ``k - 1`` draws truncated to ``[x, θ_high]``; exact KL in
  quantile space.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, special

from .._validation import check_int
from ..mechanisms.k_price import KPrice
from ..mechanisms.lotteries import ZeroKLottery
from ..mechanisms.second_price import ReservePrice, SecondPrice
from ..priors import expected_second_highest, highest_pdf, support, validate_prior
from ..theory.spa import spa_posterior_kl

__all__ = ["Observer"]


class Observer:
    """Bayesian observer of an auction's published (winner, price).

    Parameters
    ----------
    mechanism : Mechanism
        One of the supported mechanisms (see :meth:`supports`).
    prior : frozen continuous scipy.stats distribution
    n_bidders : int

    Examples
    --------
    >>> import numpy as np, privauction as pa
    >>> from scipy import stats
    >>> obs = Observer(pa.mechanisms.SecondPrice(), stats.uniform(0, 1), 2)
    >>> out = pa.simulate(obs.mechanism, obs.prior, 2, 200_000, rng=1)
    >>> round(float(obs.kl(out.price).mean()), 2)  # 1 - log 2 = 0.307
    0.31
    """

    def __init__(self, mechanism, prior, n_bidders: int):
        validate_prior(prior)
        n_bidders = check_int(n_bidders, "n_bidders", minimum=2)
        if not self.supports(mechanism):
            raise NotImplementedError(
                f"the observer has no closed-form posterior for {type(mechanism).__name__}; "
                "supported: SecondPrice, ReservePrice, ZeroKLottery, KPrice"
            )
        mechanism.check_compatible(prior, n_bidders)
        self.mechanism = mechanism.bind(prior, n_bidders)
        self.prior = prior
        self.n_bidders = n_bidders

    @staticmethod
    def supports(mechanism) -> bool:
        """Whether the observer has an exact posterior for this mechanism."""
        return type(mechanism) in (SecondPrice, ReservePrice, ZeroKLottery, KPrice)

    def __repr__(self) -> str:
        return f"Observer({self.mechanism!r}, n_bidders={self.n_bidders})"

    # -- posterior --------------------------------------------------------------------------
    def _reserve_quantile(self) -> float:
        if isinstance(self.mechanism, ReservePrice):
            return float(self.prior.cdf(self.mechanism.reserve))
        return 0.0

    def posterior_cdf(self, w, price):
        """``P(W <= w | price)`` for the winner's value, vectorised (broadcasts w and price)."""
        w = np.asarray(w, dtype=float)
        price = np.asarray(price, dtype=float)
        mech, prior = self.mechanism, self.prior
        if isinstance(mech, (SecondPrice, ReservePrice)):
            a = prior.cdf(price)
            return np.clip((prior.cdf(w) - a) / (1 - a), 0.0, 1.0)
        if isinstance(mech, KPrice):
            x = self._kth_value(price)
            a = prior.cdf(x)
            return np.clip((prior.cdf(w) - a) / (1 - a), 0.0, 1.0) ** (mech.k - 1)
        # ZeroKLottery: reweight g_W by alpha or 1 - alpha.
        w_b, p_b = np.broadcast_arrays(w, price)
        out = np.empty(w_b.shape)
        for idx in np.ndindex(w_b.shape):
            out[idx] = self._lottery_posterior_cdf(float(w_b[idx]), float(p_b[idx]))
        return out

    def _lottery_posterior_cdf(self, w, price):
        mech, prior, n = self.mechanism, self.prior, self.n_bidders
        low, high = support(prior)
        pays = price == mech.K

        def dens(v):
            a = float(mech.pay_probability(prior, n, v)[0])
            return float(highest_pdf(prior, n, v)) * (a if pays else 1 - a)

        mean_pay = expected_second_highest(prior, n) / mech.K
        norm = mean_pay if pays else 1 - mean_pay
        top = min(max(w, low), high)
        val, _ = integrate.quad(dens, low, top, epsabs=1e-13, limit=200)
        return val / norm

    def _kth_value(self, price):
        """Invert the k-price equilibrium bid: the k-th highest value behind a price."""
        mech, prior, n = self.mechanism, self.prior, self.n_bidders
        bid = mech.bid_function(prior, n)
        if bid is None:
            return price
        low, high = support(prior)
        grid = prior.ppf(np.linspace(0, 1, 8193))
        return np.interp(price, bid(grid), grid)

    # -- KL of posterior from prior -----------------------------------------------------
    def kl(self, price) -> np.ndarray:
        """``D_KL(posterior of W given price || prior of W given a sale)`` in nats, per price.

        The mean over simulated prices of sold items estimates ``MI(W; P | sale)``.
        """
        price = np.asarray(price, dtype=float)
        mech, prior, n = self.mechanism, self.prior, self.n_bidders
        if np.isnan(price).any():
            raise ValueError("`price` must hold the prices of sold items only; got NaN")
        if isinstance(mech, (SecondPrice, ReservePrice)):
            return spa_posterior_kl(prior.cdf(price), n, self._reserve_quantile())
        if isinstance(mech, KPrice):
            return self._k_price_kl(prior.cdf(self._kth_value(price)))
        return self._lottery_kl(price)

    def _k_price_kl(self, a):
        """KL in quantile space: posterior of u = F(W) is (k-1)(u-a)^{k-2}/(1-a)^{k-1} on [a,1],
        prior n u^{n-1}. ``E[log(u - a)] = log(1-a) - 1/(k-1)`` and ``E[log u]`` by Gauss–Legendre.
        """
        k, n = self.mechanism.k, self.n_bidders
        a = np.asarray(a, dtype=float)
        nodes, weights = np.polynomial.legendre.leggauss(64)
        # u = a + (1-a) m with m ~ Beta(k-1, 1): E[log u] = ∫ (k-1) m^{k-2} log(a + (1-a) m) dm
        m = (nodes + 1) / 2
        wm = weights / 2 * (k - 1) * m ** (k - 2)
        mean_log_u = np.sum(wm[None, :] * np.log(a[..., None] + (1 - a[..., None]) * m), axis=-1)
        with np.errstate(divide="ignore"):
            log_1ma = np.log1p(-a)
            log_post = math.log(k - 1) + (k - 2) * (log_1ma - 1.0 / (k - 1)) - (k - 1) * log_1ma
        return log_post - math.log(n) - (n - 1) * mean_log_u

    def _lottery_kl(self, price):
        mech, prior, n = self.mechanism, self.prior, self.n_bidders
        if not np.all((price == 0) | (price == mech.K)):
            raise ValueError(f"`price` of a ZeroKLottery(K={mech.K}) must be 0 or K")
        low, high = support(prior)
        mean_pay = expected_second_highest(prior, n) / mech.K

        def term(pays):
            def integrand(w):
                a = float(mech.pay_probability(prior, n, w)[0])
                weight = a / mean_pay if pays else (1 - a) / (1 - mean_pay)
                return float(highest_pdf(prior, n, w)) * special.xlogy(weight, weight)

            val, _ = integrate.quad(integrand, low, high, epsabs=1e-14, limit=200)
            return val

        kl_k, kl_0 = term(True), term(False)
        return np.where(price == mech.K, kl_k, kl_0)

    def mean_kl(self) -> float:
        """Exact ``E_P[KL]`` = ``MI(W; P | sale)`` for this mechanism (for checks)."""
        mech = self.mechanism
        pl = mech.privacy_loss(self.prior, self.n_bidders)
        rho = self._reserve_quantile()
        return pl / (1 - rho**self.n_bidders)

