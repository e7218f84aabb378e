"""The ``flake8-dask`` command (#14, point 4), run as ``python -m flake8_dask`` (the console
script itself exists only once the package is (re)installed; the runtime test at the end
runs it when it is on PATH)."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from fix_helpers import BLOCKING, INPLACE, INPLACE_FIXED, ROOT
from flake8_dask import docs
from flake8_dask.console import main
from flake8_dask.rules import ALL_RULES


def flake8_dask(*args, cwd, stdin=None):
    return subprocess.run([sys.executable, "-m", "flake8_dask", *map(str, args)], cwd=cwd,
                          input=stdin, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))


@pytest.fixture
def run(monkeypatch, capsys):
    """``flake8_dask.console.main`` in this process."""
    def call(*args, cwd):
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse: --help, --version, a usage error
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err
    return call


@pytest.mark.runtime  # a process: the module entry point, as the console script calls it
def test_python_dash_m_flake8_dask_check_reports_and_writes_nothing(tmp_path):
    (tmp_path / "a.py").write_text(INPLACE)
    r = flake8_dask("check", "--isolated", "a.py", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert "a.py:3:1: DSK408 [*] " in r.stdout
    assert "fixable with `flake8-dask check --fix`" in r.stdout
    assert (tmp_path / "a.py").read_text() == INPLACE


def test_check_reports_only_and_check_fix_writes(tmp_path, run):
    a = tmp_path / "a.py"
    a.write_text(INPLACE)
    code, out, _ = run("check", "--isolated", "-j1", "a.py", cwd=tmp_path)
    assert code == 1 and a.read_text() == INPLACE and "DSK408 [*]" in out
    code, out, err = run("check", "--isolated", "-j1", "--diff", "a.py", cwd=tmp_path)
    assert code == 1 and a.read_text() == INPLACE
    assert "-ddf.fillna(0, inplace=True)\n+ddf = ddf.fillna(0)\n" in out
    code, out, _ = run("check", "--isolated", "-j1", "--fix", "a.py", cwd=tmp_path)
    assert code == 0 and a.read_text() == INPLACE_FIXED
    assert "Found 1 error (1 fixed, 0 remaining)." in out


def test_fix_writes(tmp_path, run):
    a = tmp_path / "a.py"
    a.write_text(INPLACE)
    code, _, _ = run("fix", "--isolated", "-j1", "--diff", "a.py", cwd=tmp_path)
    assert code == 1 and a.read_text() == INPLACE
    code, out, _ = run("fix", "--isolated", "-j1", "a.py", cwd=tmp_path)
    assert code == 0 and a.read_text() == INPLACE_FIXED


def test_check_takes_the_fix_commands_options(tmp_path, run):
    (tmp_path / "a.py").write_text(BLOCKING)
    code, out, _ = run("check", "--isolated", "-j1", "--unsafe-fixes", "--output-format",
                       "json", "--select", "DSK1", "a.py", cwd=tmp_path)
    assert code == 1 and json.loads(out)[0]["code"] == "DSK101"
    code, _, err = run("check", "--select", "DKS", "a.py", cwd=tmp_path)
    assert code == 2 and "unknown rule selector 'DKS'" in err
    assert run("check", "--check", "a.py", cwd=tmp_path)[0] == 2  # not an option of check


def test_bare_command_prints_help_and_exits_2(tmp_path, run):
    code, out, err = run(cwd=tmp_path)
    assert code == 2 and out == ""
    assert "usage: flake8-dask" in err and "check" in err and "rule" in err


def test_rule_prints_the_explanation(tmp_path, run):
    code, out, _ = run("rule", "DSK101", cwd=tmp_path)
    assert code == 0 and out == docs.explain(ALL_RULES[0])
    assert run("rule", "blocking-wait-in-task", cwd=tmp_path)[1] == out
    code, out, _ = run("rule", "dsk001", cwd=tmp_path)
    assert code == 0 and out.startswith("# DSK001 file-not-checked")
    code, _, err = run("rule", "DSK999", cwd=tmp_path)
    assert code == 2 and "unknown rule 'DSK999'" in err
    assert run("rule", cwd=tmp_path)[0] == 2


def test_rule_all_lists_every_code(tmp_path, run):
    code, out, _ = run("rule", "--all", cwd=tmp_path)
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["code", "name", "fix", "default"]
    assert len(lines) == 1 + 2 + len(ALL_RULES)
    assert lines[1].split() == ["DSK000", "internal-error", "none", "always"]
    row = next(line for line in lines if line.startswith("DSK408"))
    assert row.split() == ["DSK408", "unsupported-inplace", "safe", "or", "unsafe", "on"]
    code, out, _ = run("rule", "--all", "--output-format", "json", cwd=tmp_path)
    items = json.loads(out)
    assert [i["code"] for i in items] == ["DSK000", "DSK001", *[r.code for r in ALL_RULES]]
    first = items[2]
    assert set(first) == {"code", "name", "summary", "fix", "default", "url", "explanation"}
    assert first["url"].endswith("#dsk101-blocking-wait-in-task")
    assert first["explanation"] == docs.explain(ALL_RULES[0])


def test_server_without_its_package_or_extra_says_how_to_install(
        tmp_path, run, monkeypatch):
    # the server package (another change) or its libraries may be missing: simulate both
    monkeypatch.setitem(sys.modules, "flake8_dask.server", None)
    code, out, err = run("server", cwd=tmp_path)
    assert code == 2 and out == ""
    # the console's hint, or the server package's own when it is importable
    assert "the language server needs" in err and "pip install 'flake8-dask[server]'" in err


def test_server_runs_the_servers_main_with_its_arguments(tmp_path, run, monkeypatch):
    import types

    calls = []
    fake = types.ModuleType("flake8_dask.server")
    fake.main = lambda argv: calls.append(argv) or 0
    monkeypatch.setitem(sys.modules, "flake8_dask.server", fake)
    import flake8_dask
    monkeypatch.setattr(flake8_dask, "server", fake, raising=False)
    assert run("server", "--stdio", "--log", "x", cwd=tmp_path)[0] == 0
    assert calls == [["--stdio", "--log", "x"]]


def test_version(tmp_path, run):
    from flake8_dask import __version__

    code, out, _ = run("--version", cwd=tmp_path)
    assert code == 0 and out.strip() == f"flake8-dask {__version__}"


def test_legacy_module_command_is_unchanged(tmp_path, cli):
    """``python -m flake8_dask.fix`` bare still fixes, ``--check`` reports."""
    a = tmp_path / "a.py"
    a.write_text(INPLACE)
    assert cli("--isolated", "--check", "a.py", cwd=tmp_path)[0] == 1
    assert a.read_text() == INPLACE
    assert cli("--isolated", "a.py", cwd=tmp_path)[0] == 0 and a.read_text() == INPLACE_FIXED


@pytest.mark.runtime
def test_the_installed_console_script(tmp_path):
    script = shutil.which("flake8-dask")
    if script is None:
        pytest.skip("the flake8-dask script is not installed (pip install -e . creates it)")
    (tmp_path / "a.py").write_text(BLOCKING)
    r = subprocess.run([script, "check", "--isolated", "a.py"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "a.py:6:12: DSK101 " in r.stdout, r.stderr
