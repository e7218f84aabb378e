"""Graph construction and recomputation rules (catalog section 3)."""

from __future__ import annotations

import ast
from typing import Iterator

from ..findings import Finding, Safety
from ..model import COLLECTIONS, K
from ..model import vocabulary as V
from ..model.scopes import FUNCTION_NODES, LOOP_NODES
from .base import Rule

_PERSIST_CLIENT_METHODS = ("persist",)


def loop_statements(loop: ast.AST) -> list[ast.stmt]:
    """The statements that run once per iteration of ``loop``, in order, looking into
    ``if``/``with``/``try`` blocks but not into nested loops or definitions."""
    out: list[ast.stmt] = []

    def visit(stmts):
        for s in stmts:
            if isinstance(s, (*LOOP_NODES, *FUNCTION_NODES, ast.ClassDef)):
                out.append(s)
                continue
            out.append(s)
            for field in ("body", "orelse", "finalbody"):
                block = getattr(s, field, None)
                if type(block) is list and type(s) is not ast.Expr:
                    visit(block)
            for handler in getattr(s, "handlers", ()):
                visit(handler.body)
            for case in getattr(s, "cases", ()):
                visit(case.body)

    visit(loop.body)
    return out


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
    fix_safety = Safety.UNSAFE
    fix_title = "Persist the variable after its last assignment in the loop"

    def check(self, loop) -> Iterator[Finding]:
        m = self.model
        stmts = loop_statements(loop)
        taint: dict[str, set[str]] = {}
        last: dict[str, ast.stmt] = {}
        persisted: set[str] = set()
        for s in stmts:
            for target, value, reads in self._assignments(s):
                carried: set[str] = set()
                for n in reads:
                    carried |= taint[n] if n in taint else {n}
                taint[target] = carried
                last[target] = s
                if self._is_persist(value, target):
                    persisted.add(target)
        for name, stmt in last.items():
            if name in persisted or name not in taint[name]:
                continue
            v = self._assigned_value(stmt, name)
            if v is None or v.kind not in COLLECTIONS or v.kind == K.SCALAR:
                continue
            derived = {name} | {n for n, t in taint.items() if name in t}
            compute_line = self._computes_each_iteration(loop, derived)
            if compute_line is None:
                continue
            yield self.report(
                stmt,
                f"'{name}' is rebuilt from its previous value in every iteration of this loop "
                f"and computed each time (line {compute_line}) with no persist(): the graph "
                "grows by a layer per iteration and every compute re-runs all earlier "
                f"iterations; persist it after this assignment ({name} = {name}.persist())",
                fix_data={"name": name})

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _reads(node) -> set[str]:
        return {n.id for n in ast.walk(node) if type(n) is ast.Name and type(n.ctx) is ast.Load}

    def _assignments(self, s):
        t = type(s)
        if t is ast.Assign:
            reads = self._reads(s.value)
            for target in s.targets:
                for n in ast.walk(target):
                    if type(n) is ast.Name and type(n.ctx) is ast.Store:
                        yield n.id, s.value, reads
        elif t is ast.AugAssign and type(s.target) is ast.Name:
            yield s.target.id, s.value, self._reads(s.value) | {s.target.id}
        elif t is ast.AnnAssign and s.value is not None and type(s.target) is ast.Name:
            yield s.target.id, s.value, self._reads(s.value)

    def _is_persist(self, value, target) -> bool:
        m = self.model
        if type(value) is not ast.Call:
            return False
        func = value.func
        if type(func) is ast.Attribute and func.attr in _PERSIST_CLIENT_METHODS:
            return target in self._reads(value)
        return m.qualname(func) in V.DASK_PERSIST_FUNCTIONS and target in self._reads(value)

    def _assigned_value(self, stmt, name):
        m = self.model
        if type(stmt) is ast.AugAssign:
            for b in stmt._dsk_scope.bindings.get(name, ()):
                if b.value is stmt:
                    v = m.binding_value(b)
                    return v if hasattr(v, "kind") else None
            return None
        if type(stmt) in (ast.Assign, ast.AnnAssign):
            targets = stmt.targets if type(stmt) is ast.Assign else [stmt.target]
            for target in targets:
                if type(target) is ast.Name and target.id == name:
                    return m.value(stmt.value)
            # tuple targets: look the binding up
            for b in stmt._dsk_scope.bindings.get(name, ()):
                if m.statement_of(b.node) is stmt:
                    v = m.binding_value(b)
                    return v if hasattr(v, "kind") else None
        return None

    def _computes_each_iteration(self, loop, derived: set[str]) -> int | None:
        m = self.model
        parts = list(loop.body)
        if type(loop) is ast.While:
            test = loop.test
            v = m.value(test)
            if v is not None and v.kind in COLLECTIONS and self._reads(test) & derived:
                return test.lineno  # the loop condition takes a truth value each iteration
            parts.append(test)
        stack = parts
        while stack:
            n = stack.pop()
            if isinstance(n, (*FUNCTION_NODES, ast.ClassDef)):
                continue
            if type(n) is ast.Call and m.compute_call(n) is not None:
                if self._reads(n) & derived:
                    return n.lineno
            elif type(n) in (ast.If, ast.While, ast.IfExp, ast.Assert):
                test = n.test
                v = m.value(test)
                if v is not None and v.kind in COLLECTIONS and self._reads(test) & derived:
                    return test.lineno
            stack.extend(ast.iter_child_nodes(n))
        return None

    def fix(self, node, finding):
        import libcst as cst

        name = finding.fix.data["name"]
        persist = cst.parse_statement(f"{name} = {name}.persist()").body[0]
        return cst.FlattenSentinel([node, persist])
