"""The core packages stay free of the UI toolkit, so they run in workers and scripts."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "briefing"
CORE = ["analysis", "sources", "store", "models.py", "errors.py", "config.py", "safety.py"]


def _core_files() -> list[Path]:
    files: list[Path] = []
    for name in CORE:
        path = PACKAGE / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.exists() else []
    return files


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_module_never_imports_the_ui(path: Path) -> None:
    banned = {m for m in _imports(path) if m.split(".")[0] in {"textual", "rich"}}
    banned |= {m for m in _imports(path) if m.startswith("briefing.tui")}
    assert not banned, f"{path.name} imports {sorted(banned)}"


def test_the_core_list_is_not_empty() -> None:
    assert len(_core_files()) >= 8
