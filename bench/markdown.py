"""Write a generated block into a Markdown file between two marker comments.

Each benchmark owns one block of docs/performance.md; rerunning it replaces only that
block, so hand-written analysis around the blocks survives.
"""

from __future__ import annotations

from pathlib import Path


def replace_block(path: Path, begin: str, end: str, block: str) -> None:
    """Put ``block`` (which starts with ``begin`` and ends with ``end``) into ``path``."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n\n"
    if begin in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
