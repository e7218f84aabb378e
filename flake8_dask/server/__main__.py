"""``python -m flake8_dask.server``."""

from . import main

raise SystemExit(main())
