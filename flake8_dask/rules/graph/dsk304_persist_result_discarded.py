"""DSK304: ``x.persist()`` as a statement, its result thrown away."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import COLLECTIONS, K
from ...model import vocabulary as V
from ...syntax import code, dotted, short
from .. import _edits as E
from .._dask import expects_failure
from ..base import Rule


@dataclass(frozen=True)
class Rebind:
    """The fix's facts: what the persist call is rebound to: ``"tuple"`` (the arguments of
    ``dask.persist``), ``"argument"`` (the one of ``client.persist``) or ``"receiver"``."""

    shape: str


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
    - In a notebook, the last line of a cell is displayed and kept in IPython's `Out`
      history: verified with distributed 2026.8, a displayed `ddf.persist()` keeps its
      partitions in memory, yet later computes of `ddf` read the sources again (the
      persisted copy is never used). It is still reported, saying so.
    - Known limitations: a test helper that expects an exception (`with assert_raises_my_way():`)
      is not recognised; xarray's `persist()` is not modelled.
    """

    code = "DSK304"
    name = "persist-result-discarded"
    node_types = (ast.Expr,)
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Assign the persisted result back"

    def check(self, stmt: ast.Expr) -> Iterator[Finding]:
        m = self.model
        call = stmt.value
        if type(call) is not ast.Call or expects_failure(m, stmt):
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
                label = f"{short(func.value)}.persist()"
                targets = [func.value]
            else:
                return
        else:
            return
        if targets is not None and not all(
                E.assignable(m, t, stmt) and type(t) is not ast.Subscript for t in targets):
            targets = None
        shape = "tuple" if label == "dask.persist()" else \
            "argument" if m.kind(getattr(func, "value", func)) == K.CLIENT else "receiver"
        whole = code(call, 40)
        if targets is None:
            suggestion = f": `persisted = {whole}`" if whole else ""
        else:
            names = ", ".join(ast.unparse(t) for t in targets)
            if shape == "tuple" and len(targets) == 1:
                names = f"({names},)"
            suggestion = f": `{names} = {whole}`" if whole else f" to {names}"
        if m.displayed(stmt):
            # Verified: IPython's Out keeps the persisted partitions in memory, but later
            # computes of the input read its sources again (the persist is never reused).
            effect = (f"the result of {label} is only displayed: persist() does not change "
                      "its input, so later computes read the sources again")
        else:
            effect = (f"the result of {label} is discarded: persist() does not change its "
                      "input, so the work is lost")
        yield self.report(
            call, f"{effect}; assign it{suggestion}",
            fix=Safety.UNSAFE if targets is not None else None, data=Rebind(shape),
            target=stmt)

    def fix(self, node, finding):
        import libcst as cst

        if not isinstance(node, cst.Expr) or not isinstance(node.value, cst.Call):
            return node
        call = node.value
        shape = finding.fix.data.shape
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
