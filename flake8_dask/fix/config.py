"""The fix command's configuration: flake8's own files, keys and path rules.

flake8 reads the ``[flake8]`` section of the first of ``setup.cfg``, ``tox.ini``, ``.flake8``
that has one, looking in the current directory and then upward (stopping at the home
directory); ``--config PATH`` names the file, ``--isolated`` ignores every file. As with the
Flake8-pyproject plugin, a ``[tool.flake8]`` table in the ``pyproject.toml`` of the current
directory (or of the file ``--toml-config`` names) replaces that file
(flake8_dask/configfiles.py has the details); ``--config`` and ``--isolated`` win over it
(Flake8-pyproject reads it even then: an explicit choice beats discovery here). The keys are
flake8's (``select``, ``extend-select``, ``ignore``, ``extend-ignore``, ``exclude``,
``extend-exclude``, ``per-file-ignores``) and the plugin's ``dask-*`` options; ``-`` and
``_`` are interchangeable in keys, as in flake8. Other keys (``max-line-length``...) belong
to other plugins and are ignored.
"""

from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass, field

from ..configfiles import (CONFIG_FILES, ConfigFileError, find_config_file,  # noqa: F401
                           pyproject_in, read_tool_flake8)
#: flake8's VALID_CODE_PREFIX.
VALID_CODE_PREFIX = re.compile(r"^[A-Z]{1,3}[0-9]{0,3}$", re.ASCII)
_COMMA_SEPARATED = re.compile(r"[,\s]")

#: Directories (and files) never walked into unless ``exclude`` replaces this list: flake8's
#: default exclude, plus virtualenvs, build output and tool caches.
DEFAULT_EXCLUDE = (
    ".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox", ".eggs", "*.egg",
    ".venv", "venv", ".direnv", "build", "dist", "node_modules", "site-packages",
    "__pypackages__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints",
    "_build", "buck-out",
)


class ConfigError(Exception):
    """An unreadable or invalid configuration (exit status 2)."""


def comma_separated(value: str | None) -> list[str]:
    if not value:
        return []
    return [item.strip() for item in _COMMA_SEPARATED.split(value) if item.strip()]


def normalize_path(path: str, parent: str) -> str:
    """flake8's ``normalize_path``: a pattern with a separator (or ``.``) is made absolute
    relative to ``parent``; a bare name (``build``, ``*.egg``) matches any base name."""
    if path == "." or os.sep in path or (os.altsep and os.altsep in path):
        path = os.path.abspath(os.path.join(parent, path))
    return path.rstrip(os.sep + (os.altsep or ""))


@dataclass
class FileConfig:
    """The ``[flake8]`` values, keys normalized to ``extend_ignore`` form."""

    path: str | None = None
    directory: str = field(default_factory=os.getcwd)
    values: dict[str, str] = field(default_factory=dict)


def load_config(config: str | None = None, *, isolated: bool = False,
                toml_config: str | None = None) -> FileConfig:
    """Read the configuration flake8 would read. Raises :class:`ConfigError`."""
    if isolated:
        return FileConfig()
    if config is None:
        toml_path = toml_config if toml_config is not None else pyproject_in(os.getcwd())
        if toml_config is not None and not os.path.isfile(toml_config):
            raise ConfigError(f"the specified TOML config file does not exist: {toml_config}")
        if toml_path is not None:
            try:
                values = read_tool_flake8(toml_path)
            except ConfigFileError as exc:
                raise ConfigError(str(exc)) from None
            if values is not None:
                path = os.path.abspath(toml_path)
                return FileConfig(path, os.path.dirname(path), values)
    if config is None:
        config = find_config_file(os.getcwd())
        if config is None:
            return FileConfig()
    elif not os.path.isfile(config):
        raise ConfigError(f"the specified config file does not exist: {config}")
    parser = configparser.RawConfigParser()
    try:
        parser.read(config, encoding="UTF-8")
    except (UnicodeDecodeError, configparser.Error) as exc:
        raise ConfigError(f"cannot read {config}: {exc}") from None
    values = {}
    if parser.has_section("flake8"):
        values = {key.replace("-", "_"): value for key, value in parser.items("flake8")}
    return FileConfig(os.path.abspath(config), os.path.dirname(os.path.abspath(config)),
                      values)


def validate_codes(option: str, codes: list[str]) -> list[str]:
    for code in codes:
        if not VALID_CODE_PREFIX.match(code):
            hint = (f"; codes are upper case: {code.upper()}"
                    if VALID_CODE_PREFIX.match(code.upper()) else
                    "; a code is 1 to 3 capital letters and up to 3 digits, like DSK101")
            raise ConfigError(f"{option}: {code!r} is not an error code{hint}")
    return codes


def parse_per_file_ignores(value: str | None) -> list[tuple[str, list[str]]]:
    """``fixtures/*: E,W  tests/*.py: DSK1`` (flake8's files-to-codes mapping)."""
    if not value or not value.strip():
        return []
    from flake8.utils import parse_files_to_codes_mapping  # flake8 is a dependency

    try:
        return parse_files_to_codes_mapping(value)
    except ValueError as exc:
        raise ConfigError(f"invalid per-file-ignores: {exc}") from None
