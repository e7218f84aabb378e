"""Scopes and bindings, built in one iterative walk over the ``ast`` tree.

The walk also records every node's parent and scope, in side tables (``parents``,
``scope_map``: the tree is left untouched), and collects the nodes
of the types the rules asked for. Nothing else walks the tree again.
"""

from __future__ import annotations

import ast
from collections import defaultdict

FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
COMPREHENSION_NODES = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
LOOP_NODES = (ast.For, ast.AsyncFor, ast.While)


class Scope:
    __slots__ = ("node", "kind", "parent", "bindings", "global_names", "nonlocal_names",
                 "self_name", "class_scope", "attributes", "has_star_import")

    def __init__(self, node: ast.AST, kind: str, parent: Scope | None):
        self.node = node
        self.kind = kind  # module, class, function, lambda, comprehension
        self.parent = parent
        self.bindings: dict[str, list[Binding]] = defaultdict(list)
        self.global_names: set[str] = set()
        self.nonlocal_names: set[str] = set()
        #: In a method: the name of its first parameter (``self``) and the class's scope.
        self.self_name: str | None = None
        self.class_scope: Scope | None = None
        #: In a class scope: ``self.<attr>`` assignments made in its methods.
        self.attributes: dict[str, list[Binding]] = defaultdict(list)
        self.has_star_import = False

    @property
    def is_function(self) -> bool:
        return self.kind in ("function", "lambda")

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<Scope {self.kind} line {getattr(self.node, 'lineno', 0)}>"


class Binding:
    """One place where a name gets a value.

    ``kind`` is one of: import, assign, augassign, for, with, param, def, class,
    comprehension, named, other. ``value`` is the expression the name gets its value from
    (for ``for`` and comprehensions: the iterable; for ``with``: the context expression;
    for ``param``: the ``ast.arg``). ``index`` is the position inside a tuple target.
    """

    __slots__ = ("name", "scope", "kind", "node", "value", "index", "pos", "qualname")

    def __init__(self, name, scope, kind, node, value=None, index=None, pos=(0, 0),
                 qualname=None):
        self.name = name
        self.scope = scope
        self.kind = kind
        self.node = node
        self.value = value
        self.index = index
        self.pos = pos
        self.qualname = qualname

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<Binding {self.name} {self.kind} at {self.pos}>"


def _end(node: ast.AST) -> tuple[int, int]:
    return (node.end_lineno or node.lineno, node.end_col_offset or 0)


def _start(node: ast.AST) -> tuple[int, int]:
    return (node.lineno, node.col_offset)


class ScopeBuilder:
    """Builds the scope tree. ``wanted`` is the set of node types to collect for the rules."""

    def __init__(self, wanted: frozenset[type]):
        self.wanted = wanted | {ast.Call}  # the calls are always collected (``calls``)
        self.collected: dict[type, list[ast.AST]] = defaultdict(list)
        self.module_scope: Scope | None = None
        self.scopes: list[Scope] = []
        self.calls: list[ast.Call] = []
        self.functions: list[ast.AST] = []
        self.has_main_guard = False
        #: The side tables of the walk: every node's parent (the module's: none) and scope.
        #: Kept off the nodes, so the tree (flake8's) is left as it was, and dropping these
        #: tables is all it takes to free the tree.
        self.parents: dict[ast.AST, ast.AST] = {}
        self.scope_map: dict[ast.AST, Scope] = {}

    # ---------------------------------------------------------------- the walk
    def build(self, tree: ast.AST) -> Scope:
        module = self._new_scope(tree, "module", None)
        self.module_scope = module
        parents = self.parents
        scopes = self.scope_map
        scopes[tree] = module
        stack: list = []  # nodes; each already has its scope in ``scope_map``
        self._push_children(tree, module, stack)
        plans: dict[type, tuple] = {}
        pop = stack.pop
        push = stack.append
        # Names and constants (half the nodes) have nothing below them: recorded when met,
        # never pushed (unless a rule collects them).
        leaves = _LEAF_TYPES - self.wanted
        # The hot loop: the common case (a node with no handler) is inlined, and one lookup
        # per node gives what to do with its type: collect it, a handler, its child fields.
        while stack:
            node = pop()
            t = type(node)
            plan = plans.get(t)
            if plan is None:
                plan = plans[t] = self._plan(t)
            bucket, handler, fields = plan
            if bucket is not None:
                bucket.append(node)
            if handler is not None:
                handler(self, node, scopes[node], stack)
                continue
            scope = scopes[node]
            for field in fields:
                value = getattr(node, field, None)
                if value is None:
                    continue
                if value.__class__ is list:
                    for item in value:
                        if item is not None and not isinstance(item, str):
                            parents[item] = node
                            scopes[item] = scope
                            if item.__class__ not in leaves:
                                push(item)
                elif isinstance(value, ast.AST):
                    parents[value] = node
                    scopes[value] = scope
                    if value.__class__ not in leaves:
                        push(value)
        # The walk pops children in reverse; rules expect source order.
        for nodes in self.collected.values():
            nodes.reverse()
        self.calls = self.collected[ast.Call]
        return module

    def _plan(self, t: type) -> tuple:
        """(the list collecting nodes of type ``t`` or None, its handler or None, its child
        fields)."""
        bucket = self.collected[t] if t in self.wanted else None
        fields = _CHILD_FIELDS.get(t)
        if fields is None:
            fields = _child_fields(t)
        return bucket, self._HANDLERS.get(t), fields

    def release(self) -> None:
        """Break the reference cycles between scopes and bindings (a binding points at its
        scope, the scope back at it, and both at nodes), so that they and the tree are freed
        as soon as they are dropped, without waiting for the cyclic garbage collector. The
        tree itself holds nothing of the model. The model is unusable after."""
        self.parents = {}
        self.scope_map = {}
        for scope in self.scopes:
            scope.node = None
            scope.bindings = {}
            scope.attributes = {}
            scope.class_scope = None
        self.collected = defaultdict(list)
        self.calls = []
        self.functions = []

    def _new_scope(self, node, kind, parent) -> Scope:
        scope = Scope(node, kind, parent)
        self.scopes.append(scope)
        return scope

    def _push_children(self, node: ast.AST, scope: Scope, stack: list) -> None:
        fields = _CHILD_FIELDS.get(type(node))
        if fields is None:
            fields = _child_fields(type(node))
        parents, scopes = self.parents, self.scope_map
        for field in fields:
            value = getattr(node, field, None)
            if value is None:
                continue
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        parents[item] = node
                        scopes[item] = scope
                        stack.append(item)
            elif isinstance(value, ast.AST):
                parents[value] = node
                scopes[value] = scope
                stack.append(value)

    def _push(self, node: ast.AST | None, parent: ast.AST, scope: Scope, stack) -> None:
        if node is None:
            return
        self.parents[node] = parent
        self.scope_map[node] = scope
        stack.append(node)

    def _push_list(self, nodes, parent, scope, stack) -> None:
        parents, scopes = self.parents, self.scope_map
        for n in nodes:
            if n is not None:
                parents[n] = parent
                scopes[n] = scope
                stack.append(n)

    @staticmethod
    def _bind(scope: Scope, binding: Binding) -> None:
        # ``global``/``nonlocal`` are honoured when names are resolved: the walk visits
        # statements out of order, so a declaration may be seen after the assignment.
        scope.bindings[binding.name].append(binding)

    # ---------------------------------------------------------------- handlers
    def _on_function(self, node, scope, stack):
        is_lambda = type(node) is ast.Lambda
        if not is_lambda:
            self._bind(scope, Binding(node.name, scope, "def", node, pos=_start(node)))
            self._push_list(node.decorator_list, node, scope, stack)
            if node.returns is not None:
                self._push(node.returns, node, scope, stack)
        self.functions.append(node)
        args = node.args
        self._push_list(args.defaults, args, scope, stack)
        self._push_list(args.kw_defaults, args, scope, stack)
        self.parents[args] = node
        self.scope_map[args] = scope
        inner = self._new_scope(node, "lambda" if is_lambda else "function", scope)
        all_args = [*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg]
        for arg in all_args:
            if arg is None:
                continue
            self.parents[arg] = args
            self.scope_map[arg] = inner
            self._bind(inner, Binding(arg.arg, inner, "param", arg, value=arg, pos=(0, 0)))
            if arg.annotation is not None:
                self._push(arg.annotation, arg, scope, stack)
        if scope.kind == "class" and not is_lambda:
            positional = [*args.posonlyargs, *args.args]
            decorators = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
            if positional and not decorators & {"staticmethod", "classmethod"}:
                inner.self_name = positional[0].arg
                inner.class_scope = scope
        if is_lambda:
            self._push(node.body, node, inner, stack)
        else:
            self._push_list(node.body, node, inner, stack)

    def _on_class(self, node, scope, stack):
        self._bind(scope, Binding(node.name, scope, "class", node, pos=_start(node)))
        self._push_list(node.decorator_list, node, scope, stack)
        self._push_list(node.bases, node, scope, stack)
        self._push_list(node.keywords, node, scope, stack)
        inner = self._new_scope(node, "class", scope)
        self._push_list(node.body, node, inner, stack)

    def _on_comprehension(self, node, scope, stack):
        inner = self._new_scope(node, "comprehension", scope)
        generators = node.generators
        for i, gen in enumerate(generators):
            self.parents[gen] = node
            self.scope_map[gen] = inner
            # The first iterable is evaluated in the enclosing scope.
            self._push(gen.iter, gen, scope if i == 0 else inner, stack)
            self._bind_target(gen.target, inner, "comprehension", gen.iter, _end(gen.iter),
                              stack, gen)
            self._push_list(gen.ifs, gen, inner, stack)
        if type(node) is ast.DictComp:
            self._push(node.key, node, inner, stack)
            self._push(node.value, node, inner, stack)
        else:
            self._push(node.elt, node, inner, stack)

    def _bind_target(self, target, scope, kind, value, pos, stack, parent, index=None):
        """Bind the names of an assignment target; push the target for the rules."""
        t = type(target)
        if t is ast.Name:
            self._bind(scope, Binding(target.id, scope, kind, target, value, index, pos))
        elif t in (ast.Tuple, ast.List):
            # Pair literal tuples element by element: ``a, b = x, y``.
            paired = kind == "assign" and type(value) in (ast.Tuple, ast.List) and \
                len(value.elts) == len(target.elts) and \
                not any(type(e) is ast.Starred for e in target.elts)
            for i, elt in enumerate(target.elts):
                if paired:
                    self._bind_target(elt, scope, kind, value.elts[i], pos, stack, target)
                else:
                    sub = i if type(elt) is not ast.Starred else None
                    self._bind_target(elt, scope, kind, value, pos, stack, target,
                                      index if sub is None else ((index or ()) + (sub,)))
            self.parents[target] = parent
            self.scope_map[target] = scope
            if type(target) in self.wanted:
                self.collected[type(target)].append(target)
            return
        elif t is ast.Starred:
            self._bind_target(target.value, scope, kind, None, pos, stack, target)
            return
        elif t is ast.Attribute:
            self._record_self_attribute(target, scope, value, pos)
        self._push(target, parent, scope, stack)

    def _record_self_attribute(self, target, scope, value, pos):
        owner = target.value
        if type(owner) is ast.Name and scope.self_name is not None and \
                owner.id == scope.self_name and scope.class_scope is not None:
            scope.class_scope.attributes[target.attr].append(
                Binding(target.attr, scope, "assign", target, value, None, pos))

    def _on_assign(self, node, scope, stack):
        self._push(node.value, node, scope, stack)
        for target in node.targets:
            self._bind_target(target, scope, "assign", node.value, _end(node), stack, node)

    def _on_annassign(self, node, scope, stack):
        if node.value is not None:
            self._push(node.value, node, scope, stack)
        self._push(node.annotation, node, scope, stack)
        target = node.target
        if type(target) is ast.Name:
            kind = "assign" if node.value is not None else "annotation"
            self._bind(scope, Binding(target.id, scope, kind, target,
                                      node.value if node.value is not None else node.annotation,
                                      None, _end(node)))
        elif type(target) is ast.Attribute:
            self._record_self_attribute(target, scope, node.value or node.annotation,
                                        _end(node))
        self._push(target, node, scope, stack)

    def _on_augassign(self, node, scope, stack):
        self._push(node.value, node, scope, stack)
        target = node.target
        if type(target) is ast.Name:
            self._bind(scope, Binding(target.id, scope, "augassign", target, node, None,
                                      _end(node)))
        self._push(target, node, scope, stack)

    def _on_for(self, node, scope, stack):
        self._push(node.iter, node, scope, stack)
        self._bind_target(node.target, scope, "for", node.iter, _end(node.iter), stack, node)
        self._push_list(node.body, node, scope, stack)
        self._push_list(node.orelse, node, scope, stack)

    def _on_with(self, node, scope, stack):
        for item in node.items:
            self.parents[item] = node
            self.scope_map[item] = scope
            self._push(item.context_expr, item, scope, stack)
            if item.optional_vars is not None:
                self._bind_target(item.optional_vars, scope, "with", item.context_expr,
                                  _end(item.context_expr), stack, item)
        self._push_list(node.body, node, scope, stack)

    def _on_named(self, node, scope, stack):
        target_scope = scope
        while target_scope.kind == "comprehension" and target_scope.parent is not None:
            target_scope = target_scope.parent
        self._push(node.value, node, scope, stack)
        self._bind(target_scope, Binding(node.target.id, target_scope, "named", node.target,
                                         node.value, None, _end(node)))
        self._push(node.target, node, scope, stack)

    def _on_import(self, node, scope, stack):
        for alias in node.names:
            if alias.asname:
                name, qualname = alias.asname, alias.name
            else:
                name = alias.name.partition(".")[0]
                qualname = name
            self._bind(scope, Binding(name, scope, "import", node, pos=_end(node),
                                      qualname=qualname))

    def _on_import_from(self, node, scope, stack):
        module = node.module if not node.level else None
        for alias in node.names:
            if alias.name == "*":
                scope.has_star_import = True
                continue
            name = alias.asname or alias.name
            qualname = f"{module}.{alias.name}" if module else None
            self._bind(scope, Binding(name, scope, "import", node, pos=_end(node),
                                      qualname=qualname))

    def _on_global(self, node, scope, stack):
        scope.global_names.update(node.names)

    def _on_nonlocal(self, node, scope, stack):
        scope.nonlocal_names.update(node.names)

    def _on_except(self, node, scope, stack):
        if node.name:
            self._bind(scope, Binding(node.name, scope, "other", node, pos=_start(node)))
        self._push_children(node, scope, stack)

    def _on_if(self, node, scope, stack):
        if scope.kind == "module" and is_main_guard_test(node.test):
            self.has_main_guard = True
        self._push_children(node, scope, stack)

    def _on_match_capture(self, node, scope, stack):
        name = getattr(node, "name", None)
        if name:
            self._bind(scope, Binding(name, scope, "other", node, pos=_start(node)))
        self._push_children(node, scope, stack)

    _HANDLERS = {
        ast.FunctionDef: _on_function,
        ast.AsyncFunctionDef: _on_function,
        ast.Lambda: _on_function,
        ast.ClassDef: _on_class,
        ast.ListComp: _on_comprehension,
        ast.SetComp: _on_comprehension,
        ast.DictComp: _on_comprehension,
        ast.GeneratorExp: _on_comprehension,
        ast.Assign: _on_assign,
        ast.AnnAssign: _on_annassign,
        ast.AugAssign: _on_augassign,
        ast.For: _on_for,
        ast.AsyncFor: _on_for,
        ast.With: _on_with,
        ast.AsyncWith: _on_with,
        ast.NamedExpr: _on_named,
        ast.Import: _on_import,
        ast.ImportFrom: _on_import_from,
        ast.Global: _on_global,
        ast.Nonlocal: _on_nonlocal,
        ast.ExceptHandler: _on_except,
        ast.If: _on_if,
    }
    for _name in ("MatchAs", "MatchStar", "MatchMapping"):
        if hasattr(ast, _name):
            _HANDLERS[getattr(ast, _name)] = _on_match_capture


#: Fields that never hold child nodes worth visiting: expression contexts and operators are
#: shared singletons in CPython's ast, and the rest are plain strings, numbers or flags.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "module", "level", "n", "s",
                          "kind", "type_comment", "conversion", "is_async", "simple", "tag"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
#: Node types without children (no handler either): the walk annotates them without a visit.
_LEAF_TYPES = frozenset({ast.Name, ast.Constant})


def _child_fields(t: type) -> tuple[str, ...]:
    fields = tuple(f for f in t._fields if f not in _LEAF_FIELDS)
    if t is ast.Constant:
        fields = ()
    elif t in (ast.Global, ast.Nonlocal):
        fields = ()  # lists of strings
    elif t in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.alias,
               ast.ExceptHandler):
        fields = tuple(f for f in fields if f not in ("name", "asname"))
    _CHILD_FIELDS[t] = fields
    return fields


def is_main_guard_test(test: ast.AST) -> bool:
    """``__name__ == "__main__"`` (either order)."""
    if type(test) is not ast.Compare or len(test.ops) != 1 or type(test.ops[0]) is not ast.Eq:
        return False
    sides = (test.left, test.comparators[0])
    names = [s for s in sides if type(s) is ast.Name and s.id == "__name__"]
    consts = [s for s in sides if type(s) is ast.Constant and s.value == "__main__"]
    return bool(names and consts)
