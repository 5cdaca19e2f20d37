"""Provenance: which established facts make a shown atom of the model hold, or keep a rule from
firing; the grounds a result lists, each with its article, quoted text and facts."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

from .encoding import Encoding, Pattern, Rule
from .factfile import Incident
from .factkey import FactKey, FactText
from .factmodel import LevelRange
from .reasoner import Shown
from .schema import Ground
from .vocabulary import vocabulary

# Atoms of the model that are grounds, with their role and whether they speak for tolerance.
GROUND_ATOMS = vocabulary().ground_atoms
# For grounds that say a rule did NOT fire: the rules whose failure is the reason.
FAILED_RULES = {a: vocabulary().atoms[a]["failed"] for a in vocabulary().atoms_with("failed")}


@dataclass(frozen=True)
class Atom:
    negated: bool
    pred: str
    args: tuple[str, ...]
    key: FactKey = field(compare=False)  # the case fact it states, and its value
    value: object = field(compare=False)
    prefix: tuple = field(compare=False, default=())  # (negated, pred, args but the last): KnownAtoms' index
    exact: tuple = field(compare=False, default=())  # (negated, pred, args): KnownAtoms' other index


def atoms_of(known: dict[FactKey, object]) -> list[Atom]:
    made = _ATOMS
    return [made.get(kv) or _atom(*kv) for kv in known.items()]


# The atom of each (key, value): of the generic incident, so the same in every incident; finitely
# many (the vocabulary's facts and values, and level ranges).
_ATOMS: dict[tuple[FactKey, object], Atom] = {}


def _atom(key: FactKey, value: object) -> Atom:
    if key.kind == "holds":
        atom = Atom(value is False, "holds", ("$I" if key.holder == "i" else "$S", key.name), key, value)
    elif key.kind == "level":
        atom = Atom(False, "level", ("$I", key.name, str(value)), key, value)
    else:
        atom = Atom(False, key.kind, ("$S", str(value)), key, value)
    atom = replace(atom, prefix=(atom.negated, atom.pred, atom.args[:-1]), exact=(atom.negated, atom.pred, atom.args))
    _ATOMS[(key, value)] = atom
    return atom


def _matches(p: Pattern, a: Atom) -> bool:
    if p.pred != a.pred or len(p.args) != len(a.args):
        return False
    return all(x is None or x == y for x, y in zip(p.args, a.args, strict=True))


class KnownAtoms(list):
    """The known atoms of an incident, indexed by sign, predicate and arguments (one atom each:
    the known facts have distinct keys)."""

    def __init__(self, atoms: list[Atom]):
        super().__init__(atoms)
        self.exact: dict[tuple, Atom] = {a.exact: a for a in atoms}

    def first(self, prefix: tuple) -> Atom | None:
        """The first known atom with this sign, predicate and arguments but the last (a pattern
        whose last argument is a variable: level(I, harm, L)); few patterns need it, so scanned."""
        return next((a for a in self if a.prefix == prefix), None)

    def find(self, p: Pattern) -> Atom | None:
        if p.args[-1] is not None:
            return self.exact.get((p.negated, p.pred, p.args))
        return self.first((p.negated, p.pred, p.args[:-1]))


def support(rule: Rule, atoms: KnownAtoms) -> list[Atom] | None:
    """The known atoms that make every vocabulary literal of the rule's body true, or None."""
    found = []
    exact = atoms.exact
    for p, key, last in _plan(rule):
        if key is None:  # a variable inside a literal: match by scanning
            hit = next((a for a in atoms if a.pred == p.pred and a.negated == p.negated and _matches(p, a)), None)
        elif last is None:  # any value of the last argument: the first known
            hit = atoms.first(key)
        else:
            hit = exact.get(key)
        if hit is None:
            return None
        found.append(hit)
    return found


_PLANS: dict[int, tuple[Rule, tuple[tuple[Pattern, tuple | None, str | None], ...]]] = {}


def _plan(rule: Rule) -> tuple[tuple[Pattern, tuple | None, str | None], ...]:
    """Per body literal of a rule: the KnownAtoms index key to look it up by (exact, or without the
    last argument where that is a variable; None: scan) and its last argument; made once per rule
    (kept with the rule, so an id is never reused meanwhile)."""
    made = _PLANS.get(id(rule))
    if made is None or made[0] is not rule:
        plan = tuple(
            (
                p,
                None if None in p.args[:-1] else (p.negated, p.pred, p.args if p.args[-1] is not None else p.args[:-1]),
                p.args[-1],
            )
            for p in rule.body
        )
        made = _PLANS[id(rule)] = (rule, plan)
    return made[1]


def contradiction(rule: Rule, atoms: list[Atom]) -> list[Atom]:
    """Known facts that keep the rule from firing: the opposite literal, or another value."""
    exact, loose = [], []
    index = atoms.exact if isinstance(atoms, KnownAtoms) else None
    for p in rule.body:
        if p.pred == "holds" and index is not None and None not in p.args:
            # the opposite literal: same arguments, the other sign (looked up, not scanned)
            if (opposite := index.get((not p.negated, "holds", p.args))) is not None:
                exact.append(opposite)
            continue
        for a in atoms:
            if a.pred != p.pred or len(a.args) != len(p.args):
                continue
            if p.pred == "holds":
                if a.args == p.args and a.negated != p.negated:
                    exact.append(a)
            elif all(x is None or x == y for x, y in zip(p.args[:-1], a.args[:-1], strict=True)):
                if p.args[-1] is None:
                    loose.append(a)
                elif isinstance(a.value, LevelRange):  # known up to a range: blocks only outside it
                    if p.args[-1] not in a.value.values:
                        exact.append(a)
                elif a.args[-1] != p.args[-1]:
                    exact.append(a)
    return exact or loose


def _head_matches(rule: Rule, args: list[str]) -> bool:
    return len(rule.head) == len(args) and all(h is None or h == a for h, a in zip(rule.head, args, strict=True))


class Naming:
    """Generic names ($I, $S, i, s) -> the file's incident and subject."""

    def __init__(self, inc: Incident):
        self.inc, self.subj = inc.id, inc.subject
        self._texts: dict[tuple[FactKey, object], FactText] = {}  # a fact's text is made once

    def atom(self, a: Atom) -> FactText:
        text = self._texts.get((a.key, a.value))
        if text is None:
            args = [self.inc if x == "$I" else self.subj if x == "$S" else x for x in a.args]
            text = FactText(("-" if a.negated else "") + f"{a.pred}({','.join(args)})", a.key, a.value)
            self._texts[(a.key, a.value)] = text
        return text

    def fact(self, key: FactKey, value: object) -> FactText:
        """A fact key with a value as the file writes it: -holds(i1,private_gain), level(i1,harm,minor)."""
        text = self._texts.get((key, value))
        if text is None:  # as atom() writes atoms_of's atom, without making one
            if key.kind == "holds":
                body = f"{'-' if value is False else ''}holds({self.inc if key.holder == 'i' else self.subj},{key.name})"
            elif key.kind == "level":
                body = f"level({self.inc},{key.name},{value})"
            else:
                body = f"{key.kind}({self.subj},{value})"
            text = self._texts[(key, value)] = FactText(body, key, value)
        return text

    def key(self, key: FactKey) -> FactText:
        """A fact still unknown: holds(i1,remedied), level(i1,harm), org(s1)."""
        return FactText(key.text(self.inc, self.subj), key, None)


@cache
def rules_of(enc: Encoding, sym: Shown) -> tuple[list[Rule], str, str]:
    """The rules that derive a shown atom (for a failure ground: whose failure it records), its
    article and that article's quoted text; the generic incident has few shown atoms, so each
    is looked up once."""
    args = list(sym.args)
    article = args[-1] if sym.name == "outcome" else args[0]
    if sym.name in FAILED_RULES:
        rules = [r for r in enc.rules_for(FAILED_RULES[sym.name]) if sym.name != "condition_failed" or r.head[0] == article]
    else:
        rules = [r for r in enc.rules_by_head(sym.name, args[0]) if _head_matches(r, args)]
    return rules, article, enc.quote(article)


@cache
def _via_readings(enc: Encoding, sym: Shown) -> tuple[tuple[str, ...], ...]:
    """Per rule deriving the atom: the readings of the helper rules unfolded into it."""
    readings = vocabulary().data["readings"]
    return tuple(tuple(h for h in r.via if h in readings) for r in rules_of(enc, sym)[0])


@cache
def _stated(enc: Encoding, article: str) -> tuple[str, ...]:
    return tuple(enc.readings(article))


def ground_of(enc: Encoding, sym: Shown, atoms: KnownAtoms, naming: Naming) -> Ground:
    role, effect = GROUND_ATOMS[sym.name]
    rules, article, text = rules_of(enc, sym)
    readings: list[str] = []
    if sym.name in FAILED_RULES:
        # A rule written once may stand for several variants (one per admitted scale value): per rule,
        # the facts that block its least-blocked variant.
        blocked: dict[int, list[list[Atom]]] = {}
        for r in rules:
            blocked.setdefault(r.line, []).append(contradiction(r, atoms))
        facts = [f for found in blocked.values() for f in min(found, key=len)]
    else:
        facts = []
        for r, via in zip(rules, _via_readings(enc, sym), strict=True):
            found = support(r, atoms)
            if found is not None:
                facts += found
                readings += via
    ground: Ground = {
        "article": article,
        "role": role,
        "effect": effect,
        "facts": list(dict.fromkeys([naming.atom(f) for f in facts])),
        "text": text,
    }
    stated = [*_stated(enc, article), *(vocabulary().data["readings"][h] for h in dict.fromkeys(readings))]
    if stated:
        ground["reading"] = "；".join(stated)
    if sym.name == "outcome":
        ground["outcome"] = sym.args[0]
    return ground


def exclusions_checked(enc: Encoding, verdict: str, atoms: list[Atom], naming: Naming) -> list[str]:
    """For a tolerable incident: the established facts that keep each exclusion and repeat rule from
    firing (per rule written, its least-blocked variant), what 经审查，不存在……情形 rests on."""
    if verdict != "tolerable":
        return []
    blocked: dict[int, list[list[Atom]]] = {}
    for r in [*enc.rules_for("exclusion"), *enc.rules_for("repeat_bar")]:
        blocked.setdefault(r.line, []).append(contradiction(r, atoms))
    return list(dict.fromkeys(naming.atom(a) for found in blocked.values() for a in min(found, key=len)))
