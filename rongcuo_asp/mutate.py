"""Mutation testing of the encodings: would the scenario files notice if the law were encoded wrong?

A mutant is a regime's encoding with one change made on clingo's AST: a body literal that reads a
fact dropped (the law's element forgotten) or negated (holds ↔ -holds), a level threshold moved one
step, one rule of an exclusion (or one alternative of an item) deleted, a degree swapped.  Each
mutant is ground once (a RegimeSolver over the mutant's text) and the expectations of the scenario
files are checked against it in-process, from facts read once.  A mutant is killed when some
expectation fails.  For a surviving mutant one clingo program — the template freeing every fact,
the original regime and a copy of the mutant with its derived predicates renamed (m_…), and a
constraint that the verdict or the degree differ — finds a fully specified incident on which the
two decide differently: the missing scenario.  No such incident: the mutant is equivalent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

import clingo
from clingo import ast

from .encoding import (
    SHARED_PARTS,
    VOCAB_PREDICATES,
    Encoding,
    citation_key,
    load_encoding,
    regime_program,
    shared_part,
)
from .factfile import FactFile, parse_fact_text
from .factkey import FactKey
from .procedure import review
from .provenance import GROUND_ATOMS, Naming
from .reasoner import RegimeSolver, solver
from .repeats import derive_repeats
from .results import CaseIncident
from .vocabulary import vocabulary

# The predicates whose rules decide a verdict or a degree (factors only weigh; by_reference and
# literal_reading only mark a result).
DECIDING = ("in_scope", "outside", "scenario", "condition_met", "exclusion", "repeat_bar", "outcome")
# Rules deleted one by one: an exclusion turned into nothing; for the others, one alternative of an
# item that has several (deleting the only rule of an item is a dropped literal's coarser twin).
DELETABLE = ("exclusion", "repeat_bar", "outside")
KINDS = ("drop", "negate", "threshold", "delete", "swap")


@dataclass(frozen=True)
class Mutant:
    regime: str
    id: str  # beijing:L87:drop:2 — regime, line of the rule, operator, body position
    kind: str  # drop | negate | threshold | delete | swap
    citation: str
    phrase: str  # the law's words the change touches: an element phrase, else the fact's label
    change: str  # the change in words: 删去该要件, 门槛由“重大”改为“较大” …
    line: int
    text: str = field(repr=False)  # the mutant's encoding text
    fact: str = ""  # the fact the changed literal reads ('' for a deleted rule or a swapped degree)

    @property
    def label(self) -> str:
        where = f"{self.citation} “{self.phrase}”" if self.phrase else self.citation
        return f"{where}：{self.change}后"


# --- making mutants -------------------------------------------------------------------------


def _name(sym) -> str | None:
    if sym.ast_type == ast.ASTType.UnaryOperation:
        sym = sym.argument
    return sym.name if sym.ast_type == ast.ASTType.Function else None


def fact_literal(lit) -> bool:
    """A body literal reading a case fact: holds/-holds, level, org, rank, subject_kind."""
    return (
        lit.ast_type == ast.ASTType.Literal
        and lit.sign == ast.Sign.NoSign
        and lit.atom.ast_type == ast.ASTType.SymbolicAtom
        and _name(lit.atom.symbol) in VOCAB_PREDICATES
    )


def _plain(term) -> str | None:
    if term.ast_type == ast.ASTType.SymbolicTerm:
        sym = term.symbol
        return sym.string if sym.type == clingo.SymbolType.String else str(sym)
    if term.ast_type == ast.ASTType.Function and not term.arguments:
        return term.name
    return None


def _args(lit) -> list:
    sym = lit.atom.symbol
    return list((sym.argument if sym.ast_type == ast.ASTType.UnaryOperation else sym).arguments)


def fact_of(lit) -> str:
    """What a fact literal reads, as element/3 names it: a feature, a dimension, or org/rank/subject_kind."""
    name = _name(lit.atom.symbol) or ""
    if name in ("holds", "level"):
        return _plain(_args(lit)[1]) or ""
    return name


def _variables(node) -> set[str]:
    if isinstance(node, ast.AST):
        if node.ast_type == ast.ASTType.Variable:
            return {node.name} - {"_"}
        return set().union(*(_variables(getattr(node, k)) for k in node.child_keys))
    if isinstance(node, (list, ast.ASTSequence)):
        return set().union(*(_variables(x) for x in node))
    return set()


def _binding(lit) -> bool:
    return lit.ast_type == ast.ASTType.Literal and lit.sign == ast.Sign.NoSign and lit.atom.ast_type == ast.ASTType.SymbolicAtom


def _drop(rule, k: int):
    """The rule without body literal k, and without the literals only it made safe; None if the head
    would be unsafe."""
    body = [b for n, b in enumerate(rule.body) if n != k]
    bound = set().union(*(_variables(b) for b in body if _binding(b)))
    body = [b for b in body if _binding(b) or _variables(b) <= bound]
    if not _variables(rule.head) <= bound:
        return None
    return rule.update(body=body)


def _replace_arg(lit, n: int, value: str):
    sym = lit.atom.symbol
    inner = sym.argument if sym.ast_type == ast.ASTType.UnaryOperation else sym
    args = list(inner.arguments)
    args[n] = ast.SymbolicTerm(args[n].location, clingo.Function(value))
    inner = inner.update(arguments=args)
    if sym.ast_type == ast.ASTType.UnaryOperation:
        inner = sym.update(argument=inner)
    return lit.update(atom=lit.atom.update(symbol=inner))


def _negate(lit):
    sym = lit.atom.symbol
    if sym.ast_type == ast.ASTType.UnaryOperation:
        flipped = sym.argument
    else:
        flipped = ast.UnaryOperation(sym.location, ast.UnaryOperator.Minus, sym)
    return lit.update(atom=lit.atom.update(symbol=flipped))


def _head_citation(rule) -> str | None:
    if rule.head.ast_type != ast.ASTType.Literal or rule.head.atom.ast_type != ast.ASTType.SymbolicAtom:
        return None
    sym = rule.head.atom.symbol
    if sym.ast_type != ast.ASTType.Function:
        return None
    return next((t for a in sym.arguments if (t := _plain(a)) and citation_key(t) != (999, 0)), None)


def _head_name(rule) -> str | None:
    if rule.head.ast_type != ast.ASTType.Literal or rule.head.atom.ast_type != ast.ASTType.SymbolicAtom:
        return None
    return _name(rule.head.atom.symbol)


def _body_names(rule) -> list[str]:
    return [
        n
        for b in rule.body
        if b.ast_type == ast.ASTType.Literal and b.atom.ast_type == ast.ASTType.SymbolicAtom
        for n in [_name(b.atom.symbol)]
        if n
    ]


def statements(text: str) -> list:
    out: list = []
    ast.parse_string(text, out.append)
    return out


def program_text(stms: list) -> str:
    return "\n".join(str(s) for s in stms) + "\n"


def deciding_rules(stms: list) -> dict[int, str]:
    """Statement index -> citation of every rule that decides: a citing rule of DECIDING, or a helper
    rule (defined in the encoding, read by a deciding rule) under the citation of its first reader."""
    rules = {n: s for n, s in enumerate(stms) if s.ast_type == ast.ASTType.Rule and s.body}
    out: dict[int, str] = {}
    helper_citation: dict[str, str] = {}
    pending = []
    for n, r in rules.items():
        if _head_name(r) in DECIDING and (c := _head_citation(r)):
            out[n] = c
            pending.append((r, c))
    defined = {_head_name(r) for r in rules.values()} - set(DECIDING)
    while pending:
        r, c = pending.pop(0)
        for name in _body_names(r):
            if name in defined and name not in helper_citation:
                helper_citation[name] = c
                for m, h in rules.items():
                    if _head_name(h) == name:
                        out[m] = c
                        pending.append((h, c))
    return dict(sorted(out.items()))


def fact_label(regime: str, fact: str) -> str:
    voc = vocabulary()
    if fact in voc.scales:
        return voc.label("dimension", fact)
    if fact in voc.data["predicates"] and fact in ("org", "rank", "subject_kind"):
        return voc.data["predicates"][fact]["zh"]
    return voc.label("feature", fact, regime)


def law_phrase(regime: str, citation: str, fact: str) -> str:
    """The law's words for a fact under a citation: the element phrase where the encoding states one."""
    try:
        from .elements import element_phrase
    except ImportError:  # the element table is optional
        return fact_label(regime, fact)
    try:
        return element_phrase(regime, citation, fact) or fact_label(regime, fact)
    except Exception:  # an element table being written: fall back to the label
        return fact_label(regime, fact)


def _degrees(regime: str) -> list[str]:
    """The degrees an outcome rule may give: the vocabulary's outcomes the regime and the shared
    degree table derive."""
    derived: set[str] = set()
    for s in statements(load_encoding(regime).text + "\n" + shared_part("outcome.lp")):
        if s.ast_type == ast.ASTType.Rule and _head_name(s) in ("outcome", "degree_table"):
            args = s.head.atom.symbol.arguments
            if len(args) > 1 and (d := _plain(args[1])):
                derived.add(d)
    return [o for o in vocabulary().outcomes if o in derived]


def _scale_of(lit, body) -> tuple[str, int] | None:
    """For a threshold literal: (scale, index of the argument to move).  level(I, D, c) with a
    constant value, rank(S, c), or at_least/at_most(D, V, W) with a constant bound."""
    name = _name(lit.atom.symbol)
    args = _args(lit)
    if name == "level" and _plain(args[2]) is not None:
        return (_plain(args[1]) or "", 2)
    if name == "rank" and _plain(args[1]) is not None:
        return ("rank", 1)
    if name in ("at_least", "at_most") and len(args) == 3 and _plain(args[2]) is not None:
        return (_plain(args[0]) or "", 2)
    return None


def _value_label(scale: str, value: str) -> str:
    voc = vocabulary()
    return voc.label("rank", value) if scale == "rank" else voc.label("value", f"{scale}.{value}")


def mutants(regime: str, only: str | None = None, kinds: tuple[str, ...] = KINDS) -> list[Mutant]:
    """Every mutant of the regime's encoding (of the citations starting with `only`, if given)."""
    enc = load_encoding(regime)
    stms = statements(enc.text)
    deciding = deciding_rules(stms)
    degrees = _degrees(regime)
    per_citation: dict[str, int] = {}
    for c in deciding.values():
        per_citation[c] = per_citation.get(c, 0) + 1
    out: list[Mutant] = []

    def add(n: int, kind: str, pos: int | str, citation: str, phrase: str, change: str, rule, fact: str = "") -> None:
        if kind not in kinds:
            return
        changed = stms[:n] + ([rule] if rule is not None else []) + stms[n + 1 :]
        line = stms[n].location.begin.line
        ident = f"{regime}:L{line}:{kind}:{pos}"
        out.append(Mutant(regime, ident, kind, citation, phrase, change, line, program_text(changed), fact))

    for n, citation in deciding.items():
        if only and not citation.startswith(only):
            continue
        rule = stms[n]
        head = _head_name(rule)
        facts = [(k, b) for k, b in enumerate(rule.body) if fact_literal(b)]
        for k, lit in facts:
            fact = fact_of(lit)
            phrase = law_phrase(regime, citation, fact)
            dropped = _drop(rule, k)
            if dropped is not None:
                add(n, "drop", k, citation, phrase, "删去该要件", dropped, fact)
            if _name(lit.atom.symbol) == "holds":
                body = list(rule.body)
                body[k] = _negate(lit)
                add(n, "negate", k, citation, phrase, "将该要件改为其反面", rule.update(body=body), fact)
        for k, lit in enumerate(rule.body):
            if lit.ast_type != ast.ASTType.Literal or lit.atom.ast_type != ast.ASTType.SymbolicAtom:
                continue
            found = _scale_of(lit, rule.body)
            if found is None or _name(lit.atom.symbol) not in (*VOCAB_PREDICATES, "at_least", "at_most"):
                continue
            scale, pos = found
            values = vocabulary().ordered_values(scale)
            old = _plain(_args(lit)[pos]) or ""
            if old not in values:
                continue
            fact = "rank" if scale == "rank" else scale
            phrase = law_phrase(regime, citation, fact)
            i = values.index(old)
            for step, new in ((+1, values[i + 1] if i + 1 < len(values) else None), (-1, values[i - 1] if i else None)):
                if new is None:
                    continue
                body = list(rule.body)
                body[k] = _replace_arg(lit, pos, new)
                change = f"门槛由“{_value_label(scale, old)}”改为“{_value_label(scale, new)}”"
                add(n, "threshold", f"{k}{'+' if step > 0 else '-'}", citation, phrase, change, rule.update(body=body), fact)
        if head in DELETABLE or (head in DECIDING and per_citation[citation] > 1 and _head_citation(rule)):
            phrases = list(dict.fromkeys(law_phrase(regime, citation, fact_of(b)) for _, b in facts))
            role = vocabulary().data["roles"].get(vocabulary().citing_predicates.get(head or "", ""), "规定")
            add(n, "delete", "rule", citation, "、".join(phrases[:3]), f"删去这一{role}", None)
        if head == "outcome":
            args = rule.head.atom.symbol.arguments
            was = _plain(args[1])
            if was is not None and was in degrees:
                for new in degrees:
                    if new == was:
                        continue
                    swapped = rule.update(head=_replace_arg(rule.head, 1, new))
                    voc = vocabulary()
                    change = f"处理方式由“{voc.outcomes[was]}”改为“{voc.outcomes[new]}”"
                    add(n, "swap", new, citation, "", change, swapped)
    return out


def mutant_encoding(mutant: Mutant) -> Encoding:
    """The regime's Encoding with the mutant's text: the solver grounds that text.  The rule table
    stays the original's (parsing it again was most of a mutant's cost): a mutant reads no fact the
    original does not, so the table only names a superset of the facts read, which changes no
    decision (it orders the facts still to verify and lets no shortcut skip a fact the mutant reads)."""
    return dataclasses.replace(load_encoding(mutant.regime), text=mutant.text)


# --- checking expectations ------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One expectation of a scenario file under one regime."""

    kind: str  # expect | ground | missing | procedure
    args: tuple
    path: str
    line: int
    text: str


@dataclass
class Suite:
    """The expectations of the scenario files, per regime and incident: facts read once, known facts
    resolved once (CaseIncident), checked against any solver of the regime."""

    files: list[FactFile]
    by_regime: dict[str, list[tuple[CaseIncident, list[Check]]]] = field(default_factory=dict)
    hits: dict[str, list[int]] = field(default_factory=dict)  # per regime and incident: mutants it caught

    def __post_init__(self) -> None:
        for ff in self.files:
            reps = derive_repeats(ff)
            for inc in ff.incidents.values():
                ci = CaseIncident(ff, inc, reps)
                checks: dict[str, list[Check]] = {}
                for regime, verdict, outcome, line in inc.expects:
                    text = f"expect({inc.id}, {regime}, {verdict}{', ' + outcome if outcome else ''})"
                    checks.setdefault(regime, []).append(Check("expect", (verdict, outcome), ff.path, line, text))
                for regime, citation, line in inc.expect_grounds:
                    text = f'expect_ground({inc.id}, {regime}, "{citation}")'
                    checks.setdefault(regime, []).append(Check("ground", (citation,), ff.path, line, text))
                for regime, fact, line in inc.expect_missing:
                    text = f'expect_missing({inc.id}, {regime}, "{fact}")'
                    checks.setdefault(regime, []).append(Check("missing", (fact,), ff.path, line, text))
                for regime, step, status, line in inc.expect_procedure:
                    text = f"expect_procedure({inc.id}, {regime}, {step}, {status})"
                    checks.setdefault(regime, []).append(Check("procedure", (step, status), ff.path, line, text))
                for regime, cs in checks.items():
                    self.by_regime.setdefault(regime, []).append((ci, cs))

    def count(self, regime: str) -> int:
        return sum(len(cs) for _, cs in self.by_regime.get(regime, []))

    def failures(self, s: RegimeSolver, regime: str, first: bool = False, skip: frozenset = frozenset()) -> list[Check]:
        """The expectations under `regime` that fail against the solver (the first only, if `first`);
        `skip`: expectations left out (those that fail against the original)."""
        out: list[Check] = []
        original = load_encoding(regime)
        incidents = self.by_regime.get(regime, [])
        hits = self.hits.setdefault(regime, [0] * len(incidents))
        # Looking for a first failure, the incidents that caught the most mutants so far go first.
        order = sorted(range(len(incidents)), key=lambda n: -hits[n]) if first else range(len(incidents))
        for n in order:
            ci, checks = incidents[n]
            todo = [c for c in checks if c not in skip]
            if not todo:
                continue
            try:
                failed = _failing(s, ci, todo, original)
            except RuntimeError:  # a mutant with no answer for some completion: every expectation fails
                failed = todo
            out.extend(failed)
            if first and out:
                hits[n] += 1
                return out[:1]
        return out


def _failing(s: RegimeSolver, ci: CaseIncident, checks: list[Check], original: Encoding) -> list[Check]:
    """As scenarios.expectations compares a result with an expect atom, from the decision alone."""
    dec = s.decide(ci.known)
    out = []
    grounds: set[str] | None = None
    for c in checks:
        if c.kind == "expect":
            verdict, outcome = c.args
            want = outcome if outcome is not None else dec.outcome if verdict == "tolerable" else None
            ok = (dec.verdict, dec.outcome) == (verdict, want)
        elif c.kind == "ground":
            if grounds is None:
                grounds = {a.args[-1] if a.name == "outcome" else a.args[0] for a in dec.cautious if a.name in GROUND_ATOMS}
            ok = c.args[0] in grounds
        elif c.kind == "missing":
            naming = Naming(ci.inc)
            ok = c.args[0] in {str(naming.key(k)) for k in dec.missing}
        else:
            steps, _ = review(ci.ff, ci.inc, original, dec.outcome)
            ok = c.args[1] in [p["status"] for p in steps if p["step"] == c.args[0]]
        if not ok:
            out.append(c)
    return out


# --- the missing scenario -------------------------------------------------------------------


@cache
def _shared_heads() -> frozenset[str]:
    """Predicates the template and the vocabulary facts define: shared by original and mutant copy."""
    names: set[str] = set()
    for s in statements(vocabulary().asp_facts() + shared_part("template.lp")):
        if s.ast_type == ast.ASTType.Rule:
            names |= _atom_names(s.head)
    return frozenset(names)


def _atom_names(node) -> set[str]:
    if isinstance(node, ast.AST):
        if node.ast_type == ast.ASTType.SymbolicAtom:
            return {n} if (n := _name(node.symbol)) else set()
        return set().union(*(_atom_names(getattr(node, k)) for k in node.child_keys))
    if isinstance(node, (list, ast.ASTSequence)):
        return set().union(*(_atom_names(x) for x in node))
    return set()


class _Rename(ast.Transformer):
    def __init__(self, names: set[str]):
        self.names = names

    def visit_SymbolicAtom(self, atom):  # noqa: N802 - clingo's visitor naming
        sym = atom.symbol
        inner = sym.argument if sym.ast_type == ast.ASTType.UnaryOperation else sym
        if inner.ast_type != ast.ASTType.Function or inner.name not in self.names:
            return atom
        inner = inner.update(name="m_" + inner.name)
        return atom.update(symbol=sym.update(argument=inner) if sym.ast_type == ast.ASTType.UnaryOperation else inner)


_SKIP = (ast.ASTType.Comment, ast.ASTType.ShowSignature, ast.ASTType.ShowTerm, ast.ASTType.Program)


def mutant_copy(text: str) -> str:
    """The shared verdict and outcome parts and the mutant encoding with every predicate they derive
    renamed m_…: the mutant's decision beside the original's, on the same facts."""
    stms = [s for p in (*SHARED_PARTS[1:], None) for s in statements(shared_part(p) if p else text)]
    stms = [s for s in stms if s.ast_type not in _SKIP]
    derived: set[str] = set()
    for s in stms:
        if s.ast_type == ast.ASTType.Rule:
            derived |= _atom_names(s.head)
        elif s.ast_type == ast.ASTType.External:
            derived |= _atom_names(s.atom)
    rename = _Rename(derived - _shared_heads())
    return "\n".join(str(rename(s)) for s in stms) + "\n"


DIFFER = """
mutant_differs :- verdict(i, V), not m_verdict(i, V).
mutant_differs :- degree(i, O), not m_degree(i, O).
mutant_differs :- m_degree(i, O), not degree(i, O).
:- not mutant_differs.
#minimize { 1@2,X,F : holds(X, F) }.
#minimize { N@1,D : level(i, D, V), scale(D, V, N) }.
"""


@dataclass(frozen=True)
class Witness:
    """A fully specified incident on which original and mutant decide differently."""

    known: dict[FactKey, object]
    original: tuple[str, str | None]  # (verdict, degree) under the original encoding
    mutant: tuple[str, str | None]


def witness(mutant: Mutant, keys: list[FactKey]) -> Witness | None:
    """The incident (its values of `keys`) on which original and mutant differ; None: equivalent."""
    enc = load_encoding(mutant.regime)
    ctl = clingo.Control(["--warn=none", "--opt-mode=opt"])
    ctl.add("base", [], regime_program(enc.text, [mutant_copy(mutant.text), DIFFER], show=False))
    ctl.ground([("base", [])])
    found: list[list[clingo.Symbol]] = []
    ctl.solve(on_model=lambda m: found.append(list(m.symbols(atoms=True))))
    if not found:
        return None
    atoms = found[-1]
    values: dict[FactKey, object] = {}
    decided: dict[str, dict[str, str]] = {"verdict": {}, "degree": {}}
    for sym in atoms:
        a = sym.arguments
        if sym.name == "holds" and len(a) == 2 and a[0].name in ("i", "s"):
            values[FactKey.feature(a[0].name, a[1].name)] = sym.positive
        elif sym.name == "level" and a[0].name == "i":
            values[FactKey.level(a[1].name)] = a[2].name
        elif sym.name in ("org", "rank", "subject_kind") and a[0].name == "s":
            values[FactKey.attribute(sym.name)] = a[1].name
        elif sym.name in ("verdict", "degree", "m_verdict", "m_degree") and a[0].name == "i":
            side = "mutant" if sym.name.startswith("m_") else "original"
            decided[sym.name.removeprefix("m_")][side] = a[1].name
    pair = {side: (decided["verdict"].get(side, "undetermined"), decided["degree"].get(side)) for side in ("original", "mutant")}
    return Witness({k: values[k] for k in keys if k in values}, pair["original"], pair["mutant"])


def scenario_text(mutant: Mutant, w: Witness) -> str:
    """The missing scenario as a fact file: header naming article and phrase, the incident, the
    original's verdict and degree as expect atoms."""
    voc = vocabulary()
    enc = load_encoding(mutant.regime)
    verdict, degree = w.original
    zh = voc.verdicts[verdict] + (f"（{voc.outcomes[degree]}）" if verdict == "tolerable" and degree else "")
    mv, md = w.mutant
    mzh = voc.verdicts.get(mv, mv) + (f"（{voc.outcomes.get(md, md)}）" if mv == "tolerable" and md else "")
    pins = f"{mutant.citation} “{mutant.phrase}”" if mutant.phrase else mutant.citation
    lines = [
        f"% 变异检验补写的情景：钉住 {pins}",
        f"% 条文：{enc.quote(mutant.citation)}",
        f"% 若{mutant.change}，结论将由“{zh}”变为“{mzh}”；本情景使这一改动不能通过检验。",
        f"% 办法：{mutant.regime}；预期：{verdict}{f'（{degree}）' if verdict == 'tolerable' and degree else ''}",
        "case(c1).",
        f"regime(c1, {mutant.regime}).",
        "subject(c1, s1).",
    ]
    ordered = sorted(w.known.items(), key=lambda kv: (kv[0].holder != "s", kv[0].kind != "subject_kind", kv[0]))
    incident_started = False
    for key, value in ordered:
        if key.holder == "i" and not incident_started:
            lines.append("incident(s1, i1).")
            incident_started = True
        holder = "i1" if key.holder == "i" else "s1"
        if key.kind == "holds":
            fact = f"{'' if value else '-'}holds({holder}, {key.name})."
            note = fact_label(mutant.regime, key.name) + ("" if value else "：否")
        elif key.kind == "level":
            fact = f"level(i1, {key.name}, {value})."
            note = f"{fact_label(mutant.regime, key.name)}：{_value_label(key.name, str(value))}"
        else:
            fact = f"{key.kind}(s1, {value})."
            label = _value_label("rank", str(value)) if key.kind == "rank" else voc.label(key.kind, str(value))
            note = f"{fact_label(mutant.regime, key.kind)}：{label}"
        pinned = "  ← 本情景钉住的要件" if key.name == mutant.fact or key.kind == mutant.fact else ""
        lines.append(f"{fact}  % {note}{pinned}")
    if not incident_started:
        lines.append("incident(s1, i1).")
    want = f"{verdict}, {degree}" if verdict == "tolerable" and degree else verdict
    lines.append(f"expect(i1, {mutant.regime}, {want}).")
    return "\n".join(lines) + "\n"


# --- running --------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What became of one mutant."""

    mutant: Mutant
    status: str  # killed | surviving | equivalent | invalid
    killer: str = ""  # the first expectation that failed (file:line text)
    scenario: str = ""  # for a surviving mutant: the missing scenario's fact file
    differ: tuple = ()  # ((verdict, degree) original, (verdict, degree) mutant)
    verified: bool = False  # the scenario, read back, passes against the original and fails against the mutant

    @property
    def message(self) -> str:
        m = self.mutant
        if self.status == "surviving":
            return f"{m.label}，所有情景预期仍然通过"
        if self.status == "equivalent":
            return f"{m.label}，任何情形下结论都不变（等价变异）"
        if self.status == "invalid":
            return f"{m.label}，变异后的程序无法求解（不计入）"
        return f"{m.label}，被 {self.killer} 发现"


@dataclass
class Run:
    suite: Suite
    skip: dict[str, frozenset[Check]]  # per regime: expectations failing against the original
    witnesses: bool = True


_RUN: Run | None = None  # set before the worker processes fork: the files are read once


def baseline(suite: Suite, regimes: list[str]) -> dict[str, frozenset[Check]]:
    """Per regime, the expectations that already fail against the original encoding (left out)."""
    return {r: frozenset(suite.failures(solver(r), r)) for r in regimes}


def run_one(m: Mutant) -> Outcome:
    run = _RUN
    assert run is not None
    try:
        s = RegimeSolver(m.regime, mutant_encoding(m))
    except (RuntimeError, ValueError):
        return Outcome(m, "invalid")
    failed = run.suite.failures(s, m.regime, first=True, skip=run.skip.get(m.regime, frozenset()))
    if failed:
        c = failed[0]
        return Outcome(m, "killed", f"{c.path}:{c.line} {c.text}")
    if not run.witnesses:
        return Outcome(m, "surviving")
    keys = list(dict.fromkeys([*solver(m.regime).deciding, *s.deciding]))
    w = witness(m, keys)
    if w is None:
        return Outcome(m, "equivalent")
    text = scenario_text(m, w)
    return Outcome(m, "surviving", scenario=text, differ=(w.original, w.mutant), verified=pins(m, s, text))


def pins(m: Mutant, s: RegimeSolver, text: str) -> bool:
    """The written scenario, read back as a fact file: passes against the original, fails against the mutant."""
    suite = Suite([parse_fact_text(text.encode("utf-8"), "mutant.lp")])
    return not suite.failures(solver(m.regime), m.regime) and bool(suite.failures(s, m.regime))


def _run_index(n: int) -> Outcome:
    return run_one(_MUTANTS[n])


_MUTANTS: list[Mutant] = []


def run_all(
    suite: Suite,
    regimes: list[str],
    jobs: int = 1,
    only: str | None = None,
    witnesses: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Outcome], dict[str, frozenset[Check]]]:
    """Every mutant of the regimes against the suite; `jobs` worker processes (fork: they inherit
    the files read).  Returns the outcomes in mutant order and the expectations left out."""
    global _RUN, _MUTANTS
    skip = baseline(suite, regimes)
    _RUN = Run(suite, skip, witnesses)
    _MUTANTS = [m for r in regimes for m in mutants(r, only)]
    total = len(_MUTANTS)
    results: list[Outcome | None] = [None] * total
    done = 0
    if jobs > 1 and total > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for n, outcome in pool.imap_unordered(_indexed, range(total), chunksize=2):
                results[n] = outcome
                done += 1
                if progress:
                    progress(done, total)
    else:
        for n in range(total):
            results[n] = _run_index(n)
            done += 1
            if progress:
                progress(done, total)
    return [r for r in results if r is not None], skip


def _indexed(n: int) -> tuple[int, Outcome]:
    return n, _run_index(n)


def iter_survivors(outcomes: list[Outcome]) -> Iterator[Outcome]:
    return (o for o in outcomes if o.status == "surviving")


def score(outcomes: list[Outcome]) -> dict[str, dict[str, int | float | None]]:
    """Per regime: total, killed, surviving, equivalent, invalid and the mutation score
    killed / (total − equivalent − invalid)."""
    out: dict[str, dict[str, int | float | None]] = {}
    for o in outcomes:
        row = out.setdefault(o.mutant.regime, {"total": 0, "killed": 0, "surviving": 0, "equivalent": 0, "invalid": 0})
        row["total"] = int(row["total"] or 0) + 1
        row[o.status] = int(row[o.status] or 0) + 1
    for row in out.values():
        live = int(row["total"] or 0) - int(row["equivalent"] or 0) - int(row["invalid"] or 0)
        row["score"] = round(int(row["killed"] or 0) / live, 4) if live else None
    return out
