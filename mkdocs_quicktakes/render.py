"""Rendering a prepared answer to its finished HTML, ahead of MkDocs.

MkDocs converts every page with a new ``Markdown`` instance, one page after another. The plugin
renders answers itself, before MkDocs asks, with one re-used instance configured exactly like
MkDocs' own (the site's ``markdown_extensions`` and ``mdx_configs``), in worker processes when
there are many; MkDocs then receives finished HTML. The steps after conversion (sanitising, the
plain text for JSON-LD, the formulas) are :func:`finish_answer_html`, which the plugin also
applies to HTML that MkDocs rendered, so both paths give the same page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor

from mkdocs_quicktakes.mathml import fill_math, fill_math_text
from mkdocs_quicktakes.model import Problem
from mkdocs_quicktakes.sanitize import sanitize_html
from mkdocs_quicktakes.seo import answer_text

if TYPE_CHECKING:
    from collections.abc import Sequence
    from xml.etree.ElementTree import Element

    from mkdocs_quicktakes.answer import MathSpan, PreparedAnswer
    from mkdocs_quicktakes.mathml import MathMode
    from mkdocs_quicktakes.sanitize import AnswerHtml

TocToken = dict[str, Any]
"""One heading of Python-Markdown's ``toc_tokens``: ``level``, ``id``, ``name``, ``children``."""


class TocHeading(NamedTuple):
    """One heading of an answer's table of contents, as MkDocs reads it from a TOC token.

    A tuple rather than Python-Markdown's dict: a large site keeps thousands of them.
    """

    level: int
    id: str
    name: str
    """The title as text, each formula as its LaTeX."""
    children: tuple[TocHeading, ...]

    def token(self) -> TocToken:
        """The heading, and those under it, as a Python-Markdown TOC token."""
        children = [child.token() for child in self.children]
        return {"level": self.level, "id": self.id, "name": self.name, "children": children}


_ID = re.compile(r"""<[^>]*?\s(?:id|name)="([^"]+)\"""")
# Python-Markdown writes e-mail links with this marker; MkDocs leaves such links alone too.
_AMP_SUBSTITUTE = "\x02amp\x03"


@dataclass(frozen=True)
class RenderSettings:
    """Everything an answer's HTML depends on besides the answer.

    Attributes:
        extensions: The site's ``markdown_extensions``, by name.
        extension_configs: The site's ``mdx_configs``.
        math: The option ``math``.
        answer_html: The option ``answer_html``.
        answer_text: Whether to keep the answer as plain text (JSON-LD that holds the answer).
    """

    extensions: tuple[str, ...] = ()
    extension_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    math: MathMode = "mathml"
    answer_html: AnswerHtml = "sanitize"
    answer_text: bool = False


@dataclass(frozen=True)
class FinishedHtml:
    """An answer's HTML after the plugin's own steps.

    Attributes:
        html: Sanitised (unless trusted), formulas in place.
        text: The answer as plain text, formulas as LaTeX; ``""`` unless asked for.
        failures: The formulas that could not be converted, shown as source.
    """

    html: str
    text: str
    failures: tuple[MathSpan, ...]


@dataclass(frozen=True)
class RenderedAnswer:
    """An answer rendered ahead of MkDocs: what MkDocs' own rendering would give a page.

    Attributes:
        finished: The HTML, its plain text and the formulas that failed.
        toc: The headings, formulas in their titles as LaTeX.
        anchor_ids: Every ``id`` and ``name`` in the HTML, for MkDocs' anchor validation.
        self_anchors: Links to anchors of the page itself, ``{anchor: link}``.
        local_links: Whether the answer links to files of the site, which only MkDocs can
            resolve; such an answer is left to MkDocs to render.
    """

    finished: FinishedHtml
    toc: tuple[TocHeading, ...]
    anchor_ids: tuple[str, ...]
    self_anchors: dict[str, str]
    local_links: bool


def finish_answer_html(
    html: str, prepared: PreparedAnswer, settings: RenderSettings
) -> FinishedHtml:
    """Apply the plugin's steps to an answer's HTML as Markdown rendered it.

    Args:
        html: The HTML of ``prepared.markdown``, formulas still placeholders.
        prepared: The prepared answer.
        settings: The build's render settings.
    """
    if settings.answer_html == "sanitize":
        # Before the formulas go in: the plugin's own MathML is not the author's HTML.
        html = sanitize_html(html)
    # Taken before the formulas are filled in, so each one reads as its LaTeX.
    text = answer_text(html, prepared.math) if settings.answer_text else ""
    if not prepared.math:
        return FinishedHtml(html, text, ())
    html, failures = fill_math(html, prepared.math, mode=settings.math)
    return FinishedHtml(html, text, tuple(failures))


def formula_problems(src_uri: str, finished: FinishedHtml) -> list[Problem]:
    """One problem for each formula of an answer that could not be converted (shown as source)."""
    expected = "LaTeX that converts to MathML (it is shown as source)"
    return [Problem(src_uri, "answer", expected, span.source) for span in finished.failures]


class AnswerRenderer:
    """Renders answers with one ``Markdown`` instance, reset between answers."""

    def __init__(self, settings: RenderSettings) -> None:
        self.settings = settings
        self._links = _LinkScanner()
        self._md = markdown.Markdown(
            extensions=list(settings.extensions), extension_configs=settings.extension_configs
        )
        # After every other tree step, where MkDocs looks at links too.
        self._md.treeprocessors.register(self._links, "quicktakes_links", 0)

    def render(self, prepared: PreparedAnswer) -> RenderedAnswer:
        """Convert, finish and describe one prepared answer."""
        self._md.reset()
        self._links.reset()
        html = self._md.convert(prepared.markdown)
        tokens: list[TocToken] = getattr(self._md, "toc_tokens", [])
        finished = finish_answer_html(html, prepared, self.settings)
        return RenderedAnswer(
            finished=finished,
            toc=toc_headings(tokens, prepared.math),
            anchor_ids=tuple(_ID.findall(finished.html)),
            self_anchors=dict(self._links.self_anchors),
            local_links=self._links.local_links,
        )


def toc_headings(tokens: list[TocToken], math: Sequence[MathSpan]) -> tuple[TocHeading, ...]:
    """The headings of Python-Markdown's TOC tokens, each formula in a title as its LaTeX."""
    return tuple(
        TocHeading(
            token["level"],
            token["id"],
            fill_math_text(token["name"], math),
            toc_headings(token["children"], math),
        )
        for token in tokens
    )


class _LinkScanner(Treeprocessor):
    """Notes the links MkDocs would rewrite or validate: to site files, and to own anchors."""

    def __init__(self) -> None:
        super().__init__()
        self.local_links = False
        self.self_anchors: dict[str, str] = {}

    def reset(self) -> None:
        self.local_links = False
        self.self_anchors = {}

    def run(self, root: Element) -> None:
        for element in root.iter():
            url = element.get("href") if element.tag == "a" else None
            url = element.get("src") if element.tag == "img" else url
            if url is not None:
                self._note(url)

    def _note(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or _AMP_SUBSTITUTE in url:
            return
        if parts.path or url.startswith(("/", "\\")):
            self.local_links = True
        elif parts.fragment:
            self.self_anchors.setdefault(parts.fragment, url)
