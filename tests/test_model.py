"""The semantic model: names, kinds and task functions, and unknown meaning silent."""
import ast
import textwrap

import pytest

from flake8_dask.model import K, SemanticModel


def model_of(source):
    tree = ast.parse(textwrap.dedent(source))
    return tree, SemanticModel(tree).build()


def expr(tree, text):
    for node in ast.walk(tree):
        if isinstance(node, ast.expr) and ast.unparse(node) == text:
            return node
    raise AssertionError(f"{text!r} not in tree")


def kind_of(source, text):
    tree, m = model_of(source)
    return m.kind(expr(tree, text))


@pytest.mark.parametrize("source, text, qualname", [
    ("import dask.dataframe as dd\ndd.read_csv", "dd.read_csv", "dask.dataframe.read_csv"),
    ("from dask import delayed as d\nd", "d", "dask.delayed"),
    ("import dask\ndask.delayed", "dask.delayed", "dask.delayed"),
    ("from dask.delayed import delayed\ndelayed", "delayed", "dask.delayed"),
    ("import distributed\ndistributed.get_client", "distributed.get_client",
     "distributed.get_client"),
    ("from dask.distributed import Client as DaskClient\nDaskClient", "DaskClient",
     "distributed.Client"),
    ("from distributed.client import Client\nClient", "Client", "distributed.Client"),
    ("import dask\ndl = dask.delayed\ndl", "dl", "dask.delayed"),
    ("try:\n    from distributed import Client\nexcept ImportError:\n    Client = None\nClient",
     "Client", "distributed.Client"),
])
def test_qualified_names(source, text, qualname):
    tree, m = model_of(source)
    nodes = [n for n in ast.walk(tree) if isinstance(n, ast.expr)
             and ast.unparse(n) == text and isinstance(getattr(n, "ctx", ast.Load()), ast.Load)]
    assert m.qualname(nodes[-1]) == qualname


def test_star_import_is_unknown():
    tree, m = model_of("from dask import *\ndelayed\n")
    assert m.qualname(tree.body[1].value) is None


def test_shadowing_parameter():
    tree, m = model_of("import dask.dataframe as dd\ndef f(dd):\n    return dd.read_csv\n")
    assert m.qualname(expr(tree, "dd.read_csv")) is None


def test_local_assignment_shadows_import():
    tree, m = model_of("from dask import delayed\ndef f():\n    delayed = print\n"
                       "    return delayed\n")
    ret = tree.body[1].body[1].value
    assert m.qualname(ret) == "builtins.print"


@pytest.mark.parametrize("source, text, kind", [
    ("from distributed import get_client\nc = get_client()\nc", "c", K.CLIENT),
    ("from distributed import Client\ndef f(c: Client):\n    return c", "c", K.CLIENT),
    ("from distributed import Client\nfrom typing import Optional\n"
     "def f(c: Optional[Client] = None):\n    return c", "c", K.CLIENT),
    ("from distributed import Client\nclass A:\n    def __init__(self):\n"
     "        self.client = Client()\n    def go(self):\n        return self.client",
     "self.client", K.CLIENT),
    ("from distributed import worker_client\nwith worker_client() as wc:\n    wc", "wc",
     K.CLIENT),
    ("import dask.dataframe as dd\ndf = dd.read_csv('x')\ndf.a", "df.a", K.SERIES),
    ("import dask.dataframe as dd\ndf = dd.read_csv('x')\ndf.a.sum()", "df.a.sum()", K.SCALAR),
    ("import dask.dataframe as dd\ndf = dd.read_csv('x')\ndf[['a']]", "df[['a']]",
     K.DATAFRAME),
    ("import dask.array as da\nx = da.ones(3)\nx.rechunk(1) + 1", "x.rechunk(1) + 1", K.ARRAY),
    ("import dask.bag as db\nb = db.from_sequence([1])\nb.map(str)", "b.map(str)", K.BAG),
    ("from dask import delayed\nd = delayed(sum)([1])\nd.real", "d.real", K.DELAYED),
    ("from distributed import Client\nc = Client()\nf = c.submit(abs, 1)\nf", "f", K.FUTURE),
    ("from distributed import Client\nc = Client()\nfs = c.map(abs, [1])\nfs[0]", "fs[0]",
     K.FUTURE),
    ("import pandas as pd\nbig = pd.read_csv('x').set_index('a')\nbig", "big", K.LARGE),
    ("import dask.dataframe as dd\nlocal = dd.read_csv('x').compute()\nlocal", "local",
     K.LARGE),
    ("with open('f') as fh:\n    fh", "fh", K.RESOURCE),
    ("import threading\nlock = threading.Lock()\nlock", "lock", K.RESOURCE),
    ("import dask\nimport dask.array as da\n(x,) = dask.persist(da.ones(3))\nx", "x", K.ARRAY),
])
def test_kinds(source, text, kind):
    tree, m = model_of(source)
    nodes = [n for n in ast.walk(tree) if isinstance(n, ast.expr) and ast.unparse(n) == text
             and isinstance(getattr(n, "ctx", ast.Load()), ast.Load)]
    assert m.kind(nodes[-1]) == kind


@pytest.mark.parametrize("source, text", [
    ("import pandas as pd\ndf = pd.read_csv('x')\ndf.a.sum()", "df.a.sum()"),
    ("import numpy as np\nx = np.ones(3)\nx.sum()", "x.sum()"),
    ("import xarray as xr\nx = xr.open_dataset('f')\nx.compute()", "x.compute()"),
    ("import concurrent.futures as cf\np = cf.ThreadPoolExecutor()\np.submit(abs, 1)",
     "p.submit(abs, 1)"),
    ("import fsspec\nf = fsspec.open('s3://b/k')\nf", "f"),
    ("from dask.utils import SerializableLock\nlock = SerializableLock()\nlock", "lock"),
    ("d = {'a': 1}\nd.get('a')", "d.get('a')"),
    ("def f(df):\n    return df.a.sum()", "df.a.sum()"),
])
def test_lookalikes_are_unknown(source, text):
    assert kind_of(source, text) is None


def test_flow_sensitive_rebinding():
    source = ("import dask.dataframe as dd\nimport pandas as pd\n"
              "df = pd.read_csv('x')\ndf = dd.from_pandas(df, npartitions=2)\nresult = df.a\n")
    tree, m = model_of(source)
    assert m.kind(tree.body[-1].value) == K.SERIES


def test_conditional_rebinding_disagreeing_is_unknown():
    source = ("import dask.array as da\nimport numpy as np\n"
              "if flag:\n    x = da.ones(3)\nelse:\n    x = np.ones(3)\ny = x\n")
    tree, m = model_of(source)
    assert m.kind(tree.body[-1].value) is None


def test_task_sites_through_partial_and_reassignment():
    source = textwrap.dedent("""\
        import functools
        from distributed import Client
        def work(x, y):
            return x
        alias = work
        client = Client()
        client.map(functools.partial(alias, y=1), [1])
    """)
    tree, m = model_of(source)
    work = tree.body[2]
    (site,) = m.tasks[work]
    assert (site.api, site.line, site.lazy) == ("client.map", 7, False)


def test_method_task_site_and_delayed_decorator():
    source = textwrap.dedent("""\
        import dask
        import dask.dataframe as dd
        class Job:
            def __init__(self):
                self.df = dd.read_csv('x')
            def part(self, p):
                return p
            def run(self):
                return self.df.map_partitions(self.part)
        @dask.delayed(pure=True)
        def load(path):
            return path
    """)
    tree, m = model_of(source)
    part = tree.body[2].body[1]
    load = tree.body[3]
    assert [(s.api, s.per_chunk) for s in m.tasks[part]] == [("map_partitions", True)]
    assert [(s.api, s.lazy) for s in m.tasks[load]] == [("@delayed", True)]


def test_concurrent_futures_submit_is_not_a_task():
    source = ("import dask\nfrom concurrent.futures import ThreadPoolExecutor\n"
              "def f(x):\n    return x\npool = ThreadPoolExecutor()\npool.submit(f, 1)\n")
    tree, m = model_of(source)
    assert m.tasks == {}


def test_names_index_and_unused_names():
    tree, m = model_of(
        "import numpy as np\n"
        "def f(arg):\n"
        "    try:\n"
        "        pass\n"
        "    except ValueError as err:\n"
        "        pass\n"
        "    total = arg + used_global\n"
        "    return total\n"
        "class K:\n"
        "    pass\n")
    assert sorted(type(n.ctx).__name__ for n in m.names("total")) == ["Load", "Store"]
    assert m.names("absent") == []
    # bound (import, def, parameter, except, class, assignment) or only read: all in use
    for name in ("np", "f", "arg", "err", "K", "total", "used_global"):
        assert not m.is_unused_name(name), name
    assert m.is_unused_name("total_future")
