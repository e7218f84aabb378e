"""flake8-dask: find Dask anti-patterns before they reach a cluster.

Importing this package never imports Dask, and the analysis never executes the code it reads.
"""

__version__ = "0.1.0"

#: The project's home. Every URL the project prints or publishes is derived from it: the
#: rules' documentation links (JSON ``url``, SARIF ``helpUri``, the README's rule table) and
#: ``[project.urls]`` in pyproject.toml (tests/test_packaging.py checks they agree).
HOMEPAGE = "https://github.com/flake8-dask/flake8-dask"
#: The rules reference, rendered from docs/rules.md in the repository.
RULES_URL = f"{HOMEPAGE}/blob/main/docs/rules.md"
