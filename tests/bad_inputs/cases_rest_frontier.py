"""Bad inputs to :func:`privauction.disclosure_frontier` and :func:`privauction.privacy_loss`."""

from __future__ import annotations

from scipy import stats

import privauction as pa

from ._harness import BadInput
from ._rest_common import BAD_INT, NAN, caller, family

U = stats.uniform(0, 1)
SPA = pa.mechanisms.SecondPrice()
RULE = pa.disclosure.PriceOnly()
frontier = caller(pa.disclosure_frontier, prior=U, n_bidders=2, mechanisms=[SPA],
                  disclosures=[RULE], n_auctions=500)
loss = caller(pa.privacy_loss, mechanism=SPA, prior=U, n_bidders=2)

CASES = [
    BadInput("disclosure_frontier", "prior=None", frontier(prior=None), ("prior",), "type"),
    BadInput("disclosure_frontier", "prior=stats.uniform (class)", frontier(prior=stats.uniform),
             ("prior",), "type"),
    *family("disclosure_frontier", frontier, "n_bidders", BAD_INT + [("1", 1, "support")]),
    *family("disclosure_frontier", frontier, "n_auctions", BAD_INT),
    BadInput("disclosure_frontier", "n_auctions=10**12", frontier(n_auctions=10**12),
             ("n_auctions", "max_memory"), "huge"),
    BadInput("disclosure_frontier", "n_replications=10**9", frontier(n_replications=10**9),
             ("n_replications", "max_tasks"), "huge"),
    BadInput("disclosure_frontier", "n_replications=0", frontier(n_replications=0),
             ("n_replications",), "zero"),
    BadInput("disclosure_frontier", "mechanisms=[]", frontier(mechanisms=[]), ("mechanisms",),
             "empty"),
    BadInput("disclosure_frontier", "mechanisms=42", frontier(mechanisms=42),
             ("mechanisms",), "type"),
    BadInput("disclosure_frontier", "mechanisms=[SecondPrice] (class)",
             frontier(mechanisms=[pa.mechanisms.SecondPrice]), ("mechanisms",), "type"),
    BadInput("disclosure_frontier", "mechanisms=['spa']", frontier(mechanisms=["spa"]),
             ("mechanisms",), "type"),
    BadInput("disclosure_frontier", "disclosures=[]", frontier(disclosures=[]),
             ("disclosures",), "empty"),
    BadInput("disclosure_frontier", "disclosures=['price']", frontier(disclosures=["price"]),
             ("disclosures",), "type"),
    BadInput("disclosure_frontier", "disclosures=[PriceOnly] (class)",
             frontier(disclosures=[pa.disclosure.PriceOnly]), ("disclosures",), "type"),
    BadInput("disclosure_frontier", "whose=['loser']", frontier(whose=["loser"]), ("whose",),
             "support"),
    BadInput("disclosure_frontier", "whose=[]", frontier(whose=[]), ("whose",), "empty"),
    BadInput("disclosure_frontier", "audience='press'", frontier(audience="press"),
             ("audience",), "support"),
    *family("disclosure_frontier", frontier, "level",
            [("1.5", 1.5, "support"), ("nan", NAN, "nan"), ("0", 0.0, "zero"),
             ("'0.9'", "0.9", "type")]),
    BadInput("disclosure_frontier", "rng='seed'", frontier(rng="seed"), ("rng",), "type"),
    BadInput("disclosure_frontier", "rng=-1", frontier(rng=-1), ("rng",), "negative"),
    BadInput("disclosure_frontier", "backend='mpi'", frontier(backend="mpi"), ("backend",),
             "support"),
    BadInput("disclosure_frontier", "n_jobs=0", frontier(n_jobs=0), ("n_jobs",), "zero"),
    # privacy_loss
    BadInput("privacy_loss", "mechanism=SecondPrice (class)",
             loss(mechanism=pa.mechanisms.SecondPrice), ("mechanism",), "type"),
    BadInput("privacy_loss", "mechanism='spa'", loss(mechanism="spa"), ("mechanism",), "type"),
    BadInput("privacy_loss", "prior=None", loss(prior=None), ("prior",), "type"),
    BadInput("privacy_loss", "prior=uniform(nan, 1)", loss(prior=stats.uniform(NAN, 1)),
             ("prior",), "nan"),
    *family("privacy_loss", loss, "n_bidders", BAD_INT + [("1", 1, "support")]),
    BadInput("privacy_loss", "disclosure='price'", loss(disclosure="price"), ("disclosure",),
             "type"),
    BadInput("privacy_loss", "disclosure=PriceOnly (class)",
             loss(disclosure=pa.disclosure.PriceOnly), ("disclosure",), "type"),
    BadInput("privacy_loss", "whose='loser'", loss(whose="loser"), ("whose",), "support"),
    BadInput("privacy_loss", "whose=None", loss(whose=None), ("whose",), "type"),
    BadInput("privacy_loss", "audience='press'", loss(audience="press"), ("audience",),
             "support"),
]
