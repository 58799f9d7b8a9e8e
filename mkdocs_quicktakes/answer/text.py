"""An answer as plain text: all of it (JSON-LD, search) and its opening words (hubs, feeds)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from mkdocs_quicktakes.answer.fences import FENCE_OPEN
from mkdocs_quicktakes.answer.math import fill_math_text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mkdocs_quicktakes.answer.placeholders import PreparedAnswer

EXCERPT_LENGTH = 200
"""Characters of answer text a hub item shows at most."""

_HEADING_OR_TABLE_ROW = re.compile(r"[ ]*(?:#{1,6}[ ]|\|)")
_LIST_MARKER = re.compile(r"[ ]*(?:[-*+]|\d{1,9}[.)])[ ]+")
# Each pattern below starts with a literal or an alternation of literals, which lets `re` jump
# to where a match can start instead of trying every position of the answer.
_IMAGE_OR_LINK = re.compile(r"(?:!\[|\[)([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*\*|\*\*|\*|___|__)(?=\S)(.+?)(?<=\S)\1")
_CODE_SPAN = re.compile(r"(``*)(.+?)\1")
# Not `<[^>]*>`: on a run of `<` without `>` every `<` would scan to the end (quadratic).
_TAG = re.compile(r"<[^<>]*>")
_MARKUP_PER_CHARACTER = 20
"""Characters of Markdown read per character of excerpt at most: links and tags are long, but
an excerpt never needs the rest of a huge answer, and the patterns above must stay cheap."""


def answer_excerpt(prepared: PreparedAnswer, limit: int = EXCERPT_LENGTH) -> str:
    """The opening words of an answer as plain text: no Markdown, code blocks or display math.

    Inline formulas are kept as their LaTeX. Cut at a word boundary with ``…`` when longer than
    ``limit`` characters.
    """
    lines: list[str] = []
    # Only a link or a tag can run over a line break. Until one shows up, the plain text of the
    # first lines is the start of the answer's, so a long answer is read only as far as needed.
    read, next_try = 0, limit
    line_local = True
    for line in _running_text(prepared):
        lines.append(line)
        read += len(line)
        line_local = line_local and "[" not in line and "<" not in line
        if line_local and read > next_try:
            text = _plain_text(lines, prepared)
            if len(text) > limit:
                return _shorten(text, limit)
            next_try = 2 * read
    return _shorten(_plain_text(lines, prepared), limit)


def _running_text(prepared: PreparedAnswer) -> Iterator[str]:
    """Lines of running text without list markers: no fences, headings, tables or display math."""
    display = {prepared.placeholder(i) for i, span in enumerate(prepared.math) if span.display}
    fence = ""
    for line in prepared.markdown.split("\n"):
        opened = FENCE_OPEN.match(line)
        if fence:
            fence = "" if opened and opened.group(1).startswith(fence) else fence
            continue
        if opened:
            fence = opened.group(1)
            continue
        if _HEADING_OR_TABLE_ROW.match(line) or (display and line.strip() in display):
            continue
        marker = _LIST_MARKER.match(line)
        yield line[marker.end() :] if marker else line


def _plain_text(lines: list[str], prepared: PreparedAnswer) -> str:
    text = _plain_inline("\n".join(lines)[: EXCERPT_LENGTH * _MARKUP_PER_CHARACTER])
    return " ".join(fill_math_text(text, prepared.math, prepared.token).split())


def _plain_inline(text: str) -> str:
    # Each pattern needs its opening character: most answers skip most of them.
    if "](" in text:
        text = _IMAGE_OR_LINK.sub(r"\1", text)
    if "`" in text:
        text = _CODE_SPAN.sub(lambda m: m.group(2).strip(), text)
    if "*" in text or "__" in text:
        text = _EMPHASIS.sub(r"\2", text)
    if "<" in text:
        text = _TAG.sub("", text)
    return html.unescape(text)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.–—-") + "…"


_PARAGRAPH_TAGS = frozenset(
    {
        "p", "div", "pre", "blockquote", "ul", "ol", "dl", "table", "figure", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6", "details", "section", "article",
    }
)  # fmt: skip
_LINE_TAGS = frozenset({"li", "tr", "dt", "dd", "br", "summary", "figcaption", "caption"})
_CELL_TAGS = frozenset({"td", "th"})
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
     "wbr"}
)  # fmt: skip
_HIDDEN_TAGS = frozenset({"script", "style", "template"})
# Permalink and footnote back-reference anchors are navigation, not words of the answer.
_HIDDEN_CLASSES = frozenset({"headerlink", "footnote-backref"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


class _TextExtractor(HTMLParser):
    """Collects the words of rendered HTML, with line breaks where blocks and lines end."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._pending_breaks = 0
        self._hidden_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden_depth:
            self._hidden_depth += int(tag not in _VOID_TAGS)
            return
        classes = set((dict(attrs).get("class") or "").split())
        if tag in _HIDDEN_TAGS or classes & _HIDDEN_CLASSES:
            self._hidden_depth = int(tag not in _VOID_TAGS)
            return
        self._break_for(tag)
        if tag == "pre":
            self._pre_depth += 1
        elif tag in _CELL_TAGS and self.parts and not self._pending_breaks:
            self.parts.append(" ")
        elif tag == "img":
            self.handle_data(dict(attrs).get("alt") or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._hidden_depth:
            self._hidden_depth -= 1
            return
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)
        self._break_for(tag)

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        if not self._pre_depth:
            data = _HTML_SPACE.sub(" ", data)
            if self._pending_breaks or not self.parts or self.parts[-1].endswith(("\n", " ")):
                data = data.lstrip(" ")
        if not data:
            return
        if self._pending_breaks and self.parts:
            # A code block's own final line break counts towards the break after it.
            ending = len(self.parts[-1]) - len(self.parts[-1].rstrip("\n"))
            self.parts.append("\n" * max(0, self._pending_breaks - ending))
        self._pending_breaks = 0
        self.parts.append(data)

    def _break_for(self, tag: str) -> None:
        if tag in _PARAGRAPH_TAGS:
            self._pending_breaks = 2
        elif tag in _LINE_TAGS:
            self._pending_breaks = max(self._pending_breaks, 1)


def answer_text(html: str, prepared: PreparedAnswer) -> str:
    """The whole answer as plain text, each formula as its LaTeX.

    Args:
        html: The answer rendered from ``PreparedAnswer.markdown``, formulas still placeholders.
        prepared: The prepared answer.
    """
    return fill_math_text(html_to_text(html), prepared.math, prepared.token)


def html_to_text(html: str) -> str:
    """The words of rendered HTML as plain text: blocks apart by a blank line, lines by one break.

    Code blocks keep their spacing; permalink anchors (``¶``), scripts and styles are left out,
    and an image counts as its ``alt`` text.
    """
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = "".join(extractor.parts).split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()
