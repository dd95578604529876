"""The disclosure frontier for the uniform prior at n = 2 and n = 5 (issue 12), by hand.

Usage::

    python validation/disclosure_frontier.py [--n 20000] [--seed 0]

Runs ``pa.disclosure_frontier`` for {SecondPrice, ReservePrice (Myerson), ZeroKLottery(K=2)} ×
every built-in disclosure, and writes validation/results/disclosure_frontier.csv and the
figures validation/results/disclosure_frontier_n2.png and ..._n5.png.
"""

from __future__ import annotations

import argparse
import pathlib
import time

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

import privauction as pa  # noqa: E402
from privauction import disclosure as dc  # noqa: E402
from privauction.frontier import plot_disclosure_frontier  # noqa: E402

RESULTS = pathlib.Path(__file__).parent / "results"
MECHANISMS = [pa.mechanisms.SecondPrice(), pa.mechanisms.ReservePrice(),
              pa.mechanisms.ZeroKLottery(K=2.0)]
DISCLOSURES = [dc.WinnerAndPrice(), dc.PriceOnly(), dc.WinnerOnly(), dc.AllBids(),
               dc.RoundedPrice(0.1), dc.StochasticRounding(), dc.NoisyPrice(0.1), dc.Nothing()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    frames = []
    for n_bidders in (2, 5):
        t0 = time.perf_counter()
        table = pa.disclosure_frontier(stats.uniform(0, 1), n_bidders, MECHANISMS, DISCLOSURES,
                                       args.n, rng=args.seed)
        table.insert(0, "n_bidders", n_bidders)
        frames.append(table)
        fig = plot_disclosure_frontier(
            table, title=f"Disclosure frontier, uniform(0,1) values, n = {n_bidders}, "
                         f"N = {args.n} per cell")
        fig.savefig(RESULTS / f"disclosure_frontier_n{n_bidders}.png", dpi=120)
        print(f"n = {n_bidders}: {time.perf_counter() - t0:.1f} s")
    out = pd.concat(frames, ignore_index=True)
    out.to_csv(RESULTS / "disclosure_frontier.csv", index=False)
    with pd.option_context("display.width", 200, "display.max_rows", 400):
        print(out[["n_bidders", "mechanism", "disclosure", "quantity", "whose", "estimate",
                   "ci_low", "ci_high", "analytical"]].to_string(index=False))


if __name__ == "__main__":
    main()
