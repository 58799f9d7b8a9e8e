"""One build of a whole QuickTakes site, on MkDocs' files and nav.

The plugin hands each build's ``Files`` here once (``on_files``): every Markdown file's front
matter is read once, pages move to their ``url``, the catalog is built and the hub pages and feeds
are added as generated files. What this module decides comes from the pure modules (catalog,
permalinks, hubs, feeds); it only applies the result to MkDocs' objects, and returns problems and
notes for the plugin to log.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Section
from mkdocs.utils import is_markdown_file

from mkdocs_quicktakes.cache import ReadCache, content_key
from mkdocs_quicktakes.catalog import Catalog, Entry, HubOptions, HubPage, HubSort, newest_date
from mkdocs_quicktakes.dates import sitemap_date
from mkdocs_quicktakes.feeds import FeedOptions, feed_files, generated_outputs
from mkdocs_quicktakes.hubs import (
    FeedLinkView,
    HubContext,
    HubView,
    LinkView,
    SubjectsView,
    build_hub_view,
    build_subjects_view,
    crumb_links,
    feed_links,
    hub_title,
    related_links,
)
from mkdocs_quicktakes.page import QuickTakePage
from mkdocs_quicktakes.page_head import HeadOptions, hub_page_head
from mkdocs_quicktakes.permalinks import Move, assign_dests, url_for_dest
from mkdocs_quicktakes.reading import ReadResult, ReadSettings, unreadable
from mkdocs_quicktakes.report import notice_page
from mkdocs_quicktakes.source import read_bytes
from mkdocs_quicktakes.workers import Job, ReadAhead, read_files, worker_count

if TYPE_CHECKING:
    from collections.abc import Iterator

    from babel import Locale
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from mkdocs_quicktakes.config import QuickTakesConfig
    from mkdocs_quicktakes.head import HeadTags
    from mkdocs_quicktakes.labels import Labels
    from mkdocs_quicktakes.model import Problem, QuickTake
    from mkdocs_quicktakes.seo import SiteInfo
    from mkdocs_quicktakes.view import QuickTakeView, RelatedView

    SiteLinks = tuple[tuple[RelatedView, ...], tuple[LinkView, ...], tuple[FeedLinkView, ...]]
    """A page's related links, breadcrumbs and feed links."""

HUB_TEMPLATE = "quicktakes/hub.html"
SUBJECTS_TEMPLATE = "quicktakes/subjects.html"


@dataclass
class SiteBuild:
    """What one build knows about the whole site; made afresh by :meth:`start` every build."""

    options: QuickTakesConfig
    locale: Locale
    labels: Labels
    takes: dict[str, QuickTake] = field(default_factory=dict)
    catalog: Catalog = field(default_factory=lambda: Catalog(()))
    hubs: dict[str, HubPage] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    """Messages about one file each, for the plugin to log at their severity."""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Messages for the INFO level: worth knowing, nothing to fix."""
    excerpts: dict[str, str] = field(default_factory=dict)
    site_name: str = ""
    feeds_linked: bool = False
    """Whether feeds are written this build, so pages may link to them."""
    hub_views: dict[str, HubView | SubjectsView] = field(default_factory=dict)
    """The views of the hub pages made so far, by source path."""
    reads: dict[str, ReadResult] = field(default_factory=dict)
    """The read result of every usable QuickTakes page (its prepared answer too), by source path."""

    @property
    def hub_context(self) -> HubContext:
        """What the hub views need besides the hub page."""
        return HubContext(
            catalog=self.catalog,
            excerpts=self.excerpts,
            locale=self.locale,
            labels=self.labels,
            site_name=self.site_name,
            feeds=self.feeds_linked,
        )

    @classmethod
    def start(
        cls,
        files: Files,
        config: MkDocsConfig,
        options: QuickTakesConfig,
        *,
        locale: Locale,
        labels: Labels,
        settings: ReadSettings,
        cache: ReadCache | None = None,
        ahead: ReadAhead | None = None,
    ) -> SiteBuild:
        """Read, place and catalogue every QuickTakes page; add the hubs and feeds to ``files``.

        ``settings`` say how files are read and answers rendered; ``cache`` keeps each file's
        read result across builds (``mkdocs serve``), by content; ``ahead`` holds the files
        already being read (see :func:`files_to_read_ahead`).
        """
        build = cls(options, locale, labels)
        build._read(files, settings, cache or ReadCache(), ahead)
        if options.permalinks:
            build._place_at_urls(files, config)
        build._make_pages(files, config)
        build._build_catalog(files, config)
        if options.hubs:
            build._add_hubs(files, config)
        if options.feeds:
            build._add_feeds(files, config)
        build._count_unresolved()
        return build

    # -- on_files ---------------------------------------------------------------------------

    def _read(
        self, files: Files, settings: ReadSettings, cache: ReadCache, ahead: ReadAhead | None
    ) -> None:
        pages = list(files.documentation_pages())
        cache.start_build(file.src_uri for file in pages)
        reads = self._read_all(pages, settings, cache, ahead)
        for file in pages:
            read = reads[file.src_uri]
            checked = read.checked
            self.problems.extend(checked.problems)
            if not checked.usable:
                # MkDocs would stop the whole build on bytes that are not UTF-8 and print broken
                # front matter as text: the page is left out, or shows its problems instead.
                if self.options.invalid_files == "notice":
                    file.content_string = notice_page(file.src_uri, checked.problems)
                else:
                    files.remove(file)
                continue
            if read.take is None or read.prepared is None:
                continue
            # Q&A pages stay out of the nav unless the user's own `nav:` lists them.
            if file.inclusion.is_in_nav():
                file.inclusion = InclusionLevel.NOT_IN_NAV
            self.takes[file.src_uri] = read.take
            self.reads[file.src_uri] = read

    def _read_all(
        self, pages: list[File], settings: ReadSettings, cache: ReadCache, ahead: ReadAhead | None
    ) -> dict[str, ReadResult]:
        """Every page's read result: from the cache, from what was read ahead, or read now."""
        reads: dict[str, ReadResult] = {}
        todo: list[Job] = []
        shaping = _shaping(settings)
        for file in pages:
            data, problem = _file_bytes(file)
            if data is None:
                reads[file.src_uri] = unreadable(file.src_uri, problem)
                continue
            key = content_key(data, shaping)
            read = cache.get(file.src_uri, key)
            if read is None and ahead is not None:
                # File by file, so the bytes of a file read ahead are not kept.
                read = ahead.result(file.src_uri, key)
                if read is not None:
                    cache.put(file.src_uri, key, read)
            if read is None:
                todo.append((file.src_uri, data, key))
            else:
                reads[file.src_uri] = read
        results, note = read_files(todo, settings, worker_count(self.options.workers, len(todo)))
        self.notes.extend(message for message in (ahead.note if ahead else "", note) if message)
        for (src_uri, _, key), read in zip(todo, results, strict=True):
            cache.put(src_uri, key, read)
            reads[src_uri] = read
        return reads

    def _place_at_urls(self, files: Files, config: MkDocsConfig) -> None:
        moving = {src: take for src, take in self.takes.items() if take.url}
        fixed = {
            f.dest_uri: f.src_uri
            for f in files
            if f.src_uri not in moving and f.inclusion.is_in_serve()
        }
        moves = [Move(src, t.url, files.src_uris[src].dest_uri) for src, t in moving.items()]
        dests, problems = assign_dests(
            moves, fixed, directory_urls=config.use_directory_urls, reserved=self._outputs(config)
        )
        self.problems.extend(problems)
        for src in moving:
            file = files.src_uris[src]
            if src in dests:
                _set_dest(file, dests[src])
            else:
                files.remove(file)
                del self.takes[src], self.reads[src]

    def _outputs(self, config: MkDocsConfig) -> dict[str, str]:
        """Every path the build writes besides pages: theme pages, sitemaps, search, hubs, feeds.

        The hubs and feeds do not depend on where pages go, so a catalog without urls says.
        """
        preview = Catalog(
            (Entry(take, "") for take in self.takes.values()), self._hub_options(config)
        )
        return generated_outputs(
            preview,
            config.theme.static_templates,
            hubs=self.options.hubs,
            feeds=self.options.feeds and bool(config.site_url),
        )

    def _hub_options(self, config: MkDocsConfig) -> HubOptions:
        return HubOptions(
            url=self.options.hub_url,
            index_url=self.options.subjects_url,
            page_size=self.options.hub_page_size,
            sort=_hub_sort(self.options.hub_sort),
            directory_urls=config.use_directory_urls,
            home_name=self.labels.home,
            hubs=self.options.hubs,
        )

    def _make_pages(self, files: Files, config: MkDocsConfig) -> None:
        # After the moves: a page takes its url and canonical url from its file when made.
        for src_uri, read in self.reads.items():
            QuickTakePage(files.src_uris[src_uri], config, read, self.options.template)

    def _build_catalog(self, files: Files, config: MkDocsConfig) -> None:
        options = self._hub_options(config)
        entries = [Entry(take, files.src_uris[src].url) for src, take in self.takes.items()]
        self.catalog = Catalog(entries, options)
        self.problems.extend(self.catalog.slug_problems())
        self.excerpts = {src: read.excerpt for src, read in self.reads.items()}
        self.site_name = config.site_name
        self.feeds_linked = self.options.feeds and bool(config.site_url)

    def _add_hubs(self, files: Files, config: MkDocsConfig) -> None:
        taken = {f.dest_uri: f.src_uri for f in files}
        for hub in self.catalog.hub_pages():
            file = File.generated(config, hub.src_uri, content="", inclusion=_NOT_IN_NAV)
            owner = hub.src_uri if hub.src_uri in files.src_uris else taken.get(file.dest_uri)
            if owner is not None:
                what = _hub_label(self.catalog, hub)
                option = "hub_url" if hub.subject_key else "subjects_url"
                self.warnings.append(
                    f"{owner}: {what} would be written to the same place ({file.dest_uri}) and "
                    f"is left out; move the page or change the option {option}"
                )
                continue
            files.append(file)
            self.hubs[hub.src_uri] = hub

    def _add_feeds(self, files: Files, config: MkDocsConfig) -> None:
        if not config.site_url:
            self.notes.append("feeds are not written: they need absolute links; set site_url")
            return
        feed_options = FeedOptions(
            site_url=config.site_url,
            site_name=config.site_name,
            size=self.options.feed_size,
            language=str(self.locale),
            description=config.site_description or "",
            subjects=self.options.hubs,
        )
        xml = feed_files(self.catalog, self.excerpts, feed_options, self.labels)
        taken = {f.dest_uri: f.src_uri for f in files}
        for path, content in xml.items():
            owner = path if path in files.src_uris else taken.get(path)
            if owner is not None:
                self.warnings.append(f"{owner}: a feed would be written to {path}; feed left out")
                continue
            files.append(File.generated(config, path, content=content))

    def _count_unresolved(self) -> None:
        links, pages = self.catalog.unresolved()
        if links:
            shown = "shown as text" if self.options.unresolved_related == "text" else "hidden"
            self.notes.append(
                f"related questions that are not pages of this site: {links} in {pages} "
                f"page(s), {shown} (normal for a partial set of pages)"
            )

    # -- on_nav -----------------------------------------------------------------------------

    def keep_nav_titles(self, nav_config: object, files: Files) -> None:
        """Give the QuickTakes pages that the user's ``nav:`` names with a title that title.

        MkDocs gives a nav entry's title to the page it makes, but the plugin made these pages
        itself (in ``on_files``), so the title is applied here, as MkDocs would.
        """
        for title, path in _titled_nav_entries(nav_config):
            file = files.get_file_from_path(path.lstrip("/"))
            if file is not None and isinstance(file.page, QuickTakePage):
                file.page.title = title

    def add_nav_section(self, nav: Navigation, files: Files) -> None:
        """Add the hubs under one section, unless the user's ``nav:`` already places them."""
        title = self.options.nav_section
        wanted = [h for h in self.hubs.values() if h.number == 1]
        pages = [p for h in wanted if (p := files.src_uris[h.src_uri].page) is not None]
        if not title or not pages or any(page in nav.pages for page in pages):
            return
        index = [p for p in pages if p.file.src_uri == _index_src(self.catalog)]
        pages = index + [p for p in pages if p not in index]
        section = Section(title, list(pages))
        previous = nav.pages[-1] if nav.pages else None
        for page in pages:
            page.parent = section
            page.previous_page, page.next_page = previous, None
            if previous is not None:
                previous.next_page = page
            previous = page
        nav.items.append(section)
        nav.pages.extend(pages)

    # -- pages ------------------------------------------------------------------------------

    def hub(self, page: Page) -> HubPage | None:
        """The hub a generated page shows, if it is one."""
        return self.hubs.get(page.file.src_uri)

    def set_hub_meta(self, page: Page, hub: HubPage) -> None:
        """Title, template and sitemap date of a hub page."""
        # Escaped with quotes, as a Q&A page's title is: themes print page titles unescaped, in
        # text and in attributes (readthedocs' Previous/Next buttons have title="...").
        page.meta["title"] = escape(hub_title(hub, self.catalog, self.labels))
        page.meta["template"] = HUB_TEMPLATE if hub.subject_key else SUBJECTS_TEMPLATE
        subject = self.catalog.subject_by_key(hub.subject_key)
        entries = subject.entries if subject else self.catalog.entries
        newest = newest_date(entry.take for entry in entries)
        if newest is not None and (lastmod := sitemap_date(newest)):
            page.update_date = lastmod

    def hub_view(self, hub: HubPage) -> HubView | SubjectsView:
        """The template context of a hub page or of the subjects index, made once per build.

        Both the page context and the head tags (breadcrumbs) of a hub need it.
        """
        view = self.hub_views.get(hub.src_uri)
        if view is None:
            context = self.hub_context
            view = (
                build_hub_view(hub, context)
                if hub.subject_key
                else build_subjects_view(hub, context)
            )
            self.hub_views[hub.src_uri] = view
        return view

    def hub_head(
        self, hub: HubPage, page_url: str, site: SiteInfo, options: HeadOptions, fallback: str
    ) -> HeadTags:
        """The head tags of a hub page at the absolute ``page_url`` (``""`` without site_url).

        ``fallback`` is the description of the subjects index: the site's own description.
        """
        crumbs = self.hub_view(hub).breadcrumbs
        return hub_page_head(
            hub,
            self.catalog,
            self.labels,
            crumbs,
            page_url,
            options=options,
            site=site,
            fallback=fallback,
        )

    def with_site_links(self, view: QuickTakeView, take: QuickTake) -> QuickTakeView:
        """Add what needs the whole site to a page's view: related links, breadcrumbs, feeds."""
        links = self.site_links(take)
        if links is None:
            return view
        related, crumbs, feeds = links
        return replace(view, related=related, breadcrumbs=crumbs, feeds=feeds)

    def site_links(self, take: QuickTake) -> SiteLinks | None:
        """A page's related links, breadcrumbs and feed links; ``None`` if it is not listed."""
        entry = self.catalog.get(take.src_uri)
        if entry is None:
            return None
        as_text = self.options.unresolved_related == "text"
        related = related_links(self.catalog, take, entry.url, unresolved_as_text=as_text)
        crumbs = crumb_links(self.catalog.breadcrumbs(take), entry.url)
        feeds: tuple[FeedLinkView, ...] = ()
        if self.feeds_linked:
            subject = self.catalog.subject_of(take) if self.options.hubs else None
            feeds = feed_links(subject, entry.url, site_name=self.site_name, labels=self.labels)
        return related, crumbs, feeds


_NOT_IN_NAV = InclusionLevel.NOT_IN_NAV


def files_to_read_ahead(docs_dir: str, settings: ReadSettings, cache: ReadCache) -> list[Job]:
    """The Markdown files of ``docs_dir`` the cache cannot answer, to read before ``on_files``.

    Named as MkDocs names them (``src_uri``); hidden files and folders are left out, as MkDocs
    leaves them out. A file listed here that MkDocs does not build is read for nothing, one
    that is missing is read in ``on_files``: either way the build is the same.
    """
    shaping = _shaping(settings)
    jobs = []
    for folder, subfolders, names in os.walk(docs_dir, followlinks=True):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or not is_markdown_file(name):
                continue
            path = Path(folder, name)
            src_uri = path.relative_to(docs_dir).as_posix()
            data, _ = read_bytes(path, src_uri)
            if data is None:
                continue
            key = content_key(data, shaping)
            if not cache.holds(src_uri, key):
                jobs.append((src_uri, data, key))
    return jobs


def _shaping(settings: ReadSettings) -> tuple[str]:
    """What besides its bytes a file's cache key holds: the settings, as text made once."""
    return (repr(settings),)


def _file_bytes(file: File) -> tuple[bytes | None, Problem | None]:
    """The file's bytes (a generated file's from memory), or the problem that stopped reading."""
    if file.abs_src_path is None:
        return file.content_bytes, None
    return read_bytes(Path(file.abs_src_path), file.src_uri)


def _titled_nav_entries(nav: object) -> Iterator[tuple[str, str]]:
    """Every ``{title: path}`` entry of a ``nav:`` setting, sections included."""
    if isinstance(nav, list):
        for item in nav:
            yield from _titled_nav_entries(item)
    elif isinstance(nav, dict):
        for title, value in nav.items():
            if isinstance(value, str):
                yield str(title), value
            else:
                yield from _titled_nav_entries(value)


def _set_dest(file: File, dest: str) -> None:
    # MkDocs caches url and abs_dest_path from dest_uri; all three change together.
    file.dest_uri = dest
    file.url = url_for_dest(dest, directory_urls=file.use_directory_urls)
    file.abs_dest_path = os.path.normpath(os.path.join(file.dest_dir, dest))


def _hub_sort(value: str) -> HubSort:
    return "score" if value == "score" else "title" if value == "title" else "date"


def _hub_label(catalog: Catalog, hub: HubPage) -> str:
    subject = catalog.subject_by_key(hub.subject_key)
    return f"the hub of subject {subject.name!r}" if subject else "the subjects index"


def _index_src(catalog: Catalog) -> str:
    return catalog.index.src_uri if catalog.index else ""
