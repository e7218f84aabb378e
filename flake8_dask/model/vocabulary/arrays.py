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
