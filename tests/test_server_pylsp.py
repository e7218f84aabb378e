"""The pylsp plugin, end to end: python-lsp-server (``python -m pylsp``) driven over stdio
with flake8-dask's plugin loaded from its ``pylsp`` entry point; its code actions applied to
the buffer give the fix command's output.

pylsp finds plugins in the installed metadata. An install of this checkout (``pip install -e
'.[test]'``, as CI does) has the entry point; a checkout whose installed metadata predates it
gets a temporary ``.dist-info`` declaring only that entry point, on the PYTHONPATH of the
pylsp process alone (nothing is installed)."""

from __future__ import annotations

import importlib.metadata
import sys
import textwrap

import pytest

from lsp_client import ROOT, Client, apply_workspace_edit
from test_server import SOURCE, fix_command

pytest.importorskip("pylsp")
pytestmark = pytest.mark.runtime


def plugin_path(tmp_path) -> str:
    """A PYTHONPATH on which pylsp finds the plugin's entry point."""
    if any(ep.name == "flake8_dask" for ep in importlib.metadata.entry_points(group="pylsp")):
        return str(ROOT)
    info = tmp_path / "meta" / "flake8_dask_pylsp_test-0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: flake8-dask-pylsp-test\n"
                                   "Version: 0\n")
    (info / "entry_points.txt").write_text(
        "[pylsp]\nflake8_dask = flake8_dask.server.pylsp_plugin\n")
    return f"{ROOT}:{info.parent}"


def test_pylsp_serves_the_code_actions(tmp_path):
    (tmp_path / "setup.cfg").write_text("[flake8]\n")
    path = tmp_path / "module.py"
    uri = path.as_uri()
    c = Client([sys.executable, "-m", "pylsp"], cwd=str(tmp_path),
               env={"PYTHONPATH": plugin_path(tmp_path)})
    try:
        c.initialize(tmp_path, resolve=False, check=False)
        c.notify("workspace/didChangeConfiguration", {"settings": {"pylsp": {"plugins": {
            "pycodestyle": {"enabled": False}, "mccabe": {"enabled": False}}}}})
        c.open(uri, SOURCE)
        published = c.wait_notification(
            "textDocument/publishDiagnostics",
            lambda p: p["uri"] == uri and any(d.get("source") == "flake8-dask"
                                              for d in p["diagnostics"]), timeout=60)
        mine = [(d["code"], d["range"]["start"]["line"]) for d in published["diagnostics"]
                if d.get("source") == "flake8-dask"]
        assert mine == [("DSK408", 3), ("DSK408", 4), ("DSK408", 8)]
        actions = c.code_actions(uri, 3)
        titles = [a.title for a in actions]
        assert "flake8-dask (DSK408): Assign the result instead of `inplace=True`" in titles
        assert "flake8-dask (DSK408): Disable for this line" in titles
        fix_all = [a for a in actions if a.kind == "source.fixAll.flake8-dask"]
        assert len(fix_all) == 1
        fixed = apply_workspace_edit({uri: SOURCE}, fix_all[0].edit)[uri]
        assert fixed == fix_command(SOURCE, path) != SOURCE
        quick = next(a for a in actions if a.title.endswith("`inplace=True`"))
        fixed = apply_workspace_edit({uri: SOURCE}, quick.edit)[uri]
        assert fixed == SOURCE.replace("ddf.fillna(0, inplace=True)", "ddf = ddf.fillna(0)")
        noqa = next(a for a in actions if a.title.endswith("for this line"))
        fixed = apply_workspace_edit({uri: SOURCE}, noqa.edit)[uri]
        assert "ddf.fillna(0, inplace=True)  # noqa: DSK408\n" in fixed
        # No unsafe fix without the setting; with it, titled "(unsafe)".
        assert not [a for a in c.code_actions(uri, 4) if "(unsafe)" in a.title]
        c.notify("workspace/didChangeConfiguration", {"settings": {"pylsp": {"plugins": {
            "flake8_dask": {"unsafeFixes": True}}}}})
        unsafe = [a for a in c.code_actions(uri, 4) if "(unsafe)" in a.title]
        assert unsafe
        assert "ddf = ddf.sort_values(\n" in apply_workspace_edit({uri: SOURCE},
                                                                  unsafe[0].edit)[uri]
        assert c.shutdown(timeout=30) == 0
    finally:
        c.close()
    assert not path.exists()  # nothing written


def test_pylsp_plugin_on_a_syntax_error(tmp_path):
    """A buffer that does not parse: no flake8-dask diagnostic, no code action, no crash."""
    (tmp_path / "setup.cfg").write_text("[flake8]\n")
    uri = (tmp_path / "broken.py").as_uri()
    c = Client([sys.executable, "-m", "pylsp"], cwd=str(tmp_path),
               env={"PYTHONPATH": plugin_path(tmp_path)})
    try:
        c.initialize(tmp_path, resolve=False, check=False)
        c.open(uri, textwrap.dedent(SOURCE) + "ddf.fillna(\n")
        published = c.wait_notification("textDocument/publishDiagnostics",
                                        lambda p: p["uri"] == uri, timeout=60)
        assert not [d for d in published["diagnostics"] if d.get("source") == "flake8-dask"]
        assert not [a for a in c.code_actions(uri, 3) if a.title.startswith("flake8-dask")]
        assert c.shutdown(timeout=30) == 0
    finally:
        c.close()
