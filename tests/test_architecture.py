"""The one dependency rule: trepart.analysis is pure and never imports Django or an app."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import trepart.analysis

ANALYSIS_DIR = Path(trepart.analysis.__file__).parent
FORBIDDEN = ("django", "ninja", "trepart.")


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_no_analysis_module_imports_django_or_an_app() -> None:
    offenders = [
        f"{path.relative_to(ANALYSIS_DIR)} imports {name}"
        for path in sorted(ANALYSIS_DIR.rglob("*.py"))
        for name in _imported_modules(path)
        if name.startswith(FORBIDDEN) and not name.startswith("trepart.analysis")
    ]
    assert offenders == []


def test_importing_every_analysis_module_loads_no_django() -> None:
    modules = sorted(
        "trepart.analysis." + ".".join(path.relative_to(ANALYSIS_DIR).with_suffix("").parts)
        for path in ANALYSIS_DIR.rglob("*.py")
        if path.name != "__init__.py"
    )
    assert modules, "trepart.analysis has no modules to check"
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
