"""Convert the formulas set aside by :mod:`mkdocs_quicktakes.answer` and put them back in HTML.

This module is pure: it imports nothing from MkDocs.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from latex2mathml.converter import convert

from mkdocs_quicktakes.answer import PLACEHOLDER_DIGITS, PLACEHOLDER_END, placeholder_index

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mkdocs_quicktakes.answer import MathSpan

__all__ = [
    "MathConversionError",
    "MathMode",
    "fill_math",
    "fill_math_text",
    "latex_to_mathml",
    "mathml_allowlist",
    "plain_text_of_math",
]

MathMode = Literal["mathml", "none"]

_MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"
# Everything latex2mathml emits for sound input. Anything else (an element that came from
# markup inside \text{...}, an href or style from \href or \style) is refused.
_MATHML_ELEMENTS = frozenset(
    {
        "math", "mrow", "mi", "mo", "mn", "mtext", "ms", "mspace", "msup", "msub",
        "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable",
        "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "mfenced",
        "mmultiscripts", "mprescripts", "none",
    }
)  # fmt: skip
_MATHML_ATTRIBUTES = frozenset(
    {
        "display", "mathvariant", "stretchy", "fence", "form", "accent", "accentunder",
        "width", "height", "depth", "linebreak", "columnalign", "rowalign", "columnspacing",
        "rowspacing", "columnlines", "rowlines", "frame", "mathcolor", "mathbackground",
        "mathsize", "displaystyle", "scriptlevel", "minsize", "maxsize", "linethickness",
        "notation", "lspace", "rspace", "separator", "movablelimits", "symmetric",
        "largeop", "voffset", "open", "close", "separators",
    }
)  # fmt: skip
# An "&" that does not start a character reference, e.g. from \text{a & b}.
_BARE_AMPERSAND = re.compile(r"&(?!#[0-9]+;|#x[0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9]*;)")
# amsmath alignment environments, which latex2mathml renders as one line with a visible "&".
_ALIGNMENT_ENVIRONMENT = re.compile(
    r"\\(begin|end)\{(?:aligned|align\*?|gathered|gather\*?|split)\}"
)
_ENVIRONMENT_OR_ROW_BREAK = re.compile(r"\\begin\{|\\end\{|\\\\|\\.", re.DOTALL)
_EMPTY_CONTAINERS = frozenset({f"{_MATHML_NS}math", f"{_MATHML_NS}mrow"})
# A tag (or comment) as browsers read it: a quoted attribute value may hold ">".
_TAG = re.compile(r"""<[A-Za-z/!?][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")


class MathConversionError(ValueError):
    """A formula that latex2mathml cannot turn into MathML (or turns into nothing)."""


def latex_to_mathml(tex: str, *, display: bool) -> str:
    r"""Convert LaTeX to a ``<math>`` element.

    Results are memoised, since the same formulas recur across pages. Before conversion,
    rows separated by a top-level ``\\`` are stacked in a ``matrix`` (browsers ignore the
    ``linebreak`` latex2mathml would emit), and ``aligned``-style environments become
    ``matrix`` (latex2mathml would show their ``&``).

    Args:
        tex: The LaTeX, without delimiters.
        display: Block (``display="block"``) rather than inline math.

    Returns:
        The MathML.

    Raises:
        MathConversionError: latex2mathml failed, produced nothing, left a command it does
            not know, or produced markup other than MathML.
    """
    return _cached_mathml(tex, display)


@lru_cache(maxsize=4096)
def _cached_mathml(tex: str, display: bool) -> str:
    prepared = _stack_top_level_rows(_ALIGNMENT_ENVIRONMENT.sub(r"\\\1{matrix}", tex))
    try:
        mathml: str = convert(prepared, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises many unrelated exception types
        raise MathConversionError(f"latex2mathml failed on {tex!r}: {error!r}") from error
    return _checked(_BARE_AMPERSAND.sub("&amp;", mathml), tex)


def _stack_top_level_rows(tex: str) -> str:
    r"""Wrap ``a \\ b`` in a ``matrix`` when the ``\\`` is outside every environment."""
    depth = 0
    for token in _ENVIRONMENT_OR_ROW_BREAK.findall(tex):
        if token == "\\begin{":
            depth += 1
        elif token == "\\end{":
            depth -= 1
        elif token == "\\\\" and depth == 0:
            return "\\begin{matrix}" + tex + "\\end{matrix}"
    return tex


def _checked(mathml: str, tex: str) -> str:
    """Return ``mathml`` if it is well-formed MathML with no unknown commands left in it."""
    try:
        root = ET.fromstring(mathml)
    except ET.ParseError as error:
        raise MathConversionError(f"latex2mathml gave malformed output for {tex!r}") from error
    if root.tag != f"{_MATHML_NS}math":
        raise MathConversionError(f"latex2mathml gave no <math> element for {tex!r}")
    if all(element.tag in _EMPTY_CONTAINERS for element in root.iter()):
        raise MathConversionError(f"latex2mathml gave an empty formula for {tex!r}")
    for element in root.iter():
        _check_element(element, tex)
    return mathml


def _check_element(element: ET.Element, tex: str) -> None:
    name = element.tag.removeprefix(_MATHML_NS)
    if name not in _MATHML_ELEMENTS:
        raise MathConversionError(f"non-MathML element <{name}> from {tex!r}")
    unexpected = set(element.attrib) - _MATHML_ATTRIBUTES
    if unexpected:
        raise MathConversionError(f"unexpected attributes {sorted(unexpected)} from {tex!r}")
    text = element.text or ""
    if name != "mtext" and text.startswith("\\") and len(text) > 1:
        # latex2mathml copies a command it does not know into an <mi>.
        raise MathConversionError(f"unsupported command {text} in {tex!r}")


def fill_math(
    html_text: str, spans: Sequence[MathSpan], *, mode: MathMode, token: str
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

    Returns:
        The HTML, and the spans that could not be converted (for the caller to report).
    """
    failures: list[MathSpan] = []
    if not spans or not token:
        return html_text, failures
    placeholder = _placeholder_pattern(token)

    def render(span: MathSpan) -> str | None:
        if mode == "none":
            return html.escape(span.source, quote=False)
        try:
            return latex_to_mathml(span.tex, display=span.display)
        except MathConversionError:
            failures.append(span)
            return None

    def in_attribute(match: re.Match[str]) -> str:
        span = _span_at(spans, match.group(1))
        return match.group(0) if span is None else html.escape(span.source)

    def in_tag(match: re.Match[str]) -> str:
        tag = match.group(0)
        return placeholder.sub(in_attribute, tag) if token in tag else tag

    def display_paragraph(match: re.Match[str]) -> str:
        span = _span_at(spans, match.group(1))
        if span is None or not span.display or mode == "none":
            return match.group(0)  # handled below like any other placeholder
        mathml = render(span)
        if mathml is None:
            return f"<p>{_error_code(span)}</p>"
        return f'<div class="qt-math qt-math--display">{mathml}</div>'

    def inline(match: re.Match[str]) -> str:
        span = _span_at(spans, match.group(1))
        if span is None:
            return match.group(0)
        rendered = render(span)
        return _error_code(span) if rendered is None else rendered

    filled = _TAG.sub(in_tag, html_text)
    display = re.compile(rf"<p>\s*{placeholder.pattern}\s*</p>")
    filled = display.sub(display_paragraph, filled)
    return placeholder.sub(inline, filled), failures


def _placeholder_pattern(token: str) -> re.Pattern[str]:
    """Matches the placeholders of the answer with ``token``; group 1 is the formula's number."""
    return re.compile(f"{re.escape(token)}({PLACEHOLDER_DIGITS}){PLACEHOLDER_END}")


def _span_at(spans: Sequence[MathSpan], digits: str) -> MathSpan | None:
    index = placeholder_index(digits)
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
        span = _span_at(spans, match.group(1))
        if span is None:
            return match.group(0)
        latex = plain_text_of_math(span)
        return html.escape(latex) if escape else latex

    return _placeholder_pattern(token).sub(plain, text)


def mathml_allowlist() -> tuple[frozenset[str], frozenset[str]]:
    """The MathML elements and attributes the converter may emit, for the sanitizer.

    Formulas are put into an answer before it is sanitised; the sanitizer keeps exactly these
    (and ``xmlns`` on ``<math>``), so this one list decides both what a conversion may produce
    and what survives sanitising.
    """
    return _MATHML_ELEMENTS, _MATHML_ATTRIBUTES
