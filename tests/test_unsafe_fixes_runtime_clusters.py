"""The unsafe fixes of DSK502, DSK601 and DSK602, checked by running them with Dask.

Each "after" is produced by the real fix engine with ``unsafe=True``, never written by hand,
and must apply only the rule under test. DSK502: the rechunked expressions compute the same
values, without the PerformanceWarning. DSK601: the original script fails to start its
worker processes (spawn re-imports it), the fixed one runs. DSK602: the fixed code computes
the same results and leaves no cluster running.
"""
import os
import subprocess
import sys
import warnings

import pytest

# Runs Dask: left out of the quick loop (CONTRIBUTING.md).
pytestmark = pytest.mark.runtime

dask = pytest.importorskip("dask")
np = pytest.importorskip("numpy")
pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

from flake8_dask.findings import Safety  # noqa: E402
from flake8_dask.fix.engine import fix_source  # noqa: E402


def unsafe_fix(before: str, code: str) -> str:
    """The engine's output for ``before`` with unsafe fixes; it must apply ``code`` only."""
    result = fix_source(before, unsafe=True)
    assert result.error is None and not result.warnings, (result.error, result.warnings)
    assert result.changed, f"no fix was applied:\n{before}"
    assert {a.code for a in result.applied} == {code}, [a.code for a in result.applied]
    assert all(a.safety is Safety.UNSAFE for a in result.applied)
    assert not [f for f in result.remaining if f.code == code]
    return result.source


def run(source: str, *args):
    namespace = {"__name__": "snippet"}
    exec(compile(source, "<snippet>", "exec"), namespace)
    return namespace["run"](*args)


# ============================================================================ DSK502
ARRAYS = """\
import operator

import dask.array as da
import numpy as np


def run():
    np.random.seed(0)
    left = np.random.rand(40, 40)
    right = np.random.rand(40, 40)
    rows = da.from_array(left, chunks=(2, 40))
    cols = da.from_array(right, chunks=(40, 2))
    return [
        rows + cols,
        cols * rows,
        rows < cols,
        -rows + cols,
        da.from_array(right, chunks=(40, 2)) - rows,
        rows + rows.T,
        da.blockwise(np.maximum, "ij", rows, "ij", cols, "ij", dtype=float),
        da.map_blocks(np.add, rows, cols),
        rows.map_blocks(np.subtract, cols),
        da.map_blocks(operator.mul, rows, -cols),
    ]
"""
#: The expected values, with NumPy.
NUMPY = [lambda a, b: a + b, lambda a, b: b * a, lambda a, b: a < b, lambda a, b: -a + b,
         lambda a, b: b - a, lambda a, b: a + a.T, np.maximum, np.add, np.subtract,
         lambda a, b: a * -b]
#: ``map_blocks`` does not rechunk crossing inputs in dask 2026.8: it declares the common
#: refinement of the blocks but hands the function the original blocks, which do not
#: broadcast. The fixed code works.
MAP_BLOCKS = slice(7, None)


def test_misaligned_chunks_fix_computes_the_same_values():
    after = unsafe_fix(ARRAYS, "DSK502")
    assert after.count(".rechunk(") == 10, after
    np.random.seed(0)
    left, right = np.random.rand(40, 40), np.random.rand(40, 40)
    expected = [f(left, right) for f in NUMPY]
    with dask.config.set(scheduler="synchronous"):
        with pytest.warns(dask.array.core.PerformanceWarning):
            before_arrays = run(ARRAYS)
        with warnings.catch_warnings():
            warnings.simplefilter("error", dask.array.core.PerformanceWarning)
            after_arrays = run(after)
        before = dask.compute(*before_arrays[:MAP_BLOCKS.start])
        for array in before_arrays[MAP_BLOCKS]:
            with pytest.raises(ValueError, match="could not be broadcast"):
                array.compute()
        got = dask.compute(*after_arrays)
    for i, (b, a) in enumerate(zip(before_arrays, after_arrays)):
        np.testing.assert_array_equal(got[i], expected[i])
        if i < MAP_BLOCKS.start:
            np.testing.assert_array_equal(got[i], before[i])
            assert got[i].dtype == before[i].dtype
        assert a.npartitions < b.npartitions  # the point: no common refinement of both layouts


# ============================================================================ DSK601
SCRIPT = """\
from dask.distributed import Client, LocalCluster


def inc(x):
    return x + 1


cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                       dashboard_address=None)
client = Client(cluster)
print("RESULT", sum(client.gather(client.map(inc, range(10)))))
client.close()
cluster.close()
"""


def _run_script(path):
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__MULTIPROCESSING_METHOD="spawn")
    try:
        return subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                              timeout=120, cwd=path.parent, env=env)
    except subprocess.TimeoutExpired as exc:  # a worker that never starts may hang
        return subprocess.CompletedProcess(exc.cmd, -1, exc.stdout or "", exc.stderr or "")


def test_main_guard_fix_lets_the_script_start_its_workers(tmp_path):
    after = unsafe_fix(SCRIPT, "DSK601")
    assert 'if __name__ == "__main__":\n    cluster = LocalCluster(' in after
    original, fixed = tmp_path / "original.py", tmp_path / "fixed.py"
    original.write_text(SCRIPT)
    fixed.write_text(after)
    broken = _run_script(original)
    assert broken.returncode != 0 and "RESULT" not in broken.stdout, broken.stdout
    assert "bootstrapping phase" in broken.stderr or "failed to start" in broken.stderr, \
        broken.stderr[-2000:]
    works = _run_script(fixed)
    assert works.returncode == 0, works.stderr[-2000:]
    assert "RESULT 55" in works.stdout
    assert "bootstrapping phase" not in works.stderr


# ============================================================================ DSK602
CLUSTERS = """\
from distributed import Client, LocalCluster


def simulate(p):
    return p * 2


def run_experiment(params):
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                           dashboard_address=None)
    client = Client(cluster)
    return client.gather(client.map(simulate, params))


def sweep(sizes):
    results = []
    for n in sizes:
        client = Client(n_workers=n, threads_per_worker=1, processes=False,
                        dashboard_address=None)
        results.append(client.submit(simulate, n).result())
    return results


def run():
    return [run_experiment([1, 2, 3]) for _ in range(2)], sweep([1, 2])
"""


def _live():
    from distributed import Client
    from distributed.deploy.spec import SpecCluster

    clusters = [c for c in list(SpecCluster._instances) if c.status.name != "closed"]
    clients = [c for c in list(Client._instances) if c.status != "closed"]
    return clusters, clients


def _close(clusters, clients):
    for c in clients:
        c.close()
    for c in clusters:
        c.close()


def test_unclosed_cluster_fix_closes_the_clusters_and_keeps_the_results():
    after = unsafe_fix(CLUSTERS, "DSK602")
    assert "as cluster, Client(cluster) as client:" in after
    assert "        with Client(n_workers=n" in after
    _close(*_live())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # distributed's shutdown chatter
        expected = run(CLUSTERS)
        leaked_clusters, leaked_clients = _live()
        _close(leaked_clusters, leaked_clients)
        got = run(after)
        left_clusters, left_clients = _live()
        _close(left_clusters, left_clients)
    assert got == expected == ([[2, 4, 6], [2, 4, 6]], [2, 4])
    assert len(leaked_clusters) == 4  # the original: two per function, never closed
    assert left_clusters == [] and left_clients == []
