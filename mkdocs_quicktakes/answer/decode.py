r"""Newline decoding: one left-to-right scan of the raw answer that knows text, code and math.

The answer is stored on one line, with line breaks written as the two characters backslash
and ``n``. Those two characters also start LaTeX commands (``\neq``, ``\nu``) and appear in
string literals of code (``printf("NULL\n")``), so decoding has to know whether it is in
text, inline code, a code block or math.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

import math_core

from mkdocs_quicktakes.answer.fences import FENCE_OPEN, closes_fence, fence_of, run_length
from mkdocs_quicktakes.answer.placeholders import MathSpan

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
class Segment:
    """A decoded piece of the answer: plain text, code (left verbatim) or a formula."""

    kind: Literal["text", "code", "math"]
    text: str
    math: MathSpan | None = None


def split_segments(text: str) -> list[Segment]:
    """The answer cut into plain text, code and formulas, its newline escapes decoded."""
    return _Scanner(text).run()


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
        self.segments: list[Segment] = []
        self.text: list[str] = []  # text not yet flushed into a segment
        self.at_line_start = True

    def run(self) -> list[Segment]:
        raw = self.raw
        while self.pos < len(raw):
            if self.at_line_start and FENCE_OPEN.match(raw, self.pos) and self._try_fence():
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
            self.segments.append(Segment("text", "".join(self.text)))
            self.text = []

    def _add(self, segment: Segment) -> None:
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
        ticks = run_length(raw, pos)
        search = pos + ticks
        while (close := raw.find("`" * ticks, search)) != -1:
            run = run_length(raw, close)
            if run == ticks:
                if _RAW_BLANK_LINE.search(raw, pos + ticks, close):
                    break  # a code span never crosses an empty line
                self._add(Segment("code", raw[pos : close + ticks]))
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
        fence = fence_of(opening)
        if fence is None:
            return False
        self.pos = min(end + 2, len(self.raw))
        lines = [opening]
        ended_with_break = end < len(self.raw)
        while self.pos < len(self.raw) and not (len(lines) > 1 and closes_fence(lines[-1], fence)):
            line, self.pos, ended_with_break = _CodeLineReader(self.raw, self.pos).read()
            lines.append(line)
        self._add(Segment("code", "\n".join(lines) + ("\n" if ended_with_break else "")))
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
        self._add(Segment("math", source, MathSpan(source, content.strip(), display)))


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
