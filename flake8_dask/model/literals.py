"""What the code spells out: the one value a name is bound to, and literal integers.

Shared by the model (array layouts) and the rules (thresholds, ranges, chunk sizes). A value
that is not written in the code is unknown (None), and unknown means silent.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .semantic import SemanticModel

#: Literal integer arithmetic is folded only on values of this magnitude or less.
MAX_LITERAL = 10 ** 18
#: How many names :func:`literal_int` follows back to their single assignment.
_MAX_DEPTH = 6


def single_assignment(m: SemanticModel, name: ast.Name) -> ast.AST | None:
    """The value bound to ``name`` when exactly one binding reaches this use and it is a
    plain assignment (``n = 10``), an assignment expression (``(n := 10)``) or a ``with``
    target (``with open(p) as f``: the context expression), not unpacked."""
    bindings = m.reaching_bindings(name)
    if len(bindings) != 1:
        return None
    b = bindings[0]
    if b.kind in ("assign", "named") and b.index is None and b.value is not None:
        return b.value
    if b.kind == "with" and b.index is None:
        return b.value
    return None


def literal_int(m: SemanticModel, node: ast.AST | None, _depth: int = 0) -> int | None:
    """An integer the code spells out: ``10_000``, ``2 ** 20``, ``-1``, ``int(1e6)``, or a
    name bound once to one of these. None when it is not spelled out, or beyond
    :data:`MAX_LITERAL`."""
    if node is None or _depth > _MAX_DEPTH:
        return None
    t = type(node)
    if t is ast.Constant:
        v = node.value
        return v if type(v) is int and abs(v) <= MAX_LITERAL else None
    if t is ast.UnaryOp and type(node.op) is ast.USub:
        v = literal_int(m, node.operand, _depth + 1)
        return -v if v is not None else None
    if t is ast.BinOp:
        a = literal_int(m, node.left, _depth + 1)
        b = literal_int(m, node.right, _depth + 1)
        if a is None or b is None:
            return None
        op = type(node.op)
        if op is ast.Add:
            r = a + b
        elif op is ast.Sub:
            r = a - b
        elif op is ast.Mult:
            r = a * b
        elif op is ast.FloorDiv and b:
            r = a // b
        elif op is ast.Pow and 0 <= b <= 64 and abs(a) <= 1 << 20:
            r = a ** b
        else:
            return None
        return r if abs(r) <= MAX_LITERAL else None
    if t is ast.Name:
        value = single_assignment(m, node)
        return literal_int(m, value, _depth + 1) if value is not None else None
    if t is ast.Call and len(node.args) == 1 and not node.keywords and \
            m.qualname(node.func) == "builtins.int":
        arg = node.args[0]
        if type(arg) is ast.Constant and type(arg.value) is float:
            return int(arg.value) if abs(arg.value) <= MAX_LITERAL else None
        return literal_int(m, arg, _depth + 1)
    return None
