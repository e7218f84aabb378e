from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding
from ...model import FRAMES, FUNCTION_NODES, K, single_assignment
from ...model import vocabulary as V
from ...syntax import is_constant, keyword_value, short
from ..base import Rule, last_names
from ._common import MAX_FOLLOW, small_read


class SinglePartition(Rule):
    """A Dask DataFrame squeezed into a single partition and then processed.

    ## What it does
    Finds `dd.from_pandas(..., npartitions=1)` (and `dask_geopandas.from_geopandas`) of data
    read or computed in the driver, and `dd.from_pandas(..., npartitions=1)` or
    `ddf.repartition(npartitions=1)` whose result is then processed partition-wise
    (`map_partitions`, `apply`, `map`, `groupby`, `rolling`, `agg`, ...), directly or through
    a variable.

    ## Why is this bad?
    One partition is one task: there is no parallelism, and the whole frame must fit in one
    worker's memory (users reported nanny memory kills, dask/dask#4391). The docs ask for
    partitions of about 100 MB, many of which fit in a worker's memory.

    ## Example
    ```python
    ddf = dd.from_pandas(pdf, npartitions=1)
    scored = ddf.map_partitions(score, meta=meta)
    ```

    ## Use instead
    ```python
    ddf = dd.from_pandas(pdf, npartitions=os.cpu_count() * 2)
    # or, from an existing frame:
    ddf = ddf.repartition(partition_size="100MB")
    ```

    ## Fix safety
    No automatic fix: the right number of partitions depends on the data and the cluster.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/best-practices.html#avoid-very-large-partitions
    - https://docs.dask.org/en/stable/dataframe-best-practices.html#repartition-to-reduce-overhead
    - https://github.com/dask/dask/issues/4391
    - Not flagged: `repartition(npartitions=1)` before a write (`to_csv`, `to_parquet`, ...)
      or a compute; a single-partition frame used as the small side of a merge or join or
      as an `isin` argument (a broadcast join, which the Dask docs recommend); reduced
      results (after `groupby(...).agg`, `value_counts`, ...); `from_pandas` of small frames
      built in code (tests, examples).
    - Known limitation: `dd.read_csv(path, blocksize=None)` of a single file is not
      reported (it is required for compressed files).
    """

    code = "DSK407"
    name = "single-partition"
    node_types = (ast.Call,)
    call_names = frozenset({"repartition"}) | last_names(V.FROM_PANDAS_FUNCTIONS)

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        if not is_constant(keyword_value(node, "npartitions"), 1):
            return
        func = node.func
        if type(func) is ast.Attribute and func.attr == "repartition":
            recv = m.value(func.value)
            if recv is None or recv.kind not in FRAMES or self._reduced(func.value):
                return
            use = self._parallel_use(node)
            if use is None:
                return
            yield self.report(
                node,
                f"{short(func, 32)}(npartitions=1) runs the {use.func.attr}() at "
                f"{self.model.cite(use.lineno)} as one task: all the data on one worker, no "
                "parallelism; keep several partitions (partition_size='100MB')")
            return
        if m.qualname(func) not in V.FROM_PANDAS_FUNCTIONS:
            return
        data = node.args[0] if node.args else keyword_value(node, "data")
        if data is None or self._built_in_code(data):
            return
        v = m.value(data)
        if v is not None and v.kind == K.LARGE and not (
                type(v.origin) is ast.Call and small_read(m, v.origin)):
            reason = f"of {v.what}"
        else:
            use = self._parallel_use(node)
            if use is None:
                return
            reason = f"for {use.func.attr}() at {self.model.cite(use.lineno)}"
        yield self.report(
            node,
            f"{short(func, 40)}(..., npartitions=1) {reason} is one task: all the data on one "
            "worker, no parallelism; use npartitions=<cores x k> or chunksize=")

    def _built_in_code(self, expr: ast.AST, depth: int = 0) -> bool:
        """A pandas object constructed in the code (``pd.DataFrame({...})``), not loaded."""
        m = self.model
        if type(expr) is ast.Call:
            q = m.qualname(expr.func) or ""
            module, _, rest = q.partition(".")
            if module in ("pandas", "geopandas"):
                return any(part[:1].isupper() for part in rest.split("."))
            # ``pd = _backend_library()`` (unresolved): judge by the constructor's name
            func = expr.func
            return type(func) is ast.Attribute and func.attr in V.FRAME_CONSTRUCTOR_NAMES
        if type(expr) is ast.Name and depth < MAX_FOLLOW:
            value = single_assignment(m, expr)
            return value is not None and self._built_in_code(value, depth + 1)
        return False

    def _reduced(self, expr: ast.AST, depth: int = 0) -> bool:
        """``expr`` is a reduced (small) result: an aggregation or a groupby result."""
        m = self.model
        while True:
            t = type(expr)
            if t is ast.Call:
                func = expr.func
                if type(func) is ast.Attribute:
                    recv = m.value(func.value)
                    if recv is not None and recv.kind == K.GROUPBY:
                        return True
                    if func.attr in ("agg", "aggregate", "value_counts", "describe", "head",
                                     "tail", "nlargest", "nsmallest", "unique",
                                     "drop_duplicates", "sample"):
                        return True
                    expr = func.value
                    continue
                return False
            if t in (ast.Attribute, ast.Subscript):
                expr = expr.value
                continue
            if t is ast.Name and depth < MAX_FOLLOW:
                value = single_assignment(m, expr)
                return value is not None and self._reduced(value, depth + 1)
            return False

    def _parallel_use(self, call: ast.Call) -> ast.Call | None:
        """The partition-wise method call applied to the result of ``call``, if any."""
        use = self._method_on(call)
        if use is not None:
            return use
        parent = self.model.parent(call)
        if type(parent) is not ast.Assign or len(parent.targets) != 1 or \
                type(parent.targets[0]) is not ast.Name:
            return None
        target = parent.targets[0]
        for name in self._uses(target, parent):
            use = self._method_on(name)
            if use is not None:
                return use
        return None

    def _method_on(self, expr: ast.AST) -> ast.Call | None:
        """``expr.<parallel method>(...)``, also through a column selection."""
        node = expr
        while True:
            parent = self.model.parent(node)
            field = self.model.field_of(node, parent)
            if type(parent) is ast.Attribute and field == "value":
                grand = self.model.parent(parent)
                if type(grand) is ast.Call and self.model.field_of(parent, grand) == "func":
                    return grand if parent.attr in V.PARALLEL_FRAME_METHODS else None
                node = parent  # a column: ``x.col.map(...)``
                continue
            if type(parent) is ast.Subscript and field == "value":
                node = parent
                continue
            return None

    def _uses(self, target: ast.Name, stmt: ast.stmt):
        """Loads of ``target``'s name that this assignment reaches, in its scope."""
        m = self.model
        scope = m.scope_of(target)
        root = scope.node
        body = [root.body] if type(root) is ast.Lambda else list(getattr(root, "body", []))
        stack = body
        while stack:
            n = stack.pop()
            if type(n) is ast.Name:
                if n.id == target.id and type(n.ctx) is ast.Load and \
                        (n.lineno, n.col_offset) > (stmt.lineno, stmt.col_offset) and \
                        any(b.node is target for b in m.reaching_bindings(n)):
                    yield n
                continue
            if isinstance(n, (*FUNCTION_NODES, ast.ClassDef)):
                continue
            stack.extend(ast.iter_child_nodes(n))
