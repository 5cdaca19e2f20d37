"""Evidence behind findings (evidence/3), the gap list, and the written 容错认定意见."""

import json
import re

import pytest
from click.testing import CliRunner
from conftest import BEIJING, REPO

from rongcuo_asp.cli import main
from rongcuo_asp.factfile import read_fact_file

EVIDENCE = 'evidence(i1, remedied, "询问笔录（2024-04-02）第3页").\nevidence(i1, remedied, "整改报告").\nevidence(wang, org, "任职文件").\n'
NAMED = BEIJING.replace("subject(c1, wang).\n", 'subject(c1, wang).\nname(wang, "王某").\n') + 'matter(i1, "容缺受理试点").\n'


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def test_evidence_is_read_several_per_fact(write):
    ff = read_fact_file(write(BEIJING + EVIDENCE))
    assert ff.incidents["i1"].evidence == {"remedied": ["询问笔录（2024-04-02）第3页", "整改报告"]}
    assert ff.subjects["wang"].evidence == {"org": ["任职文件"]}


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ('evidence(i1, vile_impact, "笔录").', "证据所指事实未认定"),
        ('evidence(i1, remedyed, "笔录").', "是否指 remedied"),
        ('evidence(i1, occurred, "笔录").', "证据所指事实未认定"),  # no occurred date in the file
        ('evidence(zz, remedied, "笔录").', "zz 既不是已声明的失误错误"),
        ("evidence(i1, remedied, bilu).", "应为非空字符串"),
        ('evidence(i1, remedied, "").', "应为非空字符串"),
    ],
)
def test_evidence_of_nothing_is_refused_with_file_and_line(write, line, needle):
    path = write(BEIJING + line + "\n")
    result = run("check", path)
    last = BEIJING.count("\n") + 1
    assert result.exit_code == 2 and f"case.lp:{last}:" in result.output and needle in result.output


def test_reports_show_evidence_and_the_gaps(write):
    path = write(BEIJING + EVIDENCE)
    [r] = json.loads(run("check", path, "--format", "json").stdout)["results"]
    scope = next(g for g in r["grounds"] if g["role"] == "scope")
    assert scope["evidence"] == {"org(wang,government)": ["任职文件"]}
    factor = next(f for f in r["factors"] if "holds(i1,remedied)" in f["facts"])
    assert factor["evidence"]["holds(i1,remedied)"] == ["询问笔录（2024-04-02）第3页", "整改报告"]
    # the gaps: every fact of the grounds of a tolerable incident, and those ruling out each
    # exclusion (第十条), that has no evidence
    ground_facts = {f for g in r["grounds"] for f in g["facts"]}
    excluded = {
        "-holds(i1,political_discipline_violation)",
        "-holds(i1,private_gain)",
        "level(i1,accident,none)",
        "-holds(i1,knowing_violation)",  # 明知故犯 bars under every regime (第四条)
        "-holds(i1,refused_rectification)",  # 抵触改正 is 不积极整改纠错 (第十条第（四）项)
    }
    assert set(r["evidence_gaps"]) == (
        ground_facts | excluded | {"level(i1,environment,none)", "level(i1,mass_incident,none)"}
    ) - {"org(wang,government)"}
    text = run("check", path).output
    assert "证据：任职文件" in text and f"证据缺口（决定结论的事实中尚无证据材料的 {len(r['evidence_gaps'])} 项）" in text


def test_gaps_of_a_refusal_are_the_grounds_against(write):
    path = write(
        BEIJING.replace("-holds(i1, private_gain).", "holds(i1, private_gain).") + 'evidence(i1, private_gain, "审计报告").\n'
    )
    [r] = json.loads(run("check", path, "--format", "json").stdout)["results"]
    assert r["verdict"] == "not_tolerable" and r["evidence_gaps"] == []  # the one deciding fact has its evidence


def _docx_paragraphs(path):
    docx = pytest.importorskip("docx")
    return [p.text for p in docx.Document(str(path)).paragraphs]


HEADINGS = [
    "一、当事人基本情况",
    "二、案件来源及调查经过",
    "三、查明的事实",
    "四、当事人陈述、申辩",
    "五、征求意见情况",
    "六、认定理由",
    "七、处理意见",
]
RECORDS = (
    'post(wang, "某区政务服务中心副主任").\n'
    'date(i1, accountability_started, "2024-04-01").\n'
    'date(i1, decision_made, "2024-05-28").\n'
    'investigation(i1, "实地查看、调阅资料").\n'
    'statement(i1, "对程序瑕疵无异议").\n'
    'consulted(i1, "区委组织部", "同意容错").\n'
    'deliberated(i1, "区纪委常委会", "2024-05-27").\n'
    'decided_by(i1, "中共某区纪律检查委员会").\n'
)


def _section(paragraphs, heading):
    start = paragraphs.index(heading)
    later = [paragraphs.index(h) for h in HEADINGS if h in paragraphs and paragraphs.index(h) > start]
    return paragraphs[start + 1 : min(later) if later else len(paragraphs)]


def test_opinion_docx_is_an_official_document_with_every_fact_in_prose(write, tmp_path):
    path = write(NAMED + EVIDENCE + RECORDS)
    out = tmp_path / "意见.docx"
    result = run("opinion", path, "-o", out)
    assert result.exit_code == 0, result.output
    paragraphs = _docx_paragraphs(out)
    assert paragraphs[0] == "〔待填：文号〕"
    assert "关于对王某同志在容缺受理试点中的失误错误予以容错免责的认定意见" in paragraphs
    assert "〔待填：主送机关〕：" in paragraphs
    lead = next(p for p in paragraphs if p.startswith("根据《"))
    assert "（以下简称《办法》）" in lead and sum("以下简称" in p for p in paragraphs) == 1  # introduced once
    assert [p for p in paragraphs if p in HEADINGS] == HEADINGS
    assert _section(paragraphs, "一、当事人基本情况") == ["王某，现任某区政务服务中心副主任。"]
    source = "".join(_section(paragraphs, "二、案件来源及调查经过"))
    assert "2024年4月1日，问责程序启动" in source and "通过实地查看、调阅资料等方式" in source
    assert _section(paragraphs, "四、当事人陈述、申辩") == ["王某陈述、申辩称：对程序瑕疵无异议。"]
    assert _section(paragraphs, "五、征求意见情况") == ["经征求区委组织部意见，区委组织部同意容错。"]
    # 三、查明的事实: prose grouped by the element of the law, never 「X：是」; every fact the regime
    # reads is stated once, with its evidence where the file gives it
    findings = _section(paragraphs, "三、查明的事实")
    assert not any(re.search("：(是|否)[；。）]", p) for p in paragraphs)
    groups = [p for p in findings if p.startswith("（")]
    assert groups[0].startswith("（一）关于适用范围（《办法》第七条第一款）。经查，")
    assert any(g.startswith("（二）关于是否符合容错情形（《办法》第八条第（五）项）") for g in groups)
    assert "存在积极整改纠错的情形（证据：询问笔录（2024-04-02）第3页；整改报告）" in "".join(groups)
    assert "所在单位属于人民政府、行政机关（证据：任职文件）" in groups[0]
    # 六、认定理由: the item in its own words, the readings as 本工具的理解
    reasons = "".join(_section(paragraphs, "六、认定理由"))
    assert (
        "在服务群众、服务企业、服务基层工作中，为提高效能、方便群众，出现一定程序瑕疵，符合《办法》第八条第（五）项规定的情形"
        in reasons
    )
    assert "未发现《办法》第四条、第十条所列不予容错情形" in reasons
    # the tool's readings are for the drafters: after the document, never in its text
    listed = next(n for n, p in enumerate(paragraphs) if p.startswith("待填事项"))
    assert "本工具" not in "".join(paragraphs[:listed])
    notes = paragraphs[paragraphs.index("起草说明（供研究时参考，不随文印发）：") :]
    assert any("本工具的理解" in p for p in notes)
    # 七、处理意见: 集体研究, the outcome in the text's words, the effect of 免责, the duties; no 申诉 for 免责
    handling = _section(paragraphs, "七、处理意见")
    assert handling[0] == (
        "综上，经区纪委常委会于2024年5月27日集体研究，依据《办法》第八条第（五）项、第十三条第（一）项的规定，"
        "对王某同志在容缺受理试点中的失误错误，认定符合容错免责条件，不予或者免予问责追责，可以视情况予以批评教育、责令检查。"
    )
    assert any(p.startswith("《办法》第十七条规定：「予以容错免责的") for p in handling)
    assert any("第十五条" in p for p in handling) and not any("申诉" in p for p in handling)
    # 落款; what the file does not give, listed at the end
    assert "中共某区纪律检查委员会" in paragraphs and "2024年5月28日" in paragraphs
    at = paragraphs.index("待填事项（共 4 项）：")
    assert paragraphs[at + 1 : at + 4] == ["1．文号", "2．主送机关", "3．失误发生日期"]
    assert paragraphs[at + 4].startswith("4．证据（三、查明的事实中 15 项决定结论的事实尚无证据材料")
    assert "sha256" in paragraphs[-1]


def test_every_missing_item_is_a_visible_placeholder_listed_at_the_end(write, tmp_path):
    out = tmp_path / "意见.md"
    assert run("opinion", write(BEIJING), "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    body, listed = text.split("## 待填事项")
    inline = set(re.findall(r"〔待填：([^〔〕]*)〕", body))
    items = [re.sub(r"^\d+\. ", "", line) for line in listed.splitlines() if re.match(r"^\d+\. ", line)]
    assert f"（共 {len(items)} 项）" in listed
    for what in ("文号", "主送机关", "当事人姓名（或单位名称）", "职务（含单位）", "当事人陈述、申辩意见", "成文日期"):
        assert what in inline and what in items
    assert any(i.startswith("集体研究的机关及日期（《办法》第十三条要求集体研究）") for i in items)
    assert any(i.startswith("证据（三、查明的事实中") for i in items)  # no evidence in the file
    assert {i for i in items if not i.startswith("证据（")} == inline - {"证据"}


def test_mitigate_opinion_words_the_reduction_and_never_the_exemption(tmp_path):
    out = tmp_path / "意见.docx"
    result = run("opinion", REPO / "facts" / "examples" / "beijing_mitigate.lp", "-o", out)
    assert result.exit_code == 0, result.output
    paragraphs = _docx_paragraphs(out)
    text = "".join(paragraphs)
    assert "关于对李某同志在老旧小区综合整治项目中的失误错误予以容错减责的认定意见" in paragraphs
    handling = _section(paragraphs, "七、处理意见")
    assert "第十三条第（二）项的规定" in handling[0] and handling[0].endswith("认定符合容错减责条件，予以从轻、减轻问责追责。")
    assert "本工具建议减轻" in text  # the suggestion, as the tool's
    assert "予以容错免责" not in text and "免予问责追责" not in text and "第十七条" not in text
    assert any(p.startswith("告知事项：依照《办法》第十六条") and "容错减责" in p for p in handling)


def test_refusal_opinion_says_why(write, tmp_path):
    path = write(NAMED.replace("-holds(i1, private_gain).", "holds(i1, private_gain)."))
    out = tmp_path / "意见.md"
    assert run("opinion", path, "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "关于对王某同志在容缺受理试点中的失误错误不予容错的认定意见" in text
    assert "属于《办法》第十条第（二）项「为自己或者他人谋取不正当利益」所列不予容错情形" in text
    assert "的失误错误不予容错。" in text and "第十七条" not in text
    assert "告知事项：依照《办法》第十六条" in text  # 不予容错 can be appealed


def test_an_established_absence_is_a_finding_not_an_absence_of_findings(tmp_path):
    """-holds(i1, remedied) is established: 不存在积极整改纠错的情形, never 未发现 (not found, as one
    writes of what is unknown); the refusal of rectification is named apart from 第十条（四）'s words."""
    out = tmp_path / "意见.md"
    assert run("opinion", REPO / "facts" / "scenarios" / "beijing" / "exclusion_10_4.lp", "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "经审查，不存在积极整改纠错的情形，属于《办法》第十条第（四）项「事后不积极整改纠错」所列不予容错情形。" in text
    assert "未发现积极整改纠错" not in text and "不存在漠视错误、抵触改正的情形" in text
    assert "存在在" not in text


def test_a_repeat_refused_under_changzhou_applies_article_8_not_a_list(tmp_path):
    """常州 第八条 lists no 不予容错情形: 只适用一次容错认定 is applied."""
    out = tmp_path / "意见.md"
    assert run("opinion", REPO / "facts" / "scenarios" / "changzhou_edu" / "repeat_8_stated.lp", "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "依《办法》第八条" in text and "的规定，不予容错。" in text
    assert not re.search(r"第八条[^。]*所列不予容错情形", text) and "存在在" not in text


def test_record_facts_are_read_and_listed(write):
    ff = read_fact_file(write(BEIJING + RECORDS + 'consulted(i1, "区审计局", "无异议").\n'))
    assert ff.subjects["wang"].records == {"post": [("某区政务服务中心副主任",)]}
    assert ff.incidents["i1"].records["consulted"] == [("区委组织部", "同意容错"), ("区审计局", "无异议")]
    assert ff.incidents["i1"].records["deliberated"] == [("区纪委常委会", "2024-05-27")]
    listed = run("vocabulary").output
    for pred in ("post", "investigation", "statement", "consulted", "deliberated", "decided_by"):
        assert f"| `{pred}` |" in listed


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ('post(zz, "科长").', "zz 不是已声明的当事人"),
        ('post(i1, "科长").', "i1 不是已声明的当事人"),
        ('statement(wang, "无异议").', "wang 不是已声明的失误错误"),
        ("statement(i1, wuyiyi).", "第 2 个参数应为非空字符串"),
        ('consulted(i1, "区委组织部", "").', "第 3 个参数应为非空字符串"),
        ('deliberated(i1, "区纪委常委会", "2024-13-01").', "不存在的日期"),
        ('deliberated(i1, "区纪委常委会").', "参数个数错误"),
    ],
)
def test_bad_record_facts_are_refused_with_file_and_line(write, line, needle):
    result = run("check", write(BEIJING + line + "\n"))
    assert result.exit_code == 2 and f"case.lp:{BEIJING.count(chr(10)) + 1}:" in result.output and needle in result.output


def test_user_strings_are_escaped_in_md_and_html(write, tmp_path):
    hostile = "<script>alert(1)</script>*王*[x](javascript:alert(1))"
    path = write(
        BEIJING.replace("subject(c1, wang).\n", f'subject(c1, wang).\nname(wang, "{hostile}").\n')
        + 'statement(i1, "# 标题 <b>粗</b> | 表格 |").\n'
    )
    md, html = tmp_path / "意见.md", tmp_path / "意见.html"
    assert run("opinion", path, "-o", md).exit_code == 0 and run("opinion", path, "-o", html).exit_code == 0
    md_text, html_text = md.read_text(encoding="utf-8"), html.read_text(encoding="utf-8")
    assert (
        "<script>" not in md_text
        and "<b>" not in md_text
        and "[x](" not in md_text
        and "\\[x\\](" in md_text
        and "\\*王\\*" in md_text
    )
    assert "<script>" not in html_text and "<b>粗" not in html_text and "&lt;script&gt;" in html_text
    assert "<mark>〔待填：文号〕</mark>" in html_text  # the placeholders are marked, the values escaped


def test_opinion_md_and_html_from_the_same_model(write, tmp_path):
    path = write(NAMED)
    for ext in ("md", "html"):
        out = tmp_path / f"意见.{ext}"
        assert run("opinion", path, "-o", out).exit_code == 0
        text = out.read_text(encoding="utf-8")
        assert "关于对王某同志在容缺受理试点中的失误错误予以容错免责的认定意见" in text and "六、认定理由" in text


def test_no_opinion_for_an_undetermined_incident(write, tmp_path):
    path = write(NAMED.replace("holds(i1, remedied).\n", ""))
    result = run("opinion", path, "-o", tmp_path / "意见.docx")
    assert result.exit_code == 2 and "不能出具认定意见" in result.output and "事后是否积极整改纠错" in result.output
    assert not (tmp_path / "意见.docx").exists()


def test_opinion_needs_a_known_extension(write, tmp_path):
    result = run("opinion", write(NAMED), "-o", tmp_path / "意见.pdf")
    assert result.exit_code == 2 and ".docx" in result.output


def test_bundled_evidence_example_has_no_gaps():
    [r] = json.loads(run("check", REPO / "facts" / "examples" / "beijing_evidence.lp", "--format", "json").stdout)["results"]
    assert r["verdict"] == "tolerable" and r["evidence_gaps"] == []


def test_the_docx_never_replaces_the_fact_file_it_was_drafted_from(write, tmp_path):
    """A .docx written through a link to the input would destroy the case file: refused, file intact."""
    path = write(NAMED)
    before = path.read_bytes()
    link = tmp_path / "意见.docx"
    link.symlink_to(path)
    result = run("opinion", path, "-o", link)
    assert result.exit_code == 2 and "输入文件" in result.output
    assert path.read_bytes() == before and link.is_symlink()


def test_changzhou_approval_follows_the_conclusion_as_the_text_orders_it(tmp_path):
    """第十条（三）：作出……认定结论，报经市委教育工委、市教育局批准 — the conclusion first, then its approval."""
    out = tmp_path / "意见.md"
    path = REPO / "facts" / "scenarios" / "changzhou_edu" / "outcome_lighter_major.lp"
    assert run("opinion", path, "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "本认定结论依照《办法》第十条第（三）项的规定，报经市委教育工委、市教育局批准。" in text
    assert "批准后作出认定结论" not in text


def test_the_signature_keeps_with_the_text_and_the_drafters_list_starts_a_page(tmp_path):
    """GB/T 9704: the signer and date never stand on a page without text; the list of blanks to
    fill is the drafter's, not the document's: on a page of its own."""
    from docx import Document

    out = tmp_path / "意见.docx"
    assert run("opinion", REPO / "facts" / "scenarios" / "beijing" / "exclusion_10_4.lp", "-o", out).exit_code == 0
    paragraphs = Document(str(out)).paragraphs
    signer = next(n for n, p in enumerate(paragraphs) if p.text.startswith("〔待填：作出认定的机关"))
    assert paragraphs[signer].paragraph_format.keep_with_next  # with the date
    assert paragraphs[signer - 1].paragraph_format.keep_with_next and not paragraphs[signer - 1].text  # the blank line
    assert paragraphs[signer - 2].text and paragraphs[signer - 2].paragraph_format.keep_with_next  # the last of the text
    listed = next(n for n, p in enumerate(paragraphs) if p.text.startswith("待填事项"))
    assert any('w:br w:type="page"' in p._p.xml or 'w:type="page"' in p._p.xml for p in paragraphs[signer:listed])


def test_a_beijing_opinion_says_it_is_merged_into_the_accountability_documents(tmp_path):
    """北京 第十四条第一款：容错意见并入责任追究机关的问责追责相关文书中，不再单独制作 — the draft says so."""
    for regime_file, said in (("beijing/exclusion_10_4.lp", True), ("changzhou_edu/repeat_8_stated.lp", False)):
        out = tmp_path / "意见.md"
        assert run("opinion", REPO / "facts" / "scenarios" / regime_file, "-o", out).exit_code == 0
        text = out.read_text(encoding="utf-8")
        merged = "依照《办法》第十四条第一款的规定，容错意见并入责任追究机关的问责追责相关文书中，不再单独制作" in text
        assert merged is said


def test_no_fact_label_breaks_a_sentence():
    """A label stands inside a sentence (不存在……的情形): an inner ；would end the clause mid-phrase."""
    from rongcuo_asp.vocabulary import vocabulary

    voc = vocabulary()
    for table in (voc.incident_features, voc.subject_features):
        for name, entry in table.items():
            for label in [entry["zh"], *entry.get("zh_by_regime", {}).values()]:
                assert "；" not in label and "。" not in label, (name, label)
