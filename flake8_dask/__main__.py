"""``python -m flake8_dask``: the ``flake8-dask`` command (flake8_dask/console.py)."""

import os
import sys

# As in flake8_dask/fix/__main__.py: ``python -m`` puts the current directory first on
# sys.path, and the project being checked may have its own ``argparse.py`` or ``json.py``:
# the tool must never import (run) the code it reads.
try:
    _cwd = os.getcwd()
except OSError:  # the directory was removed: nothing to import from it
    _cwd = ""
if sys.path and not getattr(sys.flags, "safe_path", False) and sys.path[0] in ("", _cwd):
    del sys.path[0]

from .console import main  # noqa: E402 - only once the current directory is off sys.path

if __name__ == "__main__":
    sys.exit(main())
