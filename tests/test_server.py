"""End-to-end tests of the language server: the real server (``python -m
flake8_dask.server``) driven over stdio by a real LSP client (tests/lsp_client.py), and every
edit it returns applied to the buffer and compared with the fix command's output on the same
text. The reliability cases of issue #15 are in tests/test_server_reliability.py."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from lsp_client import ROOT, Client, apply_workspace_edit, server_command

pytestmark = pytest.mark.runtime

SOURCE = textwrap.dedent("""\
    import dask.dataframe as dd

    ddf = dd.read_csv("x.csv")
    ddf.fillna(0, inplace=True)
    ddf.sort_values(
        "z",
        inplace=True,
    )
    ddf.rename(columns={"a": "b"}, inplace=True)
    total = ddf.x.sum().compute()
    """)


def fix_command(text: str, path, *flags: str) -> str:
    """What ``python -m flake8_dask.fix -`` makes of ``text`` (the reference for edits)."""
    done = subprocess.run([sys.executable, "-m", "flake8_dask.fix", "-", "--stdin-filename",
                           str(path), *flags], input=text.encode(), capture_output=True,
                          cwd=path.parent, env={"PYTHONPATH": str(ROOT)}, timeout=60)
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.stdout.decode()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("ws")
    (root / "setup.cfg").write_text("[flake8]\nper-file-ignores =\n    quiet_*.py: DSK408\n")
    return root


@pytest.fixture(scope="module")
def client(workspace):
    c = Client(server_command(), cwd=str(workspace))
    c.initialize(workspace, {"settings": {"lint": {"delay": 20}}})
    yield c
    c.close()


def open_doc(client, workspace, name, text):
    path = workspace / name
    uri = path.as_uri()
    client.open(uri, text)
    return path, uri, client.diagnostics(uri, 1)


def test_initialize_advertises_the_features(workspace):
    c = Client(server_command(), cwd=str(workspace))
    try:
        result = c.initialize(workspace)
        caps = result.capabilities
        assert result.server_info.name == "flake8-dask"
        assert caps.code_action_provider.resolve_provider is True
        assert "source.fixAll.flake8-dask" in caps.code_action_provider.code_action_kinds
        assert caps.hover_provider
        assert caps.notebook_document_sync.notebook_selector
        assert c.shutdown() == 0
    finally:
        c.close()


def test_diagnostics_on_open_and_change(client, workspace):
    path, uri, published = open_doc(client, workspace, "diag.py", SOURCE)
    found = [(d.code, d.range.start.line, d.range.end.line) for d in published.diagnostics]
    assert found == [("DSK408", 3, 3), ("DSK408", 4, 7), ("DSK408", 8, 8)]
    first = published.diagnostics[0]
    assert first.source == "flake8-dask"
    assert first.range.start.character == 0 and first.range.end.character == 27
    assert "fillna" in first.message
    # An incremental change: delete the first finding's line.
    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 3, "character": 0},
                                      "end": {"line": 4, "character": 0}}, "text": ""}]})
    after = client.diagnostics(uri, 2)
    assert [(d.code, d.range.start.line) for d in after.diagnostics] == \
        [("DSK408", 3), ("DSK408", 7)]


def test_quick_fix_equals_the_fix_command(client, workspace):
    text = SOURCE.replace('ddf.rename(columns={"a": "b"}, inplace=True)\n', "")
    path, uri, _ = open_doc(client, workspace, "quick.py", text)
    actions = client.code_actions(uri, 3)
    titles = [a.title for a in actions]
    assert "flake8-dask (DSK408): Assign the result instead of `inplace=True`" in titles
    assert "flake8-dask (DSK408): Disable for this line" in titles
    # The unsafe fix (sort_values) is not offered without the unsafeFixes setting.
    assert not [a for a in client.code_actions(uri, 5) if "(unsafe)" in a.title]
    fix = next(a for a in actions if a.title.endswith("`inplace=True`"))
    assert fix.kind == "quickfix" and fix.edit is None  # resolved lazily
    resolved = client.resolve(fix)
    edits = resolved.edit.document_changes[0].edits
    assert len(edits) == 1 and edits[0].range.start.line == 3  # a minimal edit, not the file
    fixed = apply_workspace_edit({uri: text}, resolved.edit)[uri]
    assert fixed == fix_command(text, path)
    assert "ddf = ddf.fillna(0)\n" in fixed


def test_fix_all_equals_the_fix_command(client, workspace):
    path, uri, _ = open_doc(client, workspace, "all.py", SOURCE)
    actions = client.code_actions(uri, 0, only=["source.fixAll.flake8-dask"])
    assert [a.kind for a in actions] == ["source.fixAll.flake8-dask"]
    resolved = client.resolve(actions[0])
    fixed = apply_workspace_edit({uri: SOURCE}, resolved.edit)[uri]
    assert fixed == fix_command(SOURCE, path)
    assert fixed != SOURCE
    assert "inplace=True," in fixed  # the unsafe sort_values fix is not applied


def test_noqa_action_silences_the_line(client, workspace):
    text = SOURCE.replace("ddf.fillna(0, inplace=True)",
                          "ddf.fillna(0, inplace=True)  # noqa: DSK101")
    path, uri, _ = open_doc(client, workspace, "noqa.py", text)
    noqa = [a for a in client.code_actions(uri, 4) if a.title.endswith("for this line")]
    fixed = apply_workspace_edit({uri: text}, client.resolve(noqa[0]).edit)[uri]
    # The sort_values call spans lines 5-8: flake8 reads the noqa of its first line.
    assert "ddf.sort_values(  # noqa: DSK408\n" in fixed
    extend = [a for a in client.code_actions(uri, 3) if a.title.endswith("for this line")]
    fixed = apply_workspace_edit({uri: fixed}, client.resolve(extend[0]).edit)[uri]
    assert "ddf.fillna(0, inplace=True)  # noqa: DSK101, DSK408\n" in fixed
    client.change(uri, 2, fixed)
    left = client.diagnostics(uri, 2).diagnostics
    assert [d.range.start.line for d in left] == [8]  # only rename() is still reported


def test_hover_shows_the_rule_documentation(client, workspace):
    path, uri, _ = open_doc(client, workspace, "hover.py", SOURCE)
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": 6, "character": 4}})
    assert hover["contents"]["kind"] == "markdown"
    assert hover["contents"]["value"].startswith("# DSK408 unsupported-inplace")
    assert "## Why is this bad?" in hover["contents"]["value"]
    assert hover["range"]["start"] == {"line": 4, "character": 0}
    assert client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                 "position": {"line": 1, "character": 0}}) \
        is None


def test_configuration_from_the_documents_path(client, workspace):
    """per-file-ignores of the [flake8] section found from the document's directory."""
    _, _, quiet = open_doc(client, workspace, "quiet_module.py", SOURCE)
    assert not quiet.diagnostics
    sub = workspace / "sub"
    sub.mkdir()
    (sub / "tox.ini").write_text("[flake8]\nselect = DSK7\n")
    _, _, other = open_doc(client, workspace, "sub/module.py", SOURCE)
    assert not other.diagnostics  # DSK408 is not selected there


def test_unsafe_fixes_setting(workspace):
    c = Client(server_command(), cwd=str(workspace))
    try:
        c.initialize(workspace, {"settings": {"unsafeFixes": True, "lint": {"delay": 0}}})
        path = workspace / "unsafe.py"
        text = SOURCE.replace("ddf.fillna(0, inplace=True)\n", "")
        c.open(path.as_uri(), text)
        c.diagnostics(path.as_uri(), 1)
        actions = c.code_actions(path.as_uri(), 3)
        unsafe = [a for a in actions if a.title.endswith("(unsafe)")]
        assert unsafe and unsafe[0].is_preferred is False
        fixed = apply_workspace_edit({path.as_uri(): text}, c.resolve(unsafe[0]).edit)
        assert "ddf = ddf.sort_values(\n" in fixed[path.as_uri()]
        # fix-all applies the unsafe fixes too, as --unsafe-fixes does.
        fix_all = c.code_actions(path.as_uri(), 0, only=["source.fixAll"])
        fixed = apply_workspace_edit({path.as_uri(): text}, c.resolve(fix_all[0]).edit)
        assert fixed[path.as_uri()] == fix_command(text, path, "--unsafe-fixes")
        assert c.shutdown() == 0
    finally:
        c.close()


def test_client_without_resolve_gets_edits_at_once(workspace):
    c = Client(server_command(), cwd=str(workspace))
    try:
        c.initialize(workspace, {"settings": {"lint": {"delay": 0}}}, resolve=False,
                     document_changes=False)
        path = workspace / "eager.py"
        c.open(path.as_uri(), SOURCE)
        actions = c.code_actions(path.as_uri(), 3)
        assert actions and all(a.edit is not None for a in actions)
        fix = actions[0]
        assert list(fix.edit.changes) == [path.as_uri()]
        fixed = apply_workspace_edit({path.as_uri(): SOURCE}, fix.edit)[path.as_uri()]
        assert "ddf = ddf.fillna(0)\n" in fixed
        assert c.shutdown() == 0
    finally:
        c.close()


def cell_uri(n: int) -> str:
    return f"vscode-notebook-cell:/nb.ipynb#C{n}"


def test_notebook_sync(client, workspace):
    cells = ["import dask.dataframe as dd\nddf = dd.read_csv('x.csv')\n",
             "# Cleaning\n",
             "%time ddf.head()\nddf.fillna(0, inplace=True)\n",
             "def broken(:\n",
             "ddf.rename(columns={'a': 'b'}, inplace=True)\n"]
    kinds = [2, 1, 2, 2, 2]
    nb = (workspace / "nb.ipynb").as_uri()
    start = len(client.notifications)
    client.notify("notebookDocument/didOpen", {
        "notebookDocument": {"uri": nb, "notebookType": "jupyter-notebook", "version": 1,
                             "cells": [{"kind": k, "document": cell_uri(i)}
                                       for i, k in enumerate(kinds)]},
        "cellTextDocuments": [{"uri": cell_uri(i), "languageId": "python" if k == 2
                               else "markdown", "version": 1, "text": text}
                              for i, (k, text) in enumerate(zip(kinds, cells))]})
    per_cell = {i: client.diagnostics(cell_uri(i), start=start) for i in range(5)}
    assert [(d.code, d.range.start.line) for d in per_cell[2].diagnostics] == [("DSK408", 1)]
    assert [(d.code, d.range.start.line) for d in per_cell[4].diagnostics] == [("DSK408", 0)]
    assert not per_cell[0].diagnostics and not per_cell[3].diagnostics
    # The broken cell is skipped with a message; the others are analysed as one program.
    log = client.wait_notification("window/logMessage", lambda p: "cell 4" in p["message"])
    assert "syntax error" in log["message"]
    texts = {cell_uri(i): text for i, text in enumerate(cells)}
    fix = [a for a in client.code_actions(cell_uri(2), 1) if "Assign" in a.title]
    fixed = apply_workspace_edit(texts, client.resolve(fix[0]).edit)
    assert fixed[cell_uri(2)] == "%time ddf.head()\nddf = ddf.fillna(0)\n"
    assert fixed[cell_uri(4)] == cells[4]
    fix_all = client.code_actions(cell_uri(0), 0, only=["source.fixAll.flake8-dask"])
    fixed = apply_workspace_edit(texts, client.resolve(fix_all[0]).edit)
    assert fixed[cell_uri(2)] == "%time ddf.head()\nddf = ddf.fillna(0)\n"
    assert fixed[cell_uri(4)] == "ddf = ddf.rename(columns={'a': 'b'})\n"
    hover = client.request("textDocument/hover", {"textDocument": {"uri": cell_uri(4)},
                                                  "position": {"line": 0, "character": 3}})
    assert hover["contents"]["value"].startswith("# DSK408")
    # Fixing the cell (a change of the notebook's cell text) clears its diagnostics.
    start = len(client.notifications)
    client.notify("notebookDocument/didChange", {
        "notebookDocument": {"uri": nb, "version": 2},
        "change": {"cells": {"textContent": [{
            "document": {"uri": cell_uri(4), "version": 2},
            "changes": [{"text": fixed[cell_uri(4)]}]}]}}})
    assert not client.diagnostics(cell_uri(4), 2, start=start).diagnostics
    assert len(client.diagnostics(cell_uri(2), start=start).diagnostics) == 1
