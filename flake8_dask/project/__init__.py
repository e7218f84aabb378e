"""The project around a checked file: its other modules, seen through their summaries.

flake8 checks one file per process, yet a Dask collection often reaches a mistake from
another module of the same project. This package finds the checked file's project
(:mod:`.layout`), resolves the imports the model asks about to project files, and answers
with their summaries (:func:`flake8_dask.model.summary.summarize`), kept in an on-disk cache
(:mod:`.cache`, ``.flake8_dask_cache/`` in the project root). :class:`LazyProject` is the
:class:`~flake8_dask.model.summary.ProjectView` the checker hands to the model.

It stands above the model (which never imports it) and below the checker and the front
ends. It reads source files as bytes and never imports or executes them; nothing outside the
project root, and no installed code (site-packages, virtualenvs, Python's prefixes), is read.
"""

from .view import LazyProject, clear_memo, project_view

__all__ = ["LazyProject", "clear_memo", "project_view"]
