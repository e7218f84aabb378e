"""DSK103 delayed-call-in-delayed: calling a delayed function inside a delayed function."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import vocabulary as V
from ...syntax import function_label, short, site_text
from ..base import Rule


@dataclass(frozen=True)
class RemoveDecorator:
    """The index of the ``@delayed`` decorator the fix removes."""

    index: int


#: The task-site APIs through which a function becomes a delayed task.
_DELAYED_SITE_APIS = frozenset({"@delayed", "delayed"})
#: Calls that evaluate Dask objects in the same function (the task-launch pattern).
_EVALUATING_METHODS = frozenset({"compute", "persist", "gather", "result"})


class DelayedCallInDelayed(Rule):
    """Calling a delayed function inside a delayed function.

    ## What it does
    Finds, in the body of a function decorated with `@delayed` (or wrapped with
    `delayed(f)`), calls that build more delayed objects: `delayed(g)(...)`, a call of
    another `@delayed` function, or a call of a name bound to `delayed(g)`, when the function
    never computes them itself (no `compute`, `dask.compute`, `persist`, `client.gather` or
    `.result()` in its body).

    ## Why is this bad?
    Inside a task, the inner calls only add nodes to a new graph that nobody runs: the outer
    task returns unevaluated `Delayed` objects instead of results. Verified with dask 2026.8:
    computing `@delayed def process_all(xs): return [delayed(abs)(x) for x in xs]` gave
    `[Delayed('abs-…'), Delayed('abs-…')]`. When the inner objects are computed one by one
    they run serially instead (dask/dask#10733). The Dask best practices say: "Avoid calling
    delayed within delayed functions"; a normal function that calls delayed functions builds
    the graph in the driver.

    ## Example
    ```python
    @delayed
    def process_all(xs):
        return [delayed(abs)(x) for x in xs]

    results = process_all(data).compute()  # a list of Delayed objects
    ```

    ## Use instead
    ```python
    def process_all(xs):
        return [delayed(abs)(x) for x in xs]

    results = dask.compute(*process_all(data))
    ```

    ## Fix safety
    Unsafe: the fix removes the outer `@delayed` decorator (`@delayed`, `@dask.delayed`,
    `@delayed(pure=True)`), so the function builds the graph in the driver. It changes what
    every caller of the function gets back (a list of Delayed objects instead of one
    Delayed), so callers that call `.compute()` on the result or pass it to other delayed
    functions must change too; and the function's own code now runs when it is called,
    not at compute time. No fix when the function is also handed to Dask another way
    (`delayed(f)`, `client.submit(f)`) or has several delayed decorators.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/delayed-best-practices.html#avoid-calling-delayed-within-delayed-functions
    - https://github.com/dask/dask/issues/10733
    - https://github.com/dask/dask/issues/5751
    - Not flagged: the task-launch pattern, where the function computes the inner delayed
      objects itself (`a, b = compute(fib(n - 1), fib(n - 2))`); a delayed call whose result
      is discarded (a bare statement); `delayed` used in a plain function.
    - Known limitation: one compute anywhere in the function silences every inner delayed
      call in it, even one whose result is returned uncomputed.
    """

    code = "DSK103"
    name = "delayed-call-in-delayed"
    node_types = (ast.Call,)
    call_names = frozenset()  # check() starts with model.entry_point(node):
    entry_points = True  # entry points only
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Remove the outer `@delayed` decorator"

    def __init__(self, model, options):
        super().__init__(model, options)
        self._evaluates: dict[int, bool] = {}

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        ep = m.entry_point(node)
        if ep is None or ep.family != "delayed" or ep.api == "delayed":
            return  # ``delayed(g)`` alone wraps; only calling a delayed function builds a node
        fn, sites = m.task_sites_of(node)
        sites = [s for s in sites if s.api in _DELAYED_SITE_APIS]
        if not sites:
            return
        stmt = m.statement_of(node)
        if type(stmt) is ast.Expr and stmt.value is node:
            return  # discarded: nothing reaches the result (discarded-lazy-result)
        if self._computes_itself(fn):
            return
        label = self._label(node)
        outer = "remove the outer @delayed" if all(s.api == "@delayed" for s in sites) \
            else "call it directly, not through delayed()"
        decorator = self._removable_decorator(fn)
        yield self.report(
            node,
            f"{label} in task {function_label(fn)} builds a graph nobody runs: the task "
            f"({site_text(sites, m.cite)}) returns Delayed objects; {outer}",
            fix=Safety.UNSAFE if decorator is not None else None,
            data=RemoveDecorator(decorator), target=fn)

    def _removable_decorator(self, fn) -> int | None:
        """The index of ``fn``'s one ``@delayed`` decorator, when that decorator is the only
        way ``fn`` reaches Dask."""
        m = self.model
        if type(fn) not in (ast.FunctionDef, ast.AsyncFunctionDef):
            return None
        if any(s.api != "@delayed" for s in m.tasks.get(fn, ())):
            return None
        found = [i for i, dec in enumerate(fn.decorator_list)
                 if m.qualname(dec.func if type(dec) is ast.Call else dec)
                 in V.DELAYED_FUNCTIONS]
        return found[0] if len(found) == 1 else None

    def fix(self, node, finding):
        import libcst as cst

        index = finding.fix.data.index
        decorators = list(node.decorators)
        removed = decorators.pop(index)
        # Comments on and above the removed decorator stay where they were.
        kept = list(removed.leading_lines)
        comment = removed.trailing_whitespace.comment
        if comment is not None:
            kept.append(cst.EmptyLine(comment=comment))
        if index < len(decorators):
            following = decorators[index]
            decorators[index] = following.with_changes(
                leading_lines=[*kept, *following.leading_lines])
            return node.with_changes(decorators=decorators)
        return node.with_changes(decorators=decorators, lines_after_decorators=[
            *kept, *node.lines_after_decorators])

    @staticmethod
    def _label(node: ast.Call) -> str:
        text = short(node.func, 40)
        return f"{text}(...)" if node.args or node.keywords else f"{text}()"

    def _computes_itself(self, fn) -> bool:
        key = id(fn)
        if key not in self._evaluates:
            m = self.model
            found = False
            for n in m.body_nodes(fn):
                if type(n) is not ast.Call:
                    continue
                func = n.func
                if type(func) is ast.Attribute and func.attr in _EVALUATING_METHODS or \
                        m.qualname(func) in V.DASK_COMPUTE_FUNCTIONS | V.DASK_PERSIST_FUNCTIONS:
                    found = True
                    break
            self._evaluates[key] = found
        return self._evaluates[key]
