"""Scenario files: compare a file's expect/expect_ground/expect_missing atoms with the results."""

from __future__ import annotations

from .describe import verdict_zh
from .factfile import FactFile
from .repeats import derive_repeats
from .results import incident_result


def _summary(result: dict) -> str:
    grounds = "; ".join(f"{g['article']} {g['role']}/{g['effect']}" for g in result["grounds"]) or "—"
    return f"      grounds: {grounds}\n      missing: {', '.join(result['missing']) or '—'}"


def scenario_failures(ff: FactFile) -> list[str]:
    """Readable mismatches, one per failed expectation; [] when every expectation holds."""
    reps = derive_repeats(ff)
    failures: list[str] = []
    expected_any = False
    for inc in ff.incidents.values():
        regimes = dict.fromkeys(e[0] for e in [*inc.expects, *inc.expect_grounds, *inc.expect_missing, *inc.expect_procedure])
        results = {r: incident_result(ff, inc, r, reps) for r in regimes}
        for regime, verdict, outcome, line in inc.expects:
            expected_any = True
            got = results[regime]
            want_outcome = outcome if outcome is not None else got["outcome"] if verdict == "tolerable" else None
            if (got["verdict"], got["outcome"]) != (verdict, want_outcome):
                failures.append(
                    f"{ff.path}:{line}: {inc.id} under {regime}: expected {verdict}{'/' + outcome if outcome else ''} "
                    f"({verdict_zh(verdict, outcome)}), got {got['verdict']}{'/' + got['outcome'] if got['outcome'] else ''} "
                    f"({verdict_zh(got['verdict'], got['outcome'])})\n{_summary(got)}"
                )
        for regime, citation, line in inc.expect_grounds:
            expected_any = True
            if citation not in {g["article"] for g in results[regime]["grounds"]}:
                where = f"{ff.path}:{line}: {inc.id} under {regime}"
                failures.append(f"{where}: expected ground {citation}\n{_summary(results[regime])}")
        for regime, fact, line in inc.expect_missing:
            expected_any = True
            if fact not in results[regime]["missing"]:
                where = f"{ff.path}:{line}: {inc.id} under {regime}"
                failures.append(f"{where}: expected {fact} among facts to verify\n{_summary(results[regime])}")
        for regime, step, status, line in inc.expect_procedure:
            expected_any = True
            got = [p["status"] for p in results[regime]["procedure"] if p["step"] == step]
            if status not in got:
                where = f"{ff.path}:{line}: {inc.id} under {regime}"
                failures.append(f"{where}: expected procedure step {step} {status}, got {got or 'no such step'}")
    if not expected_any:
        failures.append(f"{ff.path}: no expect/3,4 atoms: a scenario file must state what it expects")
    return failures
