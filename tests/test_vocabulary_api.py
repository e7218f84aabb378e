"""The vocabulary's producers checked against the installed Dask's public API (#13).

``python -m flake8_dask.dev vocabulary`` lists every public function of dask.dataframe,
dask.array, dask.bag, dask.delayed, dask.datasets and distributed that returns a collection or
a Future; these tests fail when the semantic model does not know one of them (naming it), when
it gives another kind, or when the vocabulary names something the installed Dask does not have.
The table probes functions in a child process (tiny in-memory inputs): marked ``runtime``.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from conftest import ROOT

from flake8_dask import dev_vocabulary as D
from flake8_dask.model import vocabulary as V
from test_architecture import import_graph

pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")

pytestmark = pytest.mark.runtime


@pytest.fixture(scope="module")
def table() -> list[D.Entry]:
    return D.api_table()


@pytest.fixture(scope="module")
def comparison(table) -> D.Comparison:
    return D.compare(table)


def test_every_producer_of_the_installed_dask_is_in_the_vocabulary(comparison):
    missing = [f"{e.name} ({e.kind}; {e.how})" for e in comparison.missing]
    assert not missing, ("producers the installed Dask has and the model does not know "
                         "(add them to flake8_dask/model/vocabulary/, or to EXCLUSIONS with a "
                         "reason):\n  " + "\n  ".join(missing))


def test_the_model_gives_each_producer_its_kind(comparison):
    wrong = [f"{e.name}: API {e.kind}, model {m}" for e, m in comparison.different]
    assert not wrong, "\n".join(wrong)


def test_the_vocabulary_names_nothing_the_installed_dask_lacks(comparison):
    assert not comparison.stale, (
        f"not in the installed Dask: {comparison.stale} (a name of an older Dask goes to "
        "FORMER_NAMES with the version that had it)")


def test_the_table_finds_the_producers_a_user_meets_first(table):
    """The table itself is not empty or blind: well-known producers come out with their kind,
    and the input-dependent ufuncs are told apart."""
    kinds = {e.name: e.kind for e in table}
    assert kinds["dask.dataframe.read_parquet"] == "DataFrame"
    assert kinds["dask.array.from_array"] == "Array"
    assert kinds["dask.array.random.normal"] == "Array"
    assert kinds["dask.bag.from_sequence"] == "Bag"
    assert kinds["dask.datasets.timeseries"] == "DataFrame"
    assert kinds["dask.delayed"] == "Delayed"
    assert kinds["distributed.Client.submit"] == "Future"
    assert kinds["distributed.Client.map"] == "list of Futures"
    assert kinds["dask.array.sin"] == D.INPUT_DEPENDENT  # da.sin(np_x) is NumPy's
    assert kinds["dask.array.random.default_rng"] == D.NOT_A_COLLECTION  # a Generator
    assert sum(k in D.PRODUCER_KINDS for k in kinds.values()) > 250


def test_every_exclusion_is_a_name_of_the_table_with_a_reason(table):
    names = {e.name for e in table}
    for name, reason in D.EXCLUSIONS.items():
        assert name in names, f"{name}: excluded but not a public name of the installed Dask"
        assert len(reason) > 20, f"{name}: say why it is excluded"


def test_removing_a_producer_from_the_vocabulary_is_caught(table, monkeypatch):
    """The check can fail: take one producer out of each table, and it is reported."""
    removed = {"dask.datasets.timeseries", "dask.array.random.gamma", "dask.bag.random.sample"}
    monkeypatch.setattr(V, "DASK_DATAFRAME_FUNCTIONS_RETURNING", {
        q: k for q, k in V.DASK_DATAFRAME_FUNCTIONS_RETURNING.items()
        if q != "dask.datasets.timeseries"})
    monkeypatch.setattr(V, "DASK_ARRAY_CREATORS", V.DASK_ARRAY_CREATORS - {"random.gamma"})
    monkeypatch.setattr(V, "DASK_BAG_CREATORS", V.DASK_BAG_CREATORS - {"random.sample"})
    missing = {e.name for e in D.compare(table).missing}
    assert missing == removed


def test_a_name_that_never_existed_is_reported_as_stale(table, monkeypatch):
    monkeypatch.setattr(V, "DASK_BAG_CREATORS", V.DASK_BAG_CREATORS | {"from_avro"})
    assert D.compare(table).stale == ["dask.bag.from_avro"]


@pytest.mark.parametrize(("source", "kind"), [
    ("import dask\nv = dask.datasets.timeseries()", "DataFrame"),
    ("from dask.datasets import make_people\nv = make_people()", "Bag"),
    ("import dask.array as da\nv = da.random.gamma(2.0, size=10, chunks=5)", "Array"),
    ("import dask.array as da\nv = da.fft.rfft(x)", "Array"),
    ("import dask.bag as db\nv = db.read_avro('f.avro')", "Bag"),
    ("import dask_geopandas\nv = dask_geopandas.points_from_xy(ddf)", "Series"),
    ("import dask_cudf\nv = dask_cudf.read_csv('f.csv')", "DataFrame"),
    # look-alikes: the same names elsewhere stay unknown
    ("import numpy as np\nv = np.random.gamma(2.0, size=10)", None),
    ("import numpy as np\nv = np.fft.rfft(x)", None),
    ("import pandas as pd\nv = pd.to_timedelta(s)", None),
    ("import geopandas\nv = geopandas.points_from_xy(x, y)", None),
    ("import dask.array as da\nv = da.random.default_rng(0)", None),  # a Generator
])
def test_spellings_users_write(source, kind):
    from flake8_dask.model import SemanticModel
    tree = ast.parse(source)
    value = SemanticModel(tree).build().value(tree.body[-1].value)
    got = None if value is None else D._MODEL_NAMES.get(value.kind.name)
    assert got == kind


def test_nothing_the_plugin_runs_imports_the_developer_tool():
    graph = import_graph()
    reached = set()
    todo = [m for m in graph if m in ("flake8_dask.plugin", "flake8_dask.checker") or
            m.startswith("flake8_dask.fix")]
    while todo:
        module = todo.pop()
        if module not in reached:
            reached.add(module)
            todo.extend(graph.get(module, ()))
    assert not reached & {"flake8_dask.dev_vocabulary", "flake8_dask.dev_probe",
                          "flake8_dask.dev"}


def test_the_probe_sandbox_refuses_writes_sockets_and_processes(tmp_path):
    target = tmp_path / "written"
    code = f"""
from flake8_dask.dev_probe import _sandbox
_sandbox()
import socket, subprocess
for attempt in (lambda: open({str(target)!r}, "w"),
                lambda: socket.create_connection(("127.0.0.1", 9)),
                lambda: subprocess.run(["true"])):
    try:
        attempt()
    except PermissionError as e:
        print("refused:", e)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT)}, timeout=60)
    assert done.stdout.count("refused:") == 3, done.stdout + done.stderr
    assert not target.exists()
