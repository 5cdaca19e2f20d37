"""The fast reader: the commonest batch layout read in one pass, or None — then the strict reader
(factfile.parse_fact_text) reads the file and gives its facts or its refusals.

It reads the lines that are one fact of case/1, subject/2, incident/2, regime/2, subject_kind/2,
org/2, rank/2, holds/2 (negated or not) or level/3, with plain constants for arguments and no blank
inside the line, and skips `%` comments and empty lines; it returns the other lines (names,
matters, dates, evidence, expectations…) with their numbers, which factfile.fast_fact_file reads
with the syntax's fast path and checks as the strict reader does.  It builds only files the strict
reader accepts, into the same FactFile (the same values, lines and order).  Anything else, a
refusal included, is left to the strict reader, so both paths accept exactly the same files with
the same facts (tests/test_fastread.py runs both over every file under facts/, the hostile files of
the tests and mutated batches).  One regular expression finds every line at once; the checks are
those of factfile._Checker, in its order, for the accepted case only.
"""

from __future__ import annotations

import re
from functools import cache

from .factmodel import Case, FactFile, Incident, Located, Subject
from .factsyntax import MAX_NAME_CHARS
from .vocabulary import vocabulary

_NAME = rf"[a-z][A-Za-z0-9_]{{0,{MAX_NAME_CHARS - 1}}}"  # a longer name is refused by the strict reader
_PREDICATES = "holds|level|case|subject|incident|regime|subject_kind|org|rank"
# Every line matches exactly once: a fact (groups: sign, predicate, up to three arguments), a %
# comment (all groups empty), or another line (the last group: the line; empty for an empty line).
_LINE = re.compile(rf"^(?:(-?)({_PREDICATES})\(({_NAME})(?:,({_NAME}))?(?:,({_NAME}))?\)\.|%(?!\*)[^\n]*|(.*))$", re.M)


class _Bail(Exception):
    """Not the accepted layout, or something the strict reader refuses: it reads the file."""


@cache
def _tables() -> tuple[dict, dict, dict[str, frozenset[str]], dict[str, frozenset[str]], frozenset[str]]:
    """The vocabulary's names the accepted facts may use: features, scales, attributes, regimes."""
    voc = vocabulary()
    return (
        voc.incident_features,
        voc.subject_features,
        {d: frozenset(voc.scale_values(d)) for d in voc.scales},
        {"subject_kind": frozenset(voc.subject_kinds), "org": frozenset(voc.orgs), "rank": frozenset(voc.ranks)},
        frozenset(voc.regimes),
    )


def read_plain(text: str, name: str) -> tuple[FactFile, list[tuple[int, str]]] | None:
    """The FactFile of the plain lines, and the other lines (number, text) still to read; None:
    the strict reader reads the file."""
    rows = _LINE.findall(text)
    if len(rows) != text.count("\n") + 1:  # cannot happen: every line matches once
        return None
    try:
        return _build(rows, name)
    except _Bail:
        return None


def _build(rows: list[tuple[str, str, str, str, str, str]], name: str) -> tuple[FactFile, list[tuple[int, str]]]:
    incident_features, subject_features, scales, attributes, regimes = _tables()
    cases: dict[str, Case] = {}
    subjects: dict[str, Subject] = {}
    incidents: dict[str, Incident] = {}
    holds: list[int] = []  # the line numbers of each group, in file order
    groups: dict[str, list[int]] = {"case": [], "subject": [], "incident": [], "regime": [], "level": []}
    attrs: list[int] = []
    others: list[tuple[int, str]] = []
    for n, (sign, pred, _a, b, c, other) in enumerate(rows):
        if not pred:
            if other:
                others.append((n + 1, other))
            continue
        if pred == "holds":
            if not b or c:
                raise _Bail
            holds.append(n)
            continue
        if sign:
            raise _Bail  # classical negation is for holds/2 only
        if pred == "level":
            if not c:
                raise _Bail
            groups["level"].append(n)
        elif c or (pred == "case") != (not b):
            raise _Bail  # arity
        elif pred in attributes:
            attrs.append(n)
        else:
            groups[pred].append(n)
    if not groups["case"]:
        raise _Bail  # no case/1: refused
    for n in groups["case"]:
        x = rows[n][2]
        if x not in cases:
            cases[x] = Case(x, n + 1)
    for n in groups["subject"]:
        _, _, c, s, _, _ = rows[n]
        old = subjects.get(s)
        if c not in cases or s in cases or (old is not None and old.case != c):
            raise _Bail
        if old is None:
            subjects[s] = Subject(s, c, n + 1)
            cases[c].subjects.append(s)
    for n in groups["incident"]:
        _, _, s, i, _, _ = rows[n]
        old_i = incidents.get(i)
        if s not in subjects or i in subjects or i in cases or (old_i is not None and old_i.subject != s):
            raise _Bail
        if old_i is None:
            incidents[i] = Incident(i, s, n + 1)
    for n in groups["regime"]:
        _, _, c, r, _, _ = rows[n]
        if c not in cases or r not in regimes:
            raise _Bail
        if r not in cases[c].regimes:
            cases[c].regimes.append(r)
    # subject_kind, org, rank: the strict reader takes them in this order (a conflict is refused)
    for pred in ("subject_kind", "org", "rank"):
        allowed, attr = attributes[pred], "kind" if pred == "subject_kind" else pred
        for n in attrs:
            _, p, s, v, _, _ = rows[n]
            if p != pred:
                continue
            subj = subjects.get(s)
            if subj is None or v not in allowed:
                raise _Bail
            old = getattr(subj, attr)
            if old is None:
                setattr(subj, attr, Located(v, n + 1))
            elif old.value != v:
                raise _Bail
    for n in holds:
        sign, _, x, feat, _, _ = rows[n]
        inc = incidents.get(x)
        if inc is not None:
            owner, table = inc.holds, incident_features
        elif (subj := subjects.get(x)) is not None:
            owner, table = subj.holds, subject_features
        else:
            raise _Bail
        if feat not in table:
            raise _Bail
        value = not sign
        old_h = owner.get(feat)
        if old_h is None:
            owner[feat] = Located(value, n + 1)
        elif old_h.value is not value:
            raise _Bail  # a contradiction
    for n in groups["level"]:
        _, _, i, dim, v, _ = rows[n]
        inc = incidents.get(i)
        values = scales.get(dim)
        if inc is None or values is None or v not in values:
            raise _Bail
        old_l = inc.levels.get(dim)
        if old_l is None:
            inc.levels[dim] = Located(v, n + 1)
        elif old_l.value != v:
            raise _Bail
    return FactFile(name, cases, subjects, incidents), others
