"""Value recovery and audit on synthetic first-price bids with a known prior (issue 13).

Usage::

    python validation/audit_synthetic.py [--auctions 5000] [--seeds 10] [--bootstrap 20]

Values are i.i.d. from a scaled beta(2, 5) (``stats.beta(2, 5, scale=10)``), the number of
bidders of each auction uniform on 2..6, and the bids privauction's own first-price
equilibrium (``FirstPrice().bid_function``). Writes validation/results/audit_synthetic.txt:

1. Kolmogorov-Smirnov distance between the recovered and the true value distribution
   (goal <= 0.03), for the pseudo-values and for ``fit.prior``, over ``--seeds`` data sets;
2. the audit's numbers (seed 0) beside those computed with the true prior: revenue from each
   mechanism's ``expected_revenue`` (quadrature), welfare ``E[max value; sale]`` by quadrature
   here, and the analytical privacy loss; and whether each true number lies inside the audit's
   interval (bootstrap of the value recovery, ``--bootstrap`` replicates).
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time
import warnings

import numpy as np
import pandas as pd
from scipy import integrate, stats

import privauction as pa

PRIOR = stats.beta(2, 5, scale=10)
N_VALUES = (2, 3, 4, 5, 6)


def synthetic_bids(prior, n_auctions, seed, n_values=N_VALUES):
    """Bids of ``n_auctions`` first-price auctions, n uniform on ``n_values``, at the BNE."""
    rng = np.random.default_rng(seed)
    n = rng.choice(n_values, size=n_auctions)
    parts = []
    for k in n_values:
        idx = np.flatnonzero(n == k)
        values = prior.rvs(size=(idx.size, k), random_state=rng)
        bids = pa.mechanisms.FirstPrice().bid_function(prior, k)(values)
        parts.append(pd.DataFrame({"auction": np.repeat(idx, k), "bid": bids.ravel(),
                                   "value": values.ravel()}))
    return pd.concat(parts, ignore_index=True)


def true_welfare(prior, n, reserve=None):
    """E[max value; max >= reserve]: ∫_r^θ̄ v d(F(v)^n), by quadrature (independent of the
    simulator)."""
    low, high = prior.support()
    r = low if reserve is None else reserve
    val, _ = integrate.quad(lambda v: v * n * prior.cdf(v) ** (n - 1) * prior.pdf(v), r, high,
                            epsabs=1e-12, limit=200)
    return val


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--auctions", type=int, default=5000)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--bootstrap", type=int, default=20)
    args = parser.parse_args(argv)
    lines = [f"# audit_synthetic: prior beta(2, 5, scale=10), n uniform on {N_VALUES}, "
             f"{args.auctions} auctions", f"# python {' '.join(sys.argv)}", ""]
    # 1. KS distances over seeds
    ks_values, ks_prior, trimmed, decreasing = [], [], [], []
    grid = PRIOR.ppf(np.linspace(0, 1, 4001))
    t0 = time.perf_counter()
    for seed in range(args.seeds):
        data = synthetic_bids(PRIOR, args.auctions, seed)
        fit = pa.audit.recover_values(data, auction="auction", bid="bid")
        ks_values.append(stats.kstest(fit.values["pseudo_value"], PRIOR.cdf).statistic)
        ks_prior.append(float(np.abs(fit.prior.cdf(grid) - PRIOR.cdf(grid)).max()))
        trimmed.append(fit.share_trimmed)
        decreasing.append(float(fit.diagnostics["share_decreasing"].max()))
    lines += [
        "## 1. Kolmogorov-Smirnov distance, recovered vs true value distribution (goal <= 0.03)",
        f"seeds: {args.seeds}; recovery time per data set "
        f"{(time.perf_counter() - t0) / args.seeds:.2f} s",
        f"pseudo-values: mean {np.mean(ks_values):.4f}, sd {np.std(ks_values, ddof=1):.4f}, "
        f"max {np.max(ks_values):.4f}; seed 0: {ks_values[0]:.4f}",
        f"fit.prior:     mean {np.mean(ks_prior):.4f}, sd {np.std(ks_prior, ddof=1):.4f}, "
        f"max {np.max(ks_prior):.4f}; seed 0: {ks_prior[0]:.4f}",
        f"share trimmed (values extrapolated): mean {np.mean(trimmed):.4f}",
        f"largest share of decreasing steps of the inverse bid function over n: "
        f"max over seeds {np.max(decreasing):.4f}",
        "",
    ]
    # 2. the audit against the true prior
    data = synthetic_bids(PRIOR, args.auctions, 0)
    fit = pa.audit.recover_values(data, auction="auction", bid="bid")
    lines += ["## 2. Diagnostics of seed 0", fit.diagnostics.to_string(index=False), ""]
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = pa.audit.audit(fit, n_auctions=20_000, rng=0, n_bootstrap=args.bootstrap,
                               backend="joblib", n_jobs=2,
                               mechanisms=pa.audit.default_mechanisms(fit.prior))
    audit_time = time.perf_counter() - t0
    mechs = pa.audit.default_mechanisms(fit.prior)
    true_rows = []
    for n in N_VALUES:
        for mech in mechs:
            bound = mech.bind(PRIOR, n)
            reserve = getattr(bound, "reserve", None)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", integrate.IntegrationWarning)
                true_rows.append({
                    "mechanism": repr(mech), "n_bidders": n,
                    "true_revenue": bound.expected_revenue(PRIOR, n),
                    "true_welfare": true_welfare(PRIOR, n, reserve),
                    "true_privacy_loss": bound.privacy_loss(PRIOR, n),
                })
    both = table.merge(pd.DataFrame(true_rows), on=["mechanism", "n_bidders"])
    for name in ("revenue", "welfare", "privacy_loss"):
        t = both[f"true_{name}"]
        inside = ((both[f"{name}_low"] <= t) & (t <= both[f"{name}_high"])) | (
            np.isinf(t) & np.isinf(both[name]))
        both[f"{name}_inside"] = inside
    show = ["mechanism", "n_bidders", "reserve", "revenue", "revenue_low", "revenue_high",
            "true_revenue", "revenue_inside", "welfare", "welfare_low", "welfare_high",
            "true_welfare", "welfare_inside", "privacy_loss", "privacy_loss_low",
            "privacy_loss_high", "true_privacy_loss", "privacy_loss_inside"]
    with pd.option_context("display.width", 400, "display.max_columns", 40,
                           "display.float_format", "{:.4f}".format):
        lines += [
            f"## 3. Audit (20,000 simulated auctions per cell, {args.bootstrap} bootstrap "
            f"replicates, 90 % intervals) vs the true prior; audit time {audit_time:.1f} s",
            both[show].to_string(index=False), "",
        ]
    for name in ("revenue", "welfare", "privacy_loss"):
        ok = both[f"{name}_inside"]
        lines.append(f"{name}: true value inside the interval in {int(ok.sum())}/{len(ok)} rows")
    boot = table.attrs["bootstrap"]
    sd = boot.groupby(["mechanism", "n_bidders"])[["revenue", "welfare", "privacy_loss"]].std()
    both = both.join(sd.add_suffix("_boot_sd"), on=["mechanism", "n_bidders"])
    for name in ("revenue", "welfare", "privacy_loss"):
        finite = np.isfinite(both[f"true_{name}"]) & (both[f"{name}_boot_sd"] > 0)
        z = ((both[name] - both[f"true_{name}"]) / both[f"{name}_boot_sd"])[finite]
        lines.append(f"{name}: (estimate - truth) / bootstrap sd over {int(finite.sum())} rows: "
                     f"mean {z.mean():+.2f}, min {z.min():+.2f}, max {z.max():+.2f}")
    rel = (both["revenue"] - both["true_revenue"]).abs() / both["true_revenue"]
    lines.append(f"revenue: largest relative error of the point estimate {rel.max():.4f}")
    finite = np.isfinite(both["true_privacy_loss"])
    err = (both["privacy_loss"] - both["true_privacy_loss"])[finite].abs()
    lines.append(f"privacy loss: largest absolute error of the point estimate {err.max():.4f} "
                 "nats")
    lines.append(f"true Myerson reserve {pa.priors.myerson_reserve(PRIOR):.4f}; recovered "
                 f"{table.loc[table['reserve'].notna(), 'reserve'].iloc[0]:.4f}")
    lines += ["", "warnings: " + "; ".join(sorted({f"{w.category.__name__}" for w in caught}))]
    text = "\n".join(lines) + "\n"
    out = pathlib.Path(__file__).parent / "results" / "audit_synthetic.txt"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
