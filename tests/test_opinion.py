"""Evidence behind findings (evidence/3), the gap list, and the written 容错认定意见."""

import json

import pytest
from click.testing import CliRunner
from conftest import BEIJING, REPO

from rongcuo_asp.cli import main
from rongcuo_asp.documents import fact_zh
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
    excluded = {"-holds(i1,political_discipline_violation)", "-holds(i1,private_gain)", "level(i1,accident,none)"}
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


def test_opinion_docx_sections_and_every_fact_sentence_traces_to_a_stated_fact(write, tmp_path):
    path = write(NAMED + EVIDENCE)
    out = tmp_path / "意见.docx"
    result = run("opinion", path, "-o", out)
    assert result.exit_code == 0, result.output
    paragraphs = _docx_paragraphs(out)
    assert paragraphs[0] == "关于王某在容缺受理试点中失误错误的容错认定意见"
    headings = [p for p in paragraphs if p[:2] in {f"{n}、" for n in "一二三四五六"}]
    assert headings == ["一、当事人基本情况", "二、失误错误事实", "三、认定理由", "四、判断因素", "五、处理意见", "六、程序"]
    # 失误错误事实: one numbered sentence per established incident fact, each the fact as the file states it
    ff = read_fact_file(path)
    from rongcuo_asp.provenance import Naming
    from rongcuo_asp.repeats import derive_repeats
    from rongcuo_asp.results import known_facts

    inc = ff.incidents["i1"]
    stated = {fact_zh(Naming(inc).fact(k, v), "beijing") for k, v in known_facts(ff, inc, derive_repeats(ff)).items()}
    start, end = paragraphs.index("二、失误错误事实"), paragraphs.index("三、认定理由")
    items = [p for p in paragraphs[start:end] if p.startswith("（")]
    assert items
    for item in items:
        sentence = item.split("）", 1)[1].split("（证据")[0].rstrip("。")
        assert sentence in stated, sentence
    assert any("（证据：询问笔录（2024-04-02）第3页；整改报告）" in p for p in items)
    handling = paragraphs[paragraphs.index("五、处理意见") + 1]
    assert "第八条第（五）项" in handling and "免予问责追责" in handling
    assert any(p.startswith("北京市办法第十七条规定") for p in paragraphs)  # the effect of 免责
    assert "sha256" in paragraphs[-1]


def test_opinion_md_and_html_from_the_same_model(write, tmp_path):
    path = write(NAMED)
    for ext in ("md", "html"):
        out = tmp_path / f"意见.{ext}"
        assert run("opinion", path, "-o", out).exit_code == 0
        text = out.read_text(encoding="utf-8")
        assert "关于王某在容缺受理试点中失误错误的容错认定意见" in text and "三、认定理由" in text


def test_refusal_opinion_says_why(write, tmp_path):
    path = write(NAMED.replace("-holds(i1, private_gain).", "holds(i1, private_gain)."))
    out = tmp_path / "意见.md"
    assert run("opinion", path, "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "属于该项所列不予容错情形" in text and "不予容错。" in text and "第十条第（二）项" in text


def test_no_opinion_for_an_undetermined_incident(write, tmp_path):
    path = write(NAMED.replace("holds(i1, remedied).\n", ""))
    result = run("opinion", path, "-o", tmp_path / "意见.docx")
    assert result.exit_code == 2 and "不能出具认定意见" in result.output and "是否主动采取有效措施整改纠错" in result.output
    assert not (tmp_path / "意见.docx").exists()


def test_opinion_needs_a_known_extension(write, tmp_path):
    result = run("opinion", write(NAMED), "-o", tmp_path / "意见.pdf")
    assert result.exit_code == 2 and ".docx" in result.output


def test_bundled_evidence_example_has_no_gaps():
    [r] = json.loads(run("check", REPO / "facts" / "examples" / "beijing_evidence.lp", "--format", "json").stdout)["results"]
    assert r["verdict"] == "tolerable" and r["evidence_gaps"] == []
