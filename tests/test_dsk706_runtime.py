"""DSK706's unsafe fix, run with Dask: the text built from a lazy value held its repr before
the fix and holds the value after it (the same text as formatting the computed value by
hand). The "after" is produced by the fix engine, never written by hand."""
import logging
import textwrap

import pytest

# Runs Dask: left out of the quick loop (CONTRIBUTING.md).
pytestmark = pytest.mark.runtime

dask = pytest.importorskip("dask")
pd = pytest.importorskip("pandas")
pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from flake8_dask.findings import Safety  # noqa: E402
from flake8_dask.fix.engine import fix_source  # noqa: E402

PROGRAM = textwrap.dedent('''\
    import logging

    import dask
    import dask.array as da
    import dask.dataframe as dd
    import pandas as pd
    from dask import delayed

    log = logging.getLogger("dsk706")


    def inc(x):
        return x + 1


    def run():
        ddf = dd.from_pandas(pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]}), npartitions=2)
        arr = da.arange(10, chunks=5)
        total = ddf.x.sum()
        d = delayed(inc)(41)
        texts = [
            f"mean is {ddf.x.mean()}",
            "total: " + str(total),
            "rows: %s" % ddf.x.count(),
            "{} and {}".format(arr.sum(), ddf.x.max() - ddf.x.min()),
            f"{d!s}",
        ]
        log.warning("answer %s", d)
        return texts
''')

EXPECTED = ["mean is 2.5", "total: 10.0", "rows: 4", "45 and 3.0", "42"]


def test_lazy_values_formatted_show_their_values_after_the_fix(caplog):
    result = fix_source(PROGRAM, unsafe=True)
    assert result.error is None and not result.warnings, (result.error, result.warnings)
    assert {a.code for a in result.applied} == {"DSK706"}
    assert all(a.safety is Safety.UNSAFE for a in result.applied)
    assert len(result.applied) == 7
    after = result.source

    with dask.config.set(scheduler="sync"):
        with caplog.at_level(logging.WARNING, logger="dsk706"):
            before_texts = _run(PROGRAM)
            before_log = caplog.messages[-1]
            after_texts = _run(after)
            after_log = caplog.messages[-1]

    # before: the reprs (a format spec on a lazy value raises instead: the test below)
    assert "Scalar" in before_texts[0] and "Scalar" in before_texts[1]
    assert "Scalar" in before_texts[2] and "Delayed" in before_texts[4]
    assert before_log.startswith("answer Delayed(")
    assert after_texts == EXPECTED
    assert after_log == "answer 42"


def test_a_format_spec_raised_before_the_fix_and_formats_the_value_after():
    before = textwrap.dedent('''\
        import dask.dataframe as dd
        import pandas as pd


        def run():
            ddf = dd.from_pandas(pd.DataFrame({"x": [1.0, 2.0]}), npartitions=1)
            return f"{ddf.x.mean():.2f}"
    ''')
    result = fix_source(before, unsafe=True)
    assert {a.code for a in result.applied} == {"DSK706"}
    with dask.config.set(scheduler="sync"):
        with pytest.raises(TypeError, match="unsupported format string"):
            _run(before)
        assert _run(result.source) == "1.50"


def test_a_future_formatted_shows_its_result_after_the_fix():
    before = textwrap.dedent('''\
        from dask.distributed import Client


        def run(client):
            future = client.submit(sum, [1, 2, 3])
            return f"result {future}"
    ''')
    result = fix_source(before, unsafe=True)
    assert {a.code for a in result.applied} == {"DSK706"}
    assert "future.result()" in result.source
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=1,
                            dashboard_address=":0") as client:
        assert _run(before, client).startswith("result <Future")
        assert _run(result.source, client) == "result 6"


def _run(source: str, *args):
    namespace = {"__name__": "snippet"}
    exec(compile(source, "<snippet>", "exec"), namespace)
    return namespace["run"](*args)
