"""Kinds that cross boundaries: parameters, return values, and the functions and task sites
of the other modules of the project.

A mixin of :class:`~.semantic.SemanticModel`. A collection rarely reaches a mistake on the
line where it was made: it is passed to a function (``def clean(frame): ...`` called with a
Dask DataFrame), returned from one (``events = load_events(path)``), or imported from a
sibling module (``from .io import read_events``). Every query here is on demand and
memoised, so a file that never asks pays nothing; and every one answers unknown (``None``)
as soon as the evidence disagrees or is incomplete: a parameter whose calls pass a pandas
frame at one place and a Dask frame at another, a function that is also passed as a value
(to ``map_partitions``, where its first parameter is a partition), a call through ``*args``,
recursion.
"""

from __future__ import annotations

import ast

from ..syntax import STAR, argument_of, default_of, returns_of
from . import vocabulary as V
from .guard import IN_PROGRESS, MISSING
from .kinds import COLLECTIONS, FRAMES, K, Value
from .scopes import Binding, Scope

#: Kinds that keep their identity through a parameter or a return value.
_CARRIED = COLLECTIONS | {K.CLIENT, K.CLUSTER, K.FUTURE}
#: Decorators that leave what a function returns, and how it is called, as they are.
_TRANSPARENT_DECORATORS = frozenset({
    "builtins.staticmethod", "builtins.classmethod", "functools.cache", "functools.lru_cache",
    "functools.wraps",
})
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _agree(values: list[Value]) -> Value | None:
    """One value for several that must agree: the same kind (two frame kinds make a frame
    of unknown shape), else unknown."""
    first = values[0]
    kinds = {v.kind for v in values}
    if len(kinds) == 1:
        return first
    if kinds <= FRAMES:
        return Value(K.FRAME, V.KIND_NAMES[K.FRAME], node=first.node)
    return None


class Boundaries:
    """The boundary queries of :class:`~.semantic.SemanticModel` (a mixin)."""

    project: object
    _cycle_hits: int

    # ------------------------------------------------------------------ parameters
    def parameter_value(self, b: Binding) -> Value | None:
        """What a parameter holds: its annotation (``dd.DataFrame``, ``"dd.DataFrame"``,
        ``Optional[dd.DataFrame]``), else what every call of its function in this module
        passes, when they all pass values of one known kind."""
        arg = b.node
        v = self._annotation_value(arg.annotation, arg)
        if v is not None or arg.annotation is not None:
            return v
        return self._remembered(("param", id(arg)), self._parameter_from_calls, b)

    def _remembered(self, key, compute, argument) -> Value | None:
        """``compute(argument)``, once: a question met again while it is being answered (a
        recursion) reads as unknown, and an answer unknown only because of that is not
        remembered (as :meth:`~.values.Values.value` does)."""
        cache = self._boundary_cache()
        found = cache.get(key, MISSING)
        if found is IN_PROGRESS:
            self._cycle_hits += 1
            return None
        if found is not MISSING:
            return found
        cache[key] = IN_PROGRESS
        hits = self._cycle_hits
        try:
            result = compute(argument)
        finally:
            del cache[key]
        if result is not None or self._cycle_hits == hits:
            cache[key] = result
        return result

    def _parameter_from_calls(self, b: Binding) -> Value | None:
        scope: Scope = b.scope
        fn = scope.node
        arg = b.node
        if type(fn) not in _DEFS or not self._only_called(fn):
            return None
        args = fn.args
        if arg is args.vararg or arg is args.kwarg:
            return None
        positional = [*args.posonlyargs, *args.args]
        if scope.self_name is not None and positional and positional[0] is arg:
            return None  # self
        calls = self._calls_reaching(fn)
        if not calls:
            return None
        passed = []
        for call, shift in calls:
            expr = argument_of(call, fn, arg, shift)
            if expr is STAR:
                return None
            if expr is None:
                default = default_of(fn, arg)
                if default is None:
                    return None  # a call that fails, or a keyword we cannot see
                if type(default) is ast.Constant and default.value is None:
                    continue
                expr = default
            passed.append(expr)
        values = self._carried(passed)
        v = _agree(values) if values else None
        if v is None:
            return None
        origins = {x.origin for x in values if not isinstance(x.origin, ast.AST)}
        origin = origins.pop() if len(origins) == 1 else None
        return Value(v.kind, v.what, origin=origin, node=arg, element=v.element)

    def _carried(self, exprs: list[ast.AST]) -> list[Value] | None:
        """The values of expressions that must all be known, of kinds a boundary carries
        (else None), in order: the first unknown one ends the question."""
        values = []
        for expr in exprs:
            v = self.value(expr)
            if v is None or v.kind not in _CARRIED:
                return None
            values.append(v)
        return values

    def _only_called(self, fn: ast.AST) -> bool:
        """Every mention of the function in this module calls it: one that is also passed as
        a value (a callback, a task, ``map_partitions(fn)``) or stored can be called with
        anything (a partition, a pandas frame) by code we do not see."""
        cache = self._boundary_cache()
        key = ("only-called", id(fn))
        found = cache.get(key)
        if found is None:
            found = cache[key] = self._compute_only_called(fn)
        return found

    def _compute_only_called(self, fn: ast.AST) -> bool:
        if any(self.qualname(d.func if type(d) is ast.Call else d)
               not in _TRANSPARENT_DECORATORS for d in fn.decorator_list):
            return False
        if self.source is None:
            return False  # no text to read the mentions from: unknown, the safe side
        name = fn.name
        owner = self.scope_of(fn)
        # Every word of the text spelled like the function is its def or the callee of one
        # of its calls (a mention in a string or a comment only makes this answer "no", the
        # safe side): a few searches of the text, not a walk of the tree.
        if name == "__init__" and owner.kind == "class":
            # ``Pipeline(ddf)``: the class is only instantiated, never passed or subclassed
            cls = owner.node
            return self._mentions(cls.name) == 1 + len(self._instantiations(cls)) and \
                cls.name not in self._exported_names()
        if name not in self._calls_by_name():
            return False  # never called here (a library's public function, often)
        mentions = self._mentions(name)
        # ``module.fn`` from elsewhere cannot be seen; a name in __all__ is meant for it.
        return mentions > 1 and mentions == 1 + len(self._calls_reaching(fn)) and \
            (owner.kind == "class" or name not in self._exported_names())

    def _mentions(self, name: str) -> int:
        """How many times ``name`` occurs in the module's text as a whole word (a few
        ``str.find`` over the text: counting every word of it cost more than all the
        rest of these queries)."""
        cache = self._boundary_cache()
        key = ("mentions", name)
        found = cache.get(key)
        if found is None:
            source, size, found = self.source, len(name), 0
            i = source.find(name)
            while i != -1:
                end = i + size
                if not (i and _word_char(source[i - 1])) and \
                        not (end < len(source) and _word_char(source[end])):
                    found += 1
                i = source.find(name, end)
            cache[key] = found
        return found

    def _calls_reaching(self, fn: ast.AST) -> list[tuple[ast.Call, int]]:
        """The calls of this module that run ``fn``, each with how many positional
        parameters the call binds implicitly (``self`` of ``obj.method(...)``)."""
        cache = self._boundary_cache()
        key = ("calls", id(fn))
        found = cache.get(key)
        if found is not None:
            return found
        scope = self.inner_scope(fn)
        is_method = scope is not None and scope.self_name is not None
        # the calls spelled with the function's name, then resolved (not every call of the
        # module, as ``calls_of`` does on its first question)
        found = [(c, 1 if is_method and type(c.func) is ast.Attribute else 0)
                 for c in self._calls_by_name().get(fn.name, ())
                 if self.function_of(c.func) is fn]
        if fn.name == "__init__" and is_method:
            cls = scope.class_scope.node
            found.extend((c, 1) for c in self._instantiations(cls))
        cache[key] = found
        return found

    def _calls_by_name(self) -> dict[str, list[ast.Call]]:
        """The calls of the module by the callee's last name as written."""
        cache = self._boundary_cache()
        index = cache.get("calls-by-name")
        if index is None:
            index = {}
            for call in self.calls:
                func = call.func
                t = type(func)
                if t is ast.Name:
                    index.setdefault(func.id, []).append(call)
                elif t is ast.Attribute:
                    index.setdefault(func.attr, []).append(call)
            cache["calls-by-name"] = index
        return index

    def _instantiations(self, cls: ast.ClassDef) -> list[ast.Call]:
        found = []
        for call in self._calls_by_name().get(cls.name, ()):
            func = call.func
            if type(func) is ast.Name:
                _, bindings = self.lookup(func.id, self.scope_of(func))
                if len(bindings) == 1 and bindings[0].node is cls:
                    found.append(call)
        return found

    def _exported_names(self) -> frozenset[str]:
        cache = self._boundary_cache()
        found = cache.get("__all__")
        if found is None:
            names = set()
            for b in self.module_scope.bindings.get("__all__", ()):
                if b.kind in ("assign", "augassign") and b.value is not None:
                    value = b.value.value if b.kind == "augassign" else b.value
                    for e in getattr(value, "elts", ()):
                        if type(e) is ast.Constant and isinstance(e.value, str):
                            names.add(e.value)
            found = cache["__all__"] = frozenset(names)
        return found

    # ------------------------------------------------------------------ return values
    def return_value(self, fn: ast.AST) -> Value | None:
        """What every call of a def or lambda of this module returns, when every ``return``
        gives a value of one known kind (``return None`` and falling off the end are left
        out, as an assignment of ``None`` is); recursion is unknown."""
        return self._remembered(("return", id(fn)), self._return_value, fn)

    def _return_value(self, fn: ast.AST) -> Value | None:
        if type(fn) is ast.Lambda:
            v = self.value(fn.body)
            return v if v is not None and v.kind in _CARRIED else None
        if type(fn) is not ast.FunctionDef or self.is_generator_function(fn):
            return None  # a coroutine, a generator
        if any(self.qualname(d.func if type(d) is ast.Call else d)
               not in _TRANSPARENT_DECORATORS for d in fn.decorator_list):
            return None
        values = self._carried([r.value for r in returns_of(fn) if r.value is not None and
                                not (type(r.value) is ast.Constant and r.value.value is None)])
        v = _agree(values) if values else None
        if v is None:
            return None
        return Value(v.kind, v.what, origin=v.origin, node=v.node, element=v.element)

    # ------------------------------------------------------------------ other modules
    def imported_value(self, func: ast.AST) -> Value | None:
        """What a call of a function imported from another module of the project returns,
        from that module's summary (:mod:`.summary`)."""
        project = self.project
        if project is None or type(func) not in (ast.Name, ast.Attribute):
            return None
        imported = self._import_of(func)
        if imported is None:
            return None
        cache = self._boundary_cache()
        key = ("imported", imported)
        k = cache.get(key, MISSING)
        if k is MISSING:
            k = cache[key] = _returned_kind(project, *imported)
        return Value(k, V.KIND_NAMES.get(k, ""), node=func) if k is not None else None

    def _import_of(self, func: ast.AST) -> tuple[str | None, int, str] | None:
        """``(module, level, name)`` of the import a called name comes from: ``load`` of
        ``from .io import load`` is ``("io", 1, "load")``; ``io.load`` of ``import pkg.io as
        io`` is ``("pkg.io", 0, "load")``."""
        if type(func) is ast.Attribute:
            owner = func.value
            if type(owner) is ast.Name:
                relative = self._imported_name(owner)  # ``from . import io``; ``io.load()``
                if relative is not None and relative[1]:
                    module, level, name = relative
                    return (f"{module}.{name}" if module else name), level, func.attr
            q = self.qualname(owner)
            if q is None or type(owner) not in (ast.Name, ast.Attribute):
                return None
            return q, 0, func.attr
        found = self._imported_name(func)
        if found is None:
            return None
        return found

    def _imported_name(self, name: ast.Name) -> tuple[str | None, int, str] | None:
        """``(module, level, name)`` of ``from <module> import <name>`` binding ``name``."""
        _, bindings = self.lookup(name.id, self.scope_of(name))
        if len(bindings) != 1 or bindings[0].kind != "import":
            return None
        stmt = bindings[0].node
        if type(stmt) is not ast.ImportFrom:
            return None
        for alias in stmt.names:
            if (alias.asname or alias.name) == name.id:
                return stmt.module, stmt.level, alias.name
        return None

    # ------------------------------------------------------------------ the cache
    def _boundary_cache(self) -> dict:
        cache = self.__dict__.get("_boundaries")
        if cache is None:
            cache = self.__dict__["_boundaries"] = {}
        return cache


def _returned_kind(project, module: str | None, level: int, name: str) -> K | None:
    """The kind the summary of an imported module gives a function's calls."""
    try:
        summary = project.imported(module, level)
    except Exception:  # the project's files are not ours to fail on
        return None
    if not summary:
        return None
    try:
        k = K(summary.get("returns", {}).get(name))
    except ValueError:
        return None
    return k if k in _CARRIED else None
