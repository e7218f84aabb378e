"""The project as the model sees it: :class:`LazyProject`, a
:class:`~flake8_dask.model.summary.ProjectView` for one checked file.

Constructing one costs nothing (it keeps the path); the project is located on the first
question. Answers are remembered for the life of the process (flake8 ``-j`` workers and the
fix command's workers check many files each): summaries by (file, mtime, size, options),
the reverse task index by import root. A long-lived host whose files change calls
:func:`clear_memo` (the disk cache needs no such care: it is keyed by content).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import random

from ..model.summary import summarize
from ..options import Options
from . import layout
from .cache import (SummaryCache, cache_disabled, default_directory, digest, options_fingerprint,
                    summary_options, tool_fingerprint)
from .layout import MAX_SOURCE_BYTES, Location, inside, locate, resolve, walk_sources_stat

#: The reverse task index reads at most this many files, of at most this many bytes in all,
#: and gives up on a walk that lists more directory entries than this: beyond, which of a
#: module's functions the project hands to Dask is unknown ({}), and unknown is silent.
MAX_PROJECT_FILES = 2000
MAX_PROJECT_BYTES = 20 * 1024 * 1024
MAX_WALK_ENTRIES = 50_000
#: Paths that are not files (flake8 and the fix command name standard input so).
STDIN_NAMES = frozenset({"", "-", "stdin"})
_MEMO_LIMIT = 20_000

log = logging.getLogger("flake8_dask")

_locations: dict[str, Location | None] = {}
_summaries: dict[tuple, dict | None] = {}
_indexes: dict[tuple, dict[str, dict[str, list[str]]] | None] = {}
_caches: dict[str, SummaryCache] = {}
_fingerprints: dict[Options, str] = {}
_resolved: dict[tuple, str | None] = {}


def clear_memo() -> None:
    """Forget everything this process learnt about projects (files changed on disk)."""
    for table in (_locations, _summaries, _indexes, _caches, _fingerprints, _resolved):
        table.clear()
    for cached in (layout._project_root_of, layout.is_installed_dir, layout._package_chain):
        cached.cache_clear()


def project_view(path: str | None, options: Options | None = None) -> LazyProject | None:
    """The view for the file at ``path``; None for standard input or no path."""
    if path is None or path in STDIN_NAMES:
        return None
    return LazyProject(path, options or Options())


class LazyProject:
    """The other modules of the checked file's project. Never raises: a question it cannot
    answer is unknown (``None`` / ``{}``)."""

    __slots__ = ("path", "options")

    def __init__(self, path: str, options: Options) -> None:
        self.path = path
        self.options = options

    def __repr__(self) -> str:
        return f"LazyProject({self.path!r})"

    def location(self) -> Location | None:
        if self.path not in _locations:
            if len(_locations) > _MEMO_LIMIT:
                _locations.clear()
            _locations[self.path] = locate(self.path)
        return _locations[self.path]

    def imported(self, module: str | None, level: int) -> dict | None:
        try:
            loc = self.location()
            target = _resolve(loc, module, level) if loc is not None else None
            if target is None:
                return None
            if inside(target, loc.import_root):  # the project's index knows it: no hashing
                index = project_index(loc.import_root, loc.project_root, self.options)
                if index is not None:
                    return {"returns": index["returns"].get(target, {}), "tasks": []}
            return module_summary(target, loc.project_root, self.options)
        except Exception as exc:  # never crash the host: unknown
            log.debug("flake8-dask: %s: import %r (level %d): %r", self.path, module, level,
                      exc)
            return None

    def task_sites(self) -> dict[str, list[dict]]:
        """Which of this module's top-level functions the other modules under its import
        root hand to Dask. Unknown ({}) when the module cannot be imported (a notebook), or
        the import root holds more than :data:`MAX_PROJECT_FILES` files or
        :data:`MAX_PROJECT_BYTES` bytes of Python."""
        try:
            loc = self.location()
            if loc is None or loc.module is None:
                return {}
            index = project_index(loc.import_root, loc.project_root, self.options)
            if not index:
                return {}
            return {name: list(sites)
                    for name, sites in index["tasks"].get(loc.path, {}).items()}
        except Exception as exc:
            log.debug("flake8-dask: %s: task sites: %r", self.path, exc)
            return {}


def _resolve(loc: Location, module: str | None, level: int) -> str | None:
    """:func:`~.layout.resolve`, remembered: every module of a package imports the same few."""
    key = (os.path.dirname(loc.path), loc.module is None, loc.package_depth, loc.import_root,
           loc.project_root, module, level)
    if key not in _resolved:
        if len(_resolved) > _MEMO_LIMIT:
            _resolved.clear()
        _resolved[key] = resolve(loc, module, level)
    return _resolved[key]


def _fingerprint(options: Options) -> str:
    found = _fingerprints.get(options)
    if found is None:
        found = _fingerprints[options] = options_fingerprint(options)
    return found


def _cache(project_root: str, options: Options) -> SummaryCache | None:
    if cache_disabled(options):
        return None
    directory, chosen = default_directory(project_root)
    cache = _caches.get(directory)
    if cache is None:
        cache = _caches[directory] = SummaryCache(directory, chosen)
    return cache


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_SOURCE_BYTES + 1)
    except OSError:
        return None
    return data if len(data) <= MAX_SOURCE_BYTES else None


def module_summary(path: str, project_root: str, options: Options,
                   data: bytes | None = None) -> dict | None:
    """The summary of the project file at ``path`` (a real path the project may read):
    from this process's memo, else from the disk cache when an entry is valid, else
    computed (and cached). None when the file cannot be read or decoded."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    fingerprint = _fingerprint(options)
    memo_key = (path, st.st_mtime_ns, st.st_size, fingerprint)
    if memo_key in _summaries:
        return _summaries[memo_key]
    if data is None:
        data = _read(path)
    summary = None
    if data is not None:
        source_hash = digest(data)
        cache = _cache(project_root, options)
        tool = tool_fingerprint()
        summary = cache.read(source_hash, tool, fingerprint) if cache else None
        if summary is None:
            summary = _compute(data, options)
            if summary is not None and cache is not None:
                cache.write(source_hash, tool, fingerprint, summary)
    if len(_summaries) > _MEMO_LIMIT:
        _summaries.clear()
    _summaries[memo_key] = summary
    return summary


def _compute(data: bytes, options: Options) -> dict | None:
    try:
        text = importlib.util.decode_source(data)  # PEP 263 coding cookie, BOM, newlines
    except (SyntaxError, UnicodeDecodeError, LookupError, ValueError):
        return None
    return summarize(text, summary_options(options))


def _mentions_dask(data: bytes) -> bool:
    """Only a module that names Dask can hand a function to it (the checker's prefilter,
    on bytes: the summary is not needed to know that a module has no task site)."""
    return b"dask" in data or b"distributed" in data


def project_index(import_root: str, project_root: str, options: Options) -> dict | None:
    """What the modules under ``import_root`` tell each other, by real path: ``tasks``
    (which of a file's functions other modules hand to Dask: name -> sites) and ``returns``
    (what a file's functions return: the summaries' tables). None when the walk is over its
    bounds.

    Kept in the cache too, keyed by the paths, sizes and modification times of the files:
    a process that finds it there reads no source (a file's content changes its mtime)."""
    key = (import_root, _fingerprint(options))
    if key in _indexes:
        return _indexes[key]
    walked = walk_sources_stat(import_root, MAX_PROJECT_FILES, MAX_PROJECT_BYTES,
                               MAX_WALK_ENTRIES)
    index: dict | None = None
    if walked is not None:
        files = [path for path, _, _ in walked]
        cache = _cache(project_root, options)
        signature = _signature(walked, import_root)
        stored = cache.read_index(signature, tool_fingerprint(), _fingerprint(options)) \
            if cache is not None else None
        if stored is not None:
            index = {table: {os.path.join(import_root, rel): value
                             for rel, value in stored[table].items()}
                     for table in ("tasks", "returns")}
        else:
            index = _build_index(files, project_root, options)
            if cache is not None:
                cache.write_index(signature, tool_fingerprint(), _fingerprint(options),
                                  {table: {os.path.relpath(path, import_root): value
                                           for path, value in index[table].items()}
                                   for table in ("tasks", "returns")})
    _indexes[key] = index
    return index


def _signature(walked: list[tuple[str, int, int]], import_root: str) -> str:
    """What the index of these files depends on: their paths, sizes and mtimes."""
    items = [(os.path.relpath(path, import_root), size, mtime) for path, size, mtime in walked]
    return digest(json.dumps(items).encode())


def _build_index(files: list[str], project_root: str, options: Options) -> dict:
    index: dict[str, dict[str, list[dict]]] = {}
    returns: dict[str, dict[str, str]] = {}
    # Summarized in a random order: the -j workers that build the index at once then
    # fill the shared disk cache for each other instead of summarizing the same files
    # in step. Indexed in the walk's order.
    summaries = {}
    for path in random.sample(files, len(files)):
        data = _read(path)
        where = locate(path) if data is not None and _mentions_dask(data) else None
        if where is not None:
            summaries[path] = (where, module_summary(path, where.project_root, options, data))
    for path in files:
        where, summary = summaries.get(path, (None, None))
        if not summary:
            continue
        if summary["returns"]:
            returns[path] = summary["returns"]
        shown = os.path.relpath(path, project_root).replace(os.sep, "/")
        for task in summary["tasks"]:
            target = _resolve(where, task["module"], task["level"])
            if target is not None and target != path:
                index.setdefault(target, {}).setdefault(task["name"], []).append(
                    {"api": task["api"], "place": f"{shown}:{task['line']}",
                     "lazy": task["lazy"], "per_chunk": task["per_chunk"]})
    return {"tasks": index, "returns": returns}
