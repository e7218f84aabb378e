"""DSK310's unsafe fix, run with Dask: two adjacent computes of one source merged into one
``dask.compute`` give the same values (and read the source once instead of twice)."""
import textwrap

import pytest

pytestmark = pytest.mark.runtime

dask = pytest.importorskip("dask")
pd = pytest.importorskip("pandas")
pytest.importorskip("dask.dataframe")

from flake8_dask.findings import Safety  # noqa: E402
from flake8_dask.fix.engine import fix_source  # noqa: E402

BEFORE = '''\
{imports}
import dask.dataframe as dd


def run(path):
    df = dd.read_csv(path)
    big = df[df.amount > 10]
    mean = df.amount.mean().compute()
    top = big.qty.max().compute()
    xs = df.amount.values.compute()
    ys = big.qty.values.compute()
    return mean, top, list(xs), list(ys)
'''


def fixed(before: str) -> str:
    result = fix_source(before, unsafe=True)
    assert result.error is None, result.error
    assert not result.warnings, result.warnings
    assert {a.code for a in result.applied} == {"DSK310"}, result.applied
    assert all(a.safety is Safety.UNSAFE for a in result.applied)
    return result.source


def run(source: str, *args):
    namespace = {"__name__": "snippet"}
    exec(compile(source, "<snippet>", "exec"), namespace)
    return namespace["run"](*args)


@pytest.fixture
def csv_path(tmp_path):
    for i in range(4):
        pd.DataFrame({"amount": range(i * 10, i * 10 + 10), "qty": range(10)}).to_csv(
            tmp_path / f"part-{i}.csv", index=False)
    return str(tmp_path / "part-*.csv")


@pytest.mark.parametrize("imports", ["import dask", "import pandas as pd"])
def test_merged_computes_give_the_same_values(csv_path, imports):
    before = BEFORE.format(imports=imports)
    after = fixed(before)
    assert after.count("dask.compute(") == 2, after
    assert "mean, top = dask.compute(df.amount.mean(), big.qty.max())" in after
    assert "xs, ys = dask.compute(df.amount.values, big.qty.values)" in after
    with dask.config.set(scheduler="synchronous"):
        a, b = run(before, csv_path), run(after, csv_path)
    assert a == b, textwrap.indent(after, "    ")


def test_merged_computes_read_the_source_once(tmp_path):
    """The catalog's claim, on the fixed code: the source is read once, not twice."""
    log = tmp_path / "reads.log"
    before = textwrap.dedent('''\
        import dask.dataframe as dd
        import pandas as pd


        class Reader:
            def __init__(self, log):
                self.log = log

            def __dask_tokenize__(self):
                return "reader"

            def __call__(self, i):
                with open(self.log, "a") as f:
                    f.write("r")
                return pd.DataFrame({"amount": range(i * 10, i * 10 + 10)})


        def run(log):
            df = dd.from_map(Reader(log), range(4))
            mean = df.amount.mean().compute()
            std = df.amount.std().compute()
            return mean, std
        ''')
    after = fixed(before)
    with dask.config.set(scheduler="synchronous"):
        a = run(before, str(log))
        reads_before = len(log.read_text())
        log.unlink()
        b = run(after, str(log))
        reads_after = len(log.read_text())
    assert a == b
    # 4 partitions read per compute, plus one read by from_map to infer the metadata
    assert (reads_before, reads_after) == (9, 5), after
