"""The Sphinx extension: real ``sphinx-build`` runs (``-W -j 2``, dirhtml) on temporary projects.

The 80 real files and the seed are built once per theme and test session (alabaster, furo,
sphinx_rtd_theme) and every page is checked as the MkDocs corpus test checks it. Expectations
come from the raw front matter and the corpus MANIFEST, never from the code under test.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import pytest
from bs4 import BeautifulSoup, Tag
from conftest import CORPUS, SEED, quicktake, shared_files
from test_corpus import NOTES, math_text, text_outside_code

import mkdocs_quicktakes

THEMES = ("alabaster", "furo", "sphinx_rtd_theme")
SOURCES = [*shared_files(CORPUS), *shared_files(SEED)]
CONF = """\
project = "Q&A"
extensions = ["myst_parser", "mkdocs_quicktakes.sphinx"]
html_baseurl = "https://example.org/docs/"
"""
HOME = "# Home\n\nWelcome to the *questions*.\n"


@dataclass(frozen=True)
class SphinxSite:
    theme: str
    src: Path
    out: Path
    result: subprocess.CompletedProcess[str]

    def soup(self, path: str) -> BeautifulSoup:
        return BeautifulSoup((self.out / path).read_text(encoding="utf-8"), "html.parser")


def sphinx_build(src: Path, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``sphinx-build -W -j 2 -b dirhtml`` (unless ``options`` say otherwise), as a user runs it."""
    command = [sys.executable, "-m", "sphinx", "-q", "-W", "-j", "2", "-b", "dirhtml"]
    return subprocess.run(
        [*command, *options, str(src), str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def make_project(root: Path, files: dict[str, str], conf: str = CONF) -> Path:
    src = root / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(conf, encoding="utf-8")
    (src / "index.md").write_text(HOME, encoding="utf-8")
    for name, text in files.items():
        (src / name).write_text(text, encoding="utf-8")
    return src


@pytest.fixture(scope="session", params=THEMES)
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SphinxSite:
    root = tmp_path_factory.mktemp(f"sphinx-{request.param}")
    src = make_project(root, {})
    for source in SOURCES:
        shutil.copyfile(source, src / source.name)
    out = root / "out"
    result = sphinx_build(src, out, "-D", f"html_theme={request.param}")
    assert result.returncode == 0, result.stderr
    return SphinxSite(request.param, src, out, result)


def page_of(site: SphinxSite, source: Path) -> BeautifulSoup:
    return site.soup(f"{source.stem}/index.html")


def answer_of(soup: BeautifulSoup) -> Tag:
    answer = soup.find(id="answer")
    assert isinstance(answer, Tag)
    return answer


def heading_text(tag: Tag) -> str:
    """A heading's text without the theme's permalink (¶, or an icon glyph)."""
    copy = BeautifulSoup(str(tag), "html.parser")
    for link in copy.find_all("a", class_="headerlink"):
        link.decompose()
    return " ".join(copy.get_text().split())


def test_the_corpus_builds_without_a_warning(corpus: SphinxSite) -> None:
    assert corpus.result.stderr == ""
    built = {path.parent.name for path in corpus.out.glob("*/index.html")}
    assert {source.stem for source in SOURCES} <= built


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem[:50])
def test_every_real_page_in_every_theme(corpus: SphinxSite, source: Path) -> None:
    post = frontmatter.load(str(source))
    soup = page_of(corpus, source)
    title = " ".join(str(post["title"]).split())
    assert soup.head is not None
    titles = soup.head.find_all("title")
    assert [t.string for t in titles] == [f"{title} | {post['seo']['title']}"]
    for name in ("description", "keywords", "author"):
        assert len(soup.head.find_all("meta", attrs={"name": name})) == 1, name
    # The title once as a heading (alabaster's sidebar logo is an <h1> too: not the title).
    assert [h for h in soup.find_all("h1") if heading_text(h) == title] != []
    assert len([h for h in soup.find_all(["h1", "h2"]) if heading_text(h) == title]) == 1
    byline = soup.find(class_="qt-byline__date")
    assert isinstance(byline, Tag)
    assert " ".join(byline.get_text().split()) == f"Posted on {post['date']:%b %d, %Y}"
    time = byline.find("time")
    assert isinstance(time, Tag)
    assert time["datetime"] == post["date"].isoformat()
    answer = answer_of(soup)
    outside = text_outside_code(answer)
    assert "\\n" not in outside
    assert "```" not in outside
    for leftover in ("$", "\\(", "\\[", "QTMATH"):
        assert leftover not in outside, leftover
    assert answer.find(class_="qt-math-error") is None
    raw = str(post["answer"])
    assert len(answer.find_all("pre")) == raw.count("```") // 2
    notes = NOTES.get(source.name, set())
    if notes & {"math $", "math $$", "math \\( \\)"}:
        assert answer.find("math") is not None
    if "math $$" in notes:
        assert answer.find("math", attrs={"display": "block"}) is not None
    if "\\n-ambiguity: \\neq" in notes:
        assert "≠" in math_text(answer)


def test_answer_headings_are_in_the_local_toc_and_code_is_highlighted(corpus: SphinxSite) -> None:
    source = CORPUS / "can-you-explain-the-mechanics-of-ols-estimation.md"
    soup = page_of(corpus, source)
    answer = answer_of(soup)
    heading = answer.find("h2")
    assert isinstance(heading, Tag)
    anchor = heading.find_parent("section")
    assert isinstance(anchor, Tag)
    links = soup.find_all("a", href=f"#{anchor['id']}")
    # The heading's own ¶ link, and its entry in the page's local table of contents, which furo
    # ("On this page") and sphinx_rtd_theme show by default, and alabaster's sidebars do not.
    assert len(links) == (1 if corpus.theme == "alabaster" else 2)
    code_page = CORPUS / "what-are-the-key-steps-in-manipulating-nodes-within-a-linked-list-in-c.md"
    code = answer_of(page_of(corpus, code_page)).find("div", class_="highlight")
    assert isinstance(code, Tag)
    assert code.find("span", class_="k") is not None  # a Pygments keyword token
    assert ".highlight .k " in (corpus.out / "_static" / "pygments.css").read_text()


def test_other_documents_are_left_as_sphinx_builds_them(tmp_path: Path) -> None:
    page = "---\ntitle: Not a QuickTake\nauthor: Ann\n---\n# Plain page\n\nText with $x$.\n"
    builds = {}
    for name, conf_py in {
        "with": CONF,
        "without": CONF.replace(', "mkdocs_quicktakes.sphinx"', ""),
    }.items():
        src = make_project(tmp_path / name, {"plain.md": page}, conf_py)
        (src / "index.md").write_text(HOME + "\n```{toctree}\nplain\n```\n", encoding="utf-8")
        result = sphinx_build(src, tmp_path / name / "out")
        assert result.returncode == 0, result.stderr
        soup = BeautifulSoup((tmp_path / name / "out/plain/index.html").read_text(), "html.parser")
        builds[name] = soup
    for part in ("head", "body"):
        with_ext, without = (str(getattr(builds[k], part)) for k in ("with", "without"))
        assert with_ext == without, part


def test_bad_files_are_sphinx_warnings_so_w_fails(tmp_path: Path) -> None:
    bad = "---\ntitle: Bad\nquestion: Why?\nanswer: 42\ndate: not a date\n---\n&nbsp;\n"
    missing = "---\ntitle: Broken\nquestion: Why?\n---\n&nbsp;\n"
    good = quicktake(title="Fine page")
    src = make_project(tmp_path, {"bad.md": bad, "missing.md": missing, "good.md": good})
    strict = sphinx_build(src, tmp_path / "strict")
    assert strict.returncode != 0
    assert "Traceback" not in strict.stderr
    assert "bad.md:4: 'answer': expected the answer as Markdown text, found int 42" in strict.stderr
    assert "bad.md:5: 'date': expected a date like 2025-01-28, found str 'not a date'" in (
        strict.stderr
    )
    assert "missing.md: 'answer': expected the answer as Markdown text, found nothing" in (
        strict.stderr
    )
    lenient = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "dirhtml", str(src), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lenient.returncode == 0, lenient.stderr
    good_page = BeautifulSoup((tmp_path / "out/good/index.html").read_text(), "html.parser")
    assert good_page.find(id="answer") is not None
    notice = (tmp_path / "out/bad/index.html").read_text()
    assert "This page could not be built." in notice


def test_options_are_sphinx_config_values(tmp_path: Path) -> None:
    conf = CONF + 'quicktakes_title_format = "{seo_title}: {title}"\nlanguage = "de"\n'
    src = make_project(tmp_path, {"q.md": quicktake(title="Frage", date="2024-12-18")}, conf)
    result = sphinx_build(src, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup((tmp_path / "out/q/index.html").read_text(), "html.parser")
    assert soup.head is not None
    title = soup.head.find("title")
    assert title is not None
    assert title.string is not None
    assert title.string.endswith(": Frage")
    byline = soup.find(class_="qt-byline__date")
    assert isinstance(byline, Tag)
    assert "Dez." in byline.get_text()  # the month through Babel, in the project's language
    bad = make_project(tmp_path / "bad", {}, CONF + 'quicktakes_title_format = "{nope}"\n')
    result = sphinx_build(bad, tmp_path / "bad-out")
    assert result.returncode != 0
    assert "config value 'quicktakes_title_format': unknown placeholder {nope}" in result.stderr
    assert "Traceback" not in result.stderr


def test_only_the_sphinx_package_imports_sphinx() -> None:
    package = Path(mkdocs_quicktakes.__file__).parent
    for path in package.rglob("*.py"):
        if "sphinx" in path.relative_to(package).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not re.match(r"(sphinx|docutils|myst_parser)\b", name), (path, name)
