"""The cross-incident pre-pass: repeats derived from `matter` and `occurred` dates.

The rules are encodings/repeat.lp's (its comments state the reading); they are applied here group
by group, a group being the incidents of one subject with one matter, its dates sorted once, so a
file of 50 000 incidents of one matter takes a moment instead of a quadratic grounding.
`verify` proves repeat.lp's properties; tests check this pass against repeat.lp on every file.

    repeat_of(J, I)   I and J in one group, both dated, I's date before J's
    derived(I, true)  I repeats some incident;  derived(I, false)  it repeats none, and is settled
    unsettled(I)      some other incident of the group is undated, or I is, or shares I's date
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from .factfile import FactFile

# (subject, incident, matter as an ASP term, occurred date "YYYY-MM-DD" or None): an incident from
# outside the file (the case register's earlier records) that takes part in the pre-pass.
Extra = tuple[str, str, str, "str | None"]


class _Earlier(Mapping[str, list[str]]):
    """Later incident -> the earlier ones (in the file's order, as reports list them), computed on demand from sorted groups:
    n incidents of one matter have n²/2 pairs, which nothing needs all at once."""

    def __init__(self, order: dict[str, int]) -> None:
        self.order = order
        self._where: dict[str, tuple[list[str], list[str], str]] = {}  # incident -> (dates, ids, own date)

    def add(self, dates: list[str], ids: list[str]) -> None:
        for d, i in zip(dates, ids, strict=True):
            if dates[0] < d:
                self._where[i] = (dates, ids, d)

    def __getitem__(self, incident: str) -> list[str]:
        dates, ids, own = self._where[incident]
        return sorted(ids[: bisect.bisect_left(dates, own)], key=self.order.__getitem__)

    def nearest(self, incident: str) -> tuple[str, int] | None:
        """The incident this one repeats, the nearest earlier one (the last in the file's order on
        the latest earlier date), and how many earlier ones there are; None if it repeats none.
        What a report needs, in constant size: the full list has n²/2 entries over a group."""
        if incident not in self._where:
            return None
        dates, ids, own = self._where[incident]
        before = bisect.bisect_left(dates, own)
        return ids[before - 1], before

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


@dataclass
class Repeats:
    derived: dict[str, bool] = field(default_factory=dict)  # incident -> derived repeated_error
    earlier: _Earlier = field(default_factory=lambda: _Earlier({}))  # later incident -> earlier ones
    unsettled: set[str] = field(default_factory=set)


def derive_repeats(ff: FactFile, extra: Iterable[Extra] | None = None) -> Repeats:
    """The repeats of the file's incidents, with `extra` incidents from outside the file (None: the
    case register's earlier records of the file's subjects, where a command consults it)."""
    if extra is None:
        from .register_consult import earlier_incidents

        extra = earlier_incidents(ff)
    groups: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    for inc in ff.incidents.values():
        if inc.matter is not None:
            occurred = inc.dates.get("occurred")
            term = inc.matter.value
            matter = str(int(term.value)) if term.kind == "number" else str(term)  # 012 is 12, as in clingo
            groups.setdefault((inc.subject, matter), []).append((inc.id, occurred.value.isoformat() if occurred else None))
    for subject, incident, matter, day in extra:
        groups.setdefault((subject, matter), []).append((incident, day))
    out = Repeats()
    earlier = _Earlier({i: n for n, (i, _) in enumerate(m for ms in groups.values() for m in ms)})
    for members in groups.values():
        if len(members) < 2:
            continue
        dated = sorted((d, n, i) for n, (i, d) in enumerate(members) if d is not None)  # one date: the file's order
        dates, ids = [d for d, _, _ in dated], [i for _, _, i in dated]
        earlier.add(dates, ids)
        some_undated = len(dated) < len(members)
        for n, (d, _, i) in enumerate(dated):
            if n and dates[0] < d:
                out.derived[i] = True
            elif some_undated or (n + 1 < len(dates) and dates[n + 1] == d) or (n and dates[n - 1] == d):
                out.unsettled.add(i)
            else:
                out.derived[i] = False
        out.unsettled |= {i for i, d in members if d is None}
    out.earlier = earlier
    return out
