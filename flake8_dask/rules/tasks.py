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
    No automatic fix. Inserting `secede()`/`rejoin()` is mechanical but changes how threads
    are counted (a seceded task no longer occupies a slot) and `rejoin()` blocks until a slot
    frees, so it is left to a human.

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

    _NAMES = frozenset({"gather", "result", "wait", "as_completed"})
    call_names = _NAMES

    def check(self, node: ast.Call) -> Iterator[Finding]:
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
        yield self.report(
            node,
            f"{label} inside task function {m.function_label(fn)} ({site_text(sites)}) "
            "blocks a worker thread while it waits for other tasks and can deadlock the "
            "cluster; use `with worker_client() as client:` or call secede() before the wait "
            "and rejoin() after it")

    def _obtained_in_task(self, client, fn) -> bool:
        if client.origin not in V.IN_TASK_CLIENT_ORIGINS or client.node is None:
            return False
        return self.model.enclosing_function(client.node) is fn

    def _iterated(self, call: ast.Call) -> bool:
        parent = call._dsk_parent
        if type(parent) in (ast.For, ast.AsyncFor, ast.comprehension) and \
                getattr(call, "_dsk_field", None) == "iter":
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
            parent = stmt._dsk_parent
            block = getattr(parent, getattr(stmt, "_dsk_field", ""), None)
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
        parent = call._dsk_parent
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
                use = n._dsk_parent
                if type(use) is ast.withitem or (type(use) is ast.Attribute and
                                                 use.attr in _CLOSING_ATTRIBUTES):
                    return True
        return False

    def fix(self, node, finding):
        import libcst as cst

        return cst.Call(func=cst.Name(finding.fix.data["function"]))
