"""``mutual_information``: one entry point, methods chosen from a dict (as scipy.stats does)."""

from __future__ import annotations

import numpy as np

from .._validation import check_int, check_real, check_rng
from ._binned import BinnedMI
from ._gao import gao_mi
from ._input import as_samples, check_base, check_n_neighbors, log_base
from ._ksg import ksg_mi, standardized
from ._mixed import mixed_mi

__all__ = ["mutual_information", "METHODS"]


def _ksg(x, y, *, n_neighbors, standardize, workers, **_):
    if standardize:
        x, y = standardized(x), standardized(y)
    return ksg_mi(x, y, n_neighbors, workers=workers)


def _mixed(x, y, *, n_neighbors, standardize, workers, **_):
    return mixed_mi(x, y, n_neighbors, workers=workers, standardize=standardize)


def _gao(x, y, *, n_neighbors, standardize, workers, **_):
    if standardize:
        x, y = standardized(x), standardized(y)
    return gao_mi(x, y, n_neighbors, workers=workers)


def _binned(x, y, *, bins=None, binning="equal-mass", max_categories=32, miller_madow=True, **_):
    est = BinnedMI(bins=bins, binning=binning, max_categories=max_categories,
                   miller_madow=miller_madow)
    return est.update(x, y).mutual_information()


METHODS = {"ksg": _ksg, "mixed": _mixed, "binned": _binned, "gao": _gao}
_KNN = ("ksg", "mixed", "gao")


def check_method(method, allowed) -> str:
    if not isinstance(method, str):
        raise TypeError(f"`method` must be one of {sorted(allowed)}; got {method!r}")
    if method not in allowed:
        raise ValueError(f"`method` must be one of {sorted(allowed)}; got {method!r}")
    return method


def mutual_information(
    x,
    y,
    *,
    method: str = "ksg",
    n_neighbors: int = 3,
    base: float | None = None,
    standardize: bool = True,
    jitter: float | None = None,
    rng=None,
    workers: int = 1,
    bins: int | None = None,
    binning: str = "equal-mass",
    max_categories: int = 32,
    miller_madow: bool = True,
) -> float:
    """Estimate the mutual information ``MI(X; Y)`` of two scalar variables from paired samples.

    The privacy loss of an auction is ``MI(W; P)`` between the winner's value and the price
    (Definition 1, Eq. (MI) of the auction paper); this function estimates it from simulated
    pairs. The estimate is returned as computed: it is never clipped at zero, so that it stays
    unbiased when the true value is small.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Paired samples (a column ``(n, 1)`` is accepted), finite, at least ``n_neighbors + 1``.
    method : {"ksg", "mixed", "binned", "gao"}
        ``"ksg"``: Kraskov, Stögbauer & Grassberger algorithm 1 (max-norm), exact: for
        continuous data. ``"mixed"``: for discrete–continuous mixtures (atoms, ties, purely
        discrete columns): atoms are detected exactly and split off by the chain rule, each part
        estimated with a low-bias estimator (plug-in, Ross 2014, KSG); it equals ``"ksg"`` on
        tie-free data and the plug-in estimate on purely discrete data. See
        ``privauction.estimators._mixed``. ``"binned"``: plug-in on a histogram (see
        :class:`BinnedMI`, which also takes data chunk by chunk). ``"gao"``: Gao et al.'s
        (2017) Algorithm 1 as published, kept for comparison (biased on atoms; use "mixed").
    n_neighbors : int
        ``k``, the number of neighbours (3, as scikit-learn and NPEET).
    base : float, optional
        Logarithm base of the result; None gives nats, 2 gives bits.
    standardize : bool
        Divide each column by its standard deviation before the max-norm neighbour search (as
        scikit-learn does). The estimate depends on the scales of ``x`` and ``y`` otherwise.
    jitter : float, optional
        If given, add ``jitter × N(0, 1)`` noise to each standardised column, drawn from
        ``rng``, to break ties (what scikit-learn and NPEET always do, with 1e-10). Off by
        default: ties are handled exactly by "mixed". "ksg" assumes continuous data: it is
        biased where values repeat (about +3 % on a reserve-price atom) and raises only when
        ``n_neighbors + 1`` points coincide, so use "mixed" for prices with atoms.
    rng : None, int, SeedSequence or Generator
        Source of the jitter; unused otherwise.
    workers : int
        Threads for the two-dimensional neighbour search (-1: all cores).
    bins, binning, max_categories, miller_madow
        Options of ``"binned"`` (see :class:`BinnedMI`); ignored by the other methods.

    Returns
    -------
    float
        The estimate, in nats unless ``base`` is given. It may be negative when the true value
        is near zero.

    Raises
    ------
    TypeError, ValueError
        On non-numeric, non-finite, unequal-length or too short inputs, or bad options.
    ValueError
        With ``method="ksg"`` when ``n_neighbors + 1`` samples coincide (use ``"mixed"``).

    References
    ----------
    A. Kraskov, H. Stögbauer, P. Grassberger, "Estimating mutual information", Phys. Rev. E 69
    (2004). W. Gao, S. Kannan, S. Oh, P. Viswanath, "Estimating mutual information for
    discrete-continuous mixtures", NeurIPS (2017). B. C. Ross, "Mutual information between
    discrete and continuous data sets", PLoS ONE 9 (2014).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(20_000)
    >>> y = 0.6 * x + 0.8 * rng.standard_normal(20_000)
    >>> abs(mutual_information(x, y) - 0.2231) < 0.02   # truth -log(1 - 0.36) / 2
    True
    >>> price = np.where(rng.random(20_000) < x.clip(0, None) / 3, 2.0, 0.0)  # an atom pair
    >>> mutual_information(x, price, method="mixed") > 0
    True
    """
    method = check_method(method, METHODS)
    k = check_n_neighbors(n_neighbors)
    x, y = as_samples(x, y, min_samples=k + 1 if method in _KNN else 2)
    b = check_base(base)
    workers = check_int(workers, "workers", minimum=-1)
    if workers == 0:
        raise ValueError("`workers` must be -1 (all cores) or an integer >= 1; got 0")
    if not isinstance(standardize, (bool, np.bool_)):
        raise TypeError(f"`standardize` must be True or False; got {standardize!r}")
    if jitter is not None:
        jitter = check_real(jitter, "jitter", lower=0.0)
        gen = check_rng(rng)
        x = standardized(x) + jitter * gen.standard_normal(x.shape[0])
        y = standardized(y) + jitter * gen.standard_normal(y.shape[0])
    value = METHODS[method](
        x, y, n_neighbors=k, standardize=bool(standardize), workers=workers, bins=bins,
        binning=binning, max_categories=max_categories, miller_madow=miller_madow,
    )
    return value / log_base(b)
