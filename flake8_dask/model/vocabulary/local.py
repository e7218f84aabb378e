"""Local values: unpicklable resources and large objects (catalog 0.2)."""

from __future__ import annotations

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
