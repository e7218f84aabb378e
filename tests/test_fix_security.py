"""The fix command is safe to run on untrusted code:

- it never imports, executes or evaluates the code it reads, nor the project around it
  (``python -m`` puts the current directory on sys.path: a project's own ``argparse.py``
  must not be imported in place of the real one);
- it writes only the files it was asked to fix, each through a temporary file in the same
  directory and a rename, and leaves no temporary file behind, even when a write fails;
- it opens no network connection.
"""
import hashlib
import json
import os
import shutil
import socket

import pytest

from conftest import FIXTURES, fixture_files
from fix_helpers import INPLACE as FIXABLE, INPLACE_FIXED as FIXED, run_fix, text
from flake8_dask.fix import sourcefile
from flake8_dask.fix.engine import fix_source
from flake8_dask.fix.sourcefile import SourceError, write_atomic

# Runs the fix command in processes under audit hooks: left out of the quick loop.
pytestmark = [pytest.mark.runtime, pytest.mark.slow]


# ======================================================================== no execution
def _mark(marks, name):
    return f"open({str(marks / name)!r}, 'w').close()"


def test_the_code_it_reads_is_never_run(tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    # The files to fix: code that leaves a mark at import, at module level, in a class body,
    # in a default value, in a decorator, under the main guard, and in the very calls the
    # fixes rewrite (DSK408, DSK301, DSK306).
    (project / "planted.py").write_text(_mark(marks, "planted-imported") + "\n")
    (project / "target.py").write_text(f"""\
import dask.dataframe as dd
from dask import delayed
from dask.distributed import Client
import planted

{_mark(marks, "module-level")}


def leave_mark(*args):
    {_mark(marks, "function-called")}
    return args


class Model:
    {_mark(marks, "class-body")}


@leave_mark
def decorated(x=leave_mark()):
    return x


def run(client: Client):
    ddf = dd.read_csv('x.csv')
    ddf.fillna(leave_mark(), inplace=True)
    value = delayed(leave_mark(ddf))
    client.submit(leave_mark, 1)
    return value


if __name__ == "__main__":
    {_mark(marks, "main-guard")}
""")
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                           "execution_count": None,
                           "source": FIXABLE + _mark(marks, "notebook-cell") + "\n"}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (project / "analysis.ipynb").write_text(json.dumps(notebook))
    # Modules the fix command (or Python at start-up) imports, shadowed by the project.
    for name in ("argparse", "difflib", "tempfile", "json", "hashlib", "libcst", "fnmatch",
                 "configparser", "tokenize", "sitecustomize", "usercustomize", "flake8"):
        (project / f"{name}.py").write_text(_mark(marks, f"shadow-{name}") + "\n")
    (project / "concurrent").mkdir()
    (project / "concurrent" / "__init__.py").write_text(_mark(marks, "shadow-concurrent"))
    (project / "setup.cfg").write_text("[flake8]\nextend-exclude = planted.py\n")

    for args in (["--check", "--output-format", "json", "."], ["--diff", "."],
                 ["--unsafe-fixes", "-j2", "."]):
        r = run_fix(*args, cwd=project)
        assert r.returncode in (0, 1), text(r) + text(r, "stderr")
        assert "Traceback" not in text(r, "stderr")
    fixed = (project / "target.py").read_text()
    assert "ddf = ddf.fillna(leave_mark())" in fixed  # the fixes did run
    assert "value = delayed(leave_mark)(ddf)" in fixed
    assert "fire_and_forget(client.submit(leave_mark, 1))" in fixed
    assert json.loads((project / "analysis.ipynb").read_text())["cells"][0]["source"] \
        .startswith(FIXED)
    assert sorted(p.name for p in marks.iterdir()) == []


# ======================================================================== writes
def snapshot(root):
    """Every entry under ``root``: mode, inode, mtime and content hash of a file, link
    target of a symlink, entries of a directory (whose mtime a temporary file changes)."""
    entries = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            mtime = st.st_mtime_ns
            if os.path.islink(path):
                content = os.readlink(path)
            elif os.path.isdir(path):
                content, mtime = sorted(os.listdir(path)), None
            else:
                with open(path, "rb") as f:
                    content = hashlib.sha256(f.read()).hexdigest()
            entries[os.path.relpath(path, root)] = (st.st_mode, st.st_ino, mtime, content)
    return entries


def test_it_writes_only_the_files_it_was_asked_to_fix(tmp_path, cli, monkeypatch):
    project, outside = tmp_path / "project", tmp_path / "outside"
    (project / "pkg").mkdir(parents=True)
    outside.mkdir()
    for path in (project / "a.py", project / "b.py", project / "pkg" / "c.py",
                 outside / "target.py"):
        path.write_text(FIXABLE)
    (project / "clean.py").write_text("import dask\n")
    (project / "no_dask.py").write_text("x.persist()\n")
    os.symlink(outside / "target.py", project / "link.py")  # met in a walk: skipped
    os.symlink(outside, project / "linked_dir")
    renames = []
    real_replace = os.replace

    def recording_replace(src, dst):
        renames.append((str(src), str(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(sourcefile.os, "replace", recording_replace)

    # One file named: only that file changes.
    before = snapshot(tmp_path)
    assert cli("--isolated", "a.py", cwd=project)[0] == 0
    after = snapshot(tmp_path)
    changed = {name for name in before.keys() | after.keys()
               if before.get(name) != after.get(name)}
    assert changed == {"project/a.py"}
    assert before["project/a.py"][1] != after["project/a.py"][1]  # a new inode: a rename
    assert (project / "a.py").read_text() == FIXED
    [(src, dst)] = renames
    assert dst == str(project / "a.py")
    assert os.path.dirname(src) == str(project)  # the temporary file was beside it
    assert os.path.basename(src).startswith(".flake8-dask-")

    # A directory walked: its files only, never what a symlink leads to.
    before = snapshot(tmp_path)
    assert cli("--isolated", "--unsafe-fixes", ".", cwd=project)[0] == 0
    after = snapshot(tmp_path)
    changed = {name for name in before.keys() | after.keys()
               if before.get(name) != after.get(name)}
    assert changed == {"project/b.py", "project/pkg/c.py"}
    assert (outside / "target.py").read_text() == FIXABLE
    for src, dst in renames:
        assert os.path.dirname(src) == os.path.dirname(dst)


@pytest.mark.parametrize("where, error", [
    ("fsync", OSError(28, "No space left on device")),
    ("chmod", OSError(1, "Operation not permitted")),
    ("replace", OSError(18, "Invalid cross-device link")),
    ("fsync", KeyboardInterrupt()),
])
def test_no_temporary_file_survives_a_failed_write(tmp_path, monkeypatch, where, error):
    path = tmp_path / "a.py"
    path.write_text(FIXABLE)

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(sourcefile.os, where, fail)
    expected = SourceError if isinstance(error, OSError) else type(error)
    with pytest.raises(expected) as info:
        write_atomic(str(path), FIXED.encode(), expected=FIXABLE.encode())
    if isinstance(error, OSError):
        assert str(info.value) == f"cannot write: {error.strerror}"
    assert path.read_text() == FIXABLE
    assert os.listdir(tmp_path) == ["a.py"]


def test_a_failed_write_is_reported_by_the_command(tmp_path, cli, monkeypatch):
    path = tmp_path / "a.py"
    path.write_text(FIXABLE)

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sourcefile.os, "fsync", disk_full)
    code, out, err = cli("--isolated", "a.py", cwd=tmp_path)
    assert code == 2 and "error: a.py: cannot write: No space left on device" in err
    assert path.read_text() == FIXABLE and os.listdir(tmp_path) == ["a.py"]


# ======================================================================== network
@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("flake8-dask must not use the network")

    for name in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == []


def test_no_network_connection(tmp_path, cli, no_network):
    for path in fixture_files():
        source = path.read_text()
        for unsafe in (False, True):
            fix_source(source, unsafe=unsafe)
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, copy)
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "source": FIXABLE}]}
    (copy / "nb.ipynb").write_text(json.dumps(notebook))
    code, out, err = cli("--isolated", "--unsafe-fixes", "--output-format", "json", ".",
                         cwd=copy)
    assert code == 1 and json.loads(out)
    assert (copy / "dsk408_unsupported_inplace.py").read_text() != \
        (FIXTURES / "dsk408_unsupported_inplace.py").read_text()
