"""The MkDocs pages of the plugin: a QuickTake's, read and rendered before MkDocs asks, and a hub.

MkDocs lets a plugin give a file its own ``Page`` in ``on_files``. This one does not read the file
a second time (the plugin has its front matter already) and, when the answer was rendered ahead
(:mod:`mkdocs_quicktakes.answer.render`), does not convert it again: MkDocs gets the finished
HTML and the table of contents. Anything that changes the page's Markdown first (another plugin's
``on_page_markdown``, or links to other files that only MkDocs can resolve) sends the page
through MkDocs' own rendering instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from mkdocs_quicktakes.answer.render import answer_extension_configs, answer_extensions
from mkdocs_quicktakes.records.page_meta import page_meta

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files

    from mkdocs_quicktakes.site.catalog import HubPage as Hub
    from mkdocs_quicktakes.site.reading import ReadResult


class QuickTakePage(Page):
    """A QuickTakes page whose source the plugin has read (and maybe rendered) already."""

    def __init__(self, file: File, config: MkDocsConfig, read: ReadResult, template: str) -> None:
        super().__init__(None, file, config)
        self.read = read
        self.template = template
        """The option ``template``: the template of every QuickTakes page."""
        self.prerendered = False
        """Whether the content came from the answer rendered ahead (already finished)."""

    def read_source(self, config: MkDocsConfig) -> None:
        """Give the page its allowlisted meta; the source is another plugin's, if one supplies it.

        No key of the front matter reaches ``page.meta`` as written: only those of
        :data:`~mkdocs_quicktakes.records.page_meta.PAGE_META_KEYS`, made by the plugin (escaped).
        """
        if config.plugins.events["page_read_source"]:
            super().read_source(config)
        else:
            self.markdown = ""  # the body of a QuickTakes file is only a placeholder
        self.read_own_meta()

    def read_own_meta(self) -> None:
        """Give the page the allowlisted meta of its QuickTake (escaped)."""
        take = self.read.take
        self.meta = page_meta(take, self.template) if take is not None else {}

    def render(self, config: MkDocsConfig, files: Files) -> None:
        """Hand MkDocs the answer rendered ahead, or render the page the usual way."""
        rendered, prepared = self.read.rendered, self.read.prepared
        self.prerendered = (
            rendered is not None
            and prepared is not None
            and not rendered.local_links
            and self.markdown == prepared.markdown
        )
        if not self.prerendered or rendered is None:
            self._render_without_file_readers(config, files)
            return
        self.content = rendered.finished.html
        # Python-Markdown's token dicts, which MkDocs types as a TypedDict of the same keys.
        tokens: list[Any] = [heading.token() for heading in rendered.toc]
        self.toc = get_toc(tokens)
        self.present_anchor_ids = set(rendered.anchor_ids)
        if rendered.self_anchors:
            self.links_to_anchors = {self.file: dict(rendered.self_anchors)}

    def _render_without_file_readers(self, config: MkDocsConfig, files: Files) -> None:
        """Render the page as MkDocs does, without the extensions that read files or run code.

        MkDocs makes its ``Markdown`` from the config, so the config holds the answers'
        extensions while this one page renders (pages render one at a time).
        """
        extensions, configs = config["markdown_extensions"], config["mdx_configs"]
        config["markdown_extensions"] = answer_extensions(extensions)[0]
        config["mdx_configs"] = answer_extension_configs(configs or {})
        try:
            super().render(config, files)
        finally:
            config["markdown_extensions"], config["mdx_configs"] = extensions, configs


class HubPage(Page):
    """A page the plugin generates: the hub of one subject (one page of it) or the subjects index.

    Its body is empty: the list is in its template, so search does not index answers twice.
    """

    def __init__(self, file: File, config: MkDocsConfig, hub: Hub) -> None:
        super().__init__(None, file, config)
        self.hub = hub

    def read_own_meta(self) -> None:
        """What ``read_source`` gives a hub, whose file is empty: no meta (the plugin sets it)."""
        self.meta = {}
