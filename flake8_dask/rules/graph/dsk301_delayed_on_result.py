"""DSK301: ``delayed(f(x))`` runs ``f`` now, in the driver, and wraps only its result."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding, Safety
from ...model import vocabulary as V
from ...syntax import code, short
from .. import _edits as E
from .._dask import expects_failure
from ..base import Rule, last_names


class DelayedOnResult(Rule):
    """`delayed(f(x))`: the function runs now, in the driver, and only its result is wrapped.

    ## What it does
    Finds `dask.delayed(<call>)` whose inner call is a function defined in the same module
    or a known computing function (NumPy reductions and linear algebra, `pd.read_*`,
    `np.load`, ...), when the `Delayed` is not called right away (`delayed(make_f(k))(x)`
    wraps a function on purpose).

    ## Why is this bad?
    Python evaluates the argument before `delayed` sees it: `f(x)` runs eagerly in the driver,
    one call after another, and `delayed` wraps the finished result, which is then embedded
    in the graph. Verified: `delayed(f(1))` called `f` at once and returned a `DelayedLeaf`
    holding its result. Nothing runs in parallel.

    ## Example
    ```python
    parts = [dask.delayed(load(path)) for path in paths]
    ```

    ## Use instead
    ```python
    parts = [dask.delayed(load)(path) for path in paths]
    ```

    ## Fix safety
    Unsafe: `delayed(f(x, y))` becomes `delayed(f)(x, y)`. The rewrite is mechanical, but it
    moves the execution of `f` into a task: side effects happen at compute time instead of
    now, `f` and its arguments must be picklable, and exceptions surface at compute time.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/delayed-best-practices.html#call-delayed-on-the-function-not-the-result
    - Not flagged: `delayed(x)` on a name (wrapping data on purpose), calls of factories that
      return callables (`functools.partial`, `operator.itemgetter`, a local function that
      returns a function), `@delayed` functions (their call is already lazy), and method
      calls on objects (`delayed(model.cpu())` wraps data on purpose). Calls of functions
      imported from other modules are not flagged either (their cost is unknown).
    """

    code = "DSK301"
    name = "delayed-on-result"
    node_types = (ast.Call,)
    call_names = last_names(V.DELAYED_FUNCTIONS)
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Wrap the function, not its result"

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        if len(node.args) != 1 or type(node.args[0]) is not ast.Call:
            return
        if m.qualname(node.func) not in V.DELAYED_FUNCTIONS or expects_failure(m, node):
            return
        parent = m.parent(node)
        if type(parent) is ast.Call and parent.func is node:
            return  # delayed(make_function(k))(x): the inner call returns a function
        if type(parent) in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef) and \
                m.field_of(node, parent) == "decorator_list":
            return
        inner = node.args[0]
        label = self._eager_function(inner)
        if label is None:
            return
        func_text = code(inner.func, 40)
        advice = f"use `delayed({func_text})(...)`" if func_text else "wrap the function"
        yield self.report(
            node,
            f"{short(node)} calls {label} now, in the driver: nothing runs in parallel; "
            f"{advice}", fix=Safety.UNSAFE)

    def _eager_function(self, inner: ast.Call) -> str | None:
        m = self.model
        func = inner.func
        q = m.qualname(func)
        if q is not None:
            if q in V.CALLABLE_FACTORIES or q in V.DELAYED_FUNCTIONS:
                return None
            if q in V.EAGER_COMPUTING_FUNCTIONS or q.startswith(V.EAGER_COMPUTING_MODULES):
                return f"{short(func, 60)}()"
        if type(func) is ast.Name or \
                type(func) is ast.Attribute and type(func.value) is ast.Name:
            fn = m.function_of(func)
            if fn is None or type(fn) is ast.Lambda:
                return None
            if m.is_delayed_decorated(fn) or m.is_generator_function(fn) or \
                    type(fn) is ast.AsyncFunctionDef or self._returns_callable(fn):
                return None
            return f"{short(func, 60)}()"
        return None

    def _returns_callable(self, fn) -> bool:
        m = self.model
        for n in m.body_nodes(fn):
            if type(n) is ast.Return and n.value is not None:
                value = n.value
                if type(value) is ast.Lambda:
                    return True
                if type(value) is ast.Call and m.qualname(value.func) in V.CALLABLE_FACTORIES:
                    return True
                if type(value) is ast.Name:
                    target = m.function_of(value)
                    if target is not None and target is not fn:
                        return True
        return False

    def fix(self, node, finding):
        import libcst as cst

        first = node.args[0]
        inner = E.strip_parentheses(first.value)
        wrapped = node.with_changes(args=[first.with_changes(value=inner.func), *node.args[1:]],
                                    lpar=[], rpar=[])
        before_args = inner.whitespace_before_args
        # ``delayed(\n    f(\n        x,\n    )\n)``: keep ``delayed(f)`` on one line and the
        # arguments' layout, unless that would drop a comment.
        outer_ws, after_ws = node.whitespace_before_args, first.whitespace_after_arg
        # A comment after ``delayed(`` (``outer_ws`` then is parenthesized whitespace) can
        # only move to the inner call's parenthesis when that one holds no comment.
        movable = not E.has_comment(outer_ws)
        if not movable and isinstance(before_args, cst.ParenthesizedWhitespace):
            movable = not E.has_comment(before_args) and not outer_ws.empty_lines
        if len(node.args) == 1 and (E.has_newline(outer_ws) or E.has_newline(after_ws)) and \
                not E.has_comment(after_ws) and movable:
            wrapped = wrapped.with_changes(
                whitespace_before_args=cst.SimpleWhitespace(""),
                args=[wrapped.args[0].with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))])
            if E.has_comment(outer_ws):
                before_args = before_args.with_changes(first_line=outer_ws.first_line)
        return inner.with_changes(func=wrapped, lpar=node.lpar, rpar=node.rpar,
                                  whitespace_before_args=before_args)
