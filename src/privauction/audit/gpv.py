"""Recover bidders' values from first-price bids (Guerre, Perrigne & Vuong 2000).

In a first-price sealed-bid auction with ``n`` symmetric risk-neutral bidders whose private
values are i.i.d., the equilibrium bid ``b`` of a bidder with value ``v`` satisfies

    v = ξ(b) = b + G(b) / ((n - 1) g(b))                                  (GPV, Eq. (1.3))

where ``G`` and ``g`` are the distribution and density of the equilibrium bids in auctions with
``n`` bidders. Both are estimated from the bids, and each observed bid gives a pseudo-value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .._validation import check_int, check_real, check_real_array
from ._kde import reflected_kde, silverman_bandwidth
from .homogenise import Homogenisation, homogenise
from .loading import _check_covariates, load_bids
from .prior import prior_from_values

__all__ = ["MODEL", "ValueFit", "gpv_pseudo_values", "recover_values"]

#: The model the recovery assumes, stated for reports (``ValueFit.model``).
MODEL = """\
Model (privauction.audit.recover_values):
- Independent private values, symmetric and risk-neutral bidders, who play the symmetric
  Bayes-Nash equilibrium of the first-price auction (Guerre, Perrigne & Vuong 2000).
- Covariates: multiplicatively separable values, v = Gamma(x) * v~, with log Gamma(x) fitted by
  OLS of log bid on the covariates and number-of-bidders dummies ({formula}); the prior is the
  distribution of the homogenised values v~ (bid units of an auction with typical covariates;
  with no covariates, the bid units themselves).
- Entry and the reserve: the observed bidders of an auction are its entrants; each entrant knows
  how many entered (n) and values are i.i.d. draws from the value distribution of entrants,
  whose lower end is the reserve (for the Forest Service, the appraisal adv_value, which is a
  covariate, so the reserve is nearly constant in homogenised units). In that model the
  reserve does not bind among entrants (the lowest entrant type bids the reserve), so GPV's
  inversion holds with the observed n and G the bid distribution of n-bidder auctions. This is
  chosen over GPV with a binding reserve because that needs the number of potential bidders N,
  which the data do not record. The recovered prior is therefore the entrants' value
  distribution, and the audit's counterfactuals are for the same entrants.
- Estimation: per n, G is the empirical CDF of the homogenised bids and g a Gaussian kernel
  density of log bids with reflection at both ends (Silverman bandwidth h, times
  {bandwidth_scale:g}); bids with G below {trim:g} or above 1 - {trim:g}, or within h of either
  end (in log bid), are trimmed (the kernel density is unreliable where bids are sparse), and
  get a pseudo-value by extending the inverse bid function beyond the upper trimming bound
  (a parabola in log bid and log value over the last two bandwidths of untrimmed bids, convex
  or straight, with slope at least 1, for three bandwidths, then straight; never below the
  straight extension in levels with the slope over the last bandwidth, at least v/b there,
  nor above the line with twice that slope), or by shrinking the markdown in
  proportion to G at the lower end (where it vanishes), so every bid keeps its rank and the
  recovered distribution keeps its mass.
- The prior: a Gaussian kernel density of the log pseudo-values with reflection at both
  ends (Silverman bandwidth times {prior_bandwidth_scale:g}), on a grid, as a bounded
  continuous distribution of the values. Both bandwidths are below Silverman's
  (undersmoothing): the audit's numbers are integrals of this distribution, and a smaller
  bandwidth shrinks their kernel bias, which the bootstrap cannot measure, below the spread
  the bootstrap does measure.
"""


def gpv_pseudo_values(bids: np.ndarray, n_bidders: int, *, bandwidth_scale: float = 1.0,
                      trim: float = 0.025, n_grid: int = 4097
                      ) -> tuple[np.ndarray, np.ndarray, float]:
    """Pseudo-values ``b + G(b) / ((n-1) g(b))`` of the bids of ``n``-bidder auctions.

    The density is estimated in log bids ``y = log b`` (heavy right tails are common in bid
    data): ``g(b) = h(y) / b``, so ``G / g = b H(y) / h(y)`` (``H`` the CDF and ``h`` the
    density of ``y``). ``H`` is the empirical CDF (mid-ranks over ``m``); ``h`` the reflected
    Gaussian kernel density of :func:`privauction.audit._kde.reflected_kde` with Silverman's
    bandwidth times ``bandwidth_scale``.

    Parameters
    ----------
    bids : ndarray
        Positive bids (homogenised), all from auctions with ``n_bidders`` bidders.
    n_bidders : int
        Number of bidders ``n >= 2``.
    bandwidth_scale : float
        Multiplies Silverman's bandwidth.
    trim : float
        Share of bids trimmed at each end (by ``G``), in [0, 0.5); bids within one bandwidth
        of either end are trimmed too (GPV's rule).

    Returns
    -------
    values : ndarray
        One pseudo-value per bid (in the order of ``bids``).
    trimmed : ndarray of bool
        Bids with ``G < trim`` or ``G > 1 - trim``, or within one bandwidth of either end of
        the log bids: their value is extrapolated (see :data:`MODEL`).
    bandwidth : float
        The bandwidth used, in log bids.

    Examples
    --------
    Uniform values on [1, 2] and ``n = 2`` give bids ``b = (1 + v) / 2``, uniform on
    [1, 1.5], so ``G(b) / g(b) = b - 1`` and the recovery is ``v = 2 b - 1``:

    >>> import numpy as np
    >>> b = (1 + np.random.default_rng(0).uniform(1, 2, 20_000)) / 2
    >>> v, trimmed, h = gpv_pseudo_values(b, 2)
    >>> bool(np.median(np.abs(v - (2 * b - 1))) < 0.01)
    True
    """
    bids = check_real_array(bids, "bids", ndim=1, min_length=2)
    if bids.min() <= 0:
        raise ValueError(f"`bids` must be positive; got {bids.min()}")
    n_bidders = check_int(n_bidders, "n_bidders", minimum=2)
    b = np.asarray(bids, dtype=float)
    y = np.log(b)
    m = y.size
    ranks = stats.rankdata(y)  # average ranks for ties
    big_h = (ranks - 0.5) / m
    h = silverman_bandwidth(y) * bandwidth_scale
    low, high = float(y.min()), float(y.max())
    if high - low <= 0 or not np.isfinite(h) or h <= 0:
        raise ValueError(
            f"bids of the {n_bidders}-bidder auctions have no spread (all equal to "
            f"{float(b[0])!r}); GPV needs a density of bids"
        )
    grid, dens = reflected_kde(y, low, high, h, n_grid)
    small_h = np.interp(y, grid, dens)
    markdown = b * big_h / ((n_bidders - 1) * small_h)
    bottom = (y < low + h) | (big_h < trim)
    top = (y > high - h) | (big_h > 1 - trim)
    trimmed = bottom | top
    kept = ~trimmed
    if kept.sum() >= 2:
        lo_i = np.flatnonzero(kept)[np.argmin(y[kept])]
        hi_i = np.flatnonzero(kept)[np.argmax(y[kept])]
        # the markdown is G/((n-1)g): it vanishes with G at the bottom; held at the top
        markdown[bottom] = markdown[lo_i] / b[lo_i] * b[bottom] * big_h[bottom] / big_h[lo_i]
        # the inverse bid function extended from the top untrimmed bid: a line, with its
        # slope over the last bandwidth of untrimmed log bids (at least v/b there, so the
        # relative markdown does not shrink)
        near = kept & (y >= y[hi_i] - h)
        v_hi = b[hi_i] + markdown[hi_i]
        slope = v_hi / b[hi_i]
        if near.sum() >= 3 and np.ptp(b[near]) > 0:
            slope = max(slope, float(np.polyfit(b[near], (b + markdown)[near], 1)[0]))
        line = v_hi + slope * (b[top] - b[hi_i])
        # a straight extension undershoots where the inverse bid function is convex (the top of
        # a thin-tailed value distribution: E[max of 6 values] 0.6 % low on synthetic beta(2, 5)
        # data, 1.7 standard deviations of the estimate); so the extension is a parabola in
        # log bid and log value fitted over the last two bandwidths of untrimmed bids, with
        # its curvature at least 0 and its slope at least 1 (the relative markdown does not
        # shrink), and never below the straight line
        wide = kept & (y >= y[hi_i] - 2 * h)
        if top.any() and wide.sum() >= 5 and np.ptp(y[wide]) > 0:
            c2, c1, _ = np.polyfit(y[wide] - y[hi_i], np.log(b + markdown)[wide], 2)
            # the bend over at most three bandwidths past the top untrimmed bid, then straight
            # with the line's slope: a heavy upper tail (the Forest Service's top bids reach 20
            # times the appraisal, a hundred bandwidths away) keeps the straight extension's
            # shape, and a fitted bend is never carried across it
            d = np.minimum(y[top] - y[hi_i], 3.0 * h)
            bend = v_hi * np.exp(max(c1, 1.0) * d + max(c2, 0.0) * d * d)
            bend += slope * (b[top] - b[hi_i] * np.exp(d))
            line = np.clip(bend, line, v_hi + 2.0 * slope * (b[top] - b[hi_i]))
        markdown[top] = line - b[top]
    return b + markdown, trimmed, h


@dataclass(frozen=True)
class ValueFit:
    """Values recovered from first-price bids by :func:`recover_values`.

    Attributes
    ----------
    prior : frozen scipy.stats distribution
        The distribution of the homogenised values, a bounded
        :class:`~privauction.audit.prior.GridDistribution` (reflected kernel density of the
        pseudo-values): every mechanism accepts it as a prior.
    values : pandas.DataFrame
        One row per bid: ``auction``, ``bid``, ``n_bidders``, ``scale`` (``Γ(x)``),
        ``homogenised_bid``, ``pseudo_value`` (homogenised), ``value`` (in the auction's own
        bid units, ``pseudo_value * scale``), ``trimmed``, then the covariates.
    diagnostics : pandas.DataFrame
        One row per number of bidders: ``n_bidders``, ``n_auctions``, ``n_bids``,
        ``bandwidth`` (log bids), ``share_trimmed``, ``share_decreasing`` (share of steps
        between consecutive distinct untrimmed bids where the pseudo-value falls: 0 for a
        monotone recovered inverse bid function, as the model requires),
        ``max_decrease`` (largest fall, relative to the pseudo-values' interquartile range)
        and ``share_below_bid`` (pseudo-values below their bid: none in theory).
    homogenisation : Homogenisation
        The fitted regression (``formula``, ``coefficients``, ``r_squared``).
    model : str
        The model and the treatment of the reserve, in words (:data:`MODEL`).
    n_bidders_share : pandas.Series
        Share of auctions by number of bidders, the market's mix.
    settings : dict
        The arguments of :func:`recover_values`, so the audit can bootstrap the recovery.
    """

    prior: object
    values: pd.DataFrame = field(repr=False)
    diagnostics: pd.DataFrame = field(repr=False)
    homogenisation: Homogenisation = field(repr=False)
    model: str = field(repr=False)
    n_bidders_share: pd.Series = field(repr=False)
    settings: dict = field(repr=False)

    @property
    def share_trimmed(self) -> float:
        """Share of all bids whose value was extrapolated at the trimming bounds."""
        return float(self.values["trimmed"].mean())


def _monotonicity(b: np.ndarray, v: np.ndarray, trimmed: np.ndarray) -> tuple[float, float]:
    keep = ~trimmed
    order = np.argsort(b[keep], kind="stable")
    bs, vs = b[keep][order], v[keep][order]
    distinct = np.diff(bs) > 0
    steps = np.diff(vs)[distinct]
    if steps.size == 0:
        return 0.0, 0.0
    spread = np.subtract(*np.percentile(vs, [75, 25])) or 1.0
    return float(np.mean(steps < 0)), float(max(0.0, -steps.min()) / spread)


def recover_values(bids: pd.DataFrame, *, auction: str = "auctionid", bid: str = "actual_bid",
                   covariates=(), categorical=(), bandwidth_scale: float = 0.5,
                   trim: float = 0.025, prior_bandwidth_scale: float = 0.5) -> ValueFit:
    """Recover the bidders' values from first-price bids: homogenise, then GPV per ``n``.

    Parameters
    ----------
    bids : pandas.DataFrame
        One row per bid (a table from :func:`load_bids` or :func:`load_usfs`; it is checked
        again here, strictly).
    auction, bid : str
        Auction-id and bid columns.
    covariates : sequence of str
        Auction characteristics for the homogenisation (see
        :func:`privauction.audit.homogenise.homogenise`); empty: none.
    categorical : sequence of str
        Numeric covariates to enter as dummies (e.g. ``["forest", "year"]``).
    bandwidth_scale : float
        Multiplies Silverman's bandwidth of the bid density (> 0). The default 0.5
        undersmooths: the audit's numbers are integrals of the recovered distribution, whose
        kernel bias (order ``h^2``) a bootstrap over auctions does not see, while it does see
        the larger variance of a smaller bandwidth (Hall 1992, Section 4.5). On synthetic
        beta(2, 5) data with 5,000 auctions (validation/audit_bias.py) Silverman's bandwidths
        (scale 1 here and in ``prior_bandwidth_scale``) biased the expected second-highest
        value of 6 bidders by 2.6 standard deviations of the estimate (+0.027), 0.5 by 0.6.
    trim : float
        Share of bids trimmed at each end per number of bidders, in [0, 0.5).
    prior_bandwidth_scale : float
        Multiplies Silverman's bandwidth of the kernel density of the log pseudo-values that
        makes ``fit.prior`` (> 0); undersmoothed by default for the same reason.

    Returns
    -------
    ValueFit

    Raises
    ------
    TypeError, ValueError
        As :func:`load_bids` (missing column, bad bid, single-bid auction), or for a bad
        ``bandwidth_scale``.

    Notes
    -----
    The model, and why the appraisal is treated as it is, is :data:`MODEL` (also
    ``fit.model``). GPV's estimator is Eq. (1.3) of Guerre, Perrigne & Vuong (2000); the
    homogenisation is that of Haile, Hong & Shum (2003).

    References
    ----------
    .. [1] E. Guerre, I. Perrigne and Q. Vuong, "Optimal nonparametric estimation of first-price
       auctions", Econometrica 68(3):525-574, 2000. doi:10.1111/1468-0262.00123
    .. [2] P. A. Haile, H. Hong and M. Shum, "Nonparametric tests for common values at
       first-price sealed-bid auctions", NBER Working Paper 10105, 2003.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> v = rng.uniform(1, 2, (3000, 2))                  # uniform on [1, 2], two bidders
    >>> b = 1 + (v - 1) / 2                               # equilibrium bids
    >>> table = pd.DataFrame({"id": np.repeat(np.arange(3000), 2), "b": b.ravel()})
    >>> fit = recover_values(table, auction="id", bid="b")
    >>> round(float(fit.prior.mean()), 2), tuple(round(float(s), 1) for s in fit.prior.support())
    (1.5, (1.0, 2.0))
    """
    if not isinstance(bids, pd.DataFrame):
        raise TypeError(
            f"`bids` must be a pandas DataFrame of bids (load a file with load_bids); got "
            f"{type(bids).__name__}"
        )
    if len(bids) == 0:
        raise ValueError("`bids` holds no bids (a table with no rows)")
    covariates = _check_covariates(covariates)
    categorical = [categorical] if isinstance(categorical, str) else list(categorical)
    for c in categorical:
        if c not in covariates:
            raise ValueError(f"`categorical` column {c!r} must be one of `covariates` "
                             f"{covariates}")
    bandwidth_scale = check_real(bandwidth_scale, "bandwidth_scale", lower=0.0,
                                 lower_inclusive=False)
    prior_bandwidth_scale = check_real(prior_bandwidth_scale, "prior_bandwidth_scale",
                                       lower=0.0, lower_inclusive=False)
    trim = check_real(trim, "trim", lower=0.0, upper=0.5, upper_inclusive=False)
    table = load_bids(bids, auction=auction, bid=bid, covariates=covariates)
    n_per_row = table.groupby(auction, sort=False)[bid].transform("size").to_numpy()
    hom = homogenise(table, bid=bid, n_bidders=n_per_row, covariates=covariates,
                     categorical=categorical)
    b_tilde = table[bid].to_numpy() / hom.scale
    pseudo = np.empty_like(b_tilde)
    trimmed = np.zeros(b_tilde.size, dtype=bool)
    rows = []
    for n in np.unique(n_per_row):
        idx = np.flatnonzero(n_per_row == n)
        v, t, h = gpv_pseudo_values(b_tilde[idx], int(n), bandwidth_scale=bandwidth_scale,
                                    trim=trim)
        pseudo[idx], trimmed[idx] = v, t
        decreasing, max_fall = _monotonicity(b_tilde[idx], v, t)
        rows.append({"n_bidders": int(n), "n_auctions": idx.size // int(n), "n_bids": idx.size,
                     "bandwidth": h, "share_trimmed": float(t.mean()),
                     "share_decreasing": decreasing, "max_decrease": max_fall,
                     "share_below_bid": float(np.mean(v < b_tilde[idx]))})
    diagnostics = pd.DataFrame(rows)
    values = pd.DataFrame({
        "auction": table[auction].to_numpy(), "bid": table[bid].to_numpy(),
        "n_bidders": n_per_row, "scale": hom.scale, "homogenised_bid": b_tilde,
        "pseudo_value": pseudo, "value": pseudo * hom.scale, "trimmed": trimmed,
    }, index=table.index)
    for c in covariates:
        values[c] = table[c].to_numpy()
    share = diagnostics.set_index("n_bidders")["n_auctions"]
    share = (share / share.sum()).rename("share")
    return ValueFit(
        prior=prior_from_values(pseudo, bandwidth=prior_bandwidth_scale
                                * silverman_bandwidth(np.log(pseudo))),
        values=values,
        diagnostics=diagnostics,
        homogenisation=hom,
        model=MODEL.format(formula=hom.formula, bandwidth_scale=bandwidth_scale, trim=trim,
                           prior_bandwidth_scale=prior_bandwidth_scale),
        n_bidders_share=share,
        settings={"auction": auction, "bid": bid, "covariates": covariates,
                  "categorical": categorical, "bandwidth_scale": bandwidth_scale,
                  "trim": trim, "prior_bandwidth_scale": prior_bandwidth_scale},
    )
