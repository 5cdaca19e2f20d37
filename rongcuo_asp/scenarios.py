"""Scenario files: compare a file's expect/expect_ground/expect_missing/expect_procedure atoms with
the results, one check per expectation (for `rongcuo test`, `rongcuo check` and the pytest plugin)."""

from __future__ import annotations

from dataclasses import dataclass

from .documents import verdict_zh
from .factfile import FactFile
from .repeats import derive_repeats
from .results import CaseIncident, incident_result
from .schema import Record


@dataclass(frozen=True)
class Expectation:
    """One expect atom and whether it holds; `message` explains a failure."""

    path: str
    line: int
    incident: str
    regime: str
    text: str  # the expectation as written, for listings: expect(i1, beijing, tolerable, exempt)
    ok: bool
    message: str = ""


def _summary(result: Record) -> str:
    grounds = "; ".join(f"{g['article']} {g['role']}/{g['effect']}" for g in result["grounds"]) or "—"
    return f"      grounds: {grounds}\n      missing: {', '.join(result['missing']) or '—'}"


def has_expectations(ff: FactFile) -> bool:
    return any(inc.expects or inc.expect_grounds or inc.expect_missing or inc.expect_procedure for inc in ff.incidents.values())


def expectations(ff: FactFile, known: dict[tuple[str, str], dict] | None = None) -> list[Expectation]:
    """Every expectation of the file, checked, in file order.  `known`: results already computed,
    by (incident, regime), so `rongcuo check` does not decide an incident twice."""
    reps = derive_repeats(ff)
    out: list[Expectation] = []
    known = known or {}
    for inc in ff.incidents.values():
        regimes = dict.fromkeys(
            str(e[0]) for e in [*inc.expects, *inc.expect_grounds, *inc.expect_missing, *inc.expect_procedure]
        )
        ci = CaseIncident(ff, inc, reps)
        results = {r: known.get((inc.id, r)) or incident_result(ci, r) for r in regimes}

        def add(regime: str, line: int, text: str, ok: bool, message: str, inc=inc) -> None:
            where = f"{ff.path}:{line}: {inc.id} under {regime}"
            out.append(Expectation(ff.path, line, inc.id, regime, text, ok, "" if ok else f"{where}: {message}"))

        for regime, verdict, outcome, line in inc.expects:
            got = results[regime]
            want_outcome = outcome if outcome is not None else got["outcome"] if verdict == "tolerable" else None
            text = f"expect({inc.id}, {regime}, {verdict}{', ' + outcome if outcome else ''})"
            ok = (got["verdict"], got["outcome"]) == (verdict, want_outcome)
            message = (
                f"expected {verdict}{'/' + outcome if outcome else ''} ({verdict_zh(verdict, outcome)}), "
                f"got {got['verdict']}{'/' + got['outcome'] if got['outcome'] else ''} "
                f"({verdict_zh(got['verdict'], got['outcome'])})\n{_summary(got)}"
            )
            add(regime, line, text, ok, message)
        for regime, citation, line in inc.expect_grounds:
            ok = citation in {g["article"] for g in results[regime]["grounds"]}
            add(
                regime,
                line,
                f'expect_ground({inc.id}, {regime}, "{citation}")',
                ok,
                f"expected ground {citation}\n{_summary(results[regime])}",
            )
        for regime, fact, line in inc.expect_missing:
            ok = fact in results[regime]["missing"]
            message = f"expected {fact} among facts to verify\n{_summary(results[regime])}"
            add(regime, line, f'expect_missing({inc.id}, {regime}, "{fact}")', ok, message)
        for regime, step, status, line in inc.expect_procedure:
            statuses = [p["status"] for p in results[regime]["procedure"] if p["step"] == step]
            message = f"expected procedure step {step} {status}, got {statuses or 'no such step'}"
            add(regime, line, f"expect_procedure({inc.id}, {regime}, {step}, {status})", status in statuses, message)
    return sorted(out, key=lambda e: e.line)


def scenario_failures(ff: FactFile) -> list[str]:
    """Readable mismatches, one per failed expectation; [] when every expectation holds."""
    checked = expectations(ff)
    if not any(e.text.startswith("expect(") for e in checked):
        return [f"{ff.path}: no expect/3,4 atoms: a scenario file must state what it expects"]
    return [e.message for e in checked if not e.ok]
