"""The shape of a rule: code, name, message, documentation, check and fix in one class."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, ClassVar, Iterator

from ..findings import Finding, Fix, Safety

if TYPE_CHECKING:
    from ..model import SemanticModel
    from ..options import Options

#: The docstring sections every rule has, in Ruff's order.
DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety",
                "Options", "References")


class Rule:
    """Base class. A subclass sets ``code``, ``name`` and ``node_types`` and implements
    :meth:`check`, which receives each node of those types once, with the model at hand.

    A fixable rule sets ``fix_safety`` and ``fix_title`` and implements :meth:`fix`, a libcst
    transformation of the node found at the finding's range (libcst is imported only there).
    """

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    node_types: ClassVar[tuple[type[ast.AST], ...]] = ()
    fix_safety: ClassVar[Safety | None] = None
    fix_title: ClassVar[str] = ""
    #: Rules whose precision on real code is too low are off unless selected.
    default_enabled: ClassVar[bool] = True

    def __init__(self, model: SemanticModel, options: Options):
        self.model = model
        self.options = options

    def check(self, node: ast.AST) -> Iterator[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self) -> Iterator[Finding]:
        """Called once after every node was checked."""
        return iter(())

    # ------------------------------------------------------------------ helpers
    def report(self, node: ast.AST, message: str, *, fix_data: dict | None = None,
               fixable: bool = True) -> Finding:
        """A finding anchored at the first line of ``node`` (where flake8 honours noqa)."""
        fix = None
        if fixable and self.fix_safety is not None:
            fix = Fix(self.fix_safety, self.fix_title, fix_data or {})
        return Finding(self.code, message, node.lineno, node.col_offset,
                       getattr(node, "end_lineno", None) or node.lineno,
                       getattr(node, "end_col_offset", None) or node.col_offset,
                       node=node, rule=self, fix=fix)

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """The docstring split into its sections (``## Heading`` lines)."""
        import inspect

        text = inspect.cleandoc(cls.__doc__ or "")
        sections: dict[str, str] = {}
        current = None
        lines: list[str] = []
        for line in text.splitlines():
            if line.startswith("## "):
                if current is not None:
                    sections[current] = "\n".join(lines).strip()
                current = line[3:].strip()
                lines = []
            else:
                lines.append(line)
        if current is not None:
            sections[current] = "\n".join(lines).strip()
        return sections

    @classmethod
    def summary(cls) -> str:
        return cls.doc_sections().get("What it does", "").split("\n\n")[0].replace("\n", " ")

    def fix(self, node, finding: Finding):  # pragma: no cover - abstract
        """The libcst codemod (the contract the fix engine in ``flake8_dask.fix`` follows).

        The engine parses the file with libcst only when it has a fix to apply, finds the
        outermost node whose position (1-based lines, 0-based character columns) is exactly
        the finding's ``line:col``-``end_line:end_col`` range, and calls this method with it.
        The return value replaces that node. ``finding.fix.data`` carries facts computed at
        detection time. Import libcst inside the method: the flake8 plugin never loads it.
        """
        raise NotImplementedError
