"""Where a checked file sits in its project, and which file of the project an import names.

Everything here works on real paths (symlinks resolved) and reads nothing but directory
entries: no file's content. A path is *readable* only when it is a regular file of at most
:data:`MAX_SOURCE_BYTES` inside the project root (after resolving symlinks: a link out of the
root is refused), and not installed code: not under a ``site-packages`` or ``dist-packages``
directory, a virtualenv (a directory holding ``pyvenv.cfg``), or Python's own prefixes.
"""

from __future__ import annotations

import functools
import os
import stat
import sys
import sysconfig
from dataclasses import dataclass

#: A module's source larger than this is not read (generated code, data dumps).
MAX_SOURCE_BYTES = 2 * 1024 * 1024
#: The files that mark a project's root (the cache goes there), as for Ruff and mypy.
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", ".flake8", ".git")
#: Directories a walk of the project never enters (besides hidden ones and virtualenvs).
SKIPPED_DIRS = frozenset({"build", "dist", "node_modules", "__pycache__", "site-packages",
                          "dist-packages", "__pypackages__"})
_INSTALLED_DIRS = frozenset({"site-packages", "dist-packages"})


@dataclass(frozen=True)
class Location:
    """A checked file in its project."""

    #: The file's real path.
    path: str
    #: Its dotted module name from the import root (``pkg.io``; a script's stem), or None
    #: when nothing can import it (a notebook, a name that is not an identifier).
    module: str | None
    #: Its package's depth: how many leading parts of ``module`` name packages (0 for a
    #: script or a top-level module).
    package_depth: int
    #: The directory above the top package (a script's own directory: ``sys.path[0]``).
    import_root: str
    #: The nearest ancestor of the import root that holds a :data:`ROOT_MARKERS` file (not
    #: the filesystem root, not $HOME or above), else the import root. Nothing is read
    #: outside it.
    project_root: str

    def search_roots(self) -> tuple[str, ...]:
        """Where ``import a.b`` is looked for: the import root, then the project root and its
        ``src/`` (a test or script importing the project's package, installed in
        development mode when it runs)."""
        roots = [self.import_root, self.project_root,
                 os.path.join(self.project_root, "src")]
        return tuple(dict.fromkeys(r for r in roots if os.path.isdir(r)))


def _prefixes() -> tuple[str, ...]:
    """Python's own directories: its prefixes and library paths. A prefix that is the
    filesystem root is left out (it would refuse everything); its library paths stay."""
    found = set()
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}:
        real = os.path.realpath(prefix)
        if os.path.dirname(real) != real:
            found.add(real)
    for scheme_vars in ({}, {"base": sys.base_prefix, "platbase": sys.base_exec_prefix}):
        try:
            paths = sysconfig.get_paths(vars=scheme_vars or None)
        except Exception:  # an unusual installation: the prefixes above still hold
            continue
        for key in ("stdlib", "platstdlib", "purelib", "platlib"):
            if paths.get(key):
                found.add(os.path.realpath(paths[key]))
    return tuple(sorted(found))


PYTHON_PREFIXES = _prefixes()


def inside(path: str, directory: str) -> bool:
    """``path`` is ``directory`` or below it (both real paths)."""
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


@functools.lru_cache(maxsize=4096)
def is_installed_dir(directory: str) -> bool:
    """Installed code or an environment: under site-packages/dist-packages, a virtualenv, or
    one of Python's prefixes (a real path)."""
    if any(inside(directory, p) for p in PYTHON_PREFIXES):
        return True
    d = directory
    while True:
        if os.path.basename(d) in _INSTALLED_DIRS or \
                os.path.isfile(os.path.join(d, "pyvenv.cfg")):
            return True
        parent = os.path.dirname(d)
        if parent == d:
            return False
        d = parent


def _home() -> str | None:
    home = os.environ.get("HOME") or os.path.expanduser("~")
    return os.path.realpath(home) if home and home != "~" else None


def project_root_of(import_root: str) -> str:
    """The nearest ancestor of ``import_root`` (itself included) holding a root marker;
    never the filesystem root, nor $HOME or one of its ancestors when the import root is
    below $HOME. None found: the import root."""
    return _project_root_of(import_root, _home())


@functools.lru_cache(maxsize=4096)
def _project_root_of(import_root: str, home: str | None) -> str:
    stop = home if home and inside(import_root, home) and import_root != home else None
    d = import_root
    while True:
        parent = os.path.dirname(d)
        if parent == d or d == stop:
            return import_root
        if any(os.path.exists(os.path.join(d, m)) for m in ROOT_MARKERS):
            return d
        d = parent


@functools.lru_cache(maxsize=4096)
def _package_chain(directory: str) -> tuple[str, tuple[str, ...]]:
    """(the directory above the top package, the package names down to ``directory``)."""
    names: list[str] = []
    d = directory
    while os.path.isfile(os.path.join(d, "__init__.py")):
        parent = os.path.dirname(d)
        if parent == d:
            break
        names.insert(0, os.path.basename(d))
        d = parent
    return d, tuple(names)


def locate(path: str) -> Location | None:
    """The project of the file at ``path`` (which need not exist: an editor's unsaved
    buffer), or None when its directory does not exist or is installed code."""
    real = os.path.realpath(path)
    directory = os.path.dirname(real)
    if not os.path.isdir(directory) or is_installed_dir(directory):
        return None
    base = os.path.basename(real)
    stem, ext = os.path.splitext(base)
    if ext == ".ipynb":  # runs as __main__ from its own directory: nothing imports it
        return Location(real, None, 0, directory, project_root_of(directory))
    import_root, packages = _package_chain(directory)
    parts = list(packages) if stem == "__init__" else [*packages, stem]
    module = ".".join(parts) if parts and all(p.isidentifier() for p in parts) else None
    return Location(real, module, len(packages), import_root, project_root_of(import_root))


def readable(path: str, project_root: str) -> str | None:
    """The real path of ``path`` when the project may read it (see the module's doc)."""
    try:
        os.stat(path)  # most candidates of an import do not exist: one system call
    except (OSError, ValueError):
        return None
    real = os.path.realpath(path)
    if not inside(real, project_root) or is_installed_dir(os.path.dirname(real)):
        return None
    try:
        st = os.stat(real)
    except OSError:
        return None
    if not (st.st_mode & 0o170000 == 0o100000) or st.st_size > MAX_SOURCE_BYTES:
        return None
    return real


def resolve(loc: Location, module: str | None, level: int) -> str | None:
    """The project file that ``from <'.' * level><module> import ...`` (``import <module>``
    for level 0) names in the file at ``loc``: ``<module>.py`` or ``<module>/__init__.py``
    under the package ``level`` steps up, or under a search root; None when Python would not
    find it there, or the project may not read it."""
    parts = module.split(".") if module else []
    if not all(p.isidentifier() for p in parts) or level < 0:
        return None
    if level:
        if loc.module is None or level > loc.package_depth:
            return None  # beyond the top package: an ImportError when it runs
        base = os.path.dirname(loc.path)
        for _ in range(level - 1):
            base = os.path.dirname(base)
        bases: tuple[str, ...] = (base,)
    else:
        if not parts:
            return None
        bases = loc.search_roots()
    for base in bases:
        found = _module_file(base, parts, loc.project_root)
        if found is not None:
            return found
    return None


def _module_file(base: str, parts: list[str], project_root: str) -> str | None:
    target = os.path.join(base, *parts)
    candidates = [os.path.join(target, "__init__.py")]
    if parts:
        candidates.append(target + ".py")
    for candidate in candidates:
        found = readable(candidate, project_root)
        if found is not None:
            return found
    return None


def walk_sources(root: str, max_files: int, max_bytes: int,
                 max_entries: int) -> list[str] | None:
    """The real paths of the ``.py`` files under ``root``, skipping hidden directories,
    virtualenvs and :data:`SKIPPED_DIRS`, and symlinks out of ``root`` (each file once);
    None (unknown) when there are more than ``max_files`` files or ``max_bytes`` bytes, or
    the walk meets more than ``max_entries`` directory entries (a home directory, a disk)."""
    found = walk_sources_stat(root, max_files, max_bytes, max_entries)
    return None if found is None else [path for path, _, _ in found]


def walk_sources_stat(root: str, max_files: int, max_bytes: int,
                      max_entries: int) -> list[tuple[str, int, int]] | None:
    """:func:`walk_sources`, each path with its size and modification time (ns)."""
    found: list[tuple[str, int, int]] = []
    seen: set[str] = set()
    total = entries = 0
    stack = [os.path.realpath(root)]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as it:
                listing = list(it)
        except OSError:
            continue
        entries += len(listing)
        if entries > max_entries:
            return None
        installed = None
        for entry in sorted(listing, key=lambda e: e.name):
            name = entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not (name.startswith(".") or name in SKIPPED_DIRS or
                            os.path.isfile(os.path.join(entry.path, "pyvenv.cfg"))):
                        stack.append(entry.path)  # not a link: a real path under root
                    continue
                if not name.endswith(".py"):
                    continue
                if entry.is_symlink():
                    real = readable(entry.path, root)
                    st = os.stat(real) if real is not None else None
                else:  # a real path already: no realpath (a system call per component)
                    if installed is None:
                        installed = is_installed_dir(directory)
                    st = entry.stat(follow_symlinks=False)
                    real = entry.path if not installed and stat.S_ISREG(st.st_mode) and \
                        st.st_size <= MAX_SOURCE_BYTES else None
            except OSError:
                continue
            if real is None or real in seen:  # a link to a file inside: once
                continue
            seen.add(real)
            found.append((real, st.st_size, st.st_mtime_ns))
            total += st.st_size
            if len(found) > max_files or total > max_bytes:
                return None
    return found
