"""The shapes DSK203, DSK502, DSK601 and DSK602 fix (with --unsafe-fixes), and the
look-alikes they deliberately leave alone: reported, but with no fix (a finding without a fix
is fine, a wrong fix is not). What the fixed code does at run time is in
test_unsafe_fixes_runtime_clusters.py."""
import textwrap

import pytest

from flake8_dask.fix.engine import fix_source
from flake8_dask.rules import RULES_BY_CODE


def run(source: str, code: str):
    if source.startswith(" "):
        source = textwrap.dedent(source)
    result = fix_source(source, unsafe=True, rules=[RULES_BY_CODE[code]])
    assert result.error is None and not result.warnings, (result.error, result.warnings)
    return source, result


def assert_fixed(source: str, code: str, expected: str) -> None:
    _, result = run(source, code)
    assert result.source == (textwrap.dedent(expected) if expected.startswith(" ") else expected)
    assert not [f for f in result.remaining if f.code == code]


def assert_reported_not_fixed(source: str, code: str) -> None:
    source, result = run(source, code)
    found = [f for f in result.remaining if f.code == code]
    assert found, "the look-alike is not even reported"
    assert all(f.fix is None for f in found), [f.line for f in found if f.fix is not None]
    assert result.source == source


# ============================================================================ DSK502
ARRAYS = """\
import dask.array as da
import numpy as np
rows = da.ones((100, 100), chunks=(1, 100))
cols = da.ones((100, 100), chunks=(100, 1))
"""


@pytest.mark.parametrize("expr", [
    "rows * 2 + cols * 2",  # no plain name to read the chunks from
    "rows + da.ones(100, chunks=1)",  # broadcasting: shapes differ
    "rows.rechunk((100, 1)) + rows",  # chunks chosen on purpose
    "da.map_blocks(lambda a, b: a - b.mean(), rows, cols)",  # the function sees the blocks
    "da.map_blocks(np.add, rows, cols, drop_axis=1)",  # the output layout is given
    "da.blockwise(np.add, 'ij', rows, 'ij', rows, 'ji')",  # different indices
])
def test_misaligned_chunks_not_fixed(expr):
    assert_reported_not_fixed(ARRAYS + f"out = {expr}\n", "DSK502")


def test_misaligned_chunks_not_reported_where_the_warning_is_expected():
    # dask's own test suite does this (dask/array/tests/test_array_core.py): the test
    # wants the warning, so neither a finding nor a fix
    source, result = run(ARRAYS + "import pytest\n\n\ndef test_warns():\n"
                         "    with pytest.warns(da.core.PerformanceWarning):\n"
                         "        rows + cols\n", "DSK502")
    assert [f.line for f in result.remaining if f.code == "DSK502"] == []
    assert result.source == source
    # the same expression outside the block is reported (the test can fail)
    _, outside = run(ARRAYS + "total = rows + cols\n", "DSK502")
    assert [f.code for f in outside.remaining] == []  # fixed
    assert [a.code for a in outside.applied] == ["DSK502"]


def test_misaligned_chunks_binary_function_gets_its_two_arrays_only():
    # np.maximum(a, b, c) would take c as its output array: no fix for three arrays.
    assert_reported_not_fixed(ARRAYS + "out = da.map_blocks(np.maximum, rows, cols, cols)\n",
                              "DSK502")
    assert_reported_not_fixed(ARRAYS + "out = da.map_blocks(np.add, rows, cols, 2)\n", "DSK502")
    assert_fixed(ARRAYS + "out = da.blockwise(np.add, 'ij', rows, 'ij', -cols, 'ij')\n",
                 "DSK502",
                 ARRAYS + "out = da.blockwise(np.add, 'ij', rows, 'ij', (-cols).rechunk("
                 "rows.chunks), 'ij')\n")


# ============================================================================ DSK601
def test_main_guard_in_a_module_without_indentation_uses_four_spaces():
    assert_fixed("""\
        from dask.distributed import Client
        client = Client()
        print(client)
        """, "DSK601", """\
        from dask.distributed import Client
        if __name__ == "__main__":
            client = Client()
            print(client)
        """)


def test_main_guard_follows_the_files_indentation():
    assert_fixed("""\
        from dask.distributed import LocalCluster


        def f(x):
          return x


        cluster = LocalCluster()
        for i in range(2):
          print(f(i))
        """, "DSK601", """\
        from dask.distributed import LocalCluster


        def f(x):
          return x


        if __name__ == "__main__":
          cluster = LocalCluster()
          for i in range(2):
            print(f(i))
        """)


@pytest.mark.parametrize("tail", [
    "client = Client()\ndef later():\n    pass\n",  # a def after the driver code
    "client = Client()\nimport os\n",  # an import after it
    "client = Client()\ntry:\n    import numpy\nexcept ImportError:\n    numpy = None\n",
    "client = Client()\nclass Later:\n    pass\n",
    "client = Client()\nif __name__ == '__main__':\n    print(client)\n",  # a guard already
    "x = 1; client = Client()\n",  # shares its line
])
def test_main_guard_not_fixed(tail):
    assert_reported_not_fixed("from dask.distributed import Client\n" + tail, "DSK601")


def test_main_guard_findings_share_one_fix():
    assert_fixed("""\
        import dask
        from dask.distributed import LocalCluster
        cluster = LocalCluster()
        x = dask.compute(1, scheduler="processes")
        """, "DSK601", """\
        import dask
        from dask.distributed import LocalCluster
        if __name__ == "__main__":
            cluster = LocalCluster()
            x = dask.compute(1, scheduler="processes")
        """)


def test_main_guard_not_fixed_when_the_first_finding_is_not_a_clean_cut():
    # The later finding has a clean tail, but guarding only it would leave the first one.
    assert_reported_not_fixed("""\
        from dask.distributed import Client
        client = Client()
        def f():
            pass
        other = Client(n_workers=1)
        """, "DSK601")


# ============================================================================ DSK602
HEADER = """\
from distributed import Client, LocalCluster, get_client


def simulate(p):
    return p


"""


def test_unclosed_cluster_fixed_with_tabs():
    assert_fixed(HEADER + "def run(ps):\n\tfor p in ps:\n\t\tclient = Client()\n"
                 "\t\tprint(client.submit(simulate, p).result())\n",
                 "DSK602",
                 HEADER + "def run(ps):\n\tfor p in ps:\n\t\twith Client() as client:\n"
                 "\t\t\tprint(client.submit(simulate, p).result())\n")


def test_unclosed_cluster_keeps_a_commented_client_out_of_the_with():
    assert_fixed(HEADER + textwrap.dedent("""\
        def run(ps):
            for p in ps:
                cluster = LocalCluster()
                # connect
                client = Client(cluster)
                print(client.submit(simulate, p).result())
        """), "DSK602", HEADER + textwrap.dedent("""\
        def run(ps):
            for p in ps:
                with LocalCluster() as cluster:
                    # connect
                    client = Client(cluster)
                    print(client.submit(simulate, p).result())
        """))


@pytest.mark.parametrize("body", [
    # read after the block
    "for p in ps:\n    c = LocalCluster()\n    print(Client(c).submit(simulate, p).result())\n"
    "print(c)\n",
    # futures kept after the block
    "out = []\nfor p in ps:\n    client = Client()\n    out.append(client.submit(simulate, p))\n"
    "return out\n",
    "for p in ps:\n    client = Client()\n    fut = client.submit(simulate, p)\nreturn fut\n",
    "for p in ps:\n    client = Client()\n    print(client.submit(simulate, p).result())\n"
    "return get_client()\n",
    # a future or a collection returned
    "client = Client()\nreturn client.submit(simulate, 1)\n",
    "client = Client()\nreturn client.map(simulate, ps)\n",
    # bound twice, annotated, captured by a lambda, sharing a line, a one-line loop body
    "for p in ps:\n    client = Client()\n    client = Client(n_workers=1)\n"
    "    print(client.submit(simulate, p).result())\n",
    "for p in ps:\n    client: Client = Client()\n    print(client.submit(simulate, p).result())\n",
    "for p in ps:\n    client = Client()\n    f = lambda: client.submit(simulate, p)\n"
    "    print(f().result())\n",
    "for p in ps:\n    x = 1; client = Client()\n    print(client.submit(simulate, p).result())\n",
    "for p in ps: client = Client(); print(client.submit(simulate, p).result())\n",
    # nothing after it uses it (the default client may be used implicitly)
    "for p in ps:\n    client = Client()\n    print(p)\n",
    # a generator: the cluster would live as long as the generator is suspended
    "for p in ps:\n    client = Client()\n    yield client.submit(simulate, p).result()\n",
])
def test_unclosed_cluster_not_fixed(body):
    source = HEADER + "def run(ps):\n" + textwrap.indent(body, "    ") + \
        "\n\nfor _ in range(2):\n    run([1])\n"
    assert_reported_not_fixed(source, "DSK602")


def test_main_guard_and_with_block_compose_over_two_passes():
    source = ("from dask.distributed import Client\n"
              "for n in (1, 2):\n"
              "    client = Client(n_workers=n)\n"
              "    print(client.submit(abs, -n).result())\n")
    result = fix_source(source, unsafe=True)
    assert result.error is None and not result.warnings and result.passes == 2
    assert [a.code for a in result.applied] == ["DSK601", "DSK602"]
    assert result.source == ("from dask.distributed import Client\n"
                             "if __name__ == \"__main__\":\n"
                             "    for n in (1, 2):\n"
                             "        with Client(n_workers=n) as client:\n"
                             "            print(client.submit(abs, -n).result())\n")


# ============================================================================ DSK203
CAPTURE = """\
import numpy as np
from dask.distributed import Client


def run(client: Client, keys, opts):
    big = np.load("big.npy")
    small = np.load("small.npy")
"""


def test_closure_capture_fixed_with_a_scattered_keyword():
    assert_fixed(CAPTURE + "    return client.map(lambda k, *, n=1: big[k] * n, keys)\n",
                 "DSK203",
                 CAPTURE + "    big_future = client.scatter(big)\n"
                 "    return client.map(lambda k, *, n=1, big: big[k] * n, keys, "
                 "big=big_future)\n")
    assert_fixed("import numpy as np\nfrom distributed import Client\nclient = Client()\n"
                 "big = np.load('big.npy')\nout = client.submit(lambda: big.sum())\n",
                 "DSK203",
                 "import numpy as np\nfrom distributed import Client\nclient = Client()\n"
                 "big = np.load('big.npy')\nbig_future = client.scatter(big)\n"
                 "out = client.submit(lambda *, big: big.sum(), big=big_future)\n")


@pytest.mark.parametrize("statement", [
    "client.submit(lambda k: big[k] + small[k], 1)",  # two large captures
    "[client.submit(lambda k: big[k], k) for k in keys]",  # inside a comprehension
    "client.submit(lambda k, **kw: big[k], 1)",  # **kwargs could receive it
    "client.submit(lambda k, *big_: big[k], 1, big=1)",  # the call passes the keyword
    "client.submit(lambda k: big[k], 1, **opts)",  # ... or may pass it
    "print(big := np.load('b.npy'), client.submit(lambda k: big[k], 1))",  # rebinds it
    "x = 1; client.submit(lambda k: big[k], 1)",  # shares its line
    "if keys: client.submit(lambda k: big[k], 1)",  # the body of a one-line if
    "client.submit(lambda k: big[k], 1)\n    big = None",  # rebound later in the block
    "client.submit(lambda k: big[k], 1, key=lambda: 1)",  # two lambdas in the statement
    "big_future = 1\n    client.submit(lambda k: big[k], 1)",  # the new name is taken
])
def test_closure_capture_not_fixed(statement):
    assert_reported_not_fixed(CAPTURE + "    " + statement + "\n", "DSK203")


def test_closure_capture_in_a_nested_def_not_fixed():
    assert_reported_not_fixed(CAPTURE + "    def task(k):\n        return big[k]\n\n"
                              "    return client.submit(task, 1)\n", "DSK203")


def test_closure_capture_named_like_a_submit_keyword_not_fixed():
    assert_reported_not_fixed(CAPTURE.replace("big", "key")
                              + "    return client.submit(lambda k: key[k], 1)\n", "DSK203")
