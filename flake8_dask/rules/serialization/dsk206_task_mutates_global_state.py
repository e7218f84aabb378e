"""DSK206 task-mutates-global-state: a task that changes module-level or enclosing-scope state."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding
from ...model import vocabulary as V
from ...syntax import function_label, site_text
from ..base import Rule
from ._targets import target_parts


def _guarded_by(m, node, name: str, fn) -> bool:
    """``node`` sits under an ``if`` (or a conditional expression) whose test reads ``name``:
    the per-worker cache idiom ``if _model is None: _model = load()``."""
    for anc in m.ancestors(node):
        if anc is fn:
            return False
        if type(anc) in (ast.If, ast.IfExp, ast.While):
            if any(type(n) is ast.Name and n.id == name for n in ast.walk(anc.test)):
                return True
    return False


def _reads_as_cache(m, fn, name: str) -> bool:
    """The task looks ``name`` up before changing it (a membership test, ``.get``, an ``is
    None`` check): a memo or a lazily built per-worker object, not a result being collected.
    """
    for n in m.body_nodes(fn):
        t = type(n)
        if t is ast.Compare:
            for op, right in zip(n.ops, n.comparators):
                if type(op) in (ast.In, ast.NotIn) and type(right) is ast.Name and \
                        right.id == name:
                    return True
                if type(op) in (ast.Is, ast.IsNot) and type(n.left) is ast.Name and \
                        n.left.id == name:
                    return True
        elif t is ast.Call and type(n.func) is ast.Attribute and n.func.attr == "get" and \
                type(n.func.value) is ast.Name and n.func.value.id == name:
            return True
        elif t in (ast.If, ast.IfExp, ast.While) and any(
                type(x) is ast.Name and x.id == name for x in ast.walk(n.test)):
            return True
    return False


class TaskMutatesGlobalState(Rule):
    """A task that changes module-level or enclosing-scope state.

    ## What it does
    Finds, in the body of a task function, `global X` or `nonlocal X` followed by an
    assignment to `X`, and in-place changes of a module-level or enclosing-scope container
    (a name bound only to a list, dict or set display, or to `list()`, `dict()`, `set()`,
    `defaultdict()`, `Counter()`, `deque()`, ...): calls of `.append`, `.extend`, `.update`,
    `.add`, `.pop`, `.setdefault`, `.clear`, `.remove` and similar, `G[k] = v`,
    `G[k] += v` and `del G[k]`.

    ## Why is this bad?
    Tasks run in worker processes, or on a copy of the function: updates they make never
    reach the driver. Verified with distributed 2026.8: a module-level list appended to by
    `client.map` tasks stayed `[]` even with `Client(processes=False)`, because cloudpickle
    copies `__main__` globals into each task; the `processes` scheduler also left it `[]`,
    and the `threads` scheduler filled it in a nondeterministic order (`[1, 0, 2, 3]`). The
    Dask best practices say: "Avoid global state".

    ## Example
    ```python
    results = []

    @delayed
    def inc(x):
        results.append(x + 1)

    dask.compute(*[inc(i) for i in range(4)])
    ```

    ## Use instead
    ```python
    @delayed
    def inc(x):
        return x + 1

    results = list(dask.compute(*[inc(i) for i in range(4)]))
    ```

    ## Fix safety
    No automatic fix: the results must be returned and combined in the driver.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/delayed-best-practices.html#avoid-global-state
    - https://github.com/dask/dask/issues/6321
    - https://github.com/dask/dask/issues/8974
    - Not flagged: reads of globals; objects created inside the task; logging, metrics and
      progress-bar calls (their receivers are not plain containers); `distributed.Variable`,
      `Queue` and `Lock`; the per-worker cache idiom, where the task looks the name up before
      changing it (`if _model is None: _model = load()`, `if key not in _cache: ...`).
    - Known limitation: mutable objects other than builtin containers (a module-level
      DataFrame, an object's attributes) are not followed.
    - Known limitation: test code that counts calls through a closure under the synchronous
      or threaded scheduler (where the change does reach the caller) is reported too; such
      code breaks on a cluster, but when that is intended, silence it with `# noqa: DSK206`
      or `per-file-ignores` for the tests.
    """

    code = "DSK206"
    name = "task-mutates-global-state"
    node_types = ()

    def finish(self) -> Iterator[Finding]:
        m = self.model
        for fn, sites in m.tasks_across_project().items():
            scope = m.inner_scope(fn)
            if scope is None:
                continue
            declared = scope.global_names | scope.nonlocal_names
            first: dict[str, tuple] = {}
            for n in m.body_nodes(fn):
                found = self._change(n, fn, scope, declared)
                if found is None:
                    continue
                name, _, anchor = found
                if _guarded_by(m, anchor, name, fn) or _reads_as_cache(m, fn, name):
                    continue
                pos = (anchor.lineno, anchor.col_offset)
                if name not in first or pos < first[name][0]:
                    first[name] = (pos, found)
            for _, (name, what, anchor) in sorted(first.values(), key=lambda x: x[0]):
                yield self.report(
                    anchor,
                    f"task {function_label(fn)} {what}: on a cluster only the worker's copy "
                    f"changes (task {site_text(sites, m.cite)}); return the values instead")

    def _change(self, n, fn, scope, declared):
        """``(name, description, anchor)`` when ``n`` changes state outside the task."""
        t = type(n)
        if t in (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete):
            targets = n.targets if t in (ast.Assign, ast.Delete) else [n.target]
            if t is ast.AnnAssign and n.value is None:
                return None
            for target in targets:
                for tn in target_parts(target):
                    if type(tn) is ast.Name and tn.id in declared and t is not ast.Delete:
                        where = "global" if tn.id in scope.global_names else "nonlocal"
                        return tn.id, f"rebinds {where} '{tn.id}'", n
                    if type(tn) is ast.Subscript and type(tn.value) is ast.Name:
                        origin = self._shared_container(tn.value, fn)
                        if origin is not None:
                            op = "deletes an item of" if t is ast.Delete else "sets an item of"
                            return tn.value.id, f"{op} {origin} '{tn.value.id}'", n
            return None
        if t is ast.Call and type(n.func) is ast.Attribute and \
                n.func.attr in V.CONTAINER_MUTATORS and type(n.func.value) is ast.Name:
            origin = self._shared_container(n.func.value, fn)
            if origin is not None:
                name = n.func.value.id
                return name, f"calls .{n.func.attr}() on {origin} '{name}'", n
        return None

    def _shared_container(self, name: ast.Name, fn) -> str | None:
        """'module-level list' when ``name`` is free in ``fn`` and bound outside it only to
        plain mutable containers."""
        m = self.model
        if not m.is_free_in(name, fn):
            return None
        scope, bindings = m.lookup(name.id, m.scope_of(name))
        if scope is None or scope.kind == "class" or not bindings:
            return None
        kinds = set()
        for b in bindings:
            if b.kind == "augassign":
                continue
            kind = self._container_kind(b)
            if kind is None:
                return None
            kinds.add(kind)
        if not kinds:
            return None
        kind = kinds.pop() if len(kinds) == 1 else "container"
        where = "module-level" if scope is m.module_scope else "enclosing-scope"
        return f"{where} {kind}"

    def _container_kind(self, b) -> str | None:
        if b.kind != "assign" or b.index is not None or b.value is None:
            return None
        v = b.value
        t = type(v)
        if t in (ast.List, ast.ListComp):
            return "list"
        if t in (ast.Dict, ast.DictComp):
            return "dict"
        if t in (ast.Set, ast.SetComp):
            return "set"
        if t is ast.Call:
            q = self.model.qualname(v.func)
            if q in V.MUTABLE_CONTAINER_CONSTRUCTORS:
                return q.rpartition(".")[2]
        return None
