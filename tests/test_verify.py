"""`rongcuo verify`: every property is proven for the real encodings, and each one can fail."""

import json

import pytest
from click.testing import CliRunner

from rongcuo_asp.cli import main
from rongcuo_asp.encoding import load_encoding
from rongcuo_asp.factfile import parse_fact_text
from rongcuo_asp.results import check_file
from rongcuo_asp.verify import verify, verify_regime, verify_repeats
from rongcuo_asp.vocabulary import vocabulary


def test_all_properties_proven_for_all_regimes():
    findings = verify(list(vocabulary().regimes))
    failed = [(f.regime, f.property, f.detail) for f in findings if not f.ok]
    assert failed == []
    assert len(findings) == 5 * 10 + 1


def test_cli_verify_exit_status():
    result = CliRunner().invoke(main, ["verify"])
    assert result.exit_code == 0 and "51 proven, 0 failed" in result.output


def planted(regime: str, old: str, new: str) -> dict:
    text = load_encoding(regime).text
    assert old in text
    return {f.property: f for f in verify_regime(regime, text.replace(old, new, 1))}


def test_second_verdict_rule_is_caught_with_a_runnable_counterexample():
    found = planted(
        "beijing",
        'treatment("第十条", decision).',
        'treatment("第十条", decision).\nverdict(I, tolerable) :- exclusion(I, "第十条第（四）项").',
    )
    assert not found["exactly one verdict"].ok and not found["completions are exact"].ok
    ce = found["exactly one verdict"].counterexample
    ff = parse_fact_text(ce.encode(), "ce.lp")  # ready to run
    assert ff.incidents and check_file(ff, None)


def test_dead_item_is_caught():
    found = planted(
        "beijing",
        'exclusion(I, "第十条第（一）项") :- incident(S, I), holds(I, political_discipline_violation).',
        'exclusion(I, "第十条第（一）项") :- incident(S, I), holds(I, political_discipline_violation), holds(I, remedied),\n'
        "    -holds(I, remedied).",
    )
    assert not found["no dead article item"].ok and "第十条第（一）项" in found["no dead article item"].detail


def test_non_monotone_exclusion_is_caught():
    found = planted("university", "at_least(accident, V, major).", "at_most(accident, V, ordinary).")
    f = found["monotone exclusions"]
    assert not f.ok
    ff = parse_fact_text(f.counterexample.encode(), "ce.lp")
    assert set(ff.incidents) == {"i", "j"}
    i, j = ff.incidents["i"], ff.incidents["j"]
    assert {k: v.value for k, v in i.holds.items()} == {k: v.value for k, v in j.holds.items()}
    diff = {d for d in i.levels if i.levels[d].value != j.levels[d].value}
    assert diff == {"accident"}  # j differs from i only in the one switched (raised) fact
    scale = vocabulary().scale_values("accident")
    assert scale.index(j.levels["accident"].value) > scale.index(i.levels["accident"].value)
    # under the real (monotone) encoding the pair is no counterexample
    verdicts = {r["incident"]: r["verdict"] for r in check_file(ff, None)}
    assert not (verdicts["j"] == "tolerable" and verdicts["i"] != "tolerable")


def test_non_monotone_degree_is_caught():
    """The defect of the second audit (issue 19 A5): 不应当追究责任 gave 免责 only where 第五条（八）
    was the only item, so one more met item let the table make the degree harsher."""
    old = 'outcome(I, exempt, "第五条第（八）项") :- verdict(I, tolerable), holds(I, not_liable_at_the_time).'
    new = (
        'outcome(I, exempt, "第五条第（八）项") :- verdict(I, tolerable), not another_item(I), holds(I, not_liable_at_the_time).'
    )
    found = planted("university", old, new)
    f = found["monotone degree"]
    assert not f.ok
    ff = parse_fact_text(f.counterexample.encode(), "ce.lp")
    assert set(ff.incidents) == {"i", "j"}
    # under the real encoding the pair is no counterexample
    by = {r["incident"]: r for r in check_file(ff, None)}
    rank = {"exempt": 2, "mitigate": 1}
    if by["i"]["verdict"] == by["j"]["verdict"] == "tolerable":
        assert rank[by["j"]["outcome"]] >= rank[by["i"]["outcome"]]


def test_a_favourable_factor_that_worsens_the_degree_is_caught():
    """北京 第九条（一）: 主动认错悔错改错 (admitted_error) is favourable; planted as excluding 免责."""
    found = planted(
        "beijing",
        "adverse_motive(I) :- incident(S, I), holds(I, repeated_error).",
        "adverse_motive(I) :- incident(S, I), holds(I, repeated_error).\n"
        "adverse_motive(I) :- incident(S, I), holds(I, admitted_error).",
    )
    assert not found["monotone degree"].ok


def test_uncited_rule_is_caught():
    found = planted(
        "beijing",
        'treatment("第十条", decision).',
        'treatment("第十条", decision).\nexclusion(I, A) :- incident(S, I), holds(I, vile_impact), A = "第十条".',
    )
    assert not found["citations complete"].ok


def test_constraint_on_facts_is_caught():
    found = planted("youxian", 'treatment("第九条", effect).', 'treatment("第九条", effect).\n:- holds(i, vile_impact).')
    assert not found["completions are exact"].ok


def test_outcome_for_an_intolerable_incident_is_caught():
    found = planted(
        "beijing",
        'outcome_article("第十三条第（一）项").',
        'outcome_article("第十三条第（一）项").\noutcome(I, lighter, "第十三条") :- exclusion(I, _).',
    )
    assert not found["exactly one outcome when tolerable"].ok


def test_repeat_derivation_is_proven():
    f = verify_repeats()
    assert f.ok, f.counterexample


@pytest.mark.parametrize("regime", list(vocabulary().regimes))
def test_verify_is_fast(regime):
    # not a timing test: a sanity bound far above the measured tens of milliseconds
    assert sum(f.seconds for f in verify_regime(regime)) < 30


def test_a_typo_in_an_encoding_is_caught():
    """`courtt` for `court` in beijing's organ list silently moved court officials to 第七条第二款."""
    from rongcuo_asp.encoding import ENCODINGS, EncodingError, check_vocabulary, shared_part

    found = planted("beijing", "cppcc_organ;", "cppcc_organ;".replace("cppcc_organ", "cppcc_organn"))
    assert not found["vocabulary names exist"].ok and "cppcc_organn" in found["vocabulary names exist"].detail
    text = (ENCODINGS / "beijing.lp").read_text(encoding="utf-8").replace("court;", "courtt;")
    line = next(n for n, raw in enumerate(text.splitlines(), start=1) if "courtt" in raw)
    with pytest.raises(EncodingError, match=rf"beijing\.lp:{line}: beijing_organ/1 的第 1 个参数 courtt"):
        check_vocabulary(
            text + "\n" + shared_part("outcome.lp"),
            [(ENCODINGS / "beijing.lp", text.count("\n") + 1), (ENCODINGS / "outcome.lp", None)],
        )
    outcome = shared_part("outcome.lp").replace("level(I, harm, major)", "level(I, harm, majr)")
    with pytest.raises(EncodingError, match=r"outcome\.lp:\d+: level/3 的第 3 个参数 majr"):
        check_vocabulary(
            text.replace("courtt;", "court;") + "\n" + outcome,
            [(ENCODINGS / "beijing.lp", text.count("\n") + 1), (ENCODINGS / "outcome.lp", None)],
        )


def test_verify_json_names_version_and_encodings():
    from rongcuo_asp import __version__
    from rongcuo_asp.encoding import encodings_digest

    result = CliRunner().invoke(main, ["verify", "--regime", "beijing", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version"] == __version__ and data["sha256"] == encodings_digest(["beijing"])
    assert {f["regime"] for f in data["findings"]} == {"beijing", "repeat.lp"} and all(f["ok"] for f in data["findings"])
