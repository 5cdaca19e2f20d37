"""Reading input files safely: only a regular file, and never more than a limit.

The file is opened without blocking (a FIFO with no writer cannot hang the open), then fstat'ed:
anything but a regular file (a FIFO, a device such as /dev/zero or /dev/urandom, a directory, a
socket) is refused before a byte is read, and at most `limit` + 1 bytes are read, so a file that
is larger, or grows while being read, is refused instead of filling memory.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_ERRNO_ZH = {
    errno.ENOENT: "文件或目录不存在",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "操作不被允许",
    errno.EISDIR: "是目录",
    errno.ENOTDIR: "路径中有一部分不是目录",
    errno.ELOOP: "符号链接层数过多（可能是循环链接）",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "文件系统只读",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EEXIST: "已存在",
}


NOT_REGULAR = "不是普通文件（目录、管道、设备等不能作为输入文件）"


def os_reason(exc: OSError) -> str:
    """The reason of an operating-system error in Chinese (the system's own words where there is
    no translation; a refusal of this tool already carries its Chinese reason)."""
    if exc.strerror and not exc.strerror.isascii():  # already the tool's own reason
        return exc.strerror
    return _ERRNO_ZH.get(exc.errno or 0) or exc.strerror or str(exc)


class InputRefused(Exception):
    """Why a file is not read (Chinese, without the path: the caller names it)."""


def size_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


def read_regular(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them; InputRefused otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputRefused(f"无法读取文件：{os_reason(exc)}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputRefused(NOT_REGULAR)
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
        raise InputRefused(f"无法读取文件：{os_reason(exc)}") from None
    finally:
        os.close(fd)
