"""Which articles, items and elements the scenario files exercise (rongcuo coverage).

Per cited text of a deciding rule and per element (the fact a rule citing it reads, worded by its
element phrase): in how many scenario incidents it is *fired* (cited by a ground that speaks for
tolerance: a scope, scenario, condition met, degree), *blocked* (cited by a ground against: a failed
condition, an exclusion, a repeat bar, out of scope), and whether it is *decisive*: some change of it
(a mutant of rongcuo mutate: the element dropped, negated, its threshold moved, its rule deleted)
makes an expectation fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .encoding import citation_key, load_encoding
from .factkey import FactKey
from .mutate import Suite, deciding_rules, fact_label, fact_literal, fact_of, law_phrase, run_all, statements
from .results import incident_result


@dataclass
class Element:
    fact: str
    phrase: str
    label: str  # the fact's Chinese label, beside a phrase two elements share
    fired: int = 0
    blocked: int = 0
    decisive: bool = False
    mutants: int = 0  # mutants touching it; decisive when one of them is killed


@dataclass
class Cited:
    citation: str
    text: str
    fired: int = 0
    blocked: int = 0
    decisive: bool = False
    mutants: int = 0
    elements: dict[str, Element] = field(default_factory=dict)


def _reads(key: FactKey, fact: str) -> bool:
    return key.name == fact if key.kind in ("holds", "level") else key.kind == fact


def coverage(suite: Suite, regime: str, only: str | None = None) -> list[Cited]:
    """The cited texts of the regime's deciding rules in document order (those starting with `only`,
    if given), with their coverage."""
    enc = load_encoding(regime)
    stms = statements(enc.text)
    table: dict[str, Cited] = {}
    for n, citation in deciding_rules(stms).items():
        if only and not citation.startswith(only):
            continue
        cited = table.setdefault(citation, Cited(citation, enc.quote(citation)))
        for lit in stms[n].body:
            if fact_literal(lit):
                fact = fact_of(lit)
                cited.elements.setdefault(fact, Element(fact, law_phrase(regime, citation, fact), fact_label(regime, fact)))
    for ci, _checks in suite.by_regime.get(regime, []):
        result = incident_result(ci, regime)
        seen: set[tuple[str, str, str]] = set()
        for g in result["grounds"]:
            ground = table.get(g["article"])
            if ground is None:
                continue
            side = "fired" if g["effect"] == "for" else "blocked"
            if (g["article"], "", side) not in seen:
                seen.add((g["article"], "", side))
                setattr(ground, side, getattr(ground, side) + 1)
            for element in ground.elements.values():
                if (g["article"], element.fact, side) in seen:
                    continue
                if any(_reads(getattr(f, "key", None) or FactKey("", "", ""), element.fact) for f in g["facts"]):
                    seen.add((g["article"], element.fact, side))
                    setattr(element, side, getattr(element, side) + 1)
    outcomes, _ = run_all(suite, [regime], only=only, witnesses=False)
    for o in outcomes:
        changed = table.get(o.mutant.citation)
        if changed is None:
            continue
        changed.mutants += 1
        changed.decisive |= o.status == "killed"
        touched = changed.elements.get(o.mutant.fact)
        if touched is not None:
            touched.mutants += 1
            touched.decisive |= o.status == "killed"
    return sorted(table.values(), key=lambda c: citation_key(c.citation))
