"""DSK302's fix: whether a compute in a loop can be moved after it, and what the fix needs."""

from __future__ import annotations

import ast

from ...model import vocabulary as V
from .. import _edits as E
from ._loops import SCOPE_NODES, names_read

_TRY_NODES = (ast.Try, getattr(ast, "TryStar", ast.Try))
#: Statements that do nothing for their effect (DSK302's fix moves the computes past them).
_PLAIN_STATEMENTS = (ast.If, ast.For, ast.While, ast.Pass, ast.Break, ast.Continue,
                     ast.Assert)
#: Methods that change their receiver in place (containers, arrays, frames).
_MUTATING_METHODS = V.CONTAINER_MUTATORS | V.INPUT_MUTATORS_STATEMENT


def fix_facts(m, node: ast.Call) -> tuple | None:
    """What the fix needs, for the two shapes it rewrites: ``results.append(<lazy>
    .compute())`` and ``out[key] = <lazy>.compute()``, where the container is bound to an
    empty list or dict just before the loop and used nowhere else in it. None when the
    values could differ once computed after the loop, or the code cannot be rewritten
    without losing something. Else ``(loop, imports, container, shape, compute)``: the loop
    the fix rewrites, the imports it needs, the container's name, ``"list"`` or ``"dict"``,
    and how ``dask.compute`` is spelled there."""
    func = node.func
    if type(func) is not ast.Attribute or func.attr != "compute" or node.args or \
            node.keywords or func.value.end_lineno != node.end_lineno:
        return None  # arguments, or a comment between the value and .compute()
    parent = m.parent(node)
    if type(parent) is ast.Call:
        method = parent.func
        stmt = m.parent(parent)
        if type(method) is not ast.Attribute or method.attr != "append" or \
                type(method.value) is not ast.Name or parent.args != [node] or \
                parent.keywords or type(stmt) is not ast.Expr:
            return None
        container, shape = method.value.id, "list"
    elif type(parent) is ast.Assign and len(parent.targets) == 1:
        target = parent.targets[0]
        if type(target) is not ast.Subscript or type(target.value) is not ast.Name or \
                type(target.slice) is ast.Slice:
            return None
        container, shape, stmt = target.value.id, "dict", parent
    else:
        return None
    loop = _loop_around(m, stmt)
    if loop is None or not _no_other_effects(loop, stmt) or \
            not _only_use_in(container, loop) or \
            not _starts_empty(m, container, shape, loop) or \
            not _local_to_scope(m, container, loop) or \
            not _computes_the_same_after(func.value, loop):
        return None
    compute = E.bound_name(m, "dask.compute", loop)
    imports: list = []
    if not compute:
        if m.lookup("dask", m.scope_of(loop))[0] is not None:
            return None  # ``dask`` is some other name here
        compute, imports = "dask.compute", [("dask", None, None)]
    return loop, imports, container, shape, compute


def _loop_around(m, stmt: ast.stmt) -> ast.AST | None:
    """The ``for``/``while`` loop whose iteration runs ``stmt`` directly or under ``if``
    (not inside a ``try`` or ``with``, whose handling of the compute would move)."""
    node = stmt
    while True:
        parent = m.parent(node)
        field = m.field_of(node, parent)
        if type(parent) is ast.If and field in ("body", "orelse"):
            node = parent
            continue
        if type(parent) in (ast.For, ast.While) and field == "body" and not parent.orelse:
            return parent
        return None


def _no_other_effects(loop: ast.AST, collecting: ast.stmt) -> bool:
    """The loop does nothing for its effect but collect: its statements assign names,
    branch and loop. A statement run for its effect (``frame.to_csv(path)``, ``print``,
    ``with open(...)``) could change what a lazy value reads, and would then run before
    every computation instead of between them."""
    for s in ast.walk(loop):
        if not isinstance(s, ast.stmt) or s is loop:
            continue
        t = type(s)
        if s is collecting or t in _PLAIN_STATEMENTS:
            continue
        if t in (ast.Assign, ast.AnnAssign, ast.AugAssign):
            targets = s.targets if t is ast.Assign else [s.target]
            if all(type(n) in (ast.Name, ast.Tuple, ast.List, ast.Store)
                   for target in targets for n in ast.walk(target)):
                continue
        return False
    return True


def _only_use_in(container: str, loop: ast.AST) -> bool:
    """The container is named once in the loop (the collecting statement), and the loop
    makes no function: a lambda or def in a lazy value reads the loop variables when
    the values are computed, after the loop (late binding)."""
    uses = 0
    for n in ast.walk(loop):
        if isinstance(n, SCOPE_NODES) or type(n) is ast.Lambda:
            return False
        if type(n) is ast.Name and n.id == container:
            uses += 1
    return uses == 1


def _starts_empty(m, container: str, shape: str, loop: ast.AST) -> bool:
    """An earlier statement of the loop's block binds the container to an empty list
    (``[]``, ``list()``) or dict (``{}``, ``dict()``), and nothing between names it."""
    owner = m.parent(loop)
    block = getattr(owner, m.field_of(loop, owner) or "", None)
    if type(block) is not list:
        return False
    index = next((i for i, s in enumerate(block) if s is loop), None)
    for s in reversed(block[:index or 0]):
        t = type(s)
        target = s.targets[0] if t is ast.Assign and len(s.targets) == 1 else \
            s.target if t is ast.AnnAssign else None
        if type(target) is ast.Name and target.id == container:
            return s.value is not None and _empty(m, s.value, shape)
        if any(type(n) is ast.Name and n.id == container for n in ast.walk(s)):
            return False
    return False


def _empty(m, value: ast.AST, shape: str) -> bool:
    t = type(value)
    if shape == "list":
        return t is ast.List and not value.elts or t is ast.Call and not value.args and \
            not value.keywords and m.qualname(value.func) == "builtins.list"
    return t is ast.Dict and not value.keys or t is ast.Call and not value.args and \
        not value.keywords and m.qualname(value.func) == "builtins.dict"


def _local_to_scope(m, container: str, loop: ast.AST) -> bool:
    """Only the code of the loop's scope sees the container (no ``global`` or
    ``nonlocal`` name, no closure or other function reading it, no ``try`` around the
    loop whose handlers could see it half filled)."""
    scope = m.scope_of(loop)
    if container in scope.global_names or container in scope.nonlocal_names:
        return False
    for anc in m.ancestors(loop):
        if anc is scope.node:
            break
        if type(anc) in _TRY_NODES and (anc.handlers or any(
                type(n) is ast.Name and n.id == container
                for s in anc.finalbody for n in ast.walk(s))):
            return False
    for n in ast.walk(scope.node):
        if type(n) is not ast.Name or n.id != container:
            continue
        inner = m.scope_of(n)
        if inner is scope:
            continue
        found, _ = m.lookup(container, inner)
        if found is not scope:
            continue  # another function's own variable of the same name
        while inner is not scope:
            if inner.kind != "comprehension":
                return False  # a closure or a global read elsewhere
            inner = inner.parent
    return True


def _computes_the_same_after(lazy: ast.AST, loop: ast.AST) -> bool:
    """Nothing in the loop changes, in place, an object the lazy value reads: computed
    after the loop, it would see the last state (``params["k"] = v``, ``rows.append``,
    ``a += [x]``). Rebinding a name is fine: the graph holds the old object."""
    read = names_read(lazy)
    for n in ast.walk(loop):
        t = type(n)
        if t in (ast.Subscript, ast.Attribute) and type(n.ctx) in (ast.Store, ast.Del):
            root = E.root_name(n)
        elif t is ast.AugAssign:
            root = E.root_name(n.target)
        elif t is ast.Call and type(n.func) is ast.Attribute and \
                n.func.attr in _MUTATING_METHODS:
            root = E.root_name(n.func.value)
        else:
            continue
        if root is None or root in read:
            return False
    return True
