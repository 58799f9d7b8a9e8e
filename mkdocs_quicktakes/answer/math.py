"""Convert the formulas set aside by :mod:`mkdocs_quicktakes.answer` and put them back in HTML.

LaTeX becomes MathML Core with math-core, whose output is checked against an allowlist before it
goes into a page. This module is pure: it imports nothing from MkDocs.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from math_core import LatexError, LatexToMathML

from mkdocs_quicktakes.answer.placeholders import (
    PLACEHOLDER_PATTERN,
    placeholder_index,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from mkdocs_quicktakes.answer.placeholders import MathSpan

__all__ = [
    "MATHML_ATTRIBUTES",
    "MATHML_ELEMENTS",
    "MATHML_STYLE_PROPERTIES",
    "MathConversionError",
    "MathMacros",
    "MathMode",
    "check_mathml",
    "conversion_error",
    "fill_math",
    "fill_math_text",
    "latex_to_mathml",
    "math_macros",
    "mathml_allowlist",
    "plain_text_of_math",
]

MathMode = Literal["mathml", "none"]
MathMacros = tuple[tuple[str, str], ...]
"""The option ``math_macros`` as sorted ``(name, LaTeX)`` pairs: hashable, with a stable repr."""

# Everything math-core emits for the LaTeX it accepts (HTML b, i, code and span come from
# \textbf, \textit, \texttt, \textsf inside <mtext>), once <a> (\eqref) and id (\label) are left
# out: those would link and name things outside the formula. Anything else is refused.
MATHML_ELEMENTS = frozenset(
    {
        "math", "mrow", "mi", "mo", "mn", "mtext", "mspace", "msup", "msub", "msubsup",
        "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd",
        "mpadded", "mphantom", "menclose", "mmultiscripts", "mprescripts", "mstyle", "none",
        "b", "i", "code", "span",
    }
)  # fmt: skip
MATHML_ATTRIBUTES = frozenset(
    {
        "display", "displaystyle", "scriptlevel", "mathvariant", "stretchy", "form", "fence",
        "separator", "lspace", "rspace", "minsize", "maxsize", "movablelimits", "symmetric",
        "largeop", "accent", "accentunder", "linethickness", "width", "height", "depth",
        "voffset", "notation", "class", "style",
    }
)  # fmt: skip
# Classes math-core puts on what MathML Core does not draw; math.css draws them.
_MATHML_CLASS = re.compile(r"menclose-[a-z]+|math-core-[a-z-]+")
# math-core sets the alignment of table cells, rules and colours as inline styles. Only these
# properties, with values made of words, numbers, units and hex colours (no url(), no quotes).
MATHML_STYLE_PROPERTIES = frozenset(
    {
        "text-align", "justify-items", "padding-left", "padding-right", "padding-top",
        "padding-bottom", "margin-left", "width", "border-left", "border-right", "border-top",
        "border-bottom", "color", "font-size", "font-variant-caps",
    }
)  # fmt: skip
_STYLE_DECLARATION = re.compile(r"\s*([a-z-]+)\s*:\s*([-#.%\w ]+?)\s*")
# An opening tag (other than <mstyle>) with displaystyle or scriptlevel among its attributes.
_STYLED_TAG = re.compile(
    r"<(?!mstyle[ />])([a-z]+)((?: [a-z-]+=\"[^\"<>]*\")*?"
    r" (?:displaystyle|scriptlevel)=\"[^\"<>]*\"(?: [a-z-]+=\"[^\"<>]*\")*)(/?)>"
)
# An opening tag whose attributes are all name="value": any other "<" (a comment, an unquoted
# or valueless attribute) makes the count of "<" differ from these tags and the closing ones.
_OPENING_TAG = re.compile(r"<([a-z]+)(?: [a-z-]+=\"[^\"<>]*\")*/?>")
_ATTRIBUTE_NAME = re.compile(r" ([a-z-]+)=\"")


def _alternatives(words: Iterable[str]) -> str:
    """A regex matching exactly one of ``words``, as a trie: ``m(?:i|n|o(?:ver)?|...)``.

    Python's ``re`` tries the branches of ``a|b|c`` one by one; grouped by their first letters,
    each name costs a few steps instead of one per name. Shorter words come first: math-core
    writes ``<mi>``, ``<mo>`` and ``<mn>`` most.
    """
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=lambda word: (len(word), word)):
        groups.setdefault(word[0], []).append(word)
    branches = []
    for first, group in groups.items():
        if len(group) == 1:
            branches.append(re.escape(group[0]))
            continue
        tails = [word[1:] for word in group]
        inner = _alternatives([tail for tail in tails if tail])
        branches.append(re.escape(first) + f"(?:{inner})" + ("?" if "" in tails else ""))
    return "|".join(branches)


_ALLOWED_NAME = _alternatives(MATHML_ELEMENTS)
# A "<" that starts neither an allowed closing tag nor an allowed opening tag whose attributes
# are all allowed, each written name="value" (a comment, an unknown element, an unquoted or
# valueless attribute, an unknown one: all found here).
_OUTSIDE_ALLOWLIST = re.compile(
    rf"<(?!/(?:{_ALLOWED_NAME})>|(?:{_ALLOWED_NAME})"
    rf"(?: (?:{_alternatives(MATHML_ATTRIBUTES)})=\"[^\"<>]*+\")*+/?>)"
)
# An opening tag other than <math> and <mrow>, which show nothing by themselves.
_VISIBLE_ELEMENT = re.compile(r"<(?!/|math[ />]|mrow[ />])")
_CLASS_OR_STYLE = re.compile(r" (class|style)=\"([^\"]*)\"")
_ATTRIBUTE = re.compile(r"([a-z-]+)=\"([^\"]*)\"")
# Numbered amsmath environments: each formula is converted alone, so every one would be (1).
_NUMBERED_ENVIRONMENT = re.compile(r"\\(begin|end)\{(align|gather|equation|multline)\}")
_ENVIRONMENT_ROW_OR_CELL = re.compile(r"\\begin\{|\\end\{|\\\\|\\.|&", re.DOTALL)
# A tag (or comment) as browsers read it: a quoted attribute value may hold ">".
_TAG = re.compile(r"""<[A-Za-z/!?][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")
_MACRO_NAME = re.compile(r"[A-Za-z]+")
_ERROR_POSITION = re.compile(r"(\d+): ")
_STYLE_ATTRIBUTES = frozenset({"displaystyle", "scriptlevel"})
# Where the MathML 3 schema allows them besides <mstyle>.
_STYLE_ATTRIBUTES_ALLOWED = {
    "mstyle": _STYLE_ATTRIBUTES,
    "mtable": frozenset({"displaystyle"}),
    "math": frozenset({"displaystyle"}),
}


class MathConversionError(ValueError):
    """A formula that math-core rejects, or whose MathML is not what a page may hold."""


def math_macros(macros: Mapping[str, str]) -> MathMacros:
    r"""Check the option ``math_macros`` and return it as :data:`MathMacros`.

    Args:
        macros: Command name (``R`` or ``\R``) to the LaTeX it stands for (``\mathbb{R}``);
            ``#1`` to ``#9`` are its arguments.

    Returns:
        The macros, names without their backslash, sorted by name.

    Raises:
        MathConversionError: A name is not a LaTeX command name (letters only), or math-core
            refuses the macros.
    """
    named = {str(name).removeprefix("\\"): body for name, body in macros.items()}
    for name, body in named.items():
        if not _MACRO_NAME.fullmatch(name) or not isinstance(body, str):
            raise MathConversionError(
                f"expected a command name of letters mapped to LaTeX text, found {name!r}: {body!r}"
            )
    pairs = tuple(sorted(named.items()))
    _converter(pairs)
    return pairs


@lru_cache(maxsize=8)
def _converter(macros: MathMacros) -> LatexToMathML:
    try:
        return LatexToMathML(macros=dict(macros) or None, fancy_error=False)
    except LatexError as error:
        raise MathConversionError(f"math-core refused the macros: {error}") from error


def latex_to_mathml(tex: str, *, display: bool, macros: MathMacros = ()) -> str:
    r"""Convert LaTeX to a ``<math>`` element of MathML Core.

    Results are memoised, since the same formulas recur across pages. Before conversion, rows
    separated by a top-level ``\\`` are stacked (``gathered``, or ``aligned`` when they hold
    ``&``), and numbered environments (``align``, ``gather``, ``equation``, ``multline``) lose
    their numbers, which would restart at (1) in every formula.

    Args:
        tex: The LaTeX, without delimiters.
        display: Block (``display="block"``) rather than inline math.
        macros: The option ``math_macros``, from :func:`math_macros`.

    Returns:
        The MathML.

    Raises:
        MathConversionError: math-core rejected the formula (its message says why), or gave
            nothing visible, or markup outside the allowlist.
    """
    return _cached_mathml(tex, display, macros)


@lru_cache(maxsize=4096)
def _cached_mathml(tex: str, display: bool, macros: MathMacros) -> str:
    converter = _converter(macros)
    prepared = _NUMBERED_ENVIRONMENT.sub(r"\\\1{\2*}", tex) if "\\begin" in tex else tex
    prepared = _stack_top_level_rows(prepared) if "\\\\" in prepared else prepared
    try:
        mathml = converter.convert_with_local_state(prepared, displaystyle=display)
    except LatexError as error:
        raise MathConversionError(_own_message(converter, tex, display, error)) from error
    check_mathml(mathml)
    if "displaystyle=" in mathml or "scriptlevel=" in mathml:
        return _styles_in_mstyle(mathml)
    return mathml


def _styles_in_mstyle(mathml: str) -> str:
    """Move ``displaystyle`` and ``scriptlevel`` to an ``<mstyle>`` around their element.

    MathML Core lets every element carry them, but HTML checkers follow the MathML 3 schema,
    which allows them on ``<mstyle>`` (and ``displaystyle`` on ``<mtable>`` and ``<math>``). Both
    set inherited properties (``math-style``, ``math-depth``), so a wrapper that holds them, in
    the element's place, lays out the same.
    """
    position = 0
    while match := _STYLED_TAG.search(mathml, position):
        name, attributes, self_closing = match.groups()
        allowed = _STYLE_ATTRIBUTES_ALLOWED.get(name, frozenset())
        pairs = _ATTRIBUTE.findall(attributes)
        moved = "".join(f' {a}="{v}"' for a, v in pairs if a in _STYLE_ATTRIBUTES - allowed)
        if not moved:
            position = match.end()
            continue
        kept = "".join(f' {a}="{v}"' for a, v in pairs if a not in _STYLE_ATTRIBUTES - allowed)
        opening = f"<mstyle{moved}><{name}{kept}{self_closing}>"
        end = match.end() if self_closing else _end_of_element(mathml, name, match.end())
        inner = mathml[match.end() : end]
        mathml = f"{mathml[: match.start()]}{opening}{inner}</mstyle>{mathml[end:]}"
        position = match.start() + len(opening)
    return mathml


def _end_of_element(mathml: str, name: str, start: int) -> int:
    """Where the element ``name`` whose opening tag ends at ``start`` ends, after its end tag."""
    opening, closing = f"<{name}", f"</{name}>"
    depth, position = 1, start
    while depth:
        end = mathml.find(closing, position)
        if end == -1:
            raise MathConversionError(f"math-core gave <{name}> without its end")
        depth -= 1
        # Each element of the same name opened before this end tag is one level deeper.
        nested = mathml.find(opening, position, end)
        while nested != -1:
            after = nested + len(opening)
            tag_end = mathml.find(">", after)  # attribute values hold no ">" (check_mathml)
            if mathml[after] in " >" and mathml[tag_end - 1] != "/":
                depth += 1
            nested = mathml.find(opening, after, end)
        position = end + len(closing)
    return position


def _own_message(converter: LatexToMathML, tex: str, display: bool, error: LatexError) -> str:
    """math-core's message for the author's own LaTeX, so its position counts in that text.

    math-core starts a plain message with the position (``9: Expected ...``), said in words here.
    """
    try:
        converter.convert_with_local_state(tex, displaystyle=display)
    except LatexError as own_error:
        error = own_error
    message = str(error)
    position = _ERROR_POSITION.match(message)
    if position is None:
        return f"math-core: {message}"
    return f"math-core, at character {position[1]}: {message[position.end() :]}"


def conversion_error(span: MathSpan, macros: MathMacros = ()) -> str:
    """Why a formula does not convert (math-core's message), or ``""`` when it does."""
    try:
        latex_to_mathml(span.tex, display=span.display, macros=macros)
    except MathConversionError as error:
        return str(error)
    return ""


def _stack_top_level_rows(tex: str) -> str:
    r"""Stack ``a \\ b`` when the ``\\`` is outside every environment (math-core drops it)."""
    depth, rows, cells = 0, False, False
    for token in _ENVIRONMENT_ROW_OR_CELL.findall(tex):
        if token == "\\begin{":
            depth += 1
        elif token == "\\end{":
            depth -= 1
        elif depth == 0:
            rows = rows or token == "\\\\"
            cells = cells or token == "&"
    if not rows:
        return tex
    environment = "aligned" if cells else "gathered"
    return f"\\begin{{{environment}}}{tex}\\end{{{environment}}}"


def check_mathml(mathml: str) -> None:
    """Refuse MathML with an element, attribute or style outside the allowlist, or nothing.

    Args:
        mathml: A ``<math>`` element as math-core writes it.

    Raises:
        MathConversionError: It holds an element not in :data:`MATHML_ELEMENTS`, an attribute
            not in :data:`MATHML_ATTRIBUTES`, a class math.css does not draw, a style property
            not in :data:`MATHML_STYLE_PROPERTIES` (or a value other than words, numbers and
            colours), a ``<`` that starts no such tag, or nothing visible.
    """
    # One pass of the regex engine over the formula, stopping only at a "<" that starts no
    # allowed tag: about 1 µs a formula, a third of what collecting the tag names cost.
    if _OUTSIDE_ALLOWLIST.search(mathml):
        raise MathConversionError(_why_refused(mathml))
    if "class=" in mathml or "style=" in mathml:
        for attribute, value in _CLASS_OR_STYLE.findall(mathml):
            _check_value(attribute, value)
    # What a formula shows is in token elements (mi, mo, mn, ...), not in <math> and <mrow>.
    if "<mi" not in mathml and "<mo" not in mathml and not _VISIBLE_ELEMENT.search(mathml):
        raise MathConversionError("the formula is empty")


def _why_refused(mathml: str) -> str:
    """Words for MathML that :data:`_OUTSIDE_ALLOWLIST` refused: what in it is not allowed."""
    if unknown := set(_OPENING_TAG.findall(mathml)) - MATHML_ELEMENTS:
        return f"math-core gave <{min(unknown)}>, which a page may not hold"
    if unknown := set(_ATTRIBUTE_NAME.findall(mathml)) - MATHML_ATTRIBUTES:
        return f"math-core gave the attribute {min(unknown)}, which is not allowed"
    return "math-core gave markup that is not MathML"


def _check_value(attribute: str, value: str) -> None:
    if attribute == "class" and not _MATHML_CLASS.fullmatch(value):
        raise MathConversionError(f"math-core gave class {value!r}, which is not allowed")
    if attribute == "style":
        for declaration in filter(str.strip, value.split(";")):
            match = _STYLE_DECLARATION.fullmatch(declaration)
            if match is None or match.group(1) not in MATHML_STYLE_PROPERTIES:
                raise MathConversionError(f"math-core gave style {value!r}, which is not allowed")


def fill_math(
    html_text: str,
    spans: Sequence[MathSpan],
    *,
    mode: MathMode,
    token: str,
    macros: MathMacros = (),
) -> tuple[str, list[MathSpan]]:
    """Put the formulas back into HTML rendered from a prepared answer.

    With ``mode="mathml"`` each placeholder in text becomes MathML, and a display formula alone
    in its paragraph becomes ``<div class="qt-math qt-math--display">``. With ``mode="none"``
    each becomes its source, delimiters included, HTML-escaped, for a client-side renderer.
    A formula that cannot be converted becomes ``<code class="qt-math-error">``. A placeholder
    inside a tag (a link's URL, an image's ``alt``) becomes the formula's source, escaped for an
    attribute value, in either mode: markup never goes into an attribute.

    The result is not sanitised: the caller sanitises it afterwards, as the last step.

    Args:
        html_text: HTML rendered from ``PreparedAnswer.markdown``.
        spans: ``PreparedAnswer.math``.
        mode: ``"mathml"`` or ``"none"``.
        token: ``PreparedAnswer.token``.
        macros: The option ``math_macros``, from :func:`math_macros`.

    Returns:
        The HTML, and the spans that could not be converted (for the caller to report, with
        :func:`conversion_error`).
    """
    failures: list[MathSpan] = []
    if not spans or not token:
        return html_text, failures

    def render(span: MathSpan) -> str | None:
        if mode == "none":
            return html.escape(span.source, quote=False)
        try:
            return latex_to_mathml(span.tex, display=span.display, macros=macros)
        except MathConversionError:
            failures.append(span)
            return None

    def in_attribute(match: re.Match[str]) -> str:
        span = _span_at(spans, match, token)
        return match.group(0) if span is None else html.escape(span.source)

    def in_tag(match: re.Match[str]) -> str:
        tag = match.group(0)
        return _PLACEHOLDER.sub(in_attribute, tag) if token in tag else tag

    def display_paragraph(match: re.Match[str]) -> str:
        span = _span_at(spans, match, token)
        if span is None or not span.display or mode == "none":
            return match.group(0)  # handled below like any other placeholder
        mathml = render(span)
        if mathml is None:
            return f"<p>{_error_code(span)}</p>"
        return f'<div class="qt-math qt-math--display">{mathml}</div>'

    def inline(match: re.Match[str]) -> str:
        span = _span_at(spans, match, token)
        if span is None:
            return match.group(0)
        rendered = render(span)
        return _error_code(span) if rendered is None else rendered

    filled = _TAG.sub(in_tag, html_text)
    filled = _DISPLAY_PARAGRAPH.sub(display_paragraph, filled)
    return _PLACEHOLDER.sub(inline, filled), failures


_PLACEHOLDER = re.compile(PLACEHOLDER_PATTERN)
_DISPLAY_PARAGRAPH = re.compile(rf"<p>\s*{PLACEHOLDER_PATTERN}\s*</p>")


def _span_at(spans: Sequence[MathSpan], match: re.Match[str], token: str) -> MathSpan | None:
    """The formula a placeholder ``match`` stands for, if it is one of this answer's."""
    if match.group(1) != token:
        return None
    index = placeholder_index(match.group(2))
    return spans[index] if index < len(spans) else None


def _error_code(span: MathSpan) -> str:
    return f'<code class="qt-math-error">{html.escape(span.source, quote=False)}</code>'


def plain_text_of_math(span: MathSpan) -> str:
    """Text for a formula where no markup fits (TOC titles, excerpts): its LaTeX.

    Args:
        span: The formula.

    Returns:
        The LaTeX with runs of whitespace (including line breaks) collapsed to one space.
    """
    return " ".join(span.tex.split())


def fill_math_text(
    text: str, spans: Sequence[MathSpan], token: str, *, escape: bool = False
) -> str:
    """Replace the placeholders in text (a TOC title, an excerpt) by each formula's LaTeX.

    Args:
        text: Text that may hold placeholders.
        spans: ``PreparedAnswer.math``.
        token: ``PreparedAnswer.token``.
        escape: Escape each formula for HTML, because ``text`` is HTML-escaped text (a TOC
            title) rather than plain text (which whoever puts it into HTML escapes).

    Returns:
        The text with ``plain_text_of_math`` of each formula in place of its placeholder.
    """
    if not token or token not in text:
        return text

    def plain(match: re.Match[str]) -> str:
        span = _span_at(spans, match, token)
        if span is None:
            return match.group(0)
        latex = plain_text_of_math(span)
        return html.escape(latex) if escape else latex

    return _PLACEHOLDER.sub(plain, text)


def mathml_allowlist() -> tuple[frozenset[str], frozenset[str]]:
    """The MathML elements and attributes the converter may emit, for the sanitizer.

    Formulas are put into an answer before it is sanitised; the sanitizer keeps exactly these
    (and ``xmlns`` on ``<math>``), so this one list decides both what a conversion may produce
    and what survives sanitising.
    """
    return MATHML_ELEMENTS, MATHML_ATTRIBUTES
