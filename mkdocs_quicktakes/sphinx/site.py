"""What needs every document at once: output paths at ``url``, the catalog, hubs and feeds.

Made in ``env-updated`` (after all documents are read, parallel readers merged), kept on the
environment, and used when pages are written. The decisions are the core's (permalinks, catalog,
hubs, feeds); this module maps them to docnames, pagenames and the builder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from mkdocs_quicktakes.html.head import render_head_tags
from mkdocs_quicktakes.html.hubs import (
    HubContext,
    build_hub_view,
    build_subjects_view,
    hub_title,
    related_links,
)
from mkdocs_quicktakes.html.metadata import absolute_url
from mkdocs_quicktakes.html.page_head import hub_page_head
from mkdocs_quicktakes.site.catalog import Catalog, Entry, HubOptions, HubPage
from mkdocs_quicktakes.site.feeds import FeedOptions, feed_files
from mkdocs_quicktakes.site.permalinks import Move, assign_dests, url_for_dest
from mkdocs_quicktakes.sphinx.article import TEMPLATES_DIR
from mkdocs_quicktakes.sphinx.settings import option

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.builders import Builder

    from mkdocs_quicktakes.html.views import RelatedView
    from mkdocs_quicktakes.records.model import Problem
    from mkdocs_quicktakes.site.reading import ReadResult
    from mkdocs_quicktakes.sphinx.settings import Site

HUB_LAYOUTS = Path(__file__).parent / "templates" / "hubs"


@dataclass
class SiteState:
    """The whole site as the core sees it, for one build."""

    dests: dict[str, str] = field(default_factory=dict)
    """Output path of each Q&A page placed at its ``url``, by docname (dirhtml only)."""
    catalog: Catalog = field(default_factory=lambda: Catalog(()))
    hubs: dict[str, HubPage] = field(default_factory=dict)
    """The hub pages, by Sphinx pagename."""
    excerpts: dict[str, str] = field(default_factory=dict)
    feeds: dict[str, str] = field(default_factory=dict)
    """The XML of every feed, by path relative to the output folder."""
    related: dict[str, tuple[RelatedView, ...]] = field(default_factory=dict)
    """The related questions each Q&A page shows, resolved, by docname."""

    def outputs(self, app: Sphinx) -> set[Path]:
        """Every file this state has the builder write for Q&A pages, hubs and feeds."""
        builder = app.builder
        paths = {Path(builder.outdir, dest) for dest in self.dests.values()}
        paths.update(output_path(builder, name) for name in self.hubs)
        paths.update(Path(builder.outdir, path) for path in self.feeds)
        return paths


def remove_stale(app: Sphinx, previous: SiteState, state: SiteState) -> None:
    """Delete what an earlier build wrote for a page, hub or feed that no longer exists there.

    Sphinx leaves the output of a removed document in place; a Q&A page that moved to a new url,
    a hub past the last page and the feed of a subject without questions would stay reachable.
    """
    if not writes_html_pages(app):
        return
    for path in previous.outputs(app) - state.outputs(app):
        path.unlink(missing_ok=True)


def writes_html_pages(app: Sphinx) -> bool:
    """Whether the builder writes one HTML page per document (html, dirhtml): hubs need that."""
    builder = app.builder
    return builder.format == "html" and _output_method(builder) is not None


def output_path(builder: Builder, pagename: str) -> Path:
    """Where an HTML builder writes a page."""
    return Path(getattr(builder, _output_method(builder) or "")(pagename))


def _output_method(builder: Builder) -> str | None:
    # Sphinx 8.2: get_output_path (a Path); 8.1: get_outfilename (a str).
    for name in ("get_output_path", "get_outfilename"):
        if hasattr(builder, name):
            return name
    return None


def directory_urls(app: Sphinx) -> bool:
    """Whether pages are folders (``dirhtml``): the only builder where pages may move."""
    return app.builder.name == "dirhtml"


def dirhtml_dest(docname: str) -> str:
    """The output path dirhtml gives a document."""
    if docname == "index" or docname.endswith("/index"):
        return docname + ".html"
    return docname + "/index.html"


def pagename_for(url: str) -> str:
    """The Sphinx pagename of a site url (``learn/x/`` -> ``learn/x/index``)."""
    dest = url + "index.html" if not url or url.endswith("/") else url
    return dest.removesuffix(".html")


def place(
    app: Sphinx, reads: dict[str, ReadResult], found: set[str]
) -> tuple[dict[str, str], list[Problem]]:
    """The output path of every Q&A page with a usable ``url``, checked by the core."""
    if not option(app.config, "permalinks") or not directory_urls(app):
        return {}, []
    by_src = {read.checked.source.src_uri: name for name, read in reads.items()}
    moving = {name for name, read in reads.items() if read.take is not None and read.take.url}
    fixed = {dirhtml_dest(name): name for name in found - moving}
    moves = [
        Move(read.checked.source.src_uri, read.take.url, dirhtml_dest(name))
        for name, read in sorted(reads.items())
        if name in moving and read.take is not None
    ]
    dests, problems = assign_dests(moves, fixed, directory_urls=True)
    return {by_src[src]: dest for src, dest in dests.items()}, problems


def build_catalog(app: Sphinx, reads: dict[str, ReadResult], site: Site) -> Catalog:
    """The catalog of every Q&A page at the url the builder gives it.

    Empty for builders without a page per document (latex, singlehtml, text): related questions
    are text there.
    """
    config = app.config
    if not writes_html_pages(app):
        return Catalog(())
    options = HubOptions(
        url=option(config, "hub_url"),
        index_url=option(config, "subjects_url"),
        page_size=max(1, option(config, "hub_page_size")),
        sort=option(config, "hub_sort"),
        directory_urls=directory_urls(app),
        home_name=site.labels.home,
        hubs=option(config, "hubs"),
    )
    entries = [
        Entry(read.take, app.builder.get_target_uri(name))
        for name, read in sorted(reads.items())
        if read.take is not None
    ]
    return Catalog(entries, options)


def related_by_page(
    app: Sphinx, reads: dict[str, ReadResult], catalog: Catalog, *, unresolved_as_text: bool
) -> dict[str, tuple[RelatedView, ...]]:
    """The related questions of every Q&A page, linked relative to the page where it is written."""
    html_pages = writes_html_pages(app)
    return {
        name: related_links(
            catalog,
            read.take,
            app.builder.get_target_uri(name) if html_pages else "",
            unresolved_as_text=unresolved_as_text,
        )
        for name, read in reads.items()
        if read.take is not None
    }


def shown_changed(previous: SiteState, state: SiteState, pages: set[str]) -> set[str]:
    """Of ``pages``, those whose output path or related questions differ between the states."""
    return {
        name
        for name in pages
        if previous.dests.get(name) != state.dests.get(name)
        or previous.related.get(name) != state.related.get(name)
    }


def hub_pages(
    app: Sphinx, state: SiteState, found: set[str]
) -> tuple[dict[str, HubPage], list[str]]:
    """The hub pages by pagename, and a warning for each that a document already takes."""
    pages: dict[str, HubPage] = {}
    warnings: list[str] = []
    if not option(app.config, "hubs") or not writes_html_pages(app):
        return pages, warnings
    for hub in state.catalog.hub_pages():
        name = pagename_for(hub.url)
        if name in found:
            warnings.append(f"{name}: a hub would be written to the same place; hub left out")
            continue
        pages[name] = hub
    return pages, warnings


@lru_cache(maxsize=1)
def _hub_templates() -> jinja2.Environment:
    # The core's hub layouts, with a layout.html that renders only their region.
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(HUB_LAYOUTS), jinja2.FileSystemLoader(TEMPLATES_DIR)]
    )
    return jinja2.Environment(loader=loader, autoescape=False)


def hub_context(app: Sphinx, state: SiteState, site: Site, hub: HubPage) -> dict[str, Any]:
    """The Sphinx page context of one hub page: title, body, head tags."""
    context = HubContext(
        catalog=state.catalog,
        excerpts=state.excerpts,
        locale=site.locale,
        labels=site.labels,
        site_name=app.config.project,
        feeds=feeds_written(app),
    )
    theme = {"theme": {"name": app.config.html_theme}}
    if hub.subject_key:
        view: Any = build_hub_view(hub, context)
        body = _hub_templates().get_template("quicktakes/hub.html")
        html = body.render(qt_hub=view, config=theme)
    else:
        view = build_subjects_view(hub, context)
        body = _hub_templates().get_template("quicktakes/subjects.html")
        html = body.render(qt_subjects=view, config=theme)
    base = site.info.url
    head = hub_page_head(
        hub,
        state.catalog,
        site.labels,
        view.breadcrumbs,
        absolute_url(base, hub.url) if base else "",
        options=site.head,
        site=site.info,
        fallback=app.config.project,
    )
    return {
        "title": hub_title(hub, state.catalog, site.labels),
        "body": html,
        "quicktakes_head": render_head_tags(head),
        "metatags": "",
        "pageurl": None,
    }


def feeds_written(app: Sphinx) -> bool:
    """Feeds need absolute links: they are written when ``html_baseurl`` is set."""
    return bool(option(app.config, "feeds") and app.config.html_baseurl)


def feeds(app: Sphinx, state: SiteState, site: Site) -> dict[str, str]:
    """Every feed file, by path relative to the output folder."""
    if not feeds_written(app) or not writes_html_pages(app):
        return {}
    options = FeedOptions(
        site_url=site.info.url,
        site_name=app.config.project,
        size=max(1, option(app.config, "feed_size")),
        language=str(site.locale),
        subjects=option(app.config, "hubs"),
    )
    return feed_files(state.catalog, state.excerpts, options, site.labels)


def placed_url(dest: str) -> str:
    """The url of a page written at ``dest`` by dirhtml."""
    return url_for_dest(dest, directory_urls=True)


def search_names(dests: dict[str, str]) -> dict[str, str]:
    """The name Sphinx's search lists each placed page under, so its link is the page's url.

    ``searchtools.js`` links a name under dirhtml to the name plus ``/``, a trailing
    ``index/`` dropped: a page at ``a/b/index.html`` is listed as ``a/b/index``. A ``url``
    ending in ``.html`` has no such name; its result keeps linking to the docname's folder.
    """
    return {
        docname: dest.removesuffix(".html")
        for docname, dest in dests.items()
        if dest == "index.html" or dest.endswith("/index.html")
    }


def iter_hubs(state: SiteState) -> Iterator[tuple[str, HubPage]]:
    """Every hub page with its pagename, in a stable order."""
    yield from sorted(state.hubs.items())
