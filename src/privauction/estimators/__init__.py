"""Mutual-information estimators and the privacy-loss estimate with a confidence interval.

* :func:`mutual_information` -- ``"ksg"`` (Kraskov et al. algorithm 1, exact, O(N log N)),
  ``"mixed"`` (atoms split off by the chain rule; for prices with atoms and ties);
* :func:`estimate_privacy_loss` -- Definition 2 of the auction paper from simulated
  :class:`~privauction.Outcomes`, with a subsampling interval (or the observer's CLT interval),
  and :class:`InfinitePrivacyLossWarning` when the price reveals the value.
"""

from ._api import mutual_information
from .privacy_loss import (
    InfinitePrivacyLossWarning,
    PrivacyLossEstimate,
    estimate_privacy_loss,
)

__all__ = [
    "InfinitePrivacyLossWarning",
    "PrivacyLossEstimate",
    "estimate_privacy_loss",
    "mutual_information",
]
