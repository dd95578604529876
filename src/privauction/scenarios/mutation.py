"""Deliberately wrong claims, to measure how often the validator catches wrong theory.

A *mutant* is a claim's rows with one kind of error planted before every decision (the
``mutate`` hook of :func:`~privauction.scenarios.runner.run_claim`):

* :func:`perturb_values` — every analytical value an ``equal`` or ``exact`` check holds the data
  against is moved by a relative amount (a value of 0 by the check's own relevant deviation, or
  by the relative amount for a deterministic check);
* :func:`flip_orderings` — every strict ordering (``greater``/``less`` and their exact versions
  with no slack) is reversed.

A mutant is **caught** when its check does not pass (it fails, or stays inconclusive at the
budget: both make ``validate`` exit non-zero). :func:`mutant_values` counts per wrong value
instead of per check: a claim often checks one analytical value several times (a kNN estimate
to 10 % and the exact observer's to 3 %), and the wrong value is caught when any of them does
not pass, since that is what turns ``validate`` red. Rows that no mutant can change — structural
booleans (``flag`` rows) and bounds with a slack, whose reversal may hold within the slack — are
counted apart, not as caught.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .checks import EXACT_KINDS

__all__ = ["flip_orderings", "mutant_outcomes", "mutant_values", "perturb_values"]

_FLIP = {"greater": "less", "less": "greater", "exact-greater": "exact-less",
         "exact-less": "exact-greater"}


def perturb_values(relative: float = 0.03):
    """A mutate hook that moves every value an equality is checked against by ``relative``."""

    def mutate(rows: pd.DataFrame) -> pd.DataFrame:
        rows = rows.copy()
        ref = rows["reference"].astype(float)
        is_flag = rows["flag"].map(lambda f: isinstance(f, (bool, np.bool_)))
        target = rows["kind"].isin(["equal", "exact"]) & np.isfinite(ref) & ~is_flag
        zero = target & (ref == 0)
        moved = ref * (1.0 + relative)
        shift = np.where(rows["kind"] == "equal", rows["margin"].astype(float), relative)
        new = np.where(zero, shift, moved)
        rows["original_reference"] = ref
        rows.loc[target, "reference"] = new[target.to_numpy()]
        rows.loc[target, "analytical"] = new[target.to_numpy()]
        rows["mutated"] = target
        return rows

    return mutate


def flip_orderings():
    """A mutate hook that reverses every strict ordering (no slack)."""

    def mutate(rows: pd.DataFrame) -> pd.DataFrame:
        rows = rows.copy()
        is_flag = rows["flag"].map(lambda f: isinstance(f, (bool, np.bool_)))
        target = rows["kind"].isin(list(_FLIP)) & (rows["margin"].astype(float) == 0) & ~is_flag
        rows.loc[target, "kind"] = rows.loc[target, "kind"].map(_FLIP)
        rows["mutated"] = target
        return rows

    return mutate


def mutant_outcomes(rows: pd.DataFrame) -> pd.DataFrame:
    """The mutated rows of a decided table with a ``caught`` column (outcome is not a pass)."""
    out = rows[rows["mutated"].astype(bool)].copy()
    out["caught"] = out["outcome"] != "pass"
    out["deterministic"] = out["kind"].isin(EXACT_KINDS)
    return out


def mutant_values(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per perturbed value: the rows of :func:`mutant_outcomes` (with a ``scenario`` column)
    grouped by claim and original analytical value (to 12 significant digits), caught when any
    of its checks is caught."""
    key = outcomes["original_reference"].astype(float).map(lambda v: float(f"{v:.12g}"))
    grouped = outcomes.assign(value=key).groupby(["scenario", "value"], sort=False)
    return grouped.agg(
        checks=("caught", "size"), caught=("caught", "any"),
        deterministic=("deterministic", "all"), cases=("case", lambda s: " | ".join(s)),
    ).reset_index()
