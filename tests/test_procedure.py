"""Deadlines on the official working-day calendar (values computed by hand from the State Council notices)."""

import datetime as dt

import pytest
from click.testing import CliRunner

from rongcuo_asp.cli import main
from rongcuo_asp.procedure import CalendarRangeError, add_months, add_working_days, due_date, publicity_end

D = dt.date.fromisoformat


@pytest.mark.parametrize(
    "start, n, due",
    [
        # National Day 2024: 10-01..10-07 off; Sunday 09-29 and Saturday 10-12 are working days.
        ("2024-09-27", 7, "2024-10-12"),
        ("2024-09-27", 1, "2024-09-29"),
        ("2024-09-30", 1, "2024-10-08"),
        ("2024-09-20", 15, "2024-10-16"),
        # Spring Festival 2025: 01-28..02-04 off; Sunday 01-26 and Saturday 02-08 are working days.
        ("2025-01-24", 10, "2025-02-13"),
        ("2025-01-25", 1, "2025-01-26"),
        ("2025-01-27", 1, "2025-02-05"),
        # an ordinary week: the start day does not count, weekends do not either.
        ("2024-03-15", 5, "2024-03-22"),
    ],
)
def test_working_days(start, n, due):
    assert add_working_days(D(start), n) == D(due)


@pytest.mark.parametrize(
    "start, months, due",
    [
        ("2024-11-30", 3, "2025-02-28"),
        ("2024-08-31", 3, "2024-11-30"),
        ("2023-11-30", 3, "2024-02-29"),
        ("2024-01-15", 3, "2024-04-15"),
    ],
)
def test_calendar_months(start, months, due):
    assert add_months(D(start), months) == D(due)


def test_a_year_is_twelve_calendar_months():
    assert due_date(D("2024-02-29"), 1, "year") == D("2025-02-28")


def test_publicity_counts_its_working_start_day():
    assert publicity_end(D("2024-09-27"), 7) == D("2024-10-11")
    assert publicity_end(D("2024-10-01"), 7) == D("2024-10-15")  # starts in the holiday: first day is 10-08


def test_outside_calendar_data_is_an_error_not_a_guess():
    with pytest.raises(CalendarRangeError):
        add_working_days(D("2026-12-25"), 10)
    with pytest.raises(CalendarRangeError):
        add_working_days(D("2003-05-01"), 1)


CASE = """case(c1).
regime(c1, changzhou_edu).
subject(c1, s1).
subject_kind(s1, individual).
org(s1, edu_bureau).
rank(s1, section).
incident(s1, i1).
"""


def procedure(tmp_path, dates: str, regime: str = "changzhou_edu"):
    path = tmp_path / "p.lp"
    path.write_text(CASE + dates, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--regime", regime, "--format", "json"])
    return result


def steps(result) -> dict:
    import json

    assert result.exit_code == 0, result.output
    r = json.loads(result.stdout)["results"][0]
    return {p["step"]: p for p in r["procedure"]}, r["conflicts"]


@pytest.mark.parametrize("filed, status", [("2024-10-12", "on_time"), ("2024-10-14", "late")])
def test_application_boundary_national_day(tmp_path, filed, status):
    got, _ = steps(
        procedure(tmp_path, f'date(i1, accountability_started, "2024-09-27").\ndate(i1, application_filed, "{filed}").\n')
    )
    assert got["application"] == {
        "article": "第十条第（一）项",
        "step": "application",
        "start": "accountability_started",
        "due": "2024-10-12",
        "actual": filed,
        "status": status,
    }


@pytest.mark.parametrize("given, status", [("2025-02-13", "on_time"), ("2025-02-14", "late")])
def test_feedback_boundary_spring_festival(tmp_path, given, status):
    got, _ = steps(procedure(tmp_path, f'date(i1, decision_made, "2025-01-24").\ndate(i1, feedback_given, "{given}").\n'))
    assert (got["feedback"]["due"], got["feedback"]["status"]) == ("2025-02-13", status)
    assert got["follow_up"]["due"] == "2026-01-24"


@pytest.mark.parametrize("done, status", [("2025-02-28", "on_time"), ("2025-03-01", "late")])
def test_investigation_three_calendar_months(tmp_path, done, status):
    got, _ = steps(
        procedure(tmp_path, f'date(i1, application_filed, "2024-11-30").\ndate(i1, investigation_concluded, "{done}").\n')
    )
    assert (got["investigation"]["due"], got["investigation"]["status"]) == ("2025-02-28", status)


def test_pending_without_actual_date(tmp_path):
    got, _ = steps(procedure(tmp_path, 'date(i1, accountability_started, "2024-03-15").\n'))
    assert got["application"]["status"] == "pending" and got["application"]["actual"] is None


def test_suspension_at_most_three_months(tmp_path):
    """第十条第（五）项: only a decision to suspend (暂缓作出决定) starts the 暂挂 period; "一般不超过三个月"
    sets the period as a rule, so past it is 超过一般时限, not 逾期 (issue 19 item 9)."""
    got, _ = steps(procedure(tmp_path, 'date(i1, suspension_ordered, "2024-01-31").\ndate(i1, decision_made, "2024-05-02").\n'))
    assert (got["suspension"]["start"], got["suspension"]["due"], got["suspension"]["status"]) == (
        "suspension_ordered",
        "2024-04-30",
        "beyond_usual",
    )
    assert got["suspension"]["note"] == "原文「暂挂时间一般不超过三个月」，为一般时限"
    got, _ = steps(
        procedure(tmp_path, 'date(i1, investigation_concluded, "2024-01-31").\ndate(i1, decision_made, "2024-05-02").\n')
    )
    assert "suspension" not in got  # no 暂缓 decision: no 暂挂 to review


def test_youxian_publicity_short_and_full(tmp_path):
    base = CASE.replace("changzhou_edu", "youxian").replace("edu_bureau", "government")
    for ended, status in (("2024-10-11", "on_time"), ("2024-10-10", "short")):
        path = tmp_path / "y.lp"
        path.write_text(
            base + f'date(i1, publicity_started, "2024-09-27").\ndate(i1, publicity_ended, "{ended}").\n', encoding="utf-8"
        )
        got, _ = steps(CliRunner().invoke(main, ["check", str(path), "--format", "json"]))
        assert (got["publicity"]["article"], got["publicity"]["due"], got["publicity"]["status"]) == (
            "第八条第（三）项",
            "2024-10-11",
            status,
        )


def test_changzhou_publicity_only_for_exempt(tmp_path):
    got, _ = steps(procedure(tmp_path, 'date(i1, publicity_started, "2024-09-27").\n'))
    assert "publicity" not in got  # the verdict is undetermined here: 属于免责的 is not established


def test_regimes_without_deadlines(tmp_path):
    """北京 sets no period after a decision: its steps are listed without a due date."""
    got, _ = steps(procedure(tmp_path, 'date(i1, decision_made, "2024-09-27").\n', regime="beijing"))
    assert {s: (p["due"], p["status"]) for s, p in got.items()} == {
        "archiving": (None, "owed"),
        "service": (None, "owed"),
        "appeal": (None, "if_applicable"),
    }


def test_out_of_order_dates_are_a_conflict(tmp_path):
    _, conflicts = steps(
        procedure(tmp_path, 'date(i1, application_filed, "2024-05-10").\ndate(i1, decision_made, "2024-05-01").\n')
    )
    [c] = [c for c in conflicts if c["kind"] == "date_order"]
    assert (c["earlier"], c["later"], c["lines"]) == ("application_filed", "decision_made", [8, 9])


def test_a_deadline_past_the_calendar_data_is_estimated_not_refused(tmp_path):
    """2027 is not in the packaged calendar: the verdict and the rest stand, the step says so."""
    got, _ = steps(procedure(tmp_path, 'date(i1, decision_made, "2026-12-25").\n'))
    fb = got["feedback"]
    assert (fb["status"], fb["due"]) == ("unknown_calendar", None)
    # Monday to Friday from 2026-12-28 (the packaged data knows 2026): ten days end on 2027-01-08
    assert fb["estimate"] == "2027-01-08" and "2027 年节假日安排未收录" in fb["note"]
    path = tmp_path / "p.lp"
    out = CliRunner().invoke(main, ["check", str(path)]).output
    assert "约至 2027-01-08（估算）" in out and "节假日安排未收录，无法计算" in out and "结论：" in out


HOLIDAYS_2027 = """% 测试用的 2027 年节假日安排（格式示例，非官方数据）
year 2027
2027-01-01 holiday
2027-02-05..2027-02-11 holiday   # 春节
2027-02-13 workday
"""


def test_a_supplied_holiday_notice_makes_the_deadline_exact(tmp_path):
    hol = tmp_path / "2027.txt"
    hol.write_text(HOLIDAYS_2027, encoding="utf-8")
    path = tmp_path / "p.lp"
    path.write_text(CASE + 'date(i1, decision_made, "2026-12-25").\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--holidays", str(hol), "--format", "json"])
    got, _ = steps(result)
    # 2027-01-01 is off: the tenth working day is one later than the weekday estimate
    assert (got["feedback"]["status"], got["feedback"]["due"]) == ("pending", "2027-01-11")
    path.write_text(CASE + 'date(i1, decision_made, "2027-02-01").\ndate(i1, feedback_given, "2027-02-15").\n', encoding="utf-8")
    got, _ = steps(CliRunner().invoke(main, ["check", str(path), "--holidays", str(hol), "--format", "json"]))
    # 02-02..02-04 (3), 02-05..02-11 off, 02-12 (4), 02-13 调休 (5), 02-15.. (6..)
    assert (got["feedback"]["due"], got["feedback"]["status"]) == ("2027-02-19", "on_time")


@pytest.mark.parametrize(
    "text, line",
    [
        ("year 2027\n2027-02-30 holiday\n", 2),
        ("year 2027\n2027-01-04 workday\n", 2),
        ("2027-01-01 holiday\n", 1),
        ("year 2027\n2027-01-01 off\n", 2),
        ("year 2027\n2027-02-11..2027-02-05 holiday\n", 2),
    ],
)
def test_a_bad_holiday_file_is_refused_with_its_line(tmp_path, text, line):
    hol = tmp_path / "h.txt"
    hol.write_text(text, encoding="utf-8")
    path = tmp_path / "p.lp"
    path.write_text(CASE, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--holidays", str(hol)])
    assert result.exit_code == 2 and f"h.txt:{line}:" in result.output, result.output


def test_text_report_has_timeline(tmp_path):
    path = tmp_path / "t.lp"
    path.write_text(
        CASE + 'date(i1, accountability_started, "2024-09-27").\ndate(i1, application_filed, "2024-10-14").\n', encoding="utf-8"
    )
    out = CliRunner().invoke(main, ["check", str(path)]).output
    assert "时限审查" in out and "提出申请（第十条第（一）项）：期限至 2024-10-12（含当日）；实际 2024-10-14；逾期" in out


END_OF_CALENDAR = (
    'date(i1, application_filed, "9999-11-30").\ndate(i1, decision_made, "9999-12-25").\n'
    'date(i1, publicity_started, "9999-12-30").\n'
)


@pytest.mark.parametrize("supplied", [False, True])
def test_a_deadline_past_the_last_day_of_the_calendar_is_a_finding_not_a_crash(tmp_path, supplied):
    """Year 9999: three months or ten working days run past 9999-12-31, with or without a supplied
    notice for 9999; each step says it cannot be counted, the rest of the result stands."""
    hol = tmp_path / "9999.txt"
    hol.write_text("year 9999\n9999-12-31 holiday\n", encoding="utf-8")
    path = tmp_path / "p.lp"
    path.write_text(CASE + END_OF_CALENDAR, encoding="utf-8")
    extra = ["--holidays", str(hol)] if supplied else []
    got, _ = steps(CliRunner().invoke(main, ["check", str(path), "--format", "json", *extra]))
    for step in ("investigation", "feedback", "follow_up"):
        assert (got[step]["status"], got[step]["due"]) == ("unknown_calendar", None)
        assert "estimate" not in got[step] and "9999-12-31" in got[step]["note"]
    result = CliRunner().invoke(main, ["check", str(path), *extra])
    assert (
        result.exit_code == 0
        and "认定反馈（第十条第（三）项）：期限超出日历可表示的范围（至 9999-12-31），无法计算" in result.output
    )


def test_publicity_past_the_last_day_of_the_calendar(tmp_path):
    base = CASE.replace("changzhou_edu", "youxian").replace("edu_bureau", "government")
    path = tmp_path / "y.lp"
    path.write_text(base + 'date(i1, publicity_started, "9999-12-28").\n', encoding="utf-8")
    got, _ = steps(CliRunner().invoke(main, ["check", str(path), "--format", "json"]))
    assert got["publicity"]["status"] == "unknown_calendar" and "estimate" not in got["publicity"]


def test_a_file_dated_9999_does_not_stop_a_batch(tmp_path):
    import json

    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a.lp").write_text(CASE + END_OF_CALENDAR, encoding="utf-8")
    (cases / "b.lp").write_text(CASE + 'date(i1, decision_made, "2024-09-27").\n', encoding="utf-8")
    out = tmp_path / "r.jsonl"
    result = CliRunner().invoke(main, ["batch", str(cases), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["file"].rsplit("/", 1)[-1] for r in records) == ["a.lp", "b.lp"]


def test_xsbn_investigation_twenty_working_days_is_a_usual_limit(tmp_path):
    """西双版纳 第九条第（二）项 "容错调查核实一般应当在 20 个工作日内完成": beyond_usual; the hard
    15-working-day acceptance reply of 第九条第（一）项 stays late."""
    base = CASE.replace("changzhou_edu", "xsbn_college").replace("edu_bureau", "college")
    path = tmp_path / "x.lp"
    path.write_text(
        base
        + 'date(i1, application_filed, "2024-03-01").\ndate(i1, acceptance_replied, "2024-04-01").\n'
        + 'date(i1, investigation_concluded, "2024-05-06").\n',
        encoding="utf-8",
    )
    got, _ = steps(CliRunner().invoke(main, ["check", str(path), "--format", "json"]))
    assert (got["acceptance_reply"]["status"], got["investigation"]["status"]) == ("late", "beyond_usual")
    assert got["investigation"]["due"] == "2024-04-29"  # 04-04..04-06 清明, 04-07 (Sun) a working day
    assert "note" not in got["acceptance_reply"]
    out = CliRunner().invoke(main, ["check", str(path)]).output
    assert (
        "调查核实（第九条第（二）项）：期限至 2024-04-29（含当日）；实际 2024-05-06；超过一般时限"
        "（原文「容错调查核实一般应当在 20 个工作日内完成」，为一般时限）"
    ) in out
    assert "受理答复（第九条第（一）项）：期限至 2024-03-22（含当日）；实际 2024-04-01；逾期" in out


@pytest.mark.parametrize("regime", ["beijing", "changzhou_edu", "youxian", "xsbn_college", "university"])
def test_procedure_facts_name_known_steps_and_quote_their_text(regime):
    from rongcuo_asp.encoding import load_encoding
    from rongcuo_asp.procedure import procedure_facts
    from rongcuo_asp.vocabulary import vocabulary

    enc = load_encoding(regime)
    facts = procedure_facts(enc.text)
    deadlines = {(d[0], d[1]) for d in enc.data.get("deadline", [])}
    voc = vocabulary()
    for article, step, phrase in facts.get("usual_limit", []):
        assert (article, step) in deadlines, (article, step)
        assert phrase in enc.quote(article), phrase
    for article, step, start, done, kind, phrase in facts.get("procedure_step", []):
        assert step in voc.data["procedure_steps"] and {start, done} <= set(voc.events), (article, step)
        assert kind in ("required", "if_applicable") and phrase in enc.quote(article), (article, phrase)
    for article, step, actual, limit, phrase in facts.get("no_later_than", []):
        assert step in voc.data["procedure_steps"] and {actual, limit} <= set(voc.events), (article, step)
        assert phrase in enc.quote(article), (article, phrase)
    # every procedure fact of the text is read (a misspelt name or arity would be silently ignored)
    written = sum(enc.text.count(f"\n{name}(") for name in ("usual_limit", "procedure_step", "no_later_than", "only_when"))
    assert written == sum(len(v) for v in facts.values()) > 0


def regime_case(tmp_path, regime: str, dates: str):
    org = {"youxian": "government", "xsbn_college": "college", "university": "college"}.get(regime, "edu_bureau")
    path = tmp_path / f"{regime}.lp"
    path.write_text(CASE.replace("changzhou_edu", regime).replace("edu_bureau", org) + dates, encoding="utf-8")
    return path


def listed(tmp_path, regime: str, dates: str) -> list[tuple[str, str, str | None, str]]:
    import json

    result = CliRunner().invoke(main, ["check", str(regime_case(tmp_path, regime, dates)), "--format", "json"])
    assert result.exit_code == 0, result.output
    return [(p["article"], p["step"], p["actual"], p["status"]) for p in json.loads(result.stdout)["results"][0]["procedure"]]


DECIDED = 'date(i1, decision_made, "2024-05-06").\n'


@pytest.mark.parametrize(
    "regime, dates, expected",
    [
        (
            "changzhou_edu",
            'date(i1, accountability_started, "2024-03-01").\ndate(i1, right_notified, "2024-03-01").\n' + DECIDED,
            [
                ("第十条第（一）项", "application", None, "pending"),
                ("第十条第（一）项", "notify_right", "2024-03-01", "done"),
                ("第十条第（三）项", "feedback", None, "pending"),
                ("第十条第（三）项", "approval", None, "owed"),
                ("第十条第（四）项", "follow_up", None, "if_applicable"),  # the verdict is open
            ],
        ),
        (
            "youxian",
            'date(i1, application_filed, "2024-03-01").\n' + DECIDED + 'date(i1, record_filed, "2024-05-08").\n',
            [
                ("第八条第（二）项", "acceptance_reply", None, "owed"),
                ("第八条第（四）项", "feedback", None, "owed"),
                ("第八条第（四）项", "archiving", None, "owed"),
                ("第八条第（四）项", "record_filing", "2024-05-08", "done"),
            ],
        ),
        (
            "xsbn_college",
            'date(i1, investigation_concluded, "2024-04-26").\n' + DECIDED + 'date(i1, archived, "2024-05-09").\n',
            [
                ("第九条第（三）项", "decision", "2024-05-06", "done"),
                ("第九条第（四）项", "feedback", None, "pending"),
                ("第九条第（四）项", "notification", None, "owed"),
                ("第九条第（五）项", "archiving", "2024-05-09", "done"),
            ],
        ),
        (
            "university",
            'date(i1, application_filed, "2024-03-01").\n' + DECIDED + 'date(i1, appeal_filed, "2024-05-20").\n',
            [
                ("第七条第（一）项", "acceptance_reply", None, "owed"),
                ("第七条第（三）项", "referral", None, "if_applicable"),
                ("第七条第（四）项", "feedback", None, "owed"),
                ("第七条第（四）项", "appeal", "2024-05-20", "done"),
            ],
        ),
        (
            "beijing",
            'date(i1, application_filed, "2024-05-06").\n' + DECIDED + 'date(i1, decision_served, "2024-05-07").\n',
            [
                ("第十一条第二款", "application", "2024-05-06", "on_time"),
                ("第十四条第二款", "archiving", None, "owed"),
                ("第十五条", "service", "2024-05-07", "done"),
                ("第十六条", "appeal", None, "if_applicable"),
            ],
        ),
    ],
)
def test_steps_without_a_deadline_are_listed_owed_or_done(tmp_path, regime, dates, expected):
    """Issue 19 item 11: every step the text sets without a period, in the order of the articles."""
    assert listed(tmp_path, regime, dates) == expected


def test_steps_wait_for_the_procedure_to_reach_them(tmp_path):
    """Before the decision, nothing after it is owed; with no date at all, no step is listed."""
    assert listed(tmp_path, "xsbn_college", "") == []
    assert [s for _, s, _, _ in listed(tmp_path, "university", 'date(i1, application_filed, "2024-03-01").\n')] == [
        "acceptance_reply"
    ]


def test_beijing_application_after_the_decision_cites_article_11(tmp_path):
    """北京 第十一条第二款 "责任追究机关作出处理决定前……提出书面容错申请": an application dated after the
    decision is late, citing that paragraph, beside the date-order conflict."""
    path = regime_case(tmp_path, "beijing", 'date(i1, application_filed, "2024-05-10").\n' + DECIDED)
    got, conflicts = steps(CliRunner().invoke(main, ["check", str(path), "--format", "json"]))
    app = got["application"]
    assert (app["article"], app["start"], app["due"], app["actual"], app["status"]) == (
        "第十一条第二款",
        "decision_made",
        "2024-05-06",
        "2024-05-10",
        "late",
    )
    assert "本工具的理解：处理决定作出当日提出的申请，视为在处理决定前提出" in app["note"]
    assert [c["kind"] for c in conflicts] == ["date_order"]
    out = CliRunner().invoke(main, ["check", str(path)]).output
    assert (
        "提出申请（第十一条第二款）：期限至 2024-05-06（含当日）；实际 2024-05-10；逾期（原文「责任追究机关作出处理决定前」"
        in out
    )
    assert "申诉（第十六条）：未规定期限；实际 —；视情形办理，尚无日期（原文「对责任追究机关不予容错" in out


FOLLOW_UP_READING = "本工具的理解：「作出容错认定结论的干部」指经认定予以容错（从轻、减轻或免责）的干部"


@pytest.mark.parametrize(
    "outcome, verdict, status, due",
    [
        ("exempt", "tolerable", "pending", "2025-05-06"),
        ("mitigate", "tolerable", "pending", "2025-05-06"),
        (None, "undetermined", "if_applicable", "2025-05-06"),
        (None, None, "if_applicable", "2025-05-06"),  # verdict not given: open
        (None, "not_tolerable", "not_applicable", None),
        (None, "not_applicable", "not_applicable", None),
    ],
)
def test_follow_up_only_for_a_tolerance_conclusion(tmp_path, outcome, verdict, status, due):
    """常州 第十条第（四）项 "对作出容错认定结论的干部……一年内……跟踪管理" (issue 19 item 12): read as a
    conclusion that tolerance applies; a 不予容错 decision owes no follow-up; the reading is stated."""
    from rongcuo_asp.encoding import load_encoding
    from rongcuo_asp.factfile import read_fact_file
    from rongcuo_asp.procedure import review

    path = tmp_path / "p.lp"
    path.write_text(CASE + DECIDED, encoding="utf-8")
    ff = read_fact_file(path)
    entries, _ = review(ff, ff.incidents["i1"], load_encoding("changzhou_edu"), outcome, verdict)
    [follow] = [e for e in entries if e["step"] == "follow_up"]
    assert (follow["status"], follow["due"]) == (status, due)
    assert FOLLOW_UP_READING in follow["note"]
    [feedback] = [e for e in entries if e["step"] == "feedback"]
    assert feedback["status"] == "pending"  # the other steps do not depend on the verdict


def test_follow_up_reading_in_the_report(tmp_path):
    from rongcuo_asp.documents import procedure_text

    text = procedure_text(
        {
            "article": "第十条第（四）项",
            "step": "follow_up",
            "start": "decision_made",
            "due": None,
            "actual": None,
            "status": "not_applicable",
            "note": FOLLOW_UP_READING + "。",
        }
    )
    assert text == f"跟踪回访（第十条第（四）项）：不适用（{FOLLOW_UP_READING}。）"
    path = tmp_path / "p.lp"
    path.write_text(CASE + DECIDED, encoding="utf-8")
    out = CliRunner().invoke(main, ["check", str(path)]).output
    assert "跟踪回访（第十条第（四）项）：跟踪回访至 2025-05-06；实际 —；视情形办理，尚无日期（" + FOLLOW_UP_READING in out
