"""The fix command: python -m flake8_dask.fix."""
