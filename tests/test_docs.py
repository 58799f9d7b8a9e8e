"""The documentation: built strictly with the plugin, and held to what the code really does.

The checks run both ways where they can: every option, front-matter key, block, context field,
CSS class and date token of the code has its place in the docs, and the docs' snippets and
examples are built or evaluated for real, so a stale page fails here.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from conftest import CORPUS, REPO, SEED, Site, build_config_file, quicktake, shared_files
from mkdocs.utils.yaml import get_yaml_loader

from mkdocs_quicktakes import cli
from mkdocs_quicktakes.config import QuickTakesConfig
from mkdocs_quicktakes.html.hubs import (
    FeedLinkView,
    HubItemView,
    HubView,
    LinkView,
    PagerView,
    SubjectLinkView,
    SubjectsView,
)
from mkdocs_quicktakes.html.views import QuickTakeView, RelatedView
from mkdocs_quicktakes.plugin import QuickTakesPlugin
from mkdocs_quicktakes.records.dates import _RENDERERS, format_date, resolve_locale
from mkdocs_quicktakes.records.labels import Labels
from mkdocs_quicktakes.records.model import SCHEMA
from mkdocs_quicktakes.records.source import parse_front_matter

if TYPE_CHECKING:
    from pathlib import Path

DOCS = REPO / "docs"
TEMPLATES = REPO / "mkdocs_quicktakes" / "templates"
EXAMPLE_SITE = REPO / "example_site"
SHOWCASE_SOURCE = "questions/how-does-gausss-law-relate-electric-flux-to-enclosed-charge.md"

FRONT_MATTER_KEYS = (
    "_schema",
    "id",
    "date",
    "title",
    "article_title",
    "date_format",
    "post_on_text",
    "seo",
    "seo.title",
    "seo.page_description",
    "seo.page_keywords",
    "author",
    "question",
    "answer",
    "subject",
    "file_name",
    "url",
    "score",
    "related_articleN",
)
"""Every key of the QuickTakes format, as ``writing-quicktakes.md`` names its headings."""

# A `path`: line, an empty line, then a fence: a file the reader is told to create.
_DOCUMENTED_FILE = re.compile(
    r"^`(?P<path>[^`\s]+)`:\n\n(?P<fence>`{3,})[\w-]*\n(?P<body>.*?)\n(?P=fence)$",
    re.MULTILINE | re.DOTALL,
)


def read_doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def headed_sections(markdown: str, level: str = "###") -> dict[str, str]:
    """The text under each ``### `name` `` heading, up to the next heading of that level."""
    parts = re.split(rf"^({level} `[^`]+`)[ \t]*$", markdown, flags=re.MULTILINE)
    sections: dict[str, str] = {}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        name = heading.split("`")[1]
        sections[name] = re.split(r"^#{1,3} ", body, maxsplit=1, flags=re.MULTILINE)[0]
    return sections


def section(markdown: str, heading: str) -> str:
    """The text under a ``## heading``, up to the next ``## `` heading."""
    start = markdown.index(f"\n## {heading}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else len(markdown)]


def documented_files(markdown: str) -> dict[str, str]:
    return {m["path"]: m["body"] + "\n" for m in _DOCUMENTED_FILE.finditer(markdown)}


def write_files(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")


def shown_default(default: Any) -> str:
    """How configuration.md writes a default after ``**Default:**``."""
    if default is None:
        return "unset"
    if isinstance(default, str):
        return f"`{default}`"
    dumped = yaml.safe_dump(default, default_flow_style=True)
    return f"`{dumped.removesuffix('...' + chr(10)).strip()}`"


def plugin_options(yaml_text: str) -> dict[str, Any]:
    """The ``quicktakes`` options of a ``plugins:`` list in a YAML snippet."""
    # MkDocs' own loader, so tags such as `!ENV` read as they would in mkdocs.yml.
    for entry in yaml.load(yaml_text, Loader=get_yaml_loader())["plugins"]:
        if isinstance(entry, dict) and "quicktakes" in entry:
            return dict(entry["quicktakes"] or {})
    raise AssertionError("the snippet has no quicktakes entry under plugins")


# ---------------------------------------------------------------------------------------
# The docs site
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site_dir = tmp_path_factory.mktemp("docs") / "site"
    return build_config_file(REPO / "mkdocs.yml", strict=True, site_dir=str(site_dir))


def test_docs_build_strictly_with_the_plugin_and_its_example_pages(docs_site: Site) -> None:
    assert docs_site.messages() == []
    stats = docs_site.soup(
        "examples/what-is-the-difference-between-population-and-sample-standard-deviation/"
        "index.html"
    )
    answer = stats.find(id="answer")
    assert answer is not None
    assert len(answer.find_all("math")) > 10
    assert "≠" in answer.get_text()  # `\neq` in the one-line answer stayed a command
    assert "ν" in answer.get_text()  # and so did `\nu`
    c_page = docs_site.soup("examples/how-do-you-read-a-file-line-by-line-in-c/index.html")
    code = c_page.find("code", class_="language-c")
    assert code is not None
    assert 'printf("NULL\\n");' in code.get_text()
    assert c_page.find("time", attrs={"datetime": "2025-02-03T09:30:00"}) is not None


def test_docs_include_the_changelog_and_the_screenshot(docs_site: Site) -> None:
    changelog = docs_site.soup("changelog/index.html")
    headings = [h.get_text(strip=True).rstrip("¶") for h in changelog.find_all("h2")]
    assert "Unreleased" in headings
    image = docs_site.soup("index.html").find("img")
    assert image is not None
    assert (docs_site.site_dir / str(image["src"])).is_file()


# ---------------------------------------------------------------------------------------
# configuration.md: every option, its default and an example
# ---------------------------------------------------------------------------------------


def option_sections() -> dict[str, str]:
    return headed_sections(read_doc("configuration.md"))


@pytest.mark.parametrize(("name", "option"), QuickTakesConfig._schema)
def test_option_has_a_heading_with_its_default_and_an_example(name: str, option: Any) -> None:
    sections = option_sections()
    assert name in sections, f"docs/configuration.md has no '### `{name}`' heading"
    body = sections[name]
    assert f"**Default:** {shown_default(option.default)}" in body
    examples = re.findall(r"```yaml\n(.*?)\n```", body, re.DOTALL)
    assert any(name in plugin_options(example) for example in examples), (
        f"the '{name}' section has no YAML example that sets it"
    )


def test_configuration_documents_no_option_the_plugin_lacks() -> None:
    assert set(option_sections()) <= {name for name, _ in QuickTakesConfig._schema}


def test_annotated_yaml_block_lists_every_option_with_its_default() -> None:
    block = re.search(r"```yaml\n(.*?)\n```", read_doc("configuration.md"), re.DOTALL)
    assert block is not None
    options = plugin_options(block.group(1))
    unset = {name for name, option in QuickTakesConfig._schema if option.default is None}
    for name in unset:
        assert re.search(rf"^\s*# {name}:", block.group(1), re.MULTILINE), name
    assert options == {
        name: option.default for name, option in QuickTakesConfig._schema if name not in unset
    }
    assert QuickTakesPlugin().load_config(options) == ([], [])


# ---------------------------------------------------------------------------------------
# writing-quicktakes.md: every key, every date token
# ---------------------------------------------------------------------------------------


def key_sections() -> dict[str, str]:
    return headed_sections(section(read_doc("writing-quicktakes.md"), "Keys"))


@pytest.mark.parametrize("key", FRONT_MATTER_KEYS)
def test_front_matter_key_has_a_heading_with_type_and_an_example(key: str) -> None:
    sections = key_sections()
    assert key in sections, f"docs/writing-quicktakes.md has no '### `{key}`' heading"
    assert "**Type:**" in sections[key]
    assert "**Required:**" in sections[key]
    assert "```yaml" in sections[key]


def test_every_key_the_plugin_reads_is_documented() -> None:
    reference = read_doc("writing-quicktakes.md")
    for spec in SCHEMA:
        if "." in spec.key and spec.key.startswith("related_articleN"):
            assert f"`{spec.key}`" in reference, spec.key
        else:
            assert spec.key in FRONT_MATTER_KEYS, spec.key


def test_every_key_of_the_real_files_is_documented() -> None:
    reference = read_doc("writing-quicktakes.md")
    documented = set(key_sections())
    for path in shared_files(CORPUS) + shared_files(SEED):
        meta = parse_front_matter(path.read_text(encoding="utf-8"), path.name).meta
        for key, value in meta.items():
            name = re.sub(r"^related_article\d+$", "related_articleN", key)
            assert name in documented, f"{path.name}: key {key!r} is not documented"
            for sub in value if isinstance(value, dict) else ():
                assert f"`{name}.{sub}`" in reference, f"{path.name}: {key}.{sub}"


def token_table() -> dict[str, str]:
    body = key_sections()["date_format"]
    rows = re.findall(r"^\| `([^`]+)` \| [^|]+ \| `([^`]*)` \|$", body, re.MULTILINE)
    return dict(rows)


def test_token_table_lists_every_token_the_code_renders() -> None:
    assert set(token_table()) == set(_RENDERERS)


def test_token_table_examples_are_what_the_plugin_prints() -> None:
    moment = datetime.datetime(2025, 1, 5, 14, 5, 7)
    assert "`2025-01-05 14:05:07` in English" in key_sections()["date_format"]
    english = resolve_locale("en")
    printed = {token: format_date(moment, token, english) for token in token_table()}
    assert printed == token_table()


def test_locale_examples_of_date_format_are_what_the_plugin_prints() -> None:
    body = key_sections()["date_format"]
    header = re.search(r"^\| `date_format` \|(.*)\|$", body, re.MULTILINE)
    assert header is not None
    locales = [cell.strip(" `") for cell in header.group(1).split("|")]
    rows = re.findall(r"^\| `([^`|]+)` \|(.*)\|$", body[header.end() :], re.MULTILINE)
    assert len(rows) >= 3
    for fmt, cells in rows:
        shown = [cell.strip() for cell in cells.split("|")]
        printed = [
            format_date(datetime.date(2025, 1, 28), fmt, resolve_locale(loc)) for loc in locales
        ]
        assert shown == printed, fmt


# ---------------------------------------------------------------------------------------
# customizing.md: templates, blocks, context, CSS classes, and the worked example
# ---------------------------------------------------------------------------------------


def template_files() -> list[Path]:
    return sorted(path for path in TEMPLATES.rglob("*") if path.is_file())


def test_every_template_file_is_documented() -> None:
    guide = read_doc("customizing.md")
    for path in template_files():
        assert f"`{path.relative_to(TEMPLATES).as_posix()}`" in guide


def test_every_qt_block_is_documented_and_no_other() -> None:
    blocks = {
        name
        for path in template_files()
        for name in re.findall(r"\{%-?\s*block\s+(qt_\w+)", path.read_text(encoding="utf-8"))
    }
    assert blocks
    documented = set(headed_sections(section(read_doc("customizing.md"), "Blocks")))
    assert documented == blocks


def test_every_field_of_the_template_context_is_documented() -> None:
    guide = read_doc("customizing.md")
    records = {
        "quicktake.": QuickTakeView,
        "link.": RelatedView,
        "quicktake.labels.": Labels,
        "qt_hub.": HubView,
        "item.": HubItemView,
        "pager.": PagerView,
        "qt_subjects.": SubjectsView,
        "subject.": SubjectLinkView,
        "crumb.": LinkView,
        "feed.": FeedLinkView,
    }
    for prefix, record in records.items():
        for field in dataclasses.fields(record):
            assert f"`{prefix}{field.name}`" in guide, f"{prefix}{field.name}"


def test_every_css_class_of_the_layout_is_documented() -> None:
    package = REPO / "mkdocs_quicktakes"
    sources = [*template_files(), *package.glob("*.py")]
    classes = {
        name
        for path in sources
        for attribute in re.findall(r'class="([^"{]*)"', path.read_text(encoding="utf-8"))
        for name in attribute.split()
        if name == "qt" or name.startswith("qt-")
    }
    css = (TEMPLATES / "quicktakes" / "quicktakes.css").read_text(encoding="utf-8")
    classes |= set(re.findall(r"\.(qt(?:-[\w-]+)?)\b", css))
    table = section(read_doc("customizing.md"), "CSS classes")
    assert sorted(c for c in classes if f"| `{c}` |" not in table) == []


def test_customizing_worked_example_builds_as_documented(tmp_path: Path) -> None:
    files = documented_files(section(read_doc("customizing.md"), "Worked example: a feedback box"))
    assert set(files) == {
        "mkdocs.yml",
        "overrides/quicktakes/page.html",
        "docs/stylesheets/feedback.css",
    }
    write_files(tmp_path, files)
    question = "Is 1 < 2 & is <b>this</b> bold?"
    page = quicktake(title="Ohm & co", question=question, url=None)
    write_files(tmp_path, {"docs/q.md": page})
    soup = build_config_file(tmp_path / "mkdocs.yml", strict=True).soup("q/index.html")

    answer = soup.find(id="answer")
    assert answer is not None
    aside = answer.find_next_sibling("aside", class_="feedback")
    assert aside is not None
    assert question in aside.get_text()  # escaped: shown as text, not a <b> element
    assert aside.find("b") is None
    link = aside.find("a")
    assert link is not None
    assert parse_qs(urlsplit(str(link["href"])).query) == {"q": ["Ohm & co"]}
    assert soup.find(class_="qt-byline") is not None
    sheets = [str(tag["href"]) for tag in soup.find_all("link", rel="stylesheet")]
    assert any(href.endswith("stylesheets/feedback.css") for href in sheets)


# ---------------------------------------------------------------------------------------
# getting-started.md and README.md
# ---------------------------------------------------------------------------------------


def test_getting_started_site_builds_as_documented(tmp_path: Path) -> None:
    guide = read_doc("getting-started.md")
    files = documented_files(guide)
    assert set(files) == {"mkdocs.yml", "docs/questions/what-is-ohms-law.md", "docs/index.md"}
    write_files(tmp_path, files)
    site = build_config_file(tmp_path / "mkdocs.yml", strict=True)
    soup = site.soup("questions/what-is-ohms-law/index.html")
    title = "What is Ohm's law? | QuickTakes | Physics"
    assert f"`{title}`" in guide
    assert [tag.get_text() for tag in soup.find_all("title")] == [title]
    byline = soup.find(class_="qt-byline__date")
    assert byline is not None
    assert byline.get_text(" ", strip=True) == "Posted on Jan 28, 2025"
    assert soup.find(id="answer").find("math") is not None  # type: ignore[union-attr]
    # The paragraph after the build names the hub, the subjects index and the nav section.
    assert "a hub page for the subject at `learn/physics/`" in guide
    hub = site.soup("learn/physics/index.html")
    assert [a.get_text() for a in hub.select(".qt-hub__title a")] == ["What is Ohm's law?"]
    assert (site.site_dir / "learn" / "index.html").is_file()
    nav_links = [a.get_text(strip=True) for a in site.soup("index.html").find_all("a")]
    assert "Subjects" in nav_links


def test_checking_example_reports_what_the_page_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    guide = read_doc("checking.md")
    files = documented_files(guide)
    assert set(files) == {
        "docs/questions/ohm.md",
        "docs/questions/joule.md",
        "docs/questions/watt.md",
    }
    write_files(tmp_path, files)
    shown = re.search(r"```text\n\$ mkdocs-quicktakes check docs\n(.*?)\n```", guide, re.DOTALL)
    assert shown is not None
    status = cli.main(["check", str(tmp_path / "docs")])
    assert capsys.readouterr().out.splitlines() == shown.group(1).splitlines()
    assert status == 1
    assert "`1` when\nthere are problems" in guide


def test_readme_commands_and_dependencies_match_the_project() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for command in ("make example", "make test"):
        assert f"\n{command}" in readme
        assert re.search(rf"^{command.split()[1]}:", makefile, re.MULTILINE)
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    listed = re.search(r"^dependencies = \[(.*?)^\]", pyproject, re.MULTILINE | re.DOTALL)
    assert listed is not None
    why = section(readme, "Dependencies")
    for requirement in re.findall(r'"([A-Za-z0-9_.-]+)', listed.group(1)):
        assert f"**{requirement}**" in why, f"README does not say why {requirement} is needed"
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme):
        assert (REPO / image).is_file()


# ---------------------------------------------------------------------------------------
# The example site
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("config", ["mkdocs.yml", "mkdocs-readthedocs.yml", "mkdocs-material.yml"])
def test_example_site_builds_strictly(config: str, tmp_path: Path) -> None:
    site = build_config_file(EXAMPLE_SITE / config, strict=True, site_dir=str(tmp_path))
    assert site.messages() == []
    assert site.soup(showcase_url() + "index.html").find(id="answer") is not None


def showcase_url() -> str:
    """Where the example site publishes its showcase page: the ``url`` of its front matter."""
    text = (EXAMPLE_SITE / "docs" / SHOWCASE_SOURCE).read_text(encoding="utf-8")
    url = str(parse_front_matter(text, SHOWCASE_SOURCE).meta["url"])
    return url.strip("/") + "/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def fetch_when_up(url: str, server: subprocess.Popen[bytes]) -> str:
    """GET ``url`` once the server answers; fail if it exits or never answers."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"mkdocs serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return bytes(response.read()).decode("utf-8")
        except urllib.error.HTTPError as error:  # the server is up: the page itself is missing
            raise AssertionError(f"mkdocs serve answered {url} with {error.code}") from error
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"mkdocs serve did not answer {url} within 60 s")


def test_mkdocs_serve_serves_a_quicktakes_page_of_the_example_site() -> None:
    port = free_port()
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", "example_site/mkdocs.yml"]
    server = subprocess.Popen(
        [*command, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = fetch_when_up(f"http://127.0.0.1:{port}/{showcase_url()}", server)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert '<article class="qt">' in page
    assert 'id="answer"' in page
    assert "<math" in page
