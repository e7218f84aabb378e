"""The project view the model asks (#13, point 2): imported modules' summaries, the reverse
task index over a small generated project, laziness, bounds, and the wiring from the flake8
plugin, the checker and the fix command.

``summarize`` is a double reading a crafted summary from a ``# SUMMARY:`` comment of the
module, so these tests depend on the project layer only, not on what the model finds."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from project_helpers import make
from flake8_dask import checker
from flake8_dask.options import Options
from flake8_dask.project import LazyProject, clear_memo, project_view, view

_SUMMARY = re.compile(r"^# SUMMARY: (.*)$", re.M)
EMPTY = {"returns": {}, "tasks": []}


class Crafted:
    def __init__(self):
        self.calls: list[str] = []

    def __call__(self, source, options=None):
        self.calls.append(source)
        m = _SUMMARY.search(source)
        return json.loads(m.group(1)) if m else {"returns": {}, "tasks": []}


@pytest.fixture(autouse=True)
def fake(monkeypatch):
    clear_memo()
    monkeypatch.setenv("FLAKE8_DASK_NO_CACHE", "1")  # the memo alone: the cache has its tests
    double = Crafted()
    monkeypatch.setattr(view, "summarize", double)
    yield double
    clear_memo()


def task(module, level, name, line):
    return {"module": module, "level": level, "name": name, "api": "client.submit",
            "line": line, "lazy": False, "per_chunk": False,
            "site": f"client.submit at line {line}"}


def site(place):
    """A task site as the index gives it: handed to client.submit at ``place``."""
    return {"api": "client.submit", "place": place, "lazy": False, "per_chunk": False}


def summary(*tasks, **returns):
    return "# SUMMARY: " + json.dumps({"returns": returns, "tasks": list(tasks)}) + "\n"


@pytest.fixture
def proj(tmp_path):
    dask = "import dask\n"
    return make(tmp_path / "proj", {
        "pyproject.toml": "",
        "pkg/__init__.py": "",
        "pkg/tasks.py": "import dask\n" + summary(load="dataframe") + "def process(x): ...\n",
        "pkg/driver.py": dask + summary(task("tasks", 1, "process", 5),
                                        task("othertasks", 1, "process", 6)),
        "pkg/othertasks.py": "def process(x): ...\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/runner.py": dask + summary(task("pkg.tasks", 0, "clean", 9),
                                            task(None, 2, "setup", 10),
                                            task("tasks", 2, "process", 11)),
        # the same shapes where they do not count
        "pkg/nodask.py": summary(task("tasks", 1, "never", 1)),  # names no Dask
        ".hidden/driver.py": dask + summary(task("pkg.tasks", 0, "hidden", 1)),
        "build/lib/pkg/driver.py": dask + summary(task("pkg.tasks", 0, "built", 1)),
        "venv/pyvenv.cfg": "",
        "venv/driver.py": dask + summary(task("pkg.tasks", 0, "venv", 1)),
        "pkg/broken.py": dask + "# SUMMARY: not json\n",
    })


def sites(path: Path) -> dict[str, list[str]]:
    return LazyProject(str(path), Options()).task_sites()


def test_the_reverse_index_names_the_functions_other_modules_hand_to_dask(proj, monkeypatch):
    monkeypatch.setattr(view, "summarize", _tolerant(view.summarize))
    assert sites(proj / "pkg/tasks.py") == {
        "process": [site("pkg/driver.py:5"),
                    site("pkg/sub/runner.py:11")],
        "clean": [site("pkg/sub/runner.py:9")],
    }
    assert sites(proj / "pkg/__init__.py") == {
        "setup": [site("pkg/sub/runner.py:10")]}
    assert sites(proj / "pkg/othertasks.py") == {
        "process": [site("pkg/driver.py:6")]}
    assert sites(proj / "pkg/driver.py") == {}


def _tolerant(summarize):
    """A summarize that, as the real one, never raises (the crafted comment of
    ``broken.py`` is not JSON)."""
    def call(source, options=None):
        try:
            return summarize(source, options)
        except ValueError:
            return {"returns": {}, "tasks": []}
    return call


def test_the_index_is_built_once_per_process(proj, fake, monkeypatch):
    monkeypatch.setattr(view, "summarize", _tolerant(fake))
    sites(proj / "pkg/tasks.py")
    calls = len(fake.calls)
    assert calls == 4  # tasks, driver, runner, broken: those that name Dask (not hidden, build, venv)
    sites(proj / "pkg/othertasks.py")
    LazyProject(str(proj / "pkg/tasks.py"), Options()).imported("driver", 1)
    assert len(fake.calls) == calls


def test_an_error_while_summarizing_is_unknown_not_a_crash(proj):
    # broken.py's summary raises in the double: the view answers "unknown"
    assert sites(proj / "pkg/tasks.py") == {}
    loc = LazyProject(str(proj / "pkg/driver.py"), Options())
    assert loc.imported("broken", 1) is None


def test_past_its_bounds_the_index_is_unknown(proj, monkeypatch):
    monkeypatch.setattr(view, "summarize", _tolerant(view.summarize))
    monkeypatch.setattr(view, "MAX_PROJECT_FILES", 3)
    assert sites(proj / "pkg/tasks.py") == {}
    clear_memo()
    monkeypatch.setattr(view, "MAX_PROJECT_FILES", 2000)
    monkeypatch.setattr(view, "MAX_PROJECT_BYTES", 100)
    assert sites(proj / "pkg/tasks.py") == {}


def test_a_notebook_has_no_task_sites_and_sees_its_directory(tmp_path):
    proj = make(tmp_path / "proj", {"pyproject.toml": "",
                                    "helpers.py": "import dask\n" + summary(load="array"),
                                    "driver.py": "import dask\n" + summary(
                                        task("nb", 0, "f", 1)),
                                    "nb.ipynb": "{}"})
    nb = LazyProject(str(proj / "nb.ipynb"), Options())
    assert nb.task_sites() == {}
    assert nb.imported("helpers", 0) == {"returns": {"load": "array"}, "tasks": []}


def test_imported_answers_with_the_resolved_module_s_summary(proj, fake, monkeypatch):
    """From the project's index (every module under the import root, summarized once)."""
    monkeypatch.setattr(view, "summarize", _tolerant(view.summarize))
    driver = LazyProject(str(proj / "pkg/driver.py"), Options())
    assert driver.imported("tasks", 1) == {"returns": {"load": "dataframe"}, "tasks": []}
    calls = len(fake.calls)
    assert driver.imported("pkg.tasks", 0) == {"returns": {"load": "dataframe"},
                                               "tasks": []}
    assert len(fake.calls) == calls  # the same file: nothing summarized again
    for outside in (("dask.dataframe", 0), ("os", 0), ("nothere", 1), ("x", 5)):
        assert driver.imported(*outside) is None


def test_an_undecodable_module_is_unknown(proj, fake, monkeypatch):
    (proj / "pkg/latin.py").write_bytes(b"# -*- coding: nosuchcodec -*-\nx = 1\n")
    (proj / "pkg/bad.py").write_bytes(b"x = '\xff\xfe'\n")
    driver = LazyProject(str(proj / "pkg/driver.py"), Options())
    monkeypatch.setattr(view, "summarize", _tolerant(view.summarize))
    for name in ("latin", "bad"):
        assert not (driver.imported(name, 1) or {}).get("returns")  # unknown: no kind
    assert not any("nosuchcodec" in c or "\xff" in c for c in fake.calls)


def test_constructing_a_view_costs_nothing(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(view, "locate", lambda path: calls.append(path))
    project = project_view(str(tmp_path / "nowhere/x.py"), Options())
    assert isinstance(project, LazyProject) and calls == []
    assert project.imported("x", 0) is None and calls == [str(tmp_path / "nowhere/x.py")]
    for stdin in (None, "", "-", "stdin"):
        assert project_view(stdin, Options()) is None


# ------------------------------------------------------------------------- wiring
@pytest.fixture
def seen(monkeypatch):
    """The project each SemanticModel is built with."""
    projects = []
    original = checker.SemanticModel

    def recording(tree, options, source, project=None):
        projects.append(project)
        return original(tree, options, source, project)

    monkeypatch.setattr(checker, "SemanticModel", recording)
    return projects


SOURCE = "import dask\nx = dask.delayed(1)\n"


def test_the_checker_hands_the_model_a_view_of_the_file_s_project(seen, tmp_path):
    tree = ast.parse(SOURCE)
    checker.analyze(tree, SOURCE, path=str(tmp_path / "a.py"))
    checker.analyze(tree, SOURCE)
    checker.analyze(tree, SOURCE, path="stdin")
    with checker.checking_path(str(tmp_path / "b.py")):
        checker.analyze(tree, SOURCE)
        checker.analyze(tree, SOURCE, path=str(tmp_path / "c.py"))
    checker.analyze(tree, SOURCE)
    paths = [p.path if p is not None else None for p in seen]
    assert paths == [str(tmp_path / "a.py"), None, None, str(tmp_path / "b.py"),
                     str(tmp_path / "c.py"), None]


def test_the_flake8_plugin_passes_its_filename(seen, tmp_path):
    from flake8_dask.plugin import DaskChecker
    list(DaskChecker(ast.parse(SOURCE), SOURCE.splitlines(True), "pkg/job.py").run())
    list(DaskChecker(ast.parse(SOURCE), SOURCE.splitlines(True), "stdin").run())
    assert [p.path if p else None for p in seen] == ["pkg/job.py", None]


def test_the_fix_command_passes_each_file_s_path(seen, tmp_path):
    from flake8_dask.fix.runner import CHECK, Settings, process
    from flake8_dask.fix.selection import Decider, Selection
    script = tmp_path / "job.py"
    script.write_text(SOURCE)
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text(json.dumps({
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                   "execution_count": None, "source": SOURCE}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    settings = Settings(Selection(Decider(), ()), Options(), CHECK)
    for path in (script, notebook):
        report = process(str(path), str(path), settings)
        assert report.error is None, report.error
    process("-", "-", settings, SOURCE.encode())
    assert [p.path if p else None for p in seen] == [str(script), str(notebook), None]


def test_the_fix_command_s_no_cache_flag_reaches_the_options():
    from flake8_dask.fix import cli
    from flake8_dask.fix.config import load_config
    config = load_config(None, isolated=True)
    for argv, want in ((["x.py"], False), (["--no-cache", "x.py"], True),
                       (["--dask-no-cache=true", "x.py"], True)):
        settings, _ = cli._settings_from(cli.build_parser().parse_args(argv), config)
        assert settings.options.no_cache is want, argv


def test_the_task_index_is_cached_and_a_changed_file_renews_it(
        proj, fake, monkeypatch, tmp_path):
    """With the cache on, a second process reads the index and no source; a file whose
    size or mtime changed makes a new index (here: the driver no longer submits
    ``process``, the runner still does)."""
    monkeypatch.delenv("FLAKE8_DASK_NO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.setattr(view, "summarize", _tolerant(view.summarize))
    first = sites(proj / "pkg/tasks.py")
    assert first["process"] == [site("pkg/driver.py:5"), site("pkg/sub/runner.py:11")]
    indexes = list((proj / ".flake8_dask_cache/summaries").glob("index-*.json"))
    assert len(indexes) == 1
    clear_memo()
    calls = len(fake.calls)
    assert sites(proj / "pkg/tasks.py") == first and len(fake.calls) == calls
    driver = proj / "pkg/driver.py"
    driver.write_text("import dask\n" + summary(task("othertasks", 1, "process", 6)))
    clear_memo()
    assert sites(proj / "pkg/tasks.py")["process"] == [site("pkg/sub/runner.py:11")]
    # a forged index (right name, valid shape, not signed by this user) is not read
    forged = json.loads(indexes[0].read_text())
    forged["index"] = {"pkg/tasks.py": {"lie": [site("x.py:1")]}}
    forged.pop("mac")
    for entry in (proj / ".flake8_dask_cache/summaries").glob("index-*.json"):
        entry.write_text(json.dumps(forged))
    clear_memo()
    assert "lie" not in sites(proj / "pkg/tasks.py")
