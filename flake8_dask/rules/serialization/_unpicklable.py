"""Values that cannot be shipped to a worker (DSK201, DSK202)."""

from __future__ import annotations

from ...model import K, Value


def unpicklable(v: Value | None) -> Value | None:
    """The value itself, when it cannot be shipped to a worker."""
    if v is None:
        return None
    if v.kind == K.RESOURCE:
        return v
    if v.kind == K.CLIENT and v.origin not in ("name", "parameter", "worker_client()",
                                               "get_client()"):
        return Value(K.RESOURCE, "a distributed Client", node=v.node)
    return None
