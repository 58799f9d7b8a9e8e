"""Pagefind at 10,000 Q&A pages, queried through each theme's own search box in Chromium.

One generated corpus of 10,000 QuickTakes files is written once per session; each theme's site
is built from it once (with the plugin's worker processes and Pagefind), on first use, and
served from a local server under a sub-path (``/<theme>/``), as a site below a domain's root
is. One answer holds a phrase that no other page has; typed into the theme's search box, its
page must be the first result, and everything the browser downloaded for the query (Pagefind's
script and WebAssembly, its metadata, the index chunks and fragments, and for readthedocs the
results page) must stay under 1 MiB. Without JavaScript no search control may be shown.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest
import yaml
from conftest import REPO, build_config_file
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from test_browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, _QuietHandler, serve_folder

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

pytestmark = pytest.mark.clients

PAGES = 10_000
NEEDLE = 7_777
"""The page whose answer holds :data:`PHRASE`."""
PHRASE = "quokka lighthouse marmalade"
SUBJECTS = ("Physics", "Chemistry", "Biology", "History", "Economics", "Statistics")
WORDS = tuple(
    " ".join(
        (
            "system model value function process method result error signal matrix vector data",
            "energy current voltage price demand market memory thread node graph estimate rate",
            "variance sample network layer field charge force mass time space order bound",
        )
    ).split()
)
MIB = 2**20
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
THEMES = ("mkdocs", "readthedocs", "material")


def needle_url(theme: str) -> str:
    return f"/{theme}/learn/{SUBJECTS[NEEDLE % len(SUBJECTS)].lower()}/questions/q-{NEEDLE}/"


def write_corpus(docs: Path) -> None:
    """10,000 short QuickTakes files (front matter written directly: YAML dumping is slow)."""
    rng = random.Random(17)
    folder = docs / "questions"
    folder.mkdir(parents=True)
    (docs / "index.md").write_text("# Search test\n\nA site of generated questions.\n", "utf-8")
    for n in range(PAGES):
        subject = SUBJECTS[n % len(SUBJECTS)]
        words = " ".join(rng.choices(WORDS, k=40))
        extra = f" The {PHRASE} appears here only." if n == NEEDLE else ""
        answer = f"{words}.{extra}\\n\\n### Details\\n{' '.join(rng.choices(WORDS, k=30))}."
        front = {
            "date": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "title": f"How does the {rng.choice(WORDS)} {rng.choice(WORDS)} work in case {n}?",
            "date_format": "MMM DD, YYYY",
            "seo": {"title": subject, "page_description": f"Question {n}."},
            "question": f"How does it work in case {n}?",
            "answer": answer,
            "subject": subject,
            "url": f"/learn/{subject.lower()}/questions/q-{n}",
        }
        text = yaml.dump(front, Dumper=yaml.CSafeDumper, width=10**9, allow_unicode=True)
        (folder / f"q-{n}.md").write_text(f"---\n{text}---\n\n&nbsp;\n", "utf-8")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Callable[[str], None]]]:
    """The server's url and a function that builds a theme's site on first use."""
    root = tmp_path_factory.mktemp("pagefind-10k")
    start = time.perf_counter()
    write_corpus(root / "docs")
    timings = [f"corpus: {time.perf_counter() - start:.1f} s"]
    built: set[str] = set()

    def build(theme: str) -> None:
        if theme in built:
            return
        config = {
            "site_name": "Search test",
            "site_url": f"https://example.org/{theme}/",
            "docs_dir": "docs",
            "site_dir": theme,
            "theme": {"name": theme},
            "nav": [{"Home": "index.md"}],
            "plugins": [{"quicktakes": {"search_engine": "pagefind", "feeds": False}}],
        }
        path = root / f"mkdocs-{theme}.yml"
        path.write_text(yaml.safe_dump(config), encoding="utf-8")
        begin = time.perf_counter()
        site = build_config_file(path)
        timings.append(f"{theme}: {time.perf_counter() - begin:.1f} s")
        assert [m for m in site.messages() if "Pagefind" in m or "search" in m] == []
        built.add(theme)

    try:
        with serve_folder(root, _CachingHandler) as url:
            yield url.rstrip("/"), build
    finally:
        # The build times, for CI's time budget (see docs/performance.md#search).
        print("\n10,000-page Pagefind sites built in", ", ".join(timings))  # noqa: T201


class _CachingHandler(_QuietHandler):
    """Serves files as GitHub Pages does, cacheable for ten minutes; logs the bytes it sends."""

    served: ClassVar[list[tuple[str, int]]] = []
    """Path and body size of each response sent, in order: the network log of the test."""

    def send_header(self, keyword: str, value: str) -> None:
        if keyword == "Content-Length":
            self.served.append((self.path, int(value)))
        super().send_header(keyword, value)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    with sync_playwright() as playwright:
        # Every host but the local server fails to resolve (the themes' CDN links), without
        # Playwright's request routing, which would switch the HTTP cache off.
        offline = '--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"'
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, offline]
        )
        yield chromium
        chromium.close()


def offline_context(browser: Browser, *, javascript: bool = True) -> BrowserContext:
    """A context of the browser, which reaches only 127.0.0.1 (see :func:`browser`)."""
    return browser.new_context(viewport=VIEWPORT, java_script_enabled=javascript)  # type: ignore[arg-type]


def first_result(page: Page, theme: str) -> tuple[str, int]:
    """Type :data:`PHRASE` into the theme's search box: the first result's path, and results."""
    if theme == "mkdocs":
        page.click('[data-bs-target="#mkdocs_search_modal"]')
        page.fill("#mkdocs-search-query", PHRASE)
        links = page.locator("#mkdocs-search-results article h3 a")
    elif theme == "readthedocs":
        page.fill("#rtd-search-form input[name=q]", PHRASE)
        page.press("#rtd-search-form input[name=q]", "Enter")
        page.wait_for_url("**/search.html?q=*")
        links = page.locator("#mkdocs-search-results article h3 a")
    else:
        page.fill("[data-qt-search-input]", PHRASE)
        links = page.locator("[data-qt-search-results] li a")
        # Material shows its results panel only while its search toggle is checked.
        assert page.locator("#__search").is_checked()
    try:
        links.first.wait_for(timeout=30_000)
    except Exception:
        page.screenshot(path=str(REPO / "test-artifacts" / f"search-{theme}-failed.png"))
        raise
    href = links.first.evaluate("a => new URL(a.href).pathname")
    return str(href), links.count()


@pytest.mark.parametrize("theme", THEMES)
def test_a_phrase_of_one_answer_finds_its_page_first_under_1_mib(
    sites: tuple[str, Callable[[str], None]], browser: Browser, theme: str
) -> None:
    origin, build = sites
    build(theme)
    context = offline_context(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{origin}/{theme}/", wait_until="networkidle")
    # What crossed the network from here on, Pagefind's worker included, as the server logs
    # it: a file the browser takes from its cache (max-age) is not fetched again.
    _CachingHandler.served.clear()
    href, count = first_result(page, theme)
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"search-{theme}.png"))
    context.close()
    sizes = dict(_CachingHandler.served)
    assert href == needle_url(theme)
    assert count == 1
    # The mkdocs theme's highlight.js comes from a CDN, which the offline browser cannot reach.
    assert [error for error in errors if "hljs" not in error] == []
    assert any("/pagefind/fragment/" in url for url in sizes)
    total = sum(sizes.values())
    pagefind = sum(size for url, size in sizes.items() if "/pagefind/" in url)
    print(f"\n{theme}: the query fetched {total:,} bytes, {pagefind:,} of them Pagefind's")  # noqa: T201
    assert total < MIB, f"{total:,} bytes: {sorted(sizes.items(), key=lambda kv: -kv[1])[:5]}"


@pytest.mark.parametrize("theme", THEMES)
def test_without_javascript_no_search_control_is_shown(
    sites: tuple[str, Callable[[str], None]], browser: Browser, theme: str
) -> None:
    origin, build = sites
    build(theme)
    controls = {
        "mkdocs": '[data-bs-target="#mkdocs_search_modal"]',
        "readthedocs": "#rtd-search-form",
        "material": '.qt-search-box, .md-header__button[for="__search"]',
    }[theme]
    shown: dict[bool, list[Any]] = {}
    for javascript in (False, True):
        context = offline_context(browser, javascript=javascript)
        page = context.new_page()
        page.goto(f"{origin}/{theme}/learn/physics/questions/q-0/")
        page.wait_for_load_state("load")
        shown[javascript] = [
            element.is_visible() for element in page.locator(controls).element_handles()
        ]
        context.close()
    assert shown[False]  # present in the page
    assert not any(shown[False])  # and hidden
    assert any(shown[True])  # and shown once the search script runs
