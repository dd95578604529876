"""Load bid data into a tidy bid table: one row per bid.

A *bid table* is a :class:`pandas.DataFrame` with an auction-id column, a bid column and any
covariate columns, one row per bid, with every bid positive and finite and at least two bids
per auction (the value recovery of :mod:`privauction.audit.gpv` needs ``n >= 2`` bidders).

Nothing is dropped silently. :func:`load_bids` raises on bad rows unless asked to drop them,
and then records what each cleaning rule removed in ``table.attrs["cleaning"]`` (a list of
``{"rule", "rows", "auctions", "reason"}`` dicts, also shown by :func:`cleaning_report`) and
emits a :class:`DroppedRowsWarning` that gives the counts.
"""

from __future__ import annotations

import importlib.metadata
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .._validation import PrivauctionWarning

__all__ = [
    "DroppedRowsWarning",
    "USFS_COLUMNS",
    "cleaning_report",
    "load_bids",
    "load_usfs",
]

#: Columns of the Forest Service data set shipped in ``simple-fpa`` (one row per bid).
USFS_COLUMNS = ("auctionid", "hhi", "forest", "adv_value", "year", "state", "volume_total_1",
                "actual_bid")

_PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")


class DroppedRowsWarning(PrivauctionWarning):
    """Rows were removed by a cleaning rule; the message gives the count and the reason."""


class SourceNotFoundError(FileNotFoundError, ValueError):
    """The bids file does not exist: a ``FileNotFoundError`` that is also a bad value."""


def _read_table(source) -> pd.DataFrame:
    """Read a CSV or Parquet file (by suffix) or copy a DataFrame; ValueError if not a table."""
    if isinstance(source, pd.DataFrame):
        return source.copy()
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(
            f"`source` must be a path to a CSV or Parquet file or a pandas DataFrame; got "
            f"{type(source).__name__}"
        )
    path = Path(source)
    if not path.is_file():
        raise SourceNotFoundError(f"`source` file not found: {str(path)!r}")
    try:
        if path.suffix.lower() in _PARQUET_SUFFIXES:
            table = pd.read_parquet(path)
        else:
            table = pd.read_csv(path)
    except (ValueError, UnicodeDecodeError, OSError, pd.errors.ParserError) as exc:
        # pandas' EmptyDataError and ParserError are ValueErrors; pyarrow's ArrowInvalid too.
        raise ValueError(
            f"`source` {str(path)!r} is not a table (CSV with a header row, or Parquet): "
            f"{type(exc).__name__}: {exc}"
        ) from None
    if table.shape[1] < 2 or table.shape[0] == 0:
        raise ValueError(
            f"`source` {str(path)!r} is not a table of bids: it has {table.shape[0]} rows and "
            f"{table.shape[1]} columns (need a header row, an auction-id and a bid column)"
        )
    return table


def _check_covariates(covariates) -> list:
    """A column name, or a sequence of them, as a list (TypeError naming ``covariates``)."""
    if covariates is None:
        return []
    if isinstance(covariates, str):
        return [covariates]
    try:
        names = list(covariates)
    except TypeError:
        raise TypeError(
            f"`covariates` must be a column name or a list of them; got {covariates!r}"
        ) from None
    bad = [c for c in names if not isinstance(c, str)]
    if bad:
        raise TypeError(f"`covariates` must name columns (str); got {bad[0]!r}")
    return names


def _check_columns(table: pd.DataFrame, wanted: dict[str, str]) -> None:
    for param, column in wanted.items():
        if column not in table.columns:
            raise ValueError(
                f"`{param}` column {column!r} is not in the table; its columns are "
                f"{list(map(str, table.columns))}"
            )


def _record(table: pd.DataFrame, log: list, rule: str, drop: np.ndarray, auction: str,
            reason: str) -> pd.DataFrame:
    """Drop the rows flagged by ``drop``; append the rule's counts to ``log``."""
    n_rows = int(drop.sum())
    n_auctions = int(table.loc[drop, auction].nunique())
    log.append({"rule": rule, "rows": n_rows, "auctions": n_auctions, "reason": reason})
    return table.loc[~drop]


def _py(value):
    """A numpy scalar as the Python scalar it holds (for readable messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _first_bad_row(table: pd.DataFrame, bad: np.ndarray) -> str:
    return f"row {_py(table.index[np.flatnonzero(bad)[0]])!r}"


def load_bids(source, *, auction: str = "auction", bid: str = "bid", covariates=(),
              drop_invalid: bool = False) -> pd.DataFrame:
    """A tidy bid table from a CSV file, a Parquet file or a DataFrame.

    Parameters
    ----------
    source : str, path or pandas.DataFrame
        A ``.parquet``/``.pq`` file is read as Parquet, any other file as CSV with a header row.
    auction : str
        Column that identifies the auction of each bid.
    bid : str
        Column of the bids (positive and finite).
    covariates : sequence of str
        Auction characteristics to keep for the homogenisation of
        :func:`privauction.audit.recover_values`; rows with a missing covariate are invalid.
    drop_invalid : bool
        False (default): raise on the first invalid row, naming it. True: drop invalid rows by
        the rules below, in this order, record them in ``attrs["cleaning"]`` and warn with
        :class:`DroppedRowsWarning`:

        1. ``non-finite bid``: bid missing, NaN or infinite;
        2. ``non-positive bid``: bid ``<= 0`` (values and prices are positive);
        3. ``missing covariate``: a covariate missing in the row;
        4. ``single-bid auction``: auctions left with one bid (the whole auction: GPV needs
           ``n >= 2`` bidders, and a lone bid carries no competition).

    Returns
    -------
    pandas.DataFrame
        Columns ``auction``, ``bid``, then the covariates, one row per bid, the original index
        kept (so a dropped row can be found in the source); ``attrs["cleaning"]`` lists every
        rule with the rows and auctions it removed (zeros included).

    Raises
    ------
    TypeError
        If ``source`` is neither a path nor a DataFrame, or the bid column is not numeric.
    ValueError
        If the file is not a table, a column is missing, or (``drop_invalid=False``) a row is
        invalid; the message names the column and the row.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"id": [1, 1, 2, 2, 3], "b": [3.0, 2.5, 1.0, 4.0, 2.0]})
    >>> load_bids(raw, auction="id", bid="b")
    Traceback (most recent call last):
    ...
    ValueError: auction 3 has a single bid (row 4); `bid` needs at least two bids per auction ...
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     table = load_bids(raw, auction="id", bid="b", drop_invalid=True)
    >>> cleaning_report(table)[["rule", "rows", "auctions"]].to_numpy().tolist()
    [['non-finite bid', 0, 0], ['non-positive bid', 0, 0], ['missing covariate', 0, 0], \
['single-bid auction', 1, 1]]
    """
    covariates = _check_covariates(covariates)
    for name, value in (("auction", auction), ("bid", bid)):
        if not isinstance(value, str):
            raise TypeError(f"`{name}` must be a column name (str); got {value!r}")
    if not isinstance(drop_invalid, (bool, np.bool_)):
        raise TypeError(f"`drop_invalid` must be True or False; got {drop_invalid!r}")
    table = _read_table(source)
    if len(table) == 0:
        raise ValueError("`source` holds no bids (a table with no rows)")
    _check_columns(table, {"auction": auction, "bid": bid})
    for c in covariates:
        _check_columns(table, {"covariates": c})
    table = table[[auction, bid, *[c for c in covariates if c not in (auction, bid)]]]
    if not pd.api.types.is_numeric_dtype(table[bid]):
        # name the first entry that is not a number (a CSV cell such as 'abc' makes the whole
        # column text, and its first value may be a fine number)
        numbers = pd.to_numeric(table[bid], errors="coerce")
        bad = np.flatnonzero(numbers.isna().to_numpy() & table[bid].notna().to_numpy())
        where = bad[0] if bad.size else 0
        raise TypeError(
            f"`bid` column {bid!r} must be numeric; got dtype {table[bid].dtype} "
            f"({table[bid].iloc[where]!r} in row {table.index[where]}"
            f"{f', {bad.size} such rows in all' if bad.size > 1 else ''})"
        )
    if table[auction].isna().any():
        bad = table[auction].isna().to_numpy()
        raise ValueError(f"`auction` column {auction!r} is missing in {_first_bad_row(table, bad)}")
    table = table.astype({bid: float})
    log: list[dict] = []
    rules = [
        ("non-finite bid", lambda t: ~np.isfinite(t[bid].to_numpy()),
         "bid is missing, NaN or infinite", "must be finite"),
        ("non-positive bid", lambda t: ~(t[bid].to_numpy() > 0), "bid is <= 0",
         "must be positive"),
        ("missing covariate", lambda t: t[covariates].isna().any(axis=1).to_numpy()
         if covariates else np.zeros(len(t), bool), "a covariate is missing", None),
    ]
    for rule, flag, reason, must in rules:
        bad = flag(table)
        if bad.any() and not drop_invalid:
            where = _first_bad_row(table, bad)
            if must is None:
                cols = [c for c in covariates if table[c].isna().to_numpy()[bad].any()]
                raise ValueError(
                    f"`covariates` column {cols[0]!r} is missing in {where} ({int(bad.sum())} "
                    "rows in all); fill it or pass drop_invalid=True to drop those rows"
                )
            b = table[bid].to_numpy()
            raise ValueError(
                f"`bid` column {bid!r} {must}; got {_py(b[bad][0])!r} in {where} ({int(bad.sum())} "
                "rows in all); fix the data or pass drop_invalid=True to drop those rows"
            )
        table = _record(table, log, rule, bad, auction, reason)
    counts = table.groupby(auction, sort=False)[bid].transform("size").to_numpy()
    single = counts < 2
    if single.any() and not drop_invalid:
        row = _py(table.index[np.flatnonzero(single)[0]])
        aid = _py(table[auction].to_numpy()[single][0])
        raise ValueError(
            f"auction {aid!r} has a single bid (row {row!r}); `bid` needs at least two bids per "
            f"auction for value recovery ({int(single.sum())} single-bid auctions in all); pass "
            "drop_invalid=True to drop them"
        )
    table = _record(table, log, "single-bid auction", single, auction,
                    "the auction has one bid left (GPV needs n >= 2)")
    _announce(log)
    table.attrs["cleaning"] = log
    return table


def _announce(log: list[dict]) -> None:
    dropped = [e for e in log if e["rows"]]
    if dropped:
        parts = "; ".join(f"{e['rule']}: {e['rows']} rows in {e['auctions']} auctions "
                          f"({e['reason']})" for e in dropped)
        warnings.warn(f"dropped {sum(e['rows'] for e in dropped)} rows: {parts}",
                      DroppedRowsWarning, stacklevel=3)


def cleaning_report(table: pd.DataFrame) -> pd.DataFrame:
    """The cleaning rules applied to a bid table and what each dropped, as a DataFrame.

    Columns ``rule``, ``rows``, ``auctions``, ``reason`` (one row per rule, zeros included).
    """
    log = table.attrs.get("cleaning", [])
    return pd.DataFrame(log, columns=["rule", "rows", "auctions", "reason"])


def _usfs_path() -> Path:
    """Where ``simple-fpa`` installed the Forest Service CSV (without importing simple_fpa,
    whose ``__init__`` imports statsmodels and seaborn)."""
    try:
        dist = importlib.metadata.distribution("simple-fpa")
    except importlib.metadata.PackageNotFoundError:
        raise ModuleNotFoundError(
            "the US Forest Service bids ship in the PyPI package simple-fpa (MIT licence); "
            "install it with `pip install simple-fpa` or `pip install privauction[audit]`"
        ) from None
    path = Path(dist.locate_file("simple_fpa/data/haile_data.csv"))
    if not path.is_file():
        raise FileNotFoundError(f"simple-fpa {dist.version} is installed but has no {path}")
    return path


def load_usfs(*, max_ratio: float = 20.0) -> pd.DataFrame:
    """US Forest Service timber-sale bids (first-price sealed-bid), one row per bid.

    The data of Haile (2001) as shipped in the ``simple-fpa`` package (Andreyanov & Franguridi,
    MIT licence), ``simple_fpa/data/haile_data.csv``: 16,469 auctions, 60,758 bids, 2 to 9
    bidders per auction, with the appraisal ``adv_value`` (the advertised reserve), the sale's
    ``volume_total_1``, ``year`` (1973-93), ``forest``, ``state`` and ``hhi``. Read with pandas
    through :mod:`importlib.metadata`, without importing ``simple_fpa``.

    Cleaning (each rule's counts in ``attrs["cleaning"]``, and a :class:`DroppedRowsWarning`):

    1. ``bid/adv_value > max_ratio``: auctions with a bid more than ``max_ratio`` times the
       appraisal are dropped as a whole (the largest ratios, up to 3e5, are data errors; the 99 %
       quantile of the ratio is about 10, so 20 leaves the genuine range alone; dropping the
       whole auction keeps the number of bidders of the rest right);
    2. the rules of :func:`load_bids` (none fires on the shipped file).

    Bids below ``adv_value`` (0.66 % of bids) are kept: see :func:`recover_values` for how the
    appraisal is treated.

    Parameters
    ----------
    max_ratio : float
        Largest bid-to-appraisal ratio kept; ``math.inf`` disables rule 1.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`USFS_COLUMNS`, one row per bid.

    Raises
    ------
    ModuleNotFoundError
        If ``simple-fpa`` is not installed.
    """
    if not (isinstance(max_ratio, (int, float)) and max_ratio >= 1):
        raise ValueError(f"`max_ratio` must be a number >= 1; got {max_ratio!r}")
    raw = pd.read_csv(_usfs_path(), index_col=0)
    log: list[dict] = []
    ratio = (raw["actual_bid"] / raw["adv_value"]).to_numpy()
    bad_auctions = raw.loc[ratio > max_ratio, "auctionid"].unique()
    drop = raw["auctionid"].isin(bad_auctions).to_numpy()
    raw = _record(raw, log, "bid/adv_value > max_ratio", drop, "auctionid",
                  f"an auction with a bid above {max_ratio:g} times the appraisal: a data error")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DroppedRowsWarning)
        table = load_bids(raw, auction="auctionid", bid="actual_bid",
                          covariates=[c for c in USFS_COLUMNS if c not in ("auctionid",
                                                                          "actual_bid")],
                          drop_invalid=True)
    del caught  # announced below together with the ratio rule
    log += [dict(e) for e in table.attrs.get("cleaning", [])]
    table = table[list(USFS_COLUMNS)]
    _announce(log)
    table.attrs["cleaning"] = log
    return table

