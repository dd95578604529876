"""Coarse screening menus: κ-optimal interval mechanisms of the second paper.

Eilat, Eliaz & Mu, "Optimal Privacy-Constrained Mechanisms" (2019): a monopolist selling
quality/quantity to a buyer with private type θ may learn at most κ nats about θ, ex-ante
(Eq. (5): entropy of the interval masses) or ex-post (every interval has mass >= e^{-κ}).

* :func:`optimal_menu` — the κ-optimal interval mechanism for any prior and convex cost;
* :func:`interval_mechanism` — the menu of given cutoffs, Eqs. (2)–(5);
* :mod:`~privauction.screening.closed_form` — Lemma 5, Prop. 4, Prop. 8 (uniform–quadratic);
* :class:`MenuMechanism`, :func:`simulate_buyers` — simulated buyers choosing from a menu and
  the seller-observer's posterior;
* :class:`IntervalAuction` — the two-buyer interval auction of Prop. 9;
* :mod:`~privauction.screening.sequential` — the sequential mechanism of Section 6.1;
* :func:`full_separation` — the κ = ∞ limit (unconstrained Mussa–Rosen);
* :mod:`~privauction.screening.examples` — priors and costs satisfying Section 3.

Example
-------
>>> from scipy import stats
>>> from privauction.screening import optimal_menu
>>> menu = optimal_menu(stats.uniform(1, 1), kappa=1.5)   # θ ~ U[1, 2], c(q) = q²/2
>>> menu.n_intervals, round(menu.profit, 6), round(menu.privacy_loss, 6)
(5, 0.657459, 1.5)
"""

from .auction import IntervalAuction, auction_profit, deviation_gains, interim_tables
from .buyers import (
    BuyerOutcomes,
    MenuMechanism,
    choose,
    estimate_mi,
    menu_envelope,
    plugin_entropy,
    simulate_buyers,
)
from .closed_form import (
    UniformQuadraticOptimum,
    ex_post_intervals,
    lemma5_masses,
    uniform_quadratic_optimum,
    uniform_quadratic_profit,
)
from .interval import IntervalMenu, entropy, interval_mechanism
from .limits import SeparatingValues, full_separation
from .model import (
    Cost,
    ScreeningModel,
    ScreeningWarning,
    as_cost,
    cosh_cost,
    power_cost,
    quadratic_cost,
    screening_model,
)
from .sequential import MechanismRun, section61_analytical, simulate_section61
from .solver import (
    OptimalMenu,
    lemma4_residuals,
    min_intervals,
    optimal_menu,
    profit_of_masses,
    random_binding_masses,
)

__all__ = [
    "BuyerOutcomes",
    "Cost",
    "IntervalAuction",
    "MechanismRun",
    "MenuMechanism",
    "auction_profit",
    "choose",
    "deviation_gains",
    "estimate_mi",
    "interim_tables",
    "menu_envelope",
    "plugin_entropy",
    "section61_analytical",
    "simulate_buyers",
    "simulate_section61",
    "IntervalMenu",
    "OptimalMenu",
    "ScreeningModel",
    "ScreeningWarning",
    "SeparatingValues",
    "UniformQuadraticOptimum",
    "as_cost",
    "cosh_cost",
    "entropy",
    "ex_post_intervals",
    "full_separation",
    "interval_mechanism",
    "lemma4_residuals",
    "lemma5_masses",
    "min_intervals",
    "optimal_menu",
    "power_cost",
    "profit_of_masses",
    "quadratic_cost",
    "random_binding_masses",
    "screening_model",
    "uniform_quadratic_optimum",
    "uniform_quadratic_profit",
]
