"""DSK706 lazy-object-formatted: a lazy Dask value formatted into text shows its repr."""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import PARTITIONED, K, single_assignment
from ...model import vocabulary as V
from ...syntax import code, short
from .. import _edits as E
from .._dask import expects_failure
from ..base import Rule, last_names

#: Kinds whose text is a repr whatever they hold: one lazy value.
_VALUE_KINDS = frozenset({K.SCALAR, K.DELAYED, K.FUTURE})
#: A printf-style conversion specifier (``%s``, ``%-10.2f``, ``%(name)s``, ``%%``).
_PRINTF = re.compile(r"%(\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)", re.S)


@dataclass(frozen=True)
class ComputeIt:
    """The method that makes the value: ``compute`` (``result`` for a Future)."""
    method: str


def _textual(expr: ast.AST) -> bool:
    """A string literal, an f-string, or ``+``/``%`` built on one (text, not a Dask value,
    whatever the model says of ``"a" + scalar``)."""
    t = type(expr)
    if t is ast.Constant:
        return type(expr.value) is str
    if t is ast.JoinedStr:
        return True
    return t is ast.BinOp and type(expr.op) in (ast.Add, ast.Mod) and (
        _textual(expr.left) or _textual(expr.right))


def printf_conversions(text: str) -> list[str] | None:
    """The conversion of each positional argument of ``text % args`` (``["s", "d"]``), or
    None when they cannot be matched to arguments (``%(name)s``, ``*`` widths, a bad spec)."""
    out = []
    for match in _PRINTF.finditer(text):
        key, width, precision, conv = match.groups()
        if conv == "%" and not (key or width or precision):
            continue
        if key is not None or width == "*" or precision == "*" or \
                conv not in "diouxXeEfFgGcrsa":
            return None
        out.append(conv)
    return out


class LazyObjectFormatted(Rule):
    """A lazy Dask value (Scalar, Delayed, Future, a reduced collection) formatted into text.

    ## What it does
    Finds a Dask Scalar, a Delayed object, a Future, or a reduction of a Dask collection
    (`x.mean(axis=0)`, `ddf.x.value_counts()`) formatted into text without being computed:
    a field of an f-string, `str(...)`, a `%s` of `"..." % ...`, a field of
    `"...".format(...)`, an argument of a logging call (`logging.info`, or a method of a
    `logging.getLogger(...)` logger) given to a `%s` of its message, and an argument of
    `print(...)` in a script.

    ## Why is this bad?
    The text holds the object's repr, not its value: verified with dask 2026.8,
    `f"mean is {ddf.x.mean()}"` is `mean is <dask_expr.expr.Scalar: expr=df['x'].mean(),
    dtype=float64>`, and so are `str(...)` and `logging.info("rows: %s", ddf.x.count())`.
    Nothing is computed and nothing warns; the log or report is silently useless. With a
    format spec (`f"{ddf.x.mean():.2f}"`) it raises `TypeError: unsupported format string
    passed to Scalar.__format__`.

    ## Example
    ```python
    print(f"mean is {ddf.x.mean()}")
    ```

    ## Use instead
    ```python
    print(f"mean is {ddf.x.mean().compute()}")
    ```

    ## Fix safety
    Unsafe: the fix appends `.compute()` (`.result()` for a Future) to the formatted
    expression, so the computation now runs where the text is built, which can be slow, and
    each such field computes on its own: compute several values together with
    `dask.compute(...)` and format the results.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/user-interfaces.html
    - Not flagged: `repr(...)`, `{x!r}` and `%r` (the repr asked for on purpose); metadata
      (`.npartitions`, `.dtypes`, `.columns`, a Dask Array's `.shape`); computed values;
      a whole collection (`print(ddf)` shows its structure, often on purpose); `print(...)`
      in a notebook, where tutorials print a lazy object to show it is lazy (f-strings and
      logging in a notebook are still reported); the text built in `__repr__`/`__str__`.
    - Not flagged either: a name that its scope also computes, waits for or takes from
      `as_completed(...)` (`dask.compute(mean)`, `f.done()`): the author knows it is lazy
      and prints it to show so (a tutorial's "nothing computed yet", a progress line); this
      also leaves out a real mistake next to a compute of the same name.
    - Left out: `"%d" % s` and `"%.2f" % s` raise `TypeError` at once, and so does
      `"..." + s` on a Scalar. `ddf.shape[0]` and `ddf.size` are lazy Scalars (not
      metadata) and are reported.
    """

    code = "DSK706"
    name = "lazy-object-formatted"
    node_types = (ast.FormattedValue, ast.BinOp, ast.Call)
    call_names = last_names("str", "print", "format", V.LOGGER_METHODS)
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Append `.compute()` (`.result()` for a Future)"

    def check(self, node) -> Iterator[Finding]:
        t = type(node)
        if t is ast.FormattedValue:
            if node.conversion in (-1, ord("s")):
                yield from self._formatted(node.value, "an f-string field",
                                           spec=node.format_spec is not None)
        elif t is ast.BinOp:
            if type(node.op) is ast.Mod and type(node.left) is ast.Constant and \
                    type(node.left.value) is str:
                right = node.right
                args = right.elts if type(right) is ast.Tuple else [right]
                yield from self._printf(node.left.value, args, "'%s' formatting")
        else:
            yield from self._call(node)

    # ------------------------------------------------------------------ the contexts
    def _call(self, call: ast.Call) -> Iterator[Finding]:
        func = call.func
        if type(func) is ast.Attribute and func.attr == "format":
            if type(func.value) is ast.Constant and type(func.value.value) is str:
                yield from self._format_method(func.value.value, call)
            return
        if any(type(a) is ast.Starred for a in call.args):
            return
        q = self.model.qualname(func)
        if q == "builtins.str":
            if len(call.args) == 1 and not call.keywords:
                yield from self._formatted(call.args[0], "str()")
        elif q == "builtins.print":
            if not self.options.notebook:
                for arg in call.args:
                    yield from self._formatted(arg, "print()")
        elif q in V.LOGGING_FUNCTIONS or (
                type(func) is ast.Attribute and func.attr in V.LOGGER_METHODS
                and self._logger(func.value)):
            args = call.args[1:] if func.attr == "log" or q == "logging.log" else call.args
            if not args:
                return
            msg, rest = args[0], args[1:]
            how = f"the message of {short(func, 30)}()"
            yield from self._formatted(msg, how)
            if rest and type(msg) is ast.Constant and type(msg.value) is str:
                yield from self._printf(msg.value, rest, f"'%s' of {short(func, 30)}()")

    def _logger(self, expr: ast.AST) -> bool:
        """``expr`` is a ``logging.getLogger(...)`` logger: the call, or a name every binding
        of which is one."""
        m = self.model
        if type(expr) is ast.Call:
            return m.qualname(expr.func) in V.LOGGER_FACTORIES
        if type(expr) is not ast.Name:
            return False
        bindings = m.reaching_bindings(expr)
        return bool(bindings) and all(
            b.kind == "assign" and b.index is None and type(b.value) is ast.Call
            and m.qualname(b.value.func) in V.LOGGER_FACTORIES for b in bindings)

    def _printf(self, text: str, args: list, how: str) -> Iterator[Finding]:
        conversions = printf_conversions(text)
        if conversions is None or len(conversions) != len(args) or \
                any(type(a) is ast.Starred for a in args):
            return
        for conv, arg in zip(conversions, args):
            if conv == "s":
                yield from self._formatted(arg, how)

    def _format_method(self, text: str, call: ast.Call) -> Iterator[Finding]:
        if any(type(a) is ast.Starred for a in call.args) or \
                any(k.arg is None for k in call.keywords):
            return
        try:
            fields = list(string.Formatter().parse(text))
        except ValueError:
            return
        keywords = {k.arg: k.value for k in call.keywords}
        auto = 0
        for _, name, spec, conversion in fields:
            if name is None:
                continue
            if name == "":
                name, auto = str(auto), auto + 1
            if conversion not in (None, "s"):
                continue
            if name.isdigit():
                index = int(name)
                arg = call.args[index] if index < len(call.args) else None
            else:
                arg = keywords.get(name)
            if arg is not None:
                # a field that selects (``{0.npartitions}``) is not the argument itself: the
                # name then holds ``.`` or ``[`` and matched nothing above
                yield from self._formatted(arg, "a '.format()' field", spec=bool(spec))

    def _grouped(self, expr: ast.AST, depth: int = 0) -> bool:
        """``expr`` is the result of a ``groupby`` (or ``resample``, ``rolling``...): a table
        of results per group, like a reduction (``groupby(k).apply(f)`` as much as
        ``groupby(k).x.sum()``, so that DSK404's rewrite of one into the other does not
        make this rule report a line it did not report before)."""
        m = self.model
        while depth < 8:
            t = type(expr)
            if t is ast.Name:
                expr = single_assignment(m, expr)
                if expr is None:
                    return False
            elif t in (ast.Attribute, ast.Subscript):
                expr = expr.value
            elif t is ast.Call and type(expr.func) is ast.Attribute:
                expr = expr.func.value
            else:
                return False
            if m.kind(expr) == K.GROUPBY:
                return True
            depth += 1
        return False

    # ------------------------------------------------------------------ the value
    def _formatted(self, expr: ast.AST, how: str, spec: bool = False) -> Iterator[Finding]:
        if _textual(expr):
            return
        m = self.model
        v = m.value(expr)
        if v is None:
            return
        if v.kind not in _VALUE_KINDS and not (v.kind in PARTITIONED and (
                m.reduced(expr) or self._grouped(expr))):
            return
        if expects_failure(m, expr) or self._shown_on_purpose(expr):
            return
        method = "result" if v.kind == K.FUTURE else "compute"
        what = V.KIND_NAMES.get(v.kind, "a lazy Dask object")
        effect = ("raises TypeError (a lazy object takes no format spec)" if spec
                  else "shows its repr, not its value")
        text = code(expr, 40)
        todo = (f"format `{text if type(expr) in _PLAIN else f'({text})'}.{method}()`"
                if text else f"call .{method}() on it")
        yield self.report(
            expr, f"'{short(expr, 40)}' is {what}: {how} {effect}; {todo}",
            fix=Safety.UNSAFE, data=ComputeIt(method))

    def _shown_on_purpose(self, expr: ast.AST) -> bool:
        """``expr`` is a name the author handles as lazy elsewhere in its scope: computes it
        (``total.compute()``, ``dask.compute(mean, pct)``), waits for it (``f.done()``,
        ``wait(f)``) or gets it from ``as_completed(...)``. Printing it is then showing
        what it is (a tutorial's "nothing computed yet", a progress line), not a mistake."""
        m = self.model
        fn = m.enclosing_function(expr)
        if getattr(fn, "name", None) in _REPR_METHODS:
            return True  # a repr of an object that holds a lazy value shows it as lazy
        if type(expr) is not ast.Name:
            return False
        for b in m.reaching_bindings(expr):
            if b.kind == "for" and type(b.value) is ast.Call and \
                    m.qualname(b.value.func) in V.LAZY_HANDLING_FUNCTIONS:
                return True
        scope = m.scope_of(expr)
        for use in m.names(expr.id):
            if use is expr or type(use.ctx) is not ast.Load or m.scope_of(use) is not scope:
                continue
            parent = m.parent(use)
            if type(parent) in (ast.List, ast.Tuple, ast.Starred):
                parent = m.parent(parent)  # dask.compute(*[a, b]), client.gather([f, g])
                if type(parent) is ast.Starred:
                    parent = m.parent(parent)
            if type(parent) is ast.Attribute and parent.attr in V.LAZY_HANDLING_METHODS:
                return True
            if type(parent) is ast.Call and parent.func is not use and (
                    m.qualname(parent.func) in V.LAZY_HANDLING_FUNCTIONS or
                    type(parent.func) is ast.Attribute and
                    parent.func.attr in V.LAZY_HANDLING_METHODS):
                return True
        return False

    def fix(self, node, finding):
        return E.method_call(node, finding.fix.data.method)


#: Methods that build an object's own text: a lazy value in it is shown on purpose.
_REPR_METHODS = frozenset({"__repr__", "__str__", "__format__", "_repr_html_",
                           "_repr_pretty_"})
#: Expressions that take a method call without parentheses.
_PLAIN = (ast.Name, ast.Attribute, ast.Call, ast.Subscript)
