"""Sitemaps past the protocol's limits, validated by a real XML Schema validator (xmlschema).

The schemas in ``tests/schemas/`` are written from the Sitemaps protocol 0.9 (sitemaps.org),
including its limit of 50,000 entries per file, so a sitemap that should have been split fails
validation. The 50,001-URL sitemap is written here in MkDocs' own layout and handed to the
plugin's sitemap step directly: a full build of 50,001 pages would take minutes; a real small
build shows that below the limits the theme's sitemap is left as it is.
"""

from __future__ import annotations

import functools
import gzip
import shutil
from typing import TYPE_CHECKING
from xml.etree import ElementTree

import pytest
import xmlschema
from conftest import REPO, BuildSite, quicktake

from mkdocs_quicktakes.site.sitemaps import split_sitemap

if TYPE_CHECKING:
    from pathlib import Path

SCHEMAS = REPO / "tests" / "schemas"
URLSET = xmlschema.XMLSchema(str(SCHEMAS / "sitemap.xsd"))
INDEX = xmlschema.XMLSchema(str(SCHEMAS / "siteindex.xsd"))
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITE_URL = "https://example.org/docs/"


def mkdocs_sitemap(urls: list[tuple[str, str]]) -> str:
    """A sitemap laid out as MkDocs' sitemap.xml template writes it."""
    entries = "".join(
        f"    <url>\n         <loc>{loc}</loc>\n         <lastmod>{lastmod}</lastmod>\n"
        "         <changefreq>daily</changefreq>\n    </url>\n"
        for loc, lastmod in urls
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>"
    )


def write_site(folder: Path, urls: list[tuple[str, str]]) -> bytes:
    folder.mkdir(parents=True, exist_ok=True)
    data = mkdocs_sitemap(urls).encode()
    (folder / "sitemap.xml").write_bytes(data)
    (folder / "sitemap.xml.gz").write_bytes(gzip.compress(data))
    return data


def locs_and_dates(path: Path) -> list[tuple[str, str]]:
    root = ElementTree.parse(path).getroot()
    return [
        (url.findtext("s:loc", namespaces=NS) or "", url.findtext("s:lastmod", namespaces=NS) or "")
        for url in root.findall("s:url", NS)
    ]


def part_names(site: Path) -> list[str]:
    return sorted(path.name for path in site.glob("sitemap-*.xml"))


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, str]]]:
    """50,001 URLs (one more than a sitemap may hold), split once for the module's tests."""
    site = tmp_path_factory.mktemp("big") / "site"
    urls = [
        (f"{SITE_URL}learn/s{n % 7}/questions/q-{n}/?a=1&amp;b=2", f"2024-{n % 12 + 1:02d}-15")
        for n in range(50_001)
    ]
    write_site(site, urls)
    assert not URLSET.is_valid(str(site / "sitemap.xml"))  # the schema counts: too many URLs
    assert split_sitemap(site, SITE_URL) == 2
    return site, urls


@pytest.mark.slow
def test_a_sitemap_of_50001_urls_becomes_an_index_of_two_valid_sitemaps(
    big_site: tuple[Path, list[tuple[str, str]]],
) -> None:
    site, _ = big_site
    INDEX.validate(str(site / "sitemap.xml"))
    assert part_names(site) == ["sitemap-1.xml", "sitemap-2.xml"]
    for name in part_names(site):
        URLSET.validate(str(site / name))
    index = ElementTree.parse(site / "sitemap.xml").getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    listed = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    assert listed == [f"{SITE_URL}sitemap-1.xml", f"{SITE_URL}sitemap-2.xml"]


@pytest.mark.slow
def test_every_url_keeps_its_place_and_lastmod_across_the_parts(
    big_site: tuple[Path, list[tuple[str, str]]],
) -> None:
    site, urls = big_site
    first, second = locs_and_dates(site / "sitemap-1.xml"), locs_and_dates(site / "sitemap-2.xml")
    assert (len(first), len(second)) == (50_000, 1)
    # The test wrote the locs XML-escaped (&amp;): read back, they are the text they stand for.
    expected = [(loc.replace("&amp;", "&"), lastmod) for loc, lastmod in urls]
    assert first + second == expected
    index = ElementTree.parse(site / "sitemap.xml").getroot()
    dates = [d.text for d in index.findall("s:sitemap/s:lastmod", NS)]
    assert dates == [max(d for _, d in urls[:50_000]), urls[50_000][1]]


@pytest.mark.slow
def test_sitemap_xml_gz_holds_the_index(big_site: tuple[Path, list[tuple[str, str]]]) -> None:
    site, _ = big_site
    unpacked = gzip.decompress((site / "sitemap.xml.gz").read_bytes())
    assert unpacked == (site / "sitemap.xml").read_bytes()


def test_a_sitemap_over_the_byte_limit_is_split_by_size(tmp_path: Path) -> None:
    urls = [(f"{SITE_URL}q/{n}/", "2024-01-01") for n in range(300)]
    write_site(tmp_path, urls)
    limit = 8_000
    parts = split_sitemap(tmp_path, SITE_URL, max_bytes=limit)
    assert parts == len(part_names(tmp_path)) > 2
    found = []
    for name in part_names(tmp_path):
        assert (tmp_path / name).stat().st_size <= limit
        URLSET.validate(str(tmp_path / name))
        found += locs_and_dates(tmp_path / name)
    assert sorted(found) == sorted(urls)
    INDEX.validate(str(tmp_path / "sitemap.xml"))


def test_at_the_limit_the_sitemap_is_left_as_it_is(tmp_path: Path) -> None:
    urls = [(f"{SITE_URL}q/{n}/", "2024-01-01") for n in range(50_000)]
    data = write_site(tmp_path, urls)
    assert split_sitemap(tmp_path, SITE_URL) == 0
    assert (tmp_path / "sitemap.xml").read_bytes() == data
    assert part_names(tmp_path) == []


def test_splitting_without_site_url_is_refused(tmp_path: Path) -> None:
    write_site(tmp_path, [(f"{SITE_URL}q/{n}/", "2024-01-01") for n in range(3)])
    with pytest.raises(ValueError, match="site_url"):
        split_sitemap(tmp_path, "", max_urls=2)


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_a_real_build_below_the_limit_keeps_the_themes_sitemap(
    build_site: BuildSite, theme: str, tmp_path: Path
) -> None:
    pages = {
        "index.md": "# Home\n",
        "a.md": quicktake(),
        "b.md": quicktake(title="B", question="B?", url="/learn/testing/questions/b"),
    }
    site = build_site(pages, theme=theme)
    sitemap = site.site_dir / "sitemap.xml"
    URLSET.validate(str(sitemap))
    assert part_names(site.site_dir) == []
    assert gzip.decompress((site.site_dir / "sitemap.xml.gz").read_bytes()) == sitemap.read_bytes()
    locs = [loc for loc, _ in locs_and_dates(sitemap)]
    assert "https://example.org/learn/testing/questions/b/" in locs
    # The same step the build ran, run again on a copy, leaves every byte in place.
    copy = tmp_path / "copy"
    shutil.copytree(site.site_dir, copy)
    assert split_sitemap(copy, "https://example.org/") == 0
    assert (copy / "sitemap.xml").read_bytes() == sitemap.read_bytes()


def test_a_real_build_past_the_limit_writes_the_index(
    build_site: BuildSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's own hook splits: with the limit lowered to 2 URLs, three pages need parts."""
    lowered = functools.partial(split_sitemap, max_urls=2)
    monkeypatch.setattr("mkdocs_quicktakes.build.build.split_sitemap", lowered)
    pages = {
        "index.md": "# Home\n",
        "a.md": quicktake(),
        "b.md": quicktake(title="B", question="B?", url="/learn/testing/questions/b"),
    }
    site = build_site(pages, plugin={"hubs": False})
    INDEX.validate(str(site.site_dir / "sitemap.xml"))
    names = part_names(site.site_dir)
    assert names == ["sitemap-1.xml", "sitemap-2.xml"]
    locs = [loc for name in names for loc, _ in locs_and_dates(site.site_dir / name)]
    assert sorted(locs) == [
        "https://example.org/",
        "https://example.org/learn/testing/questions/b/",
        "https://example.org/learn/testing/questions/what-is-a-test/",
    ]
