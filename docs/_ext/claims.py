"""Sphinx extension: one page per validated claim, generated from the scenario registry.

At ``config-inited`` (before Sphinx looks for source files) it imports
:data:`privauction.scenarios.registry` and writes
``claims/index.rst`` and ``claims/<name>.rst`` (the claim's label, paper, one-line
description, the module docstring that says what is checked, and the quick and default sizes
of ``privauction validate``). The pages are build products (git-ignored), so they cannot drift
from the registry.
"""

from __future__ import annotations

import inspect
import textwrap
from pathlib import Path

PAPERS = {
    "auction": "Eilat, Eliaz & Mu, *Privacy Preserving Auctions*",
    "screening": "Eilat, Eliaz & Mu, *Optimal Privacy-Constrained Mechanisms* (2019)",
}


def _title(text: str, mark: str = "=") -> str:
    return f"{text}\n{mark * len(text)}\n"


def _sizes(kwargs: dict) -> str:
    if not kwargs:
        return "the function's defaults"
    return ", ".join(f"``{k}={v!r}``" for k, v in kwargs.items())


def claim_page(scenario) -> str:
    """The reStructuredText of one claim's page."""
    module = inspect.getmodule(scenario.func)
    checked = inspect.cleandoc(module.__doc__ or scenario.func.__doc__ or "")
    paper = PAPERS.get(scenario.paper, scenario.paper)
    lines = [
        f".. _claim-{scenario.name}:\n",
        _title(f"{scenario.name}: {scenario.claim}"),
        f"{scenario.description}\n",
        ".. list-table::\n   :widths: 20 80\n",
        f"   * - Paper\n     - {paper}",
        f"   * - Claim\n     - {scenario.claim}",
        f"   * - Module\n     - :mod:`{module.__name__}`",
        f"   * - ``validate --quick``\n     - {_sizes(scenario.quick)}",
        f"   * - ``validate``\n     - {_sizes(scenario.full)}",
        f"   * - Enlarged when inconclusive\n     - ``{scenario.size}``",
        "",
        _title("What is checked", "-"),
        checked + "\n",
        _title("Run it", "-"),
        ".. code-block:: bash\n",
        f"   privauction run {scenario.name} --quick --seed 1\n",
    ]
    return "\n".join(lines)


def write_claims(app, config) -> None:
    from privauction.scenarios import registry

    out = Path(app.srcdir) / "claims"
    out.mkdir(exist_ok=True)
    for old in out.glob("*.rst"):
        old.unlink()
    rows = []
    for scenario in registry:
        (out / f"{scenario.name}.rst").write_text(claim_page(scenario))
        rows.append(f"   * - :doc:`{scenario.name} <{scenario.name}>`\n     - {scenario.claim}\n"
                    f"     - {scenario.paper}\n     - {scenario.description}")
    index = [
        _title("Validated claims"),
        textwrap.dedent(f"""\
        ``privauction validate`` checks every claim below by Monte Carlo against its analytical
        value; this list and its pages are generated from the scenario registry
        (:data:`privauction.scenarios.registry`, {len(rows)} claims) when the documentation is
        built. Each check is decided at the run's level: it fails only when the data contradict
        the claim and passes only when they confirm it within the check's relevant deviation;
        otherwise the run draws more samples.
        """),
        ".. list-table::\n   :header-rows: 1\n   :widths: 22 18 10 50\n",
        "   * - Name\n     - Claim\n     - Paper\n     - What it states",
        *rows,
        "",
        ".. toctree::\n   :hidden:\n",
        *(f"   {s.name}" for s in registry),
        "",
    ]
    (out / "index.rst").write_text("\n".join(index))


def setup(app):
    app.connect("config-inited", write_claims)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
