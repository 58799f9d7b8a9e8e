"""What the hub templates receive.

Like :mod:`mkdocs_quicktakes.html.views`, every field is plain text that templates escape with
``| e``;
hrefs are relative to the page they are printed on, so a site works from any folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mkdocs_quicktakes.html.views import RelatedView, format_byline_date, safe_href
from mkdocs_quicktakes.records.dates import iso_datetime
from mkdocs_quicktakes.site.feeds import ATOM_NAME, RSS_NAME
from mkdocs_quicktakes.site.permalinks import relative_url

if TYPE_CHECKING:
    from collections.abc import Mapping

    from babel import Locale

    from mkdocs_quicktakes.records.labels import Labels
    from mkdocs_quicktakes.records.model import QuickTake
    from mkdocs_quicktakes.site.catalog import Catalog, Crumb, Entry, HubPage, Subject


@dataclass(frozen=True)
class LinkView:
    """A link: its text and its href relative to the current page (``""``: no link)."""

    text: str
    href: str = ""


@dataclass(frozen=True)
class FeedLinkView:
    """A feed, for ``<link rel="alternate">`` in the head and a visible link on hubs."""

    title: str
    href: str
    media_type: str
    site_wide: bool = True
    """False for a subject's feeds, which live in the subject's folder."""


@dataclass(frozen=True)
class HubItemView:
    """One question in a hub listing."""

    title: str
    href: str
    date_iso: str
    date_text: str
    excerpt: str


@dataclass(frozen=True)
class PagerView:
    """Links between the pages of one hub."""

    number: int
    count: int
    text: str
    """``Page 2 of 5``, in the site's language."""
    previous_href: str
    next_href: str
    pages: tuple[LinkView | None, ...]
    """The page links shown: the first, the last and the two on each side of this one (every
    page of a hub of at most :data:`PAGER_ALL_PAGES`); ``None`` where pages are left out. The
    current page has no href."""


@dataclass(frozen=True)
class HubView:
    """The template context of one hub page, under the name ``qt_hub``."""

    title: str
    subject: str
    count: int
    """How many questions the subject has in all."""
    items: tuple[HubItemView, ...]
    pager: PagerView
    breadcrumbs: tuple[LinkView, ...]
    feeds: tuple[FeedLinkView, ...]
    labels: Labels


@dataclass(frozen=True)
class SubjectLinkView:
    """One subject on the subjects index."""

    name: str
    href: str
    count: int


@dataclass(frozen=True)
class SubjectsView:
    """The template context of the subjects index, under the name ``qt_subjects``."""

    title: str
    subjects: tuple[SubjectLinkView, ...]
    breadcrumbs: tuple[LinkView, ...]
    feeds: tuple[FeedLinkView, ...]
    labels: Labels


def crumb_links(crumbs: tuple[Crumb, ...], page_url: str) -> tuple[LinkView, ...]:
    """Breadcrumbs with hrefs relative to the page; the last one (the page itself) unlinked."""
    *before, last = crumbs
    links = [LinkView(c.name, relative_url(c.url, page_url)) for c in before]
    return (*links, LinkView(last.name))


def related_links(
    catalog: Catalog, take: QuickTake, page_url: str, *, unresolved_as_text: bool
) -> tuple[RelatedView, ...]:
    """A page's related questions: linked relative to the page, or text when not in the site."""
    related = []
    for link in catalog.related(take):
        if link.url:
            related.append(RelatedView(link.title, relative_url(link.url, page_url)))
        elif link.external:
            related.append(RelatedView(link.title, safe_href(link.external)))
        elif unresolved_as_text:
            related.append(RelatedView(link.title))
    return tuple(related)


def feed_links(
    subject: Subject | None, page_url: str, *, site_name: str, labels: Labels
) -> tuple[FeedLinkView, ...]:
    """The site's feeds and, on a subject's pages, that subject's feeds."""
    links = []
    for folder, name in [("", site_name), *([(subject.folder, subject.name)] if subject else [])]:
        title = f"{name} – {labels.feed}" if name else labels.feed
        links += [
            FeedLinkView(
                f"{title} ({kind})", relative_url(folder + file, page_url), media, not folder
            )
            for kind, file, media in (("RSS", RSS_NAME, _RSS), ("Atom", ATOM_NAME, _ATOM))
        ]
    return tuple(links)


_RSS = "application/rss+xml"
_ATOM = "application/atom+xml"


@dataclass(frozen=True)
class HubContext:
    """What building a hub view needs besides the hub page itself."""

    catalog: Catalog
    excerpts: Mapping[str, str]
    """Plain-text excerpt of each question, by source path."""
    locale: Locale
    labels: Labels
    site_name: str
    feeds: bool


def hub_title(page: HubPage, catalog: Catalog, labels: Labels) -> str:
    """``Physics`` on a hub's first page, ``Physics – Page 2 of 5`` after it."""
    subject = catalog.subject_by_key(page.subject_key)
    name = subject.name if subject else labels.subjects
    if page.number == 1:
        return name
    return f"{name} – {labels.page.format(number=page.number, count=page.count)}"


def build_hub_view(page: HubPage, context: HubContext) -> HubView:
    """The context of one page of a subject's hub."""
    subject = context.catalog.subject_by_key(page.subject_key)
    if subject is None:  # a hub page is only ever made for a subject of the catalog
        raise KeyError(page.subject_key)
    return HubView(
        title=hub_title(page, context.catalog, context.labels),
        subject=subject.name,
        count=len(subject.entries),
        items=tuple(_item(entry, page.url, context) for entry in page.entries),
        pager=_pager(page, subject, context.labels),
        breadcrumbs=_hub_crumbs(page, subject, context),
        feeds=_feeds(subject, page.url, context),
        labels=context.labels,
    )


def build_subjects_view(page: HubPage, context: HubContext) -> SubjectsView:
    """The context of the all-subjects index."""
    subjects = tuple(
        SubjectLinkView(s.name, relative_url(s.url, page.url), len(s.entries))
        for s in context.catalog.subjects
        if s.url
    )
    catalog = context.catalog
    home = LinkView(catalog.options.home_name, relative_url(catalog.home_url, page.url))
    return SubjectsView(
        title=context.labels.subjects,
        subjects=subjects,
        breadcrumbs=(home, LinkView(context.labels.subjects)),
        feeds=_feeds(None, page.url, context),
        labels=context.labels,
    )


def _item(entry: Entry, page_url: str, context: HubContext) -> HubItemView:
    date_text, _ = format_byline_date(entry.take, context.locale)  # reported on its own page
    return HubItemView(
        title=entry.take.title,
        href=relative_url(entry.url, page_url),
        date_iso=iso_datetime(entry.take.date) if entry.take.date is not None else "",
        date_text=date_text,
        excerpt=context.excerpts.get(entry.take.src_uri, ""),
    )


def _pager(page: HubPage, subject: Subject, labels: Labels) -> PagerView:
    def href(number: int) -> str:
        if not 1 <= number <= len(subject.pages) or number == page.number:
            return ""
        return relative_url(subject.pages[number - 1].url, page.url)

    return PagerView(
        number=page.number,
        count=page.count,
        text=labels.page.format(number=page.number, count=page.count),
        previous_href=href(page.number - 1),
        next_href=href(page.number + 1),
        pages=tuple(
            LinkView(str(n), href(n)) if n else None for n in pager_numbers(page.number, page.count)
        ),
    )


PAGER_ALL_PAGES = 9
"""A hub of at most this many pages links every page from each; a larger one a window of them:
a subject of 9,000 questions has 450 pages, and 450 links on each would be 200,000 links."""
_PAGER_SIDE = 2


def pager_numbers(number: int, count: int) -> list[int]:
    """The page numbers a pager shows on page ``number`` of ``count``; ``0`` marks a gap."""
    if count <= PAGER_ALL_PAGES:
        return list(range(1, count + 1))
    shown = {1, count, *range(number - _PAGER_SIDE, number + _PAGER_SIDE + 1)}
    numbers: list[int] = []
    for n in sorted(n for n in shown if 1 <= n <= count):
        if numbers and n > numbers[-1] + 1:
            numbers.append(0)  # a gap, unless it would hide only one page: then that page
            if n == numbers[-2] + 2:
                numbers[-1] = n - 1
        numbers.append(n)
    return numbers


def _hub_crumbs(page: HubPage, subject: Subject, context: HubContext) -> tuple[LinkView, ...]:
    catalog = context.catalog
    links = [LinkView(catalog.options.home_name, relative_url(catalog.home_url, page.url))]
    if catalog.index is not None:
        links.append(LinkView(context.labels.subjects, relative_url(catalog.index.url, page.url)))
    current = subject.name if page.number == 1 else hub_title(page, catalog, context.labels)
    if page.number > 1:
        links.append(LinkView(subject.name, relative_url(subject.url, page.url)))
    return (*links, LinkView(current))


def _feeds(subject: Subject | None, page_url: str, context: HubContext) -> tuple[FeedLinkView, ...]:
    if not context.feeds:
        return ()
    return feed_links(subject, page_url, site_name=context.site_name, labels=context.labels)
