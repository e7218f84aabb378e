"""Serialization and closure rules: what gets pickled into the graph (catalog section 2)."""

from __future__ import annotations

import ast
from typing import Iterator

from ..findings import Finding, Safety
from ..model import K, Value
from ..model.scopes import COMPREHENSION_NODES, FUNCTION_NODES
from .base import Rule
from .tasks import site_text


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
        return self.report(
            expr,
            f"{subject} is passed to {ep.api} at line {ep.call.lineno}: it cannot be pickled "
            "to a worker (a read-mode text handle is silently copied whole into the graph); "
            "pass a path or URI and open it inside the task")


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
    scope = fn._dsk_scope
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
            if type(fn) is not ast.Lambda and fn._dsk_scope.kind == "class":
                yield from self._defaults(fn, sites)
                continue
            yield from self._defaults(fn, sites)
            if not captures_by_value(m, fn):
                continue
            for name, uses in free_names(m, fn).items():
                v = self.captured_value(uses[0])
                if v is not None:
                    yield self.report(uses[0], self.message(fn, sites, name, v))

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
    No automatic fix: hoisting the capture into an argument changes where the data lives and,
    if the function mutates it, aliasing.

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
            if not lazy or (type(fn) is not ast.Lambda and fn._dsk_scope.kind == "module"):
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
            scope, bindings = m.lookup(name, uses[0]._dsk_scope)
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
