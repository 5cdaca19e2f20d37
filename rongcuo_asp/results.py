"""From fact files to results: the JSON of ../shared/spec/reasoning.md, with provenance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from .encoding import Encoding, Pattern, Rule, citation_key
from .factfile import FactFile, FactFileError, Incident
from .procedure import review
from .reasoner import Decision, FactKey, Shown, solver
from .repeats import Repeats, derive_repeats
from .schema import Factor, Ground, KnownFact, Record, Result
from .vocabulary import vocabulary

ROLE_ORDER = vocabulary().role_order
# Atoms of the model that are grounds, with their role and whether they speak for tolerance.
GROUND_ATOMS = vocabulary().ground_atoms
# For grounds that say a rule did NOT fire: the rules whose failure is the reason.
FAILED_RULES = {a: vocabulary().atoms[a]["failed"] for a in vocabulary().atoms_with("failed")}


class CheckError(Exception):
    """A usage problem that is the input's fault (exit status 2)."""


@dataclass(frozen=True)
class Atom:
    negated: bool
    pred: str
    args: tuple[str, ...]


def repeated_value(inc: Incident, reps: Repeats) -> bool | None:
    """repeated_error as the file states it, overridden by a repeat derived from the dates."""
    stated = inc.holds.get("repeated_error")
    derived = reps.derived.get(inc.id)
    if derived is True:
        return True
    if stated is not None:
        return stated.value
    return derived  # False where the dates settle it, None (unknown) otherwise


def known_facts(ff: FactFile, inc: Incident, reps: Repeats) -> dict[FactKey, object]:
    """The incident's stated facts as fact keys, with repeated_error resolved against the dates."""
    repeated = repeated_value(inc, reps)
    subj = ff.subjects[inc.subject]
    known: dict[FactKey, object] = {("holds", "i", f): loc.value for f, loc in inc.holds.items()}
    known.update({("holds", "s", f): loc.value for f, loc in subj.holds.items()})
    known.update({("level", d): loc.value for d, loc in inc.levels.items()})
    for key, loc in ((("org",), subj.org), (("rank",), subj.rank), (("subject_kind",), subj.kind)):
        if loc is not None:
            known[key] = loc.value
    if repeated is None:
        known.pop(("holds", "i", "repeated_error"), None)
    else:
        known[("holds", "i", "repeated_error")] = repeated
    return known


def _atoms(known: dict[FactKey, object]) -> list[Atom]:
    out = []
    for key, value in known.items():
        if key[0] == "holds":
            out.append(Atom(value is False, "holds", ("$I" if key[1] == "i" else "$S", key[2])))
        elif key[0] == "level":
            out.append(Atom(False, "level", ("$I", key[1], str(value))))
        else:
            out.append(Atom(False, key[0], ("$S", str(value))))
    return out


def _matches(p: Pattern, a: Atom) -> bool:
    if p.pred != a.pred or len(p.args) != len(a.args):
        return False
    return all(x is None or x == y for x, y in zip(p.args, a.args, strict=True))


class _Known(list):
    """The known atoms of an incident, indexed by everything but their last argument."""

    def __init__(self, atoms: list[Atom]):
        super().__init__(atoms)
        self.by_prefix: dict[tuple, list[Atom]] = {}
        for a in atoms:
            self.by_prefix.setdefault((a.negated, a.pred, a.args[:-1]), []).append(a)

    def find(self, p: Pattern) -> Atom | None:
        for a in self.by_prefix.get((p.negated, p.pred, p.args[:-1]), ()):
            if p.args[-1] is None or p.args[-1] == a.args[-1]:
                return a
        return None


def _support(rule: Rule, atoms: _Known) -> list[Atom] | None:
    """The known atoms that make every vocabulary literal of the rule's body true, or None."""
    found = []
    for p in rule.body:
        if None in p.args[:-1]:  # a variable inside a literal: match by scanning
            hit = next((a for a in atoms if a.pred == p.pred and a.negated == p.negated and _matches(p, a)), None)
        else:
            hit = atoms.find(p)
        if hit is None:
            return None
        found.append(hit)
    return found


def _contradiction(rule: Rule, atoms: list[Atom]) -> list[Atom]:
    """Known facts that keep the rule from firing: the opposite literal, or another value."""
    exact, loose = [], []
    for p in rule.body:
        for a in atoms:
            if a.pred != p.pred or len(a.args) != len(p.args):
                continue
            if p.pred == "holds":
                if a.args == p.args and a.negated != p.negated:
                    exact.append(a)
            elif all(x is None or x == y for x, y in zip(p.args[:-1], a.args[:-1], strict=True)):
                if p.args[-1] is None:
                    loose.append(a)
                elif a.args[-1] != p.args[-1]:
                    exact.append(a)
    return exact or loose


def _head_matches(rule: Rule, args: list[str]) -> bool:
    return len(rule.head) == len(args) and all(h is None or h == a for h, a in zip(rule.head, args, strict=True))


class Naming:
    """Generic names ($I, $S, i, s) -> the file's incident and subject."""

    def __init__(self, inc: Incident):
        self.inc, self.subj = inc.id, inc.subject

    def atom(self, a: Atom) -> str:
        args = [self.inc if x == "$I" else self.subj if x == "$S" else x for x in a.args]
        return ("-" if a.negated else "") + f"{a.pred}({','.join(args)})"

    def fact(self, key: FactKey, value: object) -> str:
        """A fact key with a value as the file writes it: -holds(i1,private_gain), level(i1,harm,minor)."""
        return self.atom(_atoms({key: value})[0])

    def key(self, key: FactKey) -> str:
        if key[0] == "holds":
            return f"holds({self.inc if key[1] == 'i' else self.subj},{key[2]})"
        if key[0] == "level":
            return f"level({self.inc},{key[1]})"
        return f"{key[0]}({self.subj})"


@cache
def _rules_of(enc: Encoding, sym: Shown) -> tuple[list[Rule], str, str]:
    """The rules that derive a shown atom (for a failure ground: whose failure it records), its
    article and that article's quoted text; the generic incident has few shown atoms, so each
    is looked up once."""
    args = list(sym.args)
    article = args[-1] if sym.name == "outcome" else args[0]
    if sym.name in FAILED_RULES:
        rules = [r for r in enc.rules_for(FAILED_RULES[sym.name]) if sym.name != "condition_failed" or r.head[0] == article]
    else:
        rules = [r for r in enc.rules_by_head(sym.name, args[0]) if _head_matches(r, args)]
    return rules, article, enc.quote(article)


def _ground(enc: Encoding, sym: Shown, atoms: _Known, naming: Naming) -> Ground:
    role, effect = GROUND_ATOMS[sym.name]
    rules, article, text = _rules_of(enc, sym)
    readings: list[str] = []
    if sym.name in FAILED_RULES:
        # A rule written once may stand for several variants (one per admitted scale value): per rule,
        # the facts that block its least-blocked variant.
        blocked: dict[int, list[list[Atom]]] = {}
        for r in rules:
            blocked.setdefault(r.line, []).append(_contradiction(r, atoms))
        facts = [f for found in blocked.values() for f in min(found, key=len)]
    else:
        facts = []
        for r in rules:
            support = _support(r, atoms)
            if support is not None:
                facts += support
                readings += [h for h in r.via if h in vocabulary().data["readings"]]
    ground: Ground = {
        "article": article,
        "role": role,
        "effect": effect,
        "facts": list(dict.fromkeys(naming.atom(f) for f in facts)),
        "text": text,
    }
    stated = [*enc.readings(article), *(vocabulary().data["readings"][h] for h in dict.fromkeys(readings))]
    if stated:
        ground["reading"] = "；".join(stated)
    if sym.name == "outcome":
        ground["outcome"] = sym.args[0]
    return ground


def incident_result(ff: FactFile, inc: Incident, regime: str, reps: Repeats) -> Result:
    return evaluate(ff, inc, regime, reps)[0]


def evaluate(ff: FactFile, inc: Incident, regime: str, reps: Repeats) -> tuple[Result, Decision, dict[FactKey, object]]:
    """The result of one incident under one regime, with the solver's decision and the known facts."""
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
    known = known_facts(ff, inc, reps)
    dec = s.decide(known)
    atoms = _Known(_atoms(known))
    naming = Naming(inc)
    grounds = [_ground(enc, sym, atoms, naming) for sym in dec.cautious if sym.name in GROUND_ATOMS]
    grounds.sort(key=lambda g: (ROLE_ORDER.index(g["role"]), citation_key(g["article"]), g["effect"]))
    for sym in dec.cautious:  # scope by reference (参照执行) is marked on its scope ground
        if sym.name == "by_reference":
            for g in grounds:
                if g["role"] == "scope" and g["article"] == sym.args[0]:
                    g["by_reference"] = True
    factors: list[Factor] = []
    for sym in dec.cautious:
        if sym.name == "factor":
            rules, article, text = _rules_of(enc, sym)
            facts = [naming.atom(f) for r in rules for f in (_support(r, atoms) or [])]
            factors.append({"article": article, "kind": sym.args[1], "facts": list(dict.fromkeys(facts)), "text": text})
    factors.sort(key=lambda f: (citation_key(f["article"]), f["kind"] != "favourable"))
    for sym in sorted(dec.cautious):
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
    for earlier in reps.earlier.get(inc.id, []):
        bar = next((g["article"] for g in grounds if g["role"] == "repeat"), None)
        conflicts.append(
            {
                "kind": "repeat",
                "incident": inc.id,
                "repeats": earlier,
                "matter": matter_text(inc),
                "article": bar or _repeat_article(enc),
                "effect": _repeat_effect(enc),
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
    sources = _evidence(ff, inc, known, naming)
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
            _known_entry(naming.fact(k, known[k]), k in s.relevant_set, sources) for k in s.legal_order(list(known), known)
        ],
        "verdict": dec.verdict,
        "outcome": dec.outcome,
        "grounds": grounds,
        "missing": [naming.key(k) for k in dec.missing],
        # the same facts with their place in the law and whether one value alone settles the verdict
        "missing_detail": [
            {
                "fact": naming.key(k),
                "role": s.places[k].role,
                "article": s.places[k].article,
                "decisive": k in dec.decisive,
            }
            for k in dec.missing
        ],
        "factors": factors,
        "procedure": procedure,
        "conflicts": conflicts,
        "evidence_gaps": evidence_gaps(dec.verdict, grounds, sources, _exclusions_checked(enc, dec.verdict, atoms, naming)),
    }
    return result, dec, known


def matter_text(inc: Incident) -> str | None:
    """The incident's matter as written (a string's text or a constant's name), None if unstated."""
    return inc.matter.value.value if inc.matter else None


def _evidence(ff: FactFile, inc: Incident, known: dict[FactKey, object], naming: Naming) -> dict[str, list[str]]:
    """The evidence (evidence/3) of each established fact, by the fact as a report writes it."""
    subj = ff.subjects[inc.subject]
    out = {}
    for key, value in known.items():
        if key[0] == "holds":
            found = (inc.evidence if key[1] == "i" else subj.evidence).get(key[2])
        elif key[0] == "level":
            found = inc.evidence.get(key[1])
        else:
            found = subj.evidence.get(key[0])
        if found:
            out[naming.fact(key, value)] = found
    return out


def _known_entry(fact: str, read: bool, sources: dict[str, list[str]]) -> KnownFact:
    entry: KnownFact = {"fact": fact, "read": read}
    if fact in sources:
        entry["evidence"] = sources[fact]
    return entry


def evidence_gaps(verdict: str, grounds: list[Ground], sources: dict[str, list[str]], checked: Sequence[str] = ()) -> list[str]:
    """The facts that decide the verdict and outcome and have no evidence: for a tolerable incident
    every ground's facts (scope, scenario, conditions, degree) and the facts that rule out each
    exclusion (`checked`), otherwise the grounds against."""
    if verdict == "undetermined":
        return []
    deciding = [f for g in grounds if verdict == "tolerable" or g["effect"] == "against" for f in g["facts"]]
    return [f for f in dict.fromkeys([*deciding, *checked]) if f not in sources]


def _exclusions_checked(enc: Encoding, verdict: str, atoms: list[Atom], naming: Naming) -> list[str]:
    """For a tolerable incident: the established facts that keep each exclusion and repeat rule from
    firing (per rule written, its least-blocked variant), what 经审查，不存在……情形 rests on."""
    if verdict != "tolerable":
        return []
    blocked: dict[int, list[list[Atom]]] = {}
    for r in [*enc.rules_for("exclusion"), *enc.rules_for("repeat_bar")]:
        blocked.setdefault(r.line, []).append(_contradiction(r, atoms))
    return list(dict.fromkeys(naming.atom(a) for found in blocked.values() for a in min(found, key=len)))


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


def _repeat_article(enc: Encoding) -> str | None:
    bars = [r.head[0] for r in enc.rules_for("repeat_bar")]
    if bars:
        return bars[0]
    facts = [r.head[0] for r in enc.rules_for("factor") if any(p.args[-1] == "repeated_error" for p in r.body)]
    return facts[0] if facts else None


def _repeat_effect(enc: Encoding) -> str:
    if enc.rules_for("repeat_bar"):
        return "bars"
    return "factor" if _repeat_article(enc) else "none"


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
            for regime in regimes:
                results.append(incident_result(ff, inc, regime, reps))
    return results
