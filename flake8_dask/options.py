"""The options flake8-dask reads, one table for the flake8 plugin and the fix command.

Both read them from the ``[flake8]`` section of ``setup.cfg``, ``tox.ini`` or ``.flake8``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields


class OptionValueError(argparse.ArgumentTypeError, ValueError):
    """A bad option value; flake8 (argparse) prints its message and exits with status 2."""


def whole_number(value) -> int:
    """An option's value as a whole number >= 0 (``10000``, ``10_000``, ``1e7``)."""
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):
        raise OptionValueError(f"expected a whole number, got {value!r}") from None
    if number < 0:
        raise OptionValueError(f"expected a whole number >= 0, got {value!r}")
    return number


def _names(value) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = str(value).replace("\n", ",").split(",")
    return tuple(s.strip() for s in items if s.strip())


def flag(value) -> bool:
    """A yes/no option: true/false, yes/no, on/off, 1/0."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise OptionValueError(f"expected true or false, got {value!r}")


@dataclass(frozen=True)
class Options:
    """Every setting of an analysis, the semantic model's included (the model takes this
    object as it is: this module imports nothing of flake8_dask, so the model, the rules and
    the front ends all stand above it)."""

    #: Names (fnmatch patterns) taken as a distributed Client when nothing else is known
    #: (read by the model).
    client_names: tuple[str, ...] = ("client", "*_client")
    #: NumPy arrays with a literal shape of more elements than this are large objects (read
    #: by the model).
    large_array_elements: int = 10_000_000
    tiny_task_count: int = 100_000
    tiny_chunk_elements: int = 10_000
    tiny_chunk_blocks: int = 100_000
    max_chunk_bytes: int = 1 << 30
    report_partition_mutation: bool = False
    #: Set by a front end that analyses a Jupyter notebook's cells (not a user option):
    #: module-level code in a notebook never runs in a re-imported worker (DSK601).
    notebook: bool = False
    #: The notebook's cell markers (not a user option): a regular expression matching, at the
    #: start of a line, the comment line before each cell after the first (the model finds
    #: the cells from it: a cell's last expression is displayed, not thrown away).
    cell_marker: str = ""
    #: What messages call the cells, in order (not a user option): the notebook's own cell
    #: numbers, so that a message cites ``cell 3, line 2``. Empty: plain line numbers.
    cell_numbers: tuple[int, ...] = ()
    #: Neither read nor write the cache of other modules' summaries (.flake8_dask_cache/).
    no_cache: bool = False

    @classmethod
    def from_mapping(cls, values: dict) -> "Options":
        """Build from option values keyed by dest name (``dask_client_names``...)."""
        kwargs = {}
        for f in fields(cls):
            if f.name not in OPTION_HELP:
                continue
            raw = values.get(f"dask_{f.name}")
            if raw is None:
                continue
            if f.name == "client_names":
                kwargs[f.name] = _names(raw)
            elif isinstance(f.default, bool):
                kwargs[f.name] = flag(raw)
            else:
                kwargs[f.name] = whole_number(raw)
        return cls(**kwargs)


#: (flag, dest field, help). Flags are ``--dask-...``; in config files ``dask-...``.
OPTION_HELP = {
    "client_names": "Comma-separated names (fnmatch patterns) taken as a distributed Client "
                    "when nothing else is known, in files that import distributed. "
                    "Empty disables the fallback. Default: client,*_client",
    "large_array_elements": "A NumPy array built with a literal shape of more elements than "
                            "this is a large local object. Default: 10000000",
    "tiny_task_count": "DSK309: a loop or map over range(N) with N at least this many "
                       "submits too many tiny tasks. Default: 100000",
    "tiny_chunk_elements": "DSK501: blocks with fewer elements than this are tiny. "
                           "Default: 10000",
    "tiny_chunk_blocks": "DSK501: tiny blocks are reported when the array has more blocks "
                         "than this. Default: 100000",
    "max_chunk_bytes": "DSK505: literal array chunks, and read_csv/read_table/read_json "
                       "blocksizes and repartition partition sizes, of more bytes than this "
                       "are oversized. Default: 1073741824 (1 GiB)",
    "report_partition_mutation": "DSK207: also report in-place changes of the partition, "
                                 "block or element a per-chunk function (map_partitions, "
                                 "map_blocks, apply, ...) receives. Default: false",
    "no_cache": "Neither read nor write the cache of the project's module summaries "
                "(.flake8_dask_cache/ in the project root; FLAKE8_DASK_NO_CACHE=1 does the "
                "same, FLAKE8_DASK_CACHE_DIR moves it). Default: false",
}
