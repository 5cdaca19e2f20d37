"""Proofs about the encodings with the solver itself (`rongcuo verify`).

Each property is stated negated over generic incidents whose facts are all free (template.lp):
a model is a counterexample, printed as a ready-to-run fact file; unsatisfiability is the proof.
Two properties are checked on the encodings' syntax (clingo's AST): completions are exact (a
regime adds no constraint, choice or disjunction, so every assignment of the facts has exactly
one answer set and brave/cautious consequences range over exactly the completions), and every
rule that can decide a verdict carries a literal citation.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import clingo
from clingo import ast

from .encoding import ENCODINGS, load_encoding, parse_rules, regime_program, shared_part
from .reasoner import solver
from .vocabulary import vocabulary

DECIDING = vocabulary().atoms_with("deciding")
RESERVED = vocabulary().atoms_with("reserved")  # derived by the shared parts only


@dataclass
class Finding:
    regime: str
    property: str
    ok: bool
    detail: str
    counterexample: str | None = None
    seconds: float = 0.0


def _control(text: str, extra: list[str], args: list[str] | None = None, parts: tuple[str, ...] = ()) -> clingo.Control:
    """The regime's program with `extra` facts, and verify.lp loaded whole with the named
    `#program` parts ground (each states the negation of one property)."""
    ctl = clingo.Control(["--warn=none", *(args or [])])
    ctl.add("base", [], regime_program(text, extra))
    ctl.add("base", [], shared_part("verify.lp"))
    ctl.ground([("base", []), *((part, []) for part in parts)])
    return ctl


def _fact_file(regime: str, prop: str, model_atoms: list[clingo.Symbol], incidents: tuple[str, ...]) -> str:
    lines = [
        f"% rongcuo verify: counterexample to '{prop}' under {regime}",
        "case(c).",
        f"regime(c, {regime}).",
        "subject(c, s).",
    ]
    subject = [
        a for a in model_atoms if a.name in ("subject_kind", "org", "rank") or (a.name == "holds" and str(a.arguments[0]) == "s")
    ]
    lines += sorted(f"{a}." for a in subject)
    for inc in incidents:
        lines.append(f"incident(s, {inc}).")
        lines += sorted(f"{a}." for a in model_atoms if a.name in ("holds", "level") and str(a.arguments[0]) == inc)
    return "\n".join(lines) + "\n"


def _find_counterexample(ctl: clingo.Control) -> list[clingo.Symbol] | None:
    found: list[clingo.Symbol] | None = None

    def on_model(m: clingo.Model) -> None:
        nonlocal found
        found = list(m.symbols(atoms=True))

    ctl.solve(on_model=on_model)
    return found


def _check(regime: str, prop: str, text: str, parts: tuple[str, ...], extra: list[str], incidents=("i",), ok_text="") -> Finding:
    t0 = time.perf_counter()
    atoms = _find_counterexample(_control(text, extra, parts=parts))
    secs = time.perf_counter() - t0
    if atoms is None:
        return Finding(regime, prop, True, ok_text or "证明成立（无反例，UNSAT）", seconds=secs)
    return Finding(regime, prop, False, "发现反例", _fact_file(regime, prop, atoms, incidents), secs)


def _bad_literals(regime: str, text: str) -> list[str]:
    rules, _ = parse_rules(text, ENCODINGS / vocabulary().regimes[regime]["encoding"])
    bad = set()
    for r in rules:
        for p in r.body:
            if p.args[0] != "$I" or p.args[1] is None:
                continue
            if p.pred == "holds":  # the literal an exclusion reads, or the opposite of what a condition needs
                if r.pred in ("exclusion", "repeat_bar", "outside"):
                    bad.add(f"{'neg' if p.negated else 'pos'}({p.args[1]})")
                elif r.pred == "condition_met":
                    bad.add(f"{'pos' if p.negated else 'neg'}({p.args[1]})")
            elif p.pred == "level" and r.pred in ("exclusion", "repeat_bar", "condition_met", "outside"):
                bad.add(f"up({p.args[1]})")
    return [f"bad({b})." for b in sorted(bad)]


def _good_literals(regime: str, text: str) -> list[str]:
    """The switches that establish one more met 容错情形 item or favourable factor: each literal a
    scenario rule or a favourable factor rule reads (a level of a favourable factor: toward the end
    of the scale it names)."""
    rules, _ = parse_rules(text, ENCODINGS / vocabulary().regimes[regime]["encoding"])
    good: dict[str, bool] = {}  # switch -> read by a favourable factor
    for r in rules:
        factor = r.pred == "factor" and r.head[-1] == "favourable"
        if not (r.pred == "scenario" or factor):
            continue
        for p in r.body:
            if p.args[0] != "$I" or p.args[1] is None:
                continue
            if p.pred == "holds":
                switch = f"{'neg' if p.negated else 'pos'}({p.args[1]})"
            elif p.pred == "level" and p.args[2] is not None:
                values = vocabulary().scale_values(p.args[1])
                switch = f"{'down' if values.index(p.args[2]) < len(values) / 2 else 'up'}({p.args[1]})"
            else:
                continue
            good[switch] = good.get(switch, False) or factor
    return [f"good({g})." for g in sorted(good)] + [f"favourable({g})." for g in sorted(good) if good[g]]


def _static(regime: str, text: str) -> list[Finding]:
    exact, cited = [], []

    def visit(stm) -> None:
        if stm.ast_type != ast.ASTType.Rule:
            return
        line = stm.location.begin.line
        head = stm.head
        if head.ast_type == ast.ASTType.Literal and head.atom.ast_type == ast.ASTType.BooleanConstant:
            exact.append(f"第 {line} 行：完整性约束会删去某些事实组合")
        elif head.ast_type in (ast.ASTType.Aggregate, ast.ASTType.Disjunction, ast.ASTType.HeadAggregate):
            exact.append(f"第 {line} 行：选择或析取规则会改变补全的个数")
        elif head.ast_type == ast.ASTType.Literal and head.atom.ast_type == ast.ASTType.SymbolicAtom:
            fn = head.atom.symbol
            if fn.ast_type == ast.ASTType.Function:
                if fn.name in RESERVED:
                    exact.append(f"第 {line} 行：{fn.name} 只能由 verdict.lp 推出")
                if fn.name in DECIDING or fn.name in ("factor", "outcome"):
                    position = 2 if fn.name == "outcome" else 1  # outcome(I, Degree, Citation)
                    arg = fn.arguments[position] if len(fn.arguments) > position else None
                    is_string = (
                        arg is not None
                        and arg.ast_type == ast.ASTType.SymbolicTerm
                        and arg.symbol.type == clingo.SymbolType.String
                    )
                    if not is_string:
                        cited.append(f"第 {line} 行：{fn.name} 的第 {position + 1} 个参数应为条文引注字符串")

    ast.parse_string(text, visit)
    return [
        Finding(regime, "completions are exact", not exact, "；".join(exact) or "无约束、选择或析取：每组事实恰有一个回答集"),
        Finding(regime, "citations complete", not cited, "；".join(cited) or "每条可决定结论的规则均带条文引注"),
    ]


def _vocabulary(regime: str, text: str) -> Finding:
    from .vocabcheck import vocabulary_problems

    t0 = time.perf_counter()
    problems = vocabulary_problems(text + "\n" + shared_part("outcome.lp"))
    detail = "；".join(f"第 {line} 行：{message}" for line, message in problems)
    detail = detail or "编码中的特征、程度、机关类型等名称均在词汇表中"
    return Finding(regime, "vocabulary names exist", not problems, detail, seconds=time.perf_counter() - t0)


def verify_regime(regime: str, text: str | None = None) -> list[Finding]:
    """All properties for one regime (`text` replaces the regime's encoding, for testing)."""
    text = text if text is not None else load_encoding(regime).text
    findings = _static(regime, text)
    findings.append(_vocabulary(regime, text))
    findings.append(_check(regime, "exactly one verdict", text, ("one_verdict",), []))
    findings.append(_check(regime, "exactly one outcome when tolerable", text, ("one_outcome",), []))
    findings.append(
        _check(
            regime,
            "monotone exclusions",
            text,
            ("second_incident", "switched_pair", "monotone"),
            _bad_literals(regime, text),
            ("i", "j"),
        )
    )
    findings.append(
        _check(
            regime,
            "monotone degree",
            text,
            ("second_incident", "switched_pair", "monotone_degree"),
            _good_literals(regime, text),
            ("i", "j"),
        )
    )
    relevant = solver(regime).relevant if text == load_encoding(regime).text else []
    same = [f"same({'h' if k.kind == 'holds' else 'l'}({k.name}))." for k in relevant if k.holder == "i"]
    findings.append(_check(regime, "facts no rule reads never matter", text, ("second_incident", "relevance"), same, ("i", "j")))
    if text == load_encoding(regime).text:
        s = solver(regime)
        keys = [f"rel_key({k.term})." for k in s.deciding]
        findings.append(
            _check(
                regime,
                "relevance compares two completions differing in one fact",
                text,
                ("relevance_pairs",),
                [shared_part("relevance.lp"), *keys],
                ("i", "j"),
            )
        )
    findings.append(_live(regime, text))
    return findings


def _live(regime: str, text: str) -> Finding:
    t0 = time.perf_counter()
    ctl = _control(text, [], ["--enum-mode=brave", "-n", "0"], ("live",))
    live: set[str] = set()
    with ctl.solve(yield_=True) as handle:
        for model in handle:
            live = {a.arguments[0].string for a in model.symbols(shown=True) if a.name == "sole"}
    rules, _ = parse_rules(text, ENCODINGS / vocabulary().regimes[regime]["encoding"])
    items = sorted({r.head[0] for r in rules if r.pred in (*DECIDING, "factor") and r.head and r.head[0]})
    dead = [a for a in items if a not in live]
    detail = f"{len(items)} 个条款项均可单独决定结论" if not dead else f"从不单独决定结论的条款项：{'、'.join(dead)}"
    return Finding(regime, "no dead article item", not dead, detail, seconds=time.perf_counter() - t0)


def verify_repeats() -> Finding:
    """The repeat pre-pass on two incidents of one subject with dates from a small domain."""
    t0 = time.perf_counter()
    program = (
        shared_part("repeat.lp")
        + """
        incident(s, a). incident(s, b). matter(a, m). matter(b, m).
        day("2024-01-01"; "2024-01-02").
        { date(I, occurred, D) : day(D) } 1 :- incident(s, I).
        violation :- derived(I, true), derived(I, false).
        violation :- derived(I, true), unsettled(I).
        violation :- date(a, occurred, D1), date(b, occurred, D2), D1 != D2, #count { I : derived(I, true) } != 1.
        violation :- derived(I, true), date(I, occurred, D), date(J, occurred, E), J != I, E >= D, not derived(J, true).
        violation :- incident(s, I), not dated(I), derived(_, _).
        :- not violation.
    """
    )
    ctl = clingo.Control(["--warn=none"])
    ctl.add("base", [], program)
    ctl.ground([("base", [])])
    atoms = _find_counterexample(ctl)
    ok = atoms is None
    ce = None if atoms is None else "\n".join(f"{a}." for a in atoms if a.name in ("date", "matter", "incident")) + "\n"
    return Finding(
        "repeat.lp",
        "repeats derived from dates",
        ok,
        "证明成立：后发生者为重复；日期缺失或相同则不推定" if ok else "发现反例",
        ce,
        time.perf_counter() - t0,
    )


def verify(regimes: list[str]) -> list[Finding]:
    return [f for r in regimes for f in verify_regime(r)] + [verify_repeats()]
