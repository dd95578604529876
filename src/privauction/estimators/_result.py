"""``Estimate``: the one result type for an estimate with its confidence interval.

Every estimate the package reports with a spread is an :class:`Estimate` or a subclass of it:
:func:`~privauction.estimators.estimate_privacy_loss` returns a
:class:`~privauction.estimators.PrivacyLossEstimate` (which adds the sale counts, the kind of
interval and the detection of an infinite loss), :func:`privauction.screening.plugin_entropy`
returns an :class:`Estimate`, and the claim scenarios' rows are built from
:class:`privauction.scenarios.Estimate` (the same type with the scenarios' confidence level as
its default). Code that reads ``estimate``, ``ci_low``, ``ci_high``, ``n``, ``method``,
``level``, ``std_error``, ``bias`` and ``dof`` therefore works on any of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from scipy import stats

__all__ = ["Estimate"]


@dataclass(frozen=True)
class Estimate:
    """An estimate with its spread: an interval at ``level``, a standard error and a bias.

    When ``std_error`` is not given (NaN) and the interval is finite, it is read off the
    interval as if it were symmetric, ``(ci_high − ci_low) / (2 q)`` with ``q`` the
    ``(1 + level) / 2`` quantile of the normal law (of Student's t with ``dof`` degrees of
    freedom when ``dof`` is finite), so an estimate built from a CLT interval carries its
    spread to code that recomputes the interval at another level.

    Attributes
    ----------
    estimate : float
        Point estimate; ``inf`` when the estimated quantity is infinite.
    ci_low, ci_high : float
        Confidence interval at level ``level`` (NaN when only the standard error is known).
    n : int
        Sample size behind the estimate.
    method : str
        How it was estimated (e.g. ``"mixed"``, ``"observer"``, ``"plug-in entropy"``).
    level : float
        Confidence level of the interval, in (0, 1); :attr:`ci` is the same number.
    std_error : float
        Standard error of ``estimate`` (NaN when unknown).
    bias : float
        Estimated finite-sample bias of ``estimate`` (not subtracted from it).
    dof : float
        Degrees of freedom of ``std_error``; ``inf`` for a normal (CLT) standard error.

    Examples
    --------
    >>> e = Estimate(1.0, 0.9, 1.1, 400, "mean", level=0.95)
    >>> round(e.std_error, 5)  # 0.1 / 1.95996
    0.05102
    >>> e.ci, e.infinite
    (0.95, False)
    """

    estimate: float
    ci_low: float
    ci_high: float
    n: int
    method: str
    level: float = 0.95
    std_error: float = math.nan
    bias: float = 0.0
    dof: float = math.inf

    def __post_init__(self):
        if math.isnan(self.std_error) and math.isfinite(self.ci_high - self.ci_low):
            q = 0.5 + self.level / 2.0
            z = stats.norm.ppf(q) if math.isinf(self.dof) else stats.t.ppf(q, self.dof)
            object.__setattr__(self, "std_error", (self.ci_high - self.ci_low) / (2.0 * float(z)))

    @property
    def ci(self) -> float:
        """The confidence level, under the name of ``estimate_privacy_loss``'s ``ci``."""
        return self.level

    @property
    def infinite(self) -> bool:
        """Whether the estimate is infinite."""
        return math.isinf(self.estimate)

    @classmethod
    def of(cls, result, level: float | None = None) -> Estimate:
        """This type from any result with ``estimate``, ``ci_low``, ``ci_high``, ``n`` and
        ``method`` and, when it has them, ``level`` (or ``ci``), ``std_error``, ``bias`` and
        ``dof``.

        ``level`` is used only when ``result`` carries no level; without either, the class's
        default. A non-finite ``bias`` (e.g. that of an infinite estimate) becomes 0.

        Examples
        --------
        >>> from types import SimpleNamespace
        >>> r = SimpleNamespace(estimate=0.5, ci_low=0.4, ci_high=0.6, n=100, method="x", ci=0.9)
        >>> Estimate.of(r).level
        0.9
        """
        default = next(f.default for f in fields(cls) if f.name == "level")
        lvl = getattr(result, "level", getattr(result, "ci", None))
        if lvl is None:
            lvl = default if level is None else level
        bias = float(getattr(result, "bias", 0.0))
        return cls(float(result.estimate), float(result.ci_low), float(result.ci_high),
                   int(result.n), str(result.method), float(lvl),
                   float(getattr(result, "std_error", math.nan)),
                   bias if math.isfinite(bias) else 0.0,
                   float(getattr(result, "dof", math.inf)))
