"""Shared fixtures: real MkDocs builds of small sites written into a temporary folder."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
import yaml
from bs4 import BeautifulSoup
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.config_options import Plugins
from mkdocs.config.defaults import MkDocsConfig

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "real"
SEED = SHARED / "seed"
PLUGIN_LOGGER = "mkdocs.plugins.mkdocs_quicktakes"
EXAMPLE_SITE = REPO / "example_site"
EXAMPLE_CONFIGS = {
    "mkdocs": EXAMPLE_SITE / "mkdocs.yml",
    "readthedocs": EXAMPLE_SITE / "mkdocs-readthedocs.yml",
    "material": EXAMPLE_SITE / "mkdocs-material.yml",
}
"""The example site's config file for each theme (the other two INHERIT ``mkdocs.yml``)."""


def forget_plugins() -> None:
    """Make the next build create new plugin objects.

    MkDocs keeps a plugin that has ``on_startup`` for the whole process, as ``mkdocs serve``
    needs, so without this every build would share one QuickTakes plugin and its read cache: a
    test building the same files twice, in workers and then without, would see the first
    results come back from the cache.
    """
    _PLUGINS_OPTION.plugin_cache.clear()


@pytest.fixture(autouse=True)
def fresh_plugins() -> None:
    """Give each test new plugin objects; a test's own rebuilds share one, as serve's do."""
    forget_plugins()


_PLUGINS_OPTION = cast(Plugins, dict(MkDocsConfig._schema)["plugins"])


def shared_files(folder: Path) -> list[Path]:
    """The Markdown files of a ../shared folder; fail (never skip) when CI did not lay it out."""
    files = sorted(folder.glob("*.md"))
    if not files:
        pytest.fail(f"{folder} is missing: the tests read the real corpus from ../shared")
    return files


SOURCES = [*shared_files(CORPUS), *shared_files(SEED)]
"""The 80 real files and the seed, in that order."""


def quicktake(**fields: Any) -> str:
    """A QuickTakes file: front matter from ``fields`` and the usual ``&nbsp;`` body."""
    front = {
        "id": 1,
        "date": "2025-01-28",
        "title": "What is a test?",
        "date_format": "MMM DD, YYYY",
        "post_on_text": "Posted on",
        "seo": {
            "title": "QuickTakes | Testing",
            "page_description": "A test.",
            "page_keywords": "tests,pytest, builds",
        },
        "author": "QuickTakes",
        "question": "What is a test?",
        "answer": r"A test is a check.\n\n### Why\nIt fails when the code is wrong.",
        "subject": "Testing",
        "url": "/learn/testing/questions/what-is-a-test",
        "score": -1.0,
    }
    front.update(fields)
    front = {key: value for key, value in front.items() if value is not None}
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n&nbsp;"


QUICKTAKE_PAGE = "learn/testing/questions/what-is-a-test/index.html"
"""Where the page of a default :func:`quicktake` is written: at its ``url`` (``permalinks``)."""


@dataclass
class Site:
    """A built site, with helpers that read its output."""

    root: Path
    site_dir: Path
    records: list[logging.LogRecord]

    def text(self, path: str) -> str:
        return (self.site_dir / path).read_text(encoding="utf-8")

    def soup(self, path: str) -> BeautifulSoup:
        return BeautifulSoup(self.text(path), "html.parser")

    def messages(self, level: int = logging.WARNING) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= level]


# The one line of the mkdocs theme that differs between two builds of the same pages.
_BUILD_DATE = re.compile(r"Build Date UTC : [^\n]*")


def site_outputs(site: Site) -> dict[str, str]:
    """Every HTML and JSON file of a built site, without the mkdocs theme's build date."""
    pages = sorted(site.site_dir.rglob("*.html")) + sorted(site.site_dir.rglob("*.json"))
    return {
        str(path.relative_to(site.site_dir)): _BUILD_DATE.sub("", path.read_text("utf-8"))
        for path in pages
    }


def meta_values(soup: BeautifulSoup, key: str) -> list[str]:
    """The contents of the head's ``<meta>`` tags whose ``name`` or ``property`` is ``key``."""
    assert soup.head is not None
    found = soup.head.find_all(
        lambda tag: tag.name == "meta" and key in (tag.get("name"), tag.get("property"))
    )
    return [str(tag["content"]) for tag in found]


BuildSite = Callable[..., Site]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def build_pages(
    root: Path,
    pages: Mapping[str, str],
    *,
    theme: str | Mapping[str, Any] = "mkdocs",
    plugin: Mapping[str, Any] | None = None,
    strict: bool = True,
    extra: Mapping[str, Any] | None = None,
    copy: Mapping[str, Path] | None = None,
) -> Site:
    """Write ``pages`` (and copies of ``copy``) into ``root/docs`` and build them for real.

    The plugin is enabled by its entry-point name, so registration is tested too.
    """
    docs = root / "docs"
    docs.mkdir(parents=True)
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    for name, source in (copy or {}).items():
        shutil.copyfile(source, docs / name)
    config: dict[str, Any] = {
        "site_name": "Test Site",
        "site_url": "https://example.org/",
        "theme": theme if isinstance(theme, Mapping) else {"name": theme},
        "plugins": ["search", {"quicktakes": dict(plugin or {})}],
        **(extra or {}),
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return build_config_file(root / "mkdocs.yml", strict=strict)


def build_config_file(
    config_file: Path,
    *,
    strict: bool = True,
    command: str | None = "build",
    dirty: bool = False,
    **overrides: Any,
) -> Site:
    """Build the site of ``config_file`` as `mkdocs build` would, capturing what MkDocs logs.

    ``command`` is what the plugins' ``on_startup`` hears; ``None`` skips it, as the rebuilds of
    one `mkdocs serve` do (``dirty`` is its ``--dirty``).
    """
    handler = _Records()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        cfg = load_config(str(config_file), strict=strict, **overrides)
        if command is not None:
            cfg.plugins.on_startup(command=command, dirty=dirty)
        try:
            build(cfg, dirty=dirty)
        finally:
            if command is not None:
                cfg.plugins.on_shutdown()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return Site(config_file.parent, Path(cfg.site_dir), handler.records)


@pytest.fixture
def build_site(tmp_path: Path) -> BuildSite:
    """Build a site from ``{path: text}`` pages; see :func:`build_pages` for the options."""
    count = iter(range(1000))

    def run(pages: Mapping[str, str], **options: Any) -> Site:
        return build_pages(tmp_path / f"site{next(count)}", pages, **options)

    return run


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The 80 real files and the seed beside a home page, built ``--strict`` once per session.

    Tests only read it. Its plugin is its own: made new before the build, forgotten after it.
    """
    forget_plugins()
    root = tmp_path_factory.mktemp("corpus")
    site = build_pages(root, {"index.md": "# Home\n"}, copy={path.name: path for path in SOURCES})
    forget_plugins()
    return site
