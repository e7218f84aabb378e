"""What task functions capture: their free names, whether cloudpickle ships them by value,
and the shared check of DSK202/DSK203 (DSK204 uses :func:`free_names` too)."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding
from ...model import K, Value
from ..base import Rule


def free_names(m, fn) -> dict[str, list[ast.Name]]:
    """Names read in ``fn`` (nested functions included) that are bound outside it."""
    found: dict[str, list[ast.Name]] = {}
    body = [fn.body] if type(fn) is ast.Lambda else fn.body
    for stmt in body:
        for n in m.loaded_names(stmt):
            if m.is_free_in(n, fn):
                found.setdefault(n.id, []).append(n)
    return found


def captures_by_value(m, fn) -> bool:
    """cloudpickle ships this function with the globals it reads (by value)."""
    if type(fn) is ast.Lambda:
        return True
    scope = m.scope_of(fn)
    if scope.kind in ("function", "lambda", "comprehension"):
        return True  # a nested def
    # a script's functions, and a notebook's: IPython runs the cells in ``__main__``
    # (benchmarks/verification/notebook_functions_by_value.py)
    return scope is m.module_scope and (m.has_main_guard or m.options.notebook)


class CaptureRule(Rule):
    """Shared check for DSK202/DSK203: free variables of task functions by kind."""

    node_types = ()
    what_kind: K = K.RESOURCE

    def finish(self) -> Iterator[Finding]:
        m = self.model
        for fn, sites in m.tasks.items():
            if type(fn) is not ast.Lambda and m.scope_of(fn).kind == "class":
                yield from self._defaults(fn, sites)
                continue
            yield from self._defaults(fn, sites)
            if not captures_by_value(m, fn):
                continue
            captured = []
            for name, uses in free_names(m, fn).items():
                v = self.captured_value(uses[0])
                if v is not None:
                    captured.append((name, uses, v))
            for name, uses, v in captured:
                yield self.report(uses[0], self.message(fn, sites, name, v),
                                  **self.fix_arguments(fn, captured, name))

    def fix_arguments(self, fn, captured, name) -> dict:
        """Keyword arguments of :meth:`report` that give a capture finding its fix (``fix``,
        ``data``, ``target``); none: no fix."""
        return {}

    def _defaults(self, fn, sites) -> Iterator[Finding]:
        args = fn.args
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            v = self.default_value(default)
            if v is not None:
                text = ast.unparse(default) if isinstance(default, (ast.Name, ast.Attribute)) \
                    else "a default argument"
                yield self.report(default, self.message(fn, sites, text, v))

    def default_value(self, expr) -> Value | None:
        return self.captured_value(expr)

    def captured_value(self, expr) -> Value | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def message(self, fn, sites, name, v) -> str:  # pragma: no cover - abstract
        raise NotImplementedError
