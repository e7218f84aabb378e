"""What a notebook cell's last expression does with Dask (flake8-dask issue #12).

IPython displays the value of a cell's last expression statement and keeps it in its output
history (``Out[n]``, ``_``), unless the line ends with ``;``. This script plays IPython's
part (``Out[n] = value``) on a distributed Client and answers, for the rules whose harm is
"the value is thrown away":

- DSK304 ``ddf.persist()`` as a cell's last line: do the persisted partitions stay in
  memory through ``Out``, and does a later compute of ``ddf`` reuse them (no new reads)?
- DSK306 ``client.submit(f, x)`` as a cell's last line: does the task run to the end?
- DSK305 ``ddf.fillna(0)`` as a cell's last line: the lazy object is shown, nothing runs.

Run: python benchmarks/verification/notebook_displayed_values.py
"""
import os
import tempfile
import time

import pandas as pd

import dask.dataframe as dd
from distributed import Client

LOG = os.path.join(tempfile.mkdtemp(), "reads.log")  # survives pickling by value


def reads() -> int:
    if not os.path.exists(LOG):
        return 0
    with open(LOG) as f:
        return len(f.read())


class ReadPart:
    """A partition reader that counts its calls (a function of __main__, as in a notebook,
    cannot be tokenized deterministically by dask-expr's from_map)."""

    def __dask_tokenize__(self):
        return "read-part"

    def __call__(self, i):
        with open(LOG, "a") as f:
            f.write("r")
        return pd.DataFrame({"x": range(i * 10, i * 10 + 10)})


read_part = ReadPart()


def slow(x):
    time.sleep(0.5)
    return x + 1


if __name__ == "__main__":
    Out = {}
    with Client(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None):
        client = Client.current()
        ddf = dd.from_map(read_part, range(4))

        # DSK304: the cell's last line is `ddf.persist()`; IPython keeps it in Out[1].
        Out[1] = ddf.persist()
        time.sleep(1)
        held = len(client.who_has())
        print(f"DSK304 persisted and displayed: {reads()} reads, {held} keys held")
        before = reads()
        total = ddf.x.sum().compute()
        print(f"DSK304 later ddf.x.sum().compute() = {total}: "
              f"{reads() - before} new reads (0 means the displayed persist is reused)")

        # Without the display (a plain script, or `ddf.persist();`), nothing keeps it.
        os.remove(LOG)
        ddf2 = dd.from_map(read_part, range(4, 8))
        ddf2.persist()  # noqa: DSK304 (the mistake under study)
        time.sleep(1)
        before = reads()
        ddf2.x.sum().compute()
        print(f"DSK304 not displayed: {before} reads by the persist, "
              f"{reads() - before} again by the later compute")

        # DSK306: the cell's last line is `client.submit(slow, 1)`.
        Out[2] = client.submit(slow, 1)
        time.sleep(1.5)
        print(f"DSK306 displayed future: status {Out[2].status!r}, result {Out[2].result()}")
        fut = client.submit(slow, 2)
        key = fut.key
        del fut  # what a discarded future becomes
        time.sleep(1.5)
        print(f"DSK306 discarded future: key still known to the scheduler: "
              f"{key in client.who_has()}")

        # DSK305: the cell's last line is `ddf.fillna(0)`: shown, nothing computed.
        os.remove(LOG)
        Out[3] = ddf2.fillna(0)
        time.sleep(0.5)
        print(f"DSK305 displayed lazy result: {type(Out[3]).__name__}, "
              f"{reads()} reads (shown, not computed)")
