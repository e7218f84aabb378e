"""Discarded and eager results: Dask calls whose value is computed too early or thrown away
(catalog section 3, DSK301 and DSK304-DSK306)."""

from __future__ import annotations

import ast
from typing import Iterator

from ..findings import Finding, Safety
from ..model import COLLECTIONS, PARTITIONED, K, dotted
from ..model import vocabulary as V
from . import _edits as E
from .base import Rule, last_names


def _text(node: ast.AST, limit: int = 60) -> str:
    text = ast.unparse(node)
    return text if len(text) <= limit else text[:limit - 3] + "..."


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
    fix_safety = Safety.UNSAFE
    fix_title = "Wrap the function, not its result: delayed(f)(x)"

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        if len(node.args) != 1 or type(node.args[0]) is not ast.Call:
            return
        if m.qualname(node.func) not in V.DELAYED_FUNCTIONS or m.expects_failure(node):
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
        func_text = _text(inner.func)
        yield self.report(
            node,
            f"{_text(node)} calls {label} now, in the driver, and wraps only its result: "
            f"nothing runs in parallel and the result is embedded in the graph; wrap the "
            f"function and call the Delayed: delayed({func_text})(...)")

    def _eager_function(self, inner: ast.Call) -> str | None:
        m = self.model
        func = inner.func
        q = m.qualname(func)
        if q is not None:
            if q in V.CALLABLE_FACTORIES or q in V.DELAYED_FUNCTIONS:
                return None
            if q in V.EAGER_COMPUTING_FUNCTIONS or q.startswith(V.EAGER_COMPUTING_MODULES):
                return f"{_text(func)}()"
        if type(func) is ast.Name or (type(func) is ast.Attribute and
                                      type(func.value) is ast.Name):
            fn = m.function_of(func)
            if fn is None or type(fn) is ast.Lambda:
                return None
            if m.is_delayed_decorated(fn) or m.is_generator_function(fn) or \
                    type(fn) is ast.AsyncFunctionDef or self._returns_callable(fn):
                return None
            return f"{_text(func)}()"
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
        if len(node.args) == 1 and (E.has_newline(outer_ws) or E.has_newline(after_ws)) and \
                not E.has_comment(after_ws) and (not E.has_comment(outer_ws) or (
                    isinstance(before_args, cst.ParenthesizedWhitespace) and
                    not E.has_comment(before_args) and not outer_ws.empty_lines)):
            wrapped = wrapped.with_changes(
                whitespace_before_args=cst.SimpleWhitespace(""),
                args=[wrapped.args[0].with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))])
            if E.has_comment(outer_ws):
                before_args = before_args.with_changes(first_line=outer_ws.first_line)
        return inner.with_changes(func=wrapped, lpar=node.lpar, rpar=node.rpar,
                                  whitespace_before_args=before_args)


class PersistResultDiscarded(Rule):
    """`x.persist()` as a statement: the persisted collection is thrown away.

    ## What it does
    Finds expression statements whose value is `<collection>.persist(...)`,
    `<client>.persist(x)` or `dask.persist(...)`.

    ## Why is this bad?
    `persist()` returns a *new* collection backed by computed results and never changes its
    input ("persist doesn't change the input in-place"). Verified: on the local scheduler a
    bare `m.persist()` computed all 4 partitions and threw them away, and the next
    `.compute()` ran them again; on distributed a bare `client.persist(m)` released its
    futures at once and the work never ran.

    ## Example
    ```python
    df = dd.read_parquet("data/")
    df.persist()
    df.x.sum().compute()
    ```

    ## Use instead
    ```python
    df = dd.read_parquet("data/")
    df = df.persist()
    df.x.sum().compute()
    ```

    ## Fix safety
    Unsafe: `x.persist()` becomes `x = x.persist()`, `client.persist(x)` becomes
    `x = client.persist(x)` and `dask.persist(a, b)` becomes `a, b = dask.persist(a, b)`
    (only when the persisted values are names or attributes that can be rebound there). It
    keeps the data in memory, which is what persist is for, but can exhaust it.

    ## Options
    `dask-client-names`: receivers taken as a Client by name when nothing else is known.

    ## References
    - https://docs.dask.org/en/stable/dataframe-best-practices.html#persist-intelligently
    - https://distributed.dask.org/en/stable/memory.html
    - https://github.com/pydata/xarray/issues/8901
    - Not flagged: assigned persists, `x, y = dask.persist(x, y)`, `wait(x.persist())`
      (wasteful too, but rare), and statements inside `with pytest.raises(...)` and similar.
    - Known limitations: a test helper that expects an exception (`with assert_raises_my_way():`)
      is not recognised; the last line of a notebook cell keeps its value in `Out`, so a
      bare persist there is not lost; xarray's `persist()` is not modelled.
    """

    code = "DSK304"
    name = "persist-result-discarded"
    node_types = (ast.Expr,)
    fix_safety = Safety.UNSAFE
    fix_title = "Assign the persisted result back"

    def check(self, stmt: ast.Expr) -> Iterator[Finding]:
        m = self.model
        call = stmt.value
        if type(call) is not ast.Call or m.expects_failure(stmt):
            return
        func = call.func
        targets: list[ast.AST] | None = None
        if m.qualname(func) in V.DASK_PERSIST_FUNCTIONS:
            label = "dask.persist()"
            if call.args and all(type(a) is not ast.Starred for a in call.args):
                targets = list(call.args)
        elif type(func) is ast.Attribute and func.attr == "persist":
            v = m.value(func.value)
            if v is None:
                return
            if v.kind == K.CLIENT:
                label = f"{dotted(func) or 'client.persist'}()"
                if len(call.args) == 1 and type(call.args[0]) is not ast.Starred:
                    targets = [call.args[0]]
            elif v.kind in COLLECTIONS:
                label = f"{_text(func.value, 40)}.persist()"
                targets = [func.value]
            else:
                return
        else:
            return
        if targets is not None and not all(E.assignable(m, t, stmt) and
                                           type(t) is not ast.Subscript for t in targets):
            targets = None
        shape = "tuple" if label == "dask.persist()" else \
            "argument" if m.kind(getattr(func, "value", func)) == K.CLIENT else "receiver"
        if targets is None:
            suggestion = f"persisted = {_text(call, 40)}, then use persisted"
        else:
            names = ", ".join(_text(t, 30) for t in targets)
            if shape == "tuple" and len(targets) == 1:
                names = f"({names},)"
            suggestion = f"{names} = {_text(call, 40)}"
        yield self.report(
            call,
            f"the result of {label} is discarded: persist() returns a new collection and "
            "never changes its input, so the work is thrown away (or, on distributed, never "
            f"runs); assign it: {suggestion}",
            fix_target=stmt, fixable=targets is not None, fix_data={"shape": shape})

    def fix(self, node, finding):
        import libcst as cst

        if not isinstance(node, cst.Expr) or not isinstance(node.value, cst.Call):
            return node
        call = node.value
        shape = finding.fix.data["shape"]
        if shape == "tuple":
            elements = [cst.Element(value=E.strip_parentheses(a.value)) for a in call.args]
            if len(elements) == 1:
                target = cst.Tuple(elements=[elements[0].with_changes(comma=cst.Comma())])
            else:
                target = cst.Tuple(elements=elements, lpar=[], rpar=[])
        elif shape == "receiver":
            target = E.strip_parentheses(call.func.value)
        else:
            target = E.strip_parentheses(call.args[0].value)
        return cst.Assign(targets=[cst.AssignTarget(target=target)], value=call,
                          semicolon=node.semicolon)


class DiscardedLazyResult(Rule):
    """A lazy Dask expression used as a statement: it builds a graph and nothing computes it.

    ## What it does
    Finds expression statements whose value is lazy and never computed: a call of a delayed
    function (`delayed(f)(x)`, a function decorated with `@delayed`), a method of a Dask
    collection that returns a new collection (`ddf.fillna(0)`, `x.rechunk(...)`,
    `ddf.map_partitions(f)`, `ddf.a.sum()`), or a writer called with `compute=False`
    (`to_parquet`, `to_csv`, `to_zarr`, `store`, ...).

    ## Why is this bad?
    Nothing happens. Verified: `ddf.to_parquet(out, compute=False)` and
    `ddf.to_csv(..., compute=False)` as statements wrote no files, and a bare `ddf.fillna(0)`
    left `ddf` unchanged. The Dask docs show a bare `dask.delayed(f)(1, 2, 3)` as a "Don't":
    nothing happens, because `compute()` is never called.

    ## Example
    ```python
    ddf.fillna(0)
    ddf.to_parquet("out/", compute=False)
    ```

    ## Use instead
    ```python
    ddf = ddf.fillna(0)
    ddf.to_parquet("out/")
    ```

    ## Fix safety
    Unsafe. For the methods that return a modified copy of their receiver (`fillna`,
    `dropna`, `drop`, `rename`, `assign`, `astype`, `set_index`, `reset_index`,
    `sort_values`, `rechunk`, `repartition`, ...) called on a name, the fix assigns the result
    back (`ddf = ddf.fillna(0)`), which changes what later code sees. For writers it removes
    `compute=False`, which makes the statement write its output (new I/O side effects). No
    fix for a discarded delayed call or other methods (`map_partitions`, reductions): what
    was meant is unknown.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/delayed-best-practices.html#don-t-rely-on-side-effects
    - Not flagged: writers with the default `compute=True`, `ddf.visualize()`,
      `print(ddf.head())`, methods of pandas, NumPy and xarray objects, `persist()` (DSK304),
      calls with `inplace=` (DSK408), and statements run for their exception (inside
      `with pytest.raises(...)`, `self.assertRaises(...)`, `warnings.catch_warnings()`, or a
      `try` with an `except`).
    - Known limitations: test suites often build a graph only to check that building it
      does not raise (`ddf.set_index("a")  # does not err`); those statements are reported
      (assign the result to `_` to say so). The last line of a notebook cell is displayed,
      so a bare lazy expression there can be meant for its repr.
    """

    code = "DSK305"
    name = "discarded-lazy-result"
    node_types = (ast.Expr,)
    fix_safety = Safety.UNSAFE
    fix_title = "Assign the result back, or drop compute=False"

    def check(self, stmt: ast.Expr) -> Iterator[Finding]:
        m = self.model
        call = stmt.value
        if type(call) is not ast.Call or E.keyword(call, "inplace") is not None or \
                m.expects_failure(stmt) or self._tried(stmt):
            return
        func = call.func
        writer = self._lazy_writer(call)
        if writer is not None:
            yield self.report(
                call,
                f"{writer}(..., compute=False) as a statement returns a lazy write and throws "
                "it away: nothing is written; drop compute=False, or keep the result and pass "
                "it to dask.compute()",
                fix_data={"action": "drop-compute"})
            return
        ep = m.entry_point(call)
        if ep is not None and ep.family == "delayed" and ep.api != "delayed":
            yield self.report(
                call,
                f"the {ep.api} {_text(call, 40)} builds a Delayed and throws it away: the "
                "function never runs; keep the result and compute it (dask.compute(...)), or "
                "call the function directly", fixable=False)
            return
        if type(func) is not ast.Attribute or func.attr in ("persist", "compute"):
            return
        recv = m.value(func.value)
        if recv is None or recv.kind not in PARTITIONED:
            return
        result = m.value(call)
        if result is None or result.kind not in COLLECTIONS:
            return
        rebind = func.attr in V.REBINDING_METHODS and type(func.value) is not ast.Subscript \
            and E.assignable(m, func.value, stmt)
        receiver = _text(func.value, 30)
        advice = (f"assign it ({receiver} = {receiver}.{func.attr}(...))" if rebind else
                  "assign it and use it, or compute it")
        yield self.report(
            call,
            f"{receiver}.{func.attr}() returns a new lazy {V.KIND_NAMES[result.kind][2:]} "
            f"and never changes {receiver}; as a statement its result is thrown away and "
            f"nothing happens; {advice}",
            fixable=rebind, fix_target=stmt, fix_data={"action": "rebind"})

    def _tried(self, stmt: ast.stmt) -> bool:
        """In the body of a ``try`` with handlers: building the graph may be the point."""
        parent = self.model.parent(stmt)
        return type(parent) is ast.Try and self.model.field_of(stmt, parent) == "body" and \
            bool(parent.handlers)

    def _lazy_writer(self, call: ast.Call) -> str | None:
        m = self.model
        flag = E.keyword(call, "compute")
        if flag is None or not E.is_constant(flag.value, False):
            return None
        func = call.func
        q = m.qualname(func)
        if q in V.LAZY_WRITER_FUNCTIONS:
            return _text(func, 30)
        if type(func) is ast.Attribute and func.attr in V.LAZY_WRITERS:
            v = m.value(func.value)
            if v is not None and v.kind in PARTITIONED:
                return f"{_text(func.value, 30)}.{func.attr}"
        return None

    def fix(self, node, finding):
        import libcst as cst

        if finding.fix.data.get("action") == "drop-compute":
            return E.without_keyword(node, "compute") if isinstance(node, cst.Call) else node
        if not isinstance(node, cst.Expr) or not isinstance(node.value, cst.Call) or \
                not isinstance(node.value.func, cst.Attribute):
            return node
        receiver = E.strip_parentheses(node.value.func.value)
        return cst.Assign(targets=[cst.AssignTarget(target=receiver)], value=node.value,
                          semicolon=node.semicolon)


class DiscardedFuture(Rule):
    """`client.submit(...)` as a statement: the Future is dropped and the task may never run.

    ## What it does
    Finds expression statements whose value is `<client>.submit(...)`, `<client>.map(...)`
    or `<client>.compute(...)`, neither kept nor handed to `fire_and_forget`.

    ## Why is this bad?
    A Future that nobody references is released, and the scheduler cancels a queued task that
    no client wants any more. Verified: with the only worker thread busy, a bare
    `client.submit(write_marker, "bare")` never wrote its file, while
    `fire_and_forget(client.submit(...))` and a kept future did. Whether the task runs
    depends on timing.

    ## Example
    ```python
    client.submit(write_report, day)
    ```

    ## Use instead
    ```python
    fire_and_forget(client.submit(write_report, day))
    ```

    ## Fix safety
    Unsafe: the fix wraps the call in `fire_and_forget(...)` and imports it from
    `distributed` (or `dask.distributed`, following the file's imports) when it is not
    imported yet. That makes the task run even when nothing waits for it, which is what was
    meant, but it changes behaviour. Keeping the futures and calling `wait()` is the other
    way.

    ## Options
    `dask-client-names`: receivers taken as a Client by name when nothing else is known.

    ## References
    - https://docs.dask.org/en/stable/futures.html#fire-and-forget
    - https://github.com/dask/distributed/issues/950
    - https://github.com/dask/distributed/pull/1221
    - https://github.com/dask/distributed/issues/2424
    - Not flagged: `futures.append(client.submit(...))`, `fire_and_forget(...)`,
      `client.run(...)` (synchronous), `await client.submit(...)`, `executor.submit()` of
      `concurrent.futures`, and submits inside `with pytest.raises(...)` and similar.
    - Known limitation: on the last line of a notebook cell the Future is kept in `Out`,
      so it is not released; the rule cannot tell.
    """

    code = "DSK306"
    name = "discarded-future"
    node_types = (ast.Expr,)
    fix_safety = Safety.UNSAFE
    fix_title = "Wrap in fire_and_forget()"

    def check(self, stmt: ast.Expr) -> Iterator[Finding]:
        m = self.model
        call = stmt.value
        if type(call) is not ast.Call or type(call.func) is not ast.Attribute:
            return
        func = call.func
        if func.attr not in ("submit", "map", "compute"):
            return
        if m.kind(func.value) != K.CLIENT or m.expects_failure(stmt):
            return
        name, imports = E.import_for(m, "distributed.fire_and_forget", stmt)
        label = f"{dotted(func) or func.attr}()"
        what = "Futures returned by {} are" if func.attr == "map" else \
            "Future returned by {} is"
        yield self.report(
            call,
            f"the {what.format(label)} dropped at once: an unreferenced Future is "
            "released and its task may be cancelled before it runs; keep it (and wait() for "
            "it) or wrap the call in fire_and_forget()",
            fixable=bool(name), fix_imports=imports, fix_data={"function": name})

    def fix(self, node, finding):
        return E.call_with(finding.fix.data["function"], node)
