"""What the fix command shows only to a person at a terminal: colour, and a progress line.

**Colour** (text format only; never in json, github or sarif): ``--color always`` or
``never`` decides; with ``auto`` (the default), ``NO_COLOR`` set to anything non-empty turns
it off (https://no-color.org), else ``FORCE_COLOR`` set to anything non-empty turns it on,
else the stream must be a terminal (and ``TERM`` not ``dumb``). The path is bold, the
separators cyan and the code bold red, as flake8's ``--color`` does; ``[*]`` is cyan, as in
Ruff.

**Progress**: a run that lasts longer than :data:`PROGRESS_AFTER` seconds, with stderr on a
terminal, shows one line on stderr (``flake8-dask: 120/1804 files, dask/array/core.py``)
that rewrites itself every :data:`PROGRESS_EVERY` seconds and is erased when the run ends.
A background thread draws it, so a single long file shows it too. Nothing is drawn when
stderr is not a terminal (CI logs, pre-commit, a pipe).
"""

from __future__ import annotations

import os
import threading
import time

#: Seconds of silence before the progress line appears, and between two redraws.
PROGRESS_AFTER = 2.0
PROGRESS_EVERY = 0.2
COLOR_CHOICES = ("auto", "always", "never")

BOLD, RESET, RED, CYAN = "\033[1m", "\033[m", "\033[31m", "\033[36m"


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def use_color(choice: str, stream, environ=None) -> bool:
    environ = os.environ if environ is None else environ
    if choice == "always":
        return True
    if choice == "never":
        return False
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return _isatty(stream) and environ.get("TERM") != "dumb"


def colored_location(location: str) -> str:
    """``path:line:col`` with a bold path and cyan separators (flake8's colours); a
    notebook's ``nb.ipynb:cell N:line:col`` keeps ``cell N`` with the path."""
    path, sep, rest = location.partition(":cell ")
    if sep:
        cell, _, rest = rest.partition(":")
        path = f"{path}:cell {cell}"
    else:
        path, _, rest = location.rpartition(":")
        path, _, line = path.rpartition(":")
        rest = f"{line}:{rest}"
    line, _, col = rest.partition(":")
    return f"{BOLD}{path}{RESET}{CYAN}:{RESET}{line}{CYAN}:{RESET}{col}"


def colored(location: str, code: str, marker: str, message: str) -> str:
    marker = f"{CYAN}{marker.strip()}{RESET} " if marker else ""
    return (f"{colored_location(location)}{CYAN}:{RESET} {BOLD}{RED}{code}{RESET} "
            f"{marker}{message}")


class Progress:
    """The self-rewriting progress line (a context manager; :meth:`advance` after each
    file). Inactive (it draws nothing, starts no thread) unless ``stream`` is a terminal."""

    def __init__(self, total: int, stream, *, prefix: str = "flake8-dask",
                 enabled: bool | None = None) -> None:
        self.total, self.stream, self.prefix = total, stream, prefix
        self.enabled = _isatty(stream) if enabled is None else enabled
        self.done, self.current = 0, ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._shown = 0  # width of the line on screen
        self._thread: threading.Thread | None = None
        self._start = time.monotonic()

    def __enter__(self) -> "Progress":
        if self.enabled and self.total:
            self._thread = threading.Thread(target=self._loop, name="flake8-dask-progress",
                                            daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            if self._shown:
                self._write("\r" + " " * self._shown + "\r")
                self._shown = 0

    def starting(self, display: str) -> None:
        self.current = display

    def advance(self, display: str = "") -> None:
        with self._lock:
            self.done += 1
            if display:
                self.current = display

    def _loop(self) -> None:
        if self._stop.wait(max(0.0, PROGRESS_AFTER - (time.monotonic() - self._start))):
            return
        while True:
            self.draw()
            if self._stop.wait(PROGRESS_EVERY):
                return

    def draw(self) -> None:
        with self._lock:
            width = 79
            text = f"{self.prefix}: {self.done}/{self.total} files"
            if self.current:
                text += f", {self.current}"
            text = text[:width]
            pad = max(self._shown - len(text), 0)
            self._write("\r" + text + " " * pad)
            self._shown = len(text)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed terminal must not fail the run
            self._stop.set()
