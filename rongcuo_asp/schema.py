"""The JSON contract as types: what `check --format json` and the other questions return.

TypedDicts only describe the dictionaries the code builds (no runtime cost); mypy checks that the
builders and the renderers agree on them.  `total=False` marks keys present only sometimes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

# A result-like record read by the renderers: a Result, or an explanation/comparison built on one.
Record = Mapping[str, Any]


class _GroundBase(TypedDict):
    article: str
    role: str  # scope, scenario, condition, exclusion, repeat, outcome
    effect: str  # for / against tolerance
    facts: list[str]
    text: str  # the article quoted


class Ground(_GroundBase, total=False):
    reading: str  # the reading the tool takes, in Chinese
    outcome: str  # on an outcome ground: exempt, mitigate (reduce, lighter where a text separates them)
    by_reference: bool  # scope by reference (参照执行)
    evidence: dict[str, list[str]]  # fact -> its sources (evidence/3)


class _FactorBase(TypedDict):
    article: str
    kind: str  # favourable / adverse
    facts: list[str]
    text: str


class Factor(_FactorBase, total=False):
    evidence: dict[str, list[str]]


class _StepBase(TypedDict):
    article: str
    step: str
    start: str  # the event the deadline counts from
    due: str | None
    actual: str | None
    status: str  # on_time, late, pending, unknown_calendar, …


class ProcedureStep(_StepBase, total=False):
    note: str  # unknown_calendar: why the date is an estimate
    estimate: str


# A conflict's keys depend on its kind (fact_conflict, rule_conflict, reading, repeat,
# repeat_unsettled, date_order, effective_date, effective_date_unknown); every one has "kind".
Conflict = dict


class Suggestion(TypedDict):
    """Beside the outcome mitigate: the degree the tool suggests (reduce 减轻 / lighter 从轻), a
    suggestion with its reading, never part of the outcome."""

    degree: str
    facts: list[str]
    reading: str


class _KnownBase(TypedDict):
    fact: str
    read: bool  # some rule of the regime reads it


class KnownFact(_KnownBase, total=False):
    evidence: list[str]


class MissingDetail(TypedDict):
    fact: str
    role: str
    article: str
    decisive: bool  # one of its values alone decides the verdict


class Result(TypedDict):
    file: str
    case: str
    subject: str
    incident: str
    regime: str
    case_name: str | None
    subject_name: str | None
    matter: str | None
    dates: dict[str, str]
    known: list[KnownFact]
    verdict: str
    outcome: str | None  # exempt, mitigate (从轻或者减轻), reduce / lighter (where a text separates them), undetermined
    suggested_degree: Suggestion | None
    effective_from: str | None  # the document's 施行日期 where its text gives one
    grounds: list[Ground]
    missing: list[str]
    missing_detail: list[MissingDetail]
    factors: list[Factor]
    procedure: list[ProcedureStep]
    conflicts: list[Conflict]
    evidence_gaps: list[str]
