"""The batch's output file: locked for the whole run, validated and cut back on --resume, and
cells no spreadsheet will run.

* Lock: `<output>.lock` beside the output, flock'ed exclusively (never through a link) and holding
  the process id; a second run on the same output is refused naming it.  Removed at the end.
* Resume: the file must be this tool's ledger in the format asked for (the CSV header row, or JSON
  lines each with file, case, incident, regime and verdict) and valid UTF-8; a last record cut
  short (an interruption) is cut off; anything else is refused (ResumeRefused), never appended to.
* CSV cells: a string starting with = + - @ TAB CR (or full-width ＝＋－＠) is written with a leading
  apostrophe (OWASP's CSV-injection advice), as is one starting with an apostrophe, so reading a
  cell back is exact (`from_cell`).  Excel cells: strings are always string cells, never formulas;
  a string with characters a workbook cannot hold refuses its file (`unwritable`).
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import re
import stat
from pathlib import Path

from .atomic import OutputRefused

_ACTIVE = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
KEY_FIELDS = ("file", "case", "incident", "regime", "verdict", "file_id", "sha256")
_FILE_ID = re.compile(r"[0-9a-f]{16}")


class ResumeRefused(OutputRefused):
    """--resume on a file that is not this tool's ledger in the format asked for."""


def to_cell(value: object) -> object:
    """A CSV cell: strings a spreadsheet would take for a formula get a leading apostrophe."""
    if isinstance(value, str) and value.startswith((*_ACTIVE, "'")):
        return "'" + value
    return value


def from_cell(value: str) -> str:
    return value[1:] if value.startswith("'") else value


_XLSX_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")  # openpyxl's ILLEGAL_CHARACTERS_RE


def unwritable(values) -> str | None:
    """Why these strings cannot be cells of a workbook, or None."""
    for value in values:
        if isinstance(value, str) and (m := _XLSX_ILLEGAL.search(value)):
            return f"含有 Excel 表格不能保存的控制字符 U+{ord(m.group()):04X}，此文件未列入台账"
    return None


def visible(text: str) -> str:
    """A string with the characters a workbook cannot hold shown as \\xNN."""
    return _XLSX_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def lock(path: Path) -> tuple[int, Path, int]:
    """An exclusive lock on `path` for this run (see the module docstring); OutputRefused if held."""
    lock_path = path.with_name(path.name + ".lock")
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise OutputRefused(lock_path, "锁文件不是普通文件")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.read(fd, 64).decode("ascii", "replace").strip() or "未知"
            os.close(fd)
            raise OutputRefused(
                path, f"正由另一个批量审查（进程 {other}）写入，锁文件 {lock_path}；请等它结束，或换一个输出文件"
            ) from None
        try:
            same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:  # not a lock file the run before us removed just now
            break
        os.close(fd)
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    try:
        return fd, lock_path, _lock_inode(path)
    except OutputRefused:
        unlock((fd, lock_path, -1))
        raise


def _lock_inode(path: Path) -> int:
    """The output itself, where it exists, flock'ed too: another name of the same file (a hard
    link) has another `.lock` beside it but the same inode.  -1 where there is no file yet."""
    try:
        ofd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return -1
    try:
        fcntl.flock(ofd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(ofd)
        why = "正由另一个批量审查写入（同一文件的另一个名字，如硬链接）；请等它结束，或换一个输出文件"
        raise OutputRefused(path, why) from None
    return ofd


def unlock(held: tuple[int, Path, int]) -> None:
    fd, lock_path, ofd = held
    try:
        if os.stat(lock_path).st_ino == os.fstat(fd).st_ino:
            os.unlink(lock_path)
    except OSError:
        pass
    os.close(fd)
    if ofd >= 0:
        os.close(ofd)


def csv_header(columns: list[str]) -> str:
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=columns).writeheader()
    return "\ufeff" + buffer.getvalue()


_CSV_TOKEN = re.compile(r'"[^"]*"|[^"\n]+|\n|"')


def resume_state(path: Path, fmt: str, columns: list[str]) -> tuple[dict[tuple[str, str, str, str], str], int]:
    """(keys already written, each with the sha256 of its file then; the length in bytes to keep)
    of an output to resume.  A key is (file_id, case, incident, regime): a file as batch.file_id
    names it, whatever the spelling of its path or the directory it was named from."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a run interrupted inside a character leaves its first bytes: the record they end is cut
        if exc.reason != "unexpected end of data" or exc.end != len(data):
            raise ResumeRefused(path, "不是 UTF-8 文本，不是本工具写出的结果文件，不能续写") from None
        text = data[: exc.start].decode("utf-8")
    if fmt == "csv":
        return _resume_csv(path, text, columns)
    return _resume_jsonl(path, text)


def _keep(text: str, end: int) -> int:
    return len(text[:end].encode("utf-8"))


def _resume_csv(path: Path, text: str, columns: list[str]) -> tuple[dict, int]:
    header = csv_header(columns)
    if len(text) < len(header) and header.startswith(text):
        return {}, 0  # not even the header was written whole: start again
    if not text.startswith(header):
        raise ResumeRefused(path, "不是本工具的 CSV 台账（表头不符），不能用 --format csv 续写")
    last = len(header)
    for m in _CSV_TOKEN.finditer(text, len(header)):
        if m.group() == "\n":
            last = m.end()
        elif m.group() == '"':
            break  # a quoted cell cut short: the record it is in goes
    keys = {}
    for n, row in enumerate(csv.reader(io.StringIO(text[len(header) : last])), start=2):
        if len(row) != len(columns):
            raise ResumeRefused(path, f"第 {n} 条记录有 {len(row)} 列（应为 {len(columns)} 列），不是本工具写出的台账")
        r = dict(zip(columns, row, strict=True))
        if not _FILE_ID.fullmatch(r["file_id"]):
            raise ResumeRefused(path, f"第 {n} 条记录没有文件标识（file_id），不是本工具写出的台账")
        keys[(r["file_id"], r["case"], r["incident"], r["regime"])] = r["sha256"]
    return keys, _keep(text, last)


def _resume_jsonl(path: Path, text: str) -> tuple[dict, int]:
    last = text.rfind("\n") + 1  # a last line without its newline was cut short
    keys = {}
    for n, line in enumerate(text[:last].splitlines(), start=1):
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):  # a deeply nested line is no record of ours either
            record = None
        if not isinstance(record, dict) or not all(isinstance(record.get(k), str) for k in KEY_FIELDS):
            raise ResumeRefused(path, f"第 {n} 行不是本工具写出的 JSON 结论，不能用 --format jsonl 续写")
        if not _FILE_ID.fullmatch(record["file_id"]):
            raise ResumeRefused(path, f"第 {n} 行没有文件标识（file_id），不是本工具写出的 JSON 结论，不能续写")
        keys[(record["file_id"], record["case"], record["incident"], record["regime"])] = record["sha256"]
    return keys, _keep(text, last)
