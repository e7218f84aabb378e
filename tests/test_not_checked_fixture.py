"""fixtures/not_checked/: a file that does not parse is one DSK001 finding at the error's
line, in the text and JSON outputs, and nothing else in it is reported (its inplace line is
not checked); the file is left as it was."""

from __future__ import annotations

import json

from conftest import FIXTURES, expected_findings

BROKEN = FIXTURES / "not_checked" / "dsk001_file_not_checked.py"


def test_a_file_that_does_not_parse_is_one_dsk001_finding(cli):
    before = BROKEN.read_bytes()
    (line, code), = expected_findings(BROKEN.read_text())
    assert code == "DSK001"
    status, out, _ = cli("--isolated", "--check", str(BROKEN), cwd=BROKEN.parent)
    assert status == 1
    reported = [row for row in out.splitlines() if ": DSK" in row]
    assert len(reported) == 1 and f":{line}:" in reported[0] and "DSK001" in reported[0]
    assert "SyntaxError" in reported[0]
    status, out, _ = cli("--isolated", "--output-format", "json", str(BROKEN), cwd=BROKEN.parent)
    (item,) = json.loads(out)
    assert (item["code"], item["location"]["row"]) == ("DSK001", line)
    assert BROKEN.read_bytes() == before  # not fixed, not rewritten
