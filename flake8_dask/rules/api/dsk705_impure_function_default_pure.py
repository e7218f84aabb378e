"""DSK705 impure-function-default-pure: a non-deterministic function run with pure=True."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding, Safety
from ...model import K, single_assignment
from ...model import vocabulary as V
from ...syntax import dotted, function_label, has_double_star, is_constant, keyword, short
from .. import _edits as E
from ..base import Rule, last_names


class ImpureFunctionDefaultPure(Rule):
    """A non-deterministic function submitted with the default `pure=True`.

    ## What it does
    Finds `<client>.submit(f, ...)` and `<client>.map(f, ...)` without `pure=False` (and
    without an explicit `key=`), and `delayed(f, pure=True)` / `@delayed(pure=True)`, where
    `f` is a known non-deterministic callable (`random.*`, `np.random.*`, `time.time`,
    `datetime.now`, `uuid.uuid4`, `secrets.*`, `os.urandom`) or a function or lambda of this
    module that calls one unseeded and lets its value reach what it returns (directly,
    through local variables, containers, f-strings) or what it writes (a file, a store, an
    item of its input, an attribute of `self`). Randomness that only feeds `time.sleep`, a
    retry's jitter, a timer or a log line leaves the result alone and is not reported.

    ## Why is this bad?
    Futures are pure by default: a task's key is a hash of the function and its arguments,
    and equal calls are deduplicated. Verified: two `client.submit(random.random)` calls had
    the same key and the same value, and `client.map(lambda _: random.random(), [0] * 5)`
    produced one key and one distinct value. `pure=False` gave distinct keys.

    ## Example
    ```python
    draws = client.map(lambda _: random.random(), [0] * 5)  # one key: five equal values
    ```

    ## Use instead
    ```python
    draws = client.map(lambda _: random.random(), [0] * 5, pure=False)
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
      generator passed in as an argument, calls with `pure=False`, `key=` or `**kwargs`,
      `client.map` over items that are certainly all different (`range(n)`, a literal list
      of distinct constants: no two calls share a key), and functions defined in other
      modules (not followed).
    """

    code = "DSK705"
    name = "impure-function-default-pure"
    node_types = (ast.Call,)
    call_names = frozenset({"submit", "map"}) | last_names(V.DELAYED_FUNCTIONS)
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Mark the call impure with `pure=False`"

    def check(self, call: ast.Call) -> Iterator[Finding]:
        m = self.model
        func = call.func
        if not call.keywords and (not call.args or type(func) is not ast.Attribute):
            return  # neither client.submit/map(f, ...) nor delayed(..., pure=True)
        if has_double_star(call):
            return
        pure = keyword(call, "pure")
        decorated = m.parent(call) if m.field_of(call) == \
            "decorator_list" else None
        if not call.args and decorated is None:
            return
        if type(func) is ast.Attribute and func.attr in ("submit", "map"):
            if pure is not None or keyword(call, "key") is not None:
                return
            if m.kind(func.value) != K.CLIENT:
                return
            api = f"{dotted(func) or func.attr}()"
            default = "the default pure=True"
        elif m.qualname(func) in V.DELAYED_FUNCTIONS:
            if pure is None or not is_constant(pure.value, True):
                return
            api = f"{short(func, 60)}(..., pure=True)"
            default = "pure=True"
        else:
            return
        if type(func) is ast.Attribute and func.attr == "map" and len(call.args) > 1 and \
                any(self._distinct(a) for a in call.args[1:]):
            return  # every mapped call gets other arguments: no two share a key
        if call.args:
            why = self._impure(call.args[0])
        elif isinstance(decorated, (ast.FunctionDef, ast.Lambda)):
            why = self._impure_function(decorated)
            api = f"@{short(func, 60)}(pure=True)"
        else:
            return
        if why is None:
            return
        subject, reached = why
        because = f": it calls {reached}" if reached else ""
        yield self.report(
            call,
            f"{subject} is non-deterministic, but {api} runs it with {default}{because}; equal "
            "calls are merged into one; pass pure=False", fix=Safety.UNSAFE)

    def _distinct(self, expr) -> bool:
        """An iterable whose items are certainly all different: ``range(...)``, or a literal
        list or tuple of distinct constants (or tuples of constants), directly or through a
        name bound once to one."""
        m = self.model
        if type(expr) is ast.Name:
            expr = single_assignment(m, expr)
        if type(expr) is ast.Call:
            return m.qualname(expr.func) == "builtins.range" and not expr.keywords
        if type(expr) not in (ast.List, ast.Tuple) or not expr.elts:
            return False
        try:
            items = [ast.literal_eval(e) for e in expr.elts]
            return len(set(items)) == len(items)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return False  # not literals, or unhashable: unknown

    def _impure(self, expr) -> tuple[str, str | None] | None:
        m = self.model
        q = m.qualname(expr)
        if q is not None and self._nondeterministic(q) and q not in V.RNG_SEEDERS:
            return f"{short(expr, 30)}()", None
        fn = m.function_of(expr)
        if fn is None or type(fn) is ast.AsyncFunctionDef:
            return None
        return self._impure_function(fn)

    def _impure_function(self, fn) -> tuple[str, str | None] | None:
        """Why ``fn``'s result is non-deterministic (``("'f'", "random.random()")``), or
        None: no non-deterministic value reaches what it returns or writes (a random sleep,
        a retry's jitter, a timing for a log line leave the result alone)."""
        m = self.model
        params = {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs,
                                  fn.args.vararg, fn.args.kwarg) if a is not None}
        sources: dict[ast.Call, str] = {}  # the non-deterministic calls, and how to name them
        nodes = list(m.body_nodes(fn))
        for n in nodes:
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
                sources[n] = f"{short(n.func, 30)}() without a seed"
            else:
                sources[n] = f"{short(n.func, 30)}()"
        if not sources:
            return None
        reached = _reaches_result(fn, nodes, sources, params)
        return (function_label(fn), reached) if reached else None

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


#: Calls that write their arguments somewhere (a file, a store, a queue, a socket): a
#: non-deterministic value passed to one is a side effect of the task. Logging, printing,
#: ``time.sleep`` and timers are not writes.
_WRITING_METHODS = frozenset({
    "write", "writelines", "save", "savez", "savetxt", "dump", "to_csv", "to_parquet",
    "to_json", "to_hdf", "to_zarr", "to_netcdf", "to_sql", "put", "put_object", "upload",
    "upload_file", "send", "sendall", "insert", "insert_one", "insert_many", "execute",
    "executemany", "set", "setex", "publish"})
#: Methods that put their argument into the container they are called on.
_STORING_METHODS = frozenset({"append", "extend", "add", "update", "insert", "setdefault",
                              "appendleft", "extendleft"})
_ASSIGNMENTS = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.NamedExpr)


def _root(expr: ast.AST) -> ast.Name | None:
    while type(expr) in (ast.Attribute, ast.Subscript, ast.Starred):
        expr = expr.value
    return expr if type(expr) is ast.Name else None


def _reaches_result(fn, nodes: list, sources: dict, params: set) -> str | None:
    """The name of the first non-deterministic call whose value reaches ``fn``'s return
    value (``return``, ``yield``, a lambda's body) or a write it performs (a writing call, an
    item or attribute stored on a parameter, ``self`` or a global), through local variables,
    containers, f-strings and any expression. Flow-insensitive, to a fixed point."""
    local: set[str] = set()
    for n in nodes:
        if type(n) is ast.Name and type(n.ctx) is ast.Store:
            local.add(n.id)
    local -= params
    tainted: dict[str, str] = {}

    def taint(expr) -> str | None:
        if expr is None:
            return None
        for sub in ast.walk(expr):
            if sub in sources:
                return sources[sub]
            if type(sub) is ast.Name and sub.id in tainted and type(sub.ctx) is ast.Load:
                return tainted[sub.id]
        return None

    def flows() -> list[tuple[list, ast.AST]]:
        """(targets, value) pairs: what each statement of the body carries into names."""
        out = []
        for n in nodes:
            t = type(n)
            if t in _ASSIGNMENTS:
                targets = n.targets if t is ast.Assign else [n.target]
                out.append((targets, n.value))
            elif t in (ast.For, ast.AsyncFor, ast.comprehension):
                out.append(([n.target], n.iter))
            elif t is ast.withitem and n.optional_vars is not None:
                out.append(([n.optional_vars], n.context_expr))
            elif t is ast.Call and type(n.func) is ast.Attribute and \
                    n.func.attr in _STORING_METHODS:
                out.append(([n.func.value], n))  # lst.append(x): lst holds x
        return out

    pairs = flows()
    for _ in range(len(pairs) + 1):
        changed = False
        for targets, value in pairs:
            label = taint(value)
            if label is None:
                continue
            for target in targets:
                for sub in ast.walk(target):
                    name = sub if type(sub) is ast.Name else _root(sub)
                    if name is not None and name.id in local and name.id not in tainted:
                        tainted[name.id] = label
                        changed = True
        if not changed:
            break
    if type(fn) is ast.Lambda:
        return taint(fn.body)
    for n in nodes:
        t = type(n)
        if t in (ast.Return, ast.Yield, ast.YieldFrom):
            label = taint(n.value)
        elif t is ast.Call and type(n.func) is ast.Attribute and \
                n.func.attr in _WRITING_METHODS:
            label = taint(n.func.value) or next(
                (x for x in map(taint, (*n.args, *(k.value for k in n.keywords))) if x), None)
        elif t in _ASSIGNMENTS:
            targets = n.targets if t is ast.Assign else [n.target]
            label = None
            for target in targets:
                root = _root(target)
                if type(target) in (ast.Attribute, ast.Subscript) and root is not None \
                        and root.id not in local:
                    label = taint(n.value)  # out[i] = ..., self.x = ..., CACHE[k] = ...
                    break
        else:
            continue
        if label:
            return label
    return None
