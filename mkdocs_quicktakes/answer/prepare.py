"""Turn a QuickTakes ``answer`` value into Markdown that Python-Markdown renders as intended.

Steps: mojibake repair, newline decoding (:mod:`.decode`), math swapped for placeholders (so
Markdown never sees ``_`` or ``*`` inside a formula, :mod:`.placeholders`), stray tags escaped
(:mod:`.escaping`), and the block structure, written CommonMark-style, re-indented for
Python-Markdown, which is stricter (:mod:`.blocks`).

Pure: imports nothing from MkDocs.
"""

from __future__ import annotations

from mkdocs_quicktakes.answer.blocks import DisplayLines, NestedFences, normalise_blocks
from mkdocs_quicktakes.answer.decode import Segment, split_segments
from mkdocs_quicktakes.answer.escaping import escape_tags
from mkdocs_quicktakes.answer.placeholders import (
    MathSpan,
    PreparedAnswer,
    math_placeholder,
    new_math_token,
)
from mkdocs_quicktakes.records.mojibake import repair_mojibake


def prepare_answer(
    raw: str,
    *,
    fix_mojibake: bool = True,
    nested_fences: NestedFences = "indented",
    html_tags: frozenset[str] | None = frozenset(),
) -> PreparedAnswer:
    """Turn an ``answer`` value into Markdown for Python-Markdown, with math set aside.

    Steps: mojibake repair, newline decoding, math extraction into placeholders, block
    normalisation (4-space nesting, blank lines before lists and tables, fences inside
    list items per ``nested_fences``).

    Args:
        raw: The ``answer`` front-matter value.
        fix_mojibake: Repair text decoded with the wrong codec first.
        nested_fences: How to write code fences that sit inside list items: ``"fence"``
            keeps them (for ``pymdownx.superfences``), ``"indented"`` makes indented code
            blocks, ``"codehilite"`` does the same with a ``:::lang`` first line.
        html_tags: Tags that raw HTML in the text may use (lowercase names); any other
            ``<name`` is shown as text, as ``<username>`` in a command line must be. ``None``
            keeps all raw HTML. Code and math are never touched.

    Returns:
        The Markdown and the formulas its placeholders stand for.
    """
    text = repair_mojibake(raw) if fix_mojibake else raw
    segments = split_segments(text)
    token = new_math_token(text) if any(s.math is not None for s in segments) else ""
    markdown, spans = _replace_math(segments, html_tags, token)
    display_lines = DisplayLines(spans, token)
    return PreparedAnswer(normalise_blocks(markdown, display_lines, nested_fences), spans, token)


def _replace_math(
    segments: list[Segment], html_tags: frozenset[str] | None, token: str
) -> tuple[str, tuple[MathSpan, ...]]:
    """Join the segments, putting placeholders for math and escaping stray tags in text."""
    parts: list[str] = []
    spans: list[MathSpan] = []
    for segment in segments:
        if segment.math is None:
            text = segment.text
            if segment.kind == "text":
                # `\$` only kept the dollar out of math; Markdown has no such escape.
                text = escape_tags(text, html_tags).replace("\\$", "$")
            parts.append(text)
        else:
            parts.append(math_placeholder(len(spans), token))
            spans.append(segment.math)
    return "".join(parts), tuple(spans)
