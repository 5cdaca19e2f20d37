"""Consulting the case register while deciding (issue 24): the subject's earlier recorded
incidents enter the repeat pre-pass, the documents' repeat rules decide, the report cites the
earlier decision; --no-register and an absent register leave the file alone."""

from __future__ import annotations

import json

import pytest
from test_register import FIRST, case_text, run

CITED = "2024年3月已就同一事由予以容错免责（常教容〔2024〕3号），依第八条只适用一次容错认定"


@pytest.fixture
def recorded(tmp_path, monkeypatch, write):
    """Incident A of RS-0342 recorded 免责 under 常州 (decided 2024-03-15, 文号 given); B, a later
    incident of the same subject and matter in another file, says nothing of repeats."""
    monkeypatch.setenv("RONGCUO_DB", str(tmp_path / "register.sqlite3"))
    a = write(case_text(extra=FIRST + 'date(i1, decision_made, "2024-03-15").\n'), "a.lp")
    r = run("record", a, "--decision-no", "常教容〔2024〕3号")
    assert r.exit_code == 0 and "可容错（免责）" in r.output, r.output
    return a


def result(*args) -> dict:
    r = run("check", *args, "--format", "json")
    assert r.exit_code == 0, r.output
    [res] = json.loads(r.output)["results"]
    return res


def test_a_repeat_in_another_file_is_not_tolerable_under_changzhou_citing_the_record(recorded, write):
    b = write(case_text(occurred="2024-09-01"), "b.lp")
    res = result(b)
    assert (res["verdict"], res["outcome"]) == ("not_tolerable", None)
    assert any(g["article"] == "第八条" and g["role"] == "repeat" and g["effect"] == "against" for g in res["grounds"])
    known = {k["fact"] for k in res["known"]}
    assert {"holds(i1,repeated_error)", "holds(i1,previously_tolerated)"} <= known
    # what the register derives has the register's record as its evidence: no gap to fill
    evidence = {k["fact"]: k.get("evidence") for k in res["known"]}
    source = "案件登记簿所载同一事由的认定：常教容〔2024〕3号，2024年3月15日认定可容错（免责）"
    assert evidence["holds(i1,previously_tolerated)"] == evidence["holds(i1,repeated_error)"] == [source]
    assert "holds(i1,previously_tolerated)" not in res["evidence_gaps"]
    [repeat] = [c for c in res["conflicts"] if c["kind"] == "repeat"]
    assert repeat["citation"] == CITED
    assert repeat["record"]["file"] == str(recorded) and repeat["record"]["decision_no"] == "常教容〔2024〕3号"
    text = run("check", b).output
    assert f"同一事由重复：{CITED}。" in text and "【结论：不予容错】" in text
    # without the register the same file is undetermined: whether it repeats is not known
    assert result(b, "--no-register")["verdict"] == "undetermined"


def test_under_beijing_the_repeat_is_a_factor_of_article_9(recorded, write):
    res = result(write(case_text(occurred="2024-09-01"), "b.lp"), "--regime", "beijing")
    assert {"article": "第九条第（一）项", "kind": "adverse"}.items() <= next(
        f for f in res["factors"] if f["kind"] == "adverse"
    ).items()
    assert any("holds(i1,repeated_error)" in f["facts"] for f in res["factors"] if f["kind"] == "adverse")
    [repeat] = [c for c in res["conflicts"] if c["kind"] == "repeat"]
    assert repeat["citation"].startswith("2024年3月已就同一事由予以容错免责（常教容〔2024〕3号），依第九条第（一）项")
    assert not any(g["role"] == "repeat" for g in res["grounds"])  # no bar: 北京 weighs it


@pytest.mark.parametrize("b", [dict(key="RS-9999"), dict(matter="另一事由")])  # another subject, another matter
def test_the_register_changes_nothing_for_another_subject_or_matter(recorded, write, b):
    path = write(case_text(**b, occurred="2024-09-01", extra="-holds(i1, previously_tolerated).\n"), "b.lp")
    res = result(path)
    assert not [c for c in res["conflicts"] if c["kind"] == "repeat"]
    assert res == result(path, "--no-register")  # repeated_error stays unknown: the register may not hold everything


def test_an_incident_before_the_recorded_one_is_no_repeat(recorded, write):
    path = write(case_text(occurred="2024-01-05", extra="-holds(i1, previously_tolerated).\n"), "b.lp")
    res = result(path)
    assert res["verdict"] == "tolerable" and "-holds(i1,repeated_error)" in {k["fact"] for k in res["known"]}
    assert result(path, "--no-register")["verdict"] == "undetermined"


def test_the_recorded_file_does_not_repeat_itself(recorded):
    res = result(recorded)
    assert res["verdict"] == "tolerable" and not [c for c in res["conflicts"] if c["kind"] == "repeat"]


def test_a_typed_value_the_register_contradicts_is_a_conflict_the_report_shows(recorded, write):
    b = write(case_text(occurred="2024-09-01", extra=FIRST), "b.lp")
    res = result(b)
    assert res["verdict"] == "not_tolerable"
    stated = {c["fact"]: c for c in res["conflicts"] if c["kind"] == "fact_conflict"}
    assert set(stated) == {"holds(i1,repeated_error)", "holds(i1,previously_tolerated)"}
    assert all("以登记为准" in c["resolution"] for c in stated.values())
    text = run("check", b).output
    assert "事实冲突" in text and "登记簿记载同一事由此前已作过容错认定" in text


def test_recording_the_repeat_records_the_refusal(recorded, write):
    b = write(case_text(occurred="2024-09-01"), "b.lp")
    r = run("record", b, "--date", "2024-10-08")
    assert r.exit_code == 0 and "不予容错" in r.output, r.output
    shown = json.loads(run("register", "show", "RS-0342", "--format", "json").output)["records"]
    assert [(d["verdict"], d["deciding"]) for d in shown] == [
        ("tolerable", ["第七条第（五）项", "第十三条第（五）项"]),
        ("not_tolerable", ["第八条"]),
    ]


def test_explain_and_opinion_consult_it_too(recorded, write, tmp_path):
    b = write(case_text(occurred="2024-09-01"), "b.lp")
    r = run("explain", b, "--format", "json")
    assert r.exit_code == 0 and '"not_tolerable"' in r.output, r.output
    out = tmp_path / "op.md"
    r = run("opinion", b, "-o", out)
    assert r.exit_code == 0, r.output
    assert "第八条" in out.read_text(encoding="utf-8")
    assert run("explain", b, "--no-register", "--format", "json").exit_code == 0
    assert run("opinion", b, "--no-register", "-o", out).exit_code in (0, 2)  # undetermined: the option exists


def test_a_corrupt_register_stops_check_naming_it_unless_no_register(tmp_path, monkeypatch, write):
    db = tmp_path / "register.sqlite3"
    db.write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv("RONGCUO_DB", str(db))
    b = write(case_text(occurred="2024-09-01", extra=FIRST), "b.lp")
    r = run("check", b)
    assert r.exit_code == 2 and str(db) in r.output and "--no-register" in r.output
    assert run("check", b, "--no-register").exit_code == 0
    keyless = write(case_text(key=None, extra=FIRST), "c.lp")
    assert run("check", keyless).exit_code == 0  # no key: the register is never opened


def test_the_interview_does_not_ask_what_the_register_settles(recorded, write, tmp_path):
    b = write(case_text(occurred="2024-09-01"), "b.lp")
    answers = tmp_path / "answers.txt"
    answers.write_text("结束\n", encoding="utf-8")

    def asked_to_repeat(output: str) -> bool:
        return any(line.startswith("问：") and "重复出现失误" in line for line in output.splitlines())

    r = run("interview", b, "--answers", answers)
    assert r.exit_code == 0, r.output
    assert not asked_to_repeat(r.output) and "【结论：不予容错】" in r.output
    r = run("interview", b, "--answers", answers, "--no-register")
    assert asked_to_repeat(r.output)


def test_a_record_without_a_decision_date_is_never_dated_by_its_recording(tmp_path, monkeypatch, write):
    """The day a decision was recorded is no decision date: without one (no --date, no
    decision_made), the citation says so and dates the earlier error instead."""
    monkeypatch.setenv("RONGCUO_DB", str(tmp_path / "register.sqlite3"))
    a = write(case_text(extra=FIRST), "a.lp")
    assert run("record", a).exit_code == 0
    res = result(write(case_text(occurred="2024-09-01"), "b.lp"))
    [repeat] = [c for c in res["conflicts"] if c["kind"] == "repeat"]
    assert repeat["citation"] == (
        "此前已就同一事由予以容错免责（登记簿未载文号和认定日期，该次失误发生于2024年2月10日），依第八条只适用一次容错认定"
    )
    evidence = {k["fact"]: k.get("evidence") for k in res["known"]}
    assert evidence["holds(i1,repeated_error)"] == ["案件登记簿所载同一事由的认定：未载文号，认定可容错（免责），未载认定日期"]
    today = __import__("datetime").date.today()
    assert f"{today.year}年{today.month}月" not in json.dumps(res, ensure_ascii=False)
