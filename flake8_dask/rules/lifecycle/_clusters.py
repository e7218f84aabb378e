"""What both lifecycle rules look for: a call that starts a new local cluster."""

from __future__ import annotations

import ast

from ...model import vocabulary as V
from ...syntax import has_double_star

#: The callee names of the calls that may start a local cluster (for ``Rule.call_names``).
CLUSTER_NAMES = frozenset(q.rpartition(".")[2]
                          for q in (*V.CLUSTER_FACTORIES, *V.CLIENT_CONSTRUCTORS))


def starts_local_cluster(m, call: ast.Call) -> str | None:
    """``"LocalCluster()"`` or ``"Client()"`` when the call starts a new local cluster."""
    func = call.func
    if type(func) is ast.Attribute and func.attr not in CLUSTER_NAMES:
        return None  # a Name may be an alias (``from distributed import Client as DC``)
    q = m.qualname(func)
    if q in V.CLUSTER_FACTORIES:
        return "LocalCluster()"
    if q in V.CLIENT_CONSTRUCTORS and not call.args and not has_double_star(call) and \
            not any(kw.arg in V.CLIENT_ADDRESS_KEYWORDS for kw in call.keywords):
        return "Client()"
    return None
