"""check and test: decide fact files, run their expectations."""

from __future__ import annotations

import sys

import click

from .common import calendar, command, emit, fail, guarded, holidays_option, read, regime_option, report_options


@command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False), metavar="文件...")
@regime_option()
@report_options
@holidays_option
@guarded
def check(files: tuple[str, ...], regime: str | None, fmt: str, output: str | None, atoms: bool, holidays: str | None) -> None:
    """认定（check）：对每个事实文件中的每起失误错误作出结论，附依据、需核实的事实与时限审查。

    每个文件是一组独立的案件。文件中有预期（expect 原子）时，在标准错误输出核对结果，不符时退出状态为 1。

    \b
    示例：
      rongcuo check facts/examples/beijing_example.lp
      rongcuo check 案件.lp --regime all --format html -o 认定.html
    """
    from ..results import check_file

    calendar(holidays)
    files_read = read(files)
    per_file = [check_file(ff, regime) for ff in files_read]
    results = [r for rs in per_file for r in rs]
    from ..documents import check_document

    emit({"results": results}, [r["regime"] for r in results], lambda: check_document(results), fmt, output, atoms)
    _check_expectations(files_read, per_file)


def _check_expectations(files_read, per_file) -> None:
    """Files that carry expect atoms: say on stderr whether they hold; exit status 1 if not."""
    from ..scenarios import expectations, has_expectations

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
        from ..escaping import text_safe as printable

        for e in failures:
            click.echo(printable(e.message), err=True)
        sys.exit(1)
    click.echo(f"预期核对：{len(checked)} 项预期全部符合。", err=True)


@command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="路径...")
@guarded
def test_cmd(paths: tuple[str, ...]) -> None:
    """检验（test）：运行事实文件中的预期（expect 原子），目录递归查找 *.lp；有不符时退出状态为 1。

    \b
    示例：
      rongcuo test facts/ mycases/case1.lp
    """
    from ..batch import collect
    from ..escaping import text_safe as printable
    from ..factfile import read_fact_file
    from ..scenarios import expectations, has_expectations

    files, missing = collect(list(paths))
    if missing:
        fail("；".join(f"{printable(p)}：{why}" for p, why in missing))
    passed = failed = 0
    for path in files:
        ff = read_fact_file(path)
        if not has_expectations(ff):
            continue
        for e in expectations(ff):
            click.echo(f"{'通过' if e.ok else '不符'}  {printable(e.path)}:{e.line}  {e.text}")  # a name cannot forge a line
            if not e.ok:
                click.echo(printable(e.message))
            passed, failed = passed + e.ok, failed + (not e.ok)
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
