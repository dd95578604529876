"""Probability laws on the real line as Lemma 1 of the auction paper uses them.

Lemma 1 takes two laws, ``X`` (non-atomic: the winner's value) and ``Y`` (possibly with atoms:
the price), through their CDFs. A :class:`Law` bundles what the quadrature and the sampler need:
the right-continuous CDF and, where known, the survival function (which keeps ``1 - CDF``
accurate in the upper tail), the quantile functions, a density and the locations of atoms.

Constructors for the laws the auction paper uses:

* :func:`winner_value_law` — ``G_W = F^n`` (Step 2 of Theorem 1), or with a reserve ``r`` the
  law of the winner's value given a sale, ``(F^n - F(r)^n) / (1 - F(r)^n)`` (Theorem 2);
* :func:`spa_price_law` — ``G_L = F^n + n (1 - F) F^{n-1}`` (the second-highest value), or with a
  reserve the conditional price law with its atom at ``r`` (proof of Theorem 2);
* :func:`winner_bid_lottery_price_law`, :func:`beta_price_law` — the payment laws of the two
  ex-post IR lotteries of Section 4.2 (mean-preserving spreads of ``G_L``, Step 3), by quadrature;
* :func:`payment_law` — any CDF given as a callable;
* :func:`as_law` — a frozen ``scipy.stats`` distribution (continuous or discrete).

Order statistics are written with the binomial CDF, which stays accurate in both tails:
``G_W(s) = P(Bin(n, S) <= 0)`` and ``G_L(s) = P(Bin(n, S) <= 1)`` with ``S = 1 - F(s)``, i.e.
``G_W = I_F(n, 1)`` and ``G_L = I_F(n - 1, 2)`` (regularised incomplete beta), whose inverses
give the quantile functions.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import integrate, interpolate, special, stats

from .._validation import check_int, check_real
from ..priors import expected_second_given_highest, support, validate_prior

__all__ = [
    "Law",
    "as_law",
    "payment_law",
    "winner_value_law",
    "spa_price_law",
    "winner_bid_lottery_price_law",
    "beta_price_law",
]


@dataclass(frozen=True, eq=False)
class Law:
    """A probability law on the real line, given by its CDF and helpers.

    Attributes
    ----------
    cdf : callable
        Right-continuous CDF, vectorised: ``cdf(s) = P(V <= s)``.
    support : (float, float)
        Lower and upper end of the support (may be infinite).
    sf : callable, optional
        ``P(V > s)``; used instead of ``1 - cdf`` in the upper tail for accuracy.
    ppf, isf : callable, optional
        Quantile function ``min{s : cdf(s) >= u}`` and inverse survival function. Lemma 1's
        ``X`` needs ``ppf`` (the bound is integrated in ``u = X(s)``); the sampler of λ* needs
        ``Y.ppf``.
    pdf : callable, optional
        Density of the continuous part (needed only for a density of λ* w.r.t. Lebesgue).
    atoms : tuple of float
        Points of positive mass (quadrature breakpoints). Empty for a non-atomic law.
    name : str
        A readable label.
    accuracy : float
        Absolute accuracy of ``cdf`` and ``sf`` when they are themselves numerical (tabulated
        laws); :func:`~privauction.theory.ordered_mi_lower_bound` asks its quadrature for no
        more. 0 for closed forms.
    """

    cdf: Callable = field(repr=False)
    support: tuple[float, float]
    sf: Callable | None = field(default=None, repr=False)
    ppf: Callable | None = field(default=None, repr=False)
    isf: Callable | None = field(default=None, repr=False)
    pdf: Callable | None = field(default=None, repr=False)
    atoms: tuple[float, ...] = ()
    name: str = ""
    accuracy: float = 0.0

    def __repr__(self) -> str:
        atoms = f", atoms={self.atoms}" if self.atoms else ""
        return f"Law({self.name or 'unnamed'}, support={self.support}{atoms})"

    @property
    def is_atomless(self) -> bool:
        return not self.atoms

    def survival(self, s):
        """``P(V > s)``, from ``sf`` when given."""
        s = np.asarray(s, dtype=float)
        if self.sf is not None:
            return np.asarray(self.sf(s), dtype=float)
        return 1.0 - np.asarray(self.cdf(s), dtype=float)


def as_law(obj, *, name: str = "law") -> Law:
    """Turn ``obj`` into a :class:`Law`.

    Accepts a :class:`Law` (returned unchanged) or a frozen ``scipy.stats`` distribution:
    continuous (non-atomic, with every helper) or discrete (atoms at its support points when
    the support is finite; its CDF is used as is otherwise).

    Raises
    ------
    TypeError
        For anything else; a bare callable must be wrapped with :func:`payment_law`.
    """
    if isinstance(obj, Law):
        return obj
    dist = getattr(obj, "dist", None)
    if isinstance(dist, stats.rv_continuous):
        validate_prior(obj, name=name)
        return Law(
            cdf=obj.cdf, sf=obj.sf, ppf=obj.ppf, isf=obj.isf, pdf=obj.pdf,
            support=support(obj), name=_label(obj),
        )
    if isinstance(dist, stats.rv_discrete):
        low, high = (float(v) for v in obj.support())
        atoms = ()
        if math.isfinite(low) and math.isfinite(high) and high - low <= 10_000:
            pts = np.arange(low, high + 1)
            atoms = tuple(float(p) for p in pts[obj.pmf(pts) > 0])
        return Law(cdf=obj.cdf, sf=obj.sf, ppf=obj.ppf, isf=obj.isf, support=(low, high),
                   atoms=atoms, name=_label(obj))
    if callable(obj):
        raise TypeError(
            f"`{name}` must be a privauction.theory.Law or a frozen scipy.stats distribution; "
            "got a bare callable: wrap a CDF with privauction.theory.payment_law(cdf, support=...)"
        )
    raise TypeError(
        f"`{name}` must be a privauction.theory.Law or a frozen scipy.stats distribution; "
        f"got {type(obj).__name__}"
    )


def _label(dist) -> str:
    name = getattr(dist.dist, "name", type(dist.dist).__name__)
    args = ", ".join(f"{a:g}" for a in dist.args)
    kwds = ", ".join(f"{k}={v:g}" for k, v in dist.kwds.items())
    return f"{name}({', '.join(p for p in (args, kwds) if p)})"


def _bisect_ppf(cdf, low: float, high: float, n_iter: int = 200):
    """Generalised inverse ``min{s : cdf(s) >= u}`` by vectorised bisection on [low, high]."""

    def ppf(u):
        u = np.asarray(u, dtype=float)
        lo = np.full(u.shape, low)
        hi = np.full(u.shape, high)
        for _ in range(n_iter):
            mid = 0.5 * (lo + hi)
            if np.all((mid == lo) | (mid == hi)):
                break
            up = np.asarray(cdf(mid), dtype=float) >= u
            hi = np.where(up, mid, hi)
            lo = np.where(up, lo, mid)
        return np.where(np.asarray(cdf(np.float64(low)), dtype=float) >= u, low, hi)

    return ppf


def payment_law(
    cdf: Callable,
    *,
    support: tuple[float, float],
    sf: Callable | None = None,
    ppf: Callable | None = None,
    pdf: Callable | None = None,
    atoms=(),
    name: str = "payment",
    accuracy: float = 0.0,
) -> Law:
    """A general payment law ``Y`` from its (right-continuous, possibly jumping) CDF.

    Parameters
    ----------
    cdf : callable
        Vectorised CDF ``s -> P(P <= s)``.
    support : (float, float)
        Where the law lives; with a finite support a missing ``ppf`` is built by bisection.
    sf, ppf, pdf : callable, optional
        Survival function, quantile function, density of the continuous part.
    atoms : sequence of float
        Points where the CDF jumps; the quadrature of Eq. (4) breaks there.
    accuracy : float
        Absolute accuracy of ``cdf`` if it is numerical (see :class:`Law`).

    Examples
    --------
    >>> import numpy as np
    >>> Y = payment_law(lambda s: np.clip(s, 0, 1), support=(0, 1))
    >>> float(Y.ppf(0.25))
    0.25
    """
    if not callable(cdf):
        raise TypeError(f"`cdf` must be callable; got {type(cdf).__name__}")
    low, high = (float(v) for v in support)
    if not low <= high:
        raise ValueError(f"`support` must be (low, high) with low <= high; got {support}")
    if ppf is None and math.isfinite(low) and math.isfinite(high):
        ppf = _bisect_ppf(cdf, low, high)
    atoms = tuple(sorted(float(a) for a in atoms))
    return Law(cdf=cdf, sf=sf, ppf=ppf, pdf=pdf, support=(low, high), atoms=atoms, name=name,
               accuracy=float(accuracy))


def _reserve_quantile(prior, reserve) -> tuple[float, float]:
    low, high = support(prior)
    if reserve is None:
        return low, 0.0
    r = check_real(reserve, "reserve")
    if not low <= r < high:
        raise ValueError(f"`reserve` must lie in the prior's support [{low}, {high}); got {r}")
    return r, float(prior.cdf(r))


def winner_value_law(prior, n_bidders: int, *, reserve: float | None = None) -> Law:
    """Law of the winner's value: ``G_W = F^n`` (Step 2 of Theorem 1's proof).

    With a ``reserve`` ``r`` (quantile ``ρ = F(r)``), the law given a sale, from the proof of
    Theorem 2: ``G_W(s) = (F(s)^n - ρ^n) / (1 - ρ^n)`` for ``s >= r``. Non-atomic.

    Examples
    --------
    >>> from scipy import stats
    >>> X = winner_value_law(stats.uniform(0, 1), 2)
    >>> float(X.cdf(0.5)), float(X.ppf(0.25))
    (0.25, 0.5)
    """
    validate_prior(prior)
    n = check_int(n_bidders, "n_bidders", minimum=1)
    r, rho = _reserve_quantile(prior, reserve)
    base = rho**n
    mass = -math.expm1(n * math.log(rho)) if rho > 0 else 1.0  # 1 - ρ^n

    def cdf(s):
        s = np.asarray(s, dtype=float)
        F = np.asarray(prior.cdf(s), dtype=float)
        return np.where(s >= r, np.clip((F**n - base) / mass, 0.0, 1.0), 0.0)

    def sf(s):
        s = np.asarray(s, dtype=float)
        S = np.asarray(prior.sf(s), dtype=float)
        return np.where(s >= r, np.clip(special.bdtrc(0, n, S) / mass, 0.0, 1.0), 1.0)

    def ppf(u):
        u = np.asarray(u, dtype=float)
        return prior.ppf((base + u * mass) ** (1.0 / n))

    def isf(v):
        v = np.asarray(v, dtype=float)
        return prior.isf(-np.expm1(np.log1p(-v * mass) / n))

    def pdf(s):
        s = np.asarray(s, dtype=float)
        F = np.asarray(prior.cdf(s), dtype=float)
        return np.where(s >= r, n * prior.pdf(s) * F ** (n - 1) / mass, 0.0)

    label = f"G_W(n={n}{'' if reserve is None else f', reserve={r:g}'})"
    return Law(cdf=cdf, sf=sf, ppf=ppf, isf=isf, pdf=pdf, support=(r, support(prior)[1]),
               name=label)


def spa_price_law(prior, n_bidders: int, *, reserve: float | None = None) -> Law:
    """Law of the SPA price: ``G_L = F^n + n (1 - F) F^{n-1}``, the second-highest value.

    With a ``reserve`` ``r``, the price ``max(second, r)`` given a sale (proof of Theorem 2):
    ``G_L(s) = (F^n - ρ^n + n (1 - F) F^{n-1}) / (1 - ρ^n)`` for ``s >= r``, with an atom of mass
    ``n (1 - ρ) ρ^{n-1} / (1 - ρ^n)`` at ``r``.

    Examples
    --------
    >>> from scipy import stats
    >>> Y = spa_price_law(stats.uniform(0, 1), 2, reserve=0.5)
    >>> Y.atoms, round(float(Y.cdf(0.5)), 12)   # atom 2 (1/2)(1/2) / (3/4) = 2/3
    ((0.5,), 0.666666666667)
    """
    validate_prior(prior)
    n = check_int(n_bidders, "n_bidders", minimum=2)
    r, rho = _reserve_quantile(prior, reserve)
    base = rho**n
    mass = -math.expm1(n * math.log(rho)) if rho > 0 else 1.0

    def cdf(s):
        s = np.asarray(s, dtype=float)
        S = np.asarray(prior.sf(s), dtype=float)
        return np.where(s >= r, np.clip((special.bdtr(1, n, S) - base) / mass, 0.0, 1.0), 0.0)

    def sf(s):
        s = np.asarray(s, dtype=float)
        S = np.asarray(prior.sf(s), dtype=float)
        return np.where(s >= r, np.clip(special.bdtrc(1, n, S) / mass, 0.0, 1.0), 1.0)

    atom = float(cdf(r)) if rho > 0 else 0.0

    def ppf(u):
        u = np.asarray(u, dtype=float)
        q = special.betaincinv(n - 1, 2, np.clip(base + u * mass, 0.0, 1.0))
        return np.where(u <= atom, r, prior.ppf(q)) if rho > 0 else prior.ppf(q)

    def pdf(s):
        s = np.asarray(s, dtype=float)
        F = np.asarray(prior.cdf(s), dtype=float)
        dens = n * (n - 1) * prior.pdf(s) * (1 - F) * F ** (n - 2) / mass
        return np.where(s > r if rho > 0 else s >= r, dens, 0.0)

    label = f"G_L(n={n}{'' if reserve is None else f', reserve={r:g}'})"
    return Law(cdf=cdf, sf=sf, ppf=ppf, pdf=pdf, support=(r, support(prior)[1]),
               atoms=(r,) if rho > 0 else (), name=label)


def winner_bid_lottery_price_law(prior, n_bidders: int, *, n_grid: int = 4097) -> Law:
    """Payment law of the winner-bid lottery (Section 4.2): pay ``b1`` w.p. ``b2/b1``, else 0.

    With ``m(w) = E[second | W = w] / w``, the chance that a winner of value ``w`` pays, and
    ``u = G_W(s)``, ``G_P(s) = 1 - ∫_u^1 m dG_W`` for ``s >= 0``: an atom of mass ``1 - E[b2/b1]``
    at 0 and the continuous part of ``W`` thinned by ``m``. It is a mean-preserving spread of
    ``G_L`` (Step 3 of Theorem 1's proof). ``R(u) = ∫_u^1 m(G_W^{-1}(t)) dt`` is tabulated with
    the cumulative Simpson rule on ``n_grid`` points of ``u`` and interpolated monotonically,
    so ``P(P > s) = R(G_W(s))`` keeps its relative accuracy up to the top of the support
    (error about 1e-10 for smooth priors). The prior's support must be bounded and in ``[0, ∞)``.
    """
    validate_prior(prior, bounded=True)
    n = check_int(n_bidders, "n_bidders", minimum=2)
    n_grid = check_int(n_grid, "n_grid", minimum=3, maximum=10**7)
    low, high = support(prior)
    if low < 0:
        raise ValueError(
            f"the prior's support must be >= 0 for this payment law; got [{low}, {high}]"
        )
    X = winner_value_law(prior, n)
    u = np.linspace(0.0, 1.0, n_grid)
    w = np.asarray(X.ppf(u), dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        m = np.where(w > 0, expected_second_given_highest(prior, n, w) / w, np.nan)
    if not np.isfinite(m[0]):
        m[0] = 2 * m[1] - m[2]  # the bounded ratio's limit at w -> 0
    rev = integrate.cumulative_simpson(m[::-1], x=-u[::-1], initial=0.0)[::-1]  # R(u)
    R = interpolate.PchipInterpolator(u, np.minimum.accumulate(np.maximum(rev, 0.0)))

    def sf(s):
        s = np.asarray(s, dtype=float)
        return np.where(s < 0, 1.0, np.clip(R(np.clip(X.cdf(s), 0.0, 1.0)), 0.0, 1.0))

    def cdf(s):
        return np.where(np.asarray(s, dtype=float) < 0, 0.0, 1.0 - sf(s))

    return payment_law(cdf, sf=sf, support=(0.0, high), atoms=(0.0,),
                       name=f"winner-bid lottery price(n={n})", accuracy=1e-8)


def beta_price_law(prior, n_bidders: int, *, n_nodes: int = 64, n_grid: int = 120) -> Law:
    """Payment law of Beta prices (Section 4.2): the winner pays ``b1 · Beta(b2, b1 - b2)``.

    ``P(P > s) = E[1{W > s} I_{1 - s/W}(W - L, L)]`` over the highest ``W`` and second-highest
    ``L`` values, a mean-preserving spread of ``G_L`` (Step 3 of Theorem 1's proof). At each of
    ``2 n_grid`` prices it is computed by tensor Gauss–Legendre quadrature (``n_nodes`` per
    axis) over ``F(W) ∈ (F(s), 1)`` and ``F(L) = F(W) t``, ``t ∈ (0, 1)``, with density
    ``n (n-1) F(W)^{n-1} t^{n-2}``, and interpolated monotonically: in ``log(s - θ_low)`` below the
    median price (the law piles up logarithmically near 0, where ``b2`` is small) and as
    ``log P(P > s)`` against ``log(1 - F(s))`` above it (relative accuracy in the upper tail).
    Accuracy about 1e-5. Needs a bounded prior supported in ``[0, ∞)``.
    """
    validate_prior(prior, bounded=True)
    n = check_int(n_bidders, "n_bidders", minimum=2)
    n_nodes = check_int(n_nodes, "n_nodes", minimum=2, maximum=4096)
    n_grid = check_int(n_grid, "n_grid", minimum=3, maximum=10**6)
    low, high = support(prior)
    if low < 0:
        raise ValueError(f"the prior's support must be >= 0 for Beta prices; got [{low}, {high}]")
    nodes, weights = np.polynomial.legendre.leggauss(n_nodes)
    z, wz = (nodes + 1) / 2, weights / 2
    t = z[None, :]
    ww = wz[:, None] * wz[None, :]

    def sf_at(s, y):
        tail = y * (1.0 - z)  # 1 - F(W) for W ∈ (s, high)
        a = (1.0 - tail)[:, None]
        W = np.asarray(prior.isf(tail), dtype=float)[:, None]
        L = np.asarray(prior.ppf(a * t), dtype=float)
        dens = n * (n - 1) * a ** (n - 1) * t ** (n - 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            # P(W · Beta(L, W - L) > s), from whichever tail keeps its precision.
            frac = np.clip(s / W, 0.0, 1.0)
            lo, hi = np.maximum(L, 1e-300), np.maximum(W - L, 1e-300)
            p_above = np.where(frac < 0.5, special.betaincc(lo, hi, frac),
                               special.betainc(hi, lo, np.clip((W - s) / W, 0.0, 1.0)))
        return y * float(np.sum(ww * dens * p_above))

    s_mid = float(prior.isf(0.5))
    # Lower part: s - low from 1e-300 (geometric) up to the median, in log(s - low).
    d_low = np.unique(np.concatenate([
        np.geomspace(1e-300, 1e-6, n_grid // 3) * max(s_mid - low, 1e-300),
        np.geomspace(1e-6, 1.0, n_grid - n_grid // 3) * (s_mid - low),
    ]))
    s_low = low + d_low
    y_low = np.asarray(prior.sf(s_low), dtype=float)
    sf_low = np.array([sf_at(s, y) for s, y in zip(s_low, y_low, strict=True)])
    lower = interpolate.PchipInterpolator(np.log(d_low), np.minimum.accumulate(sf_low))
    # Upper part: y = 1 - F(s) from 1/2 down to 1e-12 (geometric), log sf against log y.
    y_up = np.geomspace(1e-12, 0.5, n_grid)
    s_up = np.asarray(prior.isf(y_up), dtype=float)
    sf_up = np.array([sf_at(s, y) for s, y in zip(s_up, y_up, strict=True)])
    log_sf = np.maximum.accumulate(np.log(np.maximum(sf_up, 1e-300)))
    upper = interpolate.PchipInterpolator(np.log(y_up), np.minimum(log_sf, 0.0))
    d_min = float(d_low[0])

    def sf(s):
        s = np.asarray(s, dtype=float)
        y = np.asarray(prior.sf(s), dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            lo_val = lower(np.log(np.clip(s - low, d_min, s_mid - low)))
            up_val = np.exp(np.minimum(upper(np.log(np.clip(y, 1e-300, 0.5))), 0.0))
        val = np.where(s <= s_mid, lo_val, up_val)
        val = np.where(s <= low, 1.0, np.where(y <= 0, 0.0, val))
        return np.clip(val, 0.0, 1.0)

    def cdf(s):
        return 1.0 - sf(s)

    return payment_law(cdf, sf=sf, support=(low, high), name=f"Beta price(n={n})",
                       accuracy=1e-8)
