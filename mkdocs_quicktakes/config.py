"""Options of the ``quicktakes`` plugin, as written under ``plugins:`` in ``mkdocs.yml``."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from mkdocs_quicktakes.head import check_title_format


class TitleFormat(c.Type[str]):
    """A ``str.format`` pattern that may use only the placeholders of :data:`TITLE_FIELDS`."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        """Reject unknown placeholders when the config is loaded, before anything is built."""
        pattern = super().run_validation(value)
        error = check_title_format(pattern)
        if error:
            raise base.ValidationError(error)
        return pattern


class QuickTakesConfig(base.Config):
    """Every option of the plugin; each one is documented in ``docs/configuration.md``."""

    enabled = c.Type(bool, default=True)
    """Switch the plugin off without removing it from ``mkdocs.yml``."""

    locale = c.Optional(c.Type(str))
    """CLDR locale for dates and labels; unset means the theme's ``language`` (or ``en``)."""

    math = c.Choice(("mathml", "none"), default="mathml")
    """``mathml``: LaTeX becomes MathML when building; ``none``: source kept for a JS renderer."""

    keywords = c.Type(bool, default=True)
    """Emit ``<meta name="keywords">`` from ``seo.page_keywords``."""

    title_format = TitleFormat(default="{title} | {seo_title}")
    """The ``<title>`` of a page whose front matter has ``seo.title``."""

    title_format_fallback = TitleFormat(default="{title} - {site_name}")
    """The ``<title>`` of a page without ``seo.title``."""

    fix_mojibake = c.Type(bool, default=True)
    """Repair text that was decoded with the wrong encoding (``Hereâ€™s`` becomes ``Here’s``)."""

    template = c.Type(str, default="quicktakes/page.html")
    """The template a QuickTakes page is rendered with, unless its front matter names one."""
