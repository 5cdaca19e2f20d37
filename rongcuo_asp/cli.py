"""The `rongcuo` command line: the group and its commands (rongcuo_asp/commands/, one module per
family).  Bad input: a message naming file and line, exit status 2."""

from __future__ import annotations

import os
import sys

import click

from .commands import batch, check, explain, info, interview, mutate, opinion, register, verify
from .commands.common import Group


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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


for _cmd in (
    check.check,
    explain.explain,
    explain.whatif,
    explain.compare,
    batch.batch,
    interview.interview,
    opinion.opinion,
    check.test_cmd,
    verify.verify,
    mutate.mutate,
    mutate.coverage,
    info.regimes,
    info.provisions,
    info.vocabulary_cmd,
    register.record,
    register.register,
):
    main.add_command(_cmd)


def run() -> None:
    """Console entry point: internal errors are reported briefly (RONGCUO_DEBUG=1 for the traceback)."""
    try:
        main(standalone_mode=True)
    except Exception as exc:  # pragma: no cover - a bug, not bad input
        if os.environ.get("RONGCUO_DEBUG"):
            raise
        click.echo(f"rongcuo: 内部错误：{type(exc).__name__}: {exc}（设置 RONGCUO_DEBUG=1 查看详情）", err=True)
        sys.exit(1)
