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
- **Ignore files** (as Ruff, and ripgrep's ``ignore`` rules): a walk skips what
  ``.gitignore`` and ``.ignore`` files say, nested ones included, with git's pattern syntax
  and negations (``!keep.py``), matched by pathspec's ``GitIgnoreSpec``. A deeper file
  overrides a shallower one, ``.ignore`` overrides ``.gitignore`` of the same directory.
  Inside a git work tree (a ``.git`` directory or file above), the ``.gitignore`` and
  ``.ignore`` files of the directories from the work tree's root down to the walked one
  apply too, and so does the repository's ``.git/info/exclude``; git itself is never run,
  and the user's global excludes file is not read. ``--no-respect-gitignore`` turns all of
  this off. A path named on the command line is always read, ignored or not (as in Ruff;
  pre-commit names only the files git tracks). The flake8 plugin is not concerned: flake8
  decides which files it reads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterator, Sequence

from .selection import matches_filename

PATTERNS = ("*.py", "*.ipynb")
IGNORE_FILES = (".gitignore", ".ignore")  # the later one wins over the earlier


class _Ignores:
    """The ignore rules of a walk: each directory's rules are its parent's plus its own
    files', highest precedence last; :meth:`ignored` asks them from the last."""

    def __init__(self, root: str) -> None:
        import pathspec  # a runtime dependency, loaded by the first walk

        self._spec = pathspec.GitIgnoreSpec.from_lines
        self._rules: dict[str, tuple] = {}
        root = os.path.abspath(root)
        inherited: tuple = ()
        top = _work_tree(root)
        if top is not None:
            exclude = _git_dir(top)
            if exclude is not None:
                inherited += self._load(top, os.path.join(exclude, "info", "exclude"))
            chain = []
            parent = os.path.dirname(root)
            while len(parent) >= len(top) and parent != root:
                chain.append(parent)
                if parent == top:
                    break
                parent = os.path.dirname(parent)
            for directory in reversed(chain):
                inherited += self._own(directory)
        self._rules[os.path.dirname(root)] = inherited
        if inherited and self.ignored(root, True):  # named, so checked: and all within it
            self._rules = {os.path.dirname(root): ()}

    def _load(self, base: str, path: str) -> tuple:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return ((base, self._spec(f.read().splitlines())),)
        except (OSError, ValueError):  # unreadable, or a pattern pathspec refuses
            return ()

    def _own(self, directory: str) -> tuple:
        found: tuple = ()
        for name in IGNORE_FILES:
            path = os.path.join(directory, name)
            if os.path.isfile(path):
                found += self._load(directory, path)
        return found

    def rules(self, directory: str) -> tuple:
        directory = os.path.abspath(directory)
        if directory not in self._rules:
            self._rules[directory] = self.rules(os.path.dirname(directory)) + \
                self._own(directory)
        return self._rules[directory]

    def ignored(self, path: str, is_dir: bool) -> bool:
        path = os.path.abspath(path)
        for base, spec in reversed(self.rules(os.path.dirname(path))):
            relative = os.path.relpath(path, base).replace(os.sep, "/")
            if relative.startswith("../"):
                continue
            result = spec.check_file(relative + "/" if is_dir else relative)
            if result.include is not None:
                return result.include
        return False


def _work_tree(start: str) -> str | None:
    """The top of the git work tree holding ``start`` (a ``.git`` directory or file)."""
    path = start
    while True:
        if os.path.exists(os.path.join(path, ".git")):
            return path
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def _git_dir(top: str) -> str | None:
    """The repository's directory: ``.git``, or where a ``.git`` file (``gitdir: ...``,
    a worktree or a submodule) points."""
    dot_git = os.path.join(top, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    try:
        with open(dot_git, encoding="utf-8") as f:
            line = f.readline().strip()
    except OSError:
        return None
    if not line.startswith("gitdir:"):
        return None
    git_dir = os.path.join(top, line[len("gitdir:"):].strip())
    common = os.path.join(git_dir, "commondir")  # a worktree: info/exclude is shared
    try:
        with open(common, encoding="utf-8") as f:
            git_dir = os.path.join(git_dir, f.readline().strip())
    except OSError:
        pass
    return os.path.normpath(git_dir)


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


def expand(paths: Sequence[str], exclude: Sequence[str], *,
           respect_gitignore: bool = True) -> Iterator[Target | MissingPath]:
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
        ignores = _Ignores(arg) if respect_gitignore else None
        for dirpath, dirnames, filenames in os.walk(arg):
            dirnames[:] = sorted(
                d for d in dirnames
                if not os.path.islink(os.path.join(dirpath, d))
                and not matches_filename(os.path.join(dirpath, d), exclude)
                and not _is_virtualenv(os.path.join(dirpath, d))
                and not (ignores and (d == ".git"
                                      or ignores.ignored(os.path.join(dirpath, d), True))))
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                if (name.endswith((".py", ".ipynb")) and not os.path.islink(path)
                        and os.path.isfile(path) and not matches_filename(path, exclude)
                        and not (ignores and ignores.ignored(path, False))):
                    yield from once(path, path)
