"""Explanations: minimal sufficient reasons, facts to establish, contrasts, counterfactuals, comparison."""

import json

import pytest
from click.testing import CliRunner
from conftest import BEIJING, REPO

from rongcuo_asp import explain
from rongcuo_asp.cli import main
from rongcuo_asp.encoding import encodings_digest
from rongcuo_asp.factfile import parse_fact_text, read_fact_file
from rongcuo_asp.questions import compare_incident, explain_incident, per_incident, whatif_incident
from rongcuo_asp.reasoner import solver
from rongcuo_asp.vocabulary import vocabulary

SCEN = REPO / "facts" / "scenarios"


def load(path, incident="i1"):
    ff = read_fact_file(path) if not isinstance(path, str) else parse_fact_text(path.encode(), "t.lp")
    [ci] = per_incident(ff, incident)
    return ci


def entails(regime, facts: dict, goal: str) -> bool:
    s = solver(regime)
    sat, _, _ = s.solve_once([-s.goal_literal(goal), *s.assumptions(facts)])
    return not sat


def test_minimal_sufficient_reason_for_tolerable_exempt():
    ci = load(BEIJING)
    e = explain_incident(ci, "beijing", None)
    assert e["reason"]["goal"] == "exempt"
    assert e["reason"]["facts"] == [
        "-holds(i1,knowing_violation)",
        "subject_kind(wang,individual)",
        "holds(wang,public_official)",
        "holds(i1,ctx_public_service)",
        "holds(i1,cause_efficiency)",
        "holds(i1,effect_procedural_flaw)",
        "-holds(i1,private_gain)",
        "-holds(i1,unit_gain)",
        "-holds(i1,repeated_error)",
        "holds(i1,remedied)",
        "-holds(i1,refused_rectification)",
        "level(i1,accident,none)",
        "-holds(i1,political_discipline_violation)",
        "level(i1,environment,none)",
        "level(i1,mass_incident,none)",
        "-holds(i1,accountability_required)",
    ]  # org is not needed: 第七条第一款 and 第二款 together cover every organ; harm is not needed: 第十三条第（一）项
    # gives 免责 when accountability is not required and no adverse 动机态度 factor is established


@pytest.mark.parametrize(
    "path, regime",
    [
        ("beijing/exclusion_10_2.lp", "beijing"),
        ("changzhou_edu/outcome_reduce.lp", "changzhou_edu"),
        ("youxian/condition_7_3_fails.lp", "youxian"),
        ("university/outside_12_major_accident.lp", "university"),
        ("xsbn_college/exclusion_8_9.lp", "xsbn_college"),
    ],
)
def test_reasons_are_sufficient_and_subset_minimal(path, regime):
    ci = load(SCEN / path)
    s = solver(regime)
    known = ci.known
    result = explain_incident(ci, regime, None)
    goal = result["reason"]["goal"]
    keys = explain.why(s, known, goal)
    reason = {k: known[k] for k in keys}
    assert entails(regime, reason, goal)
    for k in keys:
        assert not entails(regime, {x: v for x, v in reason.items() if x != k}, goal), f"{k} is redundant"


def test_reason_for_not_tolerable_is_the_smallest_blocking_set():
    ci = load(SCEN / "beijing/exclusion_10_2.lp")
    e = explain_incident(ci, "beijing", None)
    assert e["reason"] == {
        "goal": "not_tolerable",
        "facts": ["subject_kind(s1,individual)", "holds(s1,public_official)", "holds(i1,private_gain)"],
    }


def test_reasons_are_deterministic():
    runs = [explain_incident(load(SCEN / "changzhou_edu/outcome_reduce.lp"), "changzhou_edu", "exempt") for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]


def test_undetermined_lists_what_to_establish_for_each_verdict():
    ci = load(SCEN / "beijing/undetermined_two_unknowns.lp")
    e = explain_incident(ci, "beijing", None)
    assert e["reason"] is None
    by = {t["verdict"]: t for t in e["to_establish"]}
    assert set(by) == {"not_tolerable", "tolerable"}
    assert [a["facts"] for a in by["tolerable"]["alternatives"]] == [["-holds(i1,private_gain)", "holds(i1,remedied)"]]
    assert by["tolerable"]["count"] == 2  # the only way
    assert [a["facts"] for a in by["not_tolerable"]["alternatives"]] == [["holds(i1,private_gain)"], ["-holds(i1,remedied)"]]
    assert by["not_tolerable"]["count"] == 1  # either alone suffices: both are listed
    known = ci.known
    s = solver("beijing")
    names = {k.name: k for k in s.values}
    for verdict, t in by.items():
        for alt in t["alternatives"]:
            extra = {names[c["fact"]]: c["to"] for c in alt["changes"]}
            assert all(c["from"] is None for c in alt["changes"])  # only unknown facts are to be established
            assert entails("beijing", {**known, **extra}, verdict)
            for k in extra:
                assert not entails("beijing", {**known, **{x: v for x, v in extra.items() if x != k}}, verdict)


def test_contrast_names_the_facts_in_the_way():
    ci = load(SCEN / "changzhou_edu/outcome_lighter_major.lp")
    c = explain_incident(ci, "changzhou_edu", "exempt")["contrast"]
    assert c["blocking"] == ["level(i1,harm,major)"]
    assert c["alternatives"] == [[{"fact": "harm", "from": "major", "to": t}] for t in ("none", "minor", "general")]


def test_whatif_every_minimal_alternative():
    ci = load(SCEN / "beijing/undetermined_two_unknowns.lp")
    w = whatif_incident(ci, "beijing", "not_tolerable", (), 60)
    alts = {tuple((c["fact"], c["from"], c["to"]) for c in alt) for alt in w["alternatives"]}
    assert alts == {
        (("private_gain", None, True),),
        (("remedied", None, False),),
        (("political_discipline_violation", False, True),),
        (("accident", "none", "major"),),
        (("accident", "none", "extraordinary"),),
        (("environment", "none", "serious"),),
        (("mass_incident", "none", "serious"),),
        (("knowing_violation", False, True),),  # 第四条 (明知故犯, reading 9)
        (("refused_rectification", False, True),),  # 第十条（四）(抵触改正)
    }
    assert all(f["articles"] and f["articles"][0].startswith(("第十条", "第四条")) for f in w["findings"])


def test_whatif_alternatives_really_reach_the_target():
    for path, regime, target in [
        ("beijing/undetermined_two_unknowns.lp", "beijing", "tolerable"),
        ("youxian/condition_7_3_fails.lp", "youxian", "tolerable"),
        ("xsbn_college/exclusion_8_10.lp", "xsbn_college", "exempt"),
        ("changzhou_edu/scope_out_division.lp", "changzhou_edu", "tolerable"),
    ]:
        ci = load(SCEN / path)
        known = ci.known
        w = whatif_incident(ci, regime, target, (), 60)
        assert w["alternatives"], path
        sizes = {len(a) for a in w["alternatives"]}
        assert len(sizes) == 1, "all alternatives have the minimal size"
        s = solver(regime)
        names = {k.name: k for k in s.values}
        for alt in w["alternatives"]:
            after = dict(known)
            after.update({names[c["fact"]]: c["to"] for c in alt})
            d = s.decide(after)
            assert target in (d.verdict, d.outcome), (path, alt)


def test_whatif_scope_change():
    ci = load(SCEN / "changzhou_edu/scope_out_division.lp")
    w = whatif_incident(ci, "changzhou_edu", "tolerable", (), 60)
    assert {tuple((c["fact"], c["to"]) for c in a) for a in w["alternatives"]} == {
        (("rank", "section_deputy"),),
        (("rank", "section"),),
        (("subject_kind", "unit"),),
    }


def test_whatif_no_alternative_keep_and_bound():
    ci = load(SCEN / "beijing/exclusion_10_2.lp")
    assert whatif_incident(ci, "beijing", "tolerable", ("private_gain",), 60)["alternatives"] == []
    ci = load(SCEN / "beijing/undetermined_two_unknowns.lp")
    assert whatif_incident(ci, "beijing", "tolerable", (), 1)["alternatives"] == []
    assert len(whatif_incident(ci, "beijing", "tolerable", (), 2)["alternatives"]) == 1


def test_whatif_does_not_change_a_derived_repeat():
    ci = load(SCEN / "cross/repeat_derived_changzhou.lp", "i2")
    w = whatif_incident(ci, "changzhou_edu", "tolerable", (), 60)
    assert w["alternatives"] == []  # 第八条 bars the derived repeat; only the dates could change it


def test_compare_across_regimes():
    ci = load(SCEN / "cross/repeat_compare_regimes.lp", "i2")
    c = compare_incident(ci)
    got = {r["regime"]: (r["verdict"], r["outcome"], r["deciding"]) for r in c["regimes"]}
    assert got["xsbn_college"] == ("not_tolerable", None, ["第八条第（七）项"])
    assert got["university"][:2] == ("tolerable", "mitigate") and got["beijing"][:2] == ("tolerable", "mitigate")
    # a public college applies the youxian document by reference (第二条); i2 repeats i1 (第十二条)
    assert got["youxian"] == ("not_tolerable", None, ["第十二条"]) and not c["agree"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize(
    "command",
    [
        ["check", SCEN / "beijing/exclusion_10_4.lp"],
        ["explain", SCEN / "beijing/exclusion_10_4.lp", "--contrast", "tolerable"],
        ["whatif", SCEN / "beijing/exclusion_10_4.lp", "--regime", "beijing", "--incident", "i1", "--target", "tolerable"],
        ["compare", SCEN / "beijing/exclusion_10_4.lp"],
    ],
)
@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_every_report_format_ends_with_version_title_and_digest(command, fmt):
    result = run(*command, "--format", fmt)
    assert result.exit_code == 0, result.output
    tail = result.stdout.strip().splitlines()[-1] if fmt != "html" else result.stdout
    assert "rongcuo-asp 0.1.0" in tail and "关于激励干部担当作为实施容错纠错工作办法（试行）" in tail
    # the digest of exactly the documents used (not any 64-character word: a checkout path can be one)
    assert tail.count(encodings_digest(["beijing"] if command[0] != "compare" else list(vocabulary().regimes))) == 1
    if fmt == "html":
        assert "<details open>" in result.output or command[0] == "compare"
        assert not any(x in result.output for x in ("http://", "https://", "src=", "<link"))


def test_explain_text_says_both_scenario_and_exclusion():
    out = run("explain", SCEN / "beijing/exclusion_10_4.lp").output
    assert "虽符合第八条第（五）项，但有第十条第（四）项情形，不予容错" in out
    assert "充分理由：仅凭以下一组已查明事实即可认定" in out and "缺少其中任何一项即不足以认定" in out


def test_whatif_finding_is_phrased_with_the_article():
    out = run(
        "whatif", SCEN / "beijing/exclusion_10_4.lp", "--regime", "beijing", "--incident", "i1", "--target", "tolerable"
    ).output
    assert "若「积极整改纠错」" in out and "由否改为是，则可容错（第八条第（五）项）" in out


def test_whatif_json_contract():
    result = run(
        "whatif",
        SCEN / "beijing/exclusion_10_4.lp",
        "--regime",
        "beijing",
        "--incident",
        "i1",
        "--target",
        "tolerable",
        "--format",
        "json",
    )
    data = json.loads(result.stdout)
    assert {k: data[k] for k in ("incident", "regime", "target")} == {
        "incident": "i1",
        "regime": "beijing",
        "target": "tolerable",
    }
    assert data["alternatives"] == [[{"fact": "remedied", "from": False, "to": True}]]


def test_no_alternative_is_stated():
    out = run(
        "whatif",
        SCEN / "beijing/exclusion_10_2.lp",
        "--regime",
        "beijing",
        "--incident",
        "i1",
        "--target",
        "tolerable",
        "--keep",
        "private_gain",
    ).output
    assert "均不能认定为「可容错」" in out


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--target", "great"], "未知的目标"),
        (["--keep", "nothing"], "--keep"),
        (["--incident", "i9"], "没有失误错误 i9"),
    ],
)
def test_whatif_bad_options_exit_2(args, needle):
    base = {"--target": "tolerable", "--incident": "i1"}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    flat = [x for kv in base.items() for x in kv]
    result = run("whatif", SCEN / "beijing/exclusion_10_2.lp", "--regime", "beijing", *flat)
    assert result.exit_code == 2 and needle in result.output


def test_whatif_reaches_mitigate_and_never_a_degree_no_text_separates():
    """The outcome 从轻或者减轻 (mitigate) is a target like any other; reduce/lighter as outcomes
    exist only where a text separates them (none of the five): asked for, no alternative."""
    from rongcuo_asp.whatif import whatif

    ci = load(SCEN / "changzhou_edu/outcome_exempt_general_full.lp")
    w = whatif("changzhou_edu")
    alts = w.alternatives(ci.known, "mitigate", set(), 60)
    assert sorted((c.key.name, c.new) for [c] in alts) == [
        ("harm", "major"),
        ("harm", "serious"),
        ("recovery", "none"),
        ("recovery", "partial"),
    ]
    assert w.alternatives(ci.known, "reduce", set(), 60) == []
    assert explain.why_not(solver("changzhou_edu"), ci.known, "reduce") == []
