"""Counterfactuals: every minimal set of fact changes that makes a target verdict or outcome hold.

A master program (encodings/whatif.lp, ground once per regime) chooses changes with `#minimize`
and enumerates all optimal ones (optN, projected on the changes).  Its completions are optimistic
about facts left unknown, so each optimal candidate is checked for entailment on the check solver;
a candidate that fails yields a counterexample completion, added to the master as a constraint
(some change must contradict it).  The loop ends when the optimal candidates are all entailed
(then they are exactly the minimal alternatives) or none is left.

The facts still to establish for a verdict (explain) are the same question with only unknown facts
set: `establish` answers sets of one or two facts by satisfiability checks over the incident's
difference-making facts alone (a fact of a subset-minimal set always makes a difference), runs the
loop above only beyond, and stops past a bound (more facts than that remain: said, not enumerated).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, cast

import clingo

from .encoding import regime_program, shared_part
from .explain import shrink
from .factmodel import LevelRange
from .reasoner import FactKey, RegimeSolver, solver

MAX_ROUNDS = 500


@dataclass
class Change:
    key: FactKey
    old: object  # None: unknown
    new: object


class WhatIf:
    """The master program of one regime."""

    def __init__(self, regime: str):
        self.check: RegimeSolver = solver(regime)
        self.ctl = clingo.Control(["--warn=none", "--opt-mode=optN", "--project=auto", "-n", "0"])
        self.atoms: dict[tuple[FactKey, object], clingo.Symbol] = {}
        cands = []
        for key in self.check.relevant:
            for value in self.check.values[key]:
                atom = self.check.symbols[(key, value)]
                self.atoms[(key, value)] = atom
                cands.append(f"cand({atom},{key.term}).")
        self.ctl.add("base", [], regime_program(self.check.encoding.text, [shared_part("whatif.lp"), *cands]))
        self.ctl.ground([("base", [])])
        self.back = {atom: kv for kv, atom in self.atoms.items()}
        self.fix_lit = {self.back[a.symbol.arguments[0]]: a.literal for a in self.ctl.symbolic_atoms.by_signature("fix", 1)}
        self.change_lit = {self.back[a.symbol.arguments[0]]: a.literal for a in self.ctl.symbolic_atoms.by_signature("change", 1)}
        self._set: list[clingo.Symbol] = []

    def _externals(self, known, kept, goal, bound) -> None:
        for sym in self._set:
            self.ctl.assign_external(sym, False)
        fn = clingo.Function
        on = [fn("goal", [fn(goal)]), fn("max_changes", [clingo.Number(bound)])]
        for key in self.check.relevant:
            ranged = isinstance(known.get(key), LevelRange)  # set like an unknown fact; kept: within its range
            if key in known and not ranged:
                on += [fn("current", [self.atoms[(key, known[key])]]), fn("known", [clingo.parse_term(key.term)])]
            if key in kept and not ranged:
                on.append(fn("kept", [clingo.parse_term(key.term)]))
        for sym in on:
            self.ctl.assign_external(sym, True)
        self._set = on

    def _refute(self, guard: int, completion: dict[FactKey, object], goal_lit: int, known: dict) -> None:
        """Block every candidate that leaves a counterexample standing.

        The counterexample is generalised first: the values of the completion that already rule
        the goal out, shrunk to a subset-minimal set (values of facts the file states are tried for
        removal first, so the block speaks of the unknown facts a change has to settle).  A
        candidate survives only if it sets one of those keys to another value.
        """
        values = {k: completion[k] for k in self.check.relevant if k in completion}
        order = sorted(values, key=lambda k: k not in known)
        lits = [self.check.literals[(k, values[k])] for k in order]
        back = dict(zip(lits, order, strict=True))
        try:
            blocking = {back[lit]: values[back[lit]] for lit in shrink(self.check, [], lits, goal_lit)}
        except ValueError:  # cannot happen: the completion fixes every fact that matters
            blocking = values
        with self.ctl.backend() as b:
            differs = b.add_atom()
            for (key, value), lit in self.fix_lit.items():
                if key in blocking and blocking[key] != value:
                    b.add_rule([differs], [lit])
            b.add_rule([], [guard, -differs])

    def alternatives(self, known: dict[FactKey, object], goal: str, kept: set[FactKey], max_changes: int) -> list[list[Change]]:
        """All cardinality-minimal change sets after which `goal` holds in every completion."""
        self._externals(known, kept, goal, max_changes)
        with self.ctl.backend() as b:
            guard = b.add_atom()
            b.add_external(guard, clingo.TruthValue.True_)
            for k, r in known.items():  # a kept level known up to a range is set within it only
                if k in kept and isinstance(r, LevelRange):
                    for x in self.check.values[k]:
                        if x not in r.values and (k, x) in self.fix_lit:
                            b.add_rule([], [guard, self.fix_lit[(k, x)]])
        goal_lit = self.check.goal_literal(goal)
        rank = {k: n for n, k in enumerate(self.check.legal_order(self.check.relevant, known))}

        def order(c: Change) -> tuple[int, int]:  # the law's order of keys, then scale order of values
            return rank[c.key], self.check.values[c.key].index(c.new)

        def changes_of(model: clingo.Model) -> list[Change]:
            picked = [self.back[sym.arguments[0]] for sym in model.symbols(shown=True) if sym.name == "change"]
            return sorted((Change(k, known.get(k), v) for k, v in picked), key=order)

        def counterexample(cand: list[Change]) -> dict[FactKey, object] | None:
            """A completion after the changes in which the goal fails; None when the goal is entailed."""
            after = dict(known)
            after.update({c.key: c.new for c in cand})
            sat, completion, _ = self.check.solve_once([-goal_lit, *self.check.assumptions(after)])
            return completion if sat else None

        conf = cast(Any, self.ctl.configuration.solve)  # clingo types the option groups loosely
        try:
            # 1. The optimum, one candidate at a time: the master is a relaxation, so the first
            #    optimal candidate that is entailed has the true minimal number of changes.
            conf.opt_mode, conf.models = "opt", 0
            for _ in range(MAX_ROUNDS):
                best = None
                with self.ctl.solve(yield_=True) as handle:
                    for model in handle:
                        best = (model.cost[0] if model.cost else 0, changes_of(model))
                if best is None:
                    return []
                refuting = counterexample(best[1])
                if refuting is None:
                    break
                self._refute(guard, refuting, goal_lit, known)
            else:
                raise RuntimeError("whatif: refinement did not converge")
            # 2. Every candidate of that cost; each one refuted restarts the enumeration.
            conf.opt_mode = f"enum,{best[0]}"
            valid: dict[tuple, list[Change]] = {tuple((c.key, c.new) for c in best[1]): best[1]}
            blocked: set[tuple] = set()
            for _ in range(MAX_ROUNDS):
                refuting = None
                with self.ctl.solve(yield_=True) as handle:
                    for model in handle:
                        cand = changes_of(model)
                        ident = tuple((c.key, c.new) for c in cand)
                        if ident in valid:
                            continue
                        refuting = counterexample(cand)
                        if refuting is not None:
                            break  # the program may change only once the solve is over
                        valid[ident] = cand
                if refuting is None:
                    return sorted(valid.values(), key=lambda cs: [order(c) for c in cs])
                self._refute(guard, refuting, goal_lit, known)
                with self.ctl.backend() as b:  # the enumeration restarts: those found are not found again
                    for ident in valid.keys() - blocked:
                        b.add_rule([], [guard, *(self.change_lit[kv] for kv in ident)])
                blocked |= valid.keys()
            raise RuntimeError("whatif: refinement did not converge")
        finally:
            with self.ctl.backend() as b:
                b.add_rule([], [guard])  # the guard's constraints never apply again
            self.ctl.release_external(guard)


@cache
def whatif(regime: str) -> WhatIf:
    return WhatIf(regime)


def establish(
    regime: str, known: dict[FactKey, object], goal: str, kept: set[FactKey], missing: list[FactKey], bound: int
) -> list[list[Change]] | None:
    """Every cardinality-minimal set of unknown facts whose establishment entails `goal`, as
    `whatif(regime).alternatives(known, goal, kept, bound)` gives them (same sets, same order) when
    `kept` holds every known key; None when no set of at most `bound` facts does (the bound is hit).

    `missing` are the incident's difference-making unknown facts: a fact of a subset-minimal set
    makes a difference (the completion refuting the set without it and the same completion with
    it differ in that fact alone and decide differently), so sets of one or two are found among
    their values by one satisfiability check each, a counterexample ruling out every set it
    contains (pairs only among few values: the loop is faster on many).  Beyond, the master
    program's loop, asked for at most `bound` changes."""
    s = solver(regime)
    # unknown facts, and levels known up to a range (within it: kept or not, established, not changed)
    cands = [(k, v) for k in missing if k not in kept or isinstance(known.get(k), LevelRange) for v in s.open_values(k, known)]
    small = _small_sets(s, known, goal, cands, pairs=len(cands) <= FAST_CANDIDATES)
    if small is None:
        found = whatif(regime).alternatives(known, goal, kept, bound)
        return found or None
    if len(small[0]) > bound:
        return None
    rank = {k: n for n, k in enumerate(s.legal_order(s.relevant, known))}

    def order(c: Change) -> tuple[int, int]:  # as WhatIf.alternatives orders them
        return rank[c.key], s.values[c.key].index(c.new)

    alts = [sorted((Change(k, known.get(k), v) for k, v in kvs), key=order) for kvs in small]
    return sorted(alts, key=lambda cs: [order(c) for c in cs])


FAST_CANDIDATES = 40  # candidate values beyond which pairs are left to the master program (faster there)


def _small_sets(s: RegimeSolver, known: dict[FactKey, object], goal: str, cands: list, pairs: bool) -> list[list] | None:
    """All sets of one candidate value that entail `goal`, else (if `pairs`) all sets of two; None
    when none does."""
    assumed = [-s.goal_literal(goal), *s.assumptions(known)]
    lits = [s.literals[kv] for kv in cands]
    seen = [False] * len(cands)  # true in some counterexample
    together: list[set[int]] = [set() for _ in cands]  # the values true with each in some counterexample

    def read(model: clingo.Model) -> None:  # the candidate values true in the counterexample
        cex.clear()
        cex.update(n for n, lit in enumerate(lits) if model.is_true(lit))

    cex: set[int] = set()

    def entailed(extra: list[int]) -> bool:
        s._configure("auto", 1)
        if not s.ctl.solve(assumptions=[*assumed, *(lits[n] for n in extra)], on_model=read).satisfiable:
            return True
        for n in cex:
            seen[n] = True
            if pairs:
                together[n] |= cex
        return False

    singles = [[cands[n]] for n in range(len(cands)) if not seen[n] and entailed([n])]
    if singles or not pairs:
        return singles or None
    found = []
    for n in range(len(cands)):
        for m in range(n + 1, len(cands)):
            if cands[m][0] != cands[n][0] and m not in together[n] and entailed([n, m]):
                found.append([cands[n], cands[m]])
    return found or None


Group = dict[FactKey, tuple[Change, frozenset]]


def group_ranges(alts: list[list[Change]], values: dict[FactKey, list[object]]) -> list[list[tuple[Change, list]]]:
    """Alternatives that differ only in the value of one fact become one, with the set of values
    (a range of the scale).  The same groups as merging, again and again, the first two (in list
    order) that have the same facts and differ in one value set — each merge joins A x B and
    A' x B into (A | A') x B, so a group stands for exactly the alternatives it merged — found
    without rescanning: only groups with the same facts can merge, and after a merge only pairs
    with the merged group are new.  Values are kept in scale order."""
    groups: list[Group] = [{c.key: (c, frozenset([c.new])) for c in alt} for alt in alts]
    by_facts: dict[frozenset, list[int]] = {}
    for n, g in enumerate(groups):
        by_facts.setdefault(frozenset(g), []).append(n)
    kept = sorted(n for same in by_facts.values() for n in _merge_all(groups, same))
    return [[(c, [v for v in values[k] if v in vals]) for k, (c, vals) in groups[n].items()] for n in kept]


def _merge_all(groups: list[Group], live: list[int]) -> list[int]:
    """Merge groups (indices in list order, same facts) as the first mergeable pair first would."""
    live = list(live)
    p = 0
    while p < len(live):
        m = next((m for m in range(p + 1, len(live)) if _join(groups[live[p]], groups[live[m]])), None)
        if m is None:
            p += 1
            continue
        del live[m]
        while True:  # the merged group may now merge with an earlier one: that pair comes first
            x = next((x for x in range(p) if _join(groups[live[x]], groups[live[p]])), None)
            if x is None:
                break
            del live[p]
            p = x
    return live


def _join(a: Group, b: Group) -> bool:
    """Merge b into a if they differ in the value set of exactly one fact."""
    differ = [k for k in a if a[k][1] != b[k][1]]
    if len(differ) != 1:
        return False
    k = differ[0]
    a[k] = (a[k][0], a[k][1] | b[k][1])
    return True
