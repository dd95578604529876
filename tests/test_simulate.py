"""Batch simulator: means against theory, bad input, plug-in contract errors."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from scipy import stats

import privauction as pa
from privauction.mechanisms import Mechanism, MechanismContractError, top_two

M = pa.mechanisms
N = 400_000


def _within(sample, target, k=5.0):
    """|mean - target| <= k standard errors, the se measured from the sample itself."""
    se = np.std(sample) / math.sqrt(sample.size)
    return abs(np.mean(sample) - target) <= k * se


@pytest.mark.parametrize("n", [2, 5])
def test_spa_mean_price_is_expected_second_highest(prior, n):
    out = pa.simulate(M.SecondPrice(), prior, n, N, rng=1)
    assert _within(out.price, M.SecondPrice().expected_revenue(prior, n))


@pytest.mark.parametrize("n", [2, 3])
def test_reserve_spa_revenue_is_myersons(prior, n):
    mech = M.ReservePrice()
    out = pa.simulate(mech, prior, n, N, rng=2)
    revenue = np.nan_to_num(out.price, nan=0.0)
    assert _within(revenue, mech.expected_revenue(prior, n))
    r = pa.priors.myerson_reserve(prior)
    assert out.mechanism == M.ReservePrice(r)
    # P(sale) = 1 - F(r)^n; binomial se.
    p = 1 - prior.cdf(r) ** n
    assert abs(out.sold_share - p) <= 5 * math.sqrt(p * (1 - p) / N)


def test_every_efficient_mechanism_has_the_spa_revenue():
    prior = stats.beta(2, 3)
    cases = [(M.ZeroKLottery(1.5), 2), (M.BetaPrice(), 3), (M.KPrice(3), 4), (M.FirstPrice(), 3)]
    for mech, n in cases:
        out = pa.simulate(mech, prior, n, N, rng=3)
        assert _within(out.price, M.SecondPrice().expected_revenue(prior, n)), mech


def test_k_price_ex_post_ir_violations():
    prior = stats.uniform(0, 1)
    assert pa.simulate(M.KPrice(2), prior, 4, 50_000, rng=4).ex_post_ir_violation_share == 0.0
    share = pa.simulate(M.KPrice(3), prior, 4, 50_000, rng=4).ex_post_ir_violation_share
    assert share > 0.05  # about a quarter of auctions: bids are 1.5 v for k = 3, n = 4


@pytest.mark.parametrize("n", [2, 3, 5, 10])
def test_spa_privacy_loss_eq9_is_prior_free(prior, n):
    expected = sum(1.0 / k for k in range(1, n)) - math.log(n)
    assert M.SecondPrice().privacy_loss(prior, n) == pytest.approx(expected, abs=1e-15)


def test_spa_privacy_loss_increases_to_euler_gamma():
    prior = stats.uniform(0, 1)
    values = [M.SecondPrice().privacy_loss(prior, n) for n in range(2, 200)]
    assert values[0] == pytest.approx(1 - math.log(2), abs=1e-15)
    assert np.all(np.diff(values) > 0)
    assert values[-1] < np.euler_gamma
    assert np.euler_gamma - values[-1] < 1 / 199  # H_{n-1} - log n = γ - 1/(2n) + O(1/n²)


def test_reserve_without_reserve_is_the_spa():
    for n in (2, 4):
        assert M.ReservePrice(0.0).privacy_loss(stats.uniform(0, 1), n) == pytest.approx(
            M.SecondPrice().privacy_loss(stats.uniform(0, 1), n), abs=1e-10
        )


def test_k_price_privacy_loss_matches_spa_at_k2_and_decreases():
    prior = stats.uniform(0, 1)
    n = 6
    values = [M.KPrice(k).privacy_loss(prior, n) for k in range(2, n + 1)]
    assert values[0] == pytest.approx(M.SecondPrice().privacy_loss(prior, n), abs=1e-14)
    assert np.all(np.diff(values) < 0)


# -- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call, exc, message",
    [
        (lambda: pa.simulate(M.SecondPrice(), stats.uniform(), 1, 10), ValueError,
         r"`n_bidders` must be an integer >= 2; got 1"),
        (lambda: pa.simulate(M.KPrice(3), stats.uniform(), 2, 10), ValueError,
         r"`n_bidders` must be an integer >= 3; got 2"),
        (lambda: pa.simulate(M.SecondPrice(), stats.uniform(), 2, 0), ValueError,
         r"`n_auctions` must be an integer >= 1; got 0"),
        (lambda: pa.simulate(M.SecondPrice(), stats.uniform(), 2.5, 10), TypeError,
         r"`n_bidders` must be an integer"),
        (lambda: pa.simulate(M.ZeroKLottery(0.5), stats.uniform(), 2, 10), ValueError,
         r"`K` must be >= the top of the prior's support \(1.0\); got 0.5"),
        (lambda: pa.simulate(M.ReservePrice(1.5), stats.uniform(), 2, 10), ValueError,
         r"`reserve` must lie in the prior's support \[0.0, 1.0\); got 1.5"),
        (lambda: pa.simulate(M.SecondPrice(), stats.uniform, 2, 10), TypeError,
         r"`prior` must be a frozen continuous"),
        (lambda: pa.simulate(M.SecondPrice(), stats.binom(3, 0.5), 2, 10), TypeError,
         r"discrete"),
        (lambda: pa.simulate(M.ZeroKLottery(2), stats.expon(), 2, 10), ValueError,
         r"bounded support"),
        (lambda: pa.simulate(M.SecondPrice(), stats.norm(), 2, 10), ValueError,
         r"`prior` must have a support >= 0 \(values and prices are non-negative, Section 3\); "
         r"got \[-inf, inf\] with P\(value < 0\) = 0.5"),
        (lambda: M.KPrice(3.0), None, None),
        (lambda: pa.simulate(M.SecondPrice(), stats.uniform(), 2, True), TypeError,
         r"`n_auctions` must be an integer >= 1; got True"),
        (lambda: pa.simulate("SPA", stats.uniform(), 2, 10), TypeError, r"`mechanism` must be"),
        (lambda: pa.simulate(M.SecondPrice(), stats.uniform(), 2, 10, rng="x"), TypeError,
         r"`rng` must be"),
        (lambda: M.ZeroKLottery(-1), ValueError, r"`K` must be > 0.0; got -1.0"),
        (lambda: M.KPrice(1), ValueError, r"FirstPrice"),
    ],
)
def test_bad_input_is_refused_naming_the_parameter(call, exc, message):
    if exc is None:  # accepted, and normalised
        assert repr(call()) == "KPrice(k=3)"
        return
    with pytest.raises(exc, match=message):
        call()


# -- plug-ins that break the contract --------------------------------------------------------
@dataclass(frozen=True)
class Broken(Mechanism):
    """A plug-in whose `run` returns whatever `flaw` asks for."""

    flaw: str = "shape"
    ex_post_ir = True
    efficient = True

    def run(self, bids, rng):
        winner, high, second = top_two(bids, rng)
        if self.flaw == "shape":
            return winner[:-1], second[:-1]
        if self.flaw == "index":
            return np.full_like(winner, bids.shape[1]), second
        if self.flaw == "nan":
            second[3] = np.nan
            return winner, second
        if self.flaw == "negative":
            return winner, second - 10
        if self.flaw == "above_value":
            return winner, high + 1
        if self.flaw == "inefficient":
            return (winner + 1) % bids.shape[1], second
        if self.flaw == "single":
            return winner
        raise AssertionError(self.flaw)


@pytest.mark.parametrize(
    "flaw, message",
    [
        ("shape", r"Broken.run returned `winner` of shape \(\d+,\); it must have shape"),
        ("index", r"Broken.run returned `winner` index 3 in auction 0; it must be in \[-1, 2\]"),
        ("nan", r"`price` nan for the sold item in auction 3"),
        ("negative", r"must be finite and >= 0"),
        ("above_value", r"Broken declares ex_post_ir = True but in auction 0 the winner pays"),
        ("inefficient", r"Broken declares efficient = True but in auction 0"),
        ("single", r"Broken.run must return a pair \(winner, price\)"),
    ],
)
def test_plugin_contract_errors_name_the_class_and_rule(flaw, message):
    with pytest.raises(MechanismContractError, match=message):
        pa.simulate(Broken(flaw), stats.uniform(), 3, 100, rng=0)


def test_minimal_plugin_without_declarations_works_everywhere():
    class Minimal(Mechanism):
        def run(self, bids, rng):
            winner, _, second = top_two(bids, rng)
            return winner, second

    out = pa.simulate(Minimal(), stats.uniform(), 2, 1_000, rng=0)
    assert out.sold_share == 1.0
    with pytest.raises(NotImplementedError, match="Minimal gives no analytical privacy loss"):
        Minimal().privacy_loss(stats.uniform(), 2)


def test_chunking_bounds_memory_and_covers_every_auction():
    out = pa.simulate(M.SecondPrice(), stats.uniform(), 3, 10_001, rng=0, chunk_size=1_000)
    assert out.n_auctions == 10_001 and np.all(np.isfinite(out.price))
    assert repr(out).startswith("Outcomes(SecondPrice(), n_bidders=3, n_auctions=10001")


def test_custom_mechanism_example_runs():
    import runpy
    from pathlib import Path

    example = runpy.run_path(str(Path(__file__).parents[1] / "examples" / "custom_mechanism.py"))
    rows = example["main"](n_auctions=20_000, seed=1)
    spa = rows["SecondPrice()"]
    rounded = rows["RoundedSecondPrice(step=0.05)"]
    assert spa["analytical_privacy_loss"] == pytest.approx(1 - math.log(2))
    assert rounded["ex_post_ir_violations"] == 0.0
    assert rounded["revenue"] < spa["revenue"]  # rounding down lowers every price
