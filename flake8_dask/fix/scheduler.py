"""``--scheduler ADDRESS``: the per-file work on an existing Dask cluster.

The command reads every file and decides what runs on it (:func:`.runner.prepare`), as a local
run does; the workers run :func:`.runner.run_job` on those bytes and send back the report and
the fixed bytes; the command writes them here, atomically (:func:`.runner.complete`). So the
cluster needs flake8-dask installed (the scheduler unpickles the tasks too) but no access to
the files, and the result is the local run's.

distributed is an optional dependency (``pip install 'flake8-dask[scheduler]'``), imported
only here and only with the flag.
"""

from __future__ import annotations

import os
import pickle
import zlib
from dataclasses import replace
from typing import Sequence

from .. import __version__
from ..checker import gc_paused
from .discovery import Target
from .runner import FileReport, Job, Settings, complete, prepare, process, run_job

#: How long to wait for the scheduler to answer, and for a first worker, in seconds.
CONNECT_TIMEOUT = 20


class SchedulerError(Exception):
    """The cluster cannot be used: exit status 2 with this message."""


def worker_version() -> str:
    """Run on each worker: the flake8-dask version it imports."""
    return __version__


def run_on_cluster(tasks: Sequence[tuple[Target, bytes | None]], settings: Settings,
                   address: str) -> list[FileReport]:
    """The reports of ``tasks`` (in order), computed on the cluster at ``address`` (a
    scheduler address, or the path of a scheduler file). Standard input is handled here."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise SchedulerError("--scheduler needs distributed, which is not installed: "
                             "pip install 'flake8-dask[scheduler]'") from None
    if os.path.isfile(address):
        where = {"scheduler_file": address}
    else:
        where = {"address": address}
        try:  # a bad address fails here, fast (a Client made with it lingers on closing)
            from distributed.comm.addressing import parse_address
            from distributed.comm.registry import get_backend

            get_backend(parse_address(address)[0])
        except (ValueError, TypeError) as exc:
            raise SchedulerError(f"invalid Dask scheduler address {address!r}: {exc}") from None
    try:
        client = Client(**where, timeout=f"{CONNECT_TIMEOUT}s", set_as_default=False)
    except Exception as exc:  # OSError, TimeoutError, ValueError (a malformed address)
        raise SchedulerError(f"cannot connect to the Dask scheduler at {address}: "
                             f"{type(exc).__name__}: {exc}") from None
    try:
        _check_workers(client, address)
        return _run(client, as_completed, tasks, settings)
    finally:
        client.close()


def _check_workers(client, address: str) -> None:
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except Exception:
        raise SchedulerError(f"no Dask worker joined the scheduler at {address} within "
                             f"{CONNECT_TIMEOUT} s") from None
    try:
        versions = client.run(worker_version)  # on every worker
        # and as a task: the scheduler too unpickles what is submitted
        client.submit(worker_version, pure=False).result(timeout=CONNECT_TIMEOUT)
    except Exception as exc:
        detail = str(exc).splitlines()[0] if str(exc) else ""
        raise SchedulerError(f"the Dask cluster cannot run flake8-dask ({type(exc).__name__}: "
                             f"{detail}); the scheduler and the workers need flake8-dask "
                             f"{__version__} installed") from None
    wrong = sorted(f"{worker}: {v}" for worker, v in versions.items() if v != __version__)
    if wrong:
        raise SchedulerError(f"the Dask workers run another flake8-dask than this one "
                             f"({__version__}): {', '.join(wrong)}")


#: Bytes of source in one task: about half a second of work for one worker thread (the
#: corpus is checked at about 1.5 MB a second on one core here). A task per file made the
#: cluster's round trips and per-task bookkeeping most of the time (4 times -j on the same
#: cores); a file larger than this is a task of its own.
BATCH_BYTES = 768 * 1024
#: zlib's fastest level: sources shrink about 4 times at over 100 MB/s.
COMPRESSION = 1


def run_batch(jobs: list[tuple[Job, int]], blob: bytes) -> bytes:
    """Run on a worker: the jobs of one task, each sent with empty ``data`` and the size of
    its source, the sources concatenated in ``blob`` and compressed; returns the compressed
    pickle of what :func:`.runner.run_job` gives for each, in order."""
    data = zlib.decompress(blob)
    out, at = [], 0
    # The collector paused as in a local run: on a worker's larger heap, the collections the
    # analysis' allocations trigger cost more than the analysis (it leaves no cycle).
    with gc_paused():
        for job, size in jobs:
            out.append(run_job(replace(job, data=data[at:at + size])))
            at += size
    return zlib.compress(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL), COMPRESSION)


def _run(client, as_completed, tasks, settings: Settings) -> list[FileReport]:
    """Files in tasks of about ``BATCH_BYTES`` of source, a bounded number in flight, each
    task's reports completed (fixed files written) as soon as it is back."""
    reports: dict[int, FileReport] = {}
    owner: dict[str, list[tuple[int, Job]]] = {}
    pending = iter(enumerate(tasks))
    done = as_completed(loop=client.loop)

    def submit_next() -> bool:
        """Read files until a task is full, and submit it; False when no file is left."""
        batch: list[tuple[int, Job]] = []
        size = 0
        for i, (target, data) in pending:
            if data is not None:  # standard input: here, as a local run does
                reports[i] = process(target.display, target.path, settings, data)
                continue
            job = prepare(target.display, target.path, settings)
            if isinstance(job, FileReport):  # could not be read
                reports[i] = job
                continue
            batch.append((i, job))
            size += len(job.data)
            if size >= BATCH_BYTES:
                break
        if not batch:
            return False
        blob = zlib.compress(b"".join(job.data for _, job in batch), COMPRESSION)
        sent = [(replace(job, data=b""), len(job.data)) for _, job in batch]
        future = client.submit(run_batch, sent, blob, pure=False)
        owner[future.key] = batch
        done.add(future)
        return True

    # A bounded number of tasks in flight: memory stays flat however many files there are.
    window = 2 * sum(client.nthreads().values()) + 2
    for _ in range(window):
        if not submit_next():
            break
    for future in done:
        batch = owner.pop(future.key)
        try:
            results = pickle.loads(zlib.decompress(future.result()))
        except Exception as exc:
            names = batch[0][1].display + (f" (or one of {len(batch) - 1} other files sent "
                                           "with it)" if len(batch) > 1 else "")
            raise SchedulerError(f"the cluster failed on {names}: "
                                 f"{type(exc).__name__}: {exc}") from None
        for (i, job), (report, new_data) in zip(batch, results):
            reports[i] = complete(job, report, new_data)
        future.release()
        submit_next()
    return [reports[i] for i in range(len(tasks))]
