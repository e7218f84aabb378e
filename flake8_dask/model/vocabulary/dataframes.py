"""DataFrames: partitioning, metadata and shuffling (catalog section 4)."""

from __future__ import annotations

from .local import LARGE_OBJECT_LOADERS

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

#: Reductions that, called on the partition a ``map_partitions`` / ``map_blocks`` function
#: receives, give a statistic of that partition alone (DSK410).
PARTITION_STATISTIC_METHODS = frozenset({
    "mean", "std", "var", "sum", "min", "max", "median", "quantile", "sem", "prod", "ptp",
    "nanmean", "nanstd", "nanvar", "nansum", "nanmin", "nanmax", "nanmedian",
})
#: NumPy functions that reduce their first argument the same way (DSK410).
PARTITION_STATISTIC_FUNCTIONS = frozenset(f"numpy.{n}" for n in (
    "mean", "std", "var", "sum", "min", "max", "amin", "amax", "median", "quantile",
    "percentile", "ptp", "nanmean", "nanstd", "nanvar", "nansum", "nanmin", "nanmax",
    "nanmedian", "nanquantile", "nanpercentile"))
#: Methods whose result is still the partition's rows, or a part of them (``df.x.abs()``,
#: ``df.dropna()``) (DSK410).
PARTITION_PRESERVING_METHODS = frozenset({
    "abs", "astype", "copy", "round", "to_numpy", "ravel", "flatten", "dropna", "fillna",
    "sort_values", "sort_index", "reset_index", "rename", "assign", "drop",
})
#: Element-wise methods that combine their receiver with an argument (``s.fillna(v)``,
#: ``s.clip(upper=v)``, ``s.sub(v)``) (DSK410).
ELEMENTWISE_COMBINING_METHODS = frozenset({
    "fillna", "clip", "sub", "subtract", "div", "divide", "truediv", "floordiv", "add", "mul",
    "multiply", "gt", "ge", "lt", "le", "eq", "ne", "where", "mask",
})
#: Dask readers whose ``blocksize=`` sets the bytes read into one partition (DSK505).
BLOCKSIZE_READERS = frozenset({"dask.dataframe.read_csv", "dask.dataframe.read_table",
                               "dask.dataframe.read_json"})
#: File suffixes fsspec infers a compression from: Dask reads such a file whole, whatever the
#: ``blocksize`` (read_csv warns and sets it to None).
COMPRESSED_SUFFIXES = frozenset({"gz", "bz2", "zip", "xz", "lzma", "zst", "lz4", "sz",
                                 "snappy"})
