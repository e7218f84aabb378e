"""Which files the fix command reads, with flake8's ``exclude`` rules.

- A directory is walked recursively for ``*.py`` and ``*.ipynb`` files. A directory or file
  whose base name or absolute path matches an exclude pattern is skipped, and so is any
  virtualenv (a directory holding ``pyvenv.cfg``), whatever the patterns say.
- A file named on the command line is read whatever its extension (``.ipynb`` is read as a
  notebook, anything else as Python), unless it matches an exclude pattern (flake8 does the
  same, so that ``exclude`` also works under pre-commit, which names every file).
- **Symlinks**: a symlink met while walking a directory (file or directory) is skipped, so a
  walk never reaches, nor writes, a file outside the directories given. A symlink named on the
  command line is followed: the file it points to is read and rewritten in place (the link
  stays a link). A file reached twice (``a.py ./a.py``, or a link and its target) is read
  once.
- A walk reads regular files only: a named pipe called ``x.py`` would block the run forever.
  A directory named like a file (``x.py/``) is a directory: it is walked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterator, Sequence

from .selection import matches_filename

PATTERNS = ("*.py", "*.ipynb")


@dataclass(frozen=True)
class Target:
    display: str  # as the user will see it (as given, or joined to the walked directory)
    path: str  # the real file to read and write ("-" for stdin)

    @property
    def is_notebook(self) -> bool:
        return self.display.endswith(".ipynb")


class MissingPath(Exception):
    pass


def _is_virtualenv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def expand(paths: Sequence[str], exclude: Sequence[str]) -> Iterator[Target | MissingPath]:
    """Targets in the order given (a walk in sorted order); a missing path yields a
    :class:`MissingPath` and the others go on."""
    seen: set[str] = set()

    def once(display: str, path: str):
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            yield Target(display, real)

    for arg in paths:
        if arg == "-":
            yield Target("-", "-")
            continue
        if not os.path.lexists(arg):
            yield MissingPath(f"{arg}: no such file or directory")
            continue
        if matches_filename(arg, exclude):
            continue
        if not os.path.isdir(arg):
            if not os.path.exists(arg):
                yield MissingPath(f"{arg}: broken symlink")
                continue
            yield from once(arg, arg)
            continue
        for dirpath, dirnames, filenames in os.walk(arg):
            dirnames[:] = sorted(
                d for d in dirnames
                if not os.path.islink(os.path.join(dirpath, d))
                and not matches_filename(os.path.join(dirpath, d), exclude)
                and not _is_virtualenv(os.path.join(dirpath, d)))
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                if (name.endswith((".py", ".ipynb")) and not os.path.islink(path)
                        and os.path.isfile(path) and not matches_filename(path, exclude)):
                    yield from once(path, path)
