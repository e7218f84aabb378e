"""The flake8 plugin: a thin adapter from findings to flake8's tuples."""

from __future__ import annotations

import ast
import os
import sys
from typing import Iterator

from . import __version__
from .checker import analyze, gc_paused, mentions_dask, releasing
from .configfiles import config_value_origin, warn_unseen_pyproject
from .options import OPTION_HELP, Options, OptionValueError, flag, whole_number
from .rules import DEFAULT_OFF


class DaskChecker:
    name = "flake8-dask"
    version = __version__
    options = Options()

    def __init__(self, tree: ast.AST, lines: list[str], filename: str = "") -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, parser) -> None:
        defaults = Options()
        for field_name, help_text in OPTION_HELP.items():
            default = getattr(defaults, field_name)
            parser.add_option(
                f"--dask-{field_name.replace('_', '-')}",
                default=",".join(default) if isinstance(default, tuple) else str(default),
                # a bad number, on the command line or in a config file, is argparse's clean
                # "error: argument --dask-...: expected a whole number", not a traceback
                type=(None if isinstance(default, tuple) else _naming_the_file(
                    field_name, flag if isinstance(default, bool) else whole_number)),
                parse_from_config=True,
                help=help_text,
            )
        if DEFAULT_OFF:
            parser.extend_default_ignore(list(DEFAULT_OFF))

    @classmethod
    def parse_options(cls, options) -> None:
        cls.options = Options.from_mapping(vars(options))
        # once per run, on stderr; flake8 keeps --isolated out of the options it hands on
        if "--isolated" not in sys.argv[1:]:
            warn_unseen_pyproject(os.getcwd(), "flake8-dask")

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        source = "".join(self.lines)
        if not mentions_dask(source):  # most files, at the cost of a substring search
            return iter(())
        # flake8 needs only these tuples: the model is freed at once, by reference counting
        # (its scopes and bindings point at each other until released), and the tree, which
        # holds nothing of the model, is freed by flake8 as it is without the plugin. The
        # collector does not sweep flake8's state while the analysis allocates.
        with gc_paused(), releasing():
            results = [(f.line, f.col, f.text, type(self))
                       for f in analyze(self.tree, source, self.options,
                                        path=self.filename)]
        return iter(results)


def _naming_the_file(field_name: str, parse):
    """``parse``, whose error also names the config file the bad value was read from (flake8
    tells a plugin neither; argparse adds the option's name): the file flake8 would find
    from the current directory, when its value is the bad one."""
    def parse_value(value):
        try:
            return parse(value)
        except OptionValueError as exc:
            origin = config_value_origin(os.getcwd(), f"dask_{field_name}", value)
            raise OptionValueError(f"{exc} (in {origin})" if origin else str(exc)) from None
    parse_value.__name__ = parse.__name__  # argparse names the type in some messages
    return parse_value
