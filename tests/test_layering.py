"""The package's imports run one way: every module imports only from lower layers.

Every import statement of every module under ``src/privauction`` is read from its syntax tree
(function-level and ``TYPE_CHECKING`` imports included, relative imports resolved), mapped to
the top-level component it reaches, and checked against the one layer order below. A new
top-level module or package must be given a layer here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import privauction

SRC = Path(privauction.__file__).parent

# The layer order, written once: a component may import only components of a lower layer.
LAYERS = {
    "_validation": 0,
    "_budgets": 0,          # the work-budget estimates of the core entry points
    "_version": 0,          # `__version__`, metadata read from the package root
    "_progress": 0,         # progress bars (tqdm) for long loops at every layer
    "plotting": 0,          # the figure style and helpers: matplotlib only, used from layer 8 up
    "priors": 1,
    "disclosure": 1,        # the Disclosure contract and built-ins: pure functions of outcomes
    "theory": 2,            # closed forms, quadratures, posteriors of both papers
    "mechanisms": 3,
    "estimators": 4,
    "simulator": 5,
    "privacy": 5,           # analytical privacy loss under a disclosure
    "screening": 6,
    "sweep": 7,
    "audit": 8,
    "frontier": 8,
    "demo": 8,
    "scenarios": 9,
    "report": 10,
    "frontier_report": 10.5,  # the frontier's HTML section: uses report's figure embedding
    "audit.report": 10.5,   # the audit's HTML report reuses report's figure helpers
    "cli": 11,
    "__init__": 12,         # the package root re-exports the public API
}


def _component(path: Path) -> str:
    rel = path.relative_to(SRC)
    if rel.parts == ("__init__.py",):
        return "__init__"
    if rel.parts == ("audit", "report.py"):
        return "audit.report"
    return rel.parts[0].removesuffix(".py")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["privauction", *parts])


def _target_component(dotted: str) -> str:
    """Top-level component of a fully qualified ``privauction...`` name."""
    parts = dotted.split(".")
    if len(parts) == 1:
        return "__init__"
    head = parts[1]
    if parts[1:3] == ["audit", "report"]:
        return "audit.report"
    if head == "__version__":
        return "_version"
    if (SRC / head).is_dir() or (SRC / f"{head}.py").is_file():
        return head
    return "__init__"  # a name re-exported by the package root


def imports_of(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """``(line, fully qualified privauction target)`` for every import in ``source``."""
    package = module if is_package else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            # `from X import name`: the name may itself be a module of X
            out += [(node.lineno, f"{prefix}.{a.name}") for a in node.names]
    return [(line, t) for line, t in out if t == "privauction" or t.startswith("privauction.")]


def _all_edges():
    edges = []
    for path in sorted(SRC.rglob("*.py")):
        src_comp = _component(path)
        module = _module_name(path)
        for line, target in imports_of(path.read_text(), module, path.name == "__init__.py"):
            tgt_comp = _target_component(target)
            if tgt_comp != src_comp:
                edges.append((path.relative_to(SRC), line, src_comp, tgt_comp, target))
    return edges


EDGES = _all_edges()


def test_every_component_has_a_layer():
    comps = {_component(p) for p in SRC.rglob("*.py")} | {e[3] for e in EDGES}
    missing = sorted(comps - set(LAYERS))
    assert not missing, f"give these top-level components a layer in LAYERS: {missing}"


def test_imports_run_downwards_only():
    bad = [
        f"{path}:{line}: {src} (layer {LAYERS[src]}) imports {target} (layer {LAYERS[tgt]})"
        for path, line, src, tgt, target in EDGES
        if src in LAYERS and tgt in LAYERS and src != "__init__" and LAYERS[tgt] >= LAYERS[src]
    ]
    assert not bad, "imports against the layer order:\n" + "\n".join(bad)


@pytest.mark.parametrize(
    "lower, forbidden",
    [
        ("theory", {"mechanisms", "simulator", "scenarios", "report", "cli", "sweep",
                    "estimators", "screening"}),
        ("estimators", {"simulator", "scenarios", "report", "cli", "sweep", "screening"}),
        ("mechanisms", {"simulator", "scenarios", "report", "cli", "sweep", "estimators"}),
        ("simulator", {"scenarios", "report", "cli", "sweep", "screening"}),
        ("screening", {"simulator", "scenarios", "report", "cli", "sweep"}),
    ],
)
def test_named_boundaries(lower, forbidden):
    # the boundaries spelled out, so a change of LAYERS cannot quietly relax them
    bad = [f"{path}:{line} imports {target}" for path, line, src, tgt, target in EDGES
           if src == lower and tgt in forbidden]
    assert not bad, "\n".join(bad)


def test_the_walker_sees_function_level_and_relative_imports():
    source = (
        "import numpy\n"
        "from ..priors import support\n"
        "def f():\n"
        "    from ..simulator.observer import Observer\n"
        "    import privauction.report\n"
        "class C:\n"
        "    def g(self):\n"
        "        from .. import cli\n"
    )
    found = [t for _, t in imports_of(source, "privauction.theory.laws", False)]
    assert found == ["privauction.priors.support", "privauction.simulator.observer.Observer",
                     "privauction.report", "privauction.cli"]
    assert [_target_component(t) for t in found] == ["priors", "simulator", "report", "cli"]
