"""Sitemaps past the protocol's limits: ``sitemap.xml`` becomes an index of ``sitemap-N.xml``.

The sitemap protocol (sitemaps.org) allows 50,000 URLs and 50 MB (uncompressed) per file. MkDocs
and Material write every page into one ``sitemap.xml`` (and ``sitemap.xml.gz``); past 50,000 URLs
or :data:`MAX_BYTES`, this module moves the entries the theme wrote, unchanged and in order, into
numbered parts and turns ``sitemap.xml`` into the sitemap index that lists them. Below the limits
nothing is touched.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.etree import ElementTree
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000
"""The protocol's limit of URLs in one sitemap."""
MAX_BYTES = 45 * 2**20
"""The largest part written: under the protocol's 50 MB, with room for what proxies add."""
_FIELDS = ("loc", "lastmod", "changefreq", "priority")
_URLSET_START = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NAMESPACE}">\n'
_URLSET_END = "</urlset>\n"


@dataclass(frozen=True)
class SitemapEntry:
    """One ``<url>`` of a sitemap: its fields in the protocol's order, absent ones empty."""

    loc: str
    lastmod: str = ""
    changefreq: str = ""
    priority: str = ""

    def xml(self) -> str:
        """The entry as one ``<url>`` element, every value escaped for XML text."""
        fields = "".join(
            f"<{name}>{escape(value)}</{name}>"
            for name in _FIELDS
            if (value := getattr(self, name))
        )
        return f"  <url>{fields}</url>\n"


def read_entries(path: Path) -> Iterator[SitemapEntry]:
    """The ``<url>`` entries of a sitemap file, in order, read without holding the whole tree."""
    tag = f"{{{NAMESPACE}}}url"
    for _, element in ElementTree.iterparse(path, events=("end",)):
        if element.tag != tag:
            continue
        values = {
            name: (element.findtext(f"{{{NAMESPACE}}}{name}") or "").strip() for name in _FIELDS
        }
        element.clear()
        if values["loc"]:
            yield SitemapEntry(**values)


def urlset(entries: Iterable[SitemapEntry]) -> str:
    """A complete sitemap (``<urlset>``) of ``entries``."""
    return _URLSET_START + "".join(entry.xml() for entry in entries) + _URLSET_END


def split_entries(
    entries: Iterable[SitemapEntry], *, max_urls: int = MAX_URLS, max_bytes: int = MAX_BYTES
) -> list[list[SitemapEntry]]:
    """Cut ``entries`` in order into parts of at most ``max_urls`` URLs and ``max_bytes`` bytes."""
    overhead = len((_URLSET_START + _URLSET_END).encode())
    parts: list[list[SitemapEntry]] = [[]]
    size = overhead
    for entry in entries:
        length = len(entry.xml().encode())
        if parts[-1] and (len(parts[-1]) >= max_urls or size + length > max_bytes):
            parts.append([])
            size = overhead
        parts[-1].append(entry)
        size += length
    return parts


def sitemap_index(locations: Iterable[tuple[str, str]]) -> str:
    """A sitemap index listing ``(loc, lastmod)`` pairs; an empty ``lastmod`` is left out."""
    items = "".join(
        f"  <sitemap><loc>{escape(loc)}</loc>"
        + (f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else "")
        + "</sitemap>\n"
        for loc, lastmod in locations
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NAMESPACE}">\n'
        f"{items}</sitemapindex>\n"
    )


def needs_split(path: Path, *, max_urls: int = MAX_URLS, max_bytes: int = MAX_BYTES) -> bool:
    """Whether the sitemap at ``path`` holds more URLs or bytes than one file may."""
    if path.stat().st_size > max_bytes:
        return True
    with path.open("rb") as file:
        return file.read().count(b"<url>") > max_urls


def split_sitemap(
    site_dir: Path, site_url: str, *, max_urls: int = MAX_URLS, max_bytes: int = MAX_BYTES
) -> int:
    """Turn ``site_dir/sitemap.xml`` into an index of parts when it is too large.

    Returns the number of parts written (0: the sitemap was left as it is). ``sitemap.xml.gz``,
    when the theme wrote one, becomes the compressed index.

    Raises:
        ValueError: the sitemap must be split but ``site_url`` is empty (an index needs
            absolute URLs), or the sitemap is not well-formed XML.
        OSError: a file could not be read or written.
    """
    path = site_dir / "sitemap.xml"
    if not path.is_file() or not needs_split(path, max_urls=max_urls, max_bytes=max_bytes):
        return 0
    if not site_url:
        raise ValueError("a sitemap index needs absolute URLs: set site_url")
    try:
        parts = split_entries(read_entries(path), max_urls=max_urls, max_bytes=max_bytes)
    except ElementTree.ParseError as error:
        raise ValueError(f"sitemap.xml is not well-formed XML ({error})") from error
    base = site_url.rstrip("/") + "/"
    listed = []
    for number, part in enumerate(parts, start=1):
        name = f"sitemap-{number}.xml"
        (site_dir / name).write_text(urlset(part), encoding="utf-8")
        listed.append((base + name, max((entry.lastmod for entry in part), default="")))
    index = sitemap_index(listed).encode()
    path.write_bytes(index)
    compressed = site_dir / "sitemap.xml.gz"
    if compressed.exists():
        compressed.write_bytes(gzip.compress(index, mtime=0))
    return len(parts)
