"""The audit: what each mechanism would earn, and reveal, in the recovered market.

For the prior recovered from the market's bids (:func:`~privauction.audit.recover_values`) and
each of the market's numbers of bidders, every mechanism is simulated (revenue, welfare) and
its winner's privacy loss (Definition 2 of the auction paper, nats) taken from its analytical
value where it has one, else estimated from the simulated outcomes with an interval. The
uncertainty of the value recovery itself comes from a bootstrap over auctions: each replicate
resamples the auctions, recovers the values again and recomputes every number; the replicates
run through :func:`privauction.sweep.run_sweep`, so they scale out to joblib or Dask.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import integrate

from .. import mechanisms as mech_lib
from .._validation import check_int, check_probability, check_rng
from ..estimators import estimate_privacy_loss
from ..priors import support, warn_if_not_mhr
from ..simulator import simulate
from ..sweep import run_sweep
from .gpv import ValueFit, recover_values

__all__ = ["AUDIT_COLUMNS", "audit", "default_mechanisms"]

#: The disclosure every row has today: the winner's identity and the price are published.
_DISCLOSURE = "winner-and-price"

#: Columns of the table :func:`audit` returns.
AUDIT_COLUMNS = [
    "mechanism", "disclosure", "n_bidders", "market_share", "reserve", "sold_share",
    "revenue", "revenue_low", "revenue_high", "revenue_se", "welfare", "welfare_low",
    "welfare_high", "welfare_se",
    "privacy_loss", "privacy_loss_low", "privacy_loss_high", "privacy_loss_method",
    "n_bootstrap", "note",
]

_MEASURES = ("revenue", "welfare", "privacy_loss")


def default_mechanisms(prior) -> list:
    """The mechanisms audited by default for ``prior``.

    First price (today's format), second price, the SPA with Myerson's reserve (found for each
    prior, bootstrap replicates included), the {0,K} lottery with ``K`` twice the top of the
    prior's support, and the winner-bid lottery (Sections 4.1-4.4 of the auction paper).
    """
    high = support(prior)[1]
    return [mech_lib.FirstPrice(), mech_lib.SecondPrice(), mech_lib.ReservePrice(),
            mech_lib.ZeroKLottery(K=float(2.0 * high)), mech_lib.WinnerBidLottery()]


def _rows(prior, mechanisms, n_values, n_auctions, rng, method, notes) -> pd.DataFrame:
    """One row per (mechanism, n): simulated revenue and welfare, privacy loss."""
    rows = []
    for n in n_values:
        for mech in mechanisms:
            row = {"mechanism": repr(mech), "n_bidders": int(n), "note": notes.get(repr(mech),
                                                                                  "")}
            try:
                mech.check_compatible(prior, int(n))
            except ValueError as exc:  # e.g. K below a bootstrap prior's support
                rows.append({**row, "note": f"not run: {exc}"})
                continue
            bound = mech.bind(prior, int(n))
            try:
                out = simulate(bound, prior, int(n), n_auctions, rng=rng)
            except mech_lib.MechanismContractError as exc:  # shown, never hidden
                rows.append({**row, "note": f"failed: {exc}"})
                continue
            sold = out.winner >= 0
            paid = np.where(sold, out.price, 0.0)
            surplus = np.where(sold, out.winner_value, 0.0)
            row.update(
                reserve=float(getattr(bound, "reserve", math.nan) or math.nan),
                sold_share=float(sold.mean()),
                revenue=float(paid.mean()),
                revenue_se=float(paid.std(ddof=1) / math.sqrt(n_auctions)),
                welfare=float(surplus.mean()),
                welfare_se=float(surplus.std(ddof=1) / math.sqrt(n_auctions)),
            )
            try:
                with warnings.catch_warnings():
                    # quadrature on the piecewise-linear density of a recovered prior stops
                    # near 1e-9 relative error, short of the 1e-11 some closed forms request
                    warnings.simplefilter("ignore", integrate.IntegrationWarning)
                    loss = float(bound.privacy_loss(prior, int(n)))
                row.update(privacy_loss=loss, privacy_loss_low=loss, privacy_loss_high=loss,
                           privacy_loss_method="analytical")
            except NotImplementedError:
                est = estimate_privacy_loss(out, method=method, rng=rng)
                row.update(privacy_loss=est.estimate, privacy_loss_low=est.ci_low,
                           privacy_loss_high=est.ci_high, privacy_loss_method=method)
            rows.append(row)
    return pd.DataFrame(rows)


def _resample_auctions(values: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Draw the market's auctions with replacement (each copy a new auction id)."""
    ordered = values.sort_values("auction", kind="stable")
    ids = ordered["auction"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    sizes = np.diff(np.r_[starts, ids.size])
    draw = rng.integers(0, starts.size, starts.size)
    size = sizes[draw]
    offset = np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size)
    rows = np.repeat(starts[draw], size) + offset
    sample = ordered.iloc[rows].reset_index(drop=True)
    sample["auction"] = np.repeat(np.arange(starts.size), size)
    return sample


def _bootstrap_replicate(rng, *, values, settings, mechanisms, n_values, n_auctions,
                         method) -> pd.DataFrame:
    """One bootstrap replicate: resample auctions, recover values again, audit again."""
    sample = _resample_auctions(values, rng)
    fit = recover_values(sample, auction="auction", bid="bid",
                         covariates=settings["covariates"], categorical=settings["categorical"],
                         bandwidth_scale=settings["bandwidth_scale"], trim=settings["trim"])
    return _rows(fit.prior, mechanisms, n_values, n_auctions, rng, method, {})


def audit(fit: ValueFit, *, n_auctions: int = 20_000, rng=0, mechanisms=None, n_bidders=None,
          n_bootstrap: int = 10, ci: float = 0.9, method: str = "mixed",
          backend: str = "serial", n_jobs: int | None = None, progress: bool = False
          ) -> pd.DataFrame:
    """Audit mechanisms in the market whose values ``fit`` recovered.

    Parameters
    ----------
    fit : ValueFit
        From :func:`~privauction.audit.recover_values`.
    n_auctions : int
        Simulated auctions per mechanism and number of bidders (and per bootstrap replicate).
    rng : None, int, SeedSequence or Generator
        Source of all randomness: the point estimates use it, and a seed drawn from it roots
        the bootstrap's streams (``SeedSequence(seed, spawn_key=(0, replicate))``).
    mechanisms : list of Mechanism, optional
        Default :func:`default_mechanisms` of ``fit.prior``. A mechanism whose parameters depend
        on the prior (Myerson's reserve: ``ReservePrice()``) is re-fitted in every replicate.
    n_bidders : sequence of int, optional
        Numbers of bidders to audit; default the market's (``fit.n_bidders_share``).
    n_bootstrap : int
        Bootstrap replicates of the value recovery (>= 2), or 0 for none (then the intervals
        are those of the simulation alone: equal to the point for analytical losses, NaN for
        revenue and welfare).
    ci : float
        Level of the percentile intervals.
    method : str
        Estimator of the privacy loss for mechanisms with no analytical value
        (see :func:`privauction.estimate_privacy_loss`).
    backend, n_jobs, progress
        Passed to :func:`privauction.sweep.run_sweep` for the bootstrap.

    Returns
    -------
    pandas.DataFrame
        One row per mechanism x disclosure x number of bidders, columns :data:`AUDIT_COLUMNS`:
        ``revenue`` and ``welfare`` (mean price and mean winner value per auction, 0 when
        unsold, simulated; ``*_se`` their Monte Carlo standard errors: large for a {0,K}
        lottery, whose price is K with a small probability), ``privacy_loss`` (nats; ``inf``
        where the price reveals the winner's value) with ``privacy_loss_method``
        ``"analytical"`` or the estimator's name;
        ``*_low``/``*_high``: the ``ci`` percentile interval of the bootstrap replicates,
        widened to hold the point estimate and, for estimated losses, the estimator's own
        interval. ``disclosure`` is ``"winner-and-price"`` for every row (what the auction
        paper's observer sees). ``market_share``: the share of the market's auctions with that
        many bidders. ``reserve``: the reserve used (Myerson's for ``ReservePrice()``).
        ``note`` says when the prior lacks a monotone hazard rate for Myerson's reserve, or
        why a mechanism was not run (incompatible with the prior, or its ``run`` broke the
        contract); ``n_bootstrap`` counts the replicates that gave a value.
        ``attrs["bootstrap"]``: the replicates' own rows (tidy, from ``run_sweep``), or None.

        The intervals measure the variance of the recovery (and of the simulation), not its
        bias: on synthetic beta(2, 5) data with 5,000 auctions the true revenue lay 1-3
        bootstrap standard deviations below the estimate in several rows
        (validation/audit_synthetic.py).

    Warns
    -----
    MHRWarning
        When the recovered prior lacks a monotone hazard rate and a ``ReservePrice`` is
        audited (Theorem 2's optimality of Myerson's reserve assumes MHR).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import privauction as pa
    >>> rng = np.random.default_rng(0)
    >>> v = rng.uniform(1, 2, (2000, 2))
    >>> table = pd.DataFrame({"id": np.repeat(np.arange(2000), 2), "b": (1 + v.ravel()) / 2})
    >>> fit = pa.audit.recover_values(table, auction="id", bid="b")
    >>> out = pa.audit.audit(fit, n_auctions=2000, n_bootstrap=0,
    ...                      mechanisms=[pa.mechanisms.SecondPrice()])
    >>> out[["mechanism", "disclosure", "n_bidders", "privacy_loss_method"]].to_numpy().tolist()
    [['SecondPrice()', 'winner-and-price', 2, 'analytical']]
    >>> round(float(out["privacy_loss"].iloc[0]), 4)  # Eq. (9): 1 - log 2
    0.3069
    """
    if not isinstance(fit, ValueFit):
        raise TypeError(f"`fit` must be a ValueFit from recover_values; got {type(fit).__name__}")
    n_auctions = check_int(n_auctions, "n_auctions", minimum=2)
    n_bootstrap = check_int(n_bootstrap, "n_bootstrap", minimum=0)
    if n_bootstrap == 1:
        raise ValueError("`n_bootstrap` must be 0 or an integer >= 2; got 1")
    ci = check_probability(ci, "ci")
    rng = check_rng(rng)
    prior = fit.prior
    mechanisms = default_mechanisms(prior) if mechanisms is None else list(mechanisms)
    if not mechanisms:
        raise ValueError("`mechanisms` must hold at least one mechanism; got an empty list")
    for m in mechanisms:
        if not isinstance(m, mech_lib.Mechanism):
            raise TypeError(f"`mechanisms` must hold Mechanism instances; got {m!r}")
    market = fit.n_bidders_share
    n_values = list(market.index) if n_bidders is None else [
        check_int(n, "n_bidders", minimum=2) for n in n_bidders]
    notes = {}
    if any(isinstance(m, mech_lib.ReservePrice) and m.reserve is None for m in mechanisms):
        if not warn_if_not_mhr(prior, "Myerson's reserve as the optimal reserve (Theorem 2)"):
            notes[repr(mech_lib.ReservePrice())] = (
                "recovered prior is not MHR: the reserve maximises r(1-F(r)), but Theorem 2's "
                "optimality may not hold")
    seed = int(rng.integers(2**32))
    table = _rows(prior, mechanisms, n_values, n_auctions, rng, method, notes)
    table.insert(1, "disclosure", _DISCLOSURE)
    table.insert(3, "market_share", [float(market.get(n, 0.0)) for n in table["n_bidders"]])
    for name in AUDIT_COLUMNS:
        if name not in table:
            table[name] = math.nan if name not in ("privacy_loss_method", "note") else ""
    for name in ("revenue", "welfare"):
        table[f"{name}_low"] = table[f"{name}_high"] = math.nan
    table["n_bootstrap"] = 0
    if n_bootstrap:
        values = fit.values
        boot = run_sweep(
            _bootstrap_replicate, [{}], n_replications=n_bootstrap, seed=seed,
            fixed={"values": values, "settings": fit.settings, "mechanisms": mechanisms,
                   "n_values": n_values, "n_auctions": n_auctions, "method": method},
            backend=backend, n_jobs=n_jobs, progress=progress,
        )
        alpha = (1.0 - ci) / 2.0
        keys = ["mechanism", "n_bidders"]
        for name in _MEASURES:
            if name not in boot:
                continue
            grouped = boot.groupby(keys)[name]
            low = grouped.quantile(alpha).rename("b_low")
            high = grouped.quantile(1 - alpha).rename("b_high")
            count = grouped.count().rename("b_n")
            merged = table[keys].merge(pd.concat([low, high, count], axis=1).reset_index(),
                                       on=keys, how="left")
            point = table[name].to_numpy(dtype=float)
            own_low = table[f"{name}_low"].to_numpy(dtype=float)
            own_high = table[f"{name}_high"].to_numpy(dtype=float)
            table[f"{name}_low"] = np.fmin(np.fmin(merged["b_low"].to_numpy(), point), own_low)
            table[f"{name}_high"] = np.fmax(np.fmax(merged["b_high"].to_numpy(), point),
                                            own_high)
            table["n_bootstrap"] = merged["b_n"].fillna(0).astype(int).to_numpy()
    table = table[AUDIT_COLUMNS]
    table.attrs["bootstrap"] = boot if n_bootstrap else None
    return table
