"""DSK602 unclosed-local-cluster: a local cluster started repeatedly and never closed."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety, StatementRun
from ...model import COLLECTIONS, K
from ...model import vocabulary as V
from ...syntax import has_double_star
from .. import _edits as E
from ..base import Rule
from ._clusters import CLUSTER_NAMES, starts_local_cluster

#: Builtins that look at an object without keeping it.
_HARMLESS_BUILTINS = frozenset({"builtins.print", "builtins.repr", "builtins.str",
                                "builtins.isinstance", "builtins.type", "builtins.id",
                                "builtins.hasattr", "builtins.getattr", "builtins.bool",
                                "builtins.format", "builtins.len"})
#: The blocks DSK602's fix can end with a ``with`` (their ``body``).
_WITH_BLOCKS = (ast.FunctionDef, ast.For, ast.While, ast.If, ast.With, ast.Try,
                ast.ExceptHandler)
#: What may keep a cluster alive (or need it) after the block: a Client, a Future, a Dask
#: collection (maybe persisted on it), a container of those.
_HOLDS_A_CLUSTER = COLLECTIONS | {K.CLIENT, K.CLUSTER, K.FUTURE, K.FUTURE_LIST, K.CONTAINER,
                                  K.GROUPBY}
#: Methods that store their argument in their receiver.
_STORING_METHODS = frozenset({"append", "extend", "insert", "add", "update", "put",
                              "put_nowait", "setdefault", "appendleft", "extendleft"})
#: Calls that return the Client in use, which may be the one the block would close.
_CURRENT_CLIENT_GETTERS = frozenset(q for q, label in V.CLIENT_FACTORIES.items()
                                    if q not in V.CLIENT_CONSTRUCTORS)


@dataclass(frozen=True)
class WithNames:
    """The names the ``with`` binds: the cluster's, and the Client's joining it (or None)."""
    name: str
    client: str | None = None


class UnclosedLocalCluster(Rule):
    """A `LocalCluster` or an address-less `Client()` started in a loop or a function and
    never closed.

    ## What it does
    Finds `LocalCluster(...)` and `Client()` without an address (which starts a cluster of
    its own) created inside a loop, or inside a function that this module calls repeatedly
    (from a loop or a comprehension, or from two or more places; a function called once, or
    named `main`, may keep its cluster for the life of the process), when the object is not used as a context manager (`with`,
    `ExitStack.enter_context`, `contextlib.closing`), has no `.close()` (or `.shutdown()`)
    anywhere in that scope, and does not leave the scope (returned, yielded, stored on an
    attribute, in a container or a global, or passed to another function). A cluster handed to
    `Client(cluster)` counts as closed only when that client is shut down with
    `client.shutdown()` or the cluster itself is closed.

    ## Why is this bad?
    Each cluster keeps its scheduler, worker processes, ports and file descriptors until it is
    closed. Users hit `OSError: Too many open files` after a few dozen iterations
    (dask/distributed#1941), memory leaks, and "Port 8787 is already in use". Verified with
    distributed 2026.8: `client.close()` and leaving `with Client(cluster):` leave a
    `LocalCluster` passed to the client running; only `cluster.close()` or
    `client.shutdown()` stop it.

    ## Example
    ```python
    def run_experiment(params):
        cluster = LocalCluster(n_workers=4)
        client = Client(cluster)
        return client.gather(client.map(simulate, params))

    results = [run_experiment(p) for p in grid]  # a new cluster each time, none closed
    ```

    ## Use instead
    ```python
    def run_experiment(params):
        with LocalCluster(n_workers=4) as cluster, Client(cluster) as client:
            return client.gather(client.map(simulate, params))

    results = [run_experiment(p) for p in grid]
    ```

    ## Fix safety
    Unsafe: `cluster = LocalCluster(...)` and the statements after it in its block become
    `with LocalCluster(...) as cluster:` around them (`client = Client(...)` becomes
    `with Client(...) as client:`), and a `client = Client(cluster)` right after it, never
    closed, joins the same statement: `with LocalCluster(...) as cluster, Client(cluster) as
    client:`. The cluster now stops at the end of the block (each iteration, each call),
    which is the point, but anything still attached to it stops working then, and
    scheduler and worker logs may report the shutdown. So there is a fix only when that is
    certainly the end of its use: a plain assignment to a name, alone on its line, in the
    body of a function (not async, not a generator), a loop, an `if`, a `with`, a `try` or
    an `except`; the name assigned nowhere else, read after it in the block and nowhere
    else (not in a lambda or a nested function either); nothing made in the block that
    could hold on to the cluster (a Client, a Future, a Dask collection that may be
    persisted on it, a container of those) returned, yielded, assigned to a name read
    after the block, stored in an attribute or an item, or appended to an outer list; and
    no `get_client()` / `default_client()` anywhere in the module, which could be handed
    the closed client. No fix for `Client(LocalCluster())`, a bare `Client()` statement,
    `await LocalCluster(asynchronous=True)`, or an annotated assignment.

    ## Options
    None.

    ## References
    - https://github.com/dask/distributed/issues/1941
    - https://github.com/devitocodes/devito/issues/556
    - https://github.com/fgebhart/workoutizer/pull/154
    - https://github.com/dask/distributed/issues/4162
    - Not flagged: clusters used as context managers, closed in `finally` (or anywhere in the
      scope), stored on `self` (closed in `close()`/`__exit__`, presumably), returned or
      yielded (pytest fixtures), `Client("tcp://...")`, and clusters created once at module
      level (see DSK601).
    - Known limitation: a cluster passed to any function other than `Client(...)` is assumed
      to be owned, and maybe closed, by that function.
    """

    code = "DSK602"
    name = "unclosed-local-cluster"
    node_types = (ast.Call,)
    call_names = CLUSTER_NAMES
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Open it in a `with` block"

    def __init__(self, model, options):
        super().__init__(model, options)
        self._run_once: set[int] | None = None

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        what = starts_local_cluster(m, node)
        if what is None:
            return
        fn = m.enclosing_function(node)
        if type(fn) is ast.Lambda:
            return
        loops = m.enclosing_loops(node)
        if loops:
            where, each = f"in the loop at {self.model.cite(loops[0].lineno)}", "iteration"
        elif fn is not None and self._called_repeatedly(fn):
            where, each = f"in '{fn.name}', called repeatedly,", "call"
        else:
            return
        fate = self._fate(node)
        if fate not in ("leaked", "leaked via client"):
            return
        extra = " (closing its Client does not close it)" if fate == "leaked via client" else ""
        facts = self._with_facts(node, fn)
        data, run = facts if facts is not None else (None, None)
        yield self.report(
            node,
            f"{what} {where} is never closed: every {each} leaks a scheduler and "
            f"workers{extra}; close it, or create one outside",
            fix=Safety.UNSAFE if facts is not None else None, data=data, target=run)

    # ------------------------------------------------------------------ fix
    def _with_facts(self, call: ast.Call, fn) -> tuple[WithNames, StatementRun] | None:
        """How to turn ``name = <call>`` and the statements after it in its block into
        ``with <call> as name:`` around them, when that certainly closes the cluster only
        once nothing uses it any more. None: no fix.

        The statement must be a plain assignment to a name, alone on its lines, in the body
        of a (non-async, non-generator) function, a loop, an ``if``, a ``with``, a ``try`` or
        an ``except``; the name bound nowhere else, read only in the rest of the block (and
        at least once); and nothing made in that rest that may hold on to the cluster (a
        Client, Future, Dask collection, or a container of them) may leave it: returned,
        yielded, stored in a name read after the block, in an attribute, in an item, or
        appended to an outer list; and no code of the module asks for the Client in use
        (``get_client()``, which may be handed this one). A ``Client(name)`` assigned right
        after joins the same ``with`` when it is not closed nor kept either."""
        m = self.model
        stmt = m.parent(call)
        if type(stmt) is not ast.Assign or len(stmt.targets) != 1 or \
                type(stmt.targets[0]) is not ast.Name or stmt.value is not call or \
                getattr(stmt, "type_comment", None):
            return None
        if any(kw.arg == "asynchronous" for kw in call.keywords):
            return None
        if fn is not None and (type(fn) is not ast.FunctionDef or m.is_generator_function(fn)):
            return None
        parent = m.parent(stmt)
        field = m.field_of(stmt, parent)
        if field != "body" or type(parent) not in _WITH_BLOCKS:
            return None
        block = parent.body
        i = next((k for k, s in enumerate(block) if s is stmt), None)
        if i is None or i + 1 == len(block) or block[0].lineno <= parent.lineno:
            return None  # nothing after it, or ``for x in y: c = Client(); ...`` on one line
        if stmt.col_offset != block[0].col_offset or \
                (i and block[i - 1].end_lineno >= stmt.lineno) or \
                block[i + 1].lineno <= stmt.end_lineno:
            return None  # shares a line with another statement (``;``)
        rest = block[i + 1:]
        scope = m.scope_of(stmt)
        name = stmt.targets[0].id
        if not self._only_binding(name, stmt.targets[0], scope):
            return None
        span = ((rest[0].lineno, rest[0].col_offset),
                (rest[-1].end_lineno, rest[-1].end_col_offset))
        reads_outside = self._reads_outside(scope, span)
        if name in reads_outside or not self._read_in(name, scope, rest):
            return None
        if any(m.qualname(c.func) in _CURRENT_CLIENT_GETTERS for c in m.calls):
            return None  # code that asks for the Client in use may be handed this one
        client = self._joining_client(name, rest, scope, reads_outside)
        if not self._nothing_escapes(rest, scope, reads_outside):
            return None
        return WithNames(name, client), StatementRun(stmt, block[-1], block)

    def _only_binding(self, name: str, target: ast.Name, scope) -> bool:
        m = self.model
        if name in scope.global_names or name in scope.nonlocal_names:
            return False
        found, bindings = m.lookup(name, scope)
        return found is scope and len(bindings) == 1 and bindings[0].node is target

    def _reads_outside(self, scope, span) -> set[str]:
        """The names of ``scope`` read outside the source span ``span`` (nested functions
        included)."""
        m = self.model
        out = set()
        start, end = span
        for use in m.loaded_names(scope.node):
            pos = (use.lineno, use.col_offset)
            if start <= pos <= end:
                continue
            if m.lookup(use.id, m.scope_of(use))[0] is scope:
                out.add(use.id)
        out.update(scope.global_names, scope.nonlocal_names)
        return out

    def _read_in(self, name: str, scope, statements) -> bool:
        """``name`` is read in ``statements``, and never from a nested function or lambda
        (which could outlive the block)."""
        m = self.model
        found = False
        for stmt in statements:
            for use in m.loaded_names(stmt):
                if use.id != name:
                    continue
                inner = m.scope_of(use)
                while inner is not scope and inner.kind == "comprehension":
                    inner = inner.parent
                if inner is not scope:
                    return False
                found = True
        return found

    def _joining_client(self, cluster: str, rest, scope, reads_outside) -> str | None:
        """``client`` for ``client = Client(cluster)`` first in ``rest``, never closed nor
        kept, read after: it can join the ``with`` (``with LocalCluster() as cluster,
        Client(cluster) as client:``), which closes it before the cluster."""
        stmt = rest[0]
        if type(stmt) is not ast.Assign or len(stmt.targets) != 1 or \
                type(stmt.targets[0]) is not ast.Name or type(stmt.value) is not ast.Call or \
                len(rest) < 2 or rest[1].lineno <= stmt.end_lineno:
            return None
        call = stmt.value
        if self.model.qualname(call.func) not in V.CLIENT_CONSTRUCTORS or \
                len(call.args) != 1 or type(call.args[0]) is not ast.Name or \
                call.args[0].id != cluster or has_double_star(call):
            return None
        name = stmt.targets[0].id
        if name == cluster or name in reads_outside or \
                not self._only_binding(name, stmt.targets[0], scope) or \
                not self._read_in(name, scope, rest[1:]):
            return None
        if self._fate(call) != "leaked":
            return None  # closed (or shut down) by the code, or kept
        return name

    def _nothing_escapes(self, statements, scope, reads_outside) -> bool:
        """Nothing that may hold on to a cluster leaves ``statements``."""
        m = self.model

        def holds(expr) -> bool:
            if expr is None:
                return False
            return m.kind(expr) in _HOLDS_A_CLUSTER

        for stmt in statements:
            for n in ast.walk(stmt):
                t = type(n)
                if t in (ast.Yield, ast.YieldFrom, ast.Await):
                    return False
                if t is ast.Return and holds(n.value):
                    return False
                if t in (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr):
                    targets = n.targets if t is ast.Assign else [n.target]
                    for target in targets:
                        if type(target) is ast.Name:
                            if target.id in reads_outside and holds(n.value):
                                return False
                        elif type(target) in (ast.Attribute, ast.Subscript):
                            if holds(n.value):
                                return False
                        elif any(type(e) is ast.Name and e.id in reads_outside
                                 for e in ast.walk(target)):
                            return False  # unpacked: the kinds of the parts are unknown
                elif t in (ast.For, ast.AsyncFor, ast.comprehension) and any(
                        type(e) is ast.Name and e.id in reads_outside
                        for e in ast.walk(n.target)):
                    return False
                elif t is ast.withitem and n.optional_vars is not None and any(
                        type(e) is ast.Name and e.id in reads_outside
                        for e in ast.walk(n.optional_vars)):
                    return False
                elif t is ast.Call:
                    func = n.func
                    if type(func) is ast.Attribute and func.attr in _STORING_METHODS and (
                            any(holds(a.value if type(a) is ast.Starred else a)
                                for a in n.args) or any(holds(kw.value) for kw in n.keywords)):
                        return False
        return True

    def fix(self, node, finding):
        import libcst as cst

        data = finding.fix.data
        first, *rest = node
        items = [cst.WithItem(item=first.body[0].value,
                              asname=cst.AsName(name=cst.Name(data.name)))]
        header = first.trailing_whitespace
        client = data.client
        if client is not None and not _has_comments(rest[0]) and \
                not rest[0].trailing_whitespace.comment:
            items[0] = items[0].with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            items.append(cst.WithItem(item=rest[0].body[0].value,
                                      asname=cst.AsName(name=cst.Name(client))))
            rest = rest[1:]
        block = cst.With(items=items, leading_lines=first.leading_lines,
                         body=cst.IndentedBlock(body=E.indented_deeper(rest), header=header,
                                                indent=getattr(node, "indent", None)))
        return [block]

    # ------------------------------------------------------------------ where
    def _called_repeatedly(self, fn) -> bool:
        """Called from a loop or a comprehension, or from two or more places, in this module.

        A function that runs once (a script's ``run()``, a ``main``) may keep its cluster for
        the life of the process; precision first, so unknown callers mean silent."""
        if fn.name.startswith("main") or fn.name.endswith("_main"):
            return False
        if self._run_once is None:
            m = self.model
            sites: dict[int, int] = {}
            repeated: set[int] = set()
            for c in m.calls:
                if type(c.func) not in (ast.Name, ast.Attribute):
                    continue
                target = m.function_of(c.func)
                if target is None:
                    continue
                sites[id(target)] = sites.get(id(target), 0) + 1
                if sites[id(target)] > 1 or m.enclosing_loops(c):
                    repeated.add(id(target))
            self._run_once = repeated
        return id(fn) in self._run_once

    # ------------------------------------------------------------------ what becomes of it
    def _fate(self, call: ast.AST, via_client: bool = False) -> str:
        """``leaked`` / ``leaked via client`` / ``closed`` / ``escapes`` / ``unknown``.

        ``via_client``: ``call`` is a ``Client(cluster)`` whose cluster we follow; closing
        or exiting that client does not close the cluster, ``client.shutdown()`` does.
        """
        node, parent = call, self.model.parent(call)
        while type(parent) is ast.Await:
            node, parent = parent, self.model.parent(parent)
        t = type(parent)
        leaked = "leaked via client" if via_client else "leaked"
        if t is ast.withitem:
            return leaked if via_client else "closed"
        if t is ast.Expr:
            return leaked
        if t is ast.Attribute and parent.value is node:  # ``Client().submit(...)``: dropped
            closing = ("shutdown",) if via_client else V.CLOSING_METHODS
            return "closed" if parent.attr in closing else leaked
        if t is ast.keyword:
            node, parent = parent, self.model.parent(parent)
            t = type(parent)
        if t is ast.Call:
            if node is parent.func:
                return "unknown"
            return self._passed_to(parent, via_client)
        target = None
        if t is ast.Assign and len(parent.targets) == 1 and type(parent.targets[0]) is ast.Name:
            target = parent.targets[0]
        elif t in (ast.AnnAssign, ast.NamedExpr) and type(parent.target) is ast.Name:
            target = parent.target
        if target is None:
            return "escapes"  # stored on an attribute, in a container, returned, yielded...
        return self._name_fate(target, via_client)

    def _passed_to(self, call: ast.Call, via_client: bool) -> str:
        m = self.model
        q = m.qualname(call.func)
        if q in V.CLIENT_CONSTRUCTORS and not via_client:
            return self._fate(call, via_client=True)
        if q in V.LIFETIME_MANAGERS or (type(call.func) is ast.Attribute and
                                        call.func.attr in V.LIFETIME_MANAGER_METHODS):
            return "leaked via client" if via_client else "closed"
        if q in _HARMLESS_BUILTINS:
            return "unknown"
        return "escapes"

    def _name_fate(self, target: ast.Name, via_client: bool) -> str:
        m = self.model
        scope, _ = m.lookup(target.id, m.scope_of(target))
        if scope is None:
            return "unknown"
        if target.id in scope.global_names or target.id in scope.nonlocal_names:
            return "escapes"
        closing = ("shutdown",) if via_client else V.CLOSING_METHODS
        result = "leaked via client" if via_client else "leaked"
        for use in m.loaded_names(scope.node):
            if use.id != target.id or m.lookup(use.id, m.scope_of(use))[0] is not scope:
                continue
            parent = m.parent(use)
            t = type(parent)
            if t is ast.Attribute:
                if parent.attr in closing:
                    return "closed"
                continue
            if t is ast.withitem:
                if not via_client:
                    return "closed"
                continue
            if t is ast.keyword:
                parent = m.parent(parent)
                t = type(parent)
            if t is ast.Call:
                if use is parent.func:
                    continue
                fate = self._passed_to(parent, via_client)
                if fate in ("closed", "escapes"):
                    return fate
                if fate == "leaked via client" and not via_client:
                    result = fate
                continue
            if t in (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.If, ast.While, ast.IfExp,
                     ast.Assert, ast.Subscript, ast.Expr, ast.FormattedValue,
                     ast.JoinedStr, ast.Delete):
                continue
            return "escapes"  # returned, yielded, aliased, put in a container...
        return result


def _has_comments(line) -> bool:
    """A libcst statement line with a comment line above it."""
    return any(e.comment is not None for e in line.leading_lines)
