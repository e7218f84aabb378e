"""Task entry points (catalog 0.3), blocking calls and coordination."""

from __future__ import annotations

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
