"""DSK704 sequential-future-results: ``.result()`` on each Future in turn instead of gather."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import FUNCTION_NODES, K
from ...model import vocabulary as V
from ...syntax import code, dotted, short
from .. import _edits as E
from ..base import Rule


@dataclass(frozen=True)
class GatherClient:
    """The client that made the futures, spelled as at the comprehension."""
    client: str


class SequentialFutureResults(Rule):
    """`[f.result() for f in futures]`: fetching results one at a time.

    ## What it does
    Finds list comprehensions and generator expressions that call `.result()` on each
    element of a list of Futures, and `for` loops that call `.result()` on their loop
    variable, when the iterable is not `as_completed(...)`.

    ## Why is this bad?
    Each `.result()` waits for its own future and transfers its data before the next one is
    asked for. `client.gather(futures)` fetches all results concurrently, which the Dask
    docs say can be faster, and reports errors the same way.

    ## Example
    ```python
    futures = client.map(process, items)
    results = [f.result() for f in futures]
    ```

    ## Use instead
    ```python
    futures = client.map(process, items)
    results = client.gather(futures)
    ```

    ## Fix safety
    Safe, and offered only for the exact shape `[f.result() for f in futures]` where
    `futures` is a list (a list literal or comprehension, a `client.map(...)` result, or a
    name bound to one) and the client that made the futures is a name that still refers to
    it: `client.gather(futures)` returns the same list and raises the same errors. No fix
    for loops, generator expressions, or when the client cannot be named.

    ## Options
    `dask-client-names`: receivers taken as a Client by name when nothing else is known.

    ## References
    - https://docs.dask.org/en/stable/futures.html#move-data
    - Not flagged: `for f in as_completed(futures): f.result()` (streaming is intended), a
      single `.result()`, and `concurrent.futures` futures.
    """

    code = "DSK704"
    name = "sequential-future-results"
    node_types = (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.For, ast.AsyncFor)
    fixes = frozenset({Safety.SAFE})
    fix_title = "Gather all the results at once with `client.gather()`"

    def check(self, node) -> Iterator[Finding]:
        if type(node) in (ast.For, ast.AsyncFor):
            yield from self._loop(node)
            return
        if len(node.generators) != 1:
            return
        gen = node.generators[0]
        if type(gen.target) is not ast.Name or gen.is_async:
            return
        if not self._futures(gen.iter):
            return
        call = self._result_call(node.elt, gen.target.id)
        if call is None:
            return
        client = self._client_text(gen.iter, node) if (
            type(node) is ast.ListComp and call is node.elt and not call.args and
            not call.keywords and not gen.ifs and self._is_list(gen.iter)) else None
        iterable, whole = short(gen.iter, 30), code(gen.iter, 30)
        yield self.report(
            node,
            f".result() on each Future of '{iterable}' fetches the results one at a time; "
            "gather them at once"
            + (f": `{client}.gather({whole})`" if client and whole else " (client.gather())"),
            fix=Safety.SAFE if client is not None else None,
            data=GatherClient(client) if client is not None else None)

    def _loop(self, loop) -> Iterator[Finding]:
        if type(loop.target) is not ast.Name or not self._futures(loop.iter):
            return
        name = loop.target.id
        for stmt in loop.body:
            for n in ast.walk(stmt):
                if isinstance(n, FUNCTION_NODES):
                    break
                if type(n) is ast.Call and self._is_result_of(n, name):
                    yield self.report(
                        n,
                        f"{name}.result() in the loop over '{short(loop.iter, 30)}' fetches the "
                        "results one at a time; gather them first with client.gather(), or "
                        "iterate as_completed()")
                    return

    def _futures(self, expr) -> bool:
        m = self.model
        v = m.value(expr)
        if v is None or v.kind != K.CONTAINER or v.element is None or \
                v.element.kind != K.FUTURE:
            return False
        if type(v.node) is ast.Call and m.qualname(v.node.func) in V.AS_COMPLETED_FUNCTIONS:
            return False
        return True

    @staticmethod
    def _is_result_of(call, name: str) -> bool:
        func = call.func
        return type(func) is ast.Attribute and func.attr == "result" and \
            type(func.value) is ast.Name and func.value.id == name

    def _result_call(self, elt, name: str):
        for n in ast.walk(elt):
            if type(n) is ast.Call and self._is_result_of(n, name):
                return n
        return None

    def _is_list(self, expr, depth: int = 0) -> bool:
        m = self.model
        t = type(expr)
        if t in (ast.List, ast.ListComp):
            return True
        if t is ast.Call and type(expr.func) is ast.Attribute and expr.func.attr == "map" \
                and m.kind(expr.func.value) == K.CLIENT:
            return True
        if t is ast.Name and depth == 0:
            bindings = m.reaching_bindings(expr)
            return bool(bindings) and all(
                b.kind == "assign" and b.index is None and b.value is not None and
                self._is_list(b.value, 1) for b in bindings)
        return False

    def _client_text(self, iterable, use) -> str | None:
        """The client that made the futures, spelled so that it means the same at ``use``."""
        m = self.model
        v = m.value(iterable)
        made_by = v.element.node if v is not None and v.element is not None else None
        if type(made_by) is not ast.Call or type(made_by.func) is not ast.Attribute:
            return None
        client = made_by.func.value
        root = client
        while type(root) is ast.Attribute:
            root = root.value
        if type(root) is not ast.Name or m.kind(client) != K.CLIENT:
            return None
        made_scope, made_bindings = m.lookup(root.id, m.scope_of(root))
        use_scope, use_bindings = m.lookup(root.id, m.scope_of(use))
        if made_scope is None or made_scope is not use_scope or len(made_bindings) != 1:
            return None
        return dotted(client)

    def fix(self, node, finding):
        import libcst as cst

        if not isinstance(node, cst.ListComp):
            return node
        iterable = E.strip_parentheses(node.for_in.iter)
        gather = cst.parse_expression(f"{finding.fix.data.client}.gather")
        return cst.Call(func=gather, args=[cst.Arg(value=iterable)], lpar=node.lpar,
                        rpar=node.rpar)
