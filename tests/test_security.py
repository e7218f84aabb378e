"""Linting is safe on untrusted code: flake8-dask never imports, executes or evaluates the
code it reads, writes no file, starts no process and opens no network connection.

The planted file leaves a mark (a file) for every way its code could run: at import, through
``os.system``, ``exec``/``eval``, default arguments, decorators, class bodies, annotations,
a task body, the main guard, and an imported sibling module; a ``dask.py`` and a
``distributed.py`` beside it leave a mark if anything imports Dask from the file's directory.
A control run executes the file to prove that the marks work.
"""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import FIXTURES, fixture_files
from flake8_dask.checker import INTERNAL_ERROR, analyze

ROOT = Path(__file__).resolve().parent.parent

PLANTED = '''\
import os
MARK = {mark!r}
open(MARK + "module", "w").close()
import evil_helper
import dask
import dask.dataframe as dd
from distributed import Client
__import__("os").system("touch " + MARK + "system")
exec("open(MARK + 'exec', 'w').close()")
eval("open(MARK + 'eval', 'w').close()")


def with_default(x=open(MARK + "default", "w")):
    return x


@(lambda f: open(MARK + "decorator", "w") and f)
def decorated():
    pass


class Body:
    open(MARK + "class", "w").close()


annotated: open(MARK + "annotation", "w") = 1
label = f"{{open(MARK + 'fstring', 'w')}}"
base = dd.read_parquet("data/")


def normalize(part):
    open(MARK + "task", "w").close()
    return part / base.a.max().compute()


out = base.map_partitions(normalize)
client = Client()
futures = client.map(lambda x: open(MARK + "lambda", "w"), range(3))
if __name__ == "__main__":
    open(MARK + "main", "w").close()
'''
SIBLINGS = {
    "evil_helper.py": 'open({mark!r} + "helper", "w").close()\n',
    "dask.py": 'open({mark!r} + "dask", "w").close()\n',
    "distributed.py": 'open({mark!r} + "distributed", "w").close()\n',
}


def plant(directory: Path) -> tuple[Path, Path]:
    """Write the planted file and its siblings; return (the file, the marks directory)."""
    marks = directory / "marks"
    marks.mkdir()
    mark = str(marks) + os.sep + "mark-"
    path = directory / "planted.py"
    path.write_text(PLANTED.format(mark=mark))
    for name, text in SIBLINGS.items():
        (directory / name).write_text(text.format(mark=mark))
    return path, marks


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")


def test_control_the_planted_file_leaves_marks_when_run(tmp_path):
    path, marks = plant(tmp_path)
    subprocess.run([sys.executable, str(path)], cwd=tmp_path, capture_output=True,
                   timeout=120, env=_env())
    assert {"mark-module", "mark-helper", "mark-dask"} <= {p.name for p in marks.iterdir()}


def test_analyzer_runs_nothing(tmp_path, monkeypatch):
    path, marks = plant(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))  # as if the file's directory were importable
    source = path.read_text()
    findings = analyze(ast.parse(source), source)
    assert "DSK102" in {f.code for f in findings}  # it was analysed
    assert not [f for f in findings if f.code == INTERNAL_ERROR]
    assert list(marks.iterdir()) == []
    assert "evil_helper" not in sys.modules


def test_flake8_runs_nothing(tmp_path):
    """The real flake8 from the planted file's directory (``python -m`` puts it first on
    sys.path, where the fake ``dask.py`` waits)."""
    path, marks = plant(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select=DSK", path.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, env=_env())
    assert proc.returncode == 1 and "DSK102" in proc.stdout, proc.stdout + proc.stderr
    assert list(marks.iterdir()) == []


#: Run in a fresh interpreter: an audit hook (PEP 578) records every import of a module the
#: analysed code names, every exec/compile of code, every file opened for writing, every
#: process started and every socket operation while the analyzer (or flake8) runs.
_AUDIT = textwrap.dedent('''
    import json, os, sys
    FORBIDDEN_MODULES = {"dask", "distributed", "evil_helper", "pandas", "numpy", "xarray"}
    WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    seen = []
    active = False

    def hook(event, args):
        if not active:
            return
        if event == "import" and args[0].partition(".")[0] in FORBIDDEN_MODULES:
            seen.append([event, args[0]])
        elif event in ("exec", "os.system", "subprocess.Popen", "os.exec", "os.spawn",
                       "os.posix_spawn", "os.fork") or event.startswith("socket."):
            seen.append([event, repr(args)[:200]])
        elif event == "open":
            path, mode, flags = args
            if (mode and any(c in mode for c in "wax+")) or (flags or 0) & WRITE_FLAGS:
                seen.append([event, repr(args)[:200]])

    sys.addaudithook(hook)
    import ast
    from flake8_dask.checker import analyze
    from flake8.main.cli import main as flake8_main
    # Warm up (lazy imports, flake8's plugins) before recording.
    warm = "import dask.dataframe as dd\\ndf = dd.read_csv(1)\\ndf.map_partitions(f)\\n"
    with open("warm_up.py", "w") as f:
        f.write(warm)
    analyze(ast.parse(warm), warm)
    try:
        flake8_main(["--isolated", "--select=DSK", "--jobs=1", "warm_up.py"])
    except SystemExit:
        pass
    paths = sys.argv[1:]
    active = True
    for path in paths:
        with open(path, encoding="utf-8") as f:
            source = f.read()
        tree = ast.parse(source)
        analyze(tree, source)
    try:
        flake8_main(["--isolated", "--select=DSK", "--jobs=1", *paths])
    except SystemExit:
        pass
    active = False
    print("AUDIT " + json.dumps(seen))
''')


@pytest.mark.runtime  # runs the fix command in a process
@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
def test_audit_no_import_exec_write_process_or_network(tmp_path, cache):
    """With the summary cache on, the only files written are the cache's own (its directory
    in the checked project, and the user's secret); nothing else changes."""
    path, marks = plant(tmp_path)
    script = tmp_path / "audit_run.py"
    script.write_text(_AUDIT)
    paths = [str(path)] + [str(p) for p in fixture_files()]
    env = _env()
    if cache:
        env.pop("FLAKE8_DASK_NO_CACHE", None)
        env["XDG_CACHE_HOME"] = str(tmp_path / "user-cache")
    proc = subprocess.run([sys.executable, str(script), *paths], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600, env=env)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("AUDIT ")]
    assert lines, proc.stdout[-2000:] + proc.stderr[-2000:]
    seen = json.loads(lines[-1][len("AUDIT "):])
    if cache:
        writes = [s for s in seen if s[0] == "open"]
        # a descriptor reopened as a file, ``open(3, 'w')``: its path was recorded when it
        # was made (mkstemp in the cache directory)
        assert all(".flake8_dask_cache" in s[1] or "flake8-dask" in s[1] or
                   s[1][1:2].isdigit() for s in writes), writes
        seen = [s for s in seen if s not in writes]
    assert seen == []
    assert "DSK102" in proc.stdout  # flake8 did analyse the planted file
    assert list(marks.iterdir()) == []


def test_no_network(monkeypatch):
    """The analyzer on every fixture with sockets unusable: no connection attempted."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("flake8-dask must not use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    files = fixture_files()
    assert files, FIXTURES
    for path in files:
        source = path.read_text(encoding="utf-8")
        findings = analyze(ast.parse(source), source)
        assert not [f for f in findings if f.code == INTERNAL_ERROR], path.name
    assert attempts == []


@pytest.mark.parametrize("module", ["flake8_dask", "flake8_dask.plugin", "flake8_dask.checker"])
def test_importing_the_plugin_imports_no_dask(module):
    code = (f"import sys, ast; import {module}; from flake8_dask.checker import analyze; "
            "s = 'import dask.dataframe as dd\\ndf = dd.read_csv(1)\\ndf.compute()\\n'; "
            "analyze(ast.parse(s), s); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('dask', 'distributed', 'pandas', 'numpy', 'libcst')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=_env(), cwd=ROOT)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr
