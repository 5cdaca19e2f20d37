"""Regime encodings as data: article texts from the literate comments, rule bodies from the AST.

An encoding file keeps each article of its document verbatim in ``%%`` comment lines, followed by
the rules that encode it.  This module reads both back: the article texts (so reports quote the
law from the same place the rules sit) and, through clingo's AST, which vocabulary facts each
citing rule uses (so a conclusion can name the facts that fired it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .vocabulary import vocabulary

# Installed: rongcuo_asp/encodings/; from a checkout (editable install): the repository's encodings/.
_HERE = Path(__file__).resolve().parent
ENCODINGS = next(
    (p for p in (_HERE / "encodings", _HERE.parent / "encodings") if (p / "verdict.lp").is_file()), _HERE / "encodings"
)
SHARED_PARTS = ("template.lp", "verdict.lp", "outcome.lp")
VOCAB_PREDICATES = {"holds", "level", "org", "rank", "subject_kind"}
CITING_PREDICATES = vocabulary().citing_predicates  # predicate -> role, from the atoms table
TIMING_FACTS = ("deadline", "publicity")
_ARTICLE = re.compile(r"^(第[一二三四五六七八九十百]+条)\s*(.*)$")
CHAPTER = re.compile(r"^第[一二三四五六七八九十]+章\s")  # a chapter heading: text of the document, of no article
_ITEM = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]\s*(.*)$")
_CITATION = re.compile(r"^(第[一二三四五六七八九十百]+条)(?:第（([一二三四五六七八九十]+)）项|第([一二三四五六七八九十]+)款)?$")


def chinese_number(text: str) -> int:
    """一 … 九十九 as an int (article and item numbers); '' is 0."""
    digits = "一二三四五六七八九"
    if not text:
        return 0
    if "十" in text:
        hi, _, lo = text.partition("十")
        return (digits.index(hi) + 1 if hi else 1) * 10 + (digits.index(lo) + 1 if lo else 0)
    return digits.index(text) + 1


def citation_key(citation: str) -> tuple[int, int]:
    """Sort key in document order: 第十条第（二）项 -> (10, 2); unknown forms sort last."""
    m = _CITATION.match(citation)
    if not m:
        return (999, 0)
    return (chinese_number(m.group(1)[1:-1]), chinese_number(m.group(2) or m.group(3) or ""))


@dataclass(frozen=True)
class Pattern:
    """A vocabulary literal of a rule body; args: a value, '$I' / '$S', or None for another variable."""

    negated: bool
    pred: str
    args: tuple[str | None, ...]


@dataclass(frozen=True)
class Rule:
    pred: str
    head: tuple[str | None, ...]  # head arguments after the incident; None for variables
    body: tuple[Pattern, ...]
    line: int
    via: tuple[str, ...] = ()  # helper predicates unfolded into the body (degree_table, mitigation, ...)


@dataclass
class Article:
    number: str
    paragraphs: list[str] = field(default_factory=list)
    items: dict[str, str] = field(default_factory=dict)
    treatment: str | None = None

    @property
    def text(self) -> str:
        return "".join(self.paragraphs) + "".join(f"（{k}）{v}" for k, v in self.items.items())


@dataclass(eq=False)  # hashed by identity: results cache lookups per encoding
class Encoding:
    regime: str
    path: Path
    text: str
    articles: dict[str, Article]
    rules: list[Rule]
    data: dict[str, list]  # scope_article, scenario_article, outcome_article, condition; deadline, publicity tuples

    def readings(self, citation: str) -> list[str]:
        """The readings the encoding states for an article or item (reading/2 facts), in Chinese."""
        return [text for cited, text in self.data.get("reading", []) if cited == citation]

    def article_readings(self, number: str) -> list[tuple[str, str]]:
        """(citation, text) of the readings stated for an article or one of its items, in document order."""
        readings = vocabulary().data["readings"]
        stated = list(self.data.get("reading", []))
        stated += [(r.head[1], readings[h]) for r in self.rules if r.pred == "outcome" for h in r.via if h in readings]
        found = [(c, t) for c, t in dict.fromkeys(stated) if (m := _CITATION.match(c or "")) and m.group(1) == number]
        return sorted(found, key=lambda r: citation_key(r[0]))

    def quote(self, citation: str) -> str:
        """The verbatim text of an article, an item （N） or a paragraph 第N款."""
        m = _CITATION.match(citation)
        if not m or m.group(1) not in self.articles:
            return ""
        art = self.articles[m.group(1)]
        if m.group(2):
            return f"（{m.group(2)}）" + art.items.get(m.group(2), "")
        if m.group(3):
            n = "一二三四五六七八九十".index(m.group(3))
            return art.paragraphs[n] if n < len(art.paragraphs) else ""
        return art.text

    def rules_for(self, pred: str) -> list[Rule]:
        return [r for r in self.rules if r.pred == pred]

    def rules_by_head(self, pred: str, first: str) -> list[Rule]:
        """Rules of `pred` whose first head argument (after the incident) may be `first`."""
        index = self.__dict__.get("_head_index")
        if index is None:
            index = {}
            for r in self.rules:
                index.setdefault((r.pred, r.head[0] if r.head else None), []).append(r)
            self.__dict__["_head_index"] = index
        return index.get((pred, first), []) + index.get((pred, None), [])

    def cited_items(self) -> dict[str, set[tuple[str, str]]]:
        """Article -> {(citation, role)} of every rule that carries a citation."""
        out: dict[str, set[tuple[str, str]]] = {}
        for r in self.rules:
            for arg in r.head:
                m = _CITATION.match(arg or "")
                if m and arg and r.pred in CITING_PREDICATES:
                    out.setdefault(m.group(1), set()).add((arg, CITING_PREDICATES[r.pred]))
        for name in TIMING_FACTS:  # deadlines and publicity periods, cited as data too
            for entry in self.data.get(name, []):
                m = _CITATION.match(entry[0])
                if m:
                    out.setdefault(m.group(1), set()).add((entry[0], "procedure"))
        return out

    def fact_order(self) -> dict[tuple[str, str], int]:
        """(pred, key) -> line of the first rule that reads it: the document order of facts."""
        order: dict[tuple[str, str], int] = {}
        for r in sorted(self.rules, key=lambda r: (r.pred == "outcome", r.line)):
            for p in r.body:
                k = (p.pred, (p.args[1] or "") if p.pred in ("holds", "level") else "")
                order.setdefault(k, len(order))
        return order

    def used_facts(self, ignore: tuple[str, ...] = ()) -> set[tuple[str, str]]:
        """(pred, key) of the vocabulary facts some rule reads: ('holds', feature), ('level', dim), ('org', '');
        rules deriving a predicate in `ignore` are left out."""
        used = set()
        for r in self.rules:
            if r.pred in ignore:
                continue
            for p in r.body:
                if p.pred == "holds":
                    used.add(("holds", p.args[1] or ""))
                elif p.pred == "level":
                    used.add(("level", p.args[1] or ""))
                else:
                    used.add((p.pred, ""))
        return used


def _articles(text: str) -> dict[str, Article]:
    articles: dict[str, Article] = {}
    current: Article | None = None
    last_item: str | None = None
    for raw in text.splitlines():
        if not raw.startswith("%% "):
            continue
        line = raw[3:].strip()
        if CHAPTER.match(line):
            current = None  # the chapter's heading belongs to no article
            continue
        m = _ARTICLE.match(line)
        if m:
            current = articles.setdefault(m.group(1), Article(m.group(1)))
            current.paragraphs.append(m.group(2))
            last_item = None
            continue
        if current is None:
            continue
        mi = _ITEM.match(line)
        if mi:
            last_item = mi.group(1)
            current.items[last_item] = mi.group(2)
        elif last_item is not None:
            current.items[last_item] += line
        else:
            current.paragraphs.append(line)
    return articles


def _arg(term) -> str | None:
    from clingo import ast  # in the parsing functions only: a start-up with the encodings cached needs no parser

    if term.ast_type == ast.ASTType.Variable:
        return {"I": "$I", "S": "$S"}.get(term.name)
    if term.ast_type == ast.ASTType.SymbolicTerm:
        sym = term.symbol
        return sym.string if sym.type.name == "String" else str(sym)
    return str(term)


def _pattern(lit, path: Path) -> Pattern | None:
    from clingo import ast

    if lit.ast_type != ast.ASTType.Literal or lit.atom.ast_type != ast.ASTType.SymbolicAtom:
        return None
    term, negated = lit.atom.symbol, False
    if term.ast_type == ast.ASTType.UnaryOperation:
        term, negated = term.argument, True
    if term.ast_type != ast.ASTType.Function or term.name not in VOCAB_PREDICATES:
        return None
    if lit.sign != ast.Sign.NoSign:
        raise ValueError(
            f"{path}:{lit.location.begin.line}: default negation of the case fact {term} would read an "
            "unknown fact as false; write the classical literal (-holds/…) instead"
        )
    return Pattern(negated, term.name, tuple(_arg(a) for a in term.arguments))


def parse_rules(text: str, path: Path) -> tuple[list[Rule], dict[str, list[str]]]:
    """The citing rules and the data facts of an encoding (from clingo's AST; cached on disk for
    this exact text, since parsing the AST was most of a one-case check's own start-up)."""
    from . import diskcache

    cached = diskcache.load("rules", text)
    if isinstance(cached, dict):
        try:
            return _rules_from_json(cached)
        except (TypeError, ValueError, KeyError):
            pass
    rules, data = _parse_rules(text, path)
    diskcache.store("rules", text, _rules_to_json(rules, data))
    return rules, data


def _rules_to_json(rules: list[Rule], data: dict[str, list]) -> dict:
    return {
        "rules": [
            [r.pred, list(r.head), [[p.negated, p.pred, list(p.args)] for p in r.body], r.line, list(r.via)] for r in rules
        ],
        "data": {k: [list(v) if isinstance(v, tuple) else v for v in vs] for k, vs in data.items()},
    }


def _rules_from_json(cached: dict) -> tuple[list[Rule], dict[str, list]]:
    rules = [
        Rule(pred, tuple(head), tuple(Pattern(neg, p, tuple(args)) for neg, p, args in body), line, tuple(via))
        for pred, head, body, line, via in cached["rules"]
    ]
    data = {k: [tuple(v) if isinstance(v, list) else v for v in vs] for k, vs in cached["data"].items()}
    return rules, data


# A term of a rule as written: ("v", variable name) or ("c", constant text).
RawTerm = tuple[str, str]
# A positive body atom of a rule as written: (predicate, terms).
RawAtom = tuple[str, tuple[RawTerm, ...]]


def _raw(term) -> RawTerm:
    from clingo import ast

    if term.ast_type == ast.ASTType.Variable:
        return ("v", term.name)
    arg = _arg(term)
    return ("c", "" if arg is None else arg)


def _as_arg(term: RawTerm) -> str | None:
    kind, text = term
    if kind == "c":
        return text
    return {"I": "$I", "S": "$S"}.get(text)


class _RawRule:
    """A rule as written, while an encoding is parsed (a plain class: a dataclass is made at
    import, on every start-up, and this one serves only a cache miss)."""

    __slots__ = ("pred", "head", "facts", "helpers", "line", "ranges")

    def __init__(self, pred: str, head: tuple[RawTerm, ...], line: int) -> None:
        self.pred = pred
        self.head = head
        self.facts: list[tuple[bool, str, tuple[RawTerm, ...]]] = []  # vocabulary literals: (classically negated, pred, terms)
        self.helpers: list[RawAtom] = []  # other positive body atoms, unfolded where a helper rule defines them
        self.line = line
        self.ranges: dict[str, list[str]] = {}  # variable -> values allowed by at_least/at_most


def _parse_rules(text: str, path: Path) -> tuple[list[Rule], dict[str, list[str]]]:
    from clingo import ast

    raw: list[_RawRule] = []
    data: dict[str, list] = {}

    def visit(stm) -> None:
        if stm.ast_type != ast.ASTType.Rule or stm.head.ast_type != ast.ASTType.Literal:
            return
        atom = stm.head.atom
        if atom.ast_type != ast.ASTType.SymbolicAtom or atom.symbol.ast_type != ast.ASTType.Function:
            return
        fn = atom.symbol
        args = [_arg(a) for a in fn.arguments]
        if not stm.body and fn.name in ("scope_article", "scenario_article", "outcome_article", "condition"):
            data.setdefault(fn.name, []).append(args[0])
        if not stm.body and fn.name in ("deadline", "publicity", "reading"):
            data.setdefault(fn.name, []).append(tuple(args))
        if not stm.body and fn.name == "treatment":
            data.setdefault("treatment", []).append(f"{args[0]}={args[1]}")
        if not stm.body:
            return
        rule = _RawRule(fn.name, tuple(_raw(a) for a in fn.arguments), stm.location.begin.line)
        for lit in stm.body:
            pattern = _pattern(lit, path)  # refuses default negation of a case fact
            if pattern is not None:
                term = lit.atom.symbol
                term = term.argument if term.ast_type == ast.ASTType.UnaryOperation else term
                rule.facts.append((pattern.negated, pattern.pred, tuple(_raw(a) for a in term.arguments)))
            elif (
                lit.ast_type == ast.ASTType.Literal
                and lit.sign == ast.Sign.NoSign
                and lit.atom.ast_type == ast.ASTType.SymbolicAtom
                and lit.atom.symbol.ast_type == ast.ASTType.Function
            ):
                name, terms = lit.atom.symbol.name, tuple(_raw(a) for a in lit.atom.symbol.arguments)
                if name in ("at_least", "at_most") and len(terms) == 3 and terms[1][0] == "v":
                    rule.ranges[terms[1][1]] = _scale_range(name, terms[0][1], terms[2][1])
                else:
                    rule.helpers.append((name, terms))
        raw.append(rule)

    ast.parse_string(text, visit)
    defined: dict[str, list[_RawRule]] = {}
    for r in raw:
        if r.pred not in CITING_PREDICATES:
            defined.setdefault(r.pred, []).append(r)
    rules = [
        Rule(
            r.pred,
            tuple(_as_arg(t) for t in head[1:]),
            tuple(Pattern(neg, p, tuple(_as_arg(t) for t in args)) for neg, p, args in dict.fromkeys(facts)),
            r.line,
            via,
        )
        for r in raw
        if r.pred in CITING_PREDICATES
        for head, facts, via in _unfold(r, defined)
    ]
    return rules, data


_Fact = tuple[bool, str, tuple[RawTerm, ...]]


def _unfold(rule: _RawRule, defined: dict[str, list[_RawRule]], depth: int = 0):
    """The rule with every positive helper atom of its body replaced by the body of a helper rule that
    can derive it (one variant per such rule): the vocabulary facts a conclusion rests on, through
    helpers such as degree_table/2.  Yields (head terms, vocabulary literals, helpers used)."""
    variants: list[tuple[dict[str, RawTerm], list[_Fact], tuple[str, ...]]] = [({}, list(rule.facts), ())]
    for pred, terms in rule.helpers:
        if pred not in defined or depth > 4:
            continue
        grown = []
        for subst, facts, via in variants:
            call = tuple(subst.get(t[1], t) if t[0] == "v" else t for t in terms)
            for helper in defined[pred]:
                bound = _match(call, helper.head)
                if bound is None:
                    continue
                local, outer = bound
                for _, inner_facts, inner_via in _unfold(helper, defined, depth + 1):
                    mapped = [
                        (neg, p, tuple(local.get(t[1], ("v", "_")) if t[0] == "v" else t for t in args))
                        for neg, p, args in inner_facts
                    ]
                    grown.append(({**subst, **outer}, facts + mapped, (*via, pred, *inner_via)))
        variants = grown or variants
    for subst, facts, via in variants:
        head = tuple(subst.get(t[1], t) if t[0] == "v" else t for t in rule.head)
        for values in _assignments(rule.ranges):
            body = [(neg, p, tuple(values.get(t[1], t) if t[0] == "v" else t for t in args)) for neg, p, args in facts]
            yield head, body, tuple(dict.fromkeys(via))


def _scale_range(helper: str, dimension: str, bound: str) -> list[str]:
    """The values of a scale (a dimension, or rank) that at_least/at_most(D, V, bound) admits."""
    values = vocabulary().ordered_values(dimension)
    n = values.index(bound)
    return values[n:] if helper == "at_least" else values[: n + 1]


def _assignments(ranges: dict[str, list[str]]) -> list[dict[str, RawTerm]]:
    """Every choice of one admitted value per ranged variable: a comparison on a scale becomes one rule
    variant per value, so an explanation names the level that satisfied it, not any level."""
    out: list[dict[str, RawTerm]] = [{}]
    for var, values in ranges.items():
        out = [{**a, var: ("c", v)} for a in out for v in values]
    return out


def _match(call: tuple[RawTerm, ...], head: tuple[RawTerm, ...]) -> tuple[dict[str, RawTerm], dict[str, RawTerm]] | None:
    """Unify a helper call with a helper rule's head: (helper variable -> call term, call variable ->
    helper constant), or None where a constant differs."""
    if len(call) != len(head):
        return None
    local: dict[str, RawTerm] = {}
    outer: dict[str, RawTerm] = {}
    for c, h in zip(call, head, strict=True):
        if h[0] == "v":
            local[h[1]] = c
        elif c[0] == "v":
            outer[c[1]] = h
        elif c != h:
            return None
    return local, outer


@cache
def load_encoding(regime: str) -> Encoding:
    if regime not in vocabulary().regimes:
        raise KeyError(regime)
    path = ENCODINGS / vocabulary().regimes[regime]["encoding"]
    text = path.read_text(encoding="utf-8")
    # The shared outcome part follows the regime's own text: its helpers (degree_table/2, ...) are
    # unfolded into the regime's outcome rules, and the regime's line numbers stay as in its file.
    program = text + "\n" + shared_part("outcome.lp")
    check_vocabulary(program, [(path, text.count("\n") + 1), (ENCODINGS / "outcome.lp", None)])
    rules, data = parse_rules(program, path)
    articles = _articles(text)
    for entry in data.pop("treatment", []):
        number, kind = entry.split("=")
        if number in articles:
            articles[number].treatment = kind
    return Encoding(regime, path, text, articles, rules, data)


class EncodingError(Exception):
    """An encoding that does not speak the vocabulary: a bug of the encoding, never of the input."""


def check_vocabulary(program: str, parts: list[tuple[Path, int | None]]) -> None:
    """Refuse an encoding with a constant the vocabulary lacks (a typo would silently change verdicts).
    `parts` names the files the program is made of, with their line counts (None: the rest).  A clean
    result is cached on disk with the program and the vocabulary it was checked against."""
    from . import diskcache

    key = program + "\n% checked against\n" + (Path(__file__).parent / "vocabulary.json").read_text(encoding="utf-8")
    if diskcache.load("vocabulary-check", key) == "clean":
        return
    from .vocabcheck import vocabulary_problems  # (and clingo.ast) only when not cached

    problems = vocabulary_problems(program)
    if problems:
        lines = []
        for line, message in problems:
            for path, count in parts:
                if count is None or line <= count:
                    lines.append(f"{path.name}:{line}: {message}")
                    break
                line -= count
        raise EncodingError("编码使用了词汇表中没有的名称：\n" + "\n".join(lines))
    diskcache.store("vocabulary-check", key, "clean")


def encodings_digest(regimes: list[str]) -> str:
    """sha256 over the vocabulary and every encoding file the regimes use, to reproduce a finding."""
    import hashlib

    digest = hashlib.sha256((Path(__file__).parent / "vocabulary.json").read_bytes())
    names = [*SHARED_PARTS, "repeat.lp", "whatif.lp", "relevance.lp", *(vocabulary().regimes[r]["encoding"] for r in regimes)]
    for name in names:
        digest.update(name.encode())
        digest.update((ENCODINGS / name).read_bytes())
    return digest.hexdigest()


def regime_program(encoding_text: str, extra: tuple[str, ...] | list[str] = (), show: bool = True) -> str:
    """A regime's whole program: vocabulary facts, template, verdict and outcome parts, the encoding,
    then `extra` parts.  With show=False the parts' #show statements are dropped (the caller shows
    what it needs)."""
    texts = [*(shared_part(p) for p in SHARED_PARTS), encoding_text]
    shows = [vocabulary().show_statements()] if show else []  # the atoms table says what is shown
    return "\n".join([vocabulary().asp_facts(), *texts, *shows, *extra])


def shared_part(name: str) -> str:
    return (ENCODINGS / name).read_text(encoding="utf-8")
