"""flake8-dask: find Dask anti-patterns before they reach a cluster.

Importing this package never imports Dask, and the analysis never executes the code it reads.
"""

import os as _os
import sys as _sys

__version__ = "0.1.0"

#: The project's home. Every URL the project prints or publishes is derived from it: the
#: rules' documentation links (JSON ``url``, SARIF ``helpUri``, the README's rule table) and
#: ``[project.urls]`` in pyproject.toml (tests/test_packaging.py checks they agree).
HOMEPAGE = "https://github.com/flake8-dask/flake8-dask"
#: The rules reference, rendered from docs/rules.md in the repository.
RULES_URL = f"{HOMEPAGE}/blob/main/docs/rules.md"


def _forget_the_current_directory() -> None:
    """For ``python -m flake8_dask`` and ``python -m flake8_dask.fix``: ``-m`` puts the
    current directory first on sys.path. The command runs in the project it checks
    (pre-commit runs it at the repository's root), and that project's own top-level
    ``argparse.py`` or ``libcst.py`` would then be imported, and run, in place of the real
    module: the tool must never run the code it reads. (``os`` and ``sys`` are loaded
    before ``-m`` adds the directory; the package imports nothing else before this runs.)"""
    try:
        cwd = _os.getcwd()
    except OSError:  # the directory was removed: nothing to import from it
        cwd = ""
    path, flags = _sys.path, _sys.flags
    if path and not getattr(flags, "safe_path", False) and path[0] in ("", cwd):
        del path[0]
