"""The README's GridSearchCV snippet runs exactly as printed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
MARKER = "<!-- snippet: gridsearch"


def snippet(marker: str) -> str:
    """The first ```python block after ``marker`` in README.md."""
    text = README.read_text(encoding="utf-8")
    start = text.index(marker)
    match = re.compile(r"```python\n(.*?)```", re.DOTALL).search(text, start)
    assert match is not None, f"no python block after {marker!r}"
    return match.group(1)


def test_gridsearch_snippet_runs(capsys: pytest.CaptureFixture[str]) -> None:
    code = snippet(MARKER)
    assert "GridSearchCV" in code and "build_pipeline" in code
    scope: dict[str, object] = {"__name__": "readme_snippet"}
    exec(compile(code, f"{README}:gridsearch", "exec"), scope)
    grid = scope["grid"]
    assert set(grid.best_params_) == {"smote__k_neighbors", "model__C"}  # type: ignore[attr-defined]
    assert "smote__k_neighbors" in capsys.readouterr().out
