"""Output files: what may be replaced, and replacing it whole or not at all.

One rule for every output (`-o` of every command, batch ledgers, interview and opinion files):
  * an absent path is created with the usual permissions (the umask);
  * an existing regular file is replaced, keeping its permission bits (and, as root, its owner);
  * anything else that exists (a device such as /dev/null, a FIFO, a directory, a socket) is refused:
    leave out -o to print to standard output;
  * a symbolic link is followed: its target is judged by the same rule and written, the link stays
    a link (a link to nothing is refused);
  * a file the user may not write (os.access), or with no write bit at all (root ignores modes), is
    refused, as is a file that is one of the command's inputs (same device and inode, any path).
Refusals are `OutputRefused` (an OSError whose strerror is the Chinese reason).  The temporary file
has an unpredictable name, is created exclusively (O_EXCL) beside the target and renamed over it.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .inputs import os_reason


class OutputRefused(OSError):
    """An output path this tool will not write; str() and strerror are the reason in Chinese."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(errno.EPERM, reason, str(path))

    def __str__(self) -> str:
        return f"{self.filename}：{self.strerror}"


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


Identity = tuple[int, int]  # (st_dev, st_ino)


def identity(path: str | Path) -> Identity | None:
    """The file a path names (links followed), or None if there is none."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def check_output(target: str | Path, inputs: Iterable[Identity] = ()) -> tuple[Path, os.stat_result | None]:
    """The path to write (a link's target) and what is there now; OutputRefused if it may not be written."""
    if isinstance(target, str) and target.endswith(("/", os.sep)):  # Path() would drop the slash
        raise OutputRefused(target, "以“/”结尾，是目录名而不是文件名；请给出要写入的文件名")
    target = Path(target)
    if target.is_symlink():
        resolved = Path(os.path.realpath(target))
        if not resolved.exists() and not resolved.is_symlink():
            raise OutputRefused(target, f"是指向不存在文件的符号链接（{resolved}），不写入")
        target = resolved
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputRefused(target, f"无法检查输出路径：{os_reason(exc)}") from None
    if info is None:
        return target, None
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "目录"
            if stat.S_ISDIR(info.st_mode)
            else "设备"
            if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "管道"
            if stat.S_ISFIFO(info.st_mode)
            else "套接字"
            if stat.S_ISSOCK(info.st_mode)
            else "特殊文件"
        )
        raise OutputRefused(target, f"是{kind}而不是普通文件，不会被替换；请改用一个普通文件名")
    if (info.st_dev, info.st_ino) in set(inputs):
        raise OutputRefused(target, "是本次读取的输入文件，不能用作输出（会覆盖输入）；请另选输出文件")
    if not os.access(target, os.W_OK) or not info.st_mode & 0o222:
        raise OutputRefused(target, "是只读文件，不会被替换（先修改其权限，或另选输出文件）")
    return target, info


def replace_atomically(target: str | Path, write: Callable[[str], object], inputs: Iterable[Identity] = ()) -> None:
    """`write(tmp)` fills a temporary file beside `target`, which then replaces it in one rename;
    on any failure nothing is left behind.  OutputRefused when `target` may not be written (module
    docstring); OSError from creating the file reaches the caller."""
    path, old = check_output(target, inputs)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # O_EXCL, random name
    os.close(fd)
    try:
        write(tmp)
        if old is None:
            os.chmod(tmp, 0o666 & ~umask())  # the usual permissions, not mkstemp's private 0600
        else:
            os.chmod(tmp, stat.S_IMODE(old.st_mode) & 0o777)
            if os.geteuid() == 0 and (old.st_uid, old.st_gid) != (0, 0):
                os.chown(tmp, old.st_uid, old.st_gid)  # root keeps the owner of what it replaces
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
