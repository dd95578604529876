"""
Why the SPA and the reserve SPA are the most private (Theorems 1 and 2)
=======================================================================

**Theorem 1** of the auction paper: among efficient, strategy-proof, ex-post individually
rational auctions, the second-price auction (SPA) leaks the least about the winner's value.
Any such auction charges a price whose law is a mean-preserving spread of the second-highest
value. The left panel evaluates the Lemma 1 bound of Eq. (6) by quadrature for three price
laws with the same mean: the SPA's (equal to Eq. (9)), Beta prices and the winner-bid lottery
(Section 4.2). The spreads lie above the SPA at every ``n``.

**Theorem 2**: with Myerson's optimal reserve, the SPA with that reserve is the most private
revenue-maximising auction. The right panel shows the reserve SPA's loss
``P(sale) · MI(W; P | sale)`` (Definition 2, by quadrature of Eq. (11)'s posterior) against the
reserve for two uniform bidders, with the observer's estimates from simulated auctions. A
higher reserve sells less often and pools every price at the reserve, so the loss falls;
Myerson's reserve (1/2 for the uniform prior) is marked.
"""

import matplotlib.pyplot as plt
import numpy as np
from scipy import stats

import privauction as pa

prior = stats.uniform(0, 1)
ns = [2, 3, 5]
bounds = {"SPA (Eq. (9))": [], "Beta price": [], "winner-bid lottery": []}
for n in ns:
    winner = pa.theory.winner_value_law(prior, n)
    bounds["SPA (Eq. (9))"].append(
        pa.theory.ordered_mi_lower_bound(winner, pa.theory.spa_price_law(prior, n)))
    bounds["Beta price"].append(
        pa.theory.ordered_mi_lower_bound(winner, pa.theory.beta_price_law(prior, n)))
    bounds["winner-bid lottery"].append(
        pa.theory.ordered_mi_lower_bound(winner, pa.theory.winner_bid_lottery_price_law(prior, n)))

reserves = np.linspace(0.0, 0.95, 39)
loss = [pa.mechanisms.ReservePrice(reserve=float(r)).privacy_loss(prior, 2) for r in reserves]
r_sim = [0.0, 0.25, 0.5, 0.75]
n_auctions = 20_000
sim = []
for i, r in enumerate(r_sim):
    out = pa.simulate(pa.mechanisms.ReservePrice(reserve=r), prior, n_bidders=2,
                      n_auctions=n_auctions, rng=i)
    sim.append(pa.estimate_privacy_loss(out, method="observer"))
r_star = pa.priors.myerson_reserve(prior)

fig, (left, right) = plt.subplots(1, 2, figsize=(9.6, 3.8), layout="constrained")
width = 0.26
for j, (label, values) in enumerate(bounds.items()):
    left.bar(np.arange(len(ns)) + (j - 1) * width, values, width, label=label)
left.set_xticks(range(len(ns)), [f"n = {n}" for n in ns])
left.set_ylabel("Lemma 1 bound, Eq. (6) (nats)")
left.set_title("Theorem 1: mean-preserving spreads leak more")
left.legend(frameon=False)

right.plot(reserves, loss, color="black", lw=1.5, label="reserve SPA, analytical")
right.errorbar(r_sim, [e.estimate for e in sim],
               yerr=[[e.estimate - e.ci_low for e in sim], [e.ci_high - e.estimate for e in sim]],
               fmt="o", ms=4, capsize=2, label=f"observer, {n_auctions:,} auctions, 95 % CI")
right.axvline(r_star, color="grey", ls="--", lw=1, label=f"Myerson's reserve r* = {r_star:g}")
right.set_xlabel("reserve price $r$")
right.set_ylabel("winner's privacy loss (nats)")
right.set_title("Theorem 2: the reserve SPA, two uniform bidders")
right.legend(loc="upper right", framealpha=0.9)
plt.show()
