"""Security: no QuickTakes file runs script in a reader's browser or publishes a project file.

One test (or group) per finding of issue 12, in each theme where it applies; the hostile inputs
and the page checks are in tests/hostile.py. Every check reads the built pages, parsed.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import QUICKTAKE_PAGE, BuildSite, Site, quicktake
from hostile import ThemeBaseline, html_pages, unsafe_markup, visible
from mkdocs.exceptions import Abort

from mkdocs_quicktakes.answer.placeholders import PLACEHOLDER_END, new_math_token
from mkdocs_quicktakes.answer.render import answer_extension_configs, answer_extensions
from mkdocs_quicktakes.records.page_meta import PAGE_META_KEYS
from mkdocs_quicktakes.records.source import check_source, parse_source

if TYPE_CHECKING:
    from pathlib import Path

THEMES = ["mkdocs", "readthedocs", "material"]
MATH_MODES = ["mathml", "none"]
IMG_FORMULA = "<img src=x onerror=alert(1)>"
SUBJECT = 'Physics" autofocus onfocus="alert(1)'


def baseline(build_site: BuildSite, theme: str, **options: Any) -> ThemeBaseline:
    """What the theme itself writes into the pages of a harmless site of the same shape."""
    site = build_site(
        {"index.md": "# Home\n", "a.md": quicktake(), "b.md": quicktake(url="/b", title="B")},
        theme=theme,
        **options,
    )
    learned = ThemeBaseline()
    for path in html_pages(site.site_dir):
        learned.learn(BeautifulSoup(path.read_text("utf-8"), "html.parser"))
    return learned


def problems_in(site: Site, known: ThemeBaseline) -> dict[str, list[str]]:
    found = {}
    for path in html_pages(site.site_dir):
        page = unsafe_markup(BeautifulSoup(path.read_text("utf-8"), "html.parser"), known)
        if page:
            found[str(path.relative_to(site.site_dir))] = page
    return found


def toc_links(soup: BeautifulSoup, theme: str) -> list[Tag]:
    """The links of the page's table of contents, in the themes that show one for Q&A pages."""
    selector = "a.nav-link" if theme == "mkdocs" else "nav.md-nav--secondary a.md-nav__link"
    return [a for a in soup.select(selector) if str(a.get("href", "")).startswith("#")]


# --- 1. Math in a heading reaches the table of contents raw ----------------------------------

HEADINGS = rf"Intro.\n\n### Image ${IMG_FORMULA}$\nOne.\n\n### Order $a<b$ holds\nTwo."


@pytest.mark.parametrize("render_ahead", [True, False], ids=["ahead", "by-mkdocs"])
@pytest.mark.parametrize("math", MATH_MODES)
@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_math_in_a_heading_is_text_in_the_table_of_contents(
    build_site: BuildSite, theme: str, math: str, render_ahead: bool
) -> None:
    site = build_site(
        {"a.md": quicktake(answer=HEADINGS)},
        theme=theme,
        plugin={"math": math, "render_ahead": render_ahead},
        extra={"markdown_extensions": [{"toc": {"permalink": True}}]},
    )
    soup = site.soup(QUICKTAKE_PAGE)
    titles = [visible(a.get_text()) for a in toc_links(soup, theme)]
    assert titles[-2:] == [f"Image {IMG_FORMULA}", "Order a<b holds"]
    # The formula is text there: no image, no <b> opened by "a<b".
    for link in toc_links(soup, theme):
        assert link.find(["img", "b"]) is None
    assert problems_in(site, baseline(build_site, theme)) == {}


@pytest.mark.parametrize("render_ahead", [True, False], ids=["ahead", "by-mkdocs"])
def test_heading_ids_hold_no_placeholder_and_the_toc_links_to_them(
    build_site: BuildSite, render_ahead: bool
) -> None:
    site = build_site({"a.md": quicktake(answer=HEADINGS)}, plugin={"render_ahead": render_ahead})
    soup = site.soup(QUICKTAKE_PAGE)
    ids = [str(h["id"]) for h in soup.select(".qt-answer h2, .qt-answer h3")]
    assert ids == ["image", "order-holds"]
    assert [a["href"] for a in toc_links(soup, "mkdocs")][-2:] == ["#image", "#order-holds"]
    assert PLACEHOLDER_END not in site.text(QUICKTAKE_PAGE)
    assert "qtmath" not in site.text(QUICKTAKE_PAGE).lower()


@pytest.mark.parametrize("theme", ["readthedocs"])
def test_math_in_a_heading_is_safe_where_the_theme_shows_no_page_toc(
    build_site: BuildSite, theme: str
) -> None:
    site = build_site({"a.md": quicktake(answer=HEADINGS)}, theme=theme)
    heading = site.soup(QUICKTAKE_PAGE).select_one(".qt-answer h2 math")
    assert heading is not None
    assert problems_in(site, baseline(build_site, theme)) == {}


# --- 2. Formula placeholders were put back after sanitizing ----------------------------------

IN_ATTRIBUTES = (
    r'Look: ![img]($" onerror="alert(1)$) and [link]($" onmouseover="alert(1)$) and '
    r'<img alt="$x$" src="a.png"> and $y$.'
)


@pytest.mark.parametrize("math", MATH_MODES)
@pytest.mark.parametrize("theme", THEMES)
def test_a_formula_inside_an_attribute_stays_text_in_that_attribute(
    build_site: BuildSite, theme: str, math: str
) -> None:
    site = build_site({"a.md": quicktake(answer=IN_ATTRIBUTES)}, theme=theme, plugin={"math": math})
    answer = site.soup(QUICKTAKE_PAGE).select_one(".qt-answer")
    assert answer is not None
    for tag in answer.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.startswith("on"), tag
            assert "<math" not in str(value), tag  # never markup inside an attribute
    alts = [img.get("alt") for img in answer.find_all("img")]
    assert "$x$" in alts  # the formula's source, as written
    assert len(answer.find_all("math")) == (1 if math == "mathml" else 0)  # only $y$
    assert problems_in(site, baseline(build_site, theme)) == {}


@pytest.mark.parametrize("math", MATH_MODES)
def test_placeholder_lookalikes_typed_into_an_answer_stay_text(
    build_site: BuildSite, math: str
) -> None:
    # The old placeholder, and the private-use characters of the new ones, in text and in code.
    typed = "QTMATH0QT \ue100\ue010\ue01f"
    answer = rf"Text {typed} and `{typed}` and $x^2$.\n\n```\n{typed}\n```"
    site = build_site({"a.md": quicktake(answer=answer)}, plugin={"math": math})
    text = site.soup(QUICKTAKE_PAGE).select_one(".qt-answer")
    assert text is not None
    assert text.get_text().count(typed) == 3
    assert len(text.find_all("math")) == (1 if math == "mathml" else 0)


def test_a_placeholder_token_is_the_same_in_every_build_and_never_in_its_answer() -> None:
    text = r"Let $x$ be \ue100 QTMATH0QT"
    token = new_math_token(text)
    assert token == new_math_token(text)  # the same Markdown in workers, cache and builds
    assert token not in text
    holding = text + token  # an answer holding another answer's token gets its own
    assert new_math_token(holding) != token
    assert new_math_token(holding) not in holding


# --- 3. Hub titles were escaped without quotes ------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
def test_a_subject_with_quotes_breaks_out_of_no_attribute(
    build_site: BuildSite, theme: str
) -> None:
    pages = {
        "index.md": "# Home\n",
        "a.md": quicktake(subject=SUBJECT),
        "b.md": quicktake(subject=SUBJECT, url="/b", title="B"),
    }
    site = build_site(pages, theme=theme)
    assert problems_in(site, baseline(build_site, theme)) == {}
    for path in html_pages(site.site_dir):
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        focused = soup.find_all(attrs={"autofocus": True})
        assert [tag.name for tag in focused] in ([], ["input"]), path  # the theme's search box
    if theme == "readthedocs":
        # The Previous/Next buttons carry the neighbouring page's title, the hub's too.
        titles = [
            str(a["title"])
            for path in html_pages(site.site_dir)
            for a in BeautifulSoup(path.read_text("utf-8"), "html.parser").select(
                ".rst-footer-buttons a[title]"
            )
        ]
        assert SUBJECT in titles


# --- 4. A QuickTakes file could choose its template ------------------------------------------

SCRIPT_IN_META = "</script><script>alert(1)</script>"


@pytest.mark.parametrize(
    ("theme", "template"),
    [
        ("material", "redirect.html"),
        ("material", "main.html"),
        ("mkdocs", "main.html"),
        ("readthedocs", "404.html"),
    ],
)
def test_a_template_key_is_refused_and_named(
    build_site: BuildSite, theme: str, template: str
) -> None:
    page = quicktake(template=template, location=SCRIPT_IN_META, revision_date=SCRIPT_IN_META)
    site = build_site({"index.md": "# Home\n", "a.md": page}, theme=theme, strict=False)
    soup = site.soup(QUICKTAKE_PAGE)
    assert soup.select_one("article.qt") is not None  # the Q&A template, not the file's
    assert "alert(1)" not in site.text(QUICKTAKE_PAGE)
    warnings = site.messages()
    assert any("a.md" in m and "'template'" in m and template in m for m in warnings), warnings
    assert problems_in(site, baseline(build_site, theme)) == {}


@pytest.mark.parametrize("template", ["../../mkdocs.yml", "missing.html", "/etc/passwd"])
def test_a_missing_template_is_a_message_naming_the_file_not_a_traceback(
    build_site: BuildSite, template: str
) -> None:
    pages = {"index.md": "# Home\n", "a.md": quicktake(template=template)}
    site = build_site(pages, strict=False)
    assert site.soup(QUICKTAKE_PAGE).select_one("article.qt") is not None
    assert any(m.startswith("mkdocs_quicktakes: a.md:") for m in site.messages())
    with pytest.raises(Abort):  # --strict fails on it
        build_site(pages, strict=True)


def test_the_checker_reports_a_template_key_with_its_line() -> None:
    text = quicktake(template="main.html")
    checked = check_source(parse_source(text.encode(), "q/a.md"))
    [problem] = [p for p in checked.problems if p.key == "template"]
    line = text.splitlines().index("template: main.html") + 1
    assert problem.message().startswith(f"q/a.md:{line}: 'template': expected no 'template' key")
    assert problem.severity == "warning"
    assert checked.take is not None  # the page is still built


def test_a_missing_template_option_stops_the_build_with_one_message(
    build_site: BuildSite, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(Abort, match="BuildError"):  # MkDocs' way to stop on a PluginError
        build_site({"a.md": quicktake()}, plugin={"template": "qa.html"})
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [
        "quicktakes: option 'template': no template 'qa.html' in the theme or its custom_dir"
    ]


META_HOOK = """
import json
from pathlib import Path

def on_page_context(context, page, config, **kwargs):
    if page.file.src_uri == "a.md":
        out = Path(config.config_file_path).with_name("meta.json")
        out.write_text(json.dumps(page.meta))
"""


@pytest.mark.parametrize("supplied", [False, True], ids=["plugin-read", "source-supplied"])
def test_page_meta_holds_only_the_allowlisted_keys_escaped(
    build_site: BuildSite, tmp_path: Path, supplied: bool
) -> None:
    hook = META_HOOK
    if supplied:  # another plugin supplies the source: its front matter is filtered too
        hook += "def on_page_read_source(page, config):\n    return None\n"
    (tmp_path / "hooks.py").write_text(hook, encoding="utf-8")
    page = quicktake(
        title='A "title" <b>', author="<i>me</i>", location=SCRIPT_IN_META, hide=["toc"]
    )
    site = build_site({"a.md": page}, extra={"hooks": [str(tmp_path / "hooks.py")]})
    meta = json.loads((site.root / "meta.json").read_text(encoding="utf-8"))
    assert set(meta) == set(PAGE_META_KEYS)
    assert meta["title"] == "A &quot;title&quot; &lt;b&gt;"
    assert meta["author"] == "&lt;i&gt;me&lt;/i&gt;"
    assert meta["template"] == "quicktakes/page.html"


# --- 5. The site's Markdown extensions ran on answers ----------------------------------------

SNIPPETS = {"pymdownx.snippets": {"base_path": ["."], "check_paths": False}}


@pytest.mark.parametrize("render_ahead", [True, False], ids=["ahead", "by-mkdocs"])
@pytest.mark.parametrize("theme", THEMES)
def test_snippets_never_put_a_project_file_into_an_answer(
    build_site: BuildSite, tmp_path: Path, theme: str, render_ahead: bool, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)  # snippets' base_path "." is the folder mkdocs runs in
    (tmp_path / "secret.txt").write_text("TOP-SECRET-VALUE\n", encoding="utf-8")
    answer = r'Before.\n\n--8<-- "secret.txt"\n\nInline --8<-- "secret.txt" too.'
    pages = {"index.md": '# Home\n\n--8<-- "secret.txt"\n', "a.md": quicktake(answer=answer)}
    site = build_site(
        pages,
        theme=theme,
        plugin={"render_ahead": render_ahead},
        extra={"markdown_extensions": [SNIPPETS]},
    )
    page = site.text(QUICKTAKE_PAGE)
    assert "TOP-SECRET-VALUE" not in page
    answer_text = site.soup(QUICKTAKE_PAGE).select_one(".qt-answer")
    assert answer_text is not None
    assert '--8<-- "secret.txt"' in answer_text.get_text()  # shown as the author wrote it
    # The site's own pages keep the extension: the owner trusts them.
    assert "TOP-SECRET-VALUE" in site.text("index.html")
    notes = site.messages(logging.INFO)
    assert any("without pymdownx.snippets" in m for m in notes), notes


def test_extensions_that_read_files_are_left_out_by_module_name_or_object() -> None:
    class FakeSnippets:
        pass

    FakeSnippets.__module__ = "pymdownx.snippets"
    snippets = FakeSnippets()
    extensions = [
        "toc",
        "pymdownx.snippets",
        "markdown_include.include",
        "mdx_include",
        "pymdownx.b64:B64Extension",
        snippets,
        "pymdownx.superfences",
    ]
    kept, dropped = answer_extensions(extensions)
    assert kept == ["toc", "pymdownx.superfences"]
    assert dropped == [
        "pymdownx.snippets",
        "markdown_include.include",
        "mdx_include",
        "pymdownx.b64",
        "pymdownx.snippets",
    ]


def test_superfences_fences_that_run_code_are_left_out() -> None:
    def run_code(*args: object) -> str:
        return ""

    def show_diagram(*args: object) -> str:
        return ""

    run_code.__module__ = "markdown_exec"
    runs = {"name": "python", "class": "python", "format": run_code}
    shows = {"name": "mermaid", "class": "mermaid", "format": show_diagram}
    configs = {"pymdownx.superfences": {"custom_fences": [runs, shows], "x": 1}, "toc": {}}
    safe = answer_extension_configs(configs)
    assert safe["pymdownx.superfences"] == {"custom_fences": [shows], "x": 1}
    assert safe["toc"] == {}
    assert configs["pymdownx.superfences"]["custom_fences"] == [runs, shows]  # not changed
