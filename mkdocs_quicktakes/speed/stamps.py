"""Whether a file is unchanged since it was last seen, told by ``stat`` without reading it.

A file's stamp is its device, inode, size, modification time and change time (``ctime``, in
nanoseconds). Writing a file, renaming another file over it or restoring its modification time
(``touch -d``, ``os.utime``) all set its change time to the current time, which no program can set
back; ``mkdocs serve --dirty`` trusts the modification time alone.

One case needs care, the one Git calls "racily clean": a file changed twice within one tick of
the file system's clock (a few milliseconds; a second or two on coarse file systems) keeps the
same times. So a stamp is only given for a file whose change time is older than that by the time
it is looked at: a later change then always gets a later change time. A file changed just now has
no stamp; it is read again, which costs a little and is always right.
"""

from __future__ import annotations

import os
import time

Stamp = tuple[int, int, int, int, int]
"""Device, inode, size, modification and change time (ns) of a file."""

_FINE_MARGIN_NS = 100_000_000
"""How old a change time must be to be trusted on file systems with sub-second times: well above
the tick of the kernel's clock (at most 10 ms)."""
_COARSE_MARGIN_NS = 3_000_000_000
"""The same on a file system that keeps whole seconds (or two: FAT) only."""


def file_stamp(path: str) -> Stamp | None:
    """The stamp of the file at ``path``; ``None`` if it is missing or changed too recently."""
    now = _now()  # before looking: a change after this gets a later time
    try:
        stat = os.stat(path)
    except OSError:
        return None
    changed = stat.st_ctime_ns
    margin = _COARSE_MARGIN_NS if changed % 1_000_000_000 == 0 else _FINE_MARGIN_NS
    if changed > now - margin:
        return None
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, changed)


def _now() -> int:
    return time.time_ns()
