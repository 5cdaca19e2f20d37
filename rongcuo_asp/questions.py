"""The reviewer's questions as data: explain (why / why not / contrast), whatif, compare."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from . import explain
from .documents import range_zh
from .escaping import text_safe
from .factfile import FactFile, Incident
from .provenance import Naming
from .reasoner import FactKey, solver
from .results import (
    CaseIncident,
    CheckError,
    deciding_articles,
    evaluate,
    evidence_map,
    incident_result,
    incidents_of,
    matter_text,
)
from .schema import Record
from .vocabulary import vocabulary
from .whatif import Change, establish, whatif
from .whatif import group_ranges as ranges_of

# exempt, mitigate; reduce/lighter only where a text separates them
OUTCOMES = tuple(o for o in vocabulary().outcomes if o != "undetermined")
MAX_CHANGES = vocabulary().data["bounds"]["max_changes"]
# explain's facts to establish: past this many for a verdict, "at least N" is said, not enumerated
ESTABLISH_BOUND = vocabulary().data["bounds"]["establish"]
# The ground atoms that decide each verdict (from the atoms table): the scenario for 可容错, scope
# grounds against for 不适用本办法, every other ground against for 不予容错; an outcome, its degree.
_DECIDING_ATOMS = {
    "tolerable": tuple(a for a, (role, effect) in vocabulary().ground_atoms.items() if (role, effect) == ("scenario", "for")),
    "not_tolerable": tuple(
        a for a, (role, effect) in vocabulary().ground_atoms.items() if effect == "against" and role != "scope"
    ),
    "not_applicable": tuple(
        a for a, (role, effect) in vocabulary().ground_atoms.items() if (role, effect) == ("scope", "against")
    ),
}
LISTED = 10  # sets of facts to establish listed per possible verdict


def fact_text(inc: Incident, key: FactKey, value: object) -> str:
    return Naming(inc).fact(key, value)


def find_incident(ff: FactFile, incident: str | None) -> list[Incident]:
    if incident is None:
        return list(ff.incidents.values())
    if incident not in ff.incidents:
        raise CheckError(f"{text_safe(ff.path)}: 没有失误错误 {incident}；文件中有：{', '.join(ff.incidents) or '（无）'}")
    return [ff.incidents[incident]]


def _goal(result: Record) -> str:
    return result["outcome"] if result["verdict"] == "tolerable" and result["outcome"] in OUTCOMES else result["verdict"]


def explain_incident(ci: CaseIncident, regime: str, contrast: str | None) -> dict:
    contrast = target_code(contrast) if contrast is not None else None  # "" is no target: refused
    s = solver(regime)
    inc = ci.inc
    result, decision, known = evaluate(ci, regime)
    out: dict[str, Any] = dict(result)
    if result["verdict"] != "undetermined":
        goal = _goal(result)
        out["reason"] = {"goal": goal, "facts": [fact_text(inc, k, known[k]) for k in explain.why(s, known, goal)]}
        # the minimal sufficient reason decides too: its facts without evidence join the gaps
        with_evidence = evidence_map(result)
        reason = [f for f in out["reason"]["facts"] if f not in with_evidence]
        out["evidence_gaps"] = list(dict.fromkeys([*result["evidence_gaps"], *reason]))
    else:
        out["reason"] = None
    possible = sorted({a.args[0] for a in decision.brave if a.name == "verdict"})
    out["to_establish"] = []
    if result["verdict"] == "undetermined":
        kept = set(known) | _fixed(ci)  # what is established stays: only unknown facts are to be established
        for verdict in possible:
            exact = establish(regime, known, verdict, kept, decision.missing, ESTABLISH_BOUND)
            if exact is None:  # more than the bound: said, not enumerated
                out["to_establish"].append(
                    {
                        "verdict": verdict,
                        "count": ESTABLISH_BOUND + 1,  # at least
                        "bounded": True,
                        "bound": ESTABLISH_BOUND,
                        "alternatives": [],
                        "total": 0,
                        "facts": [],
                    }
                )
                continue
            found = alternatives(ci, regime, verdict, kept, MAX_CHANGES, exact, LISTED)
            if found["findings"]:
                out["to_establish"].append(
                    {
                        "verdict": verdict,
                        "count": len(found["findings"][0]["changes"]),  # cardinality-minimal: the fewest facts
                        "alternatives": found["findings"],
                        "total": found["total"],
                        "facts": found["findings"][0]["facts"],
                    }
                )
    if contrast:
        out["contrast"] = contrast_with(ci, regime, contrast)
    return out


def contrast_with(ci: CaseIncident, regime: str, target: str) -> dict:
    """Why not `target`: the established facts that stand in its way, and the least that would
    change it — up to the bound explain keeps to (ESTABLISH_BOUND changes); past it, that at
    least one more is needed (`bounded`), not every way (an empty incident has thousands)."""
    inc, known = ci.inc, ci.known
    w = whatif_incident(ci, regime, target, (), ESTABLISH_BOUND, LISTED)
    asked = {"asked": w["asked"]} if "asked" in w else {}
    if w["already"]:
        return {"target": w["target"], "already": True, "blocking": [], "alternatives": [], "findings": [], **asked}
    s = solver(regime)
    blocking = explain.why_not(s, known, w["target"])
    out = {
        "target": w["target"],
        "already": False,
        "blocking": None if blocking is None else [fact_text(inc, k, known[k]) for k in blocking],
        "alternatives": w["alternatives"],
        "findings": w["findings"],
        "total": w["total"],
        **asked,
    }
    if not w["alternatives"]:  # none within the bound: more changes, or none at all will do
        fixed = {k: known[k] for k in _fixed(ci) if k in known}
        goal = s.goal_literal(w["target"])
        if s.solve_once([goal, *s.assumptions(fixed)], values_wanted=False)[0]:
            out.update({"bounded": True, "bound": ESTABLISH_BOUND, "count": ESTABLISH_BOUND + 1})
        elif fixed and s.solve_once([goal], values_wanted=False)[0]:
            # only a change of what the dates or the register derive would do: said, not "no change will"
            out["derived_in_the_way"] = [fact_text(inc, k, v) for k, v in fixed.items()]
    return out


def target_code(target: str) -> str:
    """A target given as a code (tolerable, exempt) or in Chinese (可容错, 不予容错, 免责, 减轻, 从轻)."""
    voc = vocabulary()
    codes = {v: v for v in voc.verdicts if v != "undetermined"} | {o: o for o in OUTCOMES}
    codes |= {voc.label("verdict", v): v for v in voc.verdicts if v != "undetermined"}
    codes |= {voc.label("outcome", o): o for o in OUTCOMES} | {"不适用": "not_applicable"}
    if target not in codes:
        listed = "、".join(
            f"{voc.label('verdict' if c in voc.verdicts else 'outcome', c)}（{c}）" for c in dict.fromkeys(codes.values())
        )
        raise CheckError(f"未知的目标 {target or '（空）'}；可选：{listed}")
    return codes[target]


# 从轻 and 减轻 are one outcome in every document (从轻或者减轻, reading 6): asked apart, answered as it
UNSEPARATED = {"lighter": "mitigate", "reduce": "mitigate"}


def _fixed(ci: CaseIncident) -> set[FactKey]:
    """Facts no counterfactual may change: a repeat derived from the dates is not itself a choice."""
    return {FactKey.feature("i", "repeated_error")} if ci.inc.id in ci.reps.derived else set()


def _change_json(change: Change) -> dict:
    return {"fact": change.key.name, "from": change.old, "to": change.new}


def alternatives(
    ci: CaseIncident,
    regime: str,
    target: str,
    kept: set,
    max_changes: int,
    exact: list[list[Change]] | None = None,
    listed: int | None = None,
) -> dict:
    """The cardinality-minimal change sets for `target` (`exact`, when already found), exact and
    grouped into ranges, with the articles that decide the target after each (its scenario item,
    for 「可容错」); only the first `listed` groups are described when given, `total` counts all."""
    s = solver(regime)
    inc, known = ci.inc, ci.known
    if exact is None:
        exact = whatif(regime).alternatives(known, target, kept, max_changes)
    groups = ranges_of(exact, s.values)
    findings = []
    for group in groups[:listed]:
        after = dict(known)
        after.update({c.key: values[0] for c, values in group})
        # the deciding articles read only what holds in every completion after the change
        mode = "auto" if all(k in after for k in s.relevant) else "cautious"  # as decide() does
        cautious = s._consequences(after, mode)
        findings.append(
            {
                "changes": [
                    {
                        "fact": c.key.name,
                        "from": c.old,
                        "to": values[0],
                        "values": values,
                        "range": range_zh(c.key.name, values, s.values[c.key]),
                    }
                    for c, values in group
                ],
                "facts": [fact_text(inc, c.key, values[0]) for c, values in group],
                "articles": decided_articles(SimpleNamespace(cautious=cautious), target),
            }
        )
    return {"exact": exact, "findings": findings, "total": len(groups)}


def whatif_incident(
    ci: CaseIncident, regime: str, target: str, keep: tuple[str, ...], max_changes: int, listed: int | None = None
) -> dict:
    asked = target_code(target)
    target = UNSEPARATED.get(asked, asked)
    s = solver(regime)
    ff, inc, known = ci.ff, ci.inc, ci.known
    names = {k.name: k for k in s.values}
    unknown = [f for f in keep if f not in names]
    if unknown:
        raise CheckError(f"--keep：未知的事实 {', '.join(unknown)}")
    kept = {names[f] for f in keep} | _fixed(ci)
    decided = s.decide(known)
    already = target in (decided.verdict, decided.outcome)
    nothing: dict[str, Any] = {"exact": [], "findings": [], "total": 0}
    found = nothing if already else alternatives(ci, regime, target, kept, max_changes, listed=listed)
    return {
        "file": ff.path,
        "incident": inc.id,
        "regime": regime,
        "target": target,
        "already": already,
        # the target already holding, the one minimal alternative changes nothing
        "alternatives": [[]] if already else [[_change_json(c) for c in alt] for alt in found["exact"]],
        "findings": found["findings"],
        "total": found["total"],  # ways (grouped into ranges); only the first `listed` described
        **({"asked": asked} if asked != target else {}),  # 从轻 or 减轻 asked, 从轻或者减轻 answered
    }


def decided_articles(decided, target: str) -> list[str]:
    """The articles that decide `target` in a decision (for a finding's citation): its scenario
    items for 「可容错」, the grounds against it otherwise, the degree's article for an outcome."""
    names = _DECIDING_ATOMS.get(target, ("outcome",))
    arts = []
    for sym in sorted(decided.cautious):
        if sym.name in names:
            arts.append(sym.args[-1] if sym.name == "outcome" else sym.args[0])
    return list(dict.fromkeys(arts))


def compare_incident(ci: CaseIncident) -> dict:
    ff, inc = ci.ff, ci.inc
    rows = []
    for regime in vocabulary().regimes:
        r = incident_result(ci, regime)
        deciding = deciding_articles(r)
        rows.append(
            {"regime": regime, "verdict": r["verdict"], "outcome": r["outcome"], "deciding": deciding, "missing": r["missing"]}
        )
    verdicts = {(r["verdict"], r["outcome"]) for r in rows}
    subject = ci.subject
    return {
        "file": ff.path,
        "incident": inc.id,
        "subject": inc.subject,
        "subject_name": subject.name.value if subject.name else None,
        "matter": matter_text(inc),
        "regimes": rows,
        "agree": len(verdicts) == 1,
    }


def per_incident(ff: FactFile, incident: str | None) -> list[CaseIncident]:
    return incidents_of(ff, find_incident(ff, incident))
