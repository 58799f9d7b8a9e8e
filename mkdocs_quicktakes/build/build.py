"""One build of a QuickTakes site on MkDocs' files, nav and pages: all its state in one object.

The plugin makes a :class:`Build` in ``on_config`` and hands it every later event. What is decided
comes from the pure packages (records, answer, site, html); this module applies the results to
MkDocs' objects. Problems and notes go through the build's report, which logs them. A new build
starts from a new object, so nothing of an earlier ``mkdocs serve`` rebuild leaks into it.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from html import escape, unescape
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import TemplateNotFound
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Section

from mkdocs_quicktakes.answer.render import (
    FinishedHtml,
    answer_extensions,
    finish_answer_html,
    formula_problems,
    toc_id,
    toc_title,
)
from mkdocs_quicktakes.build.direct import (
    DirectOptions,
    DirectPages,
    direct_workers,
    uses_direct,
)
from mkdocs_quicktakes.build.pages import HubPage, QuickTakePage
from mkdocs_quicktakes.build.search import (
    IndexedText,
    KeptPagefindBundle,
    build_pagefind_index,
    feed_mkdocs_search,
    mark_plain_page,
    search_summary_html,
    site_pages_digest,
    write_streamed_index,
)
from mkdocs_quicktakes.build.settings import Settings
from mkdocs_quicktakes.html.head import place_head_tags, prepare_head_tags, replace_head_tags
from mkdocs_quicktakes.html.hubs import (
    FeedLinkView,
    HubContext,
    HubView,
    SubjectsView,
    build_hub_view,
    build_subjects_view,
    crumb_links,
    feed_links,
    hub_title,
    related_links,
)
from mkdocs_quicktakes.html.metadata import PageInfo, PageRef, absolute_url
from mkdocs_quicktakes.html.page_head import hub_page_head, question_head_tags
from mkdocs_quicktakes.html.views import PageWork, QuickTakeView, build_view
from mkdocs_quicktakes.records.dates import sitemap_date
from mkdocs_quicktakes.records.page_meta import page_meta
from mkdocs_quicktakes.records.report import Report, notice_page, write_report
from mkdocs_quicktakes.records.source import read_bytes
from mkdocs_quicktakes.site.catalog import Catalog, Entry, newest_date
from mkdocs_quicktakes.site.feeds import FeedOptions, feed_files, generated_outputs
from mkdocs_quicktakes.site.permalinks import Move, assign_dests, url_for_dest
from mkdocs_quicktakes.site.reading import ReadResult, ReadSettings, unreadable
from mkdocs_quicktakes.site.sitemaps import split_sitemap
from mkdocs_quicktakes.site.walk import markdown_files
from mkdocs_quicktakes.speed.spill import restored
from mkdocs_quicktakes.speed.stamps import Stamp, file_stamp

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import AnchorLink, TableOfContents
    from mkdocs.utils.templates import TemplateContext

    from mkdocs_quicktakes.answer.placeholders import PreparedAnswer
    from mkdocs_quicktakes.answer.search_text import IndexedHtml
    from mkdocs_quicktakes.config import QuickTakesConfig
    from mkdocs_quicktakes.html.head import HeadTags
    from mkdocs_quicktakes.html.hubs import LinkView
    from mkdocs_quicktakes.html.views import RelatedView
    from mkdocs_quicktakes.records.dates import DateValue
    from mkdocs_quicktakes.records.model import Problem, QuickTake
    from mkdocs_quicktakes.records.report import Logger
    from mkdocs_quicktakes.site.catalog import HubPage as Hub
    from mkdocs_quicktakes.speed.machinery import Speed
    from mkdocs_quicktakes.speed.page_store import PageStore

    SiteLinks = tuple[tuple[RelatedView, ...], tuple[LinkView, ...], tuple[FeedLinkView, ...]]
    """A page's related links, breadcrumbs and feed links."""

HUB_TEMPLATE = "quicktakes/hub.html"
SUBJECTS_TEMPLATE = "quicktakes/subjects.html"
LOOKAHEAD_PAGES = 300
"""From this many Q&A pages on, their views and head tags are computed ahead in a child process.
The child saves the build process about 0.2 ms a page (measured at 3,000 pages), so a smaller
site would gain less than a tenth of a second for a fork."""


class Build:
    """What one build knows about the whole site, from ``on_files`` to ``on_post_build``."""

    def __init__(self, settings: Settings, speed: Speed[PageWork], report: Report) -> None:
        self.settings = settings
        self.options = settings.options
        self.speed = speed
        """The plugin's speed machinery, which outlives the build (``mkdocs serve``)."""
        self.report = report
        """Every problem and note of the build goes through it (see records/report.py)."""
        self.read_settings = ReadSettings()
        """How files are read and answers rendered; final from ``on_files`` on."""
        self.takes: dict[str, QuickTake] = {}
        """Every usable QuickTakes page's record, by source path."""
        self.reads: dict[str, ReadResult] = {}
        """Every usable QuickTakes page's read result (its prepared answer too), by source path."""
        self.catalog = Catalog(())
        self.hubs: dict[str, Hub] = {}
        self.excerpts: dict[str, str] = {}
        self.site_name = ""
        self.feeds_linked = False
        """Whether feeds are written this build, so pages may link to them."""
        self._hub_views: dict[str, HubView | SubjectsView] = {}
        self._answer_texts: dict[str, str] = {}
        self._newest: dict[str, DateValue | None] = {}
        """The newest date of each subject's questions (``""``: all questions), by its key."""
        self._page_work: dict[str, PageWork] = {}
        self.direct: DirectPages | None = None
        """With ``pipeline: direct``, the Q&A pages the plugin renders itself (direct.py)."""
        self.serving = False
        """Whether ``mkdocs serve`` runs the build, whose next rebuild re-uses what it keeps."""

    @classmethod
    def configure(
        cls, options: QuickTakesConfig, config: MkDocsConfig, speed: Speed[PageWork], logger: Logger
    ) -> Build:
        """A new build, its settings worked out from the options and ``mkdocs.yml``."""
        settings, warning = Settings.from_config(options, config)
        build = cls(settings, speed, Report(logger=logger))
        if warning:
            build.report.warn(warning)
        return build

    # -- on_pre_build ---------------------------------------------------------------------------

    def read_ahead(self, config: MkDocsConfig, *, plugin: object, serving: bool) -> None:
        """Start reading the Markdown files of ``docs_dir`` the cache cannot answer, in workers.

        Named as MkDocs names them (``src_uri``), found as MkDocs finds them. A file read here
        that MkDocs does not build is read for nothing, one that is missing is read in
        ``on_files``: either way the build is the same. Plugins after this one may still change
        extensions: the settings are in each file's key, so ``on_files`` takes nothing read with
        other ones.

        ``plugin`` is the plugin object, ``serving`` whether ``mkdocs serve`` runs the build: both
        decide whether the answers are spilled to disk (:meth:`_spills_answers`).
        """
        self.serving = serving
        if note := self.speed.load_cache(self.settings.cache_folder):
            self.report.note(note)
        found = list(markdown_files(config.docs_dir))
        self.speed.spill_answers(self._spills_answers(config, plugin, len(found)))
        settings = self.settings.read_settings(config, spilled=self.speed.spill is not None)
        if not self.speed.cache:  # nothing to look up: the workers read the bytes themselves
            files = [(src_uri, str(path)) for path, src_uri in found]
            self.speed.read_ahead_files(files, settings, self.options.workers)
            return
        readable = (
            (src_uri, data)
            for path, src_uri in found
            if self.speed.unchanged(str(path), src_uri, settings) is None
            and (data := read_bytes(path, src_uri)[0]) is not None
        )
        jobs = self.speed.uncached(readable, settings)
        self.speed.read_ahead(jobs, settings, self.options.workers)

    def _spills_answers(self, config: MkDocsConfig, plugin: object, files: int) -> bool:
        """Whether answers go to disk while read (speed/spill.py): for the direct pipeline.

        Its workers take each answer back as they render the page, so the build process never
        holds them. Not for ``mkdocs serve`` or a ``cache_dir``: they keep every answer for the
        next build. ``files`` counts the Markdown files, Q&A or not: a guess at the pages.
        """
        if self.keeps_answers:
            return False
        return uses_direct(self.options.pipeline, files, config, plugin)[0]

    @property
    def keeps_answers(self) -> bool:
        """Whether every answer read is kept for the next build (serve's cache, ``cache_dir``)."""
        return self.serving or self.settings.cache_folder is not None

    # -- on_files -------------------------------------------------------------------------------

    def add_files(self, files: Files, config: MkDocsConfig) -> None:
        """Read, place and catalogue every QuickTakes page; add the hubs and feeds to ``files``.

        Runs before the nav and any page exist, so every page can link to every other one.
        """
        # Here, not in on_config: plugins later in the list may still add Markdown extensions.
        spilled = self.speed.spill is not None
        self.read_settings = self.settings.read_settings(config, spilled=spilled)
        self.report.files_checked = len(files.documentation_pages())
        self._note_left_out_extensions(config)
        self._read(files)
        if self.options.permalinks:
            self._place_at_urls(files, config)
        self._make_pages(files, config)
        self._build_catalog(files, config)
        if self.options.hubs:
            self._add_hubs(files, config)
        if self.options.feeds:
            self._add_feeds(files, config)
        self._count_unresolved()
        sanitized = self.read_settings.render.answer_html == "sanitize"
        feed_mkdocs_search(config, self.search_text, sanitized=sanitized)

    def _note_left_out_extensions(self, config: MkDocsConfig) -> None:
        _, left_out = answer_extensions(config.markdown_extensions)
        if left_out:
            self.report.note(
                f"answers are rendered without {', '.join(left_out)}: it reads files named in "
                "the text (see the Security page of the plugin's documentation)"
            )

    def _read(self, files: Files) -> None:
        pages = list(files.documentation_pages())
        self.speed.cache.start_build(file.src_uri for file in pages)
        reads = self._read_all(pages)
        for file in pages:
            read = reads[file.src_uri]
            checked = read.checked
            self.report.log(checked.problems)
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

    def _read_all(self, pages: list[File]) -> dict[str, ReadResult]:
        """Every page's read result, from the speed machinery or, if unreadable, a problem."""
        reads: dict[str, ReadResult] = {}
        stamps: dict[str, tuple[str, Stamp | None]] = {}
        speed, settings = self.speed, self.read_settings

        def readable() -> Iterator[tuple[str, bytes]]:
            # One file's bytes at a time: a large site's would otherwise all be held at once.
            for file in pages:
                path = file.abs_src_path
                if path is not None:
                    # A file unchanged since it was read (under serve) is not read again.
                    if (cached := speed.unchanged(path, file.src_uri, settings)) is not None:
                        reads[file.src_uri] = cached
                        continue
                    if self.serving:  # for the next rebuild; taken before reading
                        stamps[file.src_uri] = (path, file_stamp(path))
                data, problem = _file_bytes(file)
                if data is None:
                    reads[file.src_uri] = unreadable(file.src_uri, problem)
                else:
                    yield file.src_uri, data

        results, note = speed.read_all(readable(), settings, self.options.workers)
        if note:
            self.report.note(note)
        for src_uri, read in results.items():
            if src_uri in stamps:
                speed.note_read(*stamps[src_uri], src_uri, read, settings)
        reads.update(results)
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
        self.report.log(problems)
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
            (Entry(take, "") for take in self.takes.values()), self.settings.hub_options(config)
        )
        return generated_outputs(
            preview,
            config.theme.static_templates,
            hubs=self.options.hubs,
            feeds=self.options.feeds and bool(config.site_url),
        )

    def _make_pages(self, files: Files, config: MkDocsConfig) -> None:
        # After the moves: a page takes its url and canonical url from its file when made.
        for src_uri, read in self.reads.items():
            QuickTakePage(files.src_uris[src_uri], config, read, self.options.template)

    def _build_catalog(self, files: Files, config: MkDocsConfig) -> None:
        options = self.settings.hub_options(config)
        entries = [Entry(take, files.src_uris[src].url) for src, take in self.takes.items()]
        self.catalog = Catalog(entries, options)
        self.report.log(self.catalog.slug_problems())
        self.report.unresolved_links = self.catalog.unresolved()[0]
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
                self.report.warn(
                    f"{owner}: {what} would be written to the same place ({file.dest_uri}) and "
                    f"is left out; move the page or change the option {option}"
                )
                continue
            files.append(file)
            HubPage(file, config, hub)
            self.hubs[hub.src_uri] = hub

    def _add_feeds(self, files: Files, config: MkDocsConfig) -> None:
        if not config.site_url:
            self.report.note("feeds are not written: they need absolute links; set site_url")
            return
        feed_options = FeedOptions(
            site_url=config.site_url,
            site_name=config.site_name,
            size=self.options.feed_size,
            language=str(self.settings.locale),
            description=config.site_description or "",
            subjects=self.options.hubs,
        )
        xml = feed_files(self.catalog, self.excerpts, feed_options, self.settings.labels)
        taken = {f.dest_uri: f.src_uri for f in files}
        for path, content in xml.items():
            owner = path if path in files.src_uris else taken.get(path)
            if owner is not None:
                self.report.warn(f"{owner}: a feed would be written to {path}; feed left out")
                continue
            files.append(File.generated(config, path, content=content))

    def _count_unresolved(self) -> None:
        links, pages = self.catalog.unresolved()
        if links:
            shown = "shown as text" if self.options.unresolved_related == "text" else "hidden"
            self.report.note(
                f"related questions that are not pages of this site: {links} in {pages} "
                f"page(s), {shown} (normal for a partial set of pages)"
            )

    def wants_direct(self, config: MkDocsConfig, *, plugin: object) -> bool:
        """Whether this build uses the direct pipeline (option ``pipeline``)."""
        direct, why_not = uses_direct(self.options.pipeline, len(self.takes), config, plugin)
        if why_not:
            self.report.note(why_not)
        return direct

    def take_out_direct(
        self, files: Files, config: MkDocsConfig, *, plugin: object, store: PageStore | None
    ) -> None:
        """``pipeline: direct``: take the Q&A pages out of MkDocs' page loop (see direct.py).

        ``plugin`` is the plugin object, whose page hooks still run on those pages; ``store``
        holds the pages of earlier builds (``mkdocs serve``).
        """
        self.direct = DirectPages.take_out(
            files,
            config,
            self.reads,
            plugin=plugin,
            report=self.report,
            options=DirectOptions(
                store=store,
                site_links=self.link_inputs,
                hub_inputs=self.hub_inputs,
                read_key=self.speed.cache.key_of,
                index_folder=self.speed.spill.folder if self.speed.spill else None,
            ),
        )

    # -- on_nav ---------------------------------------------------------------------------------

    def arrange_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> None:
        """Give the pages the user's ``nav:`` names with a title that title; add the hubs.

        MkDocs gives a nav entry's title to the page it makes, but the plugin made its pages
        itself (in ``on_files``), so the title is applied here, as MkDocs would.
        """
        for title, path in _titled_nav_entries(config.nav):
            file = files.get_file_from_path(path.lstrip("/"))
            if file is not None and isinstance(file.page, QuickTakePage | HubPage):
                file.page.title = title
        if self.direct is not None:
            for file in self.direct.hubs:
                self._populate_hub(file.page)
        self._add_nav_section(nav, files)
        if self.direct is not None:
            self.direct.nav = nav  # the direct pages print it as MkDocs' pages do

    def _populate_hub(self, page: Page | None) -> None:
        """What MkDocs' page loop would give a hub before any page is built: title and date.

        For the hubs the plugin renders itself (``pipeline: direct`` under ``mkdocs serve``),
        which other pages name in the nav.
        """
        if isinstance(page, HubPage):
            page.read_own_meta()
            page.markdown = ""
            self._set_hub_meta(page)
            page.present_anchor_ids = set()

    def _add_nav_section(self, nav: Navigation, files: Files) -> None:
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

    # -- on_page_markdown, on_page_content --------------------------------------------------------

    def page_markdown(self, page: Page) -> str | None:
        """The Markdown MkDocs renders: a Q&A page's decoded answer, a hub's nothing."""
        if isinstance(page, HubPage):
            self._set_hub_meta(page)
            return ""  # a hub's list is in its template, so search does not index answers twice
        read = self._full_read(page)
        if read is None or read.take is None or read.prepared is None:
            return None
        self._set_page_meta(page, read.take)
        return read.prepared.markdown

    def _full_read(self, page: Page) -> ReadResult | None:
        """The page's read result with its answer, taken back from the spill file if need be.

        Only the page being built holds its answer again: ``self.reads`` keeps the slim result.
        """
        if isinstance(page, QuickTakePage):
            if page.read.spilled is not None:
                page.read = restored(page.read)
            return page.read
        read = self.reads.get(page.file.src_uri)
        return restored(read) if read is not None else None

    def _set_page_meta(self, page: Page, take: QuickTake) -> None:
        # The allowlisted keys again, escaped (page_meta.py), in case a plugin supplied the
        # page's source; a template another plugin chose is kept.
        meta = page_meta(take, self.options.template)
        page.meta.setdefault("template", meta.pop("template"))
        page.meta.update(meta)
        if take.date is not None and (lastmod := sitemap_date(take.date)):
            # The sitemap's lastmod: the QuickTake's date, not the build date.
            page.update_date = lastmod

    def _set_hub_meta(self, page: HubPage) -> None:
        """Title, template and sitemap date of a hub page."""
        hub = page.hub
        # Escaped with quotes, as a Q&A page's title is: themes print page titles unescaped, in
        # text and in attributes (readthedocs' Previous/Next buttons have title="...").
        page.meta["title"] = escape(hub_title(hub, self.catalog, self.settings.labels))
        page.meta["template"] = HUB_TEMPLATE if hub.subject_key else SUBJECTS_TEMPLATE
        if hub.subject_key not in self._newest:  # once per subject: it has hundreds of pages
            subject = self.catalog.subject_by_key(hub.subject_key)
            entries = subject.entries if subject else self.catalog.entries
            self._newest[hub.subject_key] = newest_date(entry.take for entry in entries)
        newest = self._newest[hub.subject_key]
        if newest is not None and (lastmod := sitemap_date(newest)):
            page.update_date = lastmod

    def page_content(self, page: Page, html: str) -> str | None:
        """Finish the answer's HTML, unless it came finished from the answer rendered ahead."""
        read = self._full_read(page)
        prepared = read.prepared if read else None
        if prepared is None:
            return None
        if isinstance(page, QuickTakePage) and page.prerendered and page.read.rendered:
            # `html` is that answer already, maybe changed since by an earlier plugin: kept.
            self._note_finished(page, page.read.rendered.finished)
            return None
        finished = finish_answer_html(html, prepared, self.read_settings.render)
        _fill_toc_titles(page.toc, prepared)
        self._note_finished(page, finished)
        return finished.html

    def _note_finished(self, page: Page, finished: FinishedHtml) -> None:
        """Keep the answer's text for the JSON-LD and report its formulas that failed."""
        src_uri = page.file.src_uri
        self._answer_texts[src_uri] = finished.text
        macros = self.read_settings.render.math_macros
        self.report.log(formula_problems(src_uri, finished, macros))

    # -- on_env, on_page_context ----------------------------------------------------------------

    def look_ahead(self, env: Environment, files: Files) -> None:
        """Start computing the Q&A pages' views and head tags in a child, while MkDocs builds.

        Every page is read and rendered by now, so all they depend on is known.
        """
        if self.takes:
            _check_template(env, self.options.template)
        if len(self.takes) < LOOKAHEAD_PAGES or self.options.workers == 1:
            return
        # In MkDocs' build order, so each result arrives just before its page is built.
        pages = {
            file.src_uri: file.page
            for file in files.documentation_pages()
            if file.src_uri in self.takes and file.page is not None
        }
        self.speed.look_ahead(list(pages), lambda src: self.page_work(pages[src]))

    def page_context(self, page: Page, context: TemplateContext) -> TemplateContext | None:
        """Hand the Q&A and hub layouts their plain-text views of the page."""
        if isinstance(page, HubPage):
            name = "qt_hub" if page.hub.subject_key else "qt_subjects"
            context[name] = self._hub_view(page.hub)  # type: ignore[literal-required]
            return context
        if page.file.src_uri not in self.takes:
            return None
        work = self.speed.work(page.file.src_uri, lambda _: self.page_work(page))
        self.report.log(work.problems)
        self._page_work[page.file.src_uri] = work
        # TemplateContext lists only MkDocs' own keys; themes and plugins add theirs.
        context["quicktake"] = work.view  # type: ignore[typeddict-unknown-key]
        return context

    def page_work(self, page: Page) -> PageWork:
        """The view and head tags of a Q&A page; also run ahead, in the look-ahead child."""
        take = self.takes[page.file.src_uri]
        settings = self.settings
        view, problems = build_view(take, locale=settings.locale, labels=settings.labels)
        view = self._with_site_links(view, take)
        if "<math" in (page.content or ""):
            view = replace(view, math=True)
        head = prepare_head_tags(self._question_head(page, take))
        return PageWork(view, tuple(problems), head, page.canonical_url or "")

    def _with_site_links(self, view: QuickTakeView, take: QuickTake) -> QuickTakeView:
        """Add what needs the whole site to a page's view: related links, breadcrumbs, feeds."""
        links = self.site_links(take)
        if links is None:
            return view
        related, crumbs, feeds = links
        return replace(view, related=related, breadcrumbs=crumbs, feeds=feeds)

    def link_inputs(self, take: QuickTake) -> tuple[object, ...] | None:
        """All that :meth:`site_links` makes a page's links of, besides the site's options.

        For the page's key in the page store (``mkdocs serve``): equal exactly when the links
        are (the hrefs are relative urls, a function of the page's url and the target's), and
        about five times cheaper to make. What ``site_links`` reads must be here.
        """
        entry = self.catalog.get(take.src_uri)
        if entry is None:
            return None
        subject = self.catalog.subject_of(take)
        return (
            entry.url,
            self.catalog.related(take),
            (subject.name, subject.url, subject.folder) if subject else None,
            self.options.unresolved_related,
            self.options.hubs,
            self.feeds_linked,
        )

    def site_links(self, take: QuickTake) -> SiteLinks | None:
        """A page's related links, breadcrumbs and feed links; ``None`` if it is not listed.

        What it reads of the catalog and options, :meth:`link_inputs` lists.
        """
        entry = self.catalog.get(take.src_uri)
        if entry is None:
            return None
        as_text = self.options.unresolved_related == "text"
        related = related_links(self.catalog, take, entry.url, unresolved_as_text=as_text)
        crumbs = crumb_links(self.catalog.breadcrumbs(take), entry.url)
        feeds: tuple[FeedLinkView, ...] = ()
        if self.feeds_linked:
            subject = self.catalog.subject_of(take) if self.options.hubs else None
            labels = self.settings.labels
            feeds = feed_links(subject, entry.url, site_name=self.site_name, labels=labels)
        return related, crumbs, feeds

    def hub_inputs(self, page: HubPage, config: MkDocsConfig) -> tuple[object, ...]:
        """What a hub's view and head tags are made of, beyond the site's options and nav.

        For its key in the page store (``mkdocs serve``): its meta (title, template) and
        sitemap date; its url, number and count; the subjects index's url (breadcrumbs) and
        whether feeds are linked. A subject's page adds the subject's name, folder (feeds),
        number of questions and the url of each page of its hub (pager), and, for each question
        it lists, its url and the read cache's key of its file, which stands for all the page
        shows of it (title, date, excerpt). The subjects index adds each subject's name, url and
        count. Making the view and head tags themselves costs ten times more; they are the
        inputs of last resort, when a question's read result is not the one the cache keys.
        """
        hub = page.hub
        index = self.catalog.index.url if self.catalog.index else None
        common = (page.meta, page.update_date, hub.url, hub.number, hub.count, index)
        subject = self.catalog.subject_by_key(hub.subject_key)
        if subject is None:
            listed = tuple((s.name, s.url, len(s.entries)) for s in self.catalog.subjects)
            return (*common, self.feeds_linked, listed)
        items = []
        for entry in hub.entries:
            src_uri = entry.take.src_uri
            read = self.reads.get(src_uri)
            key = self.speed.cache.key_of(src_uri, read) if read is not None else None
            if key is None or read is None or read.take is not entry.take:
                view, head = self._hub_view(hub), self._hub_head(page, config)
                return (*common, self.feeds_linked, view, head)
            items.append((src_uri, key, entry.url))
        pages = tuple(other.url for other in subject.pages)
        shown = (subject.name, subject.folder, len(subject.entries), pages, tuple(items))
        return (*common, self.feeds_linked, shown)

    def _hub_view(self, hub: Hub) -> HubView | SubjectsView:
        """The template context of a hub page or of the subjects index, made once per build.

        Both the page context and the head tags (breadcrumbs) of a hub need it.
        """
        view = self._hub_views.get(hub.src_uri)
        if view is None:
            context = HubContext(
                catalog=self.catalog,
                excerpts=self.excerpts,
                locale=self.settings.locale,
                labels=self.settings.labels,
                site_name=self.site_name,
                feeds=self.feeds_linked,
            )
            make = build_hub_view if hub.subject_key else build_subjects_view
            view = make(hub, context)
            self._hub_views[hub.src_uri] = view
        return view

    # -- pipeline: direct, beside MkDocs' page loop (direct.py) ---------------------------------

    def start_direct(self, env: Environment) -> None:
        """Start the workers rendering and writing the direct pages (the end of ``on_env``).

        Unless the answers are kept for the next build (:attr:`keeps_answers`) or are on disk
        already, the build process then lets go of those pages' answers.
        """
        if self.direct is None:
            return
        workers = direct_workers(self.options.workers, len(self.direct.direct))
        self.direct.start(env, workers)
        if not self.keeps_answers and not self.speed.spill:
            self._release_answers(self.direct.direct)

    def _release_answers(self, files: list[File]) -> None:
        """Drop the prepared and rendered answers of pages the workers build.

        The workers hold their own copies (or the pages are written already); a large site's
        answers, with their MathML, are most of the build process's memory.
        """
        for file in files:
            slim = replace(self.reads[file.src_uri], prepared=None, rendered=None)
            self.reads[file.src_uri] = slim
            if isinstance(file.page, QuickTakePage):
                file.page.read = slim
            self.speed.cache.forget(file.src_uri)

    def note_search_start(self, page: Page) -> None:
        """Note where a page of MkDocs' loop starts in the search index (before it is added)."""
        if self.direct is not None:
            self.direct.note_page_start(page)

    def template_context(self, name: str, context: TemplateContext) -> TemplateContext | None:
        """List the direct pages in the sitemap, among the other pages, in their order."""
        if self.direct is None or name != "sitemap.xml":
            return None
        context["pages"] = self.direct.pages
        return context

    def finish_direct(self) -> None:
        """Wait for the workers; their problems, their search entries (before the index)."""
        if self.direct is not None:
            self.direct.finish()

    def write_search_index(self, config: MkDocsConfig) -> None:
        """Write MkDocs' search index of a direct build whose entries the workers left on disk."""
        write_streamed_index(config)

    def stop_direct(self) -> None:
        """Stop the workers of a failed build."""
        if self.direct is not None:
            self.direct.close()

    # -- on_post_page ---------------------------------------------------------------------------

    def post_page(self, page: Page, output: str, config: MkDocsConfig) -> str | None:
        """Leave exactly one of each title, meta, canonical, social and JSON-LD tag in the head."""
        if isinstance(page, HubPage):
            return replace_head_tags(output, self._hub_head(page, config))
        take = self.takes.get(page.file.src_uri)
        if take is None:
            # Q&A pages and hubs are marked for Pagefind by their templates; the others here.
            return mark_plain_page(output) if self.settings.uses_pagefind else None
        work = self._page_work.pop(page.file.src_uri, None)
        if work is None or work.canonical_url != (page.canonical_url or ""):
            # Another plugin moved the page after its head tags were made: made again.
            head = prepare_head_tags(self._question_head(page, take))
        else:
            head = work.head
        return place_head_tags(output, head)

    def _question_head(self, page: Page, take: QuickTake) -> HeadTags:
        site = self.settings.site
        trail = self.catalog.breadcrumbs(take)
        crumbs = tuple(PageRef(crumb.name, absolute_url(site.url, crumb.url)) for crumb in trail)
        text = self._answer_texts.get(take.src_uri, "")
        info = PageInfo(page.canonical_url or "", text, crumbs)
        return question_head_tags(take, self.settings.head, site, info)

    def _hub_head(self, page: HubPage, config: MkDocsConfig) -> HeadTags:
        """The head tags of a hub page; the subjects index falls back to the site's description."""
        return hub_page_head(
            page.hub,
            self.catalog,
            self.settings.labels,
            self._hub_view(page.hub).breadcrumbs,
            page.canonical_url or "",
            options=self.settings.head,
            site=self.settings.site,
            fallback=config.site_description or "",
        )

    # -- search ---------------------------------------------------------------------------------

    def search_text(self, page: Page) -> IndexedText | None:
        """What MkDocs' search indexes of a page of this plugin: a plain-text title and HTML.

        With the HTML a Q&A page's answer split as the index reads it, when it was split where
        the answer was rendered and the page shows it unchanged.
        """
        take = self.takes.get(page.file.src_uri)
        if take is None and not isinstance(page, HubPage):
            return None
        # page.title is HTML-escaped for the themes (see _set_page_meta); the index wants text.
        title = unescape(page.title or "")
        if take is None or self.options.search_text == "full":
            return IndexedText(title, page.content or "", _answer_split(page))
        headings = [(item.id, item.title) for item in _flat_toc(page.toc)]
        summary = search_summary_html(take.question, take.description, take.keywords, headings)
        return IndexedText(title, summary)

    # -- on_post_build --------------------------------------------------------------------------

    def finish(self, config: MkDocsConfig, kept: KeptPagefindBundle | None = None) -> None:
        """The report file and summary, the sitemap's parts and the Pagefind index.

        ``kept``: under ``mkdocs serve``, the last Pagefind bundle of the session.
        """
        report_file = self.options.report_file
        if report_file:
            path = self.settings.config_folder / report_file
            if error := write_report(self.report, path):
                self.report.warn(f"option 'report_file': could not write {error}")
        self.report.log_summary(report_file=report_file or "")
        self._finish_sitemap(config)
        if self.settings.uses_pagefind:
            self._index_with_pagefind(config, kept)

    def _finish_sitemap(self, config: MkDocsConfig) -> None:
        """Split sitemap.xml into a sitemap index and its parts when one file is too large."""
        try:
            parts = split_sitemap(Path(config.site_dir), config.site_url or "")
        except (OSError, ValueError) as error:
            self.report.warn(f"sitemap.xml could not be split into parts: {error}")
            return
        if parts:
            self.report.note(
                f"sitemap.xml is a sitemap index of {parts} sitemaps (sitemap-1.xml, ...)"
            )

    def _index_with_pagefind(self, config: MkDocsConfig, kept: KeptPagefindBundle | None) -> None:
        start = time.perf_counter()
        digest = site_pages_digest(config.site_dir) if kept is not None else ""
        if kept is not None and kept.restore(config.site_dir, digest):
            seconds = time.perf_counter() - start
            self.report.note(
                f"no page changed since Pagefind last ran: its index was kept ({seconds:.1f} s)"
            )
            return
        try:
            files = build_pagefind_index(config.site_dir)
        except (OSError, RuntimeError) as error:
            raise PluginError(f"quicktakes: option 'search_engine: pagefind': {error}") from error
        if kept is not None:
            kept.keep(config.site_dir, digest)
        seconds = time.perf_counter() - start
        self.report.note(f"Pagefind read the {files} HTML files of the site in {seconds:.1f} s")


_NOT_IN_NAV = InclusionLevel.NOT_IN_NAV


def _check_template(env: Environment, name: str) -> None:
    """Stop the build with one clear message, not a traceback, when ``template`` is missing."""
    try:
        env.get_template(name)
    except TemplateNotFound as error:
        raise PluginError(
            f"quicktakes: option 'template': no template {name!r} in the theme or its custom_dir"
        ) from error


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


def _hub_label(catalog: Catalog, hub: Hub) -> str:
    subject = catalog.subject_by_key(hub.subject_key)
    return f"the hub of subject {subject.name!r}" if subject else "the subjects index"


def _index_src(catalog: Catalog) -> str:
    return catalog.index.src_uri if catalog.index else ""


def _flat_toc(toc: TableOfContents) -> list[AnchorLink]:
    items: list[AnchorLink] = []
    for item in toc:
        items.append(item)
        items.extend(_flat_toc(item.children))  # type: ignore[arg-type]
    return items


def _fill_toc_titles(toc: TableOfContents, prepared: PreparedAnswer) -> None:
    for item in _flat_toc(toc):
        item.title = toc_title(item.title, prepared)
        item.id = toc_id(item.id)


def _answer_split(page: Page) -> IndexedHtml | None:
    """A Q&A page's answer as MkDocs' search reads it, if split already and shown unchanged."""
    rendered = page.read.rendered if isinstance(page, QuickTakePage) else None
    finished = rendered.finished if rendered is not None else None
    if finished is None or finished.indexed is None or page.content != finished.html:
        return None
    return finished.indexed
