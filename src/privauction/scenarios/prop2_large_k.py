"""Prop. 2 of the auction paper: the {0,K} lottery's privacy loss vanishes like ``1/K``.

Eq. (3) gives the loss ``MI(K) = E_W[kl(α(W) || ᾱ)]`` with ``α(w) = E[S | W = w] / K`` (S the
second-highest value) and ``ᾱ = E[S] / K``. The proof bounds the integrand by
``(θ̄/K) log(θ̄ / E[S]) + log(1 / (1 − θ̄/K)) = O(1/K)``. With ``m(w) = E[S | W = w]``, both
``α`` and ``ᾱ`` are ``O(1/K)`` while their ratio ``m(w) / E[S]`` is not close to 1, so
``kl(α || ᾱ) = α log(α/ᾱ) − (α − ᾱ) + O(1/K²)`` and the exact rate is
``K · MI(K) → c = E_W[m(W) log(m(W) / E[S])]`` (``(1/3) log 1.5 − 1/9 ≈ 0.02405`` for two
uniform bidders).

Checks: the observer's estimate agrees with Eq. (3) at every K; it stays below the proof's
bound; and the log-log slope between the two largest K, with a delta-method interval, covers the
analytical slope, which is within 0.05 of −1 (the ``1/K`` rate).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..mechanisms import ZeroKLottery
from ..priors import expected_second_given_highest, expected_second_highest, highest_pdf, support
from ..simulator import simulate
from ._common import CONFIDENCE, Estimate, _z, covers, estimate, pct, prior, row
from .registry import register, registry

__all__ = ["prop2_large_k", "rate_constant", "proof_bound"]


def rate_constant(dist, n_bidders: int) -> float:
    """``c = E_W[m(W) log(m(W) / E[S])]``, the limit of ``K · MI(K)`` (quadrature, ~1e-10).

    Examples
    --------
    >>> from scipy import stats
    >>> round(rate_constant(stats.uniform(0, 1), 2), 8) == round(math.log(1.5) / 3 - 1 / 9, 8)
    True
    """
    low, high = support(dist)
    nodes, weights = np.polynomial.legendre.leggauss(200)
    w = low + (high - low) * (nodes + 1) / 2
    g = highest_pdf(dist, n_bidders, w) * weights * (high - low) / 2
    m = expected_second_given_highest(dist, n_bidders, w)
    mean = expected_second_highest(dist, n_bidders)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(m > 0, m * np.log(m / mean), 0.0)
    return float(np.sum(g * terms))


def proof_bound(dist, n_bidders: int, K: float) -> float:
    """The proof's bound ``(θ̄/K) log(θ̄/E[S]) + log(1/(1 − θ̄/K))`` on the integrand (K > θ̄)."""
    top = support(dist)[1]
    if K <= top:
        return math.inf
    return top / K * math.log(top / expected_second_highest(dist, n_bidders)) - math.log1p(-top / K)


@register(
    "prop2-large-k", claim="Prop. 2", paper="auction",
    quick={"n_auctions": 40_000, "ks": (1, 2, 4, 8, 16, 32)},
    full={"n_auctions": 400_000, "ks": (1, 2, 4, 8, 16, 32, 64), "priors": ("uniform(0,1)",
                                                                             "beta(2,2)")},
)
def prop2_large_k(
    n_auctions, rng, *, ks=(1, 2, 4, 8, 16, 32), priors=("uniform(0,1)",), n_bidders=2,
    level=CONFIDENCE,
):
    """{0,K} lottery: loss → 0 as K grows, at rate 1/K (Eq. (3) and its bound)."""
    rows = []
    for label in priors:
        dist = prior(label)
        top = support(dist)[1]
        c = rate_constant(dist, n_bidders)
        ests, truths = [], []
        for factor in ks:
            K = float(factor) * top
            mech = ZeroKLottery(K)
            truth = mech.privacy_loss(dist, n_bidders)
            est = estimate(simulate(mech, dist, n_bidders, n_auctions, rng=rng), "observer", rng,
                           level=level)
            ests.append(est)
            truths.append(truth)
            base = dict(mechanism=repr(mech), prior=label, n_bidders=n_bidders, param="K", value=K,
                        rate_constant=c)
            rows.append(row(
                case=f"{mech!r}, {label}", analytical=truth, est=est, verdict=covers(truth, est),
                rule=f"Eq. (3) value inside the {pct(level)} CI", **base,
            ))
            bound = proof_bound(dist, n_bidders, K)
            if math.isfinite(bound):
                rows.append(row(
                    case=f"{mech!r} under the proof's O(1/K) bound, {label}", analytical=bound,
                    est=est, verdict=est.ci_low <= bound,
                    rule=f"lower {pct(level)} CI <= (θ̄/K) log(θ̄/E[S]) + log(1/(1-θ̄/K))",
                    **base,
                ))
        # Rate: log-log slope between the two largest K.
        (k1, k2), (e1, e2), (t1, t2) = ks[-2:], ests[-2:], truths[-2:]
        span = math.log(k2 / k1)
        slope = math.log(e2.estimate / e1.estimate) / span
        se = lambda e: (e.ci_high - e.ci_low) / (2 * _z(e.level)) / e.estimate  # noqa: E731
        half = _z(level) * math.hypot(se(e1), se(e2)) / span
        slope_est = Estimate(slope, slope - half, slope + half, e1.n + e2.n, "observer", level)
        true_slope = math.log(t2 / t1) / span
        rows.append(row(
            case=f"log-log slope of MI(K), K = {k1:g}..{k2:g}, {label}", analytical=true_slope,
            est=slope_est, verdict=covers(true_slope, slope_est) and abs(true_slope + 1) < 0.05,
            rule=f"slope's {pct(level)} CI (delta method) covers the analytical slope, "
                 "which is within 0.05 of -1",
            prior=label, n_bidders=n_bidders, param="slope", value=float(k2),
        ))
        kmi = float(k2) * top * e2.estimate
        scale = float(k2) * top
        kmi_est = Estimate(kmi, scale * e2.ci_low, scale * e2.ci_high, e2.n, "observer", level)
        rows.append(row(
            case=f"K·MI(K) at K = {k2:g} against its limit c, {label}", analytical=c,
            est=kmi_est,
            verdict=covers(scale * t2, kmi_est) and abs(scale * t2 - c) <= 2 * c * top / scale,
            rule=f"{pct(level)} CI of K·MI covers K·MI(K), within 2c·θ̄/K of c = "
                 "E[m(W) log(m(W)/E[S])]",
            prior=label, n_bidders=n_bidders, param="K*MI", value=float(k2) * top,
        ))
    return pd.DataFrame(rows)


@registry.plot("prop2-large-k")
def _plot(results):
    import matplotlib.pyplot as plt

    cells = results[(results["param"] == "K") & ~results["case"].str.contains("bound")]
    fig, ax = plt.subplots(figsize=(7, 4))
    for _i, (label, grp) in enumerate(cells.groupby("prior", sort=False)):
        dist = prior(label)
        top = support(dist)[1]
        K = grp["value"].to_numpy(float)
        order = np.argsort(K)
        line = ax.plot(K[order], grp["analytical"].to_numpy(float)[order], lw=1.2,
                       label=f"Eq. (3), {label}")[0]
        grid = np.geomspace(K.min(), K.max(), 60)
        c = float(grp["rate_constant"].iloc[0])
        ax.plot(grid, c * top / grid, ls=":", color=line.get_color(), label=f"c/K, c = {c:.4f}")
        y = grp["estimate"].to_numpy()
        ax.errorbar(K, y, yerr=np.vstack([y - grp["ci_low"], grp["ci_high"] - y]), fmt="o",
                    ms=4, capsize=3, color=line.get_color(), label=f"observer, {label}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("price cap K")
    ax.set_ylabel("privacy loss (nats)")
    ax.set_title("{0,K} lottery against K (Props. 1-2)")
    ax.legend(fontsize=8)
    return fig
