"""Audit a real market: load published bids, recover the bidders' values, audit mechanisms.

Real data enters the package here: :func:`load_bids` / :func:`load_usfs` give a tidy bid table,
:func:`recover_values` recovers the bidders' values from first-price bids (Guerre, Perrigne &
Vuong 2000) and gives a prior that every mechanism accepts.
"""

from .loading import USFS_COLUMNS, DroppedRowsWarning, cleaning_report, load_bids, load_usfs

__all__ = [
    "DroppedRowsWarning",
    "USFS_COLUMNS",
    "cleaning_report",
    "load_bids",
    "load_usfs",
]
