"""The MkDocs page of a QuickTake, read and rendered before MkDocs asks for it.

MkDocs lets a plugin give a file its own ``Page`` in ``on_files``. This one does not read the file
a second time (the plugin has its front matter already) and, when the answer was rendered ahead
(:mod:`mkdocs_quicktakes.render`), does not convert it again: MkDocs gets the finished HTML and the
table of contents. Anything that changes the page's Markdown first (another plugin's
``on_page_markdown``, or links to other files that only MkDocs can resolve) sends the page
through MkDocs' own rendering instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files

    from mkdocs_quicktakes.reading import ReadResult


class QuickTakePage(Page):
    """A QuickTakes page whose source the plugin has read (and maybe rendered) already."""

    def __init__(self, file: File, config: MkDocsConfig, read: ReadResult) -> None:
        super().__init__(None, file, config)
        self.read = read
        self.prerendered = False
        """Whether the content came from the answer rendered ahead (already finished)."""

    def read_source(self, config: MkDocsConfig) -> None:
        """Take the front matter the plugin read, unless another plugin supplies the source."""
        if config.plugins.events["page_read_source"]:
            super().read_source(config)
            self.meta.pop("answer", None)  # as below: the answer is the page's body
            return
        # A copy: plugins (this one too) set keys of page.meta; the read result is kept for
        # rebuilds, and the plugin reads a page's values from its own record, never from here.
        self.meta = dict(self.read.checked.source.meta)
        self.markdown = ""  # the body of a QuickTakes file is only a placeholder

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
            super().render(config, files)
            return
        self.content = rendered.finished.html
        # Python-Markdown's token dicts, which MkDocs types as a TypedDict of the same keys.
        tokens: list[Any] = [heading.token() for heading in rendered.toc]
        self.toc = get_toc(tokens)
        self.present_anchor_ids = set(rendered.anchor_ids)
        if rendered.self_anchors:
            self.links_to_anchors = {self.file: dict(rendered.self_anchors)}
