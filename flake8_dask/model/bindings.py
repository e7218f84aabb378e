"""What names refer to: scope lookup, the bindings that reach a use, qualified names (through
imports and aliases), the def or class an expression stands for, the index of names.

A mixin of :class:`~.semantic.SemanticModel`. ``qualname()`` is a hot query: it inlines the
common case of the depth guard (:class:`~.guard.DepthGuard`).
"""

from __future__ import annotations

import ast
import bisect

from . import vocabulary as V
from .guard import MAX_DEPTH, MISSING, TooDeep
from .scopes import FUNCTION_NODES, Binding, Scope


class Bindings:
    """The name queries of :class:`~.semantic.SemanticModel` (a mixin)."""

    module_scope: Scope
    #: Names whose qualified name may end in another name (an import alias, ``f = g``).
    alias_names: frozenset[str]
    _qualnames: dict[int, object]
    #: id(bindings) -> the bindings sorted by position (:meth:`_ordered`).
    _orders: dict[int, tuple]
    _generators: set[int] | None
    _names: dict[str, list[ast.Name]] | None

    # ------------------------------------------------------------------ lookup
    def lookup(self, name: str, scope: Scope) -> tuple[Scope | None, list[Binding]]:
        """The scope that binds ``name`` as seen from ``scope``, and its bindings there."""
        if name in scope.global_names:
            return self.module_scope, self.module_scope.bindings.get(name, [])
        current: Scope | None = scope
        first = True
        while current is not None:
            if current.kind == "class" and not first:
                current = current.parent
                continue
            if name not in current.nonlocal_names:
                bindings = current.bindings.get(name)
                if bindings:
                    return current, bindings
            first = False
            current = current.parent
        return None, []

    def reaching_bindings(self, node: ast.Name) -> list[Binding]:
        """Bindings of a loaded name that may reach this use.

        Within the scope of the use (comprehensions are transparent): the latest binding
        before the use that dominates it (approximated by block nesting), the bindings between
        them, and, inside a loop, the bindings later in that loop. From an enclosing scope:
        every binding there, since a nested function may run at any time.
        """
        use_scope = self._scope_map[node]
        scope, bindings = self.lookup(node.id, use_scope)
        if not bindings:
            return []
        inner = use_scope
        while inner is not scope and inner.kind == "comprehension":
            inner = inner.parent
        if inner is not scope or len(bindings) == 1:
            return bindings
        pos = (node.lineno, node.col_offset)
        ordered, positions, params = self._ordered(bindings)
        split = bisect.bisect_right(positions, pos)  # ordered[:split] are at or before pos
        result: list[Binding] = []
        use_blocks = None
        dominated = False
        for i in range(split - 1, -1, -1):
            b = ordered[i]
            if b.kind == "param":
                continue
            result.append(b)
            if use_blocks is None:
                use_blocks = self._blocks(node)
            if self._container(b.node) in use_blocks:
                dominated = True
                break
        if not dominated:
            result.extend(params)
        if split < len(ordered):  # bindings later than the use
            loops = self.enclosing_loops(node, comprehensions=False)
            if loops:
                outer = loops[-1]
                start = bisect.bisect_left(positions, (outer.lineno, outer.col_offset))
                end = bisect.bisect_right(positions, (outer.end_lineno, outer.end_col_offset))
                result.extend(ordered[max(start, split):end])
        return result or bindings

    def _ordered(self, bindings: list[Binding]):
        """``bindings`` sorted by position, their positions, and the parameters among them
        (memoised: a name rebound thousands of times must not cost a sort per use)."""
        entry = self._orders.get(id(bindings))
        if entry is None or entry[0] is not bindings:
            ordered = sorted(bindings, key=lambda b: b.pos)
            entry = (bindings, ordered, [b.pos for b in ordered],
                     [b for b in ordered if b.kind == "param"])
            self._orders[id(bindings)] = entry
        return entry[1:]

    def _container(self, node: ast.AST):
        """The statement list holding the statement of ``node`` (``with`` bodies merged)."""
        stmt = self.statement_of(node)
        while stmt is not None:
            parent = self._parents.get(stmt)
            field_name = self.field_of(stmt, parent)
            if type(parent) in (ast.With, ast.AsyncWith) and field_name == "body":
                stmt = parent
                continue
            return (id(parent), field_name)
        return None

    def _blocks(self, node: ast.AST) -> set:
        blocks = set()
        stmt = self.statement_of(node)
        while stmt is not None and not isinstance(stmt, (ast.Module,)):
            blocks.add(self._container(stmt))
            parent = self._parents.get(stmt)
            if isinstance(parent, (*FUNCTION_NODES, ast.ClassDef)) or parent is None:
                break
            stmt = self.statement_of(parent)
        return blocks

    # ------------------------------------------------------------------ qualified names
    def qualname(self, node: ast.AST) -> str | None:
        """The canonical qualified name an expression refers to (imports only)."""
        key = id(node)
        cached = self._qualnames.get(key, MISSING)
        if cached is not MISSING:
            return cached
        depth = self._depth
        if 0 < depth < MAX_DEPTH:  # nested: the common case, inlined from _guarded
            self._depth = depth + 1
            try:
                return self._compute_qualname(node)
            finally:
                self._depth = depth
        return self._guarded(self.qualname, self._qualnames, self._compute_qualname, node, None)

    def _compute_qualname(self, node: ast.AST) -> str | None:
        key = id(node)
        self._qualnames[key] = None  # guards recursion through aliases
        try:
            result = self._qualname(node)
        except TooDeep:
            del self._qualnames[key]
            raise
        if result is not None:
            result = V.canonical(result)
        self._qualnames[key] = result
        return result

    def _qualname(self, node: ast.AST) -> str | None:
        t = type(node)
        if t is ast.Attribute:
            base = self.qualname(node.value)
            return f"{base}.{node.attr}" if base else None
        if t is not ast.Name:
            return None
        scope, bindings = self.lookup(node.id, self._scope_map[node])
        if scope is None:
            if self.module_scope.has_star_import:
                return None
            return f"builtins.{node.id}"
        found = None
        for b in bindings:
            if b.kind == "import":
                q = b.qualname
            elif b.kind == "assign" and b.index is None and b.value is not None:
                if type(b.value) is ast.Constant and b.value.value is None:
                    continue  # ``Client = None`` in an ImportError fallback
                q = self.qualname(b.value) if type(b.value) in (ast.Name, ast.Attribute) \
                    else None
            else:
                q = None
            if q is None:
                return None
            q = V.canonical(q)
            if found is not None and q != found:
                return None
            found = q
        return found

    def is_call_to(self, node: ast.AST, names) -> bool:
        return type(node) is ast.Call and self.qualname(node.func) in names

    def callee_names(self, call: ast.Call) -> tuple[str | None, ...]:
        """The names a call can be dispatched by (see ``Rule.call_names``): the callee's last
        name as written, and, for a called name bound by an alias, the last name of the
        qualified name it resolves to."""
        func = call.func
        t = type(func)
        if t is ast.Attribute:
            return (func.attr,)
        if t is not ast.Name:
            return (None,)
        name = func.id
        if name in self.alias_names:
            q = self.qualname(func)
            if q is not None:
                last = q.rpartition(".")[2]
                if last != name:
                    return (name, last)
        return (name,)

    # ------------------------------------------------------------------ functions and classes
    def function_of(self, node: ast.AST, _depth: int = 0) -> ast.AST | None:
        """Resolve an expression used as a function to its def or lambda in this module."""
        if _depth > 8:
            return None
        t = type(node)
        if t is ast.Lambda:
            return node
        if t is ast.Call and self.qualname(node.func) in V.PARTIAL_FUNCTIONS and node.args:
            return self.function_of(node.args[0], _depth + 1)
        if t is ast.Name:
            scope, bindings = self.lookup(node.id, self._scope_map[node])
            if len(bindings) != 1:
                defs = [b for b in bindings if b.kind == "def"]
                if len(defs) == 1 and len(bindings) == 1:
                    return defs[0].node
                return None
            b = bindings[0]
            if b.kind == "def":
                return b.node
            if b.kind == "assign" and b.index is None and b.value is not None:
                return self.function_of(b.value, _depth + 1)
            return None
        if t is ast.Attribute:
            return self.method_of(node)
        return None

    def class_of_instance(self, node: ast.AST) -> Scope | None:
        """The class scope when ``node`` is ``self`` in a method or an instance of a local class."""
        if type(node) is not ast.Name:
            return None
        scope = self._scope_map[node]
        while scope is not None and scope.kind in ("lambda", "comprehension"):
            scope = scope.parent
        if scope is not None and scope.self_name == node.id:
            bound_scope, _ = self.lookup(node.id, self._scope_map[node])
            if bound_scope is scope:
                return scope.class_scope
        bindings = self.reaching_bindings(node)
        if len(bindings) == 1 and bindings[0].kind == "assign" and bindings[0].index is None:
            value = bindings[0].value
            if type(value) is ast.Call and type(value.func) is ast.Name:
                cls_bindings = self.lookup(value.func.id, self._scope_map[value.func])[1]
                if len(cls_bindings) == 1 and cls_bindings[0].kind == "class":
                    return self._class_scopes().get(cls_bindings[0].node)
        return None

    def _class_scopes(self) -> dict:
        cache = getattr(self, "_class_scope_cache", None)
        if cache is None:
            cache = {s.node: s for s in self._builder.scopes if s.kind == "class"}
            self._class_scope_cache = cache
        return cache

    def inner_scope(self, node: ast.AST) -> Scope | None:
        """The scope a def, lambda, class or comprehension opens (its parameters, its
        ``global``/``nonlocal`` declarations, a method's ``self_name``)."""
        cache = getattr(self, "_inner_scope_cache", None)
        if cache is None:
            cache = {id(s.node): s for s in self._builder.scopes}
            self._inner_scope_cache = cache
        return cache.get(id(node))

    def method_of(self, node: ast.Attribute) -> ast.AST | None:
        cls = self.class_of_instance(node.value)
        if cls is None:
            return None
        defs = [b for b in cls.bindings.get(node.attr, []) if b.kind == "def"]
        return defs[0].node if len(defs) == 1 else None

    def is_generator_function(self, fn: ast.AST) -> bool:
        """A def whose body yields (a yield belongs to the scope of its function)."""
        if self._generators is None:
            nodes = self.nodes
            self._generators = {id(self._scope_map[y].node) for t in (ast.Yield, ast.YieldFrom)
                                for y in nodes.get(t, ())}
        return type(fn) is not ast.Lambda and id(fn) in self._generators

    # ------------------------------------------------------------------ the names of the module
    def names(self, name: str) -> list[ast.Name]:
        """Every ``Name`` node spelled ``name`` in the module, whatever its context, in no
        particular order (indexed by one walk, on the first question: only fixes ask)."""
        if self._names is None:
            index: dict[str, list[ast.Name]] = {}
            for n in ast.walk(self.tree):
                if type(n) is ast.Name:
                    index.setdefault(n.id, []).append(n)
            self._names = index
        return self._names.get(name, [])

    def is_unused_name(self, name: str) -> bool:
        """No scope binds ``name`` (a parameter, def, class, import, except or match name)
        and no expression mentions it: a name a fix can introduce anywhere in the module."""
        return not self.names(name) and \
            not any(scope.bindings.get(name) for scope in self._builder.scopes)
