"""LaTeX to MathML, and putting formulas back into rendered answers.

Expected MathML characters and elements are written by hand from the LaTeX meaning
(``\\neq`` is U+2260, ``\\frac`` is ``<mfrac>``), never copied from the code under test.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from conftest import CORPUS, SEED, shared_files

from mkdocs_quicktakes.answer import MathSpan, math_placeholder, new_math_token, prepare_answer
from mkdocs_quicktakes.mathml import (
    MathConversionError,
    fill_math,
    fill_math_text,
    latex_to_mathml,
    plain_text_of_math,
)

if TYPE_CHECKING:
    from pathlib import Path

NS = "{http://www.w3.org/1998/Math/MathML}"
SOURCES = [*shared_files(CORPUS), *shared_files(SEED)]


def parsed(tex: str, *, display: bool = False) -> ET.Element:
    return ET.fromstring(latex_to_mathml(tex, display=display))


def tags(root: ET.Element) -> list[str]:
    return [element.tag.removeprefix(NS) for element in root.iter()]


def texts(root: ET.Element, tag: str) -> list[str]:
    return [element.text or "" for element in root.iter(NS + tag)]


def raw_answer(path: Path) -> str:
    front = path.read_text(encoding="utf-8").removeprefix("---\n").split("\n---\n", 1)[0]
    value = yaml.safe_load(front)["answer"]
    assert isinstance(value, str)
    return value


# --- latex_to_mathml ---------------------------------------------------------------------


def test_display_and_inline_set_the_display_attribute() -> None:
    assert parsed("x", display=True).get("display") == "block"
    assert parsed("x", display=False).get("display") == "inline"
    assert parsed("x").tag == NS + "math"


def test_neq_is_the_not_equal_sign() -> None:
    assert texts(parsed(r"\text{det}(A) \neq 0"), "mo")[-1] == "\u2260"


def test_frac_is_an_mfrac_with_numerator_and_denominator() -> None:
    fraction = parsed(r"\frac{de(t)}{dt}").find(f".//{NS}mfrac")
    assert fraction is not None
    assert len(fraction) == 2
    assert "".join(fraction[1].itertext()) == "dt"


def test_logic_symbols_are_the_right_characters() -> None:
    root = parsed(r"\neg (p \land q) \lor r \to s")
    symbols = "".join(root.itertext())
    for char in ("\u00ac", "\u2227", "\u2228", "\u2192"):  # not, and, or, arrow
        assert char in symbols


def test_text_becomes_mtext() -> None:
    assert texts(parsed(r"H_1: \text{At least one } \beta_j \neq 0"), "mtext") == [
        "At\u00a0least\u00a0one\u00a0"
    ]


def test_pmatrix_rows_become_table_rows() -> None:
    root = parsed("\\begin{pmatrix}\na & b \\\\\nc & d\n\\end{pmatrix}", display=True)
    assert tags(root).count("mtr") == 2
    assert tags(root).count("mtd") == 4


def test_top_level_row_break_stacks_the_rows() -> None:
    # Browsers ignore <mspace linebreak>, so two equations joined by \\ must become rows.
    root = parsed("x' = x \\cos(\\theta) \\\\\ny' = -x \\sin(\\theta)", display=True)
    assert tags(root).count("mtr") == 2
    assert all(element.get("linebreak") is None for element in root.iter())


def test_aligned_environment_has_no_visible_ampersand() -> None:
    root = parsed(r"\begin{aligned} x &= 1 \\ y &= 2 \end{aligned}", display=True)
    assert "&" not in "".join(root.itertext())
    assert tags(root).count("mtr") == 2


def test_ampersand_in_text_is_well_formed() -> None:
    assert texts(parsed(r"\text{a & b}"), "mtext") == ["a\u00a0&\u00a0b"]


def test_results_are_memoised() -> None:
    first = latex_to_mathml(r"\sqrt{x^2 + a^2}", display=False)
    assert latex_to_mathml(r"\sqrt{x^2 + a^2}", display=False) is first


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac{a}{",  # latex2mathml raises
        r"\left( x",  # another exception type
        "",
        "   ",
        "{}",  # converts to nothing
        r"\foo x",  # latex2mathml would copy the unknown command into an <mi>
        r"\text{<script>alert(1)</script>}",  # markup through \text
        r"\href{javascript:alert(1)}{x}",  # an href attribute
    ],
)
def test_bad_formulas_raise_a_conversion_error(tex: str) -> None:
    with pytest.raises(MathConversionError):
        latex_to_mathml(tex, display=False)


def test_conversion_error_is_a_value_error() -> None:
    assert issubclass(MathConversionError, ValueError)


# --- fill_math ---------------------------------------------------------------------------

TOKEN = new_math_token("")

DISPLAY = MathSpan("$$\nE = mc^2\n$$", "E = mc^2", display=True)
INLINE = MathSpan("$ a < b $", "a < b", display=False)
BROKEN = MathSpan("$\\frac{a}{$", "\\frac{a}{", display=False)


def html_with(*spans_in_paragraphs: str) -> str:
    return "".join(f"<p>{content}</p>" for content in spans_in_paragraphs)


def test_display_formula_alone_in_its_paragraph_becomes_a_display_div() -> None:
    html, failures = fill_math(
        html_with(math_placeholder(0, TOKEN)), [DISPLAY], mode="mathml", token=TOKEN
    )
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("p") is None
    div = soup.find("div", class_="qt-math qt-math--display")
    assert isinstance(div, Tag)
    math = div.find("math")
    assert isinstance(math, Tag)
    assert math.get("display") == "block"
    assert failures == []


def test_inline_formula_becomes_inline_mathml_in_its_paragraph() -> None:
    html, _ = fill_math(
        html_with(f"so {math_placeholder(0, TOKEN)} holds"), [INLINE], mode="mathml", token=TOKEN
    )
    paragraph = BeautifulSoup(html, "html.parser").find("p")
    assert isinstance(paragraph, Tag)
    math = paragraph.find("math")
    assert isinstance(math, Tag)
    assert math.get("display") == "inline"
    assert paragraph.get_text() == "so a<b holds"


def test_mode_none_puts_back_the_escaped_source_with_delimiters() -> None:
    html, failures = fill_math(
        html_with(f"so {math_placeholder(0, TOKEN)} holds", math_placeholder(1, TOKEN)),
        [INLINE, DISPLAY],
        mode="none",
        token=TOKEN,
    )
    assert html == "<p>so $ a &lt; b $ holds</p><p>$$\nE = mc^2\n$$</p>"
    assert failures == []


def test_unconvertible_formula_is_shown_as_code_and_reported() -> None:
    html, failures = fill_math(
        html_with(math_placeholder(0, TOKEN), f"and {math_placeholder(1, TOKEN)}"),
        [BROKEN, INLINE],
        mode="mathml",
        token=TOKEN,
    )
    soup = BeautifulSoup(html, "html.parser")
    error = soup.find("code", class_="qt-math-error")
    assert isinstance(error, Tag)
    assert error.get_text() == "$\\frac{a}{$"
    assert len(soup.find_all("math")) == 1  # the good one still converts
    assert failures == [BROKEN]


def test_placeholders_are_not_confused_by_their_numbers() -> None:
    spans = [MathSpan(f"${n}$", f"x_{{{n}}}", display=False) for n in range(12)]
    html, _ = fill_math(
        f"<p>{math_placeholder(1, TOKEN)} {math_placeholder(11, TOKEN)}</p>",
        spans,
        mode="none",
        token=TOKEN,
    )
    assert html == "<p>$1$ $11$</p>"


def test_a_placeholder_with_no_span_is_left_alone() -> None:
    html, failures = fill_math(
        f"<p>{math_placeholder(7, TOKEN)}</p>", [INLINE], mode="mathml", token=TOKEN
    )
    assert html == f"<p>{math_placeholder(7, TOKEN)}</p>"
    assert failures == []


def test_plain_text_of_math_is_the_tex_on_one_line() -> None:
    span = MathSpan("$$\na & b \\\\\nc\n$$", "a & b \\\\\nc", display=True)
    assert plain_text_of_math(span) == "a & b \\\\ c"


def test_fill_math_text_puts_the_tex_into_plain_text() -> None:
    title = f"Expression for {math_placeholder(0, TOKEN)}"
    assert (
        fill_math_text(title, [MathSpan("$ dE_x $", "dE_x", False)], TOKEN) == "Expression for dE_x"
    )


# --- every corpus formula ---------------------------------------------------------------


def counted(tex: str, command: str) -> int:
    return len(re.findall(re.escape(command) + r"(?![A-Za-z])", tex))


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem[:60])
def test_every_formula_of_every_answer_converts_faithfully(source: Path) -> None:
    prepared = prepare_answer(raw_answer(source))
    for span in prepared.math:
        root = parsed(span.tex, display=span.display)
        names = tags(root)
        symbols = "".join(root.itertext())
        assert names.count("mfrac") == counted(span.tex, "\\frac"), span.tex
        assert names.count("msqrt") == counted(span.tex, "\\sqrt"), span.tex
        assert names.count("mtext") >= counted(span.tex, "\\text"), span.tex
        assert symbols.count("\u2260") == counted(span.tex, "\\neq"), span.tex
        assert symbols.count("\u00ac") == counted(span.tex, "\\neg"), span.tex
        assert "\\" not in symbols, span.tex  # no command left unconverted
    html = markdown.Markdown(extensions=["toc", "tables", "fenced_code"]).convert(prepared.markdown)
    filled, failures = fill_math(html, prepared.math, mode="mathml", token=prepared.token)
    assert failures == []
    assert filled.count("<math ") == len(prepared.math)
    assert not prepared.math or prepared.token not in filled
