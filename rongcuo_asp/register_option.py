"""--no-register, the option of the commands that consult the case register (check, explain,
whatif, compare, interview, opinion, record): kept apart and light, every command module imports it."""

from __future__ import annotations

import click

OPTION_META = "rongcuo.no_register"  # on the click context: True with --no-register, False without


def register_option(fn):
    """--no-register: decide without the case register; without it the register is consulted
    where it exists (register_consult.register_context, called by commands.common.read)."""

    def remember(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        ctx.meta[OPTION_META] = value

    return click.option(
        "--no-register",
        is_flag=True,
        expose_value=False,
        callback=remember,
        help="不查阅案件登记簿（同一当事人此前登记的失误错误与认定）。",
    )(fn)
