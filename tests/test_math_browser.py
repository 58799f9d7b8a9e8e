"""Formulas in a real browser: Debian's Chromium, driven by Playwright, fully offline.

The example site's chemistry page holds every kind of formula that MathML Core alone draws
wrong or not at all: ``\\cancel``, ``\\boxed``, ``aligned``, ``cases``, ``pmatrix`` and
``6.022 \\times 10^{23}``. It is opened in the three themes, light and dark (``readthedocs`` has
no dark mode), and what Chromium lays out is measured. Its screenshots land in
``test-artifacts/screenshots/math-*.png``; with ``QT_UPDATE_SCREENSHOTS=1`` they also replace
``docs/assets/screenshots/math-<theme>[-dark].png``. Every real file of ``../shared`` is then
built and each of its formulas measured.
"""

from __future__ import annotations

import functools
import os
import shutil
from typing import TYPE_CHECKING, Any

import frontmatter
import pytest
import yaml
from conftest import EXAMPLE_CONFIGS, SOURCES, build_config_file, build_pages, quicktake
from test_browser import (
    ARTIFACTS,
    CASE_IDS,
    CASES,
    DARK_MARKERS,
    DOCS_SCREENSHOTS,
    THEME_OVERRIDES,
    luminance,
    serve_folder,
)
from test_browser import browser as browser  # the module-scoped Chromium, used here too

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.clients

CHEMISTRY = "learn/chemistry/questions/how-many-molecules-are-in-36-g-of-water/"
"""The example page with every kind of formula of the issue."""
QUICKTAKE_PAGE = "learn/testing/questions/what-is-a-test/"
"""Where :func:`conftest.quicktake`'s default url puts a page."""
TABS = 8
"""Real pages loaded at once."""

MEASURE = """() => {
  const box = el => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,
            height: r.height}; };
  const style = el => getComputedStyle(el);
  const maths = [...document.querySelectorAll('.qt-answer math')];
  // The aligned steps (n = m/M, N = n N_A): a table with an "=" in every row.
  const hasEquals = row => [...row.querySelectorAll('mo')].some(mo => mo.textContent === '=');
  const aligned = maths.find(m => m.querySelector('mtable')
                                  && [...m.querySelectorAll('mtr')].every(hasEquals));
  const pmatrix = maths.find(m => m.querySelector('mtable') && m.textContent.includes('−2'));
  const strikes = [...document.querySelectorAll('.qt-answer .menclose-updiagonalstrike')];
  const boxes = [...document.querySelectorAll('.qt-answer menclose[notation~="box"]')];
  const msup = maths.flatMap(m => [...m.querySelectorAll('msup')])
                    .find(s => s.lastElementChild.textContent === '23');
  return {
    alignedEquals: aligned ? [...aligned.querySelectorAll('mtr')].map(
        row => box([...row.querySelectorAll('mo')].find(mo => mo.textContent === '=')).left) : null,
    matrixColumns: pmatrix ? [...pmatrix.querySelector('mtable').querySelectorAll('mtr')].map(
        row => [...row.children].map(
            cell => ({cell: box(cell), content: box(cell.firstElementChild)}))) : null,
    strikes: strikes.map(s => ({stroke: box(s), struck: box(s.parentElement.firstElementChild),
                                image: style(s).backgroundImage})),
    boxes: boxes.map(b => ({widths: ['Top', 'Right', 'Bottom', 'Left'].map(
        side => parseFloat(style(b)['border' + side + 'Width'])),
        styles: ['Top', 'Right', 'Bottom', 'Left'].map(side => style(b)['border' + side + 'Style']),
        colour: style(b).borderTopColor, text: style(b).color})),
    tenToThe: msup ? {base: msup.firstElementChild.localName,
                      text: msup.firstElementChild.textContent,
                      width: box(msup.firstElementChild).width} : null,
    displays: [...document.querySelectorAll('.qt-math--display')].map(div => ({
        div: box(div), math: box(div.querySelector('math')), scrollWidth: div.scrollWidth,
        clientWidth: div.clientWidth})),
    pageWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  };
}"""

LINE_HEIGHTS = """() => {
  // Each paragraph with inline math, on one line, against the same line with the formulas
  // replaced by their text: the math must not make the line taller.
  const paragraphs = [...document.querySelectorAll('.qt-answer p')]
      .filter(p => p.querySelector('math'));
  return paragraphs.map(p => {
    const withMath = p.cloneNode(true), plain = p.cloneNode(true);
    for (const m of plain.querySelectorAll('math')) m.replaceWith(m.textContent);
    const heights = [withMath, plain].map(clone => {
      clone.style.whiteSpace = 'nowrap';
      p.parentElement.appendChild(clone);
      const height = clone.getBoundingClientRect().height;
      clone.remove();
      return height;
    });
    return {text: p.textContent.slice(0, 50), withMath: heights[0], plain: heights[1]};
  });
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """One local server for the sites this module builds, and the folder it serves."""
    root = tmp_path_factory.mktemp("math-sites")
    with serve_folder(root) as url:
        yield url, root


@pytest.fixture(scope="module")
def example_url(server: tuple[str, Path]) -> str:
    url, root = server
    for theme, config in EXAMPLE_CONFIGS.items():
        build_config_file(config, site_dir=str(root / theme), **THEME_OVERRIDES.get(theme, {}))
    return url


def open_page(browser: Browser, url: str, scheme: str, width: int = 1280) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    origin = url.split("/", 3)[:3]
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.split("/", 3)[:3] == origin
            else route.abort("blockedbyclient")
        ),
    )
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    return page


@pytest.fixture(scope="module")
def chemistry(browser: Browser, example_url: str) -> Callable[[str, str], dict[str, Any]]:
    """What Chromium laid out on the chemistry page, per theme and scheme, measured once."""

    @functools.cache
    def measure(theme: str, scheme: str) -> dict[str, Any]:
        page = open_page(browser, f"{example_url}{theme}/{CHEMISTRY}", scheme)
        try:
            found: dict[str, Any] = page.evaluate(MEASURE)
            found["lines"] = page.evaluate(LINE_HEIGHTS)
            found["dark"] = page.evaluate(DARK_MARKERS[theme])
            screenshot(page, f"math-{theme}-dark" if scheme == "dark" else f"math-{theme}")
            # Last: it hides the strokes.
            found["stroke_visible"] = stroke_changes_pixels(page)
            return found
        finally:
            page.context.close()

    return measure


def stroke_changes_pixels(page: Page) -> bool:
    """Whether the first \\cancel looks different without its stroke: the stroke is visible."""
    enclose = page.locator(".qt-answer menclose[notation='updiagonalstrike']").first
    with_stroke = enclose.screenshot()
    page.add_style_tag(content=".menclose-updiagonalstrike { visibility: hidden !important; }")
    without = enclose.screenshot()
    return with_stroke != without


def screenshot(page: Page, name: str) -> None:
    """The answer, whole: an artifact, and into the docs when asked to."""
    answer = page.locator("#answer").bounding_box()
    assert answer is not None
    scroll = page.evaluate("window.scrollY")
    clip = {
        "x": max(answer["x"] - 16, 0),
        "y": answer["y"] + scroll - 16,
        "width": answer["width"] + 32,
        "height": answer["height"] + 32,
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True, clip=clip)  # type: ignore[arg-type]
    if os.environ.get("QT_UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ARTIFACTS / f"{name}.png", DOCS_SCREENSHOTS / f"{name}.png")


@pytest.mark.parametrize(("theme", "scheme"), CASES, ids=CASE_IDS)
def test_equals_signs_of_aligned_rows_line_up(
    chemistry: Callable[[str, str], dict[str, Any]], theme: str, scheme: str
) -> None:
    lefts = chemistry(theme, scheme)["alignedEquals"]
    assert lefts is not None
    assert len(lefts) == 2
    assert max(lefts) - min(lefts) <= 1


def assert_covers(stroke: dict[str, float], struck: dict[str, float]) -> None:
    """The stroke has a size and covers what it strikes through (to 1 px)."""
    assert stroke["width"] > 0
    assert stroke["height"] > 0
    assert stroke["left"] <= struck["left"] + 1
    assert stroke["right"] >= struck["right"] - 1
    assert stroke["top"] <= struck["top"] + 1
    assert stroke["bottom"] >= struck["bottom"] - 1


@pytest.mark.parametrize(("theme", "scheme"), CASES, ids=CASE_IDS)
def test_cancelled_letters_have_a_visible_stroke_across_them(
    chemistry: Callable[[str, str], dict[str, Any]], theme: str, scheme: str
) -> None:
    found = chemistry(theme, scheme)
    assert len(found["strikes"]) == 4  # two grams, two moles
    for strike in found["strikes"]:
        assert_covers(strike["stroke"], strike["struck"])
        assert "gradient" in strike["image"]
    assert found["stroke_visible"]


STROKES_ANSWER = r"Strokes: $\bcancel{b}$, $\xcancel{c}$ and the angle $\phase{\theta}$."
r"""The strokes the example page does not hold: ``\bcancel``, ``\xcancel``, ``\phase``."""

STROKES = """() => {
  const box = el => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,
            height: r.height}; };
  return [...document.querySelectorAll('.qt-answer menclose')].map(m => ({
    notation: m.getAttribute('notation'),
    struck: box(m.firstElementChild),
    borderBottom: [getComputedStyle(m).borderBottomWidth, getComputedStyle(m).borderBottomStyle],
    strokes: [...m.children].slice(1).map(s => ({
      name: s.getAttribute('class'), box: box(s), image: getComputedStyle(s).backgroundImage})),
  }));
}"""


@pytest.fixture(scope="module")
def strokes(
    browser: Browser, server: tuple[str, Path]
) -> Callable[[str, str], dict[str, dict[str, Any]]]:
    """Each stroke of :data:`STROKES_ANSWER` as Chromium laid it out, per theme and scheme."""
    url, root = server
    for theme in EXAMPLE_CONFIGS:
        site = build_pages(
            root / f"strokes-build-{theme}",
            {"strokes.md": quicktake(answer=STROKES_ANSWER)},
            theme=example_theme(theme),
        )
        shutil.copytree(site.site_dir, root / f"strokes-{theme}")

    @functools.cache
    def measure(theme: str, scheme: str) -> dict[str, dict[str, Any]]:
        page = open_page(browser, f"{url}strokes-{theme}/{QUICKTAKE_PAGE}", scheme)
        try:
            found = {m["notation"]: m for m in page.evaluate(STROKES)}
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.locator("#answer").screenshot(path=ARTIFACTS / f"strokes-{theme}-{scheme}.png")
            for notation, enclose in found.items():
                enclose["stroke_visible"] = strokes_change_pixels(page, notation)
            return found
        finally:
            page.context.close()

    return measure


def example_theme(theme: str) -> dict[str, Any]:
    """The example site's theme settings (with the tests' overrides), for a site of test pages."""
    if theme in THEME_OVERRIDES:
        return dict(THEME_OVERRIDES[theme]["theme"])
    return dict(yaml.safe_load(EXAMPLE_CONFIGS[theme].read_text(encoding="utf-8"))["theme"])


def strokes_change_pixels(page: Page, notation: str) -> bool:
    """Whether the ``<menclose>`` of ``notation`` looks different without its strokes."""
    enclose = page.locator(f".qt-answer menclose[notation='{notation}']")
    with_strokes = enclose.screenshot()
    hide = enclose.locator("mrow[class^='menclose-']")
    hide.evaluate_all("strokes => strokes.forEach(s => { s.style.visibility = 'hidden'; })")
    without = enclose.screenshot()
    hide.evaluate_all("strokes => strokes.forEach(s => { s.style.visibility = ''; })")
    return with_strokes != without


@pytest.mark.parametrize(("theme", "scheme"), CASES, ids=CASE_IDS)
def test_bcancel_and_xcancel_draw_their_strokes_across_the_letter(
    strokes: Callable[[str, str], dict[str, dict[str, Any]]], theme: str, scheme: str
) -> None:
    found = strokes(theme, scheme)
    expected = {
        "downdiagonalstrike": ["menclose-downdiagonalstrike"],
        "updiagonalstrike downdiagonalstrike": [
            "menclose-updiagonalstrike",
            "menclose-downdiagonalstrike",
        ],
    }
    for notation, names in expected.items():
        enclose = found[notation]
        assert [stroke["name"] for stroke in enclose["strokes"]] == names
        for stroke in enclose["strokes"]:
            assert_covers(stroke["box"], enclose["struck"])
            assert "gradient" in stroke["image"]
        assert enclose["stroke_visible"], notation


@pytest.mark.parametrize(("theme", "scheme"), CASES, ids=CASE_IDS)
def test_phase_draws_its_angle_left_of_and_under_the_content(
    strokes: Callable[[str, str], dict[str, dict[str, Any]]], theme: str, scheme: str
) -> None:
    enclose = strokes(theme, scheme)["phasorangle"]
    [stroke] = enclose["strokes"]
    assert stroke["name"] == "menclose-phasorangle"
    slant, struck = stroke["box"], enclose["struck"]
    assert slant["width"] > 0
    assert slant["right"] <= struck["left"] + 1  # the slanted side, before the angle's content
    assert slant["top"] <= struck["top"] + 1
    assert slant["bottom"] >= struck["bottom"] - 1
    assert "gradient" in stroke["image"]
    width, style = enclose["borderBottom"]
    assert float(width.removesuffix("px")) > 0
    assert style == "solid"
    assert enclose["stroke_visible"]


@pytest.mark.parametrize(("theme", "scheme"), CASES, ids=CASE_IDS)
def test_boxed_formula_has_a_border_in_the_text_colour(
    chemistry: Callable[[str, str], dict[str, Any]], theme: str, scheme: str
) -> None:
    found = chemistry(theme, scheme)
    assert found["dark"] == (scheme == "dark")
    [boxed] = found["boxes"]
    assert all(width > 0 for width in boxed["widths"]), boxed
    assert boxed["styles"] == ["solid"] * 4
    assert boxed["colour"] == boxed["text"]
    # Light on dark in dark mode, dark on light otherwise.
    assert (luminance(boxed["colour"]) > 0.5) == (scheme == "dark")


@pytest.mark.parametrize(("theme", "scheme"), CASES, ids=CASE_IDS)
def test_matrix_columns_line_up(
    chemistry: Callable[[str, str], dict[str, Any]], theme: str, scheme: str
) -> None:
    rows = chemistry(theme, scheme)["matrixColumns"]
    assert rows is not None
    assert [len(row) for row in rows] == [3, 3]
    for column in zip(*rows, strict=True):
        cells = [entry["cell"] for entry in column]
        assert max(c["left"] for c in cells) - min(c["left"] for c in cells) <= 1
        assert max(c["right"] for c in cells) - min(c["right"] for c in cells) <= 1
        centres = [(e["content"]["left"] + e["content"]["right"]) / 2 for e in column]
        assert max(centres) - min(centres) <= 1  # "0" under "2", "−1" under "−2"


@pytest.mark.parametrize(("theme", "scheme"), CASES, ids=CASE_IDS)
def test_ten_to_the_23_has_ten_as_one_number(
    chemistry: Callable[[str, str], dict[str, Any]], theme: str, scheme: str
) -> None:
    ten = chemistry(theme, scheme)["tenToThe"]
    assert ten is not None
    assert (ten["base"], ten["text"]) == ("mn", "10")
    assert ten["width"] > 0


@pytest.mark.parametrize(("theme", "scheme"), CASES, ids=CASE_IDS)
def test_display_formulas_are_centred(
    chemistry: Callable[[str, str], dict[str, Any]], theme: str, scheme: str
) -> None:
    displays = chemistry(theme, scheme)["displays"]
    assert len(displays) == 5
    for display in displays:
        div, math = display["div"], display["math"]
        assert math["width"] < div["width"]
        middle = (div["left"] + div["right"]) / 2
        assert abs((math["left"] + math["right"]) / 2 - middle) <= 1


@pytest.mark.parametrize(("theme", "scheme"), CASES, ids=CASE_IDS)
def test_inline_math_keeps_the_line_height(
    chemistry: Callable[[str, str], dict[str, Any]], theme: str, scheme: str
) -> None:
    lines = chemistry(theme, scheme)["lines"]
    assert len(lines) >= 4  # 10^{23} and N_A, mol^{-1}, mol^2, H_2
    for line in lines:
        assert line["withMath"] <= line["plain"] + 0.5, line


@pytest.mark.parametrize("theme", list(EXAMPLE_CONFIGS))
def test_wide_display_formulas_scroll_on_a_narrow_screen(
    browser: Browser, example_url: str, theme: str
) -> None:
    page = open_page(browser, f"{example_url}{theme}/{CHEMISTRY}", "light", width=360)
    try:
        found = page.evaluate(MEASURE)
    finally:
        page.context.close()
    assert found["pageWidth"] <= found["viewport"]  # the page itself does not scroll sideways
    wide = [d for d in found["displays"] if d["math"]["width"] > d["div"]["width"]]
    assert wide  # the boxed result and the matrix equation are wider than 360 px
    for display in wide:
        assert display["scrollWidth"] > display["clientWidth"]
        # It starts at the left edge, where scrolling starts, not cut off to the left.
        assert abs(display["math"]["left"] - display["div"]["left"]) <= 1


# --- every real file -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_url(server: tuple[str, Path]) -> tuple[str, list[str]]:
    """The real files built into one site; its url and the build's warnings."""
    url, root = server
    site = build_pages(
        root / "corpus-build", {}, copy={path.name: path for path in SOURCES}, strict=False
    )
    shutil.copytree(site.site_dir, root / "corpus")
    return f"{url}corpus/", site.messages()


def page_url(source: Path) -> str:
    return str(frontmatter.load(source)["url"]).strip("/") + "/"


MATH_SIZES = """() => [...document.querySelectorAll('.qt-answer math')].map(m => {
  const r = m.getBoundingClientRect();
  return {width: r.width, height: r.height, display: getComputedStyle(m).display,
          text: m.textContent.slice(0, 40)};
})"""


@pytest.fixture(scope="module")
def corpus_maths(browser: Browser, corpus_url: tuple[str, list[str]]) -> dict[str, list[Any]]:
    """Each real page's formulas as Chromium laid them out, loaded a few tabs at a time."""
    url, _ = corpus_url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(url.rsplit("corpus/", 1)[0])
            else route.abort("blockedbyclient")
        ),
    )
    found: dict[str, list[Any]] = {}
    try:
        for start in range(0, len(SOURCES), TABS):
            batch = SOURCES[start : start + TABS]
            pages = []
            for source in batch:
                page = context.new_page()
                page.goto(url + page_url(source), wait_until="commit")
                pages.append((source, page))
            for source, page in pages:
                page.wait_for_load_state("load")
                page.evaluate("document.fonts.ready")
                found[source.name] = page.evaluate(MATH_SIZES)
                page.close()
    finally:
        context.close()
    return found


def test_real_files_build_without_a_math_warning(corpus_url: tuple[str, list[str]]) -> None:
    _, messages = corpus_url
    assert [m for m in messages if "MathML" in m or "math-core" in m] == []


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem[:50])
def test_every_formula_of_a_real_file_has_a_size_in_chromium(
    corpus_maths: dict[str, list[Any]], source: Path
) -> None:
    text = source.read_text(encoding="utf-8")
    maths = corpus_maths[source.name]
    if "$" in text or "\\(" in text:
        assert maths, source.name
    for math in maths:
        assert math["display"] in {"math", "block math"}, math
        assert math["width"] > 0, math
        assert math["height"] > 0, math
