"""privauction.theory: every closed form, quadrature and posterior of the two papers, one home each.

Equation table
==============

Keyed by paper; "Eq. (5)" means different things in the two, so always name the paper.
``pa.theory.X`` is importable from this package; entries marked (screening) live in
:mod:`privauction.screening`, the screening paper's model, and are listed for completeness.

**auction** — ``seeds/privacy-preserving-auctions.txt`` (Eilat, Eliaz & Mu)

=====================  ===================================================================
Definition 1, 2        privacy loss ``P(sale) MI(W; P | sale)``: ``Mechanism.privacy_loss``
Eq. (4), Lemma 1       :func:`ordered_mi_lower_bound` (the bound (6) with ``X = G_W``)
Eq. (5), Lemma 1       :func:`min_mi_joint` (λ*), :func:`min_mi_coupling` (discrete, Example 2),
                       :func:`min_mi_coupling_slsqp` (its generic-optimiser check)
Theorem 1, Step 2      :func:`winner_value_law` (``G_W``), :func:`spa_price_law` (``G_L``),
                       :func:`conditional_second_mean` (law of ``L`` given ``W``)
Theorem 1, Step 3      :func:`winner_bid_lottery_price_law`, :func:`beta_price_law`
                       (mean-preserving spreads of ``G_L``, Section 4.2), :func:`payment_law`
Eq. (9), Prop. 3       :func:`spa_privacy_loss` (``H_{n-1} - log n = ψ(n) + γ - log n``)
Eq. (10)               limit of :func:`spa_privacy_loss`: Euler's γ
Definition 1 (E_P KL)  :class:`PriceLaw` (a mechanism's declared law of P given W),
                       :func:`posterior_kl`, :func:`posterior_cdf` (the observer, any law)
Section 4.1, Eq. (3)   :func:`zero_k_privacy_loss` ({0,K} lottery; Props. 1, 2),
                       :func:`zero_k_price_given_value` (its price given W)
Eq. (11), Theorem 2    :func:`spa_posterior_kl` (posterior of W after an SPA price),
                       :func:`spa_price_given_value` (the SPA's price given W, with a reserve),
                       :func:`reserve_spa_conditional_mi` (``MI(W; P | sale)`` with a reserve),
                       :func:`spa_price_law` with ``reserve`` (its atom at ``r``)
Prop. 4, Corollary 1   :func:`k_price_privacy_loss` (Eq. (9) plus a k-correction),
                       :func:`k_price_given_value` (the k-price's price given W)
Section 4.4 (BNE)      :func:`k_price_bids` (``E[b(Z) | Y1 = y] = y``),
                       :func:`first_price_bids` (``b(v) = v - ∫F^{n-1} / F(v)^{n-1}``)
=====================  ===================================================================

**screening** — ``seeds/optimal-privacy-constrained-mechanisms.txt`` (Eilat, Eliaz & Mu,
working paper, February 14, 2019; published as "Bayesian Privacy", Theoretical Economics 16:
1557–1603, 2021)

=====================  ===================================================================
Eq. (5), Definition 1  :func:`menu_entropy` (ex-ante privacy loss: entropy of the masses)
Lemma 2, Corollary 1   :func:`menu_entropy` ``<= log n``
Eqs. (2)–(4), Lemma 1  (screening) ``screening.interval_mechanism``: profit, quantities, prices
Lemma 4                (screening) ``screening.lemma4_residuals``
Lemma 5, Eqs. (6)–(7)  (screening) ``screening.lemma5_masses``
Eq. (13), Prop. 4      (screening) ``screening.uniform_quadratic_profit``,
                       ``screening.uniform_quadratic_optimum``
Prop. 8                (screening) ``screening.ex_post_intervals``
=====================  ===================================================================

Layering: this package imports only :mod:`privauction.priors` and
:mod:`privauction._validation` (never mechanisms, simulator, scenarios, sweep or the CLI);
``tests/test_layering.py`` enforces it.
"""

from .coupling import (
    CouplingConvergenceWarning,
    CouplingResult,
    min_mi_coupling,
    min_mi_coupling_slsqp,
)
from .equilibrium import first_price_bids, k_price_bids
from .joint import MinMIJoint, min_mi_joint
from .laws import (
    Law,
    as_law,
    beta_price_law,
    payment_law,
    spa_price_law,
    winner_bid_lottery_price_law,
    winner_value_law,
)
from .lotteries import zero_k_privacy_loss
from .lower_bound import QuadratureWarning, ordered_mi_lower_bound
from .menu import menu_entropy
from .order_statistics import conditional_second_mean
from .posterior import PriceLaw, posterior_cdf, posterior_kl, sale_probability
from .price_laws import k_price_given_value, spa_price_given_value, zero_k_price_given_value
from .spa import (
    k_price_privacy_loss,
    reserve_spa_conditional_mi,
    spa_posterior_kl,
    spa_privacy_loss,
)

__all__ = [
    "CouplingConvergenceWarning",
    "CouplingResult",
    "Law",
    "MinMIJoint",
    "PriceLaw",
    "QuadratureWarning",
    "as_law",
    "beta_price_law",
    "conditional_second_mean",
    "first_price_bids",
    "k_price_bids",
    "k_price_given_value",
    "k_price_privacy_loss",
    "menu_entropy",
    "min_mi_coupling",
    "min_mi_coupling_slsqp",
    "min_mi_joint",
    "ordered_mi_lower_bound",
    "payment_law",
    "posterior_cdf",
    "posterior_kl",
    "reserve_spa_conditional_mi",
    "sale_probability",
    "spa_price_given_value",
    "spa_posterior_kl",
    "spa_price_law",
    "spa_privacy_loss",
    "winner_bid_lottery_price_law",
    "winner_value_law",
    "zero_k_price_given_value",
    "zero_k_privacy_loss",
]
