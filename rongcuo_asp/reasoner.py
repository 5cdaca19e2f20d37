"""Decide incidents under one regime: ground once for a generic incident, solve under assumptions.

Each regime's program (vocabulary, template, regime encoding, verdict and outcome parts) is ground
once.  An incident is a list of assumption literals, one per fact its file states; facts it does
not state stay free.  So the answer sets under the assumptions are the completions of the unknown
facts, and:
  * brave consequences give every verdict/outcome some completion yields,
  * cautious consequences give what holds in all completions (decided verdict, established grounds).
A verdict is decided exactly when the brave set holds one verdict (reasoning.md, "depends on
unknown facts").  The facts that could change it are the unknown ones whose fixing to some value
narrows the set of possible (verdict, outcome) pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import clingo

from .encoding import Encoding, load_encoding, regime_program
from .vocabulary import vocabulary

# A case fact of the generic incident: ("holds", holder, feature) with holder "i" or "s";
# ("level", dimension); ("org",) / ("rank",) / ("subject_kind",).
FactKey = tuple[str, ...]


@dataclass
class Decision:
    verdict: str
    outcome: str | None
    cautious: set[clingo.Symbol]
    brave: set[clingo.Symbol]
    missing: list[FactKey] = field(default_factory=list)


class RegimeSolver:
    """One regime's program, ground once; decides any incident given its known facts."""

    def __init__(self, regime: str):
        self.regime = regime
        self.encoding: Encoding = load_encoding(regime)
        voc = vocabulary()
        # Forgetting learned state between solve calls makes every answer (unsat cores, hence minimal
        # reasons) depend on the question alone, not on the questions asked before (~8% slower).
        self.ctl = clingo.Control(["--warn=none", "--forget-on-step=varScores,signs,lemmaScores,lemmas"])
        self.ctl.add("base", [], regime_program(self.encoding.text))
        self.ctl.ground([("base", [])])
        self._mode: tuple[str, int] | None = None

        fn, i, s = clingo.Function, clingo.Function("i"), clingo.Function("s")
        self.values: dict[FactKey, list[object]] = {}
        self.literals: dict[tuple[FactKey, object], int] = {}

        self.symbols: dict[tuple[FactKey, object], clingo.Symbol] = {}  # the template atom of each fact value

        def bind(key: FactKey, value: object, atom: clingo.Symbol) -> None:
            self.values.setdefault(key, []).append(value)
            self.literals[(key, value)] = self.ctl.symbolic_atoms[atom].literal
            self.symbols[(key, value)] = atom

        for holder, table in (("i", voc.incident_features), ("s", voc.subject_features)):
            h = i if holder == "i" else s
            for feat in table:
                bind(("holds", holder, feat), True, fn("holds", [h, fn(feat)]))
                bind(("holds", holder, feat), False, fn("holds", [h, fn(feat)], False))
        for dim in voc.scales:
            for v in voc.scale_values(dim):
                bind(("level", dim), v, fn("level", [i, fn(dim), fn(v)]))
        for o in voc.orgs:
            bind(("org",), o, fn("org", [s, fn(o)]))
        for r in voc.ranks:
            bind(("rank",), r, fn("rank", [s, fn(r)]))
        for k in voc.subject_kinds:
            bind(("subject_kind",), k, fn("subject_kind", [s, fn(k)]))
        self._facts: tuple[clingo.Control, dict[tuple[FactKey, object], int]] | None = None
        used = self.encoding.used_facts()
        self.order = self.encoding.fact_order()
        self.relevant: list[FactKey] = [k for k in self.values if _order_key(k) in used]

    @property
    def facts_ctl(self) -> clingo.Control:
        return self._facts_program()[0]

    @property
    def fact_literals(self) -> dict[tuple[FactKey, object], int]:
        return self._facts_program()[1]

    def _facts_program(self) -> tuple[clingo.Control, dict[tuple[FactKey, object], int]]:
        if self._facts is None:  # ground on first use: only undetermined incidents need it
            self._facts = self._facts_control()
        return self._facts

    def _facts_control(self) -> tuple[clingo.Control, dict[tuple[FactKey, object], int]]:
        """The same program showing the fact atoms: brave consequences over facts, for `missing`."""
        ctl = clingo.Control(["--warn=none", "--enum-mode=brave", "-n", "0"])
        shown = "#show holds/2. #show -holds/2. #show level/3. #show org/2. #show rank/2. #show subject_kind/2."
        ctl.add("base", [], regime_program(self.encoding.text, [shown], show=False))
        ctl.ground([("base", [])])
        literals = {kv: ctl.symbolic_atoms[self.symbols[kv]].literal for kv in self.symbols}
        return ctl, literals

    def goal_literal(self, goal: str) -> int:
        """The literal of a verdict, or of an outcome degree, of the generic incident."""
        fn = clingo.Function
        if goal in vocabulary().verdicts:
            return self.ctl.symbolic_atoms[fn("verdict", [fn("i"), fn(goal)])].literal
        article = self.encoding.data["outcome_article"][0]
        return self.ctl.symbolic_atoms[fn("outcome", [fn("i"), fn(goal), clingo.String(article)])].literal

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
        return result.satisfiable, values, core

    def _configure(self, mode: str, models: int) -> None:
        """Set the enumeration mode and model count, touching the configuration only on a change."""
        if self._mode != (mode, models):
            self.ctl.configuration.solve.enum_mode = mode
            self.ctl.configuration.solve.models = models
            self._mode = (mode, models)

    def _consequences(self, assumptions: list[int], mode: str, models: int = 0) -> set[clingo.Symbol]:
        self._configure(mode, models)
        last: list[clingo.Symbol] | None = None
        with self.ctl.solve(assumptions=assumptions, yield_=True) as handle:
            for model in handle:
                last = model.symbols(shown=True)
        if last is None:  # the template admits every consistent assignment; this is a bug
            raise RuntimeError(f"{self.regime}: no completion under the given facts")
        return set(last)

    @staticmethod
    def _pairs(brave: set[clingo.Symbol]) -> set[tuple[str, str | None]]:
        verdicts = {a.arguments[1].name for a in brave if a.name == "verdict"}
        outcomes = {a.arguments[1].name for a in brave if a.name == "outcome"}
        pairs = {(v, None) for v in verdicts if v != "tolerable"}
        if "tolerable" in verdicts:
            pairs |= {("tolerable", o) for o in outcomes}
        return pairs

    def assumptions(self, known: dict[FactKey, object]) -> list[int]:
        return [self.literals[(k, v)] for k, v in known.items()]

    def ordered(self, keys) -> list[FactKey]:
        """Keys in document order (first article that reads them), then vocabulary order."""
        rank = {k: n for n, k in enumerate(self.values)}
        return sorted(keys, key=lambda k: (self.order.get(_order_key(k), 10**6), rank[k]))

    def decide(self, known: dict[FactKey, object]) -> Decision:
        """Decide the generic incident whose known facts are `known` (absent keys are unknown)."""
        base = self.assumptions(known)
        if all(k in known for k in self.relevant):
            # Every fact a rule reads is stated: the completions differ only in facts no rule reads,
            # which never matter (proven by `rongcuo verify`), so one model is all of them.
            brave = cautious = self._consequences(base, "auto", models=1)
        else:
            brave = self._consequences(base, "brave")
            cautious = self._consequences(base, "cautious")
        pairs = self._pairs(brave)
        verdicts = {v for v, _ in pairs}
        verdict = verdicts.pop() if len(verdicts) == 1 else "undetermined"
        outcome = None
        if verdict == "tolerable":
            outcomes = {o for _, o in pairs}
            outcome = outcomes.pop() if len(outcomes) == 1 else "undetermined"
        decision = Decision(verdict, outcome, cautious, brave)
        if len(pairs) > 1:
            decision.missing = self._missing(known, pairs)
        return decision

    def _missing(self, known: dict[FactKey, object], pairs: set[tuple[str, str | None]]) -> list[FactKey]:
        """Unknown facts whose establishment, at some value, rules out some possible (verdict, outcome).

        A value v of fact k is compatible with a pair p iff k=v holds in some completion with p,
        i.e. iff it is a brave consequence of the known facts and p.  So one brave enumeration per
        pair answers for every unknown fact at once.
        """
        base = [self.fact_literals[(k, v)] for k, v in known.items()]
        unknown = [k for k in self.relevant if k not in known]
        candidates = [(k, self.fact_literals[(k, v)]) for k in unknown for v in self.values[k]]
        missing: set[FactKey] = set()
        for verdict, outcome in sorted(pairs, key=str):
            seen: set[int] = set()  # literals of unknown facts true in some model: brave consequences
            with self.facts_ctl.solve(assumptions=[*base, self._facts_goal(verdict, outcome)], yield_=True) as handle:
                for model in handle:
                    seen.update(lit for _, lit in candidates if lit not in seen and model.is_true(lit))
            missing.update(k for k, lit in candidates if lit not in seen)
        return [k for k in unknown if k in missing]

    def _facts_goal(self, verdict: str, outcome: str | None) -> int:
        fn = clingo.Function
        if outcome is None:
            return self.facts_ctl.symbolic_atoms[fn("verdict", [fn("i"), fn(verdict)])].literal
        article = self.encoding.data["outcome_article"][0]
        return self.facts_ctl.symbolic_atoms[fn("outcome", [fn("i"), fn(outcome), clingo.String(article)])].literal


def _order_key(key: FactKey) -> tuple[str, str]:
    return (key[0], key[2] if key[0] == "holds" else key[1] if key[0] == "level" else "")


@cache
def solver(regime: str) -> RegimeSolver:
    return RegimeSolver(regime)
