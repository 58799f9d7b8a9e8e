"""Search: what MkDocs' search index and the Pagefind bundle hold after real builds.

The Pagefind bundle is read back as its browser client reads it: every ``.pf_fragment`` is gzip
data behind the ``pagefind_dcd`` signature, holding one page's url, text, meta and filters. The
browser tests (``test_search_browser.py``) query it in Chromium.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
from typing import TYPE_CHECKING, Any

import frontmatter
import pytest
from conftest import CORPUS, SEED, build_config_file, quicktake, shared_files
from hostile import FRAGMENTS
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config
from mkdocs.contrib.search.search_index import ContentParser

from mkdocs_quicktakes.build import search as search_module
from mkdocs_quicktakes.build.search import SanitizedContentParser, wait_until_written
from mkdocs_quicktakes.site.reading import FileReader, ReadSettings

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import BuildSite, Site

KRUSKAL = quicktake(
    title="Kruskal's algorithm",
    question="How does Kruskal's algorithm build a minimum spanning tree?",
    answer=(
        r"It sorts the edges by weight zebrafishword.\n\n### Kruskal's steps\n"
        r"Add each edge unless it closes a cycle quagganword."
        r"\n\n### Why it works\nThe cut property."
    ),
    seo={
        "title": "Graphs",
        "page_description": "Kruskal in one page.",
        "page_keywords": "mst, union-find",
    },
    subject="AT&T Graphs",
    author="Authorname",
    related_article1={"title": "Prim relatedword", "url": "/learn/x/questions/prim"},
    url="/learn/graphs/questions/kruskal",
)
PAGES = {"index.md": "# Home\n\nA plain page about okapiword.\n", "kruskal.md": KRUSKAL}
PAGE_URL = "learn/graphs/questions/kruskal/"
PAGEFIND_ONLY = {"plugins": [{"quicktakes": {"search_engine": "pagefind"}}]}


def search_entries(site: Site) -> list[dict[str, str]]:
    index = json.loads(site.text("search/search_index.json"))
    return list(index["docs"])


def entries_of(site: Site, url: str) -> list[dict[str, str]]:
    return [e for e in search_entries(site) if e["location"].split("#")[0] == url]


# ---------------------------------------------------------------------------------------
# MkDocs' own search (search_engine: mkdocs)
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("search_text", ["full", "summary"])
def test_search_index_titles_are_plain_text(build_site: BuildSite, search_text: str) -> None:
    site = build_site(PAGES, plugin={"search_text": search_text})
    titles = {e["title"] for e in search_entries(site)}
    assert "Kruskal's algorithm" in titles
    assert "AT&T Graphs" in titles  # the subject's hub
    assert not [t for t in titles if "&#" in t or "&amp;" in t or "&lt;" in t]
    # The page itself still shows its title as written.
    assert site.soup(PAGE_URL + "index.html").h1.get_text() == "Kruskal's algorithm"


@pytest.mark.parametrize("search_text", ["full", "summary"])
def test_search_index_heading_titles_are_plain_text(
    build_site: BuildSite, search_text: str
) -> None:
    pages = {"q.md": quicktake(answer=r"Intro.\n\n### A < B & C's step\nText.")}
    site = build_site(pages, plugin={"search_text": search_text})
    assert "A < B & C's step" in {e["title"] for e in search_entries(site)}


def test_search_text_full_indexes_the_whole_answer(build_site: BuildSite) -> None:
    site = build_site(PAGES)
    text = " ".join(e["text"] for e in entries_of(site, PAGE_URL))
    assert "zebrafishword" in text
    assert "quagganword" in text


def test_search_text_summary_holds_question_description_keywords_and_headings(
    build_site: BuildSite,
) -> None:
    site = build_site(PAGES, plugin={"search_text": "summary"})
    entries = entries_of(site, PAGE_URL)
    page = next(e for e in entries if e["location"] == PAGE_URL)
    assert "How does Kruskal's algorithm build a minimum spanning tree?" in page["text"]
    assert "Kruskal in one page." in page["text"]
    assert "mst, union-find" in page["text"]
    sections = {e["location"]: e for e in entries if "#" in e["location"]}
    assert [e["title"] for e in sections.values()] == ["Kruskal's steps", "Why it works"]
    assert all(e["text"] == "" for e in sections.values())
    everything = json.dumps(entries)
    for word in ("zebrafishword", "quagganword", "cut property", "Authorname", "relatedword"):
        assert word not in everything
    # The page shows the whole answer all the same.
    assert "quagganword" in site.text(PAGE_URL + "index.html")


def test_search_text_summary_makes_the_index_smaller(build_site: BuildSite) -> None:
    long_answer = r"\n\n".join(f"Paragraph {n} " + "with many words " * 40 for n in range(20))
    pages = {
        f"q{n}.md": quicktake(url=f"/learn/t/questions/q{n}", answer=long_answer) for n in range(5)
    }
    full = build_site(pages)
    summary = build_site(pages, plugin={"search_text": "summary"})
    full_size = len(full.text("search/search_index.json"))
    assert len(summary.text("search/search_index.json")) * 5 < full_size


# ---------------------------------------------------------------------------------------
# Pagefind (search_engine: pagefind)
# ---------------------------------------------------------------------------------------


def pagefind_fragments(site_dir: Path) -> dict[str, dict[str, Any]]:
    """Every page Pagefind indexed, by url, read from its fragments."""
    fragments = {}
    for path in (site_dir / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        fragment = json.loads(data[len(b"pagefind_dcd") :])
        fragments[fragment["url"]] = fragment
    return fragments


@pytest.fixture(scope="module")
def pagefind_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    from conftest import build_pages

    return build_pages(tmp_path_factory.mktemp("pagefind"), PAGES, extra=PAGEFIND_ONLY)


def test_pagefind_indexes_the_question_as_title_and_not_the_byline_or_related(
    pagefind_site: Site,
) -> None:
    page = pagefind_fragments(pagefind_site.site_dir)["/" + PAGE_URL]
    assert page["meta"]["title"] == "How does Kruskal's algorithm build a minimum spanning tree?"
    assert page["filters"] == {"subject": ["AT&T Graphs"]}
    for word in ("zebrafishword", "quagganword", "Kruskal's steps"):
        assert word in page["content"]
    for word in ("Authorname", "relatedword", "Posted on", "Subjects"):
        assert word not in page["content"]


def test_pagefind_indexes_plain_pages_and_hubs_without_answers_twice(pagefind_site: Site) -> None:
    fragments = pagefind_fragments(pagefind_site.site_dir)
    home = fragments["/"]
    assert "okapiword" in home["content"]
    assert "Subjects" not in home["content"]  # the theme's nav is not the page
    hub = next(f for f in fragments.values() if f["meta"]["title"] == "AT&T Graphs")
    assert "Kruskal's algorithm" in hub["content"]
    assert "zebrafishword" not in hub["content"]  # the excerpt is the question page's
    assert not [url for url in fragments if "404" in url]


def test_pagefind_sorts_by_date(pagefind_site: Site) -> None:
    meta = next((pagefind_site.site_dir / "pagefind").glob("pagefind.*.pf_meta"))
    assert b"date" in gzip.decompress(meta.read_bytes())
    html = pagefind_site.text(PAGE_URL + "index.html")
    assert 'data-pagefind-sort="date[datetime]" datetime="2025-01-28"' in html


def test_search_date_sort_false_leaves_the_sort_key_out(build_site: BuildSite) -> None:
    plugins = [{"quicktakes": {"search_engine": "pagefind", "search_date_sort": False}}]
    site = build_site(PAGES, extra={"plugins": plugins})
    meta = next((site.site_dir / "pagefind").glob("pagefind.*.pf_meta"))
    assert b"date" not in gzip.decompress(meta.read_bytes())
    html = site.text(PAGE_URL + "index.html")
    assert 'datetime="2025-01-28"' in html
    assert "data-pagefind-sort" not in html
    # The date is still shown and the page still found.
    assert "zebrafishword" in pagefind_fragments(site.site_dir)["/" + PAGE_URL]["content"]


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs", "material"])
def test_pagefind_wires_the_themes_search_box_without_mkdocs_search(
    build_site: BuildSite, theme: str
) -> None:
    site = build_site(PAGES, theme=theme, extra=PAGEFIND_ONLY)
    html = site.text("index.html")
    assert 'src="quicktakes/search.js"' in html
    assert 'href="quicktakes/search.css"' in html
    assert "search/main.js" not in html
    assert not (site.site_dir / "search" / "search_index.json").exists()
    box = {
        "mkdocs": 'id="mkdocs-search-query"',
        "readthedocs": "rtd-search-form",
        "material": "data-qt-search-input",
    }[theme]
    assert box in html
    if theme == "readthedocs":
        assert 'id="mkdocs-search-results"' in site.text("search.html")
    if theme == "material":
        assert 'data-md-component="search"' not in html  # Material's own search never starts
    assert (site.site_dir / "pagefind" / "pagefind.js").is_file()
    assert site.messages() == []


@pytest.mark.parametrize(
    ("theme", "plugin"), [("mkdocs", "search"), ("material", "material/search")]
)
def test_pagefind_with_a_search_plugin_enabled_warns_once(
    build_site: BuildSite, theme: str, plugin: str
) -> None:
    plugins = ["search", {"quicktakes": {"search_engine": "pagefind"}}]
    site = build_site(PAGES, theme=theme, strict=False, extra={"plugins": plugins})
    warnings = [m for m in site.messages() if "search_engine" in m]
    assert len(warnings) == 1
    assert f"'{plugin}' plugin is not needed" in warnings[0]
    html = site.text("index.html")
    assert "search/main.js" not in html  # only Pagefind answers the box
    assert 'src="quicktakes/search.js"' in html
    assert 'data-md-component="search"' not in html


def _pagefind_notes(site: Site) -> tuple[list[str], list[str], list[str]]:
    """The search-plugin warnings, the Pagefind runs and the kept indexes a build logged."""
    return (
        [m for m in site.messages() if "search_engine" in m],
        [m for m in site.messages(logging.INFO) if "Pagefind read the" in m],
        [m for m in site.messages(logging.INFO) if "its index was kept" in m],
    )


@pytest.mark.slow  # a whole Sphinx or Pagefind build more than once; `make test` runs it
def test_serve_rebuilds_warn_once_and_run_pagefind_only_when_a_page_changed(
    build_site: BuildSite,
) -> None:
    plugins = ["search", {"quicktakes": {"search_engine": "pagefind"}}]
    config_file = build_site(PAGES, strict=False, extra={"plugins": plugins}).root / "mkdocs.yml"
    # One `mkdocs serve`: on_startup once, then builds of the same plugin object.
    served = load_config(str(config_file))
    served.plugins.on_startup(command="serve", dirty=False)
    try:
        first = build_config_file(config_file, strict=False, command=None)
        assert tuple(map(len, _pagefind_notes(first))) == (1, 1, 0)
        # A stylesheet edit: the same HTML pages, the bundle of the first build comes back.
        (config_file.parent / "docs" / "extra.css").write_text("p {}", encoding="utf-8")
        unchanged = build_config_file(config_file, strict=False, command=None)
        assert tuple(map(len, _pagefind_notes(unchanged))) == (0, 0, 1)
        kept = pagefind_fragments(unchanged.site_dir)
        assert kept == pagefind_fragments(first.site_dir)
        assert "okapiword" in kept["/"]["content"]
        # A page edit: Pagefind runs again and finds the new word; still no second warning.
        home = config_file.parent / "docs" / "index.md"
        home.write_text("# Home\n\nNow about wombatword.\n", encoding="utf-8")
        edited = build_config_file(config_file, strict=False, command=None)
        assert tuple(map(len, _pagefind_notes(edited))) == (0, 1, 0)
        assert "wombatword" in pagefind_fragments(edited.site_dir)["/"]["content"]
    finally:
        served.plugins.on_shutdown()
    # The next `mkdocs serve` (or build) of the same process warns again.
    again = build_config_file(config_file, strict=False, command="serve")
    assert tuple(map(len, _pagefind_notes(again))) == (1, 1, 0)


def test_search_text_summary_keeps_markup_of_the_question_as_text(build_site: BuildSite) -> None:
    question = "Is 1 < 2 & is <b>this</b> bold?"
    pages = {"q.md": quicktake(question=question, seo={"page_description": "<i>d</i>"})}
    site = build_site(pages, plugin={"search_text": "summary"})
    page = next(e for e in search_entries(site) if e["location"].endswith("what-is-a-test/"))
    assert question in page["text"]
    assert "<i>d</i>" in page["text"]


def test_search_engine_mkdocs_adds_nothing_of_pagefind(build_site: BuildSite) -> None:
    site = build_site(PAGES)
    assert not (site.site_dir / "pagefind").exists()
    assert "quicktakes/search.js" not in site.text("index.html")
    assert "search/main.js" in site.text("index.html")


def test_a_plain_page_of_an_unknown_theme_is_indexed_whole() -> None:
    from mkdocs_quicktakes.build.search import mark_plain_page

    page = "<html><body class='x'><nav>n</nav><p>text</p></body></html>"
    marked = mark_plain_page(page)
    assert (
        marked == "<html><body data-pagefind-body class='x'><nav>n</nav><p>text</p></body></html>"
    )
    assert mark_plain_page(marked) == marked


# The search index's parser for sanitized answers (the same result as MkDocs' own, faster)


def parsed(parser: Any, html: str) -> tuple[str, list[tuple[Any, Any, list[str]]]]:
    parser.feed(html)
    parser.close()
    return parser.stripped_html, [(s.id, s.title, s.text) for s in parser.data]


def sanitized_answers(answers: list[str]) -> list[str]:
    reader = FileReader(ReadSettings())
    htmls = []
    for index, answer in enumerate(answers):
        read = reader.read(f"q{index}.md", quicktake(answer=answer).encode("utf-8"))
        if read.rendered is not None:
            htmls.append(read.rendered.finished.html)
    return htmls


def real_answers() -> list[str]:
    files = [*shared_files(CORPUS), *shared_files(SEED)]
    return [str(frontmatter.load(path)["answer"]) for path in files]


def test_sanitized_parser_splits_every_real_answer_as_mkdocs_search_does() -> None:
    htmls = sanitized_answers(real_answers())
    assert len(htmls) == len(real_answers())
    for html in htmls:
        assert parsed(SanitizedContentParser(), html) == parsed(ContentParser(), html)


def test_sanitized_parser_splits_hostile_answers_as_mkdocs_search_does() -> None:
    answers = [f"### Head {fragment} x\\n\\nText {fragment} & more" for fragment in FRAGMENTS]
    answers += [f'### <span id="a>b" title="x>y">T</span>\\n{f}' for f in FRAGMENTS[:5]]
    for html in sanitized_answers(answers):
        assert parsed(SanitizedContentParser(), html) == parsed(ContentParser(), html)


TOKENS = [*"ab <>&#;\"'=/$`*_[]()|-", "\\n", "### ", "<h2 id=x>", "</h2>", "&amp;", "$x<y$"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_sanitized_parser_agrees_with_mkdocs_search_on_any_answer(answer: str) -> None:
    for html in sanitized_answers([answer or "x"]):
        assert parsed(SanitizedContentParser(), html) == parsed(ContentParser(), html)


def test_direct_pipeline_does_not_parse_an_answer_again_for_the_index(
    build_site: BuildSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer is split for the index where it is rendered; the page's build takes that.

    (``pipeline: mkdocs`` splits it while it builds the page: kept split in its memory, every
    answer would cost a large site's build process a third more.)
    """
    split_while_building: list[str] = []
    original = search_module.index_sanitized_html

    def recording(html: str) -> Any:
        split_while_building.append(html)
        return original(html)

    monkeypatch.setattr(search_module, "index_sanitized_html", recording)
    site = build_site(PAGES, plugin={"pipeline": "direct", "workers": 1})
    assert not any("zebrafishword" in html for html in split_while_building)
    entries = search_entries(site)
    sections = {entry["title"]: entry["text"] for entry in entries}
    assert "quagganword" in sections["Kruskal's steps"]
    assert "zebrafishword" in next(e["text"] for e in entries if e["location"] == PAGE_URL)


def test_the_pagefind_bundle_is_waited_for_until_its_files_stop_growing(tmp_path: Path) -> None:
    """Pagefind may report its files written while the last bytes are still on their way."""
    bundle = tmp_path / "pagefind"
    bundle.mkdir()
    script = bundle / "pagefind-ui.js"
    script.write_bytes(b"x" * 8192)

    async def write_the_rest() -> None:
        for _ in range(5):
            await asyncio.sleep(0.05)
            with script.open("ab") as stream:
                stream.write(b"y" * 8192)
        (bundle / "late.css").write_text("late", encoding="utf-8")

    async def wait() -> bool:
        writing = asyncio.create_task(write_the_rest())
        await wait_until_written(bundle, quiet=0.2)
        return writing.done()

    assert asyncio.run(wait())
    assert script.stat().st_size == 6 * 8192
    assert (bundle / "late.css").exists()
