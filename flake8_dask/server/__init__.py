"""``flake8-dask server`` / ``python -m flake8_dask.server``: a language server over stdio.

Diagnostics as you type (the flake8 plugin's analysis and configuration), a quick fix per
fixable finding, "Disable DSKnnn for this line", ``source.fixAll.flake8-dask`` and the
rule's documentation on hover, for Python files and (LSP 3.17 notebook sync) notebooks.

Built on pygls with lsprotocol. Why pygls: it is the maintained Python LSP framework
(Open Law Library, used by Microsoft's Python tool extensions template, esbonio and
others); lsprotocol is the typed protocol generated from the LSP specification itself (the
same model VS Code's Python extensions use), so messages are checked against the spec
rather than hand-written dicts; and pygls already implements the parts a server must get
right and we would otherwise write ourselves: the JSON-RPC framing, incremental text sync,
notebook document sync, position encodings (UTF-16/UTF-8/UTF-32), cancellation, and
answering malformed or unknown requests with an error without stopping. A Python
server can call the analysis and the fix engine in-process, with no subprocess per
request. Both are in the ``server`` extra: ``pip install 'flake8-dask[server]'``.

The pylsp plugin (:mod:`.pylsp_plugin`) serves the same actions inside python-lsp-server,
through :mod:`.analysis`, which imports neither pygls nor lsprotocol.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

PROG = "flake8-dask server"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the language server on standard input and output until the client exits."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="The flake8-dask language server (LSP over stdio).")
    parser.add_argument("--log-file", metavar="PATH",
                        help="write the server's log to this file (default: standard error)")
    parser.add_argument("--log-level", default="WARNING",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    args = parser.parse_args(argv)
    try:
        from .server import create_server
    except ImportError as exc:
        sys.stderr.write(f"{PROG}: error: the language server needs pygls and lsprotocol "
                         f"({exc.name} is missing): pip install 'flake8-dask[server]'\n")
        return 2
    handler = logging.FileHandler(args.log_file) if args.log_file else \
        logging.StreamHandler(sys.stderr)
    logging.basicConfig(level=args.log_level, handlers=[handler],
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    server = create_server()
    server.start_io()
    return 0
