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
from typing import Sequence

from .. import __version__
from .discovery import Target
from .runner import FileReport, Settings, complete, prepare, process, run_job

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


def _run(client, as_completed, tasks, settings: Settings) -> list[FileReport]:
    reports: dict[int, FileReport] = {}
    owner: dict[str, tuple[int, object]] = {}
    pending = iter(enumerate(tasks))
    done = as_completed(loop=client.loop)

    def submit_next() -> bool:
        """Submit the next file that needs the cluster; False when none is left."""
        for i, (target, data) in pending:
            if data is not None:  # standard input: here, as a local run does
                reports[i] = process(target.display, target.path, settings, data)
                continue
            job = prepare(target.display, target.path, settings)
            if isinstance(job, FileReport):  # could not be read
                reports[i] = job
                continue
            future = client.submit(run_job, job, pure=False)
            owner[future.key] = (i, job)
            done.add(future)
            return True
        return False

    # A bounded number of files in flight: memory stays flat however many files there are.
    window = max(8, 2 * sum(client.nthreads().values()))
    for _ in range(window):
        if not submit_next():
            break
    for future in done:
        i, job = owner.pop(future.key)
        try:
            report, new_data = future.result()
        except Exception as exc:
            raise SchedulerError(f"the cluster failed on {job.display}: "
                                 f"{type(exc).__name__}: {exc}") from None
        reports[i] = complete(job, report, new_data)
        submit_next()
    return [reports[i] for i in range(len(tasks))]
