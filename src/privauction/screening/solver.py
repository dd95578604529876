"""κ-optimal interval mechanisms for any prior and cost: ``optimal_menu``.

By Lemma 2 of the second paper the seller's problem is a finite-dimensional program over the
cutoffs of an interval partition: maximise profit Eq. (2), with quantities Eq. (3), subject to
the privacy constraint

* ex-ante (Definition 1, Eq. (5)): ``H(masses) <= κ``, binding at the optimum (Prop. 2), so the
  number of intervals is at least ``e^κ`` (Corollary 1);
* ex-post (Definition 2, Section 5): every interval has mass ``>= e^{-κ}``, so there are at most
  ``e^κ`` intervals (Prop. 7).

The search, in quantile space ``u = F(θ)`` (masses are differences of ``u``):

1. **number of intervals** ``n``: ex-ante from Corollary 1's lower bound ``⌈e^κ⌉`` upwards until
   two consecutive ``n`` add no profit. Prop. 1's bound ``N = 2/ε + 4`` is not computable (ε
   comes from an existence argument, Lemma 7), so the stopping rule uses Lemma 3 instead: an
   optimum has at most one small interval, and when ``n`` exceeds the optimal count the extra
   interval collapses to zero mass (the proof of Prop. 4); the per-``n`` profits are kept in
   the result so the stop can be inspected. Ex-post: every ``n`` from 1 to ``⌊e^κ⌋``.
2. **cutoffs for each n**: SLSQP with analytic gradients (the left side of Lemma 4 is the
   derivative of profit in ``u``) from deterministic structured starts — by Lemma 3 and
   Lemma 5, ``n - 1`` equal long intervals and one short one exhausting κ, with the short one
   at every position — plus random partitions that exhaust κ. This stage runs on a tabulated
   quantile function (4097 nodes, linear interpolation), which is cheap for any scipy prior.
3. **polish**: the best candidates solve Lemma 4's first-order conditions with the binding
   constraint, ``(q_{i+1}-q_i) v(θ_i) - (c(q_{i+1}) - c(q_i)) = λ log(m_i / m_{i+1})`` and
   ``H = κ``, by a Newton-type root finder on the exact prior; the reported ``foc_residual``
   is the largest violation of Lemma 4 there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from .._validation import (
    check_budget,
    check_int,
    check_limit,
    check_real,
    check_real_array,
    check_rng,
)
from ..theory.menu import menu_entropy
from .interval import IntervalMenu, build_menu
from .model import ScreeningModel, screening_model

__all__ = [
    "OptimalMenu",
    "optimal_menu",
    "min_intervals",
    "random_binding_masses",
    "profit_of_masses",
    "lemma4_residuals",
]

CONSTRAINTS = ("ex-ante", "ex-post")

#: An interval with less mass than this after the search has collapsed onto its neighbour
#: (the search keeps masses >= 1e-10); a κ so small that the optimal short interval would be
#: below it (κ < ~2e-8) returns one interval.
_COLLAPSED = 1e-9

#: Largest κ the interval counts are computed for (``e^κ`` stays finite).
MAX_KAPPA = 700.0
#: Most intervals the closed forms and the random partitions build (arrays of that length).
MAX_N_INTERVALS = 10**7

#: Default work budget of :func:`optimal_menu`, in estimated CPU seconds.
MAX_SECONDS = 60.0


def _start_seconds(n: int) -> float:
    """Estimated CPU seconds of one start (an SLSQP solve on ``n - 1`` cutoffs, then its share of
    the polish): ``1e-3 + 3e-4 n²``, an upper envelope of benchmarks/bench_budgets_rest.py
    (uniform prior, quadratic cost: 0.27 s per start at n ≈ 32, 1.3 s at n ≈ 62, 1.9 s at
    n ≈ 123, on this 2-core machine)."""
    return 1e-3 + 3e-4 * float(n) * float(n)


def _search_seconds(counts, n_random: int) -> float:
    """Estimated CPU seconds of solving each interval count in ``counts``: the structured starts
    (up to 12) and ``n_random`` random ones, each :func:`_start_seconds`."""
    return sum((min(n, 12) + n_random) * _start_seconds(n) for n in counts if n > 1)


@dataclass(frozen=True, eq=False, repr=False)
class OptimalMenu(IntervalMenu):
    """A κ-optimal interval mechanism (see :class:`IntervalMenu` for the menu fields).

    Attributes
    ----------
    kappa : float
        Privacy capacity κ, nats.
    constraint : str
        ``"ex-ante"`` (Eq. (5) <= κ) or ``"ex-post"`` (every mass >= e^{-κ}).
    multiplier : float
        Lagrange multiplier λ of Lemma 4 (ex-ante, binding); NaN otherwise.
    foc_residual : float
        Largest absolute violation of Lemma 4's conditions at the solution (ex-ante);
        for ex-post, of the unconstrained conditions at cutoffs whose neighbouring masses are
        above the bound.
    profit_by_n : tuple of (int, float)
        Best profit found with exactly ``n`` non-degenerate intervals, for every ``n``
        searched; NaN when every search for that ``n`` collapsed onto fewer intervals (an
        interval of mass < 1e-9), i.e. ``n`` is above the optimal count.
    converged : bool
        Whether the polishing root finder converged for the returned solution.
    """

    kappa: float = 0.0
    constraint: str = "ex-ante"
    multiplier: float = math.nan
    foc_residual: float = math.nan
    profit_by_n: tuple = ()
    converged: bool = True

    def __repr__(self) -> str:
        cut = ", ".join(f"{c:.4g}" for c in self.cutoffs)
        return (
            f"OptimalMenu(kappa={self.kappa:g}, constraint={self.constraint!r}, "
            f"n_intervals={self.n_intervals}, cutoffs=[{cut}], profit={self.profit:.6g}, "
            f"privacy_loss={self.privacy_loss:.6g})"
        )


# --------------------------------------------------------------------------------------------
# Evaluation of profit, entropy and their gradients in quantile space
# --------------------------------------------------------------------------------------------
class _ExactFns:
    def __init__(self, model: ScreeningModel):
        self.model = model

    def theta(self, u):
        return self.model.theta(u)

    def v(self, u, theta):
        return self.model.virtual_value(theta, u)


class _TableFns:
    """Linear interpolation of ``F^{-1}`` and of ``v(F^{-1}(u))`` on a uniform quantile grid."""

    def __init__(self, model: ScreeningModel, n_grid: int = 4097):
        self.grid = np.linspace(0.0, 1.0, n_grid)
        th = model.theta(self.grid)
        pdf = np.asarray(model.prior.pdf(th), dtype=float)
        for i in (0, -1):  # ends: density just inside if scipy returns 0 there
            if not pdf[i] > 0:
                pdf[i] = float(model.prior.pdf(model.prior.ppf(1e-12 if i == 0 else 1 - 1e-12)))
        self.th = th
        self.vv = th - (1.0 - self.grid) / pdf

    def theta(self, u):
        return np.interp(u, self.grid, self.th)

    def v(self, u, theta):
        return np.interp(u, self.grid, self.vv)


def _moments(fns, cost, u):
    theta = fns.theta(u)
    mass = np.diff(u)
    safe = np.maximum(mass, 1e-300)
    num = theta[:-1] * (1.0 - u[:-1]) - theta[1:] * (1.0 - u[1:])
    mean_v = num / safe
    tiny = mass < 1e-9
    if tiny.any():
        mid = 0.5 * (u[:-1] + u[1:])
        mean_v = np.where(tiny, fns.v(mid, fns.theta(mid)), mean_v)
    q = cost.quantity(mean_v)
    cq = cost(q)
    return theta, mass, safe, mean_v, q, cq


class _Problem:
    """Profit, entropy and gradients of the inner quantile cutoffs ``z = (u_1, ..., u_{n-1})``."""

    def __init__(self, fns, cost):
        self.fns = fns
        self.cost = cost
        self._key = None
        self._val = None

    def eval(self, z):
        key = z.tobytes()
        if key == self._key:
            return self._val
        u = np.concatenate([[0.0], z, [1.0]])
        theta, mass, safe, mean_v, q, cq = _moments(self.fns, self.cost, u)
        profit = float(np.sum((q * mean_v - cq) * mass))
        v_cut = self.fns.v(z, theta[1:-1])
        a = (q[1:] - q[:-1]) * v_cut - (cq[1:] - cq[:-1])  # Lemma 4, left side
        b = np.log(safe[:-1] / safe[1:])  # Lemma 4, log of the mass ratio
        ent = menu_entropy(safe)
        # dΠ/du_i = -a_i and dH/du_i = -b_i
        self._key, self._val = key, (profit, -a, ent, -b, mass, a, b)
        return self._val


def _lstsq_lambda(a, b) -> float:
    bb = float(b @ b)
    return float(a @ b) / bb if bb > 0 else 0.0


def lemma4_residuals(menu: IntervalMenu, multiplier: float | None = None):
    """Residuals of Lemma 4's first-order conditions at an interval mechanism.

    Returns ``(residuals, λ)``: ``(q_{i+1}-q_i) v(θ_i) - (c(q_{i+1}) - c(q_i)) - λ log(m_i /
    m_{i+1})`` for ``i = 1..n-1``, with ``λ`` the least-squares multiplier when not given.
    """
    if not isinstance(menu, IntervalMenu):
        raise TypeError(f"`menu` must be an IntervalMenu (e.g. from optimal_menu); got {menu!r}")
    if multiplier is not None:
        multiplier = check_real(multiplier, "multiplier")
    model = menu.model
    prob = _Problem(_ExactFns(model), model.cost)
    _, _, _, _, _, a, b = prob.eval(np.asarray(menu.quantiles[1:-1], dtype=float))
    lam = _lstsq_lambda(a, b) if multiplier is None else float(multiplier)
    return a - lam * b, lam


# --------------------------------------------------------------------------------------------
# Starts
# --------------------------------------------------------------------------------------------
def min_intervals(kappa: float) -> int:
    """Corollary 1: an ex-ante κ-optimal mechanism has at least ``e^κ`` intervals.

    Returns ``⌈e^κ⌉`` (``n`` itself when ``κ = log n`` up to 1e-12), the ``n*_κ`` of Prop. 4.

    Examples
    --------
    >>> [min_intervals(k) for k in (0.0, 0.3, 1.0, math.log(3), 2.0)]
    [1, 2, 3, 3, 8]
    """
    kappa = check_real(kappa, "kappa", lower=0.0, upper=MAX_KAPPA)
    e = math.exp(kappa)
    r = round(e)
    if abs(kappa - math.log(max(r, 1))) < 1e-12:
        return max(int(r), 1)
    return max(int(math.ceil(e)), 1)


def _short_mass(n: int, kappa: float) -> float:
    """Mass ``s < 1/n`` of the short interval when ``n-1`` equal long ones and it exhaust κ."""
    if n == 1:
        return 1.0
    if kappa >= math.log(n) - 1e-15:
        return 1.0 / n

    def h(s):
        long = (1.0 - s) / (n - 1)
        return menu_entropy(np.r_[s, np.full(n - 1, long)]) - kappa

    if h(0.0) >= 0:  # κ <= log(n-1): no room for n intervals with one short
        return 0.0
    return optimize.brentq(h, 0.0, 1.0 / n, xtol=1e-15, rtol=1e-15)


def random_binding_masses(n: int, kappa: float, size: int, rng) -> np.ndarray:
    """``size`` random partitions into ``n`` masses whose entropy is exactly ``κ``.

    Dirichlet(1) masses in random order, tempered ``x^β / Σ x^β`` with ``β`` solved so that
    Eq. (5) equals ``κ`` (needs ``log n >= κ``). Used as random starts and as the random
    feasible competitors of the validation.
    """
    n = check_int(n, "n", minimum=1, maximum=MAX_N_INTERVALS)
    kappa = check_real(kappa, "kappa", lower=0.0)
    size = check_int(size, "size", minimum=0)
    rng = check_rng(rng)
    check_budget(float(size) * (n + 100), 1e8, what=f"`size` = {size} partitions into `n` = {n}",
                 unit="entries", advice="draw fewer partitions (each costs a root-find)")
    out = np.empty((size, n))
    logn = math.log(n)
    if kappa > logn + 1e-12:
        raise ValueError(f"`kappa` = {kappa} exceeds log n = {logn:.6g}: no binding partition")
    for r in range(size):
        x = rng.dirichlet(np.ones(n))
        lx = np.log(x)

        def h(beta, lx=lx):
            w = np.exp(beta * (lx - lx.max()))
            w /= w.sum()
            return menu_entropy(w) - kappa

        if abs(h(0.0)) < 1e-14:
            beta = 0.0
        else:
            hi = 1.0
            while h(hi) > 0 and hi < 1e6:
                hi *= 2.0
            beta = optimize.brentq(h, 0.0, hi, xtol=1e-14)
        w = np.exp(beta * (lx - lx.max()))
        out[r] = w / w.sum()
    return out


def profit_of_masses(model: ScreeningModel, masses) -> np.ndarray:
    """Exact profit Eq. (2) of partitions given by their masses in order (rows)."""
    if not isinstance(model, ScreeningModel):
        raise TypeError(
            f"`model` must be a ScreeningModel (from screening_model(prior)); got {model!r}"
        )
    masses = np.atleast_2d(check_real_array(masses, "masses", ndim=None))
    if masses.ndim != 2 or masses.shape[1] == 0:
        raise ValueError(f"`masses` must be a 1-d or 2-d array of masses; got shape {masses.shape}")
    # 1e-6: float32 masses sum to 1 only within about 3e-8
    if masses.min() < 0 or np.any(np.abs(masses.sum(axis=1) - 1.0) > 1e-6):
        raise ValueError("`masses` must be non-negative and each partition must sum to 1")
    fns = _ExactFns(model)
    out = np.empty(masses.shape[0])
    for r, x in enumerate(masses):
        u = np.concatenate([[0.0], np.cumsum(x)])
        u[-1] = 1.0
        _, mass, _, mean_v, q, cq = _moments(fns, model.cost, u)
        out[r] = float(np.sum((q * mean_v - cq) * mass))
    return out


def _structured_starts(n: int, kappa: float, constraint: str, max_positions: int = 12):
    if constraint == "ex-post" or kappa >= math.log(n) - 1e-15:
        return [np.full(n, 1.0 / n)]
    s = _short_mass(n, kappa)
    long = (1.0 - s) / (n - 1)
    positions = range(n) if n <= max_positions else np.unique(
        np.linspace(0, n - 1, max_positions).round().astype(int))
    starts = []
    for k in positions:
        x = np.full(n, long)
        x[k] = s
        starts.append(x)
    return starts


# --------------------------------------------------------------------------------------------
# Local solves
# --------------------------------------------------------------------------------------------
def _slsqp(problem: _Problem, z0, kappa, constraint, floor):
    m = z0.size
    diff = np.zeros((m + 1, m))
    diff[np.arange(m), np.arange(m)] = 1.0
    diff[np.arange(1, m + 1), np.arange(m)] = -1.0
    rhs = np.zeros(m + 1)
    rhs[-1] = 1.0

    cons = [{
        "type": "ineq",
        "fun": lambda z: diff @ z + rhs - floor,
        "jac": lambda z: diff,
    }]
    if constraint == "ex-ante":
        cons.append({
            "type": "ineq",
            "fun": lambda z: np.array([kappa - problem.eval(z)[2]]),
            "jac": lambda z: -problem.eval(z)[3][None, :],
        })
    res = optimize.minimize(
        lambda z: -problem.eval(z)[0],
        z0,
        jac=lambda z: -problem.eval(z)[1],
        method="SLSQP",
        bounds=[(0.0, 1.0)] * m,
        constraints=cons,
        options={"maxiter": 300, "ftol": 1e-12},
    )
    z = np.clip(res.x, 0.0, 1.0)
    return z


def _root(fun, x0, tol: float = 1e-11):
    """Root of ``fun`` by Powell's hybrid method, then Levenberg–Marquardt; None if neither
    reaches ``max |fun| <= tol``."""
    for method, opts in (("hybr", {}), ("lm", {"maxiter": 100 * (len(x0) + 1)})):
        with np.errstate(all="ignore"):
            sol = optimize.root(fun, x0, method=method, options=opts)
        if np.all(np.isfinite(sol.x)) and np.max(np.abs(fun(sol.x))) <= tol:
            return sol.x
    return None


def _foc_jacobian(model: ScreeningModel, z):
    """Lemma 4's left sides ``a``, mass log-ratios ``b``, entropy, and their analytic
    derivatives in the inner quantile cutoffs ``z`` (tridiagonal).

    With ``E_j`` the mean virtual value of interval ``j`` and ``x_j`` its mass,
    ``∂E_j/∂u_j = (v(θ_j) - E_j)/x_j``, ``∂E_j/∂u_{j-1} = (E_j - v(θ_{j-1}))/x_j`` and
    ``dq/dE = 1/c''(q)``, so ``da_i = (E_i - v_i) dq_i + (v_i - E_{i+1}) dq_{i+1} +
    (q_{i+1} - q_i) dv_i`` (``c'(q_j) = E_j``); ``dv_i/du_i`` by central differences.
    """
    fns = _ExactFns(model)
    cost = model.cost
    u = np.concatenate([[0.0], z, [1.0]])
    theta, mass, safe, mean_v, q, cq = _moments(fns, cost, u)
    v = np.asarray(fns.v(u, theta), dtype=float)
    v[0] = model.virtual_value(np.array([model.low]), np.array([0.0]))[0]
    v[-1] = model.high
    a = (q[1:] - q[:-1]) * v[1:-1] - (cq[1:] - cq[:-1])
    b = np.log(safe[:-1] / safe[1:])
    ent = menu_entropy(safe)
    dq_dE = 1.0 / np.maximum(cost.d2(q), 1e-300)
    dq_right = dq_dE * (v[1:] - mean_v) / safe   # ∂q_j/∂u_j (right end of interval j)
    dq_left = dq_dE * (mean_v - v[:-1]) / safe   # ∂q_j/∂u_{j-1}
    h = 1e-6
    lo, hi = np.maximum(z - h, 0.0), np.minimum(z + h, 1.0)
    dv = (fns.v(hi, fns.theta(hi)) - fns.v(lo, fns.theta(lo))) / (hi - lo)
    m = z.size
    jac_a = np.zeros((m, m))
    jac_b = np.zeros((m, m))
    for i in range(m):  # cutoff i (0-based) sits between intervals i and i + 1
        left, right = i, i + 1
        e_l, e_r, vi = mean_v[left], mean_v[right], v[i + 1]
        jac_a[i, i] = ((e_l - vi) * dq_right[left] + (vi - e_r) * dq_left[right]
                       + (q[right] - q[left]) * dv[i])
        if i > 0:
            jac_a[i, i - 1] = (e_l - vi) * dq_left[left]
        if i < m - 1:
            jac_a[i, i + 1] = (vi - e_r) * dq_right[right]
        jac_b[i, i] = 1.0 / safe[left] + 1.0 / safe[right]
        if i > 0:
            jac_b[i, i - 1] = -1.0 / safe[left]
        if i < m - 1:
            jac_b[i, i + 1] = -1.0 / safe[right]
    return a, b, ent, jac_a, jac_b


def _newton(fun_jac, x0, valid, *, tol: float = 1e-12, max_iter: int = 60):
    """Damped Newton on ``F(x) = 0`` with an analytic Jacobian; None unless ``|F| <= tol``."""
    x = np.asarray(x0, dtype=float)
    f, jac = fun_jac(x)
    norm = float(np.max(np.abs(f)))
    for _ in range(max_iter):
        if norm <= tol:
            return x
        try:
            step = np.linalg.solve(jac, -f)
        except np.linalg.LinAlgError:
            return None
        t = 1.0
        while t > 1e-6:
            x_new = x + t * step
            if valid(x_new):
                f_new, jac_new = fun_jac(x_new)
                norm_new = float(np.max(np.abs(f_new)))
                if np.isfinite(norm_new) and norm_new < norm:
                    break
            t *= 0.5
        else:
            return None
        x, f, jac, norm = x_new, f_new, jac_new, norm_new
    return x if norm <= tol else None


def _polish_binding(model, problem, z0, kappa, lam0):
    """Newton (then hybr/LM) on Lemma 4 with ``H = κ``: unknowns ``(z, λ)``."""
    m = z0.size

    def fun(x):
        z, lam = x[:-1], x[-1]
        _, _, e, _, _, aa, bb = problem.eval(np.ascontiguousarray(z))
        return np.concatenate([aa - lam * bb, [e - kappa]])

    def fun_jac(x):
        z, lam = x[:-1], x[-1]
        aa, bb, e, ja, jb = _foc_jacobian(model, z)
        jac = np.zeros((m + 1, m + 1))
        jac[:m, :m] = ja - lam * jb
        jac[:m, m] = -bb
        jac[m, :m] = -bb  # dH/du_k = -b_k
        return np.concatenate([aa - lam * bb, [e - kappa]]), jac

    def valid(x):
        return bool(np.all(np.diff(np.concatenate([[0.0], x[:-1], [1.0]])) > 0))

    x0 = np.concatenate([z0, [lam0]])
    x = _newton(fun_jac, x0, valid)
    if x is None:
        x = _root(fun, x0)
    if x is None or x[-1] < -1e-12:  # λ >= 0 (Lemma 4)
        return None
    return x[:-1], float(x[-1])


def _polish_slack(model, problem, z0, floor, free):
    """Newton (then hybr/LM) on ``a_i = 0`` (λ = 0) at the free cutoffs."""
    idx = np.flatnonzero(free)

    def embed(y):
        z = z0.copy()
        z[idx] = y
        return z

    def fun(y):
        return problem.eval(np.ascontiguousarray(embed(y)))[5][idx]

    def fun_jac(y):
        aa, _, _, ja, _ = _foc_jacobian(model, embed(y))
        return aa[idx], ja[np.ix_(idx, idx)]

    def valid(y):
        return bool(np.all(np.diff(np.concatenate([[0.0], embed(y), [1.0]])) > floor))

    y = _newton(fun_jac, z0[idx], valid)
    if y is None:
        y = _root(fun, z0[idx])
    return None if y is None else embed(y)


def _polish(model: ScreeningModel, z0, kappa, constraint):
    """Solve Lemma 4's conditions on the exact prior from ``z0``; returns ``(z, λ, ok)``.

    Ex-ante: first with the constraint binding (``H = κ``, ``λ >= 0``; Prop. 2), then, for
    an ``(n, κ)`` problem whose constraint is slack, with ``λ = 0``. Ex-post: ``λ = 0`` at
    cutoffs whose neighbouring masses are above ``e^{-κ}``.
    """
    problem = _Problem(_ExactFns(model), model.cost)
    m = z0.size
    if m == 0:
        return z0, math.nan, True
    _, _, ent, _, mass, a, b = problem.eval(z0)
    floor = math.exp(-kappa) if constraint == "ex-post" else 0.0
    result = None
    if constraint == "ex-ante":
        if ent >= kappa - 1e-3:
            result = _polish_binding(model, problem, z0, kappa, _lstsq_lambda(a, b))
        if result is None and ent < kappa - 1e-9:
            z = _polish_slack(model, problem, z0, 0.0, np.ones(m, dtype=bool))
            result = None if z is None else (z, 0.0)
    else:
        free = (mass[:-1] > floor + 1e-7) & (mass[1:] > floor + 1e-7)
        if not free.any():
            return z0, 0.0, True
        z = _polish_slack(model, problem, z0, floor, free)
        result = None if z is None else (z, 0.0)
    if result is None:
        return z0, _lstsq_lambda(a, b), False
    z, lam = result
    masses = np.diff(np.concatenate([[0.0], z, [1.0]]))
    ok = bool(np.all(masses > floor - 1e-12) and np.all(masses > 0))
    if constraint == "ex-ante" and ok:
        ok = problem.eval(np.ascontiguousarray(z))[2] <= kappa + 1e-9
    return (z if ok else z0), lam, ok


def _keep_merged(model, merged, r, masses, kappa) -> None:
    """Record a solution with collapsed intervals as the partition without them, if that
    partition meets the ex-ante constraint (an unpolished solution may break it by ~1e-8)."""
    z = r[1]
    while len(masses) > 1 and masses.min() < _COLLAPSED:
        i = int(np.argmin(masses))
        z = np.delete(z, min(i, len(z) - 1))  # drop a cutoff bounding the empty interval
        masses = np.diff(np.concatenate([[0.0], z, [1.0]]))
    z, lam, ok = _polish(model, z, kappa, "ex-ante")  # Lemma 4 on the merged partition
    merged_masses = np.diff(np.concatenate([[0.0], z, [1.0]]))
    if (merged_masses.min() < _COLLAPSED
            or menu_entropy(merged_masses) > kappa + 1e-10):
        return
    profit = float(profit_of_masses(model, merged_masses)[0])
    n = len(merged_masses)
    if merged.get(n) is None or profit > merged[n][0]:
        merged[n] = (profit, z, lam, ok)


def _solve_n(model, table_problem, n, kappa, constraint, n_random, rng):
    """Best partition into ``n`` intervals: SLSQP from several starts on the table, then the
    best few polished on the exact prior. Returns ``(profit, z, λ, converged)`` or None."""
    if n == 1:
        return (float(build_menu(model, np.array([0.0, 1.0])).profit), np.empty(0), math.nan,
                True)
    floor = math.exp(-kappa) if constraint == "ex-post" else 1e-10
    starts = _structured_starts(n, kappa, constraint)
    if n_random:
        if constraint == "ex-ante":
            starts += list(random_binding_masses(n, min(kappa, math.log(n)), n_random, rng))
        else:
            slack = 1.0 - n * math.exp(-kappa)
            starts += list(math.exp(-kappa) + slack * rng.dirichlet(np.ones(n), size=n_random))
    found = []
    for x in starts:
        z0 = np.cumsum(x)[:-1]
        z = _slsqp(table_problem, z0, kappa, constraint, floor)
        p, _, ent, _, mass, _, _ = table_problem.eval(z)
        feasible = np.all(mass >= floor - 1e-9) and (constraint == "ex-post" or ent <= kappa + 1e-7)
        if feasible:
            found.append((p, z))
    if not found:
        return None
    found.sort(key=lambda t: -t[0])
    # polish the distinct best candidates (up to 3)
    best = None
    exact = _Problem(_ExactFns(model), model.cost)
    seen = []
    for _, z in found:
        if any(np.max(np.abs(z - s)) < 1e-6 for s in seen):
            continue
        seen.append(z)
        if np.diff(np.concatenate([[0.0], z, [1.0]])).min() < _COLLAPSED:
            # collapsed onto fewer intervals (n above the optimal count): nothing to polish
            pe = exact.eval(np.ascontiguousarray(z))[0]
            if best is None or pe > best[0]:
                best = (pe, z, math.nan, False)
            continue
        zp, lam, ok = _polish(model, z, kappa, constraint)
        pe = exact.eval(np.ascontiguousarray(zp))[0]
        if best is None or pe > best[0]:
            best = (pe, zp, lam, ok)
        if len(seen) >= 3:
            break
    return best


def optimal_menu(
    prior,
    kappa: float = 1.0,
    constraint: str = "ex-ante",
    *,
    cost=None,
    n_random: int = 4,
    max_intervals: int = 64,
    n_intervals: int | None = None,
    rng=0,
    max_seconds: float = MAX_SECONDS,
) -> OptimalMenu:
    """The κ-optimal interval mechanism (menu) for any prior and cost.

    Solves Lemma 2's program: maximise profit Eq. (2) over interval partitions with
    quantities Eq. (3) and prices Eq. (4), subject to ex-ante privacy loss Eq. (5) ``<= κ``
    (``constraint="ex-ante"``) or ex-post privacy loss ``max -log mass <= κ``
    (``"ex-post"``, Section 5). The search over the number of intervals and the cutoffs is
    described in the module docstring.

    Parameters
    ----------
    prior : frozen continuous scipy.stats distribution
        Bounded support; density bounded away from 0; increasing virtual value
        ``v(θ) = θ - (1-F)/f`` with ``v(θ_low) >= 0`` (Section 3).
    kappa : float
        Privacy capacity κ >= 0 in nats; ``κ = 0`` gives one interval (full pooling), and so
        does a κ below about 2e-8, whose optimal short interval would hold less than 1e-9.
    constraint : {"ex-ante", "ex-post"}
    cost : Cost, callable ``c(q)`` or pair ``(c, c')``, optional
        Convex production cost with ``c(0) = c'(0) = 0``; ``q²/2`` by default.
    n_random : int
        Random restarts per number of intervals, on top of the structured starts.
    max_intervals : int
        Refuse κ that needs more intervals than this (``⌈e^κ⌉ > max_intervals``).
    n_intervals : int, optional
        Fix the number of intervals: the ``(n, κ)``-optimal mechanism of Section 4.3 (best
        partition into exactly ``n`` intervals; ValueError if none is feasible).
    rng : None, int, SeedSequence or Generator
        Seeds the random restarts only (default 0, so the result is reproducible).
    max_seconds : float
        Work budget in estimated CPU seconds (default 60); None (or ``numpy.inf``) lifts it.

    Returns
    -------
    OptimalMenu

    Raises
    ------
    TypeError, ValueError
        Naming the parameter: ``kappa`` negative or too large, unknown ``constraint``, a
        prior or cost breaking Section 3's assumptions.
    privauction._validation.WorkBudgetError
        Before any work, when the estimated CPU time of the search exceeds ``max_seconds``.
        Each interval count ``n`` solved costs ``(min(n, 12) + n_random)`` starts of about
        ``1e-3 + 3e-4 n²`` CPU seconds each (an SLSQP solve on ``n - 1`` cutoffs; the envelope
        of ``benchmarks/bench_budgets_rest.py``: κ = log 64 takes about 64 s of CPU); the
        ex-ante search is estimated from its first three counts ``⌈e^κ⌉ .. ⌈e^κ⌉ + 2``, the
        ex-post one from all counts ``1 .. ⌊e^κ⌋``. So ``n_random=10**6``, or ``kappa=10`` with
        ``max_intervals=10**6`` (22,027 intervals: SLSQP alone would ask for about 42 GiB), is
        refused in milliseconds. Lower ``kappa``, ``n_intervals`` or ``n_random``, or raise
        ``max_seconds``.

    Examples
    --------
    Uniform on [1, 2] with quadratic cost (Prop. 4): κ = 1 needs ``⌈e⌉ = 3`` intervals.

    >>> from scipy import stats
    >>> m = optimal_menu(stats.uniform(1, 1), kappa=1.0)
    >>> m.n_intervals, round(m.privacy_loss, 9)
    (3, 1.0)
    >>> optimal_menu(stats.uniform(1, 1), kappa=1.0, constraint="ex-post").n_intervals  # Prop. 8
    2
    """
    kappa = check_real(kappa, "kappa", lower=0.0)
    if not isinstance(constraint, str) or constraint not in CONSTRAINTS:
        raise ValueError(f"`constraint` must be one of {CONSTRAINTS}; got {constraint!r}")
    n_random = check_int(n_random, "n_random", minimum=0)
    max_intervals = check_int(max_intervals, "max_intervals", minimum=1)
    max_seconds = check_limit(max_seconds, "max_seconds")
    if isinstance(rng, (bool, np.bool_)):  # a boolean is not a seed (check_rng takes it as 1)
        raise TypeError(
            f"`rng` must be None, an int seed, a SeedSequence or a Generator; got {rng}"
        )
    gen = check_rng(rng)
    model = screening_model(prior, cost)
    if kappa > math.log(max_intervals) + 1e-12:  # also keeps e^κ below float overflow
        raise ValueError(
            f"`kappa` = {kappa:g} needs at least e^κ = "
            f"{f'{math.exp(kappa):.4g}' if kappa < 700 else 'over 1e304'} intervals, more than "
            f"`max_intervals` = {max_intervals}; raise max_intervals or lower kappa"
        )
    n_lo = min_intervals(kappa)
    if n_intervals is not None:
        n_fix = check_int(n_intervals, "n_intervals", minimum=1)
        counts = [n_fix]
    elif constraint == "ex-post":
        n_top = min(max(1, int(math.floor(math.exp(kappa) * (1 + 1e-12)))), max_intervals)
        counts = range(1, n_top + 1)
    else:
        counts = range(n_lo, min(n_lo + 2, max_intervals) + 1)
    check_budget(
        _search_seconds(counts, n_random), max_seconds,
        what=(f"`kappa` = {kappa:g} ({constraint}: interval counts from {min(counts)} to "
              f"{max(counts)}) with `n_random` = {n_random}"
              + ("" if n_intervals is None else f" and `n_intervals` = {n_intervals}")),
        unit="CPU seconds (estimated)",
        advice="lower `kappa` (fewer intervals), `n_intervals` or `n_random`, or pass a larger "
               "`max_seconds` (None for no limit)",
    )
    table = _Problem(_TableFns(model), model.cost)

    results = {}
    if n_intervals is not None:
        feasible = (n_fix <= math.exp(kappa) * (1 + 1e-12) if constraint == "ex-post"
                    else (n_fix == 1 or kappa > 0))
        if not feasible:
            raise ValueError(
                f"`n_intervals` = {n_fix} is infeasible under the {constraint} constraint with "
                f"kappa = {kappa:g}"
            )
        results[n_fix] = _solve_n(model, table, n_fix, kappa, constraint, n_random, gen)
        if results[n_fix] is None:
            raise ValueError(f"no feasible partition into `n_intervals` = {n_fix} found")
    elif constraint == "ex-post":
        n_hi = max(1, int(math.floor(math.exp(kappa) * (1 + 1e-12))))
        n_hi = min(n_hi, max_intervals)
        for n in range(1, n_hi + 1):
            results[n] = _solve_n(model, table, n, kappa, constraint, n_random, gen)
    else:
        if n_lo > 1 or kappa < 1e-8:
            results[1] = _solve_n(model, table, 1, kappa, constraint, n_random, gen)
        n = n_lo
        best_profit = -math.inf
        misses = 0
        merged = {}
        while n <= max_intervals and misses < 2 and not (kappa == 0.0 and n > 1):
            r = _solve_n(model, table, n, kappa, constraint, n_random, gen)
            if r is not None:
                masses = np.diff(np.concatenate([[0.0], r[1], [1.0]]))
                if n > 1 and masses.min() < _COLLAPSED:
                    # Really fewer intervals (κ barely above log(n - 1)): keep the merged
                    # partition as a fallback candidate rather than losing it.
                    _keep_merged(model, merged, r, masses, kappa)
                    r = None
            results[n] = r
            if r is not None and (best_profit == -math.inf or r[0] > best_profit + 1e-12 * max(
                    1.0, abs(best_profit))):
                best_profit = r[0]
                misses = 0
            else:
                misses += 1
            n += 1
        # A merged partition stands in only for a count with no solution of its own: where
        # every count from ⌈e^κ⌉ on collapses (κ in (log m, log m + ~2e-8]), it is the optimum.
        for m, r in merged.items():
            if results.get(m) is None:
                results[m] = r
        results = dict(sorted(results.items()))
    profit_by_n = tuple((n, (r[0] if r is not None else math.nan)) for n, r in results.items())
    candidates = [(n, r) for n, r in results.items() if r is not None]
    if not candidates:  # cannot happen for κ >= 0: one interval is always feasible
        raise RuntimeError("no feasible partition found")
    top = max(r[0] for _, r in candidates)
    n_best, (profit, z, lam, ok) = min(
        ((n, r) for n, r in candidates if r[0] >= top - 1e-11 * max(1.0, abs(top))),
        key=lambda t: t[0],
    )
    u = np.concatenate([[0.0], z, [1.0]])
    menu = build_menu(model, u)
    if constraint == "ex-ante" and n_best > 1:
        res, lam = lemma4_residuals(menu, None if not np.isfinite(lam) else lam)
        foc = float(np.max(np.abs(res)))
    elif constraint == "ex-post" and n_best > 1:
        res, _ = lemma4_residuals(menu, 0.0)
        free = (menu.masses[:-1] > math.exp(-kappa) + 1e-7) & (
            menu.masses[1:] > math.exp(-kappa) + 1e-7)
        foc = float(np.max(np.abs(res[free]))) if free.any() else 0.0
        lam = math.nan
    else:
        foc, lam = 0.0, math.nan
    return build_menu(
        model, u, cls=OptimalMenu, kappa=kappa, constraint=constraint,
        multiplier=float(lam), foc_residual=foc, profit_by_n=profit_by_n, converged=bool(ok),
    )
