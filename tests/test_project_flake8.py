"""flake8 run as a process on a package of three modules (#13, point 2): the model reads the
summaries of the modules a file imports and the task sites other modules give its functions;
the first run writes ``.flake8_dask_cache/``, the next run (``-j 2``) reads it and summarizes
nothing, and ``--dask-no-cache`` / ``FLAKE8_DASK_NO_CACHE`` bypass it.

The process counts the calls of the real ``summarize`` (a wrapper logs each and delegates);
everything else is the real flake8, plugin, checker, model and cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT
from project_helpers import make

pytestmark = pytest.mark.runtime

BOOTSTRAP = textwrap.dedent("""\
    import json, os, sys
    from flake8_dask.project import view

    LOG = os.environ["PROJECT_TEST_LOG"]
    real = view.summarize

    def summarize(source, options=None):
        with open(LOG, "a") as f:
            f.write(json.dumps({"summarized": source.splitlines()[0]}) + "\\n")
        return real(source, options)

    view.summarize = summarize
    from flake8.main.cli import main
    sys.exit(main())
""")

IO = ('"""io"""\nimport dask.dataframe as dd\n\n\n'
      'def load(path):\n    return dd.read_parquet(path)\n')
TASKS = ('"""tasks"""\nfrom distributed import get_worker\n\nSEEN = []\n\n\n'
         'def record(x):\n    SEEN.append(x)\n    return get_worker().address\n')
DRIVER = ('"""driver"""\nfrom dask.distributed import Client\n\n'
          'from .io import load\nfrom .tasks import record\n\n'
          'client = Client("tcp://scheduler:8786")\n'
          'events = load("x")\nevents.persist()\n'
          'future = client.submit(record, 1)\n')
#: What flake8 reports, each finding known only through another module.
FINDINGS = ["pkg/driver.py:9:1: DSK304", "pkg/tasks.py:8:5: DSK206"]


@pytest.fixture
def package(tmp_path):
    return make(tmp_path / "proj", {"pyproject.toml": "", "pkg/__init__.py": "",
                                    "pkg/io.py": IO, "pkg/tasks.py": TASKS,
                                    "pkg/driver.py": DRIVER})


def run(package, *args, **env):
    log = package.parent / "log.jsonl"
    log.unlink(missing_ok=True)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FLAKE8_DASK_")}
    environ.update(PYTHONPATH=str(ROOT), PROJECT_TEST_LOG=str(log), **env)
    out = subprocess.run([sys.executable, "-c", BOOTSTRAP, "--isolated", "--select=DSK",
                          *args, "pkg"], cwd=package, env=environ, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode in (0, 1), out.stderr
    assert "Traceback" not in out.stderr, out.stderr
    findings = sorted(" ".join(line.split()[:2]) for line in out.stdout.splitlines())
    records = [json.loads(line) for line in log.read_text().splitlines()] \
        if log.exists() else []
    return findings, [r["summarized"] for r in records]


def test_the_first_run_writes_the_cache_and_the_next_reads_it(package):
    findings, summarized = run(package, "-j", "1")
    assert findings == FINDINGS
    assert sorted(summarized) == ['"""driver"""', '"""io"""', '"""tasks"""']
    cache = package / ".flake8_dask_cache"
    assert (cache / "CACHEDIR.TAG").read_text().startswith(
        "Signature: 8a477f597d28d172789f06886806bc55")
    entries = {p: p.stat().st_mtime_ns for p in (cache / "summaries").glob("*.json")}
    assert len([p for p in entries if not p.name.startswith("index-")]) == 3
    assert len([p for p in entries if p.name.startswith("index-")]) == 1  # the task index

    findings, summarized = run(package, "-j", "2")
    assert findings == FINDINGS and summarized == []  # every summary from the cache
    assert {p: p.stat().st_mtime_ns for p in (cache / "summaries").glob("*.json")} == entries

    for args, env in (((), {"FLAKE8_DASK_NO_CACHE": "1"}), (("--dask-no-cache=true",), {})):
        findings, summarized = run(package, "-j", "1", *args, **env)
        assert findings == FINDINGS and len(summarized) >= 3, (args, env)
    assert {p: p.stat().st_mtime_ns for p in (cache / "summaries").glob("*.json")} == entries


def test_without_the_project_the_findings_are_not_known(package):
    """The same files given on standard input (no project): neither finding."""
    for name in ("driver", "tasks"):
        environ = dict(os.environ, PYTHONPATH=str(ROOT),
                       PROJECT_TEST_LOG=str(package.parent / "stdin.jsonl"))
        source = (package / "pkg" / f"{name}.py").read_text()
        out = subprocess.run([sys.executable, "-c", BOOTSTRAP, "--isolated", "--select=DSK",
                              "-"], cwd=package, env=environ, input=source,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0 and out.stdout == "", out.stdout + out.stderr
    assert not (package / ".flake8_dask_cache").exists()
