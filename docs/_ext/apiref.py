"""Sphinx extension: the API reference pages, one per public module, from each ``__all__``.

At ``config-inited`` (before Sphinx looks for source files, so autosummary sees the pages) it
writes ``api/<module>.rst``: the module's docstring and an autosummary table of every public
name, each rendered from its numpydoc docstring into ``api/generated/``. An object re-exported
by several modules (``pa.simulate`` is ``pa.simulator.simulate``) is documented once, under
the first module below that exports it. The pages are build products (git-ignored).
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

MODULES = [
    ("privauction", "The top-level API: simulate, estimate, analytical privacy loss."),
    ("privauction.mechanisms", "Auction mechanisms and the Mechanism plug-in contract."),
    ("privauction.disclosure", "What is published after an auction: the Disclosure contract."),
    ("privauction.simulator", "Vectorised simulation, the Bayesian observer, the market."),
    ("privauction.estimators", "Mutual information and privacy-loss estimates with intervals."),
    ("privauction.theory", "Every closed form of both papers, with the equation table."),
    ("privauction.screening", "Coarse screening menus of the second paper."),
    ("privauction.audit", "Real bid data: loading, value recovery, the audit table."),
    ("privauction.sweep", "Parameter sweeps with joblib or Dask and a crash-safe store."),
    ("privauction.priors", "Helpers over frozen scipy.stats priors."),
    ("privauction.scenarios", "The validated claims: registry, checks and runner."),
]


def _title(text: str, mark: str = "=") -> str:
    return f"{text}\n{mark * len(text)}\n"


def module_page(name: str, seen: set[int]) -> str:
    module = importlib.import_module(name)
    entries = []
    for public in module.__all__:
        obj = getattr(module, public)
        if inspect.ismodule(obj):
            continue
        key = id(obj)
        if key in seen and not isinstance(obj, (int, float, str, tuple, frozenset)):
            continue
        seen.add(key)
        entries.append(f"   {public}")
    lines = [
        _title(name),
        f".. automodule:: {name}\n   :no-members:\n",
        _title("Public names", "-"),
        ".. autosummary::\n   :toctree: generated\n   :nosignatures:\n",
        *sorted(entries, key=str.lower),
        "",
    ]
    return "\n".join(lines)


def write_api(app, config) -> None:
    out = Path(app.srcdir) / "api"
    out.mkdir(exist_ok=True)
    seen: set[int] = set()
    names = []
    for name, _ in MODULES:
        (out / f"{name}.rst").write_text(module_page(name, seen))
        names.append(name)
    index = [
        _title("API reference"),
        "Generated from the docstrings (numpydoc). Each formula's docstring cites its paper "
        "and equation; the equation table is in :mod:`privauction.theory`.\n",
        ".. list-table::\n   :widths: 30 70\n",
        *(f"   * - :doc:`{n}`\n     - {b}" for n, b in MODULES),
        "",
        ".. toctree::\n   :hidden:\n",
        *(f"   {n}" for n in names),
        "",
    ]
    (out / "index.rst").write_text("\n".join(index))


def setup(app):
    app.connect("config-inited", write_api)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
