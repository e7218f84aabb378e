"""Code actions and hover, as ``ruff server`` offers them: a ``quickfix`` per fixable finding
("flake8-dask (DSK408): Assign the result instead of inplace=True", unsafe ones only with
``unsafeFixes`` and titled "(unsafe)"), a ``quickfix`` that disables the rule on the line
with ``# noqa``, and ``source.fixAll.flake8-dask``. Their edits are computed in
``codeAction/resolve`` (on the document version the action was made for) when the client can
resolve, else at once."""

from __future__ import annotations

from lsprotocol import types as t
from pygls.exceptions import JsonRpcContentModified, JsonRpcException, JsonRpcInvalidParams

from . import analysis
from .documents import Snapshot, current_result

QUICKFIX = t.CodeActionKind.QuickFix.value
FIX_ALL = analysis.FIX_ALL_KIND


class RequestFailed(JsonRpcException):
    """LSP's RequestFailed: the request was valid, the fix could not be made."""

    CODE = -32803


def _target(snap: Snapshot, uri: str) -> tuple[str, int | None]:
    """The text of ``uri`` in ``snap`` and its cell number (``None``: not a notebook)."""
    if snap.cells is None:
        return snap.text, None
    for number, cell in enumerate(snap.cells, start=1):
        if cell.uri == uri:
            return cell.text, number
    raise JsonRpcInvalidParams(f"{uri} is not a cell of {snap.uri}")


def code_actions(ls, params: t.CodeActionParams):
    uri = params.text_document.uri
    snap = ls.documents.owner(uri)
    if snap is None:
        return []
    text, cell = _target(snap, uri)
    problems = current_result(ls.documents, snap).lint.problems
    start = ls.from_client(text, params.range.start)[0]
    end = ls.from_client(text, params.range.end)[0]
    only = params.context.only if params.context else None
    base = {"uri": snap.uri, "version": snap.version, "cell": cell}
    unsafe = ls.settings.unsafe_fixes
    wanted, offered = analysis.kind_wanted, analysis.offered
    actions = []
    for p in problems:
        if p.cell != cell or p.line > end or p.end_line < start:
            continue
        diagnostic = ls.diagnostic(p, text)
        if ls.settings.fix_violation and offered(p, unsafe) and wanted(QUICKFIX, only):
            actions.append(t.CodeAction(
                analysis.fix_title(p), kind=QUICKFIX, diagnostics=[diagnostic],
                is_preferred=p.fix_safety == "safe",
                data={**base, "action": "fix", "code": p.code, "ordinal": p.ordinal}))
        if ls.settings.disable_rule_comment and wanted(QUICKFIX, only):
            actions.append(t.CodeAction(
                analysis.noqa_title(p), kind=QUICKFIX, diagnostics=[diagnostic],
                data={**base, "action": "noqa", "code": p.code, "line": p.line}))
    fixable = any(offered(p, unsafe) for p in problems)
    if ls.settings.fix_all and wanted(FIX_ALL, only) and fixable:
        actions.append(t.CodeAction(analysis.FIX_ALL_TITLE, kind=FIX_ALL,
                                    data={**base, "action": "fixAll"}))
    if not ls.resolve_support:
        actions = [resolve(ls, action) for action in actions]
    return actions


def resolve(ls, action: t.CodeAction) -> t.CodeAction:
    data = action.data
    if not isinstance(data, dict) or not {"uri", "version", "action"} <= data.keys():
        raise JsonRpcInvalidParams("not a flake8-dask code action")
    snap = ls.documents.get(data["uri"])
    if snap is None or snap.version != data["version"]:
        raise JsonRpcContentModified(
            f"{data['uri']} is not at version {data['version']} any more (or was closed): "
            "ask for the code actions again")
    ctx = analysis.context_for(snap.path)
    unsafe = ls.settings.unsafe_fixes
    cells = snap.cell_list
    uris = [c.uri for c in snap.cells] if snap.cells is not None else None
    kind = data["action"]
    try:
        if kind == "fix":
            if uris is None:
                edits = {snap.uri: analysis.quick_fix(snap.text, snap.path, ctx, data["code"],
                                                      data["ordinal"], unsafe)}
            else:
                edits = {uris[n - 1]: es for n, es in analysis.notebook_quick_fix(
                    cells, snap.path, ctx, data["code"], data["ordinal"], unsafe).items()}
        elif kind == "noqa":
            cell = data.get("cell")
            text = snap.text if cell is None else cells[cell - 1].text
            edit = analysis.noqa_edit(text, data["line"], data["code"])
            edits = {snap.uri if cell is None else uris[cell - 1]: [edit] if edit else []}
        elif kind == "fixAll":
            if uris is None:
                edits = {snap.uri: analysis.fix_all(snap.text, snap.path, ctx, unsafe)}
            else:
                edits = {uris[n - 1]: es for n, es in
                         analysis.notebook_fix_all(cells, snap.path, ctx, unsafe).items()}
        else:
            raise JsonRpcInvalidParams(f"unknown flake8-dask action {kind!r}")
    except analysis.FixUnavailable as exc:
        if kind == "fixAll":  # fix-all on save must not pop errors up: it fixes nothing
            ls.log_message(f"flake8-dask: fix all: {exc}", t.MessageType.Warning)
            edits = {}
        else:
            raise RequestFailed(f"flake8-dask: {exc}") from None
    except (KeyError, TypeError, IndexError) as exc:
        raise JsonRpcInvalidParams(f"bad code action data: {exc}") from None
    action.edit = ls.workspace_edit(snap, edits)
    return action


def hover(ls, params: t.HoverParams):
    uri = params.text_document.uri
    snap = ls.documents.owner(uri)
    if snap is None:
        return None
    text, cell = _target(snap, uri)
    where = ls.from_client(text, params.position)
    found = [p for p in current_result(ls.documents, snap).lint.problems
             if p.cell == cell and (p.line, p.col) <= where <= (p.end_line, p.end_col)]
    if not found:
        return None
    codes = list(dict.fromkeys(p.code for p in found))
    first = found[0]
    return t.Hover(
        t.MarkupContent(t.MarkupKind.Markdown,
                        "\n\n---\n\n".join(analysis.explain(code) for code in codes)),
        ls.range(text, first.line, first.col, first.end_line, first.end_col))
