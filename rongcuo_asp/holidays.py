"""Reading a year's official holiday notice supplied with `--holidays FILE` (format in `read_holidays`).

The file is opened without blocking and refused unless it is a regular file (a FIFO or a device
would hang or never end), and at most MAX_HOLIDAY_BYTES are read: a notice is a few lines.  Errors
name the file and line; after MAX_ERRORS of them the rest are counted, not listed (as for fact files).
"""

from __future__ import annotations

import datetime as dt
import re

from .factmodel import FactFileError
from .factsyntax import MAX_ERRORS

MAX_HOLIDAY_BYTES = 1024 * 1024
Years = dict[int, tuple[set[dt.date], set[dt.date]]]  # year -> (holidays, working days on a weekend)
_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?\s+(holiday|workday)$")


def read_limited(path: str, limit: int = MAX_HOLIDAY_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (the project's one safe reader,
    inputs.read_regular); FactFileError (exit 2) otherwise, worded for a holiday file."""
    from .inputs import InputRefused, read_regular

    try:
        return read_regular(path, limit)
    except InputRefused as exc:
        why = str(exc).replace("读取文件", "读取节假日文件").replace("输入文件", "节假日文件")
        raise FactFileError(path, [(None, why)]) from None


class HolidayFileError(FactFileError):
    """A refused holiday file: its first MAX_ERRORS problems, then how many more there are."""

    def __init__(self, path: str, problems: list[tuple[int | None, str]], more: int = 0):
        self.more = more
        super().__init__(path, problems)

    def message(self) -> str:
        tail = f"\n{self.path}: ……及其他 {self.more} 处错误（仅列出前 {MAX_ERRORS} 处）" if self.more else ""
        return super().message() + tail


class _Problems(list):
    """Problems of a file: the first MAX_ERRORS kept, the others counted."""

    more = 0

    def add(self, line: int | None, text: str) -> None:
        if len(self) < MAX_ERRORS:
            self.append((line, text))
        else:
            self.more += 1


def read_holidays(path: str) -> Years:
    """Read a year's official holiday notice (国务院办公厅关于……节假日安排的通知) from a small file:

        % 2027 年节假日安排（国办发明电〔2026〕N 号）
        year 2027
        2027-01-01 holiday
        2027-02-05..2027-02-11 holiday
        2027-02-14 workday

    `year Y` declares that the file covers the whole of year Y (every day not listed is a working
    day from Monday to Friday); `holiday` days (a range with ..) are days off, `workday` days are
    调休 working weekends.  `%` and `#` start comments.  Errors name the file and line (exit 2)."""

    raw = read_limited(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = raw[: exc.start].count(b"\n") + 1
        raise FactFileError(path, [(where, "节假日文件不是 UTF-8 编码；请以 UTF-8 保存")]) from None
    problems = _Problems()
    years: Years = {}
    entries: list[tuple[int, dt.date, dt.date, str]] = []
    for n, raw_line in enumerate(text.splitlines(), start=1):
        line = re.split(r"[%#]", raw_line, maxsplit=1)[0].strip()
        if not line:
            continue
        if m := re.fullmatch(r"year\s+(\d{4})", line):
            years.setdefault(int(m.group(1)), (set(), set()))
            continue
        shown = raw_line.strip()[:80]
        m = _LINE.match(line)
        if not m:
            problems.add(n, f"无法识别：{shown}（应为 year YYYY，或 YYYY-MM-DD[..YYYY-MM-DD] holiday|workday）")
            continue
        try:
            first = dt.date.fromisoformat(m.group(1))
            last = dt.date.fromisoformat(m.group(2) or m.group(1))
        except ValueError:
            problems.add(n, f"不是有效日期：{shown}")
            continue
        if last < first or last.year != first.year:
            problems.add(n, f"日期范围有误：{shown}（须在同一年内且由早到晚）")
            continue
        entries.append((n, first, last, m.group(3)))
    for n, first, last, kind in entries:
        if first.year not in years:
            problems.add(n, f"{first.year} 年未以 year {first.year} 声明")
            continue
        holidays, workdays = years[first.year]
        for k in range((last - first).days + 1):
            day = first + dt.timedelta(days=k)
            if kind == "workday" and day.weekday() < 5:
                problems.add(n, f"{day} 为周一至周五，无须标为调休上班日")
            (workdays if kind == "workday" else holidays).add(day)
    for holidays, workdays in years.values():
        for day in sorted(holidays & workdays):
            problems.add(None, f"{day} 同时标为休息日和上班日")
    if not years and not problems:
        problems.add(None, "文件中没有 year YYYY 声明")
    if problems:
        raise HolidayFileError(path, list(problems), problems.more)
    return years
