"""Minimal sufficient reasons, computed with assumptions and unsat cores on the check solver.

* why(goal): a subset-minimal set of established facts that alone entails the goal (a verdict or
  an outcome): UNSAT(¬goal ∧ facts) gives a core, shrunk by deletion in document order.
* why_not(goal): a subset-minimal set of established facts that rules the goal out.
* to_establish(verdict): for an undetermined incident, a subset-minimal set of unknown facts
  whose establishment (with the known ones) entails that verdict.
The order in which facts are tried is fixed (document order), so the answer is deterministic.
"""

from __future__ import annotations

from .reasoner import FactKey, RegimeSolver


def shrink(s: RegimeSolver, fixed: list[int], candidates: list[int], goal: int) -> list[int]:
    """Delete from `candidates` (in order) while fixed + candidates still entail the goal literal."""
    sat, _, core = s.solve_once([goal, *fixed, *candidates], values_wanted=False)
    if sat:
        raise ValueError("the facts do not entail the goal")
    core_set = set(core)
    kept = [c for c in candidates if c in core_set]
    for lit in list(kept):
        trial = [c for c in kept if c != lit]
        sat, _, core = s.solve_once([goal, *fixed, *trial], values_wanted=False)
        if not sat:
            core_set = set(core)
            kept = [c for c in trial if c in core_set]
    return kept


def _lits(s: RegimeSolver, facts: dict[FactKey, object]) -> tuple[list[int], dict[int, FactKey]]:
    keys = s.ordered(facts)
    lits = [s.literals[(k, facts[k])] for k in keys]
    return lits, dict(zip(lits, keys, strict=True))


def why(s: RegimeSolver, known: dict[FactKey, object], goal: str) -> list[FactKey]:
    """Minimal established facts entailing `goal` (the goal literal first: assumed false)."""
    lits, back = _lits(s, known)
    return [back[lit] for lit in shrink(s, [], lits, -s.goal_literal(goal))]


def why_not(s: RegimeSolver, known: dict[FactKey, object], goal: str) -> list[FactKey] | None:
    """Minimal established facts that rule `goal` out; None when the facts do not rule it out."""
    lits, back = _lits(s, known)
    sat, _, _ = s.solve_once([s.goal_literal(goal), *lits], values_wanted=False)
    if sat:
        return None
    return [back[lit] for lit in shrink(s, [], lits, s.goal_literal(goal))]


def to_establish(
    s: RegimeSolver, known: dict[FactKey, object], verdict: str, hints: list[FactKey] | None = None
) -> list[tuple[FactKey, object]] | None:
    """Minimal unknown facts (with values) that, once established, entail `verdict`; None if impossible.

    `hints` (the facts that could change the verdict) narrow the first candidate set; if they
    cannot entail the verdict, every unknown fact a rule reads is a candidate.
    """
    base, _ = _lits(s, known)
    goal = s.goal_literal(verdict)
    sat, values, _ = s.solve_once([goal, *base])
    if not sat:
        return None
    for pool in ([k for k in hints or [] if k not in known], [k for k in s.relevant if k not in known]):
        extra = {k: values[k] for k in pool}
        lits, back = _lits(s, extra)
        if not s.solve_once([-goal, *base, *lits], values_wanted=False)[0]:
            return [(back[lit], extra[back[lit]]) for lit in shrink(s, base, lits, -goal)]
    raise AssertionError("a completion with the verdict entails it")
