"""Readings the encodings state, and the facts a degree rests on through the outcome helpers."""

import json
import re

from click.testing import CliRunner
from conftest import REPO

from rongcuo_asp.cli import main
from rongcuo_asp.encoding import load_encoding
from rongcuo_asp.vocabulary import vocabulary

SCEN = REPO / "facts" / "scenarios"


def results(path, *args) -> list[dict]:
    out = CliRunner().invoke(main, ["check", str(path), *args, "--format", "json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)["results"]


def ground(result: dict, article: str) -> dict:
    (g,) = [g for g in result["grounds"] if g["article"] == article]
    return g


def test_mitigate_rests_on_the_text_and_the_suggestion_is_the_tools():
    """xsbn 第十条（五）: 确需追责 decides 从轻或者减轻 by itself; 从轻 vs 减轻 is only a suggestion,
    beside the outcome, with the levels it rests on and the reading."""
    [r] = results(SCEN / "xsbn_college/outcome_10_5_accountability.lp")
    g = ground(r, "第十条第（五）项")
    assert (r["outcome"], g["role"], g["outcome"]) == ("mitigate", "outcome", "mitigate")
    assert g["facts"] == ["holds(i1,accountability_required)", "-holds(i1,not_liable_at_the_time)"]
    s = r["suggested_degree"]
    assert s["degree"] == "lighter"
    assert s["facts"] == ["level(i1,harm,serious)", "level(i1,recovery,partial)"]
    assert "条文未区分从轻与减轻" in s["reading"] and "本工具的建议" in s["reading"]


def test_unknown_levels_leave_no_suggestion_and_no_undetermined_outcome():
    [r] = results(SCEN / "beijing/outcome_mitigate_recovery_unknown.lp")
    assert (r["verdict"], r["outcome"], r["suggested_degree"]) == ("tolerable", "mitigate", None)
    assert r["missing"] == []


def test_exempt_has_no_suggestion():
    [r] = results(REPO / "facts/examples/beijing_example.lp")
    assert r["outcome"] == "exempt" and r["suggested_degree"] is None


def test_the_exempt_degree_of_beijing_rests_on_the_text_not_on_harm():
    [r] = results(REPO / "facts/examples/beijing_example.lp")
    g = ground(r, "第十三条第（一）项")
    assert "holds(i1,accountability_required)" not in g["facts"] and "-holds(i1,accountability_required)" in g["facts"]
    assert not any(f.startswith("level(i1,harm") for f in g["facts"])  # 第十三条（一） does not read the harm
    assert g["reading"].startswith("本工具的理解：无须问责追责")


def test_a_scale_comparison_names_only_the_level_that_satisfied_it():
    """xsbn 第六条（五）: 'harm <= minor' is favourable; a serious harm must not be listed under it."""
    [r] = results(SCEN / "xsbn_college/outcome_10_5_accountability.lp")
    favourable = [f for f in r["factors"] if f["article"] == "第六条第（五）项" and f["kind"] == "favourable"]
    assert favourable and all("level(i1,harm,serious)" not in f["facts"] for f in favourable)


def test_a_failed_condition_names_the_blocking_value_only():
    [r] = results(SCEN / "changzhou_edu/condition_6_6_serious_pollution.lp")
    g = ground(r, "第六条第（六）项")
    assert g["effect"] == "against" and g["facts"] == ["level(i1,environment,serious)"]
    assert "严重环境污染属“较大以上责任事故”" in g["reading"]


def test_helpers_unfold_into_alternatives():
    """xsbn 第七条（四）: (emergency or stability) x public interest x (bold action or risk taking)."""
    rules = [r for r in load_encoding("xsbn_college").rules if r.pred == "scenario" and r.head == ("第七条第（四）项",)]
    bodies = {frozenset(p.args[1] for p in r.body) for r in rules}
    assert bodies == {
        frozenset({ctx, "public_interest", cause})
        for ctx in ("ctx_emergency", "ctx_stability")
        for cause in ("cause_bold_action", "cause_risk_taking")
    }
    assert all(r.via == ("emergency_work", "resolute") for r in rules)


def test_the_other_reading_of_changzhou_article_8_is_reported():
    """第八条 "只适用一次容错认定": a repeat never tolerated before would be tolerable under the other reading."""
    by = {r["incident"]: r for r in results(SCEN / "cross/repeat_derived_changzhou.lp")}
    assert by["i2"]["verdict"] == "not_tolerable"
    [c] = [c for c in by["i2"]["conflicts"] if c["kind"] == "reading"]
    assert (c["article"], c["literal_verdict"]) == ("第八条", "tolerable")
    assert c["reading"] == vocabulary().data["readings"]["changzhou_edu/第八条"]["reading"]
    assert not [c for c in by["i1"]["conflicts"] if c["kind"] == "reading"]
    out = CliRunner().invoke(main, ["check", str(SCEN / "cross/repeat_derived_changzhou.lp")]).output
    assert "按第八条的另一种理解" in out and "本件将为「可容错」" in out


def test_no_internal_reference_in_reports():
    """Reports speak Chinese to a reviewer: no spec file names, no numbered readings."""
    for path in (REPO / "facts/examples/beijing_example.lp", SCEN / "youxian/condition_7_3_no_collective.lp"):
        for fmt in ("text", "json"):
            out = CliRunner().invoke(main, ["check", str(path), "--format", fmt]).output
            assert "reasoning.md" not in out and not re.search(r"解读\d", out), out


def test_provisions_list_the_readings():
    out = CliRunner().invoke(main, ["provisions", "--regime", "university", "--format", "json"]).output
    articles = {a["article"]: a for a in json.loads(out)["articles"]}
    cited = {r["citation"] for r in articles["第十二条"]["readings"]}
    assert cited == {"第十二条"}
    assert any("不应当追究责任的，无论是否另有其他情形，均予免责" in r["text"] for r in articles["第五条"]["readings"])
    cited = {r["citation"] for r in articles["第二条"]["readings"]}
    assert any("何种情形免责" in r["text"] for r in articles["第二条"]["readings"]), cited


def test_beijing_admitted_error_is_a_favourable_factor(tmp_path):
    """北京 第九条（一）"是主动认错悔错改错还是漠视错误、抵触改正": admitted_error is weighed (issue 19 item 10)."""
    src = (SCEN / "beijing/outcome_reduce.lp").read_text(encoding="utf-8")
    path = tmp_path / "admitted.lp"
    path.write_text(src.replace("expect(", "% expect(") + "holds(i1, admitted_error).\n", encoding="utf-8")
    [r] = results(path)
    factors = [f for f in r["factors"] if f["article"] == "第九条第（一）项" and f["kind"] == "favourable"]
    assert any("holds(i1,admitted_error)" in f["facts"] for f in factors)
    assert {"fact": "holds(i1,admitted_error)", "read": True} in r["known"]
    assert r["outcome"] == "mitigate"  # a factor: the verdict and outcome do not change


READINGS_REPORTED = [
    ("beijing/exclusion_4_knowing.lp", "beijing/第四条", "第四条", "tolerable"),
    ("beijing/exclusion_10_3_environment_ordinary.lp", "beijing/第十条第（三）项", "第十条第（三）项", "not_tolerable"),
    ("xsbn_college/scenario_7_4_other_reading.lp", "xsbn_college/第七条第（四）项", "第七条第（四）项", "not_tolerable"),
    ("university/scenario_5_2_other_reading.lp", "university/第五条第（二）项", "第五条第（二）项", "not_tolerable"),
    ("university/outside_12_larger_accident.lp", "university/第十二条", "第十二条", "not_applicable"),
]


def test_disputed_readings_report_the_other_verdict():
    """Issue 19, readings a reviewer will dispute: where the other reading would give another verdict,
    the result says so (conflicts: reading) and the report words it."""
    for path, key, article, other in READINGS_REPORTED:
        [r] = results(SCEN / path)
        [c] = [c for c in r["conflicts"] if c["kind"] == "reading"]
        assert (c["article"], c["literal_verdict"]) == (article, other), path
        assert c["reading"] == vocabulary().data["readings"][key]["reading"]
        assert c["literal_verdict"] != r["verdict"]
        out = CliRunner().invoke(main, ["check", str(SCEN / path)]).stdout
        assert f"按{c['reading']}" in out, path


def test_no_other_reading_where_it_gives_the_same_verdict():
    """Both 果断决策 and 积极担当作为, or another item met: the other reading changes nothing."""
    for path in ("beijing/scenario_8_5.lp", "university/scenario_5_2.lp", "xsbn_college/scenario_7_4.lp"):
        [r] = results(SCEN / path)
        assert not [c for c in r["conflicts"] if c["kind"] == "reading"], path
