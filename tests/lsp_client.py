"""A small synchronous LSP client over a subprocess's pipes, for the end-to-end tests of the
language server and of the pylsp plugin (and the server benchmark).

Messages are plain JSON; the answers the tests look at are structured with lsprotocol's own
converter (``structure``), so a reply that does not follow the protocol fails the test. A
reader thread queues every message the server sends; ``send_raw`` writes any bytes (for the
malformed-input tests).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from lsprotocol import types as t
from lsprotocol.converters import get_converter

CONVERTER = get_converter()
ROOT = Path(__file__).resolve().parent.parent


class LspError(Exception):
    def __init__(self, error: dict):
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = error.get("code")
        self.message = error.get("message", "")


def structure(value, cls):
    return CONVERTER.structure(value, cls)


def unstructure(value):
    return CONVERTER.unstructure(value)


def server_command(*extra: str) -> list[str]:
    return [sys.executable, "-m", "flake8_dask.server", *extra]


class Client:
    def __init__(self, command: list[str], cwd: str | None = None, env: dict | None = None):
        environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd, env=environment)
        self.messages: queue.Queue = queue.Queue()
        self.notifications: list[dict] = []
        self.responses: dict[int, dict] = {}
        self._next_id = 0
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.stderr_lines: list[bytes] = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    # ------------------------------------------------------------ transport
    def _drain_stderr(self) -> None:
        for line in self.proc.stderr:
            self.stderr_lines.append(line)

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            body = out.read(length)
            self.messages.put(json.loads(body))

    def send_raw(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def _pump(self, timeout: float) -> bool:
        """Take one message off the queue (answering the server's requests); False on
        timeout or when the server has closed its output."""
        try:
            message = self.messages.get(timeout=timeout)
        except queue.Empty:
            return False
        if message is None:
            self.messages.put(None)
            raise EOFError("the server closed its output")
        if "id" in message and "method" in message:  # a request from the server
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        elif "id" in message:
            self.responses[message["id"]] = message
        else:
            self.notifications.append(message)
        return True

    # ------------------------------------------------------------ protocol
    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": _plain(params)})

    def request_async(self, method: str, params) -> int:
        with self._lock:
            self._next_id += 1
            msg_id = self._next_id
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": _plain(params)})
        return msg_id

    def response(self, msg_id: int, timeout: float = 30):
        deadline = time.monotonic() + timeout
        while msg_id not in self.responses:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no answer to request {msg_id}")
            self._pump(max(0.01, deadline - time.monotonic()))
        message = self.responses.pop(msg_id)
        if "error" in message:
            raise LspError(message["error"])
        return message.get("result")

    def request(self, method: str, params, timeout: float = 30):
        return self.response(self.request_async(method, params), timeout)

    def wait_notification(self, method: str, predicate=lambda params: True,
                          timeout: float = 30, start: int = 0) -> dict:
        """The first notification ``method`` (from index ``start`` of all notifications
        received) whose params satisfy ``predicate``."""
        deadline = time.monotonic() + timeout
        seen = start
        while True:
            for message in self.notifications[seen:]:
                seen += 1
                if message.get("method") == method and predicate(message.get("params")):
                    return message["params"]
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} notification")
            self._pump(max(0.01, min(0.2, deadline - time.monotonic())))

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = 30,
                    start: int = 0) -> t.PublishDiagnosticsParams:
        params = self.wait_notification(
            "textDocument/publishDiagnostics",
            lambda p: p["uri"] == uri and (version is None or p.get("version") == version),
            timeout, start)
        return structure(params, t.PublishDiagnosticsParams)

    def initialize(self, root: Path, options=None, resolve: bool = True,
                   document_changes: bool = True, check: bool = True):
        """The server's InitializeResult (``check=False``: as JSON, for a server whose
        result lsprotocol's converter cannot read, pylsp's notebook selector)."""
        capabilities = {
            "textDocument": {
                "codeAction": {
                    "codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                        "quickfix", "source", "source.fixAll"]}},
                    **({"resolveSupport": {"properties": ["edit"]}} if resolve else {}),
                },
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "publishDiagnostics": {"versionSupport": True},
            },
            "workspace": {"workspaceEdit": {"documentChanges": document_changes}},
            "notebookDocument": {"synchronization": {}},
        }
        result = self.request("initialize", {
            "processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": capabilities,
            "initializationOptions": options or {}})
        self.notify("initialized", {})
        return structure(result, t.InitializeResult) if check else result

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": version, "text": text}})

    def change(self, uri: str, version: int, text: str) -> None:
        """A whole-text change (a range-less content change)."""
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": text}]})

    def code_actions(self, uri: str, line: int, end_line: int | None = None,
                     only: list[str] | None = None) -> list[t.CodeAction]:
        end = line if end_line is None else end_line
        context = {"diagnostics": [], **({"only": only} if only else {})}
        result = self.request("textDocument/codeAction", {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": line, "character": 0},
                      "end": {"line": end, "character": 0}},
            "context": context})
        return [structure(a, t.CodeAction) for a in result or []]

    def resolve(self, action: t.CodeAction) -> t.CodeAction:
        return structure(self.request("codeAction/resolve", unstructure(action)), t.CodeAction)

    def shutdown(self, timeout: float = 15) -> int:
        self.request("shutdown", None)
        self.notify("exit", None)
        return self.proc.wait(timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:
                pass


def _plain(params):
    if params is None or isinstance(params, (dict, list)):
        return params
    return unstructure(params)


# ---------------------------------------------------------------- applying edits
def _offset(text: str, line: int, character: int) -> int:
    """A UTF-16 position in ``text`` as a string offset (LSP's default encoding)."""
    lines = text.splitlines(keepends=True)
    offset = sum(len(x) for x in lines[:line])
    if line >= len(lines):
        return len(text)
    units, i = 0, 0
    body = lines[line]
    while i < len(body) and units < character:
        units += 2 if ord(body[i]) > 0xFFFF else 1
        i += 1
    return offset + i


def apply_text_edits(text: str, edits: list[t.TextEdit]) -> str:
    spans = [(_offset(text, e.range.start.line, e.range.start.character),
              _offset(text, e.range.end.line, e.range.end.character), e.new_text)
             for e in edits]
    spans.sort(reverse=True)
    for i in range(1, len(spans)):
        assert spans[i][1] <= spans[i - 1][0], f"overlapping edits: {spans}"
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def apply_workspace_edit(texts: dict[str, str], edit: t.WorkspaceEdit) -> dict[str, str]:
    """The documents (by URI) after ``edit``: its ``documentChanges`` or ``changes``."""
    out = dict(texts)
    if edit.document_changes:
        for change in edit.document_changes:
            assert isinstance(change, t.TextDocumentEdit), change
            out[change.text_document.uri] = apply_text_edits(out[change.text_document.uri],
                                                             list(change.edits))
    for uri, edits in (edit.changes or {}).items():
        out[uri] = apply_text_edits(out[uri], list(edits))
    return out
