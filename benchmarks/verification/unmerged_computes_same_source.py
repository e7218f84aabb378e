"""What counts as "the same collection" for DSK310 unmerged-computes (flake8-dask issue #17).

Two computes run the graph from the source twice. When the second compute is not on the very
expression the first computed, but on another column, on a filter of the first's source, or on
a name bound to such a filter, do they still share the source's reads (so that one
``dask.compute(a, b)`` reads the source once)? And when are two collections *not* the same?

Each case counts the partitions a ``dd.from_map`` source reads (a reader that appends to a log
file, so the count survives threads and a distributed Client), first with two separate
computes, then with one ``dask.compute`` of the same two expressions.

Run: python benchmarks/verification/unmerged_computes_same_source.py

Result (dask 2026.8.0, 4 partitions): cases 1-8, 10 and 13 read 8 partitions apart and 4
together; 9 (two sources) reads 8 either way; 11 (persisted) reads 4 either way. So for
DSK310 "the same collection" is the source, not the expression: any two computes whose
expressions derive (through columns, filters, reductions, ``len``, or names bound to those)
from one binding of a collection that is not persisted share its reads and should be merged.
Two names bound to two source calls are left alone by the rule, although identical calls
(case 10) are merged by dask-expr's tokenization: the rule cannot tell identical arguments
from different ones in general, and stays silent. A distributed Client keeps nothing between
computes unless persisted (case 13). ``len()`` of a parquet read (case 12) is answered from
the files' metadata and reads no data, so the rule leaves ``len()`` of parquet sources out.
"""
import os
import tempfile

import pandas as pd

import dask
import dask.dataframe as dd

LOG = os.path.join(tempfile.mkdtemp(), "reads.log")
NPARTS = 4


def reads() -> int:
    if not os.path.exists(LOG):
        return 0
    with open(LOG) as f:
        return len(f.read())


class ReadPart:
    """A partition reader that counts its calls (deterministic token, as in
    notebook_displayed_values.py)."""

    def __init__(self, token="read-part"):
        self.token = token

    def __dask_tokenize__(self):
        return self.token

    def __call__(self, i):
        with open(LOG, "a") as f:
            f.write("r")
        return pd.DataFrame({"amount": range(i * 100, i * 100 + 100),
                             "qty": range(100)})


def source(start=0, token="read-part"):
    return dd.from_map(ReadPart(token), range(start, start + NPARTS))


def measure(label, separate, together):
    """``separate``: runs the two computes one after the other; ``together``: one call."""
    if os.path.exists(LOG):
        os.remove(LOG)
    separate()
    apart = reads()
    os.remove(LOG) if os.path.exists(LOG) else None
    together()
    joint = reads()
    print(f"{label:<52} separate: {apart:>2} reads  one dask.compute: {joint:>2} reads  "
          f"(merging saves {apart - joint})")
    return apart, joint


def main():
    df = source()

    # 1. the same expression twice
    measure("1. same expression twice (df.amount.sum() x2)",
            lambda: (df.amount.sum().compute(), df.amount.sum().compute()),
            lambda: dask.compute(df.amount.sum(), df.amount.sum()))

    # 2. two reductions of one column
    measure("2. two reductions of one column (mean, std)",
            lambda: (df.amount.mean().compute(), df.amount.std().compute()),
            lambda: dask.compute(df.amount.mean(), df.amount.std()))

    # 3. two different columns of one source
    measure("3. two columns of one source (amount.sum, qty.max)",
            lambda: (df.amount.sum().compute(), df.qty.max().compute()),
            lambda: dask.compute(df.amount.sum(), df.qty.max()))

    # 4. the source, then a filter of it
    measure("4. source, then a filter of it (df[df.amount > 10])",
            lambda: (df.amount.sum().compute(), df[df.amount > 10].qty.mean().compute()),
            lambda: dask.compute(df.amount.sum(), df[df.amount > 10].qty.mean()))

    # 5. a name bound to a filter of the source (big = df[...]), computed after the source
    big = df[df.amount > 10]
    measure("5. name bound to a filter (big = df[...]), then df",
            lambda: (big.qty.mean().compute(), df.amount.sum().compute()),
            lambda: dask.compute(big.qty.mean(), df.amount.sum()))

    # 6. two filters of one source
    lo, hi = df[df.amount < 200], df[df.amount >= 200]
    measure("6. two filters of one source (lo, hi)",
            lambda: (lo.qty.sum().compute(), hi.qty.sum().compute()),
            lambda: dask.compute(lo.qty.sum(), hi.qty.sum()))

    # 7. len() of the source and a reduction
    measure("7. len(df), then df.amount.sum().compute()",
            lambda: (len(df), df.amount.sum().compute()),
            lambda: dask.compute(df.amount.size, df.amount.sum()))

    # 8. the whole frame, then a column
    measure("8. df.compute(), then df.amount.max().compute()",
            lambda: (df.compute(), df.amount.max().compute()),
            lambda: dask.compute(df, df.amount.max()))

    # 9. two different sources (different reader, different partitions): nothing to share
    other = source(start=NPARTS, token="read-other")
    measure("9. two different sources (df, other)",
            lambda: (df.amount.sum().compute(), other.amount.sum().compute()),
            lambda: dask.compute(df.amount.sum(), other.amount.sum()))

    # 10. the same source call written twice (two names, identical arguments)
    twin = source()
    measure("10. the same source call made twice (df, twin)",
            lambda: (df.amount.sum().compute(), twin.qty.max().compute()),
            lambda: dask.compute(df.amount.sum(), twin.qty.max()))

    # 11. a persisted collection: computed twice, read once (by the persist)
    def persisted():
        p = df.persist()
        p.amount.sum().compute()
        p[p.amount > 10].qty.mean().compute()
    measure("11. p = df.persist(), then two computes of p",
            persisted, lambda: dask.compute(df.amount.sum(), df[df.amount > 10].qty.mean()))

    # 12. len() of a parquet read: answered from the files' metadata, no data read
    from dask.dataframe.dask_expr._reductions import Len
    folder = tempfile.mkdtemp()
    pd.DataFrame({"amount": range(100)}).to_parquet(os.path.join(folder, "part.parquet"))
    pq = dd.read_parquet(folder)
    print(f"12. len(dd.read_parquet(...)) optimizes to "
          f"{type(Len(pq.expr).optimize()).__name__} (no read); "
          f"len(pq[pq.amount > 5]) to {type(Len(pq[pq.amount > 5].expr).optimize()).__name__}")

    # 13. a distributed Client does not keep the first compute's data for the second
    from distributed import Client
    with Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None):
        measure("13. Client session, two columns (not persisted)",
                lambda: (df.amount.sum().compute(), df.qty.max().compute()),
                lambda: dask.compute(df.amount.sum(), df.qty.max()))


if __name__ == "__main__":
    print(f"dask {dask.__version__}, source of {NPARTS} partitions")
    main()
