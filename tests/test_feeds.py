"""RSS 2.0 and Atom feeds: valid for feed readers, escaped, newest first, per site and subject."""

from __future__ import annotations

import datetime

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import BuildSite, quicktake

from mkdocs_quicktakes.site.feeds import Feed, FeedItem, atom_xml, rss_xml

NASTY = 'Is 1 < 2 && "x" > y? <script>alert(1)</script>\x00\x0b'


def one_item_feed() -> Feed:
    item = FeedItem(
        title=NASTY,
        url="https://example.org/learn/x/questions/q/?a=1&b=2",
        date=datetime.datetime(2025, 1, 28, 10, 30, tzinfo=datetime.timezone.utc),
        summary=NASTY,
        author="A & B",
        category="Maths & <Stats>",
    )
    return Feed(
        title="Site & <Co>",
        description="About <things>",
        link="https://example.org/",
        rss_url="https://example.org/rss.xml",
        atom_url="https://example.org/atom.xml",
        items=(item,),
        language="de_AT",
    )


@pytest.mark.parametrize(("render", "version"), [(rss_xml, "rss20"), (atom_xml, "atom10")])
def test_feed_is_well_formed_and_every_value_survives_escaping(render, version) -> None:  # type: ignore[no-untyped-def]
    parsed = feedparser.parse(render(one_item_feed()))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == version
    assert parsed.feed.title == "Site & <Co>"
    [entry] = parsed.entries
    clean = 'Is 1 < 2 && "x" > y? <script>alert(1)</script>'
    assert entry.title == clean
    assert text_of(entry.summary_detail) == clean
    assert entry.link == "https://example.org/learn/x/questions/q/?a=1&b=2"
    assert entry.published_parsed[:5] == (2025, 1, 28, 10, 30)
    assert [t.term for t in entry.tags] == ["Maths & <Stats>"]
    assert "<script>" not in render(one_item_feed())


def text_of(detail: dict[str, str]) -> str:
    """What a reader shows: an HTML summary (RSS) as its text, a text summary (Atom) as is."""
    if detail["type"] == "text/html":
        soup = BeautifulSoup(detail["value"], "html.parser")
        assert soup.find("script") is None
        return soup.get_text()
    return detail["value"]


def test_rss_summary_is_html_whose_text_is_the_summary() -> None:
    detail = feedparser.parse(rss_xml(one_item_feed())).entries[0].summary_detail
    assert detail["type"] == "text/html"
    assert detail["value"].startswith("Is 1 &lt; 2 &amp;&amp;")


def test_rss_channel_description_is_html_whose_text_is_the_description() -> None:
    detail = feedparser.parse(rss_xml(one_item_feed())).feed.subtitle_detail
    assert detail["type"] == "text/html"
    assert text_of(detail) == "About <things>"
    assert BeautifulSoup(detail["value"], "html.parser").find(True) is None


def test_a_date_without_time_is_midnight_utc_in_both_formats() -> None:
    feed = one_item_feed()
    item = FeedItem("T", "https://e.org/t/", datetime.date(2025, 2, 3), "S")
    feed = Feed(feed.title, "", feed.link, feed.rss_url, feed.atom_url, (item,))
    assert "<pubDate>Mon, 03 Feb 2025 00:00:00 +0000</pubDate>" in rss_xml(feed)
    assert "<updated>2025-02-03T00:00:00Z</updated>" in atom_xml(feed)


def dated(n: int, subject: str) -> str:
    slug = subject.lower()
    return quicktake(
        id=n,
        title=f"Question {n} & <b>more</b>?",
        question=f"Question {n}?",
        date=f"2025-01-{n:02d}",
        subject=subject,
        url=f"/learn/{slug}/questions/q{n}",
        answer=rf"Answer **{n}** with $ x_{n} $.\n\nMore.",
    )


def test_built_site_has_site_and_subject_feeds_of_the_newest_questions(
    build_site: BuildSite,
) -> None:
    pages = {f"q{n}.md": dated(n, "Physics" if n % 2 else "Maths") for n in range(1, 8)}
    pages["undated.md"] = quicktake(id=99, date=None, subject="Physics", url="/learn/physics/u")
    site = build_site(pages, plugin={"feed_size": 3})
    for path in ("rss.xml", "atom.xml", "learn/physics/rss.xml", "learn/maths/atom.xml"):
        parsed = feedparser.parse(site.text(path))
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    site_feed = feedparser.parse(site.text("atom.xml"))
    assert [e.link for e in site_feed.entries] == [
        f"https://example.org/learn/{s}/questions/q{n}/"
        for n, s in ((7, "physics"), (6, "maths"), (5, "physics"))
    ]
    assert site_feed.entries[0].title == "Question 7 & <b>more</b>?"
    assert text_of(site_feed.entries[0].summary_detail) == "Answer 7 with x_7. More."
    physics = feedparser.parse(site.text("learn/physics/rss.xml"))
    assert [e.title.split(" &")[0] for e in physics.entries] == [
        "Question 7",
        "Question 5",
        "Question 3",
    ]
    assert physics.feed.link == "https://example.org/learn/physics/"


def test_feeds_are_linked_from_question_and_hub_heads(build_site: BuildSite) -> None:
    site = build_site({"q1.md": dated(1, "Physics")})
    for page, expected in (
        ("learn/physics/questions/q1/index.html", "../../"),
        ("learn/physics/index.html", ""),
    ):
        head = site.soup(page).head
        assert head is not None
        links = {link["href"]: link["type"] for link in head.find_all("link", rel="alternate")}
        root = "../" * page.count("/")
        assert links == {
            f"{root}rss.xml": "application/rss+xml",
            f"{root}atom.xml": "application/atom+xml",
            f"{expected}rss.xml": "application/rss+xml",
            f"{expected}atom.xml": "application/atom+xml",
        }
        for href in links:
            resolved = (site.site_dir / page).parent / href
            assert resolved.resolve().is_file(), href


def test_no_feeds_without_site_url_and_a_note_says_why(build_site: BuildSite) -> None:
    site = build_site({"q1.md": dated(1, "Physics")}, extra={"site_url": None})
    assert not (site.site_dir / "rss.xml").exists()
    assert any("site_url" in m for m in site.messages(level=20))
    head = site.soup("learn/physics/questions/q1/index.html").head
    assert head is not None
    assert head.find("link", rel="alternate") is None


def test_feeds_option_false_writes_none(build_site: BuildSite) -> None:
    site = build_site({"q1.md": dated(1, "Physics")}, plugin={"feeds": False})
    assert not (site.site_dir / "rss.xml").exists()
    assert not (site.site_dir / "learn/physics/atom.xml").exists()
