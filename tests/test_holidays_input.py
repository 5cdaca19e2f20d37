"""--holidays: a hostile or careless file is refused quickly and briefly (issue 20, items 10 and 15)."""

import os
import threading

import pytest
from click.testing import CliRunner

from rongcuo_asp.cli import main
from rongcuo_asp.holidays import MAX_HOLIDAY_BYTES

CASE = """case(c1).
regime(c1, changzhou_edu).
subject(c1, s1).
subject_kind(s1, individual).
org(s1, edu_bureau).
rank(s1, section).
incident(s1, i1).
date(i1, decision_made, "2026-12-25").
"""


def run(tmp_path, holidays: str):
    path = tmp_path / "p.lp"
    path.write_text(CASE, encoding="utf-8")
    return CliRunner().invoke(main, ["check", str(path), "--holidays", holidays])


def test_errors_are_capped_at_twenty_then_counted(tmp_path):
    """One line per weekday of a year marked workday: 261 errors; 5 000 bad lines: 5 000 more."""
    hol = tmp_path / "h.txt"
    hol.write_text("year 2027\n2027-01-01..2027-12-31 workday\n" + "garbage\n" * 5000, encoding="utf-8")
    result = run(tmp_path, str(hol))
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert len(lines) == 21, lines[:3]
    assert all(line.startswith(f"{hol}:") for line in lines)
    assert lines[-1].endswith("……及其他 5241 处错误（仅列出前 20 处）")
    assert "Traceback" not in result.output


def test_few_errors_have_no_tail(tmp_path):
    hol = tmp_path / "h.txt"
    hol.write_text("year 2027\ngarbage\n", encoding="utf-8")
    result = run(tmp_path, str(hol))
    assert result.exit_code == 2 and "及其他" not in result.output and "h.txt:2:" in result.output


def _refused(result, text: str) -> None:
    assert result.exit_code == 2, result.output
    assert text in result.output and "Traceback" not in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "h.fifo"
    os.mkfifo(fifo)
    done: list = []
    worker = threading.Thread(target=lambda: done.append(run(tmp_path, str(fifo))), daemon=True)
    worker.start()
    worker.join(10)
    if not done:  # still blocked on the FIFO: unblock it so the test run can end, then fail
        with open(fifo, "w"):
            pass
        worker.join(5)
        pytest.fail("--holidays waited on a FIFO")
    _refused(done[0], "不是普通文件")


def test_a_device_is_refused(tmp_path):
    _refused(run(tmp_path, "/dev/zero"), "不是普通文件")


def test_a_large_file_is_refused_before_reading(tmp_path):
    hol = tmp_path / "big.txt"
    hol.write_text("year 2027\n" + "% comment\n" * (MAX_HOLIDAY_BYTES // 10 + 1), encoding="utf-8")
    _refused(run(tmp_path, str(hol)), "文件过大")


def test_a_directory_or_missing_file_is_refused(tmp_path):
    _refused(run(tmp_path, str(tmp_path / "none.txt")), "无法读取节假日文件")
