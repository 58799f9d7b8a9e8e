"""Head tags assembled from plain values, under the plugin's options; no MkDocs build."""

from __future__ import annotations

from mkdocs_quicktakes.html.metadata import PageInfo, PageRef
from mkdocs_quicktakes.html.page_head import (
    HeadOptions,
    SiteSettings,
    hub_head_tags,
    question_head_tags,
    site_info,
)
from mkdocs_quicktakes.records.dates import resolve_locale
from mkdocs_quicktakes.records.model import QuickTake

TAKE = QuickTake(
    src_uri="a.md",
    title="Why?",
    question="Why?",
    answer="Because.",
    seo_title="QuickTakes | Physics",
    description="A short answer.",
    keywords=("a", "b"),
    subject="Physics",
)
OPTIONS = HeadOptions("{title} | {seo_title}", "{title} - {site_name}")
EN = resolve_locale("en")


def test_question_title_uses_the_seo_pattern_or_the_fallback() -> None:
    site, _ = site_info(SiteSettings("Site"), EN)
    tags = question_head_tags(TAKE, OPTIONS, site, PageInfo())
    assert tags.title == "Why? | QuickTakes | Physics"
    assert tags.keywords == "a, b"
    plain = QuickTake(src_uri="b.md", title="How?", question="How?", answer="So.")
    assert question_head_tags(plain, OPTIONS, site, PageInfo()).title == "How? - Site"


def test_keywords_option_off_leaves_keywords_empty() -> None:
    site, _ = site_info(SiteSettings("Site"), EN)
    options = HeadOptions("{title}", "{title}", keywords=False)
    assert question_head_tags(TAKE, options, site, PageInfo()).keywords == ""


def test_structured_data_none_gives_no_json_ld_on_pages_and_hubs() -> None:
    site, _ = site_info(SiteSettings("Site", url="https://example.org/"), EN)
    options = HeadOptions("{title}", "{title} - {site_name}", structured_data="none")
    page = PageInfo(url="https://example.org/a/")
    assert question_head_tags(TAKE, options, site, page).json_ld is None
    hub = PageRef("Physics", "https://example.org/learn/physics/")
    tags = hub_head_tags(hub, "Questions about Physics", [], [], options, site)
    assert tags.json_ld is None
    assert tags.title == "Physics - Site"
    assert tags.canonical == "https://example.org/learn/physics/"


def test_hub_json_ld_is_a_collection_page_listing_its_items() -> None:
    site, _ = site_info(SiteSettings("Site", url="https://example.org/"), EN)
    hub = PageRef("Physics", "https://example.org/learn/physics/")
    items = [PageRef("Why?", "https://example.org/a/")]
    tags = hub_head_tags(hub, "About physics", items, [], OPTIONS, site)
    assert tags.json_ld is not None
    [collection] = tags.json_ld["@graph"]  # type: ignore[misc]
    assert collection["@type"] == "CollectionPage"
    [item] = collection["mainEntity"]["itemListElement"]
    assert (item["name"], item["url"], item["position"]) == ("Why?", "https://example.org/a/", 1)


def test_relative_og_image_without_site_url_is_a_warning_and_no_image() -> None:
    site, warning = site_info(SiteSettings("Site", og_image="img/card.png"), EN)
    assert site.image == ""
    assert warning is not None
    assert "og_image" in warning
    assert "img/card.png" in warning
    site, warning = site_info(SiteSettings("Site", "https://example.org/", "img/card.png"), EN)
    assert site.image == "https://example.org/img/card.png"
    assert warning is None
