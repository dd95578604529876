"""Checks with stated error rates in both directions: pass, fail or inconclusive.

A scenario does not decide its own verdicts. Each row it returns states a *hypothesis* about one
measured quantity ``θ`` (the row's ``estimate``) and the runner decides it at the run's level:

* ``equal`` (claim ``θ = reference``): passes when the interval lies inside
  ``reference ± margin``; fails when ``reference`` is outside the interval.
* ``greater`` (claim ``θ > reference − margin``): passes when the interval lies above
  ``reference − margin``; fails when it lies below ``reference``.
* ``less`` (claim ``θ < reference + margin``): the mirror image of ``greater``.
* ``exact`` (a deterministic computation: quadrature, solver, closed form): passes when
  ``|θ − reference| <= margin``, or on the row's own boolean ``flag``; ``exact-greater`` and
  ``exact-less`` when ``θ >= reference − margin`` or ``θ <= reference + margin``.

Anything else is **inconclusive**: the data neither contradict the claim nor confirm it with
the stated precision. The runner then draws more samples for that claim (a sequential design,
:func:`next_size`) up to a budget; inconclusive at the budget is reported as such, never as a
pass.

The interval of a stochastic row at per-look level ``α`` is

``[θ̂ − z·se − max(b, 0),  θ̂ + z·se + max(−b, 0)]``,  ``z = Φ⁻¹(1 − α/2)``,

with ``se`` the row's ``std_error`` and ``b`` its estimated finite-sample ``bias`` (the kNN
estimators' subsampling estimate, :mod:`privauction.estimators._interval`; 0 for means). The
interval is widened by the bias on the side where it puts the truth, as the estimators' own
intervals are.

Error rates (each per check, per look; the runner splits its level over checks and looks):

* **fails on a correct claim** with probability at most ``α`` (the interval misses the true
  value);
* **passes on a wrong claim** with probability at most ``α`` when the truth is at least
  ``margin`` away (``equal``: ``|θ − reference| >= margin``; ``greater``: ``θ <= reference −
  margin``; ``less``: ``θ >= reference + margin``): the interval would have to miss the truth.

So ``margin`` is the smallest deviation the check is built to catch (a *relevant deviation*),
and the **power** (:func:`power`) is the probability of a pass when the claim holds exactly
(``equal``) or holds with the design gap (``greater``/``less``: the analytical gap when the
row states one, else the estimated one).

Level of a run. :data:`ALPHA_RUN` is the family-wise error rate of one run in each direction:
``validate`` splits it equally over its claims, each claim over its stochastic checks and its
:data:`MAX_STAGES` looks (Bonferroni, valid under any dependence), so a correct code base fails a
run with probability at most ``ALPHA_RUN`` whatever the seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "ALPHA_RUN",
    "DEFAULT_RELATIVE_MARGIN",
    "EXACT_KINDS",
    "KINDS",
    "MAX_GROWTH",
    "MAX_STAGES",
    "OUTCOMES",
    "TARGET_POWER",
    "Decision",
    "decide",
    "decide_frame",
    "interval",
    "next_size",
    "power",
    "z_value",
]

#: Family-wise error rate of one run, in each direction (false fail, false pass).
ALPHA_RUN = 1e-3
#: Looks of the sequential design: the base size and at most two enlargements.
MAX_STAGES = 3
#: Budget: the last look uses at most this many times the claim's base number of auctions.
MAX_GROWTH = 16
#: Power the enlargement of an inconclusive claim aims at.
TARGET_POWER = 0.99
#: Relevant deviation of an ``equal`` check when the scenario states none: 3 % of the value.
DEFAULT_RELATIVE_MARGIN = 0.03

KINDS = ("equal", "greater", "less", "exact", "exact-greater", "exact-less")
EXACT_KINDS = ("exact", "exact-greater", "exact-less")
OUTCOMES = ("pass", "fail", "inconclusive")


def z_value(alpha: float, dof: float = math.inf) -> float:
    """Two-sided quantile ``Φ⁻¹(1 − α/2)``, or Student's t with ``dof`` degrees of freedom when
    the standard error comes from few independent replications (e.g. season means)."""
    if math.isfinite(dof):
        return float(stats.t.isf(alpha / 2.0, dof))
    return float(stats.norm.isf(alpha / 2.0))


def interval(estimate: float, std_error: float, bias: float, alpha: float,
             dof: float = math.inf) -> tuple[float, float]:
    """The interval of a stochastic row at per-look level ``alpha`` (module docstring)."""
    if math.isinf(estimate):
        return estimate, estimate
    z = z_value(alpha, dof)
    b = 0.0 if not math.isfinite(bias) else bias
    return estimate - z * std_error - max(b, 0.0), estimate + z * std_error + max(-b, 0.0)


@dataclass(frozen=True)
class Decision:
    """The outcome of one check at one look.

    Attributes
    ----------
    outcome : {"pass", "fail", "inconclusive"}
    ci_low, ci_high : float
        The interval the decision used (equal to the estimate for ``exact`` rows).
    power : float
        Probability of a pass under the claim at the design point (NaN for ``exact``).
    """

    outcome: str
    ci_low: float
    ci_high: float
    power: float


def power(kind: str, std_error: float, bias: float, margin: float, gap: float,
          alpha: float, dof: float = math.inf) -> float:
    """Probability that a stochastic check passes when its claim holds.

    ``equal``: at ``θ = reference``, ``P(|θ̂ − θ| <= margin − z·se − |b|)``. ``greater`` and
    ``less``: at a true distance ``gap`` beyond the reference (on the claim's side),
    ``P(θ̂ − z·se − b⁺ > reference − margin)``.
    """
    if not (std_error > 0) or not math.isfinite(std_error):
        return math.nan
    z = z_value(alpha, dof)
    b = abs(bias) if math.isfinite(bias) else 0.0
    if kind == "equal":
        room = (margin - z * std_error - b) / std_error
        return float(max(0.0, 2.0 * stats.norm.cdf(room) - 1.0))
    if not math.isfinite(gap):
        return math.nan
    return float(stats.norm.cdf((gap + margin - z * std_error - b) / std_error))


def decide(kind: str, estimate: float, reference: float, margin: float, std_error: float,
           bias: float, alpha: float, *, flag=None, gap: float = math.nan,
           dof: float = math.inf) -> Decision:
    """Decide one check (see the module docstring for the rules and their error rates)."""
    if kind not in KINDS:
        raise ValueError(f"`kind` must be one of {KINDS}; got {kind!r}")
    if kind in EXACT_KINDS:
        if flag is not None and not (isinstance(flag, float) and math.isnan(flag)):
            ok = bool(flag)
        elif kind == "exact-greater":
            ok = estimate >= reference - margin
        elif kind == "exact-less":
            ok = estimate <= reference + margin
        elif math.isinf(reference) or math.isinf(estimate):
            ok = estimate == reference
        else:
            ok = abs(estimate - reference) <= margin
        return Decision("pass" if ok else "fail", estimate, estimate, math.nan)
    # An infinite estimate is the estimator's exact finding (a price equal to the value), not
    # a sampling statement: it agrees with an infinite reference and exceeds any finite one.
    if math.isinf(estimate) or math.isinf(reference):
        if kind == "equal":
            ok = estimate == reference
        elif kind == "greater":
            ok = estimate > reference
        else:
            ok = estimate < reference
        if not ok and math.isinf(reference) and not math.isinf(estimate):
            # a finite estimate of an infinite claim: contradicted only if ordering says so
            return Decision("inconclusive" if kind == "equal" else "fail",
                            *interval(estimate, std_error, bias, alpha, dof), math.nan)
        return Decision("pass" if ok else "fail", estimate, estimate, math.nan)
    low, high = interval(estimate, std_error, bias, alpha, dof)
    if kind == "equal":
        if not (low <= reference <= high):
            outcome = "fail"
        elif reference - margin <= low and high <= reference + margin:
            outcome = "pass"
        else:
            outcome = "inconclusive"
        design_gap = 0.0
    elif kind == "greater":
        outcome = "pass" if low > reference - margin else ("fail" if high < reference
                                                           else "inconclusive")
        design_gap = gap if math.isfinite(gap) else estimate - reference
    else:
        outcome = "pass" if high < reference + margin else ("fail" if low > reference
                                                            else "inconclusive")
        design_gap = gap if math.isfinite(gap) else reference - estimate
    return Decision(outcome, low, high,
                    power(kind, std_error, bias, margin, design_gap, alpha, dof))


def decide_frame(rows: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Decide every row of a scenario table at per-look level ``alpha``.

    Adds or replaces ``outcome``, ``verdict`` (``outcome == "pass"``), ``ci_low``, ``ci_high``,
    ``power`` and ``alpha``; ``exact`` rows get ``alpha`` NaN (they make no sampling error).
    """
    out = rows.copy()
    decisions = [
        decide(r.kind, float(r.estimate), float(r.reference), float(r.margin),
               float(r.std_error), float(r.bias), alpha, flag=r.flag, gap=float(r.gap),
               dof=float(r.dof))
        for r in out[["kind", "estimate", "reference", "margin", "std_error", "bias", "flag",
                      "gap", "dof"]].itertuples(index=False)
    ]
    out["outcome"] = [d.outcome for d in decisions]
    out["verdict"] = out["outcome"] == "pass"
    out["ci_low"] = [d.ci_low for d in decisions]
    out["ci_high"] = [d.ci_high for d in decisions]
    out["power"] = [d.power for d in decisions]
    out["alpha"] = np.where(out["kind"].isin(EXACT_KINDS), np.nan, alpha)
    return out


def next_size(rows: pd.DataFrame, n_auctions: int, base: int, alpha: float) -> int | None:
    """The sample size for the next look at an inconclusive claim, or None at the budget.

    ``n_auctions`` and ``base`` are the claim's current and base value of its size parameter
    (``n_auctions``, or e.g. ``n_seasons`` for the market claims).

    A power calculation on the measured spread: the standard error and the bias of a kNN or
    mean estimate both fall like ``n^{-1/2}``, so an inconclusive row needs its size multiplied
    by ``f = ((z_α + z_β)·se + |b|)² / d²`` to pass with power ``TARGET_POWER`` (``z_β`` its
    one-sided quantile), where ``d`` is the margin (``equal``) or the estimated distance from the
    reference plus the margin (``greater``/``less``). The claim grows by the largest ``f`` of its
    inconclusive rows, at least 2× and at most to ``MAX_GROWTH × base``.
    """
    pending = rows[rows["outcome"] == "inconclusive"]
    if pending.empty:
        return None
    cap = MAX_GROWTH * base
    if n_auctions >= cap:
        return None
    factors = []
    for r in pending.itertuples(index=False):
        z = z_value(alpha, float(r.dof)) + float(stats.norm.isf(1.0 - TARGET_POWER))
        se = float(r.std_error)
        b = abs(float(r.bias)) if math.isfinite(float(r.bias)) else 0.0
        if r.kind == "equal":
            d = float(r.margin)
        elif r.kind == "greater":
            d = abs(float(r.estimate) - float(r.reference)) + float(r.margin)
        else:
            d = abs(float(r.reference) - float(r.estimate)) + float(r.margin)
        if not (se > 0 and d > 0) or not math.isfinite(se):
            factors.append(math.inf)
            continue
        factors.append(((z * se + b) / d) ** 2)
    growth = max(2.0, max(factors))
    return int(min(cap, math.ceil(n_auctions * growth)))
