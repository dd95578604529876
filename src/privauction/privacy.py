"""``privacy_loss``: the analytical privacy loss of a person under a mechanism and a disclosure.

It dispatches to the one home of each formula: ``Mechanism.privacy_loss`` for the winner under
the papers' rule (Definition 2 of the auction paper) and :mod:`privauction.theory.disclosure`
for the other rules and people; it raises ``NotImplementedError`` naming the case where no
analytical value is known (estimate it with :func:`privauction.estimate_privacy_loss`).
"""

from __future__ import annotations

import math

from . import disclosure as dc
from .mechanisms import FirstPrice, Mechanism, ReservePrice, SecondPrice, ZeroKLottery
from .priors import support, validate_prior
from .theory import disclosure as th

__all__ = ["privacy_loss", "WHOSE", "AUDIENCES"]

WHOSE = th.WHOSE
AUDIENCES = ("outsider", "rival")


def check_whose(whose) -> str:
    """``whose`` as given, or TypeError / ValueError naming the parameter."""
    if not isinstance(whose, str):
        raise TypeError(f"`whose` must be one of {', '.join(map(repr, WHOSE))}; got {whose!r}")
    if whose not in WHOSE:
        raise ValueError(f"`whose` must be one of {', '.join(map(repr, WHOSE))}; got {whose!r}")
    return whose


def check_audience(audience) -> str:
    """``audience`` as given, or TypeError / ValueError naming the parameter."""
    if not isinstance(audience, str):
        raise TypeError(f"`audience` must be one of {', '.join(map(repr, AUDIENCES))}; got "
                        f"{audience!r}")
    if audience not in AUDIENCES:
        raise ValueError(f"`audience` must be one of {', '.join(map(repr, AUDIENCES))}; got "
                         f"{audience!r}")
    return audience


def _rival_loss(mechanism, prior, n: int, disclosure, whose: str) -> float:
    """The rival's (bidder ``n - 1``, who knows its own value) loss where it is known."""
    kind = type(disclosure)
    spa, reserve = _spa_reserve(mechanism, prior)
    if kind is dc.Nothing:
        return 0.0
    if kind is dc.AllBids and mechanism.strategy == "truthful":
        return math.inf                  # the person's value is published unless it is Z
    if spa and kind in (dc.WinnerAndPrice, dc.PriceOnly) and whose != "winner":
        return math.inf                  # P = L (> r) whenever the rival is not the runner-up
    if kind is dc.WinnerOnly and mechanism.efficient:
        return th.rival_winner_identity_loss(n, whose)
    raise NotImplementedError(
        f"no analytical privacy loss of the {whose} for the rival audience under "
        f"{disclosure!r} with {mechanism!r}; estimate it with "
        "privauction.estimate_privacy_loss(outcomes, disclosure=..., whose=..., "
        "audience='rival')"
    )


def _anonymous(mechanism) -> bool:
    """The winner's identity is independent of the values' order statistics (i.i.d. values):
    the highest bidder wins (efficient), or the highest wins whenever the item sells (reserve)."""
    return bool(mechanism.efficient) or isinstance(mechanism, ReservePrice)


def _bids_reveal_values(mechanism) -> bool:
    """Every bid is a strictly increasing function of its bidder's value: truthful bidding, or
    the first-price BNE ``b(v) = E[Y1 | Y1 < v]`` (strictly increasing for a prior with a
    positive density; Krishna, *Auction Theory*, Prop. 2.2)."""
    return mechanism.strategy == "truthful" or type(mechanism) is FirstPrice


def _winner_price_reveals(mechanism, prior, n: int) -> bool:
    """The price reveals the winner's value (``mechanism.privacy_loss`` is infinite)."""
    try:
        return math.isinf(mechanism.privacy_loss(prior, n))
    except NotImplementedError:
        return False


def _spa_reserve(mechanism, prior):
    """``(True, reserve or None)`` for the SPA family, ``(False, None)`` otherwise."""
    if type(mechanism) is SecondPrice:
        return True, None
    if type(mechanism) is ReservePrice:
        return True, mechanism.reserve_for(prior)
    return False, None


def _zero_k_price_like(disclosure, K: float) -> bool | None:
    """Whether a rounding of the {0,K} price still tells 0 from K (True), publishes one value
    (False), or is not a rounding (None)."""
    if type(disclosure) is dc.RoundedPrice:
        s = disclosure.step
        return math.floor(K / s + 0.5) != 0
    if type(disclosure) is dc.StochasticRounding:
        s = float(disclosure.spacing(K))
        return math.floor(K / s) > 0 or K >= disclosure.largest   # K's lower neighbour is > 0
    return None


def privacy_loss(mechanism, prior, n_bidders: int, disclosure=None, whose: str = "winner",
                 audience: str = "outsider") -> float:
    """Analytical privacy loss, in nats, of ``whose`` when ``mechanism`` publishes ``disclosure``.

    As in Definition 2 of the auction paper the loss is counted on the sale event ``E``:
    ``P(E) · MI(X; D | E)``, with ``X`` the value of the winner, of the runner-up (the
    second-highest value) or of bidder 0, and ``D`` what ``disclosure`` publishes.

    Parameters
    ----------
    mechanism : privauction.mechanisms.Mechanism
    prior : frozen continuous scipy.stats distribution
        Values are i.i.d. from it.
    n_bidders : int
    disclosure : privauction.disclosure.Disclosure, optional
        Default ``WinnerAndPrice()``, the papers' rule.
    whose : {"winner", "runner-up", "bidder"}
    audience : {"outsider", "rival"}
        An outsider who knows the prior only (Definition 2), or the rival: the last bidder,
        ``n - 1``, who also knows its own value ``Z``; its loss is ``P(E) · MI(X; D | Z, E)``.

    Returns
    -------
    float
        ``math.inf`` where the disclosure reveals the value with positive probability.

    Raises
    ------
    NotImplementedError
        Naming the case, when no analytical value is known.
    TypeError, ValueError
        On bad arguments, naming the parameter.

    Notes
    -----
    Known values (``ρ = F(r)``; SPA = ``SecondPrice`` or ``ReservePrice``):

    * ``Nothing()``: 0. ``AllBids()`` under truthful bidding or the first-price equilibrium
      (bids strictly increasing in values): ``inf`` for everyone;
    * ``WinnerAndPrice()`` / ``PriceOnly()``, bidder 0 under an anonymous mechanism whose price
      reveals the winner's value (first price, winner-bid lottery): ``inf`` (bidder 0 wins with
      probability ``1/n`` and is then revealed);
    * ``WinnerAndPrice()`` / ``PriceOnly()``, winner: ``mechanism.privacy_loss`` (the identity
      of an anonymous mechanism's winner is independent of the values' order statistics);
      runner-up and bidder under the SPA: ``inf`` (the price is the runner-up's value);
      {0,K} lottery: a binary channel (:func:`privauction.theory.disclosure.zero_k_price_loss`);
    * ``WinnerOnly()``: 0 for the winner and the runner-up of an anonymous mechanism; a bidder's
      loss :func:`~privauction.theory.disclosure.winner_identity_loss`;
    * ``RoundedPrice(step)`` and ``NoisyPrice(scale)`` under the SPA:
      :func:`~privauction.theory.disclosure.spa_rounded_price_loss`,
      :func:`~privauction.theory.disclosure.spa_noisy_price_loss`;
      ``StochasticRounding`` for the winner and the runner-up:
      :func:`~privauction.theory.disclosure.spa_random_rounding_loss`; under the {0,K} lottery a
      rounding that keeps 0 and K apart is the price itself, and noise gives
      :func:`~privauction.theory.disclosure.zero_k_noisy_price_loss`.

    For the rival audience: ``Nothing()`` 0; ``AllBids()`` under truthful bidding, and the
    price of the SPA for the runner-up and a bidder, ``inf``; ``WinnerOnly()`` under an
    efficient mechanism :func:`~privauction.theory.disclosure.rival_winner_identity_loss`;
    every other case raises ``NotImplementedError`` (estimate it).

    Examples
    --------
    >>> import privauction as pa
    >>> from privauction import disclosure as dc
    >>> from scipy import stats
    >>> spa, prior = pa.mechanisms.SecondPrice(), stats.uniform(0, 1)
    >>> round(pa.privacy_loss(spa, prior, 2), 6)                      # 1 - log 2
    0.306853
    >>> pa.privacy_loss(spa, prior, 2, whose="runner-up")             # the price is its value
    inf
    >>> round(pa.privacy_loss(spa, prior, 2, dc.RoundedPrice(0.1), whose="runner-up"), 4)
    2.1816
    >>> pa.privacy_loss(spa, prior, 2, dc.WinnerOnly())
    0.0
    >>> round(pa.privacy_loss(spa, prior, 2, dc.WinnerOnly(), audience="rival"), 6)
    0.5
    """
    if not isinstance(mechanism, Mechanism):
        raise TypeError(
            "`mechanism` must be an instance of privauction.mechanisms.Mechanism; got "
            f"{type(mechanism).__name__}"
        )
    validate_prior(prior)
    disclosure = dc.WinnerAndPrice() if disclosure is None else disclosure
    if not isinstance(disclosure, dc.Disclosure):
        raise TypeError(
            "`disclosure` must be an instance of privauction.disclosure.Disclosure; got "
            f"{type(disclosure).__name__}"
        )
    whose = check_whose(whose)
    audience = check_audience(audience)
    mechanism.check_compatible(prior, n_bidders)
    n = int(n_bidders)
    if audience == "rival":
        return _rival_loss(mechanism, prior, n, disclosure, whose)
    kind = type(disclosure)
    spa, reserve = _spa_reserve(mechanism, prior)
    lottery = type(mechanism) is ZeroKLottery

    if kind is dc.Nothing:
        return 0.0
    if kind is dc.AllBids and _bids_reveal_values(mechanism):
        return math.inf
    if kind in (dc.WinnerAndPrice, dc.PriceOnly) and whose == "winner" and _anonymous(mechanism):
        return float(mechanism.privacy_loss(prior, n))
    if (kind in (dc.WinnerAndPrice, dc.PriceOnly) and whose == "bidder" and not spa
            and not lottery and _anonymous(mechanism)
            and _winner_price_reveals(mechanism, prior, n)):
        return math.inf
    if kind is dc.WinnerOnly and _anonymous(mechanism):
        if whose != "bidder":
            return 0.0
        rho = 0.0 if reserve is None else float(prior.cdf(reserve))
        return th.winner_identity_loss(n, rho)
    if spa:
        if kind in (dc.WinnerAndPrice, dc.PriceOnly):
            return math.inf                      # runner-up or bidder: P = L with L > r
        if kind is dc.RoundedPrice:
            return th.spa_rounded_price_loss(prior, n, disclosure.step, whose, reserve=reserve)
        if kind is dc.NoisyPrice:
            return th.spa_noisy_price_loss(prior, n, disclosure.scale, whose, reserve=reserve)
        if kind is dc.StochasticRounding and whose != "bidder":
            low, high = support(prior)
            if math.isfinite(high) and high <= disclosure.largest:
                # Prices below 2^-40 of the top are merged into one published value: their
                # probability (below 1e-11 for a prior density bounded near 0) caps the error.
                floor = max(low if reserve is None else float(reserve), high * 2.0**-40)
                return th.spa_random_rounding_loss(prior, n, disclosure.grid(floor, high),
                                                   whose, reserve=reserve)
    if lottery:
        K = float(mechanism.K)
        if kind in (dc.WinnerAndPrice, dc.PriceOnly):
            return th.zero_k_price_loss(prior, n, K, whose,
                                        with_winner=kind is dc.WinnerAndPrice)
        keeps = _zero_k_price_like(disclosure, K)
        if keeps is not None and kind is dc.RoundedPrice:
            return th.zero_k_price_loss(prior, n, K, whose) if keeps else 0.0
        if keeps and kind is dc.StochasticRounding:
            return th.zero_k_price_loss(prior, n, K, whose)
        if kind is dc.NoisyPrice:
            return th.zero_k_noisy_price_loss(prior, n, K, disclosure.scale, whose)
    raise NotImplementedError(
        f"no analytical privacy loss of the {whose} under {disclosure!r} with {mechanism!r}; "
        "estimate it with privauction.estimate_privacy_loss(outcomes, disclosure=..., "
        "whose=...)"
    )
