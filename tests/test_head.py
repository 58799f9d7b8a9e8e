"""Head tags: escaping, one of each, and placement inside <head> only."""

from __future__ import annotations

from bs4 import BeautifulSoup

from mkdocs_quicktakes.head import (
    HeadTags,
    check_title_format,
    format_title,
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
    new = render_head_tags(HeadTags(title="New", description="d", keywords="k", author="a"))
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
    assert replace_head_tags("<p>no head</p>", "<title>x</title>") == "<p>no head</p>"
