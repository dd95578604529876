"""The US Forest Service audit (issue 13): recover values from the timber-sale bids, audit the
mechanisms, and cross-check the recovery against ``simple_fpa.Model``.

Usage::

    python validation/audit_usfs.py [--auctions 20000] [--bootstrap 10] [--backend joblib]
                                    [--jobs 2] [--no-crosscheck]

Writes validation/results/audit_usfs.csv (the audit table) and audit_usfs.txt (cleaning,
model, GPV diagnostics, the table, wall time, and the agreement with simple-fpa). The wall
time covers loading, value recovery and the audit with its bootstrap (goal: under 3 minutes at
the default sizes on 2 cores). The cross-check needs ``pip install privauction[crosscheck]``
(simple-fpa, statsmodels, seaborn, multiprocess) and is timed apart.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import time
import warnings

import numpy as np
import pandas as pd
from scipy import stats

import privauction as pa

COVARIATES = ["adv_value", "volume_total_1", "hhi", "year", "forest", "state"]
CATEGORICAL = ["year", "forest", "state"]
RESULTS = pathlib.Path(__file__).parent / "results"


def crosscheck(bids: pd.DataFrame, fit) -> list[str]:
    """Agreement of our pseudo-values with simple_fpa.Model's on the same cleaned bids."""
    try:
        import simple_fpa
    except Exception as exc:  # report exactly why it cannot run
        return [f"simple_fpa could not be imported: {type(exc).__name__}: {exc}"]
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels: forest is nested in state (rank-deficient)
        model = simple_fpa.Model(bids.copy(), ["auctionid"], "actual_bid")
        model.residualize(["adv_value", "volume_total_1", "hhi"], ["year", "forest", "state"],
                          model_type="multiplicative")
        model.trim_residuals(5)
        model.fit(smoothing_rate=0.2, trim_percent=5, boundary="reflect")
        model.predict()
    elapsed = time.perf_counter() - t0
    theirs = model.data["_latent_actual_bid"]
    both = pd.DataFrame({"ours": fit.values["value"], "bid": fit.values["bid"],
                         "n": fit.values["n_bidders"]}).join(theirs.rename("theirs"))
    both = both.dropna()
    log_ratio = np.log(both["ours"] / both["theirs"])
    rho = stats.spearmanr(both["ours"], both["theirs"]).statistic
    ks = stats.ks_2samp(both["ours"], both["theirs"]).statistic
    q = [0.1, 0.25, 0.5, 0.75, 0.9]
    quant = pd.DataFrame({"quantile": q, "ours": np.quantile(both["ours"], q),
                          "simple_fpa": np.quantile(both["theirs"], q)})
    markdown = both.assign(ours=both["ours"] / both["bid"] - 1,
                           theirs=both["theirs"] / both["bid"] - 1)
    per_n = markdown.groupby("n")[["ours", "theirs"]].median().rename(
        columns={"ours": "median (v-b)/b ours", "theirs": "median (v-b)/b simple_fpa"})
    return [
        f"simple_fpa {getattr(simple_fpa, '__version__', '1.8')} Model: residualize "
        "(log bid on log adv_value, log volume, log hhi, C(year), C(forest), C(state); no n "
        "dummies), trim_residuals(5), fit(smoothing_rate=0.2, trim_percent=5, "
        f"boundary='reflect'), predict(): {elapsed:.1f} s",
        "It pools all auction sizes in one quantile-space estimator (frequency weights of n);"
        " ours runs GPV per n. Compared on the bids simple_fpa does not trim "
        f"({len(both)} of {len(fit.values)}), values in bid units (ours: pseudo_value * "
        "scale; theirs: _latent_actual_bid).",
        f"Spearman rank correlation of per-bid values: {rho:.4f}",
        f"median |log(ours / simple_fpa)|: {np.median(np.abs(log_ratio)):.4f}; 90 % quantile "
        f"{np.quantile(np.abs(log_ratio), 0.9):.4f}; median log ratio {np.median(log_ratio):+.4f}",
        f"two-sample KS distance between the two value distributions: {ks:.4f}",
        "quantiles of values (bid units):",
        quant.to_string(index=False, float_format="{:.4g}".format),
        "median relative markdown per number of bidders:",
        per_n.to_string(float_format="{:.4f}".format),
    ]


def revenue_equivalence(fit, table) -> list[str]:
    """First- and second-price revenue per n and over the market's mix, with the quadrature
    value E[second-highest] on the recovered prior (the revenue both should have)."""
    from scipy import integrate

    from privauction.audit.report import market_summary

    keys = ["n_bidders", "revenue", "revenue_low", "revenue_high", "revenue_se", "note"]
    pub = table["disclosure"] == "WinnerAndPrice()"
    fpa = table[(table["mechanism"] == "FirstPrice()") & pub][keys].set_index("n_bidders")
    spa = table[(table["mechanism"] == "SecondPrice()") & pub][keys].set_index("n_bidders")
    rows = []
    for n in fpa.index:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", integrate.IntegrationWarning)
            exact = pa.priors.expected_second_highest(fit.prior, int(n))
        f, s = fpa.loc[n], spa.loc[n]
        rows.append({"n": n, "E[second] (quad)": exact, "first price": f["revenue"],
                     "fp 90 %": f"[{f['revenue_low']:.4g}, {f['revenue_high']:.4g}]",
                     "second price": s["revenue"],
                     "sp 90 %": f"[{s['revenue_low']:.4g}, {s['revenue_high']:.4g}]",
                     "(fp - sp) / se": (f["revenue"] - s["revenue"])
                     / np.hypot(f["revenue_se"], s["revenue_se"])})
    summary = market_summary(table).set_index(["mechanism", "disclosure"])
    out = [pd.DataFrame(rows).to_string(index=False, float_format="{:.4g}".format)]
    for mech in ("FirstPrice()", "SecondPrice()"):
        r = summary.loc[(mech, "WinnerAndPrice()")]
        out.append(f"market average {mech}: {r['revenue']:.4g} [{r['revenue_low']:.4g}, "
                   f"{r['revenue_high']:.4g}]")
    notes = sorted({x for x in fpa["note"] if x})
    out.append("first-price notes: " + ("; ".join(notes) if notes else "none (every replicate "
                                        "ran first price at every size)"))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--auctions", type=int, default=20_000)
    parser.add_argument("--bootstrap", type=int, default=10)
    parser.add_argument("--backend", default="joblib", choices=["serial", "joblib", "dask"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-crosscheck", action="store_true")
    args = parser.parse_args(argv)
    lines = [f"# audit_usfs: python {' '.join(sys.argv)}", ""]
    load_before = os.getloadavg()
    t0, c0 = time.perf_counter(), time.process_time()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bids = pa.audit.load_usfs()
        fit = pa.audit.recover_values(bids, auction="auctionid", bid="actual_bid",
                                      covariates=COVARIATES, categorical=CATEGORICAL)
        t_fit = time.perf_counter() - t0
        table = pa.audit.audit(fit, n_auctions=args.auctions, rng=0,
                               n_bootstrap=args.bootstrap, backend=args.backend,
                               n_jobs=args.jobs)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    load_after = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    table.to_csv(RESULTS / "audit_usfs.csv", index=False)
    prior = fit.prior
    pd_opts = {"display.width": 300, "display.max_columns": 40}
    with pd.option_context(*[x for kv in pd_opts.items() for x in kv]):
        lines += [
            f"wall time (load + recover + audit with {args.bootstrap} bootstrap replicates, "
            f"{args.auctions} simulated auctions per cell, backend {args.backend} x "
            f"{args.jobs}): {wall:.1f} s (load + recover {t_fit:.1f} s); CPU time of this "
            f"process {cpu:.1f} s (the bootstrap's workers not counted); load average (1, 5, "
            f"15 min) before {tuple(round(x, 2) for x in load_before)}, after "
            f"{tuple(round(x, 2) for x in load_after)} on {os.cpu_count()} CPUs", "",
            "## Cleaning", pa.audit.cleaning_report(bids).to_string(index=False),
            f"bids kept: {len(bids)}; auctions kept: {bids['auctionid'].nunique()}",
            f"bids below adv_value (kept): {int((bids['actual_bid'] < bids['adv_value']).sum())}",
            "", "## Model", fit.model,
            f"homogenisation R^2: {fit.homogenisation.r_squared:.4f}; coefficients of the "
            "continuous covariates: " + ", ".join(
                f"{k} {v:.4f}" for k, v in fit.homogenisation.coefficients.items()
                if k.startswith("log(")),
            "", "## GPV diagnostics (per number of bidders)",
            fit.diagnostics.to_string(index=False, float_format="{:.4g}".format),
            f"share of bids trimmed (values extrapolated): {fit.share_trimmed:.4f}", "",
            "## Recovered prior (homogenised values, bid units of a typical auction)",
            f"support [{prior.support()[0]:.4g}, {prior.support()[1]:.4g}]; quantiles 1/10/50/"
            "90/99 %: " + ", ".join(f"{x:.4g}" for x in prior.ppf([.01, .1, .5, .9, .99])),
            f"MHR: {pa.priors.is_mhr(prior)}; Myerson reserve "
            f"{pa.priors.myerson_reserve(prior):.4g} (quantile "
            f"{float(prior.cdf(pa.priors.myerson_reserve(prior))):.4f})", "",
            "## Audit table (also audit_usfs.csv)",
            table.drop(columns=["note"]).to_string(index=False, float_format="{:.4g}".format),
            "notes: " + "; ".join(sorted(set(table["note"]) - {""})), "",
            "warnings: " + "; ".join(sorted({f"{w.category.__name__}: {str(w.message)[:120]}"
                                             for w in caught})), "",
        ]
    lines += ["## Revenue equivalence: first price vs second price (same prior, same n)",
              *revenue_equivalence(fit, table), ""]
    if not args.no_crosscheck:
        lines += ["## Cross-check against simple_fpa.Model", *crosscheck(bids, fit)]
    text = "\n".join(lines) + "\n"
    (RESULTS / "audit_usfs.txt").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
