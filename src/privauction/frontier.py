"""``disclosure_frontier``: revenue, welfare and everyone's privacy loss, mechanisms × disclosures.

Each cell (a mechanism) simulates ``n_auctions`` auctions keeping every bid, once, and for
every disclosure reports the seller's revenue and the welfare (the winner's value, 0 when
unsold) per auction with CLT intervals, and the privacy loss of the winner, the runner-up and
bidder 0 (:func:`privauction.estimate_privacy_loss` with the disclosure) beside its analytical
value (:func:`privauction.privacy_loss`, NaN where none is known). The cells run through
:func:`privauction.sweep.run_sweep`, so a large frontier runs on joblib or Dask unchanged,
records seed and spawn key in every row, and resumes from a store after a crash.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ._validation import check_budget, check_int, check_limit, check_probability, check_rng
from .disclosure import Disclosure
from .estimators import InfinitePrivacyLossWarning, estimate_privacy_loss
from .mechanisms import Mechanism
from .plotting import mechanism_label
from .privacy import WHOSE, check_audience, check_whose, privacy_loss
from .simulator import simulate
from .sweep import run_sweep

__all__ = ["disclosure_frontier", "frontier_cell", "plot_disclosure_frontier"]

#: Default memory budget of one frontier cell (bytes), and the bytes per value it holds.
MAX_MEMORY = 4 * 2**30
_BYTES_PER_VALUE = 32


def _mean_row(quantity, x, level, analytical=math.nan):
    x = np.asarray(x, dtype=float)
    m = float(x.mean())
    half = float(stats.norm.ppf(0.5 + level / 2.0)) * float(x.std(ddof=1)) / math.sqrt(x.size)
    return {"quantity": quantity, "whose": "", "estimate": m, "ci_low": m - half,
            "ci_high": m + half, "analytical": analytical, "infinite": False}


def frontier_cell(rng, *, mechanism, disclosures, prior, n_bidders, n_auctions, whose=WHOSE,
                  level=0.95, audience="outsider") -> pd.DataFrame:
    """One cell of :func:`disclosure_frontier`: one mechanism's auctions, simulated once and
    published under every disclosure (common random numbers, so differences between rules are
    not simulation noise). A tidy table with one row per disclosure and quantity
    (``revenue``, ``welfare``, then ``privacy_loss`` for each person in ``whose``)."""
    rng = check_rng(rng)
    out = simulate(mechanism, prior, n_bidders, n_auctions, rng=rng, keep="bids")
    try:
        revenue = float(mechanism.expected_revenue(prior, n_bidders))
    except NotImplementedError:
        revenue = math.nan
    base = [
        _mean_row("revenue", np.nan_to_num(out.price, nan=0.0), level, revenue),
        _mean_row("welfare", np.where(out.sold, out.winner_value, 0.0), level),
    ]
    rows = []
    for disclosure in disclosures:
        rows += [{"disclosure": repr(disclosure), **r} for r in base]
        for person in whose:
            try:
                truth = privacy_loss(mechanism, prior, n_bidders, disclosure, person,
                                     audience=audience)
            except NotImplementedError:
                truth = math.nan
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", InfinitePrivacyLossWarning)
                est = estimate_privacy_loss(out, disclosure=disclosure, whose=person, ci=level,
                                            rng=rng, audience=audience)
            rows.append({"disclosure": repr(disclosure), "quantity": "privacy_loss",
                         "whose": person, "estimate": est.estimate, "ci_low": est.ci_low,
                         "ci_high": est.ci_high, "analytical": truth,
                         "infinite": bool(est.infinite)})
    table = pd.DataFrame(rows)
    table["n_auctions"] = int(n_auctions)
    table["level"] = float(level)
    table["audience"] = audience
    table["mechanism_label"] = mechanism_label(mechanism, prior)   # the reserve used
    return table


def _as_list(items, base, name: str) -> list:
    """One instance of ``base``, or an iterable of them, as a list (TypeError naming ``name``)."""
    if isinstance(items, base):
        return [items]
    if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        raise TypeError(f"`{name}` must be a list of {base.__name__} instances; got {items!r}")
    return list(items)


def disclosure_frontier(prior, n_bidders: int, mechanisms, disclosures, n_auctions: int, *,
                        rng=0, whose=WHOSE, audience: str = "outsider", level: float = 0.95,
                        n_replications: int = 1,
                        backend: str = "serial", n_jobs: int | None = None, store=None,
                        progress: bool | None = None, max_memory: float | None = MAX_MEMORY
                        ) -> pd.DataFrame:
    """Revenue, welfare and privacy losses for every mechanism × disclosure, with intervals.

    Parameters
    ----------
    prior : frozen continuous scipy.stats distribution
    n_bidders : int
    mechanisms : list of privauction.mechanisms.Mechanism
    disclosures : list of privauction.disclosure.Disclosure
    n_auctions : int
        Auctions simulated per cell and replication.
    rng : int, SeedSequence-able or Generator
        An int is the sweep's root seed; a Generator draws one.
    whose : sequence of {"winner", "runner-up", "bidder"}
    audience : {"outsider", "rival"}
        Who learns from the publication (see :func:`privauction.privacy_loss`): an outsider,
        or the rival, the last bidder, who also knows its own value.
    level : float
        Confidence level of every interval.
    n_replications, backend, n_jobs, store, progress
        Passed to :func:`privauction.sweep.run_sweep` (``progress=None``: a bar over the
        cells when stderr is a terminal; its ``max_tasks`` budget applies to mechanisms ×
        ``n_replications``).
    max_memory : float or None
        Memory budget of one cell in bytes (default 4 GiB): a cell holds about
        ``32 (n_bidders + 4)`` bytes per auction (values, bids, outcomes and what each rule
        publishes), so ``n_auctions=10**12`` is refused before any simulation. None lifts it.

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per mechanism × replication × disclosure × quantity, with the sweep's
        ``cell``, ``replication``, ``seed`` and ``spawn_key``, the labels ``mechanism`` and
        ``disclosure``, then ``quantity`` (``revenue``, ``welfare``, ``privacy_loss``),
        ``whose``, ``estimate``, ``ci_low``, ``ci_high``, ``analytical`` (NaN where none is
        known), ``infinite``, ``n_auctions``, ``level``, ``audience`` and
        ``mechanism_label`` (the mechanism with the reserve it used, for figures).

    Examples
    --------
    >>> import privauction as pa
    >>> from privauction import disclosure as dc
    >>> from scipy import stats
    >>> table = pa.disclosure_frontier(stats.uniform(0, 1), 2, [pa.mechanisms.SecondPrice()],
    ...                                [dc.WinnerAndPrice(), dc.RoundedPrice(0.25)], 4_000, rng=0)
    >>> losses = table[table["quantity"] == "privacy_loss"]
    >>> losses.pivot_table(index="disclosure", columns="whose",
    ...                    values="analytical").round(3)  # doctest: +NORMALIZE_WHITESPACE
    whose                    bidder  runner-up  winner
    disclosure
    RoundedPrice(step=0.25)   0.535      1.379   0.210
    WinnerAndPrice()            inf        inf   0.307
    """
    mechanisms = _as_list(mechanisms, Mechanism, "mechanisms")
    disclosures = _as_list(disclosures, Disclosure, "disclosures")
    for name, items, base in (("mechanisms", mechanisms, Mechanism),
                              ("disclosures", disclosures, Disclosure)):
        if not items:
            raise ValueError(f"`{name}` must hold at least one {base.__name__}; got none")
        for item in items:
            if not isinstance(item, base):
                raise TypeError(
                    f"`{name}` must hold {base.__name__} instances; got {type(item).__name__}"
                )
    whose = tuple(check_whose(w) for w in ((whose,) if isinstance(whose, str) else whose))
    if not whose:
        raise ValueError(f"`whose` must name at least one of {WHOSE}; got none")
    audience = check_audience(audience)
    n_bidders = check_int(n_bidders, "n_bidders", minimum=2)
    n_auctions = check_int(n_auctions, "n_auctions", minimum=2)
    check_budget(
        float(n_auctions) * (n_bidders + 4) * _BYTES_PER_VALUE, check_limit(max_memory,
                                                                            "max_memory"),
        what=f"`n_auctions` = {n_auctions} with `n_bidders` = {n_bidders} (one cell)",
        unit="bytes",
        advice="simulate fewer auctions per cell and raise `n_replications` instead, or pass a "
               "larger `max_memory` (None for no limit)",
    )
    level = check_probability(level, "level")
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        seed = check_int(rng, "rng", minimum=0)
    else:
        seed = int(check_rng(rng).integers(0, 2**63 - 1))
    return run_sweep(
        frontier_cell, {"mechanism": mechanisms},
        n_replications=n_replications, seed=seed, backend=backend, n_jobs=n_jobs, store=store,
        progress=progress,
        fixed={"disclosures": tuple(disclosures), "prior": prior, "n_bidders": n_bidders,
               "n_auctions": n_auctions, "whose": whose, "level": level,
               "audience": audience},
    )


def plot_disclosure_frontier(table: pd.DataFrame, *, title: str | None = None):
    """The frontier: revenue against each person's privacy loss, one panel per person.

    One marker per mechanism, one colour per disclosure, horizontal bars the loss's interval
    and vertical bars the revenue's; an infinite loss is drawn at the right edge, at ``∞``.
    Returns a matplotlib Figure, drawn in :func:`privauction.plotting.style`.
    """
    import matplotlib.pyplot as plt

    from . import plotting

    with plotting.style():
        return _plot_frontier(table, title, plt, plotting)


def _plot_frontier(table, title, plt, plotting):
    """The body of :func:`plot_disclosure_frontier`, run inside the style."""
    losses = table[table["quantity"] == "privacy_loss"]
    revenue = table[table["quantity"] == "revenue"].set_index(["mechanism", "disclosure"])
    people = [w for w in WHOSE if w in set(losses["whose"])]
    fig, axes = plotting.subplots(1, len(people), height=3.4, sharey=True, squeeze=False)
    x_inf = 1.0
    colours = {d: plt.get_cmap("tab10")(i % 10)
               for i, d in enumerate(dict.fromkeys(losses["disclosure"]))}
    markers = {m: "osD^vP*X"[i % 8] for i, m in enumerate(dict.fromkeys(losses["mechanism"]))}
    names = (dict(zip(losses["mechanism"], losses["mechanism_label"], strict=True))
             if "mechanism_label" in losses else {m: m for m in markers})
    for ax, person in zip(axes[0], people, strict=True):
        mine = losses[losses["whose"] == person]
        # each person's own scale (the runner-up's losses can be 20 times the winner's)
        finite = mine.loc[np.isfinite(mine["ci_high"]), "ci_high"]
        top = float(finite.max()) if len(finite) else 0.0
        x_inf = 1.15 * (top if top > 0 else 1.0)     # every loss 0 (or infinite): a unit axis
        for _, r in mine.iterrows():
            rev = revenue.loc[(r["mechanism"], r["disclosure"])]
            rev = rev.iloc[0] if isinstance(rev, pd.DataFrame) else rev
            x = x_inf if r["infinite"] or not np.isfinite(r["estimate"]) else r["estimate"]
            xerr = None if x == x_inf else [[x - r["ci_low"]], [r["ci_high"] - x]]
            yerr = [[rev["estimate"] - rev["ci_low"]], [rev["ci_high"] - rev["estimate"]]]
            ax.errorbar(x, rev["estimate"], xerr=xerr, yerr=yerr,
                        fmt=markers[r["mechanism"]], color=colours[r["disclosure"]], ms=6,
                        capsize=2)
        ax.axvline(x_inf, color="0.7", lw=0.8, ls=":")
        ax.set_xlabel(f"{person}'s privacy loss (nats)")
        ax.set_title(person)
        ticks = [t for t in ax.get_xticks() if 0 <= t < 0.95 * x_inf]
        ax.set_xticks([*ticks, x_inf], [*(f"{t:g}" for t in ticks), "∞"])
        ax.set_xlim(left=min(0.0, float(mine["ci_low"].min())) - 0.02 * x_inf,
                    right=1.05 * x_inf)
    axes[0][0].set_ylabel("revenue per auction (prior's units)")
    handles = [plt.Line2D([], [], color=c, marker="s", ls="", label=d) for d, c in colours.items()]
    handles += [plt.Line2D([], [], color="0.3", marker=mk, ls="", label=names[m])
                for m, mk in markers.items()]
    fig.legend(handles=handles, loc="outside lower center", ncol=2)
    fig.suptitle(title or "Disclosure frontier: revenue against privacy loss")
    return fig
