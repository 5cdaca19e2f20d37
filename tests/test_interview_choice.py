"""The interview's choice of the next question: the pairs each answer leaves, found for all
candidates at once (_Answers), are those the reasoner gives for that answer alone."""

import random
import sys

import pytest
from conftest import REPO

from rongcuo_asp.factfile import parse_fact_text
from rongcuo_asp.factmodel import LevelRange
from rongcuo_asp.interview import _Answers, _settled
from rongcuo_asp.reasoner import solver
from rongcuo_asp.repeats import derive_repeats
from rongcuo_asp.results import known_facts
from rongcuo_asp.vocabulary import vocabulary

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402


def _open_incidents(regime: str, count: int):
    """Known facts of generated incidents the regime leaves open, some levels known up to a range."""
    s, found, n = solver(regime), [], 0
    while len(found) < count:
        n += 1
        hidden = parse_fact_text(generate(1, seed=5, known=0.3 if n % 2 else 0.6, offset=n).encode())
        [inc] = hidden.incidents.values()
        known = known_facts(hidden, inc, derive_repeats(hidden))
        rng = random.Random(n)
        for k, v in list(known.items()):
            if k.kind == "level" and rng.random() < 0.8:
                scale = vocabulary().scale_values(k.name)
                lo, hi = max(0, scale.index(v) - 1), min(len(scale) - 1, scale.index(v) + 1)
                known[k] = LevelRange(scale[lo], scale[hi], tuple(scale[lo : hi + 1]))
        if len(s.possible(known)) > 1:
            found.append(known)
    return found


def _above_least(dimension: str) -> LevelRange:
    scale = vocabulary().scale_values(dimension)
    return LevelRange(scale[1], scale[-1], tuple(scale[1:]))


@pytest.mark.parametrize("regime", list(vocabulary().regimes))
def test_answers_leave_the_pairs_the_reasoner_gives(regime):
    """For every open fact and value: the pairs _Answers finds are possible(known + that answer), and
    a decisive fact (one value decides the verdict) settles, so the choice needs no decisive set."""
    s = solver(regime)
    verdicts = degrees = ranged = 0
    # nothing known (every pair open); a degree known to be any but the least; generated incidents
    ranges = [{k: _above_least(k.name)} for k in s.deciding if k.kind == "level" and len(s.values[k]) > 2]
    for known in [{}, *ranges, *_open_incidents(regime, 6)]:
        before = s.possible(known)
        answers = _Answers(regime, known, before)
        decision = s.decide(known)
        verdicts += len({v for v, _ in before}) > 1
        degrees += len({o for v, o in before if v == "tolerable"}) > 1
        for k in decision.missing:
            ranged += isinstance(known.get(k), LevelRange)
            after = {v: answers.pairs(k, v) for v in s.open_values(k, known)}
            assert after == {v: s.possible({**known, k: v}) for v in s.open_values(k, known)}, (k, known)
            if k in decision.decisive:
                assert any(_settled(before, pairs) for pairs in after.values()), k
    assert verdicts and degrees and ranged  # both kinds of goal enumerated, and a level's range
