"""Small pieces shared by the codemods of several rules.

The ``ast`` helpers decide at detection time whether a rewrite is certainly valid; the libcst
helpers build the rewrite. libcst is imported inside the functions that use it: the flake8
plugin imports this module and never loads libcst.
"""

from __future__ import annotations

import ast

from ..model import COLLECTIONS, FRAMES
from ..model import vocabulary as V
from ..syntax import dotted


# ---------------------------------------------------------------------------- detection side
def assignable(m, expr: ast.AST, stmt: ast.stmt) -> bool:
    """``expr = <new value>`` can be written in ``stmt``'s place without changing what
    ``expr`` refers to: a name bound in the statement's own scope (or declared ``global`` /
    ``nonlocal`` there), a dotted attribute chain that is not an attribute of a Dask collection
    (``self.frame``), or a column of a Dask DataFrame held in such a target (``ddf["a"]``)."""
    t = type(expr)
    if t is ast.Name:
        scope = m.scope_of(stmt)
        if expr.id in scope.global_names or expr.id in scope.nonlocal_names:
            return True
        found, _ = m.lookup(expr.id, scope)
        return found is scope
    if t is ast.Attribute:
        # ``self.frame = ...``, never ``ddf.x = ...`` (an attribute of a collection).
        return dotted(expr) is not None and m.kind(expr.value) not in COLLECTIONS
    if t is ast.Subscript:
        key = expr.slice
        return type(key) is ast.Constant and isinstance(key.value, str) and \
            m.kind(expr.value) in FRAMES and assignable(m, expr.value, stmt)
    return False


def root_name(expr: ast.AST) -> str | None:
    """``a`` for ``a``, ``a.b[c].d`` and ``a.f()``; None for anything else."""
    while True:
        t = type(expr)
        if t in (ast.Attribute, ast.Subscript):
            expr = expr.value
        elif t is ast.Call:
            expr = expr.func
        else:
            return expr.id if t is ast.Name else None


def bare_statement(m, call: ast.AST) -> ast.Expr | None:
    """The expression statement whose whole value is ``call``."""
    parent = m.parent(call)
    return parent if type(parent) is ast.Expr else None


def import_for(m, qualname: str, stmt: ast.AST) -> tuple[str, list]:
    """How to spell ``qualname`` (a ``distributed.X`` name) at ``stmt``: the local name of an
    existing import, or ``X`` plus the import to add. ``("", [])`` when ``X`` is bound to
    something else there."""
    module, _, name = qualname.rpartition(".")
    scope = m.scope_of(stmt)
    for local, bindings in m.module_scope.bindings.items():
        if any(b.kind == "import" and b.qualname and V.canonical(b.qualname) == qualname
               for b in bindings):
            found, _ = m.lookup(local, scope)
            if found is m.module_scope and len(bindings) == 1:
                return local, []
    found, bindings = m.lookup(name, scope)
    if found is not None:
        return "", []
    uses_dask_distributed = any(
        b.kind == "import" and (b.qualname or "").startswith("dask.distributed")
        for bs in m.module_scope.bindings.values() for b in bs)
    if uses_dask_distributed or not m.imports_distributed:
        module = "dask." + module
    return name, [(module, name, None)]


def bound_name(m, qualname: str, stmt: ast.AST) -> str:
    """How to spell the Dask function ``qualname`` (``dask.delayed``) at ``stmt`` with the
    names already imported: the local name of its import (``delayed``), or an attribute of
    its imported module (``dask.delayed``). ``""`` when neither is bound there."""
    module, _, name = qualname.rpartition(".")
    scope = m.scope_of(stmt)
    for wanted, spelled in ((qualname, "{}"), (module, "{}." + name)):
        for local, bindings in m.module_scope.bindings.items():
            if len(bindings) == 1 and bindings[0].kind == "import" and bindings[0].qualname \
                    and V.canonical(bindings[0].qualname) == wanted:
                found, _ = m.lookup(local, scope)
                if found is m.module_scope:
                    return spelled.format(local)
    return ""


# ---------------------------------------------------------------------------- libcst side
def needs_parentheses(node) -> bool:
    """``node.attr`` would bind to part of ``node`` unless it is parenthesized."""
    import libcst as cst

    if getattr(node, "lpar", None):
        return False
    return not isinstance(node, (cst.Name, cst.Attribute, cst.Call, cst.Subscript,
                                 cst.List, cst.Tuple, cst.Dict, cst.Set, cst.ListComp,
                                 cst.SetComp, cst.DictComp, cst.SimpleString,
                                 cst.FormattedString, cst.ConcatenatedString))


def method_call(node, method: str):
    """``<node>.<method>()``, parenthesizing ``node`` when needed."""
    import libcst as cst

    if needs_parentheses(node):
        node = node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    # Parentheses around the receiver stay with it; the new call carries none.
    return cst.Call(func=cst.Attribute(value=node, attr=cst.Name(method)))


def call_with(func_name: str, arg):
    """``<func_name>(<arg>)``; the argument loses its own parentheses (``list(x for x in y)``),
    unless it is a tuple."""
    import libcst as cst

    if getattr(arg, "lpar", None) and not isinstance(arg, cst.Tuple):
        arg = arg.with_changes(lpar=[], rpar=[])
    return cst.Call(func=cst.parse_expression(func_name), args=[cst.Arg(value=arg)])


def with_keyword(call, name: str, value):
    """``call`` with the keyword ``name=value`` set: replaced when present, else appended after
    the last argument, keeping a trailing comma and the layout of multi-line calls."""
    import libcst as cst

    args = list(call.args)
    for i, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == name:
            args[i] = arg.with_changes(value=value)
            return call.with_changes(args=args)
    new = cst.Arg(value=value, keyword=cst.Name(name),
                  equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                        whitespace_after=cst.SimpleWhitespace("")))
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma):
        separator = args[-2].comma
    else:
        separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    new = new.with_changes(comma=last.comma)
    args[-1] = last.with_changes(comma=separator)
    return call.with_changes(args=[*args, new])


def without_keyword(call, name: str):
    """``call`` without its ``name=`` keyword argument."""
    args = list(call.args)
    for i, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == name:
            removed = args.pop(i)
            if i == len(args) and args:
                args[-1] = args[-1].with_changes(comma=removed.comma)
            return call.with_changes(args=args)
    return call


def assign(target, value):
    """The small statement ``<target> = <value>``."""
    import libcst as cst

    return cst.Assign(targets=[cst.AssignTarget(target=target)], value=value)


def has_comment(ws) -> bool:
    """Whitespace (simple or parenthesized) that holds a comment."""
    first = getattr(ws, "first_line", None)
    if first is None:
        return False
    return first.comment is not None or any(e.comment is not None
                                            for e in getattr(ws, "empty_lines", ()))


def has_newline(ws) -> bool:
    return getattr(ws, "first_line", None) is not None


def strip_parentheses(node):
    if getattr(node, "lpar", None):
        return node.with_changes(lpar=[], rpar=[])
    return node


# ---------------------------------------------------------------------------- moving blocks
def indented_deeper(statements):
    """``statements`` ready to move one block deeper (under a new ``if`` or ``with``): the
    blank lines between and inside them lose the indentation libcst would give them, which
    would leave whitespace-only lines (comment lines keep theirs and move with the code)."""
    import libcst as cst

    class _Blank(cst.CSTTransformer):
        def leave_EmptyLine(self, original_node, updated_node):  # noqa: N802 - libcst's name
            if updated_node.comment is None and updated_node.indent:
                return updated_node.with_changes(indent=False)
            return updated_node

    blank = _Blank()
    return [s.visit(blank) for s in statements]
