"""The guided interview: one question at a time, only the facts that can still change a verdict.

The questions are the difference-making unknown facts of the reasoner (`Decision.missing`) of the
regimes asked, computed again before each question, so none is moot when asked; the order is one
rule (README, 询问): a new case's name and the regime, the subject's facts, then (best_question)
catch-all items after the specific ones, a fact one answer of which alone settles the verdict or
the degree first, then the fewest possible (verdict, outcome) pairs in the worst case, then the
law's order; record data (names, 事由, 日期) where a rule reads it or once the incident is decided.
The fact file is the state: after every answer it is rewritten whole, so an interrupted interview
resumes from the file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .documents import fact_label, missing_zh, range_zh, value_zh, verdict_zh
from .factfile import FactFile, Incident, LevelRange, Term, parse_fact_text
from .factkey import FactText
from .factsyntax import forbidden_character
from .provenance import Naming
from .reasoner import FactKey, solver
from .repeats import derive_repeats
from .results import CaseIncident
from .vocabulary import vocabulary

# The subject's facts, asked first and in this order (where they can still matter).
SUBJECT_FIRST: list[FactKey] = [
    FactKey.attribute("subject_kind"),
    FactKey.attribute("org"),
    FactKey.attribute("rank"),
    FactKey.feature("s", "public_official"),
    FactKey.feature("s", "leadership_member"),
]
_SUBJECT_ASKS = {
    "subject_kind": "当事人是干部个人还是单位？",
    "org": "当事人所在机关、单位属于哪一类？",
    "rank": "当事人的职级？",
}
UNKNOWN = "不清楚"
BACK = "返回"
END = "结束"
_COMMANDS = {
    UNKNOWN: UNKNOWN,
    "?": UNKNOWN,
    "？": UNKNOWN,
    "unknown": UNKNOWN,
    BACK: BACK,
    "back": BACK,
    END: END,
    "end": END,
    "quit": END,
}
_MARK = re.compile(r"^% rongcuo:unknown (\S+) (\S+)$", re.M)  # a 不清楚 answer, kept in the file
SKELETON = "% 容错纠错案件（rongcuo interview）\ncase(c1).\nsubject(c1, s1).\nincident(s1, i1).\n"


@dataclass
class Question:
    """One question: a case fact (`key`) or a record of the case (`record`: regime, case_name,
    subject_name, matter, occurred), with its options and why it is asked."""

    incident: str
    text: str
    key: FactKey | None = None
    record: str | None = None
    options: Sequence[tuple[object, str]] = field(default_factory=list)  # (value, 中文); empty: free text or a date
    articles: list[dict] = field(default_factory=list)  # {"regime", "article", "text"}
    why: Callable[[], list[str]] | None = None  # the lines below the articles, worked out when shown
    _leads: list[str] | None = field(default=None, repr=False)
    regimes: list[str] = field(default_factory=list)
    name: str = ""  # the fact as the file writes it, or the record's name

    @property
    def leads(self) -> list[str]:
        """The readings and what each answer changes (若答「是」：即可认定：不予容错（第十条第（二）项）)."""
        if self._leads is None:
            self._leads = self.why() if self.why is not None else []
        return self._leads

    def prompt(self) -> str:
        """The question as the reviewer sees it: options, the commands, and 为什么问."""
        voc = vocabulary()
        lines = [f"\n问：{self.text}", *(f"  {n}. {label}" for n, (_, label) in enumerate(self.options, start=1))]
        lines.append(f"  （{UNKNOWN} / {BACK} / {END}；可加「｜证据或出处」）")
        if self.articles or self.leads:
            lines.append("  为什么问：")
            for a in self.articles:
                where = f"{voc.regimes[a['regime']]['short']}{a['article']}" if len(self.regimes) > 1 else a["article"]
                lines.append(f"    {where}：「{a['text']}」")
            lines += [f"    {lead}" for lead in self.leads]
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {
            "incident": self.incident,
            "fact": self.name,
            "question": self.text,
            "options": [{"value": _json_value(v), "label": label} for v, label in self.options],
            "commands": [UNKNOWN, BACK, END],
            "why": {"articles": self.articles, "leads": self.leads},
            "regimes": self.regimes,
        }


def _json_value(value: object) -> object:
    return value if isinstance(value, (bool, str)) or value is None else str(value)


class AnswerError(ValueError):
    """An answer the question does not admit; the message says what it does."""


@dataclass
class _Open:
    """An incident's open questions: per regime still open, its facts to verify (law's order)."""

    known: dict[FactKey, object]
    missing: dict[str, list[FactKey]] = field(default_factory=dict)


def best_question(state: _Open, possible: Callable[[str, dict[FactKey, object]], set]) -> FactKey:
    """The rule that picks the next fact (README, 询问), over the regimes still open:
    1. a catch-all item (兜底条款) waits while a specific scenario item's fact is still open;
    2. a fact one answer of which alone settles the verdict or the degree goes first (a decisive
       fact of the reasoner, one value of which alone decides the verdict, is one of them);
    3. then the fewest possible (verdict, outcome) pairs in the worst case; 4. then the law's order.
    The pairs each answer leaves come from a few enumerations for all candidates at once (_Answers).
    (Ranking also by the facts each answer leaves relevant asked no fewer questions at 4x the time.)"""
    candidates = list(dict.fromkeys(k for keys in state.missing.values() for k in keys))
    order: dict[FactKey, int] = {}
    for keys in state.missing.values():
        for n, k in enumerate(keys):
            order[k] = min(order.get(k, n), n)
    specific = any(_is_scenario(r, k) and not _catch_all(k) for r, keys in state.missing.items() for k in keys)
    before = {r: possible(r, state.known) for r in state.missing}
    answered = {r: _Answers(r, state.known, before[r]) for r in state.missing}

    def score(k: FactKey) -> tuple:
        regimes = [r for r, keys in state.missing.items() if k in keys]
        settles, pairs = False, 0
        for value in solver(regimes[0]).open_values(k, state.known):
            n_pairs = 0
            for r in regimes:
                now = answered[r].pairs(k, value)
                settles |= _settled(before[r], now)
                n_pairs += len(now)
            pairs = max(pairs, n_pairs)
        return (specific and _catch_all(k), not settles, pairs, order[k])

    return min(candidates, key=score)


class _Answers:
    """The (verdict, outcome) pairs each answer k = v leaves possible under one regime, for every
    open fact at once: possible(known + {k: v}) are the verdicts and degrees of possible(known)
    some completion with k = v still gives.  So one brave enumeration over the deciding facts per
    verdict, and per degree, still open (the fact values some completion with that goal has)
    stands for one enumeration per fact and value (the same pairs, at a fraction of the time)."""

    def __init__(self, regime: str, known: dict[FactKey, object], before: set[tuple[str, str | None]]):
        from .reasoner import _last_model_symbols

        s = solver(regime)
        self.verdicts = sorted({v for v, _ in before})
        self.degrees = sorted({o for v, o in before if v == "tolerable" and o is not None})
        # A goal alone in its kind holds in every completion, with any value of an open fact
        # (completions are every assignment): only goals that differ need an enumeration.
        goals = [(("verdict", v), s._facts_goal(v, None)) for v in self.verdicts] if len(self.verdicts) > 1 else []
        goals += [(("degree", o), s._facts_goal("tolerable", o)) for o in self.degrees] if len(self.degrees) > 1 else []
        base = s.assume(s.fact_literals, known)
        self.with_goal: dict[tuple[str, str], set[tuple[FactKey, object]]] = {}
        for goal, literal in goals:
            symbols = _last_model_symbols(s.facts_ctl, [*base, literal]) or []
            self.with_goal[goal] = {s._fact_of[sym] for sym in symbols}

    def pairs(self, key: FactKey, value: object) -> set[tuple[str, str | None]]:
        from .reasoner import _verdict_outcome_pairs

        kv, with_goal = (key, value), self.with_goal
        verdicts = {v for v in self.verdicts if kv in with_goal.get(("verdict", v), (kv,))}
        degrees = {o for o in self.degrees if kv in with_goal.get(("degree", o), (kv,))}
        return _verdict_outcome_pairs(verdicts, degrees)


def _settled(before: set, after: set) -> bool:
    """After an answer the verdict is one where it was not, or a tolerable verdict's degree is."""
    verdicts, outcomes = {v for v, _ in after}, {o for v, o in after if v == "tolerable"}
    return (len(verdicts) == 1 < len({v for v, _ in before})) or (
        len(outcomes) == 1 < len({o for v, o in before if v == "tolerable"})
    )


# The atoms that state an item as met (the grounds for or against, named with their article); the
# atoms derived from their absence (out_of_scope, no_scenario, condition_failed) say nothing more.
_ITEM_ATOMS = ("in_scope", "outside", "scenario", "condition_met", "exclusion", "repeat_bar")


def _item_changes(before, after) -> list[str]:
    """The items an answer settles: those established now (成立) and those no completion has now (不成立)."""
    from .encoding import citation_key

    def items(atoms) -> set[tuple[str, str]]:
        return {(a.name, a.args[0]) for a in atoms if a.name in _ITEM_ATOMS}

    met = items(after.cautious) - items(before.cautious)
    gone = items(before.brave) - items(after.brave)
    words = {"condition_met": ("满足", "不满足")}
    out = []
    for name, article in sorted(met | gone, key=lambda x: citation_key(x[1])):
        yes, no = words.get(name, ("成立", "不成立"))
        out.append(f"{article}{yes if (name, article) in met else no}")
    return ["、".join(dict.fromkeys(out))] if out else []


def _item_progress(regime: str, after: dict[FactKey, object], key: FactKey) -> list[str]:
    """Where an answer settles no item: what the nearest item reading the fact still needs
    (第八条第（一）项尚待查明：「开拓进取、主动履职」), or that it can still be met otherwise."""
    from .reasoner import _UNSET, _contradicts, _pattern_key

    enc = solver(regime).encoding
    best: tuple[int, str, list[str]] | None = None
    blocked: list[str] = []
    for r in enc.rules:
        if r.pred in ("factor", "outcome"):
            continue
        keys = [_pattern_key(p) for p in r.body]
        if key not in keys:
            continue
        article = r.head[0] or ""
        if any(_contradicts(p, after.get(k, _UNSET)) for p, k in zip(r.body, keys, strict=True)):
            blocked.append(article)
            continue
        rest = [k for k in dict.fromkeys(keys) if k not in after]
        words = [f"「{(_law_phrase(regime, k) or ('', fact_label(k.name, regime), False))[1]}」" for k in rest]
        if rest and (best is None or len(rest) < best[0]):
            best = (len(rest), article, words)
    if best is not None:
        return [f"{best[1]}尚待查明{'、'.join(best[2])}"]
    if blocked:
        return [f"{blocked[0]}的此一情形不成立，仍可由其他情形成立"]
    return []


@dataclass(frozen=True)
class _Consequences:
    """What holds in every completion (cautious) and in some (brave): all an answer's effect reads."""

    cautious: frozenset
    brave: frozenset

    @staticmethod
    def of(regime: str, known: dict[FactKey, object]) -> _Consequences:
        s = solver(regime)
        if all(k in known for k in s.relevant):
            one = s._consequences(known, "auto")
            return _Consequences(one, one)
        return _Consequences(s._consequences(known, "cautious"), s._consequences(known, "brave"))


def _ordered_pairs(pairs: set) -> list[tuple[str, str | None]]:
    voc = vocabulary()
    verdicts, outcomes = list(voc.verdicts), list(voc.outcomes)
    return sorted(pairs, key=lambda p: (verdicts.index(p[0]), outcomes.index(p[1]) if p[1] in outcomes else -1))


def _law_phrase(regime: str, key: FactKey) -> tuple[str, str, bool] | None:
    """The regime's own words for a feature: (article, phrase, read negated) of the first item in
    the law's order whose element phrase names this fact alone (encodings' element/3 data).  The
    phrase words the literal as the item's rule reads it: 「未违反政治纪律政治规矩」 for
    -holds(I, political_discipline_violation), so 是 is the negated value; a negated literal whose
    phrase says no negation (「确需追究责任的」 of an exempt rule) is asked in the vocabulary's words."""
    from .encoding import citation_key
    from .reasoner import _pattern_key

    enc = solver(regime).encoding
    phrases: dict[str, dict[str, set[str]]] = {}
    for article, phrase, fact in _ELEMENT.findall(enc.text):
        phrases.setdefault(article, {}).setdefault(phrase, set()).add(fact)
    found = []
    for r in enc.rules:
        if r.pred == "factor" or r.via:  # a helper's literal is not the item's own element
            continue
        article = (r.head[1] if r.pred == "outcome" else r.head[0]) or ""
        for p in r.body:
            if _pattern_key(p) == key and p.pred == "holds":
                for phrase, facts in phrases.get(article, {}).items():
                    # the phrase's polarity must be the literal's: a negated literal only under words
                    # that say a negation (没有……, 未……), a positive one not under words that open
                    # with one (「非因主观故意」 of knowing_violation quotes the item, not the literal)
                    said = _NEGATION.search(phrase) if p.negated else not _NEGATION.match(phrase)
                    if facts == {key.name} and said:
                        found.append((citation_key(article), article, phrase, bool(p.negated)))
    if not found:
        return None
    _, article, phrase, negated = min(found)
    return article, phrase, negated


_NEGATION = re.compile(r"没有|未|不|无|非")
_ELEMENT = re.compile(r'^element\("([^"]+)", "([^"]+)", (\w+)\)\.', re.M)


def _catch_all(key: FactKey) -> bool:
    entry = vocabulary().incident_features.get(key.name) if key.kind == "holds" else None
    return entry is not None and entry.get("group") == "catch_all"


def _is_scenario(regime: str, key: FactKey) -> bool:
    place = solver(regime).places.get(key)
    return place is not None and place.role == "scenario"


class Interview:
    def __init__(self, base: str, out: str | None, regime_option: str | None):
        self.new = not base.strip()
        self.base = SKELETON if self.new else base
        self.out = out
        self.regime_option = regime_option
        self.blocks: list[str] = []  # what each answer of this session added (返回 takes the last back)
        self.asked = 0
        self.unknown_asked: list[str] = []  # the questions answered 不清楚 this session, as asked
        self.ff = self._parse()
        self._pairs: dict[tuple[str, frozenset], set] = {}  # answers 不清楚 leave the facts as they were
        for regime in self._session_regimes():  # grounded now, not at the first question
            solver(regime).prepare()
        derive_repeats(self.ff)  # and what it loads on first use (the register's consultation)

    def _session_regimes(self) -> list[str]:
        """The regimes this session decides under: the option's, or those the file's cases name."""
        if self.regime_option == "all":
            return list(vocabulary().regimes)
        if self.regime_option:
            return [self.regime_option] if self.regime_option in vocabulary().regimes else []
        return list(dict.fromkeys(r for case in self.ff.cases.values() for r in case.regimes))

    def _possible(self, regime: str, known: dict[FactKey, object]) -> set[tuple[str, str | None]]:
        key = (regime, frozenset(known.items()))
        if key not in self._pairs:
            if len(self._pairs) > 100_000:
                self._pairs.clear()
            self._pairs[key] = solver(regime).possible(known)
        return self._pairs[key]

    # -- the file --------------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self.base + "".join(self.blocks)

    def _parse(self, text: str | None = None) -> FactFile:
        return parse_fact_text((self.text if text is None else text).encode("utf-8"), self.out or "<interview>")

    @property
    def unknown(self) -> set[tuple[str, str]]:
        return {(m.group(1), m.group(2)) for m in _MARK.finditer(self.text)}

    def _add(self, block: str) -> None:
        text = self.text + block
        self.ff = self._parse(text)  # refuses (FactFileError) before anything is kept
        self.blocks.append(block)

    def undo(self) -> bool:
        if not self.blocks:
            return False
        self.blocks.pop()
        self.ff = self._parse()
        return True

    # -- what is decided ------------------------------------------------------------------
    def regimes(self, inc: Incident) -> list[str]:
        if self.regime_option == "all":
            return list(vocabulary().regimes)
        if self.regime_option:
            return [self.regime_option]
        return self.ff.cases[self.ff.subjects[inc.subject].case].regimes

    def known(self, inc: Incident) -> dict[FactKey, object]:
        return CaseIncident(self.ff, inc, derive_repeats(self.ff)).known

    def open_facts(self, inc: Incident) -> _Open:
        """Per regime whose (verdict, outcome) is still open: the facts that can change it and
        were not answered 不清楚, in the law's order, and the regime's decision."""
        ci = CaseIncident(self.ff, inc, derive_repeats(self.ff))
        known, naming, skipped = ci.known, ci.naming, self.unknown
        state = _Open(known)
        for regime in self.regimes(inc):
            decision = solver(regime).decide(known)
            missing = [k for k in decision.missing if (inc.id, naming.key(k)) not in skipped]
            if missing:
                state.missing[regime] = missing
        return state

    # -- the next question ------------------------------------------------------------------
    def next_question(self) -> Question | None:
        """The law's path through the case: for a new case its name and the regime, the subject's
        facts that can matter, the deciding facts (best_question); the records a rule reads
        (事由 and 发生日期 of a subject with several incidents, before 重复犯错) when that fact is
        next; the records the opinion needs (names, 事由, 日期) once the incident is decided."""
        for inc in self.ff.incidents.values():
            q = (self._record_question(inc, ("case_name",)) if self.new else None) or self._record_question(inc, ("regime",))
            if q is not None:
                return q
            state = self.open_facts(inc)
            subject_first = [k for k in SUBJECT_FIRST if any(k in keys for keys in state.missing.values())]
            if subject_first:
                return self._question(inc, subject_first[0], state)
            if state.missing:
                key = best_question(state, self._possible)
                if key.name == "repeated_error" and sum(i.subject == inc.subject for i in self.ff.incidents.values()) > 1:
                    q = self._record_question(inc, ("matter", "occurred"))  # repeats are derived from them
                return q or self._question(inc, key, state)
        for inc in self.ff.incidents.values():  # decided: what the opinion needs
            q = self._record_question(inc, ("case_name", "subject_name", "matter", "occurred"))
            if q is not None:
                return q
        return None

    def _record_question(self, inc: Incident, records: tuple[str, ...]) -> Question | None:
        ff, skipped = self.ff, self.unknown
        case = ff.cases[ff.subjects[inc.subject].case]
        subject = ff.subjects[inc.subject]
        voc = vocabulary()
        if "regime" in records and not self.regimes(inc) and (inc.id, "regime") not in skipped:
            options = [(r, f"{e['short']}：{e['title']}") for r, e in voc.regimes.items()] + [("all", "全部五部办法")]
            return Question(inc.id, "本案适用哪部办法？", record="regime", options=options, name="regime")
        asks = {
            # the case's name first for a case the interview began (it names the file); names
            # the file lacks at the end, for the opinion
            "case_name": (case.name is None, "案件名称（如「某区政务服务中心容缺受理案」；可留空）"),
            "subject_name": (subject.name is None, "当事人姓名或单位名称（如「王某」；可留空）"),
            "matter": (inc.matter is None, "失误错误的事由（同一工作、同一问题，如「容缺受理试点」；可留空）"),
            "occurred": ("occurred" not in inc.dates, "失误发生日期（YYYY-MM-DD；可留空）"),
        }
        for record in records:
            if record in asks and asks[record][0] and (inc.id, record) not in skipped:
                return Question(inc.id, asks[record][1], record=record, name=record)
        return None

    def _question(self, inc: Incident, key: FactKey, state: _Open) -> Question:
        regimes = [r for r, keys in state.missing.items() if key in keys]
        naming = Naming(inc)
        s = solver(regimes[0])
        values = s.open_values(key, state.known)  # a level known up to a range: the values of the range
        name = naming.key(key)
        options: list[tuple[object, str]]
        if key.kind == "holds":
            phrase = _law_phrase(regimes[0], key) if len(regimes) == 1 else None
            if phrase is not None:  # the regime's own words; 是 where the text's element holds
                article, words, negated = phrase
                text = f"是否属于{article}所称「{words}」？"
                if not words.endswith("情形"):
                    text = f"是否存在{article}所称「{words}」的情形？"
                options = [(negated is False, "是"), (negated is True, "否")]
            else:
                text = missing_zh(name, regimes[0] if len(regimes) == 1 else None) + "？"
                options = [(True, "是"), (False, "否")]
        else:
            text = missing_zh(name) + "？" if key.kind != "level" else f"{fact_label(key.name)}的程度？"
            if isinstance(state.known.get(key), LevelRange):  # known up to a range: what remains, 「较大」还是「重大」？
                text = missing_zh(FactText(name, key, state.known[key])) + "？"
            options = [(v, value_zh(key.name, v)) for v in values]
        q = Question(inc.id, text, key=key, options=options, regimes=regimes, name=name)
        q.articles = self._articles(key, regimes)
        known = dict(state.known)
        q.why = lambda: self._readings(q.articles) + self._leads(known, key, regimes, options)
        return q

    @staticmethod
    def _readings(articles: list[dict]) -> list[str]:
        """The tool's readings that decide what the cited items ask (本工具的理解……), once each."""
        out: list[str] = []
        readings = vocabulary().data["readings"]
        for a in articles:
            enc = solver(a["regime"]).encoding
            article = a["article"].split("第（")[0].split("第一款")[0].split("第二款")[0]
            for cited in dict.fromkeys([article, a["article"]]):
                out += [text for text in enc.readings(cited) if text not in out]
            other = readings.get(f"{a['regime']}/{article}")  # where another reading gives another verdict
            if isinstance(other, dict):
                line = f"本工具的理解：按{other['resolution']}询问本项；另有{other['reading']}，结论可能不同。"
                out += [line] if line not in out else []
        return out

    @staticmethod
    def _articles(key: FactKey, regimes: list[str]) -> list[dict]:
        """The articles and items whose application depends on the fact (rules that read it)."""
        from .encoding import citation_key
        from .reasoner import _pattern_key

        out = []
        for regime in regimes:
            enc = solver(regime).encoding
            cited = {
                (r.head[1] if r.pred == "outcome" else r.head[0]) or ""
                for r in enc.rules
                if r.pred != "factor" and any(_pattern_key(p) == key for p in r.body)
            }
            for article in sorted(cited - {""}, key=citation_key):
                out.append({"regime": regime, "article": article, "text": enc.quote(article)})
        return out

    def _leads(self, known: dict[FactKey, object], key: FactKey, regimes: list[str], options) -> list[str]:
        """What each answer changes, one line an answer (answers with the same effect joined as the
        law's threshold): the items that become 成立 / 不成立 and the conclusions still possible,
        or the conclusion it decides with its articles."""
        voc = vocabulary()
        domain = solver(regimes[0]).values[key]
        now = {r: _Consequences.of(regime=r, known=known) for r in regimes}
        effects: dict[str, list] = {}
        for value in solver(regimes[0]).open_values(key, known):
            after = {**known, key: value}
            parts = []
            for regime in regimes:
                text = self._effect(regime, now[regime], after, key)
                parts.append(f"{voc.regimes[regime]['short']}{text}" if len(regimes) > 1 else text)
            effects.setdefault("；".join(parts), []).append(value)
        labels = dict(options)
        leads = []
        for effect, values in effects.items():
            if isinstance(values[0], bool):
                answer = "或".join(f"「{labels.get(v, '是' if v else '否')}」" for v in values)
                answer = f"答{answer}"
            else:
                r = range_zh(key.name, values, domain)
                answer = f"为{r}" if r.startswith("「") else r
            leads.append(f"若{answer}：{effect}")
        return leads

    def _effect(self, regime: str, before, after: dict[FactKey, object], key: FactKey) -> str:
        """One answer's effect under one regime, in a short line."""
        from .questions import decided_articles

        pairs = self._possible(regime, after)
        decision = _Consequences.of(regime, after)
        if len(pairs) == 1:
            [(verdict, outcome)] = pairs
            articles = decided_articles(decision, outcome if verdict == "tolerable" and outcome else verdict)
            return "即可认定：" + verdict_zh(verdict, outcome) + (f"（{'、'.join(articles)}）" if articles else "")
        changed = _item_changes(before, decision) or _item_progress(regime, after, key)
        possible = "、".join(verdict_zh(v, o) for v, o in _ordered_pairs(pairs))
        return "；".join([*changed, f"仍可能：{possible}"])

    # -- answers -----------------------------------------------------------------------------
    def answer(self, q: Question, raw: str) -> str:
        """Take one answer line (an option, 不清楚, 返回 or 结束, optionally ｜证据/出处); returns
        what was done: "answered", "unknown", "back", "end".  AnswerError when it does not fit."""
        reply, _, note = re.sub(r"[|｜]", "|", raw.strip(), count=1).partition("|")
        reply, note = reply.strip(), note.strip()
        for typed in (reply, note):  # ESC, a bidi override…: asked again, never written into the file
            if (why := forbidden_character(typed)) is not None:
                raise AnswerError(why.replace("字符串中", "回答中", 1))
        command = _COMMANDS.get(reply.lower())
        if command == END:
            return "end"
        if command == BACK:
            return "back"
        self.asked += 1
        header = f"% 问：{q.text}\n"
        if note:
            header += f"% 证据/出处：{_one_line(note)}\n"
        if command == UNKNOWN or (not reply and not q.options and q.record != "regime"):
            self.unknown_asked.append(q.text)
            self._add(f"{header}% 答：不清楚\n% rongcuo:unknown {q.incident} {q.name}\n")
            return "unknown"
        value = self._value(q, reply)
        facts = self._facts(q, value)
        if note and (q.key is not None or q.record == "occurred"):  # the source of a fact: evidence/3
            inc = self.ff.incidents[q.incident]
            of_subject = q.key is not None and q.key.holder == "s"
            what = "occurred" if q.key is None else q.key.name
            facts += f"evidence({inc.subject if of_subject else inc.id}, {what}, {Term('string', _one_line(note))}).\n"
        self._add(header + f"% 答：{self._label(q, value)}\n" + facts)
        return "answered"

    def _value(self, q: Question, reply: str) -> object:
        if not q.options:
            if q.record == "occurred":
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", reply):
                    raise AnswerError("日期格式应为 YYYY-MM-DD，如 2024-03-15")
                try:
                    dt.date.fromisoformat(reply)
                except ValueError:
                    raise AnswerError(f"不存在的日期：{reply}") from None
            if len(reply) > 4096:
                raise AnswerError("过长（上限 4096 个字符）")
            return _one_line(reply)
        low = reply.lower()
        aliases = {"y": True, "yes": True, "true": True, "n": False, "no": False, "false": False}
        for n, (value, label) in enumerate(q.options, start=1):
            if reply in (str(n), label, label.split("：")[0]) or low == str(value).lower():
                return value
            if isinstance(value, bool) and aliases.get(low) is value:
                return value
        listed = "、".join(f"{n} {label.split('：')[0]}" for n, (_, label) in enumerate(q.options, start=1))
        if q.key is not None and q.key.kind == "level" and (values := level_range(reply, q.options)) is not None:
            if len(values) == 1:  # a range of one value is that value
                return values[0]
            if len(values) == len(q.options):  # every value offered: says nothing new
                raise AnswerError(f"「{reply}」包括了全部可选程度：请回答 {listed}，或 {UNKNOWN}")
            scale = vocabulary().scale_values(q.key.name)  # kept as the range it is (level_at_least / _most)
            return LevelRange(str(values[0]), str(values[-1]), tuple(scale[scale.index(values[0]) : scale.index(values[-1]) + 1]))
        raise AnswerError(f"无法识别的回答「{reply}」：请回答 {listed}，或 {UNKNOWN}、{BACK}、{END}")

    @staticmethod
    def _label(q: Question, value: object) -> str:
        if isinstance(value, LevelRange) and q.key is not None:
            return value_zh(q.key.name, value)
        return next((label for v, label in q.options if v == value), str(value))

    def _facts(self, q: Question, value: object) -> str:
        inc = self.ff.incidents[q.incident]
        case = self.ff.subjects[inc.subject].case
        if q.record == "regime":
            regimes = list(vocabulary().regimes) if value == "all" else [value]
            return "".join(f"regime({case}, {r}).\n" for r in regimes)
        if q.record is not None:
            string = str(Term("string", str(value)))
            return {
                "case_name": f"name({case}, {string}).\n",
                "subject_name": f"name({inc.subject}, {string}).\n",
                "matter": f"matter({inc.id}, {string}).\n",
                "occurred": f'date({inc.id}, occurred, "{value}").\n',
            }[q.record]
        assert q.key is not None  # a fact question
        if isinstance(value, LevelRange):  # the bounds that say something: level_at_least / level_at_most
            scale = vocabulary().scale_values(q.key.name)
            bounds = [("level_at_least", value.lo, scale[0]), ("level_at_most", value.hi, scale[-1])]
            return "".join(f"{p}({inc.id}, {q.key.name}, {v}).\n" for p, v, end in bounds if v != end)
        return Naming(inc).fact(q.key, value) + ".\n"

    def summary(self) -> str:
        unknown = "；".join(self.unknown_asked)
        return f"共回答 {self.asked} 个问题" + (f"，其中不清楚 {len(self.unknown_asked)} 个：{unknown}" if unknown else "。")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def level_range(reply: str, options: Sequence[tuple[object, str]]) -> list | None:
    """The values a level answer given as a range names, in scale order, or None if it is none:
    未达「重大」 / 「重大」以下, 较大以上 / 达到「较大」及以上, 「一般」至「较大」, 2–4 (option numbers)."""
    labels = [label for _, label in options]
    values = [v for v, _ in options]
    text = reply.replace("「", "").replace("」", "").replace(" ", "")
    if m := re.fullmatch(r"(\d+)\s*[-–—~～至到]\s*(\d+)", text):
        lo, hi = int(m.group(1)) - 1, int(m.group(2)) - 1
    elif m := re.fullmatch(r"(?:未达到?|低于)(.+)", text):
        if m.group(1) not in labels:
            return None
        lo, hi = 0, labels.index(m.group(1)) - 1
    elif m := re.fullmatch(r"(?:达到)?(.+?)(?:及以上|以上)", text):
        if m.group(1) not in labels:
            return None
        lo, hi = labels.index(m.group(1)), len(labels) - 1
    elif m := re.fullmatch(r"(.+?)(?:及以下|以下)", text):
        if m.group(1) not in labels:
            return None
        lo, hi = 0, labels.index(m.group(1))
    elif m := re.fullmatch(r"(.+?)[至到~～–—](.+)", text):
        if m.group(1) not in labels or m.group(2) not in labels:
            return None
        lo, hi = labels.index(m.group(1)), labels.index(m.group(2))
    else:
        return None
    return values[lo : hi + 1] if 0 <= lo <= hi < len(values) else None


NAME_BYTES = 190  # a file name's stem at most (UTF-8 bytes): room for -N.lp and a temporary's prefix within 255


def default_output(case_name: str | None) -> str:
    """A new file named after the case (a free name in the working directory): the name made safe,
    cut at a character boundary to NAME_BYTES bytes, numbered when taken."""
    from pathlib import Path

    stem = re.sub(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+', "_", case_name or "").strip("._-")
    stem = stem.encode("utf-8")[:NAME_BYTES].decode("utf-8", "ignore").rstrip("._-")
    stem = stem or dt.datetime.now().strftime("案件-%Y%m%d-%H%M%S")
    path, n = Path(f"{stem}.lp"), 2
    while path.exists() or path.is_symlink():
        path, n = Path(f"{stem}-{n}.lp"), n + 1
    return str(path)


def answer_from(q: Question, known: dict[FactKey, object]) -> str:
    """The answer a case whose facts are `known` gives to `q` (不清楚 where it has no value): the
    interview replayed against a complete file, for the oracle test and the benchmark."""
    if q.key is None or q.key not in known:
        return UNKNOWN
    value = known[q.key]
    if isinstance(value, LevelRange):  # known up to a range: the options within it (all of them: 不清楚)
        within = [n for n, (v, _) in enumerate(q.options, start=1) if v in value.values]
        return UNKNOWN if len(within) == len(q.options) else f"{within[0]}-{within[-1]}" if len(within) > 1 else str(within[0])
    return str(next(n for n, (v, _) in enumerate(q.options, start=1) if v == value))
