"""Task-context rules: code that runs inside a task (catalog section 1)."""

from __future__ import annotations

import ast
from typing import Iterator

from ..findings import Finding, Safety
from ..model import COLLECTIONS, K, dotted
from ..model.semantic import COMPUTE_CALL_NAMES, call_name
from ..model import vocabulary as V
from . import _edits as E
from .base import Rule, last_names


def site_text(sites) -> str:
    site = min(sites, key=lambda s: s.line)
    verb = "decorated with" if site.api.startswith("@") else "passed to"
    return f"{verb} {site.api} at line {site.line}"


class BlockingWaitInTask(Rule):
    """Waiting on futures inside a task without seceding.

    ## What it does
    Finds calls that block on other tasks from inside a task: `client.gather(...)`,
    `future.result()`, `distributed.wait(...)` and iterating `as_completed(...)`, where the
    client was obtained in the task through `get_client()`, `default_client()`,
    `Client.current()` or `Client(address)` (or the future came from such a client), and the
    call is neither inside `with worker_client():` nor after a `secede()` with no `rejoin()`
    in between.

    ## Why is this bad?
    A waiting task keeps its worker thread. When every thread is held by a task that waits on
    subtasks which cannot be scheduled, the cluster deadlocks: the Dask docs warn that this
    "can deadlock the scheduler if too many tasks request jobs at once". Verified with
    distributed 2026.8: on one worker with two threads, two outer tasks that call
    `get_client().gather(...)`, `.result()`, `wait()` or iterate `as_completed()` hang
    forever, and finish at once with `secede()`/`rejoin()` or `worker_client()`.

    ## Example
    ```python
    def outer(n):
        client = get_client()
        futures = client.map(inner, range(n))
        return sum(client.gather(futures))

    client.submit(outer, 10)
    ```

    ## Use instead
    ```python
    def outer(n):
        with worker_client() as client:
            futures = client.map(inner, range(n))
            return sum(client.gather(futures))
    ```

    ## Fix safety
    Unsafe: the fix inserts `secede()` before the first statement that waits and `rejoin()`
    after the last, in the innermost block that holds them all (no `rejoin()` after a
    statement that returns or raises: the task ends there and its thread leaves the pool
    anyway, as in the distributed docs' own example), and imports them from the module the
    file already imports Distributed names from. The task computes the same values, but
    threads are counted differently: a seceded task no longer occupies a slot, so more tasks
    than threads can run CPU work at once, and `rejoin()` blocks until a slot frees. Offered
    only for a plain function that is only ever handed to `client.submit`/`client.map` (so
    it runs on a worker: `secede()` raises `ValueError: No worker found` anywhere else,
    such as a direct call from a test, or a delayed function computed with a local
    scheduler), that does not already secede, rejoin or use `worker_client`, and, when the
    waits are in a loop, where nothing can skip `rejoin()` and come round to `secede()`
    again (seceding twice raises `KeyError`): no `try` or `with` around them and no
    `break`/`continue` between them. No fix for lambdas, methods, async functions and
    generators, nor when the first or last of several waiting statements shares its line
    with another (`a = f.result(); b = 1`).

    ## Options
    `dask-client-names`: receivers taken as a Client by name when nothing else is known.

    ## References
    - https://distributed.dask.org/en/stable/task-launch.html
    - https://docs.dask.org/en/stable/futures.html#submit-tasks-from-tasks
    - https://github.com/dask/distributed/issues/4738
    - Known limitation: a client obtained in a helper function that the task calls is not
      followed (the rule stays silent).
    """

    code = "DSK101"
    name = "blocking-wait-in-task"
    node_types = (ast.Call,)
    fix_safety = Safety.UNSAFE
    fix_title = "Secede before the first wait and rejoin after the last"

    _NAMES = frozenset({"gather", "result", "wait", "as_completed"})
    call_names = _NAMES

    def __init__(self, model, options):
        super().__init__(model, options)
        #: task function -> its findings and wait calls, in the order seen
        self._waits: dict[ast.AST, list[tuple[Finding, ast.Call]]] = {}

    def check(self, node: ast.Call) -> Iterator[Finding]:
        self._collect(node)
        return iter(())  # reported by finish()

    def _collect(self, node: ast.Call) -> None:
        m = self.model
        if call_name(node) not in self._NAMES:
            return
        func = node.func
        label = None
        if type(func) is ast.Attribute and func.attr in ("gather", "result"):
            v = m.value(func.value)
            if v is None:
                return
            client = v if (func.attr == "gather" and v.kind == K.CLIENT) else \
                v.origin if (func.attr == "result" and v.kind == K.FUTURE) else None
            if client is None or getattr(client, "kind", None) != K.CLIENT:
                return
            label = f"{dotted(func) or func.attr}()"
        else:
            q = m.qualname(func)
            if q in V.WAIT_FUNCTIONS:
                label = "wait()"
                client = None
            elif q in V.AS_COMPLETED_FUNCTIONS and self._iterated(node):
                label = "iterating as_completed()"
                client = None
            else:
                return
        fn, sites = m.task_sites_of(node)
        if not sites:
            return
        if client is not None and not self._obtained_in_task(client, fn):
            return
        if self._inside_worker_client(node) or self._after_secede(node):
            return
        finding = self.report(
            node,
            f"{label} inside task function {m.function_label(fn)} ({site_text(sites)}) "
            "blocks a worker thread while it waits for other tasks and can deadlock the "
            "cluster; use `with worker_client() as client:` or call secede() before the wait "
            "and rejoin() after it")
        self._waits.setdefault(fn, []).append((finding, node))

    def finish(self) -> Iterator[Finding]:
        """The findings, with one fix per task function: every wait of a function is
        covered by the same ``secede()``/``rejoin()`` pair, so the fix is decided once all
        of them are known."""
        for fn, waits in self._waits.items():
            facts = self._fix_facts(fn, [node for _, node in waits])
            for finding, _ in waits:
                if facts is None:
                    finding.fix = None
                else:
                    finding.fix.target = facts["target"]
                    finding.fix.imports = list(facts["imports"])
                    finding.fix.data = {k: v for k, v in facts.items()
                                        if k not in ("target", "imports")}
                yield finding
        self._waits = {}

    # ------------------------------------------------------------------ the fix
    def _fix_facts(self, fn, waits: list[ast.Call]) -> dict | None:
        """Where ``secede()`` and ``rejoin()`` go: before the first statement that waits
        and after the last one, in the innermost block that holds them all. None when the
        fix is not certainly right (see the Fix safety section)."""
        m = self.model
        if type(fn) is not ast.FunctionDef or m.scope_of(fn).kind == "class" or \
                any(s.lazy for s in m.tasks.get(fn, ())) or m.is_generator_function(fn) or \
                self._manages_threads(fn) or not self._only_run_as_task(fn):
            return None  # only functions submitted to a client run on a worker for sure
        paths = [self._statement_path(m.statement_of(w), fn) for w in waits]
        if any(p is None for p in paths):
            return None
        depth = 0
        while all(len(p) > depth + 1 for p in paths) and \
                all(p[depth] is paths[0][depth] for p in paths) and \
                all(m.field_of(p[depth + 1]) == "body" and
                    m.parent(p[depth + 1]) is paths[0][depth] for p in paths):
            depth += 1
        block_stmts = {id(p[depth]): p[depth] for p in paths}.values()
        owner = m.parent(paths[0][depth])
        block = getattr(owner, m.field_of(paths[0][depth]))
        index = {id(s): i for i, s in enumerate(block)}
        first = min(index[id(s)] for s in block_stmts)
        last = max(index[id(s)] for s in block_stmts)
        if self._in_loop(owner, fn) and (self._may_skip_rejoin(owner, fn) or any(
                _leaves_loop(s) for s in block[first:last + 1])):
            return None  # the next iteration would secede again, seceded: KeyError
        stmt = m.statement_of(waits[0])
        secede, imports = E.import_for(m, "distributed.secede", stmt)
        rejoin, more = E.import_for(m, "distributed.rejoin", stmt)
        if not secede or not rejoin:
            return None
        # A task ends at ``return``: its thread leaves the pool anyway (the
        # distributed docs' own example secedes and returns), and rejoin() there would
        # only wait for a free slot before handing the result over.
        tail = None if _ends_task(block[last]) else rejoin
        facts = {"secede": secede, "rejoin": tail, "imports": imports + (more if tail else [])}
        if first == last:
            return {**facts, "target": block[first], "span": None}
        lines = _line_groups(block)
        neighbours = ((first, first - 1), (first, first + 1), (last, last - 1), (last, last + 1))
        if any(0 <= j < len(block) and lines[i] == lines[j] for i, j in neighbours):
            return None  # ``a; b``: the statements are not lines of their own
        return {**facts, "target": owner, "span": (lines[first], lines[last])}

    def _in_loop(self, owner, fn) -> bool:
        node = owner
        while node is not fn:
            if type(node) in (ast.For, ast.AsyncFor, ast.While):
                return True
            node = self.model.parent(node)
        return False

    def _may_skip_rejoin(self, owner, fn) -> bool:
        """A ``try`` or ``with`` around the waits could swallow an exception raised
        between ``secede()`` and ``rejoin()``."""
        node = owner
        while node is not fn:
            if type(node) in _EXCEPTION_CATCHERS:
                return True
            node = self.model.parent(node)
        return False

    def _statement_path(self, stmt: ast.stmt, fn) -> list[ast.stmt] | None:
        """The statements from ``fn``'s body down to ``stmt``, each in a block of the one
        before."""
        path = []
        node = stmt
        while node is not fn:
            if isinstance(node, ast.stmt):
                path.append(node)
            node = self.model.parent(node)
            if node is None or isinstance(node, (ast.Lambda, ast.ClassDef)):
                return None
        return path[::-1]

    def _manages_threads(self, fn) -> bool:
        """The function already secedes, rejoins or uses ``worker_client``: where the pair
        should go is a human's call."""
        m = self.model
        names = V.SECEDE_FUNCTIONS | V.REJOIN_FUNCTIONS | V.WORKER_CLIENT_FUNCTIONS
        return any(type(n) is ast.Call and m.qualname(n.func) in names
                   for n in m.body_nodes(fn))

    def _only_run_as_task(self, fn) -> bool:
        """The function is named only where it is handed to Dask: ``secede()`` outside a
        worker raises (ValueError: No worker found), so a direct call from the driver or a
        test would break."""
        m = self.model
        for n in m.names(fn.name):
            if type(n.ctx) is not ast.Load:
                continue
            parent = m.parent(n)
            if type(parent) is ast.keyword:
                parent = m.parent(parent)
            if type(parent) is not ast.Call:
                return False
            ep = m.entry_point(parent)
            if ep is None or not any(f is n for f in ep.functions) and parent.func is not n:
                return False
        return True

    def fix(self, node, finding):
        import libcst as cst

        data = finding.fix.data

        def line(name):
            return cst.SimpleStatementLine(body=[cst.Expr(cst.Call(func=cst.Name(name)))])

        if data["span"] is None:
            if isinstance(node, cst.BaseSmallStatement):
                items = [cst.Expr(cst.Call(func=cst.Name(data["secede"]))), node]
                if data["rejoin"]:
                    items.append(cst.Expr(cst.Call(func=cst.Name(data["rejoin"]))))
                return cst.FlattenSentinel(items)
            # A compound statement: the comments above it stay above the new first line.
            items = [line(data["secede"]).with_changes(leading_lines=node.leading_lines),
                     node.with_changes(leading_lines=[])]
            if data["rejoin"]:
                items.append(line(data["rejoin"]))
            return cst.FlattenSentinel(items)
        first, last = data["span"]
        body = node.body
        if not isinstance(body, cst.IndentedBlock) or len(body.body) <= last:
            raise ValueError("DSK101: the block of the waits moved")
        stmts = list(body.body)
        if data["rejoin"]:
            stmts.insert(last + 1, line(data["rejoin"]))
        stmts[first:first + 1] = [
            line(data["secede"]).with_changes(leading_lines=stmts[first].leading_lines),
            stmts[first].with_changes(leading_lines=[])]
        return node.with_changes(body=body.with_changes(body=stmts))

    def _obtained_in_task(self, client, fn) -> bool:
        if client.origin not in V.IN_TASK_CLIENT_ORIGINS or client.node is None:
            return False
        return self.model.enclosing_function(client.node) is fn

    def _iterated(self, call: ast.Call) -> bool:
        parent = self.model.parent(call)
        if type(parent) in (ast.For, ast.AsyncFor, ast.comprehension) and \
                self.model.field_of(call, parent) == "iter":
            return True
        if type(parent) is ast.Call and self.model.qualname(parent.func) in (
                "builtins.list", "builtins.tuple", "builtins.sorted", "builtins.next"):
            return True
        if type(parent) is ast.Assign and len(parent.targets) == 1 and \
                type(parent.targets[0]) is ast.Name:
            name = parent.targets[0].id
            fn = self.model.enclosing_function(call)
            if fn is None:
                return False
            for n in self.model.body_nodes(fn):
                if type(n) in (ast.For, ast.AsyncFor) and type(n.iter) is ast.Name and \
                        n.iter.id == name:
                    return True
        return False

    def _inside_worker_client(self, node: ast.AST) -> bool:
        m = self.model
        for anc in m.ancestors(node):
            if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return False
            if type(anc) in (ast.With, ast.AsyncWith):
                for item in anc.items:
                    ctx = item.context_expr
                    if type(ctx) is ast.Call and m.qualname(ctx.func) in \
                            V.WORKER_CLIENT_FUNCTIONS:
                        return True
        return False

    def _after_secede(self, node: ast.AST) -> bool:
        """A ``secede()`` earlier in this block or an enclosing one, with no ``rejoin()``
        between it and the wait (a straight-line check)."""
        m = self.model
        stmt = m.statement_of(node)
        while stmt is not None:
            parent = m.parent(stmt)
            block = getattr(parent, m.field_of(stmt, parent) or "", None)
            if type(block) is list:
                index = next((i for i, s in enumerate(block) if s is stmt), 0)
                for prev in reversed(block[:index]):
                    if type(prev) is ast.Expr and type(prev.value) is ast.Call:
                        q = m.qualname(prev.value.func)
                        if q in V.REJOIN_FUNCTIONS:
                            return False
                        if q in V.SECEDE_FUNCTIONS:
                            return True
            if parent is None or isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                     ast.Lambda, ast.Module)):
                return False
            stmt = m.statement_of(parent)
        return False


_EXCEPTION_CATCHERS = (ast.Try, getattr(ast, "TryStar", ast.Try), ast.With, ast.AsyncWith)


def _leaves_loop(stmt: ast.stmt) -> bool:
    """``stmt`` holds a ``break`` or ``continue`` of a loop around it."""
    stack = [(stmt, False)]
    while stack:
        node, in_loop = stack.pop()
        t = type(node)
        if t in (ast.Break, ast.Continue) and not in_loop:
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        inner = in_loop or t in (ast.For, ast.AsyncFor, ast.While)
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))
    return False


def _ends_task(stmt: ast.stmt) -> bool:
    """Every path through ``stmt`` returns or raises: nothing after it runs."""
    t = type(stmt)
    if t in (ast.Return, ast.Raise):
        return True
    if t is ast.If:
        return bool(stmt.orelse) and any(_ends_task(s) for s in stmt.body) and \
            any(_ends_task(s) for s in stmt.orelse)
    if t in (ast.With, ast.AsyncWith):
        return any(_ends_task(s) for s in stmt.body)
    return False


def _line_groups(block: list[ast.stmt]) -> list[int]:
    """For each statement of a block, the index of the libcst line holding it: statements
    joined by ``;`` share one ``SimpleStatementLine``."""
    groups, current = [], -1
    for i, s in enumerate(block):
        if i == 0 or s.lineno != block[i - 1].end_lineno:
            current += 1
        groups.append(current)
    return groups


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
        label = m.compute_call(node)
        if label is None:
            return
        computed = self._computed_expressions(node)
        free = self._free_collection(computed, fn)
        where = f"inside task function {m.function_label(fn)} ({site_text(sites)})"
        if free is not None:
            yield self.report(
                node,
                f"{label} {where} recomputes the Dask collection {free} from its sources in "
                "every task; pass it to the task as a lazy argument so Dask computes it once "
                "(e.g. ddf.map_partitions(f, x.max())), or compute it once in the driver")
            return
        chunk_sites = [s for s in sites if s.per_chunk]
        if chunk_sites and any(m.is_collection(e) for e in computed):
            yield self.report(
                node,
                f"{label} inside a per-partition function {m.function_label(fn)} "
                f"({site_text(chunk_sites)}) starts a nested Dask computation for every "
                "partition (a new thread pool per worker thread on the local scheduler); "
                "compute the value once and pass it in")

    def _computed_expressions(self, node: ast.Call) -> list[ast.AST]:
        func = node.func
        if type(func) is ast.Attribute and func.attr in ("compute", "persist") and \
                self.model.qualname(func) not in V.DASK_COMPUTE_FUNCTIONS | \
                V.DASK_PERSIST_FUNCTIONS:
            return [func.value]
        return [a.value if type(a) is ast.Starred else a for a in node.args]

    def _free_collection(self, exprs, fn) -> str | None:
        m = self.model
        for expr in exprs:
            for n in ast.walk(expr):
                if type(n) is ast.Name and type(n.ctx) is ast.Load:
                    if m.is_free_in(n, fn):
                        v = m.value(n)
                        if v is not None and v.kind in COLLECTIONS:
                            return f"'{n.id}'"
                elif type(n) is ast.Attribute and type(n.value) is ast.Name and \
                        m.class_of_instance(n.value) is not None:
                    v = m.value(n)
                    if v is not None and v.kind in COLLECTIONS:
                        return f"'{n.value.id}.{n.attr}'"
        return None


#: The task-site APIs through which a function becomes a delayed task.
_DELAYED_SITE_APIS = frozenset({"@delayed", "delayed"})
#: Calls that evaluate Dask objects in the same function (the task-launch pattern).
_EVALUATING_METHODS = frozenset({"compute", "persist", "gather", "result"})


class DelayedCallInDelayed(Rule):
    """Calling a delayed function inside a delayed function.

    ## What it does
    Finds, in the body of a function decorated with `@delayed` (or wrapped with
    `delayed(f)`), calls that build more delayed objects: `delayed(g)(...)`, a call of
    another `@delayed` function, or a call of a name bound to `delayed(g)`, when the function
    never computes them itself (no `compute`, `dask.compute`, `persist`, `client.gather` or
    `.result()` in its body).

    ## Why is this bad?
    Inside a task, the inner calls only add nodes to a new graph that nobody runs: the outer
    task returns unevaluated `Delayed` objects instead of results. Verified with dask 2026.8:
    computing `@delayed def process_all(xs): return [delayed(abs)(x) for x in xs]` gave
    `[Delayed('abs-…'), Delayed('abs-…')]`. When the inner objects are computed one by one
    they run serially instead (dask/dask#10733). The Dask best practices say: "Avoid calling
    delayed within delayed functions"; a normal function that calls delayed functions builds
    the graph in the driver.

    ## Example
    ```python
    @delayed
    def process_all(xs):
        return [delayed(abs)(x) for x in xs]

    results = process_all(data).compute()  # a list of Delayed objects
    ```

    ## Use instead
    ```python
    def process_all(xs):
        return [delayed(abs)(x) for x in xs]

    results = dask.compute(*process_all(data))
    ```

    ## Fix safety
    Unsafe: the fix removes the outer `@delayed` decorator (`@delayed`, `@dask.delayed`,
    `@delayed(pure=True)`), so the function builds the graph in the driver. It changes what
    every caller of the function gets back (a list of Delayed objects instead of one
    Delayed), so callers that call `.compute()` on the result or pass it to other delayed
    functions must change too; and the function's own code now runs when it is called,
    not at compute time. No fix when the function is also handed to Dask another way
    (`delayed(f)`, `client.submit(f)`) or has several delayed decorators.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/delayed-best-practices.html#avoid-calling-delayed-within-delayed-functions
    - https://github.com/dask/dask/issues/10733
    - https://github.com/dask/dask/issues/5751
    - Not flagged: the task-launch pattern, where the function computes the inner delayed
      objects itself (`a, b = compute(fib(n - 1), fib(n - 2))`); a delayed call whose result
      is discarded (a bare statement); `delayed` used in a plain function.
    - Known limitation: one compute anywhere in the function silences every inner delayed
      call in it, even one whose result is returned uncomputed.
    """

    code = "DSK103"
    name = "delayed-call-in-delayed"
    node_types = (ast.Call,)
    call_names = frozenset()  # check() starts with model.entry_point(node):
    entry_points = True  # entry points only
    fix_safety = Safety.UNSAFE
    fix_title = "Remove the outer @delayed decorator"

    def __init__(self, model, options):
        super().__init__(model, options)
        self._evaluates: dict[int, bool] = {}

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        ep = m.entry_point(node)
        if ep is None or ep.family != "delayed" or ep.api == "delayed":
            return  # ``delayed(g)`` alone wraps; only calling a delayed function builds a node
        fn, sites = m.task_sites_of(node)
        sites = [s for s in sites if s.api in _DELAYED_SITE_APIS]
        if not sites:
            return
        stmt = m.statement_of(node)
        if type(stmt) is ast.Expr and stmt.value is node:
            return  # discarded: nothing reaches the result (discarded-lazy-result)
        if self._computes_itself(fn):
            return
        label = self._label(node)
        outer = "remove the outer @delayed" if all(s.api == "@delayed" for s in sites) \
            else "call it directly instead of through delayed()"
        decorator = self._removable_decorator(fn)
        yield self.report(
            node,
            f"{label} inside delayed function {m.function_label(fn)} ({site_text(sites)}) "
            "only adds a node to a graph nobody runs: the outer task returns unevaluated "
            f"Delayed objects; {outer} so the function builds the graph in the driver, or "
            "compute the inner objects in the function",
            fixable=decorator is not None, fix_target=fn, fix_data={"decorator": decorator})

    def _removable_decorator(self, fn) -> int | None:
        """The index of ``fn``'s one ``@delayed`` decorator, when that decorator is the only
        way ``fn`` reaches Dask."""
        m = self.model
        if type(fn) not in (ast.FunctionDef, ast.AsyncFunctionDef):
            return None
        if any(s.api != "@delayed" for s in m.tasks.get(fn, ())):
            return None
        found = [i for i, dec in enumerate(fn.decorator_list)
                 if m.qualname(dec.func if type(dec) is ast.Call else dec)
                 in V.DELAYED_FUNCTIONS]
        return found[0] if len(found) == 1 else None

    def fix(self, node, finding):
        import libcst as cst

        index = finding.fix.data["decorator"]
        decorators = list(node.decorators)
        removed = decorators.pop(index)
        # Comments on and above the removed decorator stay where they were.
        kept = list(removed.leading_lines)
        comment = removed.trailing_whitespace.comment
        if comment is not None:
            kept.append(cst.EmptyLine(comment=comment))
        if index < len(decorators):
            following = decorators[index]
            decorators[index] = following.with_changes(
                leading_lines=[*kept, *following.leading_lines])
            return node.with_changes(decorators=decorators)
        return node.with_changes(decorators=decorators, lines_after_decorators=[
            *kept, *node.lines_after_decorators])

    @staticmethod
    def _label(node: ast.Call) -> str:
        func = node.func
        text = ast.unparse(func)
        if len(text) > 40:
            text = text[:37] + "..."
        return f"{text}(...)" if node.args or node.keywords else f"{text}()"

    def _computes_itself(self, fn) -> bool:
        key = id(fn)
        if key not in self._evaluates:
            m = self.model
            found = False
            for n in m.body_nodes(fn):
                if type(n) is not ast.Call:
                    continue
                func = n.func
                if type(func) is ast.Attribute and func.attr in _EVALUATING_METHODS or \
                        m.qualname(func) in V.DASK_COMPUTE_FUNCTIONS | V.DASK_PERSIST_FUNCTIONS:
                    found = True
                    break
            self._evaluates[key] = found
        return self._evaluates[key]


#: Attributes of a Client that close it.
_CLOSING_ATTRIBUTES = frozenset({"close", "shutdown", "__enter__", "__exit__"})


class ClientCreatedInTask(Rule):
    """Creating a `Client` or `LocalCluster` inside a task.

    ## What it does
    Finds a resolved `distributed.Client(...)` or `LocalCluster(...)` constructed in the body
    of a task function (a function passed to `client.submit`/`client.map`, `delayed`,
    `map_partitions` and the other task entry points, or decorated with `@delayed`).

    ## Why is this bad?
    Without an address, `Client()` starts a whole `LocalCluster` inside the worker. On
    process-based (daemonic) workers this fails: verified with distributed 2026.8, a task
    calling `Client(n_workers=1)` raised `AssertionError: daemonic processes are not allowed
    to have children`, then `RuntimeError: Nanny failed to start`. With an address, every task
    opens a new connection to the scheduler, and waits through that client do not secede, so
    they can deadlock the cluster (DSK101).

    ## Example
    ```python
    def process(x):
        client = Client("tcp://scheduler:8786")
        return client.gather(client.map(inc, range(x)))

    client.submit(process, 10)
    ```

    ## Use instead
    ```python
    def process(x):
        with worker_client() as client:
            return client.gather(client.map(inc, range(x)))
    ```

    ## Fix safety
    Unsafe: `Client(<address>)` (one address, a string, an f-string or a name or attribute
    that says "addr", and no other argument) becomes `get_client()`, imported from the
    module the file already imports Distributed names from when it is not imported yet.
    `get_client()` returns the worker's client of the scheduler the task runs on, which
    differs from the original when the address pointed elsewhere, and it is shared by the
    tasks of that worker; waits through it still need `secede()`/`rejoin()` or
    `worker_client()`. No fix for a Client without an address or for a `LocalCluster`
    (they need a human), nor when the client is closed in the task (`with Client(...)`,
    `client.close()`): closing the worker's shared client would break the other tasks.

    ## Options
    None.

    ## References
    - https://distributed.dask.org/en/stable/task-launch.html
    - https://github.com/dask/distributed/issues/2142
    - https://github.com/dask/distributed/issues/950
    - Not flagged: `get_client()`, `worker_client()`, `Client.current()`, a Client created in
      driver code, and functions passed to `client.run` (they are not tasks).
    - Known limitation: a Client created in a helper function that the task calls is not
      followed.
    """

    code = "DSK104"
    name = "client-created-in-task"
    node_types = (ast.Call,)
    call_names = last_names(V.CLIENT_CONSTRUCTORS, V.CLUSTER_FACTORIES)
    fix_safety = Safety.UNSAFE
    fix_title = "Use the worker's client: get_client()"

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        q = m.qualname(node.func)
        if q not in V.CLIENT_CONSTRUCTORS and q not in V.CLUSTER_FACTORIES:
            return
        fn, sites = m.task_sites_of(node)
        if not sites:
            return
        name = q.rpartition(".")[2]
        where = f"inside task function {m.function_label(fn)} ({site_text(sites)})"
        if q in V.CLIENT_CONSTRUCTORS and (node.args or any(
                kw.arg == "address" for kw in node.keywords)):
            why = ("opens a new connection to the scheduler in every task, and waits through "
                   "it do not secede (they can deadlock the cluster)")
        else:
            why = ("starts a whole new local cluster inside the worker (on process workers it "
                   "fails: 'daemonic processes are not allowed to have children')")
        function, imports = "", []
        if q in V.CLIENT_CONSTRUCTORS and self._address_only(node) and \
                not self._closed(node, fn):
            function, imports = E.import_for(m, "distributed.get_client", m.statement_of(node))
        yield self.report(
            node,
            f"{name}(...) {where} {why}; use get_client() or `with worker_client() as "
            "client:` to reach the cluster the task runs on",
            fixable=bool(function), fix_imports=imports, fix_data={"function": function})

    @staticmethod
    def _address_only(call: ast.Call) -> bool:
        """``Client(<address>)`` with nothing else: a string, an f-string, or a name or
        attribute that says it is an address (``scheduler_address``, ``cluster.addr``)."""
        if len(call.args) + len(call.keywords) != 1:
            return False
        if call.keywords:
            if call.keywords[0].arg != "address":
                return False
            arg = call.keywords[0].value
        else:
            arg = call.args[0]
        t = type(arg)
        if t is ast.Constant:
            return type(arg.value) is str
        if t is ast.JoinedStr:
            return True
        spelled = arg.id if t is ast.Name else arg.attr if t is ast.Attribute else ""
        return "addr" in spelled.lower()

    def _closed(self, call: ast.Call, fn) -> bool:
        """The new client may be closed in the task (``with Client(...)``, ``c.close()``) or
        goes where it is not followed: closing the worker's shared client instead would
        break its other tasks."""
        parent = self.model.parent(call)
        if type(parent) is ast.Attribute:
            return parent.attr in _CLOSING_ATTRIBUTES
        if type(parent) is ast.Assign and all(type(t) is ast.Name for t in parent.targets):
            names = {t.id for t in parent.targets}
        elif type(parent) is ast.AnnAssign and type(parent.target) is ast.Name:
            names = {parent.target.id}
        else:
            return True  # ``with Client(...)``, returned, passed on: not followed
        for n in self.model.body_nodes(fn):
            if type(n) is ast.Name and n.id in names and type(n.ctx) is ast.Load:
                use = self.model.parent(n)
                if type(use) is ast.withitem or (type(use) is ast.Attribute and
                                                 use.attr in _CLOSING_ATTRIBUTES):
                    return True
        return False

    def fix(self, node, finding):
        import libcst as cst

        return cst.Call(func=cst.Name(finding.fix.data["function"]))
