"""The observer contract: a mechanism declares the law of its price given the winner's value,
and the batch observer, estimate_privacy_loss(method="observer") and the market's observer use
that declaration alone. The README's plug-in (examples/custom_mechanism.py, a second price
rounded down to a grid) declares it and gets the exact observer everywhere."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats

import privauction as pa
from privauction import theory
from privauction.simulator import Observer
from privauction.simulator.world import Market

M = pa.mechanisms
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "custom_mechanism.py"


def _load_example():
    spec = importlib.util.spec_from_file_location("custom_mechanism_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


ROUNDED = _load_example().RoundedSecondPrice


def test_no_type_lists_remain_in_the_observers():
    src = Path(pa.__file__).parent
    for rel in ("simulator/observer.py", "simulator/_world_observer.py",
                "estimators/privacy_loss.py"):
        text = (src / rel).read_text()
        assert "type(mechanism) in" not in text and "type(mechanism) is" not in text, rel
        for name in ("SecondPrice", "ReservePrice", "ZeroKLottery", "KPrice"):
            assert f"import {name}" not in text and f", {name}" not in text, (rel, name)


@pytest.mark.parametrize(
    "prior", [stats.uniform(0, 1), stats.beta(2, 2)], ids=["uniform", "beta22"]
)
@pytest.mark.parametrize("step", [0.1, 0.25])
def test_plugin_observer_estimate_agrees_with_its_knn_estimate(prior, step):
    mech = ROUNDED(step)
    out = pa.simulate(mech, prior, 2, 100_000, rng=11)
    obs = pa.estimate_privacy_loss(out, method="observer", ci=0.99)
    knn = pa.estimate_privacy_loss(out, method="mixed", ci=0.99, rng=11)
    assert obs.method == "observer"
    # Two independent estimates of one MI: the observer's (CLT of the KL terms, no bias) lies
    # inside the kNN estimate's 99% subsampling interval, and their difference within 99% of
    # its combined standard error.
    assert knn.ci_low <= obs.estimate <= knn.ci_high
    z = stats.norm.ppf(0.995)
    assert abs(obs.estimate - knn.estimate) <= z * math.hypot(obs.std_error, knn.std_error)
    # data processing: rounding the SPA's price loses information, so less than Eq. (9)
    assert obs.ci_high < theory.spa_privacy_loss(2)


def test_plugin_observer_kl_matches_direct_quadrature_of_bayes_rule():
    # Independent check of one atom: posterior density of W on [x, 1] is
    # g_W(w) m(x | w) / P(price = x), computed here with scipy quad in w.
    prior, n, step = stats.beta(2, 2), 3, 0.25
    law = ROUNDED(step).price_law(prior, n)
    g_w = lambda w: n * prior.pdf(w) * prior.cdf(w) ** (n - 1)  # noqa: E731

    def mass(x, w):
        if w < x:
            return 0.0
        hi = min(x + step, w)
        return (prior.cdf(hi) ** (n - 1) - prior.cdf(x) ** (n - 1)) / prior.cdf(w) ** (n - 1)

    for x in (0.0, 0.25, 0.5, 0.75):
        breaks = [b for b in (x + step,) if b < 1]
        px, _ = integrate.quad(lambda w, x=x: g_w(w) * mass(x, w), x, 1, points=breaks)

        def integrand(w, x=x, px=px):
            post = g_w(w) * mass(x, w) / px
            return post * math.log(post / g_w(w)) if post > 0 else 0.0

        ref, _ = integrate.quad(integrand, x, 1, points=breaks, epsabs=1e-12, limit=200)
        got = float(theory.posterior_kl(law, prior, n, [x])[0])
        assert got == pytest.approx(ref, abs=1e-9)  # measured: within 1e-12


def test_plugin_batch_observer_posterior_is_a_distribution():
    obs = Observer(ROUNDED(0.25), stats.uniform(0, 1), 2)
    w = np.linspace(0, 1, 41)
    for price in (0.0, 0.25, 0.5, 0.75):
        cdf = obs.posterior_cdf(w, price)
        assert cdf[0] == 0 and cdf[-1] == pytest.approx(1.0, abs=1e-12)
        assert np.all(np.diff(cdf) >= -1e-15)
        assert np.all(cdf[w < price] == 0)  # ex-post IR: W >= price


def test_plugin_market_observer_posterior_matches_bayes_rule():
    prior, n, step = stats.uniform(0, 1), 3, 0.25
    market = Market(mechanism=ROUNDED(step), prior=prior, n_population=40, n_per_auction=n,
                    arrival_rate=100.0, value_process="fresh")
    res = market.run(20.0, rng=2)
    sold = res.events[res.events.winner >= 0]
    assert len(sold) > 100 and res.privacy.cumulative_kl.notna().all()

    # Fresh values: each win at atom x contributes the KL from the uniform prior (in u = F(v))
    # of the posterior ∝ u^{n-1} m(x | u), computed here by quad.
    def kl_win(x):
        law = ROUNDED(step).price_law(prior, n)
        like = lambda u: u ** (n - 1) * float(law.atom_mass(x, u))  # noqa: E731
        pts = [b for b in (x, x + step) if 0 < b < 1]
        z, _ = integrate.quad(like, 0, 1, points=pts)
        val, _ = integrate.quad(
            lambda u: like(u) / z * math.log(like(u) / z) if like(u) > 0 else 0.0, 0, 1,
            points=pts, limit=200)
        return val

    table = {x: kl_win(x) for x in np.unique(sold.price)}
    expected = sold.price.map(table).groupby(sold.winner).cumsum().to_numpy()
    # the market's 1024-cell quantile grid (midpoint rule): the likelihood's kinks at the atoms
    # fall inside cells; measured relative error of the cumulative KL below 1.1e-5 here
    np.testing.assert_allclose(res.privacy.cumulative_kl.to_numpy(), expected, rtol=1e-4)


def test_plugin_market_persistent_posterior_is_a_cdf_and_respects_the_prices():
    prior = stats.uniform(0, 1)
    market = Market(mechanism=ROUNDED(0.25), prior=prior, n_population=20, n_per_auction=3,
                    arrival_rate=100.0)
    res = market.run(10.0, rng=3)
    final = res.final_privacy()
    v = np.linspace(0, 1, 201)
    for _, row in final.head(5).iterrows():
        cdf = res.posterior_cdf(int(row.bidder), v)
        assert cdf[0] == 0 and cdf[-1] == pytest.approx(1.0) and np.all(np.diff(cdf) >= 0)
        # a win at price x means a value >= x: no posterior mass below the highest price paid
        assert cdf[v < row.max_price - 1e-3].max(initial=0.0) < 1e-3


def test_undeclared_plugin_is_refused_with_the_contract_named():
    class Plain(M.Mechanism):
        efficient = True

        def run(self, bids, rng):
            w, _, s = M.top_two(bids, rng)
            return w, s

    out = pa.simulate(Plain(), stats.uniform(0, 1), 2, 1000, rng=0)
    with pytest.raises(ValueError, match="declares its price law"):
        pa.estimate_privacy_loss(out, method="observer")
    with pytest.raises(NotImplementedError, match="Plain declares no price law"):
        Observer(Plain(), stats.uniform(0, 1), 2)


def test_plugin_declaring_the_spa_law_gets_the_exact_spa_observer():
    class MySPA(M.Mechanism):
        efficient = True

        def run(self, bids, rng):
            w, _, s = M.top_two(bids, rng)
            return w, s

        def price_law(self, prior, n_bidders):
            return theory.spa_price_given_value(prior, n_bidders)

    prior = stats.truncexpon(b=3)
    p = np.array([0.1, 0.7, 2.0, 2.9])
    got = Observer(MySPA(), prior, 4).kl(p)
    np.testing.assert_allclose(got, theory.spa_posterior_kl(prior.cdf(p), 4), atol=1e-12)


@pytest.mark.parametrize(
    "mech, n",
    [(M.SecondPrice(), 3), (M.ReservePrice(0.4), 3), (M.KPrice(3), 4), (M.KPrice(5), 6),
     (M.ZeroKLottery(2.0), 3), (ROUNDED(0.25), 3)],
    ids=repr,
)
def test_declared_laws_are_probability_laws_given_the_winners_value(mech, n):
    # ∫ density dp + Σ atom masses = 1 for every winner's value w that sells (quad over p)
    prior = stats.beta(2, 2)
    law = mech.price_law(prior, n)
    for w in (0.45, 0.7, 0.95):
        atoms = sum(float(law.atom_mass(a, w)) for a in law.atoms)
        cont = 0.0
        if law.density is not None:
            top = float(mech.bid_function(prior, n)(w)) if mech.strategy == "equilibrium" else w
            cont, _ = integrate.quad(lambda p, w=w: float(law.density(p, w)), 0, top,
                                     epsabs=1e-12, limit=200)
        assert atoms + cont == pytest.approx(1.0, abs=1e-7)
