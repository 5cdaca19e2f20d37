"""Reports as documents: facts, values and verdicts worded in Chinese, and the sections of nested
nodes built from them, rendered by templates.

One document model serves every question (check, explain, whatif, compare) and every human
format (text, md, html): templates/doc.{txt,md,html}.j2 render any document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .escaping import text_safe
from .factkey import FactKey, FactText
from .factmodel import LevelRange
from .results import deciding_articles, evidence_map
from .schema import Record
from .vocabulary import vocabulary

# --- Facts, values and verdicts in Chinese, all from the vocabulary file ----------------------

_FACT = re.compile(r"^(-?)(\w+)\((.*)\)$")
_RANGE = re.compile(r"^(-?)level\((\w+),(\w+),range\((\w+),(\w+)\)\)$")  # a level known up to a range
# The subject's many-valued attributes: their titles are the vocabulary's argument kinds.
_ATTRIBUTES = {a: vocabulary().data["argument_kinds"][a] for a in ("org", "rank", "subject_kind")}


def verdict_zh(verdict: str, outcome: str | None) -> str:
    voc = vocabulary()
    text = voc.label("verdict", verdict)
    if verdict == "tolerable" and outcome:
        text += "（处理程度待定）" if outcome == "undetermined" else f"（{voc.label('outcome', outcome)}）"
    return text


def _structured(fact: str) -> tuple[FactKey, object] | None:
    """The key and value of a fact: carried by the facts the reasoner writes (FactText); parsed
    only from a plain string (a JSON document read back, an expectation), or None."""
    if isinstance(fact, FactText):
        return fact.key, fact.value
    if r := _RANGE.match(fact):
        return FactKey.level(r.group(3)), level_range(r.group(3), r.group(4), r.group(5))
    m = _FACT.match(fact)
    if not m:
        return None
    neg, pred, args = m.group(1), m.group(2), m.group(3).split(",")
    if pred == "holds" and len(args) == 2:
        return FactKey.feature("s" if args[1] in vocabulary().subject_features else "i", args[1]), not neg
    if pred == "level" and len(args) in (2, 3):
        return FactKey.level(args[1]), args[2] if len(args) == 3 else None
    if pred in _ATTRIBUTES and len(args) in (1, 2):
        return FactKey.attribute(pred), args[1] if len(args) == 2 else None
    return None


def fact_zh(fact: str, regime: str | None = None) -> str:
    """holds(i1,remedied) -> 主动采取……：是;  level(i1,harm) (unknown) -> 损失或负面影响"""
    found = _structured(fact)
    if found is None:
        return fact
    key, value = found
    label = fact_label(key.name, regime)
    return label if value is None else f"{label}：{value_zh(key.name, value)}"


def missing_zh(fact: str, regime: str | None = None) -> str:
    """An unknown fact to verify: holds(i1,remedied) -> 是否「主动采取……」."""
    voc = vocabulary()
    found = _structured(fact)
    if found is None:
        return fact
    key = found[0]
    if key.kind == "holds":
        entry = voc.incident_features.get(key.name) or voc.subject_features.get(key.name) or {}
        if regime in entry.get("ask_by_regime", {}):  # the regime's phrase cannot follow 是否
            return entry["ask_by_regime"][regime]
        if regime in entry.get("zh_by_regime", {}):
            return f"是否{voc.label('feature', key.name, regime)}"
        return entry.get("ask") or f"是否{voc.label('feature', key.name)}"  # "ask": the question where 是否 cannot lead
    if key.kind == "level":
        if isinstance(found[1], LevelRange):  # known up to a range: what remains open
            values = [f"「{value_zh(key.name, v)}」" for v in found[1].values]
            return fact_label(key.name) + "：" + ("还是".join(values) if len(values) == 2 else "、".join(values) + "中的哪一级")
        return fact_label(key.name) + "（程度待查明）"
    return voc.predicates[key.kind].get("ask", fact)


def value_zh(name: str, value) -> str:
    """One value of a fact (feature, dimension, org, rank, subject_kind) in Chinese."""
    voc = vocabulary()
    if value is None:
        return "未查明"
    if isinstance(value, bool):
        return "是" if value else "否"
    if (r := _range_of(name, value)) is not None:  # known up to a range: 未达「重大」, 「一般」至「较大」
        return range_zh(name, list(r.values), voc.scale_values(name))
    if name in voc.scales:
        return voc.label("value", f"{name}.{value}")
    return voc.label(name, value) if name in _ATTRIBUTES else str(value)


def level_range(dim: str, lo: str, hi: str) -> LevelRange | None:
    """The range lo..hi of a dimension (None where not a range of its scale)."""
    values = vocabulary().scale_values(dim) if dim in vocabulary().scales else []
    if lo not in values or hi not in values or values.index(lo) >= values.index(hi):
        return None
    return LevelRange(lo, hi, tuple(values[values.index(lo) : values.index(hi) + 1]))


def _range_of(name: str, value: object) -> LevelRange | None:
    """A level range as carried (LevelRange) or as JSON writes it (range(lo,hi)), else None."""
    if isinstance(value, LevelRange) or not isinstance(value, str):
        return value if isinstance(value, LevelRange) else None
    m = re.fullmatch(r"range\((\w+),(\w+)\)", value)
    return level_range(name, m.group(1), m.group(2)) if m else None


def fact_label(name: str, regime: str | None = None) -> str:
    """The Chinese name of a fact: a feature's label (in the regime's own words where it has
    them), a dimension, 机关单位类型, 职级, 当事人类别."""
    voc = vocabulary()
    if name in voc.scales:
        return voc.label("dimension", name)
    return _ATTRIBUTES.get(name) or voc.label("feature", name, regime)


def range_zh(name: str, values: list, domain: list) -> str:
    """A set of values of one fact as the law states thresholds: 「重大」以下 -> 未达「重大」,
    达到「较大」及以上, 「一般」至「较大」, or for unordered values 为……之一 / 不为…….
    `domain` is every value of the fact, in scale order."""
    quoted = [f"「{value_zh(name, v)}」" for v in values]
    if len(values) == 1:
        return quoted[0].strip("「」") if isinstance(values[0], bool) else quoted[0]
    idx = sorted(domain.index(v) for v in values)
    ordered = name in vocabulary().scales or name == "rank"
    if ordered and idx == list(range(idx[0], idx[-1] + 1)):
        if idx[0] == 0 and idx[-1] < len(domain) - 1:
            return f"未达「{value_zh(name, domain[idx[-1] + 1])}」"
        if idx[-1] == len(domain) - 1:
            return f"达到「{value_zh(name, domain[idx[0]])}」及以上"
        return f"「{value_zh(name, domain[idx[0]])}」至「{value_zh(name, domain[idx[-1]])}」"
    rest = [v for v in domain if v not in values]
    if len(rest) < len(values):
        return "不为" + "、".join(f"「{value_zh(name, v)}」" for v in rest)
    return "为" + "、".join(quoted) + "之一"


# --- Documents ----------------------------------------------------------------------------------


def node(
    text: str,
    children: list | None = None,
    quote: str | None = None,
    code: str | None = None,
    *,
    collapsed: bool = False,
    tone: str | None = None,
) -> dict:
    """One line of a report with its sub-lines.  `collapsed`: shown closed in HTML (printed open);
    `tone`: the verdict code of a conclusion, which the templates emphasise."""
    return {"text": text, "children": children or [], "quote": quote, "code": code, "collapsed": collapsed, "tone": tone}


def _facts(facts: list[str], regime: str | None = None, evidence: dict[str, list[str]] | None = None) -> list[dict]:
    """Facts in Chinese, each with the evidence the file gives for it (evidence/3)."""
    evidence = evidence or {}
    return [node(fact_zh(f, regime), [node(f"证据：{e}") for e in evidence.get(f, [])], code=file_form(f)) for f in facts]


def file_form(fact: str) -> str:
    """A fact as a fact file writes it (--atoms): a level known up to a range as its bounds,
    level_at_least(i1,harm,general) level_at_most(i1,harm,serious); any other fact as it is."""
    m = _RANGE.match(fact)
    if not m or (r := level_range(m.group(3), m.group(4), m.group(5))) is None:
        return fact
    i, dim = m.group(2), m.group(3)
    scale = vocabulary().scale_values(dim)
    bounds = [("level_at_least", r.lo, scale[0]), ("level_at_most", r.hi, scale[-1])]
    return " ".join(f"{p}({i},{dim},{v})" for p, v, end in bounds if v != end)


def _ground_node(g: Record, regime: str) -> dict:
    voc = vocabulary()
    label = f"{g['article']}〔{voc.label('role', g['role'])}，{'成立' if g['effect'] == 'for' else '阻却'}"
    label += "，参照执行〕" if g.get("by_reference") else "〕"
    children = _facts(g["facts"], regime, g.get("evidence"))
    if g.get("reading"):
        children.insert(0, node(f"注：{g['reading']}"))
    return node(label, children, quote=g.get("text") or None)


def result_nodes(r: Record) -> list[dict]:
    """The body of one incident's result: conclusion, grounds, factors, missing, procedure, conflicts."""
    voc = vocabulary()
    regime = r["regime"]
    nodes = [node(f"结论：{verdict_zh(r['verdict'], r['outcome'])}", tone=r["verdict"])]
    if r.get("suggested_degree"):  # beside 从轻或者减轻: a suggestion, not part of the conclusion
        s = r["suggested_degree"]
        nodes.append(node(f"本工具的建议：{voc.label('outcome', s['degree'])}——{s['reading']}", _facts(s["facts"], regime)))
    for c in r["conflicts"]:
        if c["kind"] == "rule_conflict":
            nodes.append(node(f"虽符合{c['scenario']}，但有{c['exclusion']}情形，不予容错（不予容错情形优先于容错情形）。"))
    nodes.append(_case_node(r))
    if r["grounds"]:
        nodes.append(node("认定依据", [_ground_node(g, regime) for g in r["grounds"]]))
    checked = checked_text(r)
    if checked:
        nodes.append(node(checked))
    if r["factors"]:
        nodes.append(
            node(
                "判断因素（不改变结论，供综合研判）",
                [
                    node(
                        f"{voc.label('factor_kind', f['kind'])}　{f['article']}",
                        _facts(f["facts"], regime, f.get("evidence")),
                        quote=f.get("text"),
                    )
                    for f in r["factors"]
                ],
            )
        )
    if r["missing"]:
        nodes.append(node("需核实的事实（其认定可能改变结论，按办法的认定顺序）", _missing_nodes(r)))
    if r.get("evidence_gaps"):
        gaps = r["evidence_gaps"]
        nodes.append(node(f"证据缺口（决定结论的事实中尚无证据材料的 {len(gaps)} 项）", _facts(gaps, regime), collapsed=True))
    if r["procedure"]:
        nodes.append(node("时限审查", [node(procedure_text(p)) for p in r["procedure"]]))
    others = [c for c in r["conflicts"] if c["kind"] != "rule_conflict"]
    if others:
        nodes.append(node("冲突与解读", [node(_conflict_text(c)) for c in others]))
    return nodes


def _articles_of(regime: str, role: str) -> list[str]:
    """The articles (or items standing alone) whose rules play `role` in a regime, in document order."""
    from .encoding import CITING_PREDICATES, citation_key, load_encoding

    cited = {
        (r.head[0] or "")
        for r in load_encoding(regime).rules
        if CITING_PREDICATES.get(r.pred) == role and r.pred != "factor" and r.head and r.head[0]
    }
    by_article: dict[str, set[str]] = {}
    for c in cited:
        by_article.setdefault(c.split("条")[0] + "条", set()).add(c)
    # an article several of whose items play the role is named whole; a single item stands as cited
    named = {a if len(items) > 1 else next(iter(items)) for a, items in by_article.items()}
    return sorted(named, key=citation_key)


def checked_text(r: Record) -> str:
    """What was checked and did not apply, said once: 经审查，不存在第十条所列不予容错情形."""
    if r["verdict"] == "tolerable":
        parts = []
        exclusions = _articles_of(r["regime"], "exclusion")
        if exclusions:
            parts.append(f"不存在{'、'.join(exclusions)}所列不予容错情形")
        repeats = _articles_of(r["regime"], "repeat")
        if repeats:
            parts.append(f"不属{'、'.join(repeats)}规定的重复失误")
        conditions = _articles_of(r["regime"], "condition")
        if conditions:
            parts.append(f"符合{'、'.join(conditions)}所列容错条件")
        return f"经审查，{'，'.join(parts)}。" if parts else ""
    if r["verdict"] == "undetermined":
        open_items = list(
            dict.fromkeys(
                m["article"] for m in r.get("missing_detail", []) if m["role"] in ("exclusion", "repeat") and m["article"]
            )
        )
        if open_items:
            return f"尚待核实是否存在的不予容错情形：{'、'.join(open_items)}。"
    return ""


def _cited(regime: str, article: str, fact: str, label: str) -> str:
    """The article with the phrase of its text that the fact encodes (the element table):
    第八条第（四）项「勇于破除障碍」; the article alone where the fact's `label` already says it or
    none is stated."""
    from .elements import element_phrase

    found = _structured(fact)
    phrase = element_phrase(regime, article, found[0].name) if found else None
    return f"{article}「{phrase}」" if phrase and phrase not in label else article


def _missing_nodes(r: Record) -> list[dict]:
    """The facts to verify grouped by the role they play (scope, scenario, conditions, exclusions,
    degree), each with the article that reads it first and a mark where one answer alone decides."""
    voc = vocabulary()
    groups: dict[str, list[dict]] = {}
    for m in r.get("missing_detail") or [{"fact": f, "role": "", "article": "", "decisive": False} for f in r["missing"]]:
        label = missing_zh(m["fact"], r["regime"])
        text = label + (f"（{_cited(r['regime'], m['article'], m['fact'], label)}）" if m["article"] else "")
        text += "（单项即可决定）" if m["decisive"] else ""
        groups.setdefault(m["role"], []).append(node(text, code=m["fact"]))
    if list(groups) == [""]:
        return groups[""]
    return [node(voc.label("role", role) if role else "其他", items) for role, items in groups.items()]


def procedure_text(p: Record) -> str:
    """One deadline finding in a sentence: step, article, due date or estimate, actual, status."""
    voc = vocabulary()
    if p["status"] == "unknown_calendar":  # no estimate either past the calendar's last day
        estimate = f"，约至 {p['estimate']}（估算）" if p.get("estimate") else ""
        return (
            f"{voc.label('step', p['step'])}（{p['article']}）：{p['note']}{estimate}；"
            f"实际 {p['actual'] or '—'}；{voc.label('status', p['status'])}"
        )
    if p["status"] == "not_applicable":  # owed for another verdict only
        return f"{voc.label('step', p['step'])}（{p['article']}）：{voc.label('status', p['status'])}（{p.get('note', '')}）"
    if p["due"] is None and p["status"] in ("done", "owed", "if_applicable"):  # a step the text sets no deadline for
        return (
            f"{voc.label('step', p['step'])}（{p['article']}）：未规定期限；实际 {p['actual'] or '—'}；"
            f"{voc.label('status', p['status'])}（{p['note']}）"
        )
    if p["due"] is None:  # owed, not begun: no date to count from
        return f"{voc.label('step', p['step'])}（{p['article']}）：尚未开始；{voc.label('status', p['status'])}"
    when = {"publicity": f"公示至少至 {p['due']}", "follow_up": f"跟踪回访至 {p['due']}"}.get(
        p["step"], f"期限至 {p['due']}（含当日）"
    )
    note = f"（{p['note']}）" if p.get("note") else ""  # e.g. a period the text sets only as a rule (一般)
    return (
        f"{voc.label('step', p['step'])}（{p['article']}）：{when}；实际 {p['actual'] or '—'}；"
        f"{voc.label('status', p['status'])}{note}"
    )


def _conflict_text(c: Record) -> str:
    voc = vocabulary()
    if c["kind"] == "repeat" and c.get("citation"):  # an earlier decision in the case register
        return f"同一事由重复：{c['citation']}。"
    if c["kind"] == "repeat":
        effect = {"bars": f"依{c['article']}不予容错", "factor": f"依{c['article']}列为不利因素"}.get(
            c["effect"], "本办法无重复失误的规定"
        )
        n = c.get("earlier_count", 1)
        before = f"，此前同一事由共 {n} 次" if n > 1 else ""
        return f"同一事由重复：{c['incident']} 重复 {c['repeats']}（事由 {c['matter']}{before}）；{effect}。"
    if c["kind"] == "repeat_unsettled":
        return f"{c['resolution']}（{c['incident']}，事由 {c['matter']}）。"
    if c["kind"] == "fact_conflict":
        return f"事实冲突：第 {c['line']} 行写明「{fact_label(c['fact'].split(',')[-1].rstrip(')'))}」为否，但{c['resolution']}。"
    if c["kind"] == "date_order":
        return (
            f"日期先后矛盾：{voc.label('event', c['earlier'])}（第 {c['lines'][0]} 行，{c['dates'][0]}）晚于"
            f"{voc.label('event', c['later'])}（第 {c['lines'][1]} 行，{c['dates'][1]}），请核实。"
        )
    if c["kind"] == "reading":
        return f"按{c['reading']}，本件将为「{verdict_zh(c['literal_verdict'], None)}」；本工具采{c['resolution']}。"
    if c["kind"] == "effective_date":
        return f"本件失误发生于 {c['occurred']}，早于本办法施行日期 {c['effective_from']}（{c['article']}）；{c['reading']}。"
    if c["kind"] == "effective_date_unknown":
        return (
            f"本办法{c['article']}规定「{_first_sentence(c.get('text', ''))}」，文本未载明该日期，"
            f"无法核对本件失误发生时（{c['occurred']}）本办法是否已施行；本工具仍依本办法认定（本工具的理解）。"
        )
    return str(c)


def _who(r: Record) -> str:
    return r.get("subject_name") or r["subject"]


def _what(r: Record) -> str:
    """The incident as a reviewer names it: its matter where the file states one."""
    return f"{r['matter']}（{r['incident']}）" if r.get("matter") else f"失误错误 {r['incident']}"


def _heading(r: Record) -> str:
    title = vocabulary().regimes[r["regime"]]["title"]
    return f"{_who(r)}：{_what(r)} — {title}"


def _case_node(r: Record) -> dict:
    """The case as the file writes it: who, which case, the matter, the dates, every established
    fact, and apart those the regime says nothing of."""
    voc = vocabulary()
    regime = r["regime"]
    lines = [node(f"当事人：{_who(r)}" + (f"（{r['subject']}）" if r.get("subject_name") else ""))]
    lines.append(node(f"案件：{r['case_name']}（{r['case']}）" if r.get("case_name") else f"案件：{r['case']}"))
    if r.get("matter"):
        lines.append(node(f"事由：{r['matter']}"))
    if r.get("dates"):
        lines.append(node("日期：" + "；".join(f"{voc.label('event', e)} {d}" for e, d in r["dates"].items())))
    lines.append(node(f"文件：{r['file']}"))
    known = r.get("known", [])
    read = [k["fact"] for k in known if k["read"]]
    unread = [k["fact"] for k in known if not k["read"]]
    evidence = evidence_map(r)
    if read:
        lines.append(node(f"已查明事实（{len(read)} 项）", _facts(read, regime, evidence), collapsed=True))
    elif r["verdict"] == "undetermined":
        lines.append(node("已查明事实：无（本办法所涉事实均待查明）"))
    if unread:
        lines.append(node("其他已查明事实（本办法未作规定）", _facts(unread, regime, evidence), collapsed=True))
    return node("案情", lines)


def _summary_section(results: Sequence[Record]) -> dict:
    """With several incidents or regimes: one row each, before the details."""
    voc = vocabulary()
    rows = [
        [
            _who(r),
            _what(r),
            voc.regimes[r["regime"]]["short"],
            verdict_zh(r["verdict"], r["outcome"]),
            "、".join(deciding_articles(r)) or "—",
        ]
        for r in results
    ]
    table = {
        "columns": ["当事人", "失误错误", "办法", "结论", "决定条款"],
        "rows": rows,
        "tones": [r["verdict"] for r in results],
    }
    return {"heading": f"汇总（{len(results)} 项认定）", "nodes": [], "table": table}


def check_document(results: Sequence[Record]) -> dict:
    sections = [{"heading": _heading(r), "nodes": result_nodes(r)} for r in results]
    if len(results) > 1:
        sections.insert(0, _summary_section(results))
    return {"title": "容错纠错认定", "sections": sections, "regimes": sorted({r["regime"] for r in results})}


def _goal_zh(goal: str) -> str:
    voc = vocabulary()
    return voc.label("verdict", goal) if goal in voc.verdicts else f"可容错（{voc.label('outcome', goal)}）"


def explain_document(items: Sequence[Record]) -> dict:
    sections = []
    for e in items:
        body = result_nodes(e)
        lead = 1 + sum(c["kind"] == "rule_conflict" for c in e["conflicts"])  # the conclusion and "虽符合……"
        added = []
        if e["reason"]:
            added.append(
                node(
                    f"充分理由：仅凭以下一组已查明事实即可认定「{_goal_zh(e['reason']['goal'])}」"
                    "（缺少其中任何一项即不足以认定）",
                    _facts(e["reason"]["facts"], e["regime"]),
                )
            )
        for t in e["to_establish"]:
            added.append(_establish_node(t, e["regime"]))
        if e.get("contrast"):
            added.append(_contrast_node(e))
        nodes = body[:lead] + added + body[lead:]
        sections.append({"heading": _heading(e), "nodes": nodes})
    return {"title": "容错纠错认定：理由说明", "sections": sections, "regimes": sorted({e["regime"] for e in items})}


def _establish_node(t: Record, regime: str) -> dict:
    """「若要认定为……」: the fewest facts still to establish (cardinality-minimal), every way listed
    up to a bound; what all ways share first, then 以下任一组即可."""
    goal = _goal_zh(t["verdict"])
    if t.get("bounded"):  # more facts than explain enumerates: said, not listed
        return node(
            f"若要认定为「{goal}」，还需查明 {t['count']} 项以上事实"
            f"（超过逐一列举的上限 {t['bound']} 项，未列出具体组合；需核实的事实见下）"
        )
    alts = t["alternatives"]
    # what every way needs is said once, first; only when every way is listed (of 36 ways, the 10
    # listed may share a fact the others do not need)
    listed_all = t["total"] <= len(alts)
    shared = [c for c in alts[0]["changes"] if listed_all and all(c in a["changes"] for a in alts)]
    head = f"若要认定为「{goal}」，至少还需查明 {t['count']} 项事实"
    children = []
    if shared:
        lead = "均须查明：" if len(alts) > 1 else "须查明："
        children.append(node(lead, [node(_change_phrase(c, regime, verb=False)) for c in shared]))
    rest = [[c for c in a["changes"] if c not in shared] for a in alts]
    if any(rest):
        ways = [
            node("；".join(_change_phrase(c, regime) for c in r) + (f"（{'、'.join(a['articles'])}）" if a["articles"] else ""))
            for r, a in zip(rest, alts, strict=True)
            if r
        ]
        single = all(len(r) == 1 for r in rest)
        children.append(node(("以下任一项即可：" if single else "以下任一组即可：") if len(ways) > 1 else "并须查明：", ways))
    elif alts[0]["articles"]:
        children.append(node(f"依据：{'、'.join(alts[0]['articles'])}"))
    if t["total"] > len(alts):
        children.append(node(f"（共 {t['total']} 种方式，仅列出前 {len(alts)} 种）"))
    return node(head, children)


def _change_phrase(c: Record, regime: str, verb: bool = True) -> str:
    """One change of a whatif or of the facts to establish, with its range: 查明「责任事故」：未达「重大」."""
    label, to = fact_label(c["fact"], regime), c.get("range") or value_zh(c["fact"], c["to"])
    if c["from"] is None:
        return f"{'查明' if verb else ''}「{label}」：{to}"
    known = _range_of(c["fact"], c["from"])
    if known is not None and c["to"] in known.values:  # a level known up to a range, established within it
        return f"{'查明' if verb else ''}「{label}」（已知{value_zh(c['fact'], known)}）：{to}"
    return f"「{label}」由{value_zh(c['fact'], c['from'])}改为{to}"


def zh_date(iso: str, day: bool = True) -> str:
    """2024-03-05 -> 2024年3月5日 (or 2024年3月)."""
    y, m, d = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    return f"{y}年{m}月{d}日" if day else f"{y}年{m}月"


def _first_sentence(text: str) -> str:
    """本办法自印发之日起试行，未尽事宜…… -> 本办法自印发之日起试行 (the sentence that sets the date)."""
    return text.split("。")[0].split("，")[0]


UNSEPARATED_NOTE = "五部办法均不区分从轻与减轻，按「从轻或者减轻」作答；从轻还是减轻由集体研究确定"


def _contrast_node(e: Record) -> dict:
    c = e["contrast"]
    now = verdict_zh(e["verdict"], e["outcome"])
    note = [node(f"（{UNSEPARATED_NOTE}）")] if c.get("asked") else []
    if c.get("already"):
        return node(f"已认定为「{_goal_zh(c['target'])}」，无需改变。", note)
    children = note
    if c["blocking"]:
        children.append(node("一组足以排除该结论的已查明事实", _facts(c["blocking"], e["regime"])))
    elif c["blocking"] is None:
        children.append(node("已查明的事实并不排除该结论；尚需查明的事实见下。"))
    if c.get("bounded"):  # more changes than explain enumerates: said, not listed
        children.append(node(f"需查明或改变 {c['count']} 项以上事实（超过逐一列举的上限 {c['bound']} 项，未列出具体组合）"))
    elif c.get("derived_in_the_way"):
        facts = "、".join(f"「{fact_zh(f, e['regime'])}」" for f in c["derived_in_the_way"])
        children.append(
            node(
                f"仅改变本案其他事实不能得出该结论：{facts}系依失误发生日期（或案件登记簿的记录）推定，"
                "改变本案材料不能改变；如日期或登记有误，应先予更正。"
            )
        )
    elif c["findings"]:
        n = len(c["findings"][0]["changes"])
        ways = [node(_change_text(f, e["regime"]) + _cite(f)) for f in c["findings"]]
        if c.get("total", 0) > len(c["findings"]):
            ways.append(node(f"（共 {c['total']} 种方式，仅列出前 {len(c['findings'])} 种）"))
        children.append(node(f"最少需改变 {n} 项事实，以下任一种即可", ways))
    else:
        children.append(node("无论如何改变事实，均不能得出该结论。"))
    return node(f"为何是「{now}」而不是「{_goal_zh(c['target'])}」", children)


def _change_text(finding: Record, regime: str) -> str:
    return "；".join(_change_phrase(c, regime) for c in finding["changes"])


def _cite(finding: Record) -> str:
    return f"（{'、'.join(finding['articles'])}）" if finding.get("articles") else ""


def whatif_document(items: Sequence[Record]) -> dict:
    sections = []
    for w in items:
        goal = _goal_zh(w["target"])
        if w.get("already"):
            nodes = [node(f"已认定为「{goal}」，无需改变。")]
        elif not w["findings"]:
            nodes = [node(f"无论如何改变事实（在所给限制内），均不能认定为「{goal}」。")]
        else:
            n = len(w["findings"][0]["changes"])
            nodes = [node(f"最少需改变 {n} 项事实；共有 {len(w['findings'])} 种最小改变方案：")]
            for f in w["findings"]:
                facts = [
                    node(f"{fact_label(c['fact'], w['regime'])}：{c['range']}", code=code)
                    for c, code in zip(f["changes"], f["facts"], strict=True)
                ]
                nodes.append(node(f"若{_change_text(f, w['regime'])}，则{goal}{_cite(f)}。", facts))
        if w.get("asked"):  # 从轻 or 减轻 asked: answered as the one outcome the documents know
            nodes.insert(0, node(f"（{UNSEPARATED_NOTE}）"))
        nodes.append(node(f"文件：{w['file']}"))  # which file the question is about, as every report says
        sections.append(
            {"heading": f"{w['incident']}：如何才能「{goal}」— {vocabulary().regimes[w['regime']]['title']}", "nodes": nodes}
        )
    return {"title": "容错纠错认定：反事实分析", "sections": sections, "regimes": sorted({w["regime"] for w in items})}


def compare_document(items: Sequence[Record]) -> dict:
    """The same incident under the five regimes as one table: regime × verdict, deciding articles,
    facts still to verify."""
    voc = vocabulary()
    sections = []
    for c in items:
        rows = [
            [
                voc.regimes[r["regime"]]["short"],
                verdict_zh(r["verdict"], r["outcome"]),
                "、".join(dict.fromkeys(r["deciding"])) or "—",
                "；".join(missing_zh(m, r["regime"]) for m in r["missing"]) or "—",
            ]
            for r in c["regimes"]
        ]
        table = {
            "columns": ["办法", "结论", "决定条款", "需核实的事实"],
            "rows": rows,
            "tones": [r["verdict"] for r in c["regimes"]],
        }
        summary = "五部办法结论一致。" if c["agree"] else "各办法结论不同，差异来自表中的决定条款。"
        titles = [node(f"{voc.regimes[r]['short']}：{voc.regimes[r]['title']}") for r in voc.regimes]
        sections.append(
            {
                "heading": f"{_who(c)}：{_what(c)} — 五部办法对照",
                "table": table,
                "nodes": [node(summary), node(f"文件：{c['file']}"), node("办法全称", titles, collapsed=True)],
            }
        )
    return {"title": "容错纠错认定：五部办法对照", "sections": sections, "regimes": list(voc.regimes)}


def footer(doc: dict) -> dict:
    from . import __version__
    from .encoding import encodings_digest

    voc = vocabulary()
    return {
        "version": __version__,
        "documents": [voc.regimes[r]["title"] for r in doc["regimes"]],
        "sha256": encodings_digest(doc["regimes"]),
    }


# One row of a 案件台账 (batch --format csv / xlsx): Chinese headers and cells; the codes follow in
# columns of their own for programs.
LEDGER_COLUMNS = [
    "文件",
    "案件",
    "案件名称",
    "当事人",
    "当事人名称",
    "失误错误",
    "事由",
    "办法",
    "结论",
    "决定条款",
    "认定依据",
    "判断因素",
    "需核实的事实",
    "时限审查",
    "冲突与解读",
    "拒绝原因",
    "case",
    "incident",
    "regime",
    "verdict",
    "outcome",
    "file_id",  # which file (of its absolute path) and what it held (sha256): what --resume compares
    "sha256",
]


def ledger_row(r: Record) -> dict[str, str]:
    voc = vocabulary()
    regime = r["regime"]

    def ground(g: Record) -> str:
        return f"{g['article']}（{voc.label('role', g['role'])}，{'成立' if g['effect'] == 'for' else '阻却'}）"

    def step(p: Record) -> str:
        return f"{voc.label('step', p['step'])}（{p['article']}）：{voc.label('status', p['status'])}"

    def conflict(c: Record) -> str:
        if c["kind"] == "rule_conflict":
            return f"虽符合{c['scenario']}，但有{c['exclusion']}情形，不予容错"
        return _conflict_text(c)

    return {
        "文件": text_safe(r["file"]),  # a file name is the one cell no reader has checked: shown escaped
        "案件": r["case"],
        "案件名称": r.get("case_name") or "",
        "当事人": r["subject"],
        "当事人名称": r.get("subject_name") or "",
        "失误错误": r["incident"],
        "事由": r.get("matter") or "",
        "办法": voc.regimes[regime]["short"],
        "结论": verdict_zh(r["verdict"], r["outcome"]),
        "决定条款": "、".join(dict.fromkeys(deciding_articles(r))),
        "认定依据": "；".join(ground(g) for g in r["grounds"]),
        "判断因素": "；".join(f"{voc.label('factor_kind', f['kind'])}：{f['article']}" for f in r["factors"]),
        "需核实的事实": "；".join(missing_zh(m, regime) for m in r["missing"]),
        "时限审查": "；".join(step(p) for p in r["procedure"]),
        "冲突与解读": "；".join(conflict(c) for c in r["conflicts"]),
        "拒绝原因": "",
        "case": r["case"],
        "incident": r["incident"],
        "regime": regime,
        "verdict": r["verdict"],
        "outcome": r["outcome"] or "",
        "file_id": r.get("file_id", ""),
        "sha256": r.get("sha256", ""),
    }


def ledger_refusal(path: str, reason: str, file_id: str = "") -> dict[str, str]:
    """A refused file as a ledger row: its path and why (every refusal, file and line)."""
    return {**dict.fromkeys(LEDGER_COLUMNS, ""), "文件": text_safe(path), "拒绝原因": reason, "file_id": file_id}
