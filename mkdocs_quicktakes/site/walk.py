"""The Markdown files of a docs folder, found as MkDocs finds them.

The build reads them ahead of MkDocs (``on_pre_build``) and the checker reads them without
MkDocs; both walk the folder here, with MkDocs' rules: symlinks followed, no dot-files or
dot-folders, no top-level ``templates/`` folder (MkDocs' default ``exclude_docs``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
"""The file endings MkDocs reads as Markdown."""


def markdown_files(docs_dir: str | Path) -> Iterator[tuple[Path, str]]:
    """Every Markdown file MkDocs would build, with its ``src_uri`` (its path in ``docs_dir``).

    Sorted, so reports are stable. A name that is not UTF-8 is given with its bytes escaped
    (``\\xe9``), so any terminal can print it.
    """
    root = Path(docs_dir)
    for folder, dirs, names in os.walk(root, followlinks=True):
        relative = Path(folder).relative_to(root)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and (relative.parts or d != "templates")
        )
        for name in sorted(names):
            if not name.startswith(".") and name.lower().endswith(MARKDOWN_SUFFIXES):
                yield Path(folder, name), _printable((relative / name).as_posix())


def _printable(src_uri: str) -> str:
    r"""A path as text any terminal can print: bytes of a name that is not UTF-8 as ``\xe9``."""
    return src_uri.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
