"""Timing: estimating every built-in disclosure for one mechanism at N = 1e5 (issue 12).

Usage::

    python benchmarks/bench_disclosure.py [--n 100000] [--seed 0] [--n-bidders 2]

One simulation of the SPA (uniform prior, ``--n-bidders``), then for each person (winner,
runner-up, bidder 0) and each audience (outsider, rival) the wall time of
``estimate_privacy_loss`` for each of the nine built-in disclosures (one thread, the default
``workers=1``, 40 subsamples). Goal: all built-in disclosures for one mechanism under 10 s on two
cores (per person and audience). Writes benchmarks/results/bench_disclosure.txt.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import time
import warnings

import pandas as pd
from scipy import stats

import privauction as pa
from privauction import disclosure as dc

DISCLOSURES = [dc.WinnerAndPrice(), dc.PriceOnly(), dc.WinnerOnly(), dc.AllBids(),
               dc.AllBids(with_identities=True), dc.RoundedPrice(0.1),
               dc.StochasticRounding(mantissa_bits=8, exponent_bits=8), dc.NoisyPrice(0.1),
               dc.Nothing()]
RESULTS = pathlib.Path(__file__).parent / "results"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-bidders", type=int, default=2)
    args = parser.parse_args()
    prior = stats.uniform(0, 1)
    out = pa.simulate(pa.mechanisms.SecondPrice(), prior, args.n_bidders, args.n,
                      rng=args.seed, keep="bids")
    rows = []
    for audience in ("outsider", "rival"):
        for whose in ("winner", "runner-up", "bidder"):
            for d in DISCLOSURES:
                t0 = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    est = pa.estimate_privacy_loss(out, disclosure=d, whose=whose,
                                                   audience=audience, rng=args.seed)
                rows.append({"audience": audience, "whose": whose, "disclosure": repr(d),
                             "seconds": round(time.perf_counter() - t0, 2),
                             "estimate": round(est.estimate, 4)})
            print(audience, whose, "done", flush=True)
    df = pd.DataFrame(rows)
    totals = df.groupby(["audience", "whose"], sort=False)["seconds"].sum().round(2)
    load = os.getloadavg()
    lines = [f"bench_disclosure: SecondPrice, uniform, n = {args.n_bidders}, N = {args.n}, "
             f"seed {args.seed}, workers=1; load average at the end "
             f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores, shared)", "",
             "seconds for all 9 built-in disclosures, per person and audience:",
             totals.to_string(), "", "per disclosure:",
             df.to_string(index=False)]
    RESULTS.mkdir(exist_ok=True)
    name = f"bench_disclosure_n{args.n_bidders}.txt"
    (RESULTS / name).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
