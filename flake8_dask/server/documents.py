"""The server's copy of the open documents and the debounced linter.

The handlers (on pygls' event loop) record each new version here; one worker thread analyses
the documents a while after their last change (``lint.delay``), newest version only, and
hands the result to ``publish``, unless a newer version arrived in the meantime: a stale
analysis is dropped, never published, and the newer version is already queued. A request
(code actions, hover) never waits for the worker: it reuses the analysis of the current
version, or makes one itself.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from . import analysis

log = logging.getLogger(__name__)


@dataclass
class CellSnapshot:
    uri: str
    code: bool
    text: str
    version: int | None = None


@dataclass
class Snapshot:
    """One version of a document: a Python text, or a notebook's cells."""

    uri: str
    version: int | None
    path: str | None
    text: str = ""
    cells: list[CellSnapshot] | None = None  # a notebook

    @property
    def cell_list(self) -> list[analysis.Cell]:
        return [analysis.Cell(c.text, c.code) for c in self.cells or ()]


@dataclass
class Result:
    version: int | None
    lint: analysis.Lint = field(default_factory=analysis.Lint)


class Documents:
    """The open documents (by URI), their latest version and analysis; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._docs: dict[str, Snapshot] = {}
        self._results: dict[str, Result] = {}
        self._cell_owner: dict[str, str] = {}  # cell URI -> notebook URI

    def put(self, snap: Snapshot) -> None:
        with self._lock:
            old = self._docs.get(snap.uri)
            if old is not None and old.cells:
                for cell in old.cells:
                    self._cell_owner.pop(cell.uri, None)
            self._docs[snap.uri] = snap
            for cell in snap.cells or ():
                self._cell_owner[cell.uri] = snap.uri

    def remove(self, uri: str) -> Snapshot | None:
        with self._lock:
            snap = self._docs.pop(uri, None)
            self._results.pop(uri, None)
            for cell in (snap.cells or ()) if snap else ():
                self._cell_owner.pop(cell.uri, None)
            return snap

    def get(self, uri: str) -> Snapshot | None:
        with self._lock:
            return self._docs.get(uri)

    def owner(self, uri: str) -> Snapshot | None:
        """The document ``uri`` belongs to: itself, or the notebook of a cell."""
        with self._lock:
            return self._docs.get(self._cell_owner.get(uri, uri))

    def uris(self) -> list[str]:
        with self._lock:
            return list(self._docs)

    def store(self, uri: str, result: Result) -> bool:
        """Keep ``result`` if it is of the document's current version."""
        with self._lock:
            snap = self._docs.get(uri)
            if snap is None or snap.version != result.version:
                return False
            self._results[uri] = result
            return True

    def result(self, uri: str) -> Result | None:
        """The analysis of the document's current version, if there is one."""
        with self._lock:
            snap, result = self._docs.get(uri), self._results.get(uri)
            if snap is None or result is None or result.version != snap.version:
                return None
            return result


def analyse(snap: Snapshot) -> analysis.Lint:
    ctx = analysis.context_for(snap.path)
    if snap.cells is not None:
        lint = analysis.lint_notebook(snap.cell_list, snap.path, ctx)
    else:
        lint = analysis.lint(snap.text, snap.path, ctx)
    if ctx.error:
        lint.messages.insert(0, f"configuration: {ctx.error}")
    return lint


class Linter:
    """One worker thread: debounce, analyse the newest version, publish if still newest."""

    def __init__(self, documents: Documents, publish: Callable[[Snapshot, Result], None],
                 delay: Callable[[], float]):
        self.documents = documents
        self.publish = publish
        self.delay = delay
        self._due: dict[str, float] = {}
        self._cond = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="flake8-dask-linter",
                                        daemon=True)
        self._thread.start()

    def schedule(self, uri: str, now: bool = False) -> None:
        with self._cond:
            self._due[uri] = time.monotonic() + (0 if now else self.delay())
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()

    def _next(self) -> str | None:
        with self._cond:
            while not self._stopped:
                if self._due:
                    uri = min(self._due, key=self._due.__getitem__)
                    wait = self._due[uri] - time.monotonic()
                    if wait <= 0:
                        del self._due[uri]
                        return uri
                    self._cond.wait(wait)
                else:
                    self._cond.wait()
            return None

    def _run(self) -> None:
        while (uri := self._next()) is not None:
            snap = self.documents.get(uri)
            if snap is None:
                continue
            try:
                result = Result(snap.version, analyse(snap))
            except Exception:  # never lose the worker: the next version gets its chance
                log.exception("analysis of %s failed", uri)
                continue
            if self.documents.store(uri, result):
                try:
                    self.publish(snap, result)
                except Exception:
                    log.exception("publishing the diagnostics of %s failed", uri)
            else:
                log.debug("dropped the analysis of %s version %s: superseded", uri,
                          snap.version)


def current_result(documents: Documents, snap: Snapshot) -> Result:
    """The analysis of ``snap`` (the document's current version): the linter's, or a new
    one made here (a request never waits for the linter)."""
    result = documents.result(snap.uri)
    if result is None or result.version != snap.version:
        result = Result(snap.version, analyse(snap))
        documents.store(snap.uri, result)
    return result
