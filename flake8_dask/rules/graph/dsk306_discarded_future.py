"""DSK306: ``client.submit(...)`` as a statement: the Future is dropped."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import K
from ...syntax import dotted
from .. import _edits as E
from .._dask import expects_failure
from ..base import Rule


@dataclass(frozen=True)
class FireAndForget:
    """The fix's facts: how ``fire_and_forget`` is spelled where the call is."""

    function: str


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
    - Not flagged in a notebook: the last line of a cell, which is displayed and kept in
      IPython's `Out` history, so its task runs to the end (verified with distributed
      2026.8).
    """

    code = "DSK306"
    name = "discarded-future"
    node_types = (ast.Expr,)
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Wrap in `fire_and_forget()`"

    def check(self, stmt: ast.Expr) -> Iterator[Finding]:
        m = self.model
        call = stmt.value
        if type(call) is not ast.Call or type(call.func) is not ast.Attribute:
            return
        func = call.func
        if func.attr not in ("submit", "map", "compute"):
            return
        if m.kind(func.value) != K.CLIENT or expects_failure(m, stmt) or m.displayed(stmt):
            return  # a notebook's displayed value is kept in Out: the task runs
        name, imports = E.import_for(m, "distributed.fire_and_forget", stmt)
        label = f"{dotted(func) or func.attr}()"
        what = "Futures returned by {} are" if func.attr == "map" else \
            "Future returned by {} is"
        yield self.report(
            call,
            f"the {what.format(label)} dropped at once: its task may be cancelled before it "
            "runs; keep a reference or use fire_and_forget()",
            fix=Safety.UNSAFE if name else None, data=FireAndForget(name), imports=imports)

    def fix(self, node, finding):
        return E.call_with(finding.fix.data.function, node)
