"""Which codes are reported (and fixed), with flake8's semantics.

A copy of flake8's ``DecisionEngine`` (flake8 7): codes are prefixes; ``select`` replaces the
default selection (every ``DSK`` code, flake8's ``extended_default_select`` for this plugin),
``extend-select`` adds to it; ``ignore`` replaces the default ignore list (the codes in
``DEFAULT_OFF``, the plugin's ``extend_default_ignore``), ``extend-ignore`` adds to it. A code
both selected and ignored goes to the longer prefix (explicit choices beat defaults).
``per-file-ignores``: the longest pattern matching the file adds its codes to
``extend-ignore``.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from typing import Sequence

from ..rules import ALL_RULES, DEFAULT_OFF, Rule

PLUGIN_PREFIX = "DSK"


def matches_filename(path: str, patterns: Sequence[str]) -> bool:
    """flake8's ``matches_filename``: the base name or the absolute path matches."""
    if not patterns:
        return False
    basename = os.path.basename(path)
    if basename not in {".", ".."} and any(fnmatch.fnmatch(basename, p) for p in patterns):
        return True
    absolute = os.path.abspath(path)
    return any(fnmatch.fnmatch(absolute, p) for p in patterns)


@dataclass(frozen=True)
class Decider:
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] | None = None
    extend_ignore: tuple[str, ...] = ()
    default_off: tuple[str, ...] = DEFAULT_OFF

    @property
    def selected_explicitly(self) -> tuple[str, ...]:
        return tuple(sorted([*(self.select or ()), *self.extend_select], reverse=True))

    @property
    def ignored_explicitly(self) -> tuple[str, ...]:
        return tuple(sorted([*(self.ignore or ()), *self.extend_ignore], reverse=True))

    @property
    def selected(self) -> tuple[str, ...]:
        base = self.select if self.select is not None else (PLUGIN_PREFIX,)
        return tuple(sorted([*base, *self.extend_select], reverse=True))

    @property
    def ignored(self) -> tuple[str, ...]:
        base = self.ignore if self.ignore is not None else self.default_off
        return tuple(sorted([*base, *self.extend_ignore], reverse=True))

    def allows(self, code: str) -> bool:
        selected_explicitly, selected = self.selected_explicitly, self.selected
        ignored_explicitly, ignored = self.ignored_explicitly, self.ignored
        if code.startswith(selected_explicitly):
            sel = "explicit"
        elif code.startswith(selected):
            sel = "implicit"
        else:
            sel = "no"
        if code.startswith(ignored_explicitly):
            ign = "explicit"
        elif code.startswith(ignored):
            ign = "implicit"
        else:
            ign = "no"
        if sel != "no" and ign == "no":
            return True
        if sel == "no" and ign != "no":
            return False
        if sel == "explicit" and ign != "explicit":
            return True
        if sel != "explicit" and ign == "explicit":
            return False
        if sel == "no" and ign == "no":
            return False
        # In both lists at the same level: the longer prefix wins.
        select = next(s for s in selected if code.startswith(s))
        ignore = next(s for s in ignored if code.startswith(s))
        return len(select) > len(ignore)


@dataclass
class Selection:
    decider: Decider = field(default_factory=Decider)
    #: flake8's per-file-ignores: (normalized pattern, codes)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def decider_for(self, path: str | None) -> Decider:
        if not path or not self.per_file_ignores:
            return self.decider
        matching = [(pattern, codes) for pattern, codes in self.per_file_ignores
                    if matches_filename(path, [pattern])]
        if not matching:
            return self.decider
        _, codes = max(matching, key=lambda item: len(item[0]))
        d = self.decider
        return Decider(d.select, d.extend_select, d.ignore, (*d.extend_ignore, *codes),
                       d.default_off)

    def rules_for(self, path: str | None) -> tuple[list[type[Rule]], Decider]:
        decider = self.decider_for(path)
        return [r for r in ALL_RULES if decider.allows(r.code)], decider
