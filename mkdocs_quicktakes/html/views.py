"""What the Q&A templates receive: frozen, plain-text records built from a QuickTake.

The MkDocs theme environment does not autoescape, so templates escape every field here with
``| e``; only fields named ``*_html`` hold markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mkdocs_quicktakes.records.dates import DateFormatError, format_date, iso_datetime
from mkdocs_quicktakes.records.model import Problem, QuickTake

if TYPE_CHECKING:
    from babel import Locale

    from mkdocs_quicktakes.html.head import PreparedHead
    from mkdocs_quicktakes.html.hubs import FeedLinkView, LinkView
    from mkdocs_quicktakes.records.labels import Labels

_SAFE_SCHEMES = ("", "http", "https")


@dataclass(frozen=True)
class RelatedView:
    """One related question: its title and, when it has a usable one, its link."""

    title: str
    href: str = ""


@dataclass(frozen=True)
class QuickTakeView:
    """The template context of one QuickTakes page, under the name ``quicktake``."""

    title: str
    question: str
    subject: str
    author: str
    post_on_text: str
    date_iso: str
    """Machine-readable date for ``<time datetime>``; empty when the page has no date."""
    date_text: str
    """The date as the page's ``date_format`` and the site's locale print it."""
    related: tuple[RelatedView, ...]
    labels: Labels
    breadcrumbs: tuple[LinkView, ...] = ()
    """Home, the subject's hub, the page; hrefs relative to the page, the last one empty."""
    feeds: tuple[FeedLinkView, ...] = ()
    """The feeds linked from the page's head."""
    math: bool = False
    """The answer holds MathML, so the page links ``quicktakes/math.css``."""


@dataclass(frozen=True)
class PageWork:
    """What the plugin makes for one Q&A page before MkDocs builds it (also made ahead)."""

    view: QuickTakeView
    problems: tuple[Problem, ...]
    """Problems met while making the view, logged when the page is built."""
    head: PreparedHead
    canonical_url: str
    """The page url the head tags were made for."""


def safe_href(url: str) -> str:
    """Return ``url`` when it is a relative or http(s) link, else ``""`` (no ``javascript:``)."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""
    return url.strip() if scheme in _SAFE_SCHEMES else ""


def format_byline_date(take: QuickTake, locale: Locale) -> tuple[str, Problem | None]:
    """The displayed date, or the ISO date and a problem when ``date_format`` has unknown tokens."""
    if take.date is None:
        return "", None
    try:
        return format_date(take.date, take.date_format, locale), None
    except DateFormatError as error:
        expected = "moment.js tokens (YYYY MM DD ...; literal text in [brackets])"
        found = f"unknown token {error.token!r} in {take.date_format!r}"
        return iso_datetime(take.date), Problem(take.src_uri, "date_format", expected, found)


def build_view(
    take: QuickTake, *, locale: Locale, labels: Labels
) -> tuple[QuickTakeView, list[Problem]]:
    """Build the template context of one page, with any problem met while formatting it."""
    date_text, problem = format_byline_date(take, locale)
    view = QuickTakeView(
        title=take.title,
        question=take.question,
        subject=take.subject,
        author=take.author,
        post_on_text=take.post_on_text or labels.posted_on,
        date_iso=iso_datetime(take.date) if take.date is not None else "",
        date_text=date_text,
        related=tuple(RelatedView(link.title, safe_href(link.url)) for link in take.related),
        labels=labels,
    )
    return view, [problem] if problem else []
