"""Kinds that cross boundaries (issue #13): parameters, return values, attributes, local
aliases inside tasks and notebook cells. Each fixture under ``fixtures/boundaries/`` marks its
true positives with ``# DSKnnn`` and holds look-alikes that must stay silent; the default
selection of rules runs, as a user sees it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import FIXTURES, analyze_source, expected_findings
from flake8_dask.fix.notebook import fix_notebook, parse_notebook
from flake8_dask.model import K, SemanticModel
from flake8_dask.model.summary import summarize
from flake8_dask.rules import ALL_RULES

BOUNDARIES = FIXTURES / "boundaries"
DEFAULT = [r for r in ALL_RULES if r.default_enabled]
SCRIPTS = sorted(BOUNDARIES.glob("*.py"))


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_boundary_fixture(path: Path):
    source = path.read_text(encoding="utf-8")
    expected = expected_findings(source)
    assert expected, f"{path.name} expects nothing"
    found = {(f.line, f.code) for f in analyze_source(source, rules=DEFAULT)}
    assert found == expected, (f"\nmissing: {sorted(expected - found)}"
                               f"\nunexpected: {sorted(found - expected)}")


def test_notebook_cells_are_one_program():
    text = (BOUNDARIES / "cells.ipynb").read_text(encoding="utf-8")
    nb = parse_notebook(text)
    result = fix_notebook(text, rules=DEFAULT, apply=False)
    expected = {(cell.index + 1, line, code) for cell in nb.cells
                for line, code in expected_findings(cell.text)}
    found = {(f.cell, f.finding.line, f.finding.code) for f in result.findings}
    assert {"DSK202", "DSK203", "DSK408"} <= {code for _, _, code in expected}
    assert found == expected, (f"\nmissing: {sorted(expected - found)}"
                               f"\nunexpected: {sorted(found - expected)}")


def _model(source: str) -> SemanticModel:
    return SemanticModel(ast.parse(source), source=source).build()


def _param_kind(source: str, function: str, param: str):
    m = _model(source)
    fn = next(f for f in m.functions if getattr(f, "name", None) == function)
    (b,) = [b for b in m.inner_scope(fn).bindings[param] if b.kind == "param"]
    v = m.parameter_value(b)
    return v.kind if v is not None else None


@pytest.mark.parametrize("annotation", [
    "dd.DataFrame", '"dd.DataFrame"', "Optional[dd.DataFrame]", '"Optional[dd.DataFrame]"',
    "Optional['dd.DataFrame']", "dd.DataFrame | None", "None | dd.DataFrame",
    "Union[dd.DataFrame, None]", "dask.dataframe.DataFrame",
])
def test_annotation_spellings(annotation):
    source = ("from __future__ import annotations\nimport dask\nimport dask.dataframe as dd\n"
              "from typing import Optional, Union\n"
              f"def f(frame: {annotation}):\n    return frame\n")
    assert _param_kind(source, "f", "frame") is K.DATAFRAME


@pytest.mark.parametrize("annotation", ["pd.DataFrame", '"pd.DataFrame"', "xr.Dataset",
                                        '"not valid python ("', repr("dd.DataFrame" + " " * 300)])  # too long to parse
def test_other_annotations_stay_unknown(annotation):
    source = ("import dask.dataframe as dd\nimport pandas as pd\nimport xarray as xr\n"
              f"def f(frame: {annotation}):\n    return frame\nf(dd.read_csv('x'))\n")
    assert _param_kind(source, "f", "frame") is None  # the annotation wins over the calls


@pytest.mark.parametrize("calls, kind", [
    ("f(dd.read_csv('a'))\nf(dd.read_parquet('b'))", K.DATAFRAME),
    ("f(frame=dd.read_csv('a'))", K.DATAFRAME),
    ("f(dd.read_csv('a'))\nf(pd.read_csv('b'))", None),  # disagree
    ("f(dd.read_csv('a'))\nf(unknown)", None),  # one unknown
    ("f(*[dd.read_csv('a')])", None),  # *args
    ("f(**{'frame': dd.read_csv('a')})", None),  # **kwargs
    ("", None),  # never called
    ("f(dd.read_csv('a'))\ng = f", None),  # also used as a value
    ("f(dd.read_csv('a'))\ndd.read_csv('b').map_partitions(f)", None),  # a partition
])
def test_parameter_from_calls(calls, kind):
    source = ("import dask.dataframe as dd\nimport pandas as pd\n"
              f"def f(frame):\n    return frame\n{calls}\n")
    assert _param_kind(source, "f", "frame") is kind


def test_parameter_of_a_method_and_of_init():
    source = ("import dask.dataframe as dd\n"
              "class P:\n"
              "    def __init__(self, frame):\n        self.frame = frame\n"
              "    def run(self, other):\n        return other\n"
              "p = P(dd.read_csv('a'))\np.run(dd.read_parquet('b'))\n")
    assert _param_kind(source, "__init__", "frame") is K.DATAFRAME
    assert _param_kind(source, "run", "other") is K.DATAFRAME
    assert _param_kind(source, "run", "self") is None


def test_parameter_with_a_default():
    source = ("import dask.dataframe as dd\n"
              "def f(frame=None):\n    return frame\n"
              "def g(frame=dd.read_csv('x')):\n    return frame\n"
              "def h(frame=1):\n    return frame\n"
              "f(dd.read_csv('a'))\nf()\ng()\nh(dd.read_csv('a'))\nh()\n")
    assert _param_kind(source, "f", "frame") is K.DATAFRAME  # None left out, as `x = None`
    assert _param_kind(source, "g", "frame") is K.DATAFRAME
    assert _param_kind(source, "h", "frame") is None  # an int when called bare


def test_functions_in_all_are_called_from_elsewhere():
    source = ("import dask.dataframe as dd\n__all__ = ['f']\n"
              "def f(frame):\n    return frame\nf(dd.read_csv('a'))\n")
    assert _param_kind(source, "f", "frame") is None


def test_recursion_stays_unknown():
    source = ("import dask.dataframe as dd\n"
              "def f(n):\n    return f(n - 1)\n"
              "def g(frame, n):\n    return g(frame.x, n - 1) if n else frame\n"
              "x = f(3)\ng(dd.read_csv('a'), 3)\n")
    m = _model(source)
    defs = {fn.name: fn for fn in m.functions}
    f, g = defs["f"], defs["g"]
    assert m.return_value(f) is None
    (b,) = [b for b in m.inner_scope(g).bindings["frame"] if b.kind == "param"]
    assert m.parameter_value(b) is None  # the recursive call passes what it received


def test_self_referential_attribute_rebinding_keeps_the_kind():
    source = ("import dask.dataframe as dd\n"
              "class P:\n"
              "    def __init__(self):\n        self.data = dd.read_parquet('x')\n"
              "    def clean(self):\n        self.data = self.data.persist()\n"
              "    def use(self):\n        return self.data\n")
    m = _model(source)
    use = next(f for f in m.functions if f.name == "use")
    ret = use.body[0].value
    assert m.kind(ret) is K.DATAFRAME


def test_summary_of_a_module():
    source = ("import dask.dataframe as dd\nimport pandas as pd\nfrom distributed import Client\n"
              "from .tasks import record\nfrom . import helpers\n"
              "def load(path):\n    return dd.read_parquet(path)\n"
              "def load_pandas(path):\n    return pd.read_parquet(path)\n"
              "class Loader:\n    def load(self):\n        return dd.from_array(x)\n"
              "client = Client('tcp://x')\nclient.submit(record, 1)\n"
              "load('x').map_partitions(helpers.clean)\n")
    summary = summarize(source)
    assert summary["returns"] == {"load": "dataframe", "Loader.load": "dataframe"}
    tasks = {(t["module"], t["level"], t["name"], t["api"], t["per_chunk"])
             for t in summary["tasks"]}
    assert tasks == {("tasks", 1, "record", "client.submit", False),
                     ("helpers", 1, "clean", "map_partitions", True)}


@pytest.mark.parametrize("source", ["def broken(:\n  pass\n", "x = 1\n", "import dask\n" * 3])
def test_summary_of_anything_never_raises(source):
    assert summarize(source) == {"returns": {}, "tasks": []}


@pytest.mark.parametrize("name", ["driver.py", "tasks.py", "io.py"])
def test_a_package_s_modules_see_each_other(name, monkeypatch):
    """fixtures/boundaries/pkg: `driver` reads its events through `io` (DSK304, DSK408) and
    hands `tasks.record` to client.submit (DSK206 in `tasks`, citing the driver's line)."""
    from flake8_dask.checker import analyze
    from flake8_dask.project import clear_memo

    monkeypatch.setenv("FLAKE8_DASK_NO_CACHE", "1")
    clear_memo()
    path = BOUNDARIES / "pkg" / name
    source = path.read_text(encoding="utf-8")
    findings = analyze(ast.parse(source), source, rules=DEFAULT, path=str(path))
    assert {(f.line, f.code) for f in findings} == expected_findings(source)
    alone = analyze(ast.parse(source), source, rules=DEFAULT)  # no project: none of them
    assert not alone
    if name == "tasks.py":
        (record,) = findings
        assert "passed to client.submit at fixtures/boundaries/pkg/driver.py:14" in \
            record.message
