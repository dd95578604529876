"""Bad inputs to :func:`privauction.simulate` (the first few; the suite grows per entry point)."""

from __future__ import annotations

from scipy import stats

import privauction as pa

from ._harness import BadInput

PRIOR = stats.uniform(0, 1)
SPA = pa.mechanisms.SecondPrice()


def _simulate(**changes):
    arguments = dict(mechanism=SPA, prior=PRIOR, n_bidders=2, n_auctions=100, rng=0)
    arguments.update(changes)
    return lambda: pa.simulate(**arguments)


CASES = [
    BadInput("simulate", "n_auctions=0", _simulate(n_auctions=0), ("n_auctions",), "zero"),
    BadInput("simulate", "n_auctions=-5", _simulate(n_auctions=-5), ("n_auctions",), "negative"),
    BadInput("simulate", "n_auctions=2.5", _simulate(n_auctions=2.5), ("n_auctions",), "type"),
    BadInput("simulate", "n_bidders=1", _simulate(n_bidders=1), ("n_bidders",), "support"),
    BadInput("simulate", "n_bidders=True", _simulate(n_bidders=True), ("n_bidders",), "type"),
]
