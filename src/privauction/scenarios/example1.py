"""Example 1 of the auction paper: the SPA with two uniform bidders leaks ``1 − log 2`` nats.

The joint law of (W, P) is uniform on the triangle ``0 <= p <= w <= 1`` (density 2), the
marginals have densities ``2w`` and ``2(1 − p)``, and the KL divergence of the joint from the
product of marginals is ``1 − log 2 ≈ 0.3069`` (the display after Example 1; Eq. (9) at n = 2).
"""

from __future__ import annotations

import math

import pandas as pd
from scipy import integrate, stats

from ..mechanisms import SecondPrice
from ..simulator import simulate
from ._common import CONFIDENCE, agree, estimate, exact
from .registry import register

__all__ = ["example1", "example1_integral"]

CLOSED_FORM = 1.0 - math.log(2.0)


def example1_integral() -> tuple[float, float]:
    """``∫_0^1 ∫_0^w 2 log(2 / (2w · 2(1 − p))) dp dw`` by ``scipy.integrate.dblquad``.

    Returns the value and quad's error estimate. The integrand has an integrable log
    singularity at ``w = 0``, which ``dblquad`` handles to about 1e-10.
    """
    val, err = integrate.dblquad(
        lambda p, w: 2.0 * math.log(2.0 / (2.0 * w * 2.0 * (1.0 - p))),
        0.0, 1.0, 0.0, lambda w: w, epsabs=1e-12, epsrel=1e-10,
    )
    return val, err


@register(
    "example1", claim="Example 1", paper="auction",
    quick={"n_auctions": 60_000, "methods": ("observer", "ksg")},
    full={"n_auctions": 200_000, "methods": ("observer", "ksg")},
)
def example1(n_auctions, rng, *, methods=("observer", "ksg"), level=CONFIDENCE):
    """SPA, two uniform bidders: 1 − log 2 nats, by quadrature and by simulation."""
    prior = stats.uniform(0, 1)
    mech = SecondPrice()
    rows = []
    quad, err = example1_integral()
    tol = max(1e-8, 10 * err)
    rows.append(exact(
        case="Example 1 double integral", analytical=CLOSED_FORM, computed=quad, tol=tol,
        method="quadrature",
        rule=f"dblquad of Example 1's integral within {tol:.0e} of 1 - log 2",
        mechanism=repr(mech), prior="uniform(0,1)", n_bidders=2,
    ))
    eq9 = mech.privacy_loss(prior, 2)
    rows.append(exact(
        case="Eq. (9) at n = 2", analytical=CLOSED_FORM, computed=eq9, tol=1e-12,
        method="closed form", rule="SecondPrice().privacy_loss equals 1 - log 2 to 1e-12",
        mechanism=repr(mech), prior="uniform(0,1)", n_bidders=2,
    ))
    out = simulate(mech, prior, 2, n_auctions, rng=rng)
    for method in methods:
        est = estimate(out, method, rng, level=level)
        rows.append(agree(
            case=f"simulated SPA, {method}", analytical=CLOSED_FORM, est=est,
            rule="estimate equals 1 - log 2",
            mechanism=repr(mech), prior="uniform(0,1)", n_bidders=2,
        ))
    return pd.DataFrame(rows)
