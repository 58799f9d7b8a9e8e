"""Code fences (```` ``` ```` and ``~~~``), as the decoder, block rewriter and excerpts see them."""

from __future__ import annotations

import re

FENCE_OPEN = re.compile(r"[ ]*(`{3,}|~{3,})")
"""A line that opens (or closes) a fence: the fence is group 1; any indentation."""


def run_length(text: str, pos: int) -> int:
    """Length of the run of the character at ``pos`` (e.g. a run of backticks)."""
    end = pos
    while end < len(text) and text[end] == text[pos]:
        end += 1
    return end - pos


def fence_of(line: str) -> str | None:
    """The fence (e.g. ``"```"``) that ``line`` opens, or None.

    Any indentation is accepted: the corpus indents fences 3-5 spaces inside list items.
    A backtick fence's info string has no backticks (```` ```x``` ```` is inline code).
    """
    match = FENCE_OPEN.match(line)
    if match is None:
        return None
    fence = match.group(1)
    if fence[0] == "`" and "`" in line[match.end() :]:
        return None
    return fence


def closes_fence(line: str, fence: str) -> bool:
    """Whether ``line`` closes a block opened by ``fence``: the fence character alone, as long."""
    stripped = line.strip()
    return len(stripped) >= len(fence) and not stripped.strip(fence[0])
