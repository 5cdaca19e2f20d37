"""Property-based tests (hypothesis) and resource bounds: no input can make the tool misbehave."""

import itertools

import pytest
from click.testing import CliRunner
from conftest import BEIJING
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rongcuo_asp import factsyntax
from rongcuo_asp.cli import main
from rongcuo_asp.factfile import FactFileError, parse_fact_text
from rongcuo_asp.reasoner import solver
from rongcuo_asp.repeats import derive_repeats
from rongcuo_asp.results import check_file, known_facts
from rongcuo_asp.vocabulary import vocabulary

VOC = vocabulary()
REGIMES = list(VOC.regimes)
FEATURES = list(VOC.incident_features)
tri = st.sampled_from([True, False, None])


@st.composite
def incidents(draw, n):
    kind = draw(st.sampled_from(["individual", "unit", None]))
    org = draw(st.sampled_from([*VOC.orgs, None]))
    rank = draw(st.sampled_from([*VOC.ranks, None]))
    lines = [f"case(c{n}).", f"subject(c{n},s{n}).", f"incident(s{n},i{n})."]
    lines += [f"{p}(s{n},{v})." for p, v in (("subject_kind", kind), ("org", org), ("rank", rank)) if v]
    for feat in VOC.subject_features:
        v = draw(tri)
        if v is not None:
            lines.append(f"{'' if v else '-'}holds(s{n},{feat}).")
    chosen = draw(st.dictionaries(st.sampled_from(FEATURES), st.booleans(), max_size=len(FEATURES)))
    lines += [f"{'' if v else '-'}holds(i{n},{f})." for f, v in chosen.items()]
    for dim in VOC.scales:
        v = draw(st.sampled_from([*VOC.scale_values(dim), None]))
        if v:
            lines.append(f"level(i{n},{dim},{v}).")
    # a second incident of the same subject, on the same matter, makes repeats
    if draw(st.booleans()):
        day1, day2 = (
            draw(st.sampled_from(["2024-01-01", "2024-02-01", None])),
            draw(st.sampled_from(["2024-01-01", "2024-03-01", None])),
        )
        lines += [f"incident(s{n},k{n}).", f'matter(i{n},"m").', f'matter(k{n},"m").']
        lines += [f'date(i{n},occurred,"{day1}").'] if day1 else []
        lines += [f'date(k{n},occurred,"{day2}").'] if day2 else []
    return lines


@st.composite
def fact_files(draw):
    count = draw(st.integers(1, 4))
    return "\n".join(line for n in range(count) for line in draw(incidents(n))) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fact_files())
def test_random_files_get_exactly_one_verdict_per_incident_and_regime(text):
    ff = parse_fact_text(text.encode(), "random.lp")
    results = check_file(ff, "all")
    pairs = [(r["incident"], r["regime"]) for r in results]
    assert len(pairs) == len(set(pairs)) == len(ff.incidents) * len(REGIMES)
    for r in results:
        assert r["verdict"] in VOC.verdicts
        assert (r["outcome"] is not None) == (r["verdict"] == "tolerable")
        assert (r["missing"] != []) == (r["verdict"] == "undetermined" or r["outcome"] == "undetermined")


@settings(max_examples=60, deadline=None)
@given(fact_files(), st.sampled_from(REGIMES), st.data())
def test_decided_iff_every_completion_agrees(text, regime, data):
    """Brute force over the completions of up to three unknown facts against the solver's answer."""
    ff = parse_fact_text(text.encode(), "random.lp")
    inc = next(iter(ff.incidents.values()))
    s = solver(regime)
    known = known_facts(ff, inc, derive_repeats(ff))
    unknown = [k for k in s.relevant if k not in known]
    # fix all but a few unknown facts at random, then enumerate the rest exhaustively
    free = data.draw(st.lists(st.sampled_from(unknown), unique=True, max_size=3)) if unknown else []
    # the other facts: at random, or (to reach open verdicts more often) from a tolerable completion
    sat, tolerable, _ = s.solve_once([s.goal_literal("tolerable"), *s.assumptions(known)])
    from_model = sat and data.draw(st.booleans())
    for k in unknown:
        if k not in free:
            known[k] = tolerable[k] if from_model else data.draw(st.sampled_from(s.values[k]))
    pair_of = {}
    for values in itertools.product(*(s.values[k] for k in free)):
        d = s.decide({**known, **dict(zip(free, values, strict=True))})
        assert d.verdict != "undetermined" and d.missing == []
        pair_of[values] = (d.verdict, d.outcome)
    outcomes = set(pair_of.values())
    d = s.decide(known)
    verdicts = {v for v, _ in outcomes}
    assert d.verdict == (verdicts.pop() if len(verdicts) == 1 else "undetermined")
    # relevance is difference-making: two completions that differ in that fact alone decide differently
    relevant = {
        k
        for n, k in enumerate(free)
        for values, pair in pair_of.items()
        for other in s.values[k]
        if pair_of[(*values[:n], other, *values[n + 1 :])] != pair
    }
    assert set(d.missing) == relevant
    assert (len(outcomes) > 1) == bool(d.missing)
    # decisive: some value of the fact alone settles the verdict
    decisive = {
        k
        for n, k in enumerate(free)
        if len({v for v, _ in outcomes}) > 1
        and any(len({pair_of[vs][0] for vs in pair_of if vs[n] == value}) == 1 for value in s.values[k])
    }
    assert set(d.decisive) == decisive


CORRUPTIONS = [
    ("rule", lambda line: line.rstrip(".") + " :- x."),
    ("variable", lambda line: line.replace("(", "(X,", 1)),
    ("script", lambda line: '#script (python)\nopen("/tmp/rongcuo-pwned", "w")\n#end.'),
    ("include", lambda line: '#include "/etc/passwd".'),
    ("unknown predicate", lambda line: "zz" + line),
    ("missing paren", lambda line: line.replace(")", "", 1)),
    ("wrong arity", lambda line: line.replace(")", ",extra)", 1)),
    ("bad value", lambda line: line.replace("(", "(", 1).rstrip(").") + "_x)."),
    ("non-utf8", None),
]


@settings(max_examples=80, deadline=None)
@given(fact_files(), st.sampled_from(CORRUPTIONS), st.data())
def test_corrupted_files_are_refused_naming_the_line(text, corruption, data):
    lines = text.splitlines()
    n = data.draw(st.integers(0, len(lines) - 1))
    name, op = corruption
    if op is None:
        raw = "\n".join(lines[:n]).encode() + ("\n" if n else "").encode() + b"\xff\xfe(" + "\n".join(lines[n:]).encode()
    else:
        if name == "bad value" and not lines[n].startswith(("level", "org", "rank", "subject_kind", "-holds", "holds")):
            return
        lines[n] = op(lines[n])
        raw = "\n".join(lines).encode()
    with pytest.raises(FactFileError) as info:
        parse_fact_text(raw, "bad.lp")
    assert any(line == n + 1 for line, _ in info.value.problems), (name, info.value.message())


@settings(max_examples=15, deadline=None)
@given(fact_files(), st.sampled_from(["json", "text", "md", "html"]))
def test_same_input_gives_byte_identical_output(tmp_path_factory, text, fmt):
    path = tmp_path_factory.mktemp("same") / "f.lp"
    path.write_text(text, encoding="utf-8")
    runs = [CliRunner().invoke(main, ["check", str(path), "--regime", "all", "--format", fmt]) for _ in range(2)]
    assert runs[0].exit_code == 0 and runs[0].output == runs[1].output


def test_statement_limit_gives_a_clear_error(monkeypatch):
    monkeypatch.setattr(factsyntax, "MAX_STATEMENTS", 50)
    text = "".join(f"case(c{n}).\n" for n in range(60))
    with pytest.raises(FactFileError) as info:
        parse_fact_text(text.encode(), "big.lp")
    assert "big.lp:51:" in info.value.message() and "事实过多" in info.value.message()


def test_a_million_incidents_end_with_a_clear_error(tmp_path):
    path = tmp_path / "million.lp"
    with path.open("w") as fh:
        for n in range(1_000_000):
            fh.write(f"case(c{n}). subject(c{n},s{n}). incident(s{n},i{n}). holds(i{n},remedied).\n")
    result = CliRunner().invoke(main, ["check", str(path), "--regime", "beijing"])
    assert result.exit_code == 2 and "文件过大" in result.output


@pytest.mark.parametrize(
    "fact, needle",
    [
        ("matter(i1, 123456789012345678901234567890).", "数字过长"),
        (f"matter(i1, {'a' * 300}).", "名称过长"),
        (f'matter(i1, "{"x" * 5000}").', "字符串过长"),
    ],
)
def test_absurd_sizes_are_refused(fact, needle):
    with pytest.raises(FactFileError) as info:
        parse_fact_text((BEIJING + fact + "\n").encode(), "absurd.lp")
    assert needle in info.value.message() and "absurd.lp:19:" in info.value.message()


def _pairs_by_completion(s, known, free):
    pair_of = {}
    for values in itertools.product(*(s.values[k] for k in free)):
        d = s.decide({**known, **dict(zip(free, values, strict=True))})
        pair_of[values] = (d.verdict, d.outcome)
    return pair_of


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(REGIMES), st.data())
def test_missing_is_exactly_the_difference_making_facts(regime, data):
    """Near a tolerable completion (where open verdicts are common), brute force over up to three
    freed facts: `missing` is exactly the set of facts two completions differing in them alone
    decide differently on, and `decisive` those one value of which alone settles the verdict."""
    s = solver(regime)
    sat, model, _ = s.solve_once([s.goal_literal("tolerable")])
    assert sat
    known = {k: model[k] for k in s.relevant}
    for k in data.draw(st.lists(st.sampled_from(s.relevant), unique=True, max_size=2)):
        known[k] = data.draw(st.sampled_from(s.values[k]))  # move a little away from the model
    free = data.draw(st.lists(st.sampled_from(s.relevant), unique=True, min_size=1, max_size=3))
    for k in free:
        del known[k]
    pair_of = _pairs_by_completion(s, known, free)
    relevant = {
        k
        for n, k in enumerate(free)
        for values, pair in pair_of.items()
        for other in s.values[k]
        if pair_of[(*values[:n], other, *values[n + 1 :])] != pair
    }
    d = s.decide(known)
    assert set(d.missing) == relevant
    verdicts = {v for v, _ in pair_of.values()}
    decisive = {
        k
        for n, k in enumerate(free)
        if len(verdicts) > 1 and any(len({p[0] for vs, p in pair_of.items() if vs[n] == value}) == 1 for value in s.values[k])
    }
    assert set(d.decisive) == decisive


def _repeats_by_clingo(ff):
    """encodings/repeat.lp itself, ground by clingo (what verify proves): the reference for the pre-pass."""
    import clingo

    from rongcuo_asp.encoding import shared_part

    facts = []
    for inc in ff.incidents.values():
        if inc.matter is not None:
            facts.append(f"incident({inc.subject},{inc.id}). matter({inc.id},{inc.matter.value!s}).")
            if "occurred" in inc.dates:
                facts.append(f'date({inc.id},occurred,"{inc.dates["occurred"].value.isoformat()}").')
    ctl = clingo.Control(["--warn=none"])
    ctl.add("base", [], shared_part("repeat.lp") + "\n".join(facts))
    ctl.ground([("base", [])])
    derived, earlier, unsettled = {}, {}, set()
    with ctl.solve(yield_=True) as handle:
        for model in handle:
            for sym in model.symbols(shown=True):
                args = [a.name for a in sym.arguments]
                if sym.name == "derived":
                    derived[args[0]] = args[1] == "true"
                elif sym.name == "repeat_of":
                    earlier.setdefault(args[0], []).append(args[1])
                elif sym.name == "unsettled":
                    unsettled.add(args[0])
    return derived, earlier, unsettled - {i for i, v in derived.items() if v}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["s1", "s2"]),
            st.sampled_from(['"a"', '"b"', "a", "1"]),
            st.sampled_from([None, "2024-01-01", "2024-01-02", "2024-01-03"]),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_the_repeat_pre_pass_is_repeat_lp(incidents):
    lines = ["case(c1).", "subject(c1,s1).", "subject(c1,s2)."]
    for n, (subject, matter, day) in enumerate(incidents):
        lines += [f"incident({subject},i{n}).", f"matter(i{n},{matter})."] + ([f'date(i{n},occurred,"{day}").'] if day else [])
    ff = parse_fact_text("\n".join(lines).encode())
    reps = derive_repeats(ff)
    derived, earlier, unsettled = _repeats_by_clingo(ff)
    assert reps.derived == derived and reps.unsettled == unsettled
    assert {k: reps.earlier[k] for k in reps.earlier} == earlier  # the same incidents, in the same order


def test_fifty_thousand_incidents_of_one_matter_take_seconds():
    import time

    lines = ["case(c1).", "subject(c1,s1)."]
    for n in range(50_000):
        day = f"{2000 + n % 20}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        lines += [f"incident(s1,i{n}).", f'matter(i{n},"容缺受理").', f'date(i{n},occurred,"{day}").']
    ff = parse_fact_text("\n".join(lines).encode())
    start = time.perf_counter()
    reps = derive_repeats(ff)
    assert time.perf_counter() - start < 5
    assert len(reps.derived) + len(reps.unsettled) == 50_000 and sum(reps.derived.values()) > 49_000
    assert reps.earlier["i1"] == [i for i in reps.earlier["i1"]]  # computed on demand, not n²/2 lists
