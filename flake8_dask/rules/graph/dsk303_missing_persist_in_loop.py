"""DSK303: a Dask collection rebuilt from itself in a loop and computed every iteration."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import COLLECTIONS, K
from ...model import vocabulary as V
from .._dask import compute_call
from ..base import Rule
from ._loops import SCOPE_NODES, assigned_value, loop_flow, names_read

_PERSIST_CLIENT_METHODS = ("persist",)


@dataclass(frozen=True)
class Persist:
    """The fix's facts: the variable to persist after the reported assignment."""

    name: str


class MissingPersistInLoop(Rule):
    """A Dask collection rebuilt from itself in a loop and computed every iteration, with no
    `persist()`.

    ## What it does
    In a `for` or `while` loop, finds a Dask collection variable whose new value depends on
    its value from the previous iteration (`x = x * 0.5 + g(x)`, `df = df.merge(...)`,
    directly or through temporaries assigned earlier in the iteration), when the loop also
    computes something from it each iteration (`.compute()`, `dask.compute()`, `float()`,
    `bool()`, a loop condition), and nothing persists the variable inside the loop. The
    finding is on the last assignment to the variable, where the `persist()` belongs.

    ## Why is this bad?
    The graph grows by one layer per iteration and every compute re-executes all earlier
    iterations from the source: the work is O(n²). Verified: five iterations of
    `x = x * 0.5 + 1; x.sum().compute()` read the source partitions 20 times, against 4 times
    with `x = (x * 0.5 + 1).persist()` (dask/dask#3902 reports the growing graph).

    ## Example
    ```python
    for _ in range(20):
        x = x - lr * gradient(x)
        if abs(x).max().compute() < tol:
            break
    ```

    ## Use instead
    ```python
    for _ in range(20):
        x = x - lr * gradient(x)
        x = x.persist()
        if abs(x).max().compute() < tol:
            break
    ```

    ## Fix safety
    Unsafe: the fix inserts `x = x.persist()` right after the reported assignment. It keeps
    each iteration's result in memory until the variable is rebound (bound it with
    `wait(x)` on distributed, or persist every k iterations), and for DataFrames a persisted
    collection blocks query-optimiser pushdown (column projection, predicate pushdown) into
    the earlier steps.

    ## Options
    None.

    ## References
    - https://github.com/dask/dask/issues/3902
    - https://docs.dask.org/en/stable/dataframe-best-practices.html#persist-intelligently
    - Not flagged: loops that persist or checkpoint (write, then read back) the variable;
      loops that only build the graph and compute once after the loop.
    """

    code = "DSK303"
    name = "missing-persist-in-loop"
    node_types = (ast.For, ast.AsyncFor, ast.While)
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Persist it after its last assignment in the loop"

    def check(self, loop) -> Iterator[Finding]:
        taint, last, assigned = loop_flow(loop)
        persisted = {target for target, value in assigned if self._is_persist(value, target)}
        for name, stmt in last.items():
            if name in persisted or name not in taint[name]:
                continue
            v = assigned_value(self.model, stmt, name)
            if v is None or v.kind not in COLLECTIONS or v.kind == K.SCALAR:
                continue
            derived = {name} | {n for n, t in taint.items() if name in t}
            compute_line = self._computes_each_iteration(loop, derived)
            if compute_line is None:
                continue
            yield self.report(
                stmt,
                f"'{name}' is rebuilt from itself in every iteration, with no persist(): each "
                f"compute ({self.model.cite(compute_line)}) re-runs all earlier iterations; "
                f"persist it here: `{name} = {name}.persist()`",
                fix=Safety.UNSAFE, data=Persist(name))

    # ------------------------------------------------------------------ helpers
    def _is_persist(self, value, target) -> bool:
        m = self.model
        if type(value) is not ast.Call:
            return False
        func = value.func
        if type(func) is ast.Attribute and func.attr in _PERSIST_CLIENT_METHODS:
            return target in names_read(value)
        return m.qualname(func) in V.DASK_PERSIST_FUNCTIONS and target in names_read(value)

    def _computes_each_iteration(self, loop, derived: set[str]) -> int | None:
        m = self.model
        parts = list(loop.body)
        if type(loop) is ast.While:
            test = loop.test
            v = m.value(test)
            if v is not None and v.kind in COLLECTIONS and names_read(test) & derived:
                return test.lineno  # the loop condition takes a truth value each iteration
            parts.append(test)
        stack = parts
        while stack:
            n = stack.pop()
            if isinstance(n, SCOPE_NODES):
                continue
            if type(n) is ast.Call and compute_call(m, n) is not None:
                if names_read(n) & derived:
                    return n.lineno
            elif type(n) in (ast.If, ast.While, ast.IfExp, ast.Assert):
                test = n.test
                v = m.value(test)
                if v is not None and v.kind in COLLECTIONS and names_read(test) & derived:
                    return test.lineno
            stack.extend(ast.iter_child_nodes(n))
        return None

    def fix(self, node, finding):
        import libcst as cst

        name = finding.fix.data.name
        persist = cst.parse_statement(f"{name} = {name}.persist()").body[0]
        return cst.FlattenSentinel([node, persist])
