"""DSK505 oversized-chunks, run with Dask: the catalog's verified facts, the unsafe fix
executed before and after (on small arrays, with a small ``dask-max-chunk-bytes``: the same
code paths without allocating gigabytes), and the option through flake8 itself."""
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT
from flake8_dask.findings import Safety
from flake8_dask.fix.engine import fix_source
from flake8_dask.options import Options

# Runs Dask and flake8: left out of the quick loop (CONTRIBUTING.md).
pytestmark = pytest.mark.runtime

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
np = pytest.importorskip("numpy")

SMALL = Options(max_chunk_bytes=1_000_000)  # 1 MB: the arrays below have 2-8 MB blocks


def unsafe_fix(before: str) -> str:
    result = fix_source(before, options=SMALL, unsafe=True)
    assert result.error is None and not result.warnings, (result.error, result.warnings)
    assert result.changed, f"no fix was applied:\n{before}"
    assert {a.code for a in result.applied} == {"DSK505"}, [a.code for a in result.applied]
    assert all(a.safety is Safety.UNSAFE for a in result.applied)
    assert not [f for f in result.remaining if f.code == "DSK505"], result.remaining
    return result.source


def run(source: str):
    namespace = {"__name__": "snippet"}
    exec(compile(source, "<snippet>", "exec"), namespace)
    with dask.config.set(scheduler="synchronous"):
        return namespace["run"]()


def test_the_catalog_facts():
    """The verification script's numbers: a 14.9 GiB chunk (nothing warns when the array is
    made), Dask's 128 MiB target, and the 4096 x 4096 blocks of chunks="auto"."""
    x = da.random.random((200_000, 200_000), chunks=(200_000, 10_000))
    assert x.chunksize == (200_000, 10_000) and x.numblocks == (1, 20)
    assert x.dtype.itemsize * 200_000 * 10_000 / 2 ** 30 == pytest.approx(14.9, abs=0.05)
    assert dask.utils.parse_bytes(dask.config.get("array.chunk-size")) == 128 * 2 ** 20
    assert da.random.random((200_000, 200_000), chunks="auto").chunksize == (4096, 4096)
    # the rule's element sizes are the arrays' own
    assert da.zeros((10, 10), dtype="float32", chunks=5).dtype.itemsize == 4
    assert da.full((10, 10), True, chunks=5).dtype.itemsize == 1
    assert da.arange(10, chunks=5).dtype.itemsize == 8
    assert da.random.randint(0, 10, size=(10, 10), chunks=5).dtype.itemsize == 8


@pytest.mark.parametrize("before", [
    """\
    import dask.array as da

    def run():
        x = da.arange(1_000_000, chunks=-1)
        return int((x * 3).sum().compute())
    """,
    """\
    import dask.array as da
    import numpy as np

    def run():
        np.random.seed(0)
        x = da.from_array(np.random.rand(1000, 1000), chunks=(1000, 500))
        return (x.T + 1).compute()
    """,
    """\
    import dask.array as da

    def run():
        x = da.ones((1000, 1000), chunks=(100, 100), dtype="int64")
        y = x.rechunk({0: -1, 1: 1000})
        return (y.cumsum(axis=0) - 2).compute()
    """,
    """\
    import dask.array as da

    def run():
        x = da.full((1000, 2000), 7, chunks=(1000, 1000))
        return da.rechunk(x, (500, 2000)).max(axis=1).compute()
    """,
])
def test_the_fix_keeps_the_values(before):
    before = textwrap.dedent(before)
    after = unsafe_fix(before)
    assert '"auto"' in after
    np.testing.assert_array_equal(run(before), run(after))


def test_the_fix_changes_the_blocks():
    """What makes it unsafe: the block structure is Dask's choice afterwards (here one block
    instead of two), and a seeded random array draws other numbers."""
    before = textwrap.dedent("""\
        import dask.array as da

        def run():
            x = da.ones((1000, 1000), chunks=(1000, 500))
            rs = da.random.RandomState(0)
            return x.numblocks, rs.random_sample((1000, 1000), chunks=(1000, 500)).sum()
    """)
    # The RandomState method is not a creator the model knows: only da.ones is fixed.
    after = unsafe_fix(before)
    assert run(before)[0] == (1, 2) and run(after)[0] == (1, 1)
    seeded = [da.random.RandomState(0).random_sample((1000, 1000), chunks=c).compute()
              for c in ((1000, 500), "auto")]
    assert not np.array_equal(*seeded)


def test_blocksizes_are_what_dask_reads(tmp_path):
    """An oversized blocksize is taken as given (one partition per block), and a compressed
    file is read whole whatever the blocksize (the rule stays silent there)."""
    dd = pytest.importorskip("dask.dataframe")
    path = tmp_path / "data.csv"
    path.write_text("a,b\n" + "".join(f"{i},{i * 2}\n" for i in range(50_000)))
    assert dd.read_csv(str(path), blocksize="100kB").npartitions > 1
    assert dd.read_csv(str(path), blocksize="8GB").npartitions == 1
    import gzip
    gz = tmp_path / "data.csv.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    with pytest.warns(UserWarning, match="compression does not support breaking apart"):
        assert dd.read_csv(str(gz), blocksize="100kB").npartitions == 1
    source = f"import dask.dataframe as dd\ndf = dd.read_csv({str(gz)!r}, blocksize='8GB')\n"
    assert not fix_source(source, apply=False).remaining


def run_flake8(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "flake8", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_flake8_reads_the_option(tmp_path):
    (tmp_path / "job.py").write_text(
        "import dask.array as da\n\n"
        "x = da.ones((20_000, 20_000), chunks=(20_000, 10_000))\n")  # 1.49 GiB blocks
    out = run_flake8("--isolated", "--select=DSK505", "job.py", cwd=tmp_path)
    assert "job.py:3:5: DSK505" in out.stdout, out.stdout + out.stderr
    out = run_flake8("--isolated", "--select=DSK505", "--dask-max-chunk-bytes=2147483648",
                     "job.py", cwd=tmp_path)
    assert out.returncode == 0 and out.stdout == "", out.stdout + out.stderr
    (tmp_path / "setup.cfg").write_text("[flake8]\ndask-max-chunk-bytes = 2147483648\n")
    out = run_flake8("--select=DSK505", "job.py", cwd=tmp_path)
    assert out.returncode == 0 and out.stdout == "", out.stdout + out.stderr
    out = run_flake8("--isolated", "--select=DSK505", "--dask-max-chunk-bytes=lots",
                     "job.py", cwd=tmp_path)
    assert out.returncode == 2 and "expected a whole number" in out.stderr, out.stderr
