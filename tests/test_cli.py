"""The command line: contracts of ../shared/spec/reasoning.md, exit status 2 on bad input, safety."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import BEIJING, REPO

from rongcuo_asp.cli import main
from rongcuo_asp.vocabulary import vocabulary

VERDICTS = {"tolerable", "not_tolerable", "not_applicable", "undetermined"}


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def check_json(*args) -> list[dict]:
    result = run("check", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["results"]


def test_json_contract_fields(write):
    [r] = check_json(write(BEIJING))
    for key in (
        "file",
        "case",
        "incident",
        "regime",
        "verdict",
        "outcome",
        "grounds",
        "missing",
        "factors",
        "procedure",
        "conflicts",
    ):
        assert key in r
    assert (r["verdict"], r["outcome"]) == ("tolerable", "exempt")
    assert {"article", "role", "facts"} <= set(r["grounds"][0])
    scenario = next(g for g in r["grounds"] if g["role"] == "scenario")
    assert scenario["article"] == "第八条第（五）项"
    assert scenario["facts"] == ["holds(i1,ctx_public_service)", "holds(i1,cause_efficiency)", "holds(i1,effect_procedural_flaw)"]
    assert "出现一定程序瑕疵" in scenario["text"]


def test_regime_all_gives_one_verdict_per_regime(write):
    results = check_json(write(BEIJING), "--regime", "all")
    assert [r["regime"] for r in results] == ["changzhou_edu", "youxian", "xsbn_college", "university", "beijing"]
    assert all(r["verdict"] in VERDICTS for r in results)
    assert results[0]["verdict"] == "not_applicable"  # a district government official is outside 常州教育局's scope


def test_unknown_facts_make_undetermined_with_missing(write):
    text = BEIJING.replace("holds(i1, remedied).\n", "").replace("-holds(i1, private_gain).\n", "")
    [r] = check_json(write(text))
    assert r["verdict"] == "undetermined" and r["outcome"] is None
    assert r["missing"] == ["holds(i1,private_gain)", "holds(i1,remedied)"]


def test_one_established_exclusion_decides_despite_unknowns(write):
    text = "case(c1).\nsubject(c1,w).\nsubject_kind(w,individual).\nholds(w,public_official).\nincident(w,i1).\nholds(i1,private_gain).\n"
    [r] = check_json(write(text), "--regime", "beijing")
    assert r["verdict"] == "not_tolerable" and r["missing"] == []
    assert [g["article"] for g in r["grounds"] if g["role"] == "exclusion"] == ["第十条第（二）项"]


def test_exclusion_beats_scenario_and_says_both(write):
    [r] = check_json(write(BEIJING.replace("-holds(i1, private_gain).", "holds(i1, private_gain).")))
    assert r["verdict"] == "not_tolerable"
    assert {"kind": "rule_conflict", "scenario": "第八条第（五）项", "exclusion": "第十条第（二）项"}.items() <= r["conflicts"][
        0
    ].items()
    text = run("check", write(BEIJING.replace("-holds(i1, private_gain).", "holds(i1, private_gain)."))).output
    assert "虽符合第八条第（五）项，但有第十条第（二）项情形，不予容错" in text


def test_failed_condition_names_the_blocking_fact():
    [r] = check_json(REPO / "facts/scenarios/youxian/condition_7_3_no_collective.lp")
    failed = [g for g in r["grounds"] if g["effect"] == "against"]
    assert failed == [dict(failed[0], article="第七条第（三）项", role="condition", facts=["-holds(i1,democratic_decision)"])]
    assert any(c["kind"] == "reading" and c["literal_verdict"] == "tolerable" for c in r["conflicts"])


def test_repeat_conflicts_are_reported():
    results = check_json(REPO / "facts/scenarios/cross/repeat_compare_regimes.lp", "--regime", "all")
    by = {(r["incident"], r["regime"]): r for r in results}
    xs = by[("i2", "xsbn_college")]
    assert xs["verdict"] == "not_tolerable"
    assert {"kind": "repeat", "repeats": "i1", "article": "第八条第（七）项", "effect": "bars"}.items() <= xs["conflicts"][
        0
    ].items()
    bj = by[("i2", "beijing")]
    assert bj["verdict"] == "tolerable"
    assert any(f["article"] == "第九条第（一）项" and f["kind"] == "adverse" for f in bj["factors"])
    assert bj["conflicts"][0]["effect"] == "factor"


def test_files_are_separate_namespaces(write, tmp_path):
    a = write(BEIJING, "a.lp")
    b = write(BEIJING.replace("holds(i1, remedied).", "-holds(i1, remedied)."), "b.lp")
    ra, rb = check_json(a, b)
    assert (ra["incident"], rb["incident"]) == ("i1", "i1")
    assert (ra["verdict"], rb["verdict"]) == ("tolerable", "not_tolerable")


def test_text_report_is_chinese(write):
    out = run("check", write(BEIJING)).output
    assert "结论：可容错（免责）" in out and "第八条第（五）项" in out and "判断因素" in out
    out = run("check", write(BEIJING.replace("holds(i1, remedied).\n", ""))).output
    assert "事实不足，暂无法认定" in out and "需核实的事实" in out and "事后是否积极整改纠错" in out


def test_bad_file_exits_2_with_file_and_line(write):
    good = write(BEIJING, "good.lp")
    bad = write(BEIJING + "holds(i1, remedyed).\n", "bad.lp")
    result = run("check", good, bad, "--format", "json")
    assert result.exit_code == 2
    assert f"{bad}:19:" in result.output and "remedied" in result.output
    assert '"results"' not in result.output  # nothing partial


def test_case_without_regime_needs_option(write):
    path = write(BEIJING.replace("regime(c1, beijing).\n", ""))
    result = run("check", path)
    assert result.exit_code == 2 and "--regime" in result.output and ":1:" in result.output
    assert run("check", path, "--regime", "beijing").exit_code == 0


def test_unknown_regime_and_missing_file_exit_2(write):
    assert run("check", write(BEIJING), "--regime", "shanghai").exit_code == 2
    assert run("check", "/nonexistent/x.lp").exit_code == 2


def test_script_in_fact_file_never_runs(write, tmp_path):
    marker = tmp_path / "pwned"
    path = write(f'case(c1).\n#script (python)\nimport pathlib\npathlib.Path("{marker}").write_text("x")\n#end.\n')
    result = subprocess.run(
        [sys.executable, "-m", "rongcuo_asp", "check", str(path), "--regime", "beijing"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 2 and "#script" in result.stderr and "Traceback" not in result.stderr
    assert not marker.exists()


def test_include_of_system_path_is_refused(write):
    result = run("check", write('case(c1).\n#include "/etc/passwd".\n'), "--regime", "beijing")
    assert result.exit_code == 2 and ":2:" in result.output and "#include" in result.output


def test_output_file_is_written_atomically(write, tmp_path):
    out = tmp_path / "report.json"
    assert run("check", write(BEIJING), "--format", "json", "-o", out).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["results"][0]["verdict"] == "tolerable"
    before = out.read_text(encoding="utf-8")
    assert run("check", write("nonsense", "bad.lp"), "-o", out).exit_code == 2
    assert out.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_regimes_and_provisions():
    out = run("regimes").output
    assert "beijing" in out and "中共北京市委办公厅" in out and "2020-06-28" in out
    prov = json.loads(run("provisions", "--regime", "beijing", "--format", "json").output)
    articles = {a["article"]: a for a in prov["articles"]}
    assert len(articles) == 22 and articles["第十条"]["treatment"] == "decision"
    assert {"citation": "第十条第（四）项", "role": "exclusion"} in articles["第十条"]["items"]
    assert articles["第十一条"]["treatment"] == "procedure"
    assert "第十条〔认定规则（已编码）〕" in run("provisions", "--regime", "beijing").output


def test_vocabulary_command_reads_the_data_file():
    out = run("vocabulary").output
    assert "`remedied`" in out and "主动采取有效措施整改纠错" in out and "none minor general serious major" in out


@pytest.mark.skipif(os.name != "posix", reason="console script check")
def test_no_traceback_on_internal_error_path(write):
    result = subprocess.run(
        [sys.executable, "-m", "rongcuo_asp", "check", str(write(b"\xff\xfe"))], capture_output=True, text=True
    )
    assert result.returncode == 2 and "UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_unwritable_output_is_exit_2(write, tmp_path):
    result = run("check", write(BEIJING), "-o", tmp_path / "no" / "such" / "dir.json")
    assert result.exit_code == 2 and "无法写入" in result.output
    result = CliRunner().invoke(main, ["batch", str(write(BEIJING)), "-o", str(tmp_path / "no" / "x.jsonl"), "--no-progress"])
    assert result.exit_code == 2 and "无法写入" in result.output


def test_output_files_get_the_usual_permissions(write, tmp_path):
    out = tmp_path / "r.json"
    old = os.umask(0o022)
    try:
        assert run("check", write(BEIJING), "--format", "json", "-o", out).exit_code == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


def test_check_says_whether_a_files_expectations_hold(write):
    good = write(BEIJING + "expect(i1, beijing, tolerable, exempt).\n", "good.lp")
    result = CliRunner().invoke(main, ["check", str(good)])
    assert result.exit_code == 0 and "预期核对：1 项预期全部符合。" in result.output
    bad = write(BEIJING + "expect(i1, beijing, tolerable, reduce).\n", "bad.lp")
    result = CliRunner().invoke(main, ["check", str(bad), "--format", "json"])
    assert (
        result.exit_code == 1
        and "预期核对：1 项预期中 1 项不符" in result.output
        and "expected tolerable/reduce" in result.output
    )
    assert run("check", write(BEIJING, "plain.lp")).exit_code == 0  # no expectations: nothing to say


def test_whatif_takes_regime_incident_and_chinese_targets():
    path = REPO / "facts/scenarios/beijing/exclusion_10_4.lp"
    by_code = run("whatif", path, "--regime", "beijing", "--incident", "i1", "--target", "tolerable", "--format", "json")
    by_name = run("whatif", path, "--target", "可容错", "--format", "json")  # one regime, one incident: from the file
    assert by_name.exit_code == 0 and json.loads(by_name.stdout) == json.loads(by_code.stdout)
    assert "不予容错（not_tolerable）" in run("whatif", path, "--target", "通过").output
    out = run("explain", path, "--contrast", "免责")
    assert out.exit_code == 0 and "而不是「可容错（免责）」" in out.stdout
    two = REPO / "facts/scenarios/cross/repeat_compare_regimes.lp"
    assert run("whatif", two, "--target", "可容错").exit_code == 2  # two incidents: say which


def test_vocabulary_lists_every_value_users_write():
    out = run("vocabulary").output
    voc = vocabulary()
    for name in [*voc.orgs, *voc.ranks, *voc.subject_kinds, *voc.events, *voc.verdicts, *voc.outcomes]:
        assert f"`{name}`" in out, name
    assert "| `suspension_ordered` | 决定暂缓认定（暂挂） |" in out and "| `unknown_calendar` |" in out


def test_every_command_is_described_in_the_help():
    """register's line read just "...": each command says what it does in a few words."""
    from click.testing import CliRunner as Runner

    from rongcuo_asp.cli import COMMANDS
    from rongcuo_asp.cli import main as group

    out = Runner().invoke(group, ["--help"]).output
    for name in COMMANDS:
        [line] = [x for x in out.splitlines() if x.strip().startswith(name + " ")]
        described = line.strip()[len(name) :].strip()
        assert len(described.strip(".")) > 8 and f"（{name}）" in described, line
