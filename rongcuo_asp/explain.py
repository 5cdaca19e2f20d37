"""Minimal sufficient reasons, computed with assumptions and unsat cores on the check solver.

* why(goal): a subset-minimal set of established facts that alone entails the goal (a verdict or
  an outcome): UNSAT(¬goal ∧ facts) gives a core, shrunk by deletion in document order.
* why_not(goal): a subset-minimal set of established facts that rules the goal out.
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
