"""Equilibrium accuracy (issue 10): the bid functions of theory.equilibrium against the
equations they solve, each side computed by scipy's adaptive quad, independently of the bid
functions' own grids.

* First price: max abs error of b(v) against v - ∫_{θ_low}^v F^{n-1} / F(v)^{n-1} (quad) on
  beta(2,5), a truncated normal and the uniform, n in {2, 3, 5}, at 330 values (quantiles
  0.001..0.999 and up to 1 - 1e-10). Goal <= 1e-7.
* k-price, k = 3..10, n = 10, on beta(2,2) and a truncated normal: relative residual
  |E[b(Z) | Y1 = y] - y| / y of the BNE identity, Z = Q(t B), B ~ Beta(n-k+1, k-2), t = F(y),
  at 19 quantiles t in [0.05, 0.95], the expectation by quad in B. Goal <= 1e-6.

Run: PYTHONPATH=src python benchmarks/equilibrium_accuracy.py
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import integrate, stats

from privauction import theory

TRUNCNORM = stats.truncnorm(-1, 2, loc=1, scale=0.5)  # normal(1, 0.5) truncated to [0.5, 2]
FIRST_PRICE_PRIORS = {"beta(2,5)": stats.beta(2, 5), "truncnorm[0.5,2]": TRUNCNORM,
                      "uniform(0,1)": stats.uniform(0, 1)}
K_PRICE_PRIORS = {"beta(2,2)": stats.beta(2, 2), "truncnorm[0.5,2]": TRUNCNORM}


def first_price_error(prior, n):
    low, _ = prior.support()
    b = theory.first_price_bids(prior, n)
    ts = np.concatenate([np.linspace(0.001, 0.999, 300), 1 - np.geomspace(1e-3, 1e-10, 30)])
    err = 0.0
    for v in prior.ppf(ts):
        val, _ = integrate.quad(lambda s: prior.cdf(s) ** (n - 1), low, v, epsabs=1e-15,
                                epsrel=1e-13, limit=200)
        err = max(err, abs(float(b(v)) - (v - val / prior.cdf(v) ** (n - 1))))
    return err


def k_price_residual(prior, n, k):
    b = theory.k_price_bids(prior, n, k)
    beta = stats.beta(n - k + 1, k - 2)
    worst = 0.0
    for t in np.linspace(0.05, 0.95, 19):
        y = float(prior.ppf(t))
        val, _ = integrate.quad(lambda s, t=t: float(b(prior.ppf(t * s))) * beta.pdf(s), 0, 1,
                                epsabs=0, epsrel=1e-12, limit=200)
        worst = max(worst, abs(val - y) / y)
    return worst


def main() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for label, prior in FIRST_PRICE_PRIORS.items():
        for n in (2, 3, 5):
            start = time.perf_counter()
            err = first_price_error(prior, n)
            rows.append({"prior": label, "n": n, "max_abs_error": err, "goal": 1e-7,
                         "ok": err <= 1e-7, "seconds": time.perf_counter() - start})
    first = pd.DataFrame(rows)
    rows = []
    for label, prior in K_PRICE_PRIORS.items():
        for k in range(3, 11):
            start = time.perf_counter()
            res = k_price_residual(prior, 10, k)
            rows.append({"prior": label, "n": 10, "k": k, "max_rel_residual": res, "goal": 1e-6,
                         "ok": res <= 1e-6, "seconds": time.perf_counter() - start})
    return first, pd.DataFrame(rows)


if __name__ == "__main__":
    first, kprice = main()
    fmt = {"float_format": lambda v: f"{v:.3g}", "index": False}
    text = ("First price: max abs error against the integral form (quad)\n"
            + first.to_string(**fmt)
            + "\n\nk-price: max relative residual of E[b(Z) | Y1 = y] = y (quad in B)\n"
            + kprice.to_string(**fmt) + "\n")
    print(text)
    (Path(__file__).parent / "results" / "equilibrium_accuracy.txt").write_text(text)
