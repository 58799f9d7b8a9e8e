"""The site's part of a page's store key changes exactly when what every page shows may change.

Each test loads a real ``mkdocs.yml`` (with a ``custom_dir``) and the nav MkDocs makes of it,
changes one thing, and compares the signatures. The serve tests in ``test_direct.py`` check the
same from the outside: a page taken from the store is the page a new build writes.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
import yaml
from conftest import forget_plugins
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.nav import get_navigation

from mkdocs_quicktakes.build.page_keys import site_signature

if TYPE_CHECKING:
    from pathlib import Path


def signature(root: Path, **changes: object) -> str:
    """The site signature of a small site in ``root``, with these ``mkdocs.yml`` keys changed."""
    forget_plugins()
    settings: dict[str, object] = {
        "site_name": "Keys",
        "docs_dir": str(root / "docs"),
        "site_dir": str(root / "site"),
        "theme": {"name": "mkdocs", "custom_dir": str(root / "overrides")},
        "nav": [{"Home": "index.md"}, {"Guide": "guide.md"}],
        **changes,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    config = load_config(str(root / "mkdocs.yml"))
    files = get_files(config)
    nav = get_navigation(files, config)
    return site_signature(config, nav, files.documentation_pages())


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "docs" / "guide.md").write_text("# Guide\n", encoding="utf-8")
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n', encoding="utf-8"
    )
    return tmp_path


def test_the_same_site_loaded_twice_has_the_same_signature(site: Path) -> None:
    assert signature(site) == signature(site)


def test_an_option_changes_the_signature(site: Path) -> None:
    assert signature(site) != signature(site, site_name="Other keys")
    assert signature(site) != signature(site, plugins=[{"search": {"lang": ["fr"]}}])


def test_a_template_of_the_custom_dir_changes_the_signature(site: Path) -> None:
    before = signature(site)
    template = site / "overrides" / "main.html"
    template.write_text('{% extends "base.html" %}\n{# changed #}\n', encoding="utf-8")
    assert signature(site) != before
    (site / "overrides" / "partial.html").write_text("<p></p>\n", encoding="utf-8")
    assert signature(site) != before


def test_a_template_edited_to_the_same_size_changes_the_signature(site: Path) -> None:
    before = signature(site)
    template = site / "overrides" / "main.html"
    stat = template.stat()
    template.write_text('{% extends "base.html" %}\r', encoding="utf-8")
    os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert template.stat().st_size == stat.st_size
    assert signature(site) != before


def test_the_nav_and_the_pages_change_the_signature(site: Path) -> None:
    before = signature(site)
    assert signature(site, nav=[{"Home": "index.md"}, {"A guide": "guide.md"}]) != before
    (site / "docs" / "more.md").write_text("# More\n", encoding="utf-8")
    assert signature(site) != before


def test_what_a_page_does_not_show_leaves_the_signature(site: Path) -> None:
    before = signature(site)
    (site / "docs" / "guide.md").write_text("# Guide, edited\n", encoding="utf-8")
    assert signature(site) == before  # a page's own text is its key's part, not the site's
