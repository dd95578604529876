"""Shared fixtures: the priors and the mechanisms every conformance test is run on."""

from __future__ import annotations

import pytest
from scipy import stats

import privauction as pa

M = pa.mechanisms

#: Priors used across the suite: uniform, a symmetric and a skewed beta, a truncated
#: exponential (all MHR, bounded support).
PRIORS = {
    "uniform": stats.uniform(0, 1),
    "beta22": stats.beta(2, 2),
    "beta23": stats.beta(2, 3),
    "truncexpon": stats.truncexpon(b=3),
}


@pytest.fixture(params=list(PRIORS), ids=list(PRIORS))
def prior(request):
    return PRIORS[request.param]
