"""What the model knows about a value: a small, explicit vocabulary. Unknown is ``None``."""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass


class K(enum.Enum):
    CLIENT = "client"
    CLUSTER = "cluster"
    FUTURE = "future"
    FUTURE_LIST = "future-list"
    DATAFRAME = "dataframe"
    SERIES = "series"
    FRAME = "frame"  # a DataFrame or a Series, we do not know which
    ARRAY = "array"
    BAG = "bag"
    SCALAR = "scalar"
    DELAYED = "delayed"
    GROUPBY = "groupby"
    LARGE = "large"  # a large object that lives in the driver (pandas, numpy, ...)
    RESOURCE = "resource"  # a value that cannot be pickled (file handle, lock, connection)
    CONTAINER = "container"  # a list/tuple whose elements are known (see Value.element)


#: Lazy Dask collections.
COLLECTIONS = frozenset({K.DATAFRAME, K.SERIES, K.FRAME, K.ARRAY, K.BAG, K.SCALAR, K.DELAYED})
#: Partitioned collections (not Scalar, not Delayed): materialising one is expensive.
PARTITIONED = frozenset({K.DATAFRAME, K.SERIES, K.FRAME, K.ARRAY, K.BAG})
FRAMES = frozenset({K.DATAFRAME, K.SERIES, K.FRAME})


@dataclass(frozen=True)
class Value:
    """A fact about one value.

    ``what`` is the phrase messages use ("a file handle from open()"); ``origin`` says how a
    Client was obtained ("get_client()", "worker_client()") or which Client a Future came from,
    and for a GROUPBY (and what is selected from it) or a LARGE object, the ``ast.Call`` that
    made it (``ddf.groupby(...)``/``ddf.rolling(...)``; the loader, such as ``pd.read_csv(...)``);
    ``node`` is where the value was made; ``element`` describes the elements of a container.
    """

    kind: K
    what: str = ""
    origin: object = None
    node: ast.AST | None = None
    element: Value | None = None

    @property
    def is_collection(self) -> bool:
        return self.kind in COLLECTIONS

    @property
    def is_partitioned(self) -> bool:
        return self.kind in PARTITIONED
