"""The element table: which phrase of the law each fact a deciding rule reads encodes.

Below the rules of an item, an encoding states its elements as data::

    element("第八条第（四）项", "勇于破除障碍", cause_vested_interests).
    not_condition("第八条第（四）项", "造成一定损失或者影响的", "失误本身，不是容错的条件").

`element(C, P, F)`: the phrase P of the text cited as C (verbatim) is what the rules citing C read
as the fact F (a feature, a level dimension, or for scope rules org / rank / subject_kind).
`not_condition(C, P, R)`: the phrase P of C is not a condition, for the reason R.  Whatever text
of a cited item neither covers is its *unmapped remainder*: a condition of the law no rule reads.

The facts are read here from clingo's AST; no rule of any part reads element/3 or not_condition/3
and no #show shows them, so they never change a verdict (tests/test_elements.py checks both).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from clingo import ast

from .encoding import Encoding, Pattern, Rule, citation_key, load_encoding
from .vocabulary import vocabulary

# The predicates whose rules decide something (a factor only weighs; it may carry elements too).
DECIDING = ("in_scope", "by_reference", "outside", "scenario", "condition_met", "exclusion", "repeat_bar", "outcome")
SCOPE_FACTS = ("org", "rank", "subject_kind")
# Words that, standing alone between phrases, are no condition of the law: 在……中, 因, 或者, ...
CONNECTIVES = frozenset("在 中 因 或因 但因 对于 的 和 或 或者 及 以及 并 等 同 对 但 而 为 且 是 于 甚至".split())
_PUNCT = re.compile(r"[\s，、。；：,.;:“”‘’\"'（）()《》〈〉—…]+")
_ITEM_NUMBER = re.compile(r"（[一二三四五六七八九十]+）")


@dataclass(frozen=True)
class Element:
    citation: str
    phrase: str
    fact: str
    line: int


@dataclass(frozen=True)
class NotCondition:
    citation: str
    phrase: str
    reason: str
    line: int


@dataclass(frozen=True)
class Read:
    """A fact a rule citing `citation` reads: the rule's predicate and line, and whether negated."""

    citation: str
    fact: str
    pred: str
    line: int
    negated: bool


@dataclass(frozen=True)
class Span:
    """A piece of a cited text: plain (unmapped), an element phrase, or a not_condition phrase."""

    text: str
    kind: str  # "plain" | "element" | "not_condition" | "elsewhere" (an item cited on its own)
    facts: tuple[str, ...] = ()
    reason: str = ""


@dataclass
class ElementTable:
    enc: Encoding
    elements: list[Element] = field(default_factory=list)
    not_conditions: list[NotCondition] = field(default_factory=list)
    reads: list[Read] = field(default_factory=list)  # the reads of deciding and factor rules

    def phrase(self, citation: str, fact: str) -> str | None:
        """The phrase of `citation` that `fact` encodes (the first stated), or None."""
        return next((e.phrase for e in self.elements if e.citation == citation and e.fact == fact), None)

    @property
    def regime(self) -> str:
        return self.enc.regime

    def citations(self) -> list[str]:
        """Every citation of a deciding rule, in document order."""
        return sorted(_deciding_citations(self.enc), key=citation_key)

    def missing(self) -> list[Read]:
        """Reads of deciding rules with no element under their citation naming the fact (one per pair)."""
        named = {(e.citation, e.fact) for e in self.elements}
        out = {(r.citation, r.fact): r for r in self.reads if r.pred in DECIDING and (r.citation, r.fact) not in named}
        return list(out.values())

    def problems(self) -> list[str]:
        """Elements and not_conditions that are wrong: a phrase not in the cited text, a fact no rule
        of the citation reads, a citation that cannot be quoted."""
        enc = self.enc
        read = {(r.citation, r.fact) for r in self.reads}
        out = []
        stated: list[Element | NotCondition] = [*self.elements, *self.not_conditions]
        for e in stated:
            kind = "element" if isinstance(e, Element) else "not_condition"
            quote = enc.quote(e.citation)
            if not quote:
                out.append(f"{enc.path.name}:{e.line}: {kind} 引用的 {e.citation} 不是本办法可引用的条款")
            elif e.phrase not in quote:
                out.append(f"{enc.path.name}:{e.line}: {kind} 的短语「{e.phrase}」不是 {e.citation} 原文的一部分")
            if isinstance(e, Element) and (e.citation, e.fact) not in read:
                out.append(f"{enc.path.name}:{e.line}: element 名为 {e.fact}，但引用 {e.citation} 的规则都不读取它")
            if not _PUNCT.sub("", e.phrase):
                out.append(f"{enc.path.name}:{e.line}: {kind} 的短语为空")
        return out

    def spans(self, citation: str) -> list[Span]:
        """The cited text cut into pieces: every occurrence of an element phrase (the facts of every
        element phrase covering it), of a not_condition phrase (its reason), the items of an article
        cited on their own ("elsewhere", their citation as reason), and the plain rest.  An element
        wins over a not_condition where they overlap."""
        text = self.enc.quote(citation)
        mark: list[tuple[str, tuple[str, ...], str]] = [("plain", (), "")] * len(text)
        for start, end, item in self._items_cited_elsewhere(citation):
            mark[start:end] = [("elsewhere", (), item)] * (end - start)
        for nc in (n for n in self.not_conditions if n.citation == citation):
            for m in re.finditer(re.escape(nc.phrase), text):
                mark[m.start() : m.end()] = [("not_condition", (), nc.reason)] * (m.end() - m.start())
        facts: list[list[str]] = [[] for _ in text]
        for e in (e for e in self.elements if e.citation == citation):
            for m in re.finditer(re.escape(e.phrase), text):
                for i in range(m.start(), m.end()):
                    facts[i] = list(dict.fromkeys([*facts[i], e.fact]))
        out: list[Span] = []
        for ch, mk, fs in zip(text, mark, facts, strict=True):
            key = ("element", tuple(fs), "") if fs else mk
            if out and (out[-1].kind, out[-1].facts, out[-1].reason) == key:
                out[-1] = Span(out[-1].text + ch, *key)
            else:
                out.append(Span(ch, *key))
        return out

    def _items_cited_elsewhere(self, citation: str) -> list[tuple[int, int, str]]:
        """(start, end, item citation) in an article's text of its items that deciding rules cite."""
        article = self.enc.articles.get(citation)
        if article is None:
            return []
        cited = _deciding_citations(self.enc)
        at = len("".join(article.paragraphs))
        out = []
        for k, v in article.items.items():
            n = len(f"（{k}）{v}")
            if f"{citation}第（{k}）项" in cited:
                out.append((at, at + n, f"{citation}第（{k}）项"))
            at += n
        return out

    def unmapped(self, citation: str) -> list[str]:
        """The plain pieces of a cited text, trimmed of punctuation, that are more than the item's
        number, punctuation or a connective standing alone (在……中, 因, 或者, ...)."""
        pieces = []
        for s in self.spans(citation):
            text = _ITEM_NUMBER.sub("", s.text)
            words = _PUNCT.sub(" ", text).split()
            if s.kind == "plain" and words and not all(w in CONNECTIVES for w in words):
                pieces.append(_trim(text))
        return pieces

    def all_unmapped(self) -> dict[str, list[str]]:
        """Citation -> unmapped pieces, for every deciding citation that has any."""
        return {c: u for c in self.citations() if (u := self.unmapped(c))}

    @classmethod
    def of(cls, enc: Encoding) -> ElementTable:
        elements, not_conditions = _facts(enc.text)
        reads: list[Read] = []
        for r in enc.rules:
            citation = rule_citation(r) if r.pred in (*DECIDING, "factor") else None
            for p in r.body if citation else ():
                fact = fact_of(p)
                if fact and citation:
                    reads.append(Read(citation, fact, r.pred, r.line, p.negated))
        return cls(enc, elements, not_conditions, list(dict.fromkeys(reads)))


def _trim(text: str) -> str:
    """A plain piece without the punctuation and the connectives standing alone at its edges."""
    parts = re.split(r"([\s，、。；：,.;:]+)", text)
    while parts and (_PUNCT.fullmatch(parts[0]) or not parts[0] or parts[0] in CONNECTIVES):
        parts.pop(0)
    while parts and (_PUNCT.fullmatch(parts[-1]) or not parts[-1] or parts[-1] in CONNECTIVES):
        parts.pop()
    return "".join(parts)


def fact_of(p: Pattern) -> str | None:
    """The fact a body literal reads, as element/3 names it: a feature, a dimension, or a scope predicate."""
    if p.pred in ("holds", "level"):
        return p.args[1] if len(p.args) > 1 else None
    return p.pred if p.pred in SCOPE_FACTS else None


def rule_citation(rule: Rule) -> str | None:
    return next((a for a in rule.head if a and citation_key(a) != (999, 0)), None)


def _deciding_citations(enc: Encoding) -> set[str]:
    return {c for r in enc.rules if r.pred in DECIDING and (c := rule_citation(r))}


def _string(term) -> str | None:
    if term.ast_type == ast.ASTType.SymbolicTerm:
        sym = term.symbol
        return sym.string if sym.type.name == "String" else str(sym)
    if term.ast_type == ast.ASTType.Function and not term.arguments:
        return term.name
    return None


def _facts(text: str) -> tuple[list[Element], list[NotCondition]]:
    elements: list[Element] = []
    not_conditions: list[NotCondition] = []

    def visit(stm) -> None:
        if stm.ast_type != ast.ASTType.Rule or stm.body or stm.head.ast_type != ast.ASTType.Literal:
            return
        atom = stm.head.atom
        if atom.ast_type != ast.ASTType.SymbolicAtom or atom.symbol.ast_type != ast.ASTType.Function:
            return
        fn = atom.symbol
        if fn.name not in ("element", "not_condition") or len(fn.arguments) != 3:
            return
        args = [_string(a) for a in fn.arguments]
        if None in args:
            raise ValueError(f"line {stm.location.begin.line}: {fn.name}/3 takes two strings and a constant or string")
        c, p, x = (str(a) for a in args)
        line = stm.location.begin.line
        if fn.name == "element":
            elements.append(Element(c, p, x, line))
        else:
            not_conditions.append(NotCondition(c, p, x, line))

    ast.parse_string(text, visit)
    return elements, not_conditions


@cache
def element_table(regime: str) -> ElementTable:
    return ElementTable.of(load_encoding(regime))


def element_phrase(regime: str, citation: str, fact: str) -> str | None:
    """The phrase of the law that `fact` encodes under `citation` (e.g. 第八条第（四）项,
    cause_vested_interests -> 勇于破除障碍: the first stated), for reports: 查明「勇于破除障碍」：…;
    None if not stated."""
    return element_table(regime).phrase(citation, fact)


def element_phrases(regime: str, citation: str, fact: str) -> list[str]:
    """Every phrase of `citation` that `fact` encodes, in the order stated (北京 第八条第（四）项,
    cause_vested_interests -> [勇于破除障碍, 攻坚克难]); [] if none."""
    return list(dict.fromkeys(e.phrase for e in element_table(regime).elements if (e.citation, e.fact) == (citation, fact)))


# --- views -----------------------------------------------------------------------------------


def fact_label(regime: str, fact: str) -> str:
    voc = vocabulary()
    if fact in voc.scales:
        return voc.scales[fact]["zh"]
    if fact in SCOPE_FACTS:
        return voc.predicates[fact]["zh"]
    return voc.label("feature", fact, regime)


def elements_data(regime: str) -> dict:
    """`rongcuo provisions --elements --format json`: per deciding citation its text, its elements
    (phrase, fact, label, the rules reading it), its not_conditions and the unmapped remainder."""
    enc = load_encoding(regime)
    table = element_table(regime)
    missing = table.missing()
    items = []
    for c in table.citations():
        reads = [r for r in table.reads if r.citation == c]
        items.append(
            {
                "citation": c,
                "roles": sorted({r.pred for r in reads if r.pred in DECIDING} or {p for p in _preds_citing(enc, c)}),
                "text": enc.quote(c),
                "elements": [
                    {
                        "phrase": e.phrase,
                        "fact": e.fact,
                        "label": fact_label(regime, e.fact),
                        "line": e.line,
                        "reads": [{"pred": r.pred, "line": r.line, "negated": r.negated} for r in reads if r.fact == e.fact],
                    }
                    for e in table.elements
                    if e.citation == c
                ],
                "not_conditions": [
                    {"phrase": n.phrase, "reason": n.reason, "line": n.line} for n in table.not_conditions if n.citation == c
                ],
                "missing": sorted({r.fact for r in missing if r.citation == c}),
                "unmapped": table.unmapped(c),
                "spans": [
                    {"text": sp.text, "kind": sp.kind, "facts": list(sp.facts), "reason": sp.reason} for sp in table.spans(c)
                ],
            }
        )
    return {"regime": regime, "items": items}


def _preds_citing(enc: Encoding, citation: str) -> set[str]:
    return {r.pred for r in enc.rules if r.pred in DECIDING and rule_citation(r) == citation}


def render_elements_text(regime: str) -> str:
    data = elements_data(regime)
    voc = vocabulary()
    info = voc.regimes[regime]
    lines = [f"{info['title']}（{regime}）：条文要件与事实", ""]
    for item in data["items"]:
        roles = "、".join(voc.label("role", voc.citing_predicates.get(p, p)) for p in item["roles"])
        lines.append(f"{item['citation']}〔{roles}〕")
        lines.append(f"  {item['text']}")
        by_phrase: dict[str, list[dict]] = {}
        for e in item["elements"]:
            by_phrase.setdefault(e["phrase"], []).append(e)
        for phrase, es in by_phrase.items():
            facts = "；".join(f"{e['label']}（{e['fact']}{'，须查明不存在' if _only_negated(e) else ''}）" for e in es)
            lines.append(f"    「{phrase}」→ {facts}")
        for n in item["not_conditions"]:
            lines.append(f"    「{n['phrase']}」〔非条件〕{n['reason']}")
        for fact in item["missing"]:
            lines.append(f"    ！规则读取 {fact_label(regime, fact)}（{fact}），未标明对应的条文短语")
        for piece in item["unmapped"]:
            lines.append(f"    ？未对应的条文：「{piece}」")
        lines.append("")
    return "\n".join(lines)


def _only_negated(e: dict) -> bool:
    return bool(e["reads"]) and all(r["negated"] for r in e["reads"])


def render_elements_html(regime: str) -> str:
    import jinja2

    data = elements_data(regime)
    table = element_table(regime)
    voc = vocabulary()
    items = []
    for item in data["items"]:
        labels = {e["fact"]: e["label"] for e in item["elements"]}
        pieces = [
            {
                "text": s.text,
                "kind": s.kind,
                "title": "；".join(f"{labels.get(f, fact_label(regime, f))}（{f}）" for f in s.facts) if s.facts else s.reason,
            }
            for s in table.spans(item["citation"])
        ]
        roles = "、".join(voc.label("role", voc.citing_predicates.get(p, p)) for p in item["roles"])
        groups: dict[str, list[dict]] = {}
        for e in item["elements"]:
            groups.setdefault(e["phrase"], []).append({**e, "absent": _only_negated(e)})
        items.append({**item, "pieces": pieces, "roles_zh": roles, "groups": list(groups.items())})
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("rongcuo_asp", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("elements.html.j2").render(info=voc.regimes[regime], regime=regime, items=items)
