"""The README's two commands are what users and CI run: keep them honest."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _readme_commands():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```bash\n(.+?)\n```", text)[:2]


def test_readme_opens_with_two_commands_and_ci_runs_the_test_one():
    main, tests = _readme_commands()
    assert "pip install" in main and "pip install" in tests
    assert "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text()
    assert tests in ci, "`.ci/run` must run the README's test command verbatim"
