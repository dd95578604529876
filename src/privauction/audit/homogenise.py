"""Homogenise bids for auction covariates: OLS of the log bid on the covariates.

The multiplicatively separable model of the auction literature (Haile, Hong & Shum 2003, §4;
Bajari, Houghton & Tadelis 2014; simple-fpa's ``model_type="multiplicative"``): a bidder's value
in auction ``j`` is ``v_ij = Γ(x_j) ṽ_ij`` with ``ṽ_ij`` i.i.d. across auctions, so equilibrium
bids scale the same way, ``b_ij = Γ(x_j) b̃_ij``, and GPV applied to the homogenised bids
``b̃`` recovers the homogenised values ``ṽ``. ``log Γ(x) = x'β`` is estimated by OLS of
``log b`` on the covariates, with dummies for the number of bidders ``n`` so that the effect of
competition on bids (which is the equilibrium the recovery inverts) is not attributed to the
covariates; only the covariate part is divided out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Homogenisation", "homogenise"]


@dataclass(frozen=True)
class Homogenisation:
    """What :func:`homogenise` fitted.

    Attributes
    ----------
    coefficients : pandas.Series
        OLS coefficients of ``log bid`` by regressor name (``log(x)`` for a positive continuous
        covariate, ``x`` for another continuous one, ``x=level`` for a dummy, ``n=k`` for the
        number-of-bidders dummies, ``const``).
    r_squared : float
        Share of the variance of ``log bid`` explained.
    scale : numpy.ndarray
        ``Γ(x_j)`` per bid, normalised to geometric mean 1 over the bids, so homogenised bids
        ``bid / scale`` are in the bid units of an auction with typical covariates.
    formula : str
        The regression, readable (``"log(bid) ~ 1 + log(volume) + C(forest) + C(n)"``).
    """

    coefficients: pd.Series
    r_squared: float
    scale: np.ndarray
    formula: str


def _design(table: pd.DataFrame, covariates, categorical) -> tuple[np.ndarray, list[str],
                                                                     list[str]]:
    columns, names, terms = [np.ones(len(table))], ["const"], ["1"]
    for c in covariates:
        x = table[c]
        if c in categorical or not pd.api.types.is_numeric_dtype(x):
            dummies = pd.get_dummies(x.astype("category"), prefix=c, prefix_sep="=",
                                     drop_first=True, dtype=float)
            columns += [dummies.to_numpy()]
            names += list(dummies.columns)
            terms.append(f"C({c})")
        else:
            x = x.to_numpy(dtype=float)
            if np.all(x > 0):
                columns.append(np.log(x)[:, None])
                names.append(f"log({c})")
                terms.append(f"log({c})")
            else:
                columns.append(x[:, None])
                names.append(c)
                terms.append(c)
    return np.column_stack(columns), names, terms


def homogenise(table: pd.DataFrame, *, bid: str, n_bidders: np.ndarray, covariates=(),
               categorical=()) -> Homogenisation:
    """Fit ``log bid = x'β + Σ_k δ_k 1{n = k} + ε`` by OLS; return ``Γ(x) = exp(x'β)``.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per bid.
    bid : str
        Column of the (positive) bids.
    n_bidders : ndarray of int
        Bidders in each row's auction (dummies in the regression, not divided out).
    covariates : sequence of str
        Continuous covariates enter as ``log(x)`` when every value is positive (the elasticity
        form of the multiplicative model), else linearly; non-numeric ones and those named in
        ``categorical`` enter as dummies (first level dropped). Empty: no homogenisation
        (``scale`` is 1).
    categorical : sequence of str
        Numeric covariates to treat as categories (e.g. a forest or a year code).

    Returns
    -------
    Homogenisation

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> size = rng.uniform(1, 10, 4000)
    >>> t = pd.DataFrame({"b": size ** 0.8 * rng.lognormal(0, 0.1, 4000), "size": size})
    >>> h = homogenise(t, bid="b", n_bidders=np.full(4000, 2), covariates=["size"])
    >>> round(float(h.coefficients["log(size)"]), 2), h.formula
    (0.8, 'log(b) ~ 1 + log(size) + C(n)')
    """
    covariates = list(covariates)
    categorical = set(categorical)
    y = np.log(table[bid].to_numpy(dtype=float))
    x, names, terms = _design(table, covariates, categorical)
    n_dummies = pd.get_dummies(pd.Categorical(n_bidders), prefix="n", prefix_sep="=",
                               drop_first=True, dtype=float)
    full = np.column_stack([x, n_dummies.to_numpy()])
    beta, *_ = np.linalg.lstsq(full, y, rcond=None)
    resid = y - full @ beta
    r2 = 1.0 - float(resid.var() / y.var()) if y.var() > 0 else 0.0
    covariate_part = x[:, 1:] @ beta[1:x.shape[1]]
    log_scale = covariate_part - covariate_part.mean()
    coefficients = pd.Series(beta, index=names + list(n_dummies.columns), name="coefficient")
    formula = f"log({bid}) ~ " + " + ".join(terms + ["C(n)"])
    return Homogenisation(coefficients, r2, np.exp(log_scale), formula)
