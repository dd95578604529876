"""Bad inputs to :mod:`privauction.audit`: load_bids, recover_values, audit (issue 15, part B)."""

from __future__ import annotations

import functools
import os
import tempfile

import numpy as np
import pandas as pd

import privauction as pa

from ._harness import BadInput
from ._rest_common import NAN, caller, family

au = pa.audit


def bids_table(n_auctions=300, seed=0):
    """First-price equilibrium bids of U[1, 2] values, 2 or 3 bidders per auction."""
    rng = np.random.default_rng(seed)
    n = rng.integers(2, 4, size=n_auctions)
    auction = np.repeat(np.arange(n_auctions), n)
    values = 1.0 + rng.random(auction.size)
    per = np.repeat(n, n)
    return pd.DataFrame({"auction": auction, "bid": 1.0 + (values - 1.0) * (per - 1) / per,
                         "size": rng.random(auction.size)})


BIDS = bids_table()


@functools.lru_cache(maxsize=1)
def _fit():
    return au.recover_values(BIDS, auction="auction", bid="bid")


def _changed(column, row, value):
    table = BIDS.copy()
    table[column] = table[column].astype(object) if isinstance(value, str) else table[column]
    table.loc[row, column] = value
    return table


load = caller(au.load_bids, source=BIDS, auction="auction", bid="bid")
recover = caller(au.recover_values, bids=BIDS, auction="auction", bid="bid")


def audit_call(**changes):
    arguments = dict(n_auctions=200, n_bootstrap=0, rng=0)
    arguments.update(changes)
    return lambda: au.audit(_fit(), **arguments)


def _csv_with_nan_bid():
    path = os.path.join(tempfile.mkdtemp(), "bids.csv")
    _changed("bid", 4, NAN).to_csv(path, index=False)
    return au.load_bids(path, auction="auction", bid="bid")


CASES = [
    # load_bids
    BadInput("load_bids", "source=123", load(source=123), ("source",), "type"),
    BadInput("load_bids", "source=None", load(source=None), ("source",), "type"),
    BadInput("load_bids", "source missing file", load(source="/nonexistent/bids.csv"),
             ("source",), "other"),
    BadInput("load_bids", "empty table", load(source=BIDS.iloc[:0]), ("source", "bid"), "empty"),
    BadInput("load_bids", "bid column absent", load(bid="price"), ("bid",), "mismatch"),
    BadInput("load_bids", "auction column absent", load(auction="sale"), ("auction",),
             "mismatch"),
    BadInput("load_bids", "bid=3 (not a column name)", load(bid=3), ("bid",), "type"),
    BadInput("load_bids", "auction=None", load(auction=None), ("auction",), "type"),
    BadInput("load_bids", "bid column of strings", load(source=_changed("bid", 2, "high")),
             ("bid",), "type"),
    BadInput("load_bids", "nan bid", load(source=_changed("bid", 4, NAN)), ("bid",), "nan"),
    BadInput("load_bids", "inf bid", load(source=_changed("bid", 4, np.inf)), ("bid",), "nan"),
    BadInput("load_bids", "negative bid", load(source=_changed("bid", 4, -1.0)), ("bid",),
             "negative"),
    BadInput("load_bids", "zero bid", load(source=_changed("bid", 4, 0.0)), ("bid",), "zero"),
    BadInput("load_bids", "nan bid in a CSV", _csv_with_nan_bid, ("bid",), "nan"),
    BadInput("load_bids", "single-bid auction",
             load(source=pd.concat([BIDS, pd.DataFrame({"auction": [999], "bid": [1.5],
                                                        "size": [0.5]})], ignore_index=True)),
             ("bid", "auction"), "support"),
    BadInput("load_bids", "covariates=3", load(covariates=3), ("covariates",), "type"),
    BadInput("load_bids", "covariate absent", load(covariates=["year"]), ("covariates",),
             "mismatch"),
    BadInput("load_bids", "covariate nan", load(source=_changed("size", 3, NAN),
                                                covariates=["size"]), ("covariates",), "nan"),
    BadInput("load_bids", "drop_invalid='yes'", load(drop_invalid="yes"), ("drop_invalid",),
             "type"),
    BadInput("load_bids", "auction ids nan", load(source=_changed("auction", 0, NAN)),
             ("auction",), "nan"),
    # recover_values
    BadInput("recover_values", "bids='bids.csv'", recover(bids="bids.csv"), ("bids",), "type"),
    BadInput("recover_values", "bids=None", recover(bids=None), ("bids",), "type"),
    BadInput("recover_values", "bid column absent", recover(bid="price"), ("bid",), "mismatch"),
    BadInput("recover_values", "nan bid", recover(bids=_changed("bid", 4, NAN)), ("bid",), "nan"),
    BadInput("recover_values", "negative bid", recover(bids=_changed("bid", 4, -2.0)), ("bid",),
             "negative"),
    BadInput("recover_values", "empty table", recover(bids=BIDS.iloc[:0]), ("bids", "bid"),
             "empty"),
    *family("recover_values", recover, "bandwidth_scale",
            [("0", 0.0, "zero"), ("nan", NAN, "nan"), ("-1", -1.0, "negative"),
             ("'1'", "1", "type"), ("True", True, "type")]),
    *family("recover_values", recover, "trim",
            [("0.6", 0.6, "support"), ("nan", NAN, "nan"), ("-0.1", -0.1, "negative"),
             ("'0.1'", "0.1", "type")]),
    BadInput("recover_values", "categorical not among covariates",
             recover(categorical=["size"]), ("categorical",), "mismatch"),
    BadInput("recover_values", "covariates=[1]", recover(covariates=[1]), ("covariates",),
             "type"),
    BadInput("recover_values", "covariate absent", recover(covariates=["year"]),
             ("covariates",), "mismatch"),
    # audit
    BadInput("audit", "fit='fit'", lambda: au.audit("fit"), ("fit",), "type"),
    BadInput("audit", "fit=None", lambda: au.audit(None), ("fit",), "type"),
    BadInput("audit", "fit=ValueFit (class)", lambda: au.audit(au.ValueFit), ("fit",), "type"),
    *family("audit", audit_call, "n_auctions",
            [("0", 0, "zero"), ("True", True, "type"), ("2.5", 2.5, "type"),
             ("-5", -5, "negative"), ("10**12", 10**12, "huge")]),
    *family("audit", audit_call, "n_bootstrap",
            [("-1", -1, "negative"), ("1", 1, "support"), ("True", True, "type"),
             ("10**9", 10**9, "huge")]),
    *family("audit", audit_call, "ci", [("1.5", 1.5, "support"), ("nan", NAN, "nan"),
                                        ("0", 0.0, "zero")]),
    BadInput("audit", "method='best'", audit_call(method="best"), ("method",), "support"),
    BadInput("audit", "backend='gpu'", audit_call(backend="gpu"), ("backend",), "support"),
    BadInput("audit", "n_jobs=0", audit_call(n_jobs=0), ("n_jobs",), "zero"),
    BadInput("audit", "rng='seed'", audit_call(rng="seed"), ("rng",), "type"),
    BadInput("audit", "mechanisms='spa'", audit_call(mechanisms="spa"), ("mechanisms",), "type"),
    BadInput("audit", "mechanisms=[SecondPrice] (class)",
             audit_call(mechanisms=[pa.mechanisms.SecondPrice]), ("mechanisms",), "type"),
    BadInput("audit", "mechanisms=[]", audit_call(mechanisms=[]), ("mechanisms",), "empty"),
    BadInput("audit", "n_bidders=[1]", audit_call(n_bidders=[1]), ("n_bidders",), "support"),
    BadInput("audit", "n_bidders=['a']", audit_call(n_bidders=["a"]), ("n_bidders",), "type"),
    BadInput("gpv_pseudo_values", "bids with nan",
             lambda: au.gpv_pseudo_values(np.array([1.0, NAN, 1.2, 1.1]), 2), ("bids",),
             "nan"),
    BadInput("gpv_pseudo_values", "n_bidders=1",
             lambda: au.gpv_pseudo_values(np.array([1.0, 1.2, 1.1]), 1), ("n_bidders",),
             "support"),
    BadInput("prior_from_values", "values empty", lambda: au.prior_from_values(np.array([])),
             ("values",), "empty"),
    BadInput("prior_from_values", "values with nan",
             lambda: au.prior_from_values(np.array([1.0, NAN, 2.0])), ("values",), "nan"),
]
