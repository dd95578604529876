"""The rival audience: what a bidder who also knows its own value learns, analytical against
estimated, and errors that name the parameter."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import integrate, special, stats

import privauction as pa
from privauction import disclosure as dc
from privauction.estimators import InfinitePrivacyLossWarning
from privauction.theory.disclosure import rival_winner_identity_loss

U01 = stats.uniform(0, 1)
SPA = pa.mechanisms.SecondPrice()


@pytest.fixture(scope="module")
def outs():
    return {n: pa.simulate(SPA, U01, n, 20_000, rng=40 + n, keep="values") for n in (2, 3, 5)}


def _h(p):
    return -special.xlogy(p, p) - special.xlogy(1 - p, 1 - p)


def _identity_kl_on_grid(n, grid):
    """E over (a, b) of KL(P(D | a, b) || P(D | b)) by the midpoint rule, the laws of the
    winner's identity written out by counting who holds the maximum."""
    g = (np.arange(grid) + 0.5) / grid
    a, b = np.meshgrid(g, g, indexing="ij")
    m = n - 1
    p_rival_b = b**m                               # P(rival wins | Z)
    p_top = np.maximum(a, b) ** (n - 2)            # the larger of V0, Z beats the others
    # P(D = d | a, b) for d = 0 (bidder 0), n-1 (rival), one of the n-2 others; a cell on
    # the diagonal a = b is cut in half by the jump: half each.
    p0 = np.where(a > b, p_top, np.where(a == b, p_top / 2, 0.0))
    pr = np.where(b > a, p_top, np.where(a == b, p_top / 2, 0.0))
    po = (1 - p_top) / (n - 2)
    q0 = (1 - p_rival_b) / m                       # P(D = 0 | Z); each other the same
    kl = (special.xlogy(p0, p0) - special.xlogy(p0, q0)
          + special.xlogy(pr, pr) - special.xlogy(pr, p_rival_b)
          + (n - 2) * (special.xlogy(po, po) - special.xlogy(po, q0)))
    return kl.mean()


def test_rival_identity_loss_by_enumeration():
    # A second, independent computation of rival_winner_identity_loss(n, "bidder"):
    # MI(V0; D | Z) = E KL(P(D | V0, Z) || P(D | Z)) on a grid. The log singularity at b = 1
    # makes the midpoint error O(1/G) (3.5e-4 at G = 1000, n = 3); Richardson's 2 K(2G) - K(G)
    # removes it: measured error <= 2.2e-6 for n = 3, 4, 6.
    for n in (3, 4, 6):
        extrapolated = 2 * _identity_kl_on_grid(n, 1000) - _identity_kl_on_grid(n, 500)
        assert rival_winner_identity_loss(n, "bidder") == pytest.approx(extrapolated, abs=1e-5)
    # the winner's: ∫ h(b^m) db, and 1/2 at n = 2 (∫ h(b) db = 2 ∫ -b log b db)
    assert rival_winner_identity_loss(2, "winner") == pytest.approx(0.5, abs=1e-12)
    assert rival_winner_identity_loss(4, "winner") == pytest.approx(
        integrate.quad(lambda b: _h(b**3), 0, 1)[0], abs=1e-10)


# 99.9 % intervals on the 9 cases (k = 3, 20 000 auctions; at seed 5 the n = 5 bidder's
# interval was [0.261, 0.281] around 0.271 against 0.2743).
@pytest.mark.parametrize("n", [2, 3, 5])
@pytest.mark.parametrize("whose", ["winner", "runner-up", "bidder"])
def test_winner_only_rival_estimate_covers(outs, n, whose):
    truth = pa.privacy_loss(SPA, U01, n, dc.WinnerOnly(), whose, audience="rival")
    est = pa.estimate_privacy_loss(outs[n], disclosure=dc.WinnerOnly(), whose=whose,
                                   audience="rival", ci=0.999, rng=0)
    assert est.ci_low <= truth <= est.ci_high


@pytest.mark.parametrize("disclosure", [dc.WinnerAndPrice(), dc.PriceOnly()], ids=repr)
def test_the_price_at_n2_tells_the_rival_whether_it_won(outs, disclosure):
    # n = 2: given Z = v, W = v (the rival won) or W > v, and the price says which and nothing
    # more (it is Z itself when the rival lost, the loser's value when it won), so
    # MI(W; D | Z) = E h(F(Z)) = 1/2, computed here by quadrature, not by the library.
    truth = integrate.quad(lambda v: _h(U01.cdf(v)) * U01.pdf(v), 0, 1)[0]
    est = pa.estimate_privacy_loss(outs[2], disclosure=disclosure, audience="rival",
                                   ci=0.999, rng=0)
    assert est.ci_low <= truth <= est.ci_high


def test_the_rival_knows_more_than_an_outsider(outs):
    # The winner's identity tells an outsider nothing about the winner's value (0), the rival
    # ∫ h(b^m) db > 0; the intervals must separate.
    est = pa.estimate_privacy_loss(outs[3], disclosure=dc.WinnerOnly(), audience="rival",
                                   rng=0)
    out = pa.estimate_privacy_loss(outs[3], disclosure=dc.WinnerOnly(), rng=0)
    assert out.ci_high < est.ci_low


def test_infinite_and_zero_cases(outs):
    for disclosure, whose in ((dc.PriceOnly(), "runner-up"), (dc.WinnerAndPrice(), "bidder")):
        assert pa.privacy_loss(SPA, U01, 3, disclosure, whose, audience="rival") == math.inf
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InfinitePrivacyLossWarning)
            est = pa.estimate_privacy_loss(outs[3], disclosure=disclosure, whose=whose,
                                           audience="rival", rng=0)
        assert est.infinite
    assert pa.privacy_loss(SPA, U01, 3, dc.Nothing(), "winner", audience="rival") == 0.0
    est = pa.estimate_privacy_loss(outs[3], disclosure=dc.Nothing(), audience="rival", rng=0)
    assert est.estimate == 0.0


def test_rival_errors_name_the_parameter(outs):
    plain = pa.simulate(SPA, U01, 2, 1_000, rng=0)
    with pytest.raises(ValueError, match=r"`audience` must be one of 'outsider', 'rival'; "
                                         r"got 'seller'"):
        pa.estimate_privacy_loss(outs[2], audience="seller")
    with pytest.raises(TypeError, match="`audience` must be one of"):
        pa.privacy_loss(SPA, U01, 2, audience=1)
    with pytest.raises(ValueError, match="`audience` must be one of"):
        pa.privacy_loss(SPA, U01, 2, audience="everyone")
    with pytest.raises(ValueError, match=r"audience='rival' needs .* keep='values'"):
        pa.estimate_privacy_loss(plain, audience="rival")
    with pytest.raises(ValueError, match="method='mixed' only"):
        pa.estimate_privacy_loss(outs[2], audience="rival", method="ksg")
    with pytest.raises(NotImplementedError, match="rival audience under NoisyPrice"):
        pa.privacy_loss(SPA, U01, 2, dc.NoisyPrice(0.1), audience="rival")


def test_frontier_for_the_rival():
    table = pa.disclosure_frontier(U01, 3, [SPA], [dc.WinnerOnly(), dc.Nothing()], 4_000,
                                   rng=0, audience="rival")
    assert set(table["audience"]) == {"rival"}
    losses = table[table["quantity"] == "privacy_loss"].set_index(["disclosure", "whose"])
    for whose in ("winner", "runner-up", "bidder"):
        assert losses.loc[("WinnerOnly()", whose), "analytical"] == pytest.approx(
            rival_winner_identity_loss(3, whose), abs=1e-12)
        assert losses.loc[("Nothing()", whose), "estimate"] == 0.0
    with pytest.raises(ValueError, match="`audience` must be one of"):
        pa.disclosure_frontier(U01, 3, [SPA], [dc.Nothing()], 100, audience="bidder")
