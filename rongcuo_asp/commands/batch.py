"""batch: many fact files into a ledger (JSON lines, CSV, xlsx)."""

from __future__ import annotations

import sys

import click

from ..inputs import os_reason
from .common import calendar, command, fail, guarded, holidays_option, inputs_read, regime_option


@command()
@click.argument("paths", nargs=-1, required=True, metavar="路径...")
@regime_option(help="适用的办法（regime）；all 为全部五部；缺省时用各案件的 regime/2 事实。")
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
@click.option(
    "--full",
    is_flag=True,
    help="jsonl：每条写出与 check --format json 相同的完整结论（含已查明的事实、各判断因素的事实）；缺省为台账记录。",
)
@click.option("--progress/--no-progress", default=True, show_default=True, help="在标准错误输出显示进度。")
@holidays_option
def batch(paths, regime, output, fmt, jobs, resume, full, progress, holidays) -> None:
    """批量审查（batch）：审查路径下的全部事实文件（目录递归查找 *.lp）；被拒绝的文件不中断审查，
    列入汇总（表格格式中另成一行，写明原因），退出状态为 2。

    \b
    示例：
      rongcuo batch 案件目录/ -o 结论.jsonl --jobs 2
      rongcuo batch 案件目录/ --regime all --format xlsx -o 台账.xlsx
    """
    from ..batch import render_summary, run

    if resume and not output:
        fail("--resume 需要 -o 输出文件")
    if fmt == "xlsx" and not output:
        fail("--format xlsx 需要 -o 输出文件（如 -o 台账.xlsx）")
    if fmt == "xlsx" and resume:
        fail("xlsx 不支持 --resume：请用 csv 续写，或重新生成")
    try:
        guarded(calendar)(holidays)
        summary = run(list(paths), regime, output, jobs, fmt, resume, progress, inputs_read(), full)
    except OSError as exc:
        from ..escaping import text_safe as printable

        fail(f"无法写入 {printable(str(output))}：{os_reason(exc)}")
    except KeyboardInterrupt:
        click.echo("\n已中断；已写出的结论完整保留，用 --resume 继续。", err=True)
        sys.exit(130)
    click.echo(render_summary(summary), err=True)
    sys.exit(2 if summary.refused else 0)
