"""The Bayesian observer: its mean KL is the privacy loss, with only Monte Carlo error."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

import privauction as pa
from privauction.simulator.observer import Observer

M = pa.mechanisms


@pytest.mark.parametrize(
    "mech, n",
    [
        (M.SecondPrice(), 2),
        (M.SecondPrice(), 5),
        (M.ReservePrice(0.5), 2),
        (M.ReservePrice(), 3),
        (M.ZeroKLottery(2.0), 2),
        (M.KPrice(3), 4),
    ],
    ids=repr,
)
@pytest.mark.parametrize(
    "prior", [stats.uniform(0, 1), stats.beta(2, 2)], ids=["uniform", "beta22"]
)
def test_mean_kl_converges_to_privacy_loss(mech, n, prior):
    n_auctions = 200_000
    out = pa.simulate(mech, prior, n, n_auctions, rng=7)
    kl = np.zeros(n_auctions)
    kl[out.sold] = Observer(mech, prior, n).kl(out.price[out.sold])
    se = kl.std() / math.sqrt(n_auctions)
    # 5 standard errors of the mean, measured from the KL terms themselves.
    assert abs(kl.mean() - mech.privacy_loss(prior, n)) <= 5 * se


def test_spa_observer_is_the_truncated_prior():
    prior = stats.beta(2, 3)
    obs = Observer(M.SecondPrice(), prior, 3)
    w = np.linspace(0, 1, 11)
    expected = np.clip((prior.cdf(w) - prior.cdf(0.4)) / prior.sf(0.4), 0, 1)
    np.testing.assert_allclose(obs.posterior_cdf(w, 0.4), expected, atol=1e-15)


def test_spa_kl_matches_direct_quadrature():
    prior = stats.truncexpon(b=3)
    n, p = 3, 0.8
    obs = Observer(M.SecondPrice(), prior, n)

    def integrand(w):
        post = prior.pdf(w) / prior.sf(p)
        return post * math.log(post / pa.priors.highest_pdf(prior, n, w))

    ref, _ = integrate.quad(integrand, p, 3, epsabs=1e-12)
    assert float(obs.kl(p)) == pytest.approx(ref, abs=1e-9)


def test_lottery_posteriors_are_distributions():
    obs = Observer(M.ZeroKLottery(2.0), stats.uniform(0, 1), 2)
    for price in (0.0, 2.0):
        assert obs.posterior_cdf(1.0, price) == pytest.approx(1.0, abs=1e-10)
    # Paying K is evidence of a high value: its posterior CDF lies below the one after 0.
    assert obs.posterior_cdf(0.5, 2.0) < obs.posterior_cdf(0.5, 0.0)


def test_unsupported_mechanism_is_refused():
    assert not Observer.supports(M.BetaPrice())
    with pytest.raises(NotImplementedError, match="BetaPrice declares no price law"):
        Observer(M.BetaPrice(), stats.uniform(), 2)
