"""privauction: Bayesian privacy in auctions.

Simulate auction mechanisms against simulated bidders and an outside observer who sees the
winner's identity and price, estimate the winner's privacy loss (mutual information between
winner value and price, in nats) with honest intervals, and hold it against the analytical
values proved in Eilat, Eliaz & Mu, "Privacy Preserving Auctions", and in "Optimal
Privacy-Constrained Mechanisms".
"""

from . import mechanisms, priors, simulator
from ._validation import PrivauctionWarning
from .simulator import Observer, Outcomes, simulate

__version__ = "0.1.0"

__all__ = [
    "PrivauctionWarning",
    "Observer",
    "Outcomes",
    "mechanisms",
    "priors",
    "simulate",
    "simulator",
]
