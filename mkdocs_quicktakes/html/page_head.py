"""The head of a Q&A page and of a hub: title, meta, canonical, social tags and JSON-LD together.

This joins the title patterns (:mod:`mkdocs_quicktakes.html.head`) and the metadata builders
(:mod:`mkdocs_quicktakes.html.metadata`) under the plugin's options, so the plugin only gathers
the facts of
a page and hands them here. Nothing here knows MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from mkdocs_quicktakes.html.head import HeadTags, format_title
from mkdocs_quicktakes.html.hubs import hub_title
from mkdocs_quicktakes.html.metadata import (
    AuthorType,
    PageInfo,
    PageRef,
    SiteInfo,
    StructuredData,
    absolute_url,
    hub_social_tags,
    hub_structured_data,
    language_tag,
    og_locale,
    social_tags,
    structured_data,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from babel import Locale

    from mkdocs_quicktakes.html.hubs import LinkView
    from mkdocs_quicktakes.records.labels import Labels
    from mkdocs_quicktakes.records.model import QuickTake
    from mkdocs_quicktakes.site.catalog import Catalog, HubPage


@dataclass(frozen=True)
class HeadOptions:
    """The plugin options that shape head tags, read once per build."""

    title_format: str
    title_format_fallback: str
    keywords: bool = True
    structured_data: StructuredData = "article"


@dataclass(frozen=True)
class SiteSettings:
    """What ``mkdocs.yml`` and the plugin options say about the whole site."""

    name: str
    url: str = ""
    og_image: str = ""
    author_type: AuthorType = "Organization"
    author_url: str = ""
    digital_source_type: str = ""


def site_info(settings: SiteSettings, locale: Locale) -> tuple[SiteInfo, str | None]:
    """The site's facts for head tags, and a warning when ``og_image`` cannot be made absolute."""
    image = absolute_url(settings.url, settings.og_image) if settings.og_image else ""
    warning = None
    if settings.og_image and not image:
        warning = (
            f"option 'og_image': the path {settings.og_image!r} needs site_url; no image is set"
        )
    author_url = absolute_url(settings.url, settings.author_url) if settings.author_url else ""
    info = SiteInfo(
        name=settings.name,
        url=settings.url,
        og_locale=og_locale(locale),
        language=language_tag(locale),
        image=image,
        author_type=settings.author_type,
        author_url=author_url,
        digital_source_type=settings.digital_source_type,
    )
    return info, warning


def question_head_tags(
    take: QuickTake, options: HeadOptions, site: SiteInfo, page: PageInfo
) -> HeadTags:
    """Every head tag of one Q&A page."""
    fields = {
        "title": take.title,
        "seo_title": take.seo_title,
        "subject": take.subject,
        "site_name": site.name,
    }
    pattern = options.title_format if take.seo_title else options.title_format_fallback
    return HeadTags(
        title=format_title(pattern, fields),
        description=take.description,
        keywords=", ".join(take.keywords) if options.keywords else "",
        author=take.author,
        canonical=page.url,
        properties=social_tags(take, site, page),
        json_ld=structured_data(options.structured_data, take, site, page),
    )


def hub_head_tags(
    hub: PageRef,
    description: str,
    items: Sequence[PageRef],
    breadcrumbs: Sequence[PageRef],
    options: HeadOptions,
    site: SiteInfo,
) -> HeadTags:
    """Every head tag of a subject hub or of the subjects index, listing ``items``."""
    fields = {"title": hub.name, "subject": hub.name, "site_name": site.name}
    json_ld = None
    if options.structured_data != "none":
        json_ld = hub_structured_data(hub, description, items, site, breadcrumbs)
    return HeadTags(
        title=format_title(options.title_format_fallback, fields),
        description=description,
        canonical=hub.url,
        properties=hub_social_tags(hub, description, site),
        json_ld=json_ld,
    )


def hub_page_head(
    hub: HubPage,
    catalog: Catalog,
    labels: Labels,
    breadcrumbs: Sequence[LinkView],
    page_url: str,
    *,
    options: HeadOptions,
    site: SiteInfo,
    fallback: str,
) -> HeadTags:
    """The head tags of a hub page at the absolute ``page_url`` (``""`` without a site url).

    ``breadcrumbs`` are the hub's visible ones, whose hrefs are relative to the hub page itself;
    ``fallback`` is the description of the subjects index: the site's own description.
    """
    this = PageRef(hub_title(hub, catalog, labels), page_url)
    subject = catalog.subject_by_key(hub.subject_key)
    listed = [(entry.take.title, entry.url) for entry in hub.entries]
    if subject is None:  # the subjects index lists subjects
        listed = [(other.name, other.url) for other in catalog.subjects if other.url]
    items = [PageRef(name, absolute_url(site.url, url)) for name, url in listed]
    crumbs = [
        PageRef(link.text, urljoin(page_url, link.href) if page_url else "") for link in breadcrumbs
    ]
    description = labels.hub_description.format(subject=subject.name) if subject else fallback
    return hub_head_tags(this, description, items, crumbs, options, site)
