"""Minimum-MI couplings of two *ordered* discrete random variables (Example 2, Lemma 1).

Given the probability mass functions ``px`` of ``X`` and ``py`` of ``Y``, the joint law of
``(X, Y)`` with those marginals and ``Y <= X`` almost surely that has the least mutual
information solves (Example 2 of the auction paper, Eilat, Eliaz & Mu)::

    min_λ  Σ_{y <= x} λ(x, y) log( λ(x, y) / (px(x) py(y)) )
    s.t.   Σ_y λ(x, y) = px(x),   Σ_x λ(x, y) = py(y),   λ >= 0,   λ(x, y) = 0 if y > x.

The objective is the KL divergence ``D(λ || px ⊗ py)``, so the minimiser is the I-projection of
the product ``px ⊗ py`` restricted to the triangle ``{y <= x}`` onto the set of couplings. Its
first-order conditions give the multiplicative form ``λ*(x, y) = h1(x) h2(y) 1{y <= x}`` of
Example 2 (and of Eq. (5) in the continuous case, Lemma 1), and the factors are found by
iterative proportional fitting, i.e. Sinkhorn scaling of the kernel ``K = px ⊗ py · 1{y <= x}``:
alternately rescale the rows to ``px`` and the columns to ``py``. Each step is an exact
I-projection onto one marginal constraint, so the iterates converge to the I-projection onto
both (Csiszár 1975) whenever an ordered coupling exists; by Lemma 2 of the paper it exists iff
``Y`` is first-order dominated by ``X``: ``P(Y <= s) >= P(X <= s)`` for every ``s``.

Where the two CDFs touch, ``P(Y <= s) = P(X <= s)``, every ordered coupling puts zero mass on
``{y <= s < x}`` (the discrete analogue of Lemma 11); those cells are removed from the kernel
before scaling, which keeps the iteration from crawling towards zeros inside the triangle.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from .._validation import (
    PrivauctionWarning,
    check_budget,
    check_int,
    check_limit,
    check_real,
    check_real_array,
)

__all__ = [
    "CouplingResult",
    "CouplingConvergenceWarning",
    "min_mi_coupling",
    "min_mi_coupling_slsqp",
]


class CouplingConvergenceWarning(PrivauctionWarning):
    """Sinkhorn scaling stopped before the plan's marginals matched to ``tol``."""


@dataclass(frozen=True, eq=False)
class CouplingResult:
    """The minimum-MI ordered coupling of two discrete marginals.

    Attributes
    ----------
    plan : ndarray, shape (len(px), len(py))
        ``plan[i, j] = P(X = support_x[i], Y = support_y[j])``; zero where
        ``support_y[j] > support_x[i]``.
    mi : float
        ``D(plan || px ⊗ py)``, the mutual information of the plan in nats.
    h1, h2 : ndarray
        Factors with ``plan[i, j] = h1[i] h2[j]`` on the triangle (within each block that the
        touching points of the CDFs separate), normalised so that ``h1`` sums to 1 when there
        is a single block. Their scale is not unique (Example 2, footnote 16).
    n_iter : int
        Sinkhorn iterations performed (one iteration = a row and a column scaling).
    converged : bool
        Whether both marginal errors fell below ``tol``.
    marginal_error_x, marginal_error_y : float
        ``max |plan.sum(1) - px|`` and ``max |plan.sum(0) - py|``.
    support_x, support_y : ndarray
        The values the rows and columns stand for.
    """

    plan: np.ndarray
    mi: float
    h1: np.ndarray
    h2: np.ndarray
    n_iter: int
    converged: bool
    marginal_error_x: float
    marginal_error_y: float
    support_x: np.ndarray
    support_y: np.ndarray

    def __repr__(self) -> str:
        return (
            f"CouplingResult(mi={self.mi:.12g}, n_iter={self.n_iter}, "
            f"converged={self.converged}, "
            f"marginal_error={max(self.marginal_error_x, self.marginal_error_y):.3g})"
        )


#: Default most cells ``len(px) * len(py)`` of the dense plan (``4096 × 4096``): about 1 GiB
#: at the ~64 bytes per cell the scaling holds at its peak, a few seconds of set-up and about
#: 0.1 s of CPU per Sinkhorn iteration (benchmarks/bench_budgets_rest.py).
MAX_CELLS = 2**24

#: Bytes held per cell of the plan at the peak (the product, the kernel, the plan, the
#: reference and their temporaries).
_BYTES_PER_CELL = 64


def _check_pmf(p, name: str, atol: float) -> np.ndarray:
    arr = check_real_array(p, name, ndim=None)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"`{name}` must be a non-empty 1-d array; got shape {arr.shape}")
    if np.any(arr < 0):
        i = int(np.flatnonzero(arr < 0)[0])
        raise ValueError(f"`{name}` must be non-negative; got {name}[{i}] = {arr[i]}")
    total = float(arr.sum())
    if abs(total - 1.0) > atol:
        raise ValueError(f"`{name}` must sum to 1 (within {atol:g}); got sum {total!r}")
    return arr / total


def _check_support(s, name: str, size: int, pmf_name: str) -> np.ndarray:
    arr = check_real_array(s, name, ndim=None)
    if arr.shape != (size,):
        raise ValueError(
            f"`{name}` must have the shape of `{pmf_name}`, ({size},); got shape {arr.shape}"
        )
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"`{name}` must be strictly increasing; got {arr}")
    return arr


def min_mi_coupling(
    px,
    py,
    *,
    support_x=None,
    support_y=None,
    tol: float = 1e-12,
    max_iter: int = 100_000,
    atol_sum: float = 1e-9,
    max_cells: float = MAX_CELLS,
) -> CouplingResult:
    """Joint law of least mutual information of two ordered discrete random variables.

    Solves Example 2's problem (the discrete case of Lemma 1 of the auction paper)
    ``min D(λ || px ⊗ py)`` over joint laws ``λ`` with marginals ``px``, ``py`` and
    ``Y <= X`` almost surely, by Sinkhorn scaling of ``px ⊗ py`` restricted to ``{y <= x}``.
    The minimiser has the form ``λ(x, y) = h1(x) h2(y) 1{y <= x}``.

    Parameters
    ----------
    px, py : array_like, 1-d
        Probability mass functions of ``X`` and ``Y``; each must be non-negative and sum to 1
        (within ``atol_sum``; they are then renormalised).
    support_x, support_y : array_like, optional
        Strictly increasing values of ``X`` and ``Y``. When both are omitted, ``px`` and ``py``
        must have the same length and entry ``k`` of each stands for the value ``k``.
    tol : float
        Stop when the largest marginal error ``max |λ 1 - px|, max |1ᵀ λ - py|`` is below it.
    max_iter : int
        Most Sinkhorn iterations; on reaching it a :class:`CouplingConvergenceWarning` is
        issued and the last plan returned with ``converged=False``.
    atol_sum : float in [0, 0.01]
        Tolerance on ``sum(px) = 1`` and ``sum(py) = 1`` and on the dominance check: a
        tolerance for rounding, not a licence to pass unnormalised weights.
    max_cells : float
        Work budget: most cells ``len(px) * len(py)`` of the dense plan (default
        :data:`MAX_CELLS` ``= 2**24``); ```None`` (or ``numpy.inf``) lifts it.

    Returns
    -------
    CouplingResult
        ``.plan``, ``.mi`` (nats), factors ``.h1``, ``.h2``, ``.n_iter``, ``.converged`` and the
        marginal errors.

    Raises
    ------
    TypeError
        If a marginal or support is not an array of real numbers (strings, booleans, complex).
    ValueError
        If a marginal is negative, NaN, empty, does not sum to 1, or if no ordered coupling
        exists: by Lemma 2 that is when ``P(Y <= s) < P(X <= s)`` for some ``s`` (``X`` does
        not first-order dominate ``Y``); the message names that ``s``.
    privauction._validation.WorkBudgetError
        Before any work, if ``len(px) * len(py) > max_cells``. The plan is dense: the call
        holds about 64 bytes per cell (1 GiB at the default limit, 4096 × 4096 atoms), costs a
        few seconds to set up and about 8 ns of CPU per cell per Sinkhorn iteration (measured:
        ``benchmarks/bench_budgets_rest.py``, 4000 × 4000 atoms: 1.4 s CPU for 11 iterations),
        so a call under the limit that converges in a few hundred iterations takes under a
        minute; ``max_iter`` bounds the iterations. Identical marginals of length 60,000 (3.6e9
        cells, about 214 GiB) are refused in milliseconds. Coarsen the supports (merge atoms),
        or pass a larger ``max_cells`` (``numpy.inf`` for none) when the memory is there.

    References
    ----------
    Eilat, Eliaz & Mu, "Privacy Preserving Auctions", Example 2, Lemma 1 and Lemma 2.
    I. Csiszár (1975), "I-divergence geometry of probability distributions and minimization
    problems", Ann. Probab. 3(1).

    Examples
    --------
    Example 2 of the paper (Table 1):

    >>> res = min_mi_coupling([0.1, 0.4, 0.5], [0.6, 0.3, 0.1], support_x=[1, 2, 3],
    ...                       support_y=[1, 2, 3])
    >>> res.plan.round(4)
    array([[0.1 , 0.  , 0.  ],
           [0.25, 0.15, 0.  ],
           [0.25, 0.15, 0.1 ]])
    >>> res.h1.round(6), (res.h2 * 25).round(6)
    (array([0.166667, 0.416667, 0.416667]), array([15.,  9.,  6.]))
    """
    atol_sum = check_real(atol_sum, "atol_sum", lower=0.0, upper=0.01)
    tol = check_real(tol, "tol", lower=0.0, lower_inclusive=False)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    max_cells = check_limit(max_cells, "max_cells")
    px = _check_pmf(px, "px", atol_sum)
    py = _check_pmf(py, "py", atol_sum)
    cells = float(px.size) * float(py.size)
    check_budget(
        cells * _BYTES_PER_CELL, max_cells * _BYTES_PER_CELL,
        what=f"a coupling of `px` ({px.size} atoms) and `py` ({py.size} atoms), "
             f"{cells:,.0f} cells over the `max_cells` limit of {max_cells:,.0f},",
        unit="bytes",
        advice="merge atoms to coarsen the supports, or pass a larger `max_cells` "
               "(None for no limit) if the memory is there",
    )
    if support_x is None and support_y is None:
        if px.size != py.size:
            raise ValueError(
                "`px` and `py` must have the same length when no supports are given (entry k "
                f"stands for the value k); got lengths {px.size} and {py.size}: pass "
                "`support_x` and `support_y`"
            )
        support_x = support_y = np.arange(px.size, dtype=float)
    elif support_x is None or support_y is None:
        raise ValueError("`support_x` and `support_y` must be given together")
    sx = _check_support(support_x, "support_x", px.size, "px")
    sy = _check_support(support_y, "support_y", py.size, "py")

    # Lemma 2: an ordered coupling exists iff P(Y <= s) >= P(X <= s) for every s.
    points = np.union1d(sx, sy)
    cdf_x = np.concatenate([[0.0], np.cumsum(px)])[np.searchsorted(sx, points, side="right")]
    cdf_y = np.concatenate([[0.0], np.cumsum(py)])[np.searchsorted(sy, points, side="right")]
    gap = cdf_y - cdf_x
    if np.any(gap < -atol_sum):
        k = int(np.argmin(gap))
        raise ValueError(
            "no coupling with Y <= X exists for `px` and `py`: X must first-order dominate Y "
            "(Lemma 2), i.e. "
            f"P(Y <= s) >= P(X <= s) for all s; at s = {points[k]:g}, P(Y <= s) = {cdf_y[k]:.12g} "
            f"< P(X <= s) = {cdf_x[k]:.12g}"
        )

    # Kernel: product on the triangle, minus cells {y <= s < x} at touching points s.
    mask = sy[None, :] <= sx[:, None]
    # Exact touching only (up to rounding): cells removed here must carry no mass at all.
    # A cell (x, y) with y <= x is removed when a touching point s has y <= s < x, i.e. when
    # x and y fall in different blocks between touching points (one pass, not one per point).
    touching = points[(gap <= 1e-13) & (points < points[-1])]
    if touching.size:
        block_x = np.searchsorted(touching, sx, side="left")
        block_y = np.searchsorted(touching, sy, side="left")
        mask &= block_x[:, None] == block_y[None, :]
    rows, cols = px > 0, py > 0
    K = np.where(mask, np.outer(px, py), 0.0)[np.ix_(rows, cols)]
    a, b = px[rows], py[cols]
    plan_sub, u, v, n_iter, err_x, err_y = _sinkhorn(K, a, b, tol, max_iter)
    converged = max(err_x, err_y) <= tol
    if not converged:
        warnings.warn(
            f"min_mi_coupling did not converge in {max_iter} iterations (marginal error "
            f"{max(err_x, err_y):.3g} > tol = {tol:g}); raise `max_iter`, loosen `tol`, or check "
            "whether P(Y <= s) nearly equals P(X <= s) at some s (a nearly tight dominance makes "
            "Sinkhorn scaling slow; round the marginals so the CDFs touch exactly).",
            CouplingConvergenceWarning,
            stacklevel=2,
        )
    plan = np.zeros((px.size, py.size))
    plan[np.ix_(rows, cols)] = plan_sub
    h1 = np.zeros(px.size)
    h2 = np.zeros(py.size)
    h1[rows] = u * a
    h2[cols] = v * b
    scale = h1.sum()
    if scale > 0:
        h1, h2 = h1 / scale, h2 * scale
    ref = np.outer(px, py)
    pos = plan > 0
    mi = float(np.sum(plan[pos] * (np.log(plan[pos]) - np.log(ref[pos]))))
    return CouplingResult(
        plan=plan,
        mi=mi,
        h1=h1,
        h2=h2,
        n_iter=n_iter,
        converged=bool(converged),
        marginal_error_x=float(np.max(np.abs(plan.sum(axis=1) - px))),
        marginal_error_y=float(np.max(np.abs(plan.sum(axis=0) - py))),
        support_x=sx,
        support_y=sy,
    )


def _sinkhorn(K, a, b, tol, max_iter):
    """Alternate row and column scalings of ``K`` until its marginals are ``a`` and ``b``.

    Returns ``(plan, u, v, n_iter, err_a, err_b)`` with ``plan = diag(u) K diag(v)``.
    """
    u = np.ones(a.size)
    v = np.ones(b.size)
    err_a = err_b = np.inf
    n_iter = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        while n_iter < max_iter:
            n_iter += 1
            Kv = K @ v
            u = np.where(Kv > 0, a / Kv, 0.0)
            KTu = K.T @ u
            v = np.where(KTu > 0, b / KTu, 0.0)
            # After the column scaling the column marginals are exact up to rounding; the row
            # marginals carry the error.
            row = u * (K @ v)
            err_a = float(np.max(np.abs(row - a)))
            if err_a <= tol:
                break
    plan = u[:, None] * K * v[None, :]
    err_a = float(np.max(np.abs(plan.sum(axis=1) - a)))
    err_b = float(np.max(np.abs(plan.sum(axis=0) - b)))
    return plan, u, v, n_iter, err_a, err_b


def min_mi_coupling_slsqp(px, py, support_x, support_y, start=None):
    """The same minimisation by a generic constrained optimiser (SLSQP), as a reference.

    Minimises ``Σ λ log(λ / (px ⊗ py))`` over the entries of the triangle ``y <= x`` subject to
    the two marginal constraints, with analytic gradients. One marginal constraint is dropped:
    both sets sum to 1, and with the dependent set SLSQP stalls at its iteration limit far
    from the optimum. Meant for checking :func:`min_mi_coupling` on small problems (it is
    dense, O(entries²) memory), not for use in its place.

    Parameters
    ----------
    px, py : array_like
        Marginals on ``support_x`` and ``support_y`` (ordered, ``y <= x`` feasible).
    support_x, support_y : array_like
    start : ndarray, shape (len(px), len(py)), optional
        Starting plan (default: the product ``px ⊗ py`` on the triangle).

    Returns
    -------
    plan : ndarray
        The optimiser's plan.
    marginal_error : float
        Largest violation of the marginal constraints.
    """
    px, py = np.asarray(px, dtype=float), np.asarray(py, dtype=float)
    sx, sy = np.asarray(support_x, dtype=float), np.asarray(support_y, dtype=float)
    ii, jj = np.nonzero(sy[None, :] <= sx[:, None])
    ref = px[ii] * py[jj]
    x0 = ref if start is None else np.asarray(start, dtype=float)[ii, jj]
    A = np.zeros((px.size + py.size, ii.size))
    A[ii, np.arange(ii.size)] = 1.0
    A[px.size + jj, np.arange(ii.size)] = 1.0
    target = np.concatenate([px, py])
    A_eq, t_eq = A[:-1], target[:-1]
    res = optimize.minimize(
        lambda z: float(np.sum(special.xlogy(z, z) - special.xlogy(z, ref))), x0,
        jac=lambda z: np.log(np.maximum(z, 1e-300)) - np.log(ref) + 1.0, method="SLSQP",
        bounds=[(0.0, 1.0)] * ii.size,
        constraints=[{"type": "eq", "fun": lambda z: A_eq @ z - t_eq, "jac": lambda z: A_eq}],
        options={"ftol": 1e-15, "maxiter": 1000},
    )
    plan = np.zeros((px.size, py.size))
    plan[ii, jj] = np.clip(res.x, 0.0, None)
    return plan, float(np.max(np.abs(A @ res.x - target)))
