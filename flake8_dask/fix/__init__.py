"""The fix command, ``python -m flake8_dask.fix``: the same findings as the flake8 plugin,
and the rules' libcst fixes applied to files, standard input and Jupyter notebooks.

Modules: ``engine`` (fixes on a source text: the pass loop and its checks), ``apply`` (one
pass: the libcst rewrite), ``targets`` (where each fix of a pass goes), ``imports`` (the
imports the fixes need), ``errors`` (how a fix fails), ``noqa`` (flake8's ``# noqa``),
``sourcefile`` (bytes, encodings, atomic writes), ``notebook`` (.ipynb cells and IPython
syntax), ``config`` / ``selection`` (flake8's configuration and code selection),
``discovery`` (which files), ``runner`` (one file, in a worker process), ``output``
(formats), ``cli``.
Nothing here knows about an individual rule.
"""
