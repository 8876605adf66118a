"""Files that are either whole or absent: written beside their name, then renamed over it."""

from __future__ import annotations

import os
from pathlib import Path


def replace_atomically(path, write) -> None:
    """`write(partial)` writes a file beside `path`, which is then renamed over `path`: a
    kill while writing leaves the previous file whole (or no file), never a partial one.

    Args:
        path: str or Path. The file to create or replace.
        write: callable taking the temporary `Path` (`partial.NAME`, same directory).

    Example:

    >>> replace_atomically("scores.json", lambda p: p.write_text("{}"))  # doctest: +SKIP
    """
    path = Path(path)
    partial = path.with_name(f"partial.{path.name}")
    write(partial)
    os.replace(partial, path)
