"""Property-based tests: the decoder, the date formatter, escaping end to end, and random input.

Runs are kept small (tens of examples, some of them real builds) so the suite stays fast; the
database is off so a run never depends on an earlier one.
"""

from __future__ import annotations

import datetime
import functools
import json
import string
from typing import Any

import pytest
import yaml
from babel.localedata import locale_identifiers
from bs4 import BeautifulSoup, Tag
from conftest import build_pages, quicktake
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_quicktakes.answer.decode import decode_newlines
from mkdocs_quicktakes.answer.prepare import prepare_answer
from mkdocs_quicktakes.records.dates import (
    DateFormatError,
    format_date,
    resolve_locale,
    unknown_tokens,
)
from mkdocs_quicktakes.records.model import SCHEMA

FEW = settings(max_examples=60, deadline=None, database=None)
BUILDS = settings(max_examples=15, deadline=None, database=None)

ESCAPE = "\\n"

# --- the \n decoder ----------------------------------------------------------------------------

# Plain text: no code, math or Markdown escapes, so every \n is a line break.
plain_chunks = st.text(
    alphabet=string.ascii_letters + string.digits + " \t.,;:!?'\"-é€", max_size=12
)
plain_answers = st.lists(plain_chunks, max_size=8).map(ESCAPE.join)
# Anything: backslashes, backticks, dollars, brackets and escapes in any order.
PIECES = [*"a b n x ( ) [ ] ` ``` $ $$ \\ \\n \\( \\) \\\\ \\nu".split(), " "]  # noqa: SIM905
any_answers = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
# A command ends where its letters end: `\\neq x`, never `\\neqx` (the command "neqx").
TEX = [*"x y ^2 _i + = { } \\frac{a}{b}".split(), "\\neq ", "\\nu ", "\\nabla ", "\\alpha "]  # noqa: SIM905
tex = st.lists(st.sampled_from(TEX), min_size=1, max_size=8).map(lambda t: "".join(t).strip())
words = (
    st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=10)
    .map(str.strip)
    .filter(bool)
)
code = st.text(
    alphabet=string.ascii_letters + string.digits + " \\n\"'(){};=", min_size=1, max_size=20
)


def expected_plain(raw: str) -> str:
    """Each \\n a line break; spaces and tabs before a break are dropped (they are accidents)."""
    lines = raw.split(ESCAPE)
    return "\n".join([*(line.rstrip(" \t") for line in lines[:-1]), lines[-1]])


def deletes_only_escapes(raw: str, decoded: str) -> bool:
    """Whether ``decoded`` is ``raw`` with some ``\\n`` pairs taken out (whitespace aside)."""
    source = "".join(raw.split())
    target = "".join(decoded.split())

    @functools.cache
    def match(i: int, j: int) -> bool:
        if j == len(target):
            return all(source.startswith(ESCAPE, k) for k in range(i, len(source), 2))
        if i < len(source) and source[i] == target[j] and match(i + 1, j + 1):
            return True
        return source.startswith(ESCAPE, i) and match(i + 2, j)

    return match(0, 0)


@FEW
@given(plain_answers)
def test_in_plain_text_every_escape_is_a_line_break_and_nothing_else_changes(raw: str) -> None:
    assert decode_newlines(raw) == expected_plain(raw)


@FEW
@given(any_answers)
def test_the_decoder_never_loses_or_invents_anything_but_escapes(raw: str) -> None:
    assert deletes_only_escapes(raw, decode_newlines(raw))


@FEW
@given(words, code, words)
def test_inline_code_is_left_intact(before: str, inside: str, after: str) -> None:
    inside = inside.strip() or "x"
    raw = f"{before} `{inside}` {after}{ESCAPE}{after}"
    assert f"`{inside}`" in decode_newlines(raw)


@FEW
@given(words, tex, words, st.booleans())
def test_math_is_left_intact_and_set_aside(
    before: str, formula: str, after: str, dollars: bool
) -> None:
    opener, closer = ("$", "$") if dollars else ("\\(", "\\)")
    raw = f"{before} {opener}{formula}{closer} {after}{ESCAPE}{after}"
    assert f"{opener}{formula}{closer}" in decode_newlines(raw)
    [span] = prepare_answer(raw).math
    assert span.tex == formula


# --- the date formatter ------------------------------------------------------------------------

TOKENS = "YYYY YY M MM MMM MMMM D DD Do d dd ddd dddd H HH h hh m mm s ss A a Z".split()  # noqa: SIM905
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes))
)
moments = st.one_of(
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=offsets),
)
format_pieces = st.one_of(
    st.sampled_from(TOKENS),
    st.sampled_from([" ", ", ", "/", "-", ".", "[at]", "[", "]", "日", "Q", "x"]),
)


@FEW
@given(
    st.sampled_from(sorted(locale_identifiers())),
    moments,
    st.lists(format_pieces, max_size=8).map("".join),
)
def test_every_token_formats_in_every_locale_or_is_named_unknown(
    identifier: str, moment: datetime.date, fmt: str
) -> None:
    locale = resolve_locale(identifier)
    if unknown_tokens(fmt):
        with pytest.raises(DateFormatError) as error:
            format_date(moment, fmt, locale)
        assert error.value.token == unknown_tokens(fmt)[0]
    else:
        assert isinstance(format_date(moment, fmt, locale), str)


@FEW
@given(st.sampled_from(sorted(locale_identifiers())), moments)
def test_all_tokens_at_once_give_a_piece_for_each(identifier: str, moment: datetime.date) -> None:
    parts = format_date(moment, "|".join(TOKENS), resolve_locale(identifier)).split("|")
    assert len(parts) == len(TOKENS)
    assert all(parts)


# --- front matter survives HTML and JSON-LD ----------------------------------------------------

# Any text (no control characters or lone surrogates, which no HTML or JSON document can carry),
# as the model keeps it: without surrounding whitespace.
any_text = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)
# Answer text is Markdown: words and the characters HTML must escape, none with Markdown meaning
# (and no allowlisted tag such as `<b>`: raw HTML in an answer is HTML, by design).
answer_word = st.one_of(
    st.text(st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd")), min_size=1, max_size=8),
    st.sampled_from(["<", ">", "&", '"', "'", "<username>", "?", "%", "=", "/", ",", ";"]),
)
answer_text = st.builds(
    lambda first, rest: " ".join([first, *rest]),
    st.text(st.characters(whitelist_categories=("Lu", "Ll", "Lo")), min_size=1, max_size=8),
    st.lists(answer_word, max_size=12),
)


def json_ld(soup: BeautifulSoup) -> dict[str, Any]:
    script = soup.find("script", type="application/ld+json")
    assert isinstance(script, Tag)
    [node] = [n for n in json.loads(script.get_text())["@graph"] if n["@type"] != "BreadcrumbList"]
    return dict(node)


def meta(soup: BeautifulSoup, name: str) -> str:
    tag = soup.find("meta", attrs={"name": name})
    assert isinstance(tag, Tag)
    return str(tag["content"])


@BUILDS
@given(
    title=any_text,
    question=any_text,
    description=any_text,
    author=any_text,
    keywords=st.lists(any_text, min_size=1, max_size=4, unique=True),
    answer=answer_text,
    mode=st.sampled_from(["article", "qapage"]),
)
def test_front_matter_comes_back_unchanged_from_html_and_json_ld(
    tmp_path_factory: pytest.TempPathFactory,
    title: str,
    question: str,
    description: str,
    author: str,
    keywords: list[str],
    answer: str,
    mode: str,
) -> None:
    page = quicktake(
        url=None,
        title=title,
        question=question,
        author=author,
        answer=answer,
        seo={"page_description": description, "page_keywords": keywords},
    )
    site = build_pages(
        tmp_path_factory.mktemp("roundtrip"),
        {"a.md": page},
        plugin={"structured_data": mode, "fix_mojibake": False},
        strict=False,
    )
    soup = site.soup("a/index.html")
    h1 = soup.find("h1")
    assert h1 is not None
    assert h1.get_text() == title
    assert soup.title is not None
    assert soup.title.get_text() == f"{title} - Test Site"
    assert meta(soup, "description") == description
    assert meta(soup, "author") == author
    assert meta(soup, "keywords") == ", ".join(keywords)
    text = soup.find(class_="qt-answer__text")
    assert text is not None
    assert text.get_text().strip() == answer
    node = json_ld(soup)
    assert node["description"] == description
    if mode == "article":
        assert (node["headline"], node["author"]["name"], node["keywords"]) == (
            title,
            author,
            keywords,
        )
    else:
        entity = node["mainEntity"]
        assert (node["name"], entity["name"], entity["author"]["name"]) == (title, question, author)
        assert entity["acceptedAnswer"]["text"] == answer


# --- random front matter never breaks a build ---------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.dates(),
    st.datetimes(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
answers = st.one_of(values, any_answers, st.text(alphabet="ab \\n$`<>#-*1.|", max_size=60))
keys = st.sampled_from(
    [spec.key.replace("related_articleN", "related_article1") for spec in SCHEMA]
)


def front_matter(fields: dict[str, Any]) -> dict[str, Any]:
    """Nest dotted keys: ``seo.title`` goes into the ``seo`` mapping when there is one."""
    meta: dict[str, Any] = {}
    for key, value in fields.items():
        head, _, rest = key.partition(".")
        if not rest:
            meta[head] = value
        elif isinstance(meta.setdefault(head, {}), dict):
            meta[head][rest] = value
    return meta


random_pages = st.builds(
    lambda fields, answer, question: {
        **front_matter(fields),
        "question": question,
        "answer": answer,
    },
    st.dictionaries(keys, values, max_size=6),
    answers,
    values,
)


def as_file(meta: dict[str, Any]) -> bytes:
    return ("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n").encode(
        "utf-8", "surrogatepass"
    )


@BUILDS
@given(
    pages=st.lists(random_pages, min_size=1, max_size=4),
    garbage=st.binary(max_size=40),
    mode=st.sampled_from(["skip", "notice"]),
)
def test_random_front_matter_builds_without_a_traceback(
    tmp_path_factory: pytest.TempPathFactory,
    pages: list[dict[str, Any]],
    garbage: bytes,
    mode: str,
) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    files = {f"p{n}.md": as_file(meta) for n, meta in enumerate(pages)}
    files["garbage.md"] = b"---\n" + garbage + b"\n---\n"
    copies = {}
    for name, data in files.items():
        (root / name).write_bytes(data)
        copies[name] = root / name
    site = build_pages(
        root / "site",
        {"index.md": "# Home"},
        copy=copies,
        plugin={"invalid_files": mode, "structured_data": "qapage", "report_file": "report.json"},
        strict=False,
    )
    report = json.loads((site.root / "report.json").read_text(encoding="utf-8"))
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    assert report["summary"]["files_invalid"] == len({p["file"] for p in errors})
    # A file that could not be read or validated is left out, or shown as a notice at its path.
    unusable = {p["file"] for p in errors if p["key"] != "url"}
    for name in unusable:
        built = (site.site_dir / name.removesuffix(".md") / "index.html").is_file()
        assert built == (mode == "notice"), name
        if mode == "notice":
            assert built, name
