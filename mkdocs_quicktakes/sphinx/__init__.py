"""mkdocs-quicktakes for Sphinx: ``extensions = ["myst_parser", "mkdocs_quicktakes.sphinx"]``.

A thin adapter: Sphinx's events hand each Markdown document to the same core as the MkDocs
plugin (reading and validation, the answer's rendering, sanitizing and MathML, the byline, the
head tags and JSON-LD), and place what it returns in the doctree and the page. Only this package
imports Sphinx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mkdocs_quicktakes import __version__
from mkdocs_quicktakes.sphinx import events
from mkdocs_quicktakes.sphinx.settings import CONFIG_VALUES

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the ``quicktakes_*`` config values and the event handlers."""
    for name, default, rebuild, types in CONFIG_VALUES:
        app.add_config_value(f"quicktakes_{name}", default, rebuild, types)
    app.connect("config-inited", events.on_config_inited)
    app.connect("source-read", events.on_source_read)
    # Before Sphinx's own collectors (priority 500) read titles, sections and metadata.
    app.connect("doctree-read", events.on_doctree_read, priority=400)
    app.connect("doctree-resolved", events.on_doctree_resolved)
    app.connect("env-purge-doc", events.on_env_purge_doc)
    app.connect("env-merge-info", events.on_env_merge_info)
    app.connect("env-before-read-docs", events.on_env_before_read_docs)
    app.connect("env-updated", events.on_env_updated)
    app.connect("builder-inited", events.on_builder_inited)
    app.connect("html-collect-pages", events.on_html_collect_pages)
    app.connect("html-page-context", events.on_html_page_context)
    app.connect("build-finished", events.on_build_finished)
    return {
        "version": __version__,
        "env_version": 2,  # 2: SiteState.related
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
