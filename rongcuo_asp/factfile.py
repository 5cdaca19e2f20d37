"""Strict reader of case fact files: only ground facts of the vocabulary get through.

Syntax (factsyntax) gives ground facts; here they are checked against the vocabulary (predicates,
arities, allowed values, scales, cross-references, contradictions) and built into the model
(factmodel), every refusal named by file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

from .factmodel import Case, Fact, FactFile, FactFileError, Incident, LevelRange, Located, Subject, Term
from .factsyntax import (
    DATE,
    MAX_ERRORS,
    MAX_LINES,
    Parser,
    TooManyStatements,
    count_statements,
    simple_facts,
    too_many_statements,
)
from .fastread import read_plain
from .inputs import InputRefused, read_regular
from .vocabulary import vocabulary

__all__ = [
    "Case",
    "Fact",
    "FactFile",
    "FactFileError",
    "Incident",
    "LevelRange",
    "Located",
    "Subject",
    "Term",
    "parse_fact_text",
    "read_fact_file",
]

MAX_FILE_BYTES = 64 * 1024 * 1024


def _suggest(name: str, candidates) -> str:
    import difflib  # only refusals need it

    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"（是否指 {close[0]}？）" if close else ""


_IDENTIFIER_KINDS = ("case", "subject", "incident", "holder", "named")


@cache
def _cited(regime: str) -> tuple[str, ...]:
    """Every citation the regime's encoding makes (article, item, paragraph), for expect_ground."""
    from .encoding import load_encoding

    items = load_encoding(regime).cited_items()
    return tuple(sorted({c for cites in items.values() for c, _ in cites} | set(items)))


@cache
def _allowed_values() -> dict[str, dict | list]:
    """Argument kind -> the names the vocabulary allows there (the kinds with a closed list)."""
    voc = vocabulary()
    return {
        "regime": voc.regimes,
        "subject_kind": voc.subject_kinds,
        "org": voc.orgs,
        "rank": voc.ranks,
        "event": voc.events,
        "dimension": voc.scales,
        "verdict": voc.verdicts,
        "outcome": voc.outcomes,
        "step": voc.data["procedure_steps"],
        "status": voc.data["procedure_statuses"],
    }


@cache
def _plain_signatures() -> dict[tuple[str, int, bool], tuple[frozenset[str] | None, ...]]:
    """(predicate, arity, negated) -> per argument: None (anything: checked later or on the slow
    path), an empty set (any constant) or the constants allowed.  Facts that fit need no other
    signature check; the rest take the full check, which explains what is wrong."""
    voc = vocabulary()
    choices = _allowed_values()
    out = {}
    for pred, spec in voc.predicates.items():
        kinds = spec["args"] + spec.get("optional_args", [])
        if any(k in ("citation", "fact", "date", "display", "source") for k in kinds):
            continue  # strings and dates: always the full check
        allowed = tuple(frozenset() if k in _IDENTIFIER_KINDS else frozenset(choices[k]) if k in choices else None for k in kinds)
        for arity in {len(spec["args"]), len(kinds)}:
            for negated in (False, True) if spec.get("negatable") else (False,):
                out[(pred, arity, negated)] = allowed[:arity]
    return out


class _Checker:
    """Vocabulary, arity, scale and cross-reference checks; builds the FactFile."""

    def __init__(self, path: str, problems: list[tuple[int | None, str]]):
        self.path = path
        self.problems = problems
        self.voc = vocabulary()
        self.cases: dict[str, Case] = {}
        self.subjects: dict[str, Subject] = {}
        self.incidents: dict[str, Incident] = {}
        self._plain = _plain_signatures()
        # (incident, dimension) -> [tightest level_at_least, tightest level_at_most], value with its line
        self._bounds: dict[tuple[str, str], list[Located[str] | None]] = {}

    def error(self, line: int | None, text: str) -> None:
        if len(self.problems) < MAX_ERRORS:
            self.problems.append((line, text))

    def _value_ok(self, fact: Fact, pos: int, kind: str) -> bool:
        term = fact.args[pos]
        if kind in _IDENTIFIER_KINDS:
            if term.kind != "const":
                self.error(
                    fact.line, f"{fact.pred}/{len(fact.args)} 第 {pos + 1} 个参数应为标识符常量（如 c1、i1、wang），而不是 {term}"
                )
                return False
            return True
        if kind == "matter":
            return True
        if kind == "evidenced":
            if term.kind != "const":
                self.error(fact.line, f"evidence/3 第 2 个参数应为特征、程度维度或日期事件的名称，而不是 {term}")
                return False
            return True
        if kind == "source":
            if term.kind != "string" or not term.value.strip():
                self.error(
                    fact.line,
                    f'evidence/3 第 3 个参数应为非空字符串（证据或出处），如 "询问笔录（2024-04-02）第3页"，而不是 {term}',
                )
                return False
            return True
        if kind == "display":
            if term.kind != "string" or not term.value.strip():
                self.error(fact.line, f'name/2 第 2 个参数应为非空字符串（显示名称），如 name(lin, "林某")，而不是 {term}')
                return False
            return True
        if kind in ("citation", "fact"):
            if term.kind != "string":
                self.error(fact.line, f'{fact.pred}/3 第 3 个参数应为字符串，如 "第十条第（二）项" 或 "holds(i1,remedied)"')
                return False
            return True
        if kind == "date":
            if term.kind != "string" or not DATE.fullmatch(term.value):
                self.error(fact.line, f'日期格式错误：{term}（应为 "YYYY-MM-DD"）')
                return False
            try:
                dt.date.fromisoformat(term.value)
            except ValueError:
                self.error(fact.line, f"不存在的日期：{term}")
                return False
            return True
        choices = _allowed_values().get(kind)
        if choices is None:  # feature / value: checked with their holder / dimension
            return True
        if term.kind != "const" or term.value not in choices:
            label = self.voc.data["argument_kinds"][kind]
            self.error(fact.line, f"未知的{label} {term}{_suggest(term.value, choices)}；可选：{', '.join(choices)}")
            return False
        return True

    def signature_ok(self, fact: Fact) -> bool:
        """Predicate, arity, sign and argument kinds; well-formed facts pass on a fast path."""
        plain = self._plain.get((fact.pred, len(fact.args), fact.negated))
        if plain is not None:
            for term, allowed in zip(fact.args, plain, strict=True):
                if allowed is not None and (term.kind != "const" or (allowed and term.value not in allowed)):
                    break
            else:
                return True
        return self._signature_ok(fact)

    def _signature_ok(self, fact: Fact) -> bool:
        spec = self.voc.predicates.get(fact.pred)
        if spec is None:
            self.error(fact.line, f"未知谓词 {fact.pred}/{len(fact.args)}{_suggest(fact.pred, self.voc.predicates)}")
            return False
        arities = {len(spec["args"])} | ({len(spec["args"]) + len(spec["optional_args"])} if "optional_args" in spec else set())
        if len(fact.args) not in arities:
            want = " 或 ".join(str(a) for a in sorted(arities))
            self.error(fact.line, f"{fact.pred} 的参数个数错误：{len(fact.args)} 个，应为 {want} 个")
            return False
        if fact.negated and not spec.get("negatable"):
            self.error(fact.line, f"经典否定只用于 holds/2：不允许 -{fact.pred}")
            return False
        kinds = spec["args"] + spec.get("optional_args", [])
        return all([self._value_ok(fact, n, kinds[n]) for n in range(len(fact.args))])

    def _set_once(self, owner: dict, key: str, value, fact: Fact, what: str) -> None:
        old = owner.get(key)
        if old is None:
            owner[key] = Located(value, fact.line)
        elif old.value != value:
            self.error(fact.line, f"矛盾：{what} 在第 {old.line} 行为 {old.value}，在第 {fact.line} 行为 {value}")

    def signed(self, facts: list[Fact]) -> dict[str, list[Fact]]:
        """The facts whose signature is right, by predicate, in file order."""
        by_pred: dict[str, list[Fact]] = {}
        for fact in facts:
            if self.signature_ok(fact):
                by_pred.setdefault(fact.pred, []).append(fact)
        return by_pred

    def build(self, facts: list[Fact]) -> None:
        by_pred = self.signed(facts)
        get = lambda p: by_pred.get(p, [])  # noqa: E731
        for f in get("case"):
            self.cases.setdefault(f.args[0].value, Case(f.args[0].value, f.line))
        for f in get("subject"):
            c, s = f.args[0].value, f.args[1].value
            if c not in self.cases:
                self.error(f.line, f"subject({c},{s})：案件 {c} 未用 case({c}) 声明")
            elif s in self.cases:  # name(c1, …) would name both
                self.error(f.line, f"标识符 {s} 已用作案件，不能再作当事人的标识")
            elif s in self.subjects and self.subjects[s].case != c:
                self.error(f.line, f"当事人 {s} 已在第 {self.subjects[s].line} 行属于案件 {self.subjects[s].case}")
            elif s not in self.subjects:
                self.subjects[s] = Subject(s, c, f.line)
                self.cases[c].subjects.append(s)
        for f in get("incident"):
            s, i = f.args[0].value, f.args[1].value
            if s not in self.subjects:
                self.error(f.line, f"incident({s},{i})：当事人 {s} 未用 subject(C,{s}) 声明")
            elif i in self.subjects or i in self.cases:
                self.error(f.line, f"标识符 {i} 已用作案件或当事人，不能再作失误错误的标识")
            elif i in self.incidents and self.incidents[i].subject != s:
                self.error(f.line, f"失误错误 {i} 已在第 {self.incidents[i].line} 行归属当事人 {self.incidents[i].subject}")
            elif i not in self.incidents:
                self.incidents[i] = Incident(i, s, f.line)
        for f in get("regime"):
            c = f.args[0].value
            if c not in self.cases:
                self.error(f.line, f"regime/2：案件 {c} 未声明")
            elif f.args[1].value not in self.cases[c].regimes:
                self.cases[c].regimes.append(f.args[1].value)
        for f in get("subject_kind") + get("org") + get("rank"):
            s = f.args[0].value
            if s not in self.subjects:
                self.error(f.line, f"{f.pred}/2：当事人 {s} 未声明")
                continue
            attr = {"subject_kind": "kind"}.get(f.pred, f.pred)
            self._set_once(self.subjects[s].__dict__, attr, f.args[1].value, f, f"{f.pred}({s})")
        for f in get("name"):
            self._name(f)
        for f in get("holds"):
            self._holds(f)
        self.rest(by_pred)

    def _name(self, f: Fact) -> None:
        x = f.args[0].value
        owner = self.subjects.get(x) or self.cases.get(x)
        if owner is None:
            self.error(f.line, f"name/2：{x} 既不是已声明的案件（case/1），也不是已声明的当事人（subject/2）")
        else:
            self._set_once(owner.__dict__, "name", f.args[1].value, f, f"name({x})")

    def rest(self, by_pred: dict[str, list[Fact]]) -> None:
        """What follows the declarations, features and names: levels, ranges, matters, dates,
        expectations, evidence and records (the fast reader hands its other lines here)."""
        get = lambda p: by_pred.get(p, [])  # noqa: E731
        for f in (
            get("level")
            + get("level_at_most")
            + get("level_at_least")
            + get("matter")
            + get("date")
            + get("expect")
            + get("expect_ground")
            + get("expect_missing")
            + get("expect_procedure")
        ):
            self._incident_fact(f)
        self._ranges()
        for f in get("evidence"):
            self._evidence(f)
        for f in (f for p, spec in self.voc.predicates.items() if spec.get("record") for f in get(p)):
            self._record(f)
        # `_set_once` stored plain dict entries; subject attributes are Located or None.

    def _evidence(self, f: Fact) -> None:
        """evidence(X, F, "出处"): only for a fact the file establishes (the source of nothing is refused)."""
        x, what, source = f.args[0].value, f.args[1].value, f.args[2].value
        if x in self.incidents:
            inc = self.incidents[x]
            stated = what in inc.holds or what in inc.levels or what in inc.ranges or what in inc.dates
            owner = inc.evidence
        elif x in self.subjects:
            subj = self.subjects[x]
            attribute = {"subject_kind": subj.kind, "org": subj.org, "rank": subj.rank}
            stated = what in subj.holds or attribute.get(what) is not None
            owner = subj.evidence
        else:
            self.error(f.line, f"evidence/3：{x} 既不是已声明的失误错误，也不是已声明的当事人")
            return
        if not stated:
            known = {*self.voc.incident_features, *self.voc.subject_features, *self.voc.scales, *self.voc.events}
            hint = "" if what in known | {"org", "rank", "subject_kind"} else _suggest(what, known)
            self.error(f.line, f"证据所指事实未认定：文件中没有 {x} 的 {what}{hint}（先写明事实，再写其证据）")
            return
        owner.setdefault(what, []).append(source)

    def _record(self, f: Fact) -> None:
        """A record the written opinion reads (post/2, statement/2, …, `record` in the vocabulary): free
        text of a declared subject or incident, kept in file order; the reasoner never reads it."""
        holder = self.voc.predicates[f.pred]["args"][0]
        owner = (self.incidents if holder == "incident" else self.subjects).get(f.args[0].value)
        if owner is None:
            what = "失误错误（incident/2）" if holder == "incident" else "当事人（subject/2）"
            self.error(f.line, f"{f.pred}/{len(f.args)}：{f.args[0]} 不是已声明的{what}")
            return
        kinds = self.voc.predicates[f.pred]["args"]
        for n, (term, kind) in enumerate(zip(f.args, kinds, strict=True)):
            if kind == "text" and (term.kind != "string" or not term.value.strip()):
                self.error(f.line, f"{f.pred}/{len(f.args)} 第 {n + 1} 个参数应为非空字符串，而不是 {term}")
                return
        owner.records.setdefault(f.pred, []).append(tuple(t.value for t in f.args[1:]))

    def _holds(self, f: Fact) -> None:
        x, feat = f.args[0].value, f.args[1]
        if x in self.incidents:
            owner, table, what = self.incidents[x].holds, self.voc.incident_features, "失误错误"
        elif x in self.subjects:
            owner, table, what = self.subjects[x].holds, self.voc.subject_features, "当事人"
        else:
            self.error(f.line, f"holds/2：{x} 既不是已声明的失误错误（incident/2），也不是已声明的当事人（subject/2）")
            return
        if feat.kind != "const" or feat.value not in table:
            other = self.voc.subject_features if table is self.voc.incident_features else self.voc.incident_features
            hint = (
                f"（{feat} 是{'当事人' if what == '失误错误' else '失误错误'}的特征）"
                if feat.value in other
                else _suggest(feat.value, table)
            )
            self.error(f.line, f"未知的{what}特征 {feat}{hint}")
            return
        old = owner.get(feat.value)
        if old is not None and old.value != (not f.negated):
            sign = lambda b: "" if b else "-"  # noqa: E731
            self.error(f.line, f"矛盾：第 {old.line} 行 {sign(old.value)}holds({x},{feat.value}) 与第 {f.line} 行 {f}")
        elif old is None:
            owner[feat.value] = Located(not f.negated, f.line)

    def _incident_fact(self, f: Fact) -> None:
        i = f.args[0].value
        if i not in self.incidents:
            self.error(f.line, f"{f.pred}/{len(f.args)}：失误错误 {i} 未用 incident(S,{i}) 声明")
            return
        inc = self.incidents[i]
        if f.pred in ("level", "level_at_most", "level_at_least"):
            dim, value = f.args[1].value, f.args[2]
            values = self.voc.scale_values(dim)
            if value.kind != "const" or value.value not in values:
                self.error(
                    f.line,
                    f"{dim} 的取值 {value} 超出量表{_suggest(value.value, values)}；可选（由低到高）：{' < '.join(values)}",
                )
                return
            if f.pred != "level":
                self._bound(inc, dim, value.value, f)
                return
            self._set_once(inc.levels, dim, value.value, f, f"level({i},{dim})")
        elif f.pred == "matter":
            self._set_once(inc.__dict__, "matter", f.args[1], f, f"matter({i})")
        elif f.pred == "date":
            self._set_once(inc.dates, f.args[1].value, dt.date.fromisoformat(f.args[2].value), f, f"date({i},{f.args[1].value})")
        elif f.pred == "expect_procedure":
            inc.expect_procedure.append((f.args[1].value, f.args[2].value, f.args[3].value, f.line))
        elif f.pred == "expect_ground":
            regime, citation = f.args[1].value, f.args[2].value
            cited = _cited(regime)
            if citation not in cited:
                self.error(f.line, f"expect_ground：{regime} 的编码没有引用 {citation}{_suggest(citation, cited)}")
                return
            inc.expect_grounds.append((regime, citation, f.line))
        elif f.pred == "expect_missing":
            fact = self._missing_fact(f, inc)
            if fact is not None:
                inc.expect_missing.append((f.args[1].value, fact, f.line))
        else:  # expect
            verdict, outcome = f.args[2].value, f.args[3].value if len(f.args) == 4 else None
            if outcome is not None and verdict != "tolerable":
                self.error(f.line, f"expect/4：结论 {verdict} 没有处理程度（只有 tolerable 才有 {outcome} 这样的处理程度）")
                return
            inc.expects.append((f.args[1].value, verdict, outcome, f.line))

    def _bound(self, inc: Incident, dim: str, value: str, f: Fact) -> None:
        """level_at_most / level_at_least: keep the tightest bound of each side (given twice, the
        range is their intersection)."""
        order = self.voc.scale_values(dim).index
        bounds = self._bounds.setdefault((inc.id, dim), [None, None])
        side = 1 if f.pred == "level_at_most" else 0
        old = bounds[side]
        if old is None or (order(value) < order(old.value) if side else order(value) > order(old.value)):
            bounds[side] = Located(value, f.line)

    def _ranges(self) -> None:
        """The range of each bounded level: refused where empty or where it excludes the level the
        file states; a range of one value is that value, of the whole scale says nothing."""
        for (i, dim), (least, most) in self._bounds.items():
            inc, values = self.incidents[i], self.voc.scale_values(dim)
            lo = values.index(least.value) if least else 0
            hi = values.index(most.value) if most else len(values) - 1
            label = lambda v, dim=dim: self.voc.label("value", f"{dim}.{v}")  # noqa: E731
            if lo > hi:
                assert least is not None and most is not None
                first, last = sorted((least, most), key=lambda b: b.line)
                self.error(
                    last.line,
                    f"程度范围为空：{dim} 在第 {least.line} 行不低于 {least.value}（{label(least.value)}），"
                    f"在第 {most.line} 行不超过 {most.value}（{label(most.value)}），没有同时满足的取值",
                )
                continue
            stated = inc.levels.get(dim)
            if stated is not None:
                if not lo <= values.index(stated.value) <= hi:
                    bound = least if least and values.index(stated.value) < lo else most
                    assert bound is not None
                    word = "不低于" if bound is least else "不超过"
                    self.error(
                        bound.line,
                        f"矛盾：level({i},{dim}) 在第 {stated.line} 行为 {stated.value}（{label(stated.value)}），"
                        f"在第 {bound.line} 行{word} {bound.value}（{label(bound.value)}）",
                    )
                continue
            line = max(b.line for b in (least, most) if b)
            if lo == hi:
                inc.levels[dim] = Located(values[lo], line)
            elif hi - lo < len(values) - 1:
                inc.ranges[dim] = Located(LevelRange(values[lo], values[hi], tuple(values[lo : hi + 1])), line)

    def _missing_fact(self, f: Fact, inc: Incident) -> str | None:
        """The fact an expect_missing names, parsed (spacing does not matter) and checked against the
        vocabulary; in the form `missing` lists it: holds(i1,remedied), level(i1,harm), org(s1)."""
        text = re.sub(r"\s+", "", f.args[2].value)
        m = re.fullmatch(r"(holds|level|org|rank|subject_kind)\(([^()]*)\)", text)
        args = m.group(2).split(",") if m else []
        pred = m.group(1) if m else ""
        ok = {
            "holds": len(args) == 2
            and (
                (args[0] == inc.id and args[1] in self.voc.incident_features)
                or (args[0] == inc.subject and args[1] in self.voc.subject_features)
            ),
            "level": len(args) == 2 and args[0] == inc.id and args[1] in self.voc.scales,
        }.get(pred, len(args) == 1 and args[0] == inc.subject)
        if not m or not ok:
            names = [*self.voc.incident_features, *self.voc.subject_features, *self.voc.scales]
            hint = _suggest(args[-1], names) if len(args) >= 1 else ""
            self.error(
                f.line,
                f'expect_missing：无法识别的事实 "{f.args[2].value}"{hint}；应为 "holds({inc.id},特征)"、'
                f'"level({inc.id},维度)" 或 "org({inc.subject})" 等',
            )
            return None
        return text


# The facts the fast reader builds itself; another line holding one of them is left to the strict
# reader (it would have to be taken in file order among them).
_FAST_PREDICATES = frozenset({"case", "subject", "incident", "regime", "subject_kind", "org", "rank", "holds", "level"})


def fast_fact_file(text: str, name: str) -> FactFile | None:
    """The fast reader (fastread.read_plain) for the file's plain lines; its other lines (names,
    matters, dates, evidence, expectations, level ranges, records) read by the syntax's fast path
    and checked here as the strict reader checks them.  None whenever anything is unusual or
    refused: then the strict reader reads the whole file (and gives every refusal)."""
    found = read_plain(text, name)
    if found is None:
        return None
    ff, others = found
    if not others:
        return ff
    facts = simple_facts("\n".join(line for _, line in others))
    if facts is None or any(f.pred in _FAST_PREDICATES for f in facts):
        return None
    checker = _Checker(name, [])
    checker.cases, checker.subjects, checker.incidents = ff.cases, ff.subjects, ff.incidents
    by_pred = checker.signed([f._replace(line=others[f.line - 1][0]) for f in facts])
    for f in by_pred.get("name", []):
        checker._name(f)
    checker.rest(by_pred)
    return None if checker.problems else ff


def read_fact_file(path: str | Path) -> FactFile:
    """Read and validate one fact file; raise FactFileError naming file and line on any refusal."""
    name = str(path)
    try:
        raw = read_regular(path, MAX_FILE_BYTES)
    except InputRefused as exc:
        raise FactFileError(name, [(None, str(exc))]) from None
    return parse_fact_text(raw, name)


def _likely_encoding(raw: bytes) -> str:
    """What a file that is not UTF-8 probably is: UTF-16 (Windows Notepad's "Unicode") has a byte
    order mark or a zero byte in every other place; otherwise GBK, the usual legacy encoding."""
    head = raw[:200]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head.count(0) * 3 > len(head):
        return "可能是 UTF-16 编码，即记事本所称的“Unicode”"
    return "可能是 GBK 编码"


def parse_fact_text(raw: bytes, name: str = "<string>", fast: bool = True) -> FactFile:
    """The strict reader, after the fast one (fastread.py) where `fast` and it accepts the file:
    both give the same facts for the files the fast one accepts, which the strict one accepts."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FactFileError(
            name, [(line, f"文件不是 UTF-8 编码（第 {exc.start + 1} 个字节无法解码，{_likely_encoding(raw)}）；请以 UTF-8 保存")]
        ) from None
    if "\0" in text[:200] and "可能是 UTF-16" in _likely_encoding(raw):  # UTF-16 without a mark decodes
        raise FactFileError(name, [(1, f"文件不是 UTF-8 编码（含空字节，{_likely_encoding(raw)}）；请以 UTF-8 保存")])
    lines = text.count("\n") + 1
    if lines > MAX_LINES:  # before any parsing: 50 MB of blank lines is refused at once
        raise FactFileError(name, [(None, f"行数过多（{lines:,} 行，上限 {MAX_LINES:,} 行）：请将案件拆分为多个文件")])
    try:
        count_statements(text)  # too many are refused unparsed, before either reader
    except TooManyStatements as exc:
        raise FactFileError(name, [(exc.line, too_many_statements())]) from None
    if fast and (ff := fast_fact_file(text, name)) is not None:
        return ff
    parser = Parser(name, text)
    try:
        facts = simple_facts(text)  # counts the statements first: too many are refused unparsed
        if facts is None:
            facts = parser.facts()
    except TooManyStatements as exc:
        raise FactFileError(name, [(exc.line, too_many_statements())]) from None
    if not parser.problems and not facts:
        raise FactFileError(name, [(None, "文件为空：没有任何事实")])
    checker = _Checker(name, parser.problems)
    checker.build(facts)
    if not checker.problems and not checker.cases:
        checker.error(None, "文件中没有 case/1 事实：至少需要一个案件")
    if checker.problems:
        raise FactFileError(name, checker.problems)
    return FactFile(name, checker.cases, checker.subjects, checker.incidents)
