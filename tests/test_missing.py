"""What a reviewer must still establish: difference-making facts, in the law's order, with thresholds."""

import json

from click.testing import CliRunner
from conftest import REPO

from rongcuo_asp.cli import main
from rongcuo_asp.encoding import citation_key

SCEN = REPO / "facts" / "scenarios"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one(path, *args) -> dict:
    out = run("check", path, *args, "--format", "json")
    assert out.exit_code == 0, out.output
    [r] = json.loads(out.stdout)["results"]
    return r


def test_missing_follows_the_law_and_marks_decisive_facts():
    r = one(SCEN / "youxian/sparse_emergency.lp")
    roles = [m["role"] for m in r["missing_detail"]]
    # the law's order: scope, scenarios, conditions, then the bars (exclusions and the repeat rule, by
    # article: 游仙 第十二条 holds both), then the degree
    rank = {"scope": 0, "scenario": 1, "condition": 2, "exclusion": 3, "repeat": 3, "outcome": 4}
    assert roles == sorted(roles, key=rank.__getitem__), roles
    bars = [citation_key(m["article"]) for m in r["missing_detail"] if rank[m["role"]] == 3]
    assert bars == sorted(bars), bars
    # the nearest scenario item first: 第七条第（九）项 lacks only its cause
    assert [m["fact"] for m in r["missing_detail"][:2]] == ["holds(i1,cause_risk_taking)", "holds(i1,cause_vested_interests)"]
    assert {m["article"] for m in r["missing_detail"][:2]} == {"第七条第（九）项"}
    decisive = {m["fact"] for m in r["missing_detail"] if m["decisive"]}
    assert "holds(i1,knowing_violation)" in decisive  # established, it alone bars tolerance (第三条)
    assert "holds(i1,cause_risk_taking)" not in decisive  # alone it does not settle the verdict
    assert [m["fact"] for m in r["missing_detail"]] == r["missing"]
    text = run("check", SCEN / "youxian/sparse_emergency.lp").stdout
    text = text[text.index("需核实的事实") :]
    assert text.index("容错情形") < text.index("容错条件") < text.index("不予容错情形") < text.index("处理程度")
    assert "是否明知故犯（第三条「明知故犯的违纪违法行为」）（单项即可决定）" in text  # the phrase of the law it encodes


def test_thresholds_not_values_three_unknown_levels():
    """北京第十条第（三）项 sets thresholds: what to establish is 未达「重大」/未达「严重」, one alternative."""
    out = run("explain", SCEN / "beijing/three_unknown_levels.lp", "--format", "json")
    [e] = json.loads(out.stdout)["explanations"]
    by = {t["verdict"]: t for t in e["to_establish"]}
    [alt] = by["tolerable"]["alternatives"]
    assert {c["fact"]: c["range"] for c in alt["changes"]} == {
        "accident": "未达「重大」",
        "environment": "未达「严重」",
        "mass_incident": "未达「严重」",
    }
    assert {c["fact"]: c["values"] for c in alt["changes"]}["accident"] == ["none", "ordinary", "larger"]
    assert by["tolerable"]["count"] == 3 and by["tolerable"]["total"] == 1
    ways = {c["fact"]: c["range"] for a in by["not_tolerable"]["alternatives"] for c in a["changes"]}
    assert ways == {"accident": "达到「重大」及以上", "environment": "「严重」", "mass_incident": "「严重」"}
    w = run(
        "whatif",
        SCEN / "beijing/three_unknown_levels.lp",
        "--regime",
        "beijing",
        "--incident",
        "i1",
        "--target",
        "tolerable",
        "--format",
        "json",
    )
    got = json.loads(w.stdout)
    assert len(got["alternatives"]) == 12  # the exact alternatives stay in the JSON contract
    assert len(got["findings"]) == 1  # ... and are one alternative for a reader
    text = run("explain", SCEN / "beijing/three_unknown_levels.lp").output
    assert "至少还需查明 3 项事实" in text and "「责任事故」：未达「重大」" in text


def test_an_unknown_organ_is_a_range_of_the_scope_list():
    out = run("explain", SCEN / "youxian/scope_unknown_org_type.lp", "--format", "json")
    [e] = json.loads(out.stdout)["explanations"]
    by = {t["verdict"]: t for t in e["to_establish"]}
    [[org]] = [a["changes"] for a in by["tolerable"]["alternatives"]]
    assert org["fact"] == "org" and org["range"] == "不为「民主党派机关」、「工商联机关」、「其他」"
    assert "government" in org["values"] and "college" in org["values"]  # 参照执行 counts too
    [[out_of_scope]] = [a["changes"] for a in by["not_applicable"]["alternatives"]]
    assert set(out_of_scope["values"]) == {"democratic_party_organ", "federation_of_industry", "other"}


def test_no_empty_or_self_referential_sentences(tmp_path):
    """Every report of every scenario file: no empty bullet, no 「若，则」, nothing changed to reach what holds."""
    import re

    from rongcuo_asp.factfile import read_fact_file

    files = sorted((REPO / "facts").rglob("*.lp"))
    assert len(files) > 150
    bad = re.compile(r"^\s*-\s*$|若，|，则$|改变 0 项|「」|（）", re.M)
    for path in files:
        ff = read_fact_file(path)
        regimes = {e[0] for inc in ff.incidents.values() for e in inc.expects} or {"beijing"}
        for regime in sorted(regimes):
            outputs = [run("check", path, "--regime", regime).output, run("explain", path, "--regime", regime).output]
            for inc in ff.incidents:
                for target in ("tolerable", "exempt"):
                    outputs.append(run("whatif", path, "--regime", regime, "--incident", inc, "--target", target).output)
            outputs.append(run("explain", path, "--regime", regime, "--contrast", "exempt").output)
            for out in outputs:
                assert not bad.search(out), (path, regime, bad.search(out).group(0), out)


def test_a_contrast_or_whatif_with_the_target_reached_says_so():
    path = REPO / "facts/examples/beijing_example.lp"
    out = run("explain", path, "--contrast", "exempt")
    assert out.exit_code == 0 and "已认定为「可容错（免责）」，无需改变。" in out.output
    assert "为何是「可容错（免责）」而不是「可容错（免责）」" not in out.output
    out = run("whatif", path, "--regime", "beijing", "--incident", "i1", "--target", "tolerable")
    assert out.exit_code == 0 and "已认定为「可容错」，无需改变。" in out.output
    got = json.loads(
        run("whatif", path, "--regime", "beijing", "--incident", "i1", "--target", "tolerable", "--format", "json").output
    )
    assert got["already"] is True and got["alternatives"] == [[]] and got["findings"] == []


def test_reports_say_what_was_checked_and_did_not_apply():
    out = run("check", REPO / "facts/examples/beijing_example.lp").stdout
    assert "经审查，不存在第四条、第十条所列不予容错情形。" in out  # 第四条: 明知故犯 (reading 9)
    out = run("check", SCEN / "changzhou_edu/scenario_7_2.lp").stdout
    assert (
        "经审查，不存在第五条、第十一条第（三）项所列不予容错情形，不属第八条规定的重复失误，符合第三条、第六条所列容错条件。"
        in out
    )
    out = run("check", SCEN / "youxian/sparse_emergency.lp").stdout
    assert "尚待核实是否存在的不予容错情形：第三条、第十二条。" in out
