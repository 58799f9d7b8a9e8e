"""The MkDocs adapter: each hook guards, delegates to the build and stores the result.

The plugin holds the current :class:`Build` (its settings, its state, its report), the speed
machinery and what must outlive a rebuild of ``mkdocs serve`` (the object survives rebuilds
because it defines ``on_startup``). Everything else lives in the build, made afresh each time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger

from mkdocs_quicktakes.build.build import Build
from mkdocs_quicktakes.build.search import KeptPagefindBundle, configure_pagefind
from mkdocs_quicktakes.config import QuickTakesConfig
from mkdocs_quicktakes.speed.machinery import Speed

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.utils.templates import TemplateContext

    from mkdocs_quicktakes.html.views import PageWork

log = get_plugin_logger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"
DIRTY_HINT_PAGES = 1000
"""From this many QuickTakes pages on, ``mkdocs serve`` without ``--dirty`` suggests it."""


class QuickTakesPlugin(BasePlugin[QuickTakesConfig]):
    """Render every page whose front matter has ``question`` and ``answer`` as a Q&A page."""

    def __init__(self) -> None:
        self.build: Build | None = None
        """This build, from ``on_config`` on; ``None`` while the plugin is disabled."""
        self.speed: Speed[PageWork] = Speed()
        # What outlives rebuilds of `mkdocs serve`: each message below is given once a session.
        self._serving = False
        self._hint_dirty = False
        self._cleaning = False
        """``mkdocs serve`` without ``--dirty``: MkDocs empties site_dir before each rebuild."""
        self._search_warned = False
        self._kept_pagefind = KeptPagefindBundle()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Note the command; defining this hook makes MkDocs keep this object across rebuilds.

        ``mkdocs serve`` then re-uses the read cache, so unchanged pages are not read again.
        """
        self._serving = command == "serve"
        self._hint_dirty = self._serving and not dirty
        self._cleaning = self._serving and not dirty
        self._search_warned = False

    def on_shutdown(self) -> None:
        """Write the cache of ``mkdocs serve`` once, when it stops, not after every rebuild."""
        self.speed.close()
        self.speed.remove_spill()
        self.speed.pages.close()
        self._kept_pagefind.close()
        if self._serving:
            self._save_cache()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Start a new build and register the templates before the theme environment exists."""
        # Even when disabled: no page of an earlier build (the object lives on) is touched.
        self.build = None
        if not self._serving:  # one serve session warns once, not at each rebuild
            self._search_warned = False
        if not self.config.enabled:
            return None
        self.build = Build.configure(self.config, config, self.speed, log)
        # Appended, so a file of the same name in the theme or custom_dir wins.
        config.theme.dirs.append(str(TEMPLATES_DIR))
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Start reading the Markdown files in worker processes while MkDocs cleans site_dir.

        The files are read again in ``on_files``; what was read ahead is used only for the
        same bytes and settings.
        """
        self.speed.close()
        if self._cleaning:  # the pages kept in place, out of the way of MkDocs' cleaning
            self.speed.pages.set_aside(config.site_dir)
        if self.build is None:
            return
        if self.build.settings.uses_pagefind:
            self._configure_pagefind(config)
        self.build.read_ahead(config, plugin=self, serving=self._serving)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Read every page's front matter once, move pages to their urls, add hubs and feeds.

        Runs before the nav and any page exist, so every page can link to every other one.
        """
        if self.build is None:
            return None
        try:
            self.build.add_files(files, config)
        finally:
            self.speed.close()
        # pipeline: direct, or auto on a large site: Q&A pages leave MkDocs' loop (direct.py)
        if self.build.wants_direct(config, plugin=self):
            store = self.speed.pages if self._serving else None
            self.build.take_out_direct(files, config, plugin=self, store=store)
        pages = len(self.build.takes)
        # Not with the direct pipeline, whose page store rebuilds only what changed anyway.
        direct = self.build.direct is not None and bool(self.build.direct.direct)
        if self._hint_dirty and pages >= DIRTY_HINT_PAGES and not direct:
            self._hint_dirty = False  # once per `mkdocs serve`
            self.build.report.note(
                f"{pages} QuickTakes pages: each rebuild after an edit builds them all; "
                "`mkdocs serve --dirty` rebuilds only the edited pages, the hubs and the feeds"
            )
        return files

    def on_nav(
        self, nav: Navigation, /, *, config: MkDocsConfig, files: Files
    ) -> Navigation | None:
        """Put the hubs in the nav under one section; Q&A pages are already out of it."""
        if self.build is None:
            return None
        self.build.arrange_nav(nav, config, files)
        return nav

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Swap the placeholder body for the decoded answer, so MkDocs renders it like any page."""
        return self.build.page_markdown(page) if self.build else None

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Finish the answer's HTML, unless it came finished from the answer rendered ahead."""
        return self.build.page_content(page, html) if self.build else None

    def _on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> None:
        """Start computing the Q&A pages' views and head tags in a child, while MkDocs builds."""
        self.speed.close()
        # Read by the byline partial (under Sphinx it is not defined: the sort key stays).
        env.globals["qt_date_sort"] = self.config.search_date_sort
        if self.build is not None:
            self.build.look_ahead(env, files)

    # Last, so the workers of `pipeline: direct` fork with the environment every plugin left.
    @event_priority(-100)
    def _start_direct(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> None:
        if self.build is not None:
            self.build.start_direct(env)

    on_env = CombinedEvent(_on_env, _start_direct)

    # First, so the search plugin has not indexed the page yet (pipeline: direct).
    @event_priority(100)
    def _note_search_start(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> None:
        if self.build is not None:
            self.build.note_search_start(page)

    def on_template_context(
        self, context: TemplateContext, /, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext | None:
        """List the Q&A pages of ``pipeline: direct`` in the sitemap."""
        return self.build.template_context(template_name, context) if self.build else None

    def _on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        """Hand the Q&A and hub layouts their plain-text views of the page."""
        return self.build.page_context(page, context) if self.build else None

    on_page_context = CombinedEvent(_note_search_start, _on_page_context)

    # Late, so tags that other plugins add to the head are replaced too.
    @event_priority(-50)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Leave exactly one of each title, meta, canonical, social and JSON-LD tag in the head."""
        return self.build.post_page(page, output, config) if self.build else None

    # First, so the search plugin writes its index with the entries of pipeline: direct.
    @event_priority(100)
    def _finish_direct(self, *, config: MkDocsConfig) -> None:
        if self.build is not None:
            self.build.finish_direct()

    def _on_post_build(self, *, config: MkDocsConfig) -> None:
        """End the build with one summary of its problems, and write the report file if asked."""
        self.speed.close()
        self.speed.pages.drop_aside()  # pages set aside that this build did not take back
        if self.build is None:
            return
        if not self._serving:
            self._save_cache()
        # Under serve, a rebuild that changed no HTML page gets the last Pagefind bundle back.
        self.build.finish(config, self._kept_pagefind if self._serving else None)

    # Last, once the search plugin is done: the direct pipeline may write its index instead.
    @event_priority(-100)
    def _write_search_index(self, *, config: MkDocsConfig) -> None:
        try:
            if self.build is not None:
                self.build.write_search_index(config)
        finally:
            self.speed.remove_spill()  # every page and the search index are written

    on_post_build = CombinedEvent(_finish_direct, _on_post_build, _write_search_index)

    def on_build_error(self, *, error: Exception) -> None:
        """Stop the processes working ahead of the build when it fails."""
        self.speed.close()
        self.speed.pages.drop_aside()
        if self.build is not None:
            self.build.stop_direct()
        self.speed.remove_spill()

    def _configure_pagefind(self, config: MkDocsConfig) -> None:
        """Wire the theme's search box to Pagefind; warn once if MkDocs' search is also on."""
        warning = configure_pagefind(config).warning
        if warning and not self._search_warned and self.build is not None:
            self._search_warned = True
            self.build.report.warn(warning)

    def _save_cache(self) -> None:
        # A cache folder is set by a build, so there is one to report to.
        if (error := self.speed.save_cache()) and self.build is not None:
            self.build.report.warn(f"option 'cache_dir': could not write {error}")
