"""Every ``.. code-block:: python`` of the documentation's hand-written pages runs as written.

The blocks of one page run in order in one namespace (a page builds on its earlier blocks, as a
reader pasting them into one session would); each page starts fresh. The gallery examples are
run by the docs build itself (sphinx-gallery stops the build on an example that raises).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

DOCS = Path(__file__).parents[1] / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.rst")
               if not {"_build", "api", "claims", "auto_examples"} & set(p.relative_to(DOCS).parts))


def _python_blocks(text: str) -> list[str]:
    blocks = []
    for match in re.finditer(r"^\.\. code-block:: python\n\n((?:   .*\n|\n)+)", text, flags=re.M):
        blocks.append(textwrap.dedent(match.group(1)))
    return blocks


def test_pages_have_snippets():
    counted = {p.name: len(_python_blocks(p.read_text())) for p in PAGES}
    assert counted.get("getting_started.rst") and counted.get("mechanisms.rst") >= 2
    assert sum(counted.values()) >= 10


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in PAGES if _python_blocks(p.read_text())],
                         ids=lambda p: str(p.relative_to(DOCS)))
def test_page_snippets_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__main__"}
    for i, code in enumerate(_python_blocks(page.read_text())):
        exec(compile(code, f"{page.name}[{i}]", "exec"), namespace)
