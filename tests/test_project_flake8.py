"""flake8 run as a process on a two-module package (#13, point 2): the plugin hands the model
the file's project, the first run writes ``.flake8_dask_cache/``, the next run (``-j 2``)
reads it and summarizes nothing, and ``--dask-no-cache`` / ``FLAKE8_DASK_NO_CACHE`` bypass it.

Until the model asks the project itself (the lead's part of #13), the process wraps
``SemanticModel.build`` to ask what the model will ask (the summary of each ``from ...
import`` and the file's task sites) and logs the answers; ``summarize`` is a counting double
that reads a crafted summary from a ``# SUMMARY:`` comment. Everything else is the real
flake8, plugin, checker and cache."""

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
    import ast, json, os, re, sys
    from flake8_dask.model import semantic
    from flake8_dask.project import view

    LOG = os.environ["PROJECT_TEST_LOG"]

    def log(record):
        with open(LOG, "a") as f:
            f.write(json.dumps(record) + "\\n")

    def summarize(source, options=None):
        log({"summarized": source.splitlines()[0]})
        m = re.search(r"^# SUMMARY: (.*)$", source, re.M)
        return json.loads(m.group(1)) if m else {"returns": {}, "tasks": []}

    view.summarize = summarize
    build = semantic.SemanticModel.build

    def asking(self, wanted=frozenset()):
        model = build(self, wanted)
        if self.project is not None:
            answers = {f"{n.level}:{n.module}": self.project.imported(n.module, n.level)
                       for n in ast.walk(self.tree) if isinstance(n, ast.ImportFrom)}
            answers["task_sites"] = self.project.task_sites()
            log({"file": os.path.basename(self.project.path), "answers": answers})
        return model

    semantic.SemanticModel.build = asking
    from flake8.main.cli import main
    sys.exit(main())
""")

IO = ('import dask.dataframe as dd\n'
      '# SUMMARY: {"returns": {"load": "dataframe"}, "tasks": []}\n\n\n'
      'def load(path):\n    return dd.read_parquet(path)\n\n\n'
      'def process(part):\n    return part\n')
DRIVER = ('from dask.distributed import Client\n'
          '# SUMMARY: {"returns": {}, "tasks": [{"module": "io", "level": 1, '
          '"name": "process", "site": "client.submit at line 7"}]}\n'
          'from .io import load, process\n\n\n'
          'def main(client: Client):\n    return client.submit(process, load("x"))\n')


@pytest.fixture
def package(tmp_path):
    return make(tmp_path / "proj", {"pyproject.toml": "", "pkg/__init__.py": "",
                                    "pkg/io.py": IO, "pkg/driver.py": DRIVER})


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
    records = [json.loads(line) for line in log.read_text().splitlines()]
    summarized = sorted(r["summarized"] for r in records if "summarized" in r)
    answers = {r["file"]: r["answers"] for r in records if "file" in r}
    return summarized, answers


EXPECTED = {
    "driver.py": {"1:io": {"returns": {"load": "dataframe"}, "tasks": []}, "0:dask.distributed":
                  None, "task_sites": {}},
    "io.py": {"task_sites": {"process": ["client.submit at line 7 in pkg/driver.py"]}},
}


def test_the_first_run_writes_the_cache_and_the_next_reads_it(package):
    summarized, answers = run(package, "-j", "1")
    assert summarized == ["from dask.distributed import Client", "import dask.dataframe as dd"]
    assert answers == EXPECTED
    cache = package / ".flake8_dask_cache"
    assert (cache / "CACHEDIR.TAG").read_text().startswith(
        "Signature: 8a477f597d28d172789f06886806bc55")
    entries = {p: p.stat().st_mtime_ns for p in (cache / "summaries").glob("*.json")}
    assert len(entries) == 2

    summarized, answers = run(package, "-j", "2")
    assert summarized == [] and answers == EXPECTED  # every summary from the cache
    assert {p: p.stat().st_mtime_ns for p in (cache / "summaries").glob("*.json")} == entries

    for args, env in (((), {"FLAKE8_DASK_NO_CACHE": "1"}), (("--dask-no-cache=true",), {})):
        summarized, answers = run(package, "-j", "1", *args, **env)
        assert len(summarized) == 2 and answers == EXPECTED, (args, env)
    assert {p: p.stat().st_mtime_ns for p in (cache / "summaries").glob("*.json")} == entries


def test_standard_input_has_no_project(package):
    log = package.parent / "log.jsonl"
    environ = dict(os.environ, PYTHONPATH=str(ROOT), PROJECT_TEST_LOG=str(log))
    out = subprocess.run([sys.executable, "-c", BOOTSTRAP, "--isolated", "--select=DSK", "-"],
                         cwd=package, env=environ, input=DRIVER, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode in (0, 1) and "Traceback" not in out.stderr, out.stderr
    assert not log.exists() and not (package / ".flake8_dask_cache").exists()
