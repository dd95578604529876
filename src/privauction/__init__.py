"""privauction: Bayesian privacy in auctions.

Simulate auction mechanisms against simulated bidders and an outside observer who sees the
winner's identity and price, estimate the winner's privacy loss (mutual information between
winner value and price, in nats) with honest intervals, and hold it against the analytical
values proved in Ran Eilat, Kfir Eliaz & Xiaosheng Mu, "Privacy Preserving Auctions" (working
paper), and in the same authors' "Optimal Privacy-Constrained Mechanisms" (working paper,
February 14, 2019; published as "Bayesian Privacy", Theoretical Economics 16: 1557-1603, 2021).

Examples
--------
>>> import privauction as pa
>>> from scipy import stats
>>> out = pa.simulate(pa.mechanisms.SecondPrice(), stats.uniform(0, 1), n_bidders=2,
...                   n_auctions=50_000, rng=0)
>>> round(pa.mechanisms.SecondPrice().privacy_loss(stats.uniform(0, 1), 2), 6)  # 1 - log 2
0.306853
"""

from . import (
    audit,
    disclosure,
    estimators,
    mechanisms,
    priors,
    screening,
    simulator,
    sweep,
    theory,
)
from ._validation import PrivauctionWarning
from .estimators import estimate_privacy_loss
from .frontier import disclosure_frontier
from .privacy import privacy_loss
from .simulator import Observer, Outcomes, simulate

__version__ = "0.1.0"

__all__ = [
    "Observer",
    "Outcomes",
    "PrivauctionWarning",
    "audit",
    "disclosure",
    "disclosure_frontier",
    "estimate_privacy_loss",
    "estimators",
    "mechanisms",
    "priors",
    "privacy_loss",
    "screening",
    "simulate",
    "simulator",
    "sweep",
    "theory",
]
