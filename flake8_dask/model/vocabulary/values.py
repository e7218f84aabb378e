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
        "concat", "merge", "merge_asof", "multi.concat", "from_graph",
        "map_partitions", "from_legacy_dataframe", "repartition",
        # checked against the installed Dask's public API (python -m flake8_dask.dev
        # vocabulary); from_dask_dataframe: dask-expr 1.x
        "melt", "get_dummies", "pivot_table", "DataFrame", "from_dask_dataframe",
    )},
    "dask.dataframe.to_datetime": K.SERIES,
    "dask.dataframe.to_numeric": K.SERIES,
    "dask.dataframe.to_timedelta": K.SERIES,
    "dask.dataframe.Series": K.SERIES,
    "dask.dataframe.Scalar": K.SCALAR,
    # a DataFrame for a DataFrame, a Series for a Series
    "dask.dataframe.isna": K.FRAME,
    "dask.dataframe.map_overlap": K.FRAME,
    # conversions out of a DataFrame
    "dask.dataframe.to_bag": K.BAG,
    "dask.dataframe.to_records": K.ARRAY,
    "dask.bag.Item": K.SCALAR,
    # ``Future(key)``: a Future of a key the cluster holds (its Client is the current one)
    "distributed.Future": K.FUTURE,
    # The model looks every producer named by its qualified name up in this one table,
    # whatever its kind: the groups below are merged into it.
}

#: Dask's dataset generators (dask.datasets): small random collections for examples and tests.
DATASET_GENERATORS = {
    "dask.datasets.timeseries": K.DATAFRAME,
    "dask.datasets.make_people": K.BAG,
}
#: Functions of dask.array.stats whose result is a Delayed (a SciPy result object, lazily).
DELAYED_RESULT_FUNCTIONS = {
    f"dask.array.stats.{n}": K.DELAYED for n in (
        "ttest_ind", "ttest_rel", "ttest_1samp", "f_oneway", "kurtosistest")
}
#: Bridges from other libraries into Dask collections. Each was checked in the library's
#: source or documentation (CHANGELOG, #13): the result is a Dask DataFrame/Series/Array
#: (a subclass: dask-geopandas' GeoDataFrame, dask-cudf's DataFrame). Left out on purpose:
#: xarray (``open_mfdataset(chunks=)`` gives an xarray Dataset), dask-awkward (its Array is a
#: Dask collection but not a dask.array Array), dask-ml's generators (a tuple ``X, y``).
BRIDGE_PRODUCERS = {
    # dask-geopandas: its GeoDataFrame is a Dask DataFrame, its GeoSeries a Dask Series
    **{f"dask_geopandas.{n}": K.DATAFRAME for n in (
        "from_geopandas", "from_dask_dataframe", "read_file", "read_parquet", "read_feather",
        "sjoin")},
    **{f"dask_geopandas.{n}": K.SERIES for n in ("points_from_xy", "from_wkt", "from_wkb")},
    # dask-cudf: Dask DataFrames whose partitions are cuDF frames
    **{f"dask_cudf.{n}": K.DATAFRAME for n in (
        "read_csv", "read_parquet", "read_json", "read_orc", "from_cudf", "from_delayed")},
    "dask_deltatable.read_deltalake": K.DATAFRAME,
    "dask_bigquery.read_gbq": K.DATAFRAME,
    "dask_image.imread.imread": K.ARRAY,
}
DASK_DATAFRAME_FUNCTIONS_RETURNING.update(
    {**DATASET_GENERATORS, **DELAYED_RESULT_FUNCTIONS, **BRIDGE_PRODUCERS})

#: Functions that make a Dask collection whose tasks read storage (files, a database, a
#: store), so each compute reads it again unless the collection is persisted (DSK310).
#: In-memory constructors (``from_pandas``, ``from_array``, ``from_sequence``) are not here.
COLLECTION_READERS = frozenset({
    *(f"dask.dataframe.{n}" for n in (
        "read_csv", "read_parquet", "read_json", "read_table", "read_fwf", "read_hdf",
        "read_sql", "read_sql_table", "read_sql_query", "read_orc", "from_map",
        "from_delayed")),
    *(f"dask_geopandas.{n}" for n in ("read_file", "read_parquet", "read_feather")),
    *(f"dask_cudf.{n}" for n in ("read_csv", "read_parquet", "read_json", "read_orc")),
    "dask_deltatable.read_deltalake", "dask_bigquery.read_gbq", "dask_image.imread.imread",
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
    "empty_like", "full_like", "arange", "linspace", "eye", "diag", "tri",
    "concatenate", "stack", "block", "map_blocks", "blockwise", "map_overlap", "apply_gufunc",
    "apply_along_axis", "where", "dot", "matmul", "tensordot", "einsum", "meshgrid", "indices",
    "fromfunction", "reshape", "transpose", "squeeze", "rechunk",
    "random.random", "random.normal", "random.uniform", "random.randint", "random.poisson",
    "random.standard_normal", "coarsen", "overlap",
    "random.random_sample", "random.binomial", "random.exponential", "random.lognormal",
    "sum", "mean", "std", "var", "min", "max", "nansum", "nanmean", "nanmax", "nanmin", "abs",
    "sqrt", "exp", "log", "clip", "round", "isnan", "histogram", "bincount", "unique",
    "cumsum", "cumprod", "diff", "roll", "flip", "hstack", "vstack", "dstack", "take",
    "argmax", "argmin", "average", "percentile", "reduction", "image.imread",
    # Checked against the installed Dask's public API (python -m flake8_dask.dev vocabulary):
    # each returns a Dask Array whatever its arguments (or raises on local ones).
    "Array", "all", "any", "allclose", "append", "apply_over_axes", "argtopk", "argwhere",
    "around", "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_to", "compress",
    "corrcoef", "count_nonzero", "cov", "delete", "diagonal", "digitize", "ediff1d", "extract",
    "flatnonzero", "fliplr", "flipud", "insert", "isclose", "isin", "isnull", "notnull",
    "median", "moment", "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmedian",
    "nanpercentile", "nanprod", "nanquantile", "nanstd", "nanvar", "outer", "pad", "prod",
    "quantile", "ravel", "reshape_blockwise", "rot90", "searchsorted", "select", "tile",
    "topk", "trace", "tril", "triu", "union1d", "vdot",
    # dask.array.overlap and dask.array.lib.stride_tricks (``dask.array.overlap.X`` is
    # spelled ``dask.array.X``, see canonical())
    "sliding_window_view", "trim_internal", "trim_overlap",
    "lib.stride_tricks.sliding_window_view",
    # the random generators of dask.array.random (module functions; ``default_rng()`` and
    # ``RandomState()`` return a generator, whose methods make the arrays)
    *(f"random.{n}" for n in (
        "beta", "chisquare", "choice", "f", "gamma", "geometric", "gumbel", "hypergeometric",
        "laplace", "logistic", "logseries", "multinomial", "negative_binomial",
        "noncentral_chisquare", "noncentral_f", "pareto", "permutation", "power",
        "random_integers", "rayleigh", "standard_cauchy", "standard_exponential",
        "standard_gamma", "standard_t", "triangular", "vonmises", "wald", "weibull", "zipf")),
    *(f"fft.{n}" for n in (
        "fft", "fft2", "fftn", "ifft", "ifft2", "ifftn", "rfft", "rfft2", "rfftn", "irfft",
        "irfft2", "irfftn", "hfft", "ihfft", "fftfreq", "rfftfreq", "fftshift", "ifftshift")),
    *(f"linalg.{n}" for n in ("cholesky", "inv", "solve", "solve_triangular")),
    *(f"ma.{n}" for n in (
        "average", "count", "empty_like", "ones_like", "zeros_like", "filled", "fix_invalid",
        "getdata", "getmaskarray", "masked_array", "masked_equal", "masked_greater",
        "masked_greater_equal", "masked_inside", "masked_invalid", "masked_less",
        "masked_less_equal", "masked_not_equal", "masked_outside", "masked_values",
        "masked_where")),
    *(f"stats.{n}" for n in ("kurtosis", "moment", "skew")),
})
DASK_BAG_CREATORS = frozenset({
    "from_sequence", "read_text", "from_delayed", "from_url", "read_avro", "concat", "range",
    "zip", "map_partitions", "map", "Bag", "random.sample", "random.choices",
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
