"""privauction.theory: the pieces of the auction paper's proofs as numerical tools.

* :func:`min_mi_coupling` — the minimum-MI coupling of two ordered discrete marginals
  (Example 2; Sinkhorn scaling of the product restricted to the triangle ``y <= x``).
"""

from .coupling import CouplingConvergenceWarning, CouplingResult, min_mi_coupling

__all__ = [
    "CouplingConvergenceWarning",
    "CouplingResult",
    "min_mi_coupling",
]
