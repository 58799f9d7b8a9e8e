"""All QuickTakes of one site: looked up by id, url and subject; related links; hubs; breadcrumbs.

The catalog is built once per build from every page's record and output url, before any page is
rendered, so every page can link to every other one. Nothing here knows MkDocs.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from mkdocs_quicktakes.records.model import Problem, shorten
from mkdocs_quicktakes.site.permalinks import MAX_NAME_BYTES, url_for_dest

if TYPE_CHECKING:
    from collections.abc import Iterable

    from mkdocs_quicktakes.records.dates import DateValue
    from mkdocs_quicktakes.records.model import QuickTake, RelatedLink

HubSort = Literal["date", "score", "title"]

_NOT_SLUG = re.compile(r"[^\w\s]|_")
_SPACE = re.compile(r"\s+")
# How symbols read when two subjects would otherwise share a slug (C, C++, C#).
_SYMBOL_WORDS = {"+": " plus ", "#": " sharp ", "&": " and ", "@": " at ", "*": " star "}
_SYMBOLS = re.compile("[" + re.escape("".join(_SYMBOL_WORDS)) + "]")
_SLUG_BYTES = MAX_NAME_BYTES - 55
"""Room left in a folder name for a slug: a long one is cut and given a hash to stay unique."""
_OLDEST = datetime.datetime.min


@dataclass(frozen=True)
class Entry:
    """One QuickTakes page and where it is published."""

    take: QuickTake
    url: str
    """Output url relative to the site root, as MkDocs has it (``learn/physics/questions/x/``)."""


@dataclass(frozen=True)
class Crumb:
    """One step of a breadcrumb trail."""

    name: str
    url: str
    """Relative to the site root; home is ``""`` (``index.html`` without directory urls)."""


@dataclass(frozen=True)
class Related:
    """One related question as the page shows it."""

    title: str
    url: str = ""
    """Site-root-relative url of the page it resolved to; ``""`` when it did not resolve."""
    external: str = ""
    """An ``http(s)://`` url given in the front matter, linked as it is."""


@dataclass(frozen=True)
class HubPage:
    """One page of a subject's hub (or of the subjects index when ``subject`` is ``None``)."""

    src_uri: str
    url: str
    number: int
    """1-based."""
    count: int
    """How many pages the hub has."""
    entries: tuple[Entry, ...]
    subject_key: str = ""
    """The :func:`subject_key` of the hub's subject; ``""`` on the subjects index."""


@dataclass(frozen=True)
class Subject:
    """A subject with its canonical name, its slug and its questions in hub order."""

    key: str
    name: str
    slug: str
    entries: tuple[Entry, ...]
    folder: str = ""
    """Where its hub and feeds go, relative to the site root (``learn/physics/``)."""
    pages: tuple[HubPage, ...] = ()

    @property
    def url(self) -> str:
        """The url of the hub's first page (``""`` when the subject has no hub)."""
        return self.pages[0].url if self.pages else ""

    @property
    def newest(self) -> DateValue | None:
        """The newest date among its questions: the hub's ``lastmod``."""
        return newest_date(entry.take for entry in self.entries)


@dataclass(frozen=True)
class HubOptions:
    """Where hubs go and how they list questions."""

    url: str = "learn/{slug}/"
    """Folder of a subject's hub, relative to the site root; ``{slug}`` is the subject's slug."""
    index_url: str = "learn/"
    """Folder of the all-subjects index; ``""`` for none."""
    page_size: int = 20
    sort: HubSort = "date"
    directory_urls: bool = True
    home_name: str = "Home"
    hubs: bool = True
    """``False``: subjects are still grouped and named, but have no hub pages."""


def subject_key(subject: str) -> str:
    """The form subjects are compared in: case and runs of spaces do not matter."""
    return " ".join(subject.split()).casefold()


def subject_slug(subject: str) -> str:
    """The url slug of a subject as the QuickTakes generator makes it (``computer-science``).

    Lowercase, every character that is not a letter, a digit or a space removed, words joined by
    hyphens. Letters of every script are kept.
    """
    return "-".join(_NOT_SLUG.sub("", subject.lower()).split())


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """A slug for each subject name that no other subject of the site shares, by subject key.

    Each subject keeps the generator's slug (:func:`subject_slug`) unless another subject has it
    too: then symbols are spelled out (``c``, ``c-plus-plus``, ``c-sharp``), and any still shared
    gain a short hash of the subject. A slug depends only on the subjects sharing it, so adding
    an unrelated subject never moves a hub. Subjects with no letter or digit get ``""``.
    """
    names = sorted(set(names), key=subject_key)
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(_fitting(subject_slug(name), name), []).append(name)
    slugs: dict[str, str] = {}
    for slug, group in groups.items():
        if len(group) == 1 or not slug:
            slugs.update((subject_key(name), slug) for name in group)
            continue
        spelled = [_fitting(subject_slug(_SYMBOLS.sub(_spell, name)), name) for name in group]
        for index, (name, candidate) in enumerate(zip(group, spelled, strict=True)):
            shared = spelled.count(candidate) > 1 and spelled.index(candidate) != index
            slugs[subject_key(name)] = f"{candidate}-{_short_hash(name)}" if shared else candidate
    return slugs


def _spell(match: re.Match[str]) -> str:
    return _SYMBOL_WORDS[match.group()]


def _fitting(slug: str, name: str) -> str:
    """``slug`` cut to fit a file name (255 bytes) with room to spare, a hash keeping it unique."""
    if len(slug.encode("utf-8")) <= _SLUG_BYTES:
        return slug
    cut = slug.encode("utf-8")[:_SLUG_BYTES].decode("utf-8", "ignore").rstrip("-")
    return f"{cut}-{_short_hash(name)}"


def _short_hash(name: str) -> str:
    return hashlib.sha256(subject_key(name).encode("utf-8")).hexdigest()[:8]


def canonical_names(spellings: Iterable[str]) -> dict[str, str]:
    """Pick one display form per subject among the ways the site spells it.

    The most common spelling wins; on a tie, a Title Case spelling (``Computer Science``), then
    the alphabetically first.

    Returns:
        The canonical name of each subject, by :func:`subject_key`.
    """
    counts = Counter(" ".join(s.split()) for s in spellings if s.strip())
    best: dict[str, str] = {}
    for spelling in sorted(counts, key=lambda s: (-counts[s], not _is_title_case(s), s)):
        best.setdefault(subject_key(spelling), spelling)
    return best


def _is_title_case(text: str) -> bool:
    return all(word[:1].isupper() for word in text.split() if word[:1].isalpha())


def newest_date(takes: Iterable[QuickTake]) -> DateValue | None:
    """The newest ``date`` among ``takes``; ``None`` when none has one."""
    dated = [take.date for take in takes if take.date is not None]
    return max(dated, key=sortable_date) if dated else None


def sortable_date(value: DateValue | None) -> datetime.datetime:
    """A naive UTC datetime for ordering dates and datetimes, aware or not, together."""
    if value is None:
        return _OLDEST
    if not isinstance(value, datetime.datetime):
        return datetime.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        try:
            return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        except OverflowError:  # year 1 at +14:00 or 9999 at -12:00: UTC is out of range
            return datetime.datetime.min if value.year == 1 else datetime.datetime.max
    return value


def sort_entries(entries: Iterable[Entry], order: HubSort) -> list[Entry]:
    """Order questions for a hub: newest first, highest score first, or by title."""
    by_title = sorted(entries, key=lambda e: (e.take.title.casefold(), e.take.src_uri))
    if order == "title":
        return by_title
    newest_first = sorted(by_title, key=lambda e: sortable_date(e.take.date), reverse=True)
    if order == "date":
        return newest_first
    return sorted(newest_first, key=lambda e: _score(e.take), reverse=True)


def _score(take: QuickTake) -> float:
    return -math.inf if take.score is None else take.score


def _normal_url(url: str) -> str:
    """Compare urls without their leading and trailing slashes or a final ``index.html``."""
    path = url.strip().strip("/")
    return path.removesuffix("index.html").rstrip("/")


class Catalog:
    """Every QuickTakes page of a site, and what follows from having all of them together."""

    def __init__(self, entries: Iterable[Entry], options: HubOptions | None = None) -> None:
        """Index the pages; ``entries`` in a stable order (the first of two equal ids wins)."""
        self.options = options or HubOptions()
        self.entries = tuple(entries)
        self._by_src = {e.take.src_uri: e for e in self.entries}
        self._by_id: dict[str, Entry] = {}
        self._by_url: dict[str, Entry] = {}
        for entry in self.entries:
            if entry.take.id:
                self._by_id.setdefault(entry.take.id, entry)
            for url in (entry.take.url, entry.url):
                if url:
                    self._by_url.setdefault(_normal_url(url), entry)
        self.names = canonical_names(self._spellings())
        self.slugs = unique_slugs(self.names[subject_key(e.take.subject)] for e in self._subjects())
        self.subjects = self._build_subjects()
        self._subject_of = {s.key: s for s in self.subjects}
        self.index = self._build_index()

    def get(self, src_uri: str) -> Entry | None:
        """The page read from ``src_uri``, if it is a QuickTakes page."""
        return self._by_src.get(src_uri)

    @property
    def home_url(self) -> str:
        """The home page: ``""`` (the root folder), or ``index.html`` without directory urls."""
        return "" if self.options.directory_urls else "index.html"

    def subject_of(self, take: QuickTake) -> Subject | None:
        """The subject a page belongs to, with its hub; ``None`` when it has none."""
        return self._subject_of.get(subject_key(take.subject))

    def subject_by_key(self, key: str) -> Subject | None:
        """The subject whose :func:`subject_key` is ``key``."""
        return self._subject_of.get(key)

    def subject_name(self, subject: str) -> str:
        """The canonical spelling of ``subject``."""
        return self.names.get(subject_key(subject), " ".join(subject.split()))

    def hub_pages(self) -> tuple[HubPage, ...]:
        """Every page of every hub, then the subjects index."""
        pages = [page for subject in self.subjects for page in subject.pages]
        return (*pages, self.index) if self.index else tuple(pages)

    def hub_outputs(self) -> dict[str, str]:
        """The output path of every hub page and of the subjects index, to what it is."""
        outputs = {}
        for hub in self.hub_pages():
            subject = self.subject_by_key(hub.subject_key)
            what = f"the hub of subject {subject.name!r}" if subject else "the subjects index"
            outputs[hub.src_uri.removesuffix(".md") + ".html"] = what
        return outputs

    def resolve(self, link: RelatedLink) -> Entry | None:
        """The page a related link means: by ``id`` first, then by ``url``."""
        if link.id and link.id in self._by_id:
            return self._by_id[link.id]
        return self._by_url.get(_normal_url(link.url)) if link.url else None

    def related(self, take: QuickTake) -> tuple[Related, ...]:
        """The related questions of ``take``, resolved, each target shown once."""
        shown: dict[str, Related] = {}
        for link in take.related:
            target = self.resolve(link)
            if target is not None:
                item = Related(link.title, url=target.url)
            elif link.url.lower().startswith(("http://", "https://")):
                item = Related(link.title, external=link.url)
            else:
                item = Related(link.title)
            shown.setdefault(item.url or item.external or f"text:{link.title}", item)
        return tuple(shown.values())

    def unresolved(self) -> tuple[int, int]:
        """How many related links of the site resolve to no page, and in how many pages."""
        counts = [
            sum(1 for r in self.related(e.take) if not r.url and not r.external)
            for e in self.entries
        ]
        return sum(counts), sum(1 for n in counts if n)

    def breadcrumbs(self, take: QuickTake) -> tuple[Crumb, ...]:
        """Home, the subject's hub (when the page has one), the question; site-root-relative."""
        crumbs = [Crumb(self.options.home_name, self.home_url)]
        subject = self.subject_of(take)
        if subject is not None and subject.url:
            crumbs.append(Crumb(subject.name, subject.url))
        entry = self.get(take.src_uri)
        crumbs.append(Crumb(take.title, entry.url if entry else ""))
        return tuple(crumbs)

    def newest(self, count: int, subject: Subject | None = None) -> tuple[Entry, ...]:
        """The ``count`` newest dated questions, of one subject or of the whole site."""
        entries = subject.entries if subject is not None else self.entries
        dated = [e for e in entries if e.take.date is not None]
        return tuple(sort_entries(dated, "date")[:count])

    def _spellings(self) -> list[str]:
        # Related entries spell subjects too; counting them lets the generator's own Title Case
        # outvote a few lowercase pages.
        spellings = [e.take.subject for e in self.entries]
        spellings += [link.subject for e in self.entries for link in e.take.related]
        return spellings

    def _subjects(self) -> Iterable[Entry]:
        return (entry for entry in self.entries if subject_key(entry.take.subject))

    def slug_problems(self) -> list[Problem]:
        """A warning for each page whose subject has no letter or digit to make a hub url of."""
        return [
            Problem(
                entry.take.src_uri,
                "subject",
                "a subject with a letter or digit (its hub url is made of them)",
                f"{shorten(repr(entry.take.subject))}; the subject has no hub",
            )
            for entry in self._subjects()
            if not self.slugs.get(subject_key(entry.take.subject))
        ]

    def _build_subjects(self) -> tuple[Subject, ...]:
        grouped: dict[str, list[Entry]] = {}
        for entry in self._subjects():
            key = subject_key(entry.take.subject)
            if self.slugs.get(key):
                grouped.setdefault(key, []).append(entry)
        subjects = []
        for key, members in grouped.items():
            name = self.names[key]
            slug = self.slugs[key]
            ordered = tuple(sort_entries(members, self.options.sort))
            folder = _folder(self.options.url.format(slug=slug))
            pages = self._paginate(folder, ordered, key)
            subjects.append(Subject(key, name, slug, ordered, folder, pages))
        return tuple(sorted(subjects, key=lambda s: (s.name.casefold(), s.name)))

    def _paginate(self, folder: str, entries: tuple[Entry, ...], key: str) -> tuple[HubPage, ...]:
        if not self.options.hubs:
            return ()
        size = max(1, self.options.page_size)
        count = max(1, math.ceil(len(entries) / size))
        return tuple(
            self._hub_page(folder, number, count, entries[(number - 1) * size : number * size], key)
            for number in range(1, count + 1)
        )

    def _hub_page(
        self, folder: str, number: int, count: int, entries: tuple[Entry, ...], key: str
    ) -> HubPage:
        src_uri = f"{folder}index.md" if number == 1 else f"{folder}page/{number}/index.md"
        dest = src_uri.removesuffix(".md") + ".html"
        url = url_for_dest(dest, directory_urls=self.options.directory_urls)
        return HubPage(src_uri, url, number, count, entries, key)

    def _build_index(self) -> HubPage | None:
        if not self.options.hubs or not self.options.index_url:
            return None
        return self._hub_page(_folder(self.options.index_url), 1, 1, (), "")


def _folder(path: str) -> str:
    """``learn/physics`` -> ``learn/physics/``; the site root is ``""``."""
    path = path.strip("/")
    return f"{path}/" if path else ""
