"""Chinese wording of facts, verdicts and roles, all from the vocabulary file."""

from __future__ import annotations

import re

from .factkey import FactKey, FactText
from .vocabulary import vocabulary

_FACT = re.compile(r"^(-?)(\w+)\((.*)\)$")
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
        if regime in entry.get("zh_by_regime", {}):
            return f"是否{voc.label('feature', key.name, regime)}"
        return entry.get("ask") or f"是否{voc.label('feature', key.name)}"  # "ask": the question where 是否 cannot lead
    if key.kind == "level":
        return fact_label(key.name) + "（程度待查明）"
    return voc.predicates[key.kind].get("ask", fact)


def value_zh(name: str, value) -> str:
    """One value of a fact (feature, dimension, org, rank, subject_kind) in Chinese."""
    voc = vocabulary()
    if value is None:
        return "未查明"
    if isinstance(value, bool):
        return "是" if value else "否"
    if name in voc.scales:
        return voc.label("value", f"{name}.{value}")
    return voc.label(name, value) if name in _ATTRIBUTES else str(value)


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
