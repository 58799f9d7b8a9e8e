"""Head tags: escaping, one of each, and placement inside <head> only."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup
from conftest import meta_values

from mkdocs_quicktakes.html.head import (
    HeadTags,
    check_title_format,
    format_title,
    json_for_script,
    render_head_tags,
    replace_head_tags,
)

THEME_PAGE = """<!DOCTYPE html>
<html><head>
  <meta charset="utf-8">
  <meta name="description" content="site description">
  <META NAME="author" content="site author">
  <title>Old - Site</title>
  <link rel="stylesheet" href="x.css">
</head>
<body><svg><title>chart</title></svg><p>meta name="description"</p></body></html>
"""


def test_title_format_rejects_unknown_placeholders() -> None:
    assert check_title_format("{title} | {seo_title}") is None
    message = check_title_format("{title} | {nope}")
    assert message is not None
    assert "{nope}" in message
    assert check_title_format("{title") is not None


def test_title_format_fills_missing_fields_with_nothing() -> None:
    assert format_title("{title} - {site_name}", {"title": "Q?"}) == "Q? -"
    assert format_title("{title} | {seo_title}", {"title": "Q?", "seo_title": "S"}) == "Q? | S"


def test_head_values_are_escaped_for_their_place() -> None:
    hostile = '"><script>alert(1)</script>&'
    html = render_head_tags(HeadTags(title=hostile, description=hostile, keywords=hostile))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None
    assert soup.title is not None
    assert soup.title.string == hostile
    metas = soup.find_all("meta")
    assert [m["content"] for m in metas] == [hostile, hostile]


def test_empty_values_produce_no_tag() -> None:
    soup = BeautifulSoup(render_head_tags(HeadTags(title="T")), "html.parser")
    assert soup.find("meta") is None


def test_theme_tags_are_replaced_once_and_body_is_untouched() -> None:
    new = HeadTags(title="New", description="d", keywords="k", author="a")
    page = replace_head_tags(THEME_PAGE, new)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.head is not None
    assert [t.string for t in soup.head.find_all("title")] == ["New"]
    for name, value in (("description", "d"), ("author", "a"), ("keywords", "k")):
        tags = soup.head.find_all("meta", attrs={"name": lambda v, n=name: (v or "").lower() == n})
        assert [t["content"] for t in tags] == [value]
    assert soup.head.find("link") is not None
    assert page.endswith(THEME_PAGE[THEME_PAGE.index("</head>") :])
    # Charset stays the first thing in the head, as browsers require it early.
    assert soup.head.find("meta")["charset"] == "utf-8"


def test_a_page_without_head_is_returned_unchanged() -> None:
    assert replace_head_tags("<p>no head</p>", HeadTags(title="x")) == "<p>no head</p>"


def test_a_head_that_never_ends_is_left_as_it_was_however_its_last_tag_is_cut() -> None:
    # An unclosed tag of many "=" once made the tag pattern try every way of splitting them: the
    # build stalled for hours. It is read as browsers read it, in one pass.
    for tail in ("<link a" + "=b" * 60, "<script>var s = '</head>'" + " x" * 60):
        page = f"<html><head><meta charset=utf-8><title>Old</title>{tail}"
        assert replace_head_tags(page, HeadTags(title="New")) == page


SOCIAL_PAGE = """<!doctype html>
<html><head>
<meta charset=utf-8>
<title>Theme</title>
<link href="https://old.example/" rel="alternate canonical">
<meta content="old > title" property='og:title'>
<meta name=og:type content=website>
<meta property="og:image" content="https://example.org/old.png">
<meta property="og:image:width" content="1200">
<meta name="twitter:site" content="@site">
<meta name="viewport" content="width=device-width"><link rel="canonical" href="/same-line">
<script type="application/ld+json">{"@type": "WebSite"}</script>
<script>var s = '<meta property="og:title" content="in a string"></head>';</script>
<!-- <link rel="canonical" href="in-a-comment"> -->
</head><body><script type="application/ld+json">{"@type": "Body"}</script></body></html>
"""


def social_head(tags: HeadTags, page: str = SOCIAL_PAGE) -> BeautifulSoup:
    soup = BeautifulSoup(replace_head_tags(page, tags), "html.parser")
    assert soup.head is not None
    return soup


def test_social_tags_replace_theirs_whatever_the_attribute_order_quotes_or_line() -> None:
    tags = HeadTags(
        title="New",
        canonical="https://example.org/q/",
        properties=(("og:title", "T"), ("og:type", "article"), ("og:image", "https://e.org/i.png")),
        json_ld={"@type": "Article"},
    )
    page = replace_head_tags(SOCIAL_PAGE, tags)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.head is not None
    assert [link["href"] for link in soup.head.find_all("link", rel="canonical")] == [
        "https://example.org/q/"
    ]
    assert meta_values(soup, "og:title") == ["T"]
    assert meta_values(soup, "og:type") == ["article"]
    # og:image:width described the old image, so it goes with it.
    assert meta_values(soup, "og:image") == ["https://e.org/i.png"]
    assert meta_values(soup, "og:image:width") == []
    assert meta_values(soup, "twitter:site") == ["@site"]
    assert meta_values(soup, "viewport") == ["width=device-width"]
    scripts = soup.head.find_all("script", type="application/ld+json")
    assert [s.get_text() for s in scripts] == ['{"@type":"Article"}']
    # Text that only looks like tags, and everything after the head, is left as it was.
    assert """content="in a string"></head>';</script>""" in page
    assert '<link rel="canonical" href="in-a-comment">' in page
    assert page.endswith(SOCIAL_PAGE[SOCIAL_PAGE.index("</head><body>") :])


def test_kinds_the_plugin_does_not_bring_are_kept() -> None:
    soup = social_head(HeadTags(title=""))
    assert soup.title is not None
    assert soup.title.string == "Theme"
    assert meta_values(soup, "og:title") == ["old > title"]
    assert len(soup.find_all("script", type="application/ld+json")) == 2


def every_tag(value: str) -> HeadTags:
    """Head tags with every field set, each value being ``value``."""
    keys = ("og:title", "og:image", "article:tag", "twitter:card", "twitter:image")
    return HeadTags(
        title=value,
        description=value,
        keywords=value,
        author=value,
        canonical=f"https://example.org/{value}/",
        properties=tuple((key, value) for key in keys),
        json_ld={"name": value},
    )


def test_every_tag_the_plugin_writes_replaces_the_same_tag_already_in_the_head() -> None:
    # A page built before, or another plugin, wrote the very tags the plugin writes now.
    page = f"<html><head>\n<meta charset=utf-8>\n{render_head_tags(every_tag('old'))}</head></html>"
    new = every_tag("new")
    replaced = replace_head_tags(page, new)
    assert "old" not in replaced
    assert replaced == page.replace(render_head_tags(every_tag("old")), render_head_tags(new))


def test_twitter_tags_use_name_and_open_graph_tags_use_property() -> None:
    html = render_head_tags(
        HeadTags(
            title="t", properties=(("og:title", "a"), ("article:tag", "b"), ("twitter:card", "c"))
        )
    )
    assert '<meta property="og:title" content="a">' in html
    assert '<meta property="article:tag" content="b">' in html
    assert '<meta name="twitter:card" content="c">' in html


def test_json_in_a_script_cannot_end_or_break_it() -> None:
    hostile = '</script><!--<script> & \u2028\u2029 "q" ü'
    text = json_for_script({"text": hostile})
    for unsafe in ("<", ">", "&", "\u2028", "\u2029"):
        assert unsafe not in text
    assert json.loads(text) == {"text": hostile}
    assert "ü" in text  # readable, not \\u-escaped
