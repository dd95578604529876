"""``estimate_privacy_loss``: Definition 2 of the auction paper from simulated outcomes, with an
honest confidence interval, and detection of an infinite privacy loss."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .._budgets import DEFAULT_MAX_MEMORY, DEFAULT_MAX_WORK, estimator_memory, neighbor_lookups
from .._progress import show_progress
from .._validation import (
    PrivauctionWarning,
    check_bool,
    check_budget,
    check_int,
    check_max_memory,
    check_max_work,
    check_outcome_arrays,
    check_probability,
    check_rng,
)
from ..theory.posterior import posterior_kl
from ._api import METHODS, check_method
from ._input import check_n_neighbors
from ._interval import default_subsample_size, sold_subsample_size, subsample_interval
from ._result import Estimate

__all__ = ["PrivacyLossEstimate", "InfinitePrivacyLossWarning", "estimate_privacy_loss"]

_ALL_METHODS = (*METHODS, "observer")


class InfinitePrivacyLossWarning(PrivauctionWarning):
    """The price reveals the winner's value on an event of positive probability.

    Then ``MI(W; P) = ∞`` and any finite-sample estimate grows without bound with ``N`` (like
    ``½ log N`` for KSG), so :func:`estimate_privacy_loss` returns ``inf`` instead of a number.
    """


@dataclass(frozen=True, kw_only=True)
class PrivacyLossEstimate(Estimate):
    """Estimated privacy loss ``P(sale) · MI(W; P | sale)`` (Definition 2), in nats.

    An :class:`~privauction.estimators.Estimate` (``estimate``, ``ci_low``, ``ci_high``,
    ``n``, ``method``, ``level`` alias ``ci``, ``std_error``, ``bias``, ``dof``) with the sale
    counts, the kind of interval and the detection of an infinite loss. The fields it adds
    are keyword-only.

    Attributes
    ----------
    estimate : float
        Point estimate; ``inf`` when ``infinite``.
    ci_low, ci_high : float
        Confidence interval at level ``level`` (``inf, inf`` when ``infinite``).
    n : int
        Auctions used (sold and unsold).
    method : str
        ``"mixed"``, ``"ksg"``, ``"binned"`` or ``"observer"``.
    level : float
        Confidence level of the interval (also readable as ``ci``, the argument's name).
    std_error : float
        Standard error behind the interval (NaN when ``infinite``).
    bias : float
        Estimated finite-sample bias of ``estimate`` (from the subsample mean, assuming an
        ``n^{-1/2}`` decay; 0 for ``"observer"``). Not subtracted from ``estimate``; the
        interval is extended by it on the side where it puts the truth.
    sold_share : float
        Share of auctions with a winner, the estimate of ``P(E)``.
    n_sold : int
        Auctions with a winner (the rows of the MI estimate).
    interval : str
        How the interval was made: ``"subsample"`` (m-out-of-n subsampling) or ``"clt"``.
    tie_share : float
        Share of sold auctions whose price equals the winner's value exactly.
    infinite : bool
        True when the price was found to reveal the value (exact ties ``P = W`` or ``P`` a
        strictly monotone function of ``W``); see :class:`InfinitePrivacyLossWarning`.
    """

    sold_share: float
    n_sold: int
    interval: str
    tie_share: float = 0.0
    infinite: bool = False


def _reveals_value(w: np.ndarray, p: np.ndarray, value_tie: np.ndarray | None = None
                   ) -> tuple[bool, float, str]:
    """Whether the price reveals the value on a positive-probability event, the tie share and
    the reason.

    Two exact checks: (1) ``P == W`` on at least two sold auctions (a continuous ``W`` meets a
    price drawn independently of it with probability 0); (2) on the non-atomic prices (values
    not repeated), ``P`` is a strictly monotone function of ``W`` over at least 20 auctions
    (first-price and k-price auctions, whose equilibrium bid is increasing in the value).
    Auctions whose two highest values coincide (``value_tie``: float draws of a prior with
    much mass at an end, e.g. beta(2, 0.1), round to the same number) are not counted: a
    second price equals the value there without revealing anything more.
    """
    equal = p == w
    if value_tie is not None:
        equal &= ~value_tie
    ties = int(np.count_nonzero(equal))
    tie_share = ties / max(w.shape[0], 1)
    if ties >= 2:
        return True, tie_share, (
            f"the price equals the winner's value exactly in {ties} of {w.shape[0]} sold "
            f"auctions ({tie_share:.3g})"
        )
    ps = np.sort(p)
    single = np.ones(p.shape[0], dtype=bool)
    if p.shape[0] > 1:
        rep = ps[1:] == ps[:-1]
        repeated_vals = np.unique(ps[1:][rep])
        single = ~np.isin(p, repeated_vals)
    if np.count_nonzero(single) >= 20:
        ww, pp = w[single], p[single]
        o = np.argsort(ww, kind="stable")
        dw = np.diff(ww[o])
        dp = np.diff(pp[o])
        moving = dw > 0
        if moving.all() and (np.all(dp > 0) or np.all(dp < 0)):
            return True, tie_share, (
                f"the price is a strictly monotone function of the winner's value on "
                f"{int(single.sum())} of {w.shape[0]} sold auctions"
            )
    return False, tie_share, ""


def _definition2(method, sold, w, p, k, workers):
    """``share sold × MI(W; P | sold)`` on the given rows (all auctions, sold or not)."""
    n_sold = int(np.count_nonzero(sold))
    if n_sold <= k:
        raise ValueError(
            f"`n_neighbors` = {k} needs at least n_neighbors + 1 = {k + 1} sold auctions; "
            f"`outcomes` has {n_sold} (simulate more auctions, or lower n_neighbors)"
        )
    mi = METHODS[method](w[sold], p[sold], n_neighbors=k, standardize=True, workers=workers)
    return n_sold / sold.shape[0] * mi


def _check_budgets(n, n_sold, k, n_resamples, subsample_size, method, work_limit,
                   memory_limit) -> None:
    """Refuse, before any work, an estimate whose memory or neighbour look-ups exceed the
    limits (``privauction._budgets``); the subsample size is the one the interval would use."""
    check_budget(
        estimator_memory(n, 3), memory_limit, unit="bytes",
        what=f"`outcomes` of {n:,} auctions",
        advice="estimate on a subset of the auctions, or pass max_memory=None (or a larger "
               "number of bytes) to allow it",
    )
    if subsample_size is None:
        m = default_subsample_size(n, math.ceil(20 * (k + 1) * n / max(n_sold, 1)))
    else:
        m = min(check_int(subsample_size, "subsample_size", minimum=k + 1), n)
    check_budget(
        neighbor_lookups(n + n_resamples * m, k, knn=method != "binned"), work_limit,
        unit="neighbour look-ups",
        what=(f"`n_resamples` = {n_resamples:,} subsamples of {m:,} auctions (with {n:,} "
              f"auctions and `n_neighbors` = {k})"),
        advice="use fewer resamples (the default 40 gives a 95 % interval) or fewer auctions, "
               "or pass max_work=None (or a larger number) to allow it",
    )


def estimate_privacy_loss(
    outcomes,
    *,
    method: str = "mixed",
    ci: float = 0.95,
    n_resamples: int = 40,
    subsample_size: int | None = None,
    n_neighbors: int = 3,
    detect_infinite: bool = True,
    rng=None,
    workers: int = 1,
    disclosure=None,
    whose: str = "winner",
    audience: str = "outsider",
    max_work: float | None = DEFAULT_MAX_WORK,
    max_memory: float | None = DEFAULT_MAX_MEMORY,
    progress: bool | None = None,
) -> PrivacyLossEstimate:
    """Estimate the privacy loss of Definition 2 of the auction paper from simulated outcomes.

    ``L = P(E) · MI(W; P | E)``, with ``E`` the event that the item is sold, ``W`` the winner's
    value and ``P`` the price; ``P(E)`` is estimated by the share of sold auctions and the MI
    on the sold rows with :func:`mutual_information`.

    Parameters
    ----------
    outcomes : privauction.Outcomes
        From :func:`privauction.simulate` (needs ``winner_value``, ``price``, ``sold``).
    method : {"mixed", "ksg", "binned", "gao", "observer"}
        MI estimator (the methods of :func:`mutual_information`, or the observer's).
        ``"mixed"`` (default) handles atoms in the price (reserve price, lotteries); ``"ksg"``
        assumes continuous prices; ``"binned"`` is the equal-mass histogram estimate
        extrapolated in the bin count (its subsampling interval covered the SPA's loss in 37
        of 40 runs at ``n = 10^5``, validation/results/binned_convergence.txt); ``"gao"`` is
        kept for comparison (biased on atoms). ``"observer"`` averages the Bayesian
        observer's KL divergence of the posterior of ``W`` from its prior over the observed
        prices (the second representation below Eq. (MI)); it needs a mechanism that declares
        ``price_law``.
    ci : float
        Confidence level in (0, 1).
    n_resamples : int
        Subsamples for the interval of a kNN estimate (at least 10).
    subsample_size : int, optional
        Auctions per subsample; default ``n // 10``, but at least ``20 (k + 1) / sold_share``
        (so that a subsample holds about ``20 (k + 1)`` sold auctions) and at most ``n // 2``.
    n_neighbors : int
        ``k`` of the kNN estimators.
    detect_infinite : bool
        Check first whether the price reveals the value (exact ties ``P = W``, or ``P`` a
        strictly monotone function of ``W``); if so return ``inf`` with an
        :class:`InfinitePrivacyLossWarning`. With False a finite estimate is returned anyway
        (it grows without bound with ``n`` in that case).
    rng : None, int, SeedSequence or Generator
        Draws the subsamples; a disclosure's own draws (noise, random rounding) come from a
        stream spawned from it, independent of the simulation's even under the same seed.
    workers : int
        Threads for the neighbour search.
    disclosure : privauction.disclosure.Disclosure, optional
        What is published; None (default) is the papers' rule, the price (the winner's
        identity adds nothing about the winner's value). Given one, the loss is
        ``P(E) · MI(X; D | E)`` for what it publishes, ``D``, with discrete columns split off
        by the chain rule (see ``privauction.estimators._disclosed``); ``method`` estimates
        the continuous part.
    whose : {"winner", "runner-up", "bidder"}
        Whose value ``X`` is: the winner's ``W`` (Definition 2), the second-highest value, or
        bidder 0's (the outcomes must then keep every value: ``simulate(..., keep="values")``).
    audience : {"outsider", "rival"}
        Who learns: an outsider who knows only the prior (Definition 2), or the rival, the
        last bidder (``n - 1``), who also knows its own value ``Z``: then the loss is
        ``P(E) · MI(X; D | Z, E)`` (needs ``keep="values"``; ``method="mixed"`` only; see
        ``privauction.estimators._disclosed``).
    max_work : float or None
        Most neighbour look-ups the estimate and its interval may take, ``10^9`` by default
        (about three minutes of one core); None lifts the limit. The estimate is
        ``(n + n_resamples m) (n_neighbors + 1)`` for ``n`` auctions and subsamples of ``m``
        (``(n + n_resamples m)`` for ``"binned"``; see ``privauction._budgets``).
    max_memory : float or None
        Bytes the estimate may use, 4 GiB by default, estimated as ``8 n (6 d + 10)`` for ``d``
        columns in all; None lifts the limit.
    progress : bool, optional
        A progress bar over the subsamples of a kNN interval on standard error; the default
        (None) shows one when standard error is a terminal and there are at least 10^6 rows.

    Returns
    -------
    PrivacyLossEstimate

    Raises
    ------
    TypeError, ValueError
        On a bad argument, naming it, before any work; the arrays inside ``outcomes`` are
        checked where they are used (same lengths, real numbers, a finite value and a finite
        price ``>= 0`` on every sold auction), since they stay writable in a frozen result.
    privauction._validation.WorkBudgetError
        When ``n_resamples`` (with ``n`` and ``n_neighbors``) implies more look-ups than
        ``max_work``, or the rows more memory than ``max_memory``; the message says how to
        proceed.

    Notes
    -----
    The interval of a kNN estimate comes from subsampling without replacement (m out of n,
    rescaled by ``sqrt(m/(n-m))``, and extended by the bias that the subsample mean reveals; see
    ``privauction.estimators._interval``), because the bootstrap duplicates points and biases a
    kNN estimate. Each subsample is drawn from *all* auctions, so the interval includes the
    uncertainty of the sold share. It costs about ``n_resamples / 10 + 1`` estimates on all
    rows (5 by default). For ``"observer"`` the per-auction
    terms ``1{sold} · KL`` are i.i.d. and the interval is the plain CLT interval of their mean.

    Examples
    --------
    >>> import privauction as pa
    >>> from scipy import stats
    >>> out = pa.simulate(pa.mechanisms.SecondPrice(), stats.uniform(0, 1), n_bidders=2,
    ...                   n_auctions=20_000, rng=1)
    >>> est = estimate_privacy_loss(out, rng=0)      # truth 1 - log 2 = 0.3069
    >>> est.ci_low < 0.3069 < est.ci_high
    True
    """
    if isinstance(outcomes, type) or not (hasattr(outcomes, "winner")
                                          or hasattr(outcomes, "sold")):
        raise TypeError(
            "`outcomes` must be a privauction.Outcomes from privauction.simulate; got "
            f"{type(outcomes).__name__ if not isinstance(outcomes, type) else outcomes.__name__}"
        )
    method = check_method(method, _ALL_METHODS)
    level = check_probability(ci, "ci")
    n_resamples = check_int(n_resamples, "n_resamples", minimum=10)
    k = check_n_neighbors(n_neighbors)
    detect_infinite = check_bool(detect_infinite, "detect_infinite")
    show_progress(progress)  # refuses a non-boolean up front
    gen = check_rng(rng)
    workers = check_int(workers, "workers", minimum=-1)
    if workers == 0:
        raise ValueError("`workers` must be -1 (all cores) or an integer >= 1; got 0")
    work_limit = check_max_work(max_work)
    memory_limit = check_max_memory(max_memory)
    _, w, p, sold = check_outcome_arrays(outcomes, "outcomes")
    n = int(sold.shape[0])
    n_sold = int(np.count_nonzero(sold))
    if n == 0:
        raise ValueError("`outcomes` must hold at least one auction; got none")
    if n_sold == 0:
        raise ValueError("`outcomes` has no sold auction, so the privacy loss is 0 by "
                         "Definition 2 and there is nothing to estimate; check the reserve price")
    if method != "observer":
        _check_budgets(n, n_sold, k, n_resamples, subsample_size, method, work_limit,
                       memory_limit)
        if subsample_size is not None:  # a given size is checked before any work
            sold_subsample_size(n, k, n_sold / n, subsample_size)
    if disclosure is not None or whose != "winner" or audience != "outsider":
        from ._disclosed import estimate_disclosed

        # the arrays the disclosed estimate reads besides the winner's (checked likewise)
        check_outcome_arrays(outcomes, "outcomes", extra=(
            ("second_value",) if whose == "runner-up" else ()) + ("values", "bids"))

        return estimate_disclosed(
            outcomes, disclosure, whose, method=method, level=level, n_resamples=n_resamples,
            subsample_size=subsample_size, k=k, detect_infinite=detect_infinite, rng=gen,
            workers=workers, audience=audience, progress=progress,
        )
    sold_share = n_sold / n

    tie_share = 0.0
    if detect_infinite:
        second = getattr(outcomes, "second_value", None)
        value_tie = None if second is None else (np.asarray(second, dtype=float) == w)[sold]
        reveals, tie_share, reason = _reveals_value(w[sold], p[sold], value_tie)
        if reveals:
            warnings.warn(
                f"{reason}: the price reveals the winner's value on an event of positive "
                "probability, so the privacy loss is infinite and any finite estimate would grow "
                "without bound with the number of auctions; returning inf (pass "
                "detect_infinite=False to get the finite-sample estimate anyway)",
                InfinitePrivacyLossWarning,
                stacklevel=2,
            )
            return PrivacyLossEstimate(
                math.inf, math.inf, math.inf, n, method, level, math.nan, math.nan,
                sold_share=sold_share, n_sold=n_sold, interval="none", tie_share=tie_share,
                infinite=True,
            )

    if method == "observer":
        return _observer_estimate(outcomes, sold, p, n, n_sold, sold_share, level, tie_share)

    estimate = _definition2(method, sold, w, p, k, workers)
    m = sold_subsample_size(n, k, sold_share, subsample_size)
    band = subsample_interval(
        lambda rows: _definition2(method, sold[rows], w[rows], p[rows], k, workers),
        n, estimate, level=level, n_resamples=n_resamples, subsample_size=m, rng=gen,
        progress=progress,
    )
    if not band.std_error > 0:
        warnings.warn(
            "the subsampling interval has zero width: the subsamples' estimates are all equal "
            "(e.g. every sold price on one atom), so the interval says nothing about the "
            "error; simulate more auctions",
            PrivauctionWarning,
            stacklevel=2,
        )
    return PrivacyLossEstimate(
        estimate, band.low, band.high, n, method, level, band.std_error, band.bias,
        sold_share=sold_share, n_sold=n_sold, interval="subsample", tie_share=tie_share,
    )


def _observer_estimate(outcomes, sold, p, n, n_sold, sold_share, level, tie_share):
    # The observer's posterior comes from the mechanism's declared price law alone (theory).
    mech = outcomes.mechanism
    law = mech.price_law(outcomes.prior, outcomes.n_bidders)
    if law is None:
        raise ValueError(
            f"method='observer' needs a mechanism that declares its price law "
            f"(Mechanism.price_law); {type(mech).__name__} declares none (pass `method`='mixed')"
        )
    kl = posterior_kl(law, outcomes.prior, outcomes.n_bidders, p[sold])
    terms = np.zeros(n)
    terms[sold] = kl
    estimate = float(terms.mean())
    se = float(terms.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    z = float(stats.norm.ppf(0.5 + level / 2.0))
    return PrivacyLossEstimate(
        estimate, estimate - z * se, estimate + z * se, n, "observer", level, se, 0.0,
        sold_share=sold_share, n_sold=n_sold, interval="clt", tie_share=tie_share,
    )
