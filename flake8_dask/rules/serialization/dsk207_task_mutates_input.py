"""DSK207 task-mutates-input: a task that changes one of its arguments in place."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import vocabulary as V
from ...syntax import function_label, is_constant, keyword_value, site_text
from .. import _edits as E
from .._dask import compiled_by, makes_ufunc
from ..base import Rule
from ._partial import unwrap_partial
from ._targets import target_parts


@dataclass(frozen=True)
class CopyInput:
    """The fix's facts: the parameter to copy, and how ``copy.copy`` is spelled there."""

    name: str
    function: str


class TaskMutatesInput(Rule):
    """A task that changes one of its arguments in place.

    ## What it does
    Finds, in the body of a task function, in-place changes of one of its parameters:
    `p[k] = v`, `p.loc[...] = v` (also `iloc`, `at`, `iat`), `p[k] += v`, `del p[k]`, the
    mutator methods (`.pop`, `.popitem`, `.setdefault`, and, called as a statement,
    `.append`, `.extend`, `.insert`, `.update`, `.clear`, `.remove`, `.sort`, `.fill`,
    `.resize`, ...), `p.method(..., inplace=True)`, `out=p` in a call, `np.copyto(p, ...)`
    and `random.shuffle(p)`, and `p += x` when `p` is annotated as a mutable type (`list`,
    `dict`, `np.ndarray`, `pd.DataFrame`, ...).

    ## Why is this bad?
    Dask may hand the same object to several tasks, keep it as a stored result, or run a
    task again after a failure, so a task must not modify its inputs. Verified with dask
    2026.8: two `@delayed` calls that each incremented a counter in the same input dict
    returned `(2, 1)` and changed the caller's dict. Whether the change reaches the driver
    depends on the deployment: tasks from `client.map(writer, range(3), canvas=arr)` that
    each set one cell of a NumPy array changed the driver's array with
    `Client(processes=False)` and left it untouched with process workers.

    ## Example
    ```python
    @delayed
    def bump(counts):
        counts["n"] += 1
        return counts["n"]
    ```

    ## Use instead
    ```python
    @delayed
    def bump(counts):
        counts = dict(counts)
        counts["n"] += 1
        return counts["n"]
    ```

    ## Fix safety
    Unsafe: the fix inserts `p = copy.copy(p)` as the first statement of the function (after
    its docstring), importing `copy` when it is not imported yet. `copy.copy` copies the
    data of a NumPy array and of a pandas object (their `__copy__` is `.copy()`), and is a
    shallow copy of a list, dict or set: not enough when nested objects are changed. The
    copy costs memory and time on every call, raises for objects that cannot be copied,
    and a task that changed a shared object on purpose (threads writing into one array)
    no longer does. No fix for a lambda, when `copy` names something else in the
    function, or when the body is compiled (`@numba.jit`, `jax.jit`, cython...: the
    inserted Python would not compile). Not reported: the output buffers of a function
    compiled into a (g)ufunc or kernel (`@guvectorize`, `@vectorize`, `@cuda.jit`), which
    it fills on purpose.

    ## Options
    `dask-report-partition-mutation` (default false): also report in-place changes of the
    partition, block or element that a per-chunk function receives (`map_partitions`,
    `map_blocks`, `apply`, `map`, Bag `map`, ...). Verified with dask 2026.8: changing a
    `map_partitions` partition in place did not change the source pandas frame of
    `from_pandas`, but the Dask docs still discourage it, so it is opt-in.

    ## References
    - https://docs.dask.org/en/stable/delayed-best-practices.html#don-t-mutate-inputs
    - https://docs.dask.org/en/stable/graphs.html
    - https://github.com/dask/dask/issues/8974
    - https://github.com/dask/dask/issues/2409
    - Not flagged: `p += 1` on a parameter that is not annotated as mutable (it rebinds for
      immutable types); changes after the parameter was rebound (`p = p.copy()`); `*args`
      and `**kwargs` (fresh for every call); `self`; `p["a"].fillna(..., inplace=True)`
      (under pandas copy-on-write it does not change `p`).
    - Known limitation: changes made through an alias (`q = p; q[0] = 1`) or in a helper the
      task calls are not followed.
    """

    code = "DSK207"
    name = "task-mutates-input"
    node_types = ()
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Copy the input first, with `copy.copy()`"

    def finish(self) -> Iterator[Finding]:
        m = self.model
        report_chunks = getattr(self.options, "report_partition_mutation", False)
        for fn, sites in m.tasks_across_project().items():
            scope = m.inner_scope(fn)
            if scope is None or makes_ufunc(m, fn):
                continue  # a (g)ufunc fills its output buffers: that is its result
            params = self._params(fn, scope)
            if not params:
                continue
            if not report_chunks:
                chunk = self._chunk_params(fn, sites, scope)
                params = {p: a for p, a in params.items() if p not in chunk}
                if not params:
                    continue
            first: dict[str, tuple] = {}
            for n in m.body_nodes(fn):
                found = self._mutation(n, params)
                if found is not None:
                    name, _, anchor = found
                    pos = (anchor.lineno, anchor.col_offset)
                    if name not in first or pos < first[name][0]:
                        first[name] = (pos, found)
            for _, (name, how, anchor) in sorted(first.values(), key=lambda x: x[0]):
                head, function, imports = self._copy_site(fn, scope)
                if compiled_by(m, fn):
                    head = None  # numba and kin compile the body: no Python inserted there
                yield self.report(
                    anchor,
                    f"task {function_label(fn)} changes its input '{name}' in place ({how}): "
                    f"other tasks may see the change (task {site_text(sites, m.cite)}); copy it "
                    "first",
                    fix=Safety.UNSAFE if head is not None else None,
                    data=CopyInput(name, function), target=head, imports=imports)

    def _copy_site(self, fn, scope):
        """Where ``p = copy.copy(p)`` goes in ``fn`` (its first statement after the
        docstring), how ``copy.copy`` is spelled there, and the import it needs."""
        if type(fn) not in (ast.FunctionDef, ast.AsyncFunctionDef):
            return None, "", []
        body = fn.body
        if len(body) > 1 and type(body[0]) is ast.Expr and \
                type(body[0].value) is ast.Constant and type(body[0].value.value) is str:
            body = body[1:]
        head = body[0]
        found, bindings = self.model.lookup("copy", scope)
        if found is None:
            return head, "copy.copy", [("copy", None, None)]
        if len(bindings) == 1 and bindings[0].kind == "import":
            q = bindings[0].qualname
            if q == "copy":
                return head, "copy.copy", []
            if q == "copy.copy":
                return head, "copy", []
        return None, "", []

    def fix(self, node, finding):
        import libcst as cst

        data = finding.fix.data
        name = cst.Name(data.name)
        copied = E.assign(name, cst.Call(func=cst.parse_expression(data.function),
                                         args=[cst.Arg(value=name)]))
        if isinstance(node, cst.BaseSmallStatement):
            return cst.FlattenSentinel([copied, node])
        # Before a compound statement, whose comment lines stay with it.
        return cst.FlattenSentinel([cst.SimpleStatementLine(body=[copied]), node])

    @staticmethod
    def _params(fn, scope) -> dict[str, ast.arg]:
        args = fn.args
        named = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        return {a.arg: a for a in named if a.arg != scope.self_name}

    def _chunk_params(self, fn, sites, scope) -> set[str]:
        """Parameters that receive a partition, block or element at every site (opt-in)."""
        m = self.model
        args = fn.args
        positional = [a.arg for a in (*args.posonlyargs, *args.args)]
        if scope.self_name is not None and positional and positional[0] == scope.self_name:
            positional = positional[1:]
        result: set[str] | None = None
        for site in sites:
            chunk: set[str] = set()
            if site.per_chunk and type(site.call) is ast.Call:
                chunk = self._chunk_params_at(m, fn, site.call, positional)
            result = chunk if result is None else result & chunk
        return result or set()

    @staticmethod
    def _chunk_params_at(m, fn, call, positional) -> set[str]:
        ep = m.entry_point(call)
        if ep is None:
            return set()
        bound = 0
        for expr in ep.functions:
            inner, k = unwrap_partial(m, expr)
            if m.function_of(inner) is fn:
                bound = k
                break
        params = positional[bound:]
        if not params:
            return set()
        q = m.qualname(call.func)
        if q in V.MODULE_TASK_FUNCTIONS or q in V.MODULE_REDUCTIONS:
            return set(params)  # dd.map_partitions(f, a, b), da.blockwise(...): all chunks
        chunk = {params[0]}
        data = [a for a in call.args if a not in ep.functions]
        for i, arg in enumerate(data, 1):
            if i < len(params) and m.is_collection(arg):
                chunk.add(params[i])
        return chunk

    def _param_name(self, node, params) -> str | None:
        """The parameter ``node`` names, when only the parameter's binding reaches it."""
        if type(node) is not ast.Name or node.id not in params:
            return None
        bindings = self.model.reaching_bindings(node)
        if not bindings or any(b.kind != "param" or b.node is not params[node.id]
                               for b in bindings):
            return None
        return node.id

    def _subscript_base(self, target, params) -> str | None:
        if type(target) is not ast.Subscript:
            return None
        base = target.value
        if type(base) is ast.Attribute and base.attr in V.PANDAS_INDEXERS:
            base = base.value
        return self._param_name(base, params)

    def _mutation(self, n, params):
        m = self.model
        t = type(n)
        if t in (ast.Assign, ast.AugAssign, ast.Delete):
            targets = n.targets if t in (ast.Assign, ast.Delete) else [n.target]
            for target in targets:
                for part in target_parts(target):
                    name = self._subscript_base(part, params)
                    if name is not None:
                        how = {ast.Assign: "item assignment", ast.AugAssign:
                               "augmented item assignment", ast.Delete: "del"}[t]
                        return name, how, n
            if t is ast.AugAssign:
                name = self._param_name(n.target, params)
                if name is not None and self._annotated_mutable(params[name]):
                    return name, "augmented assignment", n
            return None
        if t is not ast.Call:
            return None
        func = n.func
        if type(func) is ast.Attribute:
            name = self._param_name(func.value, params)
            if name is not None:
                meth = func.attr
                if meth in V.INPUT_MUTATORS_ALWAYS or (
                        meth in V.INPUT_MUTATORS_STATEMENT and type(m.parent(n)) is ast.Expr):
                    return name, f".{meth}()", n
                if is_constant(keyword_value(n, "inplace"), True):
                    return name, f".{meth}(inplace=True)", n
        out = keyword_value(n, "out")
        if out is not None:
            name = self._param_name(out, params)
            if name is not None:
                return name, f"out={name}", n
        position = V.IN_PLACE_FUNCTIONS.get(m.qualname(func))
        if position is not None and len(n.args) > position:
            name = self._param_name(n.args[position], params)
            if name is not None:
                return name, f"{ast.unparse(func)}()", n
        return None

    def _annotated_mutable(self, arg: ast.arg) -> bool:
        ann = arg.annotation
        if ann is None:
            return False
        if type(ann) is ast.Subscript:
            ann = ann.value
        return self.model.qualname(ann) in V.MUTABLE_ANNOTATIONS
