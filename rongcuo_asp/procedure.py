"""Procedure review: deadlines of the regimes on the official Chinese working-day calendar.

Working days come from the `chinesecalendar` package (official holidays and 调休 working
weekends).  Counting follows the usual rule for periods: the day of the starting event does not
count, so "within 7 working days after X" ends on the 7th working day after X, and that day is
still on time.  Months are calendar months, clamped to the month's end (3 months after
2024-11-30 is 2025-02-28); a year is 12 months.  A date the calendar data does not cover is an
error naming the date's line, never a guess.
"""

from __future__ import annotations

import calendar
import datetime as dt

from .encoding import Encoding
from .factfile import FactFile, FactFileError, Incident
from .vocabulary import vocabulary


def _is_workday(day: dt.date) -> bool:
    import chinese_calendar

    return chinese_calendar.is_workday(day)


class CalendarRangeError(Exception):
    pass


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (start itself not counted)."""
    day, left = start, n
    while left:
        day += dt.timedelta(days=1)
        try:
            if _is_workday(day):
                left -= 1
        except NotImplementedError:
            raise CalendarRangeError(day.year) from None
    return day


def add_months(start: dt.date, n: int) -> dt.date:
    month = start.month - 1 + n
    year, month = start.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_date(start: dt.date, n: int, unit: str) -> dt.date:
    if unit == "working_day":
        return add_working_days(start, n)
    return add_months(start, n * (12 if unit == "year" else 1))


def publicity_end(start: dt.date, n: int) -> dt.date:
    """Last day of a publicity of n working days that starts on `start` (a working start day counts)."""
    try:
        first = start if _is_workday(start) else add_working_days(start, 1)
    except NotImplementedError:
        raise CalendarRangeError(start.year) from None
    return add_working_days(first, n - 1)


def _entry(article: str, step: str, due: dt.date | None, actual: dt.date | None, status: str, start: str) -> dict:
    return {
        "article": article,
        "step": step,
        "start": start,
        "due": due and due.isoformat(),
        "actual": actual and actual.isoformat(),
        "status": status,
    }


def review(ff: FactFile, inc: Incident, enc: Encoding, outcome: str | None) -> tuple[list[dict], list[dict]]:
    """Procedure entries and date-order conflicts of one incident under one regime."""
    dates = {event: loc.value for event, loc in inc.dates.items()}
    entries: list[dict] = []

    def guarded(start_event: str, fn, *args) -> dt.date:
        try:
            return fn(dates[start_event], *args)
        except CalendarRangeError as exc:
            line = inc.dates[start_event].line
            raise FactFileError(
                ff.path,
                [
                    (
                        line,
                        (
                            f"date({inc.id},{start_event}) 起算的时限需要 {exc.args[0]} 年的工作日数据，"
                            "节假日数据未覆盖该年份，无法计算（不作推测）"
                        ),
                    )
                ],
            ) from None

    for article, step, start, actual_event, n, unit in enc.data.get("deadline", []):
        if start not in dates:
            continue
        due = guarded(start, due_date, int(n), unit)
        actual = dates.get(actual_event)
        status = "pending" if actual is None else "on_time" if actual <= due else "late"
        entries.append(_entry(article, step, due, actual, status, start))
    for article, n, _unit, when in enc.data.get("publicity", []):
        if when != "any" and outcome != when:
            continue
        if "publicity_started" not in dates:
            if when != "any":  # a publicity the article requires (changzhou_edu: 属于免责的，应当……公示) is owed
                entries.append(_entry(article, "publicity", None, None, "pending", "publicity_started"))
            continue
        due = guarded("publicity_started", publicity_end, int(n))
        actual = dates.get("publicity_ended")
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
