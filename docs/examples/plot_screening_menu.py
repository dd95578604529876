"""
A coarse screening menu and the privacy-profit frontier
=======================================================

The second paper (Eilat, Eliaz & Mu, *Optimal Privacy-Constrained Mechanisms*, working paper,
2019) lets a monopolist learn at most κ nats about a buyer's type θ. The optimal menu
partitions the types into finitely many intervals; in the uniform-quadratic case
(θ ~ U[1, 2], cost q²/2) the number of intervals is the smallest ``n`` with ``log n >= κ``
(Lemma 5, Prop. 4).

The left panel shows the κ = 1 menu: the quantity each type buys (a step per interval)
against the fully separating, κ = ∞ menu. The right panel is the paper's Figure 1, the
privacy-profit frontier: profit against κ, with kinks where a new interval appears (κ = log n).
"""

import matplotlib.pyplot as plt
import numpy as np
from scipy import stats

import privauction as pa

prior = stats.uniform(1, 1)
menu = pa.screening.optimal_menu(prior, kappa=1.0)
theta = np.linspace(1, 2, 400)
interval = np.clip(np.searchsorted(menu.cutoffs, theta, side="right") - 1, 0,
                   menu.n_intervals - 1)
quantity = np.asarray(menu.quantities)[interval]
separating = np.maximum(2 * theta - 2, 0)      # q(θ) = virtual value 2θ - 2 for U[1, 2]

kappas = np.linspace(0.02, 2.6, 130)
profit = [pa.screening.uniform_quadratic_optimum(float(k)).profit for k in kappas]
solver = [pa.screening.optimal_menu(prior, kappa=k).profit for k in (0.5, 1.0, 1.5, 2.0)]

fig, (left, right) = plt.subplots(1, 2, figsize=(9.6, 3.8), layout="constrained")
left.plot(theta, separating, color="grey", ls="--", lw=1, label="κ = ∞ (full separation)")
left.step(theta, quantity, where="post", color="black", lw=1.5,
          label=f"κ = 1: {menu.n_intervals} intervals")
for c in menu.cutoffs[1:-1]:
    left.axvline(c, color="grey", lw=0.5)
left.set_xlabel(r"buyer's type $\theta$")
left.set_ylabel("quantity $q$")
left.set_title("The κ = 1 menu (ex-ante constraint)")
left.legend(frameon=False)

right.plot(kappas, profit, color="black", lw=1.5, label="closed form (Prop. 4)")
right.plot([], [], color="grey", lw=0.5, label="κ = log n: a new interval")
right.plot([0.5, 1.0, 1.5, 2.0], solver, "o", ms=5, label="solver, optimal_menu")
for n in range(2, 14):
    if np.log(n) <= kappas[-1]:
        right.axvline(np.log(n), color="grey", lw=0.5)
right.set_xlabel("privacy budget κ (nats)")
right.set_ylabel("expected profit")
right.set_title("Figure 1: privacy-profit frontier")
right.legend(frameon=False)
plt.show()
