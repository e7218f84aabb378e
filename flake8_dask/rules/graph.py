"""Graph construction and recomputation rules (catalog section 3)."""

from __future__ import annotations

import ast
from typing import Iterator

from ..findings import Finding, Safety
from ..model import COLLECTIONS, PARTITIONED, K, SemanticModel, dotted, literal_int
from ..model import vocabulary as V
from ..model.scopes import FUNCTION_NODES, LOOP_NODES
from . import _edits as E
from .base import Rule, last_names

_PERSIST_CLIENT_METHODS = ("persist",)
_BAG_SEQUENCE_NAMES = last_names(V.BAG_SEQUENCE_FUNCTIONS)


def loop_statements(loop: ast.AST) -> list[ast.stmt]:
    """The statements that run once per iteration of ``loop``, in order, looking into
    ``if``/``with``/``try`` blocks but not into nested loops or definitions."""
    out: list[ast.stmt] = []
    _visit_statements(loop.body, out)
    return out


def _visit_statements(stmts, out: list[ast.stmt]) -> None:
    # A module-level function, not a recursive closure: a closure that calls itself is a
    # reference cycle, which would keep the statements alive until the cyclic collector.
    for s in stmts:
        if isinstance(s, (*LOOP_NODES, *FUNCTION_NODES, ast.ClassDef)):
            out.append(s)
            continue
        out.append(s)
        for field in ("body", "orelse", "finalbody"):
            block = getattr(s, field, None)
            if type(block) is list and type(s) is not ast.Expr:
                _visit_statements(block, out)
        for handler in getattr(s, "handlers", ()):
            _visit_statements(handler.body, out)
        for case in getattr(s, "cases", ()):
            _visit_statements(case.body, out)


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
        return names_read(node)

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
            for b in m.scope_of(stmt).bindings.get(name, ()):
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
            for b in m.scope_of(stmt).bindings.get(name, ()):
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


# ---------------------------------------------------------------------------------------------
# Shared helpers for the rules below
# ---------------------------------------------------------------------------------------------

_SCOPE_NODES = (*FUNCTION_NODES, ast.ClassDef)
#: Methods of Python containers that store their argument (``results.append(v)``).
_COLLECTING_METHODS = frozenset({"append", "extend", "add", "insert", "appendleft",
                                 "extendleft", "update", "setdefault"})
#: Builtins that drain a generator expression into a collection or one value.
_DRAINING_BUILTINS = frozenset({"builtins.list", "builtins.tuple", "builtins.set",
                                "builtins.frozenset", "builtins.sorted", "builtins.sum",
                                "builtins.dict", "builtins.min", "builtins.max"})
_CONTROL_STATEMENTS = (ast.Break, ast.Continue, ast.Return, ast.Raise)
_TRY_NODES = (ast.Try, getattr(ast, "TryStar", ast.Try))
#: Statements that do nothing for their effect (DSK302's fix moves the computes past them).
_PLAIN_STATEMENTS = (ast.If, ast.For, ast.While, ast.Pass, ast.Break, ast.Continue,
                     ast.Assert)
#: Methods that change their receiver in place (containers, arrays, frames).
_MUTATING_METHODS = V.CONTAINER_MUTATORS | V.INPUT_MUTATORS_STATEMENT


def short(node: ast.AST, limit: int = 40) -> str:
    """Source text of an expression for a message, shortened."""
    text = ast.unparse(node)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def api_label(ep, call: ast.Call) -> str:
    """How a message names an entry point: ``dask.delayed(f)(...)``, ``client.submit``."""
    if ep.api == "delayed call":
        return f"{short(call.func)}(...)"
    return ep.api


def loop_label(loop: ast.AST) -> str:
    kind = "a loop" if isinstance(loop, LOOP_NODES) else "a comprehension"
    return f"{kind} (line {loop.lineno})"


def names_read(node: ast.AST) -> set[str]:
    return {n.id for n in SemanticModel.loaded_names(node)}


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
        if isinstance(n, _SCOPE_NODES):
            continue
        yield n
        stack.extend(ast.iter_child_nodes(n))


def rebuilt_in_loop(helper: MissingPersistInLoop, loop: ast.AST) -> set[str]:
    """The names of Dask collections that ``loop`` rebuilds from their previous value (what
    DSK303 looks at, persisted or not), and of the values derived from them in the loop."""
    taint: dict[str, set[str]] = {}
    last: dict[str, ast.stmt] = {}
    for s in loop_statements(loop):
        for target, _value, reads in helper._assignments(s):
            carried: set[str] = set()
            for n in reads:
                carried |= taint[n] if n in taint else {n}
            taint[target] = carried
            last[target] = s
    derived: set[str] = set()
    for name, stmt in last.items():
        if name not in taint[name]:
            continue
        v = helper._assigned_value(stmt, name)
        if v is None or v.kind not in COLLECTIONS:
            continue
        derived |= {name} | {n for n, t in taint.items() if name in t}
    return derived


def range_length(m, node: ast.AST) -> int | None:
    """The number of items of ``range(<literals>)`` (or ``list(range(...))``)."""
    if type(node) is not ast.Call or node.keywords:
        return None
    q = m.qualname(node.func)
    if q in ("builtins.list", "builtins.tuple") and len(node.args) == 1:
        return range_length(m, node.args[0])
    if q != "builtins.range" or not 1 <= len(node.args) <= 3:
        return None
    bounds = [literal_int(m, a) for a in node.args]
    if None in bounds or (len(bounds) == 3 and bounds[2] == 0):
        return None
    try:
        return len(range(*bounds))
    except OverflowError:  # more items than a C ssize_t: nobody means that
        return None


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
      purpose; otherwise the fix is to hoist them, not to batch them);
      `dask.compute(*batch)` of a batch built in the iteration; computes inside task
      functions (see DSK102); `.persist()` and the implicit computes (`float(x)`, `len(x)`).
    """

    code = "DSK302"
    name = "compute-in-loop"
    node_types = (ast.Call,)
    fix_safety = Safety.UNSAFE
    fix_title = "Collect the lazy values in the loop and compute them once after it"
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
        if not self._varies_with(exprs, loops) or not self._worth_batching(exprs, loops) \
                or not self._only_collected(node):
            return
        reads: set[str] = set()
        for e in exprs:
            reads |= names_read(e)
        helper = MissingPersistInLoop(m, self.options)
        for loop in m.enclosing_loops(node, comprehensions=False):
            if reads & rebuilt_in_loop(helper, loop):
                return
        facts = self._fix_facts(node)
        loop, imports = (facts.pop("loop"), facts.pop("imports")) if facts else (None, None)
        yield self.report(
            node,
            f"{label} inside {loop_label(loops[0])} blocks on every iteration: the "
            "computations run one at a time and recompute every input they share; collect "
            "the lazy values in the loop and compute them together after it "
            "(dask.compute(*values))",
            fixable=facts is not None, fix_target=loop, fix_imports=imports, fix_data=facts)

    def fix(self, node, finding):
        import libcst as cst

        data = finding.fix.data
        container, compute = data["container"], data["compute"]

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
        if data["shape"] == "list":
            after = f"{container} = list({compute}(*{container}))"
        else:
            after = f"{container} = dict(zip({container}, {compute}(*{container}.values())))"
        return cst.FlattenSentinel([loop, cst.parse_statement(after)])

    # ------------------------------------------------------------------ the fix
    def _fix_facts(self, node: ast.Call) -> dict | None:
        """What the fix needs, for the two shapes it rewrites: ``results.append(<lazy>
        .compute())`` and ``out[key] = <lazy>.compute()``, where the container is bound to an
        empty list or dict just before the loop and used nowhere else in it. None when the
        values could differ once computed after the loop, or the code cannot be rewritten
        without losing something."""
        m = self.model
        func = node.func
        if type(func) is not ast.Attribute or func.attr != "compute" or node.args or \
                node.keywords or func.value.end_lineno != node.end_lineno:
            return None  # arguments, or a comment between the value and .compute()
        parent = m.parent(node)
        if type(parent) is ast.Call:
            method = parent.func
            stmt = m.parent(parent)
            if type(method) is not ast.Attribute or method.attr != "append" or \
                    type(method.value) is not ast.Name or parent.args != [node] or \
                    parent.keywords or type(stmt) is not ast.Expr:
                return None
            container, shape = method.value.id, "list"
        elif type(parent) is ast.Assign and len(parent.targets) == 1:
            target = parent.targets[0]
            if type(target) is not ast.Subscript or type(target.value) is not ast.Name or \
                    type(target.slice) is ast.Slice:
                return None
            container, shape, stmt = target.value.id, "dict", parent
        else:
            return None
        loop = self._loop_around(stmt)
        if loop is None or not self._no_other_effects(loop, stmt) or \
                not self._only_use_in(container, loop) or \
                not self._starts_empty(container, shape, loop) or \
                not self._local_to_scope(container, loop) or \
                not self._computes_the_same_after(func.value, loop):
            return None
        compute = E.bound_name(m, "dask.compute", loop)
        imports: list = []
        if not compute:
            if m.lookup("dask", m.scope_of(loop))[0] is not None:
                return None  # ``dask`` is some other name here
            compute, imports = "dask.compute", [("dask", None, None)]
        return {"loop": loop, "imports": imports, "container": container, "shape": shape,
                "compute": compute}

    def _loop_around(self, stmt: ast.stmt) -> ast.AST | None:
        """The ``for``/``while`` loop whose iteration runs ``stmt`` directly or under ``if``
        (not inside a ``try`` or ``with``, whose handling of the compute would move)."""
        node = stmt
        while True:
            parent = self.model.parent(node)
            field = self.model.field_of(node, parent)
            if type(parent) is ast.If and field in ("body", "orelse"):
                node = parent
                continue
            if type(parent) in (ast.For, ast.While) and field == "body" and not parent.orelse:
                return parent
            return None

    @staticmethod
    def _no_other_effects(loop: ast.AST, collecting: ast.stmt) -> bool:
        """The loop does nothing for its effect but collect: its statements assign names,
        branch and loop. A statement run for its effect (``frame.to_csv(path)``, ``print``,
        ``with open(...)``) could change what a lazy value reads, and would then run before
        every computation instead of between them."""
        for s in ast.walk(loop):
            if not isinstance(s, ast.stmt) or s is loop:
                continue
            t = type(s)
            if s is collecting or t in _PLAIN_STATEMENTS:
                continue
            if t in (ast.Assign, ast.AnnAssign, ast.AugAssign):
                targets = s.targets if t is ast.Assign else [s.target]
                if all(type(n) in (ast.Name, ast.Tuple, ast.List, ast.Store)
                       for target in targets for n in ast.walk(target)):
                    continue
            return False
        return True

    @staticmethod
    def _only_use_in(container: str, loop: ast.AST) -> bool:
        """The container is named once in the loop (the collecting statement), and the loop
        makes no function: a lambda or def in a lazy value reads the loop variables when
        the values are computed, after the loop (late binding)."""
        uses = 0
        for n in ast.walk(loop):
            if isinstance(n, _SCOPE_NODES) or type(n) is ast.Lambda:
                return False
            if type(n) is ast.Name and n.id == container:
                uses += 1
        return uses == 1

    def _starts_empty(self, container: str, shape: str, loop: ast.AST) -> bool:
        """An earlier statement of the loop's block binds the container to an empty list
        (``[]``, ``list()``) or dict (``{}``, ``dict()``), and nothing between names it."""
        owner = self.model.parent(loop)
        block = getattr(owner, self.model.field_of(loop, owner) or "", None)
        if type(block) is not list:
            return False
        index = next((i for i, s in enumerate(block) if s is loop), None)
        for s in reversed(block[:index or 0]):
            t = type(s)
            target = s.targets[0] if t is ast.Assign and len(s.targets) == 1 else \
                s.target if t is ast.AnnAssign else None
            if type(target) is ast.Name and target.id == container:
                return s.value is not None and self._empty(s.value, shape)
            if any(type(n) is ast.Name and n.id == container for n in ast.walk(s)):
                return False
        return False

    def _empty(self, value: ast.AST, shape: str) -> bool:
        t = type(value)
        if shape == "list":
            return t is ast.List and not value.elts or t is ast.Call and not value.args and \
                not value.keywords and self.model.qualname(value.func) == "builtins.list"
        return t is ast.Dict and not value.keys or t is ast.Call and not value.args and \
            not value.keywords and self.model.qualname(value.func) == "builtins.dict"

    def _local_to_scope(self, container: str, loop: ast.AST) -> bool:
        """Only the code of the loop's scope sees the container (no ``global`` or
        ``nonlocal`` name, no closure or other function reading it, no ``try`` around the
        loop whose handlers could see it half filled)."""
        m = self.model
        scope = m.scope_of(loop)
        if container in scope.global_names or container in scope.nonlocal_names:
            return False
        for anc in m.ancestors(loop):
            if anc is scope.node:
                break
            if type(anc) in _TRY_NODES and (anc.handlers or any(
                    type(n) is ast.Name and n.id == container
                    for s in anc.finalbody for n in ast.walk(s))):
                return False
        for n in ast.walk(scope.node):
            if type(n) is not ast.Name or n.id != container:
                continue
            inner = m.scope_of(n)
            if inner is scope:
                continue
            found, _ = m.lookup(container, inner)
            if found is not scope:
                continue  # another function's own variable of the same name
            while inner is not scope:
                if inner.kind != "comprehension":
                    return False  # a closure or a global read elsewhere
                inner = inner.parent
        return True

    def _computes_the_same_after(self, lazy: ast.AST, loop: ast.AST) -> bool:
        """Nothing in the loop changes, in place, an object the lazy value reads: computed
        after the loop, it would see the last state (``params["k"] = v``, ``rows.append``,
        ``a += [x]``). Rebinding a name is fine: the graph holds the old object."""
        read = names_read(lazy)
        for n in ast.walk(loop):
            t = type(n)
            if t in (ast.Subscript, ast.Attribute) and type(n.ctx) in (ast.Store, ast.Del):
                root = E.root_name(n)
            elif t is ast.AugAssign:
                root = E.root_name(n.target)
            elif t is ast.Call and type(n.func) is ast.Attribute and \
                    n.func.attr in _MUTATING_METHODS:
                root = E.root_name(n.func.value)
            else:
                continue
            if root is None or root in read:
                return False
        return True

    # ------------------------------------------------------------------ what is computed
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
        label = m.compute_call(node)
        if label == ".compute()":
            return f"{short(func.value)}.compute()", [func.value]
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
            if isinstance(n, _SCOPE_NODES) or self._row_piece(n):
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
            if isinstance(n, _SCOPE_NODES):
                continue
            stack.extend(ast.iter_child_nodes(n))
        return False

    def _feeds_dask(self, name: ast.Name) -> bool:
        """The value is read into a Dask collection or handed to a task."""
        m = self.model
        for anc in m.ancestors(name):
            if isinstance(anc, ast.stmt):
                return False
            if type(anc) is ast.Call and (m.entry_point(anc) is not None or
                                          m.compute_call(anc) is not None):
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
            yield self.report(
                expr,
                f"'{short(expr)}' ({v.what}) is {where} at line {node.lineno}: Dask computes "
                f"the whole collection into one {target} in a single task (no parallelism, "
                "and the worker can run out of memory); use map_partitions/map_blocks, or one "
                "delayed call per element of .to_delayed()")

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
    fix_safety = Safety.UNSAFE
    fix_title = "Wrap it once before the loop: big_delayed = dask.delayed(big)"

    def __init__(self, model, options):
        super().__init__(model, options)
        #: Findings whose fix (hoisting ``dask.delayed(name)``) is decided in finish().
        self._hoists: list[tuple[Finding, ast.stmt, ast.Name]] = []

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
            hashed = " and hashed to name the result" if ep.api == "map_partitions" else ""
            for expr in ep.data:
                v = self._large(expr)
                if v is not None:
                    yield self.report(
                        expr,
                        f"{self._subject(expr, v)} is passed to {ep.api} at line "
                        f"{node.lineno}: it is embedded whole in the task graph{hashed}; "
                        "load the data with Dask, or pass "
                        f"client.scatter({short(expr)}) or dask.delayed({short(expr)}) "
                        "instead", fixable=False)
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
                        f"{self._subject(kw.value, v)} is passed to {ep.api} at line "
                        f"{node.lineno} as keyword '{kw.arg}', shared by every mapped task: "
                        "it is embedded in the graph, and with distributed 2026.8 a map "
                        "keyword over 100 kB makes the map fail (AssertionError); scatter "
                        f"it first ({kw.arg}=client.scatter({short(kw.value)}))",
                        fixable=False)
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
            text = short(expr)
            where = "loop" if isinstance(loops[0], LOOP_NODES) else "comprehension"
            if ep.family == "client":
                advice = f"scatter it once before the {where} (client.scatter({text}))"
            elif type(expr) is ast.Name:
                advice = f"wrap it once before the {where} ({text} = dask.delayed({text}))"
            else:
                advice = f"wrap it once before the {where} (dask.delayed({text}))"
            message = (f"{self._subject(expr, v)} is passed to {api_label(ep, node)} inside "
                       f"{loop_label(loops[0])}: the same object is embedded in the graph and "
                       f"sent again with every call; {advice}")
            stmt = self._hoist_site(expr, loops[0]) if ep.family == "delayed" else None
            if stmt is None:
                yield self.report(expr, message, fixable=False)
            else:
                self._hoists.append((self.report(expr, message, fix_target=stmt), stmt, expr))

    def finish(self) -> Iterator[Finding]:
        """Which hoists get a fix: the first statement per scope and name inserts the
        binding, the others reuse it on the next pass of the fixer (or have no fix)."""
        m = self.model
        inserted: set[tuple[int, str]] = set()
        for finding, stmt, name in sorted(self._hoists,
                                          key=lambda h: (h[1].lineno, h[1].col_offset)):
            new = f"{name.id}_delayed"
            scope = m.scope_of(stmt)
            data = {"name": name.id, "new": new}
            if self._reusable(new, stmt, name):
                data["insert"] = None
            elif m.lookup(new, scope)[0] is None and (id(scope), name.id) not in inserted:
                data["insert"] = E.bound_name(m, "dask.delayed", stmt) or None
                if data["insert"] is None:
                    finding.fix = None
                else:
                    inserted.add((id(scope), name.id))
            else:
                finding.fix = None
            if finding.fix is not None:
                finding.fix.data = data
            yield finding

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
        old, new = data["name"], data["new"]

        class Rename(cst.CSTTransformer):
            def leave_Name(self, original, updated):
                return updated.with_changes(value=new) if updated.value == old else updated

            def leave_Attribute(self, original, updated):
                return updated.with_changes(attr=original.attr)

            def leave_Arg(self, original, updated):
                return updated.with_changes(keyword=original.keyword)

        renamed = node.visit(Rename())
        if data["insert"] is None:
            return renamed
        bind = E.assign(cst.Name(new), cst.Call(func=cst.parse_expression(data["insert"]),
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


class TooManyTinyTasks(Rule):
    """One task per item of a huge `range`.

    ## What it does
    Finds `delayed(f)(...)`, calls of `@delayed` functions and `client.submit(...)` inside
    loops or comprehensions over `range(N)` with literal bounds, where the loops together
    run at least `dask-tiny-task-count` times (100,000 by default); `client.map(f, range(N))`
    with such an N; and `db.from_sequence(...)` with at least that many partitions
    (`npartitions=N`, or `partition_size=` over a literal `range`).

    ## Why is this bad?
    Every task costs the scheduler roughly 200 µs to 1 ms of overhead (Dask docs), whatever
    the work inside it. A million one-item tasks spend minutes to hours in bookkeeping, and
    the graph itself can overwhelm the scheduler's memory long before any real work is done.

    ## Example
    ```python
    results = [dask.delayed(score)(i) for i in range(1_000_000)]
    ```

    ## Use instead
    ```python
    def score_batch(items):
        return [score(i) for i in items]

    batches = [range(start, start + 10_000) for start in range(0, 1_000_000, 10_000)]
    results = [dask.delayed(score_batch)(batch) for batch in batches]
    # or: db.from_sequence(range(1_000_000), npartitions=100).map(score)
    ```

    ## Fix safety
    No automatic fix: choosing the batch size and reshaping the results is a design decision.

    ## Options
    `dask-tiny-task-count`: the number of tasks from which a loop, a map or a Bag is
    reported (default 100,000).

    ## References
    - https://docs.dask.org/en/stable/delayed-best-practices.html#avoid-too-many-tasks
    - https://distributed.dask.org/en/stable/efficiency.html#use-larger-tasks
    - https://docs.dask.org/en/stable/best-practices.html#avoid-very-large-graphs
    - Not flagged: loops over inputs of unknown length (files, partitions, a variable `n`),
      loops that may `break` or `return` early, calls under an `if` in the loop and
      comprehensions with an `if` filter, and already batched code.
    """

    code = "DSK309"
    name = "too-many-tiny-tasks"
    node_types = (ast.Call,)
    call_names = _BAG_SEQUENCE_NAMES  # db.from_sequence(), and
    entry_points = True  # client.submit/map and delayed calls

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        threshold = self.options.tiny_task_count
        func = node.func
        t = type(func)
        if t is ast.Attribute and func.attr not in ("submit", "map", "from_sequence") or \
                t not in (ast.Attribute, ast.Name, ast.Call):
            return  # cheap exits first
        if t is not ast.Call and not _BAG_SEQUENCE_NAMES.isdisjoint(m.callee_names(node)) \
                and m.is_call_to(node, V.BAG_SEQUENCE_FUNCTIONS):
            n = self._bag_partitions(node)
            if n is not None and n >= threshold:
                yield self.report(
                    node,
                    f"db.from_sequence() with {n:,} partitions makes {n:,} tasks for each "
                    "step of the bag, each costing roughly 200 µs–1 ms of scheduler overhead; "
                    "use far fewer partitions (npartitions=100 to 1000 is typical)")
            return
        ep = m.entry_point(node)
        if ep is None or ep.family not in ("client", "delayed") or ep.api == "delayed":
            return
        if ep.family == "client":
            if type(func) is not ast.Attribute:
                return
            if func.attr == "map":
                n = max((range_length(m, a) or 0 for a in ep.iterables), default=0)
                if n >= threshold:
                    yield self.report(
                        node,
                        f"{ep.api}() over {n:,} items submits {n:,} tasks, each costing "
                        "roughly 200 µs–1 ms of scheduler overhead; map a batch function "
                        "over chunks of the items instead (a few thousand tasks at most)")
                return
            if func.attr != "submit":
                return
        n, loop = self._iterations(node)
        if n >= threshold:
            yield self.report(
                node,
                f"{api_label(ep, node)} inside {loop_label(loop)} over range() makes about "
                f"{n:,} tasks, each costing roughly 200 µs–1 ms of scheduler overhead; batch "
                "the work into fewer, larger tasks (one call per chunk of items)")

    def _iterations(self, node: ast.Call) -> tuple[int, ast.AST | None]:
        """How many times the enclosing literal-``range`` loops run ``node`` (a lower bound:
        loops of unknown length count once), and the outermost such loop."""
        m = self.model
        total, outermost = 1, None
        for loop in m.enclosing_loops(node):
            if type(loop) in (ast.For, ast.AsyncFor):
                n = range_length(m, loop.iter)
                if n is None:
                    continue
                if self._may_break(loop):
                    return 0, None
                total *= n
                outermost = loop
            elif type(loop) is not ast.While:
                generators = loop.generators
                if any(g.ifs for g in generators):
                    return 0, None
                for g in generators:
                    n = range_length(m, g.iter)
                    if n is not None:
                        total *= n
                        outermost = loop
        if outermost is None:
            return 0, None
        for anc in m.ancestors(node):
            if anc is outermost:
                break
            if type(anc) in (ast.If, ast.IfExp):
                return 0, None  # a filter: fewer calls than iterations
        return total, outermost

    @staticmethod
    def _may_break(loop) -> bool:
        stack = list(loop.body)
        while stack:
            n = stack.pop()
            if type(n) in (ast.Break, ast.Return):
                return True
            if isinstance(n, (*_SCOPE_NODES, *LOOP_NODES)):
                if type(n) in LOOP_NODES:
                    stack.extend(n.orelse)  # a break in a nested loop ends only that loop
                    stack.extend(s for s in ast.walk(n) if type(s) is ast.Return)
                continue
            stack.extend(ast.iter_child_nodes(n))
        return False

    def _bag_partitions(self, node: ast.Call) -> int | None:
        m = self.model
        size = node.args[1] if len(node.args) > 1 else None
        for kw in node.keywords:
            if kw.arg == "npartitions":
                return literal_int(m, kw.value)
            if kw.arg == "partition_size":
                size = kw.value
        if size is not None and node.args:
            step = literal_int(m, size)
            length = range_length(m, node.args[0])
            if step and step > 0 and length is not None:
                return -(-length // step)
        return None
