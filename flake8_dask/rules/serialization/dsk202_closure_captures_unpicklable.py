"""DSK202 closure-captures-unpicklable: a task function that captures an unpicklable resource."""

from __future__ import annotations

from ...model import Value
from ...syntax import function_label, site_text
from ._capture import CaptureRule
from ._unpicklable import unpicklable


class ClosureCapturesUnpicklable(CaptureRule):
    """A task function that captures a file handle, lock, connection or client.

    ## What it does
    Finds task functions (lambdas, nested defs, and the functions of a script run as
    `__main__` or of a notebook, whose cells IPython runs in `__main__`) whose free
    variables, or default argument values, are unpicklable resources: file handles, locks,
    database connections and engines, sockets, generators, a distributed `Client`.

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
        return (f"task {function_label(fn)} captures '{name}', {v.what}: it cannot be pickled "
                f"with the task ({site_text(sites, self.model.cite)}); create it in the task "
                "from a path or URI")
