"""Every bad input of the suite is refused up front with a clear error (issue 15).

The cases live in ``tests/bad_inputs/cases_*.py``; each runs in a forked child with a time
limit (``bad_inputs.DEFAULT_TIMEOUT``), so a hang or an out-of-memory fails its own case only.
"""

from __future__ import annotations

import time

import pytest
from bad_inputs import BadInput, all_cases, run_case

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_refused_clearly(case):
    result = run_case(case)
    assert result.outcome == "clear", f"{result.outcome}: {result.detail}"


# The harness itself must tell the four outcomes apart, or the suite above could not fail.
def _refuse():
    raise ValueError("`n_auctions` must be an integer >= 1; got 0")


def _refuse_unnamed():
    raise ValueError("Maximum allowed dimension exceeded")


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (_refuse, "clear"),
        (_refuse_unnamed, "obscure"),
        (lambda: [][1], "obscure"),
        (lambda: 0.0, "silent"),
        (lambda: time.sleep(60), "hang"),
    ],
    ids=["clear", "obscure-unnamed", "obscure-indexerror", "silent", "hang"],
)
def test_harness_classifies(call, expected):
    case = BadInput("harness", expected, call, ("n_auctions",))
    assert run_case(case, timeout=2.0).outcome == expected


def test_harness_cli_exit_two_must_name_the_flag():
    import sys

    def cli_named():
        print("error: --n-auctions must be >= 1", file=sys.stderr)
        return 2

    def cli_unnamed():
        print("error: bad", file=sys.stderr)
        return 2

    named = BadInput("cli", "named", cli_named, ("--n-auctions",), cli=True)
    unnamed = BadInput("cli", "unnamed", cli_unnamed, ("--n-auctions",), cli=True)
    ok = BadInput("cli", "ok", lambda: 0, ("--n-auctions",), cli=True)
    assert run_case(named).outcome == "clear"
    assert run_case(unnamed).outcome == "obscure"
    assert run_case(ok).outcome == "silent"
