"""Reading a Markdown file's front matter once, with problems named instead of tracebacks.

MkDocs itself drops front matter it cannot parse without a word, and stops the build on bytes
that are not UTF-8; the plugin reads every file first so that both become a clear message.
The checker command reads files through the same functions, so both apply the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import yaml

from mkdocs_quicktakes.model import (
    Problem,
    QuickTake,
    answer_size_problem,
    is_quicktake,
    parse_quicktake,
)
from mkdocs_quicktakes.page_meta import template_problem

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

_OPENING_LINE = re.compile(r"---[ \t]*\n")
_CLOSING_LINE = r"(?:---|\.\.\.)[ \t]*(?:\n|\Z)"
# The first closing line that follows at least one line of YAML, else one right after the
# opening line. Searching for the newline before it lets `re` skip from line to line.
_CLOSING_AFTER_YAML = re.compile(r"\n" + _CLOSING_LINE)
_CLOSING_AT_ONCE = re.compile(_CLOSING_LINE)
# The YAML starts on the line after the opening `---`.
_FIRST_YAML_LINE = 2
# libyaml reads a corpus file about fifteen times faster than the pure-Python loader, which
# decides whether checking 10,000 files takes two seconds or thirty.
_LibyamlLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"


class _Loader(_LibyamlLoader):  # type: ignore[valid-type,misc]
    """The safe loader, with text values taken straight from the parsed node.

    Nearly every node of a front matter is text, and PyYAML's constructor, written in Python,
    spends three calls on each to return the node's value; that is a fifth of reading a file.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node.tag == _STR_TAG and type(node) is yaml.ScalarNode:
            return node.value
        return super().construct_object(node, deep)


@dataclass(frozen=True)
class SourceFile:
    """What one Markdown file holds: its front matter (empty when it has none) and problems."""

    src_uri: str
    meta: dict[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    front_matter: str = ""
    """The YAML text between the ``---`` lines, kept to find the line of a key for a problem."""

    @property
    def usable(self) -> bool:
        """False when the file could not be read or its front matter could not be parsed."""
        return not any(p.severity == "error" for p in self.problems)

    def locate(self, problems: Iterable[Problem]) -> list[Problem]:
        """Give each problem about a key the line of that key in this file.

        The YAML is composed a second time, with positions, only when a problem needs it, so a
        clean file costs nothing extra.
        """
        problems = list(problems)
        if not self.front_matter or all(p.line is not None for p in problems):
            return problems
        try:
            root = yaml.compose(self.front_matter, Loader=_Loader)
        except yaml.YAMLError:
            return problems
        return [
            problem if problem.line is not None else replace(problem, line=_line_of(root, problem))
            for problem in problems
        ]


@dataclass(frozen=True)
class CheckedFile:
    """One file validated with the build's rules: its record when it is a usable QuickTake."""

    source: SourceFile
    take: QuickTake | None
    """``None`` for an ordinary page and for a QuickTakes page that cannot be used."""
    problems: tuple[Problem, ...]

    @property
    def usable(self) -> bool:
        """False when the file must be left out of the site (an error-level problem)."""
        return not any(p.severity == "error" for p in self.problems)


def decode_source(data: bytes, src_uri: str) -> tuple[str | None, Problem | None]:
    """Decode UTF-8 (a BOM allowed) with CRLF line endings normalised."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        found = f"byte 0x{data[error.start]:02x} at offset {error.start}"
        line = data.count(b"\n", 0, error.start) + 1
        return None, Problem(src_uri, "(file)", "UTF-8 text", found, "error", line)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, None


def parse_front_matter(text: str, src_uri: str) -> SourceFile:
    """Parse the YAML between the leading ``---`` lines; a file without it has empty meta."""
    front_matter = _front_matter_text(text)
    if front_matter is None:
        return SourceFile(src_uri)
    try:
        meta = yaml.load(front_matter, Loader=_Loader)
    except yaml.YAMLError as error:
        return SourceFile(src_uri, problems=(_yaml_problem(error, src_uri),))
    if meta is None:
        return SourceFile(src_uri)
    if not isinstance(meta, dict):
        found = type(meta).__name__
        problem = Problem(src_uri, "(front matter)", "a YAML mapping", found, "error", 1)
        return SourceFile(src_uri, problems=(problem,))
    return SourceFile(src_uri, meta, front_matter=front_matter)


def _front_matter_text(text: str) -> str | None:
    """The YAML between the leading ``---`` and the closing ``---`` or ``...`` line, if any."""
    opening = _OPENING_LINE.match(text)
    if opening is None:
        return None
    start = opening.end()
    closing = _CLOSING_AFTER_YAML.search(text, start)
    if closing is not None:
        return text[start : closing.start() + 1]
    return "" if _CLOSING_AT_ONCE.match(text, start) else None


def read_bytes(path: Path, src_uri: str) -> tuple[bytes | None, Problem | None]:
    """The bytes of one file; a file that cannot be read is a problem, not a crash."""
    try:
        return path.read_bytes(), None
    except OSError as error:
        found = error.strerror or type(error).__name__
        return None, Problem(src_uri, "(file)", "a readable file", found, "error")


def parse_source(data: bytes, src_uri: str) -> SourceFile:
    """Decode one file's bytes and parse its front matter."""
    text, problem = decode_source(data, src_uri)
    if text is None:
        return failed_source(src_uri, problem)
    return parse_front_matter(text, src_uri)


def failed_source(src_uri: str, problem: Problem | None) -> SourceFile:
    """A file that could not be read or decoded: no front matter, only the problem."""
    return SourceFile(src_uri, problems=(problem,) if problem else ())


def read_source_file(path: Path, src_uri: str) -> SourceFile:
    """Read and parse one file from disk."""
    data, problem = read_bytes(path, src_uri)
    if data is None:
        return failed_source(src_uri, problem)
    return parse_source(data, src_uri)


def check_source(source: SourceFile, *, max_answer_bytes: int = 0) -> CheckedFile:
    """Validate a read file as the build does: front matter, schema, answer size.

    Args:
        source: The file as :func:`read_source_file` read it.
        max_answer_bytes: The option ``max_answer_bytes``; ``0`` means no limit.

    Returns:
        The record (for a usable QuickTakes page) and every problem, each with its line when the
        YAML tells it.
    """
    if not source.usable or not is_quicktake(source.meta):
        return CheckedFile(source, None, source.problems)
    take, problems = parse_quicktake(source.meta, source.src_uri)
    if refused := template_problem(source.meta, source.src_uri):
        problems.append(refused)
    if take is not None and (too_big := answer_size_problem(take, max_answer_bytes)):
        take = None
        problems.append(too_big)
    return CheckedFile(source, take, (*source.problems, *source.locate(problems)))


def _line_of(root: yaml.Node | None, problem: Problem) -> int | None:
    """The file line of the deepest part of the problem's dotted key that the YAML has."""
    line = None
    node = root
    for part in problem.key.split("."):
        if not isinstance(node, yaml.MappingNode):
            break
        # The last of two equal keys is the one YAML loads.
        pairs = [
            (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part
        ]
        if not pairs:
            break
        key_node, node = pairs[-1]
        line = key_node.start_mark.line + _FIRST_YAML_LINE
    return line


def _yaml_problem(error: yaml.YAMLError, src_uri: str) -> Problem:
    mark = getattr(error, "problem_mark", None)
    reason = getattr(error, "problem", None) or str(error).splitlines()[0]
    # Read after "found": libyaml's own wording ("did not find expected ...") needs a subject.
    reason = "a syntax error: " + reason.removeprefix("found ")
    if mark is None:
        return Problem(src_uri, "(front matter)", "valid YAML", reason, "error")
    found = f"{reason} (column {mark.column + 1})"
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and context_mark is not None:
        # libyaml names where the construct it could not finish began: often the real mistake.
        found += f", {context} from line {context_mark.line + _FIRST_YAML_LINE}"
    line = mark.line + _FIRST_YAML_LINE
    return Problem(src_uri, "(front matter)", "valid YAML", found, "error", line)
