"""Search-engine and social metadata of a page: Open Graph, Twitter card and JSON-LD values.

Every builder takes plain values (a :class:`~mkdocs_quicktakes.records.model.QuickTake`, the
site's facts,
absolute urls) and returns plain data: ``(property, content)`` pairs for ``<meta>`` tags and
JSON-ready dicts for ``<script type="application/ld+json">``. Escaping for HTML is done where the
values are written, in :mod:`mkdocs_quicktakes.html.head`. Nothing here knows MkDocs.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import urljoin

from babel import Locale
from babel.core import get_global

from mkdocs_quicktakes.records.dates import iso_datetime

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from mkdocs_quicktakes.records.model import QuickTake

__all__ = [
    "AUTHOR_TYPES",
    "DIGITAL_SOURCE_TYPES",
    "STRUCTURED_DATA_MODES",
    "AuthorType",
    "JsonLd",
    "PageInfo",
    "PageRef",
    "SiteInfo",
    "StructuredData",
    "absolute_url",
    "article",
    "breadcrumb_list",
    "collection_page",
    "faq_page",
    "graph",
    "hub_social_tags",
    "hub_structured_data",
    "language_tag",
    "needs_answer_text",
    "og_locale",
    "qa_page",
    "social_tags",
    "structured_data",
    "upvote_count",
]

StructuredData = Literal["article", "qapage", "faqpage", "none"]
STRUCTURED_DATA_MODES: tuple[StructuredData, ...] = ("article", "qapage", "faqpage", "none")

AuthorType = Literal["Organization", "Person"]
AUTHOR_TYPES: tuple[AuthorType, ...] = ("Organization", "Person")

DIGITAL_SOURCE_TYPES = (
    "AlgorithmicMediaDigitalSource",
    "AlgorithmicallyEnhancedDigitalSource",
    "CompositeCaptureDigitalSource",
    "CompositeDigitalSource",
    "CompositeSyntheticDigitalSource",
    "CompositeWithTrainedAlgorithmicMediaDigitalSource",
    "DataDrivenMediaDigitalSource",
    "DigitalArtDigitalSource",
    "DigitalCaptureDigitalSource",
    "MinorHumanEditsDigitalSource",
    "MultiFrameComputationalCaptureDigitalSource",
    "NegativeFilmDigitalSource",
    "PositiveFilmDigitalSource",
    "PrintDigitalSource",
    "ScreenCaptureDigitalSource",
    "TrainedAlgorithmicMediaDigitalSource",
    "VirtualRecordingDigitalSource",
)
"""Members of schema.org's ``IPTCDigitalSourceEnumeration``, the values of ``digitalSourceType``."""

JsonLd = dict[str, object]
"""One JSON-LD node or document, ready for ``json.dumps``."""

_SCHEMA = "https://schema.org"


@dataclass(frozen=True)
class SiteInfo:
    """Site-wide facts, from ``mkdocs.yml`` and the plugin's options."""

    name: str
    url: str = ""
    """The site's absolute home url; ``""`` when ``site_url`` is not set."""
    og_locale: str = ""
    """Open Graph locale, language and territory (``en_US``)."""
    language: str = ""
    """BCP 47 language tag for ``inLanguage`` (``en``, ``pt-BR``)."""
    image: str = ""
    """Absolute url of the page image; ``""`` for none."""
    author_type: AuthorType = "Organization"
    author_url: str = ""
    """Absolute url given to every page's author; ``""`` for none."""
    digital_source_type: str = ""
    """A member of :data:`DIGITAL_SOURCE_TYPES`, set on the node that holds the answer."""


@dataclass(frozen=True)
class PageRef:
    """A named page: a breadcrumb or a list item."""

    name: str
    url: str
    """Absolute url; ``""`` when the site has no ``site_url``."""


@dataclass(frozen=True)
class PageInfo:
    """Facts of one built page that the front matter does not hold."""

    url: str = ""
    """The page's absolute, canonical url; ``""`` when the site has no ``site_url``."""
    answer_text: str = ""
    """The whole rendered answer as plain text (needed by ``qapage`` and ``faqpage``)."""
    breadcrumbs: tuple[PageRef, ...] = ()
    """From the home page to this page."""


# ---------------------------------------------------------------------------------------
# Site facts
# ---------------------------------------------------------------------------------------


def og_locale(locale: Locale) -> str:
    """The Open Graph form of a locale: ``en`` becomes ``en_US``, ``zh_Hant`` becomes ``zh_TW``.

    Open Graph wants ``language_TERRITORY``; a locale without a territory gets CLDR's likely one.
    """
    territory = locale.territory or _likely_territory(locale)
    return f"{locale.language}_{territory}" if territory else locale.language


def _likely_territory(locale: Locale) -> str:
    likely = get_global("likely_subtags")
    for key in (str(locale), locale.language):
        if key in likely:
            return Locale.parse(likely[key]).territory or ""
    return ""


def language_tag(locale: Locale) -> str:
    """The BCP 47 tag of a locale for ``inLanguage`` (``en``, ``pt-BR``, ``zh-Hant``)."""
    return str(locale).replace("_", "-")


# Cached: every page resolves the same few breadcrumbs (home, subjects, its subject), and urljoin
# takes microseconds each time.
@functools.lru_cache(maxsize=4096)
def absolute_url(base: str, url: str) -> str:
    """Resolve a site-root-relative ``url`` (``""`` is the home page) against ``base``.

    Returns:
        ``url`` itself when it is already absolute (``http(s)://``), the resolved url when ``base``
        (the site's absolute url) is set, and ``""`` on a site without ``site_url``.
    """
    if url.lower().startswith(("http://", "https://")):
        return url
    return urljoin(base, url) if base else ""


# ---------------------------------------------------------------------------------------
# Open Graph and Twitter
# ---------------------------------------------------------------------------------------


def social_tags(take: QuickTake, site: SiteInfo, page: PageInfo) -> tuple[tuple[str, str], ...]:
    """The Open Graph, ``article:*`` and Twitter card tags of a QuickTakes page, in order.

    Returns:
        ``(property, content)`` pairs with plain-text content; empty values are left out, and
        there is one ``article:tag`` per keyword.
    """
    published = iso_datetime(take.date) if take.date is not None else ""
    pairs = [
        ("og:type", "article"),
        ("og:title", take.title),
        ("og:description", take.description),
        ("og:url", page.url),
        ("og:site_name", site.name),
        ("og:locale", site.og_locale),
        ("og:image", site.image),
        ("article:published_time", published),
        ("article:section", take.subject),
        *(("article:tag", keyword) for keyword in take.keywords),
        ("article:author", take.author),
        *_twitter_card(take.title, take.description, site.image),
    ]
    return tuple((key, value) for key, value in pairs if value)


def hub_social_tags(hub: PageRef, description: str, site: SiteInfo) -> tuple[tuple[str, str], ...]:
    """The Open Graph and Twitter card tags of a subject hub (``og:type`` ``website``)."""
    pairs = [
        ("og:type", "website"),
        ("og:title", hub.name),
        ("og:description", description),
        ("og:url", hub.url),
        ("og:site_name", site.name),
        ("og:locale", site.og_locale),
        ("og:image", site.image),
        *_twitter_card(hub.name, description, site.image),
    ]
    return tuple((key, value) for key, value in pairs if value)


def _twitter_card(title: str, description: str, image: str) -> list[tuple[str, str]]:
    return [
        ("twitter:card", "summary"),
        ("twitter:title", title),
        ("twitter:description", description),
        ("twitter:image", image),
    ]


# ---------------------------------------------------------------------------------------
# JSON-LD
# ---------------------------------------------------------------------------------------


def structured_data(
    mode: StructuredData, take: QuickTake, site: SiteInfo, page: PageInfo
) -> JsonLd | None:
    """The page's one JSON-LD document: the main entity of ``mode`` and a ``BreadcrumbList``.

    Returns:
        ``None`` for the mode ``none``.
    """
    builders = {"article": article, "qapage": qa_page, "faqpage": faq_page}
    build = builders.get(mode)
    if build is None:
        return None
    return graph([build(take, site, page), breadcrumb_list(page.breadcrumbs)])


def graph(nodes: Iterable[JsonLd | None]) -> JsonLd:
    """A JSON-LD document holding ``nodes`` (``None`` ones are left out) in one ``@graph``."""
    return {"@context": _SCHEMA, "@graph": [node for node in nodes if node]}


def article(take: QuickTake, site: SiteInfo, page: PageInfo) -> JsonLd:
    """An ``Article`` node: the default, right for answers written by the site itself."""
    return _compact(
        {
            "@type": "Article",
            "@id": f"{page.url}#article" if page.url else "",
            "headline": take.title,
            "description": take.description,
            "datePublished": _published(take),
            "author": _author(take, site),
            "keywords": list(take.keywords),
            "articleSection": take.subject,
            "mainEntityOfPage": _compact({"@type": "WebPage", "@id": page.url}) if page.url else "",
            "inLanguage": site.language,
            "image": site.image,
            "digitalSourceType": _digital_source(site),
        }
    )


def qa_page(take: QuickTake, site: SiteInfo, page: PageInfo) -> JsonLd:
    """A ``QAPage`` whose ``Question`` has the page's answer as its ``acceptedAnswer``.

    Google shows QAPage rich results only for pages where users can post answers.
    """
    question = {
        "@type": "Question",
        "name": take.question,
        "text": take.question,
        "answerCount": 1,
        "datePublished": _published(take),
        "author": _author(take, site),
        "upvoteCount": upvote_count(take.score),
        "acceptedAnswer": _answer(take, site, page),
    }
    return _compact({**_web_page("QAPage", take, site, page), "mainEntity": _compact(question)})


def faq_page(take: QuickTake, site: SiteInfo, page: PageInfo) -> JsonLd:
    """A ``FAQPage`` with the page's one question (valid vocabulary; no Google rich result)."""
    question = {
        "@type": "Question",
        "name": take.question,
        "acceptedAnswer": _answer(take, site, page),
    }
    return _compact({**_web_page("FAQPage", take, site, page), "mainEntity": [question]})


def breadcrumb_list(crumbs: Sequence[PageRef]) -> JsonLd | None:
    """A ``BreadcrumbList`` of ``crumbs``, or ``None`` when a crumb has no absolute url.

    Google needs the url of every item but the last; without ``site_url`` there is none to give.
    """
    if len(crumbs) < 2 or not all(crumb.url for crumb in crumbs):
        return None
    items = [
        {"@type": "ListItem", "position": position, "name": crumb.name, "item": crumb.url}
        for position, crumb in enumerate(crumbs, start=1)
    ]
    return {"@type": "BreadcrumbList", "itemListElement": items}


def collection_page(
    hub: PageRef, description: str, items: Sequence[PageRef], site: SiteInfo
) -> JsonLd:
    """A subject hub as a ``CollectionPage`` whose ``mainEntity`` lists its questions."""
    listed = [
        _compact({"@type": "ListItem", "position": position, "name": item.name, "url": item.url})
        for position, item in enumerate(items, start=1)
    ]
    item_list = {"@type": "ItemList", "numberOfItems": len(listed), "itemListElement": listed}
    return _compact(
        {
            "@type": "CollectionPage",
            "@id": hub.url,
            "url": hub.url,
            "name": hub.name,
            "description": description,
            "inLanguage": site.language,
            "mainEntity": item_list,
        }
    )


def hub_structured_data(
    hub: PageRef,
    description: str,
    items: Sequence[PageRef],
    site: SiteInfo,
    breadcrumbs: Sequence[PageRef],
) -> JsonLd:
    """The JSON-LD document of a hub: its ``CollectionPage`` and its ``BreadcrumbList``."""
    return graph([collection_page(hub, description, items, site), breadcrumb_list(breadcrumbs)])


def upvote_count(score: float | None) -> int | None:
    """A QuickTake ``score`` as ``upvoteCount``; negative scores (``-1``: unknown) give none."""
    if score is None or not math.isfinite(score) or score < 0:
        return None
    return round(score)


def _web_page(kind: str, take: QuickTake, site: SiteInfo, page: PageInfo) -> JsonLd:
    return {
        "@type": kind,
        "@id": page.url,
        "url": page.url,
        "name": take.title,
        "description": take.description,
        "inLanguage": site.language,
    }


def _answer(take: QuickTake, site: SiteInfo, page: PageInfo) -> JsonLd:
    return _compact(
        {
            "@type": "Answer",
            "text": page.answer_text,
            "url": f"{page.url}#answer" if page.url else "",
            "datePublished": _published(take),
            "author": _author(take, site),
            "digitalSourceType": _digital_source(site),
        }
    )


def _author(take: QuickTake, site: SiteInfo) -> JsonLd | None:
    if not take.author:
        return None
    return _compact({"@type": site.author_type, "name": take.author, "url": site.author_url})


def _published(take: QuickTake) -> str:
    return iso_datetime(take.date) if take.date is not None else ""


def _digital_source(site: SiteInfo) -> str:
    return f"{_SCHEMA}/{site.digital_source_type}" if site.digital_source_type else ""


def _compact(node: JsonLd) -> JsonLd:
    """Leave out properties without a value, so no node claims an empty author or date."""
    return {key: value for key, value in node.items() if value not in ("", None, [], {})}


def needs_answer_text(mode: StructuredData) -> bool:
    """Whether the JSON-LD of ``mode`` holds the whole answer as text."""
    return mode in ("qapage", "faqpage")
