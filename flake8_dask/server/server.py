"""The language server: pygls handlers over :mod:`.analysis` (what is computed) and
:mod:`.documents` (the open documents and the debounced linter).

Features: diagnostics (open, change, save; notebooks per cell), code actions (a ``quickfix``
per fixable finding, "Disable DSKnnn for this line", ``source.fixAll.flake8-dask``) with
their edits computed lazily in ``codeAction/resolve`` when the client can resolve them, and
hover on a diagnostic's range (the rule's documentation).
"""

from __future__ import annotations

import logging
from functools import wraps
from urllib.parse import urlparse
from urllib.request import url2pathname

from lsprotocol import types as t
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from .. import __version__
from ..project import clear_memo
from . import analysis
from .actions import FIX_ALL, code_actions, hover, resolve
from .documents import CellSnapshot, Documents, Linter, Result, Snapshot
from .settings import Settings, update

log = logging.getLogger(__name__)
NAME = "flake8-dask"


def uri_to_path(uri: str) -> str | None:
    """The file path of a ``file:`` URI (``None`` for ``untitled:`` and the like)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return url2pathname(parsed.path)


class Protocol(LanguageServerProtocol):
    """pygls' protocol, except that a request whose params do not follow the protocol gets
    an InvalidParams error as its answer (pygls logs it and never answers: the client would
    wait forever)."""

    def structure_message(self, data):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "id" in data and "method" in data:
                cause = str(exc.__cause__ or exc).splitlines()[0]
                self._send_response(data["id"], error=JsonRpcInvalidParams(
                    f"invalid params for {data['method']}: {cause}").to_response_error())
            raise


class DaskLanguageServer(LanguageServer):
    def __init__(self):
        super().__init__(
            NAME, __version__, protocol_cls=Protocol,
            text_document_sync_kind=t.TextDocumentSyncKind.Incremental,
            notebook_document_sync=t.NotebookDocumentSyncOptions(
                notebook_selector=[t.NotebookDocumentFilterWithCells(
                    cells=[t.NotebookCellLanguage(language="python")], notebook="*")],
                save=True))
        self.settings = Settings()
        self.documents = Documents()
        self.linter = Linter(self.documents, self.publish,
                             lambda: self.settings.lint_delay / 1000)
        self.resolve_support = False
        self.document_changes = False
        self._shown: set[str] = set()

    # ------------------------------------------------------------ sending
    def publish(self, snap: Snapshot, result: Result) -> None:
        problems = result.lint.problems if self.settings.lint_enable else []
        for message in result.lint.messages:
            self.log_message(f"{snap.uri}: {message}", t.MessageType.Info)
        if snap.cells is None:
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(
                snap.uri, [self.diagnostic(p, snap.text) for p in problems], snap.version))
            return
        for number, cell in enumerate(snap.cells, start=1):
            diagnostics = [self.diagnostic(p, cell.text) for p in problems if p.cell == number]
            self.text_document_publish_diagnostics(
                t.PublishDiagnosticsParams(cell.uri, diagnostics, cell.version))

    def clear(self, snap: Snapshot) -> None:
        for uri in [c.uri for c in snap.cells] if snap.cells is not None else [snap.uri]:
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri, []))

    def log_message(self, message: str, kind: t.MessageType = t.MessageType.Log) -> None:
        self.window_log_message(t.LogMessageParams(kind, message))

    def show_once(self, message: str) -> None:
        """A message the user must see (a bad configuration), once per text."""
        if message not in self._shown:
            self._shown.add(message)
            self.window_show_message(t.ShowMessageParams(t.MessageType.Warning,
                                                         f"flake8-dask: {message}"))

    # ------------------------------------------------------------ positions
    def range(self, text: str, line: int, col: int, end_line: int, end_col: int) -> t.Range:
        """A range in code points as the client counts (UTF-16 units unless negotiated)."""
        start, end = t.Position(line, col), t.Position(end_line, end_col)
        if text.isascii():
            return t.Range(start, end)
        lines, codec = _lines(text), self.workspace.position_codec
        return t.Range(codec.position_to_client_units(lines, start),
                       codec.position_to_client_units(lines, end))

    def from_client(self, text: str, position: t.Position) -> tuple[int, int]:
        if text.isascii():
            return position.line, position.character
        p = self.workspace.position_codec.position_from_client_units(
            _lines(text), t.Position(position.line, position.character))
        return p.line, p.character

    def diagnostic(self, p: analysis.Problem, text: str) -> t.Diagnostic:
        href = analysis.rule_href(p.code)
        return t.Diagnostic(
            range=self.range(text, p.line, p.col, p.end_line, p.end_col),
            message=p.message, severity=t.DiagnosticSeverity.Warning, code=p.code,
            code_description=t.CodeDescription(href=href) if href else None, source=NAME,
            data={"fix": p.fix_safety, "title": p.fix_title})

    def text_edit(self, text: str, e: analysis.Edit) -> t.TextEdit:
        return t.TextEdit(self.range(text, e.line, e.col, e.end_line, e.end_col), e.text)

    def workspace_edit(self, snap: Snapshot, edits: dict[str, list[analysis.Edit]]
                       ) -> t.WorkspaceEdit:
        texts = {c.uri: (c.text, c.version) for c in snap.cells or ()}
        texts.setdefault(snap.uri, (snap.text, snap.version))
        converted = {uri: [self.text_edit(texts[uri][0], e) for e in es]
                     for uri, es in edits.items() if es}
        if not self.document_changes:
            return t.WorkspaceEdit(changes=converted)
        return t.WorkspaceEdit(document_changes=[
            t.TextDocumentEdit(t.OptionalVersionedTextDocumentIdentifier(uri, texts[uri][1]),
                               es) for uri, es in converted.items()])


def _lines(text: str) -> list[str]:
    from ..fix.sourcefile import split_lines

    return split_lines(text) or [""]


def guarded(handler):
    """Keep serving through a bug: log it, answer a request with an error (pygls turns the
    exception into the error response) and go on."""
    @wraps(handler)
    def run(ls: DaskLanguageServer, params):
        try:
            return handler(ls, params)
        except JsonRpcException:
            raise
        except Exception as exc:
            log.exception("%s failed", handler.__name__)
            ls.log_message(f"flake8-dask: {handler.__name__} failed: "
                           f"{type(exc).__name__}: {exc}", t.MessageType.Error)
            raise
    return run


def create_server() -> DaskLanguageServer:
    ls = DaskLanguageServer()

    @ls.feature(t.INITIALIZE)
    @guarded
    def initialize(ls: DaskLanguageServer, params: t.InitializeParams):
        ls.settings = update(ls.settings, params.initialization_options)
        caps = params.capabilities
        action = caps.text_document.code_action if caps.text_document else None
        resolve = action.resolve_support if action else None
        ls.resolve_support = bool(resolve and "edit" in resolve.properties)
        edit = caps.workspace.workspace_edit if caps.workspace else None
        ls.document_changes = bool(edit and edit.document_changes)

    @ls.feature(t.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @guarded
    def did_change_configuration(ls: DaskLanguageServer, params):
        ls.settings = update(ls.settings, params.settings)
        for uri in ls.documents.uris():
            ls.linter.schedule(uri, now=True)

    # ------------------------------------------------------------ text documents
    def text_snapshot(ls, uri: str) -> None:
        doc = ls.workspace.get_text_document(uri)
        ls.documents.put(Snapshot(uri, doc.version, uri_to_path(uri), doc.source))

    @ls.feature(t.TEXT_DOCUMENT_DID_OPEN)
    @guarded
    def did_open(ls: DaskLanguageServer, params: t.DidOpenTextDocumentParams):
        text_snapshot(ls, params.text_document.uri)
        ls.linter.schedule(params.text_document.uri, now=True)

    @ls.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    @guarded
    def did_change(ls: DaskLanguageServer, params: t.DidChangeTextDocumentParams):
        uri = params.text_document.uri
        if ls.documents.get(uri) is None:  # a cell: notebookDocument/didChange carries it
            return
        text_snapshot(ls, uri)
        ls.linter.schedule(uri)

    @ls.feature(t.TEXT_DOCUMENT_DID_SAVE)
    @guarded
    def did_save(ls: DaskLanguageServer, params: t.DidSaveTextDocumentParams):
        clear_memo()  # a saved module can change what the other modules of its project see
        if ls.documents.get(params.text_document.uri) is not None:
            ls.linter.schedule(params.text_document.uri, now=True)

    def close(ls, uri: str) -> None:
        snap = ls.documents.remove(uri)
        if snap is not None:
            ls.clear(snap)

    @ls.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    @guarded
    def did_close(ls: DaskLanguageServer, params: t.DidCloseTextDocumentParams):
        close(ls, params.text_document.uri)

    # ------------------------------------------------------------ notebooks
    def notebook_snapshot(ls, uri: str) -> None:
        nb = ls.workspace.get_notebook_document(notebook_uri=uri)
        if nb is None:
            return
        cells = []
        for cell in nb.cells:
            doc = ls.workspace.get_text_document(cell.document)
            cells.append(CellSnapshot(cell.document, cell.kind == t.NotebookCellKind.Code,
                                      doc.source, doc.version))
        ls.documents.put(Snapshot(uri, nb.version, uri_to_path(uri), cells=cells))

    @ls.feature(t.NOTEBOOK_DOCUMENT_DID_OPEN)
    @guarded
    def notebook_did_open(ls: DaskLanguageServer, params: t.DidOpenNotebookDocumentParams):
        uri = params.notebook_document.uri
        notebook_snapshot(ls, uri)
        ls.linter.schedule(uri, now=True)

    @ls.feature(t.NOTEBOOK_DOCUMENT_DID_CHANGE)
    @guarded
    def notebook_did_change(ls: DaskLanguageServer,
                            params: t.DidChangeNotebookDocumentParams):
        uri = params.notebook_document.uri
        old = ls.documents.get(uri)
        notebook_snapshot(ls, uri)
        new = ls.documents.get(uri)
        if old is not None and new is not None:  # removed cells lose their diagnostics
            gone = {c.uri for c in old.cells or ()} - {c.uri for c in new.cells or ()}
            for cell_uri in gone:
                ls.text_document_publish_diagnostics(t.PublishDiagnosticsParams(cell_uri, []))
        ls.linter.schedule(uri)

    @ls.feature(t.NOTEBOOK_DOCUMENT_DID_SAVE)
    @guarded
    def notebook_did_save(ls: DaskLanguageServer, params: t.DidSaveNotebookDocumentParams):
        ls.linter.schedule(params.notebook_document.uri, now=True)

    @ls.feature(t.NOTEBOOK_DOCUMENT_DID_CLOSE)
    @guarded
    def notebook_did_close(ls: DaskLanguageServer, params: t.DidCloseNotebookDocumentParams):
        close(ls, params.notebook_document.uri)

    # ------------------------------------------------------------ code actions, hover
    ls.feature(t.TEXT_DOCUMENT_CODE_ACTION, t.CodeActionOptions(
        code_action_kinds=[t.CodeActionKind.QuickFix, t.CodeActionKind.SourceFixAll, FIX_ALL],
        resolve_provider=True))(ls.thread()(guarded(code_actions)))
    ls.feature(t.CODE_ACTION_RESOLVE)(ls.thread()(guarded(resolve)))
    ls.feature(t.TEXT_DOCUMENT_HOVER)(ls.thread()(guarded(hover)))

    @ls.feature(t.SHUTDOWN)
    def shutdown(ls: DaskLanguageServer, params):
        ls.linter.stop()

    return ls
