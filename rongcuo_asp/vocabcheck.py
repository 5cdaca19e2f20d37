"""The vocabulary enforced on the encodings: every constant in a vocabulary position must exist.

A typo in an encoding (`courtt` for `court` in a list of organs) would otherwise change verdicts
silently: the misspelt constant simply never matches a fact.  The check reads an encoding with
clingo's AST, types the argument positions of the vocabulary predicates (holds/2 takes a feature,
org/2 an organ type, level/3 a dimension and one of its values, ...), carries those types through
variables to the encoding's own predicates (``org(S, O), beijing_organ(O)`` types
``beijing_organ/1``; ``outcome(I, O, A) :- degree_table(I, O)`` types ``degree_table/2``), and
reports every constant at a typed position that the vocabulary does not know, with its line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from clingo import ast

from .vocabulary import vocabulary

Position = tuple[str, int, int]  # predicate, arity, argument index
UNITS = ("working_day", "month", "year")

# The positions the vocabulary fixes; level/3's value and the bound of at_least/at_most depend on the
# dimension and are checked with it.
TYPED: dict[Position, str] = {
    ("holds", 2, 1): "feature",
    ("level", 3, 1): "dimension",
    ("org", 2, 1): "org",
    ("rank", 2, 1): "rank",
    ("subject_kind", 2, 1): "subject_kind",
    ("at_least", 3, 0): "scale",
    ("at_most", 3, 0): "scale",
    ("verdict", 2, 1): "verdict",
    ("literal_reading", 3, 2): "verdict",
    ("outcome", 3, 1): "outcome",
    ("degree", 2, 1): "outcome",
    ("factor", 3, 2): "factor_kind",
    ("treatment", 2, 1): "treatment",
    ("deadline", 6, 1): "step",
    ("deadline", 6, 2): "event",
    ("deadline", 6, 3): "event_or_none",
    ("deadline", 6, 5): "unit",
    ("publicity", 4, 2): "unit",
    ("publicity", 4, 3): "outcome_or_any",
}
# Positions whose values depend on the dimension beside them: checked with it, never typed by a variable.
DEPENDENT: set[Position] = {("level", 3, 2), *((p, 3, n) for p in ("at_least", "at_most") for n in (1, 2))}


def _known() -> dict[str, set[str]]:
    voc = vocabulary()
    decided = {"undetermined"}
    return {
        "feature": set(voc.incident_features) | set(voc.subject_features),
        "dimension": set(voc.scales),
        "org": set(voc.orgs),
        "rank": set(voc.ranks),
        "subject_kind": set(voc.subject_kinds),
        "scale": set(voc.scales) | {"rank"},
        "verdict": set(voc.verdicts) - decided,
        "outcome": set(voc.outcomes) - decided,
        "factor_kind": set(voc.data["factor_kinds"]),
        "treatment": set(voc.data["treatments"]),
        "step": set(voc.data["procedure_steps"]),
        "event": set(voc.events),
        "event_or_none": set(voc.events) | {"none"},
        "unit": set(UNITS),
        "outcome_or_any": (set(voc.outcomes) - decided) | {"any"},
    }


class _Atom:
    __slots__ = ("name", "args", "line")

    def __init__(self, name: str, args: list, line: int):
        self.name, self.args, self.line = name, args, line


def _atoms(term, line: int) -> Iterator[_Atom]:
    """The atoms a (possibly pooled, possibly classically negated) symbolic term stands for."""
    if term.ast_type == ast.ASTType.Pool:
        for t in term.arguments:
            yield from _atoms(t, line)
    elif term.ast_type == ast.ASTType.UnaryOperation:
        yield from _atoms(term.argument, line)
    elif term.ast_type == ast.ASTType.Function:
        pooled = [list(a.arguments) if a.ast_type == ast.ASTType.Pool else [a] for a in term.arguments]
        combos: list[list] = [[]]
        for options in pooled:
            combos = [c + [o] for c in combos for o in options]
        for args in combos:
            yield _Atom(term.name, args, line)


def _rule_atoms(stm) -> list[_Atom]:
    line = stm.location.begin.line
    found: list[_Atom] = []
    heads = [stm.head] if stm.head.ast_type == ast.ASTType.Literal else []
    for lit in [*heads, *stm.body]:
        atom = getattr(lit, "atom", None)
        if atom is not None and atom.ast_type == ast.ASTType.SymbolicAtom:
            found.extend(_atoms(atom.symbol, line))
    return found


def _constant(term) -> str | None:
    """A symbolic constant (not a string, number or variable), as written."""
    if term.ast_type == ast.ASTType.SymbolicTerm and term.symbol.type.name == "Function" and not term.symbol.arguments:
        return term.symbol.name
    if term.ast_type == ast.ASTType.Function and not term.arguments:
        return term.name
    return None


def vocabulary_problems(text: str) -> list[tuple[int, str]]:
    """(line, message) for every constant of an encoding that stands where the vocabulary is
    expected and is not in it; [] when the encoding speaks only the vocabulary."""
    rules: list[list[_Atom]] = []

    def visit(stm) -> None:
        if stm.ast_type == ast.ASTType.Rule:
            rules.append(_rule_atoms(stm))

    ast.parse_string(text, visit)
    typed = dict(TYPED)
    changed = True
    while changed:  # carry types through shared variables to the encoding's own predicates
        changed = False
        for atoms in rules:
            var_type: dict[str, str] = {}
            for a in atoms:
                for n, arg in enumerate(a.args):
                    kind = typed.get((a.name, len(a.args), n))
                    if kind and arg.ast_type == ast.ASTType.Variable:
                        var_type.setdefault(arg.name, kind)
            for a in atoms:
                for n, arg in enumerate(a.args):
                    position = (a.name, len(a.args), n)
                    if position in DEPENDENT:
                        continue
                    if arg.ast_type == ast.ASTType.Variable and arg.name in var_type and position not in typed:
                        typed[position] = var_type[arg.name]
                        changed = True
    known = _known()
    problems: list[tuple[int, str]] = []

    def check(a: _Atom, n: int, allowed: set[str], what: str, valid: Callable[[str], bool] | None = None) -> None:
        value = _constant(a.args[n])
        if value is not None and not (valid(value) if valid else value in allowed):
            problems.append((a.line, f"{a.name}/{len(a.args)} 的第 {n + 1} 个参数 {value} 不是词汇表中的{what}"))

    for atoms in rules:
        for a in atoms:
            for n in range(len(a.args)):
                kind = typed.get((a.name, len(a.args), n))
                if kind:
                    check(a, n, known[kind], kind)
            if (a.name == "level" and len(a.args) == 3) or (a.name in ("at_least", "at_most") and len(a.args) == 3):
                dim = _constant(a.args[1] if a.name == "level" else a.args[0])
                if dim in known["scale"]:
                    values = set(vocabulary().ordered_values(dim))
                    check(a, 2, values, f"{dim} 的取值")
                    if a.name != "level":
                        check(a, 1, values, f"{dim} 的取值")
    return sorted(set(problems))
