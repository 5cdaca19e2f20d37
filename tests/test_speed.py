"""The shortcuts taken for speed (issue 23) give the answers of the long way."""

import sys

import pytest
from conftest import REPO

from rongcuo_asp.factfile import parse_fact_text
from rongcuo_asp.interview import Interview
from rongcuo_asp.provenance import Naming, atoms_of
from rongcuo_asp.reasoner import MODES, RegimeSolver, solver
from rongcuo_asp.repeats import derive_repeats
from rongcuo_asp.results import known_facts
from rongcuo_asp.vocabulary import vocabulary

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402


@pytest.mark.parametrize("regime", list(vocabulary().regimes))
def test_cautious_first_gives_the_pairs_and_brave_of_both_enumerations(regime):
    """decide reads the (verdict, outcome) pair off the cautious consequences where they name it,
    else enumerates brave over the verdict and degree only: the pairs are those of the full brave
    enumeration, and the brave consequences it gives on demand are that enumeration's."""
    s = solver(regime)
    ff = parse_fact_text(generate(150, seed=5, known=0.3).encode())
    reps = derive_repeats(ff)
    opened = 0
    for inc in ff.incidents.values():
        known = known_facts(ff, inc, reps)
        dec = s.decide(known)
        brave = s._consequences(known, "brave")
        pairs = RegimeSolver._pairs(brave)
        verdicts = {v for v, _ in pairs}
        assert dec.verdict == (next(iter(verdicts)) if len(verdicts) == 1 else "undetermined")
        if dec.verdict == "tolerable":
            outcomes = {o for _, o in pairs}
            assert dec.outcome == (next(iter(outcomes)) if len(outcomes) == 1 else "undetermined")
        assert dec.brave == brave
        assert dec.missing == (s.legal_order(s.relevant_unknown(known), known) if len(pairs) > 1 else [])
        opened += len(pairs) > 1
    assert 0 < opened < len(ff.incidents)  # both ways taken


def test_fact_texts_are_those_of_the_atoms():
    """Naming.fact writes a fact without making its atom: the same text as Naming.atom."""
    ff = parse_fact_text(generate(30, seed=2, known=1.0).encode())
    reps = derive_repeats(ff)
    for inc in ff.incidents.values():
        known = known_facts(ff, inc, reps)
        direct, through_atoms = Naming(inc), Naming(inc)
        for atom in atoms_of(known):
            text = direct.fact(atom.key, atom.value)
            assert text == through_atoms.atom(atom) and (text.key, text.value) == (atom.key, atom.value)


def test_an_interview_grounds_its_controls_when_it_starts(monkeypatch):
    import rongcuo_asp.interview as interview

    fresh = RegimeSolver("youxian")
    assert not fresh._modes  # ground on first use otherwise
    monkeypatch.setattr(interview, "solver", lambda regime: fresh)
    Interview("", None, "youxian")
    assert set(fresh._modes) == set(MODES)
