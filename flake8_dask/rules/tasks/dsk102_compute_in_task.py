"""DSK102 compute-in-task: computing a Dask collection inside a task."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding
from ...model import COLLECTIONS
from ...model import vocabulary as V
from ...syntax import function_label, site_text
from .._dask import COMPUTE_CALL_NAMES, compute_call, persisted
from ..base import Rule


class ComputeInTask(Rule):
    """Computing a Dask collection inside a task.

    ## What it does
    Finds `.compute()`, `.persist()`, `dask.compute(...)`, `dask.persist(...)` and the
    implicit computes (`np.asarray(x)`, `len(ddf)`, ...) inside a task function when either
    the computed expression refers to a Dask collection that is a free variable of the task
    (a closure, a global or `self.attr`), or the task function runs once per partition or
    block (`map_partitions`, `map_blocks`, `apply`, `map`, `blockwise`, `map_overlap`, a Bag
    `map`) and computes a Dask collection.

    ## Why is this bad?
    A free collection is recomputed from its sources by every task: verified with 4
    partitions, dividing each partition by `base.a.max().compute()` read the source
    partitions 20 times, against 4 when `base.a.max()` was passed to `map_partitions` as a
    lazy argument. On the local threaded scheduler a nested compute in a worker thread builds
    a new thread pool for that thread, so threads grow as N×N; on distributed each call
    submits and optimises a new graph from inside a task.

    ## Example
    ```python
    base = dd.read_parquet("data/")
    def normalize(part):
        return part / base.a.max().compute()

    out = base.map_partitions(normalize)
    ```

    ## Use instead
    ```python
    def normalize(part, top):
        return part / top

    out = base.map_partitions(normalize, base.a.max())
    ```

    ## Fix safety
    No automatic fix: the function and its call site must be restructured together.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/delayed-best-practices.html#avoid-calling-delayed-within-delayed-functions
    - https://docs.dask.org/en/stable/futures.html#submit-tasks-from-tasks
    - https://github.com/dask/dask/issues/1122
    - Not flagged: the task-launch pattern, where a task builds Dask objects from its own
      arguments and computes them (`a, b = compute(fib(n - 1), fib(n - 2))`).
    """

    code = "DSK102"
    name = "compute-in-task"
    node_types = (ast.Call,)
    call_names = COMPUTE_CALL_NAMES  # compute_call() matches no other call

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        fn, sites = m.task_sites_of(node)  # first: cheaper than what the call computes
        if not sites:
            return
        label = compute_call(m, node)
        if label is None:
            return
        computed = self._computed_expressions(node)
        free = self._free_collection(computed, fn)
        where = f"in task {function_label(fn)}"
        if free is not None:
            name, expr = free
            if persisted(m, expr):
                effect = f"recomputes the persisted {name} in every task"
            else:
                effect = f"recomputes the Dask collection {name} in every task"
            yield self.report(
                node,
                f"{label} {where} {effect}: task {site_text(sites, m.cite)}; pass it as a lazy "
                "argument or compute it first")
            return
        chunk_sites = [s for s in sites if s.per_chunk]
        if chunk_sites and any(m.is_collection(e) for e in computed):
            yield self.report(
                node,
                f"{label} in task {function_label(fn)} nests a Dask compute in every "
                f"partition: task {site_text(chunk_sites, m.cite)}; compute "
                "the value once and pass it in")

    def _computed_expressions(self, node: ast.Call) -> list[ast.AST]:
        func = node.func
        if type(func) is ast.Attribute and func.attr in ("compute", "persist") and \
                self.model.qualname(func) not in V.DASK_COMPUTE_FUNCTIONS | \
                V.DASK_PERSIST_FUNCTIONS:
            return [func.value]
        return [a.value if type(a) is ast.Starred else a for a in node.args]

    def _free_collection(self, exprs, fn, _seen=None) -> tuple[str, ast.AST] | None:
        """The first free collection the computed expressions refer to, directly or through
        local names of the task bound from one (``part = sales[sales.region == r]`` then
        ``part.x.sum().compute()``)."""
        m = self.model
        seen = set() if _seen is None else _seen
        for expr in exprs:
            for n in ast.walk(expr):
                if type(n) is ast.Name and type(n.ctx) is ast.Load:
                    if m.is_free_in(n, fn):
                        v = m.value(n)
                        if v is not None and v.kind in COLLECTIONS:
                            return f"'{n.id}'", n
                    elif len(seen) < 20 and n.id not in seen:
                        seen.add(n.id)
                        local = [b.value for b in m.reaching_bindings(n)
                                 if b.kind == "assign" and b.value is not None]
                        if local and m.is_collection(n):
                            found = self._free_collection(local, fn, seen)
                            if found is not None:
                                return found
                elif type(n) is ast.Attribute and type(n.value) is ast.Name and \
                        m.class_of_instance(n.value) is not None:
                    v = m.value(n)
                    if v is not None and v.kind in COLLECTIONS:
                        return f"'{n.value.id}.{n.attr}'", n
        return None
