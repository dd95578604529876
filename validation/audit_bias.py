"""Where the value recovery's bias comes from, and what a bootstrap over auctions sees of it.

Usage::

    python validation/audit_bias.py [--seeds 8] [--bootstrap 10]

On synthetic first-price data (validation/audit_synthetic.py: beta(2, 5, scale=10) values, n
uniform on 2..6, 5,000 auctions), the audit's revenue and welfare are integrals of the recovered
value distribution: ``E[second-highest of n]`` (revenue of every efficient mechanism) and
``E[highest of n]`` (welfare). Each is computed here without simulation, in the quantile:
``∫ Q(u) w(u) du`` with ``w`` the density of the order statistic's quantile (beta(n-1, 2) or
beta(n, 1)), on 1e5 midpoints. For each bandwidth setting (GPV's bid density, the prior's
kernel density; multiples of Silverman's rule) it prints the bias over ``--seeds`` data sets, in
units of the estimate's own standard deviation over the data sets, for four stages:

- ``kde(true values)``: the prior's kernel density of the TRUE values (smoothing alone);
- ``pseudo-values``: the empirical distribution of the GPV pseudo-values (GPV alone);
- ``fit.prior``: the recovered prior (both);
- ``bootstrap shift``: mean over ``--bootstrap`` replicates (resampled auctions, recovered again)
  minus the estimate; a bootstrap that saw the bias would shift by about the bias.

Writes validation/results/audit_bias.txt.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import numpy as np
from scipy import stats

import privauction as pa
from privauction.audit._kde import silverman_bandwidth
from privauction.audit.audit import _resample_auctions
from privauction.audit.prior import prior_from_values

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from audit_synthetic import PRIOR, synthetic_bids  # noqa: E402

N_SHOWN = (2, 4, 6)
U = (np.arange(100_000) + 0.5) / 100_000
WEIGHTS = [stats.beta(n - 1, 2).pdf(U) for n in N_SHOWN] + [stats.beta(n, 1).pdf(U)
                                                             for n in N_SHOWN]
NAMES = [f"E[2nd of {n}]" for n in N_SHOWN] + [f"E[max of {n}]" for n in N_SHOWN]


def functionals(quantiles: np.ndarray) -> np.ndarray:
    """E[second of n] and E[max of n] for n in N_SHOWN, from quantiles at U."""
    return np.array([np.mean(quantiles * w) for w in WEIGHTS])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--bootstrap", type=int, default=10)
    args = parser.parse_args(argv)
    truth = functionals(PRIOR.ppf(U))
    t0, c0 = time.perf_counter(), time.process_time()
    lines = [f"# audit_bias: python validation/audit_bias.py {' '.join(sys.argv[1:])}",
             f"# {args.seeds} data sets of 5,000 auctions; bias / sd of fit.prior's "
             "estimate over data sets (the bias itself in brackets); bootstrap: mean shift / "
             "the same sd", "",
             "truth: " + ", ".join(f"{k} {v:.4f}" for k, v in zip(NAMES, truth, strict=True)),
             ""]
    data = [synthetic_bids(PRIOR, 5000, seed) for seed in range(args.seeds)]
    settings = ((1.0, 1.0, "Silverman (the old defaults; today's top extension)"),
                (0.5, 0.5, "0.5 x Silverman (the default)"))
    for gpv_scale, prior_scale, label in settings:
        stages = {"kde(true values)": [], "pseudo-values": [], "fit.prior": [],
                  "bootstrap shift": []}
        for seed, bids in enumerate(data):
            fit = pa.audit.recover_values(bids, auction="auction", bid="bid",
                                          bandwidth_scale=gpv_scale,
                                          prior_bandwidth_scale=prior_scale)
            values = bids["value"].to_numpy()
            h = prior_scale * silverman_bandwidth(np.log(values))
            stages["kde(true values)"].append(
                functionals(prior_from_values(values, bandwidth=h).ppf(U)) - truth)
            stages["pseudo-values"].append(
                functionals(np.quantile(fit.values["pseudo_value"], U)) - truth)
            point = functionals(fit.prior.ppf(U))
            stages["fit.prior"].append(point - truth)
            rng = np.random.default_rng(1000 + seed)
            reps = [functionals(pa.audit.recover_values(
                _resample_auctions(fit.values, rng), auction="auction", bid="bid",
                bandwidth_scale=gpv_scale, prior_bandwidth_scale=prior_scale).prior.ppf(U))
                for _ in range(args.bootstrap)]
            stages["bootstrap shift"].append(np.mean(reps, axis=0) - point)
        sd = np.std(stages["fit.prior"], axis=0, ddof=1)
        lines.append(f"## bandwidths {label}: GPV x {gpv_scale}, prior x {prior_scale}")
        lines.append(f"{'stage':18s}" + "".join(f"{k:>22s}" for k in NAMES))
        for stage, errors in stages.items():
            errors = np.asarray(errors)
            mean = errors.mean(axis=0)
            own = np.std(errors, axis=0, ddof=1)
            lines.append(f"{stage:18s}" + "".join(
                f"{m / s:+8.2f} ({m:+.4f})".rjust(22) for m, s in zip(mean, sd, strict=True)))
            if stage == "fit.prior":
                lines.append(f"{'  its sd':18s}" + "".join(f"{s:22.4f}" for s in own))
        lines.append("")
    lines.append(f"wall {time.perf_counter() - t0:.1f} s, CPU {time.process_time() - c0:.1f} s")
    text = "\n".join(lines) + "\n"
    out = pathlib.Path(__file__).parent / "results" / "audit_bias.txt"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
