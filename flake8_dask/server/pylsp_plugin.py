"""A python-lsp-server plugin (entry point group ``pylsp``): flake8-dask's diagnostics and
code actions inside pylsp, for the editors built on it (Spyder, JupyterLab's LSP extension),
without a second server.

It serves what the language server serves, from the same :mod:`.analysis`: a quick fix per
fixable finding (unsafe ones only with ``unsafeFixes``, titled "(unsafe)"), "Disable DSKnnn
for this line", and ``source.fixAll.flake8-dask``; edits are computed at once (pylsp has no
code action resolve for plugins). Settings, under ``pylsp.plugins.flake8_dask``: ``enabled``
(true), ``lint`` (true: publish the DSK diagnostics; turn it off when pylsp's own flake8
plugin already reports them), ``unsafeFixes`` (false). Columns are counted as pylsp's own
plugins count them (characters).
"""

from __future__ import annotations

import logging

from pylsp import hookimpl

from ..project import clear_memo
from . import analysis

log = logging.getLogger(__name__)
NAME = "flake8_dask"


@hookimpl
def pylsp_settings(config):
    return {"plugins": {NAME: {"enabled": True, "lint": True, "unsafeFixes": False}}}


def _settings(config, document) -> dict:
    try:
        return config.plugin_settings(NAME, document_path=document.path) or {}
    except Exception:  # noqa: BLE001 - settings never cost the user their editor
        return {}


def _range(line: int, col: int, end_line: int, end_col: int) -> dict:
    return {"start": {"line": line, "character": col},
            "end": {"line": end_line, "character": end_col}}


def _diagnostic(p: analysis.Problem) -> dict:
    diagnostic = {"source": analysis.SOURCE, "code": p.code, "message": p.message,
                  "severity": 2, "range": _range(p.line, p.col, p.end_line, p.end_col)}
    href = analysis.rule_href(p.code)
    if href:
        diagnostic["codeDescription"] = {"href": href}
    return diagnostic


def _lint(document) -> analysis.Lint:
    return analysis.lint(document.source, document.path,
                         analysis.context_for(document.path))


@hookimpl
def pylsp_lint(config, workspace, document, is_saved):
    if is_saved:
        clear_memo()  # a saved module can change what the other modules of its project see
    if not _settings(config, document).get("lint", True):
        return []
    try:
        return [_diagnostic(p) for p in _lint(document).problems]
    except Exception:  # noqa: BLE001 - never break pylsp's other linters
        log.exception("flake8-dask: linting %s failed", document.uri)
        return []


def _edit(uri: str, version, edits: list[analysis.Edit]) -> dict:
    text_edits = [{"range": _range(e.line, e.col, e.end_line, e.end_col), "newText": e.text}
                  for e in edits]
    return {"documentChanges": [{"textDocument": {"uri": uri, "version": version},
                                 "edits": text_edits}]}


@hookimpl
def pylsp_code_actions(config, workspace, document, range, context):
    try:
        return _code_actions(config, document, range, context or {})
    except Exception:  # noqa: BLE001 - never break pylsp's other code actions
        log.exception("flake8-dask: code actions for %s failed", document.uri)
        return []


def _code_actions(config, document, request_range, context) -> list[dict]:
    settings = _settings(config, document)
    unsafe = bool(settings.get("unsafeFixes", False))
    only = context.get("only")
    text, path, version = document.source, document.path, document.version
    ctx = analysis.context_for(path)
    problems = analysis.lint(text, path, ctx).problems
    start, end = request_range["start"]["line"], request_range["end"]["line"]

    actions = []
    for p in problems:
        if p.line > end or p.end_line < start or not analysis.kind_wanted("quickfix", only):
            continue
        if analysis.offered(p, unsafe):
            try:
                edits = analysis.quick_fix(text, path, ctx, p.code, p.ordinal, unsafe)
            except analysis.FixUnavailable as exc:
                log.info("flake8-dask: %s", exc)
            else:
                actions.append({"title": analysis.fix_title(p),
                                "kind": "quickfix", "diagnostics": [_diagnostic(p)],
                                "isPreferred": p.fix_safety == "safe",
                                "edit": _edit(document.uri, version, edits)})
        noqa = analysis.noqa_edit(text, p.line, p.code)
        if noqa is not None:
            actions.append({"title": analysis.noqa_title(p),
                            "kind": "quickfix", "diagnostics": [_diagnostic(p)],
                            "edit": _edit(document.uri, version, [noqa])})
    if analysis.kind_wanted(analysis.FIX_ALL_KIND, only) and \
            any(analysis.offered(p, unsafe) for p in problems):
        try:
            edits = analysis.fix_all(text, path, ctx, unsafe)
        except analysis.FixUnavailable as exc:
            log.info("flake8-dask: fix all: %s", exc)
        else:
            if edits:
                actions.append({"title": analysis.FIX_ALL_TITLE, "kind": analysis.FIX_ALL_KIND,
                                "edit": _edit(document.uri, version, edits)})
    return actions
