"""The batch's default record: one per incident and regime, what the CSV/xlsx ledger and a reviewer
opening the case need, computed without the parts only `check` shows (the list of known facts, the
facts of each factor, the facts a suggested degree rests on).  `rongcuo batch --full` writes
`check`'s whole record instead.  The fields are listed in the README (Batch review)."""

from __future__ import annotations

from collections.abc import Iterator

from .factfile import FactFile
from .reasoner import Decision
from .schema import Record, Result

# Of each deadline step: which step, under which article, its status, its due and actual dates.
STEP_FIELDS = ("step", "article", "status", "due", "actual")


def results(ff: FactFile, regime_option: str | None, full: bool) -> Iterator[tuple[Result, Decision]]:
    """The file's results in `check_file`'s order, each with its decision; full=False leaves out
    what the ledger does not need (results.evaluate)."""
    from .repeats import derive_repeats
    from .results import CaseIncident, evaluate, regimes_for

    reps = derive_repeats(ff)
    for case_id in ff.cases:
        regimes = regimes_for(ff, case_id, regime_option)
        for inc in ff.incidents_of(case_id):
            ci = CaseIncident(ff, inc, reps)
            for regime in regimes:
                result, dec, _ = evaluate(ci, regime, full)
                yield result, dec


def ledger_record(r: Result, dec: Decision) -> Record:
    """The ledger's record of a result evaluated with full=False."""
    from .results import deciding_articles

    grounds = r["grounds"]
    return {
        "file": r["file"],
        "case": r["case"],
        "case_name": r["case_name"],
        "subject": r["subject"],
        "subject_name": r["subject_name"],
        "incident": r["incident"],
        "matter": r["matter"],
        "regime": r["regime"],
        "verdict": r["verdict"],
        "outcome": r["outcome"],
        "suggested_degree": dec.suggested if r["outcome"] == "mitigate" else None,
        "deciding": list(dict.fromkeys(deciding_articles(r))),
        "blocking": list(dict.fromkeys(g["article"] for g in grounds if g["effect"] == "against")),
        "grounds": [{"article": g["article"], "role": g["role"], "effect": g["effect"]} for g in grounds],
        "factors": [{"article": f["article"], "kind": f["kind"]} for f in r["factors"]],
        "missing": r["missing"],
        "decisive": [m["fact"] for m in r["missing_detail"] if m["decisive"]],
        "procedure": [{k: p.get(k) for k in STEP_FIELDS} for p in r["procedure"]],
        "conflicts": r["conflicts"],
        "evidence_gaps": r["evidence_gaps"],
    }
