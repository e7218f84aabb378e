"""The one table of Dask (and neighbouring) names that every rule reads.

Qualified names are canonical: ``dask.distributed.X`` and ``distributed.client.X`` are written
``distributed.X``; see :func:`canonical`. A rule never spells a Dask name itself; it asks the
semantic model, which reads these tables.
"""

from __future__ import annotations

from .kinds import K

# --------------------------------------------------------------------------------------------
# Canonical qualified names
# --------------------------------------------------------------------------------------------

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


def canonical(qualname: str) -> str:
    """Return the canonical spelling of a resolved qualified name."""
    q = _EXACT_ALIASES.get(qualname)
    if q is not None:
        return q
    for prefix, replacement in _PREFIX_ALIASES:
        if qualname.startswith(prefix):
            return replacement + qualname[len(prefix):]
    return qualname


#: Top-level modules whose import makes a file worth analysing (the prefilter's regex).
DASK_MODULES = ("dask", "distributed", "dask_expr")

# --------------------------------------------------------------------------------------------
# What a call returns, by the callee's qualified name
# --------------------------------------------------------------------------------------------

CLIENT_FACTORIES = {
    "distributed.Client": "Client()",
    "distributed.get_client": "get_client()",
    "distributed.default_client": "default_client()",
    "distributed.Client.current": "Client.current()",
}
#: Clients that are obtained for the current worker: waits through them block a worker thread.
IN_TASK_CLIENT_ORIGINS = frozenset({"get_client()", "default_client()", "Client.current()",
                                   "Client(address)"})

CLUSTER_FACTORIES = frozenset({"distributed.LocalCluster"})

DASK_DATAFRAME_FUNCTIONS_RETURNING = {
    # reading and construction
    **{f"dask.dataframe.{n}": K.DATAFRAME for n in (
        "read_csv", "read_parquet", "read_json", "read_table", "read_fwf", "read_hdf",
        "read_sql", "read_sql_table", "read_sql_query", "read_orc", "from_pandas",
        "from_array", "from_dask_array", "from_delayed", "from_map", "from_dict",
        "from_records", "concat", "merge", "merge_asof", "multi.concat", "from_graph",
        "map_partitions", "from_legacy_dataframe", "repartition",
    )},
    "dask.dataframe.to_datetime": K.SERIES,
    "dask.dataframe.to_numeric": K.SERIES,
}

DASK_ARRAY_CREATORS = frozenset({
    "from_array", "from_zarr", "from_delayed", "from_npy_stack", "from_tiledb", "asarray",
    "asanyarray", "array", "ones", "zeros", "empty", "full", "ones_like", "zeros_like",
    "empty_like", "full_like", "arange", "linspace", "eye", "identity", "diag", "tri",
    "concatenate", "stack", "block", "map_blocks", "blockwise", "map_overlap", "apply_gufunc",
    "apply_along_axis", "where", "dot", "matmul", "tensordot", "einsum", "meshgrid", "indices",
    "fromfunction", "from_dask_dataframe", "reshape", "transpose", "squeeze", "rechunk",
    "random.random", "random.normal", "random.uniform", "random.randint", "random.poisson",
    "random.standard_normal", "random.RandomState", "random.default_rng", "coarsen", "overlap",
    "sum", "mean", "std", "var", "min", "max", "nansum", "nanmean", "nanmax", "nanmin", "abs",
    "sqrt", "exp", "log", "clip", "round", "isnan", "histogram", "bincount", "unique",
    "cumsum", "cumprod", "diff", "roll", "flip", "hstack", "vstack", "dstack", "take",
    "argmax", "argmin", "average", "percentile", "reduction", "image.imread",
})
DASK_BAG_CREATORS = frozenset({
    "from_sequence", "read_text", "from_delayed", "from_url", "from_avro", "concat", "range",
    "zip", "map_partitions", "map",
})

#: Delayed factories: ``delayed(f)`` wraps a function, ``delayed(obj)`` wraps data.
DELAYED_FUNCTIONS = frozenset({"dask.delayed"})

# --------------------------------------------------------------------------------------------
# Methods, by receiver kind
# --------------------------------------------------------------------------------------------

#: Client methods and what they return (the receiver is a Client).
CLIENT_METHODS_RETURNING = {
    "submit": K.FUTURE,
    "map": K.FUTURE_LIST,
    "scatter": K.FUTURE,
    "compute": K.FUTURE,
}

#: DataFrame/Series reductions: they return a (lazy) Scalar, or a small Series for frames.
FRAME_REDUCTIONS = frozenset({
    "sum", "mean", "max", "min", "count", "nunique", "any", "all", "std", "var", "prod",
    "median", "sem", "skew", "kurtosis", "idxmax", "idxmin", "size", "nunique_approx",
    "quantile", "mode", "memory_usage",
})
#: Array reductions return (0-d) dask arrays.
ARRAY_REDUCTIONS = frozenset({
    "sum", "mean", "max", "min", "any", "all", "std", "var", "prod", "argmax", "argmin",
    "nansum", "nanmean", "nanmax", "nanmin", "cumsum", "cumprod", "dot", "trace",
})

#: Methods of a dask DataFrame or Series that return a new lazy frame.
FRAME_METHODS_RETURNING_FRAME = frozenset({
    "fillna", "dropna", "drop", "rename", "assign", "astype", "set_index", "reset_index",
    "sort_values", "sort_index", "repartition", "map_partitions", "map_overlap", "merge",
    "join", "query", "where", "mask", "abs", "round", "clip", "copy",
    "replace", "drop_duplicates", "shuffle", "apply", "map", "isin", "isna", "notnull", "isnull",
    "notna", "to_frame", "rename_axis", "add_prefix", "add_suffix", "select_dtypes",
    "categorize", "explode", "melt", "pivot_table", "persist", "optimize", "sample",
    "nlargest", "nsmallest", "value_counts", "unique", "cumsum", "cumprod", "cummax", "cummin",
    "diff", "shift", "eval", "combine_first", "align", "between", "ffill", "bfill", "dot",
    "get_partition", "random_split", "to_timestamp",
    "reindex", "describe", "corr", "cov", "add", "sub", "mul", "div", "truediv", "floordiv",
    "mod", "pow", "radd", "rsub", "rmul", "rdiv", "lt", "gt", "le", "ge", "eq", "ne",
    "round", "clear_divisions", "transform", "agg", "aggregate", "first", "last",
})
#: Lazy writers: with ``compute=False`` they return a lazy object.
LAZY_WRITERS = frozenset({"to_parquet", "to_csv", "to_hdf", "to_sql", "to_zarr", "to_json",
                          "to_textfiles", "store", "to_npy_stack", "to_hdf5", "to_orc"})
#: Attributes of a dask frame that are not columns and not lazy collections.
FRAME_PLAIN_ATTRIBUTES = frozenset({
    "columns", "dtypes", "dtype", "npartitions", "divisions", "known_divisions", "name",
    "ndim", "_meta", "_meta_nonempty", "attrs", "expr", "_name", "dask", "__dask_graph__",
    "empty", "enforce_runtime_divisions", "axes", "_expr", "_partitions", "str", "dt", "cat",
    "loc", "iloc", "index", "values", "T", "shape", "size", "partitions", "plot",
})
#: Methods of a dask Array that return a new lazy array.
ARRAY_METHODS_RETURNING_ARRAY = frozenset({
    "rechunk", "reshape", "transpose", "astype", "map_blocks", "map_overlap", "round", "clip",
    "copy", "squeeze", "ravel", "flatten", "swapaxes", "conj", "real", "imag", "repeat",
    "cumsum", "cumprod", "dot", "persist", "view", "topk", "argtopk", "nonzero", "choose",
    "blocks", "partitions", "T", "to_svg", "store", "__array__",
} | ARRAY_REDUCTIONS) - {"to_svg", "store", "__array__"}
ARRAY_PLAIN_ATTRIBUTES = frozenset({
    "shape", "chunks", "chunksize", "numblocks", "npartitions", "dtype", "ndim", "size",
    "nbytes", "name", "itemsize", "_meta", "dask", "_name", "chunktype",
})
BAG_METHODS_RETURNING_BAG = frozenset({
    "map", "map_partitions", "filter", "starmap", "pluck", "flatten", "distinct",
    "frequencies", "topk", "repartition", "remove", "product", "join", "persist",
    "random_sample", "unzip", "accumulate",
})
BAG_REDUCTIONS = frozenset({"sum", "count", "max", "min", "mean", "std", "var", "fold",
                            "foldby", "reduction", "any", "all", "groupby"})

#: Methods that turn a lazy collection into a local object.
COMPUTE_METHODS = frozenset({"compute"})

# --------------------------------------------------------------------------------------------
# Task entry points (catalog 0.3)
# --------------------------------------------------------------------------------------------

#: Keywords of ``submit``/``map`` that control scheduling; they are not shipped data.
SUBMIT_CONTROL_KEYWORDS = frozenset({
    "key", "workers", "resources", "retries", "priority", "allow_other_workers", "actor",
    "actors", "pure", "fifo_timeout", "batch_size",
})
#: Keywords of collection methods that are not shipped data.
COLLECTION_CONTROL_KEYWORDS = frozenset({
    "meta", "axis", "token", "enforce_metadata", "transform_divisions", "align_dataframes",
    "dtype", "chunks", "drop_axis", "new_axis", "name", "parent_meta", "divisions",
    "label", "clear_divisions", "align_arrays", "concatenate", "adjust_chunks",
    "split_every", "output_dtypes", "output_sizes", "vectorize", "signature", "depth",
    "boundary", "trim", "allow_rechunk", "keepdims", "before", "after", "npartitions",
    "partition_info", "combine", "aggregate", "chunk", "aggregate_kwargs", "chunk_kwargs",
    "combine_kwargs", "shuffle_method", "enforce_ndim", "args", "produces_tasks",
    "creation_info", "missing_divisions",
})

#: Methods of a dask frame (or its groupby) that run a function per partition or per row.
FRAME_TASK_METHODS = frozenset({"map_partitions", "map_overlap", "apply", "map", "transform",
                                "reduction", "aggregate", "agg", "partitions_apply"})
#: Of those, the functions passed where they are per-row or per-partition.
FRAME_FUNCTION_POSITIONS = {"reduction": ("chunk", "aggregate", "combine")}
ARRAY_TASK_METHODS = frozenset({"map_blocks", "map_overlap"})
BAG_TASK_METHODS = frozenset({"map", "map_partitions", "filter", "starmap", "foldby",
                              "reduction", "accumulate"})
#: Module-level task entry points: qualified name -> positions of functions.
MODULE_TASK_FUNCTIONS = {
    "dask.dataframe.map_partitions": (0,),
    "dask.dataframe.map_overlap": (0,),
    "dask.dataframe.from_map": (0,),
    "dask.array.map_blocks": (0,),
    "dask.array.blockwise": (0,),
    "dask.array.map_overlap": (0,),
    "dask.array.apply_gufunc": (0,),
    "dask.array.apply_along_axis": (0,),
    "dask.bag.map": (0,),
    "dask.bag.map_partitions": (0,),
}
#: ``da.reduction(x, chunk, aggregate, ...)``: the functions are at these positions/keywords.
MODULE_REDUCTIONS = {"dask.array.reduction": (1, 2), "dask.dataframe.reduction": (1, 2)}

# --------------------------------------------------------------------------------------------
# Blocking calls and coordination
# --------------------------------------------------------------------------------------------

WAIT_FUNCTIONS = frozenset({"distributed.wait"})
AS_COMPLETED_FUNCTIONS = frozenset({"distributed.as_completed"})
SECEDE_FUNCTIONS = frozenset({"distributed.secede"})
REJOIN_FUNCTIONS = frozenset({"distributed.rejoin"})
WORKER_CLIENT_FUNCTIONS = frozenset({"distributed.worker_client"})
FIRE_AND_FORGET_FUNCTIONS = frozenset({"distributed.fire_and_forget"})
DASK_COMPUTE_FUNCTIONS = frozenset({"dask.compute"})
DASK_PERSIST_FUNCTIONS = frozenset({"dask.persist"})
#: Coordination primitives designed to be shared across workers.
DISTRIBUTED_PRIMITIVES = frozenset({"distributed.Lock", "distributed.Variable",
                                    "distributed.Queue", "distributed.Semaphore",
                                    "distributed.Event", "distributed.MultiLock"})

# --------------------------------------------------------------------------------------------
# Local values: unpicklable resources and large objects (catalog 0.2)
# --------------------------------------------------------------------------------------------

#: Constructors of values that cannot be pickled (or are pickled as a silent snapshot).
UNPICKLABLE_CONSTRUCTORS = {
    "builtins.open": "a file handle from open()",
    "io.open": "a file handle from io.open()",
    "io.FileIO": "a file handle from io.FileIO()",
    "gzip.open": "a file handle from gzip.open()",
    "gzip.GzipFile": "a file handle from gzip.GzipFile()",
    "bz2.open": "a file handle from bz2.open()",
    "bz2.BZ2File": "a file handle from bz2.BZ2File()",
    "lzma.open": "a file handle from lzma.open()",
    "tarfile.open": "an open tar archive",
    "zipfile.ZipFile": "an open zip archive",
    "tempfile.TemporaryFile": "a temporary file handle",
    "tempfile.NamedTemporaryFile": "a temporary file handle",
    "tempfile.SpooledTemporaryFile": "a temporary file handle",
    "h5py.File": "an open h5py.File",
    "netCDF4.Dataset": "an open netCDF4.Dataset",
    "sqlite3.connect": "a sqlite3 connection",
    "psycopg2.connect": "a psycopg2 connection",
    "psycopg.connect": "a psycopg connection",
    "pymysql.connect": "a pymysql connection",
    "MySQLdb.connect": "a MySQLdb connection",
    "sqlalchemy.create_engine": "a SQLAlchemy engine",
    "threading.Lock": "a threading.Lock",
    "threading.RLock": "a threading.RLock",
    "threading.Condition": "a threading.Condition",
    "threading.Event": "a threading.Event",
    "threading.Semaphore": "a threading.Semaphore",
    "threading.BoundedSemaphore": "a threading.BoundedSemaphore",
    "multiprocessing.Lock": "a multiprocessing.Lock",
    "multiprocessing.RLock": "a multiprocessing.RLock",
    "multiprocessing.Queue": "a multiprocessing.Queue",
    "multiprocessing.Pipe": "a multiprocessing.Pipe",
    "socket.socket": "a socket",
    "socket.create_connection": "a socket",
    "distributed.Client": "a distributed Client",
}
#: Methods that return a resource when called on a resource (``engine.connect()``).
RESOURCE_METHODS = frozenset({"connect", "cursor", "begin", "raw_connection"})

#: Loaders of large local objects (the data lives in the driver and would be shipped).
LARGE_OBJECT_LOADERS = {
    **{f"pandas.read_{n}": f"a pandas DataFrame from pd.read_{n}()" for n in (
        "csv", "parquet", "json", "excel", "table", "feather", "hdf", "pickle", "sql",
        "sql_table", "sql_query", "orc", "stata", "sas", "fwf", "xml", "spss")},
    "numpy.load": "an array from np.load()",
    "numpy.loadtxt": "an array from np.loadtxt()",
    "numpy.genfromtxt": "an array from np.genfromtxt()",
    "numpy.fromfile": "an array from np.fromfile()",
    "pickle.load": "an object from pickle.load()",
    "joblib.load": "an object from joblib.load()",
    "xarray.load_dataset": "a dataset from xr.load_dataset()",
    "xarray.load_dataarray": "an array from xr.load_dataarray()",
    "geopandas.read_file": "a GeoDataFrame from gpd.read_file()",
    "geopandas.read_parquet": "a GeoDataFrame from gpd.read_parquet()",
}
#: NumPy constructors that are large when their literal shape exceeds a threshold.
SIZED_ARRAY_CONSTRUCTORS = frozenset({
    "numpy.zeros", "numpy.ones", "numpy.empty", "numpy.full", "numpy.random.random",
    "numpy.random.rand", "numpy.random.randn", "numpy.random.normal",
    "numpy.random.uniform", "numpy.random.randint", "numpy.random.standard_normal",
})
#: Methods through which a large local object stays large.
LARGE_PRESERVING_METHODS = frozenset({
    "set_index", "reset_index", "sort_values", "sort_index", "fillna", "dropna", "astype",
    "rename", "drop", "assign", "copy", "merge", "join", "query", "reindex", "to_numpy",
    "values", "T", "transpose", "reshape", "ravel", "flatten", "pivot", "pivot_table",
    "drop_duplicates", "replace", "where", "mask", "apply", "round", "abs", "explode",
    "melt", "stack", "unstack", "to_records", "set_axis",
})
#: Callables that are never used as task data constructors but return callables.
CALLABLE_FACTORIES = frozenset({
    "functools.partial", "toolz.curry", "toolz.functoolz.curry", "cytoolz.curry",
    "operator.itemgetter", "operator.attrgetter", "operator.methodcaller",
})
PARTIAL_FUNCTIONS = frozenset({"functools.partial", "toolz.partial"})

#: Names of the kinds as written in messages.
KIND_NAMES = {
    K.CLIENT: "a distributed Client",
    K.FUTURE: "a Future",
    K.FUTURE_LIST: "a list of Futures",
    K.DATAFRAME: "a Dask DataFrame",
    K.SERIES: "a Dask Series",
    K.FRAME: "a Dask DataFrame",
    K.ARRAY: "a Dask Array",
    K.BAG: "a Dask Bag",
    K.SCALAR: "a Dask Scalar",
    K.DELAYED: "a Delayed object",
    K.GROUPBY: "a Dask groupby",
    K.LARGE: "a large local object",
    K.RESOURCE: "an unpicklable resource",
    K.CLUSTER: "a LocalCluster",
}

# --------------------------------------------------------------------------------------------
# Discarded and eager results, API misuse (DSK301, DSK304-DSK306, DSK408, DSK701-DSK705)
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
