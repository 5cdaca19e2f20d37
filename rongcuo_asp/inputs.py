"""Reading input files safely: only a regular file, and never more than a limit.

The file is opened without blocking (a FIFO with no writer cannot hang the open), then fstat'ed:
anything but a regular file (a FIFO, a device such as /dev/zero or /dev/urandom, a directory, a
socket) is refused before a byte is read, and at most `limit` + 1 bytes are read, so a file that
is larger, or grows while being read, is refused instead of filling memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class InputRefused(Exception):
    """Why a file is not read (Chinese, without the path: the caller names it)."""


def size_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


def read_regular(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them; InputRefused otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputRefused(f"无法读取文件：{exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputRefused("不是普通文件（目录、管道、设备等不能作为输入文件）")
        too_big = f"文件过大（上限 {size_text(limit)}）"
        if info.st_size > limit:
            raise InputRefused(too_big)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(limit + 1 - size, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while being read
            raise InputRefused(too_big)
        return b"".join(chunks)
    except OSError as exc:
        raise InputRefused(f"无法读取文件：{exc.strerror or exc}") from None
    finally:
        os.close(fd)
