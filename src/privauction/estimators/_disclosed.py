"""The privacy loss of any person under any disclosure, estimated from simulated outcomes.

``L = P(E) · MI(X; D | E)``: ``X`` the value of the winner, the runner-up (second-highest
value) or bidder 0, ``D`` what a disclosure publishes (an array ``(n_auctions, d)``), ``E`` the
sale event, as in Definition 2 of the auction paper. The disclosure is used through its
contract only (``checked_publish`` and ``discrete_columns``, duck-typed: this layer does not
import :mod:`privauction.disclosure`).

Published columns are split by the chain rule: with ``C`` the discrete columns (the winner's
identity, rounded prices) jointly coded as one label and ``Y`` the continuous columns (one, or a
vector of several, e.g. every bid of a non-truthful auction),

    ``MI(X; (C, Y)) = MI(X; C) + Σ_c P(C = c) MI(X; Y | C = c)``

(Cover & Thomas, *Elements of Information Theory*, Eq. 2.62). ``MI(X; C)`` is Ross's (2014)
estimator for a label and a continuous variable; ``MI(X; Y | C = c)`` the chosen estimator
on the rows of label ``c`` (a vector ``Y`` goes to the vector form of
:func:`~privauction.estimators.mutual_information`, max-norm in the joint space of the
standardised columns). A column equal to the person's value (``AllBids``, or the
price for the runner-up of a second-price auction) means an infinite loss and is detected
exactly before anything is estimated.

**The rival audience** (``audience="rival"``) is the last bidder, ``n - 1``, who also knows its
own value ``Z = V_{n-1}`` (for ``whose="bidder"``, bidder 0, it is another bidder). Its loss is
``P(E) · MI(X; D | Z, E)``. The rival may be the winner or the runner-up itself: with
``A = 1{X = Z}`` (a function of ``(X, Z)``) the chain rule gives

    ``MI(X; D | Z) = MI(A; D | Z) + P(A = 0) MI(X; D | Z, A = 0)``

(``MI(X; D | Z, A = 1) = 0``: the rival knows ``X`` then), with ``MI(A; D | Z) =
MI(A; (D, Z)) - MI(A; Z)`` by Ross's estimator on blocks and the second term by the mixed
conditional estimator (Mesner & Shalizi 2021). A kNN estimator cannot see that a published
column equals ``Z`` exactly within a row (a singular relation), so the rival's comparison
``1{D_j = Z}`` of each continuous column with its own value is published to it as an extra
discrete column (a function of ``(D, Z)``, it leaves the conditional MI unchanged).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._validation import PrivauctionWarning
from ._api import METHODS
from ._blocks import mixed_cmi, ross_mi_block, standardized_block
from ._interval import sold_subsample_size, subsample_interval
from ._mixed import ross_mi
from .privacy_loss import InfinitePrivacyLossWarning, PrivacyLossEstimate, _reveals_value

__all__ = ["WHOSE", "AUDIENCES", "estimate_disclosed"]

WHOSE = ("winner", "runner-up", "bidder")
AUDIENCES = ("outsider", "rival")

#: A column of a plug-in that does not say which of its columns are discrete is taken as
#: discrete when it takes at most this many values on the sold auctions.
MAX_DETECTED_CATEGORIES = 64


def _check_whose(whose) -> str:
    if whose not in WHOSE or not isinstance(whose, str):
        err = ValueError if isinstance(whose, str) else TypeError
        raise err(f"`whose` must be one of {', '.join(map(repr, WHOSE))}; got {whose!r}")
    return whose


def _check_audience(audience) -> str:
    if audience not in AUDIENCES or not isinstance(audience, str):
        err = ValueError if isinstance(audience, str) else TypeError
        raise err(f"`audience` must be one of {', '.join(map(repr, AUDIENCES))}; got "
                  f"{audience!r}")
    return audience


def rival_value(outcomes) -> np.ndarray:
    """The rival's own value: that of the last bidder, ``n - 1``."""
    values = getattr(outcomes, "values", None)
    if values is None:
        raise ValueError(
            "audience='rival' needs the rival's own value, which `outcomes` does not keep: "
            "simulate with privauction.simulate(..., keep='values')"
        )
    return np.asarray(values, dtype=float)[:, -1]


def _rival_loss(x, z, code, y, k, workers) -> float:
    """``MI(A; (D, Z)) - MI(A; Z) + P(A = 0) MI(X; D | Z, A = 0)``, ``A = 1{X = Z}``, with ``D``
    the label ``code`` and the continuous block ``y`` (either may be None); see the module
    docstring."""
    cols = []
    if code is not None:
        cols.append(code.astype(float)[:, None])
    if y is not None:
        yb = y[:, None] if y.ndim == 1 else y
        cols.append(yb)
        cols.append((yb == z[:, None]).astype(float))    # the rival compares with its own value
    blk = np.hstack(cols)
    blk = blk[:, np.ptp(blk, axis=0) > 0]
    if blk.shape[1] == 0:
        return 0.0
    a = x == z
    total = 0.0
    if a.any() and not a.all():
        labels = a.astype(np.int64)
        total += (ross_mi_block(labels, standardized_block(np.column_stack([blk, z])), k,
                                workers=workers)
                  - ross_mi_block(labels, standardized_block(z[:, None]), k, workers=workers))
    rest = ~a
    if np.count_nonzero(rest) > k + 1:
        part = blk[rest]
        part = part[:, np.ptp(part, axis=0) > 0]
        if part.shape[1]:
            total += rest.mean() * mixed_cmi(x[rest][:, None], part, z[rest][:, None], k,
                                             workers=workers)
    return total


def person_value(outcomes, whose: str):
    """The value of ``whose`` in every auction, and where it ties with another bidder's."""
    w = np.asarray(outcomes.winner_value, dtype=float)
    second = np.asarray(outcomes.second_value, dtype=float)
    if whose == "winner":
        return w, second == w
    if whose == "runner-up":
        return second, second == w
    values = getattr(outcomes, "values", None)
    if values is None:
        raise ValueError(
            "whose='bidder' needs every bidder's value, which `outcomes` does not keep: "
            "simulate with privauction.simulate(..., keep='values')"
        )
    values = np.asarray(values, dtype=float)
    x = values[:, 0]
    return x, (values == x[:, None]).sum(axis=1) > 1


def person_bid(outcomes, whose: str):
    """The bid of ``whose`` in every auction, or None when the outcomes keep no bids."""
    bids = getattr(outcomes, "bids", None)
    values = getattr(outcomes, "values", None)
    if bids is None or values is None:
        return None
    bids = np.asarray(bids, dtype=float)
    if whose == "bidder":
        return bids[:, 0]
    values = np.asarray(values, dtype=float)
    if whose == "winner":
        seat = np.asarray(outcomes.winner)
        seat = np.where(seat >= 0, seat, np.argmax(values, axis=1))
    else:                                   # the holder of the second-highest value
        seat = np.argsort(values, axis=1, kind="stable")[:, -2]
    return np.take_along_axis(bids, seat[:, None], axis=1)[:, 0]


def _publishes_revealing_bid(outcomes, whose, x, rows, pub, varying, tie) -> str:
    """Why the published row contains the person's own bid and that bid reveals its value
    (a strictly monotone bid function, e.g. every bid of a first-price auction published
    sorted, where no single column follows the person), or ``""``.

    Exact: the bid must equal a published entry in at least two auctions, and be a strictly
    monotone function of the value (or equal it) on the auctions considered."""
    bid = person_bid(outcomes, whose)
    if bid is None or not varying or np.count_nonzero(rows) < 2:
        return ""
    b, v = bid[rows], x[rows]
    in_row = (pub[rows][:, varying] == b[:, None]).any(axis=1)
    found = int(np.count_nonzero(in_row & ~tie[rows]))
    if found < 2:
        return ""
    reveals, _, why = _reveals_value(v, b, tie[rows])
    if not reveals:
        return ""
    return (f"the {whose}'s own bid is published in {found} of {int(rows.sum())} sold "
            f"auctions, and {why.replace('the price', 'the bid').replace('winner', whose)}")


def _publish(outcomes, disclosure, rng):
    """The published array and which columns are discrete (the papers' rule when None)."""
    if disclosure is None:
        winner = np.asarray(outcomes.winner)
        pub = np.column_stack([np.where(winner >= 0, winner, np.nan),
                               np.asarray(outcomes.price, dtype=float)])
        return pub, (True, False)
    if isinstance(disclosure, type):
        raise TypeError(
            "`disclosure` must be a privauction.disclosure.Disclosure instance; got the class "
            f"{disclosure.__name__} itself (call {disclosure.__name__}(...) to make one)"
        )
    if not callable(getattr(disclosure, "checked_publish", None)):
        raise TypeError(
            "`disclosure` must be a privauction.disclosure.Disclosure; got "
            f"{type(disclosure).__name__}"
        )
    pub = disclosure.checked_publish(outcomes, rng)
    kinds = disclosure.discrete_columns(pub.shape[1])
    return pub, kinds


def _chain_rule(x, code, y, method, k, workers) -> float:
    """``MI(X; C) + Σ_c P(C = c) MI(X; Y | C = c)`` (either part may be absent)."""
    total = 0.0
    if code is not None:
        total += ross_mi(code, x, k)
    if y is None:
        return total
    if y.ndim == 2:                    # a vector: the block estimators take x as a block too
        x = x[:, None]
    if code is None:
        return total + METHODS[method](x, y, n_neighbors=k, standardize=True, workers=workers)
    n = x.shape[0]
    order = np.argsort(code, kind="stable")
    bounds = np.flatnonzero(np.diff(code[order])) + 1
    for rows in np.split(order, bounds):
        if rows.size <= k + 1:
            continue
        yc = y[rows]
        if yc.ndim == 2:                   # a column constant on this label tells nothing more
            yc = yc[:, np.ptp(yc, axis=0) > 0]
            if yc.shape[1] == 0:
                continue
        elif not np.ptp(yc) > 0:
            continue
        total += rows.size / n * METHODS[method](x[rows], yc, n_neighbors=k, standardize=True,
                                                 workers=workers)
    return total


def estimate_disclosed(outcomes, disclosure, whose, *, method, level, n_resamples,
                       subsample_size, k, detect_infinite, rng, workers, audience="outsider",
                       progress=None):
    """``estimate_privacy_loss`` with ``disclosure``, ``whose`` and ``audience`` (arguments
    already checked there, except these three)."""
    whose = _check_whose(whose)
    audience = _check_audience(audience)
    if method == "observer":
        raise ValueError(
            "method='observer' estimates the winner's loss under the papers' rule only; use "
            "method='mixed' with `disclosure`, `whose` or `audience`"
        )
    if audience == "rival" and method != "mixed":
        raise ValueError(
            f"audience='rival' is estimated with method='mixed' only; got method={method!r}"
        )
    sold = np.asarray(outcomes.sold, dtype=bool)
    n = int(sold.shape[0])
    n_sold = int(np.count_nonzero(sold))
    if n_sold == 0:
        raise ValueError("`outcomes` has no sold auction, so the privacy loss is 0 by "
                         "Definition 2 and there is nothing to estimate; check the reserve price")
    sold_share = n_sold / n
    x, tie = person_value(outcomes, whose)
    z = rival_value(outcomes) if audience == "rival" else None
    # Where the rival is the person, it knows the value: nothing there can reveal it.
    unknown = np.ones(n, dtype=bool) if z is None else x != z
    # The disclosure draws (noise, random rounding) from a child stream: with the seed that
    # simulated the values (rng=0 in both calls) the parent stream would repeat the values'
    # draws, and uniform values would come back as the noise itself.
    pub, kinds = _publish(outcomes, disclosure, rng.spawn(1)[0])
    d = pub.shape[1]
    on_sale = pub[sold]
    varying = [j for j in range(d) if np.unique(on_sale[:, j]).size > 1]
    if kinds is None:
        kinds = tuple(np.unique(on_sale[:, j]).size <= MAX_DETECTED_CATEGORIES
                      for j in range(d))

    def result(value, low, high, se, interval, bias=0.0, tie_share=0.0, infinite=False):
        return PrivacyLossEstimate(value, low, high, n, method, level, se, bias,
                                   sold_share=sold_share, n_sold=n_sold, interval=interval,
                                   tie_share=tie_share, infinite=infinite)

    if not varying:                       # nothing that varies is published: no loss
        return result(0.0, 0.0, 0.0, 0.0, "none")
    if detect_infinite:
        for j in varying:
            col = on_sale[:, j]
            ok = ~np.isnan(col) & unknown[sold]
            if kinds[j]:
                # A discrete column reveals the value only by equalling it: among its values
                # seen once, any rounding is monotone in the value (not a revelation).
                equal = int(np.count_nonzero((col[ok] == x[sold][ok]) & ~tie[sold][ok]))
                reveals, tie_share = equal >= 2, equal / max(int(ok.sum()), 1)
                reason = (f"it equals the value exactly in {equal} of {int(ok.sum())} sold "
                          "auctions")
            else:
                reveals, tie_share, reason = _reveals_value(x[sold][ok], col[ok],
                                                            tie[sold][ok])
            if reveals:
                warnings.warn(
                    f"published column {j}: "
                    f"{reason.replace('the price', 'it').replace('winner', whose)}; the "
                    f"disclosure reveals the {whose}'s value on an event of positive "
                    "probability, so the privacy loss is infinite; returning inf (pass "
                    "detect_infinite=False to get the finite-sample estimate anyway)",
                    InfinitePrivacyLossWarning, stacklevel=3,
                )
                return result(math.inf, math.inf, math.inf, math.nan, "none", math.nan,
                              tie_share, True)
        reason = _publishes_revealing_bid(outcomes, whose, x, sold & unknown, pub, varying,
                                          tie)
        if reason:
            warnings.warn(
                f"{reason}; the disclosure reveals the {whose}'s value on an event of positive "
                "probability, so the privacy loss is infinite; returning inf (pass "
                "detect_infinite=False to get the finite-sample estimate anyway)",
                InfinitePrivacyLossWarning, stacklevel=3,
            )
            return result(math.inf, math.inf, math.inf, math.nan, "none", math.nan, 0.0, True)
    discrete = [j for j in varying if kinds[j]]
    continuous = [j for j in varying if not kinds[j]]
    for j in continuous:
        if np.isnan(on_sale[:, j]).any():
            raise ValueError(
                f"published column {j} is NaN in a sold auction; a continuous published "
                "field must be present whenever the item sells"
            )
    code = None
    if discrete:
        block = np.where(np.isnan(pub[:, discrete]), -np.inf, pub[:, discrete])
        code = np.unique(block, axis=0, return_inverse=True)[1].reshape(-1)
    if not continuous:
        y = None
    elif len(continuous) == 1:
        y = pub[:, continuous[0]]
    else:
        y = np.ascontiguousarray(pub[:, continuous])

    def statistic(rows):
        s = sold[rows]
        r = rows[s]
        c = None if code is None else code[r]
        yr = None if y is None else y[r]
        if z is not None:
            return s.mean() * _rival_loss(x[r], z[r], c, yr, k, workers)
        return s.mean() * _chain_rule(x[r], c, yr, method, k, workers)

    estimate = statistic(np.arange(n))
    m = sold_subsample_size(n, k, sold_share, subsample_size)
    band = subsample_interval(statistic, n, estimate, level=level, n_resamples=n_resamples,
                              subsample_size=m, rng=rng, progress=progress)
    if not band.std_error > 0:
        warnings.warn(
            "the subsampling interval has zero width: the subsamples' estimates are all "
            "equal, so the interval says nothing about the error; simulate more auctions",
            PrivauctionWarning, stacklevel=3,
        )
    return result(estimate, band.low, band.high, band.std_error, "subsample", band.bias)
