"""What calls, methods and attributes return: factories and creators by qualified name, methods
by receiver kind, and the kinds' names in messages."""

from __future__ import annotations

from ..kinds import K

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

#: Functions that make a Dask collection whose tasks read storage (files, a database, a
#: store), so each compute reads it again unless the collection is persisted (DSK310).
#: In-memory constructors (``from_pandas``, ``from_array``, ``from_sequence``) are not here.
COLLECTION_READERS = frozenset({
    *(f"dask.dataframe.{n}" for n in (
        "read_csv", "read_parquet", "read_json", "read_table", "read_fwf", "read_hdf",
        "read_sql", "read_sql_table", "read_sql_query", "read_orc", "from_map",
        "from_delayed")),
    *(f"dask_geopandas.{n}" for n in ("read_file", "read_parquet", "read_feather")),
    *(f"dask.array.{n}" for n in ("from_zarr", "from_npy_stack", "from_tiledb",
                                  "from_delayed", "image.imread")),
    *(f"dask.bag.{n}" for n in ("read_text", "read_avro", "from_url", "from_delayed")),
})

#: Of those, readers whose row count ``len()`` answers from the files' metadata, reading no
#: data (dask-expr optimises ``Len`` of a parquet read to a literal; DSK310).
METADATA_LENGTH_READERS = frozenset({"dask.dataframe.read_parquet",
                                     "dask_geopandas.read_parquet"})

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
    "random_sample", "unzip", "accumulate", "foldby", "groupby",
})
#: Bag methods that return one lazy value (an ``Item``; ``foldby``/``groupby`` return Bags).
BAG_REDUCTIONS = frozenset({"sum", "count", "max", "min", "mean", "std", "var", "fold",
                            "reduction", "any", "all"})

#: Methods that turn a lazy collection into a local object.
COMPUTE_METHODS = frozenset({"compute"})

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
