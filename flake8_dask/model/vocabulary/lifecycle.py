"""Client lifecycle (DSK601, DSK602)."""

from __future__ import annotations

#: Keywords that make a Client connect to an existing scheduler instead of starting one.
CLIENT_ADDRESS_KEYWORDS = frozenset({"address", "scheduler_file"})
#: Schedulers that start worker processes (which re-import the main script under spawn).
PROCESS_SCHEDULER_NAMES = frozenset({"processes", "multiprocessing"})
PROCESS_SCHEDULER_FUNCTIONS = frozenset({"dask.multiprocessing.get"})
CONFIG_SET_FUNCTIONS = frozenset({"dask.config.set"})
#: Functions that compute with a ``scheduler=`` keyword, besides ``dask.compute/persist``.
SCHEDULER_KEYWORD_FUNCTIONS = frozenset({"dask.array.store"})
#: Bag methods that compute (on Bag's default scheduler, the processes one).
BAG_COMPUTE_METHODS = frozenset({"compute", "persist", "take", "to_textfiles"})
#: Methods that stop a Client or a cluster (``client.shutdown()`` also closes its cluster).
CLOSING_METHODS = frozenset({"close", "shutdown", "__exit__", "__aexit__"})
#: Calls that take over the lifetime of the object passed to them.
LIFETIME_MANAGERS = frozenset({"contextlib.closing", "contextlib.aclosing"})
LIFETIME_MANAGER_METHODS = frozenset({"enter_context", "enter_async_context", "callback",
                                      "push", "push_async_callback", "push_async_exit"})
