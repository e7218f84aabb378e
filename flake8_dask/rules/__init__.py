"""All rules, discovered from the family packages of this package (one module per rule)."""

from __future__ import annotations

import importlib
import pkgutil

from .base import DOC_SECTIONS, Rule


def _discover() -> list[type[Rule]]:
    # Family packages (``rules/<family>/``) hold one module per rule (``dskNNN_<name>.py``);
    # modules and packages whose name starts with "_" hold shared helpers, not rules.
    for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
        leaf = info.name.rpartition(".")[2]
        if leaf != "base" and not leaf.startswith("_") and not any(
                part.startswith("_") for part in info.name.split(".")[2:-1]):
            importlib.import_module(info.name)
    found: dict[str, type[Rule]] = {}
    stack = list(Rule.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.code:
            if cls.code in found and found[cls.code] is not cls:
                raise RuntimeError(f"two rules claim {cls.code}")
            found[cls.code] = cls
    return [found[c] for c in sorted(found)]


ALL_RULES: list[type[Rule]] = _discover()
RULES_BY_CODE: dict[str, type[Rule]] = {r.code: r for r in ALL_RULES}
#: Codes that are off unless selected (flake8's extend_default_ignore).
DEFAULT_OFF = tuple(r.code for r in ALL_RULES if not r.default_enabled)

__all__ = ["ALL_RULES", "RULES_BY_CODE", "DEFAULT_OFF", "DOC_SECTIONS", "Rule"]
