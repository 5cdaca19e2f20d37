"""The `rongcuo` command line: the group and its commands (rongcuo_asp/commands/, one module per
family).  A command's module is imported only when that command runs or help lists it (click's
"lazily loading subcommands"), so `rongcuo check` does not pay for batch, the interview or the
register.  Bad input: a message naming file and line, exit status 2."""

from __future__ import annotations

import gc
import importlib
import os
import sys

import click

from .commands.common import Group

# Every command: its name -> "module:attribute" under rongcuo_asp.commands.
COMMANDS = {
    "check": "check:check",
    "explain": "explain:explain",
    "whatif": "explain:whatif",
    "compare": "explain:compare",
    "batch": "batch:batch",
    "interview": "interview:interview",
    "opinion": "opinion:opinion",
    "test": "check:test_cmd",
    "verify": "verify:verify",
    "mutate": "mutate:mutate",
    "coverage": "mutate:coverage",
    "regimes": "info:regimes",
    "provisions": "info:provisions",
    "vocabulary": "info:vocabulary_cmd",
    "record": "register:record",
    "register": "register:register",
}


class LazyGroup(Group):
    """A group whose commands (COMMANDS) are imported on first use; the invoke overrides of
    commands.common.Group (Ctrl-C -> 130) stay."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attr = COMMANDS[cmd_name].split(":")
            cmd = getattr(importlib.import_module(f"{__package__}.commands.{module}"), attr)
            if not isinstance(cmd, click.Command) or cmd.name != cmd_name:
                raise TypeError(f"COMMANDS[{cmd_name!r}] names {cmd!r}")
            self.add_command(cmd)
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0] not in COMMANDS:  # click suggests a name from the loaded commands: load them all
            for name in COMMANDS:
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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


def run() -> None:
    """Console entry point: internal errors are reported briefly (RONGCUO_DEBUG=1 for the traceback).

    The process ends with the command.  At exit Python's cyclic collector would go once more over
    every object left (the modules, each solver and its ground program, ~15 ms of a one-case check)
    only to free memory the system frees anyway: they are frozen first, so it skips them.  Nothing
    left has work to do at exit (files, the register and worker pools are closed by the command)."""
    try:
        main(standalone_mode=True)
    except Exception as exc:  # pragma: no cover - a bug, not bad input
        if os.environ.get("RONGCUO_DEBUG"):
            raise
        click.echo(f"rongcuo: 内部错误：{type(exc).__name__}: {exc}（设置 RONGCUO_DEBUG=1 查看详情）", err=True)
        sys.exit(1)
    finally:
        gc.freeze()
