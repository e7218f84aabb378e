"""What the array (DSK5xx) and lifecycle (DSK6xx) rules do beyond their fixtures: options,
notebooks, the boundary with DSK701, and the layout arithmetic in the model."""
import ast
import textwrap

import pytest

from conftest import analyze_source
from flake8_dask.model import SemanticModel
from flake8_dask.model.arrays import align
from flake8_dask.options import Options
from flake8_dask.rules import RULES_BY_CODE


def codes(source, code, **options):
    source = textwrap.dedent(source)
    found = analyze_source(source, options=Options(**options), rules=[RULES_BY_CODE[code]])
    assert not [f for f in found if f.code == "DSK000"], found
    return [(f.line, f.code) for f in found]


# ------------------------------------------------------------------ DSK501 options
TINY = """\
import dask.array as da
x = da.ones((1000, 1000), chunks=(10, 10))
"""


def test_tiny_chunks_thresholds_come_from_the_options():
    assert codes(TINY, "DSK501") == []  # 10 000 blocks: not more than 100 000
    assert codes(TINY, "DSK501", tiny_chunk_blocks=5000) == [(2, "DSK501")]
    assert codes(TINY, "DSK501", tiny_chunk_blocks=5000, tiny_chunk_elements=100) == []


def test_tiny_chunks_options_are_read_from_flake8_config():
    opts = Options.from_mapping({"dask_tiny_chunk_blocks": "5000",
                                 "dask_tiny_chunk_elements": "1e3", "dask_notebook": "1"})
    assert (opts.tiny_chunk_blocks, opts.tiny_chunk_elements) == (5000, 1000)
    assert opts.notebook is False  # set by front ends only, never from a config file


def test_tiny_chunks_huge_block_counts_are_counted_not_listed():
    src = "import dask.array as da\nx = da.ones(10 ** 15, chunks=1)\n"
    assert codes(src, "DSK501") == [(2, "DSK501")]


# ------------------------------------------------------------------ DSK504 and DSK701
@pytest.mark.parametrize("expr", [
    "int(ddf.a.sum())",  # a DataFrame Scalar: float()/int() raise (DSK701)
    "float(ddf.a.mean())",
    "float(delayed(f)(1))",  # a Delayed raises too (DSK701)
    "bool(darr.sum())",  # bool() is DSK701's
    "list(ddf)",  # column names
    "list(darr)",  # lazy slices
    "len(darr)",  # the shape, nothing computed
])
def test_implicit_compute_leaves_these_alone(expr):
    src = f"""
    import dask.array as da
    import dask.dataframe as dd
    from dask import delayed
    def f(x):
        return x
    ddf = dd.read_csv("x.csv")
    darr = da.ones(10, chunks=5)
    value = {expr}
    """
    assert codes(src, "DSK504") == []


# ------------------------------------------------------------------ DSK601 notebooks
MODULE_CLIENT = """\
from dask.distributed import Client
client = Client()
"""


def test_main_guard_not_required_in_notebooks():
    assert codes(MODULE_CLIENT, "DSK601") == [(2, "DSK601")]
    assert codes(MODULE_CLIENT, "DSK601", notebook=True) == []
    exported = "# In[1]:\n" + MODULE_CLIENT  # ``jupyter nbconvert --to script``
    assert codes(exported, "DSK601") == []


def test_main_guard_bag_compute_after_a_client_uses_the_client():
    src = """\
    import dask.bag as db
    from dask.distributed import Client
    client = Client(processes=False)
    total = db.from_sequence([1, 2]).sum().compute()
    """
    assert codes(src, "DSK601") == []


def test_main_guard_bag_compute_before_a_guarded_client_is_reported():
    src = """\
    import dask.bag as db
    from dask.distributed import Client
    total = db.from_sequence([1, 2]).sum().compute()
    if __name__ == "__main__":
        client = Client(processes=False)
    """
    assert codes(src, "DSK601") == [(3, "DSK601")]


# ------------------------------------------------------------------ the model's layouts
def layout_of(source, name):
    tree = ast.parse(textwrap.dedent(source))
    m = SemanticModel(tree).build()
    for node in ast.walk(tree):
        if type(node) is ast.Assign and node.targets[0].id == name:
            return m.array_layout(node.value)
    raise AssertionError(name)


@pytest.mark.parametrize("source, shape, block_shape, blocks", [
    ("x = da.ones((100, 100), chunks=(10, 25))", (100, 100), "(10, 25)", 40),
    ("x = da.ones(10, chunks=(3, 3, 4))", (10,), "((3, 3, 4),)", 3),
    ("x = da.ones((10, 10), chunks=((5, 5), -1))", (10, 10), "((5, 5), 10)", 2),
    ("x = da.random.random((10, 10), 5)", (10, 10), "(5, 5)", 4),
    ("x = da.arange(0, 100, 10, chunks=3)", (10,), "(3,)", 4),
    ("x = da.eye(10, 3)", (10, 10), "(3, 3)", 16),
    ("x = da.from_array(np.zeros((4, 6)), chunks=(2, -1))", (4, 6), "(2, 6)", 2),
    ("y = da.ones((100, 100), chunks=(10, 100))\nx = y.rechunk({1: 10})", (100, 100),
     "(10, 10)", 100),
    ("y = da.ones((100, 100), chunks=(10, 100))\nx = y.rechunk((None, 50))", (100, 100),
     "(10, 50)", 20),
    ("y = da.ones((100, 50), chunks=(10, 50))\nx = (2 * y.T).astype(int)", (50, 100),
     "(50, 10)", 10),
])
def test_array_layout(source, shape, block_shape, blocks):
    layout = layout_of("import dask.array as da\nimport numpy as np\n" + source, "x")
    assert layout is not None
    assert (layout.shape, layout.block_shape(), layout.blocks) == (shape, block_shape, blocks)


@pytest.mark.parametrize("source", [
    "x = da.ones((100, 100), chunks='auto')",
    "x = da.ones(shape, chunks=(10, 10))",
    "x = da.from_zarr('a.zarr')",
    "x = da.ones((10, 10), chunks=(3,))",  # Dask raises
    "x = np.ones((10, 10))",
])
def test_array_layout_unknown(source):
    layout = layout_of("import dask.array as da\nimport numpy as np\nshape = f()\n" + source,
                       "x")
    assert layout is None or layout.chunks is None


def test_alignment_matches_dask_unify_chunks():
    src = """
    import dask.array as da
    a = da.ones((1000, 1000), chunks=(1000, 10))
    b = da.ones((1000, 1000), chunks=(10, 1000))
    c = da.ones(1000, chunks=10)
    d = da.ones(1000, chunks=7)
    """
    a, b, c, d = (layout_of(src, n) for n in "abcd")
    assert align([(a, (1, 0)), (b, (1, 0))]).blocks == 100 * 100  # dask: factor of 100
    assert align([(a, (1, 0)), (c, (0,))]).blocks == 100  # c matches a's columns
    # 10 and 7 share the boundaries at multiples of 70: 99 + 142 - 14 inner ones
    assert align([(c, (0,)), (d, (0,))]).blocks == 99 + 142 - 14 + 1
    assert align([(a, (1, 0)), (layout_of(src.replace("1000, chunks=7", "999, chunks=7"),
                                          "d"), (0,))]) is None  # sizes differ: Dask raises
