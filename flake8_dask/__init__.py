"""flake8-dask: find Dask anti-patterns before they reach a cluster.

Importing this package never imports Dask, and the analysis never executes the code it reads.
"""

__version__ = "0.1.0"
