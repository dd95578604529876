"""Audit a real market: load published bids, recover the bidders' values, audit mechanisms.

Real data enters the package here: :func:`load_bids` / :func:`load_usfs` give a tidy bid table,
:func:`recover_values` recovers the bidders' values from first-price bids (Guerre, Perrigne &
Vuong 2000) and gives a prior that every mechanism accepts.
"""

from .audit import AUDIT_COLUMNS, WHOSE_COLUMNS, audit, default_mechanisms, default_rows
from .gpv import MODEL, ValueFit, gpv_pseudo_values, recover_values
from .homogenise import Homogenisation, homogenise
from .loading import USFS_COLUMNS, DroppedRowsWarning, cleaning_report, load_bids, load_usfs
from .prior import GridDistribution, prior_from_values

__all__ = [
    "AUDIT_COLUMNS",
    "WHOSE_COLUMNS",
    "audit",
    "default_mechanisms",
    "default_rows",
    "MODEL",
    "USFS_COLUMNS",
    "DroppedRowsWarning",
    "GridDistribution",
    "Homogenisation",
    "ValueFit",
    "cleaning_report",
    "gpv_pseudo_values",
    "homogenise",
    "load_bids",
    "load_usfs",
    "prior_from_values",
    "recover_values",
]
