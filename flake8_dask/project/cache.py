"""The on-disk cache of module summaries: ``.flake8_dask_cache/`` in the project root.

An entry is a JSON file, ``summaries/<key>.json``, where the key is the BLAKE2b hash of the
module's source bytes, the tool's version, the options' fingerprint and the summary format.
The entry repeats those four and carries a MAC (keyed BLAKE2b) under a random secret of the user's own,
kept outside every project (``~/.cache/flake8-dask/secret``, :func:`secret_path`); it is
trusted only when all match and its summary passes :func:`valid_summary` (types, sizes,
kinds from :class:`~flake8_dask.model.kinds.K`). A cache committed in a hostile repository
can therefore change nothing: its entries were not signed with this user's secret. Without
a secret (a read-only home) nothing is cached;
anything else (truncated, corrupt, stale, forged, a symlink, a FIFO, too large) is ignored
and the summary recomputed. The cache is data: read with :func:`json.loads`, never
unpickled, unmarshalled or evaluated. Writes go to a temporary file in the same directory
and are renamed over the entry (atomic, so concurrent ``flake8 -j`` processes are safe:
the last writer wins with identical content). A directory that cannot be written means no
cache, silently (one debug line on the ``flake8_dask`` logger).

Nothing is ever evicted: deleting the directory is always safe (``rm -rf
.flake8_dask_cache``). ``FLAKE8_DASK_NO_CACHE=1`` (or ``--no-cache`` / ``dask-no-cache``)
turns it off, ``FLAKE8_DASK_CACHE_DIR`` moves it.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

try:  # CPython's own BLAKE2: hashing needs no OpenSSL loaded into the host process
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import blake2b

from .. import __version__
from ..model.kinds import K
from ..options import Options

#: Bump when summaries computed from the same source change shape or meaning (the model's
#: own source is part of the tool's fingerprint too, see :func:`tool_fingerprint`).
SUMMARY_FORMAT = 2
CACHE_DIR_NAME = ".flake8_dask_cache"
#: The standard signature of a cache directory tag (https://bford.info/cachedir/).
CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This file is a cache directory tag created by flake8-dask.\n"
                "# For information about cache directory tags see https://bford.info/cachedir/\n")
MAX_ENTRY_BYTES = 1024 * 1024
#: A project's index (every module's returns and task sites) may be larger.
MAX_INDEX_BYTES = 16 * 1024 * 1024
MAX_PROJECT_ITEMS = 100_000
MAX_ITEMS = 10_000
MAX_NAME = 200
MAX_TEXT = 1000
KIND_VALUES = frozenset(k.value for k in K)
_TRUE = frozenset({"1", "true", "yes", "on"})

log = logging.getLogger("flake8_dask")


def digest(data: bytes) -> str:
    """The content hash entries are keyed by (BLAKE2b, 256 bits)."""
    return blake2b(data, digest_size=32).hexdigest()


def secret_path() -> str:
    """Where this user's cache secret lives: outside every project, so that a cache
    directory committed in a checked repository cannot carry entries we would trust."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "flake8-dask", "secret")


_secrets: dict[str, bytes | None] = {}


def _secret() -> bytes | None:
    """This user's random key (created once, mode 0600), or None when it cannot be read or
    made (a read-only home): then nothing is cached."""
    path = secret_path()
    if path in _secrets:
        return _secrets[path]
    found = None
    for _ in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as f:
                data = f.read(65)
            if len(data) == 64:
                found = data
            break
        except FileNotFoundError:
            try:
                os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as f:
                    f.write(os.urandom(32).hex().encode())
            except FileExistsError:
                continue  # another process made it first: read theirs
            except OSError as exc:
                log.debug("flake8-dask: no cache secret at %s: %r", path, exc)
                break
        except OSError as exc:
            log.debug("flake8-dask: no cache secret at %s: %r", path, exc)
            break
    _secrets[path] = found
    return found


def _mac(entry: dict) -> str | None:
    """The entry's authentication code under this user's secret (everything but the code)."""
    secret = _secret()
    if secret is None:
        return None
    fields = {k: v for k, v in entry.items() if k != "mac"}
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return blake2b(text.encode(), key=secret, digest_size=32).hexdigest()  # a keyed MAC


def cache_disabled(options: Options) -> bool:
    """``--no-cache`` / ``dask-no-cache = true`` or ``FLAKE8_DASK_NO_CACHE=1``."""
    env = os.environ.get("FLAKE8_DASK_NO_CACHE", "")
    return getattr(options, "no_cache", False) or env.strip().lower() in _TRUE


def summary_options(options: Options) -> Options:
    """The options a summary is computed with: an imported module is a plain ``.py`` file
    (not a notebook), whatever the checked file is."""
    return replace(options, notebook=False, cell_marker="", cell_numbers=())


def options_fingerprint(options: Options) -> str:
    values = asdict(summary_options(options))
    values.pop("no_cache", None)  # where the result is kept does not change it
    text = json.dumps(values, sort_keys=True, default=list)
    return digest(text.encode())


_TOOL: list[str] = []


def tool_fingerprint() -> str:
    """The version, and a digest of the model's source: a summary depends on the model's
    code, and a development install keeps its version while that code changes."""
    if not _TOOL:
        hasher = blake2b(digest_size=32)
        model = Path(__file__).resolve().parent.parent / "model"
        try:
            for path in sorted(model.rglob("*.py")):
                hasher.update(path.relative_to(model).as_posix().encode() + b"\0")
                hasher.update(path.read_bytes())
            _TOOL.append(f"{__version__}+{hasher.hexdigest()[:16]}")
        except OSError:  # a zipped installation: the version alone
            _TOOL.append(__version__)
    return _TOOL[0]


def _name(value) -> bool:
    return (type(value) is str and 0 < len(value) <= MAX_NAME and
            all(part.isidentifier() for part in value.split(".")))


def _task(entry) -> bool:
    return (type(entry) is dict and entry.keys() == _TASK_KEYS and
            (entry["module"] is None or _name(entry["module"])) and
            type(entry["level"]) is int and 0 <= entry["level"] <= 100 and
            _name(entry["name"]) and
            type(entry["site"]) is str and len(entry["site"]) <= MAX_TEXT and
            type(entry["api"]) is str and len(entry["api"]) <= MAX_TEXT and
            type(entry["line"]) is int and 0 < entry["line"] < 10**8 and
            type(entry["lazy"]) is bool and type(entry["per_chunk"]) is bool)


_TASK_KEYS = frozenset({"module", "level", "name", "site", "api", "line", "lazy", "per_chunk"})


def valid_summary(summary) -> bool:
    """A summary as :func:`flake8_dask.model.summary.summarize` makes them: only its
    documented keys, names that are (dotted) identifiers, kinds from K, bounded sizes."""
    if type(summary) is not dict or summary.keys() != {"returns", "tasks"}:
        return False
    returns, tasks = summary["returns"], summary["tasks"]
    return (type(returns) is dict and len(returns) <= MAX_ITEMS and
            all(_name(k) and type(v) is str and v in KIND_VALUES for k, v in returns.items())
            and type(tasks) is list and len(tasks) <= MAX_ITEMS and all(map(_task, tasks)))


def _site(site) -> bool:
    return (type(site) is dict and site.keys() == {"api", "place", "lazy", "per_chunk"} and
            type(site["api"]) is str and len(site["api"]) <= MAX_TEXT and
            type(site["place"]) is str and len(site["place"]) <= MAX_TEXT and
            type(site["lazy"]) is bool and type(site["per_chunk"]) is bool)


def valid_index(index) -> bool:
    """A project index as :func:`~.view.project_index` makes it: ``tasks`` (relative path ->
    function name -> sites) and ``returns`` (relative path -> name -> kind), bounded."""
    if type(index) is not dict or index.keys() != {"tasks", "returns"}:
        return False
    tasks, returns = index["tasks"], index["returns"]
    return (type(tasks) is dict and len(tasks) <= MAX_ITEMS and
            all(type(path) is str and len(path) <= MAX_TEXT and type(names) is dict and
                all(_name(name) and type(sites) is list and len(sites) <= MAX_ITEMS and
                    all(map(_site, sites)) for name, sites in names.items())
                for path, names in tasks.items()) and
            type(returns) is dict and len(returns) <= MAX_PROJECT_ITEMS and
            all(type(path) is str and len(path) <= MAX_TEXT and type(kinds) is dict and
                len(kinds) <= MAX_ITEMS and
                all(_name(k) and type(v) is str and v in KIND_VALUES for k, v in kinds.items())
                for path, kinds in returns.items()))


def default_directory(project_root: str) -> tuple[str, bool]:
    """(the cache directory, whether the user chose it: ``FLAKE8_DASK_CACHE_DIR``)."""
    chosen = os.environ.get("FLAKE8_DASK_CACHE_DIR", "").strip()
    if chosen:
        return os.path.abspath(os.path.expanduser(chosen)), True
    return os.path.join(project_root, CACHE_DIR_NAME), False


class SummaryCache:
    """The summaries of one cache directory. Never raises."""

    def __init__(self, directory: str, chosen: bool = False) -> None:
        self.directory = directory
        self.entries = os.path.join(directory, "summaries")
        #: the directory was named by the user (a symlink is then theirs to make)
        self.chosen = chosen
        self._ready: bool | None = None  # None: not created yet; False: cannot write
        self._safe: bool | None = None

    @staticmethod
    def key(source_hash: str, tool: str, options: str) -> str:
        text = json.dumps([source_hash, tool, options, SUMMARY_FORMAT])
        return digest(text.encode())

    def _safe_directory(self) -> bool:
        """The directories are real directories (not links planted by the checked
        repository to make us write elsewhere), unless the user chose the location."""
        if self._safe is None:
            self._safe = self.chosen or self._plain_directories()
        return self._safe

    def _plain_directories(self) -> bool:
        for d in (self.directory, self.entries):
            try:
                if not stat.S_ISDIR(os.lstat(d).st_mode):
                    return False
            except FileNotFoundError:
                continue
            except OSError:
                return False
        return True

    def read(self, source_hash: str, tool: str, options: str) -> dict | None:
        """The cached summary, or None when there is none to trust."""
        entry = self._read_entry(self.key(source_hash, tool, options))
        if (entry is None or entry.get("format") != SUMMARY_FORMAT or
                entry.get("source") != source_hash or entry.get("tool") != tool or
                entry.get("options") != options or not valid_summary(entry.get("summary"))):
            return None
        return entry["summary"]

    def read_index(self, files: str, tool: str, options: str) -> dict | None:
        """The cached index of a project whose files (paths, sizes, mtimes) hash to
        ``files``, or None."""
        entry = self._read_entry("index-" + self.key(files, tool, options), MAX_INDEX_BYTES)
        if (entry is None or entry.get("format") != SUMMARY_FORMAT or
                entry.get("files") != files or entry.get("tool") != tool or
                entry.get("options") != options or not valid_index(entry.get("index"))):
            return None
        return entry["index"]

    def write_index(self, files: str, tool: str, options: str, index: dict) -> None:
        if valid_index(index):
            self._write_entry("index-" + self.key(files, tool, options),
                              {"format": SUMMARY_FORMAT, "files": files, "tool": tool,
                               "options": options, "index": index})

    def _read_entry(self, name: str, limit: int = MAX_ENTRY_BYTES) -> dict | None:
        """The entry ``name`` when it is a plain, bounded JSON object signed with this
        user's secret; None otherwise."""
        path = os.path.join(self.entries, name + ".json")
        if not self._safe_directory():
            return None
        try:
            # no symlink, no FIFO or device (a read would block or never end), bounded size
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) |
                         getattr(os, "O_NONBLOCK", 0))
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
                return None
            with os.fdopen(fd, "rb", closefd=False) as f:
                data = f.read(limit + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        try:
            entry = json.loads(data)
        except (ValueError, RecursionError):
            return None
        if type(entry) is not dict:
            return None
        mac = _mac(entry)
        if mac is None or entry.get("mac") != mac:
            return None  # not written by this user on this machine: a forged entry
        return entry

    def write(self, source_hash: str, tool: str, options: str, summary: dict) -> None:
        if valid_summary(summary):
            self._write_entry(self.key(source_hash, tool, options),
                              {"format": SUMMARY_FORMAT, "source": source_hash, "tool": tool,
                               "options": options, "summary": summary})

    def _write_entry(self, name: str, entry: dict) -> None:
        if not self._prepare():
            return
        mac = _mac(entry)
        if mac is None:
            return  # no secret of our own: no cache (never an entry we could not verify)
        entry["mac"] = mac
        try:
            _write_atomic(os.path.join(self.entries, name + ".json"),
                          json.dumps(entry, separators=(",", ":")).encode())
        except OSError as exc:
            self._give_up(exc)

    def _prepare(self) -> bool:
        if self._ready is None:
            try:
                if not self._safe_directory():  # before creating anything through a link
                    raise OSError(f"{self.directory} is not a plain directory")
                os.makedirs(self.entries, exist_ok=True)
                self._safe = None
                if not self._safe_directory():
                    raise OSError(f"{self.directory} is not a plain directory")
                for name, text in (("CACHEDIR.TAG", CACHEDIR_TAG), (".gitignore", "*\n")):
                    path = os.path.join(self.directory, name)
                    if not os.path.lexists(path):
                        _write_atomic(path, text.encode())
                self._ready = True
            except OSError as exc:
                self._give_up(exc)
        return bool(self._ready)

    def _give_up(self, exc: OSError) -> None:
        if self._ready is not False:
            log.debug("flake8-dask: not caching summaries in %s: %s", self.directory, exc)
        self._ready = False


def _write_atomic(path: str, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
