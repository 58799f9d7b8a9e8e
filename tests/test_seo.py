"""Search-engine and social metadata: canonical, Open Graph, Twitter card and JSON-LD.

Built pages are read back with extruct, a real structured-data extractor, and with an HTML parser,
so the checks are about what a crawler sees, not about the strings the plugin writes.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import extruct
import pytest
from babel import Locale
from bs4 import BeautifulSoup
from conftest import QUICKTAKE_PAGE, BuildSite, Site, meta_values, quicktake
from mkdocs.exceptions import Abort

from mkdocs_quicktakes.answer.prepare import prepare_answer
from mkdocs_quicktakes.answer.text import answer_text, html_to_text
from mkdocs_quicktakes.html.metadata import PageRef, breadcrumb_list, og_locale, upvote_count

THEMES = ["mkdocs", "readthedocs", "material"]
PAGE = QUICKTAKE_PAGE
URL = "https://example.org/learn/testing/questions/what-is-a-test/"
HUB_URL = "https://example.org/learn/testing/"

# Everything that has broken a page's head or a <script> somewhere.
HOSTILE = (
    "Q \"dq\" 'sq' </script><!--<script>alert(1)</script>--> <img src=x onerror=alert(2)> "
    "& &amp; &lt;\nline two \u2028 \u2029 ünïcödé ∑ 😀"
)

# Tags a page must have exactly once (article:tag once per keyword).
ONCE = [
    "description",
    "keywords",
    "author",
    "og:type",
    "og:title",
    "og:description",
    "og:url",
    "og:site_name",
    "og:locale",
    "article:published_time",
    "article:section",
    "article:author",
    "twitter:card",
    "twitter:title",
    "twitter:description",
]

# A user's own head additions, as a custom_dir override of main.html would print them.
EXTRAHEAD = """{% extends "base.html" %}
{% block extrahead %}
<link rel="canonical" href="https://elsewhere.example/">
<meta property="og:title" content="theme title">
<meta name="og:type" content="website">
<meta property="og:image" content="https://example.org/social.png">
<meta property="article:tag" content="old">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:site" content="@quicktakes">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "WebSite"}</script>
{% endblock %}
"""


def json_ld(site: Site, path: str = PAGE) -> list[dict[str, Any]]:
    data = extruct.extract(site.text(path), syntaxes=["json-ld"], uniform=False)
    documents: list[dict[str, Any]] = data["json-ld"]
    return documents


def graph_node(site: Site, kind: str, path: str = PAGE) -> dict[str, Any]:
    (document,) = json_ld(site, path)
    assert document["@context"] == "https://schema.org"
    nodes = [node for node in document["@graph"] if node["@type"] == kind]
    assert len(nodes) == 1, [node["@type"] for node in document["@graph"]]
    node: dict[str, Any] = nodes[0]
    return node


def open_graph(site: Site, path: str = PAGE) -> list[tuple[str, str]]:
    data = extruct.extract(site.text(path), syntaxes=["opengraph"], uniform=False)
    (graph,) = data["opengraph"]
    properties: list[tuple[str, str]] = graph["properties"]
    return properties


def head_counts(soup: BeautifulSoup) -> Counter[str]:
    """How often each meta name/property, canonical link and JSON-LD script is in the head."""
    assert soup.head is not None
    counts: Counter[str] = Counter()
    for meta in soup.head.find_all("meta"):
        for key in {meta.get("name"), meta.get("property")} - {None}:
            counts[str(key).lower()] += 1
    counts["canonical"] = len(soup.head.find_all("link", rel="canonical"))
    counts["ld+json"] = len(soup.find_all("script", type="application/ld+json"))
    return counts


# -- pure builders --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("en", "en_US"),
        ("de", "de_DE"),
        ("pt_BR", "pt_BR"),
        ("zh_Hant", "zh_TW"),
        ("fr_CA", "fr_CA"),
    ],
)
def test_og_locale_is_language_and_territory(name: str, expected: str) -> None:
    assert og_locale(Locale.parse(name)) == expected


@pytest.mark.parametrize(
    ("score", "expected"),
    [(None, None), (-1.0, None), (0.0, 0), (7.0, 7), (3.6, 4), (float("nan"), None)],
)
def test_upvote_count_comes_only_from_known_scores(
    score: float | None, expected: int | None
) -> None:
    assert upvote_count(score) == expected


def test_plain_text_keeps_blocks_and_code_and_drops_permalinks() -> None:
    html = (
        '<h2 id="why">Why<a class="headerlink" href="#why">¶</a></h2>\n'
        "<p>It  <strong>fails</strong>\nwhen &amp; only when.</p>\n"
        '<ul>\n<li>one</li>\n<li>two <img alt="a chart" src="c.png"></li>\n</ul>\n'
        "<pre><code>if x:\n    y()\n</code></pre>\n<script>var no = 1;</script>"
        "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>"
    )
    assert html_to_text(html) == (
        "Why\n\nIt fails when & only when.\n\none\ntwo a chart\n\nif x:\n    y()\n\na b\n1 2"
    )


def test_answer_text_shows_each_formula_as_its_latex() -> None:
    prepared = prepare_answer(r"Use $E = mc^2$ here.", fix_mojibake=False, nested_fences="fence")
    html = f"<p>{prepared.markdown}</p>"  # what Markdown makes of the placeholder line
    assert answer_text(html, prepared) == "Use E = mc^2 here."


def test_breadcrumbs_need_an_absolute_url_for_every_step() -> None:
    assert breadcrumb_list([PageRef("Home", ""), PageRef("Q", "")]) is None
    crumbs = breadcrumb_list([PageRef("Home", "https://e.org/"), PageRef("Q", "https://e.org/q/")])
    assert crumbs is not None
    assert [item["position"] for item in crumbs["itemListElement"]] == [1, 2]  # type: ignore[attr-defined]


# -- one of each tag ------------------------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
def test_each_tag_appears_once_in_every_theme(
    build_site: BuildSite, theme: str, tmp_path: Any
) -> None:
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "main.html").write_text(EXTRAHEAD, encoding="utf-8")
    site = build_site(
        {"q.md": quicktake(description="the page's own meta description"), "index.md": "# Home\n"},
        theme={"name": theme, "custom_dir": str(overrides)},
        extra={"site_description": "Site wide", "site_author": "Site Author"},
    )
    soup = site.soup(PAGE)
    counts = head_counts(soup)
    assert {key: counts[key] for key in [*ONCE, "canonical", "ld+json"]} == dict.fromkeys(
        [*ONCE, "canonical", "ld+json"], 1
    )
    assert meta_values(soup, "article:tag") == ["tests", "pytest", "builds"]
    assert meta_values(soup, "description") == ["A test."]
    assert meta_values(soup, "og:type") == ["article"]
    assert meta_values(soup, "twitter:card") == ["summary"]
    assert soup.head is not None
    assert [link["href"] for link in soup.head.find_all("link", rel="canonical")] == [URL]
    # Tags the plugin does not write are the user's to keep.
    assert meta_values(soup, "twitter:site") == ["@quicktakes"]
    assert meta_values(soup, "og:image") == ["https://example.org/social.png"]
    graph_node(site, "Article")
    # Other pages are left as the theme and the user made them.
    assert head_counts(site.soup("index.html"))["og:title"] == 1


def test_open_graph_and_twitter_values(build_site: BuildSite) -> None:
    site = build_site(
        {"q.md": quicktake(date="2025-03-14T09:30:00+02:00"), "index.md": "# Home\n"},
        theme={"name": "mkdocs", "locale": "de"},
        plugin={"og_image": "img/card.png"},
    )
    assert open_graph(site) == [
        ("og:type", "article"),
        ("og:title", "What is a test?"),
        ("og:description", "A test."),
        ("og:url", URL),
        ("og:site_name", "Test Site"),
        ("og:locale", "de_DE"),
        ("og:image", "https://example.org/img/card.png"),
        ("article:published_time", "2025-03-14T09:30:00+02:00"),
        ("article:section", "Testing"),
        ("article:tag", "tests"),
        ("article:tag", "pytest"),
        ("article:tag", "builds"),
        ("article:author", "QuickTakes"),
    ]
    soup = site.soup(PAGE)
    assert meta_values(soup, "twitter:title") == ["What is a test?"]
    assert meta_values(soup, "twitter:description") == ["A test."]
    assert meta_values(soup, "twitter:image") == ["https://example.org/img/card.png"]
    assert graph_node(site, "Article")["inLanguage"] == "de"


# -- JSON-LD modes --------------------------------------------------------------------------


def test_article_is_the_default_with_breadcrumbs_through_the_subject_hub(
    build_site: BuildSite,
) -> None:
    site = build_site(
        {"q.md": quicktake(), "index.md": "# Home\n"},
        plugin={"author_type": "Person", "author_url": "about/"},
    )
    article = graph_node(site, "Article")
    assert article == {
        "@type": "Article",
        "@id": URL + "#article",
        "headline": "What is a test?",
        "description": "A test.",
        "datePublished": "2025-01-28",
        "author": {"@type": "Person", "name": "QuickTakes", "url": "https://example.org/about/"},
        "keywords": ["tests", "pytest", "builds"],
        "articleSection": "Testing",
        "mainEntityOfPage": {"@type": "WebPage", "@id": URL},
        "inLanguage": "en",
    }
    crumbs = graph_node(site, "BreadcrumbList")["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Home", "https://example.org/"),
        (2, "Testing", HUB_URL),
        (3, "What is a test?", URL),
    ]


ANSWER = (
    r"Energy is $E = mc^2$ & more.\n\n### Why\nBecause `</script><!--` breaks pages.\n\n"
    r"- one\n- two"
)


def test_qapage_has_question_and_accepted_answer_with_googles_properties(
    build_site: BuildSite,
) -> None:
    site = build_site(
        {"q.md": quicktake(answer=ANSWER, score=12.0), "index.md": "# Home\n"},
        plugin={
            "structured_data": "qapage",
            "digital_source_type": "TrainedAlgorithmicMediaDigitalSource",
        },
        extra={"markdown_extensions": [{"toc": {"permalink": True}}]},
    )
    page = graph_node(site, "QAPage")
    question = page["mainEntity"]
    # Google's required properties: Question name, answerCount, acceptedAnswer; Answer text.
    assert question["@type"] == "Question"
    assert question["name"] == question["text"] == "What is a test?"
    assert question["answerCount"] == 1
    assert question["upvoteCount"] == 12
    assert question["datePublished"] == "2025-01-28"
    assert question["author"] == {"@type": "Organization", "name": "QuickTakes"}
    answer = question["acceptedAnswer"]
    assert answer == {
        "@type": "Answer",
        "text": (
            "Energy is E = mc^2 & more.\n\nWhy\n\nBecause </script><!-- breaks pages.\n\none\ntwo"
        ),
        "url": URL + "#answer",
        "datePublished": "2025-01-28",
        "author": {"@type": "Organization", "name": "QuickTakes"},
        "digitalSourceType": "https://schema.org/TrainedAlgorithmicMediaDigitalSource",
    }
    # The answer url's fragment exists on the page.
    assert site.soup(PAGE).find(id="answer") is not None
    assert page["url"] == page["@id"] == URL
    graph_node(site, "BreadcrumbList")


def test_qapage_leaves_out_upvotes_of_an_unknown_score(build_site: BuildSite) -> None:
    site = build_site(
        {"q.md": quicktake(score=-1.0), "index.md": "# Home\n"},
        plugin={"structured_data": "qapage"},
    )
    assert "upvoteCount" not in graph_node(site, "QAPage")["mainEntity"]


def test_faqpage_holds_the_one_question_and_its_answer(build_site: BuildSite) -> None:
    site = build_site(
        {"q.md": quicktake(), "index.md": "# Home\n"}, plugin={"structured_data": "faqpage"}
    )
    page = graph_node(site, "FAQPage")
    (question,) = page["mainEntity"]
    assert question["@type"] == "Question"
    assert question["name"] == "What is a test?"
    assert question["acceptedAnswer"]["@type"] == "Answer"
    assert (
        question["acceptedAnswer"]["text"]
        == "A test is a check.\n\nWhy\n\nIt fails when the code is wrong."
    )
    graph_node(site, "BreadcrumbList")


def test_none_writes_no_json_ld_and_keeps_the_users_own(
    build_site: BuildSite, tmp_path: Any
) -> None:
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "main.html").write_text(EXTRAHEAD, encoding="utf-8")
    site = build_site(
        {"q.md": quicktake(), "index.md": "# Home\n"},
        theme={"name": "mkdocs", "custom_dir": str(overrides)},
        plugin={"structured_data": "none"},
    )
    assert [doc["@type"] for doc in json_ld(site)] == ["WebSite"]
    assert head_counts(site.soup(PAGE))["og:title"] == 1


# -- hubs -----------------------------------------------------------------------------------


def test_hubs_get_a_collection_page_breadcrumbs_and_their_own_description(
    build_site: BuildSite,
) -> None:
    site = build_site({"q.md": quicktake(), "index.md": "# Home\n"})
    hub = "learn/testing/index.html"
    page = graph_node(site, "CollectionPage", hub)
    assert page["url"] == HUB_URL
    assert page["name"] == "Testing"
    description = page["description"]
    assert "Testing" in description
    items = page["mainEntity"]["itemListElement"]
    assert [(i["position"], i["name"], i["url"]) for i in items] == [(1, "What is a test?", URL)]
    crumbs = graph_node(site, "BreadcrumbList", hub)["itemListElement"]
    assert [c["item"] for c in crumbs] == [
        "https://example.org/",
        "https://example.org/learn/",
        HUB_URL,
    ]
    soup = site.soup(hub)
    assert meta_values(soup, "description") == [description]
    assert meta_values(soup, "og:description") == [description]
    assert meta_values(soup, "og:type") == ["website"]
    assert head_counts(soup)["canonical"] == 1


# -- without site_url -----------------------------------------------------------------------


def test_without_site_url_no_tag_claims_a_url(build_site: BuildSite) -> None:
    site = build_site(
        {"q.md": quicktake(), "index.md": "# Home\n"},
        plugin={"og_image": "https://cdn.example.org/card.png"},
        extra={"site_url": None},
    )
    soup = site.soup(PAGE)
    counts = head_counts(soup)
    assert (counts["canonical"], counts["og:url"]) == (0, 0)
    assert meta_values(soup, "og:image") == ["https://cdn.example.org/card.png"]
    article = graph_node(site, "Article")
    assert "mainEntityOfPage" not in article
    assert "@id" not in article
    (document,) = json_ld(site)
    assert [node["@type"] for node in document["@graph"]] == ["Article"]


def test_relative_og_image_without_site_url_warns(build_site: BuildSite) -> None:
    with pytest.raises(Abort):
        build_site(
            {"q.md": quicktake()}, plugin={"og_image": "img/card.png"}, extra={"site_url": None}
        )
    site = build_site(
        {"q.md": quicktake()},
        plugin={"og_image": "img/card.png"},
        extra={"site_url": None},
        strict=False,
    )
    assert any("'og_image'" in m and "site_url" in m for m in site.messages(logging.WARNING))
    assert head_counts(site.soup(PAGE))["og:image"] == 0


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("structured_data", "howto"),
        ("og_image", "javascript:alert(1)"),
        ("author_url", "data:text/html,x"),
        ("author_type", "Robot"),
        ("digital_source_type", "MadeUp"),
    ],
)
def test_bad_seo_options_are_config_errors(build_site: BuildSite, option: str, value: str) -> None:
    with pytest.raises(Abort):
        build_site({"q.md": quicktake()}, plugin={option: value})


# -- escaping -------------------------------------------------------------------------------


def hostile_page(**fields: Any) -> str:
    return quicktake(
        title=HOSTILE,
        question=HOSTILE,
        author=HOSTILE,
        subject=HOSTILE,
        description=HOSTILE,  # the page's own meta description, which Material prints raw
        seo={"title": HOSTILE, "page_description": HOSTILE, "page_keywords": [HOSTILE, "plain"]},
        answer="Keep `</script><!-- & \u2028 \u2029 é` as text.",
        url="/learn/hostile/questions/q",
        **fields,
    )


HOSTILE_PAGE = "learn/hostile/questions/q/index.html"


def assert_head_is_intact(site: Site) -> BeautifulSoup:
    html = site.text(HOSTILE_PAGE)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.head is not None
    assert soup.head.find("img") is None
    # No injected script element (readthedocs' own JSON string of the title is safe).
    assert [s for s in soup.find_all("script") if s.get_text().strip() == "alert(1)"] == []
    (script,) = soup.find_all("script", type="application/ld+json")
    text = script.get_text()
    for unsafe in ("<", ">", "&", "\u2028", "\u2029"):
        assert unsafe not in text
    return soup


@pytest.mark.parametrize("theme", THEMES)
def test_hostile_front_matter_round_trips_through_attributes_and_json_ld(
    build_site: BuildSite, theme: str
) -> None:
    site = build_site({"q.md": hostile_page(), "index.md": "# Home\n"}, theme=theme)
    soup = assert_head_is_intact(site)
    value = HOSTILE.strip()
    for key in (
        "description",
        "author",
        "og:title",
        "og:description",
        "article:section",
        "article:author",
        "twitter:title",
        "twitter:description",
    ):
        assert meta_values(soup, key) == [value], key
    assert meta_values(soup, "article:tag") == [value, "plain"]
    assert soup.title is not None
    assert soup.title.string == f"{value} | {value}"
    article = graph_node(site, "Article", HOSTILE_PAGE)
    assert article["headline"] == article["description"] == article["articleSection"] == value
    assert article["author"]["name"] == value
    assert article["keywords"] == [value, "plain"]
    crumbs = graph_node(site, "BreadcrumbList", HOSTILE_PAGE)["itemListElement"]
    # The hub's name is the subject's canonical spelling, with runs of white space as one space.
    assert [c["name"] for c in crumbs] == ["Home", " ".join(value.split()), value]


@pytest.mark.parametrize("mode", ["qapage", "faqpage"])
def test_hostile_question_and_answer_round_trip_through_json_ld(
    build_site: BuildSite, mode: str
) -> None:
    site = build_site(
        {"q.md": hostile_page(), "index.md": "# Home\n"}, plugin={"structured_data": mode}
    )
    assert_head_is_intact(site)
    page = graph_node(site, "QAPage" if mode == "qapage" else "FAQPage", HOSTILE_PAGE)
    question = page["mainEntity"] if mode == "qapage" else page["mainEntity"][0]
    assert question["name"] == HOSTILE.strip()
    assert question["acceptedAnswer"]["text"] == "Keep </script><!-- & \u2028 \u2029 é as text."
