"""privauction.disclosure: what is published after an auction.

A :class:`Disclosure` maps an auction's full outcome (values, bids, winner, price) and a
Generator to what the public sees, an array ``(n_auctions, d)`` (see :mod:`.base`). Built-ins:

* :class:`WinnerAndPrice` (the papers' rule, the default everywhere), :class:`PriceOnly`,
  :class:`WinnerOnly`, :class:`Nothing`;
* :class:`AllBids` (with or without identities);
* :class:`RoundedPrice` (to a step), :class:`StochasticRounding` (unbiased, to a binary
  floating-point grid);
* :class:`NoisyPrice` (Laplace noise, with its ε of differential privacy).

Analytical losses are in :func:`privauction.privacy_loss`, estimates in
:func:`privauction.estimate_privacy_loss` (``disclosure=``, ``whose=``).
"""

from .base import Disclosure, DisclosureContractError
from .bids import AllBids
from .noise import NoisyPrice
from .price import Nothing, PriceOnly, WinnerAndPrice, WinnerOnly
from .rounding import RoundedPrice, StochasticRounding

__all__ = [
    "AllBids",
    "Disclosure",
    "DisclosureContractError",
    "NoisyPrice",
    "Nothing",
    "PriceOnly",
    "RoundedPrice",
    "StochasticRounding",
    "WinnerAndPrice",
    "WinnerOnly",
]
