"""Private temporary folders that do not outlive their process, even a killed one.

The page store of ``mkdocs serve`` and the spill folder of a direct build live in the system's
temporary folder. Each is named after the process that made it and removed when that process
exits; a process killed before it could remove its folder leaves it behind, so making a folder
first removes those of processes that no longer run.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path


def owned_temp_folder(prefix: str) -> Path:
    """A new folder ``<prefix><pid>-<random>`` (mode 0700), removed when this process exits."""
    _remove_orphans(prefix)
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _remove_orphans(prefix: str) -> None:
    """Remove the folders of processes that ended without removing theirs (killed)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{prefix}*-*"):
        pid = folder.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
