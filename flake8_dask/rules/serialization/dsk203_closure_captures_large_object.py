"""DSK203 closure-captures-large-object: a task function that captures a large local object."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ...findings import Safety
from ...model import FUNCTION_NODES, K, Value
from ...model import vocabulary as V
from ...syntax import dotted, function_label, has_double_star, keyword, site_text
from .. import _edits as E
from ._capture import CaptureRule


@dataclass(frozen=True)
class Scatter:
    """The fix's facts: the captured name, the name of its future, the client's text."""

    name: str
    new: str
    client: str


class ClosureCapturesLargeObject(CaptureRule):
    """A task function that captures a large local object.

    ## What it does
    Finds task functions (lambdas, nested defs, and the functions of a script run as
    `__main__` or of a notebook, whose cells IPython runs in `__main__`) whose free
    variables are large objects that live in the driver: a pandas DataFrame from
    `pd.read_*`, an array from `np.load`/`np.loadtxt`/`np.fromfile`, an object from
    `pickle.load`/`joblib.load`, the computed result of a Dask collection, or a NumPy array
    built with a literal shape above `dask-large-array-elements`.

    ## Why is this bad?
    The captured object is pickled into the graph with the function, and sent again with every
    submission; the scheduler keeps a copy. Verified: a lambda over a 16 MB array passed to
    `client.submit` or `client.map` triggered "Sending large graph of size 15.26 MiB";
    scattering the array first did not. Real code that captured a large frame in a delayed
    lambda leaked memory until it was rewritten (askap-vast/vast-pipeline#854).

    ## Example
    ```python
    lookup = pd.read_parquet("lookup.parquet")
    futures = client.map(lambda key: lookup.loc[key].sum(), keys)
    ```

    ## Use instead
    ```python
    lookup_future = client.scatter(lookup)
    futures = client.map(lambda key, table: table.loc[key].sum(), keys, table=lookup_future)
    ```

    ## Fix safety
    Unsafe: for a lambda passed directly as the function of `client.submit` or `client.map`
    (a known Client, named by a plain name or attribute chain) that captures exactly one large
    plain name `big`, the fix binds `big_future = client.scatter(big)` just before the
    statement, adds the keyword-only parameter `big` to the lambda (body unchanged) and passes
    `big=big_future` to the call; distributed resolves the future to the value in every task
    (verified for submit and map: equal results, and no more "Sending large graph" warning).
    The data now moves to the cluster once, as a future: a function that mutates it mutates a
    worker's shared copy instead of a fresh one per task. No fix for nested defs, `delayed`
    and collection methods, several large captures, a lambda in a comprehension or another
    function, a statement that shares its line or is the body of a one-line `if`, a name
    rebound in the statement or later in its block, a lambda with `**kwargs` or a parameter of
    that name, a call that already passes that keyword, a name that is a keyword of `submit`
    or `map` themselves (`key`, `pure`, ...), or when `big_future` is already used in the file.

    ## Options
    `dask-large-array-elements`: NumPy arrays with a literal shape above this many elements
    count as large (default 10,000,000).

    ## References
    - https://docs.dask.org/en/stable/best-practices.html#load-data-with-dask
    - https://github.com/dask/distributed/issues/8814
    - https://github.com/askap-vast/vast-pipeline/pull/854
    - Not flagged: captures of futures, Delayed objects and Dask collections (see DSK102).
    """

    code = "DSK203"
    name = "closure-captures-large-object"
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Scatter it once and pass it as a keyword-only argument"

    def captured_value(self, expr) -> Value | None:
        v = self.model.value(expr)
        return v if v is not None and v.kind == K.LARGE else None

    def default_value(self, expr) -> Value | None:
        return None  # a default is evaluated once and pickled once per function: DSK308

    def message(self, fn, sites, name, v) -> str:
        return (f"task {function_label(fn)} captures '{name}', {v.what}: it is pickled into "
                f"every submission ({site_text(sites, self.model.cite)}); scatter it and pass "
                "it in")

    def fix_arguments(self, fn, captured, name) -> dict:
        stmt = self._scatter_site(fn, captured, name)
        if stmt is None:
            return {}
        return {"fix": Safety.UNSAFE, "target": stmt,
                "data": Scatter(name, f"{name}_future",
                                ast.unparse(self.model.parent(fn).func.value))}

    def _scatter_site(self, fn, captured, name) -> ast.stmt | None:
        """The statement before which ``<name>_future = client.scatter(<name>)`` can be
        bound, when ``fn`` is a lambda handed directly to ``client.submit``/``client.map`` of
        a known Client, ``name`` its only large capture, and the rewrite certainly keeps what
        the lambda computes (see ``## Fix safety``)."""
        m = self.model
        if type(fn) is not ast.Lambda or len(captured) != 1:
            return None
        call = m.parent(fn)
        if type(call) is not ast.Call or not call.args or call.args[0] is not fn:
            return None
        func = call.func
        if type(func) is not ast.Attribute or func.attr not in ("submit", "map") or \
                dotted(func.value) is None or m.kind(func.value) != K.CLIENT:
            return None
        if name in V.SUBMIT_CONTROL_KEYWORDS or name in ("func", "self") or \
                has_double_star(call) or keyword(call, name) is not None:
            return None
        args = fn.args
        if args.kwarg is not None or any(
                a.arg == name for a in (*args.posonlyargs, *args.args, *args.kwonlyargs,
                                        *((args.vararg,) if args.vararg else ()))):
            return None
        stmt = m.statement_of(call)
        scope = m.scope_of(fn)
        if type(stmt) not in (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign,
                              ast.Return) or getattr(stmt, "value", None) is None or \
                m.scope_of(stmt) is not scope or scope.kind not in ("function", "module") or \
                not self._own_lines(stmt):
            return None
        new = f"{name}_future"
        if name in scope.global_names or name in scope.nonlocal_names:
            return None
        found, bindings = m.lookup(name, scope)
        if found is None or found is scope and any(
                b.pos >= (stmt.lineno, stmt.col_offset) for b in bindings):
            return None  # rebound here or later in the block: keep the capture
        lambdas = 0
        for n in ast.walk(stmt):
            if isinstance(n, FUNCTION_NODES):
                lambdas += 1
            elif type(n) is ast.Name and n.id == name and type(n.ctx) is not ast.Load:
                return None  # ``(big := ...)`` in the statement
        if lambdas != 1:
            return None
        return stmt if m.is_unused_name(new) else None  # free in the whole module

    def _own_lines(self, stmt: ast.stmt) -> bool:
        """``stmt`` starts and ends its lines: no ``;`` neighbour, not the body of a one-line
        ``if x: ...``."""
        parent = self.model.parent(stmt)
        field = self.model.field_of(stmt, parent)
        if field != "body":
            return False
        siblings = getattr(parent, field, None)
        if not isinstance(siblings, list) or not any(s is stmt for s in siblings):
            return False
        i = next(i for i, s in enumerate(siblings) if s is stmt)
        if i > 0 and siblings[i - 1].end_lineno >= stmt.lineno or \
                i + 1 < len(siblings) and siblings[i + 1].lineno <= stmt.end_lineno:
            return False
        if type(parent) is ast.Module:
            return True
        header_end = parent.lineno
        for fname, value in ast.iter_fields(parent):
            if fname in ("body", "orelse", "finalbody", "handlers"):
                continue
            for n in value if isinstance(value, list) else [value]:
                if isinstance(n, ast.AST):
                    header_end = max(header_end, getattr(n, "end_lineno", 0) or 0)
        return stmt.lineno > header_end

    def fix(self, node, finding):
        import libcst as cst

        data = finding.fix.data
        name, new = data.name, data.new

        class AddArgument(cst.CSTTransformer):
            def leave_Call(self, original, updated):
                if not updated.args or not isinstance(updated.args[0].value, cst.Lambda):
                    return updated
                fn = updated.args[0].value
                params = fn.params
                param = cst.Param(name=cst.Name(name))
                if isinstance(params.star_arg, cst.MaybeSentinel):
                    params = params.with_changes(star_arg=cst.ParamStar(),
                                                 kwonly_params=[param])
                else:
                    kwonly = list(params.kwonly_params)
                    if kwonly and isinstance(kwonly[-1].comma, cst.Comma):
                        param = param.with_changes(comma=kwonly[-1].comma)
                        kwonly[-1] = kwonly[-1].with_changes(
                            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                    params = params.with_changes(kwonly_params=[*kwonly, param])
                ws = fn.whitespace_after_lambda
                if isinstance(ws, cst.SimpleWhitespace) and not ws.value:
                    fn = fn.with_changes(whitespace_after_lambda=cst.SimpleWhitespace(" "))
                fn = fn.with_changes(params=params)
                args = [updated.args[0].with_changes(value=fn), *updated.args[1:]]
                return E.with_keyword(updated.with_changes(args=args), name, cst.Name(new))

        rewritten = node.visit(AddArgument())
        bind = E.assign(cst.Name(new),
                        cst.parse_expression(f"{data.client}.scatter({name})"))
        return cst.FlattenSentinel([bind, rewritten])
