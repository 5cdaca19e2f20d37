"""A level known only up to a range (level_at_most / level_at_least): read, decided, reported and
asked without inventing a value."""

import json

import pytest
from click.testing import CliRunner
from conftest import BEIJING

from rongcuo_asp.cli import main
from rongcuo_asp.factfile import FactFileError, LevelRange, parse_fact_text
from rongcuo_asp.interview import Interview
from rongcuo_asp.results import check_file


def with_levels(*lines: str, drop: tuple[str, ...] = (), add: str = "") -> str:
    """The complete Beijing case with the level facts of `drop` removed and `lines` added."""
    kept = [line for line in BEIJING.splitlines() if not line.startswith(tuple(f"level(i1, {d}," for d in drop))]
    return "\n".join([*kept, *lines, add]) + "\n"


def result(text: str) -> dict:
    [r] = check_file(parse_fact_text(text.encode(), "case.lp"), None)
    return r


def refusal(text: str) -> str:
    with pytest.raises(FactFileError) as info:
        parse_fact_text(text.encode(), "bad.lp")
    return info.value.message()


def test_a_range_is_read_intersected_and_one_value_is_the_value():
    text = with_levels(
        "level_at_most(i1, accident, major).",
        "level_at_most(i1, accident, larger).",  # given twice: the intersection
        "level_at_least(i1, harm, general).",
        "level_at_most(i1, harm, general).",  # a range of one value
        drop=("accident", "harm"),
    )
    inc = parse_fact_text(text.encode()).incidents["i1"]
    assert inc.ranges["accident"].value == LevelRange("none", "larger", ("none", "ordinary", "larger"))
    assert inc.ranges["accident"].value.values == ("none", "ordinary", "larger")
    assert "accident" not in inc.levels and inc.levels["harm"].value == "general" and "harm" not in inc.ranges


def test_contradicting_and_empty_ranges_are_refused_with_their_line():
    lines = BEIJING.count("\n")
    contradiction = refusal(with_levels("level_at_least(i1, harm, serious)."))
    assert f"bad.lp:{lines + 1}: 矛盾：level(i1,harm) 在第 " in contradiction and "不低于 serious（较大）" in contradiction
    empty = refusal(with_levels("level_at_least(i1, harm, serious).", "level_at_most(i1, harm, minor).", drop=("harm",)))
    assert (
        f"bad.lp:{lines + 1}: 程度范围为空：harm 在第 {lines} 行不低于 serious（较大），在第 {lines + 1} 行不超过 minor" in empty
    )
    # a bound the stated level meets is no contradiction
    assert (
        parse_fact_text(with_levels("level_at_most(i1, harm, general).").encode()).incidents["i1"].levels["harm"].value == "minor"
    )


def test_contradiction_exits_2_naming_file_and_line(write):
    path = write(with_levels("level_at_least(i1, accident, major)."))
    run = CliRunner().invoke(main, ["check", str(path)])
    assert run.exit_code == 2
    assert f"{path}:{BEIJING.count(chr(10)) + 1}: 矛盾：level(i1,accident)" in run.output


def test_a_range_that_decides_beijing_10_3_does_not_hold(write):
    """责任事故 未达「重大」: 第十条（三） cannot hold, the verdict is decided, no value invented."""
    r = result(with_levels("level_at_most(i1, accident, larger).", drop=("accident",)))
    assert (r["verdict"], r["outcome"]) == ("tolerable", "exempt") and r["missing"] == []
    facts = [k["fact"] for k in r["known"]]
    assert "level(i1,accident,range(none,larger))" in facts
    assert not any(f.startswith("level(i1,accident,") and "range" not in f for f in facts)
    assert "level(i1,accident,range(none,larger))" in r["evidence_gaps"]
    run = CliRunner().invoke(main, ["check", str(write(with_levels("level_at_most(i1, accident, larger).", drop=("accident",))))])
    assert "责任事故：未达「重大」" in run.output


def test_a_range_that_does_not_decide_stays_open_as_what_remains(write):
    text = with_levels("level_at_least(i1, accident, larger).", "level_at_most(i1, accident, major).", drop=("accident",))
    r = result(text)
    assert r["verdict"] == "undetermined" and r["missing"] == ["level(i1,accident)"]
    assert r["missing_detail"][0]["decisive"] is True
    run = CliRunner().invoke(main, ["check", str(write(text))])
    assert "责任事故：「较大」还是「重大」" in run.output and "责任事故：「较大」至「重大」" in run.output


def test_a_range_is_open_only_within_itself():
    """With 积极整改纠错 unknown, 责任事故 未达「重大」 is not among the facts to verify: no value of
    the range changes the verdict (重大 would, but lies outside the range)."""
    text = with_levels("level_at_most(i1, accident, larger).", drop=("accident",)).replace("holds(i1, remedied).\n", "")
    r = result(text)
    assert r["verdict"] == "undetermined" and "holds(i1,remedied)" in r["missing"]
    assert "level(i1,accident)" not in r["missing"]


def test_a_harm_range_leaves_the_suggestion_open():
    """损失 「一般」至「较大」 with full recovery: 一般 suggests 从轻, 较大 减轻 (reading 6); the text's
    outcome (从轻或者减轻) stands, the suggestion is not made."""
    base = with_levels(drop=("harm",)).replace("-holds(i1, accountability_required)", "holds(i1, accountability_required)")
    for value, degree in (("general", "lighter"), ("serious", "reduce")):
        one = result(base + f"level(i1, harm, {value}).\n")
        assert one["suggested_degree"]["degree"] == degree
    r = result(base + "level_at_least(i1, harm, general).\nlevel_at_most(i1, harm, serious).\n")
    assert (r["verdict"], r["outcome"], r["suggested_degree"]) == ("tolerable", "mitigate", None)


def test_explain_whatif_and_opinion_use_the_range(write, tmp_path):
    path = write(with_levels("level_at_least(i1, accident, larger).", "level_at_most(i1, accident, major).", drop=("accident",)))
    run = CliRunner().invoke(main, ["explain", str(path), "--format", "json"])
    assert run.exit_code == 0, run.output
    [e] = json.loads(run.output)["explanations"]
    changes = [c for t in e["to_establish"] for a in t["alternatives"] for c in a["changes"]]
    assert {(c["from"], c["to"]) for c in changes} == {("range(larger,major)", "major"), ("range(larger,major)", "larger")}
    kept = CliRunner().invoke(main, ["whatif", str(path), "--target", "tolerable", "--keep", "accident"])
    assert kept.exit_code == 0 and "查明「责任事故」（已知「较大」至「重大」）：「较大」" in kept.output
    decided = write(with_levels("level_at_most(i1, accident, larger).", drop=("accident",)), "decided.lp")
    out = tmp_path / "意见.md"
    run = CliRunner().invoke(main, ["opinion", str(decided), "-o", str(out)])
    assert run.exit_code == 0, run.output
    text = out.read_text(encoding="utf-8")
    assert "责任事故未达「重大」" in text and "range" not in text


def test_interview_stores_a_range_answer_and_uses_it(write):
    open_accident = with_levels(drop=("accident",))
    path = write(open_accident)
    session = Interview(path.read_text(encoding="utf-8"), str(path), None)
    q = session.next_question()
    assert q is not None and q.key is not None and q.key.name == "accident"
    session.answer(q, "未达「重大」")
    assert "level_at_most(i1, accident, larger)." in session.text
    [r] = check_file(session.ff, None)
    assert (r["verdict"], r["outcome"]) == ("tolerable", "exempt")
    # a wider range answered first, then what remains is asked: 「较大」还是「重大」
    session = Interview(open_accident, None, None)
    q = session.next_question()
    assert q is not None
    session.answer(q, "「较大」至「重大」")
    assert "level_at_least(i1, accident, larger).\nlevel_at_most(i1, accident, major)." in session.text
    q = session.next_question()
    assert (
        q is not None and q.text == "责任事故：「较大」还是「重大」？" and [label for _, label in q.options] == ["较大", "重大"]
    )
    session.answer(q, "重大")
    [r] = check_file(session.ff, None)
    assert r["verdict"] == "not_tolerable"


def test_evidence_and_atoms_of_a_range(write):
    """evidence/3 may cite a range; --atoms shows it as the fact file writes it (its bounds)."""
    text = with_levels("level_at_least(i1, harm, general).", "level_at_most(i1, harm, serious).", drop=("harm",))
    path = write(text + 'evidence(i1, harm, "损失评估报告第2页").\n')
    run = CliRunner().invoke(main, ["check", str(path), "--atoms"])
    assert run.exit_code == 0, run.output
    assert "损失或负面影响：「一般」至「较大」　〔level_at_least(i1,harm,general) level_at_most(i1,harm,serious)〕" in run.output
    assert "证据：损失评估报告第2页" in run.output


def test_a_range_is_not_a_known_value_when_every_other_fact_is_known():
    """Every fact the regime reads is stated but the accident level is only a range: the completions
    still differ (no single model stands for them all)."""
    from rongcuo_asp.reasoner import solver

    text = with_levels("level_at_least(i1, accident, larger).", "level_at_most(i1, accident, major).", drop=("accident",))
    ff = parse_fact_text(text.encode())
    stated = {*ff.incidents["i1"].holds, *ff.incidents["i1"].levels, *ff.incidents["i1"].ranges, *ff.subjects["wang"].holds}
    rest = [k.name for k in solver("beijing").relevant if k.kind == "holds" and k.holder == "i" and k.name not in stated]
    r = result(text + "".join(f"-holds(i1, {name}).\n" for name in rest))
    assert r["verdict"] == "undetermined" and r["missing"] == ["level(i1,accident)"]
