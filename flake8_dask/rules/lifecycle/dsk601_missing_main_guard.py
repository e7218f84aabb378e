"""DSK601 missing-main-guard: worker processes started by code that runs at import."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding, Safety, StatementRun
from ...model import K, is_main_guard_test
from ...model import vocabulary as V
from ...syntax import has_double_star, is_constant, keyword_value, short
from .. import _edits as E
from .._dask import compute_call
from ..base import Rule, last_names
from ._clusters import CLUSTER_NAMES, starts_local_cluster

_GUARD_ADVICE = 'guard it with `if __name__ == "__main__":`'
#: Statements that must stay at module level, where importing the module runs them.
_NOT_GUARDABLE = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
                  ast.ClassDef, ast.Global, ast.Nonlocal)


def _processes_off(call: ast.Call) -> bool | None:
    """True: ``processes=False``; False: processes (the default, or ``True``); None: unknown."""
    value = keyword_value(call, "processes")
    if value is None:
        return None if has_double_star(call) else False
    if type(value) is ast.Constant and type(value.value) is bool:
        return not value.value
    return None


def _scheduler_keyword(m, call: ast.Call) -> str | None:
    """``"processes"`` when the call's ``scheduler=``/``get=`` starts worker processes,
    ``"other"`` for any other scheduler given, None when none is given."""
    for kw in call.keywords:
        if kw.arg in ("scheduler", "get"):
            v = kw.value
            if type(v) is ast.Constant and v.value in V.PROCESS_SCHEDULER_NAMES:
                return "processes"
            if m.qualname(v) in V.PROCESS_SCHEDULER_FUNCTIONS:
                return "processes"
            return "other"
    return None


class MissingMainGuard(Rule):
    """Code that starts worker processes at module level, outside
    `if __name__ == "__main__":`.

    ## What it does
    Finds, in code that runs when the module is imported (not in a function, a class or
    under `if __name__ == "__main__":`): `LocalCluster(...)` unless `processes=False`;
    `Client()` / `Client(n_workers=...)` without an address and without `processes=False`;
    computes with `scheduler="processes"` (or `"multiprocessing"`); `dask.config.set(
    scheduler="processes")` followed by a module-level compute; and computes of a
    `dask.bag` collection (`.compute()`, `.persist()`, `.take()`, `.to_textfiles()`,
    `dask.compute(bag)`) when the module sets no scheduler and starts no Client before them,
    because Bag's default scheduler is the processes one. Notebooks are not checked.

    ## Why is this bad?
    Dask's worker processes are started with `spawn`, which imports the main script again in
    every new process; without the guard, each one runs the module-level code again and
    tries to start processes of its own. Verified with dask 2026.8 on Linux: a module-level
    `Client()` fails with "An attempt has been made to start a new process before the current
    process has finished its bootstrapping phase" / "Nanny failed to start worker process",
    and the processes scheduler, including a module-level
    `db.from_sequence(...).map(...).sum().compute()`, fails with `BrokenProcessPool`.
    `Client(processes=False)` and the threads scheduler work without the guard.

    ## Example
    ```python
    from dask.distributed import Client

    client = Client(n_workers=4)
    result = ddf.x.sum().compute()
    ```

    ## Use instead
    ```python
    from dask.distributed import Client

    if __name__ == "__main__":
        client = Client(n_workers=4)
        result = ddf.x.sum().compute()
    ```

    ## Fix safety
    Unsafe: every module-level statement from the first one reported to the end of the
    module is put under `if __name__ == "__main__":` (indented like the rest of the file;
    comment lines just above it stay above the guard). Running the script does the same,
    but importing the module no longer runs that code: the names it assigned stop being
    importable module globals (`from script import client` fails), and a test or a tool
    that imported the module for its side effects sees none. Only when that tail is a clean
    cut: no fix when it holds an import, a `def`, a `class` or an
    `if __name__ == "__main__":` of its own (definitions must stay importable, and the driver
    code mixed with them needs a human to separate), or when its first statement shares a
    line with the one before. All the findings of a module share the one fix.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/scheduling.html (Standalone Python scripts)
    - https://github.com/dask/distributed/issues/4751
    - https://github.com/dask/distributed/issues/2557
    - https://github.com/dask/distributed/issues/4846
    - https://github.com/dask/dask/issues/5956
    - Not flagged: `Client("tcp://host:8786")`, `Client(address=...)`, `Client(cluster)` (the
      cluster is reported instead), `Client(processes=False)`, `LocalCluster(processes=False)`,
      the threads and synchronous schedulers, code inside functions, notebooks.
    - Known limitation: a `.compute()` that picks up `scheduler="processes"` from a config
      file or an environment variable is not seen; nor is a Client started by a helper
      function called at module level.
    """

    code = "DSK601"
    name = "missing-main-guard"
    node_types = (ast.Call,)
    fixes = frozenset({Safety.UNSAFE})
    fix_title = 'Put the driver code under `if __name__ == "__main__":`'
    #: What the four checks below can match: a cluster or Client, a compute (a function, or
    #: a method: compute/persist, a lazy writer, a Bag compute), dask.config.set.
    call_names = CLUSTER_NAMES | last_names(
        V.DASK_COMPUTE_FUNCTIONS, V.DASK_PERSIST_FUNCTIONS, V.SCHEDULER_KEYWORD_FUNCTIONS,
        V.CONFIG_SET_FUNCTIONS) | {"compute", "persist"} | V.LAZY_WRITERS | \
        V.BAG_COMPUTE_METHODS

    def __init__(self, model, options):
        super().__init__(model, options)
        self._scheduler_set_at: list[tuple[int, int]] | None = None
        self._found: list[tuple[ast.Call, str]] = []

    def check(self, node: ast.Call) -> Iterator[Finding]:
        """Collects the findings; :meth:`finish` reports them."""
        m = self.model
        if not self.options.notebook and m.runs_at_import(node) and not m.in_main_guard(node):
            message = (self._starts_processes(node) or self._processes_compute(node)
                       or self._processes_config(node) or self._bag_compute(node))
            if message is not None:
                self._found.append((node, message))
        return iter(())

    def finish(self) -> Iterator[Finding]:
        """The findings, reported once all are known: they share one fix, which puts every
        module-level statement from the first of them to the end of the module under the
        guard."""
        if not self._found:
            return
        run = self._guarded_tail([node for node, _ in self._found])
        for node, message in self._found:
            yield self.report(node, message, fix=Safety.UNSAFE if run is not None else None,
                              target=run)

    def _guarded_tail(self, calls: list[ast.Call]) -> StatementRun | None:
        """The module's statements from the first one holding one of ``calls`` to the end,
        when moving them under the guard is a clean cut: they start a line of their own and
        hold no import, def, class or guard of their own (imports and definitions must stay
        importable, and an existing guard would end up nested). None: no fix."""
        body = self.model.tree.body
        tops = set()
        for call in calls:
            top, up = call, self.model.parent(call)
            while up is not None and not isinstance(up, ast.Module):
                top, up = up, self.model.parent(up)
            tops.add(id(top))
        start = next((i for i, stmt in enumerate(body) if id(stmt) in tops), None)
        if start is None:
            return None
        first = body[start]
        if first.col_offset != 0 or (start and body[start - 1].end_lineno >= first.lineno):
            return None  # shares its line with the statement before it (``a = 1; c = ...``)
        for stmt in body[start:]:
            for n in ast.walk(stmt):
                t = type(n)
                if t in _NOT_GUARDABLE or (t is ast.If and is_main_guard_test(n.test)):
                    return None
        return StatementRun(first, body[-1], body)

    def fix(self, node, finding):
        import libcst as cst

        first, *rest = node
        body = E.indented_deeper([first.with_changes(leading_lines=()), *rest])
        guard = cst.If(test=cst.parse_expression('__name__ == "__main__"'),
                       body=cst.IndentedBlock(body=body, indent=getattr(node, "indent", None)),
                       leading_lines=first.leading_lines)
        return [guard]

    def _starts_processes(self, call: ast.Call) -> str | None:
        what = starts_local_cluster(self.model, call)
        if what is None or _processes_off(call) is not False:
            return None
        return (f"{what} at module level starts worker processes that re-import this script: "
                f"they fail at bootstrap (spawn); {_GUARD_ADVICE}, or pass processes=False")

    def _is_compute(self, call: ast.Call) -> str | None:
        """The label of a call that computes and takes a ``scheduler=`` keyword."""
        m = self.model
        func = call.func
        q = m.qualname(func)
        if q in V.DASK_COMPUTE_FUNCTIONS or q in V.DASK_PERSIST_FUNCTIONS or \
                q in V.SCHEDULER_KEYWORD_FUNCTIONS:
            return f"{q.replace('dask.array.', 'da.')}()"
        if type(func) is ast.Attribute and (
                func.attr in ("compute", "persist") or func.attr in V.LAZY_WRITERS):
            return f"{short(func)}()"
        return None

    def _processes_compute(self, call: ast.Call) -> str | None:
        label = self._is_compute(call)
        if label is None or _scheduler_keyword(self.model, call) != "processes":
            return None
        return (f"{label} at module level uses the processes scheduler: its workers re-import "
                f"this script and fail (BrokenProcessPool); {_GUARD_ADVICE}")

    def _processes_config(self, call: ast.Call) -> str | None:
        m = self.model
        if m.qualname(call.func) not in V.CONFIG_SET_FUNCTIONS:
            return None
        if self._config_scheduler(call) != "processes":
            return None
        compute = self._first_compute_after(call)
        if compute is None:
            return None
        return ('dask.config.set(scheduler="processes") at module level breaks the compute at '
                f"{self.model.cite(compute.lineno)}: workers re-import this script and fail "
                f"(BrokenProcessPool); {_GUARD_ADVICE}")

    def _config_scheduler(self, call: ast.Call) -> str | None:
        m = self.model
        value = keyword_value(call, "scheduler")
        if value is None:
            for arg in call.args:
                if type(arg) is ast.Dict:
                    for k, v in zip(arg.keys, arg.values):
                        if type(k) is ast.Constant and k.value == "scheduler":
                            value = v
        if value is None:
            return None
        if (type(value) is ast.Constant and value.value in V.PROCESS_SCHEDULER_NAMES) or \
                m.qualname(value) in V.PROCESS_SCHEDULER_FUNCTIONS:
            return "processes"
        return "other"

    def _first_compute_after(self, config_call: ast.Call) -> ast.Call | None:
        m = self.model
        parent = m.parent(config_call)
        if type(parent) is ast.withitem:
            with_stmt = m.parent(parent)
            span_start = (with_stmt.lineno, with_stmt.col_offset)
            span_end = (with_stmt.end_lineno, with_stmt.end_col_offset)
        else:
            span_start = (config_call.end_lineno, config_call.end_col_offset)
            span_end = None
        for c in m.calls:
            pos = (c.lineno, c.col_offset)
            if pos < span_start or (span_end is not None and pos > span_end):
                continue
            if not m.runs_at_import(c) or m.in_main_guard(c):
                continue
            if compute_call(m, c) is not None and _scheduler_keyword(m, c) is None:
                return c
        return None

    def _bag_compute(self, call: ast.Call) -> str | None:
        m = self.model
        func = call.func
        label = None
        q = m.qualname(func)
        if q is None and type(func) is ast.Attribute and func.attr in V.BAG_COMPUTE_METHODS:
            v = m.value(func.value)
            if v is not None and (v.kind == K.BAG or (
                    v.kind == K.SCALAR and v.origin == "bag" and func.attr in (
                        "compute", "persist"))):
                if is_constant(keyword_value(call, "compute"), False):
                    return None
                label = f"{short(func)}()"
        elif q in V.DASK_COMPUTE_FUNCTIONS or q in V.DASK_PERSIST_FUNCTIONS:
            for arg in call.args:
                v = m.value(arg.value if type(arg) is ast.Starred else arg)
                if v is not None and v.kind == K.CONTAINER and type(arg) is ast.Starred:
                    v = v.element
                if v is not None and (v.kind == K.BAG or (v.kind == K.SCALAR and
                                                          v.origin == "bag")):
                    label = f"{q}()"
                    break
        if label is None or _scheduler_keyword(m, call) is not None:
            return None
        if self._scheduler_chosen_before(call):
            return None
        return (f"{label} of a Dask Bag at module level uses processes: workers "
                f"re-import this script and fail; {_GUARD_ADVICE}, or pass "
                'scheduler="threads"')

    def _scheduler_chosen_before(self, call: ast.Call) -> bool:
        """A Client is started or a scheduler is configured at import time before ``call``."""
        m = self.model
        if self._scheduler_set_at is None:
            found = []
            for c in m.calls:
                if not m.runs_at_import(c) or m.in_main_guard(c):
                    continue  # a re-imported worker skips the guarded block
                q = m.qualname(c.func)
                if q in V.CLIENT_FACTORIES or (q in V.CONFIG_SET_FUNCTIONS and
                                               self._config_scheduler(c) is not None):
                    found.append((c.lineno, c.col_offset))
            self._scheduler_set_at = found
        pos = (call.lineno, call.col_offset)
        return any(p < pos for p in self._scheduler_set_at)
