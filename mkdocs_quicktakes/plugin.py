"""The MkDocs adapter: moves data between MkDocs events and the pure QuickTakes modules."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, cast

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger

from mkdocs_quicktakes.answer import NestedFences, PreparedAnswer, prepare_answer
from mkdocs_quicktakes.config import QuickTakesConfig
from mkdocs_quicktakes.dates import iso_datetime, resolve_locale
from mkdocs_quicktakes.head import (
    HeadTags,
    format_title,
    render_head_tags,
    replace_head_tags,
)
from mkdocs_quicktakes.labels import labels_for
from mkdocs_quicktakes.mathml import MathMode, fill_math, fill_math_text
from mkdocs_quicktakes.model import Problem, QuickTake, is_quicktake, parse_quicktake
from mkdocs_quicktakes.view import build_view

if TYPE_CHECKING:
    from babel import Locale
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import AnchorLink, TableOfContents
    from mkdocs.utils.templates import TemplateContext

log = get_plugin_logger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"


class QuickTakesPlugin(BasePlugin[QuickTakesConfig]):
    """Render every page whose front matter has ``question`` and ``answer`` as a Q&A page."""

    def __init__(self) -> None:
        self._takes: dict[str, QuickTake] = {}
        self._answers: dict[str, PreparedAnswer] = {}
        self._locale: Locale | None = None
        self._nested_fences: NestedFences = "indented"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Check options and register templates and CSS before the theme environment exists."""
        if not self.config.enabled:
            return None
        # The plugin object survives `mkdocs serve` rebuilds: start every build clean.
        self._takes, self._answers = {}, {}
        self._locale = self._resolve_locale(config)
        self._nested_fences = nested_fences_mode(config.markdown_extensions)
        # Appended, so a file of the same name in the theme or custom_dir wins.
        config.theme.dirs.append(str(TEMPLATES_DIR))
        return config

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Swap the placeholder body for the decoded answer, so MkDocs renders it like any page."""
        if not self.config.enabled or not is_quicktake(page.meta):
            return None
        take, problems = parse_quicktake(page.meta, page.file.src_uri)
        report(problems)
        if take is None:
            return None
        prepared = prepare_answer(
            take.answer,
            fix_mojibake=self.config.fix_mojibake,
            nested_fences=self._nested_fences,
        )
        self._takes[page.file.src_uri] = take
        self._answers[page.file.src_uri] = prepared
        self._set_page_meta(page, take)
        return prepared.markdown

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Put the formulas back, after Markdown can no longer touch them."""
        prepared = self._answers.get(page.file.src_uri)
        if prepared is None or not prepared.math:
            return None
        html, failures = fill_math(html, prepared.math, mode=cast(MathMode, self.config.math))
        for span in failures:
            log.warning(
                f"{page.file.src_uri}: 'answer': formula could not be converted to MathML, "
                f"shown as source: {span.source}"
            )
        _fill_toc_titles(page.toc, prepared)
        return html

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        """Hand the Q&A layout its plain-text view of the page."""
        take = self._takes.get(page.file.src_uri)
        if take is None or self._locale is None:
            return None
        view, problems = build_view(take, locale=self._locale, labels=labels_for(str(self._locale)))
        report(problems)
        # TemplateContext lists only MkDocs' own keys; themes and plugins add theirs.
        context["quicktake"] = view  # type: ignore[typeddict-unknown-key]
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Leave exactly one title, description, keywords and author tag in the page's head."""
        take = self._takes.get(page.file.src_uri)
        if take is None:
            return None
        return replace_head_tags(output, render_head_tags(self._head_tags(take, config)))

    def _resolve_locale(self, config: MkDocsConfig) -> Locale:
        name = self.config.locale or config.theme.get("language") or str(config.theme.locale)
        try:
            return resolve_locale(str(name))
        except ValueError as error:
            raise PluginError(f"quicktakes: option 'locale': {error}") from error

    def _set_page_meta(self, page: Page, take: QuickTake) -> None:
        # Themes print page.meta.title and page.meta.author unescaped (in the nav, breadcrumbs and
        # head), so they receive HTML-escaped text, as MkDocs' own titles taken from Markdown are.
        page.meta["title"] = escape(take.title, quote=False)
        if take.author:
            page.meta["author"] = escape(take.author)
        page.meta.setdefault("template", self.config.template)
        if take.date is not None:
            # The sitemap's lastmod: the QuickTake's date, not the build date.
            page.update_date = iso_datetime(take.date)[:10]

    def _head_tags(self, take: QuickTake, config: MkDocsConfig) -> HeadTags:
        fields = {
            "title": take.title,
            "seo_title": take.seo_title,
            "subject": take.subject,
            "site_name": config.site_name,
        }
        pattern = self.config.title_format if take.seo_title else self.config.title_format_fallback
        return HeadTags(
            title=format_title(pattern, fields),
            description=take.description,
            keywords=", ".join(take.keywords) if self.config.keywords else "",
            author=take.author,
        )


def nested_fences_mode(extensions: list[str]) -> NestedFences:
    """How code fences inside list items must be written for this site's Markdown extensions."""
    names = {name.rsplit(".", 1)[-1] for name in extensions}
    if "superfences" in names:
        return "fence"
    if "codehilite" in names:
        return "codehilite"
    return "indented"


def report(problems: list[Problem]) -> None:
    """Log each problem at its severity; both fail ``mkdocs build --strict``."""
    for problem in problems:
        if problem.severity == "error":
            log.error(problem.message())
        else:
            log.warning(problem.message())


def _fill_toc_titles(toc: TableOfContents, prepared: PreparedAnswer) -> None:
    def fill(items: list[AnchorLink]) -> None:
        for item in items:
            item.title = fill_math_text(item.title, prepared.math)
            fill(item.children)

    fill(list(toc))
