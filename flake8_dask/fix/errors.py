"""How the fix engine fails: :class:`FixError`, and exceptions told in one short line (libcst
errors can be huge, or be a RecursionError in disguise)."""

from __future__ import annotations


class FixError(Exception):
    """A fix could not be applied safely; the text must stay as it was."""


def describe(exc: BaseException) -> str:
    """An exception in one short line. ``str()`` of a libcst error can embed the repr of a
    whole syntax tree (and itself recurse too deeply), so it is never trusted."""
    if isinstance(exc, RecursionError):
        return "RecursionError: the code is nested too deeply"
    try:
        text = str(exc).splitlines()[0] if str(exc) else ""
    except Exception:  # noqa: BLE001 - a broken __str__, or a RecursionError inside it
        text = ""
    if len(text) > 200:
        text = text[:200] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


#: The error of a fix that libcst cannot make: the code is nested too deeply for it.
TOO_DEEP = ("the code is nested too deeply for libcst, which rewrites it (Python's "
            "recursion limit)")


def from_recursion(exc: BaseException) -> bool:
    """Whether ``exc`` comes from a RecursionError: libcst's position provider turns one
    into a chain of KeyErrors."""
    return _in_chain(exc, RecursionError)


def reraise_interrupt(exc: BaseException) -> None:
    """Raise KeyboardInterrupt when ``exc`` comes from one: Ctrl-C in the middle of libcst
    can surface as another exception (a KeyError from a half-updated table, raised while the
    interrupt unwinds), which a catch-all would otherwise report as a failed fix and go on."""
    if _in_chain(exc, KeyboardInterrupt):
        raise KeyboardInterrupt from None


def _in_chain(exc: BaseException, kind: type) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
