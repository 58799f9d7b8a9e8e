"""The built wheel: what it contains, and that it works when installed on its own.

hatchling puts every file of the package that git does not ignore into the wheel, so a new
template or a file type added to ``.gitignore`` could silently go missing for users.
"""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import EXAMPLE_CONFIGS, REPO

pytestmark = pytest.mark.clients

PACKAGE = REPO / "mkdocs_quicktakes"
PAGE = "learn/physics/questions/how-does-gausss-law-relate-electric-flux-to-enclosed-charge"


def run(*command: str | Path, cwd: Path | None = None) -> str:
    # No PYTHONPATH: it would let the fresh venv import the source tree instead of the wheel.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from the working tree, with the hatchling of this venv (no download)."""
    out = tmp_path_factory.mktemp("dist")
    pip = (sys.executable, "-m", "pip")
    run(*pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", out, REPO)
    (built,) = out.glob("mkdocs_quicktakes-*-py3-none-any.whl")
    return built


def test_wheel_contains_every_template_the_css_and_py_typed(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {
        path.relative_to(REPO).as_posix()
        for path in (PACKAGE / "templates").rglob("*")
        if path.is_file()
    }
    assert "mkdocs_quicktakes/templates/quicktakes/page.html" in templates
    assert templates <= names
    assert "mkdocs_quicktakes/templates/quicktakes/quicktakes.css" in names
    assert "mkdocs_quicktakes/py.typed" in names
    # The Sphinx extension's templates: its page and the hub layout it renders the core's with.
    assert "mkdocs_quicktakes/sphinx/templates/quicktakes/sphinx-page.html" in names
    assert "mkdocs_quicktakes/sphinx/templates/hubs/quicktakes/layout.html" in names
    assert {path.name for path in PACKAGE.glob("*.py")} <= {Path(n).name for n in names}
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests/")]


def test_wheel_registers_the_plugin_for_mkdocs_and_properdocs(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (entry_points,) = [n for n in archive.namelist() if n.endswith("/entry_points.txt")]
        parser = configparser.ConfigParser()
        parser.read_string(archive.read(entry_points).decode("utf-8"))
    plugin = "mkdocs_quicktakes.plugin:QuickTakesPlugin"
    assert parser["mkdocs.plugins"]["quicktakes"] == plugin
    assert parser["properdocs.plugins"]["quicktakes"] == plugin


def test_wheel_installed_in_a_fresh_venv_builds_the_example_site(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    # No pip inside the new venv: this venv's pip installs into it, which is much faster.
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", wheel)
    # Run from outside the repository, so nothing can import the source tree instead.
    where = run(
        python, "-c", "import mkdocs_quicktakes; print(mkdocs_quicktakes.__file__)", cwd=tmp_path
    )
    assert Path(where.strip()).is_relative_to(venv)
    site = tmp_path / "site"
    run(
        venv / "bin" / "mkdocs",
        "build",
        "--strict",
        "-f",
        EXAMPLE_CONFIGS["mkdocs"],
        "-d",
        site,
        cwd=tmp_path,
    )
    soup = BeautifulSoup((site / PAGE / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("article.qt h1.qt-header__title") is not None
    assert soup.select_one("#answer math") is not None
    assert (site / "quicktakes" / "quicktakes.css").is_file()
