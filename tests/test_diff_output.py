"""``--diff`` prints a unified diff that ``git apply`` accepts, and applying it gives exactly
the file the fix command writes: with and without a final line break, with CRLF endings."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from fix_helpers import INPLACE, INPLACE_FIXED, run_fix

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

CASES = {
    "final_newline.py": INPLACE,
    "no_final_newline.py": INPLACE.rstrip("\n"),
    "crlf.py": INPLACE.replace("\n", "\r\n"),
    "crlf_no_final_newline.py": INPLACE.replace("\n", "\r\n").rstrip("\r\n"),
    "unchanged_tail.py": INPLACE + "print(ddf)",  # the unchanged last line has no break
}


def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


@pytest.mark.runtime
def test_diff_applies_with_git_and_equals_the_fix(tmp_path):
    for name, text in CASES.items():
        (tmp_path / name).write_bytes(text.encode())
    assert git("init", "-q", ".", cwd=tmp_path).returncode == 0
    # A real process: the diff's bytes as a terminal or a pipe gets them (CR included).
    result = run_fix("--isolated", "--diff", ".", cwd=tmp_path)
    out = result.stdout.decode()
    assert result.returncode == 1 and out.count("+++ ") == len(CASES), out
    patch = tmp_path / "fix.patch"
    patch.write_bytes(result.stdout.split(b"\nWould fix")[0] + b"\n")
    check = git("apply", "--check", "-v", str(patch), cwd=tmp_path)
    assert check.returncode == 0, check.stderr + out
    # Apply the diff to a copy, and the fixes to the originals: the same bytes.
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in CASES:
        shutil.copy(tmp_path / name, copy / name)
    assert git("init", "-q", ".", cwd=copy).returncode == 0
    applied = git("apply", str(patch), cwd=copy)
    assert applied.returncode == 0, applied.stderr
    assert run_fix("--isolated", ".", cwd=tmp_path).returncode == 0
    for name in CASES:
        fixed = (tmp_path / name).read_bytes()
        assert (copy / name).read_bytes() == fixed, name
        assert INPLACE_FIXED.splitlines()[-1].encode() in fixed
    assert out.count("\\ No newline at end of file") == 5, out  # 2 + 2 + 1
