"""The package's layers: which code may import MkDocs, and no package imports a layer above it.

The pure packages form a stack, each importing only those below it:
``records`` < ``answer`` < ``site`` < ``html`` < ``speed``. On top sit the adapters: ``build``
(with ``plugin.py`` and ``config.py``, the only code that imports MkDocs), the checker
``cli.py`` and the Sphinx extension ``sphinx`` (the only code that imports Sphinx).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mkdocs_quicktakes"
STACK = ("records", "answer", "site", "html", "speed")
ADAPTERS = ("build", "plugin", "config", "cli", "sphinx")
MKDOCS_USERS = ("build", "plugin", "config")


def _layer(path: Path) -> str:
    """The first part of a module's name inside the package: ``answer`` for answer/math.py."""
    relative = path.relative_to(PACKAGE).with_suffix("")
    return relative.parts[0]


def _imports(path: Path) -> set[str]:
    """The absolute names of every module ``path`` imports, at any depth (also TYPE_CHECKING)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            module = node.module or ""
            names.add(module)
            if module == "mkdocs_quicktakes":
                # `from mkdocs_quicktakes import cli` imports a module; `__version__` does not.
                names.update(
                    f"mkdocs_quicktakes.{alias.name}"
                    for alias in node.names
                    if not alias.name.startswith("__")
                )
    return names


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def test_every_module_belongs_to_a_known_layer() -> None:
    unknown = {_layer(path) for path in MODULES} - {*STACK, *ADAPTERS}
    assert unknown == set()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_only_the_mkdocs_adapter_imports_mkdocs(path: Path) -> None:
    mkdocs = {name for name in _imports(path) if name.split(".")[0] in ("mkdocs", "properdocs")}
    if _layer(path) not in MKDOCS_USERS:
        assert mkdocs == set()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_pure_package_imports_a_layer_above_it(path: Path) -> None:
    layer = _layer(path)
    if layer not in STACK:
        return
    allowed = set(STACK[: STACK.index(layer) + 1])
    used = {
        name.split(".")[1]
        for name in _imports(path)
        if name.startswith("mkdocs_quicktakes.") and name != "mkdocs_quicktakes"
    }
    assert used <= allowed, f"{layer} imports {sorted(used - allowed)}"


def test_the_layer_check_sees_imports_under_type_checking(tmp_path: Path) -> None:
    """The check above must not miss an import hidden under ``if TYPE_CHECKING:``."""
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from mkdocs_quicktakes.build.build import Build\n",
        encoding="utf-8",
    )
    assert "mkdocs_quicktakes.build.build" in _imports(module)
