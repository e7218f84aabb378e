"""The server's settings, named as ``ruff server`` names its own where they mean the same
thing (``fixAll``, ``unsafeFixes``, ``codeAction.fixViolation.enable``,
``codeAction.disableRuleComment.enable``, ``lint.enable``). They come from the client's
``initializationOptions`` (``{"settings": {...}}`` as Ruff's clients send them, or the
settings object itself) and from ``workspace/didChangeConfiguration`` (``{"flake8-dask":
{...}}`` or the settings object). Unknown keys are ignored; a value of the wrong type keeps
the default. Rule selection and the ``dask-*`` options are not here: they come from the
``[flake8]`` section, exactly as for flake8 and the fix command.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

#: The settings section name in ``workspace/didChangeConfiguration``.
SECTION = "flake8-dask"


@dataclass(frozen=True)
class Settings:
    #: Diagnostics at all (off: the server only answers code actions and hover on nothing).
    lint_enable: bool = True
    #: Milliseconds between the last change and the analysis of a document.
    lint_delay: int = 150
    #: Offer the ``source.fixAll.flake8-dask`` action.
    fix_all: bool = True
    #: Offer unsafe fixes as quick fixes (titled "(unsafe)"), and apply them in fix-all too,
    #: as ``--unsafe-fixes`` does for the fix command.
    unsafe_fixes: bool = False
    #: Offer a quick fix per fixable finding.
    fix_violation: bool = True
    #: Offer "Disable DSKnnn for this line" (adds or extends the line's ``# noqa``).
    disable_rule_comment: bool = True


#: The settings' keys, as paths in the client's JSON object.
_PATHS = {
    "lint_enable": ("lint", "enable"),
    "lint_delay": ("lint", "delay"),
    "fix_all": ("fixAll",),
    "unsafe_fixes": ("unsafeFixes",),
    "fix_violation": ("codeAction", "fixViolation", "enable"),
    "disable_rule_comment": ("codeAction", "disableRuleComment", "enable"),
}


def _lookup(data, path):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def update(settings: Settings, raw) -> Settings:
    """``settings`` with the values found in the client's object ``raw``."""
    if not isinstance(raw, dict):
        return settings
    for wrapper in ("settings", SECTION):
        if isinstance(raw.get(wrapper), dict):
            raw = raw[wrapper]
            break
    changes = {}
    for f in fields(Settings):
        value = _lookup(raw, _PATHS[f.name])
        if isinstance(f.default, bool) and isinstance(value, bool):
            changes[f.name] = value
        elif isinstance(f.default, int) and not isinstance(f.default, bool) and \
                isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            changes[f.name] = int(value)
    return replace(settings, **changes)
