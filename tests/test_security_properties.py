"""Property: no QuickTakes file, however hostile, runs script or loads things in a reader's page.

Every text field, heading, formula, code span, link, image and subject of a page is drawn from
the hostile pieces of tests/hostile.py; the site is built for real in one of the three themes
with ``math: mathml`` or ``math: none``, and every HTML page of it is parsed and checked (see
``hostile.unsafe_markup``), and the text fields must still read as written.

A build costs about 50 ms, so CI runs a short campaign; a long one runs locally with, e.g.,
``QT_HYPOTHESIS_EXAMPLES=20000 .venv/bin/pytest tests/test_security_properties.py``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import string
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from bs4 import BeautifulSoup
from conftest import QUICKTAKE_PAGE, build_config_file, forget_plugins, quicktake
from hostile import FRAGMENTS, URLS, ThemeBaseline, html_pages, unsafe_markup, visible
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2.bccache import Bucket, BytecodeCache
from mkdocs.theme import Theme

from mkdocs_quicktakes.answer.prepare import prepare_answer

if TYPE_CHECKING:
    from collections.abc import Iterator

THEMES = ("mkdocs", "readthedocs", "material")
EXAMPLES = int(os.environ.get("QT_HYPOTHESIS_EXAMPLES", "100"))
CAMPAIGN = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
EXTENSIONS: list[Any] = [
    {"toc": {"permalink": True}},
    "attr_list",  # lets Markdown write attributes: {onclick=...} must not survive
    "tables",
    "md_in_html",
    {"pymdownx.snippets": {"base_path": ["."], "check_paths": False}},
]

harmless = st.text(alphabet=string.ascii_letters + " ", max_size=4)
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), harmless), min_size=1, max_size=3).map(
    "".join
)
# Inside a code span or a formula the text must not end it (a backtick, a dollar, a line break).
_ENDS_SPAN = set("`$\\\n\r\u2028\u2029\x85")
in_span = hostile.map(lambda text: "".join(ch for ch in text if ch not in _ENDS_SPAN).strip())


def _one_line(text: str) -> str:
    """Text as one line of the answer, where a real line break would end the block."""
    return " ".join(text.splitlines())


@st.composite
def hostile_files(draw: st.DrawFn) -> dict[str, Any]:
    """The front matter of one QuickTakes file, every field and answer part hostile."""
    code = draw(in_span.filter(bool))
    formula = draw(in_span.filter(bool))
    parts = [
        _one_line(draw(hostile)),
        "### " + _one_line(draw(hostile)) + f" ${formula}$",
        f"`{code}` and ${formula}$ and " + _one_line(draw(hostile)),
        f"[{_one_line(draw(hostile))}]({draw(st.sampled_from(URLS))})",
        f"![{_one_line(draw(hostile))}]({draw(st.sampled_from(URLS))})",
        _one_line(draw(hostile)),
    ]
    return {
        "title": draw(hostile),
        "question": draw(hostile),
        "author": draw(hostile),
        "subject": draw(hostile),
        "post_on_text": draw(hostile),
        "seo": {
            "title": draw(hostile),
            "page_description": draw(hostile),
            "page_keywords": draw(hostile),
        },
        "related_article1": {"title": draw(hostile), "url": draw(st.sampled_from(URLS))},
        "answer": "\\n\\n".join(parts),
        "code": code,
        "formula": formula,
    }


def _site(root: Path, page: dict[str, Any], theme: str, math: str) -> Path:
    """Build index.md, the hostile a.md and a harmless b.md of the same subject; the site dir."""
    fields = {key: value for key, value in page.items() if key not in ("code", "formula")}
    pages = {
        "index.md": "# Home\n",
        "a.md": quicktake(**fields),
        "b.md": quicktake(url="/b", title="B", subject=page["subject"]),
    }
    docs = root / "docs"
    docs.mkdir(parents=True)
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    config = {
        "site_name": "Test Site",
        "site_url": "https://example.org/",
        "theme": {"name": theme},
        # No search plugin: it only indexes the pages checked here, and would double the cost.
        "plugins": [{"quicktakes": {"math": math, "fix_mojibake": False}}],
        "markdown_extensions": EXTENSIONS,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    forget_plugins()
    return build_config_file(root / "mkdocs.yml", strict=False).site_dir


class _CompiledTemplates(BytecodeCache):
    """Keeps the theme templates Jinja compiled, across the many builds of one campaign.

    MkDocs makes a new Jinja environment per build, which compiles every template again: most
    of a small build. The cache is keyed by template and source checksum, so nothing else
    changes.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


@contextlib.contextmanager
def compiled_templates_kept() -> Iterator[None]:
    get_env = Theme.get_env

    def cached_env(theme: Theme) -> Any:
        env = get_env(theme)
        env.bytecode_cache = _COMPILED
        return env

    Theme.get_env = cached_env  # type: ignore[method-assign]
    try:
        yield
    finally:
        Theme.get_env = get_env  # type: ignore[method-assign]


@functools.cache
def theme_baseline(theme: str) -> ThemeBaseline:
    """What the theme writes into the pages of a harmless site of the same shape."""
    learned = ThemeBaseline()
    with tempfile.TemporaryDirectory() as folder:
        benign = {"title": "T", "question": "Q", "author": "A", "subject": "S", "answer": "x"}
        site_dir = _site(Path(folder), {**benign, "code": "c", "formula": "f"}, theme, "mathml")
        for path in html_pages(site_dir):
            learned.learn(BeautifulSoup(path.read_text("utf-8"), "html.parser"))
    return learned


@CAMPAIGN
@given(
    page=hostile_files(), theme=st.sampled_from(THEMES), math=st.sampled_from(["mathml", "none"])
)
def test_no_hostile_file_runs_script_and_its_text_reads_as_written(
    page: dict[str, Any], theme: str, math: str
) -> None:
    with compiled_templates_kept():
        known = theme_baseline(theme)
        with tempfile.TemporaryDirectory() as folder:
            site_dir = _site(Path(folder), page, theme, math)
            _check(site_dir, page, math, known)


def _check(site_dir: Path, page: dict[str, Any], math: str, known: ThemeBaseline) -> None:
    """The checks of the property on one built site."""
    for path in html_pages(site_dir):
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        assert unsafe_markup(soup, known) == [], path.relative_to(site_dir)
    for feed in site_dir.rglob("rss.xml"):
        # Readers show an RSS description as HTML: the excerpt must hold no element at all.
        for description in ET.fromstring(feed.read_bytes()).iter("description"):
            assert BeautifulSoup(description.text or "", "html.parser").find(True) is None
    qa = site_dir / QUICKTAKE_PAGE
    if not qa.exists():  # a url or subject the plugin refused: the page went elsewhere
        return
    soup = BeautifulSoup(qa.read_text("utf-8"), "html.parser")
    header = soup.select_one(".qt-header")
    answer = soup.select_one(".qt-answer")
    assert header is not None
    assert answer is not None
    seen = visible(header.get_text(" "))
    for key in ("title", "question", "author", "subject"):
        assert visible(page[key]) in seen, key
    codes = [visible(code.get_text()) for code in answer.find_all("code")]
    assert visible(page["code"]) in codes
    if math == "none" and _is_formula(page["answer"], page["formula"]):
        assert visible(f"${page['formula']}$") in visible(answer.get_text())


def _is_formula(answer: str, formula: str) -> bool:
    spans = prepare_answer(answer, fix_mojibake=False).math
    return any(span.source == f"${formula}$" for span in spans)
