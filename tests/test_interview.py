"""The guided interview: scripted answers in Chinese, resumption, refusals, and the oracle test."""

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BEIJING, REPO

from rongcuo_asp.cli import main
from rongcuo_asp.factfile import parse_fact_text, read_fact_file
from rongcuo_asp.interview import UNKNOWN, Interview, answer_from
from rongcuo_asp.reasoner import solver
from rongcuo_asp.repeats import derive_repeats
from rongcuo_asp.results import check_file, known_facts

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402

# The Beijing case with its incident's facts open: the interview has to find the rest.
OPEN = "\n".join(line for line in BEIJING.splitlines() if not line.startswith(("holds(i1", "-holds(i1", "level(")))
OPEN = OPEN.replace("level(i1, mass_incident, none). ", "") + "\n"


def interview(*args, answers: str = ""):
    return CliRunner().invoke(main, ["interview", *map(str, args)], input=answers)


def test_scripted_interview_in_chinese_ends_with_the_report(tmp_path):
    out = tmp_path / "新案.lp"
    facts = "干部个人\n是\n否\n否\n否\n无\n无\n无\n是\n否\n否\n否\n否\n" + "不清楚\n" * 12 + "是\n是\n是\n"
    answers = "新案\n北京市办法\n" + facts + "王某\n容缺受理试点\n2024-03-15\n"
    result = interview("-o", out, answers=answers)
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "问：本案适用哪部办法？" in err and "问：当事人是干部个人还是单位？" in err
    assert "为什么问：" in err and "若答「是」：即可认定：不予容错（第十条第（一）项）" in err
    assert "单凭此项" not in err  # every answer says what it changes
    # the records the opinion needs come once the verdict is decided, after every fact
    last_fact = err.index("出现一定程序瑕疵")
    assert err.index("问：失误发生日期") > last_fact and err.index("问：当事人姓名") > last_fact
    text = out.read_text(encoding="utf-8")
    assert 'name(s1, "王某").' in text and "regime(c1, beijing)." in text and "% 问：当事人是干部个人还是单位？" in text
    assert 'matter(i1, "容缺受理试点").' in text and 'date(i1, occurred, "2024-03-15").' in text
    read_fact_file(out)  # the file re-reads: valid and complete after every answer
    assert "【结论：" in result.stdout and "王某：容缺受理试点（i1）" in result.stdout
    assert "共回答" in err


def test_only_facts_that_can_change_the_verdict_are_asked(write):
    path = write(OPEN)
    session = Interview(path.read_text(encoding="utf-8"), str(path), None)
    s = solver("beijing")
    complete = parse_fact_text(BEIJING.encode())
    hidden = known_facts(complete, complete.incidents["i1"], derive_repeats(complete))
    asked = []
    while (q := session.next_question()) is not None:
        if q.key is not None:
            known = session.known(session.ff.incidents["i1"])
            assert q.key in s.relevant_unknown(known), q.text
            asked.append(q.key)
        session.answer(q, answer_from(q, hidden))
    assert len(asked) == len(set(asked)) and len(asked) < len(s.deciding)
    [r] = check_file(session.ff, None)
    assert (r["verdict"], r["outcome"]) == ("tolerable", "exempt")


def test_unknown_back_and_end(write):
    path = write(OPEN)
    result = interview(path, answers="不清楚\n不清楚\n否\n返回\n结束\n")
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert text.count("% 答：不清楚") == 2 and "% rongcuo:unknown i1 holds(i1,knowing_violation)" in text
    assert "% 答：否" not in text  # 返回 took the last answer back
    assert "已撤销上一个回答" in result.stderr and "不清楚 2 个" in result.stderr
    again = interview(path, answers="结束\n")
    assert "明知故犯" not in again.stderr.split("回答>")[0]  # 不清楚 is not asked again: the file remembers


def test_an_interrupted_interview_continues_where_it_stopped(write):
    path = write(OPEN)
    first = interview(path, answers="不清楚\n不清楚\n否\n")  # the answers run out, as when interrupted
    assert first.exit_code == 0
    before = path.read_text(encoding="utf-8")
    first_questions = [line for line in first.stderr.splitlines() if line.startswith("问：")]
    second = interview(path, answers="结束\n")
    next_question = [line for line in second.stderr.splitlines() if line.startswith("问：")][0]
    assert next_question not in first_questions[:3]
    assert path.read_text(encoding="utf-8") == before  # 结束 adds nothing


@pytest.mark.parametrize(
    ("answers", "needle"),
    [
        ("不清楚\n不清楚\n不清楚\n2024-02-30\n", "第 4 个回答：不存在的日期：2024-02-30"),
        ("不清楚\n不清楚\n不清楚\n15/03/2024\n", "第 4 个回答：日期格式应为 YYYY-MM-DD"),
        ("不清楚\n不清楚\n也许\n", "第 3 个回答：无法识别的回答「也许」"),
    ],
)
def test_bad_answers_are_refused_with_their_line_and_nothing_is_lost(write, tmp_path, answers, needle):
    path = write(OPEN if "也许" in answers else BEIJING)  # BEIJING is decided: its names, 事由 and date are asked
    script = tmp_path / "answers.txt"
    script.write_text(answers, encoding="utf-8")
    result = interview(path, "--answers", script)
    assert result.exit_code == 2 and needle in result.output
    assert "% rongcuo:unknown " in path.read_text(encoding="utf-8")  # the first answer was kept


def test_non_utf8_answers_file_is_refused(write, tmp_path):
    script = tmp_path / "answers.txt"
    script.write_bytes("否\n".encode("gbk"))
    result = interview(write(OPEN), "--answers", script)
    assert result.exit_code == 2 and "答案文件" in result.output


def test_evidence_note_is_kept_as_a_comment(write):
    path = write(OPEN)
    interview(path, answers="否｜询问笔录（2024-04-02）第3页\n")
    text = path.read_text(encoding="utf-8")
    assert "% 证据/出处：询问笔录（2024-04-02）第3页" in text
    assert 'evidence(i1, knowing_violation, "询问笔录（2024-04-02）第3页").' in text  # the evidence atom
    assert read_fact_file(path).incidents["i1"].evidence == {"knowing_violation": ["询问笔录（2024-04-02）第3页"]}


def test_json_questions_for_a_program(write):
    result = interview(write(OPEN), "--format", "json", answers="不清楚\n不清楚\n否\n结束\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    questions, final = lines[:-1], lines[-1]
    assert questions[0]["fact"] == "holds(i1,knowing_violation)" and questions[2]["options"][0] == {"value": True, "label": "是"}
    assert questions[2]["why"]["articles"] and questions[2]["why"]["leads"]
    assert final["results"][0]["regime"] == "beijing" and final["interview"]["unknown"]


def _hide(text: str) -> str:
    """The case with every fact of its subject and incident hidden (the declarations stay)."""
    keep = ("case(", "subject(", "incident(", "regime(", "matter(", "date(", "name(")
    return "".join(line + "\n" for line in text.splitlines() if line.startswith(keep))


def _oracle(text: str, regime: str | None) -> None:
    hidden_ff = parse_fact_text(text.encode())
    reps = derive_repeats(hidden_ff)
    session = Interview(_hide(text), "oracle.lp", regime)
    while (q := session.next_question()) is not None:
        inc = hidden_ff.incidents[q.incident]
        session.answer(q, answer_from(q, known_facts(hidden_ff, inc, reps)) if q.key else UNKNOWN)
    got = {(r["incident"], r["regime"]): (r["verdict"], r["outcome"]) for r in check_file(session.ff, regime)}
    want = {(r["incident"], r["regime"]): (r["verdict"], r["outcome"]) for r in check_file(hidden_ff, regime)}
    assert got == want


@pytest.mark.parametrize("regime", ["changzhou_edu", "youxian", "xsbn_college", "university", "beijing"])
def test_oracle_generated_complete_incidents(regime):
    """Answered from a complete hidden file, the interview ends with exactly check's verdict and outcome."""
    for n in range(4):
        _oracle(generate(1, seed=7, known=1.0, offset=n), regime)


# every third scenario file that names its regime(s): each regime's files are among them
SCENARIOS = [p for p in sorted((REPO / "facts" / "scenarios").rglob("*.lp")) if "\nregime(" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("path", SCENARIOS[::3], ids=lambda p: str(p.relative_to(REPO / "facts" / "scenarios")))
def test_oracle_scenario_files(path: Path):
    _oracle(path.read_text(encoding="utf-8"), None)


def test_interactive_bad_answers_are_asked_again(write):
    """At a terminal (a pty), a bad answer is explained and the same question asked again."""
    import os
    import pty
    import shutil
    import subprocess

    path = write(BEIJING)  # decided: its names, 事由 and date are asked
    master, slave = pty.openpty()
    exe = shutil.which("rongcuo") or sys.executable
    args = [exe, "interview", str(path)] if exe.endswith("rongcuo") else [exe, "-m", "rongcuo_asp", "interview", str(path)]
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    os.write(master, "不清楚\n不清楚\n不清楚\n2024-02-30\n2024-03-15\n".encode())
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(timeout=60) == 0
    text = out.decode("utf-8", "replace")
    assert "不存在的日期：2024-02-30" in text
    assert text.count("问：失误发生日期") == 2  # asked again after the bad answer
    assert 'date(i1, occurred, "2024-03-15").' in path.read_text(encoding="utf-8")
