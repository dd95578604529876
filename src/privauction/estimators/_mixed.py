"""Mutual information of discrete–continuous mixtures: atoms split off by the chain rule.

Prices in auctions are often mixtures: the {0,K} lottery pays one of two values, a reserve price
puts an atom at ``r``, grids round prices. A kNN estimator run on such data meets many points at
exactly the same distance from an atom and is biased (Gao, Kannan, Oh & Viswanath 2017 handle
zero distances, not the equal non-zero ones; see ../shared/notes/mi-estimators-measured.md).

Here every value that occurs at least ``n_neighbors + 1`` times in a column is an *atom*
(detected exactly, as repeated floats); ``A`` and ``B`` are the atom labels of ``X`` and ``Y``
(one extra label, ``-1``, for the continuous part). Since ``A`` is a function of ``X`` and ``B``
of ``Y``, ``MI(X; Y) = MI(X, A; Y, B)`` and the chain rule gives four terms::

    MI(X; Y) = MI(A; B)                          discrete x discrete: exact plug-in
             + P(B = c) MI(A; Y | B = c)         discrete label x continuous: Ross (2014)
             + P(A = c) MI(X; B | A = c)         continuous x discrete label: Ross (2014)
             + P(A = c, B = c) MI(X; Y | A = c, B = c)   continuous x continuous: KSG

(``c`` the continuous label; every other conditional term vanishes because a column is constant
on an atom). Each part has its own low-bias estimator, and the kNN parts never see an atom, so
no distance tie can be created by one. On tie-free data the decomposition is the KSG estimate
itself; on purely discrete data it is the plug-in estimate. This is Gao et al.'s estimator
organised so that each of its regimes (zero distances: plug-in; positive distances: KSG) is
used only where it is unbiased.

The Ross (2014) term for a label ``L`` and a continuous ``V`` is
``ψ(N) + ⟨ψ(k_i)⟩ − ⟨ψ(N_{L_i})⟩ − ⟨ψ(m_i)⟩``, with ``d_i`` the distance from ``v_i`` to its
``k_i``-th nearest neighbour sharing its label, ``N_L`` the size of label ``L``'s class and
``m_i = #{j ≠ i : |v_j − v_i| <= d_i}`` over all labels. (The same formula is what Gao et al.'s
estimator reduces to when the label values are far apart.)
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, xlogy

from ._ksg import ksg_mi, standardized
from ._neighbors import SortedValues, count_within

__all__ = ["atom_labels", "plugin_mi", "ross_mi", "mixed_mi"]


def atom_labels(col: SortedValues, min_count: int) -> np.ndarray:
    """Atom index of every sample (in input order), ``-1`` where the value is not an atom.

    An atom is a value repeated at least ``min_count`` times.
    """
    n = col.sorted.shape[0]
    labels = np.full(n, -1, dtype=np.intp)
    if not col.has_ties:
        return labels
    sizes = np.diff(col.cum)
    is_atom = sizes >= min_count
    if not is_atom.any():
        return labels
    ids = np.where(is_atom, np.cumsum(is_atom) - 1, -1)
    labels[col.order] = np.repeat(ids, sizes)
    return labels


def _codes(labels: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense codes 0..m-1 for arbitrary integer labels."""
    uniq, inv = np.unique(labels, return_inverse=True)
    return inv.reshape(-1), uniq.shape[0]


def plugin_mi(a: np.ndarray, b: np.ndarray) -> float:
    """Plug-in MI of two discrete label arrays, ``Σ p_ab log(p_ab / (p_a p_b))``, in nats."""
    n = a.shape[0]
    ca, ma = _codes(a)
    cb, mb = _codes(b)
    if ma == 1 or mb == 1:
        return 0.0
    joint = np.bincount(ca * mb + cb, minlength=ma * mb).astype(float)
    pa = np.bincount(ca, minlength=ma) / n
    pb = np.bincount(cb, minlength=mb) / n
    pab = joint / n
    h = lambda p: -float(np.sum(xlogy(p, p)))  # noqa: E731
    return h(pa) + h(pb) - h(pab)


def ross_mi(labels: np.ndarray, v: np.ndarray, k: int) -> float:
    """Ross (2014) estimate of MI between a discrete ``labels`` array and a continuous ``v``.

    Classes with a single sample carry no neighbour information and are left out (their rows
    do not enter the averages or ``N``); a class with ``2 <= N_L <= k`` samples uses
    ``k_L = N_L - 1`` neighbours.
    """
    codes, m = _codes(labels)
    if m == 1:
        return 0.0
    sizes = np.bincount(codes, minlength=m)
    keep = sizes[codes] > 1
    if not keep.all():
        codes, v = codes[keep], v[keep]
        codes, m = _codes(codes)
        if m <= 1:
            return 0.0
        sizes = np.bincount(codes, minlength=m)
    n = v.shape[0]
    order = np.lexsort((v, codes))
    vs, cs = v[order], codes[order]
    # A value's k nearest same-class neighbours are within k places of it in the (class,
    # value) order; a neighbour from another class is pushed to infinity. In a class of
    # N_L <= k samples the (N_L - 1)-th neighbour is the farthest one of the class.
    d = _kth_distance_1d_classes(vs, cs, k)
    k_i = np.minimum(k, sizes - 1)
    small = sizes[cs] <= k
    if small.any():
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        first, last = vs[starts], vs[starts + sizes - 1]
        far = np.maximum(vs - first[cs], last[cs] - vs)
        d[small] = far[small]
    col = SortedValues(v)
    # m_i counts every sample within d_i (self included by count_within; remove it).
    centers = v[col.order]
    inv = np.empty(n, dtype=np.intp)
    inv[order] = np.arange(n)
    radii = d[inv[col.order]]
    m_i = count_within(col, centers, radii, strict=False) - 1
    return float(
        digamma(n)
        + np.mean(digamma(k_i[cs]))
        - np.sum(sizes * digamma(sizes)) / n
        - np.mean(digamma(m_i))
    )


def _kth_distance_1d_classes(vs: np.ndarray, cs: np.ndarray, k: int) -> np.ndarray:
    """:func:`kth_distance_1d` over values sorted by (class, value), neighbours within class."""
    n = vs.shape[0]
    pad_v = np.concatenate((np.full(k, -np.inf), vs, np.full(k, np.inf)))
    pad_c = np.concatenate((np.full(k, -1), cs, np.full(k, -1)))
    best = np.full(n, np.inf)
    for s in range(k + 1):
        lo_v, lo_c = pad_v[k - s : k - s + n], pad_c[k - s : k - s + n]
        hi_v, hi_c = pad_v[2 * k - s : 2 * k - s + n], pad_c[2 * k - s : 2 * k - s + n]
        left = np.where(lo_c == cs, vs - lo_v, np.inf)
        right = np.where(hi_c == cs, hi_v - vs, np.inf)
        np.minimum(best, np.maximum(left, right), out=best)
    return best


def mixed_mi(x: np.ndarray, y: np.ndarray, k: int, *, workers: int = 1, standardize: bool = True):
    """The chain-rule estimate described in the module docstring, in nats."""
    n = x.shape[0]
    sx, sy = SortedValues(x), SortedValues(y)
    if not (sx.has_ties or sy.has_ties):  # no atom possible: the KSG estimate itself
        order_x, order_y = sx.order, sy.order
        del sx, sy
        if standardize:  # scaling keeps the sort orders
            x, y = standardized(x), standardized(y)
        return ksg_mi(x, y, k, workers=workers, order_x=order_x, order_y=order_y)
    a = atom_labels(sx, k + 1)
    b = atom_labels(sy, k + 1)
    a_cont, b_cont = a < 0, b < 0
    if a_cont.all() and b_cont.all():
        order_x, order_y = sx.order, sy.order
        del sx, sy
        if standardize:
            x, y = standardized(x), standardized(y)
        return ksg_mi(x, y, k, workers=workers, order_x=order_x, order_y=order_y)
    total = plugin_mi(a, b)
    nb_c = int(b_cont.sum())
    if nb_c > 1:
        total += nb_c / n * ross_mi(a[b_cont], y[b_cont], k)
    na_c = int(a_cont.sum())
    if na_c > 1:
        total += na_c / n * ross_mi(b[a_cont], x[a_cont], k)
    both = a_cont & b_cont
    n_both = int(both.sum())
    if n_both > k:
        xs, ys = x[both], y[both]
        if standardize:
            xs, ys = standardized(xs), standardized(ys)
        total += n_both / n * ksg_mi(xs, ys, k, workers=workers)
    return float(total)
