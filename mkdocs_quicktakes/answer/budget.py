"""A time budget for reading one file, so one pathological file cannot stall a build.

Python-Markdown is quadratic on some inputs (unclosed link text, deeply nested lists): a 50 KB
answer can take minutes. Reading a file runs under :func:`time_budget`, which interrupts it with
:class:`OverBudget` once it has used its seconds; the file is then reported and left out.

In a process's main thread (the build process and every worker) the budget is CPU time, counted
by the kernel (``ITIMER_VIRTUAL``), so a machine busy with other work does not push a file over.
Elsewhere (the rebuilds of ``mkdocs serve`` run in a thread) signals cannot be used; a timer
thread raises the exception in the reading thread instead, after wall-clock seconds.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import FrameType

DEFAULT_TIME_LIMIT: float = 2
"""Default of the option ``time_limit``: seconds one file may take to read and render."""


_REPEAT_SECONDS = 0.1
"""How soon the CPU timer fires again when its exception was swallowed."""


class OverBudget(Exception):
    """Reading one file took longer than its budget."""


def _raise_over_budget(signum: int, frame: FrameType | None) -> None:
    raise OverBudget


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`OverBudget` in the body once it has run ``seconds``; ``0`` means no limit."""
    if seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _cpu_timer(seconds):
            yield
    else:
        with _thread_timer(seconds):
            yield


@contextmanager
def _cpu_timer(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGVTALRM, _raise_over_budget)
    # Repeating: a signal that arrives while a gc callback or a __del__ runs raises there, where
    # Python ignores the exception; the next one, a moment later, stops the body.
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds, _REPEAT_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


@contextmanager
def _thread_timer(seconds: float) -> Iterator[None]:
    thread_id = threading.get_ident()
    lock = threading.Lock()
    finished = False

    def interrupt() -> None:
        with lock:
            if not finished:  # never once the body is over
                _async_raise(thread_id, OverBudget)

    timer = threading.Timer(seconds, interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            finished = True
            # An interrupt that came while the body was ending has nothing left to stop.
            _async_raise(thread_id, None)


def _async_raise(thread_id: int, exception: type[BaseException] | None) -> None:
    """Have ``exception`` raised in the thread ``thread_id`` (``None``: cancel a pending one)."""
    target = ctypes.py_object(exception) if exception is not None else None
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), target)
