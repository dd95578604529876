"""Issue 10 defects, one line each: run with PYTHONPATH=<checkout>/src on main (before) and on
this branch (after); validation/results/defects_before_after.txt holds both outputs."""

import time

import numpy as np
from scipy import integrate, stats

import privauction as pa

M = pa.mechanisms


def run(label, f):
    t = time.time()
    try:
        r = f()
        print(f"{label}: {r}  ({time.time() - t:.2f}s)")
    except Exception as e:  # noqa: BLE001 - the error is the result being shown
        print(f"{label}: {type(e).__name__}: {str(e)[:200]}  ({time.time() - t:.2f}s)")


def kprice():
    prior = stats.beta(2, 2)
    out = pa.simulate(M.KPrice(10), prior, n_bidders=10, n_auctions=1000, rng=0)
    second = pa.priors.expected_second_highest(prior, 10)
    return (f"prices min {np.nanmin(out.price):.4g} max {np.nanmax(out.price):.4g}, "
            f"mean {np.nanmean(out.price):.4g} (E[second] = {second:.4g})")


def fp_beta25():
    prior = stats.beta(2, 5)
    errs = []
    ts = np.concatenate([np.linspace(0.001, 0.999, 200), 1 - np.geomspace(1e-3, 1e-10, 30)])
    for n in (2, 3, 5):
        b = M.FirstPrice().bid_function(prior, n)
        for t in ts:
            v = float(prior.ppf(t))
            val, _ = integrate.quad(lambda s, n=n: prior.cdf(s) ** (n - 1), 0, v, epsabs=1e-15,
                                    epsrel=1e-13, limit=200)
            errs.append(abs(float(b(v)) - (v - val / prior.cdf(v) ** (n - 1))))
    return f"max abs error {max(errs):.2e} (n in 2, 3, 5)"


def fp_norm():
    prior = stats.norm(10, 1)
    out = pa.simulate(M.FirstPrice(), prior, n_bidders=3, n_auctions=10_000, rng=0)
    second = pa.priors.expected_second_highest(prior, 3)
    return (f"NaN prices: {int(np.isnan(out.price).sum())}, mean price {out.price.mean():.4f} "
            f"(E[second of 3 N(10,1)] = {second:.4f})")


def uni_inf():
    out = pa.simulate(M.SecondPrice(), stats.uniform(0, np.inf), 2, 10, rng=0)
    return f"accepted; prices {out.price[:3]}"


def res_pareto():
    out = pa.simulate(M.ReservePrice(), stats.pareto(0.5), 2, 1000, rng=0)
    return f"sold share {out.sold.mean()}"


UNIFORM = stats.uniform(0, 1)
run("KPrice(10), beta(2,2), n=10", kprice)
run("FirstPrice bid_function beta(2,5) vs integral form", fp_beta25)
run("FirstPrice on norm(10,1)", fp_norm)
run("uniform(0, inf) as a prior", uni_inf)
run("ReservePrice(1-1e-15).privacy_loss(uniform, 2)",
    lambda: M.ReservePrice(1 - 1e-15).privacy_loss(UNIFORM, 2))
run("SecondPrice().privacy_loss(uniform, 10**9)",
    lambda: M.SecondPrice().privacy_loss(UNIFORM, 10**9))
run("myerson_reserve(pareto(0.5))", lambda: pa.priors.myerson_reserve(stats.pareto(0.5)))
run("simulate(ReservePrice(), pareto(0.5))", res_pareto)
