"""The semantic model: what names refer to, what values hold, which functions run as tasks.

Built once per file from the ``ast`` tree (one walk, :mod:`.scopes`); every query after that is
lazy and memoised. Unknown is always ``None``, and rules stay silent on unknown.
"""

from __future__ import annotations

import ast
import bisect
import fnmatch
from dataclasses import dataclass, field

from ..options import Options
from . import vocabulary as V
from .arrays import OWN_LAYOUT_CALL_NAMES
from .arrays import array_layout as _array_layout
from .kinds import COLLECTIONS, FRAMES, PARTITIONED, K, Value
from .scopes import (COMPREHENSION_NODES, FUNCTION_NODES, LOOP_NODES, Binding, Scope,
                     ScopeBuilder, is_main_guard_test)
from .tasks import entry_point as _entry_point

_IN_PROGRESS = object()
_MISSING = object()
#: Node types the walk always collects, whatever the rules ask for: the calls (``calls``)
#: and the yields (:meth:`SemanticModel.is_generator_function`).
_ALWAYS_COLLECTED = frozenset({ast.Call, ast.Yield, ast.YieldFrom})
#: How deep ``value()``/``qualname()`` queries may nest. A level costs up to five Python
#: frames, and a long chain (``df = df.assign(...)`` 500 times, ``a.b.c...`` 2,000 deep) would
#: otherwise exhaust the interpreter's stack: deeper chains are evaluated from their far end
#: first (see :meth:`SemanticModel._guarded`).
_MAX_DEPTH = 64


class _TooDeep(Exception):
    """Raised at ``_MAX_DEPTH``; caught by the outermost query, never outside the model."""

    def __init__(self, query, cache: dict, node: ast.AST, cycle):
        super().__init__()
        self.query, self.cache, self.node, self.cycle = query, cache, node, cycle


@dataclass(frozen=True)
class TaskSite:
    """Where a function was handed to Dask."""

    function: ast.AST  # the FunctionDef, AsyncFunctionDef or Lambda
    api: str  # "client.map", "delayed", "map_partitions", "@delayed", ...
    line: int
    lazy: bool  # runs at compute time (delayed, collection methods) vs at submit time
    per_chunk: bool  # runs once per partition, block, row or element
    call: ast.AST | None = None  # the entry-point call (or decorator)

    def describe(self) -> str:
        return f"{self.api} at line {self.line}"


@dataclass
class SemanticModel:
    tree: ast.AST
    options: Options = field(default_factory=Options)

    def __post_init__(self) -> None:
        self._builder: ScopeBuilder | None = None
        self._parents: dict[ast.AST, ast.AST] = {}  # the walk's side tables (build())
        self._scope_map: dict[ast.AST, Scope] = {}
        #: parent -> {child: the parent's field holding it}, for the parents asked about.
        self._field_index: dict[ast.AST, dict[ast.AST, str]] = {}
        self._values: dict[int, object] = {}
        self._binding_values: dict[int, object] = {}
        self._qualnames: dict[int, object] = {}
        self._tasks: dict[ast.AST, list[TaskSite]] | None = None
        self._entry_points: dict[int, object] = {}
        self._layouts: dict[int, object] = {}
        self._layouts_possible: bool | None = None
        self._calls_of: dict[int, list[ast.Call]] | None = None
        self._generators: set[int] | None = None
        self._names: dict[str, list[ast.Name]] | None = None
        #: How many times a value still being computed was read (a cycle through bindings).
        self._cycle_hits = 0
        self.imports_distributed = False
        self._depth = 0  # nesting of value()/qualname() queries
        self._orders: dict[int, tuple] = {}

    # ------------------------------------------------------------------ construction
    def build(self, wanted: frozenset[type] = frozenset()) -> SemanticModel:
        # calls, and yields (which make generator functions), are always collected
        builder = ScopeBuilder(wanted | _ALWAYS_COLLECTED)
        self.module_scope = builder.build(self.tree)
        self._builder = builder
        self._parents = builder.parents
        self._scope_map = builder.scope_map
        self.nodes = builder.collected
        self.calls = builder.calls
        self.functions = builder.functions
        self.has_main_guard = builder.has_main_guard
        imports_distributed = False
        aliases: set[str] = set()
        for scope in builder.scopes:
            for name, bs in scope.bindings.items():
                for b in bs:
                    kind = b.kind
                    if kind == "import":
                        q = b.qualname
                        if q:
                            if q.split(".")[0] == "distributed" or \
                                    q.startswith("dask.distributed"):
                                imports_distributed = True
                            if q.rpartition(".")[2] != name:
                                aliases.add(name)
                    elif kind == "assign" and b.index is None:
                        t = type(b.value)
                        if t is ast.Name and b.value.id != name or \
                                t is ast.Attribute and b.value.attr != name:
                            aliases.add(name)
        self.imports_distributed = imports_distributed
        #: Names whose qualified name may end in another name (an import alias, ``f = g``).
        self.alias_names = frozenset(aliases)
        return self

    def release(self) -> None:
        """Break the reference cycles between the tree, its annotations, the scopes and the
        caches, so that everything is freed by reference counting as soon as it is dropped
        (no work left for the cyclic garbage collector; memory stays flat over many files).
        Findings keep their positions and messages; the model cannot be queried after."""
        if self._builder is not None:
            self._builder.release()
        self._parents, self._scope_map, self._field_index = {}, {}, {}
        self._values, self._binding_values, self._qualnames = {}, {}, {}
        self._entry_points, self._layouts, self._tasks = {}, {}, None
        self._layouts_possible = False
        self._calls_of = None
        self._generators = None
        self._names = None
        self._orders = {}
        self.__dict__.pop("_class_scope_cache", None)
        self.__dict__.pop("_inner_scope_cache", None)
        self.nodes, self.calls, self.functions = {}, [], []

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

    # ------------------------------------------------------------------ structure
    def parent(self, node: ast.AST) -> ast.AST | None:
        return self._parents.get(node)

    def scope_of(self, node: ast.AST) -> Scope:
        return self._scope_map[node]

    def field_of(self, node: ast.AST, parent: ast.AST | None | object = _MISSING) -> str | None:
        """The field of its parent that holds ``node`` (``"body"``, ``"test"``, ...). Found
        when asked (few nodes ever are): the first question about a parent's children indexes
        them all, so a module of 100,000 statements costs one pass, not one per statement."""
        if parent is _MISSING:
            parent = self._parents.get(node)
        if parent is None:
            return None
        index = self._field_index.get(parent)
        if index is None:
            index = self._field_index[parent] = {}
            for name in parent._fields:
                value = getattr(parent, name, None)
                if value.__class__ is list:
                    for item in value:
                        if isinstance(item, ast.AST):
                            index[item] = name
                elif isinstance(value, ast.AST):
                    index[value] = name
        return index.get(node)

    def ancestors(self, node: ast.AST):
        parents = self._parents
        node = parents.get(node)
        while node is not None:
            yield node
            node = parents.get(node)

    def enclosing_function(self, node: ast.AST) -> ast.AST | None:
        """The innermost def or lambda whose body contains ``node``."""
        scope = self._scope_map[node]
        while scope is not None:
            if scope.is_function:
                return scope.node
            scope = scope.parent
        return None

    def statement_of(self, node: ast.AST) -> ast.stmt | None:
        parents = self._parents
        while node is not None and not isinstance(node, ast.stmt):
            node = parents.get(node)
        return node

    def enclosing_loops(self, node: ast.AST, *, comprehensions: bool = True) -> list[ast.AST]:
        """Loops around ``node`` within its function, innermost first.

        A loop counts only when ``node`` is in its body (not in a ``for``'s iterable or
        ``else``), and comprehensions count when ``comprehensions`` is true.
        """
        loops = []
        child = node
        for anc in self.ancestors(node):
            if isinstance(anc, FUNCTION_NODES) or isinstance(anc, ast.ClassDef):
                break
            if isinstance(anc, LOOP_NODES):
                field_name = self.field_of(child, anc)
                if field_name == "body" or (type(anc) is ast.While and field_name == "test"):
                    loops.append(anc)
            elif comprehensions and isinstance(anc, COMPREHENSION_NODES):
                if self.field_of(child, anc) != "generators" or child is not \
                        anc.generators[0]:
                    loops.append(anc)
            child = anc
        return loops

    def in_main_guard(self, node: ast.AST) -> bool:
        child = node
        for anc in self.ancestors(node):
            if type(anc) is ast.If and self.field_of(child, anc) == "body" \
                    and is_main_guard_test(anc.test):
                return True
            child = anc
        return False

    def expects_failure(self, node: ast.AST) -> bool:
        """``node`` runs where an exception or a warning is expected (so it may be there for
        its exception, not its value): in the body of ``with pytest.raises(...)``,
        ``pytest.warns``, ``self.assertRaises(...)``, ``warnings.catch_warnings()`` ... in the
        same function, or in a lambda handed to ``pytest.raises(E, lambda: ...)``."""
        child = node
        for anc in self.ancestors(node):
            t = type(anc)
            if t in (ast.With, ast.AsyncWith) and self.field_of(child, anc) == "body":
                if any(self._expects_failure_call(item.context_expr) for item in anc.items):
                    return True
            elif t is ast.Lambda:
                return self._expects_failure_call(self._parents.get(anc))
            elif isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                return False
            child = anc
        return False

    def _expects_failure_call(self, expr: ast.AST | None) -> bool:
        if type(expr) is not ast.Call:
            return False
        if self.qualname(expr.func) in V.EXPECTED_FAILURE_CONTEXTS:
            return True
        func = expr.func
        return type(func) is ast.Attribute and func.attr in V.EXPECTED_FAILURE_METHODS

    def at_module_level(self, node: ast.AST) -> bool:
        """True when ``node`` runs when the module is imported (not in a def or class)."""
        return self._scope_map[node] is self.module_scope

    def runs_at_import(self, node: ast.AST) -> bool:
        """Like :meth:`at_module_level`, and also inside a comprehension at module level."""
        scope = self._scope_map[node]
        while scope.kind == "comprehension":
            scope = scope.parent
        return scope is self.module_scope

    # ------------------------------------------------------------------ names
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
        cached = self._qualnames.get(key, _MISSING)
        if cached is not _MISSING:
            return cached
        depth = self._depth
        if 0 < depth < _MAX_DEPTH:  # nested: the common case, inlined from _guarded
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
        except _TooDeep:
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

    # ------------------------------------------------------------------ functions
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

    def calls_of(self, fn: ast.AST) -> list[ast.Call]:
        """The calls of this module whose callee (a name or an attribute) resolves to ``fn``
        (:meth:`function_of`), in source order."""
        if self._calls_of is None:
            found: dict[int, list[ast.Call]] = {}
            for call in self.calls:
                if type(call.func) in (ast.Name, ast.Attribute):
                    target = self.function_of(call.func)
                    if target is not None:
                        found.setdefault(id(target), []).append(call)
            self._calls_of = found
        return self._calls_of.get(id(fn), [])

    def is_delayed_decorated(self, fn: ast.AST) -> ast.AST | None:
        """The ``@delayed`` decorator of a def, if it has one."""
        for dec in getattr(fn, "decorator_list", ()):
            target = dec.func if type(dec) is ast.Call else dec
            if self.qualname(target) in V.DELAYED_FUNCTIONS:
                return dec
        return None

    # ------------------------------------------------------------------ values
    def value(self, node: ast.AST) -> Value | None:
        """What the model knows about the value of an expression (``None``: unknown)."""
        key = id(node)
        cached = self._values.get(key, _MISSING)
        if cached is not _MISSING:
            if cached is _IN_PROGRESS:
                self._cycle_hits += 1  # a cycle reads as "no information"
                return None
            return cached
        depth = self._depth
        if 0 < depth < _MAX_DEPTH:  # nested: the common case, inlined from _guarded
            self._depth = depth + 1
            try:
                return self._compute_value(node)
            finally:
                self._depth = depth
        return self._guarded(self.value, self._values, self._compute_value, node, _IN_PROGRESS)

    def _compute_value(self, node: ast.AST) -> Value | None:
        key = id(node)
        self._values[key] = _IN_PROGRESS  # a cycle reads as "no information"
        hits = self._cycle_hits
        handler = _VALUE_HANDLERS.get(type(node))
        try:
            result = handler(self, node) if handler is not None else None
        except _TooDeep:
            del self._values[key]
            raise
        if result is None and self._cycle_hits != hits:
            # Unknown only because a value still being computed was read: do not remember
            # it, or the answer would depend on which expression a rule asked about first.
            del self._values[key]
        else:
            self._values[key] = result
        return result

    def array_layout(self, node: ast.AST):
        """The literal shape and chunks of a Dask array expression (an
        :class:`~.arrays.ArrayLayout`), or None when the code does not spell them out."""
        cache = self._layouts
        key = id(node)
        found = cache.get(key, _MISSING)
        if found is not _MISSING:
            return found
        if self._layouts_possible is None:
            # Every layout starts at a creator or rechunk call (arrays.OWN_LAYOUT_CALL_NAMES):
            # in a file without one, no expression has a layout.
            self._layouts_possible = any(
                n in OWN_LAYOUT_CALL_NAMES for c in self.calls for n in self.callee_names(c))
        if not self._layouts_possible:
            return None
        cache[key] = None  # a cycle reads as unknown
        cache[key] = result = _array_layout(self, node)
        return result

    def _guarded(self, query, cache: dict, compute, node: ast.AST, cycle):
        """Run ``compute(node)`` for ``query`` (``value`` or ``qualname``), bounding the stack.

        A nested query beyond ``_MAX_DEPTH`` raises ``_TooDeep``; the outermost query then
        answers the deep node first (memoised), from a fresh stack, and retries, so a chain of
        any length costs linear time and a bounded stack. While a deep node is answered, the
        nodes waiting for it read as ``cycle`` (the in-progress marker of ``cache``), as they
        would on the stack of an unbounded recursion.
        """
        depth = self._depth
        if depth:
            if depth >= _MAX_DEPTH:
                raise _TooDeep(query, cache, node, cycle)
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
            except _TooDeep as deep:
                cache[id(node)] = cycle
                pending.append((deep.query, deep.cache, deep.cycle, deep.node))
                continue
            finally:
                self._depth = 0
            pending.pop()
            if not pending:
                return result

    def kind(self, node: ast.AST) -> K | None:
        v = self.value(node)
        return v.kind if v is not None else None

    def is_collection(self, node: ast.AST) -> bool:
        v = self.value(node)
        return v is not None and v.kind in COLLECTIONS

    def reduced(self, expr: ast.AST, _depth: int = 0) -> bool:
        """``expr`` derives from a collection through a reduction (``ddf.groupby(k).x.sum()``,
        ``x.mean(axis=0)``, ``ddf.describe()``, ``da.max(x)``), following single
        assignments: its result is smaller than its input, usually small."""
        if _depth > 12:
            return False
        t = type(expr)
        if t is ast.Name:
            bindings = self.reaching_bindings(expr)
            if len(bindings) != 1:
                return False
            b = bindings[0]
            if b.kind != "assign" or b.index is not None or b.value is None:
                return False
            return self.reduced(b.value, _depth + 1)
        if t is ast.Call:
            func = expr.func
            q = self.qualname(func)
            if q is None:
                # a method: ``x.sum()``, ``ddf.x.describe()``, or one after a reduction
                return type(func) is ast.Attribute and (
                    func.attr in V.REDUCTION_METHODS or self.reduced(func.value, _depth + 1))
            # a function: ``da.sum(x)``, ``np.max(x)`` (not ``sum([x, y])``, elementwise)
            return not q.startswith("builtins.") and \
                q.rpartition(".")[2] in V.REDUCTION_METHODS
        if t in (ast.Attribute, ast.Subscript):
            return self.reduced(expr.value, _depth + 1)
        if t is ast.BinOp:
            sides = [s for s in (expr.left, expr.right) if self.is_collection(s)]
            return bool(sides) and all(self.reduced(s, _depth + 1) for s in sides)
        if t is ast.UnaryOp:
            return self.reduced(expr.operand, _depth + 1)
        return False

    def binding_value(self, b: Binding) -> Value | None | object:
        key = id(b)
        cached = self._binding_values.get(key, _MISSING)
        if cached is not _MISSING:
            if cached is _IN_PROGRESS:
                self._cycle_hits += 1
            return cached
        self._binding_values[key] = _IN_PROGRESS
        hits = self._cycle_hits
        try:
            result = self._binding_value(b)
        except _TooDeep:
            del self._binding_values[key]
            raise
        if result is None and self._cycle_hits != hits:
            result = _IN_PROGRESS  # unknown only through a cycle: skipped, like one
        if result is _IN_PROGRESS:
            # Part of a cycle still being evaluated: no information yet, and not cached.
            del self._binding_values[key]
        else:
            self._binding_values[key] = result
        return result

    def _binding_value(self, b: Binding) -> Value | None:
        kind = b.kind
        if b.value is not None and self._values.get(id(b.value)) is _IN_PROGRESS:
            self._cycle_hits += 1
            return _IN_PROGRESS
        if kind == "assign" or kind == "named":
            if b.value is None:
                return None
            v = self.value(b.value)
            return _element(v, b.index) if b.index is not None else v
        if kind == "augassign":
            stmt = b.value
            before = self.value(stmt.target)
            after = self.value(stmt.value)
            for v in (before, after):
                if v is not None and v.kind in COLLECTIONS:
                    return Value(v.kind, v.what, node=stmt)
            return None
        if kind in ("for", "comprehension"):
            v = _element(self.value(b.value), None)
            return _element(v, b.index) if b.index is not None else v
        if kind == "with":
            return self._with_value(b)
        if kind == "param":
            return self._annotation_value(b.node.annotation, b.node)
        if kind == "annotation":
            return self._annotation_value(b.value, b.node)
        return None

    def _with_value(self, b: Binding) -> Value | None:
        ctx = b.value
        v = self.value(ctx)
        if v is None:
            return None
        if v.kind == K.CLIENT and type(ctx) is ast.Call and \
                self.qualname(ctx.func) in V.WORKER_CLIENT_FUNCTIONS:
            v = Value(K.CLIENT, v.what, origin="worker_client()", node=ctx)
        if b.index is not None:
            return None
        if v.kind in (K.CLIENT, K.RESOURCE, K.CLUSTER):
            return v
        return None

    def _annotation_value(self, ann: ast.AST | None, node: ast.AST) -> Value | None:
        # ``X | None``, ``Optional[X]``, ``Union[X, None]``: the first member that is not
        # None. A loop, not recursion: a union can be thousands of members deep.
        while ann is not None:
            if type(ann) is ast.Constant and isinstance(ann.value, str):
                return None  # string annotations are not parsed (rare in Dask code)
            if type(ann) is ast.BinOp and type(ann.op) is ast.BitOr:
                ann = next((side for side in (ann.left, ann.right)
                            if not (type(side) is ast.Constant and side.value is None)), None)
            elif type(ann) is ast.Subscript and self.qualname(ann.value) in (
                    "typing.Optional", "typing.Union"):
                ann = ann.slice
                if type(ann) is ast.Tuple:
                    ann = next((e for e in ann.elts
                                if not (type(e) is ast.Constant and e.value is None)), None)
            else:
                break
        if ann is None:
            return None
        q = self.qualname(ann)
        kind = _ANNOTATION_KINDS.get(q) if q else None
        if kind is None:
            return None
        origin = "parameter" if kind == K.CLIENT else None
        return Value(kind, V.KIND_NAMES[kind], origin=origin, node=node)

    def _name_value(self, node: ast.Name) -> Value | None:
        bindings = self.reaching_bindings(node)
        if not bindings:
            return None
        result: Value | None = None
        for b in bindings:
            if b.kind == "assign" and type(b.value) is ast.Constant and b.value.value is None:
                continue
            v = self.binding_value(b)
            if v is _IN_PROGRESS:
                continue
            if v is None:
                return self._client_by_name(node.id, bindings)
            if result is None:
                result = v
            elif v.kind != result.kind:
                if v.kind in FRAMES and result.kind in FRAMES:
                    result = Value(K.FRAME, V.KIND_NAMES[K.FRAME], node=result.node)
                else:
                    return None
        if result is None:
            return self._client_by_name(node.id, bindings)
        return result

    def _client_by_name(self, name: str, bindings=()) -> Value | None:
        """The configurable fallback: a receiver named like a client, in a distributed file."""
        if not self.imports_distributed or not self.options.client_names:
            return None
        if not any(fnmatch.fnmatchcase(name, p) for p in self.options.client_names):
            return None  # first: the bindings of a name rebound thousands of times are many
        if any(b.kind in ("import", "def", "class") for b in bindings):
            return None
        return Value(K.CLIENT, "a distributed Client", origin="name")

    def self_attribute_value(self, cls: Scope, attr: str) -> Value | None:
        bindings = cls.attributes.get(attr)
        if not bindings:
            class_level = cls.bindings.get(attr)
            if class_level and all(b.kind == "annotation" for b in class_level):
                return self.binding_value(class_level[0]) or None
            return None
        result = None
        for b in bindings:
            if type(b.value) is ast.Constant and b.value.value is None:
                continue
            if b.value is not None and type(b.node) is ast.Attribute and \
                    type(self._parents.get(b.node)) is ast.AnnAssign and \
                    self._parents[b.node].value is None:
                v = self._annotation_value(b.value, b.node)
            else:
                v = self.value(b.value) if b.value is not None else None
            if v is None:
                return None
            if result is not None and v.kind != result.kind:
                return None
            result = v
        return result

    # ------------------------------------------------------------------ what computes
    def compute_call(self, node: ast.AST) -> str | None:
        """If ``node`` is a call that materialises a Dask value, say which ("x.compute()").

        Explicit: ``.compute()``/``.persist()`` on a known collection, ``dask.compute``,
        ``dask.persist``. Implicit: ``np.asarray``/``np.array``/``float``/``int``/``bool``/
        ``len``/``list`` of a known collection.
        """
        if type(node) is not ast.Call or call_name(node) not in _COMPUTE_NAMES:
            return None
        func = node.func
        if type(func) is ast.Attribute and func.attr in ("compute", "persist"):
            v = self.value(func.value)
            if v is not None and v.kind in COLLECTIONS:
                return f".{func.attr}()"
        q = self.qualname(func)
        if q in V.DASK_COMPUTE_FUNCTIONS:
            return "dask.compute()"
        if q in V.DASK_PERSIST_FUNCTIONS:
            return "dask.persist()"
        if q in _IMPLICIT_COMPUTE and len(node.args) == 1:
            v = self.value(node.args[0])
            if v is not None and v.kind in COLLECTIONS and v.kind != K.DELAYED:
                return f"{q.replace('builtins.', '').replace('numpy.', 'np.')}()"
        return None

    def entry_point(self, call: ast.Call):
        """The task entry point this call is, if any (see :mod:`.tasks`)."""
        key = id(call)
        cache = self._entry_points
        found = cache.get(key, _MISSING)
        if found is _MISSING:
            found = cache[key] = _entry_point(self, call)
        return found

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

    @staticmethod
    def loaded_names(node: ast.AST):
        """Every ``Name`` read inside ``node`` (nested functions included)."""
        stack = [node]
        while stack:
            n = stack.pop()
            if type(n) is ast.Name:
                if type(n.ctx) is ast.Load:
                    yield n
                continue
            for field_name in n._fields:
                child = getattr(n, field_name, None)
                if type(child) is list:
                    stack.extend(c for c in child if isinstance(c, ast.AST))
                elif isinstance(child, ast.AST):
                    stack.append(child)

    @staticmethod
    def body_nodes(fn: ast.AST):
        """The nodes of a function's body, not descending into nested defs, lambdas or
        classes (a task body, catalog 0.3)."""
        stack = [fn.body] if type(fn) is ast.Lambda else list(fn.body)
        while stack:
            n = stack.pop()
            yield n
            for field_name in n._fields:
                child = getattr(n, field_name, None)
                if type(child) is list:
                    stack.extend(c for c in child if isinstance(c, ast.AST)
                                 and not isinstance(c, (*FUNCTION_NODES, ast.ClassDef)))
                elif isinstance(child, ast.AST) and \
                        not isinstance(child, (*FUNCTION_NODES, ast.ClassDef)):
                    stack.append(child)

    @staticmethod
    def function_label(fn: ast.AST) -> str:
        return "lambda" if type(fn) is ast.Lambda else f"'{fn.name}'"

    # ------------------------------------------------------------------ tasks
    @property
    def tasks(self) -> dict[ast.AST, list[TaskSite]]:
        """Every function of this module that Dask runs as a task, with where it was handed."""
        if self._tasks is None:
            from .tasks import find_task_sites

            tasks: dict[ast.AST, list[TaskSite]] = {}
            for site in find_task_sites(self):
                tasks.setdefault(site.function, []).append(site)
            self._tasks = tasks
        return self._tasks

    def task_sites_of(self, node: ast.AST) -> tuple[ast.AST | None, list[TaskSite]]:
        """The task function whose body contains ``node`` (excluding nested defs)."""
        fn = self.enclosing_function(node)
        if fn is None:
            return None, []
        return fn, self.tasks.get(fn, [])

    def is_free_in(self, name: ast.Name, fn: ast.AST) -> bool:
        """``name`` is read inside ``fn`` but bound outside it (closure cell or global)."""
        scope, _ = self.lookup(name.id, self._scope_map[name])
        if scope is None:
            return False
        s = scope
        fn_scope = None
        cur = self._scope_map[name]
        while cur is not None:
            if cur.node is fn:
                fn_scope = cur
                break
            cur = cur.parent
        if fn_scope is None:
            return False
        # Free when the binding scope is not fn's scope or one nested in it.
        while s is not None:
            if s is fn_scope:
                return False
            s = s.parent
        return True


def _element(v: Value | None, index) -> Value | None:
    """The value of one element of a container (``index`` None: any element)."""
    if v is None:
        return None
    if index is None:
        if v.kind == K.CONTAINER:
            return v.element
        return None
    if isinstance(index, tuple):
        for i in index:
            v = _element(v, i)
            if v is None:
                return None
        return v
    if v.kind == K.CONTAINER:
        if isinstance(v.origin, tuple):
            return v.origin[index] if 0 <= index < len(v.origin) else None
        return v.element
    return None


def call_name(call: ast.Call) -> str | None:
    """The last name of a call's callee (``b`` for ``a.b(...)``, ``f`` for ``f(...)``): a cheap
    key for rules to skip calls that cannot match before resolving anything."""
    func = call.func
    t = type(func)
    if t is ast.Attribute:
        return func.attr
    if t is ast.Name:
        return func.id
    return None


_IMPLICIT_COMPUTE = frozenset({"numpy.asarray", "numpy.array", "builtins.float", "builtins.int",
                               "builtins.bool", "builtins.len", "builtins.list"})

_COMPUTE_NAMES = frozenset({"compute", "persist", "asarray", "array", "float", "int", "bool",
                            "len", "list"})
#: The callee names :meth:`SemanticModel.compute_call` can match (for ``Rule.call_names``).
COMPUTE_CALL_NAMES = _COMPUTE_NAMES

_ANNOTATION_KINDS = {
    "distributed.Client": K.CLIENT,
    "distributed.Future": K.FUTURE,
    "dask.dataframe.DataFrame": K.DATAFRAME,
    "dask.dataframe.Series": K.SERIES,
    "dask.array.Array": K.ARRAY,
    "dask.bag.Bag": K.BAG,
    "dask.Delayed": K.DELAYED,
}


# ---------------------------------------------------------------------------------------------
# Value inference, one handler per expression type
# ---------------------------------------------------------------------------------------------

def _v(kind: K, node: ast.AST, what: str | None = None, **kw) -> Value:
    return Value(kind, what or V.KIND_NAMES.get(kind, ""), node=node, **kw)


def _value_name(m: SemanticModel, node: ast.Name) -> Value | None:
    return m._name_value(node)


def _literal_shape_size(node: ast.AST) -> int | None:
    if type(node) is ast.Constant and type(node.value) is int:
        return node.value
    if type(node) in (ast.Tuple, ast.List):
        total = 1
        for e in node.elts:
            if type(e) is not ast.Constant or type(e.value) is not int:
                return None
            total *= e.value
        return total
    return None


def _keyword(call: ast.Call, name: str) -> ast.AST | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _value_call(m: SemanticModel, node: ast.Call) -> Value | None:
    func = node.func
    q = m.qualname(func)
    if q is not None:
        v = _value_of_qualified_call(m, node, q)
        if v is not None:
            return v
    if type(func) is ast.Call and m.qualname(func.func) in V.DELAYED_FUNCTIONS:
        return _v(K.DELAYED, node)
    if type(func) is ast.Attribute:
        return _value_method_call(m, node, func)
    fn = m.function_of(func) if type(func) is ast.Name else None
    if fn is not None:
        if m.is_delayed_decorated(fn):
            return _v(K.DELAYED, node)
        if m.is_generator_function(fn):
            return _v(K.RESOURCE, node, f"a generator from {fn.name}()")
    return None


def _value_of_qualified_call(m: SemanticModel, node: ast.Call, q: str) -> Value | None:
    if q in V.CLIENT_FACTORIES:
        origin = V.CLIENT_FACTORIES[q]
        if q == "distributed.Client" and (node.args or _keyword(node, "address") is not None):
            origin = "Client(address)"
        return _v(K.CLIENT, node, origin=origin)
    if q in V.WORKER_CLIENT_FUNCTIONS:
        return _v(K.CLIENT, node, origin="worker_client()")
    if q in V.CLUSTER_FACTORIES:
        return _v(K.CLUSTER, node)
    kind = V.DASK_DATAFRAME_FUNCTIONS_RETURNING.get(q)
    if kind is not None:
        return _v(kind, node)
    module, _, rest = q.partition(".")
    if module == "dask":
        sub, _, name = rest.partition(".")
        if sub == "array" and name in V.DASK_ARRAY_CREATORS:
            return _v(K.ARRAY, node)
        if sub == "bag" and name in V.DASK_BAG_CREATORS:
            return _v(K.BAG, node)
    if q in V.DELAYED_FUNCTIONS:
        return _v(K.DELAYED, node)
    what = V.UNPICKLABLE_CONSTRUCTORS.get(q)
    if what is not None:
        return _v(K.RESOURCE, node, what)
    what = V.LARGE_OBJECT_LOADERS.get(q)
    if what is not None:
        return _v(K.LARGE, node, what, origin=node)
    if q in V.SIZED_ARRAY_CONSTRUCTORS:
        shape = node.args[0] if node.args else _keyword(node, "shape") or _keyword(node, "size")
        if shape is None and len(node.args) > 0:
            shape = node.args[-1]
        size = _literal_shape_size(shape) if shape is not None else None
        if size is not None and size > m.options.large_array_elements:
            return _v(K.LARGE, node, f"a NumPy array of {size:,} elements", origin=node)
        return None
    if q in V.DASK_PERSIST_FUNCTIONS:
        return _v(K.CONTAINER, node, "a tuple", origin=tuple(m.value(a) for a in node.args))
    if q in V.DASK_COMPUTE_FUNCTIONS:
        items = []
        for a in node.args:
            av = m.value(a)
            items.append(_v(K.LARGE, a, "the computed result of a Dask collection")
                         if av is not None and av.kind in PARTITIONED and not m.reduced(a)
                         else None)
        return _v(K.CONTAINER, node, "a tuple", origin=tuple(items))
    if node.args and (q in ("builtins.abs", "builtins.round") or (
            q.startswith("numpy.") and q not in _IMPLICIT_COMPUTE
            and q not in V.LARGE_OBJECT_LOADERS)):
        # NumPy functions dispatch to Dask arrays (NEP 18); abs() and round() to any collection
        first = m.value(node.args[0])
        if first is not None and (first.kind == K.ARRAY or (
                q.startswith("builtins.") and first.kind in COLLECTIONS)):
            return _v(first.kind, node)
        return None
    if q in V.AS_COMPLETED_FUNCTIONS and node.args:
        futures = m.value(node.args[0])
        element = futures.element if futures is not None and futures.kind == K.CONTAINER \
            else None
        return _v(K.CONTAINER, node, "an iterator of Futures", element=element)
    return None


def _value_method_call(m: SemanticModel, node: ast.Call, func: ast.Attribute) -> Value | None:
    recv = m.value(func.value)
    if recv is None:
        return None
    meth = func.attr
    kind = recv.kind
    if kind == K.CLIENT:
        single_compute = meth == "compute" and node.args and \
            type(node.args[0]) not in (ast.List, ast.Tuple)
        if meth in ("submit", "scatter") or single_compute:
            if meth == "scatter" and node.args and type(node.args[0]) in (ast.List, ast.Tuple,
                                                                          ast.ListComp):
                return _v(K.CONTAINER, node, "a list of Futures",
                          element=_v(K.FUTURE, node, origin=recv))
            return _v(K.FUTURE, node, origin=recv)
        if meth in ("map", "compute"):
            return _v(K.CONTAINER, node, "a list of Futures",
                      element=_v(K.FUTURE, node, origin=recv))
        if meth == "persist" and node.args:
            return m.value(node.args[0])
        return None
    if kind == K.CLUSTER:
        return _v(K.CLIENT, node, origin="cluster.get_client()") if meth == "get_client" \
            else None
    if kind in FRAMES:
        if meth == "compute":
            return None if m.reduced(func.value) else \
                _v(K.LARGE, node, "the computed result of a Dask collection")
        if meth in V.FRAME_REDUCTIONS:
            return _v(K.SCALAR, node)
        if meth in ("groupby", "rolling", "resample", "expanding", "ewm"):
            return _v(K.GROUPBY, node, origin=node)
        if meth == "to_delayed":
            return _v(K.CONTAINER, node, "a list of Delayed", element=_v(K.DELAYED, node))
        if meth in ("to_dask_array", "to_records"):
            return _v(K.ARRAY, node)
        if meth in V.LAZY_WRITERS:
            flag = _keyword(node, "compute")
            if type(flag) is ast.Constant and flag.value is False:
                return _v(K.DELAYED, node, "a lazy write")
            return None
        if meth in ("apply", "agg", "aggregate", "transform", "describe", "map"):
            return _v(K.FRAME, node)
        if meth in ("value_counts", "unique", "isin", "between", "dot"):
            return _v(K.SERIES, node)
        if meth in V.FRAME_METHODS_RETURNING_FRAME:
            return _v(kind, node)
        return None
    if kind == K.ARRAY:
        if meth == "compute":
            return None if m.reduced(func.value) else \
                _v(K.LARGE, node, "the computed result of a Dask array")
        if meth in V.ARRAY_METHODS_RETURNING_ARRAY:
            return _v(K.ARRAY, node)
        if meth == "to_delayed":
            return _v(K.CONTAINER, node, "an array of Delayed", element=_v(K.DELAYED, node))
        if meth == "to_dask_dataframe":
            return _v(K.DATAFRAME, node)
        return None
    if kind == K.BAG:
        if meth == "compute":
            return None if m.reduced(func.value) else \
                _v(K.LARGE, node, "the computed result of a Dask bag")
        if meth in V.BAG_METHODS_RETURNING_BAG:
            return _v(K.BAG, node)
        if meth in V.BAG_REDUCTIONS:
            return _v(K.SCALAR, node, origin="bag")  # computes on Bag's default scheduler
        if meth == "to_dataframe":
            return _v(K.DATAFRAME, node)
        if meth == "to_delayed":
            return _v(K.CONTAINER, node, "a list of Delayed", element=_v(K.DELAYED, node))
        return None
    if kind == K.SCALAR:
        return _v(K.SCALAR, node) if meth == "persist" else None
    if kind == K.DELAYED:
        if meth in V.DELAYED_PLAIN_METHODS or meth.startswith("_"):
            return None
        return _v(K.DELAYED, node)
    if kind == K.GROUPBY:
        if recv.what == "an accessor":  # ``s.str.lower()``, ``s.dt.strftime(...)``
            return _v(K.FRAME if meth in V.ACCESSOR_METHODS_RETURNING_FRAME else K.SERIES,
                      node)
        if meth in ("get_group", "apply", "transform", "agg", "aggregate", "first", "last",
                    "head", "tail", "cumsum", "cumcount", "shift", "size", "nunique",
                    "value_counts") or meth in V.FRAME_REDUCTIONS:
            return _v(K.FRAME, node)
        return None
    if kind == K.LARGE:
        return _v(K.LARGE, node, recv.what, origin=recv.origin) \
            if meth in V.LARGE_PRESERVING_METHODS else None
    if kind == K.RESOURCE:
        if meth in V.RESOURCE_METHODS:
            return _v(K.RESOURCE, node, f"a connection from {recv.what}")
        return None
    return None


def _value_attribute(m: SemanticModel, node: ast.Attribute) -> Value | None:
    attr = node.attr
    cls = m.class_of_instance(node.value) if type(node.value) is ast.Name else None
    if cls is not None:
        v = m.self_attribute_value(cls, attr)
        if v is not None:
            return v
        if attr in cls.attributes or attr in cls.bindings:
            return None
        return m._client_by_name(attr)
    recv = m.value(node.value)
    if recv is None:
        return None
    kind = recv.kind
    if kind in FRAMES:
        if attr == "values":
            return _v(K.ARRAY, node)
        if attr in ("index",):
            return _v(K.SERIES, node)
        if attr in ("loc", "iloc", "partitions", "T"):
            return _v(K.FRAME if kind != K.SERIES else K.SERIES, node, origin=attr)
        if attr in ("str", "dt", "cat"):
            return _v(K.GROUPBY, node, "an accessor")
        if attr == "shape" and kind != K.SERIES:
            return _v(K.CONTAINER, node, "a shape", origin=(_v(K.SCALAR, node), None))
        if attr == "size":
            return _v(K.SCALAR, node)
        if attr in V.FRAME_PLAIN_ATTRIBUTES or attr.startswith("_"):
            return None
        if kind == K.SERIES or attr in V.FRAME_METHODS_RETURNING_FRAME or \
                attr in V.FRAME_REDUCTIONS:
            return None
        return _v(K.SERIES, node)  # a column
    if kind == K.ARRAY:
        if attr in ("T", "real", "imag"):
            return _v(K.ARRAY, node)
        if attr in ("blocks", "vindex", "partitions"):
            return _v(K.ARRAY, node, origin=attr)  # an indexer: its items are arrays
        return None
    if kind == K.DELAYED:
        # Delayed.__getattr__ makes other attributes lazy; these are real ones.
        if attr in V.DELAYED_PLAIN_ATTRIBUTES or attr.startswith("_"):
            return None
        return _v(K.DELAYED, node)
    if kind == K.LARGE:
        if attr in ("values", "T", "loc", "iloc"):
            return _v(K.LARGE, node, recv.what, origin=recv.origin)
        return None
    if kind == K.GROUPBY:
        return _v(K.GROUPBY, node, origin=recv.origin) if recv.what != "an accessor" \
            else None
    return None


def _value_subscript(m: SemanticModel, node: ast.Subscript) -> Value | None:
    recv = m.value(node.value)
    if recv is None:
        return None
    kind = recv.kind
    key = node.slice
    if kind in FRAMES:
        if kind == K.SERIES:
            return _v(K.SERIES, node)
        if recv.origin == "partitions" or recv.origin in ("loc", "iloc"):
            return _v(K.FRAME, node)
        if type(key) is ast.Constant and isinstance(key.value, str):
            return _v(K.SERIES, node)
        if type(key) is ast.List:
            return _v(K.DATAFRAME, node)
        return _v(K.FRAME, node)
    if kind == K.GROUPBY:
        return _v(kind, node, recv.what, origin=recv.origin)
    if kind in (K.ARRAY, K.DELAYED):
        return _v(kind, node)
    if kind == K.CONTAINER:
        if isinstance(recv.origin, tuple):
            if type(key) is ast.Constant and type(key.value) is int:
                return _element(recv, key.value)
            return None
        return recv.element if type(key) is not ast.Slice else recv
    if kind == K.LARGE:
        return _v(K.LARGE, node, recv.what, origin=recv.origin)
    return None


def _combine(values, node) -> Value | None:
    kinds = {v.kind for v in values if v is not None}
    for kind in (K.ARRAY, K.DELAYED):
        if kind in kinds:
            return _v(kind, node)
    frames = kinds & FRAMES
    if frames:
        return _v(frames.pop() if len(frames) == 1 else K.FRAME, node)
    if K.SCALAR in kinds:
        return _v(K.SCALAR, node)
    return None


def _value_binop(m: SemanticModel, node: ast.BinOp) -> Value | None:
    return _combine((m.value(node.left), m.value(node.right)), node)


def _value_unaryop(m: SemanticModel, node: ast.UnaryOp) -> Value | None:
    if type(node.op) is ast.Not:
        return None
    return _combine((m.value(node.operand),), node)


def _value_compare(m: SemanticModel, node: ast.Compare) -> Value | None:
    if len(node.ops) != 1 or type(node.ops[0]) in (ast.Is, ast.IsNot, ast.In, ast.NotIn):
        return None
    sides = (m.value(node.left), m.value(node.comparators[0]))
    if any(v is not None and v.origin in _INDEXERS for v in sides):
        return None  # ``x.blocks == view`` compares indexer objects, not data
    return _combine(sides, node)


_INDEXERS = frozenset({"blocks", "vindex", "partitions", "loc", "iloc"})


def _value_ifexp(m: SemanticModel, node: ast.IfExp) -> Value | None:
    a, b = m.value(node.body), m.value(node.orelse)
    if a is not None and b is not None and a.kind == b.kind:
        return a
    return None


def _value_sequence(m: SemanticModel, node) -> Value | None:
    elements = [m.value(e) for e in node.elts]
    origin = tuple(elements)
    kinds = {e.kind for e in elements if e is not None}
    element = next((e for e in elements if e is not None), None) \
        if len(kinds) == 1 and all(e is not None for e in elements) else None
    return _v(K.CONTAINER, node, "a list", origin=origin if type(node) is ast.Tuple else None,
              element=element)


def _value_listcomp(m: SemanticModel, node) -> Value | None:
    element = m.value(node.elt)
    if element is None:
        return None
    return _v(K.CONTAINER, node, "a list", element=element)


def _value_generator(m: SemanticModel, node) -> Value | None:
    return _v(K.RESOURCE, node, "a generator")


def _value_named(m: SemanticModel, node: ast.NamedExpr) -> Value | None:
    return m.value(node.value)


def _value_await(m: SemanticModel, node: ast.Await) -> Value | None:
    v = m.value(node.value)
    if v is not None and v.kind == K.CLIENT:
        return v  # ``await Client(asynchronous=True)``
    return None


_VALUE_HANDLERS = {
    ast.Name: _value_name,
    ast.Call: _value_call,
    ast.Attribute: _value_attribute,
    ast.Subscript: _value_subscript,
    ast.BinOp: _value_binop,
    ast.UnaryOp: _value_unaryop,
    ast.Compare: _value_compare,
    ast.IfExp: _value_ifexp,
    ast.List: _value_sequence,
    ast.Tuple: _value_sequence,
    ast.ListComp: _value_listcomp,
    ast.GeneratorExp: _value_generator,
    ast.NamedExpr: _value_named,
    ast.Await: _value_await,
}
