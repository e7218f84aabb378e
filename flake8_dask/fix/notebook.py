"""Jupyter notebooks: lint and fix the code cells, write back only what changed.

- **Cells.** The code cells that parse are analyzed together, in order, as one module (so
  that an import in the first cell resolves names in the others), separated by marker
  comments; findings and fixes are mapped back to their cell. A cell is numbered by its
  position among all the notebook's cells, from 1 (``nb.ipynb:cell 3:2:5: DSK303 ...``). A
  code cell that does not parse is skipped with a message, the others proceed.
- **IPython syntax** is never parsed nor changed: line magics (``%time f()``), shell escapes
  (``!ls``, ``files = !ls``, ``x = %sx ls``), help (``?obj``, ``obj??``), autocall (``/f 1``)
  and their backslash continuation lines are replaced, before parsing, by a
  ``pass  # <placeholder>`` statement at the same indentation (a comment would leave an
  indented block empty) and restored verbatim afterwards. A cell magic whose body is Python
  (``%%time``, ``%%timeit``, ``%%capture``...) has only its first line masked; a cell with
  any other cell magic (``%%bash``, ``%%writefile``...) is not Python and is left alone.
- **Writing back.** Only the ``source`` value of the cells that changed is rewritten, in the
  same form (a list of lines or one string) and the same layout as before (the indentation of
  its items and of its closing bracket, the separator between items, ``\\uXXXX`` escapes or
  not); every other byte of the file (key order, metadata, outputs, indentation, the final
  newline) stays as it was.
- A notebook whose kernel is not Python is skipped; a file that is not valid notebook JSON
  (or lacks ``cells`` / a cell's ``source``) is reported and left untouched.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from json.decoder import scanstring
from typing import Sequence

from ..options import Options
from ..rules import Rule
from .engine import FixResult, fix_source, parse_quietly
from .sourcefile import split_lines

#: Cell magics whose body is Python.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python",
                                "python3", "memit", "snakeviz", "heat"})
_WS = " \t\n\r"
_ASSIGN_MAGIC = re.compile(r"^[ \t]*[\w.\[\], \t()]+?=[ \t]*[!%]")
_HELP_SUFFIX = re.compile(r"^[ \t]*[\w.\[\]()'\"]+\?\??[ \t]*$")


class NotebookError(Exception):
    """Not a notebook we can read (exit status 2)."""


@dataclass
class CodeCell:
    index: int  # position among all cells, 0-based
    text: str  # the source joined into one string
    start: int  # span of the JSON value of "source" in the document
    end: int
    is_list: bool


@dataclass
class Notebook:
    text: str
    cells: list[CodeCell]
    language: str | None


# ------------------------------------------------------------------------- reading
def parse_notebook(text: str) -> Notebook:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"invalid notebook JSON: {exc}") from None
    except RecursionError:
        raise NotebookError("invalid notebook JSON: nested too deeply to be read") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError("not a notebook: no top-level \"cells\" list (nbformat 4)")
    for i, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict) or "cell_type" not in cell:
            raise NotebookError(f"cell {i + 1} has no \"cell_type\"")
        if cell.get("cell_type") == "code":
            source = cell.get("source")
            if not isinstance(source, (str, list)) or (
                    isinstance(source, list) and not all(isinstance(s, str) for s in source)):
                raise NotebookError(f"cell {i + 1} has no valid \"source\"")
    spans = _source_spans(text)
    cells = []
    for i, cell in enumerate(data["cells"]):
        if cell.get("cell_type") != "code":
            continue
        if i not in spans:
            raise NotebookError(f"cell {i + 1}: cannot locate its \"source\"")
        source = cell["source"]
        start, end = spans[i]
        cells.append(CodeCell(i, source if isinstance(source, str) else "".join(source),
                              start, end, isinstance(source, list)))
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    language = None
    for key, sub in (("language_info", "name"), ("kernelspec", "language")):
        info = metadata.get(key)
        if isinstance(info, dict) and isinstance(info.get(sub), str):
            language = info[sub].lower()
            break
    return Notebook(text, cells, language)


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _source_spans(text: str) -> dict[int, tuple[int, int]]:
    """For each cell (by index), the span of its ``source`` value in the JSON text: a small
    scanner over the top-level object and the cells, with ``json``'s own decoder for the
    values it steps over."""
    decoder = json.JSONDecoder()

    def members(i: int) -> tuple[list[tuple[str, int, int]], int]:
        """The (key, value start, value end) of the object at ``i``, and its end."""
        out: list[tuple[str, int, int]] = []
        i = _skip_ws(text, i + 1)
        if text[i] == "}":
            return out, i + 1
        while True:
            if text[i] != '"':
                raise ValueError("key expected")
            key, i = scanstring(text, i + 1)
            i = _skip_ws(text, i)
            if text[i] != ":":
                raise ValueError("colon expected")
            start = _skip_ws(text, i + 1)
            end = decoder.raw_decode(text, start)[1]
            out.append((key, start, end))
            i = _skip_ws(text, end)
            if text[i] == "}":
                return out, i + 1
            if text[i] != ",":
                raise ValueError("comma expected")
            i = _skip_ws(text, i + 1)

    spans: dict[int, tuple[int, int]] = {}
    try:
        top, _ = members(_skip_ws(text, 0))
        for key, start, _end in top:
            if key != "cells" or text[start] != "[":
                continue
            spans = {}  # json.loads keeps the last of duplicate keys: so do we
            i, index = _skip_ws(text, start + 1), 0
            while text[i] != "]":
                if text[i] == "{":
                    cell, i = members(i)
                    for name, value_start, value_end in cell:
                        if name == "source":
                            spans[index] = (value_start, value_end)
                else:
                    i = decoder.raw_decode(text, i)[1]
                index += 1
                i = _skip_ws(text, i)
                if text[i] == ",":
                    i = _skip_ws(text, i + 1)
    except (IndexError, ValueError, RecursionError):
        return {}
    return spans


# ------------------------------------------------------------------------- writing
def render_source(text: str, old_json: str, was_list: bool, ensure_ascii: bool) -> str:
    """The JSON text of a new ``source`` value, laid out like ``old_json``."""
    if not was_list:
        return json.dumps(text, ensure_ascii=ensure_ascii)
    items = [json.dumps(line, ensure_ascii=ensure_ascii) for line in split_lines(text)]
    if not items:
        return "[]"
    inner = old_json[1:-1]
    if "\n" in inner:
        head = inner[:len(inner) - len(inner.lstrip(_WS))] or "\n"
        tail = inner[len(inner.rstrip(_WS)):] or "\n"
        separator = "," + head
        decoder = json.JSONDecoder()
        first_start = len(head) + 1
        try:
            first_end = decoder.raw_decode(old_json, first_start)[1]
            rest = old_json[first_end:]
            if rest.lstrip(_WS).startswith(","):
                after_comma = rest[rest.index(",") + 1:]
                separator = "," + after_comma[:len(after_comma) - len(after_comma.lstrip(_WS))]
        except ValueError:
            pass
        return "[" + head + separator.join(items) + tail + "]"
    separator = ", "
    m = re.match(r'\[\s*"(?:[^"\\]|\\.)*"(\s*,\s*)"', old_json)
    if m:
        separator = m.group(1)
    return "[" + separator.join(items) + "]"


def replace_sources(nb: Notebook, new_texts: dict[int, str]) -> str:
    """The document with the ``source`` of the cells in ``new_texts`` (by index) replaced."""
    ensure_ascii = nb.text.isascii() and "\\u" in nb.text
    out, last = [], 0
    for cell in nb.cells:
        if cell.index not in new_texts:
            continue
        old_json = nb.text[cell.start:cell.end]
        out.append(nb.text[last:cell.start])
        out.append(render_source(new_texts[cell.index], old_json, cell.is_list, ensure_ascii))
        last = cell.end
    out.append(nb.text[last:])
    return "".join(out)


# ------------------------------------------------------------------------- IPython syntax
@dataclass
class MaskedCell:
    text: str  # valid Python, or None when the cell is not Python at all
    placeholders: dict[str, str] = field(default_factory=dict)  # id -> original line


def _scan_python_line(line: str, state: dict) -> None:
    """Update bracket depth / open triple-quoted string / backslash continuation."""
    i, n = 0, len(line)
    state["continued"] = False
    while i < n:
        quote = state["string"]
        if quote:
            j = line.find(quote, i)
            while j != -1 and _escaped(line, j):
                j = line.find(quote, j + 1)
            if j == -1:
                return
            state["string"] = None
            i = j + len(quote)
            continue
        c = line[i]
        if c == "#":
            return
        if c in "\"'":
            triple = line[i:i + 3]
            if triple in ('"""', "'''"):
                state["string"] = triple
                i += 3
                continue
            j = i + 1
            while j < n and line[j] != c:
                j += 2 if line[j] == "\\" else 1
            i = j + 1
            continue
        if c in "([{":
            state["depth"] += 1
        elif c in ")]}":
            state["depth"] = max(0, state["depth"] - 1)
        elif c == "\\" and line[i + 1:].strip() == "":
            state["continued"] = True
            return
        i += 1


def _escaped(line: str, j: int) -> bool:
    backslashes = 0
    while j - 1 - backslashes >= 0 and line[j - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _is_magic(line: str) -> bool:
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return False
    if stripped[0] in "%!?/;,":
        return True
    return bool(_ASSIGN_MAGIC.match(line) or _HELP_SUFFIX.match(line))


def mask_magics(cell_text: str, nonce: str) -> MaskedCell | None:
    """The cell with its IPython lines replaced by placeholders; ``None`` when the cell is
    not Python (a cell magic such as ``%%bash``)."""
    lines = split_lines(cell_text)
    placeholders: dict[str, str] = {}
    out = []
    state = {"depth": 0, "string": None, "continued": False}
    magic_continues = False
    magic_indent = ""
    first_code = next((i for i, line in enumerate(lines) if line.strip()), None)
    for i, line in enumerate(lines):
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        at_start = state["depth"] == 0 and state["string"] is None and not state["continued"]
        if i == first_code and body.lstrip().startswith("%%"):
            name = body.lstrip()[2:].split(None, 1)[0] if body.lstrip()[2:].strip() else ""
            if name not in PYTHON_CELL_MAGICS:
                return None
            magic = True
        else:
            magic = magic_continues or (at_start and _is_magic(body))
        if magic:
            if not magic_continues:
                magic_indent = body[:len(body) - len(body.lstrip())]
            key = f"{nonce}-{len(placeholders)}"
            placeholders[key] = line
            out.append(f"{magic_indent}pass  # flake8-dask-magic-{key}{ending}")
            magic_continues = body.endswith("\\")
            continue
        out.append(line)
        _scan_python_line(body, state)
    return MaskedCell("".join(out), placeholders)


_PLACEHOLDER = re.compile(r"^[ \t]*pass  # flake8-dask-magic-(?P<key>[0-9a-f]+-\d+)(\r\n|\r|\n)?$")


def unmask_magics(text: str, placeholders: dict[str, str]) -> str | None:
    """Restore the IPython lines; ``None`` when a placeholder went missing."""
    if not placeholders:
        return text
    seen = set()
    out = []
    for line in split_lines(text):
        m = _PLACEHOLDER.match(line)
        if m and m.group("key") in placeholders:
            seen.add(m.group("key"))
            original = placeholders[m.group("key")]
            ending = line[len(line.rstrip("\r\n")):]
            out.append(original.rstrip("\r\n") + ending)
        else:
            out.append(line)
    return "".join(out) if seen == set(placeholders) else None


# ------------------------------------------------------------------------- lint and fix
@dataclass
class CellFinding:
    cell: int  # 1-based position among all cells
    finding: object  # a Finding with cell-relative lines


@dataclass
class NotebookResult:
    text: str  # the new document (or the original)
    original: str
    findings: list[CellFinding] = field(default_factory=list)
    fix: FixResult | None = None
    messages: list[str] = field(default_factory=list)  # cells skipped, ...
    error: str | None = None
    #: The cells that do not parse (skipped; the others are checked): (cell number, error).
    syntax_errors: list[tuple[int, SyntaxError]] = field(default_factory=list)
    #: Why no cell was checked (the cells parse alone but not together).
    not_checked: str | None = None

    @property
    def changed(self) -> bool:
        return self.text != self.original


def _nonce(text: str) -> str:
    for salt in range(100):
        nonce = hashlib.sha1(f"{salt}:{text}".encode("utf-8", "surrogatepass")).hexdigest()[:10]
        if nonce not in text:
            return nonce
    raise NotebookError("cannot build a unique placeholder")  # pragma: no cover


def fix_notebook(text: str, *, options: Options | None = None,
                 rules: Sequence[type[Rule]] | None = None, unsafe: bool = False,
                 apply: bool = True, fixer=fix_source) -> NotebookResult:
    """``fixer`` runs on the cells joined as one program (``fix_source``'s signature; the
    language server passes one that applies a single finding's fix)."""
    nb = parse_notebook(text)
    result = NotebookResult(text, text)
    if nb.language not in (None, "python", "python3", "ipython", "ipython3"):
        result.messages.append(f"kernel language {nb.language!r} is not Python: skipped")
        return result
    nonce = _nonce(text)
    marker = f"# flake8-dask-cell-{nonce}"
    parts: list[tuple[CodeCell, MaskedCell, bool]] = []  # cell, masked, newline added
    for cell in nb.cells:
        masked = mask_magics(cell.text, nonce)
        if masked is None or not masked.text.strip():
            continue
        try:
            parse_quietly(masked.text)
        except SyntaxError as exc:  # reported on the cell (DSK001) by the fix command
            result.syntax_errors.append((cell.index + 1, exc))
            continue
        except ValueError as exc:  # null bytes: reported like a syntax error (DSK001)
            result.syntax_errors.append((cell.index + 1, SyntaxError(str(exc))))
            continue
        parts.append((cell, masked, not masked.text.endswith(("\n", "\r"))))
    if not parts:
        return result
    chunks = []
    for k, (cell, masked, added) in enumerate(parts):
        if k:
            chunks.append(f"{marker} {k}\n")
        chunks.append(masked.text + ("\n" if added else ""))
    combined = "".join(chunks)
    # Module-level code of a notebook never runs in a re-imported worker (DSK601); the model
    # finds the cells from the markers, and messages cite the notebook's own cell numbers.
    options = replace(options or Options(), notebook=True,
                      cell_marker=rf"^{re.escape(marker)} \d+$",
                      cell_numbers=tuple(cell.index + 1 for cell, _, _ in parts))
    try:
        fixed = fixer(combined, options=options, rules=rules, unsafe=unsafe, apply=apply)
    except (SyntaxError, ValueError) as exc:  # cells that parse alone but not together
        result.not_checked = f"the code cells do not parse together: {exc}"
        return result
    result.fix = fixed
    if fixed.error:
        result.error = fixed.error
    pieces = _split(fixed.source, marker, len(parts))
    if pieces is None:  # a fix removed a marker: keep everything as it was
        result.error = "a fix moved code across cells; nothing was changed"
        pieces = _split(combined, marker, len(parts))
        fixed.source = combined
    # Map the findings (on the fixed text) back to cells.
    starts = []
    line = 1
    for piece in pieces:
        starts.append(line)
        line += len(split_lines(piece)) + 1  # + the marker line
    for f in fixed.remaining:
        k = max(i for i, s in enumerate(starts) if s <= f.line)
        cell = parts[k][0]
        f.line -= starts[k] - 1
        f.end_line -= starts[k] - 1
        result.findings.append(CellFinding(cell.index + 1, f))
    if not result.error:
        pieces, moves = _imports_to_their_cell(_split(combined, marker, len(parts)), pieces)
        by_cell = {parts[k][0].index + 1: lines for k, lines in moves.items()}
        for cf in result.findings:
            lines = by_cell.get(cf.cell)
            if lines is not None:  # the finding's cell gained or lost import lines
                cf.finding.line = lines[cf.finding.line - 1]
                cf.finding.end_line = lines[cf.finding.end_line - 1]
    if not fixed.changed or result.error:
        return result
    new_texts = {}
    for (cell, masked, _), piece in zip(parts, pieces):
        # A cell keeps its own trailing newlines (libcst may add a blank line after an
        # import it inserts, which would end up at the end of the cell).
        trailing = masked.text[len(masked.text.rstrip("\r\n")):]
        piece = piece.rstrip("\r\n") + trailing
        restored = unmask_magics(piece, masked.placeholders)
        if restored is None:
            result.error = (f"cell {cell.index + 1}: a fix removed an IPython line; "
                            "nothing was changed")
            return result
        if restored != cell.text:
            new_texts[cell.index] = restored
    result.text = replace_sources(nb, new_texts)
    return result


def _is_import_or_blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith(("import ", "from "))


def _imports_to_their_cell(before: list[str], after: list[str]):
    """Move the imports the fixes added to a cell that nothing else changed and that had no
    import of its own (libcst adds them at the top of the program when it does not start
    with imports: a ``!pip install`` cell, a cell of settings) to the top of the first cell
    a fix changed: a user who re-runs the fixed cell gets its import with it, and it still
    runs before every use. A cell of imports keeps the new ones with the others.

    Returns the pieces, and for each cell whose lines moved the new line number of each of
    its lines (1-based, by old line)."""
    changed, import_only = [], []
    for k, (old, new) in enumerate(zip(before, after)):
        if old == new:
            continue
        old_lines, new_lines = split_lines(old), split_lines(new)
        opcodes = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False) \
            .get_opcodes()
        added = [line for tag, _, _, j1, j2 in opcodes if tag == "insert"
                 for line in new_lines[j1:j2]]
        if all(tag in ("equal", "insert") for tag, *_ in opcodes) and \
                all(_is_import_or_blank(line) for line in added) and \
                not any(line.strip() and _is_import_or_blank(line) for line in old_lines):
            import_only.append((k, opcodes, [line for line in added if line.strip()]))
        else:
            changed.append(k)
    if not changed or not import_only or any(k > changed[0] for k, _, _ in import_only):
        return after, {}
    target = changed[0]
    lines = split_lines(after[target])
    at = 0  # after the cell's leading comments, blank lines and IPython lines
    while at < len(lines) and (not lines[at].strip() or lines[at].lstrip().startswith("#") or
                               _PLACEHOLDER.match(lines[at])):
        at += 1
    if at < len(lines) and lines[at][:1] in (" ", "\t"):
        return after, {}  # the cell starts inside a block: leave the imports where they are
    moved = [line if line.endswith(("\n", "\r")) else line + "\n"
             for _, _, added in import_only for line in added]
    out, moves = list(after), {}
    for k, opcodes, _ in import_only:
        out[k] = before[k]
        old_of_new = {}  # a line of the fixed piece -> its line in the original piece
        for tag, i1, _, j1, j2 in opcodes:
            if tag == "equal":
                old_of_new.update({j1 + d + 1: i1 + d + 1 for d in range(j2 - j1)})
        count = len(split_lines(after[k]))
        moves[k] = [old_of_new.get(n, 1) for n in range(1, count + 1)]
    out[target] = "".join(lines[:at] + moved + lines[at:])
    moves[target] = [n if n <= at else n + len(moved) for n in range(1, len(lines) + 1)]
    return out, moves


def _split(text: str, marker: str, count: int) -> list[str] | None:
    pattern = re.compile(rf"^{re.escape(marker)} (\d+)\n", re.M)
    pieces, last, expected = [], 0, 1
    for m in pattern.finditer(text):
        if int(m.group(1)) != expected:
            return None
        pieces.append(text[last:m.start()])
        last = m.end()
        expected += 1
    pieces.append(text[last:])
    return pieces if len(pieces) == count else None
