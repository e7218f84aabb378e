"""The semantic model: what names refer to, what values hold, which functions run as tasks.

Built once per file from the ``ast`` tree (one walk, :mod:`.scopes`); every query after that is
lazy and memoised. Unknown is always ``None``, and rules stay silent on unknown.

:class:`SemanticModel` is the one object rules query. It holds the walk's tables and the
caches; its queries are written by concern, one mixin each:

* :class:`~.structure.Structure`: parents, fields, ancestors, enclosing function, statement
  and loops, the ``__main__`` guard, module level;
* :class:`~.bindings.Bindings`: scope lookup, reaching bindings, qualified names, the def or
  class an expression stands for, the index of names;
* :class:`~.values.Values`: ``value()`` and ``kind()`` (handlers in :mod:`.inference`), the
  values of bindings and annotations, attributes of ``self``, reductions, array layouts;
* :class:`~.boundaries.Boundaries`: kinds across boundaries: parameters (annotations,
  agreeing calls), return values, functions imported from the project (:mod:`.summary`);
* :class:`~.tasks.Tasks`: task entry points and task functions (also those other modules of
  the project hand to Dask), calls of a def, ``@delayed``;
* :class:`~.cells.Cells`: a notebook's cells, how a message cites a line, displayed values.

The mixins import nothing of each other (they meet in ``self``), so the modules' imports run
one way: ``semantic`` -> the mixins -> ``inference``, ``arrays``, ``literals``, ``scopes``,
``kinds``, ``vocabulary`` -> ``flake8_dask.syntax`` and ``flake8_dask.options``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..options import Options
from .bindings import Bindings
from .boundaries import Boundaries
from .cells import Cells
from .guard import DepthGuard
from .scopes import Scope, ScopeBuilder
from .structure import Structure
from .tasks import Tasks, TaskSite
from .values import Values

#: Node types the walk always collects, whatever the rules ask for: the calls (``calls``)
#: and the yields (:meth:`SemanticModel.is_generator_function`).
_ALWAYS_COLLECTED = frozenset({ast.Call, ast.Yield, ast.YieldFrom})


@dataclass
class SemanticModel(Values, Boundaries, Bindings, Structure, Tasks, Cells, DepthGuard):
    tree: ast.AST
    options: Options = field(default_factory=Options)
    #: The module's text, for the few questions the tree cannot answer (a notebook's cells).
    source: str | None = None
    #: The other modules of the project (:class:`~.summary.ProjectView`), or None when the
    #: file is checked on its own.
    project: object = None

    # ------------------------------------------------------------------ construction
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
        self.__dict__.pop("_boundaries", None)
        self.__dict__.pop("_remote_tasks", None)
        self.nodes, self.calls, self.functions = {}, [], []
