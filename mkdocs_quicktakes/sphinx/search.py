"""Sphinx's search under ``dirhtml``: a result links to a Q&A page at its ``url``.

Sphinx's ``searchtools.js`` makes a result's link from the name the search index lists for its
document: under ``dirhtml``, that name plus ``/``, a trailing ``index/`` dropped. For a Q&A page
that the extension writes at its ``url``, that would be the file's path. So the index written to
``searchindex.js`` lists such a page under the pagename of its url (``learn/x/questions/y/index``,
which the script turns into ``learn/x/questions/y/``), and reading the index back, as an
incremental build does, maps the names back to docnames: Sphinx keeps the entries of the pages it
does not write again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


class PlacedDocnames:
    """The builder's search index format, with placed pages listed under their url's pagename.

    ``names()`` gives, when the index is written or read, the listed name of every placed page
    by docname.
    """

    def __init__(self, format: Any, names: Callable[[], Mapping[str, str]]) -> None:
        self._format = format
        self._names = names

    def dump(self, data: dict[str, Any], stream: Any) -> None:
        """Write the index with the placed pages under their urls' pagenames."""
        self._format.dump(_renamed(data, self._names()), stream)

    def load(self, stream: Any) -> Any:
        """Read an index written by :meth:`dump`, with docnames again."""
        data = self._format.load(stream)
        if not isinstance(data, dict) or not isinstance(data.get("docnames"), list):
            return data  # Sphinx refuses it itself
        back = {name: docname for docname, name in self._names().items()}
        return _renamed(data, back)


def _renamed(data: dict[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    return {**data, "docnames": [names.get(name, name) for name in data["docnames"]]}
