"""DSK308: a large local object passed to tasks again and again."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import FUNCTION_NODES, LOOP_NODES, K
from ...model import vocabulary as V
from ...syntax import code, short
from .. import _edits as E
from ..base import Rule
from ._labels import api_label
from ._loops import loop_label, names_read


@dataclass(frozen=True)
class Hoist:
    """The fix's facts: the name passed (``name``), the name of its Delayed (``new``), and
    how ``dask.delayed`` is spelled to bind it before the loop (``insert``; None: an
    existing binding is reused)."""

    name: str
    new: str
    insert: str | None


#: Collection methods whose extra arguments DSK308 checks (catalog: map_partitions/map_blocks).
_GRAPH_EMBEDDING_APIS = frozenset({"map_partitions", "map_blocks"})


class LargeObjectInGraph(Rule):
    """A large local object passed to tasks again and again.

    ## What it does
    Finds a large object that lives in the driver (a pandas DataFrame from `pd.read_*`, an
    array from `np.load`/`np.loadtxt`/`np.fromfile`, an object from `pickle.load` or
    `joblib.load`, the computed result of a Dask collection, a NumPy array built with a
    literal shape above `dask-large-array-elements`) that is passed directly:

    - as a data argument to `delayed(f)(...)`, an `@delayed` function, `client.submit` or
      `client.map`, inside a loop or comprehension, when the object itself was made before
      the loop (so the same object is shipped on every iteration);
    - as a keyword argument of `client.map`, which every mapped task shares;
    - as an extra argument of `map_partitions` or `map_blocks`.

    ## Why is this bad?
    The object is embedded into the task graph and sent to the scheduler with it, again for
    each submission and each separate compute; with `pure=True` it is also hashed on every
    call (verified: 20 calls on an 80 MB array spent 0.85 s tokenizing). Verified with
    distributed 2026.8: three `delayed(np.sum)(big)` calls produced "Sending large graph of
    size 15.26 MiB", while scattering first produced no warning, and since distributed 2023.4
    the scheduler also deserializes such graphs (dask/dask#10644). Worse, a `client.map`
    keyword larger than 100 kB makes the map fail with `AssertionError(<TaskState 'table'
    processing>)`, while the same keyword to `client.submit` works. An extra argument of
    `map_partitions` or `map_blocks` is embedded whole as well (verified: a 24 MB object
    made a 24 MB graph), and `map_partitions` also hashes it to name its result (0.35 s for
    160 MB).

    ## Example
    ```python
    table = pd.read_parquet("lookup.parquet")
    futures = [client.submit(score, key, table) for key in keys]
    ```

    ## Use instead
    ```python
    table = pd.read_parquet("lookup.parquet")
    table_future = client.scatter(table)  # or, with delayed: table = dask.delayed(table)
    futures = [client.submit(score, key, table_future) for key in keys]
    ```

    ## Fix safety
    Unsafe: for `delayed(f)(..., big)` and `@delayed` function calls in a loop or
    comprehension, the fix binds `big_delayed = dask.delayed(big)` just before the loop
    statement and passes `big_delayed` instead (an existing `big_delayed = dask.delayed(big)`
    there is reused). The functions receive the same object, but the tasks now share one
    copy of it, which matters when a function mutates its argument, and the object is
    hashed once to name it. Only when `big` is a plain name, every use of it in the loop
    statement is such an argument, `dask` or `delayed` is already imported, and the new
    name is free; no fix for `client.submit`/`client.map` (scattering needs the client) or
    `map_partitions` arguments.

    ## Options
    `dask-large-array-elements`: NumPy arrays with a literal shape above this many elements
    count as large (default 10,000,000).

    ## References
    - https://docs.dask.org/en/stable/delayed-best-practices.html#avoid-repeatedly-putting-large-inputs-into-delayed-calls
    - https://docs.dask.org/en/stable/best-practices.html#load-data-with-dask
    - https://docs.dask.org/en/stable/futures.html#move-data
    - https://github.com/dask/dask/issues/10644
    - https://github.com/dask/dask/issues/11562
    - Not flagged: futures from `client.scatter`, Delayed objects, objects of unknown size,
      an object loaded anew in each iteration (each submission ships different data: load
      it with Dask instead), and a single `submit`/`delayed` call outside any loop.
    """

    code = "DSK308"
    name = "large-object-in-graph"
    node_types = (ast.Call,)
    call_names = frozenset()  # check() starts with model.entry_point(node):
    entry_points = True  # entry points only
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Wrap it in `dask.delayed()` once, before the loop"

    def __init__(self, model, options):
        super().__init__(model, options)
        #: Findings whose fix (hoisting ``dask.delayed(name)``) is decided in finish(): their
        #: message, the statement before which the binding goes, and the name passed.
        self._hoists: list[tuple[str, ast.stmt, ast.Name]] = []

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        ep = m.entry_point(node)
        if ep is None:
            return
        func = node.func
        if ep.family == "collection":
            if ep.api not in _GRAPH_EMBEDDING_APIS:
                return
            # dask-expr also hashes the object to name the result (verified: 0.35 s for
            # 160 MB, the cost of tokenize()); map_blocks does not.
            hashed = " and hashed" if ep.api == "map_partitions" else ""
            for expr in ep.data:
                v = self._large(expr)
                if v is not None:
                    yield self.report(
                        expr,
                        f"{self._subject(expr, v)} is passed to {ep.api} at "
                        f"{self.model.cite(node.lineno)}: it is embedded in the graph{hashed}; "
                        "load it with Dask, or scatter or delay it")
            return
        client_map = ep.family == "client" and type(func) is ast.Attribute and \
            func.attr == "map"
        if client_map:
            for kw in node.keywords:
                if kw.arg is None or kw.arg in V.SUBMIT_CONTROL_KEYWORDS:
                    continue
                v = self._large(kw.value)
                if v is not None:
                    yield self.report(
                        kw.value,
                        f"{self._subject(kw.value, v)} is passed to {ep.api} at "
                        f"{self.model.cite(node.lineno)}: as a map keyword over 100 kB it makes the "
                        "map fail; scatter it first" +
                        (f" (`{kw.arg}=client.scatter({code(kw.value, 20)})`)"
                         if code(kw.value, 20) else ""))
        if ep.family not in ("client", "delayed") or ep.api == "delayed":
            return
        loops = m.enclosing_loops(node)
        if not loops:
            return
        keyword_values = {id(kw.value) for kw in node.keywords} if client_map else set()
        for expr in ep.data:
            if id(expr) in keyword_values:
                continue
            v = self._large(expr)
            if v is None or not self._made_before(expr, loops[0]):
                continue
            where = "loop" if isinstance(loops[0], LOOP_NODES) else "comprehension"
            advice = f"scatter it once, before the {where}" if ep.family == "client" else \
                "wrap it once, in dask.delayed()"
            message = (f"'{short(expr)}' is sent again with every call in "
                       f"{loop_label(self.model, loops[0])}: {v.what}, passed to "
                       f"{api_label(ep, node)}; {advice}")
            stmt = self._hoist_site(expr, loops[0]) if ep.family == "delayed" else None
            if stmt is None:
                yield self.report(expr, message)
            else:
                self._hoists.append((message, stmt, expr))

    def finish(self) -> Iterator[Finding]:
        """Which hoists get a fix: the first statement per scope and name inserts the
        binding, the others reuse it on the next pass of the fixer (or have no fix)."""
        m = self.model
        inserted: set[tuple[int, str]] = set()
        for message, stmt, name in sorted(self._hoists,
                                          key=lambda h: (h[1].lineno, h[1].col_offset)):
            new = f"{name.id}_delayed"
            scope = m.scope_of(stmt)
            fix, insert = None, None
            if self._reusable(new, stmt, name):
                fix = Safety.UNSAFE
            elif m.lookup(new, scope)[0] is None and (id(scope), name.id) not in inserted:
                insert = E.bound_name(m, "dask.delayed", stmt) or None
                if insert is not None:
                    fix = Safety.UNSAFE
                    inserted.add((id(scope), name.id))
            yield self.report(name, message, fix=fix, data=Hoist(name.id, new, insert),
                              target=stmt)

    def _hoist_site(self, expr: ast.AST, loop: ast.AST) -> ast.stmt | None:
        """The statement before which ``dask.delayed(expr)`` can be bound: the loop, or the
        statement holding the comprehension, when ``expr`` is a name whose every use there
        is a data argument of a delayed call."""
        m = self.model
        if type(expr) is not ast.Name:
            return None
        stmt = loop if isinstance(loop, ast.stmt) else m.statement_of(loop)
        if stmt is None or m.scope_of(stmt).kind not in ("function", "module"):
            return None
        for n in ast.walk(stmt):
            if type(n) is ast.arg and n.arg == expr.id or type(n) in FUNCTION_NODES and \
                    getattr(n, "name", None) == expr.id:
                return None
            if type(n) is not ast.Name or n.id != expr.id:
                continue
            call = m.parent(n)
            if type(call) is ast.keyword:
                call = m.parent(call)
            if type(n.ctx) is not ast.Load or type(call) is not ast.Call:
                return None
            ep = m.entry_point(call)
            if ep is None or ep.family != "delayed" or ep.api == "delayed" or \
                    not any(d is n for d in ep.data):
                return None
        return stmt

    def _reusable(self, new: str, stmt: ast.stmt, name: ast.Name) -> bool:
        """``<new> = dask.delayed(<name>)`` is bound once, earlier in the block that holds
        ``stmt``, after every binding of ``name`` that reaches the loop."""
        m = self.model
        found, bindings = m.lookup(new, m.scope_of(stmt))
        if found is not m.scope_of(stmt) or len(bindings) != 1 or bindings[0].kind != "assign":
            return False
        assign = m.statement_of(bindings[0].node)
        value = getattr(assign, "value", None)
        if type(assign) is not ast.Assign or type(value) is not ast.Call or \
                m.qualname(value.func) not in V.DELAYED_FUNCTIONS or value.keywords or \
                len(value.args) != 1 or type(value.args[0]) is not ast.Name or \
                value.args[0].id != name.id:
            return False
        if m.parent(assign) is not m.parent(stmt) or \
                m.field_of(assign) != m.field_of(stmt) or \
                (assign.lineno, assign.col_offset) >= (stmt.lineno, stmt.col_offset):
            return False
        return all(b.pos < (assign.lineno, assign.col_offset)
                   for b in m.reaching_bindings(name))

    def fix(self, node, finding):
        import libcst as cst

        data = finding.fix.data
        old, new = data.name, data.new

        class Rename(cst.CSTTransformer):
            def leave_Name(self, original, updated):
                return updated.with_changes(value=new) if updated.value == old else updated

            def leave_Attribute(self, original, updated):
                return updated.with_changes(attr=original.attr)

            def leave_Arg(self, original, updated):
                return updated.with_changes(keyword=original.keyword)

        renamed = node.visit(Rename())
        if data.insert is None:
            return renamed
        bind = E.assign(cst.Name(new), cst.Call(func=cst.parse_expression(data.insert),
                                                args=[cst.Arg(value=cst.Name(old))]))
        if isinstance(node, cst.BaseSmallStatement):
            return cst.FlattenSentinel([bind, renamed])
        return cst.FlattenSentinel([cst.SimpleStatementLine(body=[bind]), renamed])

    def _large(self, expr):
        v = self.model.value(expr)
        return v if v is not None and v.kind == K.LARGE else None

    @staticmethod
    def _subject(expr, v) -> str:
        return f"'{short(expr)}' ({v.what})"

    def _made_before(self, expr, loop) -> bool:
        """``expr`` is a name (or an attribute, or a constant item, of one) bound outside
        ``loop``: the same object on every iteration."""
        m = self.model
        root = expr
        while type(root) in (ast.Attribute, ast.Subscript):
            if type(root) is ast.Subscript and names_read(root.slice):
                return False  # ``rows[i]``: a different piece each time
            root = root.value
        if type(root) is not ast.Name:
            return False
        bindings = m.reaching_bindings(root)
        if not bindings:
            return False
        for b in bindings:
            if b.kind == "param" or b.node is loop:
                continue
            if any(anc is loop for anc in m.ancestors(b.node)):
                return False
        return True
