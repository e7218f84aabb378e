"""DSK307: a Dask DataFrame, Series, Array or Bag passed to a delayed function."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding
from ...model import PARTITIONED, K
from ...syntax import short
from ..base import Rule
from ._labels import api_label


class DelayedOnCollection(Rule):
    """A Dask DataFrame, Series, Array or Bag passed to a delayed function.

    ## What it does
    Finds a Dask DataFrame, Series, Array or Bag passed as an argument to `delayed(f)(...)`
    or to a function decorated with `@delayed`, or wrapped directly with `delayed(ddf)`.
    Scalars and collections that were reduced first (`ddf.x.sum()`,
    `ddf.groupby(k).agg(...)`, `x.mean(axis=0)`) are left alone, and so are single pieces
    (`ddf.partitions[i]`, `ddf.get_partition(i)`, `x.blocks[i, j]`) and the elements of
    `ddf.to_delayed()`.

    ## Why is this bad?
    Before calling the function, Dask computes the whole collection and concatenates it
    into **one** pandas DataFrame or NumPy array inside one task: there is no parallelism
    left, and a collection larger than one worker's memory kills the worker. Verified with
    dask 2026.8: `delayed(f)(ddf)` hands `f` a `pandas.DataFrame`, `delayed(f)(darr)` a
    `numpy.ndarray`. (`client.submit(f, ddf)` is different: the task receives the lazy
    collection, and whatever it computes from it is DSK102's business.)

    ## Example
    ```python
    ddf = dd.read_parquet("events/")
    model = dask.delayed(train)(ddf)
    ```

    ## Use instead
    ```python
    ddf = dd.read_parquet("events/")
    parts = [dask.delayed(train)(part) for part in ddf.to_delayed()]
    # or, for a function of one partition: ddf.map_partitions(train, meta=...)
    ```

    ## Fix safety
    No automatic fix: whether the function can work per partition (`map_partitions`,
    `map_blocks`, one delayed call per `to_delayed()` element) is a design decision.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/delayed-best-practices.html#don-t-call-dask-delayed-on-other-dask-collections
    - https://github.com/dask/dask/issues/1998
    - https://github.com/dask/dask/issues/1984
    - https://github.com/dask/distributed/issues/1145
    - Not flagged: collections inside a list or dict argument (`delayed(f)([ddf])`; with
      dask 2026.8 a DataFrame there raises `NotImplementedError` at call time), `*args`,
      `dd.from_delayed`, and `delayed(ddf.method)(...)`, which wraps a bound method.
    """

    code = "DSK307"
    name = "delayed-on-collection"
    node_types = (ast.Call,)
    call_names = frozenset()  # check() starts with model.entry_point(node):
    entry_points = True  # entry points only

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        ep = m.entry_point(node)
        if ep is None or ep.family != "delayed":
            return
        if ep.api == "delayed":
            parent = m.parent(node)
            if type(parent) is ast.Call and parent.func is node:
                return  # ``delayed(obj.method)(...)`` wraps a function, not data
            exprs, where = ep.functions, "wrapped with delayed()"
        else:
            exprs, where = ep.data, f"passed to {api_label(ep, node)}"
        for expr in exprs:
            v = m.value(expr)
            if v is None or v.kind not in PARTITIONED or m.reduced(expr) or \
                    self._one_piece(expr):
                continue
            target = "NumPy array" if v.kind == K.ARRAY else \
                "list" if v.kind == K.BAG else "pandas object"
            method = "map_blocks" if v.kind == K.ARRAY else "map_partitions"
            yield self.report(
                expr,
                f"'{short(expr)}' ({v.what}) is {where} at {self.model.cite(node.lineno)}: it "
                f"becomes one {target} in one task; use {method}() or .to_delayed()")

    def _one_piece(self, expr, _depth: int = 0) -> bool:
        """One partition or block (``ddf.partitions[i]``, ``x.blocks[i, j]``,
        ``ddf.get_partition(i)``), or something derived from one: one task's worth of data,
        as with ``to_delayed()``."""
        m = self.model
        while _depth < 12:
            _depth += 1
            t = type(expr)
            if t is ast.Subscript:
                inner = expr.value
                if type(inner) is ast.Attribute and inner.attr in ("partitions", "blocks"):
                    return m.value(inner.value) is not None
                expr = inner
            elif t is ast.Call and type(expr.func) is ast.Attribute:
                if expr.func.attr == "get_partition":
                    return m.value(expr.func.value) is not None
                expr = expr.func.value
            elif t is ast.Attribute:
                expr = expr.value
            elif t is ast.BinOp:
                sides = [e for e in (expr.left, expr.right) if m.is_collection(e)]
                return bool(sides) and all(self._one_piece(e, _depth) for e in sides)
            elif t is ast.Name:
                bindings = m.reaching_bindings(expr)
                if len(bindings) != 1 or bindings[0].kind != "assign" or \
                        bindings[0].index is not None or bindings[0].value is None:
                    return False
                expr = bindings[0].value
            else:
                return False
        return False
