"""DSK201 unpicklable-task-argument: a file handle, lock or connection passed to a task."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding
from ...model import K, Value
from ..base import Rule
from ._unpicklable import unpicklable


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
            why = ("it cannot be pickled, or is copied whole into the graph; pass the path and "
                   "open it in the task")
        else:
            why = ("it cannot be pickled to a worker; create it in the task from a picklable "
                   "description (a path, a URI)")
        verb = "are" if elements else "is"
        return self.report(expr, f"{subject} {verb} passed to {ep.api} at "
                                 f"{self.model.cite(ep.call.lineno)}: {why}")
