"""rongcuo mutate: a weak suite is caught, the scenario it writes kills the mutant, an equivalent
mutant is reported as equivalent.  One regime (beijing), a few items (--only), to stay fast."""

import dataclasses
import json
import shutil

from click.testing import CliRunner
from conftest import REPO

from rongcuo_asp import mutate
from rongcuo_asp.cli import main
from rongcuo_asp.encoding import load_encoding
from rongcuo_asp.factfile import read_fact_file
from rongcuo_asp.reasoner import RegimeSolver, solver
from rongcuo_asp.scenarios import expectations

BEIJING = REPO / "facts" / "scenarios" / "beijing"
ITEM = "第八条第（四）项"
FACT = "cause_vested_interests"  # 勇于破除障碍


def _suite(directory):
    return mutate.Suite([read_fact_file(p) for p in sorted(directory.glob("*.lp"))])


def _survivors(suite, only):
    outcomes, skip = mutate.run_all(suite, ["beijing"], only=only, witnesses=False)
    assert not skip["beijing"], "the scenarios must pass on the encoding itself"
    return {o.mutant.id for o in outcomes if o.status == "surviving"}, outcomes


def test_printed_encoding_decides_as_the_original():
    """Mutants are printed from clingo's AST: the unchanged program printed back passes every expectation."""
    enc = load_encoding("beijing")
    same = dataclasses.replace(mutate.mutants("beijing", ITEM)[0], text=mutate.program_text(mutate.statements(enc.text)))
    s = RegimeSolver("beijing", mutate.mutant_encoding(same))
    assert _suite(BEIJING).failures(s, "beijing") == []


def test_mutants_are_worded_in_the_law():
    found = {m.id: m for m in mutate.mutants("beijing", ITEM)}
    drops = [m for m in found.values() if m.kind == "drop" and m.fact == FACT]
    assert drops and all(m.label == f"{ITEM} “勇于破除障碍”：删去该要件后" for m in drops)
    assert {m.kind for m in found.values()} >= {"drop", "negate", "delete"}
    swaps = [m for m in mutate.mutants("beijing", "第十三条第（一）项") if m.kind == "swap"]
    assert [m.change for m in swaps] == ["处理方式由“免责”改为“从轻或者减轻”"]


def test_planted_weak_suite_reports_exactly_the_element_and_writes_its_scenario(tmp_path):
    weak = tmp_path / "beijing"
    shutil.copytree(BEIJING, weak)
    full_survivors, outcomes = _survivors(_suite(weak), ITEM)
    element = [o.mutant for o in outcomes if o.mutant.fact == FACT and o.mutant.kind == "drop"]  # the element forgotten
    assert element and all(o.status == "killed" for o in outcomes if o.mutant in element)
    # Remove the files that pin the element: those whose expectations catch its omission.
    suite = _suite(weak)
    pinning = {c.path for m in element for c in suite.failures(RegimeSolver("beijing", mutate.mutant_encoding(m)), "beijing")}
    assert pinning
    for path in pinning:
        (weak / path.rsplit("/", 1)[-1]).unlink()
    weak_survivors, _ = _survivors(_suite(weak), ITEM)
    new = weak_survivors - full_survivors
    by_id = {m.id: m for m in mutate.mutants("beijing", ITEM)}
    assert new and {(by_id[i].fact, by_id[i].kind) for i in new} == {(FACT, "drop")}

    out = tmp_path / "written"
    result = CliRunner().invoke(
        main, ["mutate", str(weak), "--regime", "beijing", "--only", ITEM, "--write-scenarios", str(out), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    surviving = {m["id"]: m for m in report["mutants"] if m["status"] == "surviving"}
    assert set(surviving) == weak_survivors
    for ident in new:
        entry = surviving[ident]
        assert entry["message"] == f"{ITEM} “勇于破除障碍”：{entry['change']}后，所有情景预期仍然通过"
        assert entry["scenario_verified"]
        path = entry["scenario_file"]
        text = open(path, encoding="utf-8").read()
        assert text.startswith(f"% 变异检验补写的情景：钉住 {ITEM} “勇于破除障碍”")
        assert "勇于破除障碍" in text.splitlines()[1]  # the statute sentence it pins
        ff = read_fact_file(path)
        assert all(e.ok for e in expectations(ff))  # passes against the original (rongcuo test)
        m = by_id[ident]
        assert mutate.Suite([ff]).failures(RegimeSolver("beijing", mutate.mutant_encoding(m)), "beijing")
        shutil.copy(path, weak / f"added_{len(list(weak.iterdir()))}.lp")
    # With the written scenarios added, the element's mutants are killed again.
    assert not _survivors(_suite(weak), ITEM)[0] & new


def test_equivalent_mutant_is_reported_equivalent(monkeypatch):
    """A literal implied by another (accident >= larger beside accident >= major): dropping it or
    moving its threshold never changes a decision; the other changes of the rule do."""
    enc = load_encoding("beijing")
    rule = 'exclusion(I, "第十条第（三）项") :- incident(S, I), level(I, accident, V), at_least(accident, V, major).'
    assert rule in enc.text
    implied = rule[:-1] + ", level(I, accident, W), at_least(accident, W, larger)."
    planted = dataclasses.replace(enc, text=enc.text.replace(rule, implied))
    monkeypatch.setattr(mutate, "load_encoding", lambda regime: planted)
    outcomes, _ = mutate.run_all(mutate.Suite([]), ["beijing"], only="第十条第（三）项")
    line = next(n for n, text in enumerate(planted.text.splitlines(), 1) if text == implied)
    on_rule = [o for o in outcomes if o.mutant.line == line]
    equivalent = {o.mutant.id for o in on_rule if o.status == "equivalent"}
    assert equivalent == {f"beijing:L{line}:drop:3", f"beijing:L{line}:threshold:4+", f"beijing:L{line}:threshold:4-"}
    assert {o.status for o in on_rule if o.mutant.id not in equivalent} == {"surviving"}  # the empty suite kills nothing


def test_mutate_cli_reports_scores_and_refuses_bad_input(tmp_path):
    result = CliRunner().invoke(main, ["mutate", str(BEIJING), "--only", "第十条第（一）项", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "变异得分 100.0%" in result.stdout
    assert CliRunner().invoke(main, ["mutate", str(tmp_path / "none")]).exit_code == 2
    empty = tmp_path / "plain.lp"
    empty.write_text((BEIJING / "scenario_8_4.lp").read_text(encoding="utf-8").replace("expect", "% expect"), encoding="utf-8")
    result = CliRunner().invoke(main, ["mutate", str(empty)])
    assert result.exit_code == 2 and "没有任何情景预期" in result.output
    assert solver("beijing").encoding is load_encoding("beijing")


def test_coverage_fired_blocked_decisive(tmp_path):
    """第十条第（一）项 is blocked by its exclusion scenario and decisive; without that file nothing cites it."""
    from rongcuo_asp.coverage import coverage

    files = [BEIJING / "exclusion_10_1.lp", BEIJING / "scenario_8_5.lp"]
    suite = mutate.Suite([read_fact_file(p) for p in files])
    [item] = coverage(suite, "beijing", "第十条第（一）项")
    assert (item.fired, item.blocked, item.decisive) == (0, 1, True)
    [element] = item.elements.values()
    assert (element.phrase, element.blocked, element.decisive) == ("违反政治纪律和政治规矩", 1, True)
    scope = coverage(suite, "beijing", "第七条第一款")[0]
    assert scope.fired == 2 and scope.blocked == 0
    [item] = coverage(mutate.Suite([read_fact_file(files[1])]), "beijing", "第十条第（一）项")
    assert (item.fired, item.blocked) == (0, 0)
    assert item.decisive  # scenario_8_5 is tolerable: an exclusion that fires everywhere fails it
    result = CliRunner().invoke(main, ["coverage", *map(str, files), "--only", "第十条", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["regimes"]["beijing"]
    assert [r["article"] for r in rows] == ["第十条第（一）项", "第十条第（二）项", "第十条第（三）项", "第十条第（四）项"]
