"""Syntax helpers for the model and the rules: keyword arguments, constants, dotted names,
the text of a node for a message. Functions of the ``ast`` alone (no model, no Dask).

Each helper is defined here once; neither the model, a family package nor a rule keeps its
own copy. What the code binds a name to (``single_assignment``) and the integers it spells
out (``literal_int``) need the model's bindings: ``from flake8_dask.model import literal_int``.
"""

from __future__ import annotations

import ast

#: How many characters of an expression's source a message shows by default.
SHORT_TEXT_LIMIT = 40


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    """The ``name=`` keyword of ``call`` (the ``ast.keyword`` node), or None."""
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


def keyword_value(call: ast.Call, name: str) -> ast.expr | None:
    """The value passed as ``name=`` to ``call``, or None."""
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def has_double_star(call: ast.Call) -> bool:
    """``call`` passes ``**kwargs``: any keyword may hide in it."""
    return any(kw.arg is None for kw in call.keywords)


def is_constant(node: ast.AST | None, *values) -> bool:
    """``node`` is a literal equal to one of ``values`` and of the same type (``True`` is not
    ``1``, ``0.0`` is not ``0``)."""
    return type(node) is ast.Constant and any(
        node.value == v and type(node.value) is type(v) for v in values)


def is_number(node: ast.AST) -> bool:
    """``node`` is an int or float literal."""
    return type(node) is ast.Constant and type(node.value) in (int, float)


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of names and attributes, else None."""
    parts = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is not ast.Name:
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def callee_name(call: ast.Call) -> str | None:
    """The last name of the callee as written (``asarray`` for ``np.asarray(...)``), a cheap
    test before resolving it."""
    func = call.func
    t = type(func)
    return func.attr if t is ast.Attribute else func.id if t is ast.Name else None


def short(node: ast.AST, limit: int = SHORT_TEXT_LIMIT) -> str:
    """The source of an expression on one line, cut to ``limit`` characters (ending "...")
    for a message. Never for code a user is told to write: a cut text is not valid code."""
    text = ast.unparse(node).replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 3] + "..."


def code(node: ast.AST, limit: int = 60) -> str | None:
    """The whole source of an expression on one line, for code a message tells the user to
    write (in backticks), or None when it is longer than ``limit``: a suggestion is complete,
    valid code or not given (:func:`short` cuts, which is for naming, never for writing)."""
    text = ast.unparse(node)
    return text if len(text) <= limit and "\n" not in text else None


def receiver(node: ast.AST, limit: int = 30) -> str:
    """:func:`short` of an expression shown as the receiver of a method call: parenthesized
    unless it is a name, attribute, call or subscript."""
    shown = short(node, limit)
    if type(node) in (ast.Name, ast.Attribute, ast.Call, ast.Subscript):
        return shown
    return f"({shown})"


def inside(node: ast.AST, container: ast.AST) -> bool:
    """``node`` starts within ``container``'s source range."""
    start = (node.lineno, node.col_offset)
    return (container.lineno, container.col_offset) <= start <= (
        container.end_lineno, container.end_col_offset)


def function_label(fn: ast.AST) -> str:
    """How a message names a function: ``lambda`` or ``'name'``."""
    return "lambda" if type(fn) is ast.Lambda else f"'{fn.name}'"


def site_text(sites, cite=None) -> str:
    """Where a task function was handed to Dask, for a message: the first of its sites
    (``passed to client.map at line 12``, ``decorated with @delayed at line 3``). ``cite``
    names a line (the model's ``cite``: ``cell 3, line 2`` in a notebook)."""
    site = min(sites, key=lambda s: (s.line == 0, s.line))  # this module's sites first
    verb = "decorated with" if site.api.startswith("@") else "passed to"
    place = getattr(site, "place", None)
    where = place if place else cite(site.line) if cite is not None else f"line {site.line}"
    return f"{verb} {site.api} at {where}"


# ---------------------------------------------------------------- calls and defs
#: What :func:`argument_of` answers when ``*args`` or ``**kwargs`` may hold the argument.
STAR = object()


def argument_of(call: ast.Call, fn: ast.AST, arg: ast.arg, shift: int = 0):
    """The expression a call passes for one parameter of ``fn``: ``None`` when it passes
    none, :data:`STAR` when a ``*args`` or ``**kwargs`` may hold it."""
    args = fn.args
    positional = [*args.posonlyargs, *args.args]
    for kw in call.keywords:
        if kw.arg is None:
            return STAR
        if kw.arg == arg.arg and arg not in args.posonlyargs:
            return kw.value
    if arg in positional:
        index = positional.index(arg) - shift
        for i, a in enumerate(call.args):
            if type(a) is ast.Starred:
                return STAR
            if i == index:
                return a
    return None


def default_of(fn: ast.AST, arg: ast.arg) -> ast.AST | None:
    args = fn.args
    positional = [*args.posonlyargs, *args.args]
    if arg in positional:
        i = positional.index(arg) - (len(positional) - len(args.defaults))
        return args.defaults[i] if i >= 0 else None
    if arg in args.kwonlyargs:
        return args.kw_defaults[args.kwonlyargs.index(arg)]
    return None


def returns_of(fn: ast.AST) -> list[ast.Return]:
    """The ``return`` statements of a def, not those of the defs and classes nested in it."""
    found = []
    stack = list(fn.body)
    while stack:
        node = stack.pop()
        t = type(node)
        if t is ast.Return:
            found.append(node)
        elif t in (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef):
            continue
        elif isinstance(node, ast.stmt):
            for name in ("body", "orelse", "finalbody", "handlers", "cases"):
                stack.extend(getattr(node, name, ()))
        elif isinstance(node, (ast.excepthandler, getattr(ast, "match_case", ast.excepthandler))):
            stack.extend(node.body)
    return found
