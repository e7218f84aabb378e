"""Reading and writing source files without losing a byte.

A file is decoded as Python does it (PEP 263 cookie or UTF-8, a UTF-8 BOM), its line endings
are made ``\\n`` for the engine when they are uniform, and everything is put back as it was
when the fixed text is encoded: the encoding, the BOM, CRLF / CR endings, the presence of a
final newline (the engine never touches it) and the file mode. Writes are atomic: a temporary
file in the same directory, then ``os.replace``.
"""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
import tokenize
from dataclasses import dataclass

_LINE_END = re.compile(r"\r\n|\r|\n")


class SourceError(Exception):
    """A file that cannot be read, decoded or written (exit status 2)."""


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split on ``\\n``, ``\\r\\n`` and ``\\r`` only, as Python's
    tokenizer does (``str.splitlines`` also splits on form feeds and other characters)."""
    lines, start = [], 0
    for m in _LINE_END.finditer(text):
        lines.append(text[start:m.end()])
        start = m.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


@dataclass(frozen=True)
class Encoding:
    """How a text was stored: codec (``utf-8-sig`` when there is a BOM) and line ending
    (``None`` when mixed: the text is then left with its own endings)."""

    codec: str = "utf-8"
    newline: str | None = "\n"

    def encode(self, text: str) -> bytes:
        if self.newline not in (None, "\n"):
            text = text.replace("\n", self.newline)
        return text.encode(self.codec)


def detect_newline(text: str) -> str | None:
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [k for k, n in (("\r\n", crlf), ("\r", cr), ("\n", lf)) if n]
    if not kinds:
        return "\n"
    return kinds[0] if len(kinds) == 1 else None


def decode_source(data: bytes) -> tuple[str, Encoding]:
    """Decode a Python source file. Raises :class:`SourceError`."""
    try:
        codec, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # unknown codec in the cookie, BOM with a non-UTF-8 cookie
        raise SourceError(f"cannot decode: {exc.msg if hasattr(exc, 'msg') else exc}") \
            from None
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SourceError(f"cannot decode as {codec}: {exc}") from None
    newline = detect_newline(text)
    if newline not in (None, "\n"):
        text = text.replace(newline, "\n")
    return text, Encoding(codec, newline)


def decode_utf8(data: bytes) -> tuple[str, Encoding]:
    """Decode a UTF-8 document (a notebook), keeping its BOM if it has one."""
    codec = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise SourceError(f"cannot decode as UTF-8: {exc}") from None
    return text, Encoding(codec, None)


def read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from None


def check_writable(path: str) -> None:
    """Refuse files without any write permission bit, even for root (a ``chmod a-w`` file
    says "do not change me"), files this user cannot write, and anything that is not a
    regular file (a named pipe or a device would be replaced by a plain file)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise SourceError(f"cannot write: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise SourceError("cannot write: not a regular file")
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) \
            or not os.access(path, os.W_OK):
        raise SourceError("cannot write: the file is read-only")


def write_atomic(path: str, data: bytes, expected: bytes | None = None) -> None:
    """Replace ``path``'s content with ``data``: a temporary file in the same directory,
    the original mode (and owner, when allowed), then ``os.replace`` (readers see the old or
    the new file, never half of one). ``path`` must be the real file (symlinks resolved by
    the caller). With ``expected`` (the bytes the fix was computed from), a file changed in
    the meantime (an editor, another fixer) is not overwritten. The temporary file never
    outlives a failure, an interrupt included."""
    check_writable(path)
    directory = os.path.dirname(os.path.abspath(path))
    st = os.stat(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".flake8-dask-",
                                   suffix=".tmp")
    except OSError as exc:
        raise SourceError(f"cannot write (temporary file in {directory}): "
                          f"{exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        _keep_owner(tmp, st)
        if expected is not None and read_bytes(path) != expected:
            raise SourceError("the file changed while it was being fixed; not written "
                              "(run the fix again)")
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise SourceError(f"cannot write: {exc.strerror or exc}") from None
        raise


def _keep_owner(tmp: str, st: os.stat_result) -> None:
    """Give the new file the owner and group of the old one (root fixing a user's file
    must not leave it owned by root); where that is not allowed, keep the defaults."""
    geteuid, getegid = getattr(os, "geteuid", None), getattr(os, "getegid", None)
    if geteuid is None or getegid is None or (st.st_uid, st.st_gid) == (geteuid(), getegid()):
        return
    try:
        os.chown(tmp, st.st_uid, st.st_gid)
    except OSError:
        pass
