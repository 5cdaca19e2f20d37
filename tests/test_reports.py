"""Reports a reviewer can file: the case as written, regime wording, HTML layout, Chinese help."""

import json
import re

import pytest
from click.testing import CliRunner
from conftest import BEIJING

from rongcuo_asp.cli import main
from rongcuo_asp.encoding import load_encoding
from rongcuo_asp.vocabulary import vocabulary

NAMED = BEIJING.replace("subject(c1, wang).\n", 'subject(c1, wang).\nname(wang, "王某").\nname(c1, "某区容缺受理案").\n').replace(
    "holds(i1, remedied).\n", 'holds(i1, remedied).\nmatter(i1, "容缺受理试点").\ndate(i1, occurred, "2024-03-15").\n'
)


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def test_names_matter_and_dates_head_every_report(write):
    path = write(NAMED)
    for fmt in ("text", "md", "html"):
        out = run("check", path, "--format", fmt).output
        assert "王某：容缺受理试点（i1）" in out, fmt
        assert "某区容缺受理案（c1）" in out and "失误发生 2024-03-15" in out, fmt
    [r] = json.loads(run("check", path, "--format", "json").stdout)["results"]
    assert (r["subject_name"], r["case_name"], r["matter"]) == ("王某", "某区容缺受理案", "容缺受理试点")
    assert r["dates"] == {"occurred": "2024-03-15"}


def test_chinese_identifiers_are_refused_with_the_name_hint(write):
    result = run("check", write(BEIJING.replace("subject(c1, wang).", "subject(c1, 王某).")))
    assert result.exit_code == 2 and 'name(lin, "林某")' in result.output and "case.lp:3:" in result.output
    bad = write(NAMED + 'name(zz, "某").\nname(wang, "李某").\nname(c1, foo).\n')
    out = run("check", bad).output
    assert "zz 既不是已声明的案件" in out and "矛盾：name(wang)" in out and "应为非空字符串" in out


def test_every_stated_fact_is_shown_and_unread_ones_apart(write):
    # Beijing's text says nothing of 创造性开展工作 (a 常州/高校 scenario element)
    path = write(NAMED + "holds(i1, ctx_creative_work).\n")
    [r] = json.loads(run("check", path, "--format", "json").stdout)["results"]
    known = {k["fact"]: k["read"] for k in r["known"]}
    assert known["holds(i1,ctx_creative_work)"] is False and known["holds(i1,remedied)"] is True
    # every fact but the names and case/regime/subject/incident/matter/date, and the one added
    assert len(known) == NAMED.count(").") - NAMED.count("name(") - 6 + 1
    out = run("check", path).output
    head, _, rest = out.partition("其他已查明事实（本办法未作规定）")
    assert "创造性开展工作" in rest.split("认定依据")[0] and "创造性开展工作" not in head
    assert "已查明事实（" in head


def test_undetermined_report_lists_what_is_known(write):
    out = run("check", write("case(c1).\nregime(c1, beijing).\nsubject(c1, s).\nincident(s, i1).\n")).output
    assert "已查明事实：无" in out and "需核实的事实" in out


def test_regime_wording_of_features():
    voc = vocabulary()
    assert voc.label("feature", "ctx_public_service", "beijing") == "服务群众、服务企业、服务基层"
    assert voc.label("feature", "ctx_public_service") == voc.incident_features["ctx_public_service"]["zh"]
    for table in (voc.incident_features, voc.subject_features):
        for feature, entry in table.items():
            for regime, text in entry.get("zh_by_regime", {}).items():
                enc = load_encoding(regime)
                assert feature in enc.text, (feature, regime)  # the regime reads the feature
                articles = "".join(a.text for a in enc.articles.values())
                for phrase in re.split(r"[、，；]", text):  # every phrase is the regime's own
                    assert phrase in articles, (feature, regime, phrase)


@pytest.mark.parametrize(
    "regime, said",
    [
        ("changzhou_edu", "是否属于其他符合“三个区分开来”精神的情形（第七条第（十）项）"),
        ("youxian", "是否属于其他符合容错免责情形（第七条第（十）项）"),
        ("xsbn_college", "是否属于其他符合容错情形（第七条第（九）项）"),
        ("university", "是否属于其他符合有关规定，经研究决定或报请上级同意后可视为容错情形（第五条第（九）项）"),
    ],
)
def test_each_catch_all_item_is_asked_in_its_own_documents_words(write, regime, said):
    """常州 第七条（十） says only 其他符合“三个区分开来”精神的情形: no 经研究决定或报请上级同意 of another text."""
    out = run("check", write("case(c1).\nsubject(c1, s).\nincident(s, i1).\n"), "--regime", regime).output
    assert said in out, out


def test_a_beijing_report_speaks_beijing(write):
    out = run("check", write(BEIJING)).output
    assert "服务群众、服务企业、服务基层：是" in out and "服务师生" not in out


def test_atoms_only_when_asked(write):
    path = write(BEIJING)
    plain, atoms = run("check", path).output, run("check", path, "--atoms").output
    assert "holds(i1,ctx_public_service)" not in plain and "〔holds(i1,ctx_public_service)〕" in atoms
    html = run("check", path, "--format", "html").output
    assert "<code>holds(" not in html


def test_html_verdict_summary_and_print(write):
    path = write(NAMED + NAMED.replace("c1", "c2").replace("wang", "li").replace("i1", "i2").replace("王某", "李某"))
    html = run("check", path, "--format", "html", "--regime", "all").output
    assert 'class="verdict verdict-tolerable"' in html
    summary = html.split("<h2>")[1]
    assert summary.startswith("汇总（10 项认定）") and summary.count("<tr class=") == 10
    assert "全部展开" in html and "beforeprint" in html and "size: A4" in html
    one = run("check", write(BEIJING, "one.lp"), "--format", "html").output
    assert "汇总" not in one  # one incident under one regime: no summary table


def test_compare_is_a_table(write):
    out = run("compare", write(NAMED), "--format", "html").output
    table = out.split("<table>")[1].split("</table>")[0]
    assert table.count("<tr class=") == 5 and "<th>决定条款</th>" in table and "北京市办法" in table
    md = run("compare", write(NAMED), "--format", "md").output
    assert "| 办法 | 结论 | 决定条款 | 需核实的事实 |" in md


def test_help_is_chinese_with_examples():
    top = run("-h").output
    assert top.startswith("用法:") and "选项（options）" in top and "命令（commands）" in top
    for command in ("check", "explain", "whatif", "compare", "batch", "test", "verify", "regimes", "provisions", "vocabulary"):
        text = run(command, "-h").output
        assert "示例：" in text and f"rongcuo {command}" in text.split("示例：")[1], command
        assert "Show this message" not in text and "Options" not in text and "[default" not in text, command
    assert "不予容错（not_tolerable）" in run("whatif", "-h").output
    error = run("check", "x.lp", "--regime", "nowhere")
    assert error.exit_code == 2 and "取值无效" in error.output
