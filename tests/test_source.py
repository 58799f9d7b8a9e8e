"""Reading front matter: encodings, line endings and YAML errors become named problems."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_quicktakes.records.source import check_source, decode_source, parse_front_matter


def test_bom_and_crlf_are_normal_input() -> None:
    text, problem = decode_source(b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\nbody", "a.md")
    assert problem is None
    assert text == "---\ntitle: T\n---\nbody"
    assert parse_front_matter(text, "a.md").meta == {"title": "T"}


def test_bytes_that_are_not_utf8_name_their_offset() -> None:
    text, problem = decode_source(b"---\ntitle: caf\xe9\n---\n", "sub/a.md")
    assert text is None
    assert problem is not None
    expected = "sub/a.md:2: '(file)': expected UTF-8 text, found byte 0xe9 at offset 14"
    assert problem.message() == expected


def test_malformed_yaml_names_line_and_column() -> None:
    source = parse_front_matter("---\ntitle: ok\nanswer: [unclosed\n---\n", "a.md")
    assert not source.usable
    [problem] = source.problems
    assert problem.line == 4
    assert problem.message().startswith("a.md:4: '(front matter)': expected valid YAML, found")
    assert "flow sequence from line 3" in problem.message()


def test_front_matter_that_is_not_a_mapping_is_an_error() -> None:
    source = parse_front_matter("---\n- a\n- b\n---\n", "a.md")
    assert not source.usable
    assert "a YAML mapping" in source.problems[0].message()


def test_a_file_without_front_matter_has_empty_meta() -> None:
    source = parse_front_matter("# Just Markdown\n", "a.md")
    assert source.usable
    assert source.meta == {}


@pytest.mark.parametrize(
    ("text", "meta"),
    [
        ("---\ntitle: T\n...\nbody", {"title": "T"}),
        ("---\ntitle: T\n---", {"title": "T"}),
        ("--- \t\ntitle: T\n---  \nbody", {"title": "T"}),
        ("---\nx: 'a\n----\n...b\n---c'\n---\n", {"x": "a ---- ...b ---c"}),
        ("---\n---\nbody\n", {}),
        ("---\ntitle: T\n", {}),  # never closed: no front matter
        ("----\ntitle: T\n---\n", {}),
    ],
)
def test_front_matter_ends_at_its_closing_line(text: str, meta: dict[str, object]) -> None:
    assert parse_front_matter(text, "a.md").meta == meta


def test_yaml_values_read_as_yaml_reads_them() -> None:
    yaml_text = (
        "text: plain\nquoted: '12'\nforced: !!str 12\nnumber: 12\nreal: 1.5\nyes_no: yes\n"
        "empty:\ndate: 2024-01-02\nlist: [a, 1]\nbase: &base {k: v, n: 2}\n"
        "copy: *base\nmerged: {<<: *base, n: 3}\ntext_key: {1: one, '1': text}\n"
    )
    source = parse_front_matter(f"---\n{yaml_text}---\n", "a.md")
    assert source.meta == yaml.safe_load(yaml_text)
    assert source.meta["forced"] == "12"
    assert source.meta["text_key"] == {1: "one", "1": "text"}


def test_keys_written_twice_are_named_in_nested_and_mixed_mappings() -> None:
    yaml_text = (
        "seo:\n  title: A\n  title: B\nmixed: {1: one, 1: uno, k: v}\n"
        "base: &b {x: 1}\nmerged: {<<: *b, x: 2, y: 3, y: 4}\n"
    )
    source = parse_front_matter(f"---\n{yaml_text}---\n", "a.md")
    assert source.meta == yaml.safe_load(yaml_text)
    assert [(p.key, p.line) for p in source.problems] == [("title", 4), ("1", 5), ("y", 7)]


def test_a_mapping_that_holds_itself_is_refused_not_a_recursion() -> None:
    source = parse_front_matter("---\na: &a {x: 1, self: *a}\n---\n", "a.md")
    assert "inside the value it names" in source.problems[0].found


# Plain scalars YAML reads as something other than text, among text that looks like them.
LOOKALIKES = st.sampled_from(
    [
        "yes",
        "no",
        "on",
        "off",
        "true",
        "null",
        "~",
        "",
        "12",
        "0x1f",
        "1_000",
        "1.5e3",
        ".inf",
        "2024-01-02",
        "2024-01-02 10:00:00",
        "0o17",
        "-1",
        "+.5",
        "a",
        "yes!",
        "1.2.3",
        "<<x",
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        LOOKALIKES.filter(bool),
        st.one_of(LOOKALIKES, st.dictionaries(LOOKALIKES.filter(bool), LOOKALIKES, max_size=4)),
        min_size=1,
        max_size=8,
    )
)
def test_plain_scalars_read_as_pyyaml_reads_them_every_time(written: dict[str, object]) -> None:
    # Written without quotes, so each key and value is resolved from its text; read twice, so
    # the second read takes each tag from the loader's memory of the first.
    def plain(value: object) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
        return str(value)

    yaml_text = "".join(f"{key}: {plain(value)}\n" for key, value in written.items())
    expected = yaml.safe_load(yaml_text)
    for _ in range(2):
        assert parse_front_matter(f"---\n{yaml_text}---\n", "a.md").meta == expected


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@settings(max_examples=200, deadline=None)
@given(
    st.text(st.characters(codec="utf-8", categories=["Cc", "Ll", "Zs", "Po"]), min_size=1),
    st.sampled_from([None, '"']),
    st.booleans(),
)
def test_no_control_character_reaches_a_record(title: str, style: str | None, flow: bool) -> None:
    # PyYAML writes control characters as double-quoted escapes (\e, \x1b, \u0007, ...), in
    # block or flow style, as keys and as values, in mappings and in lists.
    meta = {"question": "Q?", "answer": "A.", "title": title, "seo": {title: [title]}}
    front = yaml.safe_dump(meta, default_style=style, default_flow_style=flow)
    source = parse_front_matter(f"---\n{front}---\n", "a.md")
    assert source.meta == meta
    assert source.escapes or not CONTROL.search(title)
    checked = check_source(source)
    assert checked.take is not None
    assert not CONTROL.search(checked.take.title)


def test_a_double_quote_without_a_control_escape_needs_no_search() -> None:
    text = '---\nquestion: Say "hi"\nanswer: "A \\"quoted\\" \\\\frac and a \\n line"\n---\n'
    source = parse_front_matter(text, "a.md")
    assert source.meta["answer"] == 'A "quoted" \\frac and a \n line'
    assert not source.escapes
