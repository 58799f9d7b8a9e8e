"""Block normalisation: parse CommonMark-style containers, write Python-Markdown.

Answers nest lists and code by two or three spaces, as CommonMark allows; Python-Markdown wants
four, and blank lines before lists and tables. Pure: imports nothing from MkDocs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from mkdocs_quicktakes.answer.fences import FENCE_OPEN, closes_fence, fence_of
from mkdocs_quicktakes.answer.placeholders import (
    PLACEHOLDER_PATTERN,
    MathSpan,
    placeholder_index,
)

NestedFences = Literal["fence", "indented", "codehilite"]


_LIST_ITEM = re.compile(r"(?P<indent>[ ]*)(?P<marker>[-*+]|(?P<number>\d{1,9})[.)])(?P<gap>[ ]+|$)")
_HEADING = re.compile(r"[ ]*#{1,6}(?:[ ]|$)")
_TABLE_DELIMITER = re.compile(r"[ ]*\|?[ ]*:?-+:?[ ]*(?:\|[ ]*:?-+:?[ ]*)*\|?[ ]*$")
# Lists nest at most this deep; deeper items become items of the deepest list. Each level costs
# Python-Markdown (and this module) several stack frames, and a few hundred levels would end the
# build with a RecursionError.
MAX_LIST_DEPTH = 16


@dataclass
class _Leaf:
    """A leaf block: paragraph (may hold display-math lines), heading, table or fence."""

    kind: Literal["paragraph", "heading", "table", "fence"]
    lines: list[str]
    fence_indent: int = 0


@dataclass
class _Item:
    """A list item; ``content_col`` is where its content starts in the source."""

    ordered: bool
    number: int
    content_col: int
    children: list[_Leaf | _List] = field(default_factory=list)
    blank_inside: bool = False  # a blank line separated two of its children


@dataclass
class _List:
    ordered: bool
    items: list[_Item] = field(default_factory=list)
    blank_between: bool = False  # a blank line separated two items


_Block = _Leaf | _List


def normalise_blocks(markdown: str, display_lines: DisplayLines, mode: NestedFences) -> str:
    """Re-indent ``markdown``'s CommonMark-style blocks for Python-Markdown (see module doc)."""
    blocks = _BlockParser(markdown.split("\n")).parse()
    _merge_interrupted_lists(blocks)
    _lift_headings(blocks)
    return _Writer(mode, display_lines).write(blocks).strip("\n") + "\n"


def _headings(blocks: list[_Block]) -> list[_Leaf]:
    found: list[_Leaf] = []
    for block in blocks:
        if isinstance(block, _List):
            for item in block.items:
                found.extend(_headings(item.children))
        elif block.kind == "heading":
            found.append(block)
    return found


def _lift_headings(blocks: list[_Block]) -> None:
    """Make the answer's top heading level ``<h2>``, keeping the levels below it relative.

    The page title is the ``<h1>``; answers start their sections at ``###``, which would skip a
    level in the outline and hide them from themes whose sidebar lists levels 1-2 only.
    """
    headings = _headings(blocks)
    levels = [
        len(h.lines[0].lstrip(" ")) - len(h.lines[0].lstrip(" ").lstrip("#")) for h in headings
    ]
    lift = min(levels, default=2) - 2
    if lift <= 0:
        return
    for heading in headings:
        heading.lines[0] = heading.lines[0].lstrip(" ")[lift:]


_DISPLAY_LINE = re.compile(f"[ ]*{PLACEHOLDER_PATTERN}[ ]*$")


class DisplayLines:
    """Recognises a line that is only the placeholder of a display formula."""

    def __init__(self, spans: tuple[MathSpan, ...], token: str) -> None:
        self.spans = spans
        self.token = token

    def __call__(self, line: str) -> bool:
        """Whether ``line`` holds one display formula and nothing else."""
        if not self.token or self.token not in line:
            return False
        match = _DISPLAY_LINE.match(line)
        if match is None or match.group(1) != self.token:
            return False
        index = placeholder_index(match.group(2))
        return index < len(self.spans) and self.spans[index].display


def _escape_marker(text: str) -> str:
    r"""Backslash-escape a list marker at the start of ``text`` (``- x`` -> ``\- x``)."""
    match = _LIST_ITEM.match(text)
    if match is None:
        return text
    end = match.end("marker") - 1
    return text[:end] + "\\" + text[end:]


def _padded(lines: list[str], pad: str) -> str:
    """The lines joined, each indented by ``pad``."""
    return pad + ("\n" + pad).join(lines) if pad and lines else "\n".join(lines)


def _may_open_block(text: str) -> bool:
    """Whether ``text`` (no leading spaces) may be anything but a line of a paragraph."""
    return text[0] in "`~#" or "|" in text or _LIST_ITEM.match(text) is not None


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class _BlockParser:
    """A small CommonMark-style block parser: list items, paragraphs, headings, tables, fences.

    Containers are matched by indentation (a line belongs to an item when it is indented
    to the item's content column); an unindented text line right after a paragraph is a
    lazy continuation of that paragraph, as in CommonMark.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.root: list[_Block] = []
        self.stack: list[_Item] = []
        self.paragraph: _Leaf | None = None
        self.blank = False  # the previous line was blank
        self.index = 0

    def parse(self) -> list[_Block]:
        while self.index < len(self.lines):
            self._line(self.lines[self.index])
            self.index += 1
        return self.root

    def _line(self, line: str) -> None:
        if "\t" in line:
            line = line.expandtabs(4)  # code lines never get here, so their tabs are kept
        stripped = line.strip()
        if not stripped:
            self.paragraph = None
            self.blank = True
            return
        indent = len(line) - len(line.lstrip(" "))
        depth = self._matched_depth(indent) if self.stack else 0
        # Each block but a paragraph starts with its own character: most lines need no pattern.
        first = line[indent]
        item = _LIST_ITEM.match(line) if first in "-*+" or first.isdigit() else None
        if item and self._may_start_item(item, depth):
            self._start_item(item, line, depth)
        elif first in "`~" and (fence := fence_of(line)) is not None:
            self._start_fence(line, fence, depth)  # wherever the scanner saw a fence
        elif first == "#" and _HEADING.match(line) and indent - self._column(depth) < 4:
            self._add_leaf(depth, _Leaf("heading", [stripped]))
        elif "|" in line and self._starts_table(line):
            self._start_table(depth)
        elif self.paragraph is not None and not self.blank:
            self.paragraph.lines.append(stripped)  # continuation, possibly lazy
        else:
            self._add_leaf(depth, _Leaf("paragraph", [stripped]))
        self.blank = False

    def _matched_depth(self, indent: int) -> int:
        depth = 0
        for item in self.stack:
            if indent < item.content_col:
                break
            depth += 1
        return depth

    def _column(self, depth: int) -> int:
        return self.stack[depth - 1].content_col if depth else 0

    def _children(self, depth: int) -> list[_Block]:
        return self.stack[depth - 1].children if depth else self.root

    def _close_to(self, depth: int) -> None:
        if len(self.stack) > depth:
            del self.stack[depth:]
            self.paragraph = None

    def _add_leaf(self, depth: int, leaf: _Leaf) -> None:
        self._close_to(depth)
        self._note_blank(depth)
        self._children(depth).append(leaf)
        self.paragraph = leaf if leaf.kind == "paragraph" else None
        self.blank = False

    def _note_blank(self, depth: int) -> None:
        if self.blank and depth and self.stack[depth - 1].children:
            self.stack[depth - 1].blank_inside = True

    def _may_start_item(self, match: re.Match[str], depth: int) -> bool:
        if match.start("marker") - self._column(depth) >= 4:
            return False  # too deep to be an item: text indented into the item above
        if self.paragraph is None or self.blank:
            return True
        if match.group("gap") == "":
            return False  # an empty item cannot interrupt a paragraph
        number = match.group("number")
        if number is None or number == "1":
            return True
        siblings = self._children(depth)
        return bool(siblings) and isinstance(siblings[-1], _List) and siblings[-1].ordered

    def _start_item(self, match: re.Match[str], line: str, depth: int) -> None:
        depth = min(depth, MAX_LIST_DEPTH - 1)
        self._close_to(depth)
        number = match.group("number")
        ordered = number is not None
        gap = len(match.group("gap"))
        content_col = match.end("marker") + (1 if gap == 0 or gap > 4 else gap)
        item = _Item(ordered, int(number) if number else 0, content_col)
        siblings = self._children(depth)
        last = siblings[-1] if siblings else None
        if isinstance(last, _List) and last.ordered == ordered:
            last.blank_between = last.blank_between or self.blank
            last.items.append(item)
        else:
            self._note_blank(depth)
            siblings.append(_List(ordered, [item]))
        self.stack.append(item)
        self.blank = False
        self.paragraph = None
        rest = line[match.end() :]
        text = rest.strip()
        if text and len(self.stack) >= MAX_LIST_DEPTH:
            # No deeper: the rest is text, even if it starts with another marker ("- - - x").
            self._add_leaf(len(self.stack), _Leaf("paragraph", [_escape_marker(text)]))
        elif text and _may_open_block(content := rest.lstrip(" ")):
            # The item's first line may itself open a block (a heading, a fence...).
            self._line(" " * content_col + content)
        elif text:
            self.paragraph = _Leaf("paragraph", [text])
            item.children.append(self.paragraph)  # what _add_leaf does for the newest item

    def _start_fence(self, line: str, fence: str, depth: int) -> None:
        leaf = _Leaf("fence", [line], fence_indent=_indent_of(line))
        self._add_leaf(depth, leaf)
        while self.index + 1 < len(self.lines):
            self.index += 1
            code_line = self.lines[self.index]
            leaf.lines.append(code_line)
            if closes_fence(code_line, fence):
                break

    def _starts_table(self, line: str) -> bool:
        following = self.lines[self.index + 1] if self.index + 1 < len(self.lines) else ""
        return line.lstrip().startswith("|") and _TABLE_DELIMITER.match(following) is not None

    def _start_table(self, depth: int) -> None:
        leaf = _Leaf("table", [self.lines[self.index].strip()])
        self._add_leaf(depth, leaf)
        while self.index + 1 < len(self.lines) and self.lines[self.index + 1].lstrip().startswith(
            "|"
        ):
            self.index += 1
            leaf.lines.append(self.lines[self.index].strip())


def _merge_interrupted_lists(blocks: list[_Block]) -> None:
    """Join ``1. a`` / unindented blocks / ``2. b`` back into one ordered list.

    The corpus often writes a formula or a code fence at column 0 between two numbered
    steps. CommonMark would end the list there and start a second list at 2, which
    Python-Markdown (ignoring start numbers) would number from 1 again. A reader sees
    the blocks as part of the step above, so they move into its last item.
    """
    for block in blocks:
        if isinstance(block, _List):
            for item in block.items:
                _merge_interrupted_lists(item.children)
    index = 0
    while index < len(blocks):
        first = blocks[index]
        end = _continuation_end(first, blocks, index) if isinstance(first, _List) else None
        if end is None:
            index += 1
            continue
        second = blocks[end]
        if isinstance(first, _List) and isinstance(second, _List):
            # Stay on this list: the joined list may be interrupted again further down.
            first.items[-1].children.extend(blocks[index + 1 : end])
            first.items[-1].blank_inside = True
            first.items.extend(second.items)
            first.blank_between = True
            del blocks[index + 1 : end + 1]
        else:
            index += 1


def _continuation_end(first: _List, blocks: list[_Block], index: int) -> int | None:
    """Index of the ordered list that continues ``first``'s numbering, if no heading intervenes."""
    if not first.ordered:
        return None
    expected = first.items[-1].number + 1
    for end in range(index + 1, len(blocks)):
        block = blocks[end]
        if isinstance(block, _List) and block.ordered:
            return end if block.items[0].number == expected and end > index + 1 else None
        if isinstance(block, _Leaf) and block.kind == "heading":
            return None
    return None


class _Writer:
    """Writes parsed blocks as Python-Markdown: 4 spaces per level, blank lines between blocks."""

    def __init__(self, mode: NestedFences, is_display: DisplayLines) -> None:
        self.mode = mode
        self.is_display = is_display

    def write(self, blocks: list[_Block], depth: int = 0) -> str:
        chunks: list[str] = []
        previous: _Block | None = None
        for block in blocks:
            if isinstance(previous, _List) and self._needs_separator(block, depth):
                chunks.append("    " * depth + "<!-- -->")
            chunks.append(self._block(block, depth))
            previous = block
        return "\n\n".join(chunks)

    def _needs_separator(self, block: _Block, depth: int) -> bool:
        """Whether Python-Markdown would glue ``block`` onto the list just before it.

        It appends a list to a directly preceding list of the other type, and reads an
        indented code block after a nested list as a paragraph of that list's last item.
        An HTML comment between them ends the list and shows nothing.
        """
        if isinstance(block, _List):
            return True
        return block.kind == "fence" and depth > 0 and self.mode != "fence"

    def _block(self, block: _Block, depth: int) -> str:
        pad = "    " * depth
        if isinstance(block, _List):
            return self._list(block, depth)
        if block.kind == "paragraph":
            return self._paragraph(block.lines, pad)
        if block.kind == "fence":
            return self._fence(block, depth)
        return _padded(block.lines, pad)

    def _paragraph(self, lines: list[str], pad: str) -> str:
        """Write a paragraph; each display-math line becomes a paragraph of its own."""
        if not any(map(self.is_display, lines)):
            return _padded(lines, pad)
        groups: list[list[str]] = [[]]
        for line in lines:
            if self.is_display(line):
                groups.extend([[line], []])
            else:
                groups[-1].append(line)
        return "\n\n".join(_padded(group, pad) for group in groups if group)

    def _list(self, block: _List, depth: int) -> str:
        loose = block.blank_between or not all(map(self._is_tight, block.items))
        rendered = [self._item(block, item, depth, loose) for item in block.items]
        return ("\n\n" if loose else "\n").join(rendered)

    def _item(self, block: _List, item: _Item, depth: int, loose: bool) -> str:
        marker = f"{item.number}. " if block.ordered else "- "
        pad = "    " * depth
        children = item.children
        first = children[0] if children else None
        if isinstance(first, _Leaf) and first.kind in ("paragraph", "heading"):
            # The first line goes after the marker, in place of its indentation.
            head = pad + marker + self._block(first, depth + 1).lstrip(" ")
            children = children[1:]
        else:
            head = pad + marker + "&nbsp;"  # Python-Markdown needs item text
        parts = [head]
        if children:
            body = self.write(children, depth + 1)
            parts.append(body)
        return ("\n\n" if loose else "\n").join(parts)

    def _fence(self, block: _Leaf, depth: int) -> str:
        opening = block.lines[0].strip()
        match = FENCE_OPEN.match(opening)
        fence = match.group(1) if match else "```"
        info = opening[len(fence) :].strip()
        code = block.lines[1:]
        closed = bool(code) and closes_fence(code[-1], fence)
        if closed:
            code = code[:-1]
        code = [line[min(block.fence_indent, _indent_of(line)) :] for line in code]
        if depth == 0 or self.mode == "fence":
            pad = "    " * depth
            lines = [opening, *code, fence]
            return "\n".join(pad + line if line.strip() else "" for line in lines)
        pad = "    " * (depth + 1)
        language = info.split()[0].strip("{}.") if info.split() else ""
        if self.mode == "codehilite" and language:
            code = [":::" + language, *code]
        return "\n".join(pad + line if line.strip() else "" for line in code)

    def _is_tight(self, item: _Item) -> bool:
        """Whether the item can be written with no blank line inside it.

        That is one paragraph (with no display formula needing its own paragraph) followed
        by at most one tight list; anything else needs blank lines, which Python-Markdown
        reads as a loose item.
        """
        if item.blank_inside:
            return False
        children = item.children
        first = children[0] if children else None
        if isinstance(first, _Leaf):
            if first.kind != "paragraph" or (
                len(first.lines) > 1 and any(map(self.is_display, first.lines))
            ):
                return False
            children = children[1:]
        if len(children) > 1:
            return False
        return all(
            isinstance(child, _List)
            and not child.blank_between
            and all(map(self._is_tight, child.items))
            for child in children
        )
