"""The MkDocs adapter: moves data between MkDocs events and the pure QuickTakes modules."""

from __future__ import annotations

import time
from dataclasses import replace
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, cast

from jinja2 import TemplateNotFound
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger

from mkdocs_quicktakes.cache import ReadCache
from mkdocs_quicktakes.config import QuickTakesConfig
from mkdocs_quicktakes.dates import resolve_locale, sitemap_date
from mkdocs_quicktakes.head import place_head_tags, prepare_head_tags, replace_head_tags
from mkdocs_quicktakes.labels import labels_for
from mkdocs_quicktakes.lookahead import Lookahead
from mkdocs_quicktakes.mathml import MathMode, math_macros
from mkdocs_quicktakes.page import QuickTakePage
from mkdocs_quicktakes.page_head import HeadOptions, SiteSettings, question_head_tags, site_info
from mkdocs_quicktakes.page_meta import page_meta
from mkdocs_quicktakes.reading import ReadResult, ReadSettings
from mkdocs_quicktakes.render import (
    FinishedHtml,
    RenderSettings,
    answer_extension_configs,
    answer_extensions,
    finish_answer_html,
    formula_problems,
    toc_id,
    toc_title,
)
from mkdocs_quicktakes.report import Report, write_report
from mkdocs_quicktakes.search import (
    KeptPagefindBundle,
    build_pagefind_index,
    configure_pagefind,
    feed_mkdocs_search,
    mark_plain_page,
    search_summary_html,
    site_pages_digest,
)
from mkdocs_quicktakes.seo import PageInfo, PageRef, SiteInfo, absolute_url, needs_answer_text
from mkdocs_quicktakes.site import SiteBuild, files_to_read_ahead
from mkdocs_quicktakes.sitemaps import split_sitemap
from mkdocs_quicktakes.view import PageWork, build_view
from mkdocs_quicktakes.workers import ReadAhead, worker_count

if TYPE_CHECKING:
    from babel import Locale
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import AnchorLink, TableOfContents
    from mkdocs.utils.templates import TemplateContext

    from mkdocs_quicktakes.answer import NestedFences, PreparedAnswer
    from mkdocs_quicktakes.head import HeadTags
    from mkdocs_quicktakes.model import QuickTake
    from mkdocs_quicktakes.sanitize import AnswerHtml

log = get_plugin_logger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"
LOOKAHEAD_PAGES = 300
"""From this many Q&A pages on, their views and head tags are computed ahead in a child process.
The child saves the build process about 0.2 ms a page (measured at 3,000 pages), so a smaller
site would gain less than a tenth of a second for a fork."""
DIRTY_HINT_PAGES = 1000
"""From this many QuickTakes pages on, ``mkdocs serve`` without ``--dirty`` suggests it."""


class QuickTakesPlugin(BasePlugin[QuickTakesConfig]):
    """Render every page whose front matter has ``question`` and ``answer`` as a Q&A page."""

    def __init__(self) -> None:
        self._takes: dict[str, QuickTake] = {}
        self._reads: dict[str, ReadResult] = {}
        self._locale: Locale | None = None
        self._labels = labels_for("en")
        self._read_settings = ReadSettings()
        self._build: SiteBuild | None = None
        self._report = Report()
        self._answer_texts: dict[str, str] = {}
        self._site: SiteInfo | None = None
        self._head_options = HeadOptions("{title}", "{title}")
        self._read_cache = ReadCache()
        self._serving = False
        self._hint_dirty = False
        self._cache_folder: Path | None = None
        self._read_ahead: ReadAhead | None = None
        self._lookahead: Lookahead[str, PageWork] | None = None
        self._page_heads: dict[str, PageWork] = {}
        self._search_warned = False
        self._kept_pagefind = KeptPagefindBundle()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Note the command; defining this hook makes MkDocs keep this object across rebuilds.

        ``mkdocs serve`` then re-uses the read cache, so unchanged pages are not read again.
        """
        self._serving = command == "serve"
        self._hint_dirty = self._serving and not dirty
        self._search_warned = False

    def on_shutdown(self) -> None:
        """Write the cache of ``mkdocs serve`` once, when it stops, not after every rebuild."""
        self._stop_helpers()
        self._kept_pagefind.close()
        if self._serving:
            self._save_cache()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Check options and register templates and CSS before the theme environment exists."""
        # The plugin object survives rebuilds (and, in one process, every build): start clean,
        # even when disabled, so no page of an earlier build is touched.
        self._takes, self._reads = {}, {}
        self._build, self._report = None, Report()
        if not self._serving:  # one serve session warns once, not at each rebuild
            self._search_warned = False
        if not self.config.enabled:
            return None
        self._locale = self._resolve_locale(config)
        self._labels = labels_for(str(self._locale))
        self._answer_texts = {}
        self._site, warning = site_info(self._site_settings(config), self._locale)
        if warning:
            log.warning(warning)
        self._head_options = HeadOptions(
            self.config.title_format,
            self.config.title_format_fallback,
            self.config.keywords,
            self.config.structured_data,
        )
        # Appended, so a file of the same name in the theme or custom_dir wins.
        config.theme.dirs.append(str(TEMPLATES_DIR))
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Start reading the Markdown files in worker processes while MkDocs cleans site_dir.

        The files are read again in ``on_files``; what was read ahead is used only for the
        same bytes and settings.
        """
        self._stop_helpers()
        if not self.config.enabled or self._locale is None:
            return
        self._configure_search(config)
        if self.config.cache_dir and (note := self._read_cache.load(self._cache_dir(config))):
            log.info(note)
        # Plugins after this one may still change extensions: the settings are in each file's
        # key, so on_files takes nothing read with other ones.
        settings = self._make_read_settings(config)
        jobs = files_to_read_ahead(config.docs_dir, settings, self._read_cache)
        # A note on failing workers is given once, by on_files, which reads the files anyway.
        self._read_ahead, _ = ReadAhead.start(
            jobs, settings, worker_count(self.config.workers, len(jobs))
        )

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Read every page's front matter once, move pages to their urls, add hubs and feeds.

        Runs before the nav and any page exist, so every page can link to every other one.
        """
        if not self.config.enabled or self._locale is None:
            return None
        self._report.files_checked = len(files.documentation_pages())
        # Here, not in on_config: plugins later in the list may still add Markdown extensions.
        self._read_settings = self._make_read_settings(config)
        _, left_out = answer_extensions(config.markdown_extensions)
        if left_out:
            log.info(
                f"answers are rendered without {', '.join(left_out)}: it reads files named in "
                "the text (see the Security page of the plugin's documentation)"
            )
        try:
            build = SiteBuild.start(
                files,
                config,
                self.config,
                locale=self._locale,
                labels=self._labels,
                settings=self._read_settings,
                cache=self._read_cache,
                ahead=self._read_ahead,
            )
        finally:
            self._stop_helpers()
        self._report.log(log, build.problems)
        self._report.unresolved_links = build.catalog.unresolved()[0]
        for message in build.warnings:
            log.warning(message)
        for message in build.notes:
            log.info(message)
        self._build, self._takes, self._reads = build, build.takes, build.reads
        feed_mkdocs_search(config, self._search_text)
        if self._hint_dirty and len(build.takes) >= DIRTY_HINT_PAGES:
            self._hint_dirty = False  # once per `mkdocs serve`
            log.info(
                f"{len(build.takes)} QuickTakes pages: each rebuild after an edit builds them all; "
                "`mkdocs serve --dirty` rebuilds only the edited pages, the hubs and the feeds"
            )
        return files

    def on_nav(
        self, nav: Navigation, /, *, config: MkDocsConfig, files: Files
    ) -> Navigation | None:
        """Put the hubs in the nav under one section; Q&A pages are already out of it."""
        if not self.config.enabled or self._build is None:
            return None
        self._build.keep_nav_titles(config.nav, files)
        self._build.add_nav_section(nav, files)
        return nav

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Swap the placeholder body for the decoded answer, so MkDocs renders it like any page."""
        if not self.config.enabled or self._build is None:
            return None
        hub = self._build.hub(page)
        if hub is not None:
            self._build.set_hub_meta(page, hub)
            return ""  # a hub's list is in its template, so search does not index answers twice
        read = self._reads.get(page.file.src_uri)
        if read is None or read.take is None or read.prepared is None:
            return None
        self._set_page_meta(page, read.take)
        return read.prepared.markdown

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Finish the answer's HTML, unless it came finished from the answer rendered ahead."""
        read = self._reads.get(page.file.src_uri)
        prepared = read.prepared if read else None
        if prepared is None:
            return None
        if isinstance(page, QuickTakePage) and page.prerendered and page.read.rendered:
            # `html` is that answer already, maybe changed since by an earlier plugin: kept.
            self._note_finished(page, page.read.rendered.finished)
            return None
        finished = finish_answer_html(html, prepared, self._read_settings.render)
        _fill_toc_titles(page.toc, prepared)
        self._note_finished(page, finished)
        return finished.html

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> None:
        """Start computing the Q&A pages' views and head tags in a child, while MkDocs builds.

        Every page is read and rendered by now, so all they depend on is known.
        """
        self._stop_helpers()
        # Read by the byline partial (under Sphinx it is not defined: the sort key stays).
        env.globals["qt_date_sort"] = self.config.search_date_sort
        if self._takes:
            _check_template(env, self.config.template)
        if len(self._takes) < LOOKAHEAD_PAGES or self.config.workers == 1:
            return
        # In MkDocs' build order, so each result arrives just before its page is built.
        pages = {
            file.src_uri: file.page
            for file in files.documentation_pages()
            if file.src_uri in self._takes and file.page is not None
        }
        self._lookahead = Lookahead.start(list(pages), lambda src: self._page_work(pages[src]))

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        """Hand the Q&A and hub layouts their plain-text views of the page."""
        hub = self._build.hub(page) if self._build else None
        if self._build is not None and hub is not None:
            name = "qt_hub" if hub.subject_key else "qt_subjects"
            context[name] = self._build.hub_view(hub)  # type: ignore[literal-required]
            return context
        if page.file.src_uri not in self._takes:
            return None
        work = self._lookahead.get(page.file.src_uri) if self._lookahead else None
        work = work or self._page_work(page)
        self._report.log(log, list(work.problems))
        self._page_heads[page.file.src_uri] = work
        # TemplateContext lists only MkDocs' own keys; themes and plugins add theirs.
        context["quicktake"] = work.view  # type: ignore[typeddict-unknown-key]
        return context

    # Late, so tags that other plugins add to the head are replaced too.
    @event_priority(-50)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Leave exactly one of each title, meta, canonical, social and JSON-LD tag in the head."""
        if self._site is None:
            return None
        hub = self._build.hub(page) if self._build else None
        if self._uses_pagefind and hub is None and page.file.src_uri not in self._takes:
            return mark_plain_page(output)  # Q&A pages and hubs are marked by their templates
        if self._build is not None and hub is not None:
            fallback = config.site_description or ""
            tags = self._build.hub_head(
                hub, page.canonical_url or "", self._site, self._head_options, fallback
            )
            return replace_head_tags(output, tags)
        take = self._takes.get(page.file.src_uri)
        if take is None:
            return None
        work = self._page_heads.pop(page.file.src_uri, None)
        if work is None or work.canonical_url != (page.canonical_url or ""):
            # Another plugin moved the page after its head tags were made: made again.
            head = prepare_head_tags(self._question_head(page, take))
        else:
            head = work.head
        return place_head_tags(output, head)

    def _page_work(self, page: Page) -> PageWork:
        """The view and head tags of a Q&A page; also run ahead, in the lookahead's child."""
        take = self._takes[page.file.src_uri]
        view, problems = build_view(take, locale=cast("Locale", self._locale), labels=self._labels)
        if self._build is not None:
            view = self._build.with_site_links(view, take)
        if "<math" in (page.content or ""):
            view = replace(view, math=True)
        head = prepare_head_tags(self._question_head(page, take))
        return PageWork(view, tuple(problems), head, page.canonical_url or "")

    def _question_head(self, page: Page, take: QuickTake) -> HeadTags:
        site = cast(SiteInfo, self._site)
        return question_head_tags(take, self._head_options, site, self._page_info(take, page))

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """End the build with one summary of its problems, and write the report file if asked."""
        self._stop_helpers()
        if not self.config.enabled:
            return
        self._cache_folder = self._cache_dir(config) if self.config.cache_dir else None
        if not self._serving:
            self._save_cache()
        report_file = self.config.report_file
        if report_file:
            path = _config_folder(config) / report_file
            if error := write_report(self._report, path):
                log.warning(f"option 'report_file': could not write {error}")
        self._report.log_summary(log, report_file=report_file or "")
        self._finish_sitemap(config)
        if self._uses_pagefind:
            self._index_with_pagefind(config)

    @property
    def _uses_pagefind(self) -> bool:
        return bool(self.config.enabled and self.config.search_engine == "pagefind")

    def _configure_search(self, config: MkDocsConfig) -> None:
        """Wire the theme's search box to Pagefind; warn once if MkDocs' search is also on."""
        if not self._uses_pagefind:
            return
        warning = configure_pagefind(config).warning
        if warning and not self._search_warned:
            self._search_warned = True
            log.warning(warning)

    def _search_text(self, page: Page) -> tuple[str, str] | None:
        """What MkDocs' search indexes of a page of this plugin: a plain-text title and HTML."""
        take = self._takes.get(page.file.src_uri)
        hub = self._build.hub(page) if self._build and take is None else None
        if take is None and hub is None:
            return None
        # page.title is HTML-escaped for the themes (see _set_page_meta); the index wants text.
        title = unescape(page.title or "")
        if take is None or self.config.search_text == "full":
            return title, page.content or ""
        headings = [(item.id, item.title) for item in _flat_toc(page.toc)]
        summary = search_summary_html(take.question, take.description, take.keywords, headings)
        return title, summary

    def _finish_sitemap(self, config: MkDocsConfig) -> None:
        """Split sitemap.xml into a sitemap index and its parts when one file is too large."""
        try:
            parts = split_sitemap(Path(config.site_dir), config.site_url or "")
        except (OSError, ValueError) as error:
            log.warning(f"sitemap.xml could not be split into parts: {error}")
            return
        if parts:
            log.info(f"sitemap.xml is a sitemap index of {parts} sitemaps (sitemap-1.xml, ...)")

    def _index_with_pagefind(self, config: MkDocsConfig) -> None:
        start = time.perf_counter()
        # Under serve, a rebuild that changed no HTML page gets the last bundle back.
        digest = site_pages_digest(config.site_dir) if self._serving else ""
        if digest and self._kept_pagefind.restore(config.site_dir, digest):
            kept = time.perf_counter() - start
            log.info(f"no page changed since Pagefind last ran: its index was kept ({kept:.1f} s)")
            return
        try:
            files = build_pagefind_index(config.site_dir)
        except (OSError, RuntimeError) as error:
            raise PluginError(f"quicktakes: option 'search_engine: pagefind': {error}") from error
        if digest:
            self._kept_pagefind.keep(config.site_dir, digest)
        seconds = time.perf_counter() - start
        log.info(f"Pagefind read the {files} HTML files of the site in {seconds:.1f} s")

    def on_build_error(self, *, error: Exception) -> None:
        """Stop the processes working ahead of the build when it fails."""
        self._stop_helpers()

    def _stop_helpers(self) -> None:
        """Stop the processes reading files or computing pages ahead, if any still run."""
        if self._read_ahead is not None:
            self._read_ahead.close()
            self._read_ahead = None
        if self._lookahead is not None:
            self._lookahead.close()
            self._lookahead = None
        self._page_heads = {}

    def _save_cache(self) -> None:
        if self._cache_folder and (error := self._read_cache.save(self._cache_folder)):
            log.warning(f"option 'cache_dir': could not write {error}")

    def _cache_dir(self, config: MkDocsConfig) -> Path:
        return _config_folder(config) / (self.config.cache_dir or "")

    def _resolve_locale(self, config: MkDocsConfig) -> Locale:
        name = self.config.locale or config.theme.get("language") or str(config.theme.locale)
        try:
            return resolve_locale(str(name))
        except ValueError as error:
            raise PluginError(f"quicktakes: option 'locale': {error}") from error

    def _make_read_settings(self, config: MkDocsConfig) -> ReadSettings:
        extensions, _ = answer_extensions(config.markdown_extensions)
        render = RenderSettings(
            extensions=tuple(extensions),
            extension_configs=answer_extension_configs(config.mdx_configs or {}),
            math=cast(MathMode, self.config.math),
            math_macros=math_macros(self.config.math_macros),
            answer_html=cast("AnswerHtml", self.config.answer_html),
            answer_text=needs_answer_text(self.config.structured_data),
        )
        return ReadSettings(
            max_answer_bytes=self.config.max_answer_bytes,
            fix_mojibake=self.config.fix_mojibake,
            nested_fences=nested_fences_mode(extensions),
            render=render,
            # Extension objects (plugins add some) keep state for their plugin: MkDocs renders.
            render_ahead=self.config.render_ahead and all(isinstance(e, str) for e in extensions),
            time_limit=max(0.0, float(self.config.time_limit)),
        )

    def _note_finished(self, page: Page, finished: FinishedHtml) -> None:
        """Keep the answer's text for the JSON-LD and report its formulas that failed."""
        src_uri = page.file.src_uri
        self._answer_texts[src_uri] = finished.text
        macros = self._read_settings.render.math_macros
        self._report.log(log, formula_problems(src_uri, finished, macros))

    def _set_page_meta(self, page: Page, take: QuickTake) -> None:
        # The allowlisted keys again, escaped (page_meta.py), in case a plugin supplied the
        # page's source; a template another plugin chose is kept.
        meta = page_meta(take, self.config.template)
        page.meta.setdefault("template", meta.pop("template"))
        page.meta.update(meta)
        if take.date is not None and (lastmod := sitemap_date(take.date)):
            # The sitemap's lastmod: the QuickTake's date, not the build date.
            page.update_date = lastmod

    def _site_settings(self, config: MkDocsConfig) -> SiteSettings:
        return SiteSettings(
            name=config.site_name,
            url=config.site_url or "",
            og_image=self.config.og_image or "",
            author_type=self.config.author_type,
            author_url=self.config.author_url or "",
            digital_source_type=self.config.digital_source_type or "",
        )

    def _page_info(self, take: QuickTake, page: Page) -> PageInfo:
        site = cast(SiteInfo, self._site)
        trail = self._build.catalog.breadcrumbs(take) if self._build else ()
        crumbs = tuple(PageRef(crumb.name, absolute_url(site.url, crumb.url)) for crumb in trail)
        return PageInfo(page.canonical_url or "", self._answer_texts.get(take.src_uri, ""), crumbs)


def _check_template(env: Environment, name: str) -> None:
    """Stop the build with one clear message, not a traceback, when ``template`` is missing."""
    try:
        env.get_template(name)
    except TemplateNotFound as error:
        raise PluginError(
            f"quicktakes: option 'template': no template {name!r} in the theme or its custom_dir"
        ) from error


def _config_folder(config: MkDocsConfig) -> Path:
    """The folder of ``mkdocs.yml``, which the file options are relative to."""
    return Path(config.config_file_path or "mkdocs.yml").parent


def nested_fences_mode(extensions: list[str]) -> NestedFences:
    """How code fences inside list items must be written for this site's Markdown extensions."""
    names = {name.rsplit(".", 1)[-1] for name in extensions if isinstance(name, str)}
    if "superfences" in names:
        return "fence"
    if "codehilite" in names:
        return "codehilite"
    return "indented"


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
