"""Mutual-information estimators and the privacy-loss estimate with a confidence interval.

* :func:`mutual_information` -- ``"ksg"`` (Kraskov et al. algorithm 1, exact, O(N log N)),
  ``"mixed"`` (atoms split off by the chain rule; for prices with atoms and ties),
  ``"binned"`` (equal-mass histograms, extrapolated in the bin count), ``"gao"`` (Gao et al. 2017
  as published, for comparison);
* :func:`conditional_mutual_information` -- ``MI(X; Y | Z)``: ``"ksg"`` (Frenzel & Pompe 2007)
  and ``"mixed"`` (atoms of ``z`` split off; Mesner & Shalizi 2021 on the rest);
  ``x``, ``y`` (and ``z``) may be vectors, shape ``(n, d)``, in both functions;
* :func:`estimate_mutual_information` -- either of the two with a subsampling confidence
  interval, as a frozen :class:`MutualInformationEstimate`;
* :class:`BinnedMI` -- the binned estimator fed chunk by chunk (10^8 samples in O(bins²) memory);
* :func:`estimate_privacy_loss` -- Definition 2 of the auction paper from simulated
  :class:`~privauction.Outcomes`, with a subsampling interval (or the observer's CLT interval),
  as a frozen :class:`PrivacyLossEstimate`;
* :class:`Estimate` -- the one result type for an estimate with its interval (estimate,
  ``ci_low``, ``ci_high``, ``n``, ``method``, ``level``, ``std_error``, ``bias``, ``dof``):
  :class:`PrivacyLossEstimate` extends it, screening's entropy estimates and the scenarios'
  estimates are of it.

An infinite privacy loss (the price equals the value on an event of positive probability, as
in the winner-bid lottery, or is a strictly monotone function of it, as in the first-price
auction) is reported both ways: :func:`estimate_privacy_loss` emits an
:class:`InfinitePrivacyLossWarning` (a :class:`~privauction.PrivauctionWarning`) saying what
was found, and returns a result with ``infinite=True`` and ``estimate = ci_low = ci_high =
inf``, so that code reading the result without looking at warnings (sweeps, reports) cannot
mistake it for a finite number. ``detect_infinite=False`` gives the finite-sample estimate,
which then grows without bound with the number of auctions.
"""

from ._api import conditional_mutual_information, mutual_information
from ._binned import BinnedMI
from ._estimate import MutualInformationEstimate, estimate_mutual_information
from ._result import Estimate
from .privacy_loss import (
    InfinitePrivacyLossWarning,
    PrivacyLossEstimate,
    estimate_privacy_loss,
)

__all__ = [
    "BinnedMI",
    "Estimate",
    "InfinitePrivacyLossWarning",
    "MutualInformationEstimate",
    "PrivacyLossEstimate",
    "conditional_mutual_information",
    "estimate_mutual_information",
    "estimate_privacy_loss",
    "mutual_information",
]
