"""``python -m flake8_dask.fix``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
