"""explain, whatif and compare: questions about one case beyond its verdict."""

from __future__ import annotations

import click

from ..vocabulary import vocabulary
from .common import (
    GOALS,
    MAX_CHANGES,
    calendar,
    command,
    emit,
    guarded,
    holidays_option,
    one_incident,
    read,
    regime_option,
    regimes_of,
    report_options,
)


@command()
@click.argument("file", type=click.Path(dir_okay=False), metavar="文件")
@regime_option()
@click.option("--incident", "incident", help="只解释这一起失误错误（incident 标识）。")
@click.option("--contrast", "contrast", help="对照的结论或处理程度（contrast）：为何不是它、最少改变什么；可选值见上。")
@report_options
@holidays_option
@guarded
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
    from ..documents import explain_document
    from ..questions import explain_incident, per_incident

    calendar(holidays)
    [ff] = read([file])
    items = [explain_incident(ci, r, contrast) for ci in per_incident(ff, incident) for r in regimes_of(ff, ci.inc, regime)]
    emit({"explanations": items}, [e["regime"] for e in items], lambda: explain_document(items), fmt, output, atoms)


explain.help = (explain.help or "").format(goals=GOALS)


@command()
@click.argument("file", type=click.Path(dir_okay=False), metavar="文件")
@regime_option(list(vocabulary().regimes), "适用的办法（regime）；缺省时用案件唯一的 regime/2 事实。")
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
@report_options
@guarded
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
    from ..documents import whatif_document
    from ..questions import whatif_incident

    ci, regime = one_incident(file, incident, regime)
    result = whatif_incident(ci, regime, target, keep, max_changes)
    emit(result, [regime], lambda: whatif_document([result]), fmt, output, atoms)


whatif.help = (whatif.help or "").format(goals=GOALS)


@command()
@click.argument("file", type=click.Path(dir_okay=False), metavar="文件")
@click.option("--incident", "incident", help="只对照这一起失误错误（incident 标识）。")
@report_options
@holidays_option
@guarded
def compare(file: str, incident: str | None, fmt: str, output: str | None, atoms: bool, holidays: str | None) -> None:
    """对照（compare）：同一起失误错误依五部办法分别认定，列表比较结论与决定条款。

    \b
    示例：
      rongcuo compare 案件.lp --format html -o 对照.html
    """
    from ..documents import compare_document
    from ..questions import compare_incident, per_incident

    calendar(holidays)
    [ff] = read([file])
    items = [compare_incident(ci) for ci in per_incident(ff, incident)]
    emit({"comparisons": items}, list(vocabulary().regimes), lambda: compare_document(items), fmt, output, atoms)
