"""Output files written whole or not at all, with the usual permissions (the umask)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def replace_atomically(target: str | Path, write: Callable[[str], object]) -> None:
    """`write(tmp)` fills a temporary file beside `target`, which then replaces it in one rename;
    on any failure nothing is left behind.  OSError from creating the file reaches the caller."""
    target = Path(target)
    fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~umask())  # the usual permissions, not mkstemp's private 0600
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
