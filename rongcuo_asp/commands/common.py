"""What every command shares: writing and failing, the common options, the JSON envelope, reading
fact files, the guard that turns bad input into exit status 2."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from ..inputs import os_reason
from ..vocabulary import vocabulary
from ..zh_click import install as _chinese_help

_chinese_help()  # click's own words in Chinese, before any command is made

REGIME_CHOICES = [*vocabulary().regimes, "all"]
MAX_CHANGES = vocabulary().data["bounds"]["max_changes"]


def write(text: str, out: str | None) -> None:
    """Print, or write `out` atomically: nothing partial is left on failure."""
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    write_file(out, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def write_file(out: str, fill, replace_input: bool = False) -> None:
    """The one safe writer: `fill(tmp)` writes a temporary file that then replaces `out` (see
    atomic.py for what may be replaced).  Refused (exit 2, naming the path) when `out` is not a
    regular file, is read-only, or is one of this command's inputs (files read through `read`,
    `calendar` or `note_inputs`) unless `replace_input` (the interview rewrites its own file)."""
    from ..atomic import replace_atomically
    from ..escaping import text_safe as printable

    try:
        replace_atomically(out, fill, () if replace_input else inputs_read())
    except OSError as exc:
        fail(f"无法写入 {printable(out)}：{os_reason(exc)}")


_INPUTS = "rongcuo.inputs"


def note_inputs(paths) -> None:
    """Remember the files this command reads (by device and inode), so no output replaces one."""
    from ..atomic import identity

    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta.setdefault(_INPUTS, set()).update(i for p in paths if (i := identity(p)) is not None)


def inputs_read() -> set:
    ctx = click.get_current_context(silent=True)
    return set(ctx.meta.get(_INPUTS, ())) if ctx is not None else set()


def fail(message: str, lines: bool = False) -> None:
    """A refusal, exit status 2, its hidden characters escaped (text_safe): a message quotes paths,
    answers and values the user gave, which must neither drive the terminal nor start a line of
    their own (a newline in a file name is shown as \\n).  `lines`: a message of several lines the
    tool built itself, each escaped where it quotes the user (a fact file's refusals)."""
    from ..escaping import text_safe

    text = "\n".join(text_safe(line) for line in str(message).split("\n")) if lines else text_safe(message)
    click.echo(text, err=True)
    sys.exit(2)


class Command(click.Command):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        """An option's value (an incident, a target, a fact name, a name to record) may not carry a
        control, bidi or invisible character: it would reach messages and reports as typed.  File
        names (arguments and path options) are accepted and shown escaped (escaping.text_safe)."""
        from ..escaping import HIDDEN, text_safe

        for param in self.params:
            if isinstance(param, click.Argument) or isinstance(param.type, click.Path):
                continue
            value = ctx.params.get(param.name or "")
            for v in value if isinstance(value, (tuple, list)) else (value,):
                if isinstance(v, str) and HIDDEN.search(v):
                    fail(f"选项 {param.opts[-1]} 的值含控制字符、双向文本控制符或不可见字符：{text_safe(v)}")
        return super().invoke(ctx)


class Group(click.Group):
    command_class = Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        """Ctrl-C ends any command with exit status 130 (1 is kept for internal errors); batch and
        the interview say first what they kept."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\n已中断。", err=True)
            raise click.exceptions.Exit(130) from None


command = functools.partial(click.command, cls=Command)

FORMATS = click.Choice(["text", "md", "html", "json"])


def report_options(fn):
    """--format, -o, --atoms, --no-register: every command that prints a report."""
    from ..register_option import register_option

    fn = register_option(fn)
    fn = click.option(
        "--atoms",
        is_flag=True,
        help="在每项事实后附上事实文件中的写法（原子，atom），供编写测试用例者核对。",
    )(fn)
    fn = click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="写入文件（原子写入，不留半成品）。")(fn)
    return click.option(
        "--format", "fmt", type=FORMATS, default="text", show_default=True, help="报告格式：文本、Markdown、HTML 或 JSON。"
    )(fn)


def holidays_option(fn):
    return click.option(
        "--holidays",
        "holidays",
        type=click.Path(dir_okay=False),
        help="节假日安排文件（国务院办公厅通知的日期），补充日历数据未收录的年份；格式见 README。",
    )(fn)


def regime_option(choices=REGIME_CHOICES, help="适用的办法（regime）；all 为全部五部；缺省时用案件的 regime/2 事实。"):
    return click.option("--regime", "regime", type=click.Choice(choices), help=help)


def envelope(data: dict, regimes) -> dict:
    """A JSON document with the tool version and the sha256 of the vocabulary and encodings used."""
    from .. import __version__
    from ..encoding import encodings_digest

    return {**data, "version": __version__, "sha256": encodings_digest(sorted(set(regimes)))}


def emit(data: dict, regimes, document, fmt: str, output: str | None, atoms: bool = False) -> None:
    """JSON with version and sha256 of the `regimes` used; human formats through the document
    builder and the templates."""
    if fmt == "json":
        write(json.dumps(envelope(data, regimes), ensure_ascii=False, indent=2) + "\n", output)
        return
    from ..report import render_document

    write(render_document(document(), fmt, atoms), output)


def read(files):
    from ..factfile import read_fact_file
    from ..register_option import OPTION_META

    note_inputs(files)
    ctx = click.get_current_context(silent=True)
    if ctx is not None and OPTION_META in ctx.meta:  # a command that offers --no-register
        from ..register_consult import register_context

        register_context(not ctx.meta[OPTION_META])
    return [read_fact_file(f) for f in files]  # every file is validated before any is decided


def guarded(fn):
    """Bad input (a fact file, an option value) -> its message and exit status 2."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from ..factfile import FactFileError
        from ..results import CheckError

        try:
            return fn(*args, **kwargs)
        except FactFileError as exc:
            fail(exc.message(), lines=True)
        except CheckError as exc:
            fail(str(exc))

    return wrapper


def calendar(holidays: str | None) -> None:
    from ..procedure import use_holidays

    if holidays is not None:
        note_inputs([holidays])
    use_holidays(holidays)  # None: the packaged calendar only (nothing left from an earlier call)


def one_incident(file: str, incident: str | None, regime: str | None):
    """The file, the one incident and the one regime a question about a single incident is about:
    named by the options, or the only ones the file has."""
    from ..questions import per_incident
    from ..results import CheckError

    [ff] = read([file])
    if incident is None and len(ff.incidents) != 1:
        raise CheckError(f"文件中有 {len(ff.incidents)} 起失误错误（{', '.join(ff.incidents) or '无'}）：请用 --incident 指定")
    [ci] = per_incident(ff, incident or next(iter(ff.incidents)))
    if regime is None:
        regimes = regimes_of(ff, ci.inc, None)
        if len(regimes) != 1:
            raise CheckError(f"案件适用 {len(regimes)} 部办法（{', '.join(regimes)}）：请用 --regime 指定")
        regime = regimes[0]
    return ci, regime


def regimes_of(ff, inc, regime: str | None) -> list[str]:
    from ..results import regimes_for

    return regimes_for(ff, ff.subjects[inc.subject].case, regime)


GOALS = "\n      ".join(
    f"{zh}（{code}）" for code, zh in {**vocabulary().verdicts, **vocabulary().outcomes}.items() if code != "undetermined"
)
