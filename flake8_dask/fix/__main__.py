"""``python -m flake8_dask.fix``."""

import os
import sys

# ``python -m`` puts the current directory first on sys.path. The fix command runs in the
# project it checks (pre-commit runs it at the repository's root), and that project's own
# top-level ``argparse.py`` or ``libcst.py`` would then be imported, and run, in place of the
# real module: the tool must never run the code it reads. (``os`` and ``sys`` are loaded
# before ``-m`` adds the directory; nothing else is imported before this line.)
if sys.path and not getattr(sys.flags, "safe_path", False) and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from .cli import main  # noqa: E402 - only once the current directory is off sys.path

if __name__ == "__main__":
    sys.exit(main())
