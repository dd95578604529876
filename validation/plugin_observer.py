"""The README's plug-in (examples/custom_mechanism.py, the SPA price rounded down to a grid),
declaring its price law, gets the exact observer: its estimate against the kNN ("mixed") one.

Run: PYTHONPATH=src python validation/plugin_observer.py
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np
from scipy import integrate, stats

import privauction as pa

path = Path(__file__).resolve().parents[1] / "examples" / "custom_mechanism.py"
spec = importlib.util.spec_from_file_location("custom_mechanism", path)
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)



def exact_mi(law, prior, n=2):
    """MI(W; P) = H(P) - H(P | W) by quad, independent of the observer's code."""
    def g(w):
        return n * prior.pdf(w) * prior.cdf(w) ** (n - 1)

    inner = [a for a in law.atoms if 0 < a < 1]
    ps = np.array([integrate.quad(lambda w, x=x: g(w) * float(law.atom_mass(x, w)), 0, 1,
                                  points=inner, epsabs=1e-14, limit=400)[0]
                   for x in law.atoms])
    ps = ps[ps > 0]

    def h_cond(w):
        ms = np.array([float(law.atom_mass(x, w)) for x in law.atoms])
        ms = ms[ms > 0]
        return g(w) * float(-np.sum(ms * np.log(ms)))

    h_pw, _ = integrate.quad(h_cond, 0, 1, points=inner, epsabs=1e-12, limit=400)
    return float(-np.sum(ps * np.log(ps)) - h_pw)


rows = []
for label, prior in (("uniform(0,1)", stats.uniform(0, 1)), ("beta(2,2)", stats.beta(2, 2))):
    for step in (0.05, 0.1, 0.25):
        mech = module.RoundedSecondPrice(step)
        out = pa.simulate(mech, prior, 2, 200_000, rng=0)
        obs = pa.estimate_privacy_loss(out, method="observer", ci=0.99)
        knn = pa.estimate_privacy_loss(out, method="mixed", ci=0.99, rng=0)
        inside = knn.ci_low <= obs.estimate <= knn.ci_high
        truth = exact_mi(mech.price_law(prior, 2), prior)
        rows.append(f"{label:13s} step {step:<5g} exact {truth:.4f}  observer {obs.estimate:.4f} "
                    f"[{obs.ci_low:.4f}, {obs.ci_high:.4f}]  mixed {knn.estimate:.4f} "
                    f"[{knn.ci_low:.4f}, {knn.ci_high:.4f}]  observer inside kNN 99% CI: {inside}")
text = "\n".join(rows)
print(text)
(Path(__file__).parent / "results" / "plugin_observer.txt").write_text(text + "\n")
