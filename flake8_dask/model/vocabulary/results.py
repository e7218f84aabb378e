"""Discarded and eager results, API misuse (DSK301, DSK304-DSK306, DSK408, DSK701-DSK705), and
implicit computes (DSK504)."""

from __future__ import annotations

from ..kinds import K
from .local import LARGE_OBJECT_LOADERS

# --------------------------------------------------------------------------------------------
# Discarded and eager results, API misuse
# --------------------------------------------------------------------------------------------

#: Module-level lazy writers: with ``compute=False`` they return a lazy object.
LAZY_WRITER_FUNCTIONS = frozenset({
    "dask.array.store", "dask.array.to_zarr", "dask.array.to_hdf5", "dask.array.to_npy_stack",
    "dask.array.to_tiledb", "dask.dataframe.to_parquet", "dask.dataframe.to_csv",
    "dask.dataframe.to_hdf", "dask.dataframe.to_sql", "dask.dataframe.to_json",
    "dask.dataframe.to_orc", "dask.bag.to_textfiles",
})
#: Collection methods whose result is a modified copy of the receiver: a discarded call
#: meant ``x = x.<method>(...)`` (the pandas methods that have ``inplace=``, and rechunking).
REBINDING_METHODS = frozenset({
    "fillna", "dropna", "drop", "rename", "assign", "astype", "set_index", "reset_index",
    "sort_values", "sort_index", "rechunk", "repartition", "replace", "drop_duplicates",
    "clip", "where", "mask", "rename_axis", "ffill", "bfill", "query", "eval", "categorize",
    "clear_divisions", "optimize",
})
#: Methods of a dask DataFrame/Series that reject ``inplace=`` (TypeError, or
#: NotImplementedError for ``eval``), verified with dask 2026.8.
INPLACE_REJECTING_METHODS = frozenset({
    "fillna", "dropna", "drop", "rename", "reset_index", "replace", "drop_duplicates",
    "where", "mask", "rename_axis", "ffill", "bfill", "astype", "round", "abs", "pop", "eval",
})
#: Methods that accept ``inplace=True`` through ``**kwargs`` and ignore it: the statement
#: silently does nothing (verified with dask 2026.8).
INPLACE_IGNORING_METHODS = frozenset({"set_index", "sort_values", "clip", "query"})

#: Calls that make an iterator (``client.map`` refuses iterators).
ITERATOR_FUNCTIONS = frozenset({
    "builtins.zip", "builtins.map", "builtins.filter", "builtins.iter", "builtins.enumerate",
    "builtins.reversed",
})
ITERATOR_MODULES = ("itertools.",)

#: Callables whose result differs on every call (DSK705). Prefixes end with a dot.
NONDETERMINISTIC_FUNCTIONS = frozenset({
    "time.time", "time.time_ns", "time.perf_counter", "time.perf_counter_ns",
    "time.monotonic", "time.monotonic_ns", "datetime.datetime.now", "datetime.datetime.utcnow",
    "datetime.datetime.today", "datetime.date.today", "uuid.uuid1", "uuid.uuid4",
    "os.urandom", "os.getrandom", "pandas.Timestamp.now", "numpy.random.default_rng",
    "numpy.random.RandomState", "random.Random",
})
NONDETERMINISTIC_MODULES = ("random.", "numpy.random.", "secrets.")
#: Names in those modules that are not random draws. The seeders (``seed`` and the
#: generator constructors) are deterministic when given a seed (see RNG_SEEDERS).
DETERMINISTIC_RANDOM_NAMES = frozenset({
    "getstate", "setstate", "get_state", "set_state", "SeedSequence", "PCG64", "PCG64DXSM",
    "MT19937", "Philox", "SFC64", "BitGenerator", "Generator", "SystemRandom",
})
#: Seeders and generator constructors: random without an argument, deterministic with one.
RNG_SEEDERS = frozenset({
    "random.seed", "random.Random", "numpy.random.seed", "numpy.random.default_rng",
    "numpy.random.RandomState",
})
#: Functions that compute a result: ``delayed(<call of one>)`` runs it in the driver (DSK301).
EAGER_COMPUTING_FUNCTIONS = frozenset({
    *(f"numpy.{n}" for n in (
        "sum", "mean", "std", "var", "min", "max", "median", "average", "percentile",
        "quantile", "nansum", "nanmean", "nanmedian", "nanstd", "nanvar", "nanmin", "nanmax",
        "dot", "matmul", "einsum", "tensordot", "inner", "outer", "convolve", "correlate",
        "cumsum", "cumprod", "sort", "argsort", "unique", "histogram", "histogram2d",
        "histogramdd", "polyfit", "interp", "gradient", "diff", "corrcoef", "cov", "trapz",
        "trapezoid", "searchsorted", "bincount", "digitize")),
    *LARGE_OBJECT_LOADERS,
})
EAGER_COMPUTING_MODULES = ("numpy.linalg.", "numpy.fft.", "scipy.linalg.", "scipy.fft.",
                           "scipy.signal.", "scipy.ndimage.", "scipy.optimize.")

#: Real attributes and methods of a Delayed object (others become lazy DelayedAttr values).
DELAYED_PLAIN_ATTRIBUTES = frozenset({"key", "dask", "compute", "persist", "visualize"})
DELAYED_PLAIN_METHODS = frozenset({"compute", "visualize"})

#: Context managers (and ``pytest.raises(E, fn)``) under which code runs to see it fail or
#: warn: a statement there exists for its exception, not its value.
EXPECTED_FAILURE_CONTEXTS = frozenset({
    "pytest.raises", "pytest.warns", "pytest.deprecated_call", "numpy.testing.assert_raises",
    "numpy.testing.assert_warns", "contextlib.suppress", "warnings.catch_warnings",
})
#: ``unittest.TestCase`` methods used the same way (``with self.assertRaises(E):``).
EXPECTED_FAILURE_METHODS = frozenset({"assertRaises", "assertRaisesRegex", "assertWarns",
                                      "assertWarnsRegex"})

# --------------------------------------------------------------------------------------------
# Implicit computes (DSK504)
# --------------------------------------------------------------------------------------------

_FRAME_KINDS = frozenset({K.DATAFRAME, K.SERIES, K.FRAME})
#: Conversions that compute a Dask collection silently, and the kinds they compute.
#: ``float()``/``int()`` of a DataFrame Scalar or a Delayed raise instead (DSK701);
#: ``list()`` (and ``tuple()``, ``set()``, ``sorted()``) of a Series iterates it partition by
#: partition: iterate-rows (DSK406) reports it, once.
IMPLICIT_COMPUTE_CONVERSIONS = {
    "numpy.asarray": _FRAME_KINDS | {K.ARRAY},
    "numpy.array": _FRAME_KINDS | {K.ARRAY},
    "numpy.asanyarray": _FRAME_KINDS | {K.ARRAY},
    "builtins.float": frozenset({K.ARRAY}),
    "builtins.int": frozenset({K.ARRAY}),
}
#: Calls that compute a whole collection to answer a small question (``len(ddf)``).
IMPLICIT_COMPUTE_QUERIES = {"builtins.len": _FRAME_KINDS}

# --------------------------------------------------------------------------------------------
# Text built from values (DSK706)
# --------------------------------------------------------------------------------------------

#: The logging calls that format their message with ``msg % args``: the module's functions
#: and a Logger's methods (``log`` takes the level first).
LOGGING_FUNCTIONS = frozenset({
    "logging.debug", "logging.info", "logging.warning", "logging.warn", "logging.error",
    "logging.exception", "logging.critical", "logging.fatal", "logging.log",
})
LOGGER_METHODS = frozenset(q.rpartition(".")[2] for q in LOGGING_FUNCTIONS)
#: Calls that return a ``logging.Logger``.
LOGGER_FACTORIES = frozenset({"logging.getLogger"})
#: Calls that show the author handles a value as lazy (computes, waits for or shows the
#: graph of it): a value passed to one, or the receiver of such a method, elsewhere in the
#: same scope is printed on purpose (a tutorial showing laziness, a progress line).
LAZY_HANDLING_FUNCTIONS = frozenset({
    "dask.compute", "dask.persist", "dask.visualize", "dask.array.compute",
    "dask.dataframe.compute", "dask.bag.compute", "distributed.wait",
    "distributed.as_completed", "distributed.progress", "distributed.fire_and_forget",
})
LAZY_HANDLING_METHODS = frozenset({
    "compute", "persist", "result", "done", "visualize", "cancel", "exception",
    "add_done_callback", "gather", "__dask_graph__",
})
