"""Hypothesis strategies for programs that use Dask, for the property tests.

``dask_programs()`` builds whole modules from a pool of realistic Dask statements (imports
under various aliases, clients, ``submit``/``map`` with lambdas, ``delayed``,
``map_partitions``, loops, ``with`` blocks, ``persist``/``compute``...) nested in functions,
loops, ``with``, ``if``, ``try``, ``match`` and classes. The names come from a small pool so
that statements read each other's values. ``splice()`` inserts such statements into the blocks
of another program (a hypothesmith one).
"""

from __future__ import annotations

import ast
import random
import warnings

from hypothesis import strategies as st

VARIABLES = ("x", "y", "df", "arr", "bag", "fut", "futs", "client", "res", "lock", "big",
             "part", "item", "c", "total")
FUNCTIONS = ("f", "g", "process", "task")
PARAMETERS = ("a", "b", "p", "part", "x", "client")

#: Each alias with the ways a module may spell it (one is drawn, or none: unresolved names).
IMPORTS = {
    "dask": ("import dask", "import dask as dsk\ndask = dsk"),
    "dd": ("import dask.dataframe as dd", "from dask import dataframe as dd"),
    "da": ("import dask.array as da", "from dask import array as da"),
    "db": ("import dask.bag as db", "from dask import bag as db"),
    "delayed": ("from dask import delayed", "from dask.delayed import delayed",
                "delayed = dask.delayed"),
    "dl": ("from dask import delayed as dl",),
    "Client": ("from dask.distributed import Client", "from distributed import Client",
               "import distributed\nClient = distributed.Client"),
    "LocalCluster": ("from dask.distributed import LocalCluster",),
    "misc": ("from dask.distributed import wait, as_completed, worker_client, get_client, "
             "secede, rejoin",
             "from distributed import *"),
    "np": ("import numpy as np",),
    "pd": ("import pandas as pd",),
    "stdlib": ("import threading\nimport functools",),
}

SIMPLE = (
    "{v} = Client()",
    "{v} = Client(processes=False, dashboard_address=None)",
    "{v} = Client('tcp://scheduler:8786')",
    "{v} = LocalCluster().get_client()",
    "{v} = dd.read_csv('data-*.csv')",
    "{v} = dd.from_pandas(pd.DataFrame({{'a': [1, 2]}}), npartitions=2)",
    "{v} = da.ones((1000, 1000), chunks=(100, 100))",
    "{v} = da.from_array(np.arange(100), chunks=10)",
    "{v} = db.from_sequence(range(10))",
    "{v} = client.submit({f}, {w})",
    "{v} = client.submit(lambda {a}: {a} + 1, {w})",
    "{v} = client.submit(lambda: client.gather({w}))",
    "{v} = client.map({f}, range(10))",
    "{v} = client.map(lambda {a}: {a}.compute(), {w})",
    "{v} = client.gather({w})",
    "{v} = client.scatter({w})",
    "{v} = client.compute({w})",
    "{v} = client.persist({w})",
    "{v} = {w}.result()",
    "{v} = delayed({f})({w})",
    "{v} = delayed({f}, pure=True)({w}, k={v})",
    "{v} = dl(lambda: {w})()",
    "{v} = dask.delayed({f})(*{w})",
    "{v} = {w}.map_partitions({f})",
    "{v} = {w}.map_partitions(lambda {a}: {a}.assign(z={w}))",
    "{v} = {w}.map_blocks(lambda {a}: {a} * 2, dtype=float)",
    "{v} = {w}.map({f}).filter(bool)",
    "{v} = {w}.apply({f}, axis=1, meta=('a', 'f8'))",
    "{v} = {w}.groupby('a').b.apply({f})",
    "{v} = {w}.persist()",
    "{v} = {w}.compute()",
    "{v} = {w}.sum().compute()",
    "{v} = dask.compute({w})",
    "{v}, = dask.persist({w})",
    "{v} = dask.compute(*[delayed({f})({a}) for {a} in range(3)])",
    "{v} = [delayed({f})({a}) for {a} in {w}]",
    "{v} = {{{a}: client.submit({f}, {a}) for {a} in range(3)}}",
    "{v} = {w}[{w}.a > 0]",
    "{v} = {w}['a'] + {v}.b",
    "{v} = {w}.a * 0.5 + 1",
    "{v} = -{w}",
    "{v} = {w}.values",
    "{v} = {w}.T.rechunk((10, 10))",
    "{v} = {w}.to_delayed()",
    "{v} = {w}.shape[0]",
    "{v} = {w}.partitions[0]",
    "{v} = threading.Lock()",
    "{v} = open('data.txt')",
    "{v} = np.zeros((10000, 10000))",
    "{v} = np.asarray({w})",
    "{v} = float({w})",
    "{v} = len({w})",
    "{v} = functools.partial({f}, {w})",
    "{v} = (lambda {a}: {a})({w})",
    "{v} = {w} if {w} else {v}",
    "{v} = ({w} := client.submit({f}))",
    "{v} = get_client()",
    "{v} = as_completed({w})",
    "{v}: Client = {w}",
    "{v}: 'dd.DataFrame'",
    "{v} += {w}",
    "{v} *= 2",
    "{v}, {w} = {w}, {v}",
    "{v}, *{w} = {w}",
    "{v}[0] = {w}",
    "{v}.attr = {w}",
    "self.{v} = {w}",
    "{v} = self.{w}.compute()",
    "{v}.compute()",
    "{v}.persist()",
    "{v}.to_parquet('out/', compute=False)",
    "client.submit({f}, {w}).result()",
    "client.run({f})",
    "wait({w})",
    "secede()",
    "rejoin()",
    "print({v})",
    "del {v}",
    "{v} = None",
    "global {v}",
    "pass",
    "assert {w}.sum().compute() > 0",
)
TERMINAL = ("return {w}", "return client.gather({w})", "yield {w}", "return", "break",
            "continue", "raise ValueError({w})")
ITERABLES = ("range(10)", "{w}", "as_completed({w})", "client.map({f}, range(3))",
             "{w}.to_delayed()", "enumerate({w})", "zip({w}, {v})")
CONDITIONS = ("{w}", "{w}.a.sum().compute() > 0", "{w} is None", "not {w}",
              "__name__ == '__main__'", "isinstance({w}, dd.DataFrame)", "{w}.done()")
CONTEXTS = ("Client()", "Client(processes=False) as {v}", "worker_client() as {v}",
            "open('f') as {v}", "LocalCluster() as {v}", "{w} as {v}", "{w}", "lock")
DECORATORS = ("", "", "@delayed\n", "@dask.delayed\n", "@dl(pure=True)\n",
              "@functools.lru_cache\n", "@staticmethod\n")

_MAX_NESTING = 3
_CODE = st.integers(0, 2**32 - 1)


class _Codes:
    """Reads the integers a program is rendered from. Each integer is one statement: its
    bits choose simple or compound (bits 0-1), the template (2-9), the names (10-23) and the
    extras (24-31: body length, parameters, decorator). Drawing a flat list of integers is
    an order of magnitude cheaper than nested composite strategies, and shrinks well
    (fewer statements, smaller integers)."""

    def __init__(self, codes):
        self.codes = list(codes)
        self.i = 0

    def next(self) -> int | None:
        if self.i >= len(self.codes):
            return None
        self.i += 1
        return self.codes[self.i - 1]


def _pick(pool, code: int, shift: int, bits: int = 4):
    return pool[((code >> shift) & ((1 << bits) - 1)) % len(pool)]


def _fill(template: str, code: int) -> list[str]:
    return template.format(v=_pick(VARIABLES, code, 10), w=_pick(VARIABLES, code, 14),
                           f=_pick(FUNCTIONS, code, 18, 3),
                           a=_pick(PARAMETERS, code, 21, 3)).splitlines()


def _indent(lines: list[str], pad: str = "    ") -> list[str]:
    return [pad + line for line in lines]


_KINDS = ("for", "while", "if", "with", "def", "async def", "class", "try", "match",
          "lambda loop")


def _statement(codes: _Codes, code: int, depth: int, in_function: bool) -> list[str]:
    extra = code >> 24
    if depth >= _MAX_NESTING or code & 3:
        pool = SIMPLE + TERMINAL if in_function else SIMPLE
        return _fill(_pick(pool, code, 2, 8), code)
    kind = _pick(_KINDS, code, 2, 8)
    inner_function = in_function or kind in ("def", "async def", "class")

    def body(size: int = 1 + extra % 3) -> list[str]:
        return _render_block(codes, size, depth + 1, inner_function)

    if kind == "for":
        return _fill("for {v} in " + _pick(ITERABLES, extra, 0) + ":", code) + _indent(body())
    if kind == "while":
        return _fill("while " + _pick(CONDITIONS, extra, 0) + ":", code) + _indent(body())
    if kind == "if":
        return (_fill("if " + _pick(CONDITIONS, extra, 0) + ":", code) + _indent(body())
                + ["else:"] + _indent(body(1)))
    if kind == "with":
        return _fill("with " + _pick(CONTEXTS, extra, 0) + ":", code) + _indent(body())
    if kind in ("def", "async def"):
        params = [p for i, p in enumerate(PARAMETERS) if extra >> i & 1][:3]
        if params and extra >> 6 & 1:
            params[-1] += "={w}"
        head = _pick(DECORATORS, extra, 3, 3) + kind + " {f}(" + ", ".join(params) + "):"
        awaits = _fill("{v} = await {w}", code) if kind == "async def" and extra & 1 else []
        return _fill(head, code) + _indent(awaits + body())
    if kind == "class":
        return _fill("class C{f}:\n    def __init__(self, {a}):\n        self.{v} = {w}\n"
                     "    def {f}(self):", code) + _indent(body(), "        ")
    if kind == "try":
        return (["try:"] + _indent(body()) + _fill("except Exception as {v}:", code)
                + _indent(body(1)) + ["finally:", "    pass"])
    if kind == "match":
        return (_fill("match {w}:\n    case [{v}, *_]:", code) + _indent(body(), "        ")
                + ["    case _:", "        pass"])
    # a lambda made in a loop and handed to Dask: the late-binding pattern
    return _fill("for {a} in range(3):\n    {v} = {w}.map_partitions(lambda part: part + {a})",
                 code) + _indent(body())


def _render_block(codes: _Codes, size: int, depth: int, in_function: bool) -> list[str]:
    lines: list[str] = []
    for _ in range(size):
        code = codes.next()
        if code is None:
            break
        lines += _statement(codes, code, depth, in_function)
    return lines or ["pass"]


def render_block(codes) -> list[str]:
    """Source lines (indentation zero) of the statements the integers describe."""
    reader = _Codes(codes)
    lines: list[str] = []
    while reader.i < len(reader.codes):
        lines += _statement(reader, reader.next(), 0, False)
    return lines


def render_imports(code: int) -> list[str]:
    """Import lines: each alias spelled one of its ways (two bits each), or left out."""
    lines = []
    for i, spellings in enumerate(IMPORTS.values()):
        choice = code >> (2 * i) & 3
        if choice:
            lines += spellings[(choice - 1) % len(spellings)].splitlines()
    return lines


def render_program(imports_code: int, codes) -> str:
    reader = _Codes(codes)
    statements = []
    while reader.i < len(reader.codes):
        statements.append(_statement(reader, reader.next(), 0, False))
    head = render_imports(imports_code)
    # mostly at the top; sometimes after some statements (imports are order-independent)
    at = (imports_code >> 24) % (len(statements) + 1) if imports_code >> 28 == 0 else 0
    statements.insert(at, head)
    if imports_code >> 29 & 1:
        statements.append(["if __name__ == '__main__':", "    main()"])
    return "\n".join(line for stmt in statements for line in stmt) + "\n"


def block(max_size: int = 6):
    """A strategy: a block of Dask statements (source lines, indentation zero)."""
    return st.lists(_CODE, min_size=1, max_size=max_size).map(render_block)


def dask_programs(max_statements: int = 30):
    """A strategy: a module that uses Dask (imports somewhere, statements, functions,
    loops, with blocks, classes)."""
    return st.builds(render_program, _CODE,
                     st.lists(_CODE, min_size=1, max_size=max_statements))


def without_dask(source: str) -> str:
    """The same program with every mention of Dask spelled as another library."""
    return source.replace("dask", "pandas").replace("distributed", "concurrent")


def parse(source: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarnings of generated code
        return ast.parse(source)


def _statement_lists(tree: ast.AST) -> list[list[ast.stmt]]:
    found = []
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            value = getattr(node, field, None)
            if type(value) is list and value and isinstance(value[0], ast.stmt):
                found.append(value)
    return found


def splice(program: str, snippet: str, seed: int) -> str:
    """``program`` with the statements of ``snippet`` inserted into its blocks at places
    chosen by ``seed`` (its top level, function bodies, loops...), as source text."""
    tree = parse(program)
    rng = random.Random(seed)
    targets = _statement_lists(tree) or [tree.body]
    for stmt in parse(snippet).body:
        target = rng.choice(targets)
        target.insert(rng.randint(0, len(target)), stmt)
    return ast.unparse(tree) + "\n"
