"""The written 容错认定意见 of one incident under one regime, drafted from the check result as an
official document a reviewer signs: 标题, 文号, 主送, seven sections (当事人基本情况 … 处理意见), 落款.

Every finding is built from the result's provenance (grounds, factors, established facts and their
evidence), so the draft states no fact the file does not establish; the record facts (post/2,
investigation/2, statement/2, consulted/3, deliberated/3, decided_by/2) fill what the reasoner does
not read.  Whatever the file does not give is a visible 〔待填：…〕, listed again at the end.  The
document's phrases quoted from the law (the outcome's words, the effect articles, the procedure it
owes) are data in the vocabulary's "opinion" table.  One model, rendered as .docx (python-docx,
imported in `docx_document` only) or as .md/.html (jinja2 templates, every user string escaped).
"""

from __future__ import annotations

import re

from .documents import (
    _articles_of,
    _conflict_text,
    _first_sentence,
    _structured,
    fact_label,
    fact_zh,
    missing_zh,
    procedure_text,
    value_zh,
    zh_date,
)
from .factmodel import LevelRange
from .results import CheckError, deciding_articles, evidence_map
from .schema import Record
from .vocabulary import vocabulary

NUMERALS = "一二三四五六七八九十"
PLACEHOLDER = re.compile(r"〔待填：[^〔〕]*〕")
REDUCED = ("mitigate", "lighter", "reduce")
# The order of the findings in 三、查明的事实: the elements of the law, as the reasoner checks them.
ROLE_ORDER = ("scope", "scenario", "condition", "exclusion", "repeat", "outcome")

Records = dict[str, list[tuple[str, ...]]]


def paragraph(text: str, facts: list[str] | None = None, kind: str = "body") -> dict:
    """A paragraph and the established facts it states (for the trace test); kind: body, quote, note."""
    return {"text": text, "facts": facts or [], "kind": kind}


def _number(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def _clause(text: str) -> str:
    """An item's text as a clause of a sentence: （五）在……，出现一定程序瑕疵的； -> 在……，出现一定程序瑕疵."""
    text = re.sub(r"^[（(][一二三四五六七八九十]+[）)]\s*", "", text.strip())
    return re.sub(r"的?[；;。，]*$", "", text)


def _inline(g: Record) -> str:
    """An item's words quoted inside a sentence (「……」), where the item is short enough to read so."""
    clause = _clause(g["text"])
    return f"「{clause}」" if "项" in g["article"] and len(clause) <= 50 else ""


def _abbreviation(title: str) -> str:
    return "《细则》" if title.endswith("细则") else "《办法》"


class _Draft:
    """What the document is being written from, and the placeholders it had to leave."""

    def __init__(self, r: Record, records: Records):
        voc = vocabulary()
        self.r = r
        self.regime = r["regime"]
        self.info = voc.regimes[self.regime]
        self.data = voc.data["opinion"]
        self.records = records
        self.blanks: list[str] = []
        self.evidence = evidence_map(r)
        self.gaps = set(r.get("evidence_gaps", []))
        self.doc = _abbreviation(self.info["title"])
        kind = self._attribute("subject_kind")
        name = r.get("subject_name")
        # named once with a placeholder where the file gives no name; then 当事人
        self.who = name or "当事人"
        self.comrade = (name + ("同志" if kind == "individual" else "")) if name else self.blank("当事人姓名（或单位名称）")
        self.named = name or self.comrade
        self.unsourced = 0
        self.matter = r.get("matter")

    def blank(self, what: str) -> str:
        """A visible placeholder, collected for the list at the end."""
        if what not in self.blanks:
            self.blanks.append(what)
        return f"〔待填：{what}〕"

    def _attribute(self, name: str) -> object:
        for k in self.r.get("known", []):
            found = _structured(k["fact"])
            if found and found[0].kind == name:
                return found[1]
        return None

    def cite(self, citations: list[str] | str) -> str:
        """《办法》第九条第（一）、（五）项: the document's abbreviation and the citations, items of one
        article joined."""
        items = [citations] if isinstance(citations, str) else list(dict.fromkeys(citations))
        out: list[str] = []
        for c in items:
            m = re.fullmatch(r"(第[一二三四五六七八九十百]+条)第(（[一二三四五六七八九十]+）)项", c)
            last = re.fullmatch(r"(第[一二三四五六七八九十百]+条)第(.*)项", out[-1]) if out else None
            if m and last and last.group(1) == m.group(1):
                out[-1] = f"{last.group(1)}第{last.group(2)}、{m.group(2)}项"
            else:
                out.append(c)
        return f"{self.doc}{'、'.join(out)}"

    def where(self) -> str:
        return f"在{self.matter}中" if self.matter else ""

    # --- facts in prose -------------------------------------------------------------------------

    def prose(self, fact: str) -> str:
        """One established fact as a clause, with its evidence: 不存在为自己或者他人谋取……的情形（证据：……）."""
        text = self._clause(fact)
        sources = self.evidence.get(fact)
        if sources:
            return text + f"（证据：{'；'.join(sources)}）"
        if fact in self.gaps:
            self.unsourced += 1
            return text + f"（证据：{self.blank('证据')}）"
        return text

    def _clause(self, fact: str) -> str:
        voc = vocabulary()
        found = _structured(fact)
        if found is None:
            return fact_zh(fact, self.regime)
        key, value = found
        if key.kind == "holds" and isinstance(value, bool):
            label = fact_label(key.name, self.regime)
            entry = voc.incident_features.get(key.name) or voc.subject_features.get(key.name) or {}
            if key.holder == "s":
                return f"{self.who}{'系' if value else '不是'}{label}"
            situation = label[1:] if label.startswith("在") else label  # 存在在同一工作…: one 在
            situation = situation.removesuffix("的情形").removesuffix("情形")  # …的情形的情形: once
            if not value:  # established as absent: found so, not merely not found (未发现)
                return f"不存在{situation}的情形"
            if entry.get("group") == "context":
                return f"失误错误发生在{label}{'' if label.endswith(('工作', '任务', '项目')) else '工作'}中"
            if key.name.startswith("cause_"):
                return f"系{label}" if label.startswith(("为", "因", "着眼")) else f"系因{label}"
            if key.name.startswith("effect_"):
                return label
            return f"存在{situation}的情形"
        if key.kind == "level" and isinstance(value, str):
            dim = voc.label("dimension", key.name)
            if isinstance(value, LevelRange):  # known up to a range: stated as such, never a value
                words = value_zh(key.name, value)
                return f"{dim}{words}" if words.startswith(("未达", "达到")) else f"{dim}在{words}之间"
            if value == "none" and key.name != "recovery":
                return f"未{ {'accident': '发生', 'mass_incident': '引发'}.get(key.name, '造成') }{dim}"
            return f"{dim}为「{value_zh(key.name, value)}」"
        if key.kind == "org" and value is not None:
            return f"{self.who}所在单位属于{value_zh('org', value)}"
        if key.kind == "rank" and value is not None:
            return f"{self.who}的职级为{value_zh('rank', value)}"
        if key.kind == "subject_kind" and value is not None:
            return f"当事人为{value_zh('subject_kind', value)}"
        return fact_zh(fact, self.regime)

    def prose_list(self, facts: list[str]) -> str:
        """The facts with their evidence (三、查明的事实)."""
        return "；".join(self.prose(f) for f in facts)

    def plain(self, facts: list[str]) -> str:
        """The facts without evidence, as one clause (六、认定理由 reasons on what 三 established)."""
        return "，".join(self._clause(f) for f in facts)

    def record(self, pred: str) -> list[tuple[str, ...]]:
        return self.records.get(pred, [])


def opinion_document(r: Record, records: Records | None = None) -> dict:
    """The document model of the opinion: title, number, addressee, lead, sections, signature,
    placeholders, appendix.  An undetermined incident gets none (CheckError with the facts to establish)."""
    if r["verdict"] == "undetermined":
        missing = "；".join(missing_zh(m, r["regime"]) for m in r["missing"])
        raise CheckError(
            f"{r['incident']} 依{vocabulary().regimes[r['regime']]['short']}尚无法认定，不能出具认定意见；尚需查明：{missing}"
        )
    d = _Draft(r, records or {})
    info = d.info
    number = d.blank("文号")
    addressee = d.blank("主送机关")
    decider = d.record("decided_by")[0][0] if d.record("decided_by") else None
    who = f"{d.comrade}{d.where()}的失误错误是否符合容错条件"
    lead = f"根据《{info['title']}》（以下简称{d.doc}）的规定，" + (
        f"{decider}对{who}进行了调查核实，现提出认定意见如下：" if decider else f"经调查核实，现对{who}提出认定意见如下："
    )
    sections = [
        ("当事人基本情况", _person(d)),
        ("案件来源及调查经过", _source(d)),
        ("查明的事实", _findings(d)),
        ("当事人陈述、申辩", _statements(d)),
        ("征求意见情况", _consultation(d)),
        ("认定理由", _reasons(d)),
        ("处理意见", _handling(d)),
    ]
    decision_date = r.get("dates", {}).get("decision_made")
    signature = {
        "body": decider or d.blank("作出认定的机关（落款、印章）"),
        "date": zh_date(decision_date) if decision_date else d.blank("成文日期"),
    }
    # the tool's readings, suggestions and notes are for the drafters, not the filed text: they
    # leave the sections for a 起草说明 after the document (in the order they were made)
    notes = [p for _, ps in sections for p in ps if p["kind"] == "note"]
    sections = [(h, [p for p in ps if p["kind"] != "note"]) for h, ps in sections]
    unread = [k["fact"] for k in r.get("known", []) if not k["read"]]
    appendix = [paragraph(f"（{_number(n + 1)}）{d.prose(f)}。", [f]) for n, f in enumerate(unread)]
    return {
        "title": _title(d),
        "subtitle": "（草稿）",
        "number": number,
        "addressee": addressee + "：",
        "lead": lead,
        "sections": [{"heading": f"{NUMERALS[n]}、{h}", "paragraphs": ps} for n, (h, ps) in enumerate(sections)],
        "signature": signature,
        "appendix": {"heading": f"附：其他查明的事实（{d.doc}对此未作规定，不作为认定依据）", "paragraphs": appendix}
        if appendix
        else None,
        "notes": {"heading": "起草说明（供研究时参考，不随文印发）", "paragraphs": notes} if notes else None,
        "placeholders": [
            f"证据（三、查明的事实中 {d.unsourced} 项决定结论的事实尚无证据材料，见各处〔待填：证据〕）" if b == "证据" else b
            for b in d.blanks
        ],
        "regimes": [d.regime],
    }


def _own_term(d: _Draft, outcome: str | None) -> str:
    """容错免责 / 容错减责 where the document itself says so (北京; 游仙 容错免责), else 容错: 常州,
    西双版纳 and the university speak of 容错 and of 免责, 从轻、减轻 apart."""
    from .encoding import load_encoding

    term = {"exempt": "容错免责"}.get(outcome or "", "容错减责" if outcome in REDUCED else "容错")
    text = "".join(a.text for a in load_encoding(d.regime).articles.values())
    return term if term in text else "容错"


def _title(d: _Draft) -> str:
    r = d.r
    if r["verdict"] == "tolerable":
        term = _own_term(d, r["outcome"])
        own = d.data["outcome_wording"].get(d.regime, {}).get(r["outcome"] or "")
        # the degree in the title: in the document's term (容错免责), else in its own words (容错（从轻、减轻责任追究）)
        what = f"予以{term}" if term != "容错" or not own else f"予以容错（{own}）"
    elif r["verdict"] == "not_tolerable":
        what = "不予容错"
    else:
        what = f"不适用{d.doc}"
    return f"关于对{d.comrade}{d.where()}的失误错误{what}的认定意见"


def _person(d: _Draft) -> list[dict]:
    posts = [p[0] for p in d.record("post")]
    post = "、".join(posts) if posts else d.blank("职务（含单位）")
    return [paragraph(f"{d.named}，现任{post}。")]


def _source(d: _Draft) -> list[dict]:
    voc = vocabulary()
    dates = d.r.get("dates", {})
    events = [e for e in voc.events if e in dates and e not in ("occurred", "decision_made", "feedback_given")]
    events = [e for e in events if not e.startswith("publicity")]
    out = []
    if events:
        out.append(paragraph("；".join(f"{zh_date(dates[e])}，{voc.label('event', e)}" for e in events) + "。"))
    else:
        out.append(paragraph(f"{d.blank('案件来源（启动问责、提出容错申请、受理的日期）')}。"))
    manners = [m[0] for m in d.record("investigation")]
    manner = "、".join(manners) if manners else d.blank("调查方式（如实地查看、走访群众、调阅资料）")
    out.append(paragraph(f"调查中，通过{manner}等方式，对{d.who}的失误错误及是否符合容错条件进行了调查核实。"))
    steps = [_step(p) for p in d.r["procedure"] if p.get("due") or p.get("actual")]  # owed steps: 七、处理意见
    if steps:
        out.append(paragraph(f"经审查程序时限，{'；'.join(steps)}。"))
    for p in d.r["procedure"]:
        if (p.get("due") or p.get("actual")) and "本工具的理解" in (p.get("note") or ""):
            reading = p["note"][p["note"].index("本工具的理解") :].rstrip("）")
            out.append(paragraph(f"（{d.cite(p['article'])}，{reading}）", kind="note"))
    return out


def _step(p: Record) -> str:
    """One dated step of the procedure review: 提出申请于2024年4月3日办理，按期（第十一条第二款，期限至2024年5月28日）."""
    voc = vocabulary()
    if p["status"] == "unknown_calendar":
        return procedure_text(p)
    done = f"于{zh_date(p['actual'])}办理" if p.get("actual") else "尚未办理"
    due = f"，期限至{zh_date(p['due'])}" if p.get("due") else ""
    return f"{voc.label('step', p['step'])}{done}，{voc.label('status', p['status'])}（{p['article']}{due}）"


def _findings(d: _Draft) -> list[dict]:
    """The matter as narrative, then the established facts in prose, one paragraph per element of the
    law they establish (the grounds, then the facts that rule out the exclusions, then the factors)."""
    r = d.r
    voc = vocabulary()
    occurred = r.get("dates", {}).get("occurred")
    when = zh_date(occurred) if occurred else d.blank("失误发生日期")
    matter = d.matter or d.blank("事由（失误错误发生在何项工作中）")
    out = [paragraph(f"{when}，{d.who}在{matter}中出现失误错误。")]
    read = [k["fact"] for k in r.get("known", []) if k["read"]]
    if not read:
        return out
    out.append(paragraph("经调查核实，查明以下事实："))
    shown: set[str] = set()
    groups: list[tuple[str, list[str], list[str]]] = []
    for role in ROLE_ORDER:
        grounds = [g for g in r["grounds"] if g["role"] == role]
        facts = [f for g in grounds for f in g["facts"]]
        if role == "outcome" and r.get("suggested_degree"):
            facts += r["suggested_degree"]["facts"]  # the levels the suggestion rests on
        facts = [f for f in dict.fromkeys(facts) if f not in shown]
        shown.update(facts)
        if facts:
            whether = {"exclusion": "是否存在", "scenario": "是否符合", "condition": "是否符合"}.get(role, "")
            heading = f"关于{whether}{voc.label('role', role)}"
            groups.append((heading, [g["article"] for g in grounds], facts))
    factor_facts = [f for x in r["factors"] for f in x["facts"]]
    rest = [f for f in read if f not in shown and f not in factor_facts]
    barring = _barring_names(d.regime)
    excluded = [f for f in rest if (found := _structured(f)) and found[0].name in barring]
    if excluded:
        groups.append(("关于是否存在不予容错情形", _articles_of(d.regime, "exclusion"), excluded))
        shown.update(excluded)
    factor_facts = [f for f in dict.fromkeys(factor_facts) if f not in shown]
    if factor_facts:
        groups.append(("关于综合分析判断的情节", [x["article"] for x in r["factors"]], factor_facts))
        shown.update(factor_facts)
    others = [f for f in rest if f not in shown]
    if others:
        groups.append(("其他相关事实", [], others))
    for n, (heading, articles, facts) in enumerate(groups):
        cited = f"（{d.cite(articles)}）" if articles else ""
        out.append(paragraph(f"（{_number(n + 1)}）{heading}{cited}。经查，{d.prose_list(facts)}。", facts))
    return out


def _barring_names(regime: str) -> set[str]:
    """The facts (feature, dimension or attribute names) some exclusion or repeat rule of the regime reads."""
    from .encoding import load_encoding

    enc = load_encoding(regime)
    rules = [*enc.rules_for("exclusion"), *enc.rules_for("repeat_bar")]
    return {(p.args[1] or "") if p.pred in ("holds", "level") else p.pred for r in rules for p in r.body}


def _statements(d: _Draft) -> list[dict]:
    said = [s[0] for s in d.record("statement")]
    if not said:
        return [paragraph(f"{d.blank('当事人陈述、申辩意见')}。")]
    return [paragraph(f"{d.who}陈述、申辩称：{s.rstrip('。')}。") for s in said]


def _consultation(d: _Draft) -> list[dict]:
    given = d.record("consulted")
    if not given:
        return [paragraph(f"{d.blank('征求意见情况（征求意见的机关及其意见）')}。")]
    return [paragraph(f"经征求{body}意见，{body}{view.rstrip('。')}。") for body, view in given]


def _reasons(d: _Draft) -> list[dict]:
    """Prose in the law's own phrases: each ground as the text words it, readings as 本工具的理解."""
    r = d.r
    out: list[dict] = []
    by_role = {role: [g for g in r["grounds"] if g["role"] == role] for role in ROLE_ORDER}
    for g in by_role["scope"]:
        verb = "属于" if g["effect"] == "for" else "不属于"
        out.append(paragraph(f"经审查，{d.plain(g['facts'])}，{verb}{d.cite(g['article'])}规定的适用范围。", g["facts"]))
    for c in r["conflicts"]:
        if c["kind"] == "rule_conflict":
            out.append(
                paragraph(
                    f"虽符合{d.cite(c['scenario'])}所列容错情形，但有{d.cite(c['exclusion'])}所列情形，不予容错情形优先适用。"
                )
            )
    for g in by_role["scenario"]:
        quoted = _clause(g["text"]) if "项" in g["article"] else ""
        said = f"{quoted}，" if quoted else f"{d.plain(g['facts'])}，"
        out.append(
            paragraph(
                f"经审查，{d.who}{d.where() + '，' if d.where() else ''}{said}符合{d.cite(g['article'])}规定的情形。", g["facts"]
            )
        )
    conditions = by_role["condition"]
    if conditions:
        met = [g for g in conditions if g["effect"] == "for"]
        failed = [g for g in conditions if g["effect"] != "for"]
        if met:
            out.append(paragraph(f"同时，具备{d.cite([g['article'] for g in met])}规定的容错条件。"))
        for g in failed:
            out.append(paragraph(f"但{d.plain(g['facts'])}，不具备{d.cite(g['article'])}规定的容错条件。", g["facts"]))
    for g in by_role["exclusion"] + by_role["repeat"]:
        if g["effect"] == "against":
            quoted = _inline(g)
            # a repeat article (常州 第八条 只适用一次容错认定) lists no 不予容错情形: it applies
            if g["role"] == "exclusion":
                finding = f"属于{d.cite(g['article'])}{quoted}所列不予容错情形"
            else:
                finding = f"依{d.cite(g['article'])}{quoted}的规定，不予容错"
            out.append(paragraph(f"经审查，{d.plain(g['facts'])}，{finding}。", g["facts"]))
    if r["verdict"] == "tolerable":
        checked = []
        exclusions = _articles_of(d.regime, "exclusion")
        if exclusions:
            checked.append(f"未发现{d.cite(exclusions)}所列不予容错情形")
        repeats = _articles_of(d.regime, "repeat")
        if repeats:
            checked.append(f"不属于{d.cite(repeats)}规定的重复失误")
        if checked:
            out.append(paragraph(f"经审查，{'，'.join(checked)}。"))
    if r["factors"]:
        favourable = list(dict.fromkeys(f for x in r["factors"] if x["kind"] == "favourable" for f in x["facts"]))
        adverse = list(dict.fromkeys(f for x in r["factors"] if x["kind"] != "favourable" for f in x["facts"]))
        parts = []
        if favourable:
            parts.append(f"{d.plain(favourable)}，属于有利因素")
        if adverse:
            parts.append(f"{d.plain(adverse)}，属于不利因素")
        articles = [x["article"] for x in r["factors"]]
        out.append(paragraph(f"综合分析{d.cite(articles)}规定的判断标准：{'；'.join(parts)}。", favourable + adverse))
    for g in by_role["outcome"]:
        quoted = _inline(g)
        because = f"鉴于{d.plain(g['facts'])}，" if g["facts"] else ""
        kind = "免责" if r["outcome"] == "exempt" else "减责" if r["outcome"] in REDUCED else ""
        found = f"{d.who}的失误错误符合容错{kind}条件" if g["effect"] == "for" else f"{d.who}的失误错误不符合容错条件"
        out.append(paragraph(f"{because}依照{d.cite(g['article'])}{quoted}的规定，{found}。", g["facts"]))
    suggestion = r.get("suggested_degree")
    if r["outcome"] in REDUCED and suggestion:
        degree = vocabulary().label("outcome", suggestion["degree"])
        basis = f"（{d.plain(suggestion['facts'])}）" if suggestion.get("facts") else ""
        out.append(paragraph(f"关于从轻或者减轻：本工具建议{degree}{basis}。{suggestion['reading'].rstrip('。')}。", kind="note"))
    for g in r["grounds"]:
        if g.get("reading"):
            reading = g["reading"] if g["reading"].startswith("本工具的理解") else f"本工具的理解：{g['reading']}"
            out.append(paragraph(f"（{d.cite(g['article'])}，{reading}）", kind="note"))
    for c in r["conflicts"]:
        text = _conflict(d, c)
        if text:
            out.append(paragraph(text, kind="note"))
    return out


def _conflict(d: _Draft, c: Record) -> str:
    """A conflict or reading the reviewer must see, in a sentence; rule conflicts are said above."""
    if c["kind"] == "rule_conflict":
        return ""
    if c["kind"] == "effective_date":
        return (
            f"本案失误发生于{zh_date(c['occurred'])}，早于{d.doc}施行之日（{zh_date(c['effective_from'])}，"
            f"{c['article']}）。{c.get('reading', '')}"
        )
    if c["kind"] == "effective_date_unknown":
        said = _first_sentence(c.get("text", ""))
        return f"{d.doc}{c['article']}规定「{said}」，文本未载明该日期，无法核对本案失误发生时{d.doc}是否已施行。"
    text = _conflict_text(c)
    return "" if text.startswith("{") else text


def _wording(d: _Draft) -> str:
    """The outcome in the document's own words (the vocabulary's outcome_wording for the regime)."""
    r = d.r
    if r["verdict"] != "tolerable":
        return "不予容错"
    outcome = r["outcome"] or "undetermined"
    own = d.data["outcome_wording"].get(d.regime, {})
    if outcome == "exempt":
        return f"认定符合{_own_term(d, outcome)}条件，{own.get('exempt') or '免予问责追责'}"
    if outcome in REDUCED:
        words = own.get(outcome) or vocabulary().data["outcome_handling"][outcome].removeprefix("予以容错，")
        return f"认定符合{_own_term(d, outcome)}条件，{words}"
    return f"认定符合容错条件，处理程度{d.blank('处理程度（免责，或者从轻、减轻）')}"


def _applies(entry: dict, r: Record) -> bool:
    code = (r["outcome"] or "undetermined") if r["verdict"] == "tolerable" else r["verdict"]
    return "for" not in entry or code in entry["for"]


def effect_articles(r: Record) -> list[str]:
    """The effect articles (结果运用) whose text names the outcome reached: only these are quoted."""
    if r["verdict"] != "tolerable":
        return []
    entries = vocabulary().data["opinion"]["effect_articles"].get(r["regime"], [])
    return [e["article"] for e in entries if r["outcome"] in e["outcomes"]]


def _handling(d: _Draft) -> list[dict]:
    r = d.r
    procedure = [e for e in d.data["procedure"].get(d.regime, []) if _applies(e, r)]
    studied = d.record("deliberated")
    required = next((e for e in procedure if e["kind"] == "deliberation"), None)
    if studied:
        body, day = studied[0]
        verb = "集体研究" if required and "集体研究" in required["phrase"] else "研究"
        how = f"经{body}于{zh_date(day)}{verb}"
    elif required:
        verb = "集体研究" if "集体研究" in required["phrase"] else "研究"
        needed = f"{verb}的机关及日期（{d.cite(required['article'])}要求{required['phrase']}）"
        how = f"经{d.blank(needed)}{verb}"
    else:
        how = "经研究"
    deciding = deciding_articles(r)
    basis = f"依据{d.cite(deciding)}的规定，" if deciding else ""
    if r["verdict"] == "tolerable":
        text = f"综上，{how}，{basis}对{d.comrade}{d.where()}的失误错误，{_wording(d)}。"
    elif r["verdict"] == "not_tolerable":
        text = f"综上，{how}，{basis}对{d.comrade}{d.where()}的失误错误不予容错。"
    else:
        text = f"综上，{how}，{d.comrade}{d.where()}的失误错误不适用{d.doc}，不作容错认定。"
    out = [paragraph(text)]
    for e in procedure:  # 北京 第十四条第一款: this draft is merged into the 问责追责 documents
        if e["kind"] == "merge":
            out.append(paragraph(f"（依照{d.cite(e['article'])}的规定，{e['phrase']}；本稿供并入时使用。）", kind="note"))
    suggestion = r.get("suggested_degree")
    if r["outcome"] in REDUCED and suggestion:
        degree = vocabulary().label("outcome", suggestion["degree"])
        out.append(paragraph(f"（本工具建议{degree}，供研究时参考；从轻还是减轻，由集体研究确定。）", kind="note"))
    from .encoding import load_encoding

    enc = load_encoding(d.regime)
    for article in effect_articles(r):
        out.append(paragraph(f"{d.cite(article)}规定：「{enc.quote(article)}」", kind="quote"))
    for e in procedure:
        if e["kind"] == "approval":
            # the text's order: the conclusion is made, then reported for approval (常州 第十条（三）)
            out.append(paragraph(f"本认定结论依照{d.cite(e['article'])}的规定，{e['phrase']}。"))
    duties = [e for e in procedure if e["kind"] == "duty"]
    if duties:
        out.append(paragraph(f"本意见作出后，应当依照{d.doc}的规定办理以下事项："))
        for n, e in enumerate(duties):
            end = "。" if n == len(duties) - 1 else "；"
            number = f"（{_number(n + 1)}）" if len(duties) > 1 else ""  # one item is not numbered
            out.append(paragraph(f"{number}{e['phrase']}（{e['article']}）{end}"))
    for e in procedure:
        if e["kind"] == "appeal":
            out.append(paragraph(f"告知事项：依照{d.cite(e['article'])}，{e['phrase']}。"))
    return out


# --- rendering (md/html: report.render_opinion, every value escaped by rongcuo_asp.escaping) ---------


def docx_document(doc: dict, foot: dict):
    """The opinion as a Word document laid out after GB/T 9704-2012 (党政机关公文格式): A4, margins
    37/35/28/26 mm, title in 方正小标宋简体 2号 (22 pt), body in 仿宋_GB2312 3号 (16 pt) at a fixed
    28.95 pt line (22 lines a page), first-line indent of two characters, 一、 headings in 黑体,
    落款 right-aligned, page numbers 「— 1 —」; placeholders 〔待填：…〕 highlighted.  Fonts an
    office lacks fall back in Word/WPS to 宋体 / 仿宋 / 黑体."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    from .escaping import text_safe

    def font(run, east_asian: str, size: float, bold: bool = False) -> None:
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = "Times New Roman"
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)

    def para(text: str, east_asian: str = "仿宋_GB2312", size: float = 16, indent: bool = True, align=None, line: float = 28.95):
        p = document.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
        fmt.space_before = fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(2 * size)
        if align is not None:
            p.alignment = align
        text = text_safe(text)  # a user string never carries a control character into the document
        found = PLACEHOLDER.findall(text)
        for n, part in enumerate(PLACEHOLDER.split(text)):
            if part:
                font(p.add_run(part), east_asian, size)
            if n < len(found):
                run = p.add_run(found[n])
                font(run, east_asian, size)
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
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

    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    para(doc["number"], indent=False, align=center)
    para("", indent=False)
    para(doc["title"], "方正小标宋简体", 22, indent=False, align=center, line=36)
    para(doc["subtitle"], "楷体_GB2312", 16, indent=False, align=center)
    para("", indent=False)
    para(doc["addressee"], indent=False)
    para(doc["lead"])
    last = None
    for s in doc["sections"]:
        para(s["heading"], "黑体", 16).paragraph_format.keep_with_next = True
        for p in s["paragraphs"]:
            last = para(p["text"], "楷体_GB2312" if p["kind"] in ("quote", "note") else "仿宋_GB2312", 16)
    if last is not None:  # the signature never stands on a page without text (GB/T 9704)
        last.paragraph_format.keep_with_next = True
    para("", indent=False).paragraph_format.keep_with_next = True
    for line in (doc["signature"]["body"], doc["signature"]["date"]):  # 成文日期右空四字
        signed = para(line, indent=False, align=right).paragraph_format
        signed.right_indent = Pt(64)
        signed.keep_with_next = line == doc["signature"]["body"]  # the signer and the date on one page
    if doc["appendix"]:
        para("", indent=False)
        para(doc["appendix"]["heading"], "黑体", 16, indent=False)
        for p in doc["appendix"]["paragraphs"]:
            para(p["text"])
    if doc["placeholders"] or doc["notes"]:  # the drafters' part, not the document's: a page of its own
        document.add_page_break()
    if doc["placeholders"]:
        para(f"待填事项（共 {len(doc['placeholders'])} 项）：", "黑体", 16, indent=False)
        for n, what in enumerate(doc["placeholders"]):
            para(f"{n + 1}．{what}", indent=False)
    if doc["notes"]:
        para("", indent=False)
        para(f"{doc['notes']['heading']}：", "黑体", 16, indent=False)
        for p in doc["notes"]["paragraphs"]:
            para(p["text"], "楷体_GB2312", 16)
    para("", indent=False)
    para(
        f"本意见稿由 rongcuo-asp {foot['version']} 生成，须经集体研究审定后使用；规则版本校验码（sha256）：{foot['sha256']}",
        "仿宋_GB2312",
        10.5,
        indent=False,
        line=15,
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
    return document
