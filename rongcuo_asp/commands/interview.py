"""interview: ask the facts that can still change a verdict, one at a time."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .common import FORMATS, command, emit, envelope, fail, guarded, read, regime_option


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
    help="答案文件，每行一个回答（脚本、测试用）；缺省时标准输入不是终端即从中读取。",
)
@click.option(
    "--format",
    "fmt",
    type=FORMATS,
    default="text",
    show_default=True,
    help="结束时报告的格式；json 时每个问题也以一行 JSON 输出。",
)
@guarded
def interview(file: str | None, regime: str | None, output: str | None, answers: str | None, fmt: str) -> None:
    """询问（interview）：逐一询问尚能改变结论的事实，直到结论确定；每答一题即写入事实文件，中断后再次运行即可接着问。

    \b
    回答：选项的序号或文字（是、否、程度名称……）；不清楚（本次不再问）；返回（撤销上一个回答）；结束。
    回答后可加「｜证据或出处」，记入事实文件的注释，如：否｜询问笔录（2024-04-02）第3页

    \b
    示例：
      rongcuo interview 案件.lp
      rongcuo interview --regime beijing -o 新案件.lp
      rongcuo interview 案件.lp --answers 答案.txt --format json
    """
    from ..interview import AnswerError, Interview, default_output
    from ..results import check_file

    base = ""
    if file and Path(file).exists():
        read([file])  # a file that is there must be a valid fact file before anything is asked
        base = Path(file).read_text(encoding="utf-8")
        if base and not base.endswith("\n"):
            base += "\n"
    session = Interview(base, output or file, regime)
    source = _AnswerSource(answers)
    last = None
    while True:
        q = session.next_question()
        if q is None:
            break
        _ask(q, fmt)
        raw = source()
        if raw is None:  # the answers ran out: end here, everything answered is in the file
            break
        try:
            done = session.answer(q, raw)
        except AnswerError as exc:
            if answers or not sys.stdin.isatty():
                fail(f"第 {source.line} 个回答：{exc}")
            click.echo(f"  {exc}", err=True)
            continue
        if done == "end":
            break
        if done == "back":
            click.echo("  已撤销上一个回答。" if session.undo() else "  没有可撤销的回答。", err=True)
        if session.out is None and q.record == "case_name" and done in ("answered", "unknown"):
            named = session.ff.cases[session.ff.subjects[session.ff.incidents[q.incident].subject].case].name
            session.out = default_output(named.value if named else None)  # the file is named after the case
        if session.out is not None and session.text != last:
            _write_quietly(session.out, session.text)
            last = session.text
    if session.out is None:
        session.out = default_output(None)
        _write_quietly(session.out, session.text)
    click.echo(f"{session.summary()}事实已写入 {session.out}。", err=True)
    results = check_file(session.ff, regime)
    if fmt == "json":
        data = envelope({"results": results, "interview": _interview_json(session)}, [r["regime"] for r in results])
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    from ..documents import check_document

    emit({"results": results}, [r["regime"] for r in results], lambda: check_document(results), fmt, None)


def _interview_json(session) -> dict:
    return {"file": session.out, "answered": session.asked, "unknown": session.unknown_asked}


def _write_quietly(path: str, text: str) -> None:
    from ..atomic import replace_atomically

    try:
        replace_atomically(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    except OSError as exc:
        fail(f"无法写入 {path}：{exc.strerror or exc}")


class _AnswerSource:
    """One answer a call: from the answers file, from standard input when it is not a terminal
    (the prompts are on stderr), or typed at the prompt.  None when the answers run out; `line`
    counts the answers read, for refusals."""

    def __init__(self, path: str | None):
        self.line = 0
        self.lines = None
        if path:
            try:
                self.lines = iter(Path(path).read_text(encoding="utf-8").splitlines())
            except (OSError, UnicodeDecodeError) as exc:
                fail(f"{path}：无法读取答案文件：{exc}")
        elif not sys.stdin.isatty():
            self.lines = iter(sys.stdin.read().splitlines())

    def __call__(self) -> str | None:
        self.line += 1
        if self.lines is None:
            try:
                return input("回答> ")
            except EOFError:
                return None
        raw = next(self.lines, None)
        if raw is not None:
            click.echo(f"回答> {raw}", err=True)
        return raw


def _ask(q, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(q.to_json(), ensure_ascii=False))
    click.echo(q.prompt(), err=True)
