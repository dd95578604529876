"""What one market run produced: the auction ledger, the observer's privacy rows, its state."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._validation import check_int
from ._world_observer import FeedObserver
from .batch import Outcomes

__all__ = ["MarketResult", "EVENT_COLUMNS", "PRIVACY_COLUMNS"]

EVENT_COLUMNS = [
    "time", "auction", "n_participants", "winner", "price", "winner_value", "second_value",
]
PRIVACY_COLUMNS = ["time", "auction", "bidder", "n_wins", "max_price", "cumulative_kl"]


@dataclass(frozen=True, eq=False, repr=False)
class MarketResult:
    """What one market run produced.

    Attributes
    ----------
    events : DataFrame
        One row per auction: ``time, auction, n_participants, winner`` (population id, -1 when
        unsold or not held), ``price`` (NaN when unsold), ``winner_value`` and ``second_value``
        (the ground truth the observer does not see; second is the second-highest value among
        the participants).
    privacy : DataFrame
        The observer's view, one row per sale: ``time, auction, bidder, n_wins, max_price,
        cumulative_kl`` -- after this win, the bidder's number of wins, highest price paid and
        the KL of the observer's posterior from the prior (NaN where the observer keeps no
        posterior).
    market : Market
    horizon : float
    observer : FeedObserver
        The observer's final state (``posterior_cdf``).
    initial_values : ndarray, shape (n_population,)
        Every bidder's value at its first participation: its value throughout under
        ``"persistent"`` values (ground truth, not seen by the observer).
    meta : dict
        ``entropy``, ``spawn_key`` of the run's SeedSequence, ``tick``, ``n_batches``.
    published : ndarray, shape (n_auctions, d), or None
        What the market's ``disclosure`` published about each auction, in the order of
        ``events`` (None under the papers' rule, whose feed is ``winner`` and ``price``).
    """

    events: pd.DataFrame
    privacy: pd.DataFrame
    market: object  # the Market that ran
    horizon: float
    observer: FeedObserver
    initial_values: np.ndarray
    meta: dict = field(default_factory=dict)
    published: np.ndarray | None = None

    def __repr__(self) -> str:
        return (
            f"MarketResult({self.market.mechanism!r}, n_auctions={len(self.events)}, "
            f"n_sales={len(self.privacy)}, horizon={self.horizon:g})"
        )

    def final_privacy(self) -> pd.DataFrame:
        """Each winning bidder's last privacy row, with the value it had at its highest price.

        Columns: ``bidder, n_wins, max_price, cumulative_kl, time`` (of the last win) and
        ``value`` (the bidder's value in the auction where it paid its highest price: its value
        for persistent values).
        """
        if self.privacy.empty:
            return pd.DataFrame(columns=["bidder", "n_wins", "max_price", "cumulative_kl",
                                         "time", "value"])
        last = self.privacy.groupby("bidder", sort=True).tail(1).set_index("bidder")
        sold = self.events[self.events.winner >= 0]
        top = sold.loc[sold.groupby("winner")["price"].idxmax()].set_index("winner")
        out = last[["n_wins", "max_price", "cumulative_kl", "time"]].copy()
        out["value"] = top["winner_value"].reindex(out.index).to_numpy()
        return out.sort_index().reset_index()

    def posterior_cdf(self, bidder: int, v):
        """The observer's posterior CDF of ``bidder``'s persistent value at ``v``."""
        bidder = check_int(bidder, "bidder", minimum=0, maximum=self.market.n_population - 1)
        return self.observer.posterior_cdf(bidder, v)

    def posterior_pdf(self, bidder: int, v):
        """The observer's posterior density of ``bidder``'s value (SPA and reserve SPA)."""
        bidder = check_int(bidder, "bidder", minimum=0, maximum=self.market.n_population - 1)
        return self.observer.posterior_pdf(bidder, v)

    def to_outcomes(self) -> Outcomes:
        """The auctions as batch-simulator :class:`Outcomes` (fixed ``n_per_auction`` only).

        ``winner`` holds population ids (-1 unsold), which is all ``Outcomes.sold`` needs.
        """
        m = self.market.n_per_auction
        if m is None:
            raise ValueError(
                "to_outcomes needs a fixed number of participants; this market uses "
                "entry_probability, so auctions differ in size"
            )
        e = self.events
        return Outcomes(
            winner=e.winner.to_numpy(np.intp), winner_value=e.winner_value.to_numpy(float),
            second_value=e.second_value.to_numpy(float), price=e.price.to_numpy(float),
            mechanism=self.market._bound_for(m)[0], prior=self.market.prior, n_bidders=m,
            meta={"source": "world", **self.meta},
        )

    def plot_privacy(self, ax=None, n_bidders: int = 5):
        """Step plot of cumulative KL over time for the ``n_bidders`` most frequent winners."""
        from ..plotting import mechanism_label, subplots

        if ax is None:
            _, ax = subplots(width=5.0, height=3.2)
        if self.privacy.empty:
            return ax
        top = self.privacy.bidder.value_counts().index[:n_bidders]
        for b in top:
            rows = self.privacy[self.privacy.bidder == b]
            ax.step(rows.time, rows.cumulative_kl, where="post", label=f"bidder {b}")
        ax.set_xlabel("time (the market's clock)")
        ax.set_ylabel("cumulative KL from prior (nats)")
        ax.set_title(f"{mechanism_label(self.market.mechanism, self.market.prior)}, "
                     f"{self.market.value_process.kind} values")
        ax.legend()
        return ax
