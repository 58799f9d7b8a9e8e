"""The ``quicktakes_*`` config values, and the core's settings made from them.

Names and meanings are those of the MkDocs options (without the prefix); only options whose
meaning carries over to Sphinx exist here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

from mkdocs_quicktakes.answer.render import RenderSettings
from mkdocs_quicktakes.html.head import check_title_format
from mkdocs_quicktakes.html.metadata import AUTHOR_TYPES, STRUCTURED_DATA_MODES, needs_answer_text
from mkdocs_quicktakes.html.page_head import HeadOptions, SiteSettings, site_info
from mkdocs_quicktakes.records.dates import resolve_locale
from mkdocs_quicktakes.records.labels import labels_for
from mkdocs_quicktakes.records.model import DEFAULT_MAX_ANSWER_BYTES
from mkdocs_quicktakes.site.permalinks import site_folder_problem
from mkdocs_quicktakes.site.reading import ReadSettings

if TYPE_CHECKING:
    from babel import Locale
    from sphinx.config import Config

    from mkdocs_quicktakes.html.metadata import SiteInfo
    from mkdocs_quicktakes.records.labels import Labels

# (name, default, what a change rebuilds, types): "env" rereads every document, "html" rewrites.
Rebuild = Literal["env", "html"]
CONFIG_VALUES: tuple[tuple[str, Any, Rebuild, tuple[type, ...]], ...] = (
    ("locale", None, "env", (str, type(None))),
    ("math", "mathml", "env", (str,)),
    ("keywords", True, "html", (bool,)),
    ("title_format", "{title} | {seo_title}", "html", (str,)),
    ("title_format_fallback", "{title} - {site_name}", "html", (str,)),
    ("fix_mojibake", True, "env", (bool,)),
    ("unresolved_related", "text", "env", (str,)),
    ("structured_data", "article", "env", (str,)),
    ("author_type", "Organization", "html", (str,)),
    ("author_url", None, "html", (str, type(None))),
    ("og_image", None, "html", (str, type(None))),
    ("digital_source_type", None, "html", (str, type(None))),
    ("answer_html", "sanitize", "env", (str,)),
    ("max_answer_bytes", DEFAULT_MAX_ANSWER_BYTES, "env", (int,)),
    ("permalinks", True, "env", (bool,)),
    ("hubs", True, "env", (bool,)),
    ("hub_url", "learn/{slug}/", "env", (str,)),
    ("hub_page_size", 20, "env", (int,)),
    ("hub_sort", "date", "env", (str,)),
    ("subjects_url", "learn/", "env", (str,)),
    ("feeds", True, "env", (bool,)),
    ("feed_size", 20, "env", (int,)),
)

# The answer's Markdown is rendered by the core with Python-Markdown; codehilite runs the same
# Pygments as Sphinx and writes its classes in a `highlight` box, which Sphinx's pygments.css
# (the project's pygments_style) colours.
ANSWER_EXTENSIONS = ("toc", "tables", "fenced_code", "codehilite")
ANSWER_EXTENSION_CONFIGS = {"codehilite": {"css_class": "highlight", "guess_lang": False}}


def option(config: Config, name: str) -> Any:
    """The value of ``quicktakes_<name>``."""
    return getattr(config, f"quicktakes_{name}")


CHOICES = {
    "math": ("mathml", "none"),
    "answer_html": ("sanitize", "trust"),
    "unresolved_related": ("text", "hide"),
    "structured_data": STRUCTURED_DATA_MODES,
    "author_type": AUTHOR_TYPES,
    "hub_sort": ("date", "score", "title"),
}

# The folders of the site that options name, checked as under MkDocs, with their placeholder.
FOLDERS = {"hub_url": "slug", "subjects_url": ""}


def check(config: Config) -> list[str]:
    """Problems with the ``quicktakes_*`` values; each bad value is set back to its default.

    Sphinx shows an exception from an extension as a crash report, so a bad value is a warning
    (``-W`` fails on it) and the build goes on with the default, as Sphinx does for its own.
    """
    problems = []
    defaults = {name: default for name, default, _, _ in CONFIG_VALUES}
    for name in ("title_format", "title_format_fallback"):
        error = check_title_format(option(config, name))
        if error:
            problems.append(f"config value 'quicktakes_{name}': {error}")
            setattr(config, f"quicktakes_{name}", defaults[name])
    for name, placeholder in FOLDERS.items():
        folder = str(option(config, name)).strip()
        error = site_folder_problem(folder, placeholder)
        if error:
            problems.append(f"config value 'quicktakes_{name}': {error}")
            folder = defaults[name]
        setattr(config, f"quicktakes_{name}", folder)
    for name, allowed in CHOICES.items():
        found = option(config, name)
        if found not in allowed:
            expected = ", ".join(allowed)
            problems.append(
                f"config value 'quicktakes_{name}': expected one of {expected}, found {found!r}"
            )
            setattr(config, f"quicktakes_{name}", defaults[name])
    try:
        resolve_locale(option(config, "locale") or config.language or "en")
    except ValueError as error:
        problems.append(f"config value 'quicktakes_locale' (or language): {error}; using en")
        config.quicktakes_locale = "en"
    return problems


def read_settings(config: Config) -> ReadSettings:
    """How every document is read and its answer rendered."""
    render = RenderSettings(
        extensions=ANSWER_EXTENSIONS,
        extension_configs=ANSWER_EXTENSION_CONFIGS,
        math=option(config, "math"),
        answer_html=option(config, "answer_html"),
        answer_text=needs_answer_text(option(config, "structured_data")),
    )
    return ReadSettings(
        max_answer_bytes=option(config, "max_answer_bytes"),
        fix_mojibake=option(config, "fix_mojibake"),
        nested_fences="codehilite",  # how fences in list items suit codehilite
        render=render,
    )


@dataclass(frozen=True)
class Site:
    """What every page of one build shares: locale, labels, head options, the site's facts."""

    locale: Locale
    labels: Labels
    head: HeadOptions
    info: SiteInfo
    warning: str | None


def site(config: Config) -> Site:
    """The site-wide facts from ``conf.py``: ``project``, ``language``, ``html_baseurl``."""
    locale = resolve_locale(option(config, "locale") or config.language or "en")
    settings = SiteSettings(
        name=config.project,
        url=_base_url(config.html_baseurl),
        og_image=option(config, "og_image") or "",
        author_type=option(config, "author_type"),
        author_url=option(config, "author_url") or "",
        digital_source_type=option(config, "digital_source_type") or "",
    )
    info, warning = site_info(settings, locale)
    head = HeadOptions(
        option(config, "title_format"),
        option(config, "title_format_fallback"),
        option(config, "keywords"),
        cast(Any, option(config, "structured_data")),
    )
    return Site(locale, labels_for(str(locale)), head, info, warning)


def _base_url(url: str) -> str:
    # Relative urls resolve against the home page: it ends with a slash.
    return url if not url or url.endswith("/") else url + "/"
