"""Reading a Markdown file's front matter once, with problems named instead of tracebacks.

MkDocs itself drops front matter it cannot parse without a word, and stops the build on bytes
that are not UTF-8; the plugin reads every file first so that both become a clear message.
The checker command reads files through the same functions, so both apply the same rules.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

import frontmatter
import yaml
from frontmatter.default_handlers import BaseHandler, JSONHandler

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from mkdocs_quicktakes.records.model import (
    Problem,
    QuickTake,
    answer_size_problem,
    is_quicktake,
    parse_quicktake,
    shorten,
)
from mkdocs_quicktakes.records.page_meta import template_problem

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
_MAP_TAG = "tag:yaml.org,2002:map"
# The tags of short plain scalars, which depend on the text alone (no path resolvers): the keys
# and small values every file repeats. Bounded, and emptied when full.
_RESOLVED: dict[str, str] = {}
_RESOLVED_LENGTH = 40
_RESOLVED_COUNT = 4096
# A double-quoted YAML scalar up to an escape that makes a C0 control character or DEL (`\e`,
# `\x1b`, `\u0007`; a superset: case is ignored, tab and line feed are in it): the only way one
# gets into a value, as libyaml refuses them raw. The search tries every `"` where a scalar can
# open (at the start, after white space, `[`, `{`, `,` or `:`), so every scalar's own opening
# quote; a match that starts elsewhere (a quote inside other text) only costs the values a search.
_CONTROL_CODE = r"(?:[0abvfre]|x[01]|x7f|u00[01]|u007f|U000000[01]|U0000007f)"
_CONTROL_ESCAPE = re.compile(
    rf'"(?<![^\s\[{{,:]")[^"\\]*+(?:\\(?!{_CONTROL_CODE}).[^"\\]*+)*+\\{_CONTROL_CODE}',
    re.DOTALL | re.IGNORECASE,
)
MAX_EXPANDED_VALUES = 10_000
"""The most values a front matter may hold once its YAML aliases are expanded.

An alias re-uses a value without copying it, so nine lines of aliases can stand for 10^8 values,
which anything that walks or prints the front matter then pays for. Real QuickTakes front matter
holds a few dozen values and no alias at all."""
# A key of a front matter of one of the other formats names where it starts, like YAML's.
_UNCLOSED_KEY = re.compile(r"[ \t]*[\w\"'-][^\n]*:(?:[ \t]|$)", re.MULTILINE)


class _Loader(_LibyamlLoader):  # type: ignore[valid-type,misc]
    """The safe loader, building text values and text-keyed mappings itself, with guards.

    Nearly every node of a front matter is text, and PyYAML's constructor, written in Python,
    spends three calls on each to return the node's value, and builds each mapping twice
    through a generator; that is most of reading a file. A mapping whose keys are all text is
    built here in one loop instead, which also tells for free whether a key came twice (YAML
    keeps the last without a word). The loader also keeps a date YAML cannot build
    (``2025-13-45``) or a number Python will not convert (5,000 digits) as text, so the schema
    names it, and notes aliases, so that their expansion can be sized.
    """

    duplicates: list[tuple[str, int]]
    """Set by :func:`load_yaml`; an ``__init__`` of its own would cost every file a call."""
    aliases = False

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """The tag of a node: text at once when no implicit type starts with its first letter.

        Otherwise the tag of a short plain scalar is remembered, since keys such as ``title``
        and small values repeat in every file, and PyYAML tries a regex or two on each.
        """
        if kind is yaml.ScalarNode and implicit[0]:
            if value[:1] not in _IMPLICIT_FIRST:  # "question", "Physics", "/learn/...": text
                return _STR_TAG
            if len(value) <= _RESOLVED_LENGTH:
                tag = _RESOLVED.get(value)
                if tag is None:
                    if len(_RESOLVED) >= _RESOLVED_COUNT:
                        _RESOLVED.clear()
                    tag = _RESOLVED[value] = super().resolve(kind, value, implicit)
                return tag
        return cast("str", super().resolve(kind, value, implicit))

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if type(node) is yaml.ScalarNode and node.tag == _STR_TAG:
            return node.value
        if node in self.constructed_objects:  # a second use of a value: an alias
            self.aliases = True
            return self.constructed_objects[node]
        if type(node) is yaml.MappingNode and node.tag == _MAP_TAG:
            keys = [
                k.value for k, _ in node.value if type(k) is yaml.ScalarNode and k.tag == _STR_TAG
            ]
            if len(keys) == len(node.value):
                return self._text_keyed_mapping(node, keys)
        return super().construct_object(node, deep)

    def _text_keyed_mapping(self, node: yaml.MappingNode, keys: list[str]) -> dict[str, Any]:
        """The mapping of a node whose keys are all text: no merge key, nothing to hash-check."""
        mapping: dict[str, Any] = {}
        # Registered before its values, as PyYAML does, so an alias inside finds it.
        self.constructed_objects[node] = mapping
        for key, (_, value) in zip(keys, node.value, strict=True):
            if type(value) is yaml.ScalarNode and value.tag == _STR_TAG:
                mapping[key] = value.value
            else:
                mapping[key] = self.construct_object(value)
        if len(mapping) != len(keys):  # fewer keys than pairs: some key came twice
            self._note_duplicates(node)
        return mapping

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = super().construct_mapping(node, deep)
        if len(mapping) != len(node.value):  # fewer keys than pairs: some key came twice
            self._note_duplicates(node)
        return mapping

    def _note_duplicates(self, node: yaml.MappingNode) -> None:
        seen: set[object] = set()
        for key, _ in node.value:
            # Pairs a merge key (`<<`) brought in are written elsewhere and may be overridden.
            written_here = node.start_mark.index <= key.start_mark.index <= node.end_mark.index
            if type(key) is not yaml.ScalarNode or not written_here:
                continue
            if key.value in seen:
                self.duplicates.append((key.value, key.start_mark.line + _FIRST_YAML_LINE))
            seen.add(key.value)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2025-13-45: the schema says what a date must be
            return node.value

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            return node.value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


class _EveryCharacter:
    """A first character of every scalar, when PyYAML resolves by path or for any character."""

    def __contains__(self, item: object) -> bool:
        return True


# The first characters for which PyYAML has an implicit type (digits, "t" of true, "~", ...).
_IMPLICIT_FIRST: frozenset[str] | _EveryCharacter = (
    frozenset(_Loader.yaml_implicit_resolvers)
    if None not in _Loader.yaml_implicit_resolvers and not _Loader.yaml_path_resolvers
    else _EveryCharacter()
)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


class AliasBombError(yaml.YAMLError):
    """A front matter whose aliases expand to more than :data:`MAX_EXPANDED_VALUES` values."""


def _check_expansion(value: object) -> None:
    """Raise when ``value``, with every alias expanded, holds too many values or itself.

    Each distinct list and mapping is sized once, so the walk is linear in the YAML text
    however large the expansion would be.
    """
    sizes: dict[int, int] = {}
    open_ids: set[int] = set()
    stack: list[tuple[object, bool]] = [(value, False)]
    while stack:
        item, children_done = stack.pop()
        children = _children(item)
        if children_done:
            open_ids.discard(id(item))
            sizes[id(item)] = size = 1 + sum(sizes.get(id(child), 1) for child in children)
            if size > MAX_EXPANDED_VALUES:
                raise AliasBombError(
                    f"YAML aliases that expand to more than {MAX_EXPANDED_VALUES:,} values"
                )
            continue
        if id(item) in sizes or not children:
            continue
        open_ids.add(id(item))
        stack.append((item, True))
        for child in children:
            if id(child) in open_ids:
                raise AliasBombError("a YAML alias inside the value it names (endless)")
            stack.append((child, False))


def _children(value: object) -> list[object]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [*value.keys(), *value.values()]
    return []


def load_yaml(text: str) -> tuple[Any, list[tuple[str, int]], bool]:
    """Load one YAML front matter.

    Returns:
        The value, every key written twice with its line, and whether a double-quoted scalar
        may hold a control character (it has an escape that makes one).

    Raises:
        yaml.YAMLError: For a syntax error, or aliases that expand too far.
    """
    loader = _Loader(text)
    loader.duplicates = []
    try:
        value = loader.get_single_data()
    finally:
        loader.dispose()
    if loader.aliases:
        _check_expansion(value)
    # YAML refuses control characters in its text; only a double-quoted escape (`\e`) makes
    # one, so the schema looks for them in the values only when the text has such an escape.
    return value, loader.duplicates, '"' in text and bool(_CONTROL_ESCAPE.search(text))


class _Format(BaseHandler):
    """A front-matter format whose :meth:`read` also names the keys written twice."""

    def read(self, fm: str) -> tuple[Any, list[tuple[str, int]], bool]:
        """The value, the keys written twice with their lines, whether a value has escapes.

        A line is 0 when the format does not tell it.
        """
        return self.load(fm), [], True


class _YamlFormat(_Format):
    """python-frontmatter's YAML format with the plugin's own split and loader.

    The split keeps MkDocs' rule (``---`` opens, ``---`` or ``...`` closes) and the loader is
    libyaml with the guards of :class:`_Loader`; python-frontmatter's own would be the
    pure-Python loader, fifteen times slower.
    """

    FM_BOUNDARY = _OPENING_LINE
    START_DELIMITER = END_DELIMITER = "---"

    def split(self, text: str) -> tuple[str, str]:
        front_matter = _front_matter_text(text)
        if front_matter is None:
            raise ValueError("unclosed")
        return front_matter, ""

    def load(self, fm: str, **kwargs: object) -> Any:
        return load_yaml(fm)[0]

    def read(self, fm: str) -> tuple[Any, list[tuple[str, int]], bool]:
        return load_yaml(fm)


class _TomlFormat(_Format):
    """TOML front matter between ``+++`` lines, read with the standard library's ``tomllib``."""

    FM_BOUNDARY = re.compile(r"^\+{3}[ \t]*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)  # refuses a key written twice itself


class _JsonFormat(_Format, JSONHandler):
    """JSON front matter: an object whose ``{`` and ``}`` stand alone on their lines."""

    def read(self, fm: str) -> tuple[Any, list[tuple[str, int]], bool]:
        duplicates: list[tuple[str, int]] = []

        def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            keys = [key for key, _ in pairs]
            duplicates.extend((key, 0) for i, key in enumerate(keys) if key in keys[:i])
            return dict(pairs)

        return json.loads(fm, object_pairs_hook=mapping), duplicates, True


FRONT_MATTER_FORMATS: tuple[_Format, ...] = (_YamlFormat(), _TomlFormat(), _JsonFormat())
"""The front-matter formats python-frontmatter tells apart by their opening line."""
_FORMAT_NAMES = {_YamlFormat: "YAML", _TomlFormat: "TOML", _JsonFormat: "JSON"}


@dataclass(frozen=True)
class SourceFile:
    """What one Markdown file holds: its front matter (empty when it has none) and problems."""

    src_uri: str
    meta: dict[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    front_matter: str = ""
    """The YAML text between the ``---`` lines, kept to find the line of a key for a problem."""
    escapes: bool = True
    """Whether a value may hold control characters (YAML: a double-quoted escape makes one)."""

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
    """Parse the front matter python-frontmatter finds: YAML, TOML or JSON; none is empty meta."""
    handler = cast("_Format | None", frontmatter.detect_format(text, FRONT_MATTER_FORMATS))
    if handler is None:
        return SourceFile(src_uri)
    name = _FORMAT_NAMES[type(handler)]
    try:
        front_matter, _ = handler.split(text)
    except ValueError:
        return _unclosed(text, src_uri, handler)
    try:
        meta, duplicates, escapes = handler.read(front_matter)
    except yaml.YAMLError as error:
        return SourceFile(src_uri, problems=(_yaml_problem(error, src_uri),))
    except (ValueError, RecursionError) as error:  # TOML and JSON syntax, too deep, too long
        return SourceFile(src_uri, problems=(_format_problem(error, name, src_uri),))
    if meta is None:
        return SourceFile(src_uri)
    if not isinstance(meta, dict):
        found = type(meta).__name__
        problem = Problem(src_uri, "(front matter)", f"a {name} mapping", found, "error", 1)
        return SourceFile(src_uri, problems=(problem,))
    problems = tuple(_duplicate_problem(src_uri, key, line) for key, line in duplicates)
    if name != "YAML":
        front_matter = ""  # lines of problems are looked up in YAML only
    return SourceFile(src_uri, meta, problems, front_matter=front_matter, escapes=escapes)


def _unclosed(text: str, src_uri: str, handler: _Format) -> SourceFile:
    """A front matter that never closes is an error when it holds a key; else a plain page.

    A Markdown page may well start with a ``---`` rule; one whose next line is a key meant the
    rest as front matter, and MkDocs would publish it as text.
    """
    boundary = cast("re.Pattern[str]", handler.FM_BOUNDARY)
    opening = cast("re.Match[str]", boundary.match(text))
    start = opening.end() + (text[opening.end() : opening.end() + 1] == "\n")
    if not isinstance(handler, _JsonFormat) and not _UNCLOSED_KEY.match(text, start):
        return SourceFile(src_uri)
    closing = "a closing } line" if isinstance(handler, _JsonFormat) else "a closing "
    if not isinstance(handler, _JsonFormat):
        closing += f"{handler.END_DELIMITER} line"
    found = "none before the end of the file"
    problem = Problem(src_uri, "(front matter)", closing, found, "error", 1)
    return SourceFile(src_uri, problems=(problem,))


def _format_problem(error: Exception, name: str, src_uri: str) -> Problem:
    if isinstance(error, RecursionError):
        found = "values nested too deep"
        return Problem(src_uri, "(front matter)", f"valid {name}", found, "error")
    line = getattr(error, "lineno", None)
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    found = "a syntax error: " + shorten(reason)
    return Problem(src_uri, "(front matter)", f"valid {name}", found, "error", line and line + 1)


def _duplicate_problem(src_uri: str, key: str, line: int) -> Problem:
    found = f"{shorten(repr(key))} again; the last one is used"
    return Problem(src_uri, key, "each key once", found, "warning", line or None)


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
    take, problems = parse_quicktake(source.meta, source.src_uri, controls=source.escapes)
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
    if isinstance(error, AliasBombError):
        return Problem(src_uri, "(front matter)", "valid YAML", str(error), "error")
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
