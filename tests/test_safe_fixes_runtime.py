"""Every fix that claims to be SAFE, checked by running it with Dask.

Each case is a small program taken from a fixture. Its "after" is produced by the real fix
engine with safe fixes only, never written by hand. Both are executed: they give equal
results, or the "before" raises exactly as the catalog says and the "after" gives the
intended result. The local cases use Dask's synchronous scheduler; the cases that need
futures share one in-process client.
"""
import re
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


class Raises:
    def __init__(self, exc, match):
        self.exc, self.match = exc, match


def safe_fix(before: str, code: str) -> str:
    """The engine's safe-only output for ``before``; it must apply ``code`` and only safe
    fixes."""
    result = fix_source(before, unsafe=False)
    assert result.error is None, result.error
    assert result.changed, f"no safe fix was applied:\n{before}"
    assert {a.code for a in result.applied} == {code}, [a.code for a in result.applied]
    assert all(a.safety is Safety.SAFE for a in result.applied)
    return result.source


def run(source: str, *args):
    namespace = {"__name__": "snippet"}
    exec(compile(source, "<snippet>", "exec"), namespace)
    return namespace["run"](*args)


def same(a, b) -> bool:
    if isinstance(a, pd.DataFrame) or isinstance(b, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
        return True
    return type(a) is type(b) and a == b


def check(before: str, code: str, outcome, expected, *args):
    before = textwrap.dedent(before)
    after = safe_fix(before, code)
    if isinstance(outcome, Raises):
        with pytest.raises(outcome.exc, match=outcome.match):
            run(before, *args)
    else:
        expected = run(before, *args)
    got = run(after, *args)
    assert same(got, expected), f"before: {expected!r}\nafter:  {got!r}\n{after}"
    return after


@pytest.fixture
def synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


FRAME = """\
import dask
import dask.array as da
import dask.bag as db
import dask.dataframe as dd
import pandas as pd
from dask import delayed


def inc(x):
    return x + 1


PDF = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [3.0, 2.0, 1.0], "z": [1.0, None, 3.0]})

"""

SCALAR_BOOL = Raises(TypeError, "Trying to convert")
DELAYED_BOOL = Raises(TypeError, "Truth of Delayed objects is not supported")
SAME = None

# (id, body of run(), outcome, expected value of the "after" when the "before" raises)
BOOL_CASES = [
    ("scalar-if", """
        def run():
            ddf = dd.from_pandas(PDF, npartitions=2)
            if ddf.x.sum() > 0:
                return "positive"
            return "other"
     """, SCALAR_BOOL, "positive"),
    ("delayed-if", """
        def run():
            d = delayed(inc)(1)
            if d:
                return "truthy"
            return "falsy"
     """, DELAYED_BOOL, "truthy"),
    ("array-if", """
        def run():
            x = da.ones(10, chunks=5)
            if x.any():
                return "any"
            return "none"
     """, SAME, None),
    ("array-while", """
        def run():
            x = da.ones(10, chunks=5) * 8
            steps = 0
            while abs(x).max() > 1:
                x = x / 2
                steps += 1
            return steps
     """, SAME, None),
    ("array-assert", """
        def run():
            x = da.ones(10, chunks=5)
            assert x.sum() > 0, "empty"
            return "ok"
     """, SAME, None),
    ("scalar-ternary", """
        def run():
            ddf = dd.from_pandas(PDF, npartitions=2)
            return "big" if ddf.x.max() > 100 else "small"
     """, SCALAR_BOOL, "small"),
    ("delayed-not", """
        def run():
            d = delayed(inc)(1)
            if not d:
                return "falsy"
            return "truthy"
     """, DELAYED_BOOL, "truthy"),
    ("scalar-or", """
        def run():
            ddf = dd.from_pandas(PDF, npartitions=2)
            if ddf.x.min() < 0 or ddf.x.max() > 10:
                return "out of range"
            return "in range"
     """, SCALAR_BOOL, "in range"),
    ("delayed-bool", """
        def run():
            return bool(delayed(inc)(1))
     """, DELAYED_BOOL, True),
    ("scalar-float", """
        def run():
            ddf = dd.from_pandas(PDF, npartitions=2)
            return float(ddf.x.sum())
     """, Raises(TypeError, "float\\(\\) argument"), 6.0),
    ("delayed-int", """
        def run():
            return int(delayed(len)([1, 2]))
     """, Raises(TypeError, "int\\(\\) argument"), 2),
    ("delayed-comprehension-filter", """
        def run():
            d = delayed(inc)(0)
            return [v for v in range(3) if d]
     """, DELAYED_BOOL, [0, 1, 2]),
    ("scalar-chained-compare", """
        def run():
            ddf = dd.from_pandas(PDF, npartitions=2)
            if 0 < ddf.x.mean() < 10:
                return "inside"
            return "outside"
     """, SCALAR_BOOL, "inside"),
    ("two-scalars", """
        def run():
            ddf = dd.from_pandas(PDF, npartitions=2)
            return "x" if ddf.x.sum() > ddf.y.sum() else "not x"
     """, SCALAR_BOOL, "not x"),
    ("scalar-arithmetic", """
        def run():
            ddf = dd.from_pandas(PDF, npartitions=2)
            if (ddf.x.sum() - 1) * 2 > 0:
                return "positive"
            return "other"
     """, SCALAR_BOOL, "positive"),
    ("delayed-or-value", """
        def run():
            d = delayed(inc)(1)
            return d or 0
     """, DELAYED_BOOL, 2),
    ("delayed-negated-operand", """
        def run():
            d = delayed(inc)(1)
            return 0 or not d
     """, DELAYED_BOOL, False),
    ("bag-item", """
        def run():
            bag = db.from_sequence([1, 2, 3], npartitions=2)
            return "many" if bag.count() > 2 else "few"
     """, Raises(TypeError, "not supported between instances of 'Item' and 'int'"), "many"),
    ("array-bool", """
        def run():
            x = da.ones(10, chunks=5)
            return bool(x.sum() > 0)
     """, SAME, None),
]


@pytest.mark.parametrize("case_id,body,outcome,expected", BOOL_CASES,
                         ids=[c[0] for c in BOOL_CASES])
def test_dsk701_bool_on_lazy_object(synchronous, case_id, body, outcome, expected):
    check(FRAME + textwrap.dedent(body), "DSK701", outcome, expected)


INPLACE = Raises(TypeError, "unexpected keyword argument 'inplace'")
INPLACE_CASES = [
    ("fillna", "ddf.fillna(0, inplace=True)", lambda p: p.fillna(0)),
    ("drop", 'ddf.drop(columns=["y"], inplace=True)', lambda p: p.drop(columns=["y"])),
    ("rename", 'ddf.rename(columns={"x": "w"}, inplace=True)',
     lambda p: p.rename(columns={"x": "w"})),
    # Dask resets the index per partition: the intended result is Dask's own.
    ("reset_index", "ddf.reset_index(inplace=True, drop=True)",
     lambda p: dask.dataframe.from_pandas(p, npartitions=2).reset_index(drop=True).compute(
         scheduler="synchronous")),
    ("dropna", "ddf.dropna(inplace=True)", lambda p: p.dropna()),
    ("column", 'ddf["z"].fillna(0, inplace=True)', lambda p: p.assign(z=p.z.fillna(0))),
    ("multi-line", 'ddf.drop(\n        columns=["y"],\n        inplace=True,\n    )',
     lambda p: p.drop(columns=["y"])),
]


@pytest.mark.parametrize("case_id,statement,pandas_result", INPLACE_CASES,
                         ids=[c[0] for c in INPLACE_CASES])
def test_dsk408_unsupported_inplace(synchronous, case_id, statement, pandas_result):
    body = f"""
def run():
    ddf = dd.from_pandas(PDF, npartitions=2)
    {statement}
    return ddf.compute()
"""
    pdf = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [3.0, 2.0, 1.0], "z": [1.0, None, 3.0]})
    after = check(FRAME + body, "DSK408", INPLACE, pandas_result(pdf))
    assert "inplace" not in after


def test_dsk408_attribute_receiver(synchronous):
    source = FRAME + textwrap.dedent("""
        class Table:
            def __init__(self):
                self.frame = dd.from_pandas(PDF, npartitions=2)

            def clean(self):
                self.frame.drop_duplicates(inplace=True)
                return self.frame.compute()


        def run():
            return Table().clean()
    """)
    pdf = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [3.0, 2.0, 1.0], "z": [1.0, None, 3.0]})
    check(source, "DSK408", INPLACE, pdf.drop_duplicates())


SCALAR_CASES = [
    ("float-sum", "float(x.sum())"),
    ("int-numpy-max", "int(np.max(x))"),
    ("float-mean", "float(x.mean())"),
    ("float-dask-function", "float(da.nanmax(x))"),
    ("float-difference", "float(x.max() - x.min())"),
    ("int-negated-floordiv", "int(-(x.sum() // 2))"),
    ("float-scaled", "float(x.std(ddof=1) * 2)"),
    ("int-argmax", "int(x.argmax())"),
]


@pytest.mark.parametrize("case_id,expression", SCALAR_CASES, ids=[c[0] for c in SCALAR_CASES])
def test_dsk504_implicit_compute_scalar(synchronous, case_id, expression):
    body = f"""
import numpy as np


def run():
    x = da.from_array(np.arange(12.0).reshape(3, 4) % 5, chunks=2)
    return {expression}
"""
    after = check(FRAME + body, "DSK504", SAME, None)
    assert ".compute()" in after


def test_dsk504_one_element_array_is_not_safe():
    """``float(x)`` of a 1-d one-element array works, ``float(x.compute())`` raises: no safe
    fix unless the argument is certainly 0-d."""
    source = FRAME + textwrap.dedent("""
        def run():
            x = da.ones(10, chunks=5)
            return float(x[:1])
    """)
    result = fix_source(source, unsafe=False)
    assert not result.changed
    assert [f.fix.safety for f in result.remaining if f.code == "DSK504"] == [Safety.UNSAFE]
    with dask.config.set(scheduler="synchronous"):
        assert run(source) == 1.0
        with pytest.raises(TypeError, match="only 0-dimensional arrays"):
            run(fix_source(source, unsafe=True).source)


CLIENT = """\
import itertools

from distributed import Client


def add(pair):
    return pair[0] + pair[1]


def numbers(n):
    yield from range(n)

"""
ITERATORS = Raises(TypeError, "Dask no longer supports mapping over Iterators")
XS, YS = [1, -2, 3], [4, 5, -6]
MAP_CASES = [
    ("zip", "client.map(add, zip(xs, ys))", ITERATORS, [5, 3, -3]),
    ("generator-expression", "client.map(abs, (x for x in xs))", ITERATORS, [1, 2, 3]),
    ("map", "client.map(abs, map(int, xs))", ITERATORS, [1, 2, 3]),
    ("filter", "client.map(abs, filter(lambda v: v > 0, xs))", ITERATORS, [1, 3]),
    ("enumerate", "client.map(add, enumerate(xs))", ITERATORS, [1, -1, 5]),
    ("iter", "client.map(abs, iter(xs))", ITERATORS, [1, 2, 3]),
    ("itertools", "client.map(add, itertools.product(xs[:1], ys[:2]))", ITERATORS, [5, 6]),
    ("generator", "client.map(abs, numbers(3))", ITERATORS, [0, 1, 2]),
    ("mixed", "client.map(max, xs, reversed(ys))", Raises(TypeError, "has no len"),
     [1, 5, 4]),
]


@pytest.mark.parametrize("case_id,call,outcome,expected", MAP_CASES,
                         ids=[c[0] for c in MAP_CASES])
def test_dsk703_map_over_iterator(client, case_id, call, outcome, expected):
    body = f"""
def run(client: Client, xs, ys):
    futures = {call}
    return client.gather(futures)
"""
    check(CLIENT + body, "DSK703", outcome, expected, client, XS, YS)


def test_dsk703_name_bound_to_iterator(client):
    body = """
def run(client: Client, xs, ys):
    pairs = zip(xs, ys)
    futures = client.map(add, pairs)
    return client.gather(futures)
"""
    check(CLIENT + body, "DSK703", ITERATORS, [5, 3, -3], client, XS, YS)


RESULT_CASES = [
    ("map", """
        def run(client: Client, items):
            futures = client.map(double, items)
            return [f.result() for f in futures]
     """),
    ("submitted", """
        def run(client: Client, items):
            submitted = [client.submit(double, i) for i in items]
            return [fut.result() for fut in submitted]
     """),
    ("inline-map", """
        def run(client: Client, items):
            return [f.result() for f in client.map(double, items)]
     """),
    ("attribute-client", """
        class Runner:
            def __init__(self, client: Client):
                self.client = client

            def run(self, items):
                futures = self.client.map(double, items)
                return [f.result() for f in futures]


        def run(client: Client, items):
            return Runner(client).run(items)
     """),
]
RESULTS = """\
from distributed import Client


def double(x):
    if x == "boom":
        raise ValueError("boom")
    return x * 2

"""


@pytest.mark.parametrize("case_id,body", RESULT_CASES, ids=[c[0] for c in RESULT_CASES])
def test_dsk704_sequential_future_results(client, case_id, body):
    source = RESULTS + textwrap.dedent(body)
    after = check(source, "DSK704", SAME, None, client, [1, 2, 3])
    assert ".gather(" in after
    # Errors surface the same way: the failing task's exception, raised by both.
    for program in (source, after):
        with pytest.raises(ValueError, match="boom"):
            run(program, client, [1, "boom", 3])


def test_every_safe_rule_is_run():
    """A new rule with a safe fix needs runtime cases here."""
    from flake8_dask.rules import RULES_BY_CODE

    safe = {code for code, rule in RULES_BY_CODE.items() if Safety.SAFE in rule.fixes}
    tested = {"DSK408", "DSK504", "DSK701", "DSK703", "DSK704"}
    assert safe <= tested, sorted(safe - tested)


def test_case_ids_are_unique():
    for cases in (BOOL_CASES, INPLACE_CASES, SCALAR_CASES, MAP_CASES, RESULT_CASES):
        ids = [c[0] for c in cases]
        assert len(ids) == len(set(ids))
        assert all(re.fullmatch(r"[a-z0-9_-]+", i) for i in ids)
