"""What the chunk-size rules (DSK501, DSK505) share: the literal chunks of a call, and the
codemod that lets Dask choose them (``chunks="auto"``)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ...model import vocabulary as V
from ...syntax import callee_name
from .. import _edits as E

#: Callee names that may take ``chunks`` positionally.
_POSITIONAL_CHUNKS = frozenset(q.rpartition(".")[2] for q in V.DASK_ARRAY_CHUNKS_POSITION) | \
    frozenset(q.rpartition(".")[2] for q in V.ARRAY_RECHUNK_FUNCTIONS)


@dataclass(frozen=True)
class ChunksArgument:
    """Where the literal chunks are in the call: the ``chunks=`` keyword, or the positional
    argument ``index``; ``per_axis``: a per-axis dict."""
    per_axis: bool
    keyword: bool = False
    index: int | None = None


def may_set_chunks(node: ast.Call) -> bool:
    """A cheap test before the model is asked for a layout: the call passes chunks."""
    return any(kw.arg == "chunks" for kw in node.keywords) or (
        len(node.args) >= 2 and callee_name(node) in _POSITIONAL_CHUNKS) or (
        bool(node.args) and callee_name(node) == "rechunk")


def chunks_argument(call: ast.Call, spec) -> ChunksArgument | None:
    """Where the literal chunks ``spec`` are in ``call``: ``keyword`` or positional
    ``index``, and whether they are a per-axis dict. None: not literal chunks, no fix."""
    t = type(spec)
    whole = spec.operand if t is ast.UnaryOp and type(spec.op) is ast.USub else spec
    literal = (type(whole) is ast.Constant and type(whole.value) is int) or \
        t in (ast.Tuple, ast.List) or (t is ast.Dict and None not in spec.keys)
    if not literal:
        return None
    if any(kw.value is spec for kw in call.keywords):
        return ChunksArgument(per_axis=t is ast.Dict, keyword=True)
    if any(a is spec for a in call.args):
        return ChunksArgument(per_axis=t is ast.Dict, index=call.args.index(spec))
    return None


def auto_chunks(node, data: ChunksArgument):
    """The libcst call with its literal chunks (``data``) replaced by ``"auto"``; a per-axis
    dict keeps its axes, each set to ``"auto"``."""
    import libcst as cst

    auto = cst.SimpleString('"auto"')
    if data.keyword:
        old = next(a.value for a in node.args
                   if a.keyword is not None and a.keyword.value == "chunks")
    else:
        old = node.args[data.index].value
    new = auto
    if data.per_axis:
        new = old.with_changes(elements=[e.with_changes(value=auto) for e in old.elements])
    if data.keyword:
        return E.with_keyword(node, "chunks", new)
    args = list(node.args)
    args[data.index] = args[data.index].with_changes(value=new)
    return node.with_changes(args=args)
