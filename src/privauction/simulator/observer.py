"""The Bayesian outside observer: posterior of the winner's value after a published price.

The observer knows the mechanism, the prior and the number of bidders, sees the winner's
identity and price, and updates the prior of the winner's value W (given a sale) by Bayes'
rule. The KL divergence of that posterior from the prior, averaged over simulated prices, is
``MI(W; P | sale)`` (the ``E_P[D_KL(G_{W|P} || G_W)]`` representation in Section 3 of the auction
paper): an estimate of the privacy loss with no kNN bias, only Monte Carlo error.

The observer works from one declaration only: the mechanism's
:meth:`~privauction.mechanisms.Mechanism.price_law`, the conditional law of the price given the
winner's value (:class:`~privauction.theory.PriceLaw`). Built-ins declare it (the SPA with or
without a reserve, the {0,K} lottery, the k-price auction); a plug-in that declares it gets the
same exact observer. The posterior and its KL are :func:`privauction.theory.posterior_kl` and
:func:`privauction.theory.posterior_cdf`.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_instance, check_int, check_real_array
from ..mechanisms.base import Mechanism
from ..priors import validate_prior
from ..theory.posterior import PriceLaw, posterior_cdf, posterior_kl, sale_probability

__all__ = ["Observer"]


class Observer:
    """Bayesian observer of an auction's published (winner, price).

    Parameters
    ----------
    mechanism : Mechanism
        A mechanism that declares its :meth:`~privauction.mechanisms.Mechanism.price_law`.
    prior : frozen continuous scipy.stats distribution
    n_bidders : int

    Raises
    ------
    NotImplementedError
        When the mechanism declares no price law (for this prior and number of bidders).

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
        check_instance(mechanism, Mechanism, "mechanism",
                       what="a privauction.mechanisms.Mechanism such as SecondPrice()")
        validate_prior(prior)
        n_bidders = check_int(n_bidders, "n_bidders", minimum=2)
        mechanism.check_compatible(prior, n_bidders)
        bound = mechanism.bind(prior, n_bidders)
        law = bound.price_law(prior, n_bidders)
        if law is None:
            raise NotImplementedError(
                f"{type(mechanism).__name__} declares no price law (Mechanism.price_law), so the "
                "observer has no posterior for it; declare one, or estimate the privacy loss "
                "with method='mixed'"
            )
        if not isinstance(law, PriceLaw):
            raise TypeError(
                f"{type(mechanism).__name__}.price_law must return a privauction.theory.PriceLaw "
                f"or None; got {type(law).__name__}"
            )
        self.mechanism = bound
        self.prior = prior
        self.n_bidders = n_bidders
        self.law = law

    @staticmethod
    def supports(mechanism) -> bool:
        """Whether the mechanism declares a price law (overrides ``Mechanism.price_law``)."""
        return type(mechanism).price_law is not Mechanism.price_law

    def __repr__(self) -> str:
        return f"Observer({self.mechanism!r}, n_bidders={self.n_bidders})"

    def posterior_cdf(self, w, price):
        """``P(W <= w | price)`` for the winner's value, vectorised (broadcasts w and price).

        Raises
        ------
        TypeError, ValueError
            When ``w`` or ``price`` is not real, holds NaN (``price``: not finite and >= 0),
            or the two do not broadcast.
        """
        w_arr = check_real_array(w, "w", ndim=None, finite=False)
        if np.isnan(w_arr).any():
            raise ValueError("`w` must not hold NaN")
        p_arr = _prices(price)
        try:
            np.broadcast_shapes(w_arr.shape, p_arr.shape)
        except ValueError as exc:
            raise ValueError(
                f"`w` and `price` must broadcast together; got shapes {w_arr.shape} and "
                f"{p_arr.shape}"
            ) from exc
        return posterior_cdf(self.law, self.prior, self.n_bidders, w, price)

    def kl(self, price) -> np.ndarray:
        """``D_KL(posterior of W given price || prior of W given a sale)`` in nats, per price.

        The mean over simulated prices of sold items estimates ``MI(W; P | sale)``.
        """
        price = _prices(price)
        try:
            out = posterior_kl(self.law, self.prior, self.n_bidders, price.ravel())
        except ValueError as exc:
            if "zero likelihood" not in str(exc):
                raise
            raise ValueError(
                f"`price` must hold prices that {self.mechanism!r} can charge with this prior: "
                f"{exc}"
            ) from exc
        return out.reshape(price.shape)

    def sale_probability(self) -> float:
        """``P(sale)`` under the declared law."""
        return sale_probability(self.law, self.prior, self.n_bidders)

    def mean_kl(self) -> float:
        """Exact ``E_P[KL]`` = ``MI(W; P | sale)`` for this mechanism (for checks)."""
        pl = self.mechanism.privacy_loss(self.prior, self.n_bidders)
        return pl / self.sale_probability()


def _prices(price) -> np.ndarray:
    """Published prices of sold items: real, finite and >= 0, naming ``price``."""
    arr = check_real_array(price, "price", ndim=None)
    if arr.size and arr.min() < 0:
        raise ValueError(
            f"`price` must hold prices of sold items (>= 0); got {arr.min()}"
        )
    return arr
