"""LaTeX to MathML Core with math-core, and putting formulas back into rendered answers.

Expected MathML characters and elements are written by hand from the LaTeX meaning
(``\\neq`` is U+2260, ``\\frac`` is ``<mfrac>``), never copied from the code under test.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from conftest import SOURCES
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_quicktakes.answer.math import (
    MATHML_ATTRIBUTES,
    MATHML_ELEMENTS,
    MathConversionError,
    MathMacros,
    _alternatives,
    check_mathml,
    conversion_error,
    fill_math,
    fill_math_text,
    latex_to_mathml,
    math_macros,
    plain_text_of_math,
)
from mkdocs_quicktakes.answer.placeholders import MathSpan, math_placeholder, new_math_token
from mkdocs_quicktakes.answer.prepare import prepare_answer

if TYPE_CHECKING:
    from pathlib import Path

HTML_ENTITIES = {"&ApplyFunction;": "\u2061"}  # the one HTML entity math-core writes


def parsed(tex: str, *, display: bool = False, macros: MathMacros = ()) -> ET.Element:
    mathml = latex_to_mathml(tex, display=display, macros=macros)
    for entity, char in HTML_ENTITIES.items():
        mathml = mathml.replace(entity, char)
    return ET.fromstring(mathml)


def tags(root: ET.Element) -> list[str]:
    return [element.tag for element in root.iter()]


def texts(root: ET.Element, tag: str) -> list[str]:
    return [element.text or "" for element in root.iter(tag)]


def raw_answer(path: Path) -> str:
    front = path.read_text(encoding="utf-8").removeprefix("---\n").split("\n---\n", 1)[0]
    value = yaml.safe_load(front)["answer"]
    assert isinstance(value, str)
    return value


# --- latex_to_mathml ---------------------------------------------------------------------


def test_display_math_is_a_block_and_inline_math_is_not() -> None:
    assert parsed("x", display=True).get("display") == "block"
    assert parsed("x", display=False).get("display") in {None, "inline"}
    assert parsed("x").tag == "math"


def test_neq_is_the_not_equal_sign() -> None:
    assert texts(parsed(r"\text{det}(A) \neq 0"), "mo")[-1] == "\u2260"


def test_frac_is_an_mfrac_with_numerator_and_denominator() -> None:
    fraction = parsed(r"\frac{de(t)}{dt}").find(".//mfrac")
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


def test_a_number_with_several_digits_is_one_mn() -> None:
    # 6.022 \times 10^{23}: "10" must not be split into two numbers with a gap between them.
    numbers = texts(parsed(r"6.022 \times 10^{23}"), "mn")
    assert numbers == ["6.022", "10", "23"]


def test_pmatrix_rows_become_table_rows() -> None:
    root = parsed("\\begin{pmatrix}\na & b \\\\\nc & d\n\\end{pmatrix}", display=True)
    assert tags(root).count("mtr") == 2
    assert tags(root).count("mtd") == 4
    assert [mo.text for mo in root.iter("mo")] == ["(", ")"]


def test_top_level_row_break_stacks_the_rows() -> None:
    # Browsers ignore <mspace linebreak>, so two equations joined by \\ must become rows.
    root = parsed("x' = x \\cos(\\theta) \\\\\ny' = -x \\sin(\\theta)", display=True)
    assert tags(root).count("mtr") == 2
    assert all(element.get("linebreak") is None for element in root.iter())


def test_top_level_rows_with_ampersands_are_aligned() -> None:
    root = parsed(r"a &= 1 \\ bc &= 2", display=True)
    assert tags(root).count("mtr") == 2
    assert tags(root).count("mtd") == 4  # the & splits each row into two cells
    assert "&" not in "".join(root.itertext())


def test_aligned_environment_has_no_visible_ampersand() -> None:
    root = parsed(r"\begin{aligned} x &= 1 \\ y &= 2 \end{aligned}", display=True)
    assert "&" not in "".join(root.itertext())
    assert tags(root).count("mtr") == 2
    # Right-aligned left sides, left-aligned right sides: the = signs start each right cell.
    cells = list(root.iter("mtd"))
    assert [cell[0].text for cell in cells[1::2]] == ["=", "="]


@pytest.mark.parametrize("environment", ["align", "gather", "equation", "multline"])
def test_numbered_environments_show_no_number(environment: str) -> None:
    # Each formula is converted alone: numbers would restart at (1) in every formula.
    tex = rf"\begin{{{environment}}} a = b \end{{{environment}}}"
    assert "(1)" not in "".join(parsed(tex, display=True).itertext())


def test_cancel_strikes_through_what_it_cancels() -> None:
    enclose = parsed(r"\frac{\cancel{a} b}{\cancel{a}}").find(".//menclose")
    assert enclose is not None
    assert enclose.get("notation") == "updiagonalstrike"
    assert enclose[0].text == "a"
    # MathML Core draws no <menclose>: the stroke is an element of its own, drawn by math.css.
    assert [child.get("class") for child in enclose[1:]] == ["menclose-updiagonalstrike"]


def test_xcancel_has_both_strokes() -> None:
    enclose = parsed(r"\xcancel{y}").find(".//menclose")
    assert enclose is not None
    classes = {child.get("class") for child in enclose[1:]}
    assert classes == {"menclose-updiagonalstrike", "menclose-downdiagonalstrike"}


def test_boxed_is_an_menclose_box() -> None:
    enclose = parsed(r"\boxed{E = mc^2}").find(".//menclose")
    assert enclose is not None
    assert enclose.get("notation") == "box"
    assert "".join(enclose.itertext()) == "E=mc2"


def schema_misplaced_styles(root: ET.Element) -> list[str]:
    """Elements with displaystyle or scriptlevel where the MathML 3 schema (HTML checkers) has
    none: scriptlevel outside <mstyle>, displaystyle outside <mstyle>, <mtable> and <math>."""
    return [
        f"{element.tag} {attribute}"
        for element in root.iter()
        for attribute in ("displaystyle", "scriptlevel")
        if element.get(attribute) is not None
        and element.tag != "mstyle"
        and not (attribute == "displaystyle" and element.tag in {"mtable", "math"})
    ]


@pytest.mark.parametrize(
    "tex",
    [
        r"\tfrac12",
        r"\scriptstyle x",
        r"x^{\begin{matrix} a \end{matrix}}",
        r"\begin{pmatrix} \begin{matrix} a \end{matrix} & b \end{pmatrix}",
    ],
)
def test_display_and_script_levels_sit_on_mstyle(tex: str) -> None:
    root = parsed(tex)
    assert schema_misplaced_styles(root) == []
    styled = [element for element in root.iter("mstyle")]
    assert styled, "the levels were dropped instead of moved"
    for mstyle in styled:
        assert len(mstyle) == 1  # in the place of the element that had them


def test_tfrac_keeps_its_text_style_on_a_wrapper() -> None:
    mstyle = parsed(r"\tfrac12").find("mstyle")
    assert mstyle is not None
    assert mstyle.get("displaystyle") == "false"
    assert [child.tag for child in mstyle] == ["mfrac"]


def test_ampersand_and_angle_brackets_in_text_are_escaped() -> None:
    mathml = latex_to_mathml(r"\text{a \& b <script>}", display=False)
    assert "&amp;" in mathml
    assert "<script" not in mathml
    assert "&lt;script&gt;" in mathml


def test_results_are_memoised() -> None:
    first = latex_to_mathml(r"\sqrt{x^2 + a^2}", display=False)
    assert latex_to_mathml(r"\sqrt{x^2 + a^2}", display=False) is first


@pytest.mark.parametrize(
    ("tex", "message"),
    [
        (r"\frac{a}{", 'math-core, at character 9: Expected closing token "}", but reached end'),
        (r"\left( x", "math-core, at character 8: "),
        (r"\foo x", r'math-core, at character 0: Unknown command "\foo".'),
        (r"\href{javascript:alert(1)}{x}", r'Unknown command "\href"'),
        ("", "the formula is empty"),
        ("   ", "the formula is empty"),
        ("{}", "the formula is empty"),
        (r"\nonumber", "the formula is empty"),
        # \eqref links to an id: both would reach outside the formula.
        (r"\eqref{e}", "math-core gave <a>"),
    ],
)
def test_bad_formulas_raise_a_conversion_error_with_math_cores_message(
    tex: str, message: str
) -> None:
    with pytest.raises(MathConversionError) as raised:
        latex_to_mathml(tex, display=False)
    assert message in str(raised.value)


def test_message_positions_count_in_the_authors_latex() -> None:
    # The formula is wrapped in an environment before conversion; the position is not.
    with pytest.raises(MathConversionError, match=r"math-core, at character 14: "):
        latex_to_mathml("a \\\\ \\frac{a}{", display=True)


def test_conversion_error_is_a_value_error() -> None:
    assert issubclass(MathConversionError, ValueError)


def test_conversion_error_says_why_or_nothing() -> None:
    assert conversion_error(MathSpan("$x$", "x", display=False)) == ""
    assert "Unknown command" in conversion_error(MathSpan(r"$\R\R$", r"\foo", display=False))


# --- the allowlist ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mathml",
    [
        "<math><mi>x</mi><script>alert(1)</script></math>",
        '<math><mi onclick="alert(1)">x</mi></math>',
        '<math><mi href="javascript:alert(1)">x</mi></math>',
        '<math><mtext><a href="#e">(1)</a></mtext></math>',
        '<math><mtd id="e"><mi>x</mi></mtd></math>',
        '<math><mrow style="background:url(https://evil.example/)"><mi>x</mi></mrow></math>',
        '<math><mrow style="color:red;position:fixed"><mi>x</mi></mrow></math>',
        '<math><mrow class="md-header"><mi>x</mi></mrow></math>',
        "<math><mi>x</mi><img src=x onerror=alert(1)></math>",
        "<math><mi x=1>x</mi></math>",
        "<math></math>",
    ],
)
def test_markup_outside_the_allowlist_is_refused(mathml: str) -> None:
    with pytest.raises(MathConversionError):
        check_mathml(mathml)


@pytest.mark.parametrize(
    "mathml",
    [
        '<math display="block"><mtable><mtr><mtd style="text-align: right;justify-items: end;'
        'padding-right: 0;"><mi>a</mi></mtd></mtr></mtable></math>',
        '<math><menclose notation="updiagonalstrike"><mi>a</mi>'
        '<mrow class="menclose-updiagonalstrike"></mrow></menclose></math>',
        '<math><mrow style="color:#0000FF;"><mi>x</mi></mrow></math>',
        '<math><mtext><span class="math-core-sans-serif-font">ab</span></mtext></math>',
        "<math><mrow><mspace/><mi>sin</mi></mrow><mo>&ApplyFunction;</mo><mi>x</mi></math>",
    ],
)
def test_what_math_core_writes_passes_the_allowlist(mathml: str) -> None:
    check_mathml(mathml)


# --- math_macros --------------------------------------------------------------------------


def test_macros_expand_in_formulas() -> None:
    macros = math_macros({"vect": r"\mathbf{#1}", "\\RR": r"\mathbb{R}"})
    assert macros == (("RR", r"\mathbb{R}"), ("vect", r"\mathbf{#1}"))
    root = parsed(r"\vect{x} \in \RR^n", macros=macros)
    assert texts(root, "mi")[:1] == ["\U0001d431"]  # MATHEMATICAL BOLD SMALL X
    assert "\u211d" in "".join(root.itertext())  # DOUBLE-STRUCK CAPITAL R


def test_without_the_macro_the_formula_fails() -> None:
    with pytest.raises(MathConversionError, match="Unknown command"):
        latex_to_mathml(r"\vect{x}", display=False)


@pytest.mark.parametrize("macros", [{"1x": "a"}, {"": "x"}, {"R R": "x"}, {"R": 1}, {"R": ["x"]}])
def test_bad_macros_are_refused(macros: dict[str, str]) -> None:
    with pytest.raises(MathConversionError):
        math_macros(macros)


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
    assert math.get("display") in {None, "inline"}
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
        assert schema_misplaced_styles(root) == [], span.tex
    html = markdown.Markdown(extensions=["toc", "tables", "fenced_code"]).convert(prepared.markdown)
    filled, failures = fill_math(html, prepared.math, mode="mathml", token=prepared.token)
    assert failures == []
    assert len(re.findall("<math[ >]", filled)) == len(prepared.math)
    assert not prepared.math or prepared.token not in filled


class _Tags(HTMLParser):
    """Every tag, comment and declaration as a browser's tokenizer reads them: the oracle."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.found.append(("/" + tag, []))

    def handle_comment(self, data: str) -> None:
        self.found.append(("!comment", []))

    def handle_decl(self, decl: str) -> None:
        self.found.append(("!decl", []))

    def handle_pi(self, data: str) -> None:
        self.found.append(("?pi", []))

    def unknown_decl(self, data: str) -> None:
        self.found.append(("!decl", []))


def outside_allowlist(mathml: str) -> list[str]:
    """What the oracle finds that a page may not hold: elements, attributes, valueless ones."""
    parser = _Tags()
    parser.feed(mathml)
    parser.close()
    bad = []
    for tag, attrs in parser.found:
        if tag.removeprefix("/") not in MATHML_ELEMENTS:
            bad.append(tag)
        bad += [f"{tag} {name}={value}" for name, value in attrs if name not in MATHML_ATTRIBUTES]
        bad += [f"{tag} {name} (no value)" for name, value in attrs if value is None]
    return bad


# Pieces of markup, allowed and not: tags, attributes, quotes, comments and stray brackets.
MARKUP_PIECES = st.sampled_from(
    [
        "<math>", "</math>", "<mi>", "</mi>", "<mo>", "</mo>", "<mover>", "</mover>",
        "<mrow>", "</mrow>", '<mo stretchy="false">', '<mi mathvariant="normal">', "<mspace/>",
        '<mspace width="1em"/>', "<mtd>", "</mtd>", "<mix>", "</mix>", "<m>", "<script>",
        "</script>", "<img src=x>", '<mi onclick="x">', "<mi x>", '<mi stretchy="a>b">',
        '<mi stretchy=\'x\'>', "<!-- c -->", "<!x>", "<?x?>", "< mi>", "<mi/ >", "<mi >",
        '<mo lspace="0" rspace="0">', "<", ">", '"', "x", " ", "&amp;", "&lt;", "</ mi>",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(MARKUP_PIECES, max_size=12))
def test_markup_the_check_lets_through_holds_only_allowed_tags(pieces: list[str]) -> None:
    mathml = "<math><mi>x</mi>" + "".join(pieces) + "</math>"
    try:
        check_mathml(mathml)
    except MathConversionError:
        return
    assert outside_allowlist(mathml) == []


def test_every_formula_of_the_real_files_passes_the_allowlist_and_the_oracle() -> None:
    for path in SOURCES:
        for span in prepare_answer(raw_answer(path)).math:
            mathml = latex_to_mathml(span.tex, display=span.display)  # checked inside
            assert outside_allowlist(mathml) == [], span.source


@pytest.mark.parametrize("words", [MATHML_ELEMENTS, MATHML_ATTRIBUTES])
def test_the_allowlist_pattern_matches_each_name_and_nothing_near_it(words: frozenset[str]) -> None:
    pattern = re.compile(f"(?:{_alternatives(words)})")
    assert all(pattern.fullmatch(word) for word in words)
    near = {word[:-1] for word in words} | {word + "s" for word in words} | {"x", "mix", "sty"}
    assert [word for word in near - words if pattern.fullmatch(word)] == []
