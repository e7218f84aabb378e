"""What the project layer's tests share (tests/test_project_*.py)."""

from __future__ import annotations

from pathlib import Path


def make(root: Path, files: dict[str, str]) -> Path:
    """A project tree under ``root``: each relative path written with its text."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
