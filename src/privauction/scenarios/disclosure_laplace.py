"""Disclosure: Laplace noise on the SPA price (the Laplace mechanism of differential privacy).

Publishing ``Y = P + N``, ``N`` Laplace of scale ``b``, is ``ε = (θ_high - θ_low) / b``
differentially private on a bounded price support; the losses of the winner, the runner-up
(``h(Y) - h(N)``) and a given bidder are two-dimensional integrals
(:func:`privauction.theory.disclosure.spa_noisy_price_loss`). Checks, for each prior, n and
scale: every person's estimate covers its analytical value, and the noise protects the winner
(analytical loss below Eq. (9)).
"""

from __future__ import annotations

import pandas as pd

from ..disclosure import NoisyPrice
from ..mechanisms import SecondPrice
from ..priors import support
from ..privacy import privacy_loss
from ..simulator import simulate
from ._common import CONFIDENCE, agree, estimate, exact, prior
from .registry import register

__all__ = ["disclosure_laplace"]


@register(
    "disclosure-laplace", claim="Disclosure: Laplace-noised SPA price", paper="auction",
    quick={"n_auctions": 250_000, "ns": (2,), "scales": (0.1,)},
    full={"n_auctions": 250_000, "ns": (2, 5), "scales": (0.05, 0.1, 0.3),
          "priors": ("uniform(0,1)", "beta(2,2)")},
)
def disclosure_laplace(n_auctions, rng, *, ns=(2, 5), scales=(0.1,), priors=("uniform(0,1)",),
                       level=CONFIDENCE):
    """Laplace noise on the SPA price: closed forms for winner, runner-up and bidder."""
    rows = []
    spa = SecondPrice()
    for label in priors:
        dist = prior(label)
        low, high = support(dist)
        for n in ns:
            out = simulate(spa, dist, n, n_auctions, rng=rng, keep="values")
            for scale in scales:
                rule = NoisyPrice(scale)
                eps = rule.epsilon(low, high)
                for whose in ("winner", "runner-up", "bidder"):
                    truth = privacy_loss(spa, dist, n, rule, whose)
                    est = estimate(out, "mixed", rng, level=level, disclosure=rule, whose=whose)
                    common = dict(mechanism=repr(spa), prior=label, n_bidders=n, whose=whose,
                                  disclosure=repr(rule), param="scale", value=scale, epsilon=eps)
                    if whose == "winner":
                        rows.append(exact(
                            case=f"SPA, {label}, n = {n}, scale {scale:g}: noise protects the "
                                 "winner", analytical=spa.privacy_loss(dist, n), computed=truth,
                            tol=0.0, side="upper", method="quadrature",
                            rule="the winner's analytical loss is below Eq. (9)", **common,
                        ))
                    rows.append(agree(
                        case=f"SPA, {label}, n = {n}, scale {scale:g} (ε = {eps:g}), {whose}",
                        analytical=truth, est=est,
                        rule="estimate equals the analytical loss",
                        mechanism=repr(spa), prior=label, n_bidders=n, whose=whose,
                        disclosure=repr(rule), param="scale", value=scale, epsilon=eps,
                    ))
    return pd.DataFrame(rows)
