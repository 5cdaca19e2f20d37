"""Chinese wording of facts, verdicts and roles, all from the vocabulary file."""

from __future__ import annotations

import re

from .vocabulary import vocabulary

_FACT = re.compile(r"^(-?)(\w+)\((.*)\)$")


def verdict_zh(verdict: str, outcome: str | None) -> str:
    voc = vocabulary()
    text = voc.label("verdict", verdict)
    if verdict == "tolerable" and outcome:
        text += "（处理程度待定）" if outcome == "undetermined" else f"（{voc.label('outcome', outcome)}）"
    return text


def fact_zh(fact: str) -> str:
    """holds(i1,remedied) -> 主动采取……：是;  level(i1,harm) (unknown) -> 损失或负面影响：？"""
    voc = vocabulary()
    m = _FACT.match(fact)
    if not m:
        return fact
    neg, pred, args = m.group(1), m.group(2), m.group(3).split(",")
    if pred == "holds":
        return f"{voc.label('feature', args[1])}：{'否' if neg else '是'}"
    if pred == "level":
        dim = voc.label("dimension", args[1])
        return f"{dim}：{voc.label('value', f'{args[1]}.{args[2]}')}" if len(args) == 3 else f"{dim}"
    kind = {"org": "org", "rank": "rank", "subject_kind": "subject_kind"}.get(pred)
    title = {"org": "机关单位类型", "rank": "职级", "subject_kind": "当事人类别"}.get(pred, pred)
    return f"{title}：{voc.label(kind, args[1])}" if kind and len(args) == 2 else title


def missing_zh(fact: str) -> str:
    """An unknown fact to verify: holds(i1,remedied) -> 是否「主动采取……」."""
    voc = vocabulary()
    m = _FACT.match(fact)
    if not m:
        return fact
    pred, args = m.group(2), m.group(3).split(",")
    if pred == "holds":
        return f"是否{voc.label('feature', args[1])}"
    return (
        fact_zh(fact) + "（程度待查明）"
        if pred == "level"
        else {"org": "所在机关单位类型", "rank": "职级", "subject_kind": "当事人类别（个人或单位）"}.get(pred, fact)
    )
