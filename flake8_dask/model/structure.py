"""Where a node stands in the tree: its parent and the field holding it, its ancestors, the
function, statement and loops around it, the ``__main__`` guard, module level.

A mixin of :class:`~.semantic.SemanticModel`, which holds the tables (filled by the one walk,
:class:`~.scopes.ScopeBuilder`) and the caches.
"""

from __future__ import annotations

import ast

from .guard import MISSING
from .scopes import COMPREHENSION_NODES, FUNCTION_NODES, LOOP_NODES, Scope, is_main_guard_test

#: The nodes whose bodies are not part of an enclosing function's body.
_NESTED = (*FUNCTION_NODES, ast.ClassDef)


class Structure:
    """The tree queries of :class:`~.semantic.SemanticModel` (a mixin)."""

    #: child -> parent, and node -> the scope it runs in (the walk's side tables).
    _parents: dict[ast.AST, ast.AST]
    _scope_map: dict[ast.AST, Scope]
    #: parent -> {child: the parent's field holding it}, for the parents asked about.
    _field_index: dict[ast.AST, dict[ast.AST, str]]
    module_scope: Scope

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self._parents.get(node)

    def scope_of(self, node: ast.AST) -> Scope:
        return self._scope_map[node]

    def field_of(self, node: ast.AST, parent: ast.AST | None | object = MISSING) -> str | None:
        """The field of its parent that holds ``node`` (``"body"``, ``"test"``, ...). Found
        when asked (few nodes ever are): the first question about a parent's children indexes
        them all, so a module of 100,000 statements costs one pass, not one per statement."""
        if parent is MISSING:
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

    def at_module_level(self, node: ast.AST) -> bool:
        """True when ``node`` runs when the module is imported (not in a def or class)."""
        return self._scope_map[node] is self.module_scope

    def runs_at_import(self, node: ast.AST) -> bool:
        """Like :meth:`at_module_level`, and also inside a comprehension at module level."""
        scope = self._scope_map[node]
        while scope.kind == "comprehension":
            scope = scope.parent
        return scope is self.module_scope

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
                    stack.extend(c for c in child
                                 if isinstance(c, ast.AST) and not isinstance(c, _NESTED))
                elif isinstance(child, ast.AST) and not isinstance(child, _NESTED):
                    stack.append(child)
