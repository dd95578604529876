"""privauction.theory: the pieces of the auction paper's proofs as numerical tools.

* :func:`ordered_mi_lower_bound` — the right-hand side of Eq. (4) of Lemma 1, the least mutual
  information of two ordered random variables with given marginals (the privacy-loss bound (6));
* :func:`min_mi_joint` — its minimiser λ* of Eq. (5): density and exact sampler;
* :func:`min_mi_coupling` — the discrete case (Example 2) by Sinkhorn scaling on the triangle
  (:func:`min_mi_coupling_slsqp`, a generic optimiser on the same problem, checks it);
* laws to feed them: :func:`winner_value_law` (``G_W``), :func:`spa_price_law` (``G_L``, with
  or without a reserve), the lottery payment laws of Section 4.2 and :func:`payment_law` for any
  CDF.

It imports only :mod:`privauction.priors` (never scenarios, sweep or the CLI).
"""

from .coupling import (
    CouplingConvergenceWarning,
    CouplingResult,
    min_mi_coupling,
    min_mi_coupling_slsqp,
)
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
from .lower_bound import QuadratureWarning, ordered_mi_lower_bound

__all__ = [
    "CouplingConvergenceWarning",
    "CouplingResult",
    "Law",
    "MinMIJoint",
    "QuadratureWarning",
    "as_law",
    "beta_price_law",
    "min_mi_coupling",
    "min_mi_coupling_slsqp",
    "min_mi_joint",
    "ordered_mi_lower_bound",
    "payment_law",
    "spa_price_law",
    "winner_bid_lottery_price_law",
    "winner_value_law",
]
