"""DSK703 map-over-iterator: ``client.map(f, <iterator>)`` raises TypeError."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding, Safety
from ...model import K
from ...model import vocabulary as V
from ...syntax import dotted, short
from .. import _edits as E
from .._dask import expects_failure
from ..base import Rule


class MapOverIterator(Rule):
    """`client.map(f, <iterator>)`: distributed refuses iterators.

    ## What it does
    Finds iterables passed to `<client>.map(f, ...)` that are iterators: a generator
    expression, `zip(...)`, `map(...)`, `filter(...)`, `iter(...)`, `enumerate(...)`,
    `reversed(...)`, any `itertools` function, a file object, a generator, or a name bound to
    one of these.

    ## Why is this bad?
    Verified with distributed 2026.8: `client.map(f, zip(a, b))` raises `TypeError: Dask no
    longer supports mapping over Iterators or Queues.Consider using a normal for loop and
    Client.submit` (and mixing an iterator with a list fails on its missing `len()`). The
    code fails at once, every time.

    ## Example
    ```python
    futures = client.map(add, zip(xs, ys))
    ```

    ## Use instead
    ```python
    futures = client.map(add, list(zip(xs, ys)))
    # or pass the iterables separately: client.map(add, xs, ys)
    ```

    ## Fix safety
    Safe: the original always raises, and wrapping the iterator in `list()` materializes it
    in the driver, which is what older versions of distributed did.

    ## Options
    `dask-client-names`: receivers taken as a Client by name when nothing else is known.

    ## References
    - https://distributed.dask.org/en/stable/api.html#distributed.Client.map
    - Not flagged: `range(...)`, lists, tuples, arrays, dict views, and `executor.map()` of
      `concurrent.futures` (which accepts iterators).
    """

    code = "DSK703"
    name = "map-over-iterator"
    node_types = (ast.Call,)
    call_names = frozenset({"map"})
    fixes = frozenset({Safety.SAFE})
    fix_title = "Materialize the iterator with `list()`"

    def check(self, call: ast.Call) -> Iterator[Finding]:
        m = self.model
        func = call.func
        if type(func) is not ast.Attribute or func.attr != "map" or len(call.args) < 2:
            return
        if m.kind(func.value) != K.CLIENT or expects_failure(m, call):
            return
        for arg in call.args[1:]:
            if type(arg) is ast.Starred:
                continue
            what = self._iterator(arg)
            if what is None:
                continue
            yield self.report(
                arg,
                f"{dotted(func) or 'client.map'}() over {what} raises TypeError: distributed "
                "no longer maps over iterators; pass a list (list(...)) or the separate "
                "iterables", fix=Safety.SAFE)

    def _iterator(self, expr, depth: int = 0) -> str | None:
        m = self.model
        t = type(expr)
        if t is ast.GeneratorExp:
            return "a generator expression"
        if t is ast.Call:
            q = m.qualname(expr.func)
            if q in V.ITERATOR_FUNCTIONS or (q or "").startswith(V.ITERATOR_MODULES):
                return f"{short(expr.func, 30)}(...) (an iterator)"
        v = m.value(expr)
        if v is not None and v.kind == K.RESOURCE and (
                v.what.startswith(("a generator", "a file handle", "a temporary file"))):
            return f"'{short(expr, 30)}' ({v.what})" if t is ast.Name else v.what
        if t is ast.Name and depth == 0:
            bindings = m.reaching_bindings(expr)
            if bindings and all(b.kind == "assign" and b.index is None and b.value is not None
                                for b in bindings):
                found = [self._iterator(b.value, depth + 1) for b in bindings]
                if all(found):
                    return f"'{expr.id}' ({found[0].removesuffix(' (an iterator)')}, an iterator)"
        return None

    def fix(self, node, finding):
        return E.call_with("list", node)
