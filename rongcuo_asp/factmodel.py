"""The case as a fact file states it: terms, facts, and the cases, subjects and incidents built
from them (each value with the line that states it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar


class Term(NamedTuple):
    """A constant, string or number argument of a fact (a named tuple: files hold millions)."""

    kind: str  # "const" | "string" | "number"
    value: str  # constants and numbers as written; strings unescaped

    def __str__(self) -> str:
        if self.kind == "string":
            return '"' + self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
        return self.value


class Fact(NamedTuple):
    pred: str
    args: tuple[Term, ...]
    negated: bool
    line: int

    def __str__(self) -> str:
        return ("-" if self.negated else "") + f"{self.pred}({','.join(map(str, self.args))})"


class LevelRange(str):
    """A level known only up to a range (level_at_most / level_at_least): the scale values from `lo`
    to `hi`, at least two (a range of one value is that value).  As text (JSON, reports' codes) it
    is range(lo,hi); it equals no single value."""

    lo: str
    hi: str
    values: tuple[str, ...]  # the values of the range, in scale order

    def __new__(cls, lo: str, hi: str, values: tuple[str, ...]) -> LevelRange:
        self = super().__new__(cls, f"range({lo},{hi})")
        self.lo, self.hi, self.values = lo, hi, tuple(values)
        return self

    def __reduce__(self) -> tuple[type, tuple[str, str, tuple[str, ...]]]:  # copy and pickle keep the bounds
        return LevelRange, (self.lo, self.hi, self.values)


T = TypeVar("T")


@dataclass(slots=True)
class Located(Generic[T]):
    value: T
    line: int


@dataclass
class Subject:
    id: str
    case: str
    line: int
    kind: Located[str] | None = None
    org: Located[str] | None = None
    rank: Located[str] | None = None
    name: Located[str] | None = None  # display name, name(s, "林某")
    holds: dict[str, Located[bool]] = field(default_factory=dict)  # feature -> bool
    evidence: dict[str, list[str]] = field(default_factory=dict)  # feature or org/rank/subject_kind -> sources
    records: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)  # post/2 …: predicate -> texts (documents only)


@dataclass
class Incident:
    id: str
    subject: str
    line: int
    matter: Located[Term] | None = None
    holds: dict[str, Located[bool]] = field(default_factory=dict)  # feature -> bool
    levels: dict[str, Located[str]] = field(default_factory=dict)  # dimension -> value
    ranges: dict[str, Located[LevelRange]] = field(default_factory=dict)  # dimension -> level_at_most/_least
    dates: dict[str, Located[dt.date]] = field(default_factory=dict)  # event -> datetime.date
    evidence: dict[str, list[str]] = field(default_factory=dict)  # feature, dimension or event -> sources
    records: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)  # statement/2 …: predicate -> texts (documents only)
    expects: list[tuple[str, str, str | None, int]] = field(default_factory=list)
    expect_grounds: list[tuple[str, str, int]] = field(default_factory=list)  # (regime, citation, line)
    expect_missing: list[tuple[str, str, int]] = field(default_factory=list)  # (regime, fact, line)
    expect_procedure: list[tuple[str, str, str, int]] = field(default_factory=list)  # (regime, step, status, line)


@dataclass
class Case:
    id: str
    line: int
    regimes: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    name: Located[str] | None = None  # display name, name(c, "某区教育局容缺受理案")


@dataclass
class FactFile:
    path: str
    cases: dict[str, Case]
    subjects: dict[str, Subject]
    incidents: dict[str, Incident]
    _by_case: dict[str, list[Incident]] | None = field(default=None, repr=False, compare=False)

    def incidents_of(self, case_id: str) -> list[Incident]:
        """The case's incidents in file order (indexed once: batch files hold thousands of cases)."""
        if self._by_case is None:
            self._by_case = {}
            for inc in self.incidents.values():
                self._by_case.setdefault(self.subjects[inc.subject].case, []).append(inc)
        return self._by_case.get(case_id, [])


class FactFileError(Exception):
    """One or more refusals, each naming file and line."""

    def __init__(self, path: str, problems: list[tuple[int | None, str]]):
        self.path = path
        self.problems = problems
        super().__init__(self.message())

    def message(self) -> str:
        from .escaping import text_safe as printable

        ordered, path = sorted(self.problems, key=lambda p: p[0] or 0), printable(self.path) or "（空路径）"
        return "\n".join(f"{path}:{line}: {text}" if line else f"{path}: {text}" for line, text in ordered)
