"""Decide incidents under one regime: ground once for a generic incident, solve under assumptions.

Each regime's program (vocabulary, template, regime encoding, verdict and outcome parts) is ground
once per control, never per incident: one control for single models and unsat cores, one each for
brave and cautious enumeration, one showing the facts for `missing`. An incident is a list of
assumption literals, one per fact its file states; facts it does not state stay free. So the answer
sets under the assumptions are the completions of the unknown facts, and:
  * brave consequences give every verdict/outcome some completion yields,
  * cautious consequences give what holds in all completions (decided verdict, established grounds).
A verdict is decided exactly when the brave set holds one verdict (reasoning.md, "depends on
unknown facts").  The facts still to verify are the relevant unknown ones: those for which some
two completions that differ in that fact alone give different (verdict, outcome) pairs — found in
one brave enumeration of a two-incident program (encodings/relevance.lp).  They are listed in the
law's order: scope, scenario items (the nearest to being met first), conditions, exclusions,
degree; each marked when one of its values alone would decide the verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property, partial
from typing import Any, NamedTuple, cast

import clingo

from .encoding import CITING_PREDICATES, Encoding, citation_key, load_encoding, regime_program, shared_part
from .factkey import FactKey
from .factmodel import LevelRange
from .vocabulary import vocabulary


class Shown(NamedTuple):
    """A shown atom of the generic incident in plain Python: name and the arguments after the
    incident as text (strings unquoted).  Reading clingo symbols costs a C call per attribute."""

    name: str
    args: tuple[str, ...]


@dataclass(frozen=True)
class Place:
    """Where a fact stands in the law's order: the role and article of the first deciding rule reading it."""

    role: str
    article: str
    rank: tuple


@dataclass
class Decision:
    verdict: str
    outcome: str | None
    cautious: frozenset[Shown]
    # the brave consequences over every shown atom, or how to compute them (on first use: a result
    # needs only the cautious ones; the interview asks for these)
    brave_of: frozenset[Shown] | Callable[[], frozenset[Shown]]
    missing: list[FactKey] = field(default_factory=list)
    # missing facts one value of which alone decides the verdict, or how to find them (on first use:
    # the interview never asks for them)
    decisive_of: frozenset[FactKey] | Callable[[], frozenset[FactKey]] = frozenset()
    suggested: str | None = None  # beside the outcome mitigate: the tool's suggestion, reduce or lighter

    @property
    def decisive(self) -> frozenset[FactKey]:
        if callable(self.decisive_of):
            self.decisive_of = self.decisive_of()
        return self.decisive_of

    @property
    def brave(self) -> frozenset[Shown]:
        if callable(self.brave_of):
            self.brave_of = self.brave_of()
        return self.brave_of


# The enumeration controls a solver grounds on first use (RegimeSolver._control).
MODES = ("brave", "cautious", "brave-pairs", "brave-facts", "relevance")


class RegimeSolver:
    """One regime's program, ground once; decides any incident given its known facts."""

    def __init__(self, regime: str, encoding: Encoding | None = None):
        self.regime = regime
        # `encoding`: another text of the regime (a mutant, rongcuo mutate) instead of the packaged one.
        self.encoding: Encoding = encoding if encoding is not None else load_encoding(regime)
        voc = vocabulary()
        self._mode: tuple[str, int] | None = None

        fn, i, s = clingo.Function, clingo.Function("i"), clingo.Function("s")
        self.values: dict[FactKey, list[object]] = {}
        self.symbols: dict[tuple[FactKey, object], clingo.Symbol] = {}  # the template atom of each fact value

        def bind(key: FactKey, value: object, atom: clingo.Symbol) -> None:
            self.values.setdefault(key, []).append(value)
            self.symbols[(key, value)] = atom

        for holder, table in (("i", voc.incident_features), ("s", voc.subject_features)):
            h = i if holder == "i" else s
            for feat in table:
                bind(FactKey.feature(holder, feat), True, fn("holds", [h, fn(feat)]))
                bind(FactKey.feature(holder, feat), False, fn("holds", [h, fn(feat)], False))
        for dim in voc.scales:
            for v in voc.scale_values(dim):
                bind(FactKey.level(dim), v, fn("level", [i, fn(dim), fn(v)]))
        for o in voc.orgs:
            bind(FactKey.attribute("org"), o, fn("org", [s, fn(o)]))
        for r in voc.ranks:
            bind(FactKey.attribute("rank"), r, fn("rank", [s, fn(r)]))
        for k in voc.subject_kinds:
            bind(FactKey.attribute("subject_kind"), k, fn("subject_kind", [s, fn(k)]))
        used = self.encoding.used_facts()
        self.order = self.encoding.fact_order()
        self.relevant: list[FactKey] = [k for k in self.values if _order_key(k) in used]
        self.relevant_set = frozenset(self.relevant)
        # Facts that can change the verdict or the outcome: those read by a rule that derives
        # anything but a factor.  Factors are read by no rule (tested), so a fact only factor rules
        # read never changes a (verdict, outcome) pair and is never among the missing facts.
        deciding = self.encoding.used_facts(ignore=("factor",))
        self.deciding: list[FactKey] = [k for k in self.relevant if _order_key(k) in deciding]
        self._shown: dict[int, Shown] = {}  # by the symbol's handle (_describe)
        self._fact_of: dict[clingo.Symbol, tuple[FactKey, object]] = {sym: kv for kv, sym in self.symbols.items()}
        # One control per enumeration mode, set when it is created: switching a control's mode costs
        # more C calls than a small solve.  Ground on first use (a few ms each).
        self._modes: dict[str, tuple[clingo.Control, dict[tuple[FactKey, object], int]]] = {}
        self._goals: dict[tuple[str, str | None], int] = {}
        self.places = self._places()
        self._vocab_rank = {k: n for n, k in enumerate(self.values)}  # the vocabulary's order, the last tie-break

    @cached_property
    def ctl(self) -> clingo.Control:
        """The control for single models and unsat cores, ground on first use (a one-case check
        with unknown facts never solves on it: only on the cautious control)."""
        # Forgetting learned state between solve calls makes every answer (unsat cores, hence minimal
        # reasons) depend on the question alone, not on the questions asked before (~8% slower).
        ctl = clingo.Control(["--warn=none", *_FORGET])
        ctl.add("base", [], regime_program(self.encoding.text))
        ctl.ground([("base", [])])
        return ctl

    @cached_property
    def literals(self) -> dict[tuple[FactKey, object], int]:
        """The check control's literal of each fact value; a level known up to a range has a
        literal too, made on first use (_RangeLiterals)."""
        literals = _RangeLiterals(self)
        for kv, atom in self.symbols.items():
            literals[kv] = _literal(self.ctl, atom)
        return literals

    def _places(self) -> dict[FactKey, Place]:
        """The law's order of the deciding facts: role (scope → scenario → condition → exclusion and
        repeat → degree), then the article of the first rule of that role reading the fact."""
        roles = list(vocabulary().data["roles"])
        best: dict[FactKey, Place] = {}
        for r in self.encoding.rules:
            if r.pred == "factor":
                continue
            role = CITING_PREDICATES[r.pred]
            article = (r.head[1] if r.pred == "outcome" else r.head[0]) or ""
            rank = (roles.index("exclusion") if role == "repeat" else roles.index(role), citation_key(article), r.line)
            for k in map(_pattern_key, r.body):
                if k not in best or rank < best[k].rank:
                    best[k] = Place(role, article, rank)
        return {k: best[k] for k in self.deciding}

    def prepare(self) -> RegimeSolver:
        """Ground every enumeration control now rather than at first use (a few ms each): an
        interactive session does so when it starts, so that no question waits for it."""
        for mode in MODES:
            self._mode_control(mode)
        return self

    def _mode_control(self, mode: str) -> tuple[clingo.Control, dict[tuple[FactKey, object], int]]:
        """The control enumerating `mode` consequences, and its literal of each fact value."""
        if mode not in self._modes:
            self._modes[mode] = self._control(mode)
        return self._modes[mode]

    def _control(self, mode: str) -> tuple[clingo.Control, dict[tuple[FactKey, object], int]]:
        if mode == "relevance":
            keys = [f"rel_key({k.term})." for k in self.deciding]
            ctl = clingo.Control(["--warn=none", "--enum-mode=brave", "-n", "0"])
            ctl.add("base", [], regime_program(self.encoding.text, [shared_part("relevance.lp"), *keys], show=False))
            ctl.ground([("base", [])])
            lits = {kv: _literal(ctl, sym) for kv, sym in self.symbols.items()}
            terms = {k: clingo.parse_term(k.term) for k in self.deciding}
            self._flip_lits = {k: _literal(ctl, clingo.Function("flip", [t])) for k, t in terms.items()}
            self._flip_key = {t: k for k, t in terms.items()}
            return ctl, lits
        ctl = clingo.Control(["--warn=none", f"--enum-mode={mode.split('-')[0]}", "-n", "0"])
        if mode == "brave-pairs":
            # Brave consequences over the verdict and the degree alone: few models to enumerate.
            ctl.add("base", [], regime_program(self.encoding.text, ["#show verdict/2.", "#show degree/2."], show=False))
        elif mode == "brave-facts":
            # Brave consequences over the facts that can change a verdict or an outcome, for `missing`:
            # no model is spent covering the values of facts that cannot.
            shown = ["#show."] + [
                f"#show {self.symbols[k, v]} : {self.symbols[k, v]}." for k in self.deciding for v in self.values[k]
            ]
            ctl.add("base", [], regime_program(self.encoding.text, shown, show=False))
        else:
            ctl.add("base", [], regime_program(self.encoding.text))
        ctl.ground([("base", [])])
        return ctl, {kv: _literal(ctl, sym) for kv, sym in self.symbols.items()}

    @property
    def facts_ctl(self) -> clingo.Control:
        return self._mode_control("brave-facts")[0]

    @property
    def fact_literals(self) -> dict[tuple[FactKey, object], int]:
        return self._mode_control("brave-facts")[1]

    def goal_symbol(self, goal: str) -> clingo.Symbol:
        """The atom of a verdict, or of an outcome degree, of the generic incident."""
        fn = clingo.Function
        if goal in vocabulary().verdicts:
            return fn("verdict", [fn("i"), fn(goal)])
        return fn("degree", [fn("i"), fn(goal)])

    def suggestion_facts(self, known: dict[FactKey, object], suggested: str) -> list[FactKey]:
        """The level facts a suggested degree rests on: a subset-minimal set of the known levels the
        suggestion table (suggestion/2 of encodings/outcome.lp) reads that, with the other known
        facts, entails it."""
        from .explain import shrink

        read = set(re.findall(r"^suggestion\(.*?$", shared_part("outcome.lp"), re.M))
        dims = {d for line in read for d in re.findall(r"level\(I, (\w+),", line)}
        levels = [k for k in self.ordered(known) if k.kind == "level" and k.name in dims]
        levels = [k for k in levels if not isinstance(known[k], LevelRange)]  # a range is a premise
        fixed = self.assume(self.literals, {k: v for k, v in known.items() if k not in levels})
        lits = [self.literals[(k, known[k])] for k in levels]
        goal = _literal(self.ctl, clingo.Function("suggested", [clingo.Function("i"), clingo.Function(suggested)]))
        back = dict(zip(lits, levels, strict=True))
        return [back[lit] for lit in shrink(self, fixed, lits, -goal)]

    def goal_literal(self, goal: str) -> int:
        """The literal of a verdict, or of an outcome degree, of the generic incident."""
        return _literal(self.ctl, self.goal_symbol(goal))

    def solve_once(self, assumptions: list[int], values_wanted: bool = True) -> tuple[bool, dict, list[int]]:
        """One satisfiability check: (sat, values of the fact keys in a model if wanted, unsat core)."""
        self._configure("auto", 1)
        values: dict[FactKey, object] = {}
        core: list[int] = []

        def on_model(model: clingo.Model) -> None:
            for (key, value), lit in self.literals.items():
                if model.is_true(lit):
                    values[key] = value

        result = self.ctl.solve(
            assumptions=assumptions, on_model=on_model if values_wanted else None, on_core=lambda c: core.extend(c)
        )
        return bool(result.satisfiable), values, core

    def _configure(self, mode: str, models: int) -> None:
        """Set the enumeration mode and model count, touching the configuration only on a change."""
        if self._mode != (mode, models):
            solve = cast(Any, self.ctl.configuration.solve)  # clingo types the option groups loosely
            solve.enum_mode = mode
            solve.models = models
            self._mode = (mode, models)

    def _consequences(self, known: dict[FactKey, object], mode: str) -> frozenset[Shown]:
        """Brave or cautious consequences over the shown atoms, or ("auto") one model's shown atoms."""
        if mode == "auto":
            ctl, assumptions = self.ctl, self.assumptions(known)
            self._configure("auto", 1)
        else:
            ctl, literals = self._mode_control(mode)
            assumptions = self.assume(literals, known)
        symbols = _last_model_symbols(ctl, assumptions)
        if symbols is None:  # the template admits every consistent assignment; this is a bug
            raise RuntimeError(f"{self.regime}: no completion under the given facts")
        shown = self._shown
        return frozenset([shown.get(sym._rep) or self._describe(sym) for sym in symbols])

    def _describe(self, sym: clingo.Symbol) -> Shown:
        """Shown atoms of the generic incident are finitely many: each is read from clingo once, and
        known after by its handle (`_rep`, clingo's symbol value: equal symbols have equal handles,
        and hashing it costs no call into clingo, as hashing the symbol does)."""
        args = tuple(a.string if a.type == clingo.SymbolType.String else str(a) for a in sym.arguments[1:])
        self._shown[sym._rep] = atom = Shown(sym.name, args)
        return atom

    @staticmethod
    def _pairs(brave: frozenset[Shown]) -> set[tuple[str, str | None]]:
        verdicts = {a.args[0] for a in brave if a.name == "verdict"}
        return _verdict_outcome_pairs(verdicts, {a.args[0] for a in brave if a.name == "outcome"})

    def assumptions(self, known: dict[FactKey, object]) -> list[int]:
        return self.assume(self.literals, known)

    def assume(self, literals: dict[tuple[FactKey, object], int], known: dict[FactKey, object]) -> list[int]:
        """The assumption literals of known facts, in a control whose fact literals are `literals`:
        a value's literal; for a level known up to a range, its values outside the range false (the
        completions are those whose level lies in the range)."""
        if LevelRange not in set(map(type, known.values())):
            return [literals[kv] for kv in known.items()]  # one literal a fact: the usual case
        out = []
        for k, v in known.items():
            if isinstance(v, LevelRange):
                out += [-literals[(k, x)] for x in self.values[k] if x not in v.values]
            else:
                out.append(literals[(k, v)])
        return out

    def open_values(self, key: FactKey, known: dict[FactKey, object]) -> list[object]:
        """The values a fact may still take: all its values if unknown, the range's if known up to
        one, else none."""
        v = known.get(key, _UNSET)
        if v is _UNSET:
            return self.values[key]
        return list(v.values) if isinstance(v, LevelRange) else []

    def ordered(self, keys) -> list[FactKey]:
        """Keys in document order (first article that reads them), then vocabulary order."""
        return sorted(keys, key=lambda k: (self.order.get(_order_key(k), 10**6), self._vocab_rank[k]))

    def decide(self, known: dict[FactKey, object]) -> Decision:
        """Decide the generic incident whose known facts are `known` (absent keys are unknown)."""
        brave: frozenset[Shown] | Callable[[], frozenset[Shown]]
        if self.relevant_set <= known.keys() and LevelRange not in set(map(type, known.values())):
            # Every fact a rule reads is stated: the completions differ only in facts no rule reads,
            # which never matter (proven by `rongcuo verify`), so one model is all of them.
            brave = cautious = self._consequences(known, "auto")
            pairs = self._pairs(brave)
        else:
            cautious = self._consequences(known, "cautious")
            # Every completion has exactly one verdict and, when tolerable, one outcome (proven by
            # `rongcuo verify`): where the cautious ones name both, that pair is the only one; else
            # one brave enumeration over the verdict and degree atoms gives the possible pairs.
            pairs = self._pairs(cautious)
            if len(pairs) != 1:
                pairs = self.possible(known)
            brave = partial(self._consequences, dict(known), "brave")
        verdicts = {v for v, _ in pairs}
        verdict = verdicts.pop() if len(verdicts) == 1 else "undetermined"
        outcome = None
        if verdict == "tolerable":
            outcomes = {o for _, o in pairs}
            outcome = outcomes.pop() if len(outcomes) == 1 else "undetermined"
        decision = Decision(verdict, outcome, cautious, brave)
        if outcome == "mitigate":  # a suggestion only where every completion makes the same one
            decision.suggested = next((a.args[0] for a in cautious if a.name == "suggested"), None)
        if len(pairs) > 1:
            relevant = self.relevant_unknown(known)
            if len(verdicts) > 1:
                decision.decisive_of = partial(self._decisive, dict(known), relevant, verdicts)
            decision.missing = self.legal_order(relevant, known)
        return decision

    def possible(self, known: dict[FactKey, object]) -> set[tuple[str, str | None]]:
        """The (verdict, outcome) pairs some completion of the known facts gives: one brave
        enumeration over the verdict and degree atoms only."""
        ctl, literals = self._mode_control("brave-pairs")
        symbols = _last_model_symbols(ctl, self.assume(literals, known)) or []
        verdicts = {sym.arguments[1].name for sym in symbols if sym.name == "verdict"}
        return _verdict_outcome_pairs(verdicts, {sym.arguments[1].name for sym in symbols if sym.name == "degree"})

    def relevant_unknown(self, known: dict[FactKey, object]) -> list[FactKey]:
        """The unknown facts that make a difference: some two completions differing in that fact
        alone give different (verdict, outcome) pairs.  One brave enumeration: the flips some model
        of the two-incident program makes (encodings/relevance.lp).  A level known up to a range
        stays open: flipped within the range only (the second incident's level kept in it too)."""
        ctl, lits = self._mode_control("relevance")
        flips = self._flip_lits
        ranged = {k: v for k, v in known.items() if isinstance(v, LevelRange)}
        assumptions = self.assume(lits, known) + [-flips[k] for k in known if k in flips and k not in ranged]
        fn = clingo.Function
        for k, r in ranged.items():  # j's level of the dimension is within the range too
            outside = [str(x) for x in self.values[k] if x not in r.values]
            assumptions += [-_literal(ctl, fn("level", [fn("j"), fn(k.name), fn(x)])) for x in outside]
        symbols = _last_model_symbols(ctl, assumptions) or []
        flipped = {self._flip_key[sym.arguments[0]] for sym in symbols}
        return [k for k in self.deciding if k in flipped]

    def _decisive(self, known: dict[FactKey, object], relevant: list[FactKey], verdicts: set[str]) -> frozenset[FactKey]:
        """Relevant facts one value of which alone decides the verdict: (k, v) decides V iff no
        completion has k = v and a verdict other than V — (k, v) is no brave consequence of ¬V."""
        base = self.assume(self.fact_literals, known)
        fact_of = self._fact_of
        found: set[FactKey] = set()
        for verdict in sorted(verdicts):
            symbols = _last_model_symbols(self.facts_ctl, [*base, -self._facts_goal(verdict, None)]) or []
            seen = {fact_of[sym] for sym in symbols}
            found.update(k for k in relevant for v in self.open_values(k, known) if (k, v) not in seen)
        return frozenset(found)

    def legal_order(self, keys: list[FactKey], known: dict[FactKey, object]) -> list[FactKey]:
        """Keys in the law's order: role, then (for scenario facts) the items nearest to being met
        first — fewest elements still unknown, items already contradicted last — then article."""
        distance = self._scenario_distance(known)
        vocab = self._vocab_rank

        def rank(k: FactKey) -> tuple:
            place = self.places.get(k)
            if place is None:  # read by factor rules only: never decides, listed last
                return (10**6, 0, (), vocab[k])
            return (place.rank[0], distance.get(k, 0), place.rank[1:], vocab[k])

        return sorted(keys, key=rank)

    @cached_property
    def _scenario_bodies(self) -> list[tuple[tuple, list[FactKey]]]:
        """Each scenario rule's body patterns with the fact keys they read (made once)."""
        return [(r.body, [_pattern_key(p) for p in r.body]) for r in self.encoding.rules_for("scenario")]

    def _scenario_distance(self, known: dict[FactKey, object]) -> dict[FactKey, int]:
        """For each fact a scenario rule reads: the fewest unknown elements of a scenario rule that
        reads it and that the known facts do not contradict (10**6 where every such rule is)."""
        out: dict[FactKey, int] = {}
        for body, keys in self._scenario_bodies:
            if any(_contradicts(p, known.get(k, _UNSET)) for p, k in zip(body, keys, strict=True)):
                d = 10**6
            else:
                d = sum(k not in known or isinstance(known[k], LevelRange) for k in keys)
            for k in keys:
                out[k] = min(out.get(k, 10**6), d)
        return out

    def _facts_goal(self, verdict: str, outcome: str | None) -> int:
        """The literal, in the facts program, of a (verdict, outcome) pair (looked up once each)."""
        goal = self._goals.get((verdict, outcome))
        if goal is None:
            atom = self.goal_symbol(outcome or verdict)  # an outcome implies its verdict, tolerable
            goal = self._goals[(verdict, outcome)] = _literal(self.facts_ctl, atom)
        return goal


def _verdict_outcome_pairs(verdicts: set[str], outcomes: set[str]) -> set[tuple[str, str | None]]:
    """The possible (verdict, outcome) pairs from the brave verdicts and outcomes: an outcome
    belongs to the verdict tolerable only."""
    pairs: set[tuple[str, str | None]] = {(v, None) for v in verdicts if v != "tolerable"}
    if "tolerable" in verdicts:
        pairs |= {("tolerable", o) for o in outcomes}
    return pairs


def _last_model_symbols(ctl: clingo.Control, assumptions: list[int]) -> list[clingo.Symbol] | None:
    """The shown symbols of the last model of an exhausted enumeration (in brave or cautious mode,
    the consequences), or None if there is no model.  Only the last model is read."""
    with ctl.solve(assumptions=assumptions, yield_=True) as handle:
        for _ in handle:
            pass
        last = handle.last()  # valid once the search is complete
        return None if last is None else last.symbols(shown=True)


_UNSET = object()

# How the check control forgets between solve calls (see RegimeSolver.ctl).
_FORGET = ["--forget-on-step=varScores,signs,lemmaScores,lemmas"]


def decisions_only() -> None:
    """For a process that only decides (a batch worker): its solvers keep what they learn between
    incidents.  Consequences and verdicts do not depend on it, only unsat cores (explanations),
    which such a process never asks for; about 5 % of a batch."""
    _FORGET.clear()


class _RangeLiterals(dict):
    """The check control's fact literals; a level known up to a range gets on first use a literal
    of its own, an atom that, assumed, makes the values outside the range false (so unsat cores and
    minimal reasons treat the range as one fact).  Iterating gives the single values only."""

    def __init__(self, owner: RegimeSolver):
        super().__init__()
        self._owner = owner
        self._ranges: dict[tuple[FactKey, LevelRange], int] = {}

    def __missing__(self, kv: tuple[FactKey, object]) -> int:
        key, value = kv
        if not isinstance(value, LevelRange):
            raise KeyError(kv)
        if kv not in self._ranges:
            with self._owner.ctl.backend() as b:
                atom = b.add_atom()
                b.add_rule([atom], choice=True)
                for x in self._owner.values[key]:
                    if x not in value.values:
                        b.add_rule([], [atom, self[(key, x)]])
            self._ranges[(key, value)] = atom
        return self._ranges[(key, value)]


def _literal(ctl: clingo.Control, atom: clingo.Symbol) -> int:
    """The solver literal of a ground atom (every fact value and goal is in the ground program)."""
    found = ctl.symbolic_atoms[atom]
    if found is None:
        raise KeyError(atom)
    return found.literal


def _pattern_key(p) -> FactKey:
    """The fact key a body pattern of a rule reads."""
    if p.pred == "holds":
        return FactKey.feature("i" if p.args[0] == "$I" else "s", p.args[1] or "")
    if p.pred == "level":
        return FactKey.level(p.args[1] or "")
    return FactKey.attribute(p.pred)


def _contradicts(p, value: object) -> bool:
    """A known value that keeps the body pattern from holding."""
    if value is _UNSET:
        return False
    if p.pred == "holds":
        return value is p.negated
    wanted = p.args[-1]
    if isinstance(value, LevelRange):
        return wanted is not None and wanted not in value.values
    return wanted is not None and value != wanted


def _order_key(key: FactKey) -> tuple[str, str]:
    return (key.kind, key.name if key.kind in ("holds", "level") else "")


@cache
def solver(regime: str) -> RegimeSolver:
    return RegimeSolver(regime)
