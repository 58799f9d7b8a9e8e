"""Answers kept on disk, not in memory, between reading a file and writing its page.

With ``pipeline: direct`` the build process never needs an answer's Markdown or HTML: the
workers that render the pages do. Held in the build process, the answers of a large site are
most of its memory, and every forked worker then touches (so copies) the part it renders. So
while files are read, each answer (its prepared Markdown and finished HTML) is written to a spill
file of the process that read it, and the read result that travels to the build process keeps
only where it lies (:class:`~mkdocs_quicktakes.site.reading.Spilled`) and what the build uses
before rendering (the record, headings, anchor ids, excerpt, failed formulas). Whoever renders
the page takes the answer back with :func:`restored`.

One spill folder per build; each process writes its own file in it, appending only, so no two
processes write to one file. The folder goes when the build ends (:meth:`AnswerSpill.remove`),
or when the process exits, or with the next build if the process was killed.
"""

from __future__ import annotations

import os
import pickle
import shutil
from dataclasses import replace

from mkdocs_quicktakes.answer.render import FinishedHtml
from mkdocs_quicktakes.site.reading import ReadResult, Spilled
from mkdocs_quicktakes.speed.temp_folders import owned_temp_folder

_writers: dict[tuple[str, str], tuple[int, int, str]] = {}
"""By folder and kind: the process that opened a spill file, the file (to append), its path.

A forked child inherits the dict: it opens its own file, as it finds another pid."""
_readers: dict[str, int] = {}
"""Open spill files, by path, for reading answers back."""


class AnswerSpill:
    """The spill folder of one build."""

    def __init__(self) -> None:
        self.folder = str(owned_temp_folder("quicktakes-answers-"))

    def remove(self) -> None:
        """Delete the folder and close this process's files in it."""
        for path in [path for path in _readers if path.startswith(self.folder + os.sep)]:
            os.close(_readers.pop(path))
        for key in [key for key in _writers if key[0] == self.folder]:
            os.close(_writers.pop(key)[1])
        shutil.rmtree(self.folder, ignore_errors=True)


def spilled(read: ReadResult, folder: str) -> ReadResult:
    """``read`` with its answer written to this process's spill file in ``folder``.

    A result without a rendered answer (a file with problems, rendering left to MkDocs) is
    returned as it is, and so is one that could not be written (a full disk): its answer then
    stays in memory, which costs memory, not the page.
    """
    prepared, rendered = read.prepared, read.rendered
    if prepared is None or rendered is None:
        return read
    data = pickle.dumps((prepared, rendered.finished), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        where = append_to_spill(folder, "spill", data)
    except OSError:
        return read
    failures = rendered.finished.failures  # reported by whoever renders, kept for the cache key
    return replace(
        read,
        prepared=replace(prepared, markdown="", math=()),
        rendered=replace(rendered, finished=FinishedHtml("", "", failures)),
        spilled=where,
    )


def append_to_spill(folder: str, kind: str, data: bytes) -> Spilled:
    """Append ``data`` to this process's spill file of ``kind`` in ``folder``; where it lies.

    Each process writes files of its own (named by its pid), so no two processes write to one.
    """
    key = (folder, kind)
    pid, writer, path = _writers.get(key, (0, -1, ""))
    if pid != os.getpid():
        pid, path = os.getpid(), os.path.join(folder, f"{os.getpid()}.{kind}")
        writer = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        _writers[key] = (pid, writer, path)
    offset = os.lseek(writer, 0, os.SEEK_END)
    if os.write(writer, data) != len(data):
        raise OSError(f"quicktakes: could not write to {path}")
    return Spilled(path, offset, len(data))


def read_spilled(where: Spilled) -> bytes:
    """The bytes :func:`append_to_spill` wrote at ``where``."""
    reader = _readers.get(where.path)
    if reader is None:
        reader = _readers[where.path] = os.open(where.path, os.O_RDONLY)
    data = os.pread(reader, where.length, where.offset)
    if len(data) != where.length:
        raise OSError(f"quicktakes: {where.path} is cut short")
    return data


def restored(read: ReadResult) -> ReadResult:
    """``read`` with its answer back from the spill file; as it is if it was never spilled."""
    where = read.spilled
    if where is None:
        return read
    data = read_spilled(where)
    prepared, finished = pickle.loads(data)
    rendered = replace(read.rendered, finished=finished) if read.rendered else None
    return replace(read, prepared=prepared, rendered=rendered, spilled=None)
