"""DSK302: a Dask collection computed in every iteration of a loop, the result kept."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import COLLECTIONS, K
from ...model import vocabulary as V
from ...syntax import dotted, receiver
from .. import _edits as E
from .._dask import compute_call
from ..base import Rule, last_names
from ._dsk302_facts import fix_facts
from ._loops import SCOPE_NODES, loop_label, names_read, rebuilt_in_loop

#: Methods of Python containers that store their argument (``results.append(v)``).
_COLLECTING_METHODS = frozenset({"append", "extend", "add", "insert", "appendleft",
                                 "extendleft", "update", "setdefault"})
#: Builtins that drain a generator expression into a collection or one value.
_DRAINING_BUILTINS = frozenset({"builtins.list", "builtins.tuple", "builtins.set",
                                "builtins.frozenset", "builtins.sorted", "builtins.sum",
                                "builtins.dict", "builtins.min", "builtins.max"})
_CONTROL_STATEMENTS = (ast.Break, ast.Continue, ast.Return, ast.Raise)


@dataclass(frozen=True)
class Batch:
    """The fix's facts: the container the loop fills (``"list"`` or ``"dict"``: its shape),
    and how ``dask.compute`` is spelled where the loop is."""

    container: str
    shape: str
    compute: str


def names_stored(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if type(n) is ast.Name and type(n.ctx) is ast.Store}


def loop_nodes(loop: ast.AST):
    """Every node that runs in an iteration of ``loop`` (its body, and a ``while`` test),
    nested loops included, nested definitions excluded."""
    stack = list(loop.body)
    if type(loop) is ast.While:
        stack.append(loop.test)
    while stack:
        n = stack.pop()
        if isinstance(n, SCOPE_NODES):
            continue
        yield n
        stack.extend(ast.iter_child_nodes(n))


#: Clocks a benchmark reads around the work it times.
_CLOCKS = frozenset({"time.time", "time.time_ns", "time.perf_counter", "time.perf_counter_ns",
                     "time.monotonic", "time.monotonic_ns", "time.process_time",
                     "timeit.default_timer"})


class ComputeInLoop(Rule):
    """Computing a Dask collection in every iteration of a loop and keeping the result.

    ## What it does
    Finds `.compute()`, `dask.compute(...)`, `client.compute(...).result()` and
    `client.gather(client.compute(...))` on a Dask collection inside a `for`/`while` body or
    a comprehension, when the computed expression changes with the loop and computing the
    values together is a clear win (the results are small: a reduction, a Scalar, the
    result of a delayed call; or they share a Dask collection made before the loop, which
    each compute recomputes), and the result is only collected: appended or added to a
    container, stored under a key, accumulated, assigned, or made the element of a list,
    set or dict comprehension.

    It stays silent when the result steers the loop (a `while` condition, an `if` that
    breaks, continues, returns or raises, an `assert`), feeds the next Dask computation (it
    is combined with a Dask collection, passed to a task, or carried into the next
    iteration), is yielded or returned, and when the computed value derives from a
    collection that the loop rebuilds from itself (DSK303 reports that loop, once).

    ## Why is this bad?
    Each compute blocks until it is done, so the computations run one at a time instead of
    in parallel, and every intermediate they share (reading the source, filtering,
    shuffling) is recomputed for each of them. Verified with dask 2026.8: two `.compute()`
    calls on columns of the same collection read the source partitions 8 times; one
    `dask.compute(a, b)` read them 4 times.

    ## Example
    ```python
    totals = {}
    for column in ["a", "b", "c"]:
        totals[column] = ddf[column].sum().compute()
    ```

    ## Use instead
    ```python
    lazy = {column: ddf[column].sum() for column in ["a", "b", "c"]}
    (totals,) = dask.compute(lazy)
    ```

    ## Fix safety
    Unsafe. For the exact shapes `results.append(<lazy>.compute())` and `out[key] =
    <lazy>.compute()`, the fix drops `.compute()` so the loop collects the lazy values, and
    adds after the loop `results = list(dask.compute(*results))` or `out = dict(zip(out,
    dask.compute(*out.values())))` (importing `dask` if needed). The values are the same,
    but every result is held in memory at once (peak memory grows), one failing computation
    loses all the results instead of the ones after it, and the work starts only after the
    loop. Offered only when the container is bound to an empty list or dict (`[]`, `list()`,
    `{}`, `dict()`) just before the loop and named nowhere else in it, no other function or
    `try` handler can see it half filled, the statement runs directly in the loop body or
    under an `if` (not in a `try` or `with`), the loop has no `else`, makes no lambda or def
    (late binding: DSK204), and changes in place nothing the lazy value reads (`params[k] =
    v`, `rows.append(x)`, `a += b`: computed after the loop, the value would see the last
    state). A mutation the fix cannot see (a helper that changes its argument, an alias)
    would still be read late.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/best-practices.html#avoid-calling-compute-repeatedly
    - https://docs.dask.org/en/stable/delayed-best-practices.html#compute-on-lots-of-computation-at-once
    - https://github.com/dask/dask/pull/5583
    - False-positive risk: a loop that computes one input at a time on purpose, to bound
      memory (streaming over inputs larger than the cluster), can look the same. The rule
      leaves alone the two usual shapes of streaming (a whole collection loaded afresh in
      each iteration, and a slice of rows, a partition or a block of an outer collection),
      but cannot see the intent elsewhere: suppress it with `# noqa: DSK302`, or compute a
      few inputs per call.
    - Not flagged: computes whose result is discarded or only printed or passed to a
      function as a statement (`print(x.compute())`, `assert_eq(x.compute(), y)`);
      loop-invariant computes, which read no name the loop binds (benchmarks repeat them on
      purpose; otherwise the fix is to hoist them, not to batch them); computes timed on
      their own, with a clock read before and after them in the iteration (a benchmark);
      `dask.compute(*batch)` of a batch built in the iteration; computes inside task
      functions (see DSK102); `.persist()` and the implicit computes (`float(x)`, `len(x)`).
    """

    code = "DSK302"
    name = "compute-in-loop"
    node_types = (ast.Call,)
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Compute all the values at once, after the loop"
    call_names = frozenset({"compute", "result", "gather"}) | \
        last_names(V.DASK_COMPUTE_FUNCTIONS)

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        computed = self._computed(node)
        if computed is None:
            return
        label, exprs = computed
        loops = m.enclosing_loops(node)
        if not loops or m.task_sites_of(node)[1]:
            return
        settings = [kw.value for kw in node.keywords if kw.value is not None]
        if settings and self._varies_with(settings, loops):
            return  # ``.compute(num_workers=n)`` over settings: a benchmark, not mergeable
        if not self._varies_with(exprs, loops) or not self._worth_batching(exprs, loops) \
                or not self._only_collected(node) or self._timed(node):
            return
        reads: set[str] = set()
        for e in exprs:
            reads |= names_read(e)
        for loop in m.enclosing_loops(node, comprehensions=False):
            if reads & rebuilt_in_loop(m, loop):
                return
        facts = fix_facts(m, node)
        if facts is None:
            fix, loop, imports, data = None, None, (), None
        else:
            loop, imports, container, shape, compute = facts
            fix, data = Safety.UNSAFE, Batch(container, shape, compute)
        yield self.report(
            node,
            f"{label} in {loop_label(self.model, loops[0])} blocks every iteration: the "
            "computes run one by one and share no input; call dask.compute() once, after the loop",
            fix=fix, data=data, target=loop, imports=imports)

    def fix(self, node, finding):
        import libcst as cst

        data = finding.fix.data
        container, compute = data.container, data.compute

        def lazy(call):
            """``<lazy>`` for ``<lazy>.compute()``."""
            if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute) or \
                    call.func.attr.value != "compute" or call.args:
                raise ValueError("DSK302: the compute call moved")
            value = call.func.value
            return value if isinstance(value, (cst.NamedExpr, cst.Yield, cst.Tuple)) \
                else E.strip_parentheses(value)

        def named(expr) -> bool:
            return isinstance(expr, cst.Name) and expr.value == container

        class Uncompute(cst.CSTTransformer):
            """``c.append(<lazy>.compute())`` -> ``c.append(<lazy>)``; ``c[k] = <lazy>
            .compute()`` -> ``c[k] = <lazy>``: the one statement naming the container."""
            done = 0

            def leave_Call(self, original, updated):
                func = updated.func
                if isinstance(func, cst.Attribute) and func.attr.value == "append" and \
                        named(func.value):
                    self.done += 1
                    arg = updated.args[0]
                    return updated.with_changes(args=[arg.with_changes(value=lazy(arg.value))])
                return updated

            def leave_Assign(self, original, updated):
                target = updated.targets[0].target
                if isinstance(target, cst.Subscript) and named(target.value):
                    self.done += 1
                    return updated.with_changes(value=lazy(updated.value))
                return updated

        visitor = Uncompute()
        loop = node.visit(visitor)
        if visitor.done != 1:
            raise ValueError("DSK302: the collecting statement moved")
        if data.shape == "list":
            after = f"{container} = list({compute}(*{container}))"
        else:
            after = f"{container} = dict(zip({container}, {compute}(*{container}.values())))"
        return cst.FlattenSentinel([loop, cst.parse_statement(after)])

    # ------------------------------------------------------------------ what is computed
    def _timed(self, node: ast.Call) -> bool:
        """A benchmark: the loop's iteration reads a clock before the statement that
        computes and again after it (``start = time.time()`` ... ``elapsed = time.time() -
        start``). Each compute is timed on its own on purpose; batching would time nothing."""
        m = self.model
        stmt = m.statement_of(node)
        loop = next(iter(m.enclosing_loops(node, comprehensions=False)), None)
        if stmt is None or loop is None:
            return False
        before = after = False
        for n in loop_nodes(loop):
            if type(n) is ast.Call and m.qualname(n.func) in _CLOCKS:
                position = (n.lineno, n.col_offset)
                if position < (stmt.lineno, stmt.col_offset):
                    before = True
                elif position > (stmt.end_lineno, stmt.end_col_offset):
                    after = True
        return before and after

    def _computed(self, node: ast.Call):
        """``(label, computed expressions)`` when ``node`` is an explicit compute."""
        m = self.model
        func = node.func
        t = type(func)
        if t is ast.Attribute:
            if func.attr not in ("compute", "result", "gather"):
                return None
        elif t is not ast.Name or m.qualname(func) not in V.DASK_COMPUTE_FUNCTIONS:
            return None
        label = compute_call(m, node)
        if label == ".compute()":
            return f"{receiver(func.value, 30)}.compute()", [func.value]
        if label == "dask.compute()":
            args = node.args
            if not args or any(type(a) is ast.Starred or isinstance(
                    a, (ast.List, ast.Tuple, ast.ListComp, ast.GeneratorExp)) for a in args):
                return None  # a batch computed together: what this rule recommends
            if not any(m.is_collection(a) for a in args):
                return None
            return "dask.compute()", list(args)
        if type(func) is not ast.Attribute:
            return None
        if func.attr == "result" and not node.args and self._client_compute(func.value):
            return f"{dotted(func.value.func) or 'client.compute'}(...).result()", \
                list(func.value.args[:1])
        if func.attr == "gather" and len(node.args) == 1 and self._client_compute(
                node.args[0]) and self._is_client(func.value):
            inner = node.args[0]
            return (f"{dotted(func) or 'client.gather'}"
                    f"({dotted(inner.func) or 'client.compute'}(...))"), list(inner.args[:1])
        return None

    def _is_client(self, node) -> bool:
        v = self.model.value(node)
        return v is not None and v.kind == K.CLIENT

    def _client_compute(self, node) -> bool:
        return type(node) is ast.Call and type(node.func) is ast.Attribute and \
            node.func.attr == "compute" and len(node.args) >= 1 and \
            self._is_client(node.func.value)

    def _varies_with(self, exprs, loops) -> bool:
        """The computed expression reads a name bound in one of the loops. A loop-invariant
        compute is left alone: benchmarks repeat it on purpose, and its fix is hoisting."""
        m = self.model
        for e in exprs:
            for n in ast.walk(e):
                if type(n) is not ast.Name or type(n.ctx) is not ast.Load:
                    continue
                for b in m.reaching_bindings(n):
                    if any(anc in loops for anc in m.ancestors(b.node)):
                        return True
        return False

    def _worth_batching(self, exprs, loops) -> bool:
        """Computing these together is a clear win: the results are small (a reduction, a
        Scalar, a Delayed result), or they share a Dask collection made outside the loop
        (which each compute would recompute). A whole collection loaded afresh in each
        iteration, or a slice of rows of an outer one, is more likely streamed on purpose
        to bound memory: left alone."""
        m = self.model
        for e in exprs:
            v = m.value(e)
            if v is not None and v.kind in (K.SCALAR, K.DELAYED):
                return True
            if m.reduced(e) or self._shares_outer_collection(e, loops, 0):
                return True
        return False

    def _shares_outer_collection(self, expr, loops, depth: int) -> bool:
        m = self.model
        stack = [expr]
        while stack:
            n = stack.pop()
            if isinstance(n, SCOPE_NODES) or self._row_piece(n):
                continue
            if type(n) is ast.Name and type(n.ctx) is ast.Load:
                v = m.value(n)
                if v is None or v.kind not in COLLECTIONS:
                    continue
                inside = [b for b in m.reaching_bindings(n)
                          if any(anc in loops for anc in m.ancestors(b.node))]
                if not inside:
                    return True
                for b in inside:
                    if b.kind == "assign" and b.value is not None and depth < 8 and \
                            self._shares_outer_collection(b.value, loops, depth + 1):
                        return True
                continue
            stack.extend(ast.iter_child_nodes(n))
        return False

    def _row_piece(self, node) -> bool:
        """A piece of a collection by position: ``ddf.partitions[i]``, ``x.blocks[i]``,
        ``ddf.loc[a:b]``, ``ddf.iloc[...]``, ``x[i:j]`` (any index of an array),
        ``ddf.get_partition(i)``."""
        m = self.model
        t = type(node)
        if t is ast.Subscript:
            inner = node.value
            if type(inner) is ast.Attribute and inner.attr in ("partitions", "blocks", "loc",
                                                               "iloc"):
                return True
            v = m.value(inner)
            return v is not None and (v.kind == K.ARRAY or type(node.slice) is ast.Slice)
        return t is ast.Call and type(node.func) is ast.Attribute and \
            node.func.attr == "get_partition"

    # ------------------------------------------------------------------ how the result is used
    def _only_collected(self, call: ast.Call) -> bool:
        """Follow the result up to where it goes: a container, a name, or elsewhere."""
        m = self.model
        node = call
        while True:
            parent = m.parent(node)
            field = m.field_of(node, parent)
            t = type(parent)
            if t in (ast.BinOp, ast.Compare) and m.is_collection(parent):
                return False  # combined with a Dask collection: the next computation's input
            if t in (ast.Attribute, ast.Await, ast.Starred, ast.keyword, ast.Tuple, ast.List,
                     ast.Set, ast.Dict, ast.BinOp, ast.UnaryOp, ast.JoinedStr,
                     ast.FormattedValue):
                node = parent
                continue
            if t is ast.Subscript:
                if field != "value":
                    return False
                node = parent
                continue
            if t is ast.Call:
                func = parent.func
                if node is not func and type(func) is ast.Attribute and \
                        func.attr in _COLLECTING_METHODS and \
                        type(m.parent(parent)) is ast.Expr:
                    return True
                if m.entry_point(parent) is not None or m.is_collection(parent):
                    return False  # made into Dask data again: the next computation's input
                node = parent
                continue
            if t in (ast.ListComp, ast.SetComp, ast.DictComp):
                return field in ("elt", "key", "value")
            if t is ast.GeneratorExp:
                outer = m.parent(parent)
                return field == "elt" and type(outer) is ast.Call and \
                    m.qualname(outer.func) in _DRAINING_BUILTINS
            if t in (ast.Assign, ast.AnnAssign, ast.AugAssign):
                return field == "value" and self._assigned_only_collected(parent)
            return False

    def _assigned_only_collected(self, stmt: ast.stmt) -> bool:
        m = self.model
        targets = stmt.targets if type(stmt) is ast.Assign else [stmt.target]
        names: set[str] = set()
        for target in targets:
            if type(target) in (ast.Subscript, ast.Attribute):
                continue  # ``out[key] = ...``: stored
            names |= names_stored(target)
        if not names:
            return True
        loops = m.enclosing_loops(stmt, comprehensions=False)
        if not loops:
            return False
        outer = loops[-1]
        nodes = list(loop_nodes(outer))
        tainted = self._taint(names, nodes)
        for loop in loops:
            if type(loop) is ast.While and names_read(loop.test) & tainted:
                return False  # the loop condition
        for n in nodes:
            t = type(n)
            if t is ast.If and names_read(n.test) & tainted and self._leaves(n):
                return False
            if t is ast.Assert and names_read(n.test) & tainted:
                return False
            if t in (ast.Yield, ast.YieldFrom, ast.Return) and n.value is not None and \
                    names_read(n.value) & tainted:
                return False  # streamed to a consumer, or the loop ends with it
            if t is ast.Name and type(n.ctx) is ast.Load and n.id in tainted and \
                    self._feeds_dask(n):
                return False
        return not self._carried(tainted, stmt, nodes)

    @staticmethod
    def _taint(names: set[str], nodes) -> set[str]:
        """Names whose value depends on ``names`` in the loop, through assignments and
        through ``if`` tests (a name assigned under a tainted test is tainted)."""
        tainted = set(names)
        flows = []
        for n in nodes:
            t = type(n)
            if t in (ast.Assign, ast.AugAssign, ast.AnnAssign) and n.value is not None:
                targets = n.targets if t is ast.Assign else [n.target]
                stored = set().union(*(names_stored(x) for x in targets))
                flows.append((names_read(n.value), stored))
            elif t is ast.NamedExpr:
                flows.append((names_read(n.value), {n.target.id}))
            elif t in (ast.For, ast.AsyncFor):
                flows.append((names_read(n.iter), names_stored(n.target)))
            elif t in (ast.If, ast.While):
                stored = set()
                for s in [*n.body, *n.orelse]:
                    stored |= names_stored(s)
                flows.append((names_read(n.test), stored))
        changed = True
        while changed:
            changed = False
            for reads, stored in flows:
                if reads & tainted and not stored <= tainted:
                    tainted |= stored
                    changed = True
        return tainted

    @staticmethod
    def _leaves(node: ast.If) -> bool:
        """The ``if`` breaks, continues, returns or raises in one of its branches."""
        stack = [*node.body, *node.orelse]
        while stack:
            n = stack.pop()
            if isinstance(n, _CONTROL_STATEMENTS):
                return True
            if isinstance(n, SCOPE_NODES):
                continue
            stack.extend(ast.iter_child_nodes(n))
        return False

    def _feeds_dask(self, name: ast.Name) -> bool:
        """The value is read into a Dask collection or handed to a task."""
        m = self.model
        for anc in m.ancestors(name):
            if isinstance(anc, ast.stmt):
                return False
            if type(anc) is ast.Call and \
                    (m.entry_point(anc) is not None or compute_call(m, anc) is not None):
                return True
            if isinstance(anc, ast.expr) and m.is_collection(anc):
                return True
        return False

    def _carried(self, tainted: set[str], stmt: ast.stmt, nodes) -> bool:
        """A tainted name is read before it is assigned in the loop (so its value comes from
        the previous iteration), other than to update itself (``total += v``)."""
        first_store: dict[str, tuple[int, int]] = {}
        for n in nodes:
            if type(n) is ast.Name and type(n.ctx) is ast.Store and n.id in tainted:
                pos = (n.lineno, n.col_offset)
                if n.id not in first_store or pos < first_store[n.id]:
                    first_store[n.id] = pos
        for n in nodes:
            if type(n) is not ast.Name or type(n.ctx) is not ast.Load or \
                    n.id not in first_store:
                continue
            if (n.lineno, n.col_offset) >= first_store[n.id]:
                continue
            owner = self.model.parent(n)
            while owner is not None and not isinstance(owner, ast.stmt):
                owner = self.model.parent(owner)
            if type(owner) is ast.AugAssign and type(owner.target) is ast.Name and \
                    owner.target.id == n.id:
                continue
            if type(owner) is ast.Assign and n.id in set().union(
                    *(names_stored(t) for t in owner.targets)):
                continue
            return True
        return False
