"""``--scheduler ADDRESS``: the per-file work on a real Dask cluster (a scheduler and a worker
started here as processes on loopback) gives exactly the output and the files of a local run.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fix_helpers import BLOCKING, FIXABLE, INPLACE, ROOT, run_fix, text

# Runs Dask: left out of the quick loop (CONTRIBUTING.md).
pytestmark = pytest.mark.runtime

TESTS = Path(__file__).resolve().parent
#: Real fixtures (findings without fixes) for the files the cluster checks.
REAL = ["dsk101_blocking_wait_in_task.py", "dsk102_compute_in_task.py",
        "dsk302_compute_in_loop.py", "dsk401_load_with_pandas_then_dask.py",
        "dsk504_implicit_compute.py", "dsk601_missing_main_guard.py"]
#: The worker registers the test-only fixable rules (DSK99x), as the local runner does.
PRELOAD = """\
import sys
sys.path.insert(0, {tests!r})
import fixable_rules
fixable_rules.register(fixable_rules.GOOD_RULES)
"""


def _stop(proc: subprocess.Popen) -> None:
    """End a process this test started, and the process group it leads."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(scheduler address, scheduler file) of a one-worker cluster on 127.0.0.1."""
    pytest.importorskip("distributed", reason="--scheduler needs distributed (the "
                                              "'scheduler' extra), which is not installed")
    from distributed import Client

    tmp = tmp_path_factory.mktemp("cluster")
    scheduler_file = tmp / "scheduler.json"
    preload = tmp / "preload_test_rules.py"
    preload.write_text(PRELOAD.format(tests=str(TESTS)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    procs = []
    log = open(tmp / "cluster.log", "wb")
    try:
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
             "--port", "0", "--no-dashboard", "--scheduler-file", str(scheduler_file)],
            cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        deadline = time.monotonic() + 30
        address = None
        while address is None:
            if procs[0].poll() is not None or time.monotonic() > deadline:
                pytest.fail("the scheduler did not start:\n" + (tmp / "cluster.log").read_text())
            try:
                address = json.loads(scheduler_file.read_text())["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.2)
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--host",
             "127.0.0.1", "--no-nanny", "--nthreads", "2", "--no-dashboard",
             "--local-directory", str(tmp / "worker"), "--preload", str(preload)],
            cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(1, timeout=60)
        yield address, scheduler_file
    finally:
        for proc in reversed(procs):
            _stop(proc)
        log.close()


def _project(root: Path) -> Path:
    """A small project: real fixtures, fixable code, a notebook, a file that does not parse
    and a read-only fixable file."""
    root.mkdir()
    for name in REAL:
        shutil.copyfile(ROOT / "fixtures" / name, root / name)
    (root / "blocking.py").write_text(BLOCKING)
    (root / "fixable.py").write_text(FIXABLE)
    (root / "pkg").mkdir()
    (root / "pkg" / "more.py").write_text(FIXABLE.replace("x.persist()", "y.persist()"))
    (root / "broken.py").write_text("import dask\ndef f(:\n")
    readonly = root / "readonly.py"
    readonly.write_text(FIXABLE)
    readonly.chmod(0o444)
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "a1",
                     "metadata": {}, "outputs": [],
                     "source": ["import dask\n", "x.persist()\n"]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (root / "analysis.ipynb").write_text(json.dumps(nb, indent=1) + "\n")
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("args", [
    ("--check", "--statistics"),
    ("--diff",),
    ("--unsafe-fixes", "--show-fixes"),
], ids=["check", "diff", "fix"])
def test_same_as_local_run(cluster, tmp_path, args):
    address, scheduler_file = cluster
    local, remote = _project(tmp_path / "local"), _project(tmp_path / "remote")
    common = ("--isolated", *args, ".")
    here = run_fix(*common, cwd=local, test_rules=True)
    there = run_fix(*common, "--scheduler", address, cwd=remote, test_rules=True)
    assert there.returncode == here.returncode, text(there, "stderr")
    assert text(there) == text(here)
    assert text(there, "stderr") == text(here, "stderr")
    assert _files(remote) == _files(local)
    if "--unsafe-fixes" in args:  # the fixes were made, by the workers, written here
        assert b"x = x.persist()" in (remote / "fixable.py").read_bytes()
        assert (remote / "readonly.py").read_text() == FIXABLE
    # a scheduler file works as the address too
    again = run_fix("--isolated", "--check", ".", "--scheduler", scheduler_file, cwd=remote,
                    test_rules=True)
    assert again.returncode == 1 and "DSK101" in text(again)


def _batching_project(root: Path) -> Path:
    """Many tiny files (some fixable), one file larger than any batch, and files that fail
    (undecodable bytes, a syntax error) in the middle of a batch."""
    root.mkdir()
    for i in range(40):
        (root / f"tiny{i:02d}.py").write_text(INPLACE if i % 3 == 0 else "import dask\nx = 1\n")
        if i == 20:
            (root / "tiny20_latin.py").write_bytes(b"import dask\nx = '\xe9'\n")
            (root / "tiny20_broken.py").write_text("import dask\ndef f(:\n")
    (root / "huge.py").write_text(INPLACE + "".join(
        f"def f{i}(ddf):\n    return ddf.x.sum()\n\n\n" for i in range(3000)))
    return root


@pytest.mark.parametrize("batch_bytes", [1, 200, 10 ** 9],
                         ids=["a-task-per-file", "small-batches", "one-task"])
@pytest.mark.parametrize("args", [("--check", "--statistics"), ("--show-fixes",)],
                         ids=["check", "fix"])
def test_batches_give_the_local_run(cluster, tmp_path, monkeypatch, capsys, batch_bytes, args):
    from flake8_dask.fix import scheduler
    from flake8_dask.fix.cli import main

    address, _ = cluster
    monkeypatch.setattr(scheduler, "BATCH_BYTES", batch_bytes)
    local = _batching_project(tmp_path / "local")
    remote = _batching_project(tmp_path / "remote")
    monkeypatch.chdir(local)
    here_code = main(["--isolated", *args, "."])
    here = capsys.readouterr()
    monkeypatch.chdir(remote)
    there_code = main(["--isolated", *args, ".", "--scheduler", address])
    there = capsys.readouterr()
    assert (there_code, there.out, there.err) == (here_code, here.out, here.err)
    assert _files(remote) == _files(local)
    # both reported, as DSK001 findings (#14) or, in text mode, also on stderr for humans
    for name in ("tiny20_latin.py", "tiny20_broken.py"):
        assert f"{name}:" in here.out + here.err
    if args == ("--show-fixes",):
        assert b"ddf = ddf.fillna(0)" in (remote / "huge.py").read_bytes()
        assert (remote / "tiny00.py").read_bytes() != INPLACE.encode()


def test_a_task_the_cluster_cannot_run_names_its_files(cluster, tmp_path, monkeypatch, capsys):
    from flake8_dask.fix import scheduler
    from flake8_dask.fix.cli import main

    address, _ = cluster
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(INPLACE)

    def broken_batch(jobs, blob):
        raise RuntimeError("worker lost")

    monkeypatch.setattr(scheduler, "run_batch", broken_batch)
    monkeypatch.chdir(tmp_path)
    assert main(["--isolated", "--check", ".", "--scheduler", address]) == 2
    err = capsys.readouterr().err
    assert "the cluster failed on ./a.py (or one of 1 other files sent with it): " \
           "RuntimeError: worker lost" in err


def test_unusable_scheduler_is_a_usage_error(cluster, tmp_path):
    (tmp_path / "a.py").write_text(BLOCKING)
    r = run_fix("--isolated", "--check", "a.py", "--scheduler", "nonsense://x", cwd=tmp_path)
    assert r.returncode == 2
    assert text(r, "stderr").startswith(
        "python -m flake8_dask.fix: error: invalid Dask scheduler address 'nonsense://x': "
        "unknown address scheme 'nonsense'")
    assert text(r) == ""


def test_without_distributed_exits_2(tmp_path, monkeypatch, capsys):
    from flake8_dask.fix.cli import main

    (tmp_path / "a.py").write_text(BLOCKING)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    assert main(["--isolated", "--check", "a.py", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    err = capsys.readouterr().err
    assert "--scheduler needs distributed" in err
    assert "pip install 'flake8-dask[scheduler]'" in err


def test_unreachable_scheduler_is_a_usage_error(tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed", reason="--scheduler needs distributed (the "
                                              "'scheduler' extra), which is not installed")
    import socket

    from flake8_dask.fix import scheduler
    from flake8_dask.fix.cli import main

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp_path / "a.py").write_text(BLOCKING)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(scheduler, "CONNECT_TIMEOUT", 1)
    assert main(["--isolated", "--check", "a.py", "--scheduler", f"tcp://127.0.0.1:{port}"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"cannot connect to the Dask scheduler at tcp://127.0.0.1:{port}" in err
