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
#: Constructors that start or connect a Client (not the getters of the current one).
CLIENT_CONSTRUCTORS = frozenset({"distributed.Client"})

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
    # dask-geopandas: its GeoDataFrame is a Dask DataFrame
    **{f"dask_geopandas.{n}": K.DATAFRAME for n in (
        "from_geopandas", "from_dask_dataframe", "read_file", "read_parquet", "read_feather",
    )},
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
    "random.random_sample", "random.binomial", "random.exponential", "random.lognormal",
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

#: Methods that reduce a collection to something smaller than its input (a Scalar, an
#: aggregate per group, the top k, a summary): a collection derived through one of them is
#: "reduced" (DSK307 leaves it alone).
REDUCTION_METHODS = frozenset({
    "sum", "mean", "max", "min", "count", "nunique", "any", "all", "std", "var", "prod",
    "median", "sem", "skew", "kurtosis", "idxmax", "idxmin", "size", "nunique_approx",
    "quantile", "mode", "memory_usage", "argmax", "argmin", "nansum", "nanmean", "nanmax",
    "nanmin", "nanstd", "nanvar", "nanprod", "trace", "agg", "aggregate", "describe",
    "value_counts", "unique", "nlargest", "nsmallest", "topk", "argtopk", "corr", "cov",
    "fold", "foldby", "reduction", "frequencies", "distinct", "first", "last", "head",
    "tail", "percentile", "histogram", "bincount",
})
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

#: Array reductions that give a 0-d array when called without an axis (``x.sum()``,
#: ``np.max(x)``), and the keywords that keep them 0-d (DSK504's safe fix).
ARRAY_SCALAR_REDUCTIONS = frozenset({
    "sum", "mean", "max", "min", "any", "all", "std", "var", "prod", "argmax", "argmin",
    "nansum", "nanmean", "nanmax", "nanmin", "nanstd", "nanvar", "nanprod",
})
ARRAY_SCALAR_REDUCTION_KEYWORDS = frozenset({"dtype", "split_every", "ddof"})

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
#: Methods of the ``.str``/``.dt``/``.cat`` accessors that may return a DataFrame (the others
#: return a Series).
ACCESSOR_METHODS_RETURNING_FRAME = frozenset({
    "split", "rsplit", "extract", "extractall", "get_dummies", "partition", "rpartition",
    "isocalendar", "components",
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
#: Functions that materialise a Dask collection passed to them (``np.asarray(x)``,
#: ``float(x.sum())``, ``len(ddf)``): implicit computes.
IMPLICIT_COMPUTE_FUNCTIONS = frozenset({"numpy.asarray", "numpy.array", "builtins.float",
                                        "builtins.int", "builtins.bool", "builtins.len",
                                        "builtins.list"})
#: Bag constructors from a Python sequence (DSK309 reads their partition count).
BAG_SEQUENCE_FUNCTIONS = frozenset({"dask.bag.from_sequence"})
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

# --------------------------------------------------------------------------------------------
# Mutation (DSK206, DSK207)
# --------------------------------------------------------------------------------------------

#: Constructors of plain mutable containers: a module-level name bound only to one of these
#: (or to a list, dict or set display) is shared state when a task mutates it.
MUTABLE_CONTAINER_CONSTRUCTORS = frozenset({
    "builtins.list", "builtins.dict", "builtins.set", "builtins.bytearray",
    "collections.defaultdict", "collections.OrderedDict", "collections.Counter",
    "collections.deque",
})
#: Methods that change a builtin container in place.
CONTAINER_MUTATORS = frozenset({
    "append", "extend", "insert", "update", "add", "pop", "popitem", "setdefault", "clear",
    "remove", "discard", "appendleft", "extendleft", "popleft", "sort", "reverse",
})
#: Methods that change their receiver in place whatever it is (list, dict, DataFrame,
#: ndarray), and whose result is often used.
INPUT_MUTATORS_ALWAYS = frozenset({"pop", "popitem", "setdefault"})
#: Methods that change their receiver in place when called for their effect (a bare
#: statement). Used for a value (``df = df.append(x)`` in old pandas) they may return a copy.
INPUT_MUTATORS_STATEMENT = frozenset({
    "append", "extend", "insert", "update", "clear", "remove", "discard", "sort", "reverse",
    "fill", "resize",
})
#: Indexers through which a subscript assignment writes into a pandas object.
PANDAS_INDEXERS = frozenset({"loc", "iloc", "at", "iat"})
#: Functions that change an argument in place: qualified name -> argument position.
IN_PLACE_FUNCTIONS = {
    "random.shuffle": 0,
    "numpy.random.shuffle": 0,
    "numpy.copyto": 0,
    "numpy.put": 0,
    "numpy.place": 0,
    "numpy.putmask": 0,
    "numpy.fill_diagonal": 0,
}
#: Annotations of parameters that are mutable, so ``p += x`` changes the caller's object.
MUTABLE_ANNOTATIONS = frozenset({
    "builtins.list", "builtins.dict", "builtins.set", "builtins.bytearray",
    "typing.List", "typing.Dict", "typing.Set", "typing.DefaultDict", "typing.OrderedDict",
    "typing.Counter", "typing.Deque", "typing.MutableMapping", "typing.MutableSequence",
    "typing.MutableSet", "collections.abc.MutableMapping", "collections.abc.MutableSequence",
    "collections.abc.MutableSet", "collections.defaultdict", "collections.OrderedDict",
    "collections.Counter", "collections.deque", "numpy.ndarray", "pandas.DataFrame",
    "pandas.Series",
})
#: Special methods that customise pickling: an instance that defines one may drop its
#: unpicklable or heavy attributes when a bound method is shipped.
PICKLE_HOOKS = frozenset({"__getstate__", "__reduce__", "__reduce_ex__", "__getnewargs__",
                          "__getnewargs_ex__"})

# --------------------------------------------------------------------------------------------
# DataFrames: partitioning, metadata and shuffling (catalog section 4)
# --------------------------------------------------------------------------------------------

#: Functions that turn an in-memory pandas (or GeoPandas) object into a Dask DataFrame.
FROM_PANDAS_FUNCTIONS = frozenset({"dask.dataframe.from_pandas",
                                   "dask_geopandas.from_geopandas"})
#: Functions that wrap an in-memory (or lazily indexable) array as a Dask Array.
ARRAY_FROM_MEMORY_FUNCTIONS = frozenset({"dask.array.from_array", "dask.array.asarray"})
#: ``dd.concat``.
DATAFRAME_CONCAT_FUNCTIONS = frozenset({"dask.dataframe.concat"})
#: ``pd.concat`` (a concatenation of pandas reads is still a pandas read).
PANDAS_CONCAT_FUNCTIONS = frozenset({"pandas.concat"})
#: Driver-side readers and the Dask reader that does the same work in parallel.
DASK_READER_FOR = {
    **{f"pandas.read_{n}": f"dd.read_{n}" for n in (
        "csv", "parquet", "json", "table", "fwf", "hdf", "sql", "sql_table", "sql_query",
        "orc")},
    "geopandas.read_file": "dask_geopandas.read_file",
    "geopandas.read_parquet": "dask_geopandas.read_parquet",
    "geopandas.read_feather": "dask_geopandas.read_feather",
}
#: pandas readers whose ``dask.dataframe`` namesake reads the same path with the same
#: keywords (DSK401's fix), and those keywords. Left out: ``read_json`` (Dask's default
#: ``orient`` differs), ``read_hdf`` (Dask requires ``key``), ``read_sql*`` (Dask requires
#: ``index_col``), and keywords Dask rejects or applies per block (``index_col``,
#: ``skiprows``, ``skipfooter``, ``nrows``, ...).
_CSV_KEYWORDS = frozenset({
    "sep", "delimiter", "header", "names", "usecols", "dtype", "parse_dates", "na_values",
    "keep_default_na", "na_filter", "encoding", "compression", "comment", "quotechar",
    "quoting", "escapechar", "doublequote", "decimal", "thousands", "true_values",
    "false_values", "skipinitialspace", "skip_blank_lines", "dtype_backend", "date_format",
    "low_memory", "storage_options", "engine", "converters", "on_bad_lines",
})
DASK_READER_SAME_ARGUMENTS = {
    "pandas.read_csv": ("read_csv", _CSV_KEYWORDS),
    "pandas.read_table": ("read_table", _CSV_KEYWORDS),
    "pandas.read_fwf": ("read_fwf", _CSV_KEYWORDS | {"colspecs", "widths"}),
    "pandas.read_parquet": ("read_parquet", frozenset({
        "columns", "filters", "storage_options", "dtype_backend", "filesystem"})),
    "pandas.read_orc": ("read_orc", frozenset({"columns"})),
}
#: ``from_pandas`` arguments that only choose the partitioning (dropped by DSK401's fix).
FROM_PANDAS_PARTITIONING = frozenset({"npartitions", "chunksize", "sort"})
#: Functions that build a file path (``os.path.join(root, "x.csv")``).
PATH_BUILDERS = frozenset({"os.path.join", "pathlib.Path", "posixpath.join"})
#: Driver-side readers of tabular data (their result is a pandas or GeoPandas frame).
TABLE_READERS = frozenset(q for q in LARGE_OBJECT_LOADERS
                          if q.startswith(("pandas.read_", "geopandas.read_")))
#: Readers of SQL (a query with ``LIMIT`` reads a few rows).
SQL_READERS = frozenset({"pandas.read_sql", "pandas.read_sql_query", "geopandas.read_postgis"})
#: In-memory text and byte buffers (data held in the code, not read from storage).
IN_MEMORY_BUFFERS = frozenset({"io.StringIO", "io.BytesIO"})
#: Constructor names of in-memory frames, for modules bound at run time (``pd = backend()``).
FRAME_CONSTRUCTOR_NAMES = frozenset({"DataFrame", "Series", "GeoDataFrame", "GeoSeries",
                                     "from_dict", "from_records"})
#: Loaders whose ``mmap_mode=`` makes the result a lazily read memory map.
MMAP_LOADERS = frozenset({"numpy.load"})
#: Openers of on-disk array stores whose datasets Dask can read lazily, chunk by chunk.
LAZY_ARRAY_STORES = frozenset({
    "h5py.File", "zarr.open", "zarr.open_array", "zarr.open_group", "zarr.open_consolidated",
    "zarr.convenience.open", "zarr.creation.open_array", "netCDF4.Dataset",
})
#: Calls that read a whole array store dataset into driver memory.
ARRAY_MATERIALIZERS = frozenset({"numpy.asarray", "numpy.array", "numpy.asanyarray",
                                 "numpy.ascontiguousarray"})

#: Frame methods that take a user function and a ``meta=`` describing its output, with the
#: position at which ``meta`` may also be passed positionally (None: keyword only).
FRAME_META_METHODS = {"map_partitions": None, "map_overlap": None, "apply": None,
                      "map": 2}
#: Groupby methods that take a user function and ``meta=``.
GROUPBY_META_METHODS = frozenset({"apply", "transform"})
#: Module functions that take ``meta=`` (and the position at which it may be passed).
MODULE_META_FUNCTIONS = {"dask.dataframe.map_partitions": None,
                         "dask.dataframe.map_overlap": None,
                         "dask.dataframe.from_delayed": 1}

#: Reductions a Dask groupby computes as a tree reduction (``groupby(...).col.<name>()``).
#: Verified on 2026.8: ``any``, ``all`` and ``quantile`` are not groupby methods.
GROUPBY_TREE_REDUCTIONS = frozenset({
    "sum", "mean", "max", "min", "count", "nunique", "std", "var", "prod", "median", "size",
    "first", "last", "idxmax", "idxmin",
})

#: The reductions for which ``groupby(k).apply(lambda g: g.col.<r>())`` and
#: ``groupby(k).col.<r>()`` give the same values (DSK404's fix; verified with dask 2026.8).
#: Not ``idxmax``/``idxmin`` (they differ on all-NaN groups), ``first``/``last`` (not Series
#: methods) or ``size`` (a Series attribute).
GROUPBY_APPLY_FIXABLE_REDUCTIONS = frozenset({
    "sum", "mean", "max", "min", "count", "nunique", "std", "var", "prod", "median",
})
#: ``groupby`` keywords that a groupby reduction honours like ``apply`` does.
GROUPBY_PLAIN_KEYWORDS = frozenset({"by", "sort", "dropna", "observed"})

#: Frame methods that always move every row to a new partition (an all-to-all shuffle).
SHUFFLE_METHODS = frozenset({"set_index", "sort_values", "shuffle"})
#: Frame methods and module functions that join two frames (a shuffle unless on the index).
JOIN_METHODS = frozenset({"merge", "join"})
JOIN_FUNCTIONS = frozenset({"dask.dataframe.merge"})

#: Frame methods that iterate rows in the driver.
ROW_ITERATORS = frozenset({"iterrows", "itertuples"})
#: Builtins that iterate their argument completely.
ITERATING_BUILTINS = frozenset({"builtins.list", "builtins.tuple", "builtins.set",
                                "builtins.sorted"})
#: Builtins whose iteration iterates their arguments (``for a, b in zip(s1, s2)``).
ITERATION_WRAPPERS = frozenset({"builtins.zip", "builtins.enumerate", "builtins.reversed"})

#: Methods that run user code or heavy per-partition work on a frame: on a frame of one
#: partition they run in one task, with no parallelism (writes, computes and joins do not
#: count: a single partition is the point there).
PARALLEL_FRAME_METHODS = frozenset({
    "map_partitions", "map_overlap", "apply", "map", "groupby", "rolling", "resample",
    "expanding", "transform", "reduction", "agg", "aggregate", "pivot_table",
})
#: Series methods whose result is a boolean Series of the receiver's index: a row mask that
#: ``.loc[mask, col] = v`` selects by and ``.mask(mask, v)`` takes as its condition (DSK409).
BOOLEAN_SERIES_METHODS = frozenset({
    "isna", "isnull", "notna", "notnull", "isin", "between", "duplicated", "eq", "ne", "lt",
    "le", "gt", "ge",
})
#: ``Series.str`` methods that return a boolean Series.
BOOLEAN_STRING_METHODS = frozenset({"contains", "startswith", "endswith", "match",
                                    "fullmatch"})
#: Missing-value constants that ``.loc[mask, col] = v`` and ``.mask(mask, v)`` store alike.
NAN_CONSTANTS = frozenset({"numpy.nan", "math.nan"})

# Array layouts: where creators take their shape and chunks (model/arrays.py)
# --------------------------------------------------------------------------------------------

_DASK_RANDOM_SIZE_POSITION = {
    "random": 0, "random_sample": 0, "standard_normal": 0, "normal": 2, "uniform": 2,
    "randint": 2, "poisson": 1, "binomial": 2, "exponential": 1, "lognormal": 2,
}
#: Where a creator's shape is written: qualified name -> (position, keyword).
ARRAY_SHAPE_ARGUMENT = {
    **{f"{lib}.{n}": (0, "shape") for lib in ("dask.array", "numpy")
       for n in ("ones", "zeros", "empty", "full")},
    **{f"{lib}.random.{n}": (pos, "size") for lib in ("dask.array", "numpy")
       for n, pos in _DASK_RANDOM_SIZE_POSITION.items()},
}
#: Where a Dask creator takes ``chunks`` positionally (elsewhere it is keyword-only).
DASK_ARRAY_CHUNKS_POSITION = {
    "dask.array.from_array": 1,
    "dask.array.eye": 1,
    **{f"dask.array.random.{n}": pos + 1 for n, pos in _DASK_RANDOM_SIZE_POSITION.items()},
}
#: Creators whose positional arguments are the dimensions (``np.random.rand(1000, 1000)``).
ARRAY_DIMS_AS_ARGUMENTS = frozenset({"numpy.random.rand", "numpy.random.randn"})
ARANGE_FUNCTIONS = frozenset({"dask.array.arange", "numpy.arange"})
LINSPACE_FUNCTIONS = frozenset({"dask.array.linspace", "numpy.linspace"})
EYE_FUNCTIONS = frozenset({"dask.array.eye", "numpy.eye"})
#: Dask creators that wrap an existing (NumPy) array: the shape is the data's.
ARRAY_FROM_DATA_FUNCTIONS = frozenset({"dask.array.from_array", "dask.array.asarray",
                                       "dask.array.asanyarray", "dask.array.array"})
ARRAY_RECHUNK_FUNCTIONS = frozenset({"dask.array.rechunk"})
#: Array methods whose result has the receiver's shape and chunks.
ARRAY_LAYOUT_PRESERVING_METHODS = frozenset({"astype", "persist", "copy", "round", "clip",
                                             "conj"})
#: Array functions that align the chunks of all their array arguments (``unify_chunks``).
ARRAY_ALIGNING_FUNCTIONS = frozenset({"dask.array.map_blocks"})
ARRAY_BLOCKWISE_FUNCTIONS = frozenset({"dask.array.blockwise"})
#: Binary functions that work element by element, so ``map_blocks``/``blockwise`` give the
#: same values whatever the blocks (DSK502's fix changes the blocks they see).
ELEMENTWISE_BINARY_FUNCTIONS = frozenset(
    f"{module}.{name}" for module in ("numpy", "dask.array") for name in (
        "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "power",
        "mod", "remainder", "maximum", "minimum", "fmax", "fmin", "hypot", "arctan2",
        "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or",
        "bitwise_xor", "equal", "not_equal", "less", "less_equal", "greater",
        "greater_equal")) | frozenset(
    f"operator.{name}" for name in ("add", "sub", "mul", "truediv", "floordiv", "pow", "mod",
                                    "and_", "or_", "xor", "eq", "ne", "lt", "le", "gt",
                                    "ge"))
#: ``map_blocks``/``blockwise`` keywords that set the output's blocks from the inputs'.
ARRAY_BLOCK_LAYOUT_KEYWORDS = frozenset({"chunks", "drop_axis", "new_axis", "adjust_chunks",
                                         "new_axes", "concatenate", "align_arrays"})

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
# Client lifecycle (DSK601, DSK602)
# --------------------------------------------------------------------------------------------

CLIENT_CONSTRUCTORS = frozenset({"distributed.Client"})
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
