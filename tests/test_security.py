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


# -- reading: only a regular file, bounded; strings without control characters ---------------


def rongcuo(*args, timeout=60):
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "rongcuo_asp", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env={**os.environ, "RONGCUO_CACHE_DIR": "off"})


def test_a_fifo_or_a_device_is_refused_before_reading(tmp_path):
    fifo = tmp_path / "case.lp"
    os.mkfifo(fifo)
    for path in (fifo, "/dev/zero", "/dev/urandom"):
        done = rongcuo("check", path, timeout=20)  # before: a FIFO hung, /dev/zero ran out of memory
        assert done.returncode == 2 and f"{path}: 不是普通文件" in done.stderr, done.stderr


def refusal(text: str) -> str:
    from rongcuo_asp.factfile import FactFileError, parse_fact_text

    with pytest.raises(FactFileError) as info:
        parse_fact_text(text.encode("utf-8"), "bad.lp")
    return info.value.message()


LINE = BEIJING.count("\n") + 1


@pytest.mark.parametrize(
    "string",
    [
        *("a\x00b", "a\x1b[2Jb", "a\tb", "a\rb", "a\x7fb", "a\x85b", "a\u2028b", "a\u202eb", "a\u2066b", "a\u200fb", "a\u061cb"),
        # invisible and noncharacters: two keys that look alike, or a .docx/.xlsx that cannot hold them
        *("a\u200bb", "a\u200db", "a\u2060b", "a\ufeffb", "a\u3164b", "a\ufffeb", "a\uffffb", "a\U000e0041b"),
    ],
)
@pytest.mark.parametrize("fact", ['matter(i1, "{}").', 'name(wang, "{}").', 'evidence(i1, remedied, "{}").'])
def test_control_and_bidi_characters_in_strings_are_refused_when_read(string, fact):
    message = refusal(BEIJING + fact.format(string) + "\n")
    assert f"bad.lp:{LINE}: 字符串中不允许 U+{ord(string[1]):04X}" in message, message


@pytest.mark.parametrize("escaped", ["\\n", "\\t", "\\\n"])
def test_escaped_line_breaks_and_tabs_are_refused_too(escaped):
    message = refusal(BEIJING + f'matter(i1, "【结论：可容错】{escaped}x").\n')
    assert f"bad.lp:{LINE}: 字符串中不允许" in message


def test_a_nul_in_a_string_is_exit_2_not_a_clingo_error(write):
    result = run("check", write(BEIJING + 'matter(i1, "a\x00b").\n'))
    assert result.exit_code == 2 and "字符串中不允许 U+0000（空字符（NUL）" in result.output


def test_a_bad_file_in_a_batch_refuses_that_file_only(write, tmp_path):
    write(BEIJING + 'matter(i1, "a\x00b").\n', "nul.lp")
    write(BEIJING, "good.lp")
    out = tmp_path / "r.jsonl"
    result = run("batch", tmp_path, "-o", out, "--no-progress")
    assert result.exit_code == 2 and "拒绝的文件 1 个" in result.output and "nul.lp" in result.output
    assert '"good.lp"' in out.read_text(encoding="utf-8") or "good.lp" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("body", ["x" * 5_000_000, "\\a" * 2_500_000, "中" * 2_000_000])
def test_a_huge_string_is_refused_in_little_memory(body):
    import tracemalloc

    text = BEIJING + f'matter(i1, "{body}").\n'
    tracemalloc.start()
    try:
        message = refusal(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert f"bad.lp:{LINE}: 字符串过长" in message
    assert peak < 4 * len(text.encode()) + 20_000_000, peak  # the text and its bytes, not 300 bytes a character


@pytest.mark.parametrize("shape", ["(" * 1_000_000, "a " * 500_000, '"a",' * 250_000, "_" * 1_000_000 + "?"])
def test_garbage_without_periods_is_refused_quickly_in_little_memory(shape):
    import time
    import tracemalloc

    start = time.perf_counter()
    tracemalloc.start()
    try:
        message = refusal(BEIJING + shape + "\n")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 10 and "bad.lp:" in message
    assert peak < 4 * len(shape) + 10_000_000, peak  # no list of a million tokens


def test_statements_are_counted_before_the_full_parse(monkeypatch):
    from rongcuo_asp import factsyntax

    monkeypatch.setattr(factsyntax, "MAX_STATEMENTS", 50)

    def no_parse(self):
        raise AssertionError("parsed before the statements were counted")

    monkeypatch.setattr(factsyntax.Parser, "facts", no_parse)
    message = refusal("case(c1). " * 60 + "\n")  # not the one-fact-a-line layout: the full parser's
    assert "bad.lp:1: 事实过多（上限 50 条）" in message
    message = refusal("case(c1).\n" * 60)  # one fact a line: refused by the fast path itself
    assert "bad.lp:51: 事实过多（上限 50 条）" in message


# -- the start-up cache ------------------------------------------------------------------------


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    directory.mkdir(mode=0o700)
    monkeypatch.setenv("RONGCUO_CACHE_DIR", str(directory))
    return directory


def test_an_upgrade_misses_the_cache(cache_dir, monkeypatch):
    import rongcuo_asp
    from rongcuo_asp import diskcache

    diskcache.store("rules", "source text", {"rules": "as read by 0.1"})
    assert diskcache.load("rules", "source text") == {"rules": "as read by 0.1"}
    monkeypatch.setattr(rongcuo_asp, "__version__", "9.9.9")
    if hasattr(diskcache, "reader"):
        diskcache.reader.cache_clear()
        monkeypatch.setattr(diskcache, "reader", diskcache.reader.__wrapped__)
    assert diskcache.load("rules", "source text") is None  # another version reads rules its own way


def test_a_planted_link_in_the_cache_directory_clobbers_nothing(cache_dir, tmp_path):
    import zlib

    from rongcuo_asp import diskcache

    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    source = "source text"
    predictable = f"rules-{zlib.crc32(source.encode()):08x}-{len(source)}.{os.getpid()}.tmp"  # the old name
    (cache_dir / predictable).symlink_to(victim)
    diskcache.store("rules", source, {"x": 1})
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert diskcache.load("rules", source) == {"x": 1}


def test_a_fifo_or_a_device_link_planted_as_an_entry_is_a_miss_not_a_hang(cache_dir):
    from rongcuo_asp import diskcache

    diskcache.store("rules", "source text", {"x": 1})
    [entry] = cache_dir.glob("*.json")
    entry.unlink()
    os.mkfifo(entry)  # opened without O_NONBLOCK this would block for ever
    assert diskcache.load("rules", "source text") is None
    entry.unlink()
    entry.symlink_to("/dev/zero")  # read whole this would fill memory
    assert diskcache.load("rules", "source text") is None


def test_a_cache_directory_others_may_write_is_not_used(cache_dir, capfd):
    from rongcuo_asp import diskcache

    cache_dir.chmod(0o777)
    diskcache.store("rules", "source text", {"x": 1})
    assert not list(cache_dir.glob("*.json")) and diskcache.load("rules", "source text") is None
    assert "缓存目录" in capfd.readouterr().err


def test_test_prints_a_file_name_with_a_newline_on_one_line(tmp_path):
    root = tmp_path / "cases"
    root.mkdir()
    forged = "x.lp\n通过  forged.lp:1  expect(i1, beijing, tolerable, exempt).\n\x1b[2J"
    (root / (forged + ".lp")).write_text(BEIJING + "expect(i1, beijing, not_tolerable).\n", encoding="utf-8")
    result = run("test", root)
    assert result.exit_code == 1 and "0 passed, 1 failed" in result.output
    lines = result.output.splitlines()
    assert not [line for line in lines if line.startswith("通过")] and "\x1b" not in result.output
    assert any(line.startswith("不符") and "x.lp\\n通过  forged.lp" in line for line in lines)


def test_lines_are_counted_before_any_parsing(monkeypatch):
    from rongcuo_asp import factfile

    monkeypatch.setattr(factfile, "MAX_LINES", 100)
    monkeypatch.setattr(factfile, "simple_facts", None)  # nothing is parsed
    assert "行数过多（201 行，上限 100 行）" in refusal("%\n" * 200)


def test_an_option_value_with_a_control_character_is_refused_not_echoed(write):
    """--incident "a<ESC>]0;pwn<BEL><LF>forged" would set a terminal's title and start a line of its own."""
    path = write(BEIJING)
    for args in (["explain", path, "--incident", "a\x1b]0;pwn\x07\nforged"], ["whatif", path, "--target", "可容错\u202e"]):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert "\x1b" not in result.output and "\u202e" not in result.output and "\nforged" not in result.output
        assert "含控制字符" in result.output


def test_ctrl_c_is_exit_130_not_an_internal_error(write, monkeypatch):
    import rongcuo_asp.results

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(rongcuo_asp.results, "check_file", interrupted)
    result = run("check", write(BEIJING))
    assert result.exit_code == 130 and "已中断" in result.output


def test_system_errors_are_worded_in_chinese(write, tmp_path):
    """-o into a directory that does not exist said "No such file or directory"."""
    result = run("check", write(BEIJING), "-o", tmp_path / "nodir" / "x.txt")
    assert result.exit_code == 2 and "文件或目录不存在" in result.output and "No such file" not in result.output


def test_an_output_ending_in_a_slash_is_a_directory_name_not_a_file(write, tmp_path):
    """-o newdir/ wrote a file named newdir."""
    result = run("check", write(BEIJING), "-o", f"{tmp_path / 'newdir'}/")
    assert result.exit_code == 2 and "目录名" in result.output and not (tmp_path / "newdir").exists()


@pytest.mark.parametrize("command", [["explain", "--incident", "i9"], ["whatif", "--incident", "i9", "--target", "可容错"]])
def test_a_refusal_quoting_a_hostile_file_name_shows_it_escaped(tmp_path, command):
    """A refusal message names the file: its ESC, bidi override and newline are shown as escapes,
    never sent to the terminal nor starting a line of their own."""
    path = tmp_path / "a\x1b[2Jb\u202e\n【结论：可容错】.lp"
    path.write_text(BEIJING, encoding="utf-8")
    result = CliRunner().invoke(main, [command[0], str(path), *command[1:]])
    assert result.exit_code == 2, result.output
    assert not any(c in result.stderr for c in "\x1b\u202e")
    assert "\\x1b[2Jb\\u202e\\n【结论：可容错】.lp" in result.stderr, result.stderr
    assert not any(line.startswith("【") for line in result.stderr.splitlines())


def test_no_user_string_starts_a_line_of_a_message(write, tmp_path):
    """A newline inside a file name is shown as \\n in a refusal and in a success message alike: it
    never starts a line of its own (「通过……」 forged as the tool's word)."""
    case = write(BEIJING)
    bad = tmp_path / "o\u202eX\n通过.x"
    refused = run("opinion", case, "-o", bad)
    assert refused.exit_code == 2 and not any(line.startswith("通过") for line in refused.output.splitlines())
    assert "\\u202eX\\n通过.x" in refused.output
    good = tmp_path / "o\u202eX\n通过.md"
    written = run("opinion", case, "-o", good)
    assert written.exit_code == 0, written.output
    assert not any(line.startswith("通过") for line in written.output.splitlines()) and "\u202e" not in written.output


def test_an_answer_with_a_control_character_is_refused_as_an_answer(tmp_path, monkeypatch):
    """An ESC typed into a free-text answer was written into the fact file, which the next read
    then refused (naming a line of the file the user never wrote): the answer itself is refused."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["interview", "--regime", "beijing", "-o", "c.lp"], input="\x1b]0;T\x07某案\n")
    assert result.exit_code == 2
    assert "第 1 个回答：回答中不允许 U+001B" in result.stderr and "c.lp:" not in result.stderr
