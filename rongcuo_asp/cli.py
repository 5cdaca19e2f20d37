"""The `rongcuo` command line.  Bad input: a message naming file and line, exit status 2."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .vocabulary import vocabulary
from .zh_click import install as _chinese_help

_chinese_help()

REGIME_CHOICES = [*vocabulary().regimes, "all"]
MAX_CHANGES = vocabulary().data["bounds"]["max_changes"]


def _write(text: str, out: str | None) -> None:
    """Print, or write `out` atomically: nothing partial is left on failure."""
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    from .atomic import replace_atomically

    try:
        replace_atomically(out, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    except OSError as exc:
        _fail(f"无法写入 {out}：{exc.strerror or exc}")


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(2)


class _Command(click.Command):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class _Group(click.Group):
    command_class = _Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="rongcuo-asp", message="%(prog)s %(version)s")
def main() -> None:
    """rongcuo：依五部容错纠错办法认定（check）、解释（explain）、反事实分析（whatif）、
    对照（compare）、批量审查（batch）与检验（test、verify）失误错误案件。

    案件写成事实文件（fact file，*.lp），词汇见 rongcuo vocabulary；每个命令用 -h 查看说明与示例。

    \b
    示例：
      rongcuo check facts/examples/beijing_example.lp
      rongcuo explain 案件.lp --contrast 不予容错
      rongcuo batch 案件目录/ --format xlsx -o 台账.xlsx
    """


FORMATS = click.Choice(["text", "md", "html", "json"])


def _report_options(fn):
    """--format, -o, --atoms: every command that prints a report."""
    fn = click.option(
        "--atoms",
        is_flag=True,
        help="在每项事实后附上事实文件中的写法（原子，atom），供编写测试用例者核对。",
    )(fn)
    fn = click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="写入文件（原子写入，不留半成品）。")(fn)
    return click.option(
        "--format", "fmt", type=FORMATS, default="text", show_default=True, help="报告格式：文本、Markdown、HTML 或 JSON。"
    )(fn)


def _holidays_option(fn):
    return click.option(
        "--holidays",
        "holidays",
        type=click.Path(dir_okay=False),
        help="节假日安排文件（国务院办公厅通知的日期），补充日历数据未收录的年份；格式见 README。",
    )(fn)


def _regime_option(choices=REGIME_CHOICES, help="适用的办法（regime）；all 为全部五部；缺省时用案件的 regime/2 事实。"):
    return click.option("--regime", "regime", type=click.Choice(choices), help=help)


def envelope(data: dict, regimes) -> dict:
    """A JSON document with the tool version and the sha256 of the vocabulary and encodings used."""
    from . import __version__
    from .encoding import encodings_digest

    return {**data, "version": __version__, "sha256": encodings_digest(sorted(set(regimes)))}


def _emit(data: dict, regimes, document, fmt: str, output: str | None, atoms: bool = False) -> None:
    """JSON with version and sha256 of the `regimes` used; human formats through the document
    builder and the templates."""
    if fmt == "json":
        _write(json.dumps(envelope(data, regimes), ensure_ascii=False, indent=2) + "\n", output)
        return
    from .report import render_document

    _write(render_document(document(), fmt, atoms), output)


def _read(files):
    from .factfile import read_fact_file

    return [read_fact_file(f) for f in files]  # every file is validated before any is decided


def _guarded(fn):
    """Bad input (a fact file, an option value) -> its message and exit status 2."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .factfile import FactFileError
        from .results import CheckError

        try:
            return fn(*args, **kwargs)
        except FactFileError as exc:
            _fail(exc.message())
        except CheckError as exc:
            _fail(str(exc))

    return wrapper


def _calendar(holidays: str | None) -> None:
    from .procedure import use_holidays

    use_holidays(holidays)  # None: the packaged calendar only (nothing left from an earlier call)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False), metavar="文件...")
@_regime_option()
@_report_options
@_holidays_option
@_guarded
def check(files: tuple[str, ...], regime: str | None, fmt: str, output: str | None, atoms: bool, holidays: str | None) -> None:
    """认定（check）：对每个事实文件中的每起失误错误作出结论，附依据、需核实的事实与时限审查。

    每个文件是一组独立的案件。文件中有预期（expect 原子）时，在标准错误输出核对结果，不符时退出状态为 1。

    \b
    示例：
      rongcuo check facts/examples/beijing_example.lp
      rongcuo check 案件.lp --regime all --format html -o 认定.html
    """
    from .results import check_file

    _calendar(holidays)
    files_read = _read(files)
    per_file = [check_file(ff, regime) for ff in files_read]
    results = [r for rs in per_file for r in rs]
    from .documents import check_document

    _emit({"results": results}, [r["regime"] for r in results], lambda: check_document(results), fmt, output, atoms)
    _check_expectations(files_read, per_file)


def _check_expectations(files_read, per_file) -> None:
    """Files that carry expect atoms: say on stderr whether they hold; exit status 1 if not."""
    from .scenarios import expectations, has_expectations

    checked = [
        e
        for ff, rs in zip(files_read, per_file, strict=True)
        if has_expectations(ff)
        for e in expectations(ff, {(r["incident"], r["regime"]): r for r in rs})
    ]
    if not checked:
        return
    failures = [e for e in checked if not e.ok]
    if failures:
        click.echo(f"预期核对：{len(checked)} 项预期中 {len(failures)} 项不符：", err=True)
        for e in failures:
            click.echo(e.message, err=True)
        sys.exit(1)
    click.echo(f"预期核对：{len(checked)} 项预期全部符合。", err=True)


@main.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="路径...")
@_guarded
def test_cmd(paths: tuple[str, ...]) -> None:
    """检验（test）：运行事实文件中的预期（expect 原子），目录递归查找 *.lp；有不符时退出状态为 1。

    \b
    示例：
      rongcuo test facts/ mycases/case1.lp
    """
    from .batch import collect
    from .factfile import read_fact_file
    from .scenarios import expectations, has_expectations

    files, missing = collect(list(paths))
    if missing:
        _fail("；".join(f"{p}：{why}" for p, why in missing))
    passed = failed = 0
    for path in files:
        ff = read_fact_file(path)
        if not has_expectations(ff):
            continue
        for e in expectations(ff):
            click.echo(f"{'通过' if e.ok else '不符'}  {e.path}:{e.line}  {e.text}")
            if not e.ok:
                click.echo(e.message)
            passed, failed = passed + e.ok, failed + (not e.ok)
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def _one_incident(file: str, incident: str | None, regime: str | None):
    """The file, the one incident and the one regime a question about a single incident is about:
    named by the options, or the only ones the file has."""
    from .questions import per_incident
    from .results import CheckError

    [ff] = _read([file])
    if incident is None and len(ff.incidents) != 1:
        raise CheckError(f"文件中有 {len(ff.incidents)} 起失误错误（{', '.join(ff.incidents) or '无'}）：请用 --incident 指定")
    [ci] = per_incident(ff, incident or next(iter(ff.incidents)))
    if regime is None:
        regimes = _regimes_of(ff, ci.inc, None)
        if len(regimes) != 1:
            raise CheckError(f"案件适用 {len(regimes)} 部办法（{', '.join(regimes)}）：请用 --regime 指定")
        regime = regimes[0]
    return ci, regime


def _regimes_of(ff, inc, regime: str | None) -> list[str]:
    from .results import regimes_for

    return regimes_for(ff, ff.subjects[inc.subject].case, regime)


_GOALS = "\n      ".join(
    f"{zh}（{code}）" for code, zh in {**vocabulary().verdicts, **vocabulary().outcomes}.items() if code != "undetermined"
)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False), metavar="文件")
@_regime_option()
@click.option("--incident", "incident", help="只解释这一起失误错误（incident 标识）。")
@click.option("--contrast", "contrast", help="对照的结论或处理程度（contrast）：为何不是它、最少改变什么；可选值见上。")
@_report_options
@_holidays_option
@_guarded
def explain(
    file: str,
    regime: str | None,
    incident: str | None,
    contrast: str | None,
    fmt: str,
    output: str | None,
    atoms: bool,
    holidays: str | None,
) -> None:
    """解释（explain）：为何是这一结论——推理依据、一组最小的充分理由、尚需查明的事实，以及与另一结论的对照。

    \b
    --contrast 可选值（中文或代码）：
      {goals}

    \b
    示例：
      rongcuo explain 案件.lp
      rongcuo explain 案件.lp --incident i1 --contrast 免责
    """
    from .documents import explain_document
    from .questions import explain_incident, per_incident

    _calendar(holidays)
    [ff] = _read([file])
    items = [explain_incident(ci, r, contrast) for ci in per_incident(ff, incident) for r in _regimes_of(ff, ci.inc, regime)]
    _emit({"explanations": items}, [e["regime"] for e in items], lambda: explain_document(items), fmt, output, atoms)


explain.help = (explain.help or "").format(goals=_GOALS)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False), metavar="文件")
@_regime_option(list(vocabulary().regimes), "适用的办法（regime）；缺省时用案件唯一的 regime/2 事实。")
@click.option("--incident", "incident", help="失误错误（incident 标识）；缺省时用文件中唯一的一起。")
@click.option("--target", "target", required=True, help="目标结论或处理程度（target），中文或代码；可选值见上。")
@click.option("--keep", "keep", multiple=True, help="保持不变的事实（特征名、程度维度或 org/rank/subject_kind），可重复。")
@click.option(
    "--max-changes",
    "max_changes",
    type=click.IntRange(0, MAX_CHANGES),
    default=MAX_CHANGES,
    show_default=True,
    help="最多改变几项事实。",
)
@_report_options
@_guarded
def whatif(file, regime, incident, target, keep, max_changes, fmt, output, atoms) -> None:
    """反事实分析（whatif）：改变哪些事实（最少几项）即可得出目标结论；列出每一种最小改变方案。

    \b
    --target 可选值（中文或代码）：
      {goals}

    \b
    示例：
      rongcuo whatif 案件.lp --target 可容错
      rongcuo whatif 案件.lp --target exempt --keep harm --format json
    """
    from .documents import whatif_document
    from .questions import whatif_incident

    ci, regime = _one_incident(file, incident, regime)
    result = whatif_incident(ci, regime, target, keep, max_changes)
    _emit(result, [regime], lambda: whatif_document([result]), fmt, output, atoms)


whatif.help = (whatif.help or "").format(goals=_GOALS)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False), metavar="文件")
@click.option("--incident", "incident", help="只对照这一起失误错误（incident 标识）。")
@_report_options
@_holidays_option
@_guarded
def compare(file: str, incident: str | None, fmt: str, output: str | None, atoms: bool, holidays: str | None) -> None:
    """对照（compare）：同一起失误错误依五部办法分别认定，列表比较结论与决定条款。

    \b
    示例：
      rongcuo compare 案件.lp --format html -o 对照.html
    """
    from .documents import compare_document
    from .questions import compare_incident, per_incident

    _calendar(holidays)
    [ff] = _read([file])
    items = [compare_incident(ci) for ci in per_incident(ff, incident)]
    _emit({"comparisons": items}, list(vocabulary().regimes), lambda: compare_document(items), fmt, output, atoms)


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="路径...")
@_regime_option(help="适用的办法（regime）；all 为全部五部；缺省时用各案件的 regime/2 事实。")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="结果文件（缺省：标准输出；xlsx 必须指定）。")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "xlsx"]),
    default="jsonl",
    show_default=True,
    help="jsonl：每行一条 JSON 结论；csv / xlsx：案件台账（中文表头，UTF-8 带 BOM，Excel 可直接打开）。",
)
@click.option("--jobs", "jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="工作进程数。")
@click.option("--resume", is_flag=True, help="跳过输出文件中已有的结论，接着写（jsonl、csv）。")
@click.option("--progress/--no-progress", default=True, show_default=True, help="在标准错误输出显示进度。")
@_holidays_option
def batch(paths, regime, output, fmt, jobs, resume, progress, holidays) -> None:
    """批量审查（batch）：审查路径下的全部事实文件（目录递归查找 *.lp）；被拒绝的文件不中断审查，
    列入汇总（表格格式中另成一行，写明原因），退出状态为 2。

    \b
    示例：
      rongcuo batch 案件目录/ -o 结论.jsonl --jobs 2
      rongcuo batch 案件目录/ --regime all --format xlsx -o 台账.xlsx
    """
    from .batch import render_summary, run

    if resume and not output:
        _fail("--resume 需要 -o 输出文件")
    if fmt == "xlsx" and not output:
        _fail("--format xlsx 需要 -o 输出文件（如 -o 台账.xlsx）")
    if fmt == "xlsx" and resume:
        _fail("xlsx 不支持 --resume：请用 csv 续写，或重新生成")
    try:
        _guarded(_calendar)(holidays)
        summary = run(list(paths), regime, output, jobs, fmt, resume, progress)
    except OSError as exc:
        _fail(f"无法写入 {output}：{exc.strerror or exc}")
    except KeyboardInterrupt:
        click.echo("\n已中断；已写出的结论完整保留，用 --resume 继续。", err=True)
        sys.exit(130)
    click.echo(render_summary(summary), err=True)
    sys.exit(2 if summary.refused else 0)


@main.command()
@_regime_option(help="检验的办法（regime）；all 为全部五部。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="输出格式。")
def verify(regime: str | None, fmt: str) -> None:
    """证明（verify）：用 clingo 证明编码的性质（无解即得证）；发现反例时退出状态为 1，并给出可运行的反例事实文件。

    \b
    示例：
      rongcuo verify
      rongcuo verify --regime beijing --format json
    """
    import dataclasses

    from .verify import verify as run_verify

    regimes = list(vocabulary().regimes) if regime in (None, "all") else [regime]
    findings = run_verify(regimes)
    if fmt == "json":  # findings also name repeat.lp, a shared part: the digest is of the regimes verified
        data = envelope({"findings": [dataclasses.asdict(f) for f in findings]}, regimes)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for f in findings:
            click.echo(f"{'✓' if f.ok else '✗'} {f.regime:14} {f.property:36} {f.seconds * 1000:7.1f} ms  {f.detail}")
            if f.counterexample:
                click.echo(
                    "  反例（可直接运行的事实文件）：\n" + "".join(f"    {line}\n" for line in f.counterexample.splitlines())
                )
        failed = sum(not f.ok for f in findings)
        click.echo(f"{len(findings) - failed} proven, {failed} failed")
    sys.exit(1 if any(not f.ok for f in findings) else 0)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="输出格式。")
def regimes(fmt: str) -> None:
    """办法（regimes）：列出五部办法的代码、标题、制定机关与日期。

    \b
    示例：
      rongcuo regimes
    """
    regs = vocabulary().regimes
    if fmt == "json":
        click.echo(
            json.dumps(
                {k: {f: v[f] for f in ("title", "short", "issuer", "date")} for k, v in regs.items()},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for rid, info in regs.items():
        click.echo(f"{rid:14} {info['title']}\n{'':14} {info['issuer']}{'，' + info['date'] if info['date'] else ''}")


@main.command()
@click.option("--regime", "regime", type=click.Choice(list(vocabulary().regimes)), required=True, help="办法（regime）。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="输出格式。")
def provisions(regime: str, fmt: str) -> None:
    """条文（provisions）：办法逐条原文，以及编码如何处理每一条（编码、程序、未编码及理由）。

    \b
    示例：
      rongcuo provisions --regime beijing
    """
    if fmt == "json":
        from .report import provisions_data

        click.echo(json.dumps(provisions_data(regime), ensure_ascii=False, indent=2))
        return
    from .report import render_provisions

    click.echo(render_provisions(regime), nl=False)


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False), metavar="[文件]")
@_regime_option(help="询问所依据的办法（regime）；all 为全部五部；缺省时用案件的 regime/2 事实，没有则先询问。")
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
@_guarded
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
    from .interview import AnswerError, Interview, default_output
    from .results import check_file

    base = ""
    if file and Path(file).exists():
        _read([file])  # a file that is there must be a valid fact file before anything is asked
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
                _fail(f"第 {source.line} 个回答：{exc}")
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
    from .documents import check_document

    _emit({"results": results}, [r["regime"] for r in results], lambda: check_document(results), fmt, None)


def _interview_json(session) -> dict:
    return {"file": session.out, "answered": session.asked, "unknown": session.unknown_asked}


def _write_quietly(path: str, text: str) -> None:
    from .atomic import replace_atomically

    try:
        replace_atomically(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    except OSError as exc:
        _fail(f"无法写入 {path}：{exc.strerror or exc}")


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
                _fail(f"{path}：无法读取答案文件：{exc}")
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


@main.command()
@click.argument("file", type=click.Path(dir_okay=False), metavar="文件")
@_regime_option(list(vocabulary().regimes), "办法（regime）；缺省时用案件唯一的 regime/2 事实。")
@click.option("--incident", "incident", help="失误错误（incident 标识）；缺省时用文件中唯一的一起。")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False),
    help="意见书文件：.docx、.md 或 .html（按扩展名）。",
)
@_holidays_option
@_guarded
def opinion(file: str, regime: str | None, incident: str | None, output: str, holidays: str | None) -> None:
    """认定意见（opinion）：为一起失误错误起草书面的容错认定意见（当事人基本情况、失误错误事实及证据、认定理由、
    判断因素、处理意见、程序），供审核、修改后归档。尚无法认定的，不出具意见，列出尚需查明的事实（退出状态 2）。

    \b
    示例：
      rongcuo opinion 案件.lp -o 容错认定意见.docx
      rongcuo opinion 案件.lp --regime beijing --incident i1 -o 意见.html
    """
    from .documents import footer
    from .opinion import opinion_document, write_docx
    from .results import incident_result

    kind = Path(output).suffix.lower().lstrip(".")
    if kind not in ("docx", "md", "html"):
        _fail(f"{output}：意见书格式由扩展名决定，应为 .docx、.md 或 .html")
    _calendar(holidays)
    ci, regime = _one_incident(file, incident, regime)
    doc = opinion_document(incident_result(ci, regime))
    if kind == "docx":
        try:
            write_docx(doc, footer(doc), output)
        except OSError as exc:
            _fail(f"无法写入 {output}：{exc.strerror or exc}")
    else:
        from .report import render_opinion

        _write(render_opinion(doc, kind), output)
    click.echo(f"已写出认定意见（草稿）：{output}", err=True)


@main.command("vocabulary")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True, help="输出格式。")
def vocabulary_cmd(fmt: str) -> None:
    """词汇（vocabulary）：事实文件可用的谓词、特征、程度量表及全部取值，附中文名称。

    \b
    示例：
      rongcuo vocabulary
      rongcuo vocabulary --format json
    """
    if fmt == "json":
        click.echo(json.dumps(vocabulary().data, ensure_ascii=False, indent=2))
        return
    from .report import render_vocabulary

    click.echo(render_vocabulary())


def run() -> None:
    """Console entry point: internal errors are reported briefly (RONGCUO_DEBUG=1 for the traceback)."""
    try:
        main(standalone_mode=True)
    except Exception as exc:  # pragma: no cover - a bug, not bad input
        if os.environ.get("RONGCUO_DEBUG"):
            raise
        click.echo(f"rongcuo: 内部错误：{type(exc).__name__}: {exc}（设置 RONGCUO_DEBUG=1 查看详情）", err=True)
        sys.exit(1)
