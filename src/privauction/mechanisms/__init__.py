"""Auction mechanisms: the :class:`Mechanism` contract and the built-in formats.

Each built-in is a frozen dataclass whose repr is a readable label, e.g. ``ZeroKLottery(K=2)``.
"""

from .base import Mechanism, MechanismContractError, RankedBids, kth_highest, top_two, values_at
from .k_price import FirstPrice, KPrice, k_price_privacy_loss
from .lotteries import BetaPrice, WinnerBidLottery, ZeroKLottery
from .second_price import ReservePrice, SecondPrice

__all__ = [
    "BetaPrice",
    "FirstPrice",
    "KPrice",
    "Mechanism",
    "MechanismContractError",
    "RankedBids",
    "ReservePrice",
    "SecondPrice",
    "WinnerBidLottery",
    "ZeroKLottery",
    "k_price_privacy_loss",
    "kth_highest",
    "top_two",
    "values_at",
]
