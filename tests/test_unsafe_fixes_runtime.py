"""Unsafe fixes, checked by running them with Dask.

An unsafe fix may change memory use, timing or failure behaviour, but never the values a
working program computes. Each case is a small program; its "after" is produced by the real
fix engine with ``--unsafe-fixes``, never written by hand, and must apply the rule's fix
(and only fixes of that rule). Both are executed and give equal results, or the "before"
raises as the catalog says and the "after" gives what the code meant (for DSK409: what
pandas gives for the same statement). Local cases use Dask's synchronous scheduler; the
distributed ones run on an in-process cluster.
"""
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


def unsafe_fix(before: str, code: str) -> str:
    """The engine's output for ``before`` with unsafe fixes; it must apply ``code``'s fix,
    and only that rule's fixes."""
    result = fix_source(before, unsafe=True)
    assert result.error is None, result.error
    assert not result.warnings, result.warnings
    assert result.changed, f"no fix was applied:\n{before}"
    assert {a.code for a in result.applied} == {code}, [a.code for a in result.applied]
    assert all(a.safety is Safety.UNSAFE for a in result.applied)
    return result.source


def unfixed(before: str, code: str) -> None:
    """``before`` is reported by ``code`` and gets no fix."""
    result = fix_source(before, unsafe=True)
    assert result.error is None, result.error
    assert code in {f.code for f in result.remaining}, f"{code} not reported:\n{before}"
    assert code not in {a.code for a in result.applied}, result.source


def run(source: str, *args):
    namespace = {"__name__": "snippet"}
    exec(compile(source, "<snippet>", "exec"), namespace)
    return namespace["run"](*args)


def assert_same(a, b, after: str = "") -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b)
    elif isinstance(a, dict):
        assert type(b) is dict and list(a) == list(b), (a, b)
        for key in a:
            assert_same(a[key], b[key], after)
    elif isinstance(a, list):
        assert type(b) is list and len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            assert_same(x, y, after)
    else:
        assert type(a) is type(b) and a == b, f"before: {a!r}\nafter:  {b!r}\n{after}"


@pytest.fixture
def synchronous():
    # Strings stay object columns, as in pandas: the comparison is about the fix.
    with dask.config.set({"scheduler": "synchronous", "dataframe.convert-string": False}):
        yield


# ---------------------------------------------------------------------------- DSK409
LOC_FRAME = """\
import dask.dataframe as dd
import numpy as np
import pandas as pd

PDF = pd.DataFrame({
    "price": [1.0, -2.0, 3.0, -4.0, np.nan, 6.0],
    "qty": [1, 20, 3, 40, 5, 60],
    "city": ["xa", "b", "xc", "d", "e", "xf"],
    "tier": ["a", "b", "c", "d", "e", "f"],
}, index=[10, 11, 12, 13, 14, 15])


"""
DASK_FRAME = "dd.from_pandas(PDF, npartitions=2)"

# (id, the statements between loading ``orders`` and returning it)
LOC_CASES = [
    ("compare-scalar", 'orders.loc[orders.price < 0, "price"] = 0'),
    ("isna", 'orders.loc[orders.price.isna(), "price"] = -1.5'),
    ("and-not", "orders.loc[(orders.qty > 10) & ~(orders.price < 0), 'tier'] = \"bulk\""),
    ("or", 'orders.loc[(orders.qty > 30) | (orders.qty < 2), "qty"] = 0'),
    ("str-accessor", 'orders.loc[orders.city.str.startswith("x"), "qty"] = None'),
    ("between-nan", 'orders.loc[orders.qty.between(1, 10), "price"] = np.nan'),
    ("isin-string", 'orders.loc[orders.city.isin(["b", "d"]), "city"] = "bd"'),
    ("series-value", 'orders.loc[orders.qty > 10, "price"] = orders.price * 2'),
    ("other-column-value", 'orders.loc[orders.price.isna(), "price"] = orders.qty'),
    ("two-in-a-row", 'orders.loc[orders.price < 0, "price"] = 0; '
                     'orders.loc[orders.price > 2, "price"] = 2'),
]


@pytest.mark.parametrize("case_id,statements", LOC_CASES, ids=[c[0] for c in LOC_CASES])
def test_dsk409_loc_setitem(synchronous, case_id, statements):
    body = textwrap.dedent(f"""
        def run():
            orders = {DASK_FRAME}
            {statements}
            return orders.compute()
    """)
    before = LOC_FRAME + body
    after = unsafe_fix(before, "DSK409")
    assert ".loc" not in after.split("def run")[1]
    with pytest.raises(TypeError, match="'LocIndexer' object does not support item assignment"):
        run(before)
    # What the statement meant: the same code on the pandas frame.
    meant = run(before.replace(DASK_FRAME, "PDF.copy()").replace("orders.compute()", "orders"))
    assert_same(meant, run(after), after)


def test_dsk409_series(synchronous):
    before = LOC_FRAME + textwrap.dedent(f"""
        def run():
            orders = {DASK_FRAME}
            price = orders.price
            price.loc[price < 0] = 0
            return price.compute()
    """)
    after = unsafe_fix(before, "DSK409")
    assert "price = price.mask(price < 0, 0)" in after
    with pytest.raises(TypeError, match="'LocIndexer' object does not support item assignment"):
        run(before)
    meant = run(before.replace(DASK_FRAME, "PDF.copy()").replace("price.compute()", "price"))
    assert_same(meant, run(after), after)


@pytest.mark.parametrize("statement", [
    'orders.loc[other.qty > 0, "price"] = 0',
    'orders.loc[orders.qty > 0, "price"] = other.price',
    'orders.loc[orders.qty, "price"] = 0',
    'orders.loc[orders.qty > 0, "price"] = [1, 2]',
    'orders.loc[orders.qty > 0, ["price", "qty"]] = 0',
    'orders.loc[orders.qty > 0, "price"] += 1',
    'orders.iloc[:, 0] = 0',
])
def test_dsk409_no_fix(statement):
    unfixed(LOC_FRAME + textwrap.dedent(f"""
        def run():
            orders = {DASK_FRAME}
            other = {DASK_FRAME}
            {statement}
            return orders.compute()
    """), "DSK409")


# ---------------------------------------------------------------------------- DSK302
LOOP_FRAME = """\
import dask
import dask.array as da
import dask.dataframe as dd
import pandas as pd
from dask import delayed

PDF = pd.DataFrame({"a": range(20), "b": range(20, 40), "key": ["x", "y"] * 10})


def load(item):
    return item * 2


"""
# (id, body of run(columns), the line the fix adds after the loop)
LOOP_CASES = [
    ("append-sums", """
        def run(columns):
            ddf = dd.from_pandas(PDF, npartitions=3)
            out = []
            for c in columns:
                out.append(ddf[c].sum().compute())
            return out
     """, "out = list(dask.compute(*out))"),
    ("store-means", """
        def run(columns):
            ddf = dd.from_pandas(PDF, npartitions=3)
            out = {}
            for c in columns:
                out[c] = (ddf[c].mean() + 1).compute()
            return out
     """, "out = dict(zip(out, dask.compute(*out.values())))"),
    ("store-frames", """
        def run(columns):
            ddf = dd.from_pandas(PDF, npartitions=3)
            out = dict()
            for key in ["x", "y"]:
                subset = ddf[ddf.key == key]
                out[key] = subset.compute()
            return out
     """, "out = dict(zip(out, dask.compute(*out.values())))"),
    ("delayed-while", """
        def run(columns):
            out: list = list()
            pending = list(columns)
            while pending:
                item = pending.pop()
                out.append(delayed(load)(item).compute())
            return out
     """, "out = list(dask.compute(*out))"),
    ("under-if", """
        def run(columns):
            ddf = dd.from_pandas(PDF, npartitions=3)
            out = {}
            for c in columns + ["key"]:
                if c == "key":
                    continue
                elif c == "b":
                    out[c] = ddf[c].max().compute()
            return out
     """, "out = dict(zip(out, dask.compute(*out.values())))"),
    ("arrays", """
        def run(columns):
            x = da.arange(100, chunks=10)
            out = []
            for i, _ in enumerate(columns):
                out.append((x * i).sum(axis=0, keepdims=True).compute())
            return [v.tolist() for v in out]
     """, "out = list(dask.compute(*out))"),
    ("empty-loop", """
        def run(columns):
            ddf = dd.from_pandas(PDF, npartitions=3)
            out = []
            for c in columns[:0]:
                out.append(ddf[c].sum().compute())
            return out
     """, "out = list(dask.compute(*out))"),
]


@pytest.mark.parametrize("case_id,body,added", LOOP_CASES, ids=[c[0] for c in LOOP_CASES])
def test_dsk302_compute_in_loop(synchronous, case_id, body, added):
    before = LOOP_FRAME + textwrap.dedent(body)
    after = unsafe_fix(before, "DSK302")
    assert added in after and ".compute()" not in after.split("def run")[1]
    assert_same(run(before, ["a", "b"]), run(after, ["a", "b"]), after)


@pytest.mark.parametrize("imports,spelled", [
    ("import dask.dataframe as dd\n", "dask.compute"),  # ``import dask`` is added
    ("import dask.dataframe as dd\nfrom dask import compute\n", "compute"),
])
def test_dsk302_spells_compute_with_the_file_imports(synchronous, imports, spelled):
    before = imports + textwrap.dedent("""
        import pandas as pd


        def run(columns):
            ddf = dd.from_pandas(pd.DataFrame({"a": [1, 2], "b": [3, 4]}), npartitions=2)
            out = []
            for c in columns:
                out.append(ddf[c].sum().compute())
            return out
    """)
    after = unsafe_fix(before, "DSK302")
    assert f"out = list({spelled}(*out))" in after
    assert after.startswith("import dask.dataframe as dd\n")
    assert ("\nimport dask\n" in after) == (spelled == "dask.compute")
    assert_same(run(before, ["a", "b"]), run(after, ["a", "b"]), after)


def test_dsk302_shares_the_source_read(synchronous):
    """What the fix is for: the computes share one read of the source instead of one each."""
    before = LOOP_FRAME + textwrap.dedent("""
        import threading

        CALLS = []


        def part(i):
            CALLS.append(i)
            return PDF.iloc[i * 10:(i + 1) * 10]


        def run(columns):
            CALLS.clear()
            ddf = dd.from_map(part, [0, 1])
            out = []
            for c in columns:
                out.append(ddf[c].sum().compute())
            return out, len(CALLS)
    """)
    after = unsafe_fix(before, "DSK302")
    (values_before, reads_before), (values_after, reads_after) = \
        run(before, ["a", "b"]), run(after, ["a", "b"])
    assert_same(values_before, values_after, after)
    assert reads_after < reads_before, (reads_before, reads_after)


@pytest.mark.parametrize("body", [
    # a file written in the loop: computed after it, every value would read the last one
    """
    for c in columns:
        pd.DataFrame({c: [1]}).to_csv(path)
        out.append(dd.read_csv(path)[c].sum().compute())
    """,
    # an input changed in place: computed after the loop, it would be seen in its last state
    """
    for c in columns:
        params["column"] = c
        out.append(delayed(load)(params, c).compute())
    """,
    # a lambda reads the loop variable when it runs (late binding)
    """
    for c in columns:
        out.append(delayed(lambda: c)().compute())
    """,
    # the container is read in the loop
    """
    for c in columns:
        out.append(delayed(load)(c).compute())
        if len(out) > 5:
            break
    """,
])
def test_dsk302_no_fix(body):
    unfixed(LOOP_FRAME + "def run(columns, params, path):\n    out = []\n"
            + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ")
            + "\n    return out\n", "DSK302")


# ---------------------------------------------------------------------------- DSK101
# (``client``, from conftest.py, has two threads: one outer task that waits leaves one thread
# for its subtasks, so the "before" finishes; two outer tasks that wait without seceding
# would hang.)
TASKS = """\
from distributed import Client, as_completed, get_client, wait


def inc(x):
    return x + 1


"""
# (id, the task function ``outer(n)``)
WAIT_CASES = [
    ("gather-return", """
        def outer(n):
            client = get_client()
            futures = client.map(inc, range(n))
            return sum(client.gather(futures))
     """),
    ("result-return", """
        def outer(n):
            return get_client().submit(inc, n).result()
     """),
    ("wait-statement", """
        def outer(n):
            client = get_client()
            futures = client.map(inc, range(n))
            wait(futures)
            return sorted(f.result() for f in futures)
     """),
    ("as-completed-loop", """
        def outer(n):
            client = get_client()
            total = 0
            for future in as_completed(client.map(inc, range(n))):
                total += future.result()
            return total
     """),
    ("two-waits", """
        def outer(n):
            client = get_client()
            a = client.submit(inc, n).result()
            b = client.submit(inc, a)
            total = a + b.result()
            return total
     """),
    ("in-a-branch", """
        def outer(n):
            client = get_client()
            if n > 0:
                a = client.submit(inc, n).result()
                b = client.submit(inc, a).result()
                return [a, b]
            return []
     """),
    ("per-iteration", """
        def outer(n):
            client = get_client()
            results = []
            for batch in [range(n), range(n, 2 * n)]:
                futures = client.map(inc, batch)
                results.extend(client.gather(futures))
            return results
     """),
]


def submitted(body: str) -> str:
    return TASKS + textwrap.dedent(body) + textwrap.dedent("""

        def run(client: Client, n, outers):
            return [client.submit(outer, n + i, pure=False) for i in range(outers)]
    """)


@pytest.mark.parametrize("case_id,body", WAIT_CASES, ids=[c[0] for c in WAIT_CASES])
def test_dsk101_blocking_wait_in_task(client, case_id, body):
    before = submitted(body)
    after = unsafe_fix(before, "DSK101")
    assert "    secede()\n" in after
    # One outer task: the "before" finishes on two threads, and both give the same values.
    expected = results(run(before, client, 4, 1))
    assert_same(expected, results(run(after, client, 4, 1)), after)
    # Three outer tasks on two threads: without seceding they could wait for each other's
    # subtasks forever (not run: it would hang); seceded, they finish.
    assert_same(results(run(after, client, 4, 3))[:1], expected, after)


def results(futures):
    # a deadlock fails the test instead of hanging it
    return [f.result(timeout=60) for f in futures]


def test_dsk101_after_does_not_deadlock(client):
    """Without secede, two waiting outer tasks on a worker with two threads hang (the
    catalog's verification); with the fix they finish."""
    body = WAIT_CASES[0][1]
    after = unsafe_fix(submitted(body), "DSK101")
    namespace = {"__name__": "snippet"}
    exec(compile(after, "<snippet>", "exec"), namespace)
    futures = [client.submit(namespace["outer"], 5, pure=False) for _ in range(4)]
    assert results(futures) == [15] * 4


@pytest.mark.parametrize("body", [
    # also called directly: secede() outside a worker raises
    """
    def outer(n):
        return get_client().submit(inc, n).result()


    def run(client: Client, n, outers):
        outer(n)
        return client.submit(outer, n)
    """,
    # a delayed task may run on a local scheduler, where secede() raises
    """
    from dask import delayed


    @delayed
    def outer(n):
        return get_client().submit(inc, n).result()
    """,
    # an exception caught in the loop would skip rejoin(), and the next secede() fails
    """
    def outer(n):
        client = get_client()
        out = []
        for i in range(n):
            try:
                out.append(client.submit(inc, i).result())
            except ValueError:
                continue
        return out


    def run(client: Client, n, outers):
        return client.submit(outer, n)
    """,
    # a lambda has no statement to put secede() before
    """
    def run(client: Client, n, outers):
        return client.submit(lambda m: get_client().submit(inc, m).result(), n)
    """,
])
def test_dsk101_no_fix(body):
    unfixed(TASKS + textwrap.dedent(body), "DSK101")


# ---------------------------------------------------------------------------- DSK203
CAPTURES = """\
import numpy as np
import pandas as pd
from distributed import Client


def run(client: Client, path, keys):
    table = pd.read_csv(path)
    one = client.submit(lambda k: float(table.x[k] * 2), 1)
    many = client.map(lambda k, *, scale=3: float(table.x[k] * scale), keys, pure=False)
    shape = client.submit(lambda: table.shape)
    return [one.result(), shape.result()] + client.gather(many)
"""

LARGE_CAPTURE = """\
import numpy as np
from distributed import Client


def run(client: Client, path, keys):
    big = np.load(path)
    one = client.submit(lambda i: float(big[i]), 3)
    many = client.map(lambda i: float(big[i]), keys)
    return [one.result()] + client.gather(many)
"""


def test_dsk203_scattered_capture_gives_the_same_results(client, tmp_path):
    path = tmp_path / "table.csv"
    pd.DataFrame({"x": [1.5, 2.5, 3.5, 4.5]}).to_csv(path, index=False)
    after = unsafe_fix(CAPTURES, "DSK203")
    assert after.count(".scatter(table)") == 3 and "table=table_future" in after
    assert_same(run(CAPTURES, client, str(path), [0, 2, 3]),
                run(after, client, str(path), [0, 2, 3]), after)


def test_dsk203_scattered_capture_no_longer_sends_a_large_graph(client, tmp_path):
    import warnings

    np = pytest.importorskip("numpy")
    path = tmp_path / "big.npy"
    np.save(path, np.random.default_rng(0).random(2_000_000))  # 16 MB
    after = unsafe_fix(LARGE_CAPTURE, "DSK203")
    outcomes = []
    for source in (LARGE_CAPTURE, after):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            values = run(source, client, str(path), [0, 5])
        outcomes.append((values, [str(w.message) for w in caught
                                  if "Sending large graph" in str(w.message)]))
    (before_values, before_warnings), (after_values, after_warnings) = outcomes
    assert before_values == after_values
    assert before_warnings and not after_warnings


@pytest.mark.parametrize("body", [
    "big = np.load(path)\n    return client.submit(lambda i, **kw: big[i], 1).result()\n",
    "big = np.load(path)\n    return [client.submit(lambda i: big[i], i) for i in keys]\n",
    "big = np.load(path)\n    out = client.submit(lambda i: big[i], 1)\n"
    "    big = None\n    return out\n",
])
def test_dsk203_no_fix(body):
    unfixed("import numpy as np\nfrom distributed import Client\n\n\n"
            "def run(client: Client, path, keys):\n    " + body, "DSK203")
