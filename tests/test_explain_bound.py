"""explain's facts to establish, bounded and fast (issue 20 item 14, issue 23 goal 2): a sparse
incident says that more than the bound remain instead of enumerating; below the bound the sets
are exactly the cardinality-minimal ones the whatif loop gives, each deciding the verdict."""

import itertools
import json
import random

import pytest
from click.testing import CliRunner
from conftest import REPO

from rongcuo_asp import whatif as whatif_module
from rongcuo_asp.cli import main
from rongcuo_asp.factfile import parse_fact_text, read_fact_file
from rongcuo_asp.factkey import FactKey
from rongcuo_asp.questions import _fixed, explain_incident, per_incident
from rongcuo_asp.reasoner import solver
from rongcuo_asp.vocabulary import vocabulary
from rongcuo_asp.whatif import Change, establish, group_ranges, whatif

SCEN = REPO / "facts" / "scenarios"
BOUND = vocabulary().data["bounds"]["establish"]
REGIMES = list(vocabulary().regimes)
EMPTY = "case(c1).\nsubject(c1, s1).\nincident(s1, i1).\n"
INDIVIDUAL = EMPTY + "subject_kind(s1, individual).\n"


def incident(text: str):
    [ci] = per_incident(parse_fact_text(text.encode(), "sparse.lp"), None)
    return ci


def entails(regime: str, facts: dict, goal: str) -> bool:
    s = solver(regime)
    sat, _, _ = s.solve_once([-s.goal_literal(goal), *s.assumptions(facts)])
    return not sat


def test_empty_incident_under_every_regime_says_the_bound_was_hit(tmp_path):
    path = tmp_path / "empty.lp"
    path.write_text(EMPTY, encoding="utf-8")
    result = CliRunner().invoke(main, ["explain", str(path), "--regime", "all", "--format", "json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["explanations"]
    assert [e["regime"] for e in items] == REGIMES
    for e in items:
        assert e["verdict"] == "undetermined"
        by = {t["verdict"]: t for t in e["to_establish"]}
        # 可容错 needs more facts than the bound in every regime (11 to 23 when enumerated)
        assert by["tolerable"] == {
            "verdict": "tolerable",
            "count": BOUND + 1,
            "bounded": True,
            "bound": BOUND,
            "alternatives": [],
            "total": 0,
            "facts": [],
        }
        # one fact puts the subject out of scope: found, not bounded
        assert by["not_applicable"]["count"] == 1 and "bounded" not in by["not_applicable"]


def test_bounded_means_no_set_within_the_bound():
    """Unbounded, the whatif loop needs more than the bound for 可容错 of an empty incident."""
    ci = incident(EMPTY)
    known, kept = ci.known, set(ci.known) | _fixed(ci)
    assert establish("beijing", known, "tolerable", kept, solver("beijing").decide(known).missing, BOUND) is None
    full = whatif("beijing").alternatives(known, "tolerable", kept, 60)
    assert full and len(full[0]) > BOUND


@pytest.mark.parametrize("regime", REGIMES)
@pytest.mark.parametrize("text", [EMPTY, INDIVIDUAL], ids=["empty", "individual"])
def test_sets_found_under_the_bound_are_cardinality_minimal_and_decide(regime, text):
    ci = incident(text)
    s = solver(regime)
    known, kept = ci.known, set(ci.known) | _fixed(ci)
    d = s.decide(known)
    verdicts = sorted({a.args[0] for a in d.brave if a.name == "verdict"})
    found_any = False
    for verdict in verdicts:
        sets = establish(regime, known, verdict, kept, d.missing, BOUND)
        if sets is None:
            continue
        found_any = True
        sizes = {len(alt) for alt in sets}
        assert len(sizes) == 1 and sizes.pop() <= BOUND
        for alt in sets:
            facts = {c.key: c.new for c in alt}
            assert all(c.old is None and c.key not in known for c in alt)  # only unknown facts
            assert entails(regime, {**known, **facts}, verdict), (verdict, alt)
            for k in facts:  # subset-minimal: no fact of the set can be left out
                assert not entails(regime, {**known, **{x: v for x, v in facts.items() if x != k}}, verdict)
        if len(sets[0]) <= 2:  # cardinality-minimal: no smaller set decides it (checked exhaustively)
            values = [(k, v) for k in s.deciding if k not in known for v in s.values[k]]
            for smaller in itertools.combinations(values, len(sets[0]) - 1):
                if len({k for k, _ in smaller}) == len(smaller):
                    assert not entails(regime, {**known, **dict(smaller)}, verdict)
    assert found_any


UNDETERMINED = [
    ("beijing/undetermined_two_unknowns.lp", "beijing"),
    ("beijing/three_unknown_levels.lp", "beijing"),
    ("changzhou_edu/undetermined_remedied.lp", "changzhou_edu"),
    ("university/undetermined_accident_unknown.lp", "university"),
    ("xsbn_college/undetermined_exclusion_unknown.lp", "xsbn_college"),
    ("youxian/sparse_emergency.lp", "youxian"),
]


@pytest.mark.parametrize("path, regime", UNDETERMINED)
def test_fast_path_gives_the_same_to_establish_as_the_whatif_loop(path, regime, monkeypatch):
    ff = read_fact_file(SCEN / path)
    for ci in per_incident(ff, None):
        fast = explain_incident(ci, regime, None)
        assert fast["to_establish"], path
        monkeypatch.setattr(whatif_module, "FAST_CANDIDATES", -1)  # every set from the whatif loop
        slow = explain_incident(ci, regime, None)
        monkeypatch.undo()
        assert fast["to_establish"] == slow["to_establish"]


@pytest.mark.parametrize("path, regime", UNDETERMINED)
def test_fast_path_sets_equal_the_unbounded_loop(path, regime):
    """The exact sets, before grouping, against the loop with its own bound (60)."""
    ci = per_incident(read_fact_file(SCEN / path), None)[0]
    s = solver(regime)
    known, kept = ci.known, set(ci.known) | _fixed(ci)
    d = s.decide(known)
    for verdict in sorted({a.args[0] for a in d.brave if a.name == "verdict"}):
        loop = whatif(regime).alternatives(known, verdict, kept, 60)
        got = establish(regime, known, verdict, kept, d.missing, BOUND)
        if loop and len(loop[0]) <= BOUND:
            key = lambda alts: [[(c.key, c.old, c.new) for c in alt] for alt in alts]  # noqa: E731
            assert got is not None and key(got) == key(loop), (path, verdict)
        else:
            assert got is None


def _naive_ranges(alts, values):
    """The grouping as first written: merge the first mergeable pair in list order, rescan."""
    groups = [{c.key: (c, frozenset([c.new])) for c in alt} for alt in alts]
    merged = True
    while merged:
        merged = False
        for n, a in enumerate(groups):
            for m in range(n + 1, len(groups)):
                b = groups[m]
                if a.keys() != b.keys():
                    continue
                differ = [k for k in a if a[k][1] != b[k][1]]
                if len(differ) == 1:
                    k = differ[0]
                    a[k] = (a[k][0], a[k][1] | b[k][1])
                    del groups[m]
                    merged = True
                    break
            if merged:
                break
    return [[(c, [v for v in values[k] if v in vals]) for k, (c, vals) in g.items()] for g in groups]


def test_grouping_into_ranges_is_the_first_pair_first_merge():
    keys = [FactKey.level(d) for d in ("harm", "accident", "environment", "recovery")]
    values = {k: list(range(5)) for k in keys}
    rng = random.Random(7)
    norm = lambda gs: [[(c.key, c.new, tuple(v)) for c, v in g] for g in gs]  # noqa: E731
    merged_some = 0
    for _ in range(400):
        unique = {}
        for _ in range(rng.randint(0, 20)):
            alt = [Change(k, None, rng.randint(0, 4)) for k in rng.sample(keys, rng.randint(1, 3))]
            unique.setdefault(frozenset((c.key, c.new) for c in alt), alt)
        alts = list(unique.values())
        want = norm(_naive_ranges(alts, values))
        assert norm(group_ranges(alts, values)) == want
        merged_some += len(want) < len(alts)
    assert merged_some > 100  # the cases exercise merging, chains of merges included


def test_text_says_the_bound_was_hit(tmp_path):
    path = tmp_path / "empty.lp"
    path.write_text(EMPTY, encoding="utf-8")
    result = CliRunner().invoke(main, ["explain", str(path), "--regime", "beijing"])
    assert result.exit_code == 0, result.output
    assert f"若要认定为「可容错」，还需查明 {BOUND + 1} 项以上事实" in result.stdout
    assert f"上限 {BOUND} 项" in result.stdout


def test_the_bound_applies_to_sets_of_one_and_two_as_well():
    """可容错 needs two facts here (-private_gain, remedied): beyond a bound of 1, found at 2."""
    ci = per_incident(read_fact_file(SCEN / "beijing/undetermined_two_unknowns.lp"), None)[0]
    s = solver("beijing")
    known, kept = ci.known, set(ci.known) | _fixed(ci)
    missing = s.decide(known).missing
    assert establish("beijing", known, "tolerable", kept, missing, 1) is None
    assert [len(a) for a in establish("beijing", known, "tolerable", kept, missing, 2) or []] == [2]
    assert [len(a) for a in establish("beijing", known, "not_tolerable", kept, missing, 1) or []] == [1, 1]


@pytest.mark.parametrize("regime", REGIMES)
def test_a_contrast_past_the_bound_says_so(regime, tmp_path):
    """--contrast keeps to the same bound: an empty incident needs 11 to 23 changes for 可容错
    (xsbn_college: 1 440 ways of 19), which it says instead of enumerating them."""
    ci = incident(EMPTY)
    c = explain_incident(ci, regime, "可容错")["contrast"]
    assert c["bounded"] is True and c["count"] == BOUND + 1 and c["bound"] == BOUND
    assert c["alternatives"] == [] and c["findings"] == []
    full = whatif(regime).alternatives(ci.known, "tolerable", _fixed(ci), 60)
    assert full and len(full[0]) > BOUND  # bounded means: more changes than the bound, not none
    path = tmp_path / "empty.lp"
    path.write_text(EMPTY, encoding="utf-8")
    out = CliRunner().invoke(main, ["explain", str(path), "--regime", regime, "--contrast", "可容错"]).output
    assert "需查明或改变 6 项以上事实（超过逐一列举的上限 5 项" in out and "无论如何改变事实" not in out


def test_a_contrast_within_the_bound_lists_every_way():
    ci = incident(EMPTY)
    c = explain_incident(ci, "beijing", "不适用本办法")["contrast"]
    assert "bounded" not in c and c["alternatives"]
    assert c["alternatives"] == [
        [{"fact": ch.key.name, "from": ch.old, "to": ch.new} for ch in alt]
        for alt in whatif("beijing").alternatives(ci.known, "not_applicable", _fixed(ci), 60)
    ]


def test_what_every_way_needs_is_said_only_when_every_way_is_listed():
    """「均须查明」 over the listed ways alone was false when more ways exist (of 57 under 常州, the 10
    listed all named 机关单位类型 市教育局机关, the others did not need it)."""
    from rongcuo_asp.documents import _establish_node

    def way(*facts):
        changes = [{"fact": f, "from": None, "to": True, "values": [True], "range": "是"} for f in facts]
        return {"changes": changes, "facts": [], "articles": []}

    entry = {
        "verdict": "not_tolerable",
        "count": 2,
        "alternatives": [way("private_gain", "remedied"), way("private_gain", "collusion")],
    }

    def text(node):
        return node["text"] + "".join(text(c) for c in node.get("children", []))

    assert "均须查明" in text(_establish_node({**entry, "total": 2}, "beijing"))
    listed_some = text(_establish_node({**entry, "total": 3}, "beijing"))
    assert "均须查明" not in listed_some and "共 3 种方式，仅列出前 2 种" in listed_some


def test_a_contrast_blocked_by_a_derived_repeat_says_what_would_have_to_change():
    """The repeat is derived from the dates: no change of the case's other facts gives 可容错, but a
    change of the dates would — so not 无论如何改变事实，均不能得出该结论."""
    path = SCEN / "cross" / "repeat_derived_changzhou.lp"
    args = ["explain", str(path), "--incident", "i2", "--contrast", "可容错"]
    [e] = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).stdout)["explanations"]
    assert e["contrast"]["derived_in_the_way"] == ["holds(i2,repeated_error)"] and e["contrast"]["alternatives"] == []
    text = CliRunner().invoke(main, args).stdout
    assert "仅改变本案其他事实不能得出该结论" in text and "无论如何改变事实" not in text


def test_a_contrast_lists_ten_ways_and_says_how_many_there_are():
    """--contrast 不予容错 of an empty 常州 incident printed all 57 ways, each repeating the same facts."""
    c = explain_incident(incident(EMPTY), "changzhou_edu", "不予容错")["contrast"]
    assert len(c["findings"]) == 10 < c["total"] and len(c["alternatives"]) >= c["total"]
    from rongcuo_asp.documents import explain_document  # the text: the ten, then how many there are

    e = explain_incident(incident(EMPTY), "changzhou_edu", "不予容错")
    text = json.dumps(explain_document([e]), ensure_ascii=False)
    assert f"（共 {c['total']} 种方式，仅列出前 10 种）" in text


@pytest.mark.parametrize("asked", ["从轻", "减轻", "lighter", "reduce"])
def test_lighter_or_reduce_asked_is_answered_as_the_one_outcome_the_documents_know(asked, tmp_path):
    """No document separates 从轻 from 减轻 (从轻或者减轻, one outcome): asked apart, the contrast said
    无论如何改变事实，均不能得出该结论, which a reviewer reads as "no leniency is possible"."""
    c = explain_incident(incident(EMPTY), "beijing", asked)["contrast"]
    assert c["target"] == "mitigate" and c["asked"] in ("lighter", "reduce") and c.get("bounded")
    path = tmp_path / "empty.lp"
    path.write_text(EMPTY, encoding="utf-8")
    out = CliRunner().invoke(main, ["explain", str(path), "--regime", "beijing", "--contrast", asked]).stdout
    assert "五部办法均不区分从轻与减轻" in out and "无论如何改变事实" not in out


def test_an_empty_contrast_is_refused_not_ignored():
    result = CliRunner().invoke(main, ["explain", str(REPO / "facts/examples/beijing_example.lp"), "--contrast", ""])
    assert result.exit_code == 2 and "未知的目标 （空）" in result.output
