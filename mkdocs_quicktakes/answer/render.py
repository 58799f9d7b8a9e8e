"""Rendering a prepared answer to its finished HTML, ahead of MkDocs.

MkDocs converts every page with a new ``Markdown`` instance, one page after another. The plugin
renders answers itself, before MkDocs asks, with one re-used instance configured exactly like
MkDocs' own (the site's ``markdown_extensions`` and ``mdx_configs``), in worker processes when
there are many; MkDocs then receives finished HTML. The steps after conversion (sanitising, the
plain text for JSON-LD, the formulas) are :func:`finish_answer_html`, which the plugin also
applies to HTML that MkDocs rendered, so both paths give the same page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor

from mkdocs_quicktakes.answer.math import conversion_error, fill_math, fill_math_text
from mkdocs_quicktakes.answer.sanitize import sanitize_html, sanitize_text
from mkdocs_quicktakes.answer.search_text import IndexedHtml, index_sanitized_html
from mkdocs_quicktakes.answer.text import answer_text
from mkdocs_quicktakes.records.model import Problem

if TYPE_CHECKING:
    from collections.abc import Sequence
    from xml.etree.ElementTree import Element

    from mkdocs_quicktakes.answer.math import MathMacros, MathMode
    from mkdocs_quicktakes.answer.placeholders import MathSpan, PreparedAnswer
    from mkdocs_quicktakes.answer.sanitize import AnswerHtml

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


_UNSAFE_IN_ATTRIBUTE = re.compile(r"[\"'<>&]")
_ID = re.compile(r"""<[^>]*?\s(?:id|name)="([^"]+)\"""")
# Python-Markdown writes e-mail links with this marker; MkDocs leaves such links alone too.
_AMP_SUBSTITUTE = "\x02amp\x03"


FILE_READING_EXTENSIONS: tuple[str, ...] = (
    "pymdownx.snippets",  # --8<-- "file" puts a file (or a URL) into the page
    "pymdownx.b64",  # embeds image files of the project
    "markdown_include",  # markdown-include: {!file!}
    "mdx_include",  # {! file !}
    "plantuml_markdown",  # reads diagram files, calls a PlantUML server or program
    "markdown_inline_graphviz",  # runs the dot program
)
"""Markdown extensions (by module) never applied to answers: they read files or run programs named
in the text, so an answer could publish a file of the project."""
CODE_RUNNING_FENCES = ("markdown_exec",)
"""Modules whose ``pymdownx.superfences`` custom fences run the code of a block (``exec="on"``);
answers are rendered without those fences."""
_SUPERFENCES = "pymdownx.superfences"


def _module_of(extension: object) -> str:
    """The module an entry of ``markdown_extensions`` comes from (a name or an object)."""
    if isinstance(extension, str):
        return extension.split(":", 1)[0]
    return type(extension).__module__


def _from_any(module: str, names: Sequence[str]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in names)


def answer_extensions(extensions: Sequence[Any]) -> tuple[list[Any], list[str]]:
    """The site's Markdown extensions that answers are rendered with, and the names left out.

    Args:
        extensions: The site's ``markdown_extensions`` (names or extension objects).

    Returns:
        The extensions without those of :data:`FILE_READING_EXTENSIONS`, and the modules of
        those left out.
    """
    kept, dropped = [], []
    for extension in extensions:
        module = _module_of(extension)
        if _from_any(module, FILE_READING_EXTENSIONS):
            dropped.append(module)
        else:
            kept.append(extension)
    return kept, dropped


def answer_extension_configs(configs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The site's ``mdx_configs`` for answers: superfences without fences that run code."""
    fences = configs.get(_SUPERFENCES, {}).get("custom_fences")
    if not fences:
        return configs
    safe = [
        fence
        for fence in fences
        if not any(
            _from_any(getattr(fence.get(key), "__module__", None) or "", CODE_RUNNING_FENCES)
            for key in ("format", "validator")
        )
    ]
    if len(safe) == len(fences):
        return configs
    return {**configs, _SUPERFENCES: {**configs[_SUPERFENCES], "custom_fences": safe}}


@dataclass(frozen=True)
class RenderSettings:
    """Everything an answer's HTML depends on besides the answer.

    Attributes:
        extensions: The site's ``markdown_extensions``, by name, without those that read files
            (see :func:`answer_extensions`).
        extension_configs: The site's ``mdx_configs``, without fences that run code.
        math: The option ``math``.
        math_macros: The option ``math_macros``, checked and sorted.
        answer_html: The option ``answer_html``.
        answer_text: Whether to keep the answer as plain text (JSON-LD that holds the answer).
        index_html: Whether to split the sanitized HTML as a search index reads it (MkDocs'
            search indexes whole answers), so building the page does not parse it again.
    """

    extensions: tuple[str, ...] = ()
    extension_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    math: MathMode = "mathml"
    math_macros: MathMacros = ()
    answer_html: AnswerHtml = "sanitize"
    answer_text: bool = False
    index_html: bool = False


@dataclass(frozen=True)
class FinishedHtml:
    """An answer's HTML after the plugin's own steps.

    Attributes:
        html: Sanitised (unless trusted), formulas in place.
        text: The answer as plain text, formulas as LaTeX; ``""`` unless asked for.
        failures: The formulas that could not be converted, shown as source.
        indexed: ``html`` as MkDocs' search reads it, when asked for and sanitised.
    """

    html: str
    text: str
    failures: tuple[MathSpan, ...]
    indexed: IndexedHtml | None = None


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
    # Plain text (escaped for JSON later), taken before the formulas go in, so each one reads
    # as its LaTeX.
    text = answer_text(html, prepared) if settings.answer_text else ""
    html, failures = fill_math(
        html,
        prepared.math,
        mode=settings.math,
        token=prepared.token,
        macros=settings.math_macros,
    )
    if settings.answer_html != "sanitize":
        return FinishedHtml(html, text, tuple(failures))
    # The last step: nothing changes the HTML after it, so nothing can undo it.
    html = sanitize_html(html)
    indexed = index_sanitized_html(html) if settings.index_html else None
    return FinishedHtml(html, text, tuple(failures), indexed)


def formula_problems(
    src_uri: str, finished: FinishedHtml, macros: MathMacros = ()
) -> list[Problem]:
    """One problem for each formula of an answer that could not be converted (shown as source)."""
    expected = "LaTeX that converts to MathML (it is shown as source)"
    return [
        Problem(src_uri, "answer", expected, f"{span.source} ({conversion_error(span, macros)})")
        for span in finished.failures
    ]


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
            toc=toc_headings(tokens, prepared),
            anchor_ids=tuple(_ID.findall(finished.html)),
            self_anchors=dict(self._links.self_anchors),
            local_links=self._links.local_links,
        )


def toc_headings(tokens: list[TocToken], prepared: PreparedAnswer) -> tuple[TocHeading, ...]:
    """The headings of Python-Markdown's TOC tokens, each made safe by :func:`toc_title`."""
    return tuple(
        TocHeading(
            token["level"],
            toc_id(token["id"]),
            toc_title(token["name"], prepared),
            toc_headings(token["children"], prepared),
        )
        for token in tokens
    )


def toc_title(name: str, prepared: PreparedAnswer) -> str:
    """A heading's TOC title: escaped text, each formula as its LaTeX, no tag left.

    Themes print TOC titles unescaped (mkdocs, material), so the title is sanitised to text
    after its formulas are filled in.
    """
    return sanitize_text(fill_math_text(name, prepared.math, prepared.token, escape=True))


def toc_id(anchor: str) -> str:
    """A heading's id as the TOC links to it: escaped where themes print it raw (``href="#…"``).

    Slugs never need it; an id written with ``attr_list`` might.
    """
    return html.escape(anchor) if _UNSAFE_IN_ATTRIBUTE.search(anchor) else anchor


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
