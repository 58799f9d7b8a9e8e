"""Atom 1.0 and RSS 2.0 feeds of the newest questions.

ElementTree writes the XML, so every value is escaped for where it lands; characters XML 1.0
cannot hold at all (most control characters) are dropped first. Dates are the questions' own
``date`` values, so a rebuild of unchanged content writes the same bytes.
"""

from __future__ import annotations

import datetime
import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import format_datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from mkdocs_quicktakes.records.dates import iso_datetime

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from mkdocs_quicktakes.site.catalog import Catalog, Entry
    from mkdocs_quicktakes.records.dates import DateValue
    from mkdocs_quicktakes.records.labels import Labels

RSS_NAME = "rss.xml"
"""File name of an RSS 2.0 feed, at the site root and in each subject's hub folder."""
ATOM_NAME = "atom.xml"
"""File name of an Atom feed, next to the RSS one."""

_ATOM_NS = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

ET.register_namespace("atom", _ATOM_NS)


@dataclass(frozen=True)
class FeedItem:
    """One question in a feed; urls are absolute."""

    title: str
    url: str
    date: DateValue
    summary: str
    author: str = ""
    category: str = ""


@dataclass(frozen=True)
class Feed:
    """A feed: the page it stands for, its own urls and its items, newest first."""

    title: str
    description: str
    link: str
    """Absolute url of the page the feed belongs to (the home page or a subject's hub)."""
    rss_url: str
    atom_url: str
    items: tuple[FeedItem, ...]
    language: str = "en"


def rss_xml(feed: Feed) -> str:
    """The feed as RSS 2.0, with an ``atom:link rel="self"`` as the RSS advisory board advises."""
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _text(channel, "title", feed.title)
    _text(channel, "link", feed.link)
    # Readers take a description as HTML: a subject's name (in its hub's description) is escaped.
    _text(channel, "description", html.escape(feed.description or feed.title, quote=False))
    _text(channel, "language", feed.language.replace("_", "-"))
    ET.SubElement(
        channel,
        f"{{{_ATOM_NS}}}link",
        {"href": _clean(feed.rss_url), "rel": "self", "type": "application/rss+xml"},
    )
    if feed.items:
        _text(channel, "lastBuildDate", format_datetime(_aware(feed.items[0].date)))
    for item in feed.items:
        element = ET.SubElement(channel, "item")
        _text(element, "title", item.title)
        _text(element, "link", item.url)
        ET.SubElement(element, "guid", {"isPermaLink": "true"}).text = _clean(item.url)
        _text(element, "pubDate", format_datetime(_aware(item.date)))
        # Readers take an RSS description as HTML, so the plain-text summary is escaped for it.
        _text(element, "description", html.escape(item.summary, quote=False))
        if item.category:
            _text(element, "category", item.category)
    return _serialise(rss)


def atom_xml(feed: Feed) -> str:
    """The feed as Atom 1.0 (RFC 4287)."""
    # Plain tag names with a literal default namespace: ElementTree would otherwise prefix them.
    language = feed.language.replace("_", "-")
    root = ET.Element("feed", {"xmlns": _ATOM_NS, "xml:lang": language})
    _atom(root, "title", feed.title)
    if feed.description:
        _atom(root, "subtitle", feed.description)
    _atom(root, "id", feed.atom_url)
    _atom(root, "updated", _rfc3339(feed.items[0].date) if feed.items else _rfc3339(_EPOCH))
    _atom_link(root, feed.link, "alternate", "text/html")
    _atom_link(root, feed.atom_url, "self", "application/atom+xml")
    author = ET.SubElement(root, "author")
    _atom(author, "name", feed.title)
    for item in feed.items:
        entry = ET.SubElement(root, "entry")
        _atom(entry, "title", item.title)
        _atom(entry, "id", item.url)
        _atom_link(entry, item.url, "alternate", "text/html")
        _atom(entry, "updated", _rfc3339(item.date))
        _atom(entry, "published", _rfc3339(item.date))
        if item.author:
            _atom(ET.SubElement(entry, "author"), "name", item.author)
        if item.category:
            ET.SubElement(entry, "category", {"term": _clean(item.category)})
        _atom(entry, "summary", item.summary).set("type", "text")
    return _serialise(root)


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _clean(value)
    return element


def _atom(parent: ET.Element, tag: str, value: str) -> ET.Element:
    return _text(parent, tag, value)


def _atom_link(parent: ET.Element, href: str, rel: str, media_type: str) -> None:
    attributes = {"href": _clean(href), "rel": rel, "type": media_type}
    ET.SubElement(parent, "link", attributes)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _serialise(root: ET.Element) -> str:
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'


def _aware(value: DateValue) -> datetime.datetime:
    """A date is midnight UTC; a datetime without an offset is taken as UTC."""
    if not isinstance(value, datetime.datetime):
        return datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.timezone.utc)
    return value if value.tzinfo is not None else value.replace(tzinfo=datetime.timezone.utc)


def _rfc3339(value: DateValue) -> str:
    return iso_datetime(_aware(value)).replace("+00:00", "Z")


@dataclass(frozen=True)
class FeedOptions:
    """What every feed of a site shares."""

    site_url: str
    """The site's absolute url; every link in a feed is absolute."""
    site_name: str
    size: int = 20
    language: str = "en"
    description: str = ""
    subjects: bool = True
    """Also write a feed per subject, in its hub's folder."""


SITEMAP_GZ = "sitemap.xml.gz"
SEARCH_INDEX = "search/search_index.json"


def generated_outputs(
    catalog: Catalog, static_templates: Iterable[str], *, hubs: bool, feeds: bool
) -> dict[str, str]:
    """Every path a build writes besides the pages, to what writes it.

    Args:
        catalog: The site's pages (their urls are not needed).
        static_templates: The theme's pages made from templates (``404.html``, ``sitemap.xml``).
        hubs: Whether hub pages are written.
        feeds: Whether feeds are written.
    """
    outputs = {name: f"the theme's {name}" for name in static_templates}
    outputs[SITEMAP_GZ] = "the compressed sitemap"
    outputs[SEARCH_INDEX] = "the search index"
    if hubs:
        outputs.update(catalog.hub_outputs())
    if feeds:
        folders = {"": "the site's feed"}
        if hubs:
            subjects = (subject for subject in catalog.subjects if subject.url)
            folders.update((s.folder, f"the feed of subject {s.name!r}") for s in subjects)
        for folder, what in folders.items():
            outputs[folder + RSS_NAME] = outputs[folder + ATOM_NAME] = what
    return outputs


def feed_files(
    catalog: Catalog, excerpts: Mapping[str, str], options: FeedOptions, labels: Labels
) -> dict[str, str]:
    """Every feed file of the site, RSS and Atom, site-wide and per subject.

    Questions without a ``date`` are left out, since a feed is ordered by date.

    Returns:
        The XML of each feed, by its path relative to the site root.
    """
    site = _Source(options.site_name, options.description, "", "", catalog.newest(options.size))
    sources = [site]
    for subject in catalog.subjects if options.subjects else ():
        if subject.url:
            title = f"{subject.name} – {options.site_name}" if options.site_name else subject.name
            description = labels.hub_description.format(subject=subject.name)
            entries = catalog.newest(options.size, subject)
            sources.append(_Source(title, description, subject.url, subject.folder, entries))
    files: dict[str, str] = {}
    for source in sources:
        feed = _feed(source, catalog, excerpts, options)
        files[source.folder + RSS_NAME] = rss_xml(feed)
        files[source.folder + ATOM_NAME] = atom_xml(feed)
    return files


@dataclass(frozen=True)
class _Source:
    title: str
    description: str
    page_url: str
    folder: str
    entries: tuple[Entry, ...]


def _feed(
    source: _Source, catalog: Catalog, excerpts: Mapping[str, str], options: FeedOptions
) -> Feed:
    base = options.site_url if options.site_url.endswith("/") else options.site_url + "/"
    items = tuple(
        FeedItem(
            title=entry.take.title,
            url=urljoin(base, entry.url),
            date=entry.take.date,
            summary=excerpts.get(entry.take.src_uri, ""),
            author=entry.take.author,
            category=catalog.subject_name(entry.take.subject) if entry.take.subject else "",
        )
        for entry in source.entries
        if entry.take.date is not None
    )
    return Feed(
        title=source.title or options.site_name,
        description=source.description,
        link=urljoin(base, source.page_url),
        rss_url=urljoin(base, source.folder + RSS_NAME),
        atom_url=urljoin(base, source.folder + ATOM_NAME),
        items=items,
        language=options.language,
    )
