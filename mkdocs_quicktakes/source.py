"""Reading a Markdown file's front matter once, with problems named instead of tracebacks.

MkDocs itself drops front matter it cannot parse without a word, and stops the build on bytes
that are not UTF-8; the plugin reads every file first so that both become a clear message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from mkdocs_quicktakes.model import Problem

if TYPE_CHECKING:
    from pathlib import Path

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class SourceFile:
    """What one Markdown file holds: its front matter (empty when it has none) and problems."""

    src_uri: str
    meta: dict[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    @property
    def usable(self) -> bool:
        """False when the file could not be read or its front matter could not be parsed."""
        return not any(p.severity == "error" for p in self.problems)


def decode_source(data: bytes, src_uri: str) -> tuple[str | None, Problem | None]:
    """Decode UTF-8 (a BOM allowed) with CRLF line endings normalised."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        found = f"byte 0x{data[error.start]:02x} at offset {error.start}"
        return None, Problem(src_uri, "(file)", "UTF-8 text", found, "error")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def parse_front_matter(text: str, src_uri: str) -> SourceFile:
    """Parse the YAML between the leading ``---`` lines; a file without it has empty meta."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return SourceFile(src_uri)
    try:
        meta = yaml.safe_load(match.group(1) or "")
    except yaml.YAMLError as error:
        return SourceFile(src_uri, problems=(_yaml_problem(error, src_uri),))
    if meta is None:
        return SourceFile(src_uri)
    if not isinstance(meta, dict):
        found = type(meta).__name__
        problem = Problem(src_uri, "(front matter)", "a YAML mapping", found, "error")
        return SourceFile(src_uri, problems=(problem,))
    return SourceFile(src_uri, meta)


def read_source_file(path: Path, src_uri: str) -> SourceFile:
    """Read and parse one file from disk."""
    text, problem = decode_source(path.read_bytes(), src_uri)
    if text is None:
        return SourceFile(src_uri, problems=(problem,) if problem else ())
    return parse_front_matter(text, src_uri)


def _yaml_problem(error: yaml.YAMLError, src_uri: str) -> Problem:
    mark = getattr(error, "problem_mark", None)
    # The mark counts from the first line after the opening `---`, which is line 2 of the file.
    where = f" at line {mark.line + 2}, column {mark.column + 1}" if mark is not None else ""
    reason = getattr(error, "problem", None) or str(error).splitlines()[0]
    return Problem(src_uri, "(front matter)", "valid YAML", f"{reason}{where}", "error")
