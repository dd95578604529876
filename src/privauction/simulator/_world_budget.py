"""Work budgets of a market run (issue 15): the defaults of ``Market.run`` and the seasons.

Measured with ``benchmarks/bench_budgets_rest.py`` (SPA, uniform prior, this 2-core machine under
load): 1.0e6 auctions cost 0.39 s of CPU and 4.0e6 auctions 2.4 s, 1e5 clock ticks 0.30 s, 4e6
bidders 1.2 s and about 115 bytes each, a tiny season about 1.5 ms. The defaults keep one run
under about fifteen seconds of CPU and a few GiB of memory.
"""

from __future__ import annotations

__all__ = ["MAX_AUCTIONS", "MAX_TICKS", "MAX_BIDDERS", "SEASON_OVERHEAD"]

#: Most expected auctions in one run (about 12 s of CPU at the 1.6e6 auctions per CPU second
#: measured on a 4e6-auction run).
MAX_AUCTIONS = 2 * 10**7
#: Most clock ticks in one run (about 3 s of CPU).
MAX_TICKS = 10**6
#: Most bidders in the population (about 3.6 GiB at 115 bytes each).
MAX_BIDDERS = 2**25
#: A season's fixed cost (about 1.5 ms of CPU), counted in auctions (at ~2.5e6 per CPU second).
SEASON_OVERHEAD = 4000
