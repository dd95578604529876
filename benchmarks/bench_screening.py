"""Screening menus (issue 5): solver timings and every number the issue asks to show.

Sections:
  1. speed: optimal_menu at κ = 2 (and 1) for general priors and costs, best and median of
     repeats (goal: under 2 s for a general prior at κ = 2);
  2. uniform–quadratic on [1, 2]: solver vs Lemma 5 / Prop. 4 (n, short mass, profit) and
     the ex-post solver vs Prop. 8, with max absolute differences;
  3. non-uniform priors, non-quadratic costs: solver vs 1,000 random binding partitions and a
     local optimiser (SLSQP) from 20 random starts; Lemma 4 residuals; binding constraint;
  4. simulated buyers (4·10^5 per case): intended-interval share, measured privacy loss
     (observer KL, plug-in entropy with 99.9 % CI, estimators "mixed" and "binned") vs Eq. (5);
  5. Section 6.1: one-shot vs sequential, profit and privacy loss measured on 4·10^5 buyers;
  6. Prop. 9: the interval auction's revenue and IC deviation gains;
  7. every screening scenario at its full size: checks passed and wall time.

Usage:  python benchmarks/bench_screening.py [--repeats 5] > benchmarks/results/bench_screening.txt
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")


def line(*cols, widths=None):
    widths = widths or [14] * len(cols)
    return "  ".join(str(c).rjust(w) for c, w in zip(cols, widths, strict=True))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--n-buyers", type=int, default=400_000)
    args = ap.parse_args()

    from privauction.scenarios.screening_global import local_optimiser
    from privauction.screening import (
        IntervalAuction,
        auction_profit,
        deviation_gains,
        estimate_mi,
        ex_post_intervals,
        lemma4_residuals,
        min_intervals,
        optimal_menu,
        plugin_entropy,
        profit_of_masses,
        random_binding_masses,
        screening_model,
        section61_analytical,
        simulate_buyers,
        simulate_section61,
        uniform_quadratic_optimum,
        uniform_quadratic_profit,
    )
    from privauction.screening.examples import EXAMPLE_COSTS, EXAMPLE_PRIORS

    print(f"# bench_screening  python {platform.python_version()}  numpy {np.__version__}  "
          f"cpus {os.cpu_count()}  load {os.getloadavg()[0]:.2f}")

    # 1. speed ------------------------------------------------------------------------------
    print("\n## 1. optimal_menu wall time (s), best / median of", args.repeats)
    optimal_menu(EXAMPLE_PRIORS["uniform[1,2]"], 1.0)  # warm-up
    cases = [("uniform[1,2]", "q^2/2"), ("truncnorm-increasing[2,3]", "q^2/2"),
             ("truncnorm-increasing[2,3]", "cosh(q)-1"), ("beta(1,2)[1,2]", "cosh(q)-1"),
             ("beta(1,2)[1,2]", "q^3/3"), ("truncnorm-decreasing[1,2]", "q^3/3")]
    print(line("prior", "cost", "kappa", "n", "best_s", "median_s", widths=[26, 10, 6, 4, 9, 9]))
    for p, c in cases:
        for k in (1.0, 2.0):
            times = []
            for _ in range(args.repeats):
                t = time.perf_counter()
                m = optimal_menu(EXAMPLE_PRIORS[p], k, cost=EXAMPLE_COSTS[c]())
                times.append(time.perf_counter() - t)
            print(line(p, c, k, m.n_intervals, f"{min(times):.3f}",
                       f"{sorted(times)[len(times) // 2]:.3f}", widths=[26, 10, 6, 4, 9, 9]))
    t = time.perf_counter()
    m = optimal_menu(EXAMPLE_PRIORS["uniform[1,2]"], 2.0, "ex-post")
    print(f"ex-post, uniform, κ = 2: {time.perf_counter() - t:.3f} s")

    # 2. closed forms -----------------------------------------------------------------------
    print("\n## 2. uniform–quadratic on [1, 2]: solver vs Lemma 5 / Prop. 4 (ex-ante)")
    w = [6, 4, 4, 14, 14, 10, 14, 14, 10]
    print(line("kappa", "n", "n_cf", "short_mass", "short_cf", "|diff|", "profit", "profit_cf",
               "|diff|", widths=w))
    dn = ds = dp = 0.0
    for k in (0.3, 0.5, 1.0, 1.5, 2.0):
        m = optimal_menu(EXAMPLE_PRIORS["uniform[1,2]"], k)
        cf = uniform_quadratic_optimum(k)
        s = float(np.min(m.masses))
        dn = max(dn, abs(m.n_intervals - cf.n_intervals))
        ds = max(ds, abs(s - cf.short_mass))
        dp = max(dp, abs(m.profit - cf.profit))
        print(line(k, m.n_intervals, cf.n_intervals, f"{s:.10f}", f"{cf.short_mass:.10f}",
                   f"{abs(s - cf.short_mass):.1e}", f"{m.profit:.10f}", f"{cf.profit:.10f}",
                   f"{abs(m.profit - cf.profit):.1e}", widths=w))
    print(f"max |Δn| = {dn:g}, max |Δ short mass| = {ds:.2e}, max |Δ profit| = {dp:.2e}")
    print("\n   ex-post (Prop. 8: n equal intervals for κ in [log n, log(n+1)))")
    w = [8, 4, 6, 14, 14, 10, 12]
    print(line("kappa", "n", "n_P8", "max|m-1/n|", "profit", "|diff|", "ex-post I", widths=w))
    for k in (0.3, 0.5, math.log(2), 1.0, 1.5, math.log(5), 2.0):
        m = optimal_menu(EXAMPLE_PRIORS["uniform[1,2]"], k, "ex-post")
        n = ex_post_intervals(k)
        cf = uniform_quadratic_profit(np.full(n, 1 / n))
        print(line(f"{k:.4f}", m.n_intervals, n,
                   f"{np.max(np.abs(m.masses - 1 / m.n_intervals)):.1e}", f"{m.profit:.10f}",
                   f"{abs(m.profit - cf):.1e}", f"{m.ex_post_privacy_loss:.6f}", widths=w))

    # 3. general priors ---------------------------------------------------------------------
    print("\n## 3. general prior and cost: solver vs 1000 random binding partitions and SLSQP "
          "from 20 random starts")
    rng = np.random.default_rng(2026)
    w = [26, 10, 5, 3, 13, 11, 11, 9, 9, 12]
    print(line("prior", "cost", "kappa", "n", "profit", "-best_rand", "-best_local",
               "lemma4", "lambda", "|I-kappa|", widths=w))
    for p, c, k in (("truncnorm-increasing[2,3]", "cosh(q)-1", 1.0),
                    ("truncnorm-increasing[2,3]", "q^3/3", 1.5),
                    ("beta(1,2)[1,2]", "cosh(q)-1", 1.5), ("beta(1,2)[1,2]", "q^3/3", 2.0),
                    ("truncnorm-decreasing[1,2]", "cosh(q)-1", 2.0)):
        prior, cost = EXAMPLE_PRIORS[p], EXAMPLE_COSTS[c]()
        model = screening_model(prior, cost)
        m = optimal_menu(prior, k, cost=cost)
        n0 = min_intervals(k)
        ns = rng.integers(n0, n0 + 3, size=1000)
        best_r = max(float(np.max(profit_of_masses(
            model, random_binding_masses(int(n), k, int(np.sum(ns == n)), rng))))
            for n in np.unique(ns))
        best_l = max(local_optimiser(model, n0 + j % 2, k,
                                     random_binding_masses(n0 + j % 2, k, 1, rng)[0])
                     for j in range(20))
        res, lam = lemma4_residuals(m)
        print(line(p, c, k, m.n_intervals, f"{m.profit:.9f}", f"{m.profit - best_r:.2e}",
                   f"{m.profit - best_l:.2e}", f"{np.max(np.abs(res)):.1e}", f"{lam:.4f}",
                   f"{abs(m.privacy_loss - k):.1e}", widths=w))
        print("    masses:", np.array2string(m.masses, precision=4, max_line_width=200),
              " profit by n:", [(n, round(v, 9)) for n, v in m.profit_by_n])

    from privauction.scenarios.screening_global import EXHAUSTIVE_CASES, exhaustive_three

    print("\n   exhaustive search over 3-interval partitions with H = κ (4000-point grid)")
    for p, c, k in EXHAUSTIVE_CASES:
        prior, cost = EXAMPLE_PRIORS[p], EXAMPLE_COSTS[c]()
        m = optimal_menu(prior, k, cost=cost)
        best = exhaustive_three(screening_model(prior, cost), k, 4000)
        print(f"   {p}, {c}, κ = {k:g}: solver n = {m.n_intervals}, profit {m.profit:.12f}; "
              f"exhaustive best {best:.12f}; solver - exhaustive = {m.profit - best:.2e}")

    # 4. simulated buyers -------------------------------------------------------------------
    n_b = args.n_buyers
    print(f"\n## 4. simulated buyers, N = {n_b} per case (99.9 % CIs)")
    w = [40, 7, 9, 22, 22, 10, 10]
    print(line("case", "match", "Eq.(5)", "observer KL [CI]", "plug-in H [CI]", "mixed",
               "binned", widths=w))
    for p, c, k in (("uniform[1,2]", "q^2/2", 1.0), ("uniform[1,2]", "q^2/2", 2.0),
                    ("truncnorm-increasing[2,3]", "cosh(q)-1", 1.5),
                    ("beta(1,2)[1,2]", "q^3/3", 2.0)):
        m = optimal_menu(EXAMPLE_PRIORS[p], k, cost=EXAMPLE_COSTS[c]())
        t = time.perf_counter()
        o = simulate_buyers(m, n_b, rng=rng)
        t_sim = time.perf_counter() - t
        se = np.std(o.kl) / math.sqrt(n_b)
        h = plugin_entropy(o.choice, confidence=0.999)
        t = time.perf_counter()
        mixed = estimate_mi(o.theta, o.price, "mixed")
        t_mixed = time.perf_counter() - t
        binned = estimate_mi(o.theta, o.price, "binned", bins=max(256, n_b // 25))
        fmt = lambda v: "n/a" if v is None else f"{v:.5f}"  # noqa: E731
        print(line(f"{p}, {c}, κ={k:g}", f"{o.match_share:g}", f"{m.privacy_loss:.5f}",
                   f"{o.mean_kl:.5f} [{o.mean_kl - 3.29 * se:.4f},{o.mean_kl + 3.29 * se:.4f}]",
                   f"{h.estimate:.5f} [{h.ci_low:.4f},{h.ci_high:.4f}]", fmt(mixed), fmt(binned),
                   widths=w))
        print(f"    simulate_buyers {t_sim:.3f} s, mixed MI {t_mixed:.2f} s")

    # 5. Section 6.1 ------------------------------------------------------------------------
    print(f"\n## 5. Section 6.1, N = {n_b} buyers (same buyers and coins in both)")
    one, seq = simulate_section61(n_b, rng=rng)
    ref = section61_analytical()
    for r, key in ((one, "one_shot_privacy"), (seq, "sequential_privacy")):
        se_p = np.std(r.price) / math.sqrt(n_b)
        se_k = np.std(r.kl) / math.sqrt(n_b)
        mi = estimate_mi(r.theta, r.message.astype(float), "mixed")
        print(f"{r.name:>11}: profit {r.profit:.5f} ± {3.29 * se_p:.5f} (7/32 = 0.21875); "
              f"ex-ante loss {r.privacy_loss:.5f} ± {3.29 * se_k:.5f} (paper {ref[key]:.5f}); "
              f"mixed MI {mi if mi is None else round(mi, 5)}; "
              f"ex-post {r.ex_post_privacy_loss:.5f}; truthful share {r.truthful_share:g}")
    d = one.kl - seq.kl
    print(f"  paired difference one-shot − sequential: {d.mean():.5f} ± "
          f"{3.29 * np.std(d) / math.sqrt(n_b):.5f} (0.25 log 2 = {0.25 * math.log(2):.5f}); "
          f"max |price difference| = {np.max(np.abs(one.price - seq.price)):g}")

    # 6. Prop. 9 ----------------------------------------------------------------------------
    import privauction as pa

    print(f"\n## 6. Prop. 9 interval auction, U[1,2], N = {n_b} auctions")
    for k in (0.5, 1.0, 1.5):
        m = optimal_menu(EXAMPLE_PRIORS["uniform[1,2]"], k)
        mech = IntervalAuction(tuple(m.cutoffs))
        out = pa.simulate(mech, EXAMPLE_PRIORS["uniform[1,2]"], 2, n_b, rng=rng)
        se = np.std(out.price) / math.sqrt(n_b)
        g, gse = deviation_gains(mech, EXAMPLE_PRIORS["uniform[1,2]"], n_b, rng=rng)
        off = ~np.eye(g.shape[0], dtype=bool)
        print(f"κ = {k}: n = {m.n_intervals}, revenue {out.revenue:.5f} ± {3.29 * se:.5f} "
              f"(closed form {auction_profit(m.cutoffs):.5f}); largest deviation gain "
              f"{np.max(g[off]):.5f} (t = {np.max(g[off] / gse[off]):.1f}); MI(W;P) = "
              f"{mech.privacy_loss(EXAMPLE_PRIORS['uniform[1,2]'], 2):.5f}")

    # 7. scenarios --------------------------------------------------------------------------
    from privauction.scenarios import registry, run_scenario

    print("\n## 7. screening scenarios at full size (seed 0)")
    for scen in registry:
        if scen.paper != "screening":
            continue
        t = time.perf_counter()
        df = run_scenario(scen, seed=0, quick=False)
        print(f"{scen.name:26s} {scen.claim:34s} {int(df['verdict'].sum()):4d} / {len(df):4d} "
              f"checks pass  {time.perf_counter() - t:6.1f} s")
        for case in df.loc[~df["verdict"], "case"]:
            print("    FAILED:", case)


if __name__ == "__main__":
    main()
