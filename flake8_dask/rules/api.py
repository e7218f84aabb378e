"""API misuse: calls that raise, silently compute, or silently deduplicate (catalog
section 7, DSK701-DSK705)."""

from __future__ import annotations

import ast
from typing import Iterator

from ..findings import Finding, Safety
from ..model import COLLECTIONS, K, dotted
from ..model import vocabulary as V
from ..model.scopes import FUNCTION_NODES
from . import _edits as E
from .base import Rule, last_names

#: Kinds whose truth value raises (Scalar, Delayed) or computes silently (Array).
_TRUTH_KINDS = frozenset({K.SCALAR, K.DELAYED, K.ARRAY})
#: Kinds for which float()/int() raise.
_NUMBER_KINDS = frozenset({K.SCALAR, K.DELAYED})
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _text(node: ast.AST, limit: int = 60) -> str:
    text = ast.unparse(node)
    return text if len(text) <= limit else text[:limit - 3] + "..."


_IDENTITY_AND_MEMBERSHIP = (ast.Is, ast.IsNot, ast.In, ast.NotIn)


class BoolOnLazyObject(Rule):
    """Taking the truth value (or `float()`/`int()`) of a lazy Dask Scalar, Delayed or Array.

    ## What it does
    Finds Dask Scalars, Delayed objects and Dask Arrays used where Python takes a truth
    value: the test of `if`, `while`, `assert`, a conditional expression or a comprehension
    filter, an operand of `not`/`and`/`or`, and `bool(...)`; and `float()`/`int()` of a Dask
    Scalar or a Delayed object.

    ## Why is this bad?
    Verified with dask 2026.8: a Delayed raises `TypeError: Truth of Delayed objects is not
    supported`; a DataFrame Scalar raises `TypeError: Trying to convert ... to a boolean
    value. Because Dask objects are lazily evaluated ...`, and `float()`/`int()` of either
    raise `TypeError`. A Dask Array computes silently (`bool(x.sum() > 0)` is `True`), a
    hidden full computation that is easy to repeat by accident.

    ## Example
    ```python
    if ddf.x.sum() > 0:
        ...
    ```

    ## Use instead
    ```python
    if ddf.x.sum().compute() > 0:
        ...
    ```

    ## Fix safety
    Safe: the fix appends `.compute()` to the lazy operand (`ddf.x.sum().compute() > 0`,
    `bool(d.compute())`, `float(total.compute())`). The Scalar and Delayed cases always
    raised before; the Array case computes the same value, now explicitly. Compute the value
    once and reuse it when it is tested several times.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/delayed-api.html
    - https://github.com/dask/dask/pull/9387
    - Not flagged: tests on computed values, `if ddf is None`, `if ddf.npartitions > 1`,
      `if ddf.columns...` (plain values), and `float()`/`int()` of a Dask Array, which
      computes silently (DSK504).
    """

    code = "DSK701"
    name = "bool-on-lazy-object"
    node_types = (ast.If, ast.While, ast.Assert, ast.IfExp, ast.BoolOp, ast.UnaryOp,
                  ast.Call, *_COMPREHENSIONS)
    call_names = frozenset({"bool", "float", "int"})  # the calls _conversion() takes
    fix_safety = Safety.SAFE
    fix_title = "Compute it explicitly: append .compute()"

    def check(self, node) -> Iterator[Finding]:
        t = type(node)
        if t in (ast.If, ast.While, ast.Assert, ast.IfExp):
            yield from self._tested(node.test, whole=True)
        elif t in _COMPREHENSIONS:
            for gen in node.generators:
                for cond in gen.ifs:
                    yield from self._tested(cond, whole=True)
        elif t is ast.BoolOp or (t is ast.UnaryOp and type(node.op) is ast.Not):
            if not self._in_test(node):
                yield from self._tested(node, whole=False)
        elif t is ast.Call:
            yield from self._conversion(node)

    # ------------------------------------------------------------------ truth tests
    def _in_test(self, node) -> bool:
        """``node`` is reached by the decomposition of an enclosing test (reported there)."""
        parent = self.model.parent(node)
        field_name = self.model.field_of(node, parent)
        if type(parent) is ast.BoolOp or (type(parent) is ast.UnaryOp and
                                          type(parent.op) is ast.Not):
            return True
        if type(parent) in (ast.If, ast.While, ast.Assert, ast.IfExp) and field_name == "test":
            return True
        return type(parent) is ast.comprehension and field_name == "ifs"

    def _tested(self, expr, whole: bool) -> Iterator[Finding]:
        """Every sub-expression whose truth ``expr`` takes (``whole``: ``expr`` itself too)."""
        t = type(expr)
        if t is ast.BoolOp:
            # Every operand but the last is tested; the last is the value unless the whole
            # is tested (it may still hold a ``not``).
            for v in expr.values[:-1]:
                yield from self._tested(v, whole=True)
            yield from self._tested(expr.values[-1], whole)
            return
        if t is ast.UnaryOp and type(expr.op) is ast.Not:
            yield from self._tested(expr.operand, whole=True)
            return
        if whole:
            finding = self._lazy_truth(expr, "its truth value is taken")
            if finding is not None:
                yield finding

    def _lazy_truth(self, expr, how: str) -> Finding | None:
        m = self.model
        operands = None  # None: .compute() on the whole expression
        if type(expr) is ast.Compare:
            if any(type(op) in _IDENTITY_AND_MEMBERSHIP for op in expr.ops):
                return None  # a plain bool (the model gives such a comparison no value)
            sides = [expr.left, *expr.comparators]
            kinds = [m.kind(side) for side in sides]
            lazy = [i for i, k in enumerate(kinds) if k in COLLECTIONS]
            if not lazy:
                return None
            if len(expr.ops) == 1:
                v = m.value(expr)
                kind = v.kind if v is not None else None
                if len(lazy) == 1:
                    operands = lazy
            else:
                # ``0 < s < 1`` takes the truth of each comparison: compute each operand.
                if any(kinds[i] not in _TRUTH_KINDS for i in lazy):
                    return None
                kind, operands = kinds[lazy[0]], lazy
        else:
            kind = m.kind(expr)
        if kind not in _TRUTH_KINDS or m.expects_failure(expr):
            return None
        return self.report(expr, self._message(expr, kind, how),
                           fix_data={"operands": operands})

    @staticmethod
    def _message(expr, kind: K, how: str) -> str:
        text = _text(expr, 50)
        if kind == K.ARRAY:
            effect = "computes the whole array silently, every time"
        elif kind == K.DELAYED:
            effect = "raises TypeError (Delayed objects have no truth value)"
        else:
            effect = "raises TypeError (a lazy Dask Scalar has no value yet)"
        what = V.KIND_NAMES[kind]
        return (f"'{text}' is {what}: {how}, which {effect}; call .compute() explicitly "
                "and reuse the value")

    def _conversion(self, call: ast.Call) -> Iterator[Finding]:
        m = self.model
        if len(call.args) != 1 or call.keywords or type(call.args[0]) is ast.Starred:
            return
        q = m.qualname(call.func)
        arg = call.args[0]
        if q == "builtins.bool":
            finding = self._lazy_truth(arg, "bool() takes its truth value")
            if finding is not None:
                yield finding
        elif q in ("builtins.float", "builtins.int"):
            v = m.value(arg)
            if v is not None and v.kind in _NUMBER_KINDS and not m.expects_failure(call):
                name = q.partition(".")[2]
                yield self.report(
                    arg,
                    f"{name}() of '{_text(arg, 50)}', {V.KIND_NAMES[v.kind]}, raises "
                    f"TypeError: Dask values are lazy; call .compute() first "
                    f"({name}({_text(arg, 30)}.compute()))",
                    fix_data={"operands": None})

    def fix(self, node, finding):
        import libcst as cst

        operands = finding.fix.data.get("operands")
        if operands is None:
            return E.method_call(node, "compute")
        if not isinstance(node, cst.Comparison):
            return node
        comparisons = list(node.comparisons)
        left = node.left
        for i in operands:
            if i == 0:
                left = E.method_call(left, "compute")
            else:
                target = comparisons[i - 1]
                comparisons[i - 1] = target.with_changes(
                    comparator=E.method_call(target.comparator, "compute"))
        return node.with_changes(left=left, comparisons=comparisons)


class ComputeReturnsTuple(Rule):
    """`x = dask.compute(y)`: `dask.compute` always returns a tuple.

    ## What it does
    Finds `name = dask.compute(<one argument>)` (a single name target, one non-starred
    positional argument) when the name is read later and never used as a tuple (indexed
    with `[0]` or `[-1]`, unpacked, iterated, or compared with another `dask.compute(...)`
    result).

    ## Why is this bad?
    `dask.compute(x)` returns `(value,)`, not `value` (verified: `dask.compute(d)` gave
    `(2,)`). It has always returned a tuple (dask/dask#147); code that then treats `name` as
    the value breaks later, far from the cause (dask/dask#4420).

    ## Example
    ```python
    total = dask.compute(ddf.x.sum())
    ```

    ## Use instead
    ```python
    (total,) = dask.compute(ddf.x.sum())
    ```

    ## Fix safety
    Unsafe: the fix unpacks the tuple (`(total,) = dask.compute(...)`), which changes the
    value of `total` from a one-element tuple to its element, as intended; code that relied on
    the tuple changes meaning.

    ## Options
    None.

    ## References
    - https://github.com/dask/dask/issues/4420
    - https://github.com/dask/dask/pull/147
    - Not flagged: `a, b = dask.compute(a, b)`, `(x,) = dask.compute(x)`,
      `res = dask.compute(*items)` (a tuple is expected), and a result later used as a
      tuple (indexed with `[0]`, unpacked, iterated, compared with `dask.compute(...)`), and
      a result that is never read.
      Known limitation: a result that is only returned or passed on is reported, though
      the caller may expect the tuple.
    """

    code = "DSK702"
    name = "compute-returns-tuple"
    node_types = (ast.Assign,)
    fix_safety = Safety.UNSAFE
    fix_title = "Unpack the one-element tuple: (name,) = dask.compute(x)"

    def check(self, stmt: ast.Assign) -> Iterator[Finding]:
        m = self.model
        if len(stmt.targets) != 1 or type(stmt.targets[0]) is not ast.Name:
            return
        call = stmt.value
        if type(call) is not ast.Call or len(call.args) != 1 or \
                type(call.args[0]) is ast.Starred:
            return
        if any(kw.arg is None for kw in call.keywords):
            return
        if m.qualname(call.func) not in V.DASK_COMPUTE_FUNCTIONS or m.expects_failure(stmt):
            return
        name = stmt.targets[0]
        if not self._used_only_as_value(name):
            return
        yield self.report(
            stmt,
            f"{_text(call.func)}() always returns a tuple, so '{name.id}' is the one-element "
            f"tuple ({name.id}[0] is the value); unpack it: ({name.id},) = "
            f"{_text(call, 40)}, or use {_text(call.args[0], 30)}.compute()")

    def _used_only_as_value(self, target: ast.Name) -> bool:
        """The name is read later and never used as a tuple (a name never read is left
        alone: nothing confirms the mistake)."""
        return self._uses(target) == "value"

    def _uses(self, target: ast.Name) -> str | None:
        """``"tuple"`` when a later use treats the name as a tuple, ``"value"`` when it is
        read only otherwise, ``None`` when it is never read."""
        m = self.model
        scope = m.scope_of(target)
        binding = next((b for b in scope.bindings.get(target.id, ()) if b.node is target), None)
        if binding is None:
            return None
        read = None
        for fn_scope_node in self._scope_roots(scope):
            for use in m.loaded_names(fn_scope_node):
                if use.id != target.id or binding not in m.reaching_bindings(use):
                    continue
                read = "value"
                parent = m.parent(use)
                field_name = m.field_of(use, parent)
                if type(parent) is ast.Subscript and field_name == "value":
                    key = parent.slice
                    sign = 1
                    if type(key) is ast.UnaryOp and type(key.op) is ast.USub:
                        key, sign = key.operand, -1
                    if type(key) is ast.Constant and type(key.value) is int and \
                            sign * key.value in (0, -1):
                        return "tuple"
                elif type(parent) is ast.Starred:
                    return "tuple"
                elif type(parent) is ast.Assign and field_name == "value" and \
                        any(type(t) in (ast.Tuple, ast.List) for t in parent.targets):
                    return "tuple"
                elif type(parent) in (ast.For, ast.AsyncFor, ast.comprehension) and \
                        field_name == "iter":
                    return "tuple"  # iterating the tuple on purpose
                elif type(parent) is ast.Compare and any(
                        type(side) is ast.Call and
                        m.qualname(side.func) in V.DASK_COMPUTE_FUNCTIONS
                        for side in (parent.left, *parent.comparators)):
                    return "tuple"  # compared with another dask.compute() tuple
        return read

    @staticmethod
    def _scope_roots(scope):
        node = scope.node
        if type(node) is ast.Lambda:
            return [node.body]
        return list(getattr(node, "body", ()))

    def fix(self, node, finding):
        import libcst as cst

        if not isinstance(node, cst.Assign) or len(node.targets) != 1:
            return node
        target = node.targets[0]
        name = E.strip_parentheses(target.target)
        unpacked = cst.Tuple(elements=[cst.Element(value=name, comma=cst.Comma())])
        return node.with_changes(targets=[target.with_changes(target=unpacked)])


class MapOverIterator(Rule):
    """`client.map(f, <iterator>)`: distributed refuses iterators.

    ## What it does
    Finds iterables passed to `<client>.map(f, ...)` that are iterators: a generator
    expression, `zip(...)`, `map(...)`, `filter(...)`, `iter(...)`, `enumerate(...)`,
    `reversed(...)`, any `itertools` function, a file object, a generator, or a name bound to
    one of these.

    ## Why is this bad?
    Verified with distributed 2026.8: `client.map(f, zip(a, b))` raises `TypeError: Dask no
    longer supports mapping over Iterators or Queues.Consider using a normal for loop and
    Client.submit` (and mixing an iterator with a list fails on its missing `len()`). The
    code fails at once, every time.

    ## Example
    ```python
    futures = client.map(add, zip(xs, ys))
    ```

    ## Use instead
    ```python
    futures = client.map(add, list(zip(xs, ys)))
    # or pass the iterables separately: client.map(add, xs, ys)
    ```

    ## Fix safety
    Safe: the original always raises, and wrapping the iterator in `list()` materializes it
    in the driver, which is what older versions of distributed did.

    ## Options
    `dask-client-names`: receivers taken as a Client by name when nothing else is known.

    ## References
    - https://distributed.dask.org/en/stable/api.html#distributed.Client.map
    - Not flagged: `range(...)`, lists, tuples, arrays, dict views, and `executor.map()` of
      `concurrent.futures` (which accepts iterators).
    """

    code = "DSK703"
    name = "map-over-iterator"
    node_types = (ast.Call,)
    call_names = frozenset({"map"})
    fix_safety = Safety.SAFE
    fix_title = "Materialize the iterator with list()"

    def check(self, call: ast.Call) -> Iterator[Finding]:
        m = self.model
        func = call.func
        if type(func) is not ast.Attribute or func.attr != "map" or len(call.args) < 2:
            return
        if m.kind(func.value) != K.CLIENT or m.expects_failure(call):
            return
        for arg in call.args[1:]:
            if type(arg) is ast.Starred:
                continue
            what = self._iterator(arg)
            if what is None:
                continue
            yield self.report(
                arg,
                f"{dotted(func) or 'client.map'}() over {what} raises TypeError: distributed "
                "no longer maps over iterators; pass a list (list(...)) or the separate "
                "iterables")

    def _iterator(self, expr, depth: int = 0) -> str | None:
        m = self.model
        t = type(expr)
        if t is ast.GeneratorExp:
            return "a generator expression"
        if t is ast.Call:
            q = m.qualname(expr.func)
            if q in V.ITERATOR_FUNCTIONS or (q or "").startswith(V.ITERATOR_MODULES):
                return f"{_text(expr.func, 30)}(...) (an iterator)"
        v = m.value(expr)
        if v is not None and v.kind == K.RESOURCE and (
                v.what.startswith(("a generator", "a file handle", "a temporary file"))):
            return f"'{_text(expr, 30)}' ({v.what})" if t is ast.Name else v.what
        if t is ast.Name and depth == 0:
            bindings = m.reaching_bindings(expr)
            if bindings and all(b.kind == "assign" and b.index is None and b.value is not None
                                for b in bindings):
                found = [self._iterator(b.value, depth + 1) for b in bindings]
                if all(found):
                    return f"'{expr.id}' ({found[0].removesuffix(' (an iterator)')}, an iterator)"
        return None

    def fix(self, node, finding):
        return E.call_with("list", node)


class SequentialFutureResults(Rule):
    """`[f.result() for f in futures]`: fetching results one at a time.

    ## What it does
    Finds list comprehensions and generator expressions that call `.result()` on each
    element of a list of Futures, and `for` loops that call `.result()` on their loop
    variable, when the iterable is not `as_completed(...)`.

    ## Why is this bad?
    Each `.result()` waits for its own future and transfers its data before the next one is
    asked for. `client.gather(futures)` fetches all results concurrently, which the Dask
    docs say can be faster, and reports errors the same way.

    ## Example
    ```python
    futures = client.map(process, items)
    results = [f.result() for f in futures]
    ```

    ## Use instead
    ```python
    futures = client.map(process, items)
    results = client.gather(futures)
    ```

    ## Fix safety
    Safe, and offered only for the exact shape `[f.result() for f in futures]` where
    `futures` is a list (a list literal or comprehension, a `client.map(...)` result, or a
    name bound to one) and the client that made the futures is a name that still refers to
    it: `client.gather(futures)` returns the same list and raises the same errors. No fix
    for loops, generator expressions, or when the client cannot be named.

    ## Options
    `dask-client-names`: receivers taken as a Client by name when nothing else is known.

    ## References
    - https://docs.dask.org/en/stable/futures.html#move-data
    - Not flagged: `for f in as_completed(futures): f.result()` (streaming is intended), a
      single `.result()`, and `concurrent.futures` futures.
    """

    code = "DSK704"
    name = "sequential-future-results"
    node_types = (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.For, ast.AsyncFor)
    fix_safety = Safety.SAFE
    fix_title = "Gather all results at once: client.gather(futures)"

    def check(self, node) -> Iterator[Finding]:
        if type(node) in (ast.For, ast.AsyncFor):
            yield from self._loop(node)
            return
        if len(node.generators) != 1:
            return
        gen = node.generators[0]
        if type(gen.target) is not ast.Name or gen.is_async:
            return
        if not self._futures(gen.iter):
            return
        call = self._result_call(node.elt, gen.target.id)
        if call is None:
            return
        client = self._client_text(gen.iter, node) if (
            type(node) is ast.ListComp and call is node.elt and not call.args and
            not call.keywords and not gen.ifs and self._is_list(gen.iter)) else None
        iterable = _text(gen.iter, 30)
        yield self.report(
            node,
            f"calling .result() on each Future of '{iterable}' in turn fetches the results one "
            f"at a time; gather them concurrently: {client or 'client'}.gather({iterable})",
            fixable=client is not None, fix_data={"client": client})

    def _loop(self, loop) -> Iterator[Finding]:
        if type(loop.target) is not ast.Name or not self._futures(loop.iter):
            return
        name = loop.target.id
        for stmt in loop.body:
            for n in ast.walk(stmt):
                if isinstance(n, FUNCTION_NODES):
                    break
                if type(n) is ast.Call and self._is_result_of(n, name):
                    yield self.report(
                        n,
                        f"calling {name}.result() for each Future of "
                        f"'{_text(loop.iter, 30)}' in this loop fetches the results one at a "
                        "time; gather them first (results = client.gather(futures)) or "
                        "iterate as_completed(futures)", fixable=False)
                    return

    def _futures(self, expr) -> bool:
        m = self.model
        v = m.value(expr)
        if v is None or v.kind != K.CONTAINER or v.element is None or \
                v.element.kind != K.FUTURE:
            return False
        if type(v.node) is ast.Call and m.qualname(v.node.func) in V.AS_COMPLETED_FUNCTIONS:
            return False
        return True

    @staticmethod
    def _is_result_of(call, name: str) -> bool:
        func = call.func
        return type(func) is ast.Attribute and func.attr == "result" and \
            type(func.value) is ast.Name and func.value.id == name

    def _result_call(self, elt, name: str):
        for n in ast.walk(elt):
            if type(n) is ast.Call and self._is_result_of(n, name):
                return n
        return None

    def _is_list(self, expr, depth: int = 0) -> bool:
        m = self.model
        t = type(expr)
        if t in (ast.List, ast.ListComp):
            return True
        if t is ast.Call and type(expr.func) is ast.Attribute and expr.func.attr == "map" \
                and m.kind(expr.func.value) == K.CLIENT:
            return True
        if t is ast.Name and depth == 0:
            bindings = m.reaching_bindings(expr)
            return bool(bindings) and all(
                b.kind == "assign" and b.index is None and b.value is not None and
                self._is_list(b.value, 1) for b in bindings)
        return False

    def _client_text(self, iterable, use) -> str | None:
        """The client that made the futures, spelled so that it means the same at ``use``."""
        m = self.model
        v = m.value(iterable)
        made_by = v.element.node if v is not None and v.element is not None else None
        if type(made_by) is not ast.Call or type(made_by.func) is not ast.Attribute:
            return None
        client = made_by.func.value
        root = client
        while type(root) is ast.Attribute:
            root = root.value
        if type(root) is not ast.Name or m.kind(client) != K.CLIENT:
            return None
        made_scope, made_bindings = m.lookup(root.id, m.scope_of(root))
        use_scope, use_bindings = m.lookup(root.id, m.scope_of(use))
        if made_scope is None or made_scope is not use_scope or len(made_bindings) != 1:
            return None
        return dotted(client)

    def fix(self, node, finding):
        import libcst as cst

        if not isinstance(node, cst.ListComp):
            return node
        iterable = E.strip_parentheses(node.for_in.iter)
        gather = cst.parse_expression(f"{finding.fix.data['client']}.gather")
        return cst.Call(func=gather, args=[cst.Arg(value=iterable)], lpar=node.lpar,
                        rpar=node.rpar)


class ImpureFunctionDefaultPure(Rule):
    """A non-deterministic function submitted with the default `pure=True`.

    ## What it does
    Finds `<client>.submit(f, ...)` and `<client>.map(f, ...)` without `pure=False` (and
    without an explicit `key=`), and `delayed(f, pure=True)` / `@delayed(pure=True)`, where
    `f` is a known non-deterministic callable (`random.*`, `np.random.*`, `time.time`,
    `datetime.now`, `uuid.uuid4`, `secrets.*`, `os.urandom`) or a function or lambda of this
    module whose body calls one unseeded.

    ## Why is this bad?
    Futures are pure by default: a task's key is a hash of the function and its arguments,
    and equal calls are deduplicated. Verified: two `client.submit(random.random)` calls had
    the same key and the same value, and `client.map(lambda _: random.random(), [0] * 5)`
    produced one key and one distinct value. `pure=False` gave distinct keys.

    ## Example
    ```python
    futures = client.map(lambda _: random.random(), range(5))
    ```

    ## Use instead
    ```python
    futures = client.map(lambda _: random.random(), range(5), pure=False)
    ```

    ## Fix safety
    Unsafe: the fix adds `pure=False` (or turns `pure=True` into `pure=False`). Results
    change, as intended: equal calls are no longer deduplicated, so each runs and may return
    a different value.

    ## Options
    `dask-client-names`: receivers taken as a Client by name when nothing else is known.

    ## References
    - https://distributed.dask.org/en/stable/client.html#pure-functions-by-default
    - https://github.com/dask/distributed/issues/2367
    - https://github.com/automl/SMAC3/pull/803
    - Not flagged: functions seeded from their own parameters (`np.random.default_rng(seed)`,
      `random.seed(i)`), generators with a constant seed, functions that only use a random
      generator passed in as an argument, calls with `pure=False`, `key=` or `**kwargs`, and
      functions defined in other modules (not followed).
    """

    code = "DSK705"
    name = "impure-function-default-pure"
    node_types = (ast.Call,)
    call_names = frozenset({"submit", "map"}) | last_names(V.DELAYED_FUNCTIONS)
    fix_safety = Safety.UNSAFE
    fix_title = "Mark the call impure: pure=False"

    def check(self, call: ast.Call) -> Iterator[Finding]:
        m = self.model
        func = call.func
        if not call.keywords and (not call.args or type(func) is not ast.Attribute):
            return  # neither client.submit/map(f, ...) nor delayed(..., pure=True)
        if any(kw.arg is None for kw in call.keywords):
            return
        pure = E.keyword(call, "pure")
        decorated = m.parent(call) if m.field_of(call) == \
            "decorator_list" else None
        if not call.args and decorated is None:
            return
        if type(func) is ast.Attribute and func.attr in ("submit", "map"):
            if pure is not None or E.keyword(call, "key") is not None:
                return
            if m.kind(func.value) != K.CLIENT:
                return
            api = f"{dotted(func) or func.attr}()"
            default = "the default pure=True"
        elif m.qualname(func) in V.DELAYED_FUNCTIONS:
            if pure is None or not E.is_constant(pure.value, True):
                return
            api = f"{_text(func)}(..., pure=True)"
            default = "pure=True"
        else:
            return
        if call.args:
            why = self._impure(call.args[0])
        elif isinstance(decorated, (ast.FunctionDef, ast.Lambda)):
            why = self._impure_function(decorated)
            api = f"@{_text(func)}(pure=True)"
        else:
            return
        if why is None:
            return
        yield self.report(
            call,
            f"{why} is non-deterministic, but {api} runs it with {default}: its key is a "
            "hash of the function and arguments, so equal calls are deduplicated and return "
            "the same value; pass pure=False (or a distinct seed per call)")

    def _impure(self, expr) -> str | None:
        m = self.model
        q = m.qualname(expr)
        if q is not None and self._nondeterministic(q) and q not in V.RNG_SEEDERS:
            return f"{_text(expr, 30)}()"
        fn = m.function_of(expr)
        if fn is None or type(fn) is ast.AsyncFunctionDef:
            return None
        return self._impure_function(fn)

    def _impure_function(self, fn) -> str | None:
        m = self.model
        params = {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs,
                                  fn.args.vararg, fn.args.kwarg) if a is not None}
        unseeded = None
        for n in m.body_nodes(fn):
            if type(n) is not ast.Call:
                continue
            cq = m.qualname(n.func)
            if cq is None or not self._nondeterministic(cq):
                continue
            passes_param = any(type(a) is ast.Name and a.id in params
                               for arg in (*n.args, *(kw.value for kw in n.keywords))
                               for a in ast.walk(arg))
            if passes_param:
                return None  # seeded from the function's own arguments
            if cq in V.RNG_SEEDERS:
                if n.args or n.keywords:
                    if cq.endswith(".seed"):
                        return None  # a constant seed makes the whole function deterministic
                    continue  # a generator with a constant seed
                unseeded = unseeded or f"{_text(n.func, 30)}() without a seed"
            elif unseeded is None:
                unseeded = f"{_text(n.func, 30)}()"
        if unseeded is None:
            return None
        label = "lambda" if type(fn) is ast.Lambda else f"'{fn.name}'"
        return f"{label} (it calls {unseeded})"

    @staticmethod
    def _nondeterministic(q: str) -> bool:
        if q in V.NONDETERMINISTIC_FUNCTIONS:
            return True
        if q.startswith(V.NONDETERMINISTIC_MODULES):
            return q.rpartition(".")[2] not in V.DETERMINISTIC_RANDOM_NAMES
        return False

    def fix(self, node, finding):
        import libcst as cst

        return E.with_keyword(node, "pure", cst.Name("False"))
