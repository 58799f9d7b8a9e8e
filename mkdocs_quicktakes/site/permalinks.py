"""Output paths that follow each page's ``url``, with no page overwriting another.

A QuickTakes ``url`` such as ``/learn/physics/questions/slug`` becomes the output path
``learn/physics/questions/slug/index.html`` (``slug.html`` without directory urls). A url that
could write outside the site, or that a file system cannot hold, is refused with a reason, and so
is a url another file already has: that page then keeps the path MkDocs derived from its source.

Nothing here knows MkDocs; the plugin applies the result to MkDocs' ``File`` objects.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from mkdocs_quicktakes.records.model import Problem, shorten

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

# Letters and digits of any script, and the four characters RFC 3986 leaves unreserved. Anything
# else (spaces, `%`, `:`, `\`, `?`, `#`, quotes, `<>|*`) is unsafe in a path on some system or
# changes what a url means.
_SAFE_SEGMENT = re.compile(r"[\w.~-]+\Z")
_EXPECTED = "a path below the site root, like /learn/physics/questions/what-is-a-quark"
MAX_NAME_BYTES = 255
"""The longest file or folder name (UTF-8 bytes) common file systems hold."""
# Room for the ".html" a page's last segment gets without directory urls.
_MAX_SEGMENT_BYTES = MAX_NAME_BYTES - len(".html")
# Names Windows reserves for devices, with any extension: `CON`, `nul.txt`, `COM1`.
_WINDOWS_DEVICE = re.compile(r"(?:CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(?:\.|\Z)", re.IGNORECASE)


@dataclass(frozen=True)
class Move:
    """Where one page with a ``url`` wants to be written."""

    src_uri: str
    url: str
    """The ``url`` front-matter value, as written."""
    source_dest: str
    """The output path MkDocs derived from the source path; kept when the url is refused."""


def url_problem(url: str) -> str | None:
    """Say why ``url`` cannot be an output path, or return ``None`` when it can."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "a malformed url"
    if parts.scheme or parts.netloc or url.startswith("//"):
        return "an absolute url with a host"
    if parts.query or parts.fragment or "?" in url or "#" in url:
        return "a url with a query or fragment"
    segments = url.strip("/").split("/")
    if segments == [""]:
        return "the site root itself"
    for segment in segments:
        if segment in ("", ".", ".."):
            return f"a url with an empty, '.' or '..' part ({segment!r})"
        if not _SAFE_SEGMENT.match(segment) or segment.startswith("."):
            return f"a url with a part unsafe as a file name ({shorten(repr(segment))})"
        if len(segment.encode("utf-8")) > _MAX_SEGMENT_BYTES:
            return f"a url with a part longer than {_MAX_SEGMENT_BYTES} bytes, too long a file name"
        if _WINDOWS_DEVICE.match(segment) or segment.endswith("."):
            return f"a url with a part Windows cannot hold as a file name ({segment!r})"
    return None


def site_folder_problem(folder: str, placeholder: str = "") -> str | None:
    """Say why ``folder`` cannot be a folder of the site, or return ``None`` when it can.

    The options ``hub_url`` (``learn/{slug}/``, which must use ``placeholder`` and no other) and
    ``subjects_url`` (``learn/``; ``""`` switches the feature off), under MkDocs and Sphinx.
    """
    if not folder and not placeholder:
        return None
    try:
        example = folder.format(**({placeholder: "x"} if placeholder else {}))
    except (KeyError, IndexError, ValueError, AttributeError) as error:
        return f"not a valid pattern ({error})"
    if placeholder and example == folder:
        return f"must contain {{{placeholder}}}"
    problem = url_problem(example)
    return f"expected a folder below the site root, found {problem}" if problem else None


def dest_for_url(url: str, *, directory_urls: bool) -> str:
    """The output path of a checked url: ``a/b`` -> ``a/b/index.html`` or ``a/b.html``."""
    path = url.strip("/")
    if path.endswith(".html"):
        return path
    return f"{path}/index.html" if directory_urls else f"{path}.html"


def url_for_dest(dest: str, *, directory_urls: bool) -> str:
    """The site-root-relative url MkDocs gives an output path (``a/b/index.html`` -> ``a/b/``)."""
    dirname, filename = posixpath.split(dest)
    if directory_urls and filename == "index.html":
        return quote((dirname or ".") + "/")
    return quote(dest)


def relative_url(url: str, other: str) -> str:
    """Link to site url ``url`` from the page at site url ``other``, as MkDocs links pages.

    Both are site-root-relative paths; ``""`` is the root. The last part of ``other`` is a file
    when it contains a dot. The result is MkDocs' ``get_relative_url``, except that a link to
    the root ends in ``/``.
    """
    dirname, _, basename = other.rpartition("/")
    if "." in basename:
        other = dirname
    base, dest = _parts(other), _parts(url)
    common = 0
    for a, b in zip(base, dest, strict=False):
        if a != b:
            break
        common += 1
    relative = "/".join([".."] * (len(base) - common) + dest[common:]) or "."
    # The root ("") is a folder too; MkDocs would link it without the slash.
    return relative + "/" if url.endswith("/") or not dest else relative


def _parts(path: str) -> list[str]:
    return [p for p in posixpath.normpath("/" + path).split("/") if p]


def assign_dests(
    moves: Sequence[Move],
    fixed: Mapping[str, str],
    *,
    directory_urls: bool,
    reserved: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], list[Problem]]:
    """Decide the output path of every page that has a ``url``.

    Args:
        moves: The pages with a url, in a stable order (the first of two equal urls wins).
        fixed: Output paths already taken by files that do not move, to the file's source path.
        directory_urls: MkDocs' ``use_directory_urls``.
        reserved: Paths the build writes besides pages (the theme's 404 page, sitemaps, the
            search index, feeds, hubs), each to what writes it.

    Returns:
        The output path of each moved page by source path, and one problem per refused url. A page
        whose url is refused keeps its source-derived path; if that path is taken too, it is left
        out (no output path) rather than overwrite the other file.
    """
    taken = {**(reserved or {}), **fixed}
    dests: dict[str, str] = {}
    problems: list[Problem] = []
    for move in moves:
        reason = url_problem(move.url)
        if reason is None:
            wanted = dest_for_url(move.url, directory_urls=directory_urls)
            reason = _taken_reason(wanted, taken)
            if reason is None:
                taken[wanted] = move.src_uri
                dests[move.src_uri] = wanted
                continue
        found = f"{shorten(repr(move.url))}, which is {reason}"
        problems.append(Problem(move.src_uri, "url", _EXPECTED, found, "warning"))
        if move.source_dest in taken:
            problems.append(_left_out(move, taken[move.source_dest]))
            continue
        taken[move.source_dest] = move.src_uri
        dests[move.src_uri] = move.source_dest
    problems.extend(case_collisions(dests, taken))
    return dests, problems


def _taken_reason(dest: str, taken: Mapping[str, str]) -> str | None:
    """Why ``dest`` cannot be written: another output there, or a file where it needs a folder."""
    if dest in taken:
        return f"the output path of {taken[dest]}"
    folder = dest
    while "/" in folder:
        folder = folder.rpartition("/")[0]
        if folder in taken:
            return f"a path inside {folder}, which is the output file of {taken[folder]}"
    return None


def case_collisions(dests: Mapping[str, str], taken: Mapping[str, str]) -> list[Problem]:
    """A warning for each moved page whose output path differs from another only by case.

    Both are written here, but a copy of the site on a file system that ignores case (macOS,
    Windows) keeps only one of them.
    """
    by_folded: dict[str, str] = {}
    for dest in taken:
        by_folded.setdefault(dest.casefold(), dest)
    problems = []
    for src_uri, dest in dests.items():
        other = by_folded[dest.casefold()]
        if other == dest:
            continue
        found = (
            f"{dest!r}, which differs only by case from {other!r} ({taken[other]}): "
            "one replaces the other on case-insensitive file systems"
        )
        problems.append(Problem(src_uri, "url", "an output path unique ignoring case", found))
    return problems


def _left_out(move: Move, owner: str) -> Problem:
    found = f"its source path's output {move.source_dest!r} is taken by {owner}; page not built"
    return Problem(move.src_uri, "url", "an output path of its own", found, "error")
