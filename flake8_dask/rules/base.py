"""The shape of a rule: code, name, message, documentation, check and fix in one class."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, ClassVar, Iterator

from ..findings import Finding, Fix, Safety, StatementRun

if TYPE_CHECKING:
    from ..model import SemanticModel
    from ..options import Options

#: The docstring sections every rule has, in Ruff's order.
DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety",
                "Options", "References")


def last_names(*names) -> frozenset[str]:
    """The last names of qualified names (``read_csv`` for ``dask.dataframe.read_csv``), for
    :attr:`Rule.call_names`. Each argument is a collection of names, or one name."""
    out: set[str] = set()
    for group in names:
        for name in ((group,) if isinstance(group, str) else group):
            out.add(name.rpartition(".")[2])
    return frozenset(out)


class Rule:
    """Base class. A subclass sets ``code``, ``name`` and ``node_types`` and implements
    :meth:`check`, which receives each node of those types once, with the model at hand.

    A fixable rule sets ``fixes`` and ``fix_title`` and implements :meth:`fix`, a libcst
    transformation of the node found at the finding's range (libcst is imported only there).
    """

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    node_types: ClassVar[tuple[type[ast.AST], ...]] = ()
    #: For a rule that checks ``ast.Call``: the callee names it can match, so that the
    #: dispatcher hands it only those calls (most calls of a file match no rule). A callee
    #: name is the last name of the callee as written (``b`` for ``a.b(...)``, ``f`` for
    #: ``f(...)``), or the last name of the qualified name a called name resolves to through
    #: an import alias or an assignment (``C`` in ``from distributed import Client as C``
    #: also counts as ``Client``). ``None``: every call (always correct, the default).
    #: A rule listing names must be unable to report a call whose callee has none of them:
    #: a name missing here silently loses findings. Build it with :func:`last_names`.
    call_names: ClassVar[frozenset[str] | None] = None
    #: For a rule that checks ``ast.Call`` and lists ``call_names``: True when it also wants
    #: every call that is a task entry point (``model.entry_point(call)`` is not None),
    #: whatever its name (``f(x)`` of an ``@delayed`` function, ``delayed(f)(x)``). With
    #: ``call_names = frozenset()``, a rule sees entry points only. The dispatcher looks the
    #: entry point up once per call (cached), instead of every such rule doing it.
    entry_points: ClassVar[bool] = False
    #: For a rule that checks ``ast.Attribute``: the attribute names it can report
    #: (``{"values"}``); it is handed only the attributes spelled so. ``None``: every one.
    attribute_names: ClassVar[frozenset[str] | None] = None
    #: The fixes this rule can make, by safety (Ruff's fix availability): empty when it has
    #: none; ``{Safety.SAFE}``, ``{Safety.UNSAFE}``, or both when the safety depends on the
    #: finding (its docstring's **Fix safety** section says when). :meth:`report` takes the
    #: safety of each fix explicitly and refuses one not declared here.
    fixes: ClassVar[frozenset[Safety]] = frozenset()
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
    def report(self, node: ast.AST, message: str, *, fix: Safety | None = None,
               data: object = None, target: ast.AST | StatementRun | None = None,
               imports: list | tuple = ()) -> Finding:
        """A finding anchored at the first line of ``node`` (where flake8 honours noqa).

        ``fix``: the safety of the fix this finding carries (one of :attr:`fixes`), or None
        for a finding without a fix. ``data``: the facts the codemod needs, a typed object of
        the rule's own (a frozen dataclass), computed at detection time. ``target``: the node
        the codemod rewrites when it is not ``node``, or a
        :class:`~flake8_dask.findings.StatementRun` (see :meth:`fix`). ``imports``:
        ``(module, name, asname)`` imports the fix needs.
        """
        found = None
        if fix is not None:
            if fix not in self.fixes:
                raise ValueError(f"{self.code} reported a {fix.value} fix; it declares "
                                 f"{sorted(s.value for s in self.fixes) or 'none'}")
            found = Fix(fix, self.fix_title, data, target=target, imports=list(imports))
        return Finding(self.code, message, node.lineno, node.col_offset,
                       getattr(node, "end_lineno", None) or node.lineno,
                       getattr(node, "end_col_offset", None) or node.col_offset,
                       node=node, rule=self, fix=found)

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
        """The libcst codemod. This docstring is the contract the fix engine
        (``flake8_dask.fix.engine``) follows; rules rely on nothing else.

        **When.** The engine parses a file with libcst only when at least one finding has a
        fix applicable at the chosen level (``SAFE``; ``UNSAFE`` too with ``--unsafe-fixes``;
        never ``DISPLAY_ONLY``) and is not silenced by ``# noqa`` on its line.

        **Which node.** The target range is the finding's ``line:col``-``end_line:end_col``
        (1-based lines, 0-based *character* columns, end exclusive: exactly the ast node's
        range), or the range of ``finding.fix.target`` when the rule reported with
        ``fix_target=<ast node>``. The engine hands over the *outermost* libcst node whose
        ``PositionProvider`` range is exactly that range, of the same category as the ast
        node:

        - an ``ast.expr`` maps to a ``cst.BaseExpression`` (``x.persist()`` reported on the
          call gives the ``cst.Call``, never the ``cst.Expr`` statement around it);
        - an ``ast.stmt`` maps to a ``cst.BaseSmallStatement`` (``cst.Expr``, ``cst.Assign``,
          ...) or a ``cst.BaseCompoundStatement`` (``cst.For``, ``cst.If``, ...), never to
          the ``SimpleStatementLine`` / ``IndentedBlock`` wrappers that share its range;
        - anything else: the outermost node with that range that is not such a wrapper.

        libcst ranges leave out parentheses; ast includes them for a parenthesized tuple
        and a generator expression, so for those two the outermost ``cst.Tuple`` /
        ``cst.GeneratorExp`` inside the range is taken. No node found: the fix is skipped
        (reported as a warning), the finding stays.

        A rule that rewrites several consecutive statements of one block (to wrap them in a
        new ``if`` or ``with``) reports with ``fix_target=StatementRun(first, last, block)``
        (``flake8_dask.findings``): the codemod then receives the list of libcst statements
        from ``first`` to ``last`` (``SimpleStatementLine`` / compound statements, with
        their comments), whose ``indent`` attribute is one level of indentation of their
        block (for the blocks it creates: files and blocks may be indented with tabs or
        two spaces), and returns the list of statements that replaces them. Each of the
        two must start and end a line of its own (not share it through ``;``, not be the
        body of ``if x: ...`` on one line), else the fix is skipped. No other fix changes
        that block in the same pass: its range, for overlaps, is the whole block's.

        **What to return.** The return value replaces the node (``node.with_changes(...)``
        keeps its whitespace and comments). For a statement target the codemod may also
        return:

        - ``cst.FlattenSentinel([...])`` of statements to insert statements before or after
          it: ``FlattenSentinel([node, cst.parse_statement("x = x.persist()")])``. Items can
          be small statements (``cst.Assign``) or whole statements (``parse_statement``).
          For a small statement alone on its line, every item gets its own line, at the
          same indentation; the comment lines above stay above the first item, and the
          end-of-line comment stays with the item equal to the original statement, else
          with the last item of its type (the rewritten statement after inserted ones),
          else with the first. When the line holds several statements (``a; b``), small
          items are joined with ``;`` and whole statements cannot be inserted (the fix is
          skipped);
        - ``cst.RemovalSentinel.REMOVE`` to delete it.

        **Facts and imports.** ``finding.fix.data`` carries facts computed at detection time
        (from the semantic model: libcst's scope providers are never run).
        ``finding.fix.imports`` lists ``(module, name, asname)`` imports the new code needs;
        the codemod may append to it; the engine adds the missing ones after the rewrite
        (``AddImportsVisitor``). Prefer a name already bound in the module (find it at
        detection time) over a new import.

        **Checks.** Non-overlapping fixes are applied in one pass; the engine re-analyzes and
        repeats (at most 10 passes) until no applicable fix is left. The file is written only
        when the result parses and every fixed finding is gone; a fix that raises, leaves
        invalid code or does not remove its finding leaves the file untouched and is
        reported. Import libcst inside this method: the flake8 plugin never loads it.
        """
        raise NotImplementedError
