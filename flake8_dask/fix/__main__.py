"""``python -m flake8_dask.fix``."""

import sys

from .. import _forget_the_current_directory

_forget_the_current_directory()  # before anything else of the package is imported

from .cli import main  # noqa: E402 - only once the current directory is off sys.path

if __name__ == "__main__":
    sys.exit(main())
