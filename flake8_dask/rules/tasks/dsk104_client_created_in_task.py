"""DSK104 client-created-in-task: creating a Client or LocalCluster inside a task."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import vocabulary as V
from ...syntax import function_label, keyword, site_text
from .. import _edits as E
from ..base import Rule, last_names


@dataclass(frozen=True)
class GetClient:
    """The local name of ``get_client`` the fix calls."""

    function: str


#: Attributes of a Client that close it.
_CLOSING_ATTRIBUTES = frozenset({"close", "shutdown", "__enter__", "__exit__"})


class ClientCreatedInTask(Rule):
    """Creating a `Client` or `LocalCluster` inside a task.

    ## What it does
    Finds a resolved `distributed.Client(...)` or `LocalCluster(...)` constructed in the body
    of a task function (a function passed to `client.submit`/`client.map`, `delayed`,
    `map_partitions` and the other task entry points, or decorated with `@delayed`).

    ## Why is this bad?
    Without an address, `Client()` starts a whole `LocalCluster` inside the worker. On
    process-based (daemonic) workers this fails: verified with distributed 2026.8, a task
    calling `Client(n_workers=1)` raised `AssertionError: daemonic processes are not allowed
    to have children`, then `RuntimeError: Nanny failed to start`. With an address, every task
    opens a new connection to the scheduler, and waits through that client do not secede, so
    they can deadlock the cluster (DSK101).

    ## Example
    ```python
    def process(x):
        client = Client("tcp://scheduler:8786")
        return client.gather(client.map(inc, range(x)))

    client.submit(process, 10)
    ```

    ## Use instead
    ```python
    def process(x):
        with worker_client() as client:
            return client.gather(client.map(inc, range(x)))
    ```

    ## Fix safety
    Unsafe: `Client(<address>)` (one address, a string, an f-string or a name or attribute
    that says "addr", and no other argument) becomes `get_client()`, imported from the
    module the file already imports Distributed names from when it is not imported yet.
    `get_client()` returns the worker's client of the scheduler the task runs on, which
    differs from the original when the address pointed elsewhere, and it is shared by the
    tasks of that worker; waits through it still need `secede()`/`rejoin()` or
    `worker_client()`. No fix for a Client without an address or for a `LocalCluster`
    (they need a human), nor when the client is closed in the task (`with Client(...)`,
    `client.close()`): closing the worker's shared client would break the other tasks.

    ## Options
    None.

    ## References
    - https://distributed.dask.org/en/stable/task-launch.html
    - https://github.com/dask/distributed/issues/2142
    - https://github.com/dask/distributed/issues/950
    - Not flagged: `get_client()`, `worker_client()`, `Client.current()`, a Client created in
      driver code, and functions passed to `client.run` (they are not tasks).
    - Known limitation: a Client created in a helper function that the task calls is not
      followed.
    """

    code = "DSK104"
    name = "client-created-in-task"
    node_types = (ast.Call,)
    call_names = last_names(V.CLIENT_CONSTRUCTORS, V.CLUSTER_FACTORIES)
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Replace with `get_client()`"

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        q = m.qualname(node.func)
        if q not in V.CLIENT_CONSTRUCTORS and q not in V.CLUSTER_FACTORIES:
            return
        fn, sites = m.task_sites_of(node)
        if not sites:
            return
        name = q.rpartition(".")[2]
        where = f"in task {function_label(fn)}"
        if q in V.CLIENT_CONSTRUCTORS and (node.args or keyword(node, "address")):
            why = "opens a new scheduler connection per task"
        else:
            why = "starts a new local cluster inside the worker"
        function, imports = "", []
        if q in V.CLIENT_CONSTRUCTORS and self._address_only(node) and \
                not self._closed(node, fn):
            function, imports = E.import_for(m, "distributed.get_client", m.statement_of(node))
        yield self.report(
            node,
            f"{name}(...) {where} {why}: task {site_text(sites, m.cite)}; use get_client() or "
            "`with worker_client() as client:`",
            fix=Safety.UNSAFE if function else None, data=GetClient(function),
            imports=imports)

    @staticmethod
    def _address_only(call: ast.Call) -> bool:
        """``Client(<address>)`` with nothing else: a string, an f-string, or a name or
        attribute that says it is an address (``scheduler_address``, ``cluster.addr``)."""
        if len(call.args) + len(call.keywords) != 1:
            return False
        if call.keywords:
            if call.keywords[0].arg != "address":
                return False
            arg = call.keywords[0].value
        else:
            arg = call.args[0]
        t = type(arg)
        if t is ast.Constant:
            return type(arg.value) is str
        if t is ast.JoinedStr:
            return True
        spelled = arg.id if t is ast.Name else arg.attr if t is ast.Attribute else ""
        return "addr" in spelled.lower()

    def _closed(self, call: ast.Call, fn) -> bool:
        """The new client may be closed in the task (``with Client(...)``, ``c.close()``) or
        goes where it is not followed: closing the worker's shared client instead would
        break its other tasks."""
        parent = self.model.parent(call)
        if type(parent) is ast.Attribute:
            return parent.attr in _CLOSING_ATTRIBUTES
        if type(parent) is ast.Assign and all(type(t) is ast.Name for t in parent.targets):
            names = {t.id for t in parent.targets}
        elif type(parent) is ast.AnnAssign and type(parent.target) is ast.Name:
            names = {parent.target.id}
        else:
            return True  # ``with Client(...)``, returned, passed on: not followed
        for n in self.model.body_nodes(fn):
            if type(n) is ast.Name and n.id in names and type(n.ctx) is ast.Load:
                use = self.model.parent(n)
                if type(use) is ast.withitem or \
                        type(use) is ast.Attribute and use.attr in _CLOSING_ATTRIBUTES:
                    return True
        return False

    def fix(self, node, finding):
        import libcst as cst

        return cst.Call(func=cst.Name(finding.fix.data.function))
