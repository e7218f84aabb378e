"""Canonical qualified names: how a resolved name is spelled in every table (``dask.distributed.X``
and ``distributed.client.X`` are ``distributed.X``)."""

from __future__ import annotations

#: Prefix rewrites applied to every resolved qualified name (longest prefix first).
_PREFIX_ALIASES = (
    ("dask.distributed.", "distributed."),
    ("distributed.client.", "distributed."),
    ("distributed.worker_client.", "distributed."),
    ("distributed.worker.", "distributed."),
    ("distributed.threadpoolexecutor.", "distributed."),
    ("distributed.deploy.local.", "distributed."),
    ("distributed.deploy.", "distributed."),
    ("distributed.lock.", "distributed."),
    ("distributed.variable.", "distributed."),
    ("distributed.queues.", "distributed."),
    ("distributed.semaphore.", "distributed."),
    ("dask.delayed.", "dask."),
    ("dask.base.", "dask."),
    ("dask.dataframe.core.", "dask.dataframe."),
    ("dask.dataframe.io.", "dask.dataframe."),
    ("dask.dataframe.multi.", "dask.dataframe."),
    ("dask.dataframe.dask_expr.", "dask.dataframe."),
    ("dask_expr.", "dask.dataframe."),
    ("dask.array.core.", "dask.array."),
    ("dask.array.creation.", "dask.array."),
    ("dask.array.routines.", "dask.array."),
    ("dask.array.reductions.", "dask.array."),
    ("dask.array.overlap.", "dask.array."),
    ("dask.array.gufunc.", "dask.array."),
    ("dask.array.blockwise.", "dask.array."),
    ("dask.bag.core.", "dask.bag."),
)
_EXACT_ALIASES = {
    "dask.distributed": "distributed",
    "dask.delayed.delayed": "dask.delayed",
}


_CANONICAL_CACHE: dict[str, str] = {}


def canonical(qualname: str) -> str:
    """Return the canonical spelling of a resolved qualified name."""
    cached = _CANONICAL_CACHE.get(qualname)
    if cached is not None:
        return cached
    result = _EXACT_ALIASES.get(qualname)
    if result is None:
        result = qualname
        if qualname.startswith(("dask", "distributed")):
            for prefix, replacement in _PREFIX_ALIASES:
                if qualname.startswith(prefix):
                    result = replacement + qualname[len(prefix):]
                    break
    if len(_CANONICAL_CACHE) < 100_000:
        _CANONICAL_CACHE[qualname] = result
    return result


#: Top-level modules whose import makes a file worth analysing (the prefilter's regex).
DASK_MODULES = ("dask", "distributed", "dask_expr")
