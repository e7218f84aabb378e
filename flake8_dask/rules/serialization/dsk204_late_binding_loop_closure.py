"""DSK204 late-binding-loop-closure: a lazy task closure that reads a loop variable."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import COMPREHENSION_NODES, FUNCTION_NODES
from ...syntax import site_text
from .._dask import compute_call
from ..base import Rule
from ._capture import free_names


@dataclass(frozen=True)
class LoopNames:
    """The fix's facts: the loop variables to bind as default arguments, in order."""

    names: tuple[str, ...]


class LateBindingLoopClosure(Rule):
    """A lambda or nested def in a loop, handed to a lazy Dask API, that reads the loop
    variable.

    ## What it does
    Finds lambdas and nested defs created inside a `for`/`while` body or a comprehension and
    passed to a lazy entry point (`delayed`, `@delayed`, `map_partitions`, `apply`, `map`,
    `map_blocks`, Bag `map`, ...) that read, as a free variable, a name the loop rebinds
    (its target or a name assigned in its body), unless the loop computes in the same
    iteration.

    ## Why is this bad?
    The function runs at compute time, after the loop has finished, so every closure sees
    the loop variable's last value and the result is silently wrong. Verified:
    `[delayed(lambda: i)() for i in range(3)]` computed `(2, 2, 2)`; the "kingdoms" loop of
    dask/dask#10092 filled only the last column. `client.submit` and `client.map` are not
    affected: they serialise the function at once.

    ## Example
    ```python
    for species in kinds:
        ddf[species] = ddf.kind.apply(lambda k: k == species, meta=("x", bool))
    ```

    ## Use instead
    ```python
    for species in kinds:
        ddf[species] = ddf.kind.apply(lambda k, species=species: k == species,
                                      meta=("x", bool))
    ```

    ## Fix safety
    Unsafe: binding the loop variables as default arguments changes the results, from the
    buggy ones to the intended ones, and adds parameters that could clash with keywords the
    API forwards.

    ## Options
    None.

    ## References
    - https://github.com/dask/dask/issues/10092
    - https://github.com/dask/dask/issues/7432
    - https://github.com/dask/dask/issues/2914
    - https://docs.python.org/3/faq/programming.html#why-do-lambdas-defined-in-a-loop-with-different-values-all-return-the-same-result
    """

    code = "DSK204"
    name = "late-binding-loop-closure"
    node_types = ()
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Bind the loop variables as default arguments"

    def finish(self) -> Iterator[Finding]:
        m = self.model
        for fn, sites in m.tasks.items():
            lazy = [s for s in sites if s.lazy]
            if not lazy or (type(fn) is not ast.Lambda and m.scope_of(fn).kind == "module"):
                continue
            loops = m.enclosing_loops(fn)
            if not loops:
                continue
            late = self._late_names(fn, loops)
            if not late:
                continue
            names = ", ".join(f"'{n}'" for n in late)
            bind = ", ".join(f"{n}={n}" for n in late)
            kind = "lambda" if type(fn) is ast.Lambda else f"function '{fn.name}'"
            yield self.report(
                fn,
                f"{kind} {site_text(lazy, m.cite)} reads loop variable {names} late: every task "
                f"sees its last value; bind it now as a default argument ({bind})",
                fix=Safety.UNSAFE, data=LoopNames(tuple(late)))

    def _late_names(self, fn, loops) -> list[str]:
        m = self.model
        if any(self._computes_in(loop) for loop in loops):
            return []
        late = []
        for name, uses in free_names(m, fn).items():
            scope, bindings = m.lookup(name, m.scope_of(uses[0]))
            for loop in loops:
                if any(self._bound_by(b, loop) for b in bindings):
                    late.append(name)
                    break
        return late

    def _bound_by(self, binding, loop) -> bool:
        """The binding happens on every iteration of ``loop``."""
        node = binding.node
        if isinstance(loop, COMPREHENSION_NODES):
            return binding.kind == "comprehension" and binding.scope.node is loop
        for anc in self.model.ancestors(node):
            if anc is loop:
                return True
            if isinstance(anc, FUNCTION_NODES):
                return False
        return False

    def _computes_in(self, loop) -> bool:
        m = self.model
        parts = [loop.elt] if isinstance(loop, (ast.ListComp, ast.SetComp, ast.GeneratorExp)) \
            else [loop.key, loop.value] if type(loop) is ast.DictComp else loop.body
        for part in parts:
            for n in ast.walk(part):
                if type(n) is ast.Call and compute_call(m, n) is not None:
                    return True
        return False

    def fix(self, node, finding):
        import libcst as cst

        if not isinstance(node, (cst.Lambda, cst.FunctionDef)):
            return node
        params = node.params
        named = (*params.posonly_params, *params.params, *params.kwonly_params)
        taken = {p.name.value for p in named}
        for extra in (params.star_arg, params.star_kwarg):
            if isinstance(extra, cst.Param):
                taken.add(extra.name.value)
        equal = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                whitespace_after=cst.SimpleWhitespace(""))
        new = [cst.Param(name=cst.Name(n), default=cst.Name(n), equal=equal)
               for n in finding.fix.data.names if n not in taken]
        if not new:
            return node
        # After ``*args`` (or a bare ``*``) new parameters are keyword-only; otherwise they go
        # last among the positional ones, before any ``**kwargs``.
        field = "kwonly_params" if params.star_arg is not cst.MaybeSentinel.DEFAULT \
            else "params"
        existing = list(getattr(params, field))
        if existing and isinstance(existing[-1].comma, cst.Comma):
            # A trailing comma stays last; a multi-line list keeps one parameter a line.
            separator = existing[-2].comma if len(existing) >= 2 and \
                isinstance(existing[-2].comma, cst.Comma) else cst.MaybeSentinel.DEFAULT
            new[-1] = new[-1].with_changes(comma=existing[-1].comma)
            existing[-1] = existing[-1].with_changes(comma=separator)
        params = params.with_changes(**{field: [*existing, *new]})
        if isinstance(node, cst.Lambda):
            ws = node.whitespace_after_lambda
            if isinstance(ws, cst.SimpleWhitespace) and not ws.value:
                node = node.with_changes(whitespace_after_lambda=cst.SimpleWhitespace(" "))
        return node.with_changes(params=params)
