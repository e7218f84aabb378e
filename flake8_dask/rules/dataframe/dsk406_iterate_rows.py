from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding
from ...model import COMPREHENSION_NODES, K
from ...model import vocabulary as V
from ...syntax import short
from ..base import Rule, last_names


class IterateRows(Rule):
    """Iterating over the rows or values of a Dask DataFrame or Series in the driver.

    ## What it does
    Finds `ddf.iterrows()` and `ddf.itertuples()` on a Dask DataFrame, and iteration over a
    Dask Series: `for v in ddf.col:`, comprehensions over one, `zip(...)`/`enumerate(...)`
    of one in a `for`, and `list()`, `tuple()`, `set()` or `sorted()` of one.

    ## Why is this bad?
    Iteration computes the collection one partition after another in the driver and then
    loops in Python, with no parallelism (verified with dask 2026.8: `iterrows` ran the
    partition tasks and yielded the rows locally). It is both the slowest way to process a
    Dask DataFrame and an implicit compute.

    ## Example
    ```python
    for _, row in ddf.iterrows():
        total += row.price * row.qty
    for user in ddf.user.unique():
        notify(user)
    ```

    ## Use instead
    ```python
    total = (ddf.price * ddf.qty).sum().compute()
    for user in ddf.user.unique().compute():
        notify(user)
    ```

    ## Fix safety
    No automatic fix: vectorizing (or choosing where to compute) needs a human.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/dataframe-best-practices.html
    - https://github.com/dask/dask/issues/1122
    - Not flagged: iteration over `ddf.columns`, `ddf.dtypes`, `ddf.partitions` or a Dask
      DataFrame itself (it yields column names, without computing); iteration over computed
      (pandas) results.
    - `list(<dask Series>)` is also an implicit compute (DSK504).
    """

    code = "DSK406"
    name = "iterate-rows"
    node_types = (ast.Call, ast.For, ast.AsyncFor, *COMPREHENSION_NODES)
    call_names = last_names(V.ROW_ITERATORS, V.ITERATING_BUILTINS)  # calls only

    def check(self, node) -> Iterator[Finding]:
        m = self.model
        t = type(node)
        if t is ast.Call:
            func = node.func
            if type(func) is ast.Attribute and func.attr in V.ROW_ITERATORS:
                recv = m.value(func.value)
                if recv is not None and recv.kind in (K.DATAFRAME, K.FRAME):
                    yield self.report(
                        node,
                        f"{short(func, 32)}() loops over a Dask DataFrame's rows in the driver: "
                        "one partition at a time, in Python; use column operations or "
                        "map_partitions")
                return
            if m.qualname(func) in V.ITERATING_BUILTINS and len(node.args) == 1 and \
                    self._series(node.args[0]):
                yield self.report(
                    node,
                    f"{short(func, 16)}({short(node.args[0], 32)}) iterates a Dask Series: "
                    "it computes it partition by partition in the driver; call "
                    f"{short(node.args[0], 32)}.compute() once (or reduce it first)")
            return
        if t in (ast.For, ast.AsyncFor):
            iters = [node.iter]
        else:
            iters = [g.iter for g in node.generators]
        for it in iters:
            series = self._iterated_series(it)
            if series is not None:
                yield self.report(
                    node,
                    f"the loop over Dask Series {short(series, 32)} runs in the driver: one "
                    "partition at a time, in Python; vectorize, or iterate over "
                    f"{short(series, 32)}.compute() after reducing it")
                return

    def _series(self, expr: ast.AST) -> bool:
        v = self.model.value(expr)
        return v is not None and v.kind == K.SERIES

    def _iterated_series(self, expr: ast.AST) -> ast.AST | None:
        if self._series(expr):
            return expr
        if type(expr) is ast.Call and self.model.qualname(expr.func) in V.ITERATION_WRAPPERS:
            return next((a for a in expr.args if self._series(a)), None)
        return None
