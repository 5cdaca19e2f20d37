"""The written 容错认定意见 of one incident under one regime, drafted from the check result.

Every sentence is built from the result's provenance (its grounds, factors, established facts and
their evidence), so the draft states no fact the file does not establish.  One document model,
rendered as .docx (python-docx, imported in `write_docx` only) or as .md/.html by jinja2 templates.
"""

from __future__ import annotations

from .documents import checked_text, deciding_articles, fact_zh, missing_zh, procedure_text
from .results import CheckError, evidence_map
from .schema import Record
from .vocabulary import vocabulary

NUMERALS = "一二三四五六七八九十"


def paragraph(text: str, facts: list[str] | None = None, kind: str = "body") -> dict:
    """A paragraph and the established facts it states (for the trace test); kind: body, quote, item."""
    return {"text": text, "facts": facts or [], "kind": kind}


def _with_evidence(fact: str, regime: str, evidence: dict[str, list[str]]) -> str:
    text = fact_zh(fact, regime)
    sources = evidence.get(fact)
    return text + (f"（证据：{'；'.join(sources)}）" if sources else "")


def opinion_document(r: Record) -> dict:
    """The document model of the opinion: title, numbered sections of paragraphs, footer."""
    if r["verdict"] == "undetermined":
        missing = "；".join(missing_zh(m, r["regime"]) for m in r["missing"])
        raise CheckError(
            f"{r['incident']} 依{vocabulary().regimes[r['regime']]['short']}尚无法认定，不能出具认定意见；尚需查明：{missing}"
        )
    voc = vocabulary()
    regime = r["regime"]
    info = voc.regimes[regime]
    who = r.get("subject_name") or r["subject"]
    matter = r.get("matter")
    known = r.get("known", [])
    evidence = evidence_map(r)
    subject_facts = [k["fact"] for k in known if _of_subject(k["fact"], r)]
    incident_facts = [k["fact"] for k in known if not _of_subject(k["fact"], r) and k["read"]]
    other_facts = [k["fact"] for k in known if not _of_subject(k["fact"], r) and not k["read"]]

    sections = []
    person = "；".join(_with_evidence(f, regime, evidence) for f in subject_facts)
    sections.append(("当事人基本情况", [paragraph(f"{who}。{person}。" if person else f"{who}。", subject_facts)]))

    facts_paragraphs = []
    lead = f"事由：{matter}。" if matter else ""
    dates = "；".join(f"{voc.label('event', e)}：{d}" for e, d in r.get("dates", {}).items())
    if lead or dates:
        facts_paragraphs.append(paragraph(lead + (f"{dates}。" if dates else "")))
    if incident_facts:
        facts_paragraphs.append(paragraph("经调查核实，查明以下事实："))
        for n, f in enumerate(incident_facts):
            facts_paragraphs.append(paragraph(f"（{_number(n + 1)}）{_with_evidence(f, regime, evidence)}。", [f], "item"))
    if other_facts:
        text = "；".join(_with_evidence(f, regime, evidence) for f in other_facts)
        facts_paragraphs.append(paragraph(f"此外查明（本办法对此未作规定）：{text}。", other_facts))
    sections.append(("失误错误事实", facts_paragraphs))

    reasons = []
    for c in r["conflicts"]:
        if c["kind"] == "rule_conflict":
            reasons.append(paragraph(f"虽符合{c['scenario']}所列容错情形，但有{c['exclusion']}所列情形，不予容错情形优先适用。"))
    for g in r["grounds"]:
        reasons.append(paragraph(f"{info['short']}{g['article']}规定：「{g['text']}」", kind="quote"))
        facts = "；".join(_with_evidence(f, regime, evidence) for f in g["facts"])
        finding = _finding(g)
        reasons.append(paragraph(f"本案{facts}，{finding}。" if facts else f"本案{finding}。", g["facts"]))
        if g.get("reading"):
            reasons.append(paragraph(f"说明：{g['reading']}"))
    checked = checked_text(r)
    if checked:
        reasons.append(paragraph(checked))
    sections.append(("认定理由", reasons))

    factors = [
        paragraph(
            f"{voc.label('factor_kind', f['kind'])}（{f['article']}）："
            + "；".join(_with_evidence(x, regime, evidence) for x in f["facts"])
            + "。",
            f["facts"],
        )
        for f in r["factors"]
    ]
    sections.append(("判断因素", factors or [paragraph("本办法未规定判断因素，或已查明的事实未涉及。")]))

    deciding = "、".join(dict.fromkeys(deciding_articles(r)))
    if r["verdict"] == "tolerable":
        handling = voc.data["outcome_handling"][r["outcome"] or "undetermined"]
        text = f"综上，依据《{info['title']}》{deciding}，建议对{who}的上述失误错误{handling}。"
    else:
        text = f"综上，依据《{info['title']}》{deciding}，{who}的上述失误错误{voc.label('verdict', r['verdict'])}。"
    handling_paragraphs = [paragraph(text)]
    if r["verdict"] == "tolerable":
        from .encoding import load_encoding

        enc = load_encoding(regime)
        for article in enc.articles.values():
            if article.treatment == "effect":
                handling_paragraphs.append(paragraph(f"{info['short']}{article.number}规定：「{article.text}」", kind="quote"))
    sections.append(("处理意见", handling_paragraphs))

    steps = [paragraph(procedure_text(p) + "。") for p in r["procedure"]]
    sections.append(("程序", steps or [paragraph("本办法对本案无时限要求，或相关日期尚未发生。")]))

    return {
        "title": f"关于{who}{'在' + matter + '中' if matter else ''}失误错误的容错认定意见",
        "subtitle": f"（依据《{info['title']}》，草稿）",
        "sections": [{"heading": f"{NUMERALS[n]}、{h}", "paragraphs": ps} for n, (h, ps) in enumerate(sections)],
        "regimes": [regime],
    }


def _finding(g: Record) -> str:
    """What the opinion says of the case under a ground: the atoms table's `finding` of its role and effect."""
    atoms = vocabulary().atoms
    return next((e["finding"] for e in atoms.values() if (e.get("role"), e.get("effect")) == (g["role"], g["effect"])), "")


def _of_subject(fact: str, r: Record) -> bool:
    """A fact of the subject (its features and org/rank/kind), as opposed to one of the incident."""
    inside = fact.lstrip("-").split("(", 1)[1]
    return inside.split(",", 1)[0] == r["subject"]


def _number(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def write_docx(doc: dict, foot: dict, path: str) -> None:
    """The opinion as a Word document laid out after GB/T 9704-2012 (党政机关公文格式): A4, margins
    37/35/28/26 mm, title in 方正小标宋简体 2号 (22 pt), body in 仿宋_GB2312 3号 (16 pt) at a fixed
    28.95 pt line (22 lines a page), first-line indent of two characters, 一、 headings in 黑体,
    page numbers 「— 1 —」.  Fonts an office lacks fall back in Word/WPS to 宋体 / 仿宋 / 黑体."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    from .atomic import replace_atomically

    def font(run, east_asian: str, size: float, bold: bool = False) -> None:
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = "Times New Roman"
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)

    def para(text: str, east_asian: str = "仿宋_GB2312", size: float = 16, indent: bool = True, align=None, bold=False):
        p = document.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28.95)
        fmt.space_before = fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(2 * size)
        if align is not None:
            p.alignment = align
        font(p.add_run(text), east_asian, size, bold)
        return p

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(16)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")

    para(doc["title"], "方正小标宋简体", 22, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc["subtitle"], "楷体_GB2312", 16, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    para("", indent=False)
    for s in doc["sections"]:
        para(s["heading"], "黑体", 16)
        for p in s["paragraphs"]:
            para(p["text"], "楷体_GB2312" if p["kind"] == "quote" else "仿宋_GB2312", 16)
    para("", indent=False)
    para(
        f"本意见稿由 rongcuo-asp {foot['version']} 生成，须经集体研究审定后使用；编码 sha256：{foot['sha256']}",
        "仿宋_GB2312",
        10.5,
        indent=False,
    )

    # page number 「— N —」 centred in the footer (a PAGE field)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(footer.add_run("— "), "宋体", 14)
    run = footer.add_run()
    font(run, "宋体", 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    font(footer.add_run(" —"), "宋体", 14)
    document.core_properties.title = doc["title"]
    replace_atomically(path, document.save)
