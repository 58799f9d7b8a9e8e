"""Answers rendered ahead of MkDocs, in worker processes or not, give the pages MkDocs would.

Speed is measured by ``benchmarks/``; these tests check that the fast path changes nothing a
reader, a search engine or another plugin can see.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from conftest import (
    CORPUS,
    QUICKTAKE_PAGE,
    SEED,
    Site,
    build_pages,
    forget_plugins,
    quicktake,
    shared_files,
    site_outputs,
)

from mkdocs_quicktakes.speed import workers

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import BuildSite

EXTENSIONS: list[Any] = [
    {"toc": {"permalink": True}},
    "tables",
    "admonition",
    "footnotes",
    "attr_list",
    "pymdownx.highlight",
    "pymdownx.superfences",
]

# Records, for every page, whether MkDocs received its answer finished.
RECORDING_HOOK = """
from pathlib import Path

def on_post_page(output, page, config, **kwargs):
    with Path(config.config_file_path).with_name("rendered.log").open("a") as log:
        log.write(f"{page.file.src_uri} {getattr(page, 'prerendered', None)}\\n")
"""


# Writes page.meta and page.markdown of a.md, as another plugin would see them, to meta.json.
META_HOOK = """
import json
from pathlib import Path

def on_page_context(context, page, config, **kwargs):
    if page.file.src_uri == "a.md":
        out = Path(config.config_file_path).with_name("meta.json")
        out.write_text(json.dumps({"meta": page.meta, "markdown": page.markdown}))
"""


def _corpus_site(root: Path, **plugin: object) -> Site:
    sources = shared_files(CORPUS) + shared_files(SEED)
    return build_pages(
        root,
        {"index.md": "# Home\n"},
        copy={path.name: path for path in sources},
        plugin={"structured_data": "qapage", **plugin},
        extra={"markdown_extensions": EXTENSIONS, "nav": [{"Home": "index.md"}]},
    )


def _build_with_hook(
    build_site: BuildSite, tmp_path: Path, hook: str, pages: dict[str, str] | None = None
) -> Site:
    """Build ``pages`` (one default QuickTake) with ``hook`` as the site's MkDocs hooks file."""
    path = tmp_path / "hooks.py"
    path.write_text(hook, encoding="utf-8")
    return build_site(pages or {"a.md": quicktake()}, extra={"hooks": [str(path)]})


def _prerendered(root: Path) -> dict[str, str]:
    lines = (root / "rendered.log").read_text(encoding="utf-8").split("\n")
    return dict(line.split(" ") for line in lines if line)


@pytest.mark.slow
def test_the_real_corpus_renders_ahead_exactly_as_mkdocs_renders_it(tmp_path: Path) -> None:
    by_mkdocs = site_outputs(_corpus_site(tmp_path / "mkdocs", render_ahead=False))
    ahead = site_outputs(_corpus_site(tmp_path / "ahead", render_ahead=True, workers=1))
    assert len(by_mkdocs) > 80
    assert ahead.keys() == by_mkdocs.keys()
    different = [path for path in by_mkdocs if ahead[path] != by_mkdocs[path]]
    assert different == []


@pytest.mark.slow
def test_worker_processes_give_the_same_site_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = site_outputs(_corpus_site(tmp_path / "one", workers=1))
    forget_plugins()  # else the second build finds every file in the first one's cache
    monkeypatch.setattr(workers, "MIN_FILES_PER_WORKER", 1)
    assert workers.worker_count(2, 81) == 2
    two = site_outputs(_corpus_site(tmp_path / "two", workers=2))
    assert two == one


def test_pages_are_handed_to_mkdocs_finished(build_site: BuildSite, tmp_path: Path) -> None:
    pages = {"a.md": quicktake(), "b.md": "# Plain\n"}
    site = _build_with_hook(build_site, tmp_path, RECORDING_HOOK, pages)
    recorded = _prerendered(site.root)
    assert (recorded["a.md"], recorded["b.md"]) == ("True", "None")


def test_an_answer_linking_to_another_page_is_left_to_mkdocs(build_site: BuildSite) -> None:
    pages = {
        "a.md": quicktake(answer=r"See [the guide](guide.md) and [missing](nowhere.md)."),
        "guide.md": "# Guide\n",
    }
    site = build_site(pages, strict=False)
    html = site.text(QUICKTAKE_PAGE)
    # MkDocs rewrote the link to the guide's page, relative to the QuickTake's url...
    assert 'href="../../../../guide/"' in html
    # ...and warned about the one whose target is not a page.
    assert any("'nowhere.md'" in message for message in site.messages())


def test_a_link_to_an_anchor_that_does_not_exist_is_still_reported(
    build_site: BuildSite,
) -> None:
    answer = r"### Start\nJump to [the start](#start) or [nowhere](#missing)."
    site = build_site(
        {"a.md": quicktake(answer=answer)},
        strict=False,
        extra={"validation": {"anchors": "warn"}},
    )
    messages = site.messages()
    assert any("'#missing'" in message for message in messages), messages
    assert not any("'#start'" in message for message in messages)


CHANGING_HOOKS = {
    # After the plugin swapped in the answer: MkDocs must render the changed Markdown.
    "markdown": (
        "@event_priority(-100)\ndef on_page_markdown(markdown, page, **kwargs):\n"
        "    return markdown + '\\n\\nAdded by **a hook**.'\n",
        "Added by <strong>a hook</strong>.",
    ),
    # Before the plugin sees the HTML: the plugin must not put its own back.
    "html": (
        "@event_priority(100)\ndef on_page_content(html, page, **kwargs):\n"
        "    return html + '<p>Added by a hook.</p>'\n",
        "<p>Added by a hook.</p>",
    ),
}


@pytest.mark.parametrize("changed", sorted(CHANGING_HOOKS))
def test_a_change_another_plugin_makes_to_the_page_is_kept(
    build_site: BuildSite, tmp_path: Path, changed: str
) -> None:
    hook, expected = CHANGING_HOOKS[changed]
    site = _build_with_hook(
        build_site, tmp_path, "from mkdocs.plugins import event_priority\n" + hook
    )
    html = site.text(QUICKTAKE_PAGE)
    assert expected in html
    assert "It fails when the code is wrong." in html


def test_a_markdown_extension_added_as_an_object_leaves_rendering_to_mkdocs(
    build_site: BuildSite, tmp_path: Path
) -> None:
    # As plugins such as autorefs do: an extension object that reports back to its plugin.
    hook = (
        RECORDING_HOOK
        + "from markdown.extensions.abbr import AbbrExtension\n"
        + "def on_config(config):\n"
        + "    config.markdown_extensions.append(AbbrExtension())\n"
    )
    answer = r"The HTML spec.\n\n*[HTML]: Hyper Text Markup Language"
    site = _build_with_hook(build_site, tmp_path, hook, {"a.md": quicktake(answer=answer)})
    assert _prerendered(site.root)["a.md"] == "False"
    assert '<abbr title="Hyper Text Markup Language">HTML</abbr>' in site.text(QUICKTAKE_PAGE)


def test_page_meta_holds_the_allowlist_and_the_answer_is_the_markdown(
    build_site: BuildSite, tmp_path: Path
) -> None:
    pages = {"a.md": quicktake(file_name="a-test", extra_key=[1, 2])}
    site = _build_with_hook(build_site, tmp_path, META_HOOK, pages)
    seen = json.loads((site.root / "meta.json").read_text(encoding="utf-8"))
    # Front matter is data: only the plugin's allowlisted keys (see test_security.py).
    assert sorted(seen["meta"]) == ["author", "description", "template", "title"]
    # The answer is the page's Markdown instead, decoded: real line breaks, no "\n" escapes.
    assert (
        seen["markdown"].rstrip()
        == "A test is a check.\n\n## Why\n\nIt fails when the code is wrong."
    )


def test_a_source_another_plugin_supplies_gives_the_page_the_allowlisted_meta(
    build_site: BuildSite, tmp_path: Path
) -> None:
    hook = (
        META_HOOK
        + "def on_page_read_source(page, config):\n"
        + "    if page.file.src_uri == 'a.md':\n"
        + "        text = page.file.content_string\n"
        + "        return text.replace('---\\n', '---\\nsupplied: yes\\n', 1)\n"
    )
    site = _build_with_hook(build_site, tmp_path, hook)
    seen = json.loads((site.root / "meta.json").read_text(encoding="utf-8"))
    assert "supplied" not in seen["meta"]  # front matter is data, whoever supplies it
    assert seen["meta"]["title"] == "What is a test?"
    assert "answer" not in seen["meta"]
    assert "It fails when the code is wrong." in site.text(QUICKTAKE_PAGE)
