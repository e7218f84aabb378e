"""Loops, for the rules of the family that look at them: the statements of an iteration,
the names they read and assign, the Dask collections a loop rebuilds from their previous
value (DSK303's analysis, which DSK302 uses to leave those loops to DSK303), how a
message names a loop, and how many items a literal ``range`` has (DSK309, DSK311)."""

from __future__ import annotations

import ast

from ...model import COLLECTIONS, FUNCTION_NODES, LOOP_NODES, SemanticModel, literal_int

#: Definitions: code inside them does not run in the iteration that defines them.
SCOPE_NODES = (*FUNCTION_NODES, ast.ClassDef)


def loop_statements(loop: ast.AST) -> list[ast.stmt]:
    """The statements that run once per iteration of ``loop``, in order, looking into
    ``if``/``with``/``try`` blocks but not into nested loops or definitions."""
    out: list[ast.stmt] = []
    _visit_statements(loop.body, out)
    return out


def _visit_statements(stmts, out: list[ast.stmt]) -> None:
    # A module-level function, not a recursive closure: a closure that calls itself is a
    # reference cycle, which would keep the statements alive until the cyclic collector.
    for s in stmts:
        if isinstance(s, (*LOOP_NODES, *FUNCTION_NODES, ast.ClassDef)):
            out.append(s)
            continue
        out.append(s)
        for field in ("body", "orelse", "finalbody"):
            block = getattr(s, field, None)
            if type(block) is list and type(s) is not ast.Expr:
                _visit_statements(block, out)
        for handler in getattr(s, "handlers", ()):
            _visit_statements(handler.body, out)
        for case in getattr(s, "cases", ()):
            _visit_statements(case.body, out)


def names_read(node: ast.AST) -> set[str]:
    return {n.id for n in SemanticModel.loaded_names(node)}


def assignments(s: ast.stmt):
    """``(name, value, names read)`` for each name that the statement ``s`` assigns
    (``x = ...``, ``a, b = ...``, ``x += ...``, ``x: T = ...``)."""
    t = type(s)
    if t is ast.Assign:
        reads = names_read(s.value)
        for target in s.targets:
            for n in ast.walk(target):
                if type(n) is ast.Name and type(n.ctx) is ast.Store:
                    yield n.id, s.value, reads
    elif t is ast.AugAssign and type(s.target) is ast.Name:
        yield s.target.id, s.value, names_read(s.value) | {s.target.id}
    elif t is ast.AnnAssign and s.value is not None and type(s.target) is ast.Name:
        yield s.target.id, s.value, names_read(s.value)


def assigned_value(m, stmt: ast.stmt, name: str):
    """The model's value of ``name`` as the assignment ``stmt`` binds it, or None."""
    if type(stmt) is ast.AugAssign:
        for b in m.scope_of(stmt).bindings.get(name, ()):
            if b.value is stmt:
                v = m.binding_value(b)
                return v if hasattr(v, "kind") else None
        return None
    if type(stmt) in (ast.Assign, ast.AnnAssign):
        targets = stmt.targets if type(stmt) is ast.Assign else [stmt.target]
        for target in targets:
            if type(target) is ast.Name and target.id == name:
                return m.value(stmt.value)
        # tuple targets: look the binding up
        for b in m.scope_of(stmt).bindings.get(name, ()):
            if m.statement_of(b.node) is stmt:
                v = m.binding_value(b)
                return v if hasattr(v, "kind") else None
    return None


def loop_flow(loop: ast.AST):
    """How names flow through one iteration of ``loop``: for each name assigned in it, the
    names of the previous iteration its value comes from (``taint``), the last statement that
    assigns it (``last``), and every ``(target, value)`` assignment in order."""
    taint: dict[str, set[str]] = {}
    last: dict[str, ast.stmt] = {}
    assigned: list[tuple[str, ast.AST]] = []
    for s in loop_statements(loop):
        for target, value, reads in assignments(s):
            carried: set[str] = set()
            for n in reads:
                carried |= taint[n] if n in taint else {n}
            taint[target] = carried
            last[target] = s
            assigned.append((target, value))
    return taint, last, assigned


def rebuilt_in_loop(m, loop: ast.AST) -> set[str]:
    """The names of Dask collections that ``loop`` rebuilds from their previous value (what
    DSK303 looks at, persisted or not), and of the values derived from them in the loop."""
    taint, last, _ = loop_flow(loop)
    derived: set[str] = set()
    for name, stmt in last.items():
        if name not in taint[name]:
            continue
        v = assigned_value(m, stmt, name)
        if v is None or v.kind not in COLLECTIONS:
            continue
        derived |= {name} | {n for n, t in taint.items() if name in t}
    return derived


def loop_label(m, loop: ast.AST) -> str:
    kind = "a loop" if isinstance(loop, LOOP_NODES) else "a comprehension"
    return f"{kind} ({m.cite(loop.lineno)})"


def range_length(m, node: ast.AST) -> int | None:
    """The number of items of ``range(<literals>)`` (or ``list(range(...))``)."""
    if type(node) is not ast.Call or node.keywords:
        return None
    q = m.qualname(node.func)
    if q in ("builtins.list", "builtins.tuple") and len(node.args) == 1:
        return range_length(m, node.args[0])
    if q != "builtins.range" or not 1 <= len(node.args) <= 3:
        return None
    bounds = [literal_int(m, a) for a in node.args]
    if None in bounds or (len(bounds) == 3 and bounds[2] == 0):
        return None
    try:
        return len(range(*bounds))
    except OverflowError:  # more items than a C ssize_t: nobody means that
        return None
