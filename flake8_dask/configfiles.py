"""Where flake8's configuration lives, for both front ends (the standard library only).

- ``setup.cfg``, ``tox.ini``, ``.flake8``: flake8 reads the ``[flake8]`` section of the
  first of these that has one, in the current directory and then upward (stopping at the
  home directory): :func:`find_config_file`.
- ``pyproject.toml``: flake8 itself never reads it; the Flake8-pyproject plugin makes it
  read ``[tool.flake8]`` of the ``pyproject.toml`` **in the current directory** (no upward
  search), or of the file given with ``--toml-config``. When that table exists it replaces
  whatever flake8 found in the other files (they are not merged), and relative paths in it
  are relative to its directory. Scalars become text (``true`` -> ``"True"``, ``100`` ->
  ``"100"``), and a TOML list is taken as a list of values (``extend-select = ["DSK",
  "B"]``; for ``per-file-ignores``, one ``"pattern: CODES"`` per item).
  :func:`read_tool_flake8` reads it that way.

When a ``pyproject.toml`` has a ``[tool.flake8]`` table that the running flake8 cannot see
(Flake8-pyproject is not installed), both front ends say so once on stderr
(:func:`warn_unseen_pyproject`): otherwise the fix command and flake8 would silently apply
different settings, or neither the settings the user wrote.
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import sys

CONFIG_FILES = ("setup.cfg", "tox.ini", ".flake8")
PYPROJECT = "pyproject.toml"

#: Keys whose TOML list is one entry per line (flake8's files-to-codes mapping); the other
#: lists are comma-separated values.
_LINE_LISTS = {"per_file_ignores"}


class ConfigFileError(Exception):
    """A configuration file that cannot be read (the front end exits with status 2)."""


def find_config_file(start: str) -> str | None:
    """flake8's ``_find_config_file``: the first file with a ``[flake8]`` section."""
    home = os.path.expanduser("~")
    path = os.path.abspath(start)
    while True:
        for candidate in CONFIG_FILES:
            candidate_path = os.path.join(path, candidate)
            if not os.path.isfile(candidate_path):
                continue
            parser = configparser.RawConfigParser()
            try:
                parser.read(candidate_path, encoding="UTF-8")
            except (UnicodeDecodeError, configparser.Error):
                continue  # flake8 ignores unparseable candidates too
            if parser.has_section("flake8"):
                return candidate_path
        parent = os.path.dirname(path)
        if parent == path or parent == os.path.abspath(home):  # flake8 never reads ~
            return None
        path = parent


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib
        return tomllib
    try:  # the conditional dependency tomli; python_version < "3.11"
        import tomli
    except ImportError:
        return None
    return tomli


def _as_text(key: str, value) -> str:
    if isinstance(value, bool):
        return str(value)  # Flake8-pyproject: str(True) == "True" (flake8 reads it as true)
    if isinstance(value, (list, tuple)):
        separator = "\n" if key in _LINE_LISTS else ","
        return separator.join(_as_text(key, item) for item in value)
    return str(value)


def read_tool_flake8(path: str) -> dict[str, str] | None:
    """The ``[tool.flake8]`` table of a ``pyproject.toml`` as ``[flake8]`` values (keys in
    ``extend_ignore`` form, values as text), or None when the file has no such table.
    Raises :class:`ConfigFileError` when the file cannot be read or is not valid TOML."""
    toml = _toml()
    if toml is None:
        raise ConfigFileError(f"{path}: reading pyproject.toml on Python < 3.11 needs tomli "
                              "(pip install tomli)")
    try:
        with open(path, "rb") as f:
            document = toml.load(f)
    except OSError as exc:
        raise ConfigFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (toml.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"{path} is not valid TOML: {exc}") from None
    table = document.get("tool", {})
    table = table.get("flake8") if isinstance(table, dict) else None
    if not isinstance(table, dict):
        return None
    values = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        values[name] = _as_text(name, value)
    return values


def config_value_origin(directory: str, key: str, value) -> str | None:
    """``[flake8] of /path/setup.cfg`` when the configuration flake8 reads from
    ``directory`` sets ``key`` (``dask_tiny_task_count`` form) to ``value``; else None."""
    text = str(value).strip()
    pyproject = pyproject_in(directory)
    if pyproject is not None and flake8_reads_pyproject():
        try:
            values = read_tool_flake8(pyproject)
        except ConfigFileError:
            values = None
        if values is not None:
            return f"[tool.flake8] of {pyproject}" if values.get(key, "").strip() == text \
                else None
    path = find_config_file(directory)
    if path is None:
        return None
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="UTF-8")
        found = {k.replace("-", "_"): v for k, v in parser.items("flake8")}
    except (UnicodeDecodeError, configparser.Error):
        return None
    return f"[flake8] of {path}" if found.get(key, "").strip() == text else None


def pyproject_in(directory: str) -> str | None:
    """The ``pyproject.toml`` Flake8-pyproject would read from this directory, if any."""
    path = os.path.join(directory, PYPROJECT)
    return path if os.path.isfile(path) else None


def flake8_reads_pyproject() -> bool:
    """Whether the flake8 of this environment reads ``[tool.flake8]``: Flake8-pyproject
    (module ``flake8p``) is installed."""
    try:
        return importlib.util.find_spec("flake8p") is not None
    except (ImportError, ValueError):
        return False


_warned: set[str] = set()


def unseen_pyproject_warning(directory: str) -> str | None:
    """The warning for a ``[tool.flake8]`` table flake8 cannot see, or None."""
    path = pyproject_in(directory)
    if path is None or flake8_reads_pyproject():
        return None
    try:
        with open(path, "rb") as f:
            if b"flake8" not in f.read():  # most pyproject.toml files: no parse at all
                return None
        if read_tool_flake8(path) is None:
            return None
    except ConfigFileError:
        return None  # an unreadable file is the business of whoever reads it
    return (f"{path} has a [tool.flake8] table, but flake8 does not read pyproject.toml "
            "without the Flake8-pyproject plugin, so flake8 ignores those settings "
            "(pip install Flake8-pyproject, or move them to setup.cfg, tox.ini or .flake8)")


def warn_unseen_pyproject(directory: str, prefix: str, stream=None) -> None:
    """Print :func:`unseen_pyproject_warning` once per process and file."""
    message = unseen_pyproject_warning(directory)
    if message is None or message in _warned:
        return
    _warned.add(message)
    (stream or sys.stderr).write(f"{prefix}: warning: {message}\n")
