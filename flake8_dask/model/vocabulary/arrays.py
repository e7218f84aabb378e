"""Array layouts: where creators take their shape and chunks (:mod:`..arrays`)."""

from __future__ import annotations

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

#: Bytes per element of the NumPy dtypes a creator's ``dtype=`` can name, by the name as a
#: string (``"float32"``, ``"f4"``, ``"<f4"`` without its byte order) or as the last name of
#: ``numpy.X`` / ``builtins.X`` (``np.float32``, ``float``). Not listed: unknown (silent).
DTYPE_ITEMSIZES = {
    name: size for size, names in (
        (1, "bool bool_ b1 ? int8 i1 uint8 u1 b B byte ubyte"),
        (2, "int16 i2 uint16 u2 float16 f2 half e h H short ushort"),
        (4, "int32 i4 uint32 u4 float32 f4 single f i I intc uintc"),
        (8, "int64 i8 uint64 u8 float64 f8 double d float int int_ intp uintp l L q Q "
            "longlong ulonglong complex64 c8 F datetime64 M8 timedelta64 m8"),
        (16, "complex128 c16 complex complex_ cdouble D"),
    ) for name in names.split()
}
#: Creators whose default dtype is not float64 or int64 (8 bytes): the element size comes
#: from the fill value (``da.full(shape, True)`` is boolean).
FILL_VALUE_DTYPE_FUNCTIONS = frozenset({"dask.array.full", "numpy.full"})
#: Creators whose second positional argument is the dtype (``np.zeros(shape, "f4")``).
DTYPE_SECOND_FUNCTIONS = frozenset(
    f"{lib}.{n}" for lib in ("dask.array", "numpy") for n in ("ones", "zeros", "empty"))
