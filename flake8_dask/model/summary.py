"""What other modules of the project need to know about a module, and how the model asks
for theirs.

flake8 checks one file per process, yet a collection often reaches a mistake from another
module of the project: ``from .io import read_events`` returns a Dask DataFrame, a task
function defined here is submitted from ``driver.py``. :func:`summarize` computes a module's
*summary*, a small JSON-safe dict (``flake8_dask.project`` caches it on disk, keyed by the
source's hash), and the model of the file being checked reads the summaries of the project
modules it imports through a :class:`ProjectView` (``SemanticModel.project``; ``None`` when
the file is checked on its own).

A summary::

    {
      "returns": {"load_events": "dataframe", "Loader.load": "array"},
      "tasks": [{"module": "io", "level": 1, "name": "process", "api": "client.submit",
                 "line": 12, "lazy": false, "per_chunk": false,
                 "site": "client.submit at line 12"}],
    }

``returns``: the kind (:class:`~.kinds.K` value) every call of a top-level function or a
method (``Class.method``) returns, when the model knows it. ``tasks``: the functions this
module imports and hands to Dask as tasks, each with the import as written (``module`` and
``level`` of the ``from ... import``, ``name`` the imported name) and where it is handed.
"""

from __future__ import annotations

import ast
from typing import Protocol


class ProjectView(Protocol):
    """What the model may ask about the other modules of the project."""

    def imported(self, module: str | None, level: int) -> dict | None:
        """The summary of the module that ``from <'.' * level><module> import ...`` (or
        ``import <module>``, level 0) names in the checked file, when it is a module of the
        project; ``None`` otherwise (not found, outside the project, unreadable, too large)."""

    def task_sites(self) -> dict[str, list]:
        """The checked file's own top-level functions that other modules of the project hand
        to Dask as tasks: name -> where, each a dict ``{"api": "map_partitions", "place":
        "pkg/driver.py:12", "lazy": true, "per_chunk": true}``."""


def summarize(source: str, options=None) -> dict:
    """The summary of a module's source (never raises: a module that does not parse, or an
    internal error, summarizes as empty)."""
    empty = {"returns": {}, "tasks": []}
    if "dask" not in source and "distributed" not in source:
        return empty  # no Dask value can be made or handed over here
    from ..options import Options
    from .semantic import SemanticModel
    try:
        tree = ast.parse(source)
        m = SemanticModel(tree, options or Options(), source).build()
        try:
            return {"returns": _returns(m), "tasks": _tasks(m)}
        finally:
            m.release()
    except (Exception, RecursionError):
        return empty


def _returns(m) -> dict[str, str]:
    found = {}

    def record(name: str, fn) -> None:
        v = m.return_value(fn)
        if v is not None:
            found[name] = v.kind.value

    for name, bindings in m.module_scope.bindings.items():
        if len(bindings) != 1:
            continue
        b = bindings[0]
        if b.kind == "def" and type(b.node) is ast.FunctionDef:
            record(name, b.node)
        elif b.kind == "class":
            scope = m.inner_scope(b.node)
            for meth, defs in scope.bindings.items():
                if len(defs) == 1 and defs[0].kind == "def" and \
                        type(defs[0].node) is ast.FunctionDef:
                    record(f"{name}.{meth}", defs[0].node)
    return found


def _tasks(m) -> list[dict]:
    """The imported functions this module hands to Dask."""
    found = []
    for call in m.calls:
        ep = m.entry_point(call)
        if ep is None:
            continue
        for expr in ep.functions:
            if type(expr) is ast.Call and expr.args and \
                    m.qualname(expr.func) == "functools.partial":
                expr = expr.args[0]
            if type(expr) not in (ast.Name, ast.Attribute):
                continue
            imported = m._import_of(expr)
            if imported is None:
                continue
            module, level, name = imported
            found.append({"module": module, "level": level, "name": name, "api": ep.api,
                          "line": call.lineno, "lazy": bool(ep.lazy),
                          "per_chunk": bool(ep.per_chunk),
                          "site": f"{ep.api} at line {call.lineno}"})
    return found[:1000]
