"""Accuracy and cost of the contract observer (theory.posterior_kl from a declared PriceLaw).

Against closed forms: the SPA (Eq. (11), theory.spa_posterior_kl) and the k-price auction's
mean KL against its exact MI (theory.k_price_privacy_loss, Monte Carlo error shown).
Run: PYTHONPATH=src python benchmarks/observer_accuracy.py
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

import privauction as pa
from privauction import theory

PRIORS = {"uniform": stats.uniform(0, 1), "beta(2,2)": stats.beta(2, 2),
          "truncnorm(0,3)": stats.truncnorm(0, 3)}


def main(n_auctions: int = 200_000) -> pd.DataFrame:
    rows = []
    for label, prior in PRIORS.items():
        for n in (2, 5, 50):
            mech = pa.mechanisms.SecondPrice()
            out = pa.simulate(mech, prior, n, n_auctions, rng=1)
            t = time.perf_counter()
            kl = theory.posterior_kl(mech.price_law(prior, n), prior, n, out.price)
            dt = time.perf_counter() - t
            exact = theory.spa_posterior_kl(prior.cdf(out.price), n)
            rows.append({"mechanism": "SPA", "prior": label, "n": n,
                         "max_abs_error": float(np.max(np.abs(kl - exact))),
                         "mean_error": float(kl.mean() - exact.mean()), "seconds": dt})
        for k, n in ((3, 5), (5, 8)):
            mech = pa.mechanisms.KPrice(k)
            out = pa.simulate(mech, prior, n, n_auctions, rng=1)
            t = time.perf_counter()
            kl = theory.posterior_kl(mech.price_law(prior, n), prior, n, out.price)
            dt = time.perf_counter() - t
            rows.append({"mechanism": f"KPrice({k})", "prior": label, "n": n,
                         "max_abs_error": float("nan"),
                         "mean_error": float(kl.mean() - theory.k_price_privacy_loss(n, k)),
                         "mc_std_error": float(kl.std() / np.sqrt(n_auctions)), "seconds": dt})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    table = main()
    text = table.to_string(index=False, float_format=lambda v: f"{v:.3g}")
    print(text)
    out = Path(__file__).parent / "results" / "observer_accuracy.txt"
    out.write_text(text + "\n")
