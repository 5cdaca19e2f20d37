"""interview: ask the facts that can still change a verdict, one at a time."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..escaping import text_safe
from ..register_option import register_option
from .common import FORMATS, command, emit, envelope, fail, guarded, read, regime_option, write_file


@command()
@click.argument("file", required=False, type=click.Path(dir_okay=False), metavar="[文件]")
@regime_option(help="询问所依据的办法（regime）；all 为全部五部；缺省时用案件的 regime/2 事实，没有则先询问。")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    help="事实写入的文件（缺省：文件本身，或以案件名称命名的新文件）。",
)
@click.option(
    "--answers",
    "answers",
    type=click.Path(dir_okay=False),
    help="答案文件，每行一个回答（脚本、测试用）；缺省时标准输入不是终端即从中读取：每个问题输出后读一行，程序可逐题作答。",
)
@click.option(
    "--format",
    "fmt",
    type=FORMATS,
    default="text",
    show_default=True,
    help="结束时报告的格式；json 时每个问题也以一行 JSON 输出。",
)
@register_option
@guarded
def interview(file: str | None, regime: str | None, output: str | None, answers: str | None, fmt: str) -> None:
    """询问（interview）：逐一询问尚能改变结论的事实，直到结论确定；每答一题即写入事实文件，中断后再次运行即可接着问。

    \b
    回答：选项的序号或文字（是、否、程度名称……）；不清楚（本次不再问）；返回（撤销上一个回答）；结束。
    按 Ctrl-C 中断：已回答的都已写入文件（退出状态 130），再次运行即接着问。
    回答后可加「｜证据或出处」，记入事实文件的注释，如：否｜询问笔录（2024-04-02）第3页

    \b
    示例：
      rongcuo interview 案件.lp
      rongcuo interview --regime beijing -o 新案件.lp
      rongcuo interview 案件.lp --answers 答案.txt --format json
    """
    from ..atomic import identity
    from ..interview import Interview

    if output and Path(output).exists() and not (file and identity(file) == identity(output)):
        # another case's file (or an earlier interview's answers) would be replaced by this session's
        shown = text_safe(output)
        fail(f"{shown}：文件已存在，不能作为新的询问记录；要接着询问该文件，请运行 rongcuo interview {shown}")
    base = ""
    if file and Path(file).exists():
        read([file])  # a file that is there must be a valid fact file before anything is asked
        base = Path(file).read_text(encoding="utf-8")
        if base and not base.endswith("\n"):
            base += "\n"
    session = Interview(base, output or file, regime)
    source = _AnswerSource(answers)
    written = _Written()
    try:
        _converse(session, source, written, fmt)
        _save(session, written)
        _finish(session, written, regime, fmt)
    except KeyboardInterrupt:  # Ctrl-C: every answer given is already in the file
        _save(session, written)
        where = f"已回答的问题已写入 {text_safe(written.path)}，再次运行即可接着问" if written.path else "尚未写入任何文件"
        click.echo(f"\n已中断；{where}。", err=True)
        sys.exit(130)


def _finish(session, written: _Written, regime: str | None, fmt: str) -> None:
    """What was written, and the check report on the facts as they now stand."""
    from ..results import check_file

    if written.path:
        click.echo(f"{session.summary()}事实已写入 {text_safe(written.path)}。", err=True)
    else:
        click.echo(f"{session.summary()}没有新的回答，未写入文件。", err=True)
    results = check_file(session.ff, regime)
    if fmt == "json":
        data = envelope({"results": results, "interview": _interview_json(session, written.path)}, [r["regime"] for r in results])
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    from ..documents import check_document

    emit({"results": results}, [r["regime"] for r in results], lambda: check_document(results), fmt, None)


class _Written:
    """The file the interview has written, and what it last wrote there (None: nothing yet)."""

    path: str | None = None
    text: str | None = None

    def __call__(self, path: str, text: str) -> None:
        if text != self.text or path != self.path:
            _write_quietly(path, text)
            self.path, self.text = path, text


def _converse(session, source: _AnswerSource, written: _Written, fmt: str) -> None:
    """Ask until the verdicts are decided or the answers end; the file is written after each answer."""
    from ..interview import AnswerError, default_output

    while (q := session.next_question()) is not None:
        _ask(q, fmt)
        raw = source()
        if raw is None:  # the answers ran out: end here, everything answered is in the file
            return
        try:
            done = session.answer(q, raw)
        except AnswerError as exc:
            from ..escaping import text_safe  # the message quotes the answer: ESC and the like shown escaped

            if not source.interactive:
                fail(f"第 {source.line} 个回答：{text_safe(exc)}")
            click.echo(f"  {text_safe(exc)}", err=True)
            continue
        if done == "end":
            return
        if done == "back":
            click.echo("  已撤销上一个回答。" if session.undo() else "  没有可撤销的回答。", err=True)
        if session.out is None and q.record == "case_name" and done in ("answered", "unknown"):
            named = session.ff.cases[session.ff.subjects[session.ff.incidents[q.incident].subject].case].name
            session.out = default_output(named.value if named else None)  # the file is named after the case
        if session.out is not None:  # a new case's file is named once its name is answered
            _save(session, written)


def _save(session, written: _Written) -> None:
    """Write the file when something was answered (or taken back after it was written)."""
    from ..interview import default_output

    if session.blocks or written.path:
        if session.out is None:
            session.out = default_output(None)
        written(session.out, session.text)


def _interview_json(session, path: str | None) -> dict:
    return {"file": path, "answered": session.asked, "unknown": session.unknown_asked}


def _write_quietly(path: str, text: str) -> None:
    """The interview rewrites its own fact file: the one safe writer, the input allowed."""
    write_file(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), replace_input=True)


MAX_ANSWERS_BYTES = 1024 * 1024  # an answers file: one short answer a line
MAX_ANSWER_CHARS = 4096  # one answer: an option, a range, a name or a date, with its evidence note


class _AnswerSource:
    """One answer a call: from the answers file, from standard input when it is not a terminal
    (one line a question, read only once the question is out, so a program can answer it), or
    typed at the prompt.  None when the answers run out or standard input is closed; `line`
    counts the answers read, for refusals."""

    def __init__(self, path: str | None):
        self.line = 0
        self.lines = None
        self.stream = None
        self.interactive = False
        if path:
            from ..escaping import text_safe
            from ..inputs import InputRefused, read_regular

            try:  # the one safe reader: no FIFO, device or endless file
                text = read_regular(path, MAX_ANSWERS_BYTES).decode("utf-8")
            except InputRefused as exc:
                fail(f"{text_safe(path)}：答案文件{exc}")
            except UnicodeDecodeError:
                fail(f"{text_safe(path)}：答案文件不是 UTF-8 编码")
            self.lines = iter(text.splitlines())
        elif sys.stdin is None or sys.stdin.closed:  # started with standard input closed: no answers
            self.lines = iter(())
        elif sys.stdin.isatty():
            self.interactive = True
        else:
            self.stream = getattr(sys.stdin, "buffer", None)

    def __call__(self) -> str | None:
        self.line += 1
        if self.interactive:
            try:
                return input("回答> ")
            except EOFError:
                return None
        raw = self._stdin_line() if self.lines is None else next(self.lines, None)
        if raw is not None and len(raw) > MAX_ANSWER_CHARS:
            fail(f"第 {self.line} 个回答过长（超过 {MAX_ANSWER_CHARS} 个字符）")
        if raw is not None:
            from ..escaping import text_safe

            click.echo(f"回答> {text_safe(raw)}", err=True)
        return raw

    def _stdin_line(self) -> str | None:
        """The next line of a non-terminal standard input, read only now (nothing read ahead)."""
        sys.stdout.flush()  # the question is out before the answer is awaited
        if self.stream is None:
            line = sys.stdin.readline(MAX_ANSWER_CHARS + 2)
        else:
            data = self.stream.readline(4 * MAX_ANSWER_CHARS + 2)  # bytes: UTF-8 takes at most 4 a character
            try:
                line = data.decode("utf-8")
            except UnicodeDecodeError:
                fail(f"第 {self.line} 个回答：标准输入不是 UTF-8 编码")
        return line.rstrip("\r\n") if line else None


def _ask(q, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(q.to_json(), ensure_ascii=False))
    click.echo(q.prompt(), err=True)
