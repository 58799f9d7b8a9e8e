"""Options of the ``quicktakes`` plugin, as written under ``plugins:`` in ``mkdocs.yml``."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from mkdocs_quicktakes.answer.budget import DEFAULT_TIME_LIMIT
from mkdocs_quicktakes.answer.math import MathConversionError, math_macros
from mkdocs_quicktakes.html.head import check_title_format
from mkdocs_quicktakes.html.metadata import (
    AUTHOR_TYPES,
    DIGITAL_SOURCE_TYPES,
    STRUCTURED_DATA_MODES,
)
from mkdocs_quicktakes.html.views import safe_href
from mkdocs_quicktakes.records.model import DEFAULT_MAX_ANSWER_BYTES
from mkdocs_quicktakes.site.permalinks import site_folder_problem


class WholeNumber(c.Type[int]):
    """A whole number of at least ``minimum``; ``expected`` names it in the error message."""

    def __init__(self, default: int, *, minimum: int, expected: str) -> None:
        super().__init__(int, default=default)
        self.minimum = minimum
        self.expected = expected

    def run_validation(self, value: object) -> int:
        """Reject numbers below the minimum when the config is loaded."""
        number = super().run_validation(value)
        if number < self.minimum:
            raise base.ValidationError(f"expected {self.expected}, found {number}")
        return number


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


class SiteFolder(c.Type[str]):
    """A folder below the site root (``learn/``); ``""`` switches the feature off.

    With ``placeholder``, the folder must use it (``learn/{slug}/``) and no other placeholder.
    """

    def __init__(self, default: str, placeholder: str = "") -> None:
        super().__init__(str, default=default)
        self.placeholder = placeholder

    def run_validation(self, value: object) -> str:
        """Reject folders that could point outside the site or hold unsafe characters."""
        folder = super().run_validation(value).strip()
        problem = site_folder_problem(folder, self.placeholder)
        if problem:
            raise base.ValidationError(problem)
        return folder


_AT_LEAST_ONE = "a number of at least 1"


class WebLink(c.Type[str]):
    """An ``http(s)`` url, or a path that the plugin resolves against ``site_url``."""

    def __init__(self) -> None:
        super().__init__(str)

    def run_validation(self, value: object) -> str:
        """Refuse other schemes (``javascript:``, ``data:``) when the config is loaded."""
        url = super().run_validation(value).strip()
        if not url or not safe_href(url):
            raise base.ValidationError(
                f"expected an http(s) url or a path relative to site_url, found {url!r}"
            )
        return url


class MathMacrosOption(c.Type[dict]):  # type: ignore[type-arg]
    """LaTeX macros for math-core, ``{name: LaTeX}``, checked when the config is loaded."""

    def __init__(self) -> None:
        super().__init__(dict, default={})

    def run_validation(self, value: object) -> dict[str, str]:
        """Refuse names that are not LaTeX command names and macros math-core refuses."""
        macros: dict[str, str] = super().run_validation(value)
        try:
            math_macros(macros)
        except MathConversionError as error:
            raise base.ValidationError(str(error)) from error
        return macros


class QuickTakesConfig(base.Config):
    """Every option of the plugin; each one is documented in ``docs/configuration.md``."""

    enabled = c.Type(bool, default=True)
    """Switch the plugin off without removing it from ``mkdocs.yml``."""

    locale = c.Optional(c.Type(str))
    """CLDR locale for dates and labels; unset means the theme's ``language`` (or ``en``)."""

    math = c.Choice(("mathml", "none"), default="mathml")
    """``mathml``: LaTeX becomes MathML when building; ``none``: source kept for a JS renderer."""

    math_macros = MathMacrosOption()
    """LaTeX macros every formula may use, ``{"R": "\\mathbb{R}"}``, handed to math-core."""

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

    permalinks = c.Type(bool, default=True)
    """Write each page where its ``url`` says (``/learn/x/q/y`` -> ``learn/x/q/y/index.html``)."""

    hubs = c.Type(bool, default=True)
    """Generate a hub page per subject listing its questions, and an index of all subjects."""

    hub_url = SiteFolder(default="learn/{slug}/", placeholder="slug")
    """Folder of a subject's hub; ``{slug}`` is the subject slugged like the QuickTakes urls."""

    hub_page_size = WholeNumber(20, minimum=1, expected=_AT_LEAST_ONE)
    """Questions per hub page; later pages are at ``<hub>/page/2/`` and so on."""

    hub_sort = c.Choice(("date", "score", "title"), default="date")
    """Order of a hub's questions: newest first, highest score first, or by title."""

    subjects_url = SiteFolder(default="learn/")
    """Folder of the index of all subjects with their counts; ``""`` for no index."""

    nav_section = c.Type(str, default="Subjects")
    """Title of the nav section that lists the hubs; ``""`` leaves the nav as it is."""

    unresolved_related = c.Choice(("text", "hide"), default="text")
    """A related question that is not a page of this site: shown as plain ``text``, or ``hide``."""

    feeds = c.Type(bool, default=True)
    """Write RSS 2.0 (``rss.xml``) and Atom (``atom.xml``) feeds, site-wide and per subject."""

    feed_size = WholeNumber(20, minimum=1, expected=_AT_LEAST_ONE)
    """How many of the newest questions a feed holds."""

    structured_data = c.Choice(STRUCTURED_DATA_MODES, default="article")
    """The JSON-LD of a Q&A page: ``article``, ``qapage``, ``faqpage`` or ``none``."""

    og_image = c.Optional(WebLink())
    """Image for ``og:image``, ``twitter:image`` and the JSON-LD ``image`` of every page."""

    author_type = c.Choice(AUTHOR_TYPES, default="Organization")
    """Whether the ``author`` of a page is an ``Organization`` or a ``Person`` in JSON-LD."""

    author_url = c.Optional(WebLink())
    """The ``url`` of every page's author in JSON-LD (its profile or about page)."""

    digital_source_type = c.Optional(c.Choice(DIGITAL_SOURCE_TYPES))
    """IPTC source of the answers, e.g. ``TrainedAlgorithmicMediaDigitalSource`` when generated."""

    invalid_files = c.Choice(("skip", "notice"), default="skip")
    """A file that cannot be used (not UTF-8, broken YAML, no answer): ``skip`` leaves it out of
    the site; ``notice`` builds its page as a visible list of its problems."""

    report_file = c.Optional(c.Type(str))
    """Write every problem of the build to this file, relative to ``mkdocs.yml`` (JSON when it
    ends in ``.json``, else text); the log shows the first problems and a summary."""

    answer_html = c.Choice(("sanitize", "trust"), default="sanitize")
    """Raw HTML in answers: ``sanitize`` keeps an allowlist of tags and attributes (no scripts,
    event handlers, ``javascript:`` or ``data:`` urls); ``trust`` keeps it as written."""

    max_answer_bytes = WholeNumber(
        DEFAULT_MAX_ANSWER_BYTES, minimum=0, expected="a number of bytes (0 for no limit)"
    )
    """The largest answer rendered (UTF-8 bytes); a larger one is an error and its page is left
    out. ``0``: no limit."""

    time_limit = c.Type((int, float), default=DEFAULT_TIME_LIMIT)
    """CPU seconds one file may take to read and render; a file that takes longer (an answer on
    which Markdown is pathologically slow) is an error and its page is left out. ``0``: no limit.
    Applies to answers the plugin renders (``render_ahead``, the default)."""

    render_ahead = c.Type(bool, default=True)
    """Render answers before MkDocs asks, with one Markdown instance per worker (faster); off,
    MkDocs renders each page itself. The HTML is the same either way."""

    workers = WholeNumber(0, minimum=0, expected="a number of processes (0 for one per CPU core)")
    """Processes that read and render the files of a large site; ``0``: one per CPU core, ``1``:
    only the build's own process. Small batches are always read in the build's own process."""

    cache_dir = c.Optional(c.Type(str))
    """Keep every file's read and rendered result in this folder, relative to ``mkdocs.yml``, so
    the next build (a new process) reads and renders only the files that changed."""

    search_engine = c.Choice(("mkdocs", "pagefind"), default="mkdocs")
    """``mkdocs``: MkDocs' ``search`` plugin, if enabled, indexes the site; ``pagefind``: Pagefind
    indexes the built site and the theme's search box queries it, loading only what a query needs
    (for large sites; MkDocs' ``search`` plugin is then not needed)."""

    search_date_sort = c.Type(bool, default=True)
    """With ``search_engine: pagefind``, give Pagefind each Q&A page's date as the sort key
    ``date``; ``false`` leaves it out, which keeps the metadata every first query downloads
    smaller (about 0.23 MiB less at 100,000 pages). The search box itself does not sort by date."""

    search_text = c.Choice(("full", "summary"), default="full")
    """What MkDocs' ``search`` plugin indexes of a Q&A page: the ``full`` answer, or a ``summary``
    (question, description, keywords and the answer's headings) for a smaller index."""
