"""What a QuickTakes file gives MkDocs and the theme as ``page.meta``: an allowlist of keys.

Front matter is data written by someone the site owner may not control, and themes read
``page.meta`` as trusted: they print some keys unescaped (Material's ``redirect.html`` prints
``location`` inside a ``<script>``, its ``main.html`` prints ``revision_date``), and MkDocs
renders a page with the template its ``template`` key names. So a QuickTakes page's meta holds
only the keys of :data:`PAGE_META_KEYS`, each set by the plugin, and a file's own ``template``
key is refused with a problem that names the file.

This module is pure: it imports nothing from MkDocs.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from mkdocs_quicktakes.records.model import Problem, describe

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mkdocs_quicktakes.records.model import QuickTake

PAGE_META_KEYS = ("title", "description", "author", "template")
"""The only keys of a QuickTakes page's ``page.meta``; no other front-matter key reaches MkDocs,
the theme or other plugins through it."""

_TEMPLATE_EXPECTED = (
    "no 'template' key (QuickTakes pages use the template of the plugin's option 'template'; "
    "the key is ignored)"
)


def page_meta(take: QuickTake, template: str) -> dict[str, str]:
    """The ``page.meta`` of a QuickTakes page: the allowlisted keys, from the plugin's record.

    Themes print ``page.meta.title``, ``description`` and ``author`` unescaped (in the nav, the
    breadcrumbs, the head, and readthedocs' ``title="..."`` attributes), so they hold
    HTML-escaped text, quotes included.

    Args:
        take: The QuickTake.
        template: The option ``template``, named by the site owner in ``mkdocs.yml``.
    """
    meta = {
        "title": escape(take.title),
        "description": escape(take.description),
        "template": template,
    }
    if take.author:
        meta["author"] = escape(take.author)
    return meta


def template_problem(meta: Mapping[str, object], src_uri: str) -> Problem | None:
    """A problem when a QuickTakes file names its own ``template``, which is refused.

    A file that picked a template could print its other keys raw through one of the theme's
    templates, or stop the build with a template that does not exist.
    """
    if "template" not in meta:
        return None
    return Problem(src_uri, "template", _TEMPLATE_EXPECTED, describe(meta["template"]))
