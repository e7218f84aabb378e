"""Task entry points and task functions: what Dask runs on a worker (catalog 0.3)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from ..syntax import STAR, argument_of, dotted
from . import vocabulary as V
from .guard import MISSING
from .kinds import FRAMES, K

if TYPE_CHECKING:
    from .semantic import SemanticModel

_CLIENT_TASK_METHODS = frozenset({"submit", "map"})
_ALL_METHOD_NAMES = _CLIENT_TASK_METHODS.union(V.FRAME_TASK_METHODS, V.ARRAY_TASK_METHODS,
                                               V.BAG_TASK_METHODS, {"scatter"})
#: Bag methods and the argument positions (and keywords) that hold functions.
_BAG_FUNCTION_ARGS = {
    "foldby": ((0, 1), ("combine",)),
    "reduction": ((0, 1), ()),
}


@dataclass(frozen=True)
class TaskSite:
    """Where a function was handed to Dask."""

    function: ast.AST  # the FunctionDef, AsyncFunctionDef or Lambda
    api: str  # "client.map", "delayed", "map_partitions", "@delayed", ...
    line: int
    lazy: bool  # runs at compute time (delayed, collection methods) vs at submit time
    per_chunk: bool  # runs once per partition, block, row or element
    call: ast.AST | None = None  # the entry-point call (or decorator)
    #: Where, when it is in another module of the project (``pkg/driver.py:12``); the
    #: ``line`` is then 0.
    place: str | None = None

    def describe(self) -> str:
        return f"{self.api} at {self.place}" if self.place else f"{self.api} at line {self.line}"


@dataclass(frozen=True)
class EntryPoint:
    """A call that hands functions and data to Dask."""

    call: ast.Call
    api: str  # "client.map", "delayed", "delayed call", "map_partitions", ...
    family: str  # "client", "delayed", "collection", "scatter"
    functions: tuple[ast.AST, ...]  # the expressions passed as functions
    data: tuple[ast.AST, ...]  # expressions shipped as they are
    iterables: tuple[ast.AST, ...]  # expressions whose elements are shipped (client.map)
    lazy: bool
    per_chunk: bool


def _split(call: ast.Call, positions, keywords, control) -> tuple[tuple, tuple]:
    """Split a call's arguments into functions (at positions/keywords) and shipped data."""
    functions, data = [], []
    for i, arg in enumerate(call.args):
        (functions if i in positions else data).append(arg)
    for kw in call.keywords:
        if kw.arg in keywords:
            functions.append(kw.value)
        elif kw.arg is not None and kw.arg not in control:
            data.append(kw.value)
    return tuple(functions), tuple(data)


#: Last names of module-level entry points (``dd.map_partitions``, ``delayed``, ...).
_MODULE_FUNCTION_NAMES = frozenset(
    q.rpartition(".")[2] for q in (*V.DELAYED_FUNCTIONS, *V.MODULE_TASK_FUNCTIONS,
                                   *V.MODULE_REDUCTIONS))


def find_entry_point(m: SemanticModel, call: ast.Call) -> EntryPoint | None:
    func = call.func
    t = type(func)
    if t is ast.Attribute and func.attr not in _ALL_METHOD_NAMES and \
            func.attr not in _MODULE_FUNCTION_NAMES:
        return None  # cheap exit: no entry point ends with this name
    only_defs = False
    if t is ast.Name and func.id not in _MODULE_FUNCTION_NAMES:
        # Only a local def (``@delayed``) or an assigned ``delayed(f)`` can still match.
        _, bindings = m.lookup(func.id, m.scope_of(func))
        if not bindings or all(b.kind in ("import", "class") for b in bindings):
            return None
        only_defs = all(b.kind == "def" for b in bindings)  # no value can be a Delayed
    recv = m.value(func.value) if t is ast.Attribute and func.attr in _ALL_METHOD_NAMES \
        else None
    if recv is not None:
        # A method of a known receiver; ``da.map_blocks(f, x)`` (a module function with a
        # method's name) has no receiver value and is resolved by its qualified name below.
        meth = func.attr
        kind = recv.kind
        if kind == K.CLIENT:
            api = dotted(func) or f"client.{meth}"
            if meth == "scatter":
                return EntryPoint(call, api, "scatter", (), tuple(call.args[:1]), (),
                                  False, False)
            if meth in _CLIENT_TASK_METHODS and call.args:
                fns, data = _split(call, (0,), (), V.SUBMIT_CONTROL_KEYWORDS)
                if meth == "map":
                    iterables = tuple(a for a in call.args[1:] if type(a) is not ast.Starred)
                    data = tuple(d for d in data if d not in iterables)
                    return EntryPoint(call, api, "client", fns, data, iterables, False, False)
                return EntryPoint(call, api, "client", fns, data, (), False, False)
            return None
        if kind in FRAMES or (kind == K.GROUPBY and recv.what != "an accessor"):
            if meth in V.FRAME_TASK_METHODS:
                if meth == "reduction":
                    spec = ((0, 1), ("chunk", "aggregate", "combine"))
                else:
                    spec = ((0,), ("func", "arg"))
                fns, data = _split(call, *spec, V.COLLECTION_CONTROL_KEYWORDS)
                return EntryPoint(call, meth, "collection", fns, data, (), True, True)
            return None
        if kind == K.ARRAY and meth in V.ARRAY_TASK_METHODS:
            fns, data = _split(call, (0,), ("func",), V.COLLECTION_CONTROL_KEYWORDS)
            return EntryPoint(call, meth, "collection", fns, data, (), True, True)
        if kind == K.BAG and meth in V.BAG_TASK_METHODS:
            positions, keywords = _BAG_FUNCTION_ARGS.get(meth, ((0,), ()))
            fns, data = _split(call, positions, keywords, V.COLLECTION_CONTROL_KEYWORDS)
            return EntryPoint(call, f"bag.{meth}", "collection", fns, data, (), True, True)
        return None
    if t is ast.Call:
        # ``delayed(f)(...)``: the outer call ships its arguments.
        if m.qualname(func.func) in V.DELAYED_FUNCTIONS:
            data = tuple(call.args) + tuple(kw.value for kw in call.keywords
                                            if kw.arg is not None)
            return EntryPoint(call, "delayed call", "delayed", (), data, (), True, False)
        return None
    q = m.qualname(func) if t in (ast.Name, ast.Attribute) else None
    if q is not None:
        if q in V.DELAYED_FUNCTIONS and call.args:
            return EntryPoint(call, "delayed", "delayed", tuple(call.args[:1]), (), (),
                              True, False)
        if q in V.MODULE_TASK_FUNCTIONS:
            fns, data = _split(call, V.MODULE_TASK_FUNCTIONS[q], ("func",),
                               V.COLLECTION_CONTROL_KEYWORDS)
            return EntryPoint(call, q.rpartition(".")[2], "collection", fns, data, (), True,
                              True)
        if q in V.MODULE_REDUCTIONS:
            fns, data = _split(call, V.MODULE_REDUCTIONS[q], ("chunk", "aggregate", "combine"),
                               V.COLLECTION_CONTROL_KEYWORDS)
            return EntryPoint(call, "reduction", "collection", fns, data, (), True, True)
        return None
    if t is ast.Name:
        fn = m.function_of(func)
        if fn is not None and m.is_delayed_decorated(fn):
            data = tuple(call.args) + tuple(kw.value for kw in call.keywords
                                            if kw.arg is not None)
            return EntryPoint(call, f"@delayed function {fn.name}()", "delayed", (), data, (),
                              True, False)
        v = None if only_defs else m.value(func)
        if v is not None and v.kind == K.DELAYED and type(v.node) is ast.Call and \
                m.qualname(v.node.func) in V.DELAYED_FUNCTIONS:
            data = tuple(call.args) + tuple(kw.value for kw in call.keywords
                                            if kw.arg is not None)
            return EntryPoint(call, "delayed call", "delayed", (), data, (), True, False)
    return None


def find_task_sites(m: SemanticModel) -> Iterator[TaskSite]:
    for call in m.calls:
        ep = m.entry_point(call)
        if ep is None:
            continue
        for expr in ep.functions:
            fn = m.function_of(expr)
            if fn is not None:
                yield TaskSite(fn, ep.api, call.lineno, ep.lazy, ep.per_chunk, call)
            elif type(expr) is ast.Name:
                for fn, helper_call, helper in _through_parameter(m, expr):
                    yield TaskSite(fn, f"{ep.api} in {helper.name}()", helper_call.lineno,
                                   ep.lazy, ep.per_chunk, helper_call)
    for fn in m.functions:
        dec = m.is_delayed_decorated(fn)
        if dec is not None:
            yield TaskSite(fn, "@delayed", dec.lineno, True, False, dec)


def _through_parameter(m: SemanticModel, name: ast.Name):
    """One level into same-module helpers: ``def run(client, fn): client.submit(fn)`` called
    as ``run(client, work)`` makes ``work`` a task function."""
    scope, bindings = m.lookup(name.id, m.scope_of(name))
    if len(bindings) != 1 or bindings[0].kind != "param" or scope is None:
        return
    helper = scope.node
    if type(helper) not in (ast.FunctionDef, ast.AsyncFunctionDef):
        return
    param = bindings[0].node
    is_method = scope.self_name is not None
    for call in m.calls_of(helper):
        shift = 1 if is_method and type(call.func) is ast.Attribute else 0
        expr = argument_of(call, helper, param, shift)
        fn = m.function_of(expr) if expr is not None and expr is not STAR else None
        if fn is not None:
            yield fn, call, helper


def _remote_task_sites(m: SemanticModel) -> Iterator[TaskSite]:
    """The top-level functions of this module that other modules of the project hand to Dask
    (``from .tasks import record`` then ``client.submit(record, x)`` in ``driver.py``)."""
    defs = {b.name: b.node for bs in m.module_scope.bindings.values() if len(bs) == 1
            for b in bs if b.kind == "def"}
    if not defs:
        return
    try:
        remote = m.project.task_sites()
    except Exception:  # the project's files are not ours to fail on
        return
    for name, places in (remote or {}).items():
        fn = defs.get(name)
        if fn is None or type(fn) not in (ast.FunctionDef, ast.AsyncFunctionDef):
            continue
        for place in places[:20]:  # {"api", "place", "lazy", "per_chunk"}
            yield TaskSite(fn, str(place.get("api") or "a task entry point"), 0,
                           place.get("lazy") is True, place.get("per_chunk") is True,
                           place=str(place.get("place") or "") or None)


class Tasks:
    """The task queries of :class:`~.semantic.SemanticModel` (a mixin)."""

    _tasks: dict[ast.AST, list[TaskSite]] | None
    _entry_points: dict[int, object]
    _calls_of: dict[int, list[ast.Call]] | None

    @property
    def tasks(self) -> dict[ast.AST, list[TaskSite]]:
        """Every function of this module that Dask runs as a task, with where it was handed."""
        if self._tasks is None:
            tasks: dict[ast.AST, list[TaskSite]] = {}
            for site in find_task_sites(self):
                tasks.setdefault(site.function, []).append(site)
            self._tasks = tasks
        return self._tasks

    def task_sites_of(self, node: ast.AST) -> tuple[ast.AST | None, list[TaskSite]]:
        """The task function whose body contains ``node`` (excluding nested defs), with
        where it is handed to Dask: in this module, else in another module of the project."""
        fn = self.enclosing_function(node)
        if fn is None:
            return None, []
        return fn, self.tasks.get(fn) or self.remote_task_sites(fn)

    def remote_task_sites(self, fn: ast.AST) -> list[TaskSite]:
        """Where other modules of the project hand this top-level function to Dask
        (``from .tasks import record`` then ``client.submit(record, x)``); [] without a
        project. The project's index is read on the first question only."""
        if self.project is None:
            return []
        remote = self.__dict__.get("_remote_tasks")
        if remote is None:
            remote = {}
            for site in _remote_task_sites(self):
                remote.setdefault(site.function, []).append(site)
            self.__dict__["_remote_tasks"] = remote
        return remote.get(fn, [])

    def tasks_across_project(self) -> dict[ast.AST, list[TaskSite]]:
        """:attr:`tasks`, and the top-level functions other modules of the project hand to
        Dask (for the rules whose finding is in the task's body whoever hands it over)."""
        if self.project is None:
            return self.tasks
        found = dict(self.tasks)
        for b in (b for bs in self.module_scope.bindings.values() for b in bs):
            if b.kind == "def" and b.node not in found:
                sites = self.remote_task_sites(b.node)
                if sites:
                    found[b.node] = sites
        return found

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

    def entry_point(self, call: ast.Call):
        """The task entry point this call is, if any (see :mod:`.tasks`)."""
        key = id(call)
        cache = self._entry_points
        found = cache.get(key, MISSING)
        if found is MISSING:
            found = cache[key] = find_entry_point(self, call)
        return found

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
