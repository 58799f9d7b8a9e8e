"""The example site in a real browser: Debian's Chromium, driven by Playwright, fully offline.

Every QuickTakes page of the example site is opened in the ``mkdocs``, ``readthedocs`` and
``material`` themes, light and dark; ``readthedocs`` has no dark mode, so it is opened in light
only. Each page is loaded once per theme and scheme; the tests then read what the browser
measured. Screenshots of one page per theme and scheme land in ``test-artifacts/screenshots/``;
with ``QT_UPDATE_SCREENSHOTS=1`` they also replace ``docs/assets/screenshots/<theme>[-dark].png``.

Only the browser comes from the system: Playwright starts ``/usr/bin/chromium`` (Debian's
``chromium`` package, which ``.ci/run`` installs), so ``playwright install`` is never run.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from conftest import EXAMPLE_CONFIGS, EXAMPLE_SITE, REPO, build_config_file
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Request,
    Response,
    Route,
    sync_playwright,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

pytestmark = pytest.mark.clients

CHROMIUM = "/usr/bin/chromium"
# No sandbox: CI runs as root in a container. The other flags keep Chromium from calling home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
DOCS_SCREENSHOTS = REPO / "docs" / "assets" / "screenshots"
SHOWCASE = "learn/physics/questions/how-does-gausss-law-relate-electric-flux-to-enclosed-charge/"
"""The page in the screenshots: display and inline formulas, sections, related questions."""

# The mkdocs theme goes dark only when asked: `color_mode: auto` follows prefers-color-scheme.
# Material follows it through the example's palette (`media: "(prefers-color-scheme: dark)"`).
THEME_OVERRIDES: dict[str, dict[str, Any]] = {
    "mkdocs": {"theme": {"name": "mkdocs", "language": "en", "color_mode": "auto"}},
}
# What each theme has set once it has switched to its dark scheme.
DARK_MARKERS = {
    "mkdocs": "document.documentElement.dataset.bsTheme === 'dark'",
    "readthedocs": "false",  # no dark mode at all
    "material": "document.body.dataset.mdColorScheme === 'slate'",
}
CASES = [
    ("mkdocs", "light"),
    ("mkdocs", "dark"),
    ("readthedocs", "light"),
    ("material", "light"),
    ("material", "dark"),
]
CASE_IDS = [f"{theme}-{scheme}" for theme, scheme in CASES]
LAYOUT = {
    "question": "h1",
    "byline": ".qt-byline",
    "answer": "#answer",
    "related": ".qt-related",
}
"""The parts of the Q&A layout, in reading order."""


def question_pages() -> dict[str, dict[str, Any]]:
    """The example site's QuickTakes pages: path in the site (their ``url``) -> front matter."""
    pages = {}
    for source in sorted((EXAMPLE_SITE / "docs" / "questions").glob("*.md")):
        front = yaml.safe_load(source.read_text(encoding="utf-8").split("---\n", 2)[1])
        pages[front["url"].strip("/") + "/"] = front
    return pages


QUESTIONS = question_pages()
# Light: every page. Dark changes colours only, so one page per theme keeps the suite fast.
PAGES = {"light": list(QUESTIONS), "dark": [SHOWCASE]}


def has_related(path: str) -> bool:
    return any(key.startswith("related_article") for key in QUESTIONS[path])


MEASURE = """layout => {
  const size = el => {
    if (!el) return null;
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    const shown = r.width > 0 && r.height > 0 && s.visibility !== 'hidden';
    return shown ? {y: r.y + window.scrollY, width: r.width, height: r.height} : null;
  };
  const related = document.querySelector('.qt-related');
  const trail = document.querySelector('.qt-breadcrumbs ol');
  return {
    headings: [...document.querySelectorAll('h1')].map(h => h.innerText.trim()),
    boxes: Object.fromEntries(Object.entries(layout).map(
        ([name, sel]) => [name, size(document.querySelector(sel))])),
    relatedLinks: document.querySelectorAll('.qt-related a[href]').length,
    maths: [...document.querySelectorAll('math')].map(m => ({
        display: getComputedStyle(m).display, ...size(m),
        text: m.textContent.trim().slice(0, 40)})),
    relatedColours: related && [getComputedStyle(related).backgroundColor,
                                getComputedStyle(related).color],
    trail: trail && [getComputedStyle(trail).display, ...[...trail.children].map(li =>
        getComputedStyle(li).display === 'list-item' ? getComputedStyle(li).listStyleType : '')],
  };
}"""


@dataclass
class PageReport:
    """What the browser measured and reported while showing one page."""

    path: str
    headings: list[str] = field(default_factory=list)
    boxes: dict[str, dict[str, float] | None] = field(default_factory=dict)
    related_links: int = 0
    maths: list[dict[str, Any]] = field(default_factory=list)
    related_colours: list[str] | None = None
    trail: list[str] | None = None
    """The breadcrumb list's display, then each item's list marker ("" when it has none)."""
    dark: bool = False
    blocked: list[str] = field(default_factory=list)
    """Requests to other hosts (CDN scripts, web fonts), aborted: the tests run offline."""
    errors: list[str] = field(default_factory=list)


class Recorder:
    """Collects what the browser reports while one tab loads one page."""

    def __init__(self, origin: str, report: PageReport) -> None:
        self.origin = origin
        self.report = report

    def watch(self, page: Page) -> None:
        page.route("**/*", self.offline)
        page.on("console", self.on_console)
        page.on("pageerror", self.on_page_error)
        page.on("requestfailed", self.on_request_failed)
        page.on("response", self.on_response)

    def offline(self, route: Route) -> None:
        if route.request.url.startswith(self.origin):
            route.continue_()
        else:
            self.report.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # Tolerated: Chromium reporting a request this test aborted (a CDN file or a web font).
        url = message.location.get("url")
        if url in self.report.blocked and "ERR_BLOCKED_BY_CLIENT" in message.text:
            return
        self.report.errors.append(f"console: {message.text} ({url})")

    def on_page_error(self, error: Error) -> None:
        # Tolerated: the mkdocs and readthedocs themes load highlight.js from cdnjs and then call
        # `hljs.highlightAll()` inline, which throws once that aborted script is missing.
        cdn_highlight = any("highlight" in url for url in self.report.blocked)
        if cdn_highlight and "hljs is not defined" in error.message:
            return
        self.report.errors.append(f"page error: {error.message}")

    def on_request_failed(self, request: Request) -> None:
        if request.url not in self.report.blocked:
            self.report.errors.append(f"request failed: {request.url} ({request.failure})")

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.report.errors.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the example site in every theme and serve them all from one local server."""
    root = tmp_path_factory.mktemp("browser-sites")
    for theme, config in EXAMPLE_CONFIGS.items():
        build_config_file(config, site_dir=str(root / theme), **THEME_OVERRIDES.get(theme, {}))
    with serve_folder(root) as url:
        yield url


@contextmanager
def serve_folder(root: Path, handler: type[_QuietHandler] | None = None) -> Iterator[str]:
    """Serve ``root`` on a free loopback port for the browser tests; yields the base url."""
    files = functools.partial(handler or _QuietHandler, directory=str(root))
    server = _QuietServer(("127.0.0.1", 0), files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean: a missing file shows up as an HTTP error instead."""


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Say nothing when a closing tab hangs up mid-response; report anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def reports(browser: Browser, site_url: str) -> Callable[[str, str], list[PageReport]]:
    """Reports of every QuickTakes page in one theme and scheme, each loaded once per module."""
    return functools.cache(functools.partial(visit_all, browser, site_url))


def visit_all(browser: Browser, site_url: str, theme: str, scheme: str) -> list[PageReport]:
    """Open every page of ``theme`` for ``scheme`` in its own tab, then measure each."""
    context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme)  # type: ignore[arg-type]
    try:
        # All tabs load at once: the suite waits for the slowest page, not for the sum of them.
        tabs = [open_tab(context, site_url, f"{theme}/", path) for path in PAGES[scheme]]
        for page, report in tabs:
            measure(page, report, DARK_MARKERS[theme])
            if report.path == SHOWCASE:
                screenshot(page, f"{theme}-dark" if scheme == "dark" else theme)
        return [report for _, report in tabs]
    finally:
        context.close()


def open_tab(
    context: BrowserContext, site_url: str, site: str, path: str
) -> tuple[Page, PageReport]:
    """Start loading a page in a new tab, recording what the browser reports."""
    page = context.new_page()
    report = PageReport(path)
    Recorder(site_url, report).watch(page)
    page.goto(site_url + site + path, wait_until="commit")
    return page, report


def measure(page: Page, report: PageReport, dark_marker: str) -> None:
    # Network idle: the theme's scripts (search index, Material's palette) have run by then.
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    measured = page.evaluate(MEASURE, LAYOUT)
    report.headings = measured["headings"]
    report.boxes = measured["boxes"]
    report.related_links = measured["relatedLinks"]
    report.maths = measured["maths"]
    report.related_colours = measured["relatedColours"]
    report.trail = measured["trail"]
    report.dark = page.evaluate(dark_marker)


def screenshot(page: Page, name: str) -> None:
    """Save the first screen as an artifact, and into the docs when asked to."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png")
    page.screenshot(path=ARTIFACTS / f"{name}-full.png", full_page=True)
    if os.environ.get("QT_UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ARTIFACTS / f"{name}.png", DOCS_SCREENSHOTS / f"{name}.png")


def luminance(css_colour: str) -> float:
    """Relative luminance (WCAG 2) of a computed ``rgb()``/``rgba()`` colour."""
    channels = [float(v) / 255 for v in re.findall(r"[\d.]+", css_colour)[:3]]
    red, green, blue = (
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    )
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@pytest.mark.parametrize(("theme", "scheme"), CASES, ids=CASE_IDS)
def test_every_quicktakes_page_shows_question_byline_answer_and_related_in_order(
    reports: Callable[[str, str], list[PageReport]], theme: str, scheme: str
) -> None:
    for report in reports(theme, scheme):
        title = " ".join(str(QUESTIONS[report.path]["title"]).split())
        assert report.headings == [title], report.path
        expected = [name for name in LAYOUT if name != "related" or has_related(report.path)]
        shown = [name for name, box in report.boxes.items() if box is not None]
        assert shown == expected, report.path
        tops = [box["y"] for box in report.boxes.values() if box is not None]
        assert tops == sorted(tops), f"{report.path}: {report.boxes}"
        assert (report.related_links > 0) == has_related(report.path), report.path


@pytest.mark.parametrize(("theme", "scheme"), CASES, ids=CASE_IDS)
def test_every_formula_is_laid_out_as_mathml_with_a_visible_size(
    reports: Callable[[str, str], list[PageReport]], theme: str, scheme: str
) -> None:
    maths = [(report.path, math) for report in reports(theme, scheme) for math in report.maths]
    assert len(maths) > 20  # the Gauss page alone has 26 formulas
    for path, math in maths:
        # Chromium's MathML layout gives <math> the `math` display type; as an unknown element
        # it would be `inline`, with its children laid out as plain text.
        assert math["display"] in {"math", "block math"}, (path, math)
        assert math.get("width", 0) > 0, (path, math)
        assert math.get("height", 0) > 0, (path, math)


@pytest.mark.parametrize(("theme", "scheme"), CASES, ids=CASE_IDS)
def test_pages_load_offline_without_console_errors(
    reports: Callable[[str, str], list[PageReport]], theme: str, scheme: str
) -> None:
    found = reports(theme, scheme)
    assert [error for report in found for error in report.errors] == []


@pytest.mark.parametrize(("theme", "scheme"), CASES, ids=CASE_IDS)
def test_related_box_follows_the_theme_colour_scheme(
    reports: Callable[[str, str], list[PageReport]], theme: str, scheme: str
) -> None:
    for report in reports(theme, scheme):
        assert report.dark == (scheme == "dark"), f"{report.path}: theme did not switch"
        if not has_related(report.path):
            continue
        assert report.related_colours is not None
        background, text = (luminance(colour) for colour in report.related_colours)
        # Light text on a dark box in dark mode, dark text on a light box otherwise.
        assert (text > background) == (scheme == "dark"), (report.path, report.related_colours)


@pytest.mark.parametrize(("theme", "scheme"), CASES, ids=CASE_IDS)
def test_breadcrumbs_read_as_one_trail_not_a_numbered_list(
    reports: Callable[[str, str], list[PageReport]], theme: str, scheme: str
) -> None:
    for report in reports(theme, scheme):
        if theme == "readthedocs":
            # The theme prints its own breadcrumb bar; a second trail would repeat it.
            assert report.trail is None, f"{report.path}: two breadcrumb bars"
            continue
        assert report.trail is not None, f"{report.path}: no breadcrumbs"
        display, *markers = report.trail
        # Themes style every <ol> of the content (Material: flow-root, readthedocs: decimal).
        assert display == "flex", report.path
        assert set(markers) <= {"", "none"}, (report.path, markers)
