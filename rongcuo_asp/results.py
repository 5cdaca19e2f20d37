"""From fact files to results: the JSON of ../shared/spec/reasoning.md, with provenance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from .encoding import citation_key
from .factfile import FactFile, FactFileError, Incident, Subject
from .factkey import FactText
from .procedure import review
from .provenance import GROUND_ATOMS, KnownAtoms, Naming, atoms_of, exclusions_checked, ground_of, rules_of, support
from .reasoner import Decision, FactKey, RegimeSolver, Shown, solver
from .register_consult import annotate, previously_tolerated, register_sources
from .repeats import Repeats, derive_repeats
from .schema import Conflict, Factor, Ground, KnownFact, Record, Result, Suggestion
from .vocabulary import vocabulary

ROLE_ORDER = vocabulary().role_order


class CheckError(Exception):
    """A usage problem that is the input's fault (exit status 2)."""


def repeated_value(inc: Incident, reps: Repeats) -> bool | None:
    """repeated_error as the file states it, overridden by a repeat derived from the dates."""
    stated = inc.holds.get("repeated_error")
    derived = reps.derived.get(inc.id)
    if derived is True:
        return True
    if stated is not None:
        return stated.value
    return derived  # False where the dates settle it, None (unknown) otherwise


@cache
def _rank(role: str, article: str) -> tuple[int, tuple]:
    """Where a ground of this role and article stands in a result: the law's order of roles, then
    the article's (made once per pair, not once per ground)."""
    return (ROLE_ORDER.index(role), citation_key(article))


_article_rank = cache(citation_key)  # a factor's place: its article's


@cache
def _keys() -> tuple[dict[str, FactKey], dict[str, FactKey], dict[str, FactKey]]:
    """The fact key of each incident feature, subject feature and dimension (made once, not per fact)."""
    voc = vocabulary()
    return (
        {f: FactKey.feature("i", f) for f in voc.incident_features},
        {f: FactKey.feature("s", f) for f in voc.subject_features},
        {d: FactKey.level(d) for d in voc.scales},
    )


def known_facts(ff: FactFile, inc: Incident, reps: Repeats) -> dict[FactKey, object]:
    """The incident's stated facts as fact keys, with repeated_error resolved against the dates."""
    repeated = repeated_value(inc, reps)
    subj = ff.subjects[inc.subject]
    of_incident, of_subject, of_level = _keys()
    known: dict[FactKey, object] = {of_incident[f]: loc.value for f, loc in inc.holds.items()}
    known.update({of_subject[f]: loc.value for f, loc in subj.holds.items()})
    known.update({of_level[d]: loc.value for d, loc in inc.levels.items()})
    known.update({of_level[d]: loc.value for d, loc in inc.ranges.items()})  # a LevelRange: known up to a range
    attributes = (("org", subj.org), ("rank", subj.rank), ("subject_kind", subj.kind))
    for key, loc in ((FactKey.attribute(a), loc) for a, loc in attributes):
        if loc is not None:
            known[key] = loc.value
    if repeated is None:
        known.pop(FactKey.feature("i", "repeated_error"), None)
    else:
        known[FactKey.feature("i", "repeated_error")] = repeated
    if previously_tolerated(inc, reps):  # the case register: the same matter decided 可容错 before
        known[FactKey.feature("i", "previously_tolerated")] = True
    return known


@dataclass
class CaseIncident:
    """One incident of a file with what every question about it needs, built once: the file, the
    incident, the file's repeats, and on first use its known facts and naming."""

    ff: FactFile
    inc: Incident
    reps: Repeats

    @cached_property
    def known(self) -> dict[FactKey, object]:
        return known_facts(self.ff, self.inc, self.reps)

    @cached_property
    def naming(self) -> Naming:
        return Naming(self.inc)

    @property
    def subject(self) -> Subject:
        return self.ff.subjects[self.inc.subject]


def incidents_of(ff: FactFile, only: list[Incident] | None = None) -> list[CaseIncident]:
    """The file's incidents (or `only` these) as CaseIncidents sharing the file's repeats."""
    reps = derive_repeats(ff)
    return [CaseIncident(ff, inc, reps) for inc in (ff.incidents.values() if only is None else only)]


def incident_result(ci: CaseIncident, regime: str) -> Result:
    return evaluate(ci, regime)[0]


def evaluate(ci: CaseIncident, regime: str, full: bool = True) -> tuple[Result, Decision, dict[FactKey, object]]:
    """The result of one incident under one regime, with the solver's decision and the known facts.
    full=False (the batch ledger, ledger.py): the known facts' list, the factors' facts and the
    suggested degree are left empty (the decision carries the suggested degree)."""
    ff, inc, reps = ci.ff, ci.inc, ci.reps
    s = solver(regime)
    enc = s.encoding
    stated = inc.holds.get("repeated_error")
    conflicts: list[dict] = []
    if reps.derived.get(inc.id) is True and stated is not None and stated.value is False:
        conflicts.append(
            {
                "kind": "fact_conflict",
                "fact": f"holds({inc.id},repeated_error)",
                "line": stated.line,
                "stated": False,
                "derived": True,
                "resolution": "按失误发生日期推定为重复，以推定为准",
            }
        )
    known = ci.known
    dec = s.decide(known)
    atoms = KnownAtoms(atoms_of(known))
    naming = ci.naming
    grounds = [ground_of(enc, sym, atoms, naming) for sym in dec.cautious if sym.name in GROUND_ATOMS]
    grounds.sort(key=lambda g: (*_rank(g["role"], g["article"]), g["effect"]))
    shown: dict[str, list[Shown]] = {"by_reference": [], "factor": [], "defeated": [], "literal_reading": []}
    for sym in dec.cautious:  # the other shown atoms a result reads, in one pass
        if (kind := shown.get(sym.name)) is not None:
            kind.append(sym)
    for sym in shown["by_reference"]:  # scope by reference (参照执行) is marked on its scope ground
        for g in grounds:
            if g["role"] == "scope" and g["article"] == sym.args[0]:
                g["by_reference"] = True
    factors: list[Factor] = []
    for sym in shown["factor"]:
        rules, article, text = rules_of(enc, sym)
        facts = [naming.atom(f) for r in rules for f in (support(r, atoms) or [])] if full else []
        factors.append({"article": article, "kind": sym.args[1], "facts": list(dict.fromkeys(facts)), "text": text})
    factors.sort(key=lambda f: (_article_rank(f["article"]), f["kind"] != "favourable"))
    for sym in sorted(shown["defeated"] + shown["literal_reading"]):
        if sym.name == "defeated":
            conflicts.append(
                {
                    "kind": "rule_conflict",
                    "scenario": sym.args[0],
                    "exclusion": sym.args[1],
                    "resolution": "不予容错情形优先于容错情形",
                }
            )
        elif sym.name == "literal_reading":
            reading = vocabulary().data["readings"][f"{regime}/{sym.args[0]}"]
            conflicts.append(
                {
                    "kind": "reading",
                    "article": sym.args[0],
                    "reading": reading["reading"],
                    "literal_verdict": sym.args[1],
                    "resolution": reading["resolution"],
                }
            )
    if (repeated := reps.earlier.nearest(inc.id)) is not None:  # one entry, not one per earlier incident
        bar = next((g["article"] for g in grounds if g["role"] == "repeat"), None)
        rule_article, rule_effect = _repeat_rule(regime)
        conflicts.append(
            {
                "kind": "repeat",
                "incident": inc.id,
                "repeats": repeated[0],  # the nearest earlier incident of the subject and matter
                "earlier_count": repeated[1],  # how many earlier ones there are, that one included
                "matter": matter_text(inc),
                "article": bar or rule_article,
                "effect": rule_effect,
            }
        )
    if inc.id in reps.unsettled and stated is None:
        conflicts.append(
            {
                "kind": "repeat_unsettled",
                "incident": inc.id,
                "matter": matter_text(inc),
                "resolution": "同一事由的失误发生日期缺失或相同，无法判定先后：是否重复待核实",
            }
        )
    annotate(inc, reps, regime, conflicts)  # the case register's earlier decisions cited (register_consult)
    conflicts.extend(_effective_date(regime, inc))
    sources = _evidence(ff, inc, known, naming, reps)
    for g in grounds:
        if cited := {f: sources[f] for f in g["facts"] if f in sources}:
            g["evidence"] = cited
    for f in factors:
        if cited := {x: sources[x] for x in f["facts"] if x in sources}:
            f["evidence"] = cited
    procedure, order_conflicts = review(ff, inc, enc, dec.outcome)
    conflicts.extend(order_conflicts)
    case = ff.cases[ff.subjects[inc.subject].case]
    subject = ff.subjects[inc.subject]
    result: Result = {
        "file": ff.path,
        "case": case.id,
        "subject": inc.subject,
        "incident": inc.id,
        "regime": regime,
        # the case as written: display names, the matter, the dates, every established fact
        "case_name": case.name.value if case.name else None,
        "subject_name": subject.name.value if subject.name else None,
        "matter": matter_text(inc),
        "dates": {e: inc.dates[e].value.isoformat() for e in vocabulary().events if e in inc.dates},
        # `read`: some rule of the regime reads it (false: the regime says nothing of it)
        "known": [
            _known_entry(naming.fact(k, known[k]), k in s.relevant_set, sources)
            for k in (s.legal_order(list(known), known) if full else ())
        ],
        "verdict": dec.verdict,
        "outcome": dec.outcome,
        "suggested_degree": _suggestion(s, dec, known, naming) if full else None,
        "effective_from": vocabulary().regimes[regime]["effective_from"],
        "grounds": grounds,
        "missing": [_open(naming, k, known) for k in dec.missing],
        # the same facts with their place in the law and whether one value alone settles the verdict
        "missing_detail": [
            {
                "fact": _open(naming, k, known),
                "role": s.places[k].role,
                "article": s.places[k].article,
                "decisive": k in dec.decisive,
            }
            for k in dec.missing
        ],
        "factors": factors,
        "procedure": procedure,
        "conflicts": conflicts,
        "evidence_gaps": evidence_gaps(dec.verdict, grounds, sources, exclusions_checked(enc, dec.verdict, atoms, naming)),
    }
    return result, dec, known


def _open(naming: Naming, key: FactKey, known: dict[FactKey, object]) -> FactText:
    """A fact still to verify, level(i1,harm); for a level known up to a range, carrying the range
    (reports word what remains: 「较大」还是「重大」)."""
    text = naming.key(key)
    return FactText(text, key, known[key]) if key in known else text


def _suggestion(s: RegimeSolver, dec: Decision, known: dict[FactKey, object], naming: Naming) -> Suggestion | None:
    """Beside the outcome mitigate (从轻或者减轻): the degree the tool suggests, with the level facts it
    rests on and the reading; None where the levels do not settle it (never a reason for 待定)."""
    if dec.suggested is None:
        return None
    return {
        "degree": dec.suggested,
        "facts": [naming.fact(k, known[k]) for k in s.suggestion_facts(known, dec.suggested)],
        "reading": vocabulary().data["readings"]["suggestion"],
    }


def _effective_date(regime: str, inc: Incident) -> list[Conflict]:
    """The document's 施行日期 against the incident's occurred date (reading 10): an incident before
    it is still decided under the document, and the result says so; where the text gives no date
    and the incident is dated, the result says that it cannot be checked."""
    info = vocabulary().regimes[regime]
    occurred = inc.dates.get("occurred")
    if occurred is None:
        return []
    when = occurred.value.isoformat()
    article = info["effective_article"]
    if info["effective_from"] is None:  # 自发布（印发）之日起施行: the text names no date
        text = solver(regime).encoding.quote(article)
        return [{"kind": "effective_date_unknown", "article": article, "occurred": when, "text": text}]
    if when >= info["effective_from"]:
        return []
    return [
        {
            "kind": "effective_date",
            "article": article,
            "effective_from": info["effective_from"],
            "occurred": when,
            "reading": vocabulary().data["readings"]["effective_date"],
            "resolution": "仍依本办法认定",
        }
    ]


def matter_text(inc: Incident) -> str | None:
    """The incident's matter as written (a string's text or a constant's name), None if unstated."""
    return inc.matter.value.value if inc.matter else None


def _evidence(ff: FactFile, inc: Incident, known: dict[FactKey, object], naming: Naming, reps: Repeats) -> dict[str, list[str]]:
    """The evidence (evidence/3) of each established fact, by the fact as a report writes it; a
    fact the case register derives (the file does not state it) has the register's records."""
    subj = ff.subjects[inc.subject]
    out: dict[str, list[str]] = {}
    for name, records in register_sources(inc, reps).items():
        key = FactKey.feature("i", name)
        if name not in inc.holds and known.get(key) is True:
            out[naming.fact(key, True)] = records
    if not inc.evidence and not subj.evidence:
        return out
    for key, value in known.items():
        found = (inc.evidence if key.holder == "i" else subj.evidence).get(key.name)
        if found:
            out[naming.fact(key, value)] = found
    return out


def _known_entry(fact: str, read: bool, sources: dict[str, list[str]]) -> KnownFact:
    entry: KnownFact = {"fact": fact, "read": read}
    if fact in sources:
        entry["evidence"] = sources[fact]
    return entry


def evidence_map(r: Record) -> dict[str, list[str]]:
    """Each established fact of a result that has evidence, with its sources."""
    return {k["fact"]: k["evidence"] for k in r.get("known", []) if k.get("evidence")}


def evidence_gaps(verdict: str, grounds: list[Ground], sources: dict[str, list[str]], checked: Sequence[str] = ()) -> list[str]:
    """The facts that decide the verdict and outcome and have no evidence: for a tolerable incident
    every ground's facts (scope, scenario, conditions, degree) and the facts that rule out each
    exclusion (`checked`), otherwise the grounds against."""
    if verdict == "undetermined":
        return []
    deciding = [f for g in grounds if verdict == "tolerable" or g["effect"] == "against" for f in g["facts"]]
    return [f for f in dict.fromkeys([*deciding, *checked]) if f not in sources]


def deciding_articles(r: Record) -> list[str]:
    """The articles that decide a result's verdict: for a tolerable incident its scenario and
    outcome grounds, for not_applicable its scope grounds against, otherwise every ground against."""

    def decides(g: Record) -> bool:
        if r["verdict"] == "tolerable":
            return g["role"] in ("scenario", "outcome")
        if r["verdict"] == "not_applicable":
            return g["effect"] == "against" and g["role"] == "scope"
        return g["effect"] == "against"

    return [g["article"] for g in r["grounds"] if decides(g)]


@cache
def _repeat_rule(regime: str) -> tuple[str | None, str]:
    """The regime's repeat article and its effect (bars, factor, none): the encoding's alone, so
    made once per regime, not once per repeat."""
    enc = solver(regime).encoding
    bars = [r.head[0] for r in enc.rules_for("repeat_bar")]
    if bars:
        return bars[0], "bars"
    facts = [r.head[0] for r in enc.rules_for("factor") if any(p.args[-1] == "repeated_error" for p in r.body)]
    return (facts[0], "factor") if facts else (None, "none")


def regimes_for(ff: FactFile, case_id: str, option: str | None) -> list[str]:
    names = list(vocabulary().regimes)
    if option == "all":
        return names
    if option:
        if option not in names:
            raise CheckError(f"未知的办法 {option}；可选：{', '.join(names)} 或 all")
        return [option]
    case = ff.cases[case_id]
    if not case.regimes:
        raise FactFileError(
            ff.path, [(case.line, f"案件 {case_id} 没有 regime({case_id}, R) 事实：请在文件中写明或使用 --regime")]
        )
    return case.regimes


def check_file(ff: FactFile, regime_option: str | None) -> list[Result]:
    reps = derive_repeats(ff)
    results = []
    for case_id in ff.cases:
        regimes = regimes_for(ff, case_id, regime_option)
        for inc in ff.incidents_of(case_id):
            ci = CaseIncident(ff, inc, reps)
            for regime in regimes:
                results.append(incident_result(ci, regime))
    return results
