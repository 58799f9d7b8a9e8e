"""Real builds of small sites: every point of a QuickTakes page, checked on the built HTML."""

from __future__ import annotations

import json
import logging
import re

import pytest
from bs4 import BeautifulSoup
from conftest import QUICKTAKE_PAGE, BuildSite, quicktake
from mkdocs.exceptions import Abort

THEMES = ["mkdocs", "readthedocs", "material"]
PAGE = QUICKTAKE_PAGE

ANSWER = (
    r"Intro with **bold** and a formula $ a_1 * b_2 $.\n\n### Steps to take\n"
    r"1. First:\n   - sub point\n\n2. Second\n\n```python\nprint('hi')\n```\n\n"
    r"$$\n\frac{x}{y} \neq 0\n$$\n\nDone."
)


def heads(soup: BeautifulSoup, name: str) -> list[str]:
    assert soup.head is not None
    return [str(m.get("content")) for m in soup.head.find_all("meta", attrs={"name": name})]


@pytest.mark.parametrize("theme", THEMES)
def test_quicktake_page_gets_title_meta_and_layout_in_every_theme(
    build_site: BuildSite, theme: str
) -> None:
    site = build_site(
        {"q.md": quicktake(answer=ANSWER), "index.md": "# Home\n"},
        theme=theme,
        extra={"site_description": "Site wide", "site_author": "Site Author"},
    )
    soup = site.soup(PAGE)
    assert soup.head is not None
    assert [t.string for t in soup.head.find_all("title")] == [
        "What is a test? | QuickTakes | Testing"
    ]
    assert heads(soup, "description") == ["A test."]
    assert heads(soup, "keywords") == ["tests, pytest, builds"]
    assert heads(soup, "author") == ["QuickTakes"]
    article = soup.find("article", class_="qt")
    assert article is not None
    assert [h.get_text(strip=True) for h in soup.find_all("h1")] == ["What is a test?"]
    byline = article.find(class_="qt-byline__date")
    assert byline is not None
    assert " ".join(byline.get_text().split()) == "Posted on Jan 28, 2025"
    time = byline.find("time")
    assert time is not None
    assert time["datetime"] == "2025-01-28"
    answer = article.find(id="answer")
    assert answer is not None
    assert answer.find("h2") is not None  # the answer's ### sections, lifted under the <h1>
    assert answer.find("math") is not None
    assert "\\n" not in answer.get_text()
    # The stylesheet is linked once, on Q&A pages.
    css = [link["href"] for link in soup.find_all("link") if "quicktakes.css" in link["href"]]
    assert len(css) == 1
    assert (site.site_dir / "quicktakes" / "quicktakes.css").is_file()


@pytest.mark.parametrize("theme", THEMES)
def test_other_pages_are_built_exactly_as_without_the_plugin(
    build_site: BuildSite, theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the build date is in every page
    pages = {"index.md": "# Home\n\nPlain *text*.\n", "q.md": quicktake()}
    # Q&A pages leave the nav and hubs join it only through the plugin's options (see test_site).
    with_plugin = build_site(pages, theme=theme, plugin={"nav_section": ""}).text("index.html")
    plain_config = {"plugins": ["search"], "not_in_nav": "q.md"}
    plain = build_site(pages, theme=theme, extra=plain_config).text("index.html")
    assert with_plugin == plain


def test_title_format_options_and_fallback(build_site: BuildSite) -> None:
    site = build_site(
        {
            "a.md": quicktake(),
            "b.md": quicktake(seo={"page_description": "d"}, title="No SEO title", url=None),
        },
        plugin={"title_format": "{title} · {subject}"},
    )
    assert site.soup(PAGE).title.string == "What is a test? · Testing"  # type: ignore[union-attr]
    assert site.soup("b/index.html").title.string == "No SEO title - Test Site"  # type: ignore[union-attr]


def test_unknown_title_placeholder_is_a_config_error(
    build_site: BuildSite, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(Abort, match="configuration error"):
        build_site({"a.md": quicktake()}, plugin={"title_format": "{nope}"})
    assert re.search(r"title_format.*unknown placeholder \{nope\}", caplog.text)


def test_keywords_option_false_removes_the_tag(build_site: BuildSite) -> None:
    site = build_site({"a.md": quicktake()}, plugin={"keywords": False})
    assert heads(site.soup(PAGE), "keywords") == []


def test_keywords_given_as_a_yaml_list(build_site: BuildSite) -> None:
    site = build_site({"a.md": quicktake(seo={"page_keywords": ["x", " y", "x"]})})
    assert heads(site.soup(PAGE), "keywords") == ["x, y"]


@pytest.mark.parametrize(
    ("date", "fmt", "locale", "shown", "iso"),
    [
        ("2025-01-28", "MMM DD, YYYY", "en", "Jan 28, 2025", "2025-01-28"),
        (
            "2025-03-14T09:30:00",
            "dddd, MMMM Do YYYY [at] HH:mm",
            "en",
            "Friday, March 14th 2025 at 09:30",
            "2025-03-14T09:30:00",
        ),
        ("2025-01-28", "D. MMMM YYYY", "de", "28. Januar 2025", "2025-01-28"),
        ("2025-01-28", "D MMMM YYYY", "fr", "28 janvier 2025", "2025-01-28"),
    ],
)
def test_byline_date_follows_format_and_locale(
    build_site: BuildSite, date: str, fmt: str, locale: str, shown: str, iso: str
) -> None:
    site = build_site({"a.md": quicktake(date=date, date_format=fmt)}, plugin={"locale": locale})
    time = site.soup(PAGE).find("time")
    assert time is not None
    assert time.get_text() == shown
    assert str(time["datetime"]).startswith(iso)


def test_site_language_sets_the_locale_and_labels(build_site: BuildSite) -> None:
    site = build_site(
        {"a.md": quicktake(date_format="D. MMMM YYYY", post_on_text=None)},
        theme={"name": "mkdocs", "locale": "de"},
    )
    byline = site.soup(PAGE).find(class_="qt-byline__date")
    assert byline is not None
    assert " ".join(byline.get_text().split()) == "Veröffentlicht am 28. Januar 2025"


def test_unknown_date_token_warns_and_shows_the_iso_date(build_site: BuildSite) -> None:
    site = build_site({"sub/a.md": quicktake(date_format="qo MMM")}, strict=False)
    time = site.soup(PAGE).find("time")
    assert time is not None
    assert time.get_text() == "2025-01-28"
    [message] = [m for m in site.messages() if "date_format" in m]
    assert "sub/a.md" in message
    assert "'q" in message


def test_strict_build_fails_on_a_plugin_warning(build_site: BuildSite) -> None:
    with pytest.raises(Exception, match="strict"):
        build_site({"a.md": quicktake(date_format="q")})


def test_bad_answer_is_an_error_and_the_page_is_left_out(build_site: BuildSite) -> None:
    pages = {"a.md": quicktake(answer=["x"], url=None), "b.md": quicktake()}
    site = build_site(pages, strict=False)
    errors = site.messages(logging.ERROR)
    assert any("a.md:13: 'answer': expected the answer as Markdown text" in m for m in errors)
    assert not (site.site_dir / "a").exists()  # unusable: left out (option invalid_files)
    assert site.soup(PAGE).find(id="answer") is not None


def test_answer_is_rendered_with_the_sites_markdown_extensions(build_site: BuildSite) -> None:
    site = build_site(
        {"a.md": quicktake(answer=ANSWER)},
        extra={
            "markdown_extensions": [
                {"toc": {"permalink": True}},
                "tables",
                "fenced_code",
                "codehilite",
            ]
        },
    )
    soup = site.soup(PAGE)
    heading = soup.find("h2", id="steps-to-take")
    assert heading is not None
    assert heading.find("a", class_="headerlink") is not None
    assert soup.find(class_="codehilite") is not None
    # The mkdocs theme's sidebar table of contents lists the answer's headings.
    assert soup.find("a", href="#steps-to-take") is not None
    index = json.loads(site.text("search/search_index.json"))
    docs = index["docs"]
    texts = " ".join(d["text"] for d in docs if d["location"].startswith(PAGE.split("index")[0]))
    assert "First" in texts
    assert "Done." in texts


def test_math_is_mathml_and_protected_from_markdown(build_site: BuildSite) -> None:
    site = build_site({"a.md": quicktake(answer=ANSWER)})
    answer = site.soup(PAGE).find(id="answer")
    assert answer is not None
    maths = answer.find_all("math")
    assert len(maths) == 2
    assert answer.find("em") is None  # `a_1 * b_2` would make emphasis without protection
    assert maths[1].get("display") == "block"
    assert maths[1].find("mfrac") is not None
    assert "≠" in maths[1].get_text()


def test_math_none_leaves_the_source_for_a_client_renderer(build_site: BuildSite) -> None:
    site = build_site({"a.md": quicktake(answer=ANSWER)}, plugin={"math": "none"})
    answer = site.soup(PAGE).find(id="answer")
    assert answer is not None
    assert answer.find("math") is None
    text = answer.get_text()
    assert "$ a_1 * b_2 $" in text
    assert "\\frac{x}{y} \\neq 0" in text


def test_broken_formula_is_shown_as_code_with_a_warning(build_site: BuildSite) -> None:
    answer = r"Bad: $\frac{1}{$ and good $x$."
    site = build_site({"a.md": quicktake(answer=answer)}, strict=False)
    soup = site.soup(PAGE)
    code = soup.find("code", class_="qt-math-error")
    assert code is not None
    assert "\\frac{1}{" in code.get_text()
    assert any("a.md" in m and "\\frac{1}{" in m for m in site.messages())


def test_related_questions_are_listed_once_each(build_site: BuildSite) -> None:
    entry = {
        "id": 5,
        "title": "Other <question>?",
        "subject": "Testing",
        "url": "/learn/testing/questions/other",
    }
    site = build_site(
        {
            "a.md": quicktake(
                related_article1=entry,
                related_article2=entry,
                related_article3={"id": 6, "title": "Evil", "url": "javascript:x()"},
            )
        }
    )
    related = site.soup(PAGE).find(class_="qt-related")
    assert related is not None
    items = related.find_all("li")
    assert [li.get_text(strip=True) for li in items] == ["Other <question>?", "Evil"]
    # Neither is a page of this site: both are plain text (links to pages: test_site.py).
    assert [li.a for li in items] == [None, None]


def test_a_page_without_related_questions_has_no_related_block(build_site: BuildSite) -> None:
    assert build_site({"a.md": quicktake()}).soup(PAGE).find(class_="qt-related") is None


HOSTILE = "\"><script>alert(1)</script><img src=x onerror=alert(2)> & 'q'"


@pytest.mark.parametrize("theme", THEMES)
def test_front_matter_is_escaped_everywhere_it_lands(build_site: BuildSite, theme: str) -> None:
    site = build_site(
        {
            "a.md": quicktake(
                title=HOSTILE,
                question=HOSTILE,
                author=HOSTILE,
                subject=HOSTILE,
                post_on_text=HOSTILE,
                seo={"title": HOSTILE, "page_description": HOSTILE, "page_keywords": HOSTILE},
                related_article1={"title": HOSTILE, "url": '/x"><script>'},
            ),
            "index.md": "# Home\n",
        },
        theme=theme,
    )
    html = site.text(PAGE)
    soup = BeautifulSoup(html, "html.parser")
    assert "onerror" not in "".join(str(tag.attrs) for tag in soup.find_all("img"))
    # No injected script element; the readthedocs theme's own JSON string of the title is safe.
    assert [s for s in soup.find_all("script") if s.get_text().strip() == "alert(1)"] == []
    assert soup.find("h1").get_text(strip=True) == HOSTILE.strip()  # type: ignore[union-attr]
    assert heads(soup, "description") == [HOSTILE]
    assert heads(soup, "author") == [HOSTILE]


def test_custom_dir_page_template_overrides_one_block(build_site: BuildSite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    custom = tmp_path / "overrides" / "quicktakes"
    custom.mkdir(parents=True)
    (custom / "page.html").write_text(
        '{% extends "quicktakes/base.html" %}'
        '{% block qt_related %}<p class="mine">{{ quicktake.title | e }}</p>{% endblock %}'
    )
    site = build_site(
        {"a.md": quicktake()},
        theme={"name": "mkdocs", "custom_dir": str(tmp_path / "overrides")},
    )
    soup = site.soup(PAGE)
    assert soup.find("p", class_="mine").get_text() == "What is a test?"  # type: ignore[union-attr]
    assert soup.find(id="answer") is not None


def test_sitemap_lastmod_is_the_quicktake_date(build_site: BuildSite) -> None:
    site = build_site({"a.md": quicktake(date="2024-12-19")})
    sitemap = site.text("sitemap.xml")
    entry = re.search(r"<loc>[^<]*/what-is-a-test/</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap)
    assert entry is not None
    assert entry.group(1) == "2024-12-19"


def test_disabled_plugin_changes_nothing(build_site: BuildSite) -> None:
    site = build_site({"a.md": quicktake()}, plugin={"enabled": False})
    assert site.soup("a/index.html").find(class_="qt") is None  # nor moves it to its url


def test_mojibake_is_repaired_in_titles_and_head_tags(build_site: BuildSite) -> None:
    broken = "Whatâ€™s a test?"
    site = build_site(
        {
            "a.md": quicktake(
                title=broken,
                question=broken,
                seo={"title": "S", "page_description": "Itâ€™s fine."},
            )
        }
    )
    soup = site.soup(QUICKTAKE_PAGE)
    assert soup.find("h1").get_text(strip=True) == "What’s a test?"  # type: ignore[union-attr]
    assert heads(soup, "description") == ["It’s fine."]
