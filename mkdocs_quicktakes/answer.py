r"""Turn a QuickTakes ``answer`` value into Markdown that Python-Markdown renders as intended.

The answer is stored on one line, with line breaks written as the two characters backslash
and ``n``. Those two characters also start LaTeX commands (``\neq``, ``\nu``) and appear in
string literals of code (``printf("NULL\n")``), so decoding has to know whether it is in
text, inline code, a code block or math. After decoding, math is swapped for placeholders
(so Markdown never sees ``_`` or ``*`` inside a formula) and the block structure, written
CommonMark-style, is re-indented for Python-Markdown, which is stricter.

This module is pure: it imports nothing from MkDocs.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from typing import Literal

import ftfy
import math_core

__all__ = [
    "MathSpan",
    "NestedFences",
    "PreparedAnswer",
    "decode_newlines",
    "math_placeholder",
    "new_math_token",
    "placeholder_index",
    "prepare_answer",
    "repair_mojibake",
]

NestedFences = Literal["fence", "indented", "codehilite"]

# ---------------------------------------------------------------------------------------
# Mojibake
# ---------------------------------------------------------------------------------------

# Only the encoding fixes are on: everything else ftfy can do (uncurling quotes, unescaping
# HTML, NFC, width/ligature folding, line-break and control-character changes) would alter
# text that is already correct.
_ENCODING_FIXES_ONLY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded with the wrong codec (``Hereâ€™s``).

    Correct Unicode (curly quotes, ``Ω``, ``±``, ``¬``, ``→`` ...) is left alone.

    Args:
        text: Any text.

    Returns:
        The text with encoding mistakes fixed; ASCII text is returned as is.
    """
    if text.isascii():  # mojibake needs non-ASCII characters; skip ftfy on most pages
        return text
    fixed: str = ftfy.fix_text(text, _ENCODING_FIXES_ONLY)
    return fixed


# ---------------------------------------------------------------------------------------
# Public data types
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MathSpan:
    r"""One formula found in an answer.

    Attributes:
        source: The formula exactly as written (after newline decoding), with delimiters.
        tex: The LaTeX between the delimiters, stripped.
        display: True for ``$$...$$`` and ``\[...\]``, False for ``$...$`` and ``\(...\)``.
    """

    source: str
    tex: str
    display: bool


@dataclass(frozen=True)
class PreparedAnswer:
    """Markdown ready for Python-Markdown, with its formulas set aside.

    Attributes:
        markdown: The Markdown; ``math[i]`` stands in it as ``math_placeholder(i, token)``.
        math: The formulas, in order of appearance.
        token: The start of this answer's placeholders, absent from its text (see
            :func:`new_math_token`).
    """

    markdown: str
    math: tuple[MathSpan, ...]
    token: str = ""

    def placeholder(self, index: int) -> str:
        """The placeholder of formula number ``index`` in this answer's Markdown."""
        return math_placeholder(index, self.token)


# Placeholders are made of private-use characters: no Markdown syntax acts on them, and every
# slugify of Python-Markdown, pymdownx and Material drops them, so a heading's id never holds
# one. Each answer has its own token, which never occurs in the answer's text, so no text of an
# answer (even in code) can pass for a placeholder and be replaced by a formula. The token is a
# cryptographic hash of the text: unpredictable without the whole text, the same in the build
# process, in workers and in the cache, so a page's Markdown is the same in every build.
_TOKEN_FIRST = 0xE100
_TOKEN_LENGTH = 12  # 96 bits
_DIGIT_ZERO = 0xE010
PLACEHOLDER_END = "\ue01f"
"""The character that ends every placeholder, after the formula's number."""
PLACEHOLDER_DIGITS = "[\ue010-\ue019]+"
"""A pattern for the formula's number in a placeholder, one private-use character a digit."""
_TO_DIGIT_CHARS = str.maketrans({str(d): chr(_DIGIT_ZERO + d) for d in range(10)})


def new_math_token(text: str) -> str:
    """The placeholder token of an answer: derived from ``text`` and absent from it.

    Args:
        text: The answer the placeholders will stand in.

    Returns:
        Twelve private-use characters (96 bits of a BLAKE2 hash of the text); should the text
        hold them, the hash of the text with a counter instead.
    """
    data = text.encode("utf-8", "surrogatepass")
    for attempt in itertools.count():
        digest = hashlib.blake2b(data, digest_size=_TOKEN_LENGTH, salt=attempt.to_bytes(16, "big"))
        token = "".join(chr(_TOKEN_FIRST + byte) for byte in digest.digest())
        if token not in text:
            return token
    raise AssertionError("unreachable")  # pragma: no cover


def math_placeholder(index: int, token: str) -> str:
    """Return the placeholder for formula number ``index`` of the answer with ``token``.

    The number is written in private-use digits and closed by ``PLACEHOLDER_END``, so the
    placeholder of formula 1 never matches inside that of formula 12.

    Args:
        index: Position of the formula in ``PreparedAnswer.math``.
        token: ``PreparedAnswer.token``.

    Returns:
        The placeholder text.
    """
    return token + str(index).translate(_TO_DIGIT_CHARS) + PLACEHOLDER_END


def placeholder_index(digits: str) -> int:
    """The formula number written in a placeholder's private-use digits."""
    return int("".join(str(ord(char) - _DIGIT_ZERO) for char in digits))


# ---------------------------------------------------------------------------------------
# Newline decoding: a single left-to-right scan of the raw answer
# ---------------------------------------------------------------------------------------

_ESC_NEWLINE = "\\n"

_LATEX = math_core.LatexToMathML(fancy_error=False)
_UNKNOWN_COMMAND = "Unknown command"


@functools.lru_cache(maxsize=4096)
def latex_command_known(name: str) -> bool:
    r"""Whether the LaTeX converter knows the command ``\name`` (``nequiv``: yes, ``nx``: no).

    Inside math, backslash-n followed by a command the converter knows is that command, not a
    line break. The converter is asked rather than a list kept by hand, so every command it
    renders survives decoding; a command that needs arguments (``\newcommand``) counts too.
    """
    try:
        _LATEX.convert_with_local_state("\\" + name, displaystyle=False)
    except math_core.LatexError as error:
        return _UNKNOWN_COMMAND not in str(error)
    return True


_FENCE_OPEN = re.compile(r"[ ]*(`{3,}|~{3,})")
# An amount after a "$" and a space, as in "$ 5" or "$ 1.000": a price when a second "$" is
# followed by one too.
_SPACED_PRICE = re.compile(r"[ \t]+\d")
_PRICE_LOOKAHEAD = 8
# The longest formula that is recognised (the corpus' longest has 226 characters).
_MAX_MATH = 10_000
# Plain text, line breaks included, up to what can start an escape, code or math, or up to a
# line break before a line that opens a fence.
_PLAIN_LINES = re.compile(r"[^\\`$]*(?:\\n(?![ ]*(?:```|~~~))[^\\`$]*)*")
_SPACES_AND_BREAK = re.compile(r"[ \t]*\\n")
_CODE_SPECIAL = re.compile(r"[\\\"'#/]")  # what can end a code line, open a literal or a comment
_ESC_NEWLINE_RE = re.compile(r"\\n")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_RAW_BLANK_LINE = re.compile(r"\\n[ \t]*\\n")
_LETTERS = re.compile(r"[A-Za-z]+")
_MATH_OPENERS = {"(": "\\)", "[": "\\]"}
# A string prefix such as r'..' or b"..": the quote after it opens a literal.
_STRING_PREFIXES = frozenset({"r", "b", "f", "u", "rb", "br", "fr", "rf", "l", "u8"})
_WORD_END = re.compile(r"[A-Za-z0-9_]*$")
# How far ahead a string literal may close; real literals holding \n are short.
_LITERAL_LOOKAHEAD = 200
# After a backslash-n, these start a new code line rather than continue a string literal:
# indentation, an empty line, a closing fence, a closing bracket, or the end.
_LINE_STARTS = frozenset({"", " ", "\t", "\\", "`", "~", "}", ")", "]"})


@dataclass  # not frozen: a frozen dataclass takes four times as long to make, many per answer
class _Segment:
    """A decoded piece of the answer: plain text, code (left verbatim) or a formula."""

    kind: Literal["text", "code", "math"]
    text: str
    math: MathSpan | None = None


def decode_newlines(raw: str) -> str:
    r"""Turn the literal backslash-n escapes of an answer into real line breaks.

    Outside code and math every backslash-n is a line break. In math it is kept when it
    starts a LaTeX command such as ``\neq``; in inline code it is kept; in code blocks it is
    kept inside string literals. Trailing spaces and whitespace-only lines are dropped
    outside code.

    Args:
        raw: The ``answer`` front-matter value.

    Returns:
        The Markdown with real line breaks.
    """
    return "".join(segment.text for segment in _Scanner(raw).run())


class _Scanner:
    """Walks the raw answer once and cuts it into decoded segments."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.pos = 0
        self.segments: list[_Segment] = []
        self.text: list[str] = []  # text not yet flushed into a segment
        self.at_line_start = True

    def run(self) -> list[_Segment]:
        raw = self.raw
        while self.pos < len(raw):
            if self.at_line_start and _FENCE_OPEN.match(raw, self.pos) and self._try_fence():
                continue
            # Copy plain text up to the next character that can start something.
            plain = _PLAIN_LINES.match(raw, self.pos)
            if plain is not None and plain.end() > self.pos:
                self._emit_plain_lines(plain.group())
                self.pos = plain.end()
                if self.pos == len(raw):
                    break
            char = raw[self.pos]
            if char == "\\" and raw.startswith("n", self.pos + 1):
                self._emit_line_break()  # before a line that opens a fence
                self.pos += 2
                continue
            handled = (
                (char == "\\" and self._text_backslash())
                or (char == "`" and self._try_code_span())
                or (char == "$" and self._try_dollar_math())
            )
            if not handled:
                self._emit_text(char)
                self.pos += 1
        self._flush_text()
        return self.segments

    # -- text ---------------------------------------------------------------------------

    def _emit_text(self, chunk: str) -> None:
        self.text.append(chunk)
        self.at_line_start = False

    def _emit_plain_lines(self, plain: str) -> None:
        """Emit text free of escapes, code and math, whose backslash-n are all line breaks."""
        first, newline, rest = plain.partition(_ESC_NEWLINE)
        if first:
            self._emit_text(first)
        if not newline:
            return
        self._emit_line_break()  # may drop spaces emitted before this text
        # The lines after it are whole: all at once, with the trailing spaces of each dropped.
        lines, newline, last = rest.rpartition(_ESC_NEWLINE)
        if newline:
            lines += newline
            if " \\n" in lines or "\t\\n" in lines:
                self.text.append(_SPACES_AND_BREAK.sub("\n", lines))
            else:
                self.text.append(lines.replace(_ESC_NEWLINE, "\n"))  # as usual: no such spaces
        if last:
            self._emit_text(last)

    def _emit_line_break(self) -> None:
        # Trailing spaces before a break are accidents in the corpus, not hard breaks.
        while self.text and not self.text[-1].strip(" \t"):
            self.text.pop()
        if self.text:
            self.text[-1] = self.text[-1].rstrip(" \t")
        self.text.append("\n")
        self.at_line_start = True

    def _flush_text(self) -> None:
        if self.text:
            self.segments.append(_Segment("text", "".join(self.text)))
            self.text = []

    def _add(self, segment: _Segment) -> None:
        self._flush_text()
        self.segments.append(segment)
        self.at_line_start = segment.text.endswith("\n")

    def _text_backslash(self) -> bool:
        raw, pos = self.raw, self.pos
        following = raw[pos + 1 : pos + 2]
        if following == "n":
            self._emit_line_break()
            self.pos += 2
        elif following in _MATH_OPENERS and self._try_bracket_math(following):
            pass
        elif following == "\\" and raw.startswith(_ESC_NEWLINE, pos + 1):
            # "\\n" in text: the generator never escapes backslashes, so this is a
            # backslash followed by a line break.
            self._emit_text("\\")
            self.pos += 1
        else:
            # A Markdown escape such as \$ or \` stays a unit, so it opens nothing.
            self._emit_text(raw[pos : pos + 2])
            self.pos += 2
        return True

    # -- inline code --------------------------------------------------------------------

    def _try_code_span(self) -> bool:
        raw, pos = self.raw, self.pos
        ticks = _run_length(raw, pos)
        search = pos + ticks
        while (close := raw.find("`" * ticks, search)) != -1:
            run = _run_length(raw, close)
            if run == ticks:
                if _RAW_BLANK_LINE.search(raw, pos + ticks, close):
                    break  # a code span never crosses an empty line
                self._add(_Segment("code", raw[pos : close + ticks]))
                self.pos = close + ticks
                return True
            search = close + run
        self._emit_text("`" * ticks)  # an unmatched backtick run is literal text
        self.pos += ticks
        return True

    # -- fenced code --------------------------------------------------------------------

    def _try_fence(self) -> bool:
        end = self.raw.find(_ESC_NEWLINE, self.pos)
        end = len(self.raw) if end == -1 else end
        opening = self.raw[self.pos : end]
        fence = _fence_of(opening)
        if fence is None:
            return False
        self.pos = min(end + 2, len(self.raw))
        lines = [opening]
        ended_with_break = end < len(self.raw)
        while self.pos < len(self.raw) and not (len(lines) > 1 and _closes_fence(lines[-1], fence)):
            line, self.pos, ended_with_break = _CodeLineReader(self.raw, self.pos).read()
            lines.append(line)
        self._add(_Segment("code", "\n".join(lines) + ("\n" if ended_with_break else "")))
        return True

    # -- math ---------------------------------------------------------------------------

    def _try_dollar_math(self) -> bool:
        raw, pos = self.raw, self.pos
        if raw.startswith("$$", pos):
            return self._try_display_dollars()
        close = _find_closer(raw, pos + 1, "$")
        if close == -1 or raw.startswith("$$", close):
            return False
        content = _decode_math(raw[pos + 1 : close], display=False)
        if not _is_inline_dollar_math(content, raw[close + 1 : close + _PRICE_LOOKAHEAD]):
            return False
        self._add_math("$", content, "$", display=False)
        self.pos = close + 1
        return True

    def _try_display_dollars(self) -> bool:
        close = _find_closer(self.raw, self.pos + 2, "$$")
        if close == -1:
            self._emit_text("$$")  # never pair the second "$" of an unmatched "$$"
            self.pos += 2
            return True
        content = _decode_math(self.raw[self.pos + 2 : close], display=True)
        if not content.strip() or _BLANK_LINE.search(content):
            self._emit_text("$$")
            self.pos += 2
            return True
        self._add_math("$$", content, "$$", display=True)
        self.pos = close + 2
        return True

    def _try_bracket_math(self, bracket: str) -> bool:
        closer = _MATH_OPENERS[bracket]
        close = _find_closer(self.raw, self.pos + 2, closer)
        if close == -1:
            return False
        display = bracket == "["
        content = _decode_math(self.raw[self.pos + 2 : close], display=display)
        if not content.strip() or _BLANK_LINE.search(content):
            return False
        self._add_math("\\" + bracket, content, closer, display=display)
        self.pos = close + 2
        return True

    def _add_math(self, opener: str, content: str, closer: str, *, display: bool) -> None:
        source = opener + content + closer
        self._add(_Segment("math", source, MathSpan(source, content.strip(), display)))


def _find_closer(raw: str, start: int, closer: str) -> int:
    r"""Index of the next unescaped ``closer``; backslash pairs (``\$``, ``\\``) are skipped.

    A formula is at most ``_MAX_MATH`` characters long, so an opener that is never closed costs
    a bounded search instead of one to the end of the answer: a long answer full of them would
    otherwise take quadratic time.
    """
    end = min(len(raw), start + _MAX_MATH + len(closer))
    pos = start
    while (found := raw.find(closer, pos, end)) != -1:
        if raw[found - 1] != "\\" or _backslashes_before(raw, start, found) % 2 == 0:
            return found
        pos = found + 1
    return -1


def _backslashes_before(raw: str, start: int, pos: int) -> int:
    r"""How many backslashes directly precede ``pos``, counting back no further than ``start``.

    Read from ``start`` in pairs, an even run is made of ``\\`` pairs and leaves the character at
    ``pos`` unescaped; an odd run escapes it.
    """
    run = 0
    while pos - run > start and raw[pos - run - 1] == "\\":
        run += 1
    return run


def _is_inline_dollar_math(content: str, after: str) -> bool:
    """Decide whether ``$content$`` is a formula rather than two prices.

    Accepted: the tight form ``$x^2$`` (no space inside either delimiter) and the
    corpus' spaced form ``$ x^2 $`` (space inside both). Rejected: a one-sided space,
    as in ``costs $5 and $10`` (content ``5 and ``), a closing ``$`` followed by a
    digit, an empty formula, any formula broken over lines, and spaced prices: ``$ 5 for
    kids and $ 10`` (a number after each ``$``, the second one a space away).
    """
    if not content.strip() or "\n" in content or after[:1].isdigit():
        return False
    opens_spaced = content[0].isspace()
    closes_spaced = content[-1].isspace()
    if opens_spaced and _SPACED_PRICE.match(content) and _SPACED_PRICE.match(after):
        return False
    return opens_spaced == closes_spaced


def _decode_math(raw: str, *, display: bool) -> str:
    r"""Decode backslash-n inside a formula.

    Kept: backslash-n starting a known command (``\neq``). A line break: anything else,
    backslash-n right after a display opener (``$$\nu(t)`` is a break then ``u(t)``), and
    backslash-n right after a ``\\`` row break.
    """
    if _ESC_NEWLINE not in raw:
        return raw
    out: list[str] = []
    pos = 0
    after_row_break = False
    while (slash := raw.find("\\", pos)) != -1 and slash + 1 < len(raw):
        if slash > pos:
            out.append(raw[pos:slash])
            after_row_break = False
        following = raw[slash + 1]
        if following == "n":
            command = _LETTERS.match(raw, slash + 1)
            name = command.group(0) if command else "n"
            forced_break = after_row_break or (display and slash == 0)
            if not forced_break and _is_math_command(name):
                out.append("\\" + name)
                pos = slash + 1 + len(name)
            else:
                _end_math_line(out)
                pos = slash + 2
            after_row_break = False
            continue
        out.append(raw[slash : slash + 2])
        after_row_break = following == "\\"
        pos = slash + 2
    out.append(raw[pos:])
    return "".join(out)


def _is_math_command(name: str) -> bool:
    r"""Whether backslash-n then the rest of ``name``, inside a formula, is the command ``\name``.

    It is when the converter knows ``\name`` (``\neq``), and also when it knows the command
    that ``\name`` negates (``\napprox``, ``\nsimeq``: LaTeX packages spell negations that
    way): a line break followed by a command's name spelled out in letters is no formula anyone
    writes. Such a command reaches the converter, whose refusal shows the formula as its source
    with a warning, instead of a line break and the letters "approx".
    """
    return latex_command_known(name) or (len(name) > 2 and latex_command_known(name[1:]))


def _end_math_line(out: list[str]) -> None:
    r"""Append a line break to decoded math, dropping trailing spaces (but not ``\ ``)."""
    line = "".join(out)
    stripped = line.rstrip(" \t")
    if stripped.endswith("\\") and len(stripped) < len(line):
        stripped += " "  # keep the control space "\ "
    out[:] = [stripped, "\n"]


def _run_length(text: str, pos: int) -> int:
    """Length of the run of the character at ``pos`` (e.g. a run of backticks)."""
    end = pos
    while end < len(text) and text[end] == text[pos]:
        end += 1
    return end - pos


def _fence_of(line: str) -> str | None:
    """The fence (e.g. ``"```"``) that ``line`` opens, or None.

    Any indentation is accepted: the corpus indents fences 3-5 spaces inside list items.
    A backtick fence's info string has no backticks (```` ```x``` ```` is inline code).
    """
    match = _FENCE_OPEN.match(line)
    if match is None:
        return None
    fence = match.group(1)
    if fence[0] == "`" and "`" in line[match.end() :]:
        return None
    return fence


def _closes_fence(line: str, fence: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= len(fence) and not stripped.strip(fence[0])


class _CodeLineReader:
    r"""Reads one line of a fenced code block from the raw answer.

    The line ends at the first backslash-n that is not inside a string or char literal
    opened on this line, so ``printf("NULL\n");`` keeps its escape. A quote only counts
    as a literal if it closes soon after the backslash-n: an apostrophe in ``5' tall`` or
    a comment must not swallow the rest of the block.
    """

    def __init__(self, raw: str, pos: int) -> None:
        self.raw = raw
        self.start = pos
        self.pos = pos
        self.quote = ""
        self.in_comment = False

    def read(self) -> tuple[str, int, bool]:
        """Return the line, the position after it, and whether a line break ended it."""
        raw = self.raw
        while self.pos < len(raw):
            # Only a backslash, a quote or a comment's start changes anything: jump to the next.
            special = (_ESC_NEWLINE_RE if self.in_comment else _CODE_SPECIAL).search(raw, self.pos)
            if special is None:
                break
            self.pos = special.start()
            char = raw[self.pos]
            if char == "\\" and raw.startswith(_ESC_NEWLINE, self.pos):
                if not (self.quote and self._literal_closes_soon()):
                    return raw[self.start : self.pos], self.pos + 2, True
                self.pos += 2
            elif char == "\\" and self.quote:
                self.pos += 2  # an escape inside a literal, e.g. \" or \\
            else:
                self._track(char)
                self.pos += 1
        return raw[self.start :], len(raw), False

    def _track(self, char: str) -> None:
        if self.in_comment:
            return
        if self.quote:
            if char == self.quote:
                self.quote = ""
        elif char in "\"'" and self._opens_literal(char):
            self.quote = char
        elif self._starts_comment(char):
            self.in_comment = True

    def _opens_literal(self, quote: str) -> bool:
        raw, pos = self.raw, self.pos
        if any(raw.startswith(quote * 3, at) for at in range(max(pos - 2, 0), pos + 1)):
            return False  # triple quotes open docstrings, which hold real line breaks
        if quote == '"':
            return True
        before, after = raw[pos - 1 : pos], raw[pos + 1 : pos + 2]
        if not (before.isalnum() and after.isalpha()):
            return True
        # Prefixes have at most two letters: three characters back tell a prefix from a longer
        # word, at a cost that does not grow with the length of the line.
        prefix = _WORD_END.search(raw, max(self.start, pos - 3), pos)
        return prefix is not None and prefix.group(0).lower() in _STRING_PREFIXES

    def _starts_comment(self, char: str) -> bool:
        raw, pos = self.raw, self.pos
        if char == "#":
            return pos == self.start or raw[pos - 1] in " \t"
        return char == "/" and raw.startswith("//", pos) and raw[pos - 1 : pos] != ":"

    def _literal_closes_soon(self) -> bool:
        """True if the open literal closes before the line plausibly ends."""
        raw = self.raw
        pos = self.pos + 2
        limit = min(len(raw), pos + _LITERAL_LOOKAHEAD)
        while pos < limit:
            if raw.startswith(_ESC_NEWLINE, pos) and raw[pos + 2 : pos + 3] in _LINE_STARTS:
                return False  # the next line looks like code: the literal never closed
            if raw[pos] == "\\":
                pos += 2
                continue
            if raw[pos] == self.quote:
                return True
            pos += 1
        return False


# ---------------------------------------------------------------------------------------
# prepare_answer
# ---------------------------------------------------------------------------------------

# "<" that would open an HTML tag, comment or declaration (not an autolink).
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])(?![A-Za-z][A-Za-z0-9+.-]*:)")
# The name of the tag a "<" opens, when it is followed by what may follow a tag name.
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|\Z)")


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
    segments = _Scanner(text).run()
    token = new_math_token(text) if any(s.math is not None for s in segments) else ""
    markdown, spans = _replace_math(segments, html_tags, token)
    display_lines = _DisplayLines(spans, token)
    return PreparedAnswer(_normalise_blocks(markdown, display_lines, nested_fences), spans, token)


def _replace_math(
    segments: list[_Segment], html_tags: frozenset[str] | None, token: str
) -> tuple[str, tuple[MathSpan, ...]]:
    """Join the segments, putting placeholders for math and escaping stray tags in text."""
    parts: list[str] = []
    spans: list[MathSpan] = []
    for segment in segments:
        if segment.math is None:
            text = segment.text
            if segment.kind == "text":
                # `\$` only kept the dollar out of math; Markdown has no such escape.
                text = _escape_tags(text, html_tags).replace("\\$", "$")
            parts.append(text)
        else:
            parts.append(math_placeholder(len(spans), token))
            spans.append(segment.math)
    return "".join(parts), tuple(spans)


def _escape_tags(text: str, allowed: frozenset[str] | None) -> str:
    """Escape the ``<`` of every tag-like text whose tag is not in ``allowed`` (``None``: all)."""
    if allowed is None or "<" not in text:
        return text
    if not allowed:
        return _TAG_START.sub("&lt;", text)

    def keep_allowed(match: re.Match[str]) -> str:
        name = _TAG_NAME.match(text, match.start())
        return "<" if name is not None and name.group(1).lower() in allowed else "&lt;"

    return _TAG_START.sub(keep_allowed, text)


# ---------------------------------------------------------------------------------------
# Block normalisation: parse CommonMark-style containers, write Python-Markdown
# ---------------------------------------------------------------------------------------

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


def _normalise_blocks(markdown: str, display_lines: _DisplayLines, mode: NestedFences) -> str:
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


class _DisplayLines:
    """Recognises a line that is only the placeholder of a display formula."""

    def __init__(self, spans: tuple[MathSpan, ...], token: str) -> None:
        self.spans = spans
        self.token = token
        self.line = re.compile(
            f"[ ]*{re.escape(token)}({PLACEHOLDER_DIGITS}){PLACEHOLDER_END}[ ]*$"
        )

    def __call__(self, line: str) -> bool:
        if not self.token or self.token not in line:
            return False
        match = self.line.match(line)
        if match is None:
            return False
        index = placeholder_index(match.group(1))
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
        elif first in "`~" and (fence := _fence_of(line)) is not None:
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
            if _closes_fence(code_line, fence):
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

    def __init__(self, mode: NestedFences, is_display: _DisplayLines) -> None:
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
        match = _FENCE_OPEN.match(opening)
        fence = match.group(1) if match else "```"
        info = opening[len(fence) :].strip()
        code = block.lines[1:]
        closed = bool(code) and _closes_fence(code[-1], fence)
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
