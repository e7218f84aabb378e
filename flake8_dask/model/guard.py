"""What the model's memoised queries share: the markers of their caches, and the bound on how
deep ``value()``/``qualname()`` queries nest (:meth:`DepthGuard._guarded`)."""

from __future__ import annotations

import ast

#: The cache entry of a value still being computed: read again, it is a cycle (through
#: bindings), which reads as "no information".
IN_PROGRESS = object()
#: Not in a cache (``None`` is an answer there: unknown).
MISSING = object()
#: How deep ``value()``/``qualname()`` queries may nest. A level costs up to five Python
#: frames, and a long chain (``df = df.assign(...)`` 500 times, ``a.b.c...`` 2,000 deep) would
#: otherwise exhaust the interpreter's stack: deeper chains are evaluated from their far end
#: first (see :meth:`DepthGuard._guarded`).
MAX_DEPTH = 64


class TooDeep(Exception):
    """Raised at ``MAX_DEPTH``; caught by the outermost query, never outside the model."""

    def __init__(self, query, cache: dict, node: ast.AST, cycle):
        super().__init__()
        self.query, self.cache, self.node, self.cycle = query, cache, node, cycle


class DepthGuard:
    """The slow path of the nested queries (``value`` and ``qualname`` inline the common case:
    a nested query below ``MAX_DEPTH`` only counts its depth)."""

    #: Nesting of value()/qualname() queries (0: no query running).
    _depth: int

    def _guarded(self, query, cache: dict, compute, node: ast.AST, cycle):
        """Run ``compute(node)`` for ``query`` (``value`` or ``qualname``), bounding the stack.

        A nested query beyond ``MAX_DEPTH`` raises ``TooDeep``; the outermost query then
        answers the deep node first (memoised), from a fresh stack, and retries, so a chain of
        any length costs linear time and a bounded stack. While a deep node is answered, the
        nodes waiting for it read as ``cycle`` (the in-progress marker of ``cache``), as they
        would on the stack of an unbounded recursion.
        """
        depth = self._depth
        if depth:
            if depth >= MAX_DEPTH:
                raise TooDeep(query, cache, node, cycle)
            self._depth = depth + 1
            try:
                return compute(node)
            finally:
                self._depth = depth
        pending = [(query, cache, cycle, node)]
        while True:
            query, cache, cycle, node = pending[-1]
            cache.pop(id(node), None)  # its mark while a deeper node was answered
            self._depth = 1
            try:
                result = query(node)
            except TooDeep as deep:
                cache[id(node)] = cycle
                pending.append((deep.query, deep.cache, deep.cycle, deep.node))
                continue
            finally:
                self._depth = 0
            pending.pop()
            if not pending:
                return result
