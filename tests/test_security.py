"""Hostile places and hostile input (issue 20): what outputs may replace, what inputs may cost."""

import os
import stat

import pytest
from click.testing import CliRunner
from conftest import BEIJING

from rongcuo_asp.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# -- writing: -o replaces only a regular file the user may write, never an input --------------


@pytest.mark.parametrize("command", [["check"], ["explain"], ["batch", "--no-progress"]])
def test_output_refuses_to_replace_a_fifo_or_directory(write, tmp_path, command):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run(*command, write(BEIJING), "-o", fifo)
    assert result.exit_code == 2 and f"无法写入 {fifo}" in result.output and "不是普通文件" in result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_output_refuses_to_replace_a_device(write, tmp_path):
    dev = tmp_path / "null"
    os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
    for command in (["check"], ["batch", "--no-progress"], ["batch", "--no-progress", "--format", "xlsx"]):
        result = run(*command, write(BEIJING), "-o", dev)
        assert result.exit_code == 2 and "是设备而不是普通文件" in result.output, command
        assert stat.S_ISCHR(os.lstat(dev).st_mode)


@pytest.mark.parametrize("command", [["check"], ["batch", "--no-progress"], ["batch", "--no-progress", "--format", "csv"]])
def test_output_refuses_to_replace_an_input(write, tmp_path, command):
    case = write(BEIJING)
    link = tmp_path / "other-name.lp"
    os.link(case, link)  # the same file under another name
    for out in (case, link):
        result = run(*command, case, "-o", out)
        assert result.exit_code == 2 and "是本次读取的输入文件" in result.output, result.output
        assert case.read_text(encoding="utf-8") == BEIJING


def test_output_refuses_to_replace_the_holidays_file(write, tmp_path):
    holidays = tmp_path / "h.txt"
    holidays.write_text("year 2030\n2030-01-01 holiday\n", encoding="utf-8")
    result = run("check", write(BEIJING), "--holidays", holidays, "-o", holidays)
    assert result.exit_code == 2 and "是本次读取的输入文件" in result.output
    assert holidays.read_text(encoding="utf-8").startswith("year 2030")


def test_output_refuses_a_read_only_file_and_keeps_a_writable_ones_mode(write, tmp_path):
    ro = tmp_path / "ro.json"
    ro.write_text("keep\n", encoding="utf-8")
    ro.chmod(0o444)
    result = run("check", write(BEIJING), "--format", "json", "-o", ro)
    assert result.exit_code == 2 and "是只读文件" in result.output  # root too: no write bit
    assert ro.read_text(encoding="utf-8") == "keep\n" and ro.stat().st_mode & 0o777 == 0o444
    rw = tmp_path / "rw.json"
    rw.write_text("old\n", encoding="utf-8")
    rw.chmod(0o600)
    assert run("check", write(BEIJING), "--format", "json", "-o", rw).exit_code == 0
    assert rw.stat().st_mode & 0o777 == 0o600 and rw.read_text(encoding="utf-8").startswith("{")


def test_output_through_a_symlink_writes_its_target_and_keeps_the_link(write, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert run("check", write(BEIJING), "--format", "json", "-o", link).exit_code == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("{")
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere" / "x.json")
    result = run("check", write(BEIJING), "-o", dangling)
    assert result.exit_code == 2 and "指向不存在文件的符号链接" in result.output
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    to_fifo = tmp_path / "to-fifo"
    to_fifo.symlink_to(fifo)
    assert run("check", write(BEIJING), "-o", to_fifo).exit_code == 2 and stat.S_ISFIFO(os.stat(fifo).st_mode)
