"""Many independent seasons of one market, with common random numbers across mechanisms."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_budget, check_int, check_limit, check_real
from ._world_budget import MAX_AUCTIONS, SEASON_OVERHEAD
from ._world_result import MarketResult
from ._world_seeding import _child, _root_seed
from .batch import Outcomes

__all__ = ["run_seasons", "seasons", "season_outcomes"]



def _check_market(market) -> None:
    from .world import Market  # world imports this module: look the class up when called

    if not isinstance(market, Market):
        raise TypeError(f"`market` must be a Market; got {type(market).__name__}")


def run_seasons(market, n_seasons: int, horizon: float, *, rng=None,
                max_auctions: float | None = MAX_AUCTIONS) -> list[MarketResult]:
    """Run ``n_seasons`` independent seasons of ``market``; season ``s`` uses child ``(s,)``.

    The children are built from the spawn key (see :func:`_child`), so season ``s`` is the same
    whatever the number of seasons run, and two markets run with the same ``rng`` see the same
    participants and values (common random numbers across mechanisms).

    ``max_auctions`` (default 2e7, as :meth:`Market.run`; None for no limit) bounds the work
    of all seasons together, counted as ``n_seasons × (expected auctions per season + 4000)``
    (a season's fixed cost, about 1.5 ms of CPU, in auctions); past it a
    :class:`~privauction._validation.WorkBudgetError` is raised before any season runs. Each
    season is also held to :meth:`Market.run`'s budgets.
    """
    return list(_iter_seasons(market, n_seasons, horizon, rng, max_auctions))


def _iter_seasons(market, n_seasons, horizon, rng, max_auctions=MAX_AUCTIONS):
    _check_market(market)
    n_seasons = check_int(n_seasons, "n_seasons", minimum=1)
    horizon = check_real(horizon, "horizon", lower=0.0, lower_inclusive=False)
    limit = check_limit(max_auctions, "max_auctions")
    check_budget(
        n_seasons * (market._expected_auctions(horizon) + SEASON_OVERHEAD), limit,
        what=f"`n_seasons` = {n_seasons} of `horizon` = {horizon:g}", unit="auctions",
        advice="run fewer or shorter seasons, or pass a larger `max_auctions`",
    )
    root = _root_seed(rng)
    for s in range(n_seasons):
        yield market.run(horizon, rng=_child(root, s))


def seasons(market, n_seasons: int, horizon: float, *, rng=None,
            max_auctions: float | None = MAX_AUCTIONS) -> pd.DataFrame:
    """Run ``n_seasons`` independent seasons and list every bidder that won in each.

    Seeds and work budget (``max_auctions``) as in :func:`run_seasons`; only the season-end
    rows are kept.

    Returns
    -------
    DataFrame
        One row per (season, winning bidder): ``season, bidder, n_wins, max_price,
        cumulative_kl, time, value`` (see :meth:`MarketResult.final_privacy`).
    """
    frames = []
    for s, res in enumerate(_iter_seasons(market, n_seasons, horizon, rng, max_auctions)):
        final = res.final_privacy()
        final.insert(0, "season", s)
        frames.append(final)
    return pd.concat(frames, ignore_index=True)


def season_outcomes(frame: pd.DataFrame, market) -> Outcomes:
    """The (value, highest price paid) pairs of :func:`seasons` as :class:`Outcomes`.

    One row per (season, winning bidder): ``winner_value`` is the bidder's value (at its
    highest price), ``price`` the highest price it was published paying, every row "sold". Pass
    it to :func:`privauction.estimate_privacy_loss` for the MI between a winning bidder's value
    and its highest published price over many seasons, with an interval. This is the empirical
    counterpart of the observer's per-bidder KL; unlike the observer it also reflects what a
    bidder's absence from the feed reveals, and it conditions on the bidder having won.
    """
    _check_market(market)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"`frame` must be the DataFrame of seasons(...); got {type(frame).__name__}"
        )
    missing = {"value", "max_price"} - set(frame.columns)
    if missing:
        raise ValueError(f"`frame` must come from seasons(...); it lacks columns {sorted(missing)}")
    for column in ("value", "max_price"):
        data = frame[column]
        if not pd.api.types.is_numeric_dtype(data) or pd.api.types.is_bool_dtype(data):
            raise TypeError(f"`frame` column {column!r} must be numeric; got dtype {data.dtype}")
        bad = ~np.isfinite(data.to_numpy(float))
        if bad.any():
            row = int(bad.argmax())
            raise ValueError(f"`frame` column {column!r} must be finite; got {data.iloc[row]} "
                             f"in row {frame.index[row]!r}")
    n = len(frame)
    m = market.n_per_auction or market.mechanism.min_bidders
    return Outcomes(
        winner=np.zeros(n, dtype=np.intp), winner_value=frame["value"].to_numpy(float),
        second_value=np.full(n, np.nan), price=frame["max_price"].to_numpy(float),
        mechanism=market._bound_for(m)[0], prior=market.prior, n_bidders=m,
        meta={"source": "world seasons"},
    )
