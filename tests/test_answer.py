"""Decoding and normalising QuickTakes answers, checked through a real Python-Markdown render.

Expected values are written by hand from the raw text (see ../shared/corpus/REPORT.md); the
corpus-wide test derives its expectations from the raw answer with simple regular expressions,
never from the code under test.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup, Comment, Tag
from conftest import CORPUS, SEED, SOURCES

from mkdocs_quicktakes.answer.decode import decode_newlines
from mkdocs_quicktakes.answer.placeholders import MathSpan, PreparedAnswer
from mkdocs_quicktakes.answer.prepare import prepare_answer
from mkdocs_quicktakes.records import mojibake as mojibake_module
from mkdocs_quicktakes.records.mojibake import repair_mojibake

if TYPE_CHECKING:
    from pathlib import Path

    from mkdocs_quicktakes.answer.blocks import NestedFences

# nested_fences mode -> the Markdown extensions of a site that would choose it
RENDERINGS: dict[NestedFences, list[str]] = {
    "indented": ["toc", "tables", "fenced_code"],  # MkDocs' defaults
    "fence": ["toc", "tables", "pymdownx.superfences"],
    "codehilite": ["toc", "tables", "fenced_code", "codehilite"],
}
MODES: list[NestedFences] = list(RENDERINGS)


@cache
def raw_answer(name: str) -> str:
    path = CORPUS / name if (CORPUS / name).exists() else SEED / name
    front = path.read_text(encoding="utf-8").removeprefix("---\n").split("\n---\n", 1)[0]
    value = yaml.safe_load(front)["answer"]
    assert isinstance(value, str)
    return value


def render(raw: str, mode: NestedFences = "indented") -> tuple[BeautifulSoup, PreparedAnswer]:
    prepared = prepare_answer(raw, nested_fences=mode)
    html = markdown.Markdown(extensions=RENDERINGS[mode]).convert(prepared.markdown)
    return BeautifulSoup(html, "html.parser"), prepared


def text_outside_code(soup: BeautifulSoup) -> str:
    return "".join(
        str(s)
        for s in soup.find_all(string=True)
        if not isinstance(s, Comment) and s.find_parent(["code", "pre"]) is None
    )


def code_blocks(soup: BeautifulSoup) -> list[str]:
    return [pre.get_text() for pre in soup.find_all("pre")]


def children(tag: Tag, name: str) -> list[Tag]:
    return list(tag.find_all(name, recursive=False))


def only(soup: BeautifulSoup | Tag, name: str) -> Tag:
    found = soup.find_all(name)
    assert len(found) == 1, f"expected one <{name}>, found {len(found)}"
    tag = found[0]
    assert isinstance(tag, Tag)
    return tag


# --- mojibake ----------------------------------------------------------------------------


def test_mojibake_is_repaired() -> None:
    assert repair_mojibake("Hereâ€™s how") == "Here\u2019s how"


def test_correct_unicode_and_markup_are_left_alone() -> None:
    correct = (
        "It\u2019s \u201cquoted\u201d: \u03a9 \u00b1 \u2014 \u00ac \u2227 \u2228 \u2192 \u2194 "
        "\u0398, &amp; &lt;b&gt;, \ufb01 \uff21, e\u0301"
    )
    assert repair_mojibake(correct) == correct


def test_ascii_text_skips_ftfy(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: object) -> str:
        raise AssertionError("ftfy called on ASCII text")

    monkeypatch.setattr(mojibake_module.ftfy, "fix_text", fail)
    assert repair_mojibake("plain ASCII \\n text") == "plain ASCII \\n text"


def test_seed_answer_comes_out_repaired() -> None:
    soup, _ = render(
        raw_answer(
            "how-is-transcranial-magnetic-stimulation-tms-used-in-the-treatment-of-depression.md"
        )
    )
    text = soup.get_text()
    assert "Here\u2019s how TMS is utilized" in text
    assert "\u00e2\u20ac" not in text


def test_mojibake_repair_can_be_turned_off() -> None:
    prepared = prepare_answer("Hereâ€™s", fix_mojibake=False)
    assert prepared.markdown == "Hereâ€™s\n"


# --- decoding backslash-n ------------------------------------------------------------------


def test_backslash_n_in_text_is_a_line_break() -> None:
    assert decode_newlines(r"a\nb\n\n### c") == "a\nb\n\n### c"


def test_other_backslash_sequences_are_not_unescaped() -> None:
    raw = r"$\theta \frac{a}{b} \beta \rho \times \to$ and C:\temp"
    assert decode_newlines(raw) == raw


def test_neq_and_neg_inside_math_are_kept() -> None:
    raw = r"if $\text{det}(A) \neq 0$ or \( \neg (p \land q) \)\nnext"
    assert decode_newlines(raw) == "if $\\text{det}(A) \\neq 0$ or \\( \\neg (p \\land q) \\)\nnext"


def test_nu_right_after_display_opener_is_a_line_break() -> None:
    raw = r"$$\nu(t) = K_p e(t)\n$$"
    assert decode_newlines(raw) == "$$\nu(t) = K_p e(t)\n$$"


def test_backslash_n_right_before_a_display_closer_is_a_line_break() -> None:
    assert decode_newlines(r"\[\nx = 1\n\]") == "\\[\nx = 1\n\\]"


def test_nu_elsewhere_in_math_is_kept() -> None:
    assert decode_newlines(r"$$ a + \nu $$ and $\nu$") == "$$ a + \\nu $$ and $\\nu$"


def test_backslash_n_before_a_non_command_in_math_is_a_line_break() -> None:
    raw = r"$$\n\begin{pmatrix}\na & b\n\end{pmatrix}\n$$"
    assert decode_newlines(raw) == "$$\n\\begin{pmatrix}\na & b\n\\end{pmatrix}\n$$"


def test_row_break_followed_by_backslash_n_is_row_break_and_line_break() -> None:
    assert decode_newlines(r"$$ a & b \\\nc & d $$") == "$$ a & b \\\\\nc & d $$"
    # Even when the next row starts with "u": \\ then a break, never \\ then \nu.
    assert decode_newlines(r"$$ a \\\nu $$") == "$$ a \\\\\nu $$"


def test_backslash_n_in_inline_code_is_kept() -> None:
    assert decode_newlines(r'Use `"\n"` here\nnext') == 'Use `"\\n"` here\nnext'


def test_backslash_n_in_a_code_string_literal_is_kept() -> None:
    raw = r'```c\nprintf("NULL\n");\nputs("a\nb");\n}\n```'
    assert decode_newlines(raw) == '```c\nprintf("NULL\\n");\nputs("a\\nb");\n}\n```'


def test_backslash_n_in_a_char_literal_is_kept() -> None:
    raw = r"```c\nif (c == '\n')\n    n++;\n```"
    assert decode_newlines(raw) == "```c\nif (c == '\\n')\n    n++;\n```"


def test_apostrophes_and_comments_do_not_swallow_code_lines() -> None:
    raw = r"```python\n# don't do this\nx = 1  # it's fine\nprint('ok')\n```"
    expected = "```python\n# don't do this\nx = 1  # it's fine\nprint('ok')\n```"
    assert decode_newlines(raw) == expected
    assert decode_newlines(r"```\nhe is 5' tall\nnext\n```") == "```\nhe is 5' tall\nnext\n```"


def test_indented_fence_lines_are_decoded() -> None:
    raw = r"1. X:\n   ```python\n   x = 1\n   ```\n2. Y"
    assert decode_newlines(raw) == "1. X:\n   ```python\n   x = 1\n   ```\n2. Y"


def test_trailing_spaces_and_space_only_lines_are_dropped_outside_code() -> None:
    assert decode_newlines(r"a   \n   \n1. b: \n```\nx   \n```") == "a\n\n1. b:\n```\nx   \n```"


def test_backslash_before_backslash_n_in_text_stays_a_backslash() -> None:
    # The generator never escapes backslashes: "\\n" is a backslash, then a line break.
    assert decode_newlines(r"a\\nb") == "a\\\nb"


# --- what counts as math -------------------------------------------------------------------


def test_spaced_and_tight_dollar_math_are_both_math() -> None:
    prepared = prepare_answer(r"Let $ a_1 $ and $b_2$ be")
    assert prepared.math == (
        MathSpan("$ a_1 $", "a_1", display=False),
        MathSpan("$b_2$", "b_2", display=False),
    )
    assert prepared.markdown == f"Let {prepared.placeholder(0)} and {prepared.placeholder(1)} be\n"


def test_currency_is_not_math() -> None:
    # Rule: $...$ is math when the space inside is the same at both ends; "$5 and $"
    # has none after the opening $ and one before the closing $, so it is two prices.
    prepared = prepare_answer(r"It costs $5 and $10, or $x$ dollars.")
    assert [span.tex for span in prepared.math] == ["x"]
    soup, _ = render(r"It costs $5 and $10 today.")
    assert soup.get_text() == "It costs $5 and $10 today."


def test_escaped_dollar_is_not_math() -> None:
    prepared = prepare_answer(r"costs \$5 and \$10")
    assert prepared.math == ()


def test_math_never_spans_a_paragraph_break() -> None:
    assert prepare_answer(r"$a\n\nb$").math == ()
    assert prepare_answer(r"$$ a\n\nb $$").math == ()


def test_bracket_math_is_display_and_paren_math_inline() -> None:
    prepared = prepare_answer(r"\( x \) then\n\[\nx^2\n\]")
    assert [(s.tex, s.display) for s in prepared.math] == [("x", False), ("x^2", True)]


def test_underscores_and_stars_in_math_never_become_emphasis() -> None:
    soup, prepared = render(r"Take $a_1 * b_2$ and $c_3 * d_4$ now.")
    assert soup.find("em") is None
    assert len(prepared.math) == 2


def test_display_math_on_its_own_lines_becomes_its_own_paragraph() -> None:
    soup, prepared = render(r"The formula:\n$$\nE = mc^2\n$$\nwhere $E$ is energy.")
    paragraphs = [p.get_text() for p in soup.find_all("p")]
    assert paragraphs == [
        "The formula:",
        prepared.placeholder(0),
        f"where {prepared.placeholder(1)} is energy.",
    ]
    assert prepared.math[0] == MathSpan("$$\nE = mc^2\n$$", "E = mc^2", display=True)


def test_display_math_inside_a_sentence_stays_inline() -> None:
    soup, prepared = render(r"so $$ x^2 $$ holds.")
    assert [p.get_text() for p in soup.find_all("p")] == [f"so {prepared.placeholder(0)} holds."]
    assert prepared.math[0].display


def test_tag_like_text_is_shown_not_interpreted() -> None:
    soup, _ = render(r"Use <username> here, and `<div>` in code.")
    assert soup.find("username") is None
    assert "<username>" in soup.get_text()
    assert only(soup, "code").get_text() == "<div>"


# --- block structure -------------------------------------------------------------------------


def test_list_right_after_a_paragraph_line_gets_a_blank_line() -> None:
    assert prepare_answer(r"Where:\n- a\n- b").markdown == "Where:\n\n- a\n- b\n"
    soup, _ = render(r"Where:\n- a\n- b")
    assert len(children(only(soup, "ul"), "li")) == 2


def test_table_right_after_a_paragraph_line_gets_a_blank_line() -> None:
    raw = r"Table:\n| a | b |\n|---|---|\n| 1 | 2 |"
    assert prepare_answer(raw).markdown == "Table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    soup, _ = render(raw)
    assert len(only(soup, "table").find_all("tr")) == 2


def test_items_nested_at_the_content_column_are_nested_by_four_spaces() -> None:
    raw = r"1. **X**:\n   - sub\n2. **Y**"
    assert prepare_answer(raw).markdown == "1. **X**:\n    - sub\n2. **Y**\n"
    soup, _ = render(raw)
    items = children(only(soup, "ol"), "li")
    assert len(items) == 2
    assert only(items[0], "ul").get_text(strip=True) == "sub"


def test_bullets_nested_by_two_spaces_are_nested() -> None:
    soup, _ = render(r"- **Arrays**:\n  - one\n  - two\n- **Lists**")
    outer = soup.find("ul")
    assert isinstance(outer, Tag)
    items = children(outer, "li")
    assert len(items) == 2
    assert [li.get_text() for li in only(items[0], "ul").find_all("li")] == ["one", "two"]


def test_list_types_that_follow_each_other_stay_separate_lists() -> None:
    soup, _ = render(r"- a\n- b\n\n1. c\n2. d")
    assert len(only(soup, "ul").find_all("li")) == 2
    assert len(only(soup, "ol").find_all("li")) == 2


def test_indented_display_math_keeps_the_ordered_list_whole() -> None:
    raw = (
        r"1. **Model**:\n   $$\n   Y = \beta_0 + \epsilon\n   $$\n"
        r"   where $Y$ is the output.\n\n2. **Fit**: done"
    )
    for mode in MODES:
        soup, prepared = render(raw, mode)
        items = children(only(soup, "ol"), "li")
        assert len(items) == 2
        assert [p.get_text() for p in items[0].find_all("p")] == [
            "Model:",
            prepared.placeholder(0),
            f"where {prepared.placeholder(1)} is the output.",
        ]


def test_ordered_list_interrupted_at_column_zero_is_joined_into_one_list() -> None:
    # As in the forced-vibrations file: a formula at column 0 between steps 1 and 2.
    raw = r"1. **First**: solve:\n\n$$\nx = 1\n$$\n\nThen check.\n\n2. **Second**: done"
    soup, prepared = render(raw)
    items = children(only(soup, "ol"), "li")
    assert len(items) == 2
    assert [p.get_text() for p in items[0].find_all("p")] == [
        "First: solve:",
        prepared.placeholder(0),
        "Then check.",
    ]


def test_display_line_under_a_sub_item_belongs_to_that_sub_item() -> None:
    # As in the hypothesis-testing file: the $$ line is a lazy continuation of the bullet.
    raw = (
        r"2. **Tests**:\n   - **One**: computed as:\n   $$ t = 1 $$\n   where $t$ is it.\n"
        r"   \n   - **Two**: more"
    )
    soup, prepared = render(raw)
    bullets = children(only(soup, "ul"), "li")
    assert len(bullets) == 2
    assert [p.get_text() for p in bullets[0].find_all("p")] == [
        "One: computed as:",
        prepared.placeholder(0),
        f"where {prepared.placeholder(1)} is it.",
    ]


NESTED_FENCE = r"1. Step:\n   ```python\n   x = 1\n   ```\n2. Next"
NESTED_FENCE_MARKDOWN: dict[NestedFences, str] = {
    "indented": "1. Step:\n\n        x = 1\n\n2. Next\n",
    "codehilite": "1. Step:\n\n        :::python\n        x = 1\n\n2. Next\n",
    "fence": "1. Step:\n\n    ```python\n    x = 1\n    ```\n\n2. Next\n",
}


@pytest.mark.parametrize("mode", MODES)
def test_fence_inside_a_list_item_is_written_for_the_chosen_extension(mode: NestedFences) -> None:
    assert prepare_answer(NESTED_FENCE, nested_fences=mode).markdown == NESTED_FENCE_MARKDOWN[mode]
    soup, _ = render(NESTED_FENCE, mode)
    items = children(only(soup, "ol"), "li")
    assert len(items) == 2
    assert only(items[0], "pre").get_text() == "x = 1\n"
    if mode != "indented":
        assert items[0].find("span") is not None  # highlighted by Pygments


def test_top_level_fence_is_dedented_to_column_zero() -> None:
    raw = r"Text:\n   ```python\n   x = 1\n   ```\nAfter"
    assert prepare_answer(raw).markdown == "Text:\n\n```python\nx = 1\n```\n\nAfter\n"


def test_fence_after_a_sub_list_stays_code() -> None:
    # As in the router file: Python-Markdown would read the indented code as a paragraph
    # of the bullet unless something ends the bullet list first.
    raw = r"2. **Secure**:\n   - **Console**:\n   ```plaintext\n   line console 0\n   ```\n3. Done"
    for mode in MODES:
        soup, _ = render(raw, mode)
        assert code_blocks(soup) == ["line console 0\n"]
        assert len(children(only(soup, "ol"), "li")) == 2


# --- real files -------------------------------------------------------------------------------


def test_pid_formula_starts_with_u_of_t() -> None:
    soup, prepared = render(
        raw_answer("how-does-a-pid-controller-work-and-what-are-its-components.md")
    )
    assert prepared.math[0] == MathSpan(
        "$$\nu(t) = K_p e(t) + K_i \\int_0^t e(\\tau) d\\tau + K_d \\frac{de(t)}{dt}\n$$",
        "u(t) = K_p e(t) + K_i \\int_0^t e(\\tau) d\\tau + K_d \\frac{de(t)}{dt}",
        display=True,
    )
    assert prepared.placeholder(0) in [p.get_text() for p in soup.find_all("p")]
    assert len(children(only(soup, "ol"), "li")) == 3


def test_linked_list_code_keeps_its_string_escape() -> None:
    soup, _ = render(
        raw_answer("what-are-the-key-steps-in-manipulating-nodes-within-a-linked-list-in-c.md")
    )
    traversal = code_blocks(soup)[-1]
    assert traversal.splitlines() == [
        "void printList(struct node *node) {",
        "    while (node != NULL) {",
        '        printf("%d -> ", node->data);',
        "        node = node->next;",
        "    }",
        '    printf("NULL\\n");',
        "}",
    ]


def test_neq_survives_in_the_determinant_and_irrationality_files() -> None:
    determinant = prepare_answer(
        raw_answer("how-is-the-determinant-of-a-matrix-calculated-and-what-does-it-signify.md")
    )
    assert MathSpan("$\\text{det}(A) \\neq 0$", "\\text{det}(A) \\neq 0", display=False) in (
        determinant.math
    )
    irrational = prepare_answer(raw_answer("how-can-the-irrationality-of-a-number-be-proven.md"))
    assert "b \\neq 0" in [span.tex for span in irrational.math]


def test_truth_table_keeps_neg_in_its_cells() -> None:
    soup, prepared = render(
        raw_answer("how-do-you-construct-a-truth-table-for-a-given-logical-expression.md")
    )
    table = only(soup, "table")
    assert len(table.find_all("tr")) == 5
    header = [th.get_text() for th in table.find_all("th")]
    placeholders = [prepared.placeholder(i) for i in range(len(prepared.math))]
    header_tex = [prepared.math[placeholders.index(cell.strip())].tex for cell in header]
    assert header_tex == ["p", "q", "p \\land q", "\\neg (p \\land q)"]


def test_rotation_formulas_keep_their_row_breaks() -> None:
    prepared = prepare_answer(
        raw_answer("describe-the-effect-of-a-clockwise-rotation-on-the-coordinates-of-a-point.md")
    )
    assert (
        "x' = x \\cos(\\theta) + y \\sin(\\theta) \\\\\ny' = -x \\sin(\\theta) + y \\cos(\\theta)"
        in [span.tex for span in prepared.math]
    )
    first_display = next(span.tex for span in prepared.math if span.display)
    assert first_display.startswith("\\begin{pmatrix}\nx' \\\\\ny'\n\\end{pmatrix}")


def test_router_steps_are_one_list_with_their_commands() -> None:
    soup, _ = render(raw_answer("how-can-you-secure-privileged-exec-mode-on-a-router.md"))
    items = children(only(soup, "ol"), "li")
    assert len(items) == 6
    second = [pre.get_text().splitlines()[0] for pre in items[1].find_all("pre")]
    assert second == ["Router(config)# line console 0", "Router(config)# line vty 0 4"]


def test_function_definition_fence_stays_in_step_six() -> None:
    soup, _ = render(raw_answer("what-is-the-process-for-defining-a-function-in-optimization.md"))
    items = children(only(soup, "ol"), "li")
    assert len(items) == 8
    assert only(items[5], "pre").get_text().startswith("def objective_function(x):\n")


def test_pseudocode_keeps_its_indentation_and_blank_lines() -> None:
    soup, _ = render(raw_answer("provide-an-example-of-pseudocode-for-insertion-sort.md"))
    lines = only(soup, "pre").get_text().splitlines()
    assert lines[:4] == [
        "InsertionSort(array A)",
        "    for i from 1 to length(A) - 1 do",
        "        key = A[i]",
        "        j = i - 1",
    ]


def test_space_only_lines_and_trailing_spaces_in_real_files_are_dropped() -> None:
    checksum = decode_newlines(
        raw_answer(
            "how-does-a-checksum-function-in-error-detection-and-what-are-some-common-algorithms-used.md"
        )
    )
    assert "contents of the data.\n\n2. **Transmission/Storage**" in checksum
    rhino = decode_newlines(
        raw_answer("how-can-building-footprints-be-extruded-to-create-3d-models-in-rhino.md")
    )
    assert "1. **Import Building Footprints**:\n   - First" in rhino


def test_angle_brackets_in_real_files_are_text_and_code_not_tags() -> None:
    cisco, _ = render(
        raw_answer("how-can-you-ensure-secure-access-to-the-cisco-catalyst-switch-cli.md")
    )
    codes = [code.get_text() for code in cisco.find_all("code")]
    assert "username <username> secret <password>" in codes
    assert cisco.find("username") is None
    gis, _ = render(
        raw_answer(
            "how-do-you-select-and-export-gis-data-while-ensuring-the-correct-projection-system-is-used.md"
        )
    )
    assert "Projected Coordinate Systems > UTM > WGS 1984" in gis.get_text()


@pytest.mark.parametrize("mode", MODES)
def test_fences_indented_inside_items_stay_in_their_items(mode: NestedFences) -> None:
    soup, _ = render(
        raw_answer("what-are-some-practical-examples-of-using-dictionaries-in-python.md"), mode
    )
    items = children(only(soup, "ol"), "li")
    assert len(items) == 7
    first_code = [only(item, "pre").get_text().splitlines()[0] for item in items]
    assert first_code[0] == "product_prices = {"
    assert first_code[6] == "books = {"


def fence_count(raw: str) -> int:
    return len(re.findall(r"(?:^|\\n) *```", raw)) // 2


def raw_outside_fences(raw: str) -> str:
    return re.sub(r"```.*?```", "", raw)


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem[:60])
def test_every_answer_renders_as_a_reader_would_read_it(source: Path) -> None:
    raw = raw_answer(source.name)
    outside = raw_outside_fences(raw)
    items = len(re.findall(r"(?:^|\\n) *(?:[-*+]|\d+\.) ", outside))
    lists_starting_at_one = len(re.findall(r"(?:^|\\n) *1\. ", outside))
    assert repair_mojibake(raw) == raw or source.parent == SEED
    for mode in MODES:
        soup, prepared = render(raw, mode)
        text = text_outside_code(soup)
        assert "\\n" not in text
        assert "```" not in text
        assert ":::" not in text
        assert "$" not in text  # the corpus has no prices: every $ is math
        assert "\\(" not in text
        html = str(soup)
        for index in range(len(prepared.math)):
            assert html.count(prepared.placeholder(index)) == 1
        assert len(soup.find_all("pre")) == fence_count(raw)
        assert len(soup.find_all("li")) == items
        assert len(soup.find_all("ol")) == lists_starting_at_one  # numbering never restarts


def test_answer_headings_are_lifted_so_the_top_one_is_h2() -> None:
    raw = r"### Top\ntext\n#### Sub\nmore\n```python\n# a comment, not a heading\n```"
    html = markdown.Markdown(extensions=["fenced_code"]).convert(prepare_answer(raw).markdown)
    assert "<h2>Top</h2>" in html
    assert "<h3>Sub</h3>" in html
    assert "# a comment, not a heading" in html


def test_answer_headings_already_at_h2_are_kept() -> None:
    raw = r"## Top\ntext\n### Sub"
    html = markdown.Markdown().convert(prepare_answer(raw).markdown)
    assert "<h2>Top</h2>" in html
    assert "<h3>Sub</h3>" in html


def test_escaped_dollar_is_shown_as_a_plain_dollar() -> None:
    prepared = prepare_answer(r"It costs \$5, and $x$ is math.\nKeep `\$` in code.")
    html = markdown.Markdown().convert(prepared.markdown)
    assert "It costs $5, and" in html
    assert "<code>\\$</code>" in html
    assert len(prepared.math) == 1
