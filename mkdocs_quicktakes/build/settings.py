"""The plugin's options and ``mkdocs.yml``, worked out once per build into plain settings.

Everything downstream (the build, the pure packages) takes these values, never the config.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from mkdocs.contrib.search import SearchPlugin
from mkdocs.exceptions import PluginError

from mkdocs_quicktakes.answer.math import MathMode, math_macros
from mkdocs_quicktakes.answer.render import (
    RenderSettings,
    answer_extension_configs,
    answer_extensions,
)
from mkdocs_quicktakes.html.metadata import needs_answer_text
from mkdocs_quicktakes.html.page_head import HeadOptions, SiteSettings, site_info
from mkdocs_quicktakes.records.dates import resolve_locale
from mkdocs_quicktakes.records.labels import labels_for
from mkdocs_quicktakes.site.catalog import HubOptions, HubSort
from mkdocs_quicktakes.site.reading import ReadSettings

if TYPE_CHECKING:
    from babel import Locale
    from mkdocs.config.defaults import MkDocsConfig

    from mkdocs_quicktakes.answer.blocks import NestedFences
    from mkdocs_quicktakes.answer.sanitize import AnswerHtml
    from mkdocs_quicktakes.config import QuickTakesConfig
    from mkdocs_quicktakes.html.metadata import SiteInfo
    from mkdocs_quicktakes.records.labels import Labels


@dataclass(frozen=True)
class Settings:
    """One build's settings: the options, the locale and the site's facts."""

    options: QuickTakesConfig
    locale: Locale
    labels: Labels
    site: SiteInfo
    head: HeadOptions
    config_folder: Path
    """The folder of ``mkdocs.yml``, which the file options are relative to."""

    @classmethod
    def from_config(cls, options: QuickTakesConfig, config: MkDocsConfig) -> tuple[Settings, str]:
        """The settings, and a warning about the site's facts (``""`` when there is none)."""
        locale = _resolve_locale(options, config)
        site, warning = site_info(_site_settings(options, config), locale)
        head = HeadOptions(
            options.title_format,
            options.title_format_fallback,
            options.keywords,
            options.structured_data,
        )
        folder = Path(config.config_file_path or "mkdocs.yml").parent
        return cls(options, locale, labels_for(str(locale)), site, head, folder), warning or ""

    @property
    def uses_pagefind(self) -> bool:
        """Whether Pagefind is the search engine (option ``search_engine``)."""
        return self.options.search_engine == "pagefind"

    @property
    def cache_folder(self) -> Path | None:
        """The folder of option ``cache_dir``, or ``None`` when the cache stays in memory."""
        return self.config_folder / self.options.cache_dir if self.options.cache_dir else None

    def read_settings(self, config: MkDocsConfig, *, spilled: bool = False) -> ReadSettings:
        """How files are read and answers rendered, with the site's final Markdown extensions.

        Called in ``on_files``, not ``on_config``: later plugins may still add extensions.
        ``spilled``: the answers go to disk as they are read, for the direct pipeline's
        workers, which then also take them split for MkDocs' search index.
        """
        options = self.options
        extensions, _ = answer_extensions(config.markdown_extensions)
        render = RenderSettings(
            extensions=tuple(extensions),
            extension_configs=answer_extension_configs(config.mdx_configs or {}),
            math=cast(MathMode, options.math),
            math_macros=math_macros(options.math_macros),
            answer_html=cast("AnswerHtml", options.answer_html),
            answer_text=needs_answer_text(options.structured_data),
            # Split once, where the answer is rendered: MkDocs' search indexes whole answers.
            # Only what goes to disk: held in memory for MkDocs' loop, it would cost a large
            # site's build process a third more memory.
            index_html=spilled
            and options.search_text == "full"
            and isinstance(config.plugins.get("search"), SearchPlugin),
        )
        return ReadSettings(
            max_answer_bytes=options.max_answer_bytes,
            fix_mojibake=options.fix_mojibake,
            nested_fences=nested_fences_mode(extensions),
            render=render,
            # Extension objects (plugins add some) keep state for their plugin: MkDocs renders.
            render_ahead=options.render_ahead and all(isinstance(e, str) for e in extensions),
            time_limit=max(0.0, float(options.time_limit)),
        )

    def hub_options(self, config: MkDocsConfig) -> HubOptions:
        """Where the hubs go and how they list their questions."""
        options = self.options
        return HubOptions(
            url=options.hub_url,
            index_url=options.subjects_url,
            page_size=options.hub_page_size,
            sort=cast(HubSort, options.hub_sort),
            directory_urls=config.use_directory_urls,
            home_name=self.labels.home,
            hubs=options.hubs,
        )


def nested_fences_mode(extensions: list[str]) -> NestedFences:
    """How code fences inside list items must be written for this site's Markdown extensions."""
    names = {name.rsplit(".", 1)[-1] for name in extensions if isinstance(name, str)}
    if "superfences" in names:
        return "fence"
    if "codehilite" in names:
        return "codehilite"
    return "indented"


def _resolve_locale(options: QuickTakesConfig, config: MkDocsConfig) -> Locale:
    name = options.locale or config.theme.get("language") or str(config.theme.locale)
    try:
        return resolve_locale(str(name))
    except ValueError as error:
        raise PluginError(f"quicktakes: option 'locale': {error}") from error


def _site_settings(options: QuickTakesConfig, config: MkDocsConfig) -> SiteSettings:
    return SiteSettings(
        name=config.site_name,
        url=config.site_url or "",
        og_image=options.og_image or "",
        author_type=options.author_type,
        author_url=options.author_url or "",
        digital_source_type=options.digital_source_type or "",
    )
