"""Procedure review: deadlines of the regimes on the official Chinese working-day calendar.

Working days come from the `chinesecalendar` package (official holidays and 调休 working
weekends).  Counting follows the usual rule for periods: the day of the starting event does not
count, so "within 7 working days after X" ends on the 7th working day after X, and that day is
still on time.  Months are calendar months, clamped to the month's end (3 months after
2024-11-30 is 2025-02-28); a year is 12 months.

A deadline that runs into a year the calendar data does not cover (chinesecalendar knows the
official notices up to the year it was released) is not guessed: its status is
`unknown_calendar`, with an estimate that counts Monday to Friday only, marked as such; the rest
of the result stands.  A reviewer can supply a year's official notice as data
(`rongcuo check --holidays FILE`, format in `use_holidays`), which makes the deadline exact.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path

from .encoding import Encoding
from .factfile import FactFile, FactFileError, Incident
from .schema import ProcedureStep
from .vocabulary import vocabulary

# Years a reviewer supplied (--holidays): year -> (holidays, working days on a weekend).
_SUPPLIED: dict[int, tuple[set[dt.date], set[dt.date]]] = {}
_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?\s+(holiday|workday)$")


def use_holidays(path: str | None) -> None:
    """Read a year's official holiday notice (国务院办公厅关于……节假日安排的通知) from a small file:

        % 2027 年节假日安排（国办发明电〔2026〕N 号）
        year 2027
        2027-01-01 holiday
        2027-02-05..2027-02-11 holiday
        2027-02-14 workday

    `year Y` declares that the file covers the whole of year Y (every day not listed is a working
    day from Monday to Friday); `holiday` days (a range with ..) are days off, `workday` days are
    调休 working weekends.  `%` and `#` start comments.  A year the file declares replaces the
    packaged data for that year.  Errors name the file and line (exit 2)."""

    if path is None:  # the packaged calendar only
        _SUPPLIED.clear()
        return
    problems: list[tuple[int | None, str]] = []
    years: dict[int, tuple[set[dt.date], set[dt.date]]] = {}
    entries: list[tuple[int, dt.date, dt.date, str]] = []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FactFileError(path, [(None, f"无法读取节假日文件：{exc}")]) from None
    for n, raw in enumerate(text.splitlines(), start=1):
        line = re.split(r"[%#]", raw, maxsplit=1)[0].strip()
        if not line:
            continue
        if m := re.fullmatch(r"year\s+(\d{4})", line):
            years.setdefault(int(m.group(1)), (set(), set()))
            continue
        m = _LINE.match(line)
        if not m:
            problems.append((n, f"无法识别：{raw.strip()}（应为 year YYYY，或 YYYY-MM-DD[..YYYY-MM-DD] holiday|workday）"))
            continue
        try:
            first = dt.date.fromisoformat(m.group(1))
            last = dt.date.fromisoformat(m.group(2) or m.group(1))
        except ValueError:
            problems.append((n, f"不是有效日期：{raw.strip()}"))
            continue
        if last < first or last.year != first.year:
            problems.append((n, f"日期范围有误：{raw.strip()}（须在同一年内且由早到晚）"))
            continue
        entries.append((n, first, last, m.group(3)))
    for n, first, last, kind in entries:
        if first.year not in years:
            problems.append((n, f"{first.year} 年未以 year {first.year} 声明"))
            continue
        holidays, workdays = years[first.year]
        day = first
        while day <= last:
            if kind == "workday" and day.weekday() < 5:
                problems.append((n, f"{day} 为周一至周五，无须标为调休上班日"))
            (workdays if kind == "workday" else holidays).add(day)
            day += dt.timedelta(days=1)
    for holidays, workdays in years.values():
        for day in sorted(holidays & workdays):
            problems.append((None, f"{day} 同时标为休息日和上班日"))
    if not years and not problems:
        problems.append((None, "文件中没有 year YYYY 声明"))
    if problems:
        raise FactFileError(path, problems)
    _SUPPLIED.clear()
    _SUPPLIED.update(years)


def _is_workday(day: dt.date) -> bool:
    if day.year in _SUPPLIED:
        holidays, workdays = _SUPPLIED[day.year]
        return day in workdays or (day.weekday() < 5 and day not in holidays)
    import chinese_calendar

    return chinese_calendar.is_workday(day)


class CalendarRangeError(Exception):
    pass


def _weekdays_beyond_data(day: dt.date) -> bool:
    """For an estimate only: the calendar where known, Monday to Friday beyond its data."""
    try:
        return _is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: dt.date, n: int, is_workday=None) -> dt.date:
    """The n-th working day after `start` (start itself not counted)."""
    is_workday = is_workday or _is_workday
    day, left = start, n
    while left:
        day += dt.timedelta(days=1)
        try:
            if is_workday(day):
                left -= 1
        except NotImplementedError:
            raise CalendarRangeError(day.year) from None
    return day


def add_months(start: dt.date, n: int) -> dt.date:
    month = start.month - 1 + n
    year, month = start.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_date(start: dt.date, n: int, unit: str, is_workday=None) -> dt.date:
    if unit == "working_day":
        return add_working_days(start, n, is_workday)
    return add_months(start, n * (12 if unit == "year" else 1))


def publicity_end(start: dt.date, n: int, is_workday=None) -> dt.date:
    """Last day of a publicity of n working days that starts on `start` (a working start day counts)."""
    is_workday = is_workday or _is_workday
    try:
        first = start if is_workday(start) else add_working_days(start, 1, is_workday)
    except NotImplementedError:
        raise CalendarRangeError(start.year) from None
    return add_working_days(first, n - 1, is_workday)


def _entry(article: str, step: str, due: dt.date | None, actual: dt.date | None, status: str, start: str) -> ProcedureStep:
    return {
        "article": article,
        "step": step,
        "start": start,
        "due": due.isoformat() if due else None,
        "actual": actual.isoformat() if actual else None,
        "status": status,
    }


def review(ff: FactFile, inc: Incident, enc: Encoding, outcome: str | None) -> tuple[list[ProcedureStep], list[dict]]:
    """Procedure entries and date-order conflicts of one incident under one regime."""
    dates = {event: loc.value for event, loc in inc.dates.items()}
    entries: list[ProcedureStep] = []

    def unknown_calendar(article: str, step: str, start: str, actual, fn, *args, year: int) -> ProcedureStep:
        entry = _entry(article, step, None, actual, "unknown_calendar", start)
        entry["estimate"] = fn(dates[start], *args, _weekdays_beyond_data).isoformat()
        entry["note"] = f"{year} 年节假日安排未收录，无法计算；按周一至周五估算，未计节假日与调休"
        return entry

    for article, step, start, actual_event, n, unit in enc.data.get("deadline", []):
        if start not in dates:
            continue
        actual = dates.get(actual_event)
        try:
            due = due_date(dates[start], int(n), unit)
        except CalendarRangeError as exc:
            entries.append(unknown_calendar(article, step, start, actual, due_date, int(n), unit, year=exc.args[0]))
            continue
        status = "pending" if actual is None else "on_time" if actual <= due else "late"
        entries.append(_entry(article, step, due, actual, status, start))
    for article, n, _unit, when in enc.data.get("publicity", []):
        if when != "any" and outcome != when:
            continue
        if "publicity_started" not in dates:
            if when != "any":  # a publicity the article requires (changzhou_edu: 属于免责的，应当……公示) is owed
                entries.append(_entry(article, "publicity", None, None, "pending", "publicity_started"))
            continue
        actual = dates.get("publicity_ended")
        try:
            due = publicity_end(dates["publicity_started"], int(n))
        except CalendarRangeError as exc:
            entries.append(
                unknown_calendar(article, "publicity", "publicity_started", actual, publicity_end, int(n), year=exc.args[0])
            )
            continue
        status = "pending" if actual is None else "on_time" if actual >= due else "short"
        entries.append(_entry(article, "publicity", due, actual, status, "publicity_started"))
    return entries, date_order_conflicts(inc)


def date_order_conflicts(inc: Incident) -> list[dict]:
    """Events out of order (a decision before the application, …), with both lines."""
    out = []
    for chain in vocabulary().data["event_order"]:
        present = [e for e in chain if e in inc.dates]
        for earlier, later in zip(present, present[1:], strict=False):
            a, b = inc.dates[earlier], inc.dates[later]
            if b.value < a.value:
                out.append(
                    {
                        "kind": "date_order",
                        "incident": inc.id,
                        "earlier": earlier,
                        "later": later,
                        "dates": [a.value.isoformat(), b.value.isoformat()],
                        "lines": [a.line, b.line],
                        "resolution": "日期先后矛盾，请核实",
                    }
                )
    return out
