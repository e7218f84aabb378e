"""Options and edge cases of the graph rules (DSK302, DSK307, DSK308, DSK309) that a fixture
cannot express."""
from conftest import analyze_source
from flake8_dask.options import Options

TINY = """
from dask import delayed

def f(i):
    return i

lazy = [delayed(f)(i) for i in range(5_000)]
"""


def codes(source, **options):
    return [(f.line, f.code) for f in analyze_source(source, options=Options(**options))]


def test_tiny_task_count_option():
    assert codes(TINY) == []
    assert codes(TINY, tiny_task_count=5_000) == [(7, "DSK309")]
    assert codes(TINY, tiny_task_count=5_001) == []


def test_large_array_elements_option_reaches_dsk308():
    source = """
import numpy as np
from dask import delayed

def f(a, i):
    return i

grid = np.zeros((1_000, 1_000))
lazy = [delayed(f)(grid, i) for i in range(3)]
"""
    assert codes(source) == []
    assert codes(source, large_array_elements=999_999) == [(9, "DSK308")]


def test_dsk302_reports_once_with_dsk303():
    source = """
import dask.array as da

def run(lr):
    w = da.zeros(10, chunks=5)
    history = []
    for _ in range(5):
        w = w - lr * w
        history.append(w.sum().compute())
    return history
"""
    assert codes(source) == [(8, "DSK303")]


def test_literal_range_forms():
    source = """
from dask import delayed

def f(i):
    return i

a = [delayed(f)(i) for i in range(0, 2 * 10**5, 2)]
b = [delayed(f)(i) for i in range(-5, 5)]
c = [delayed(f)(i) for i in range(10**400)]
d = [delayed(f)(i) for i in range(1000**30)]
"""
    # 10**400 is not evaluated (guarded exponent), and range(1000**30) has no len(): silent
    assert codes(source) == [(7, "DSK309")]
