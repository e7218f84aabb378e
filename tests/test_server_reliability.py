"""The language server keeps serving through what issue #15 lists: a syntax error while
typing, a huge document superseded by a newer version, requests for versions or documents
it has not seen, malformed and unknown requests, broken notebook cells, an exception inside
a rule, a fix that fails, and a client that disconnects. It never writes to disk."""

from __future__ import annotations

import sys
import textwrap
import time

import pytest

from lsp_client import ROOT, Client, LspError, apply_workspace_edit, server_command

pytestmark = pytest.mark.runtime

SOURCE = textwrap.dedent("""\
    import dask.dataframe as dd

    ddf = dd.read_csv("x.csv")
    ddf.fillna(0, inplace=True)
    """)


@pytest.fixture
def workspace(tmp_path):
    (tmp_path / "setup.cfg").write_text("[flake8]\n")
    return tmp_path


def start(workspace, *command: str, delay: int = 0) -> Client:
    c = Client(list(command) or server_command(), cwd=str(workspace))
    c.initialize(workspace, {"settings": {"lint": {"delay": delay}}})
    return c


def alive(c: Client) -> None:
    """The server still answers a request."""
    assert c.request("textDocument/hover", {
        "textDocument": {"uri": "file:///nowhere.py"},
        "position": {"line": 0, "character": 0}}, timeout=10) is None


def test_syntax_error_while_typing_clears_diagnostics(workspace):
    c = start(workspace)
    try:
        uri = (workspace / "typing.py").as_uri()
        c.open(uri, SOURCE)
        assert len(c.diagnostics(uri, 1).diagnostics) == 1
        c.change(uri, 2, SOURCE + "ddf.fillna(0, inplace=\n")
        assert not c.diagnostics(uri, 2).diagnostics  # no stale diagnostics kept
        assert c.code_actions(uri, 3) == []
        c.change(uri, 3, SOURCE)
        assert len(c.diagnostics(uri, 3).diagnostics) == 1
        assert c.shutdown() == 0
    finally:
        c.close()


def test_huge_document_superseded(workspace):
    """A newer version replaces a huge one being analysed: the huge one's diagnostics are
    never published, and requests answer on the newer version."""
    c = start(workspace, delay=50)
    try:
        uri = (workspace / "huge.py").as_uri()
        block = "ddf{i} = dd.read_csv('f{i}.csv')\nddf{i}.fillna(0, inplace=True)\n"
        huge = "import dask.dataframe as dd\n" + "".join(block.format(i=i)
                                                         for i in range(4000))
        c.open(uri, huge)
        c.change(uri, 2, SOURCE)
        began = time.monotonic()
        actions = c.code_actions(uri, 3)  # on version 2, whatever the linter is doing
        assert [a.title for a in actions][0].startswith("flake8-dask (DSK408)")
        published = c.diagnostics(uri, 2)
        assert len(published.diagnostics) == 1
        assert time.monotonic() - began < 30
        time.sleep(0.3)
        c._pump(0.1)
        versions = [n["params"].get("version") for n in c.notifications
                    if n.get("method") == "textDocument/publishDiagnostics"
                    and n["params"]["uri"] == uri]
        assert 1 not in versions, versions
        assert c.shutdown() == 0
    finally:
        c.close()


def test_unknown_versions_and_documents(workspace):
    c = start(workspace)
    try:
        uri = (workspace / "versions.py").as_uri()
        c.open(uri, SOURCE)
        c.diagnostics(uri, 1)
        fix = c.code_actions(uri, 3)[0]
        c.change(uri, 2, SOURCE + "\n")
        c.diagnostics(uri, 2)
        with pytest.raises(LspError) as stale:
            c.resolve(fix)  # made for version 1
        assert stale.value.code == -32801  # ContentModified: ask again
        fix.data["version"] = 99
        with pytest.raises(LspError):
            c.resolve(fix)
        # Documents the server never saw.
        assert c.code_actions("file:///never/opened.py", 0) == []
        c.notify("textDocument/didChange", {
            "textDocument": {"uri": "file:///never/opened.py", "version": 7},
            "contentChanges": [{"text": "x = 1\n"}]})
        c.notify("notebookDocument/didChange", {
            "notebookDocument": {"uri": "file:///never/nb.ipynb", "version": 3},
            "change": {"cells": {"textContent": []}}})
        alive(c)
        assert c.shutdown() == 0
    finally:
        c.close()


def test_malformed_and_unknown_requests(workspace):
    c = start(workspace)
    try:
        body = b"{this is not json"
        c.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        c.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"oops": 1}})
        c.send_raw(b"Content-Length: 2\r\n\r\n[]")
        with pytest.raises(LspError) as unknown:
            c.request("flake8-dask/noSuchMethod", {})
        assert unknown.value.code == -32601
        with pytest.raises(LspError) as invalid:
            c.request("textDocument/codeAction", {"textDocument": 3})
        assert invalid.value.code in (-32602, -32603)
        with pytest.raises(LspError):
            c.request("codeAction/resolve", {"title": "x", "data": {"nonsense": True}})
        alive(c)
        uri = (workspace / "after.py").as_uri()
        c.open(uri, SOURCE)
        assert len(c.diagnostics(uri, 1).diagnostics) == 1
        assert c.shutdown() == 0
    finally:
        c.close()


def test_broken_notebook(workspace):
    c = start(workspace)
    try:
        nb = (workspace / "broken.ipynb").as_uri()
        cells = ["import dask.dataframe as dd\n", "def (:\n", "%%bash\nls\n",
                 "dd.read_csv('x').fillna(0, inplace=True)\n"]
        c.notify("notebookDocument/didOpen", {
            "notebookDocument": {"uri": nb, "notebookType": "jupyter-notebook", "version": 1,
                                 "cells": [{"kind": 2, "document": f"{nb}#c{i}"}
                                           for i in range(len(cells))]},
            "cellTextDocuments": [{"uri": f"{nb}#c{i}", "languageId": "python",
                                   "version": 1, "text": text}
                                  for i, text in enumerate(cells)]})
        assert not c.diagnostics(f"{nb}#c1").diagnostics
        assert [d.code for d in c.diagnostics(f"{nb}#c3").diagnostics] == ["DSK408"]
        # A notebook without cells, then a cell list that does not match the documents.
        c.notify("notebookDocument/didOpen", {
            "notebookDocument": {"uri": nb + "2", "notebookType": "jupyter-notebook",
                                 "version": 1, "cells": [{"kind": 2, "document": "c:x"}]},
            "cellTextDocuments": []})
        alive(c)
        assert c.shutdown() == 0
    finally:
        c.close()


def test_exception_in_a_rule_or_a_fix(workspace):
    c = start(workspace, sys.executable, str(ROOT / "tests" / "run_server_with_test_rules.py"))
    try:
        uri = (workspace / "crash.py").as_uri()
        c.open(uri, "import dask\nx = dask.delayed(1)\nx.explode_in_rule()\n")
        published = c.diagnostics(uri, 1).diagnostics
        assert [d.code for d in published] == ["DSK000"]
        assert "RuntimeError: a bug in a rule" in published[0].message
        hover = c.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                 "position": {"line": 0, "character": 0}})
        assert "internal-error" in hover["contents"]["value"]
        # A fix that raises, and one that writes code that does not compile: no edit.
        other = (workspace / "fixes.py").as_uri()
        c.open(other, "import dask\nx = dask.delayed(1)\nx.crash()\nx.explode()\n")
        assert {d.code for d in c.diagnostics(other, 1).diagnostics} >= {"DSK993", "DSK995"}
        for line in (2, 3):
            fix = [a for a in c.code_actions(other, line) if "Disable" not in a.title]
            with pytest.raises(LspError) as failed:
                c.resolve(fix[0])
            assert failed.value.code == -32803 and "flake8-dask" in failed.value.message
        alive(c)
        assert c.shutdown() == 0
    finally:
        c.close()


def test_never_writes_to_disk(workspace):
    path = workspace / "on_disk.py"
    path.write_text(SOURCE)
    before = {p: p.read_bytes() for p in workspace.iterdir()}
    c = start(workspace)
    try:
        uri = path.as_uri()
        buffer = SOURCE + "ddf.rename(columns={'a': 'b'}, inplace=True)\n"
        c.open(uri, buffer)
        c.diagnostics(uri, 1)
        fix_all = c.code_actions(uri, 0, only=["source.fixAll.flake8-dask"])
        fixed = apply_workspace_edit({uri: buffer}, c.resolve(fix_all[0]).edit)[uri]
        assert "ddf = ddf.rename(" in fixed
        c.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
        assert c.shutdown() == 0
    finally:
        c.close()
    assert {p: p.read_bytes() for p in workspace.iterdir()} == before


@pytest.mark.parametrize("while_analysing", [False, True])
def test_client_disconnects(workspace, while_analysing):
    c = start(workspace)
    try:
        if while_analysing:
            text = "import dask.dataframe as dd\n" + "ddf = dd.read_csv('x')\n" * 20000
            c.open((workspace / "big.py").as_uri(), text)
        c.proc.stdin.close()  # the editor went away without shutdown/exit
        assert c.proc.wait(timeout=30) is not None
    finally:
        c.close()
