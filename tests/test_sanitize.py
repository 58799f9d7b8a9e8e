"""Raw HTML in answers: an allowlist by default, never script; `answer_html: trust` opts out."""

from __future__ import annotations

import markdown
import pytest
from bs4 import BeautifulSoup, Tag
from conftest import BuildSite, quicktake

from mkdocs_quicktakes.answer.placeholders import math_placeholder, new_math_token
from mkdocs_quicktakes.answer.prepare import prepare_answer
from mkdocs_quicktakes.answer.sanitize import ALLOWED_TAGS, raw_html_tags, sanitize_html

HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "&#106;avascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml;base64,PHN2Zz4=",
]

# Every Markdown feature a QuickTakes site is likely to enable, in one answer.
EXTENSIONS_MARKDOWN = """\
## Heading

Text[^1] ==mark== ~~del~~ ^^ins^^ H~2~O ++ctrl+alt+del++ `code` **b** *i* <https://example.org>
[link](https://example.org/x/ "T") ![img](https://example.org/a.png "t")

- [x] done
- [ ] todo

!!! note "Title"
    Body

??? tip "More"
    Hidden

=== "A"
    one

=== "B"
    two

```python
print(1)
```

| a | b |
|:--|--:|
| 1 | 2 |

Term
:   Definition

*[HTML]: Hyper Text

HTML here.
{: .cls #ident }

[^1]: Note.
"""
EXTENSIONS = [
    "footnotes",
    "admonition",
    "attr_list",
    "def_list",
    "abbr",
    "tables",
    "pymdownx.tasklist",
    "pymdownx.highlight",
    "pymdownx.superfences",
    "pymdownx.tabbed",
    "pymdownx.keys",
    "pymdownx.mark",
    "pymdownx.tilde",
    "pymdownx.caret",
    "pymdownx.details",
]


def shape(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every element with its attributes; whitespace in styles and implied <tbody> ignored."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag in soup.find_all(True):
        if tag.name == "tbody":
            continue
        attrs = {k: " ".join(v) if isinstance(v, list) else v for k, v in tag.attrs.items()}
        if "style" in attrs:
            attrs["style"] = attrs["style"].replace(" ", "").rstrip(";")
        found.append((tag.name, sorted(attrs.items())))
    return found


def answer_of(soup: BeautifulSoup) -> Tag:
    answer = soup.find(id="answer")
    assert isinstance(answer, Tag)
    return answer


# --- the sanitizer -----------------------------------------------------------------------------


def test_script_and_style_go_with_their_content() -> None:
    html = "<p>a<script>alert(1)</script><style>p{color:red}</style>b</p>"
    assert sanitize_html(html) == "<p>ab</p>"


def test_event_handler_attributes_are_removed() -> None:
    html = '<p onclick="x()"><img src="a.png" alt="a" onerror="alert(1)" onload="y()"></p>'
    assert sanitize_html(html) == '<p><img src="a.png" alt="a"></p>'


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_javascript_and_data_urls_are_removed_from_links_and_images(url: str) -> None:
    html = f'<a href="{url}">x</a><img src="{url}" alt="i">'
    assert sanitize_html(html) == '<a>x</a><img alt="i">'


def test_tags_that_load_or_submit_things_are_removed() -> None:
    html = (
        '<iframe src="https://evil.example"></iframe><object data="x"></object><embed src="x">'
        '<form action="https://evil.example"><button>Go</button></form>'
        '<meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://x/">'
        '<svg><a href="javascript:alert(1)">s</a><script>alert(2)</script></svg>'
    )
    cleaned = sanitize_html(html)
    for name in ("iframe", "object", "embed", "form", "button", "meta", "base", "script"):
        assert f"<{name}" not in cleaned
    assert "javascript" not in cleaned


def test_safe_links_math_placeholders_and_anchors_are_kept() -> None:
    placeholder = math_placeholder(0, new_math_token(""))
    html = (
        f'<h2 id="why">Why {placeholder}</h2><p><a href="../other/#why" title="T">a</a> '
        '<a href="https://example.org/?q=1">b</a> <a href="mailto:a@example.org">c</a></p>'
    )
    assert sanitize_html(html) == html


def test_everything_the_usual_markdown_extensions_produce_is_kept() -> None:
    html = markdown.Markdown(
        extensions=[*EXTENSIONS, "toc"],
        extension_configs={"pymdownx.highlight": {"linenums": True}, "toc": {"permalink": True}},
    ).convert(EXTENSIONS_MARKDOWN)
    assert shape(sanitize_html(html)) == shape(html)


def test_material_svg_icons_are_kept() -> None:
    icon = (
        '<span class="twemoji"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
        '<path d="M12 2 2 22h20z"></path></svg></span>'
    )
    assert sanitize_html(icon) == icon


def test_raw_html_tags_follow_the_option() -> None:
    assert raw_html_tags("sanitize") == ALLOWED_TAGS
    assert raw_html_tags("trust") is None
    assert "script" not in ALLOWED_TAGS


# --- raw HTML in the answer's Markdown -----------------------------------------------------------


def test_allowed_raw_tags_reach_markdown_and_others_are_text() -> None:
    raw = r"x<sup>2</sup> and <kbd>Ctrl</kbd>, not <username> or <script>, i.e. <i.e. `<b>`"
    prepared = prepare_answer(raw, html_tags=ALLOWED_TAGS)
    html = markdown.Markdown().convert(prepared.markdown)
    soup = BeautifulSoup(sanitize_html(html), "html.parser")
    assert soup.find("sup").get_text() == "2"
    assert soup.find("kbd").get_text() == "Ctrl"
    assert soup.find("script") is None
    assert soup.find("code").get_text() == "<b>"
    assert soup.get_text() == "x2 and Ctrl, not <username> or <script>, i.e. <i.e. <b>"


def test_without_an_allowlist_every_tag_stays_raw() -> None:
    prepared = prepare_answer("a <custom-tag>b</custom-tag>", html_tags=None)
    assert "<custom-tag>b</custom-tag>" in prepared.markdown


# --- real builds -------------------------------------------------------------------------------

HOSTILE_ANSWER = (
    r"### Hi <img src=x onerror=alert(1)>\n\n"
    r"[a](javascript:alert(2)) [b](data:text/html,hi) ![c](data:image/png;base64,AA) "
    r'<a href="javascript:alert(3)" onclick="alert(4)">d</a> '
    r'[e](https://example.org){onclick="alert(5)"} <script>alert(6)</script> '
    r"<b>bold</b> $x^2$"
)


def test_answers_are_sanitized_by_default_and_mathml_survives(build_site: BuildSite) -> None:
    site = build_site(
        {"a.md": quicktake(url=None, answer=HOSTILE_ANSWER)},
        extra={"markdown_extensions": ["toc", "attr_list"]},
    )
    answer = answer_of(site.soup("a/index.html"))
    for tag in answer.find_all(True):
        assert not [name for name in tag.attrs if name.startswith("on")], tag
        for name in ("href", "src"):
            assert not str(tag.get(name, "")).startswith(("javascript", "data")), tag
    assert answer.find("script") is None
    assert "<script>alert(6)</script>" in answer.get_text()  # shown as text, as written
    assert answer.find("b").get_text() == "bold"
    assert answer.find("img", src="x") is not None
    assert answer.find("math") is not None
    assert answer.find("msup") is not None
    assert [a.get("href") for a in answer.find_all("a")] == [
        None,
        None,
        None,
        "https://example.org",
    ]


def test_trust_keeps_raw_html_as_written(build_site: BuildSite) -> None:
    site = build_site(
        {"a.md": quicktake(url=None, answer=HOSTILE_ANSWER)},
        plugin={"answer_html": "trust"},
        extra={"markdown_extensions": ["toc", "attr_list"]},
    )
    answer = answer_of(site.soup("a/index.html"))
    assert answer.find("script") is not None
    assert answer.find("img", onerror="alert(1)") is not None
    assert answer.find("a", onclick="alert(4)") is not None
    assert answer.find("math") is not None


def test_sanitizing_changes_nothing_the_sites_extensions_render(build_site: BuildSite) -> None:
    raw = EXTENSIONS_MARKDOWN.replace("\n", r"\n")
    extra = {"markdown_extensions": EXTENSIONS}
    pages = {"a.md": quicktake(url=None, answer=raw)}
    sanitized = answer_of(build_site(pages, extra=extra).soup("a/index.html"))
    trusted = answer_of(
        build_site(pages, extra=extra, plugin={"answer_html": "trust"}).soup("a/index.html")
    )
    assert sanitized.find(class_="tabbed-set") is not None
    assert shape(str(sanitized)) == shape(str(trusted))
