"""Serialization and closure rules: what gets pickled into the graph (catalog section 2)."""

from __future__ import annotations

import ast
from typing import Iterator

from ..findings import Finding, Safety
from ..model import K, Value
from ..model import vocabulary as V
from ..model.scopes import COMPREHENSION_NODES, FUNCTION_NODES
from . import _edits as E
from .base import Rule
from ..syntax import site_text


def unpicklable(v: Value | None) -> Value | None:
    """The value itself, when it cannot be shipped to a worker."""
    if v is None:
        return None
    if v.kind == K.RESOURCE:
        return v
    if v.kind == K.CLIENT and v.origin not in ("name", "parameter", "worker_client()",
                                               "get_client()"):
        return Value(K.RESOURCE, "a distributed Client", node=v.node)
    return None


class UnpicklableTaskArgument(Rule):
    """File handles, locks, connections and generators passed to a task as arguments.

    ## What it does
    Finds data arguments of `client.submit`, `client.map` (the elements of its iterables),
    `client.scatter`, calls of delayed functions, `map_partitions` and the other task entry
    points whose value is an unpicklable resource: a file handle (`open`, `gzip.open`, ...,
    also the target of `with open(...) as fh`), a lock, a database connection or engine, a
    socket, a generator, or a distributed `Client`.

    ## Why is this bad?
    Task arguments are pickled to reach a worker. Verified with distributed 2026.8: a binary
    handle raises `TypeError: cannot pickle '_io.BufferedReader' object`; a write handle
    raises `PicklingError`; a lock, a sqlite3 connection and a generator raise `cannot
    pickle ...`. Worse, a text handle opened for reading is silently copied whole into the
    graph (cloudpickle reads the file into a `StringIO`): a 20 MB file produced "Sending
    large graph of size 19.07 MiB", and writes through an `a+` handle never reached the
    disk. The threaded scheduler does not pickle, so the code "works" locally and breaks on a
    cluster.

    ## Example
    ```python
    with open("data.csv") as fh:
        future = client.submit(parse, fh)
    ```

    ## Use instead
    ```python
    def parse_path(path):
        with open(path) as fh:
            return parse(fh)

    future = client.submit(parse_path, "data.csv")
    ```

    ## Fix safety
    No automatic fix: the task function's parameter changes meaning, so both sides must be
    rewritten.

    ## Options
    None.

    ## References
    - https://distributed.dask.org/en/stable/limitations.html
    - https://github.com/dask/distributed/issues/2787
    - https://github.com/dask/distributed/issues/4464
    - https://github.com/dask/dask/issues/6473
    - Not flagged: `fsspec.open(...)` objects, `dask.utils.SerializableLock`,
      `distributed.Lock/Variable/Queue`, paths, and `client.map(f, <generator>)` (DSK703).
    """

    code = "DSK201"
    name = "unpicklable-task-argument"
    node_types = (ast.Call,)
    call_names = frozenset()  # check() starts with model.entry_point(node):
    entry_points = True  # entry points only

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        ep = m.entry_point(node)
        if ep is None:
            return
        for expr in ep.data:
            if type(expr) is ast.GeneratorExp and ep.family == "collection":
                continue
            v = unpicklable(m.value(expr))
            if v is not None:
                yield self._report(expr, v, ep)
        for expr in ep.iterables:
            if type(expr) is ast.GeneratorExp:
                continue  # mapping over an iterator fails differently: DSK703
            v = m.value(expr)
            element = unpicklable(v.element) if v is not None and v.kind == K.CONTAINER \
                else None
            if element is not None:
                yield self._report(expr, element, ep, elements=True)

    def _report(self, expr, v: Value, ep, elements: bool = False) -> Finding:
        text = ast.unparse(expr) if isinstance(expr, (ast.Name, ast.Attribute)) else None
        subject = f"'{text}' ({v.what})" if text else v.what
        if elements:
            subject = f"the elements of {subject if text else 'this iterable'} ({v.what})" \
                if not text else f"the elements of '{text}' ({v.what})"
        if "file" in v.what or "handle" in v.what:
            why = ("it cannot be pickled to a worker, or, opened for reading as text, it is "
                   "silently copied whole into the graph; pass the path and open it inside "
                   "the task")
        else:
            why = ("it cannot be pickled to a worker; pass a picklable description (a path, "
                   "a URI, the data itself) and create the resource inside the task")
        return self.report(expr, f"{subject} is passed to {ep.api} at line {ep.call.lineno}: "
                                 f"{why}")


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
    return scope is m.module_scope and m.has_main_guard  # a script's functions


class _CaptureRule(Rule):
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
        """Keyword arguments of :meth:`report` that give a capture finding its fix."""
        return {"fixable": False}

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


class ClosureCapturesUnpicklable(_CaptureRule):
    """A task function that captures a file handle, lock, connection or client.

    ## What it does
    Finds task functions (lambdas, nested defs, and the functions of a script run as
    `__main__`) whose free variables, or default argument values, are unpicklable resources:
    file handles, locks, database connections and engines, sockets, generators, a
    distributed `Client`.

    ## Why is this bad?
    Dask pickles task functions with cloudpickle, which serialises lambdas, nested functions
    and `__main__` functions by value, together with the closure cells and globals they
    read. Verified: `client.submit(lambda x: lock.locked(), 1)` raised `cannot pickle
    '_thread.lock' object`, and a lambda over a read-mode text handle silently shipped a
    snapshot of the file. The threaded scheduler does not pickle, so the bug appears only on
    a cluster.

    ## Example
    ```python
    conn = sqlite3.connect("db.sqlite")
    ddf.map_partitions(lambda part: part.to_sql("t", conn))
    ```

    ## Use instead
    ```python
    def write(part, uri):
        with sqlite3.connect(uri) as conn:
            return part.to_sql("t", conn)

    ddf.map_partitions(write, "db.sqlite")
    ```

    ## Fix safety
    No automatic fix.

    ## Options
    None.

    ## References
    - https://distributed.dask.org/en/stable/limitations.html
    - https://github.com/dask/distributed/issues/4464
    - https://github.com/dask/dask/issues/6473
    - Not flagged: module-level functions of importable modules (pickled by reference),
      `fsspec.open` objects, `SerializableLock`, distributed coordination primitives.
    """

    code = "DSK202"
    name = "closure-captures-unpicklable"

    def captured_value(self, expr) -> Value | None:
        return unpicklable(self.model.value(expr))

    def message(self, fn, sites, name, v) -> str:
        return (f"task function {self.model.function_label(fn)} ({site_text(sites)}) captures "
                f"'{name}', {v.what}, which cannot be pickled to a worker; create it inside "
                "the function or pass a picklable description (a path, a URI)")


class ClosureCapturesLargeObject(_CaptureRule):
    """A task function that captures a large local object.

    ## What it does
    Finds task functions (lambdas, nested defs, and the functions of a script run as
    `__main__`) whose free variables are large objects that live in the driver: a pandas
    DataFrame from `pd.read_*`, an array from `np.load`/`np.loadtxt`/`np.fromfile`, an object
    from `pickle.load`/`joblib.load`, the computed result of a Dask collection, or a NumPy
    array built with a literal shape above `dask-large-array-elements`.

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
    fix_safety = Safety.UNSAFE
    fix_title = "Scatter it once and pass it to the lambda as a keyword-only argument"

    def captured_value(self, expr) -> Value | None:
        v = self.model.value(expr)
        return v if v is not None and v.kind == K.LARGE else None

    def default_value(self, expr) -> Value | None:
        return None  # a default is evaluated once and pickled once per function: DSK308

    def message(self, fn, sites, name, v) -> str:
        return (f"task function {self.model.function_label(fn)} ({site_text(sites)}) captures "
                f"'{name}', {v.what}, so it is pickled into the graph with the function and "
                "sent with every submission; pass it as an argument after "
                "client.scatter() or dask.delayed(), or load it with Dask")

    def fix_arguments(self, fn, captured, name) -> dict:
        stmt = self._scatter_site(fn, captured, name)
        if stmt is None:
            return {"fixable": False}
        return {"fix_target": stmt,
                "fix_data": {"name": name, "new": f"{name}_future",
                             "client": ast.unparse(self.model.parent(fn).func.value)}}

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
                E._dotted_root(func.value) is None or m.kind(func.value) != K.CLIENT:
            return None
        if name in V.SUBMIT_CONTROL_KEYWORDS or name in ("func", "self") or \
                any(kw.arg is None or kw.arg == name for kw in call.keywords):
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
        name, new = data["name"], data["new"]

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
                        cst.parse_expression(f"{data['client']}.scatter({name})"))
        return cst.FlattenSentinel([bind, rewritten])


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
    fix_safety = Safety.UNSAFE
    fix_title = "Bind the loop variables now, as default arguments"

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
                f"{kind} {site_text(lazy)} reads loop variable {names}, which Dask reads "
                "only at compute time, after the loop has moved on: every task sees the last "
                f"value; bind it now with a default argument ({bind}) or functools.partial",
                fix_data={"names": late})

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
                if type(n) is ast.Call and m.compute_call(n) is not None:
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
               for n in finding.fix.data["names"] if n not in taken]
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


def _unwrap_partial(m, expr) -> tuple[ast.AST, int]:
    """The function inside ``functools.partial(f, ...)`` and how many positional arguments
    the partials bind."""
    bound = 0
    for _ in range(8):
        if type(expr) is ast.Call and m.qualname(expr.func) in V.PARTIAL_FUNCTIONS and \
                expr.args:
            bound += len(expr.args) - 1
            expr = expr.args[0]
        else:
            break
    return expr, bound


def _is_plain_method(m, fn) -> bool:
    """A def called with the instance as its first argument (not static, not class)."""
    for dec in getattr(fn, "decorator_list", ()):
        if m.qualname(dec) in ("builtins.staticmethod", "builtins.classmethod"):
            return False
    return True


class BoundMethodTaskPicklesSelf(Rule):
    """A bound method passed as a task, on an object that holds a Client, a resource or a
    large object.

    ## What it does
    Finds `self.method` (or `obj.method`, where `obj` is an instance of a class defined in
    the module) passed as a task function to `client.submit`, `client.map`, `delayed`,
    `map_partitions` and the other task entry points (also through `functools.partial`), when
    the class stores on `self` a distributed `Client` or `LocalCluster`, an unpicklable
    resource (file handle, lock, connection, ...) or a large local object (a pandas frame
    from `pd.read_*`, an array from `np.load`, a computed collection, ...).

    ## Why is this bad?
    Pickling a bound method pickles the whole instance it is bound to, with every attribute.
    Verified with distributed 2026.8: `self.client.submit(self.work, 2)` on an object that
    holds `self.client` failed with `cannot pickle 'socket' object`. With a large attribute,
    every task ships a copy of it ("Sending large graph of size ...").

    ## Example
    ```python
    class Job:
        def __init__(self, client):
            self.client = client
            self.factor = 3

        def work(self, x):
            return x * self.factor

        def run(self):
            return self.client.submit(self.work, 2).result()
    ```

    ## Use instead
    ```python
    def work(x, factor):
        return x * factor

    class Job:
        ...
        def run(self):
            return self.client.submit(work, 2, self.factor).result()
    ```

    ## Fix safety
    No automatic fix: the method must be turned into a function that takes only the fields
    it needs, which is a human decision.

    ## Options
    `dask-client-names`: an attribute assigned from a name matching these patterns (such as
    a `client` parameter) is taken as a Client.

    ## References
    - https://github.com/dask/distributed/issues/725
    - https://github.com/dask/distributed/issues/4464
    - https://distributed.dask.org/en/stable/limitations.html
    - Not flagged: classes whose attributes are plain data; `@staticmethod` and
      `@classmethod` functions; classes that customise pickling (`__getstate__`,
      `__reduce__`, ...).
    - Known limitation: attributes assigned in base classes, and instances other than `self`
      and names bound to a call of a class of this module, are not followed; class-level
      annotations count as fields only in decorated classes (dataclasses, attrs), so
      `NamedTuple` and pydantic models are missed.
    """

    code = "DSK205"
    name = "bound-method-task-pickles-self"
    node_types = (ast.Call,)
    call_names = frozenset()  # check() starts with model.entry_point(node):
    entry_points = True  # entry points only

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        ep = m.entry_point(node)
        if ep is None or not ep.functions:
            return
        for expr in ep.functions:
            method, _ = _unwrap_partial(m, expr)
            if type(method) is not ast.Attribute or type(method.value) is not ast.Name:
                continue
            cls = m.class_of_instance(method.value)
            if cls is None:
                continue
            fn = m.method_of(method)
            if fn is None or type(fn) is ast.Lambda or not _is_plain_method(m, fn):
                continue
            if any(hook in cls.bindings for hook in V.PICKLE_HOOKS):
                continue
            heavy = self._heavy_attribute(cls)
            if heavy is None:
                continue
            attr, v, line = heavy
            consequence = ("which is copied into every task" if v.kind == K.LARGE
                           else "which cannot be pickled")
            yield self.report(
                expr,
                f"bound method '{ast.unparse(method)}' passed to {ep.api} at line "
                f"{node.lineno} pickles the whole '{cls.node.name}' instance with it, "
                f"including 'self.{attr}' ({v.what}, set at line {line}), {consequence}; use "
                "a @staticmethod or a module-level function that takes only the fields it "
                "needs")

    def _heavy_attribute(self, cls) -> tuple[str, Value, int] | None:
        m = self.model
        names = list(cls.attributes)
        if cls.node.decorator_list:
            # annotation-only fields are instance attributes in a dataclass or attrs class;
            # in a plain class they only document (or type) something set elsewhere
            names += [n for n, bs in cls.bindings.items() if n not in cls.attributes and bs
                      and all(b.kind == "annotation" for b in bs)]

        def first_line(attr):
            bindings = cls.attributes.get(attr) or cls.bindings.get(attr)
            return min(b.node.lineno for b in bindings)

        for attr in sorted(names, key=first_line):
            v = m.self_attribute_value(cls, attr)
            if v is None or v.kind not in (K.CLIENT, K.CLUSTER, K.RESOURCE, K.LARGE):
                continue
            line = first_line(attr)
            return attr, v, line
        return None


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
        for fn, sites in m.tasks.items():
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
                    f"task function {m.function_label(fn)} ({site_text(sites)}) {what}: on a "
                    "cluster or the processes scheduler the change is made to the worker's "
                    "copy and never reaches the driver (with threads it races); return the "
                    "values and combine them in the driver, or use distributed.Variable/Queue "
                    "to coordinate")

    def _change(self, n, fn, scope, declared):
        """``(name, description, anchor)`` when ``n`` changes state outside the task."""
        t = type(n)
        if t in (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete):
            targets = n.targets if t in (ast.Assign, ast.Delete) else [n.target]
            if t is ast.AnnAssign and n.value is None:
                return None
            for target in targets:
                for tn in self._target_parts(target):
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

    @staticmethod
    def _target_parts(target):
        if type(target) in (ast.Tuple, ast.List):
            for elt in target.elts:
                yield from TaskMutatesGlobalState._target_parts(
                    elt.value if type(elt) is ast.Starred else elt)
        else:
            yield target

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
    no longer does. No fix for a lambda, or when `copy` names something else in the
    function.

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
    fix_safety = Safety.UNSAFE
    fix_title = "Copy the input first: p = copy.copy(p)"

    def finish(self) -> Iterator[Finding]:
        m = self.model
        report_chunks = getattr(self.options, "report_partition_mutation", False)
        for fn, sites in m.tasks.items():
            scope = m.inner_scope(fn)
            if scope is None:
                continue
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
                yield self.report(
                    anchor,
                    f"task function {m.function_label(fn)} ({site_text(sites)}) changes its "
                    f"input '{name}' in place ({how}): Dask may pass the same object to other "
                    "tasks, keep it as a stored result or rerun the task; copy it first "
                    f"({name} = {name}.copy()) or build and return a new object",
                    fixable=head is not None, fix_target=head, fix_imports=imports,
                    fix_data={"name": name, "function": function})

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
        name = cst.Name(data["name"])
        copied = E.assign(name, cst.Call(func=cst.parse_expression(data["function"]),
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
            inner, k = _unwrap_partial(m, expr)
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
        t = type(n)
        if t in (ast.Assign, ast.AugAssign, ast.Delete):
            targets = n.targets if t in (ast.Assign, ast.Delete) else [n.target]
            for target in targets:
                for part in TaskMutatesGlobalState._target_parts(target):
                    name = self._subscript_base(part, params)
                    if name is not None:
                        how = {ast.Assign: "item assignment", ast.AugAssign:
                               "augmented item assignment", ast.Delete: "del"}[t]
                        return name, how, n
            if t is ast.AugAssign:
                name = self._param_name(n.target, params)
                if name is not None and self._annotated_mutable(params[name]):
                    return name, "augmented assignment on a mutable parameter", n
            return None
        if t is not ast.Call:
            return None
        func = n.func
        if type(func) is ast.Attribute:
            name = self._param_name(func.value, params)
            if name is not None:
                meth = func.attr
                if meth in V.INPUT_MUTATORS_ALWAYS or (
                        meth in V.INPUT_MUTATORS_STATEMENT and type(self.model.parent(n)) is ast.Expr):
                    return name, f".{meth}()", n
                for kw in n.keywords:
                    if kw.arg == "inplace" and type(kw.value) is ast.Constant and \
                            kw.value.value is True:
                        return name, f".{meth}(inplace=True)", n
        for kw in n.keywords:
            if kw.arg == "out":
                name = self._param_name(kw.value, params)
                if name is not None:
                    return name, f"out={name}", n
        position = V.IN_PLACE_FUNCTIONS.get(self.model.qualname(func))
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
