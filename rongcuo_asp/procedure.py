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
(`rongcuo check --holidays FILE`, format in holidays.py), which makes the deadline exact.
"""

from __future__ import annotations

import datetime as dt
import functools

from .encoding import Encoding, citation_key
from .factfile import FactFile, Incident
from .schema import ProcedureStep
from .vocabulary import vocabulary

# Years a reviewer supplied (--holidays): year -> (holidays, working days on a weekend).
_SUPPLIED: dict[int, tuple[set[dt.date], set[dt.date]]] = {}


def use_holidays(path: str | None) -> None:
    """Use a year's official holiday notice from a file (format in holidays.read_holidays) for the
    years it declares, in place of the packaged data; None: the packaged calendar only.  A refused
    file raises FactFileError naming file and line (exit 2)."""

    _SUPPLIED.clear()
    if path is not None:
        from .holidays import read_holidays

        _SUPPLIED.update(read_holidays(path))


def _is_workday(day: dt.date) -> bool:
    if day.year in _SUPPLIED:
        holidays, workdays = _SUPPLIED[day.year]
        return day in workdays or (day.weekday() < 5 and day not in holidays)
    import chinese_calendar

    return chinese_calendar.is_workday(day)


class CalendarRangeError(Exception):
    """A day the calendar data does not cover (args[0]: its year)."""


class CalendarEndError(CalendarRangeError):
    """A deadline past the last day the calendar can name (9999-12-31)."""


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
        if day == dt.date.max:
            raise CalendarEndError(dt.MAXYEAR + 1)
        day += dt.timedelta(days=1)
        try:
            if is_workday(day):
                left -= 1
        except NotImplementedError:
            raise CalendarRangeError(day.year) from None
    return day


def add_months(start: dt.date, n: int) -> dt.date:
    import calendar  # here: a period in months is rare, the module costs a millisecond at start-up

    month = start.month - 1 + n
    year, month = start.year + month // 12, month % 12 + 1
    if year > dt.MAXYEAR:
        raise CalendarEndError(year)
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


def _beyond_data(entry: ProcedureStep, exc: CalendarRangeError, estimate) -> ProcedureStep:
    """A deadline the calendar data cannot count: status unknown_calendar, an estimate where one exists."""
    entry["status"] = "unknown_calendar"
    try:
        if isinstance(exc, CalendarEndError):
            raise exc
        entry["estimate"] = estimate().isoformat()
        entry["note"] = f"{exc.args[0]} 年节假日安排未收录，无法计算；按周一至周五估算，未计节假日与调休"
    except CalendarRangeError:  # the estimate, too, runs past 9999-12-31
        entry["note"] = f"期限超出日历可表示的范围（至 {dt.date.max.isoformat()}），无法计算"
    return entry


# Procedure data of an encoding beside deadline/6 and publicity/4 (read here, not by the rule reader);
# Phrase is always the text's own words, quoted in the report:
#   usual_limit(Citation, Step, Phrase)    the deadline(Citation, Step, ...) is a period the text sets
#                                          as a rule (一般): past it the step is beyond_usual
#                                          (超过一般时限), not late.
#   procedure_step(Citation, Step, From, Done, Kind, Phrase)
#                                          a step with no deadline, owed once From (or a later event)
#                                          is dated; Done dates it (none: no event does); Kind is
#                                          required, or if_applicable (only where the text's
#                                          condition holds, or a right of the person).
#   no_later_than(Citation, Step, Actual, Limit, Phrase)
#                                          Actual must come no later than the day of Limit.
#   only_when(Citation, Step, Verdict)     the step is owed only for that verdict: for another one it
#                                          is not_applicable; while the verdict is open, if_applicable.
PROCEDURE_FACTS = {"usual_limit": 3, "procedure_step": 6, "no_later_than": 5, "only_when": 3}


@functools.lru_cache(maxsize=16)
def procedure_facts(text: str) -> dict[str, list[tuple[str, ...]]]:
    """The procedure facts (PROCEDURE_FACTS) of an encoding's text, in file order.  Cached on disk
    for this exact text (diskcache, as the encoding's rules are): parsing the text was a fifth of a
    one-case check's own time."""
    from . import diskcache

    cached = _facts_from_json(diskcache.load("procedure", text))
    if cached is not None:
        return cached
    facts = _parse_procedure_facts(text)
    diskcache.store("procedure", text, facts)
    return facts


def _facts_from_json(stored: object) -> dict[str, list[tuple[str, ...]]] | None:
    """A stored entry read back, or None where it is not shaped as procedure facts (a miss)."""
    if not isinstance(stored, dict):
        return None
    out = {}
    for name, rows in stored.items():
        if not isinstance(rows, list) or not all(
            isinstance(row, list) and len(row) == PROCEDURE_FACTS.get(name) and all(isinstance(a, str) for a in row)
            for row in rows
        ):
            return None
        out[name] = [tuple(row) for row in rows]
    return out


def _parse_procedure_facts(text: str) -> dict[str, list[tuple[str, ...]]]:
    from clingo import ast  # only here: a cached text needs no parser

    out: dict[str, list[tuple[str, ...]]] = {}

    def visit(stm) -> None:
        if stm.ast_type != ast.ASTType.Rule or stm.body or stm.head.ast_type != ast.ASTType.Literal:
            return
        sym = stm.head.atom.symbol if stm.head.atom.ast_type == ast.ASTType.SymbolicAtom else None
        if sym is None or sym.ast_type != ast.ASTType.Function or PROCEDURE_FACTS.get(sym.name) != len(sym.arguments):
            return
        args = [a.symbol for a in sym.arguments if a.ast_type == ast.ASTType.SymbolicTerm]
        if len(args) == len(sym.arguments):
            out.setdefault(sym.name, []).append(tuple(a.string if a.type.name == "String" else str(a) for a in args))

    ast.parse_string(text, visit)
    return out


def _reached(event: str, dates: dict[str, dt.date]) -> bool:
    """The event is dated, or an event after it in an order chain of the vocabulary is."""
    if event in dates:
        return True
    chains = vocabulary().data["event_order"]
    return any(e in dates for chain in chains if event in chain for e in chain[chain.index(event) + 1 :])


def review(
    ff: FactFile, inc: Incident, enc: Encoding, outcome: str | None, verdict: str | None = None
) -> tuple[list[ProcedureStep], list[dict]]:
    """Procedure entries (in the order of the articles) and date-order conflicts of one incident
    under one regime.  An outcome is decided only for a tolerable verdict; without either, a step
    owed for one verdict only (only_when) stays if_applicable."""
    if not inc.dates:  # nothing dated (most of a batch): the same entries for every such incident
        return [e.copy() for e in _undated(enc, outcome, verdict)], []
    return _review(inc, enc, outcome, verdict)


@functools.cache
def _undated(enc: Encoding, outcome: str | None, verdict: str | None) -> tuple[ProcedureStep, ...]:
    return tuple(_review(Incident("", "", 0), enc, outcome, verdict)[0])


def _review(inc: Incident, enc: Encoding, outcome: str | None, verdict: str | None) -> tuple[list[ProcedureStep], list[dict]]:
    dates = {event: loc.value for event, loc in inc.dates.items()}
    facts = procedure_facts(enc.text)
    entries = _deadlines(dates, enc, {(a, s): p for a, s, p in facts.get("usual_limit", [])})
    entries += _publicity(dates, enc, outcome)
    for article, step, start, done, kind, phrase in facts.get("procedure_step", []):
        if _reached(start, dates):
            actual = dates.get(done)
            status = "done" if actual else "owed" if kind == "required" else "if_applicable"
            entries.append(_entry(article, step, None, actual, status, start))
            entries[-1]["note"] = f"原文「{phrase}」"
    for article, step, actual_event, limit, phrase in facts.get("no_later_than", []):
        if actual_event in dates and limit in dates:
            due, actual = dates[limit], dates[actual_event]
            entries.append(_entry(article, step, due, actual, "on_time" if actual <= due else "late", limit))
            entries[-1]["note"] = f"原文「{phrase}」"
    _only_when(entries, facts.get("only_when", []), "tolerable" if outcome is not None else verdict)
    for entry in entries:  # the readings the encoding states for the article cited
        if readings := enc.readings(entry["article"]):
            entry["note"] = "；".join(filter(None, [entry.get("note"), *readings]))
    entries.sort(key=lambda e: citation_key(e["article"]))
    return entries, date_order_conflicts(inc)


def _only_when(entries: list[ProcedureStep], only: list[tuple[str, ...]], verdict: str | None) -> None:
    for article, step, wanted in only:
        for entry in entries:
            if (entry["article"], entry["step"]) != (article, step) or verdict == wanted:
                continue
            if verdict in (None, "undetermined"):  # owed if the verdict comes out so
                entry["status"] = "if_applicable" if entry["status"] == "pending" else entry["status"]
            else:
                entry["due"], entry["status"] = None, "not_applicable"
                entry.pop("estimate", None)
                entry.pop("note", None)


def _deadlines(dates: dict[str, dt.date], enc: Encoding, usual: dict[tuple[str, str], str]) -> list[ProcedureStep]:
    entries: list[ProcedureStep] = []
    for article, step, start, actual_event, n, unit in enc.data.get("deadline", []):
        if start not in dates:
            continue
        actual = dates.get(actual_event)
        entry = _entry(article, step, None, actual, "", start)
        if (article, step) in usual:
            entry["note"] = f"原文「{usual[article, step]}」，为一般时限"
        try:
            due = due_date(dates[start], int(n), unit)
        except CalendarRangeError as exc:
            estimate = functools.partial(due_date, dates[start], int(n), unit, _weekdays_beyond_data)
            entries.append(_beyond_data(entry, exc, estimate))
            continue
        entry["due"] = due.isoformat()
        over = "beyond_usual" if (article, step) in usual else "late"
        entry["status"] = "pending" if actual is None else "on_time" if actual <= due else over
        entries.append(entry)
    return entries


def _publicity(dates: dict[str, dt.date], enc: Encoding, outcome: str | None) -> list[ProcedureStep]:
    entries: list[ProcedureStep] = []
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
            entry = _entry(article, "publicity", None, actual, "", "publicity_started")
            estimate = functools.partial(publicity_end, dates["publicity_started"], int(n), _weekdays_beyond_data)
            entries.append(_beyond_data(entry, exc, estimate))
            continue
        status = "pending" if actual is None else "on_time" if actual >= due else "short"
        entries.append(_entry(article, "publicity", due, actual, status, "publicity_started"))
    return entries


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
