"""A whole Q&A site on real builds: permalinks, hubs, nav, related links, breadcrumbs, search,
sitemap, rebuilds under ``mkdocs serve``, and page size that does not grow with the site.

Expectations come from the front matter (``url``, ``subject``, ``date``), never from the code
under test.
"""

from __future__ import annotations

import json
import logging
import posixpath
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import frontmatter
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import SOURCES, BuildSite, Site, build_pages, quicktake
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

if TYPE_CHECKING:
    from collections.abc import Iterator


def q(n: int, subject: str = "Physics", **fields: object) -> str:
    """A small QuickTakes page number ``n`` with a url under its subject's folder."""
    slug = subject.lower().replace(" ", "-")
    values: dict[str, object] = {
        "id": n,
        "title": f"Question {n}?",
        "question": f"Question {n}?",
        "date": f"2025-01-{n:02d}",
        "subject": subject,
        "url": f"/learn/{slug}/questions/q{n}",
        "answer": rf"Answer number {n}.\n\nMore text.",
        "seo": None,
    }
    values.update(fields)
    return quicktake(**values)


def plugin_messages(site: Site, level: int = logging.WARNING) -> list[str]:
    """The plugin's messages without the ``mkdocs_quicktakes: `` prefix MkDocs adds."""
    prefix = "mkdocs_quicktakes: "
    return [m.removeprefix(prefix) for m in site.messages(level) if m.startswith(prefix)]


def page(n: int, subject: str = "physics") -> str:
    return f"learn/{subject}/questions/q{n}/index.html"


def links(soup: BeautifulSoup, css: str) -> list[tuple[str, str]]:
    found = soup.select(css)
    return [(a.get_text(strip=True), str(a.get("href"))) for a in found]


def target(site: Site, page_path: str, href: str) -> Path:
    """The file a relative link on ``page_path`` opens (a folder opens its index.html)."""
    path = ((site.site_dir / page_path).parent / href).resolve()
    return path / "index.html" if href.endswith("/") or path.is_dir() else path


# -- permalinks ------------------------------------------------------------------------------


def test_page_is_written_at_its_url(build_site: BuildSite) -> None:
    site = build_site({"deep/folder/q1.md": q(1)})
    assert (site.site_dir / page(1)).is_file()
    assert not (site.site_dir / "deep").exists()


def test_without_directory_urls_the_url_becomes_a_html_file(build_site: BuildSite) -> None:
    site = build_site({"q1.md": q(1)}, extra={"use_directory_urls": False})
    assert (site.site_dir / "learn/physics/questions/q1.html").is_file()
    hub = site.soup("learn/physics/index.html")
    assert links(hub, ".qt-hub__title a") == [("Question 1?", "questions/q1.html")]
    question = site.soup("learn/physics/questions/q1.html")
    assert links(question, ".qt-breadcrumbs a") == [
        ("Home", "../../../index.html"),
        ("Physics", "../index.html"),
    ]


def test_permalinks_false_keeps_mkdocs_paths(build_site: BuildSite) -> None:
    site = build_site({"sub/q1.md": q(1)}, plugin={"permalinks": False})
    assert (site.site_dir / "sub/q1/index.html").is_file()
    assert not (site.site_dir / page(1)).exists()


def test_two_pages_with_one_url_are_named_and_neither_is_overwritten(
    build_site: BuildSite,
) -> None:
    same = "/learn/physics/questions/same"
    site = build_site({"a.md": q(1, url=same), "b.md": q(2, url=same)}, strict=False)
    [message] = [m for m in plugin_messages(site) if "'url'" in m]
    assert message.startswith("b.md")
    assert "a.md" in message
    assert same in message
    assert "Question 1?" in site.text("learn/physics/questions/same/index.html")
    assert "Question 2?" in site.text("b/index.html")


def test_a_url_clash_fails_a_strict_build(build_site: BuildSite) -> None:
    same = "/learn/physics/questions/same"
    with pytest.raises(Abort):
        build_site({"a.md": q(1, url=same), "b.md": q(2, url=same)})


@pytest.mark.parametrize(
    "url",
    ["/../../outside/x", "https://evil.example/x", "/learn/a b", "/learn/x/..", "//host/x"],
)
def test_unsafe_url_keeps_the_source_path_and_writes_nothing_outside(
    build_site: BuildSite, url: str
) -> None:
    site = build_site({"a.md": q(1, url=url)}, strict=False)
    [message] = [m for m in plugin_messages(site) if "'url'" in m]
    assert message.startswith("a.md")
    assert repr(url) in message
    assert "Question 1?" in site.text("a/index.html")
    written = {p.resolve() for p in site.root.rglob("*") if p.is_file()}
    outside = [p for p in written if not p.is_relative_to(site.root.resolve())]
    assert outside == []
    assert not (site.root / "outside").exists()
    assert not (site.root.parent / "outside").exists()


def test_an_unreadable_file_is_named_and_the_rest_is_built(build_site: BuildSite) -> None:
    site = build_site({"q1.md": q(1)}, strict=False)
    bad = site.root / "docs" / "bad.md"
    bad.write_bytes(b"---\ntitle: caf\xe9\n---\n")
    again = build_pages(
        site.root.parent / "again", {"q1.md": q(1)}, strict=False, copy={"bad.md": bad}
    )
    errors = plugin_messages(again, logging.ERROR)
    assert any(m.startswith("bad.md") and "expected UTF-8 text" in m for m in errors)
    assert (again.site_dir / page(1)).is_file()


# -- the 80 real files ----------------------------------------------------------------------


def fronts() -> list[dict[str, object]]:
    return [dict(frontmatter.load(path).metadata) for path in SOURCES]


def hub_folder(url: object) -> str:
    """``/learn/physics/questions/x`` -> ``learn/physics/``: the slug as the corpus has it."""
    return str(url).strip("/").split("/questions/")[0] + "/"


def hub_pages(site: Site, folder: str) -> Iterator[tuple[str, BeautifulSoup]]:
    """Each page of a hub: its path and its HTML."""
    paths = [folder + "index.html"]
    paths += [
        str(path.relative_to(site.site_dir))
        for path in sorted((site.site_dir / folder / "page").glob("*/index.html"))
    ]
    for path in paths:
        yield path, site.soup(path)


def test_each_hub_lists_each_of_its_questions_exactly_once(corpus_site: Site) -> None:
    expected: dict[str, list[str]] = defaultdict(list)
    for front in fronts():
        expected[hub_folder(front["url"])].append(str(front["url"]).strip("/") + "/")
    assert len(expected) == 8  # 7 corpus subjects (two spelled two ways) and the seed's
    for folder, urls in expected.items():
        listed = []
        for path, soup in hub_pages(corpus_site, folder):
            for _, href in links(soup, ".qt-hub__title a"):
                opened = target(corpus_site, path, href).parent.relative_to(corpus_site.site_dir)
                listed.append(f"{opened}/")
        assert sorted(listed) == sorted(urls), folder


def test_hub_pages_hold_twenty_newest_first(corpus_site: Site) -> None:
    folder = "learn/computer-science/"
    dates = []
    sizes = []
    for _, soup in hub_pages(corpus_site, folder):
        times = [t["datetime"] for t in soup.select(".qt-hub__date time")]
        sizes.append(len(times))
        dates += times
    assert sizes == [20, 11]  # 24 "Computer Science" + 7 "Computer science"
    assert dates == sorted(dates, reverse=True)
    page2 = corpus_site.soup(folder + "page/2/index.html")
    assert links(page2, ".qt-pager__previous") == [("Previous", "../../")]


@pytest.mark.parametrize(
    ("count", "page", "shown"),
    [
        (9, 5, "1 2 3 4 [5] 6 7 8 9"),
        (12, 1, "[1] 2 3 … 12"),
        (12, 5, "1 2 3 4 [5] 6 7 … 12"),
        (12, 6, "1 … 4 5 [6] 7 8 … 12"),
        (12, 12, "1 … 10 11 [12]"),
    ],
)
def test_a_large_hub_links_the_first_last_and_nearby_pages(
    build_site: BuildSite, count: int, page: int, shown: str
) -> None:
    """Every page on every page would grow with the square of the subject's size."""
    pages = {
        f"q{n}.md": quicktake(title=f"Q{n}?", url=f"/learn/big/questions/q{n}", subject="Big")
        for n in range(count)
    }
    site = build_site(pages, plugin={"hub_page_size": 1})
    path = "learn/big/index.html" if page == 1 else f"learn/big/page/{page}/index.html"
    items = site.soup(path).select(".qt-pager__pages li")
    words = []
    for item in items:
        text = item.get_text(strip=True)
        current = item.select_one('[aria-current="page"]') is not None
        words.append(f"[{text}]" if current else text)
        if item.a is not None:  # each number links to that page
            opened = posixpath.normpath(posixpath.join(posixpath.dirname(path), item.a["href"]))
            assert opened == ("learn/big" if text == "1" else f"learn/big/page/{text}")
    assert " ".join(words) == shown
    gaps = [item for item in items if "qt-pager__gap" in (item.get("class") or [])]
    assert all(gap.get("aria-hidden") == "true" and gap.a is None for gap in gaps)


def test_subjects_index_lists_every_subject_once_with_its_count(corpus_site: Site) -> None:
    soup = corpus_site.soup("learn/index.html")
    items = [
        (li.a.get_text(), li.a["href"], li.select_one(".qt-subjects__count").get_text())
        for li in soup.select(".qt-subjects__item")
    ]
    assert ("Computer Science", "computer-science/", "31") in items
    assert ("Digital Media", "digital-media/", "11") in items
    assert len(items) == 8


def test_every_resolved_related_link_opens_a_built_page(corpus_site: Site) -> None:
    checked = 0
    for front in fronts():
        path = str(front["url"]).strip("/") + "/index.html"
        soup = corpus_site.soup(path)
        for title, href in links(soup, ".qt-related__item a"):
            assert target(corpus_site, path, href).is_file(), (path, title, href)
            assert not href.startswith("/")
            checked += 1
    assert checked >= 11  # the corpus links to 11 of its own pages


def test_unresolved_related_are_text_and_counted_in_one_info_line(corpus_site: Site) -> None:
    lines = [m for m in corpus_site.messages(logging.INFO) if "related question" in m]
    assert len(lines) == 1
    assert corpus_site.messages() == []
    soup = corpus_site.soup(
        "learn/physics/questions/how-is-the-cross-product-calculated-between-two-vectors/index.html"
    )
    spans = soup.select(".qt-related__item > span")
    assert spans
    assert all(span.find("a") is None for span in spans)


def test_no_page_is_reported_missing_from_the_nav(corpus_site: Site) -> None:
    assert [m for m in corpus_site.messages(logging.DEBUG) if "not included in the" in m] == []


def test_search_holds_each_question_and_its_answer_once(corpus_site: Site) -> None:
    docs = json.loads(corpus_site.text("search/search_index.json"))["docs"]
    for front in fronts():
        url = str(front["url"]).strip("/") + "/"
        entries = [d for d in docs if d["location"] == url]
        assert len(entries) == 1, url
        [entry] = entries
        title = BeautifulSoup(entry["title"], "html.parser").get_text()
        assert title == " ".join(str(front["title"]).split())
        assert len(entry["text"]) > 200
        opening = entry["text"][:80]
        holders = [d["location"] for d in docs if "#" not in d["location"] and opening in d["text"]]
        assert holders == [url]  # hubs index their titles only, not the answers again
    hubs = [
        d for d in docs if d["location"].startswith("learn/") and "/questions/" not in d["location"]
    ]
    assert hubs
    assert all(d["text"] == "" for d in hubs)


def test_sitemap_has_every_question_and_hub_with_its_date(corpus_site: Site) -> None:
    sitemap = corpus_site.text("sitemap.xml")
    entries = dict(
        re.findall(r"<loc>https://example.org/([^<]*)</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap)
    )
    newest: dict[str, str] = {}
    for front in fronts():
        url = str(front["url"]).strip("/") + "/"
        assert entries[url] == str(front["date"])
        folder = hub_folder(front["url"])
        newest[folder] = max(newest.get(folder, ""), str(front["date"]))
    for folder, date in newest.items():
        assert entries[folder] == date
    assert entries["learn/computer-science/page/2/"] == newest["learn/computer-science/"]


# -- nav -------------------------------------------------------------------------------------


def nav_texts(soup: BeautifulSoup) -> list[str]:
    nav = soup.select_one(".navbar-nav")
    assert nav is not None
    return [a.get_text(" ", strip=True) for a in nav.select("a")]


def test_questions_leave_the_nav_and_hubs_join_it_in_one_section(build_site: BuildSite) -> None:
    pages = {"index.md": "# Home\n", "q1.md": q(1), "q2.md": q(2, "Maths"), "q3.md": q(3)}
    site = build_site(pages, plugin={"nav_section": "Topics"})
    texts = nav_texts(site.soup("index.html"))
    assert not any("Question" in t for t in texts)
    assert texts[texts.index("Topics") + 1 :] == ["Subjects", "Maths", "Physics"]
    assert [m for m in site.messages(logging.DEBUG) if "not included in the" in m] == []


def test_an_explicit_nav_keeps_its_questions(build_site: BuildSite) -> None:
    pages = {"index.md": "# Home\n", "q1.md": q(1), "q2.md": q(2)}
    site = build_site(pages, extra={"nav": ["index.md", {"Featured": "q1.md"}]})
    texts = nav_texts(site.soup("index.html"))
    assert "Featured" in texts
    assert "Question 2?" not in texts


def test_nav_section_empty_leaves_hubs_out_of_the_nav(build_site: BuildSite) -> None:
    site = build_site({"index.md": "# Home\n", "q1.md": q(1)}, plugin={"nav_section": ""})
    assert "Physics" not in nav_texts(site.soup("index.html"))


# -- hubs ------------------------------------------------------------------------------------


def test_hub_sort_and_page_size_options(build_site: BuildSite) -> None:
    pages = {
        "a.md": q(1, title="Charlie", score=1.0),
        "b.md": q(2, title="alpha", score=3.0),
        "c.md": q(3, title="Bravo"),
    }
    for order, expected in (
        ("date", ["Bravo", "alpha", "Charlie"]),
        ("score", ["alpha", "Charlie", "Bravo"]),
        ("title", ["alpha", "Bravo", "Charlie"]),
    ):
        site = build_site(pages, plugin={"hub_sort": order, "hub_page_size": 2})
        first = [t for t, _ in links(site.soup("learn/physics/index.html"), ".qt-hub__title a")]
        second = [
            t for t, _ in links(site.soup("learn/physics/page/2/index.html"), ".qt-hub__title a")
        ]
        assert first + second == expected, order


def test_hub_url_option_moves_hubs(build_site: BuildSite) -> None:
    site = build_site(
        {"q1.md": q(1)}, plugin={"hub_url": "topics/{slug}/", "subjects_url": "topics/"}
    )
    assert links(site.soup("topics/physics/index.html"), ".qt-hub__title a") == [
        ("Question 1?", "../../learn/physics/questions/q1/")
    ]
    assert links(site.soup("topics/index.html"), ".qt-subjects__item a") == [
        ("Physics", "physics/")
    ]


@pytest.mark.parametrize(
    "value",
    ["learn/", "../{slug}/", "https://x.org/{slug}/", "{nope}/{slug}", "{slug.x}/", "CON/{slug}/"],
)
def test_bad_hub_url_is_a_config_error(build_site: BuildSite, value: str) -> None:
    with pytest.raises(Abort):
        build_site({"q1.md": q(1)}, plugin={"hub_url": value})


def test_hubs_false_makes_no_hub_pages(build_site: BuildSite) -> None:
    site = build_site({"q1.md": q(1)}, plugin={"hubs": False})
    assert not (site.site_dir / "learn/physics/index.html").exists()
    assert not (site.site_dir / "learn/index.html").exists()
    crumbs = [t for t, _ in links(site.soup(page(1)), ".qt-breadcrumbs a")]
    assert crumbs == ["Home"]


def test_hub_shows_title_date_and_plain_excerpt_and_has_a_head(build_site: BuildSite) -> None:
    answer = r"The **first** idea with $ x^2 $ and `code`.\n\n```python\nprint(1)\n```"
    site = build_site({"q1.md": q(1, answer=answer)})
    soup = site.soup("learn/physics/index.html")
    item = soup.select_one(".qt-hub__item")
    assert item is not None
    assert item.select_one("time")["datetime"] == "2025-01-01"
    assert item.select_one(".qt-hub__excerpt").get_text() == "The first idea with x^2 and code."
    assert soup.title.get_text() == "Physics - Test Site"
    assert (
        soup.select_one('meta[name="description"]')["content"]
        == "Questions and answers about Physics"
    )
    assert [t for t, _ in links(soup, ".qt-breadcrumbs a")] == ["Home", "Subjects"]


def test_hub_text_is_escaped(build_site: BuildSite) -> None:
    evil = "<script>alert(1)</script> & Co"
    site = build_site({"q1.md": q(1, subject=evil, title=evil, url="/learn/evil/questions/q1")})
    html = site.text("learn/scriptalert1script-co/index.html")
    assert "<script>alert(1)" not in html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one(".qt-header__title").get_text() == evil
    assert soup.select_one(".qt-hub__title a").get_text() == evil


def test_custom_dir_hub_template_overrides_one_block(build_site: BuildSite, tmp_path: Path) -> None:
    custom = tmp_path / "overrides" / "quicktakes"
    custom.mkdir(parents=True)
    (custom / "hub.html").write_text(
        '{% extends "quicktakes/hub_base.html" %}'
        '{% block qt_hub_header %}<p class="mine">'
        "{{ qt_hub.count }} in {{ qt_hub.subject | e }}</p>{% endblock %}"
    )
    theme = {"name": "mkdocs", "custom_dir": str(tmp_path / "overrides")}
    soup = build_site({"q1.md": q(1)}, theme=theme).soup("learn/physics/index.html")
    assert soup.select_one("p.mine").get_text() == "1 in Physics"
    assert soup.select_one(".qt-hub__item") is not None


def test_a_page_in_the_hubs_place_keeps_it_with_a_warning(build_site: BuildSite) -> None:
    site = build_site({"learn/index.md": "# My intro\n", "q1.md": q(1)}, strict=False)
    [message] = plugin_messages(site)
    assert message.startswith("learn/index.md: the subjects index")
    assert "subjects_url" in message
    assert "My intro" in site.text("learn/index.html")


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs", "material"])
def test_hubs_render_in_every_theme(build_site: BuildSite, theme: str) -> None:
    site = build_site({"index.md": "# Home\n", "q1.md": q(1), "q2.md": q(2)}, theme=theme)
    soup = site.soup("learn/physics/index.html")
    assert len(soup.select(".qt-hub__item")) == 2
    assert [h.get_text(strip=True) for h in soup.find_all("h1")] == ["Physics"]
    assert site.soup("learn/index.html").select_one(".qt-subjects__item") is not None


# -- related links and breadcrumbs -----------------------------------------------------------


def test_related_links_resolve_by_id_then_url_relatively(build_site: BuildSite) -> None:
    related = {
        "related_article1": {"id": 2, "title": "By id", "url": "/wrong"},
        "related_article2": {"title": "By url", "url": "/learn/maths/questions/q3"},
        "related_article3": {"id": 404, "title": "Missing <b>", "url": "/learn/x/questions/gone"},
    }
    pages = {"q1.md": q(1, **related), "q2.md": q(2), "q3.md": q(3, "Maths")}
    site = build_site(pages, extra={"site_url": "https://example.org/sub/"})
    soup = site.soup(page(1))
    assert links(soup, ".qt-related__item a") == [
        ("By id", "../q2/"),
        ("By url", "../../../maths/questions/q3/"),
    ]
    assert [s.get_text() for s in soup.select(".qt-related__item > span")] == ["Missing <b>"]
    for _, href in links(soup, ".qt-related__item a"):
        assert target(site, page(1), href).is_file()
    assert [m for m in plugin_messages(site, logging.INFO) if "related question" in m] == [
        "related questions that are not pages of this site: 1 in 1 page(s), shown as text"
        " (normal for a partial set of pages)"
    ]


def test_unresolved_related_hide_option(build_site: BuildSite) -> None:
    related = {"related_article1": {"id": 404, "title": "Missing", "url": "/gone"}}
    site = build_site({"q1.md": q(1, **related)}, plugin={"unresolved_related": "hide"})
    assert site.soup(page(1)).select_one(".qt-related") is None


def test_breadcrumbs_lead_home_then_to_the_hub(build_site: BuildSite) -> None:
    site = build_site({"index.md": "# Home\n", "q1.md": q(1, subject="physics")})
    soup = site.soup(page(1))
    assert links(soup, ".qt-breadcrumbs a") == [("Home", "../../../../"), ("physics", "../../")]
    assert soup.select_one(".qt-breadcrumbs [aria-current=page]").get_text() == "Question 1?"


# -- mkdocs serve ----------------------------------------------------------------------------


def test_rebuilds_follow_edits_additions_deletions_and_survive_broken_yaml(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "q1.md").write_text(q(1), encoding="utf-8")
    (docs / "q2.md").write_text(q(2), encoding="utf-8")
    config = {"site_name": "S", "site_url": "https://example.org/", "plugins": ["quicktakes"]}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    cfg = load_config(str(tmp_path / "mkdocs.yml"))
    site = Path(cfg.site_dir)

    def hub_titles() -> list[str]:
        soup = BeautifulSoup((site / "learn/physics/index.html").read_text(), "html.parser")
        return [a.get_text() for a in soup.select(".qt-hub__title a")]

    def feed_titles() -> list[str]:
        return re.findall(
            r"<title>(Question[^<]*)</title>", (site / "learn/physics/rss.xml").read_text()
        )

    build(cfg)
    assert hub_titles() == ["Question 2?", "Question 1?"]
    (docs / "q1.md").write_text(q(1, title="Edited one?", date="2025-01-09"), encoding="utf-8")
    (docs / "q3.md").write_text(q(3), encoding="utf-8")
    (docs / "q2.md").unlink()
    build(cfg)
    assert hub_titles() == ["Edited one?", "Question 3?"]
    assert feed_titles() == ["Question 3?"]  # the edited title does not start with "Question"
    assert "Edited one?" in (site / "rss.xml").read_text()
    assert not (site / page(2)).exists()
    (docs / "q3.md").write_text(q(3).replace("subject:", "subject: [unclosed"), encoding="utf-8")
    caplog.clear()
    build(cfg)
    messages = [r.getMessage() for r in caplog.records]
    assert any("q3.md" in m and "expected valid YAML" in m for m in messages)
    assert hub_titles() == ["Edited one?"]


# -- scale -----------------------------------------------------------------------------------


def small_site(count: int) -> dict[str, str]:
    pages = {"index.md": "# Home\n"}
    for n in range(count):
        subject = ("Alpha", "Beta", "Gamma", "Delta")[n % 4]
        pages[f"q{n}.md"] = (
            f"---\nid: {n}\ndate: 2025-01-{1 + n % 28:02d}\nquestion: Question {n}?\n"
            f"answer: Short answer.\nsubject: {subject}\n"
            f"url: /learn/{subject.lower()}/questions/q{n}\n---\n\n&nbsp;"
        )
    return pages


@pytest.mark.slow
def test_a_question_page_does_not_grow_with_the_number_of_questions(tmp_path: Path) -> None:
    options = {"plugins": [{"quicktakes": {"hub_page_size": 50, "feeds": False}}]}
    sizes = []
    for count in (200, 2000):
        site = build_pages(tmp_path / str(count), small_site(count), extra=options)
        sizes.append(len(site.text("learn/alpha/questions/q0/index.html")))
    assert abs(sizes[1] - sizes[0]) <= 0.02 * sizes[0], sizes
