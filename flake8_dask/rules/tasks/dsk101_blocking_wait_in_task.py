"""DSK101 blocking-wait-in-task: waiting on futures inside a task without seceding."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import K
from ...model import vocabulary as V
from ...syntax import callee_name, dotted, function_label, site_text
from .. import _edits as E
from ..base import Rule


@dataclass(frozen=True)
class SecedeRejoin:
    """Where the fix puts ``secede()`` and ``rejoin()``, and how it spells them."""

    #: the local name of ``secede``
    secede: str
    #: the local name of ``rejoin``, or None when the last wait ends the task (no rejoin)
    rejoin: str | None
    #: None: the target is the one statement that waits; else the indexes of the first and
    #: last libcst lines of the target's body that hold the waits
    span: tuple[int, int] | None


class BlockingWaitInTask(Rule):
    """Waiting on futures inside a task without seceding.

    ## What it does
    Finds calls that block on other tasks from inside a task: `client.gather(...)`,
    `future.result()`, `distributed.wait(...)` and iterating `as_completed(...)`, where the
    client was obtained in the task through `get_client()`, `default_client()`,
    `Client.current()` or `Client(address)` (or the future came from such a client), and the
    call is neither inside `with worker_client():` nor after a `secede()` with no `rejoin()`
    in between. `f.result()` of the loop variable of `for f in as_completed(...)` is not a
    wait (the future is finished; the iteration is the wait, reported once).

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
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Secede before the first wait and rejoin after the last"

    _NAMES = frozenset({"gather", "result", "wait", "as_completed"})
    call_names = _NAMES

    def __init__(self, model, options):
        super().__init__(model, options)
        #: task function -> its wait calls and their messages, in the order seen
        self._waits: dict[ast.AST, list[tuple[ast.Call, str]]] = {}

    def check(self, node: ast.Call) -> Iterator[Finding]:
        self._collect(node)
        return iter(())  # reported by finish()

    def _collect(self, node: ast.Call) -> None:
        m = self.model
        if callee_name(node) not in self._NAMES:
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
            if func.attr == "result" and self._completed(func.value):
                return  # `for f in as_completed(fs): f.result()`: f is done, no wait
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
        message = (
            f"{label} in task {function_label(fn)} blocks a worker thread: it can deadlock the "
            f"cluster (task {site_text(sites, m.cite)}); use `with worker_client() as client:`")
        self._waits.setdefault(fn, []).append((node, message))

    def _completed(self, future: ast.AST) -> bool:
        """``future`` is the target of an enclosing ``for`` over ``as_completed(...)``: it is
        finished when the loop body runs, so its ``.result()`` returns at once (the wait is
        the iteration, reported on its own)."""
        m = self.model
        if type(future) is not ast.Name:
            return False
        for loop in m.enclosing_loops(future, comprehensions=False):
            if type(loop) in (ast.For, ast.AsyncFor) and type(loop.target) is ast.Name and \
                    loop.target.id == future.id and type(loop.iter) is ast.Call and \
                    m.qualname(loop.iter.func) in V.AS_COMPLETED_FUNCTIONS:
                return True
        return False

    def finish(self) -> Iterator[Finding]:
        """The findings, with one fix per task function: every wait of a function is
        covered by the same ``secede()``/``rejoin()`` pair, so the fix is decided once all
        of them are known."""
        for fn, waits in self._waits.items():
            facts = self._fix_facts(fn, [node for node, _ in waits])
            for node, message in waits:
                if facts is None:
                    yield self.report(node, message)
                else:
                    data, target, imports = facts
                    yield self.report(node, message, fix=Safety.UNSAFE, data=data,
                                      target=target, imports=imports)
        self._waits = {}

    # ------------------------------------------------------------------ the fix
    def _fix_facts(self, fn, waits: list[ast.Call]
                   ) -> tuple[SecedeRejoin, ast.stmt, list] | None:
        """Where ``secede()`` and ``rejoin()`` go: before the first statement that waits
        and after the last one, in the innermost block that holds them all (the fix's data,
        target and imports). None when the fix is not certainly right (see the Fix safety
        section)."""
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
                all(m.field_of(p[depth + 1]) == "body" for p in paths) and \
                all(m.parent(p[depth + 1]) is paths[0][depth] for p in paths):
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
        imports = imports + (more if tail else [])
        if first == last:
            return SecedeRejoin(secede, tail, None), block[first], imports
        lines = _line_groups(block)
        neighbours = ((first, first - 1), (first, first + 1), (last, last - 1), (last, last + 1))
        if any(0 <= j < len(block) and lines[i] == lines[j] for i, j in neighbours):
            return None  # ``a; b``: the statements are not lines of their own
        return SecedeRejoin(secede, tail, (lines[first], lines[last])), owner, imports

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

        if data.span is None:
            if isinstance(node, cst.BaseSmallStatement):
                items = [cst.Expr(cst.Call(func=cst.Name(data.secede))), node]
                if data.rejoin:
                    items.append(cst.Expr(cst.Call(func=cst.Name(data.rejoin))))
                return cst.FlattenSentinel(items)
            # A compound statement: the comments above it stay above the new first line.
            items = [line(data.secede).with_changes(leading_lines=node.leading_lines),
                     node.with_changes(leading_lines=[])]
            if data.rejoin:
                items.append(line(data.rejoin))
            return cst.FlattenSentinel(items)
        first, last = data.span
        body = node.body
        if not isinstance(body, cst.IndentedBlock) or len(body.body) <= last:
            raise ValueError("DSK101: the block of the waits moved")
        stmts = list(body.body)
        if data.rejoin:
            stmts.insert(last + 1, line(data.rejoin))
        stmts[first:first + 1] = [
            line(data.secede).with_changes(leading_lines=stmts[first].leading_lines),
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
