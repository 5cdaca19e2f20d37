"""regimes, provisions and vocabulary: what the tool knows, for reference."""

from __future__ import annotations

import json

import click

from ..vocabulary import vocabulary
from .common import command


@command()
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


@command()
@click.option("--regime", "regime", type=click.Choice(list(vocabulary().regimes)), required=True, help="办法（regime）。")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="输出格式（html 仅用于 --elements）。",
)
@click.option("--elements", is_flag=True, help="逐项列出条文短语与其读取的事实，以及未对应的条文。")
def provisions(regime: str, fmt: str, elements: bool) -> None:
    """条文（provisions）：办法逐条原文，以及编码如何处理每一条（编码、程序、未编码及理由）。

    \b
    示例：
      rongcuo provisions --regime beijing
      rongcuo provisions --regime beijing --elements --format html > beijing.html
    """
    if elements:
        from .. import elements as el

        if fmt == "json":
            click.echo(json.dumps(el.elements_data(regime), ensure_ascii=False, indent=2))
        elif fmt == "html":
            click.echo(el.render_elements_html(regime), nl=False)
        else:
            click.echo(el.render_elements_text(regime), nl=False)
        return
    if fmt == "html":
        raise click.UsageError("--format html 仅用于 --elements。")
    if fmt == "json":
        from ..report import provisions_data

        click.echo(json.dumps(provisions_data(regime), ensure_ascii=False, indent=2))
        return
    from ..report import render_provisions

    click.echo(render_provisions(regime), nl=False)


@command("vocabulary")
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
    from ..report import render_vocabulary

    click.echo(render_vocabulary())
