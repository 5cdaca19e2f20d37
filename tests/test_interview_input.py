"""The interview where its input ends, closes or is interrupted, and where the case's name makes a bad
file name (issue 20 item 16); a program driving it one answer at a time (issue 21 §3)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

from click.testing import CliRunner
from conftest import BEIJING
from test_interview import OPEN

from rongcuo_asp.cli import main
from rongcuo_asp.factfile import read_fact_file


def _command(*args) -> list[str]:
    exe = shutil.which("rongcuo")
    return [exe, "interview", *map(str, args)] if exe else [sys.executable, "-m", "rongcuo_asp", "interview", *map(str, args)]


def test_closed_stdin_ends_cleanly_and_writes_nothing(write):
    path = write(OPEN)
    before = path.read_text(encoding="utf-8")
    cmd = " ".join(f"'{a}'" for a in _command(path)) + " <&-"
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "AttributeError" not in proc.stderr
    assert "未写入" in proc.stderr and "事实已写入" not in proc.stderr
    assert path.read_text(encoding="utf-8") == before


def test_stdin_at_eof_does_not_claim_a_file_it_never_wrote(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["interview", "--regime", "beijing"], input="")
    assert result.exit_code == 0, result.output
    assert "事实已写入" not in result.stderr and "未写入" in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing answered, nothing written


def test_a_long_case_name_names_a_file_that_can_be_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "某区政务服务中心容缺受理" * 20  # 240 characters, 720 bytes in UTF-8
    runner = CliRunner()
    first = runner.invoke(main, ["interview", "--regime", "beijing"], input=f"{name}\n")
    assert first.exit_code == 0, first.output
    [path] = list(tmp_path.iterdir())
    assert len(path.name.encode("utf-8")) <= 200 and path.name.startswith("某区政务服务中心") and path.suffix == ".lp"
    assert f'name(c1, "{name}").' in path.read_text(encoding="utf-8")  # the answer is kept, whole
    assert f"事实已写入 {path.name}" in first.stderr
    second = runner.invoke(main, ["interview", "--regime", "beijing"], input=f"{name}\n")
    assert second.exit_code == 0, second.output
    assert len(list(tmp_path.iterdir())) == 2  # the same name again: a new file, the first one kept
    read_fact_file(path)


def _read_until(stream, needle: bytes, timeout: float = 60) -> bytes:
    """Read a pipe until `needle` appears (os.read: nothing buffered ahead)."""
    out, end = b"", time.monotonic() + timeout
    while needle not in out:
        assert time.monotonic() < end, out.decode("utf-8", "replace")
        chunk = os.read(stream.fileno(), 4096)
        assert chunk, out.decode("utf-8", "replace")
        out += chunk
    return out


def test_ctrl_c_stops_cleanly_with_everything_answered_kept(write):
    path = write(OPEN)
    proc = subprocess.Popen(_command(path), stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdin is not None and proc.stderr is not None
    watchdog = threading.Timer(120, proc.kill)
    watchdog.start()
    _read_until(proc.stderr, "\n问：".encode())
    proc.stdin.write("不清楚｜卷宗未载\n".encode())
    proc.stdin.flush()
    _read_until(proc.stderr, "\n问：".encode())  # the next question: the first answer is written
    proc.send_signal(signal.SIGINT)
    rest = proc.communicate(timeout=60)[1].decode("utf-8", "replace")
    watchdog.cancel()
    assert proc.returncode == 130, rest
    assert "Traceback" not in rest and "已中断" in rest and str(path) in rest
    assert "% rongcuo:unknown i1" in path.read_text(encoding="utf-8")


def test_a_program_answers_each_json_question_after_reading_it(write):
    """Standard input is read one line a question: a program answers after it has seen the question."""
    path = write(BEIJING.replace("holds(i1, remedied).\n", "").replace("-holds(i1, political_discipline_violation).\n", ""))
    proc = subprocess.Popen(
        _command(path, "--format", "json"), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert proc.stdin is not None and proc.stdout is not None
    watchdog = threading.Timer(120, proc.kill)  # a run that waits for all of stdin is killed, not waited for
    watchdog.start()
    seen = []
    while True:
        line = proc.stdout.readline()
        assert line, seen
        data = json.loads(line)
        if "results" in data:
            break
        seen.append(data["fact"])
        answer = {"holds(i1,remedied)": "是", "holds(i1,political_discipline_violation)": "否"}.get(data["fact"], "不清楚")
        proc.stdin.write(f"{answer}\n".encode())
        proc.stdin.flush()
    proc.stdin.close()
    watchdog.cancel()
    assert proc.wait(timeout=60) == 0
    assert {"holds(i1,remedied)", "holds(i1,political_discipline_violation)"} <= set(seen)
    [result] = data["results"]
    assert (result["verdict"], result["outcome"]) == ("tolerable", "exempt")


def test_a_catch_all_item_is_asked_after_the_specific_items_it_backs_up(write):
    """游仙 第七条（十）「其他符合容错免责情形」 comes after every specific 第七条 item's fact."""
    from rongcuo_asp.interview import UNKNOWN, Interview
    from rongcuo_asp.reasoner import solver

    text = "case(c1).\nregime(c1, youxian).\nsubject(c1, s1).\nincident(s1, i1).\nsubject_kind(s1, individual).\n"
    text += "org(s1, government).\nholds(s1, public_official).\nrank(s1, section).\n"
    session = Interview(write(text).read_text(encoding="utf-8"), None, None)
    asked = []
    while (q := session.next_question()) is not None:
        if q.key is not None:
            asked.append(q.key)
        session.answer(q, UNKNOWN)
    places = solver("youxian").places
    catch_all = [n for n, k in enumerate(asked) if k.name == "other_approved"]
    specific = [n for n, k in enumerate(asked) if places[k].role == "scenario" and k.name != "other_approved"]
    assert catch_all and specific and catch_all[0] > max(specific)


def test_a_question_in_the_regimes_words_keeps_the_facts_polarity(write):
    """常州 第六条（六） asks 「未违反政治纪律政治规矩」: 是 states the violation absent; a phrase whose
    polarity is not the literal's (西双版纳 第三条「非因主观故意」 for 明知故犯) is not used."""
    from rongcuo_asp.interview import Interview, _law_phrase
    from rongcuo_asp.reasoner import FactKey

    text = "case(c1).\nregime(c1, changzhou_edu).\nsubject(c1, s1).\nincident(s1, i1).\n"
    session = Interview(write(text).read_text(encoding="utf-8"), None, None)
    while (q := session.next_question()) is not None:
        if q.key == FactKey.feature("i", "political_discipline_violation"):
            assert "「未违反政治纪律政治规矩」" in q.text
            session.answer(q, "是")
            break
        session.answer(q, "不清楚")
    assert "-holds(i1,political_discipline_violation)." in session.text
    phrase = _law_phrase("xsbn_college", FactKey.feature("i", "knowing_violation"))
    assert phrase is None or not phrase[1].startswith("非")


def test_why_says_which_reading_decides_the_item(write):
    """游仙 第七条 "有下列情形之一" read as conditions and scenarios: its items' 为什么问 say so."""
    from rongcuo_asp.interview import Interview

    text = "case(c1).\nregime(c1, youxian).\nsubject(c1, s1).\nincident(s1, i1).\nsubject_kind(s1, individual).\n"
    text += "org(s1, government).\nholds(s1, public_official).\nrank(s1, section).\n"
    session = Interview(write(text).read_text(encoding="utf-8"), None, None)
    while (q := session.next_question()) is not None:
        if any(a["article"].startswith("第七条第（") for a in q.articles):
            assert any(lead.startswith("本工具的理解：按第（一）至（六）项为须同时具备的条件") for lead in q.leads), q.leads
            assert any("“有下列情形之一”即可容错" in lead for lead in q.leads)
            return
        session.answer(q, "不清楚")
    raise AssertionError("no 第七条 item asked")


def test_a_level_given_as_a_range_is_understood(write):
    """「未达「重大」」 is stored as the range it is (level_at_most, never an invented value);
    a range of one value (「特别重大」以上) is that value."""
    path = write(OPEN)
    ranged = CliRunner().invoke(main, ["interview", str(path)], input="否\n否\n否\n未达「重大」\n")
    assert ranged.exit_code == 0, ranged.output
    text = path.read_text(encoding="utf-8")
    assert "level_at_most(i1, accident, larger)." in text and "level(i1, accident," not in text
    path = write(OPEN)
    taken = CliRunner().invoke(main, ["interview", str(path)], input="否\n否\n否\n特别重大以上\n")
    assert taken.exit_code == 0, taken.output
    assert "level(i1,accident,extraordinary)." in path.read_text(encoding="utf-8")


def test_answers_from_a_device_or_an_endless_line_are_refused_not_read_whole(write, tmp_path):
    """--answers /dev/zero or a standard input of /dev/zero filled gigabytes of memory."""
    path = write(OPEN)
    device = CliRunner().invoke(main, ["interview", str(path), "-o", str(tmp_path / "o.lp"), "--answers", "/dev/zero"])
    assert device.exit_code == 2 and "不是普通文件" in device.output
    fifo = tmp_path / "answers.fifo"
    os.mkfifo(fifo)
    piped = CliRunner().invoke(main, ["interview", str(path), "-o", str(tmp_path / "o.lp"), "--answers", str(fifo)])
    assert piped.exit_code == 2 and "不是普通文件" in piped.output  # opened without blocking, never waited on
    endless = CliRunner().invoke(main, ["interview", str(path), "-o", str(tmp_path / "o.lp")], input="否" * 100_000 + "\n")
    assert endless.exit_code == 2 and "第 1 个回答过长" in endless.output
    assert len(endless.output) < 20_000  # the answer is not echoed back whole


def test_o_onto_another_existing_file_is_refused_not_replaced(write, tmp_path):
    """-o naming another case's file (or an earlier interview's) replaced it with this session."""
    other = tmp_path / "other.lp"
    other.write_text(BEIJING, encoding="utf-8")
    result = CliRunner().invoke(main, ["interview", str(write(OPEN)), "-o", str(other)], input="否\n")
    assert result.exit_code == 2 and "文件已存在" in result.output
    assert other.read_text(encoding="utf-8") == BEIJING
    fresh = CliRunner().invoke(main, ["interview", "--regime", "beijing", "-o", str(other)], input="结束\n")
    assert fresh.exit_code == 2 and other.read_text(encoding="utf-8") == BEIJING


def test_a_refused_answer_is_quoted_with_its_hidden_characters_shown(write):
    """The refusal quotes the answer: a bidi override or ESC in it is shown escaped, never sent to
    the terminal (where it would reorder the message or move the cursor)."""
    path = write(OPEN)
    result = CliRunner().invoke(main, ["interview", str(path), "--regime", "beijing"], input="\u202e1\x1b[2J\n")
    assert result.exit_code == 2
    assert "\u202e" not in result.stderr and "\x1b" not in result.stderr
    assert "第 1 个回答：回答中不允许 U+202E" in result.stderr, result.stderr
