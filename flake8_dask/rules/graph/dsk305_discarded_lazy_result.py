"""DSK305: a lazy Dask expression used as a statement, never computed."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import COLLECTIONS, PARTITIONED
from ...model import vocabulary as V
from ...syntax import code, is_constant, keyword, keyword_value, short
from .. import _edits as E
from .._dask import expects_failure
from ..base import Rule


@dataclass(frozen=True)
class Rewrite:
    """The fix's facts: ``"drop-compute"`` (remove a writer's ``compute=False``) or
    ``"rebind"`` (assign a method's result back to its receiver)."""

    action: str


class DiscardedLazyResult(Rule):
    """A lazy Dask expression used as a statement: it builds a graph and nothing computes it.

    ## What it does
    Finds expression statements whose value is lazy and never computed: a call of a delayed
    function (`delayed(f)(x)`, a function decorated with `@delayed`), a method of a Dask
    collection that returns a new collection (`ddf.fillna(0)`, `x.rechunk(...)`,
    `ddf.map_partitions(f)`, `ddf.a.sum()`), or a writer called with `compute=False`
    (`to_parquet`, `to_csv`, `to_zarr`, `store`, ...).

    ## Why is this bad?
    Nothing happens. Verified: `ddf.to_parquet(out, compute=False)` and
    `ddf.to_csv(..., compute=False)` as statements wrote no files, and a bare `ddf.fillna(0)`
    left `ddf` unchanged. The Dask docs show a bare `dask.delayed(f)(1, 2, 3)` as a "Don't":
    nothing happens, because `compute()` is never called.

    ## Example
    ```python
    ddf.fillna(0)
    ddf.to_parquet("out/", compute=False)
    ```

    ## Use instead
    ```python
    ddf = ddf.fillna(0)
    ddf.to_parquet("out/")
    ```

    ## Fix safety
    Unsafe. For the methods that return a modified copy of their receiver (`fillna`,
    `dropna`, `drop`, `rename`, `assign`, `astype`, `set_index`, `reset_index`,
    `sort_values`, `rechunk`, `repartition`, ...) called on a name, the fix assigns the result
    back (`ddf = ddf.fillna(0)`), which changes what later code sees. For writers it removes
    `compute=False`, which makes the statement write its output (new I/O side effects). No
    fix for a discarded delayed call or other methods (`map_partitions`, reductions): what
    was meant is unknown.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/delayed-best-practices.html#don-t-rely-on-side-effects
    - Not flagged: writers with the default `compute=True`, `ddf.visualize()`,
      `print(ddf.head())`, methods of pandas, NumPy and xarray objects, `persist()` (DSK304),
      calls with `inplace=` (DSK408), and statements run for their exception (inside
      `with pytest.raises(...)`, `self.assertRaises(...)`, `warnings.catch_warnings()`, or a
      `try` with an `except`).
    - Known limitations: test suites often build a graph only to check that building it
      does not raise (`ddf.set_index("a")  # does not err`); those statements are reported
      (assign the result to `_` to say so).
    - In a notebook, the last line of a cell is displayed (unless it ends with `;`):
      tutorials show lazy objects that way (`ddf.x.sum()`, `delayed(inc)(1)`), so it is not
      reported, except a method that looks in-place (`ddf.repartition(npartitions=10)`,
      `ddf.fillna(0)`) on a variable that later cells read, which then see it unchanged.
    """

    code = "DSK305"
    name = "discarded-lazy-result"
    node_types = (ast.Expr,)
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Assign the result back (or drop `compute=False`)"

    def check(self, stmt: ast.Expr) -> Iterator[Finding]:
        m = self.model
        call = stmt.value
        if type(call) is not ast.Call or keyword(call, "inplace") is not None or \
                expects_failure(m, stmt) or self._tried(stmt):
            return
        displayed = m.displayed(stmt)  # a notebook cell's last line: shown, so kept
        func = call.func
        writer = None if displayed else self._lazy_writer(call)
        if writer is not None:
            yield self.report(
                call,
                f"{writer}(..., compute=False) as a statement throws its lazy write away: "
                "nothing is written; drop compute=False, or compute the result",
                fix=Safety.UNSAFE, data=Rewrite("drop-compute"))
            return
        ep = None if displayed else m.entry_point(call)
        if ep is not None and ep.family == "delayed" and ep.api != "delayed":
            yield self.report(
                call,
                f"the {ep.api} {short(call)} builds a Delayed and throws it away: the "
                "function never runs; compute the result, or call the function directly")
            return
        if type(func) is not ast.Attribute or func.attr in ("persist", "compute"):
            return
        recv = m.value(func.value)
        if recv is None or recv.kind not in PARTITIONED:
            return
        result = m.value(call)
        if result is None or result.kind not in COLLECTIONS:
            return
        rebind = func.attr in V.REBINDING_METHODS and type(func.value) is not ast.Subscript \
            and E.assignable(m, func.value, stmt)
        if displayed and not (rebind and self._read_later(func.value, stmt)):
            # Tutorials show lazy objects so (`ddf.x.sum()`, `delayed(inc)(1)`). Only a
            # method one may think works in place, on a variable the next cells read
            # (`ddf.repartition(npartitions=10)`, then `ddf.npartitions`), is a mistake.
            return
        receiver = short(func.value, 30)
        whole = code(func.value, 30)
        advice = (f"assign it: `{whole} = {whole}.{func.attr}(...)`" if rebind and whole else
                  "assign it and use it, or compute it")
        # "never changes x" only of a variable the user may think changed, never of a
        # temporary sub-expression (``bag.from_sequence(...).foldby(...)``).
        variable = type(func.value) is ast.Name or (
            type(func.value) is ast.Attribute and type(func.value.value) is ast.Name and
            func.value.value.id == "self")
        unchanged = f" and never changes {receiver}" if variable else ""
        fate = (f"later cells see the old {receiver}" if displayed else
                "as a statement it does nothing")
        yield self.report(
            call,
            f"{receiver}.{func.attr}() returns a new lazy {V.KIND_NAMES[result.kind][2:]}"
            f"{unchanged}; {fate}; {advice}",
            fix=Safety.UNSAFE if rebind else None, data=Rewrite("rebind"), target=stmt)

    def _read_later(self, target: ast.AST, stmt: ast.stmt) -> bool:
        """The variable at the root of ``target`` is read after ``stmt`` in the module."""
        root = target
        while type(root) is ast.Attribute:
            root = root.value
        if type(root) is not ast.Name:
            return False
        end = (stmt.end_lineno, stmt.end_col_offset)
        return any(type(n.ctx) is ast.Load and (n.lineno, n.col_offset) > end
                   for n in self.model.names(root.id))

    def _tried(self, stmt: ast.stmt) -> bool:
        """In the body of a ``try`` with handlers: building the graph may be the point."""
        parent = self.model.parent(stmt)
        return type(parent) is ast.Try and self.model.field_of(stmt, parent) == "body" and \
            bool(parent.handlers)

    def _lazy_writer(self, call: ast.Call) -> str | None:
        m = self.model
        if not is_constant(keyword_value(call, "compute"), False):
            return None
        func = call.func
        q = m.qualname(func)
        if q in V.LAZY_WRITER_FUNCTIONS:
            return short(func, 30)
        if type(func) is ast.Attribute and func.attr in V.LAZY_WRITERS:
            v = m.value(func.value)
            if v is not None and v.kind in PARTITIONED:
                return f"{short(func.value, 30)}.{func.attr}"
        return None

    def fix(self, node, finding):
        import libcst as cst

        if finding.fix.data.action == "drop-compute":
            return E.without_keyword(node, "compute") if isinstance(node, cst.Call) else node
        if not isinstance(node, cst.Expr) or not isinstance(node.value, cst.Call) or \
                not isinstance(node.value.func, cst.Attribute):
            return node
        receiver = E.strip_parentheses(node.value.func.value)
        return cst.Assign(targets=[cst.AssignTarget(target=receiver)], value=node.value,
                          semicolon=node.semicolon)
