"""opinion: draft the written 容错认定意见 of one incident."""

from __future__ import annotations

from pathlib import Path

import click

from ..escaping import text_safe
from ..register_option import register_option
from ..vocabulary import vocabulary
from .common import calendar, command, fail, guarded, holidays_option, one_incident, regime_option, write, write_file


@command()
@click.argument("file", type=click.Path(dir_okay=False), metavar="文件")
@regime_option(list(vocabulary().regimes), "办法（regime）；缺省时用案件唯一的 regime/2 事实。")
@click.option("--incident", "incident", help="失误错误（incident 标识）；缺省时用文件中唯一的一起。")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False),
    help="意见书文件：.docx、.md 或 .html（按扩展名）。",
)
@holidays_option
@register_option
@guarded
def opinion(file: str, regime: str | None, incident: str | None, output: str, holidays: str | None) -> None:
    """认定意见（opinion）：为一起失误错误起草书面的容错认定意见（标题、文号、主送；当事人基本情况、案件来源及
    调查经过、查明的事实、当事人陈述申辩、征求意见情况、认定理由、处理意见；落款），供审核、签发。文件未写明的事项
    （职务、调查方式、陈述申辩、征求意见、集体研究、落款等）留作〔待填：……〕，并在文末列出。
    尚无法认定的，不出具意见，列出尚需查明的事实（退出状态 2）。

    \b
    认定意见用到的记录事实（不影响结论）：post(当事人, "职务")、investigation(I, "调查方式")、
    statement(I, "陈述申辩")、consulted(I, "机关", "意见")、deliberated(I, "机关", "YYYY-MM-DD")、
    decided_by(I, "作出认定的机关")；成文日期取 date(I, decision_made, …)。

    \b
    示例：
      rongcuo opinion 案件.lp -o 容错认定意见.docx
      rongcuo opinion 案件.lp --regime beijing --incident i1 -o 意见.html
    """
    from ..documents import footer
    from ..opinion import docx_document, opinion_document
    from ..results import incident_result

    kind = Path(output).suffix.lower().lstrip(".")
    if kind not in ("docx", "md", "html"):
        fail(f"{output}：意见书格式由扩展名决定，应为 .docx、.md 或 .html")
    calendar(holidays)
    ci, regime = one_incident(file, incident, regime)
    doc = opinion_document(incident_result(ci, regime), {**ci.subject.records, **ci.inc.records})
    if kind == "docx":
        write_file(output, docx_document(doc, footer(doc)).save)  # the one safe writer: never an input
    else:
        from ..report import render_opinion

        write(render_opinion(doc, kind), output)
    click.echo(f"已写出认定意见（草稿）：{text_safe(output)}", err=True)
