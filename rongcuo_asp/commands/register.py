"""rongcuo record, rongcuo register due|show|stats|export|import: the case register (issue 24)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path

import click

from ..escaping import html_safe, text_safe
from ..register_option import register_option
from .common import Group, calendar, command, fail, guarded, holidays_option, note_inputs, read, regime_option, write, write_file


def _register_errors(fn):
    """The register refused (corrupt, foreign, newer, read-only file; a bad import line): its
    message naming the path, exit status 2, nothing written."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from ..register import ImportRefused, RegisterError

        try:
            return fn(*args, **kwargs)
        except RegisterError as exc:
            fail(str(exc))
        except ImportRefused as exc:
            fail(f"{click.get_current_context().params.get('file')}:{exc.line}: {exc.text}（未导入任何记录）")

    return wrapper


def _iso_date(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else _bad(value)
    except ValueError:
        return _bad(value)


def _bad(value: str) -> str:
    raise click.BadParameter(f"日期应为 YYYY-MM-DD：{value}")


def _store(write_access: bool):
    """The register, opened; its files count as inputs, so no -o of this command replaces them."""
    from ..register_store import open_store, register_path

    path = register_path()
    note_inputs([path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")])
    return open_store(write_access)


@command()
@click.argument("file", type=click.Path(dir_okay=False))
@regime_option()
@click.option("--decision-no", "decision_no", help="认定决定的文号，如 某纪发〔2024〕12号。")
@click.option("--date", "date", callback=_iso_date, help="认定日期 YYYY-MM-DD；缺省时用 date(I, decision_made, …)。")
@click.option("--by", "by", help="登记人。")
@holidays_option
@register_option
@_register_errors
@guarded
def record(
    file: str, regime: str | None, decision_no: str | None, date: str | None, by: str | None, holidays: str | None
) -> None:
    """登记（record）：把事实文件中已有结论的失误错误记入案件登记簿。

    每个当事人须有登记键 subject_key(S, "人事编号")；结论待定的不予登记（列出需核实的事实），
    其余照常登记，退出状态为 2。同一文件再登记一次不重复；文件改动后再登记为新版本，旧版本保留。
    认定时查阅登记簿中同一当事人此前的记录（--no-register 不查阅）。

    \b
    示例：
      rongcuo record 案件.lp --decision-no "某纪发〔2024〕12号" --date 2024-05-28 --by 张三
    """
    from ..register import prepare, record_rows
    from ..results import check_file

    calendar(holidays)
    [ff] = read([file])
    text = Path(file).read_text(encoding="utf-8")
    results = check_file(ff, regime)
    prepared = prepare(ff, text, [dict(r) for r in results], decision_no, date, by)
    done = []
    if prepared.rows:
        store = _store(True)
        assert store is not None
        try:
            done = record_rows(store, text, prepared.rows)
        finally:
            store.close()
    words = {
        "new": "已登记",
        "version": "已登记为新版本",
        "unchanged": "已在登记簿中，未改变",
        "updated": "已更新文号/日期",
        "restored": "已恢复为此版本",
    }
    for row, (rid, version, status) in zip(prepared.rows, done, strict=True):
        click.echo(
            f"第 {rid} 号（第 {version} 版）：{row['incident']}"
            f"（{_short(row['regime'])}，{_verdict(row['verdict'], row['outcome'])}）"
            f"— {words[status]}"
        )
    for why in prepared.refused:
        click.echo(f"{text_safe(file)}：{why}", err=True)
    if prepared.refused:
        raise SystemExit(2)


def _short(regime: str) -> str:
    from ..vocabulary import vocabulary

    return vocabulary().regimes[regime]["short"]


def _verdict(verdict: str, outcome: str | None) -> str:
    from ..documents import verdict_zh

    return verdict_zh(verdict, outcome)


@click.group(cls=Group, short_help="案件登记簿（register）：应办程序、当事人记录、统计、导出导入。")
def register() -> None:
    """案件登记簿（register）：应办程序（due）、当事人记录（show）、统计（stats）、导出导入（export、import）。

    登记簿位置：环境变量 RONGCUO_DB，否则为用户数据目录下的 rongcuo/register.sqlite3
    （Linux：~/.local/share/rongcuo/）。check、explain、interview、opinion 默认查阅登记簿
    （--no-register 不查阅）。
    """


MAX_WITHIN_DAYS = 36_500  # a hundred years: any step a register can owe


def _within(ctx, param, value: str | None) -> int | None:
    if value is None:
        return None
    m = re.fullmatch(r"(\d{1,6})\s*[dD天]?", value.strip())
    if not m or int(m.group(1)) > MAX_WITHIN_DAYS:
        raise click.BadParameter(f"应为不超过 {MAX_WITHIN_DAYS} 的天数，如 7d：{value}")
    return int(m.group(1))


@register.command()
@click.option("--within", "within", callback=_within, help="只列出此后若干天内到期的（含已逾期），如 7d。")
@click.option("--today", "today", callback=_iso_date, help="以此日为今天（YYYY-MM-DD），缺省为系统日期。")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "xlsx"]), default="text", show_default=True)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="写入文件（xlsx 必须）。")
@_register_errors
def due(within: int | None, today: str | None, fmt: str, output: str | None) -> None:
    """应办程序：已登记案件尚未办理的程序步骤（公示、反馈、跟踪回访、暂挂、备案……），逾期的在前。"""
    from ..register import due as owed

    day = dt.date.fromisoformat(today) if today else dt.date.today()
    store = _store(False)
    items = owed(store, day, within) if store else []
    if fmt == "json":
        # one line: the C encoder (indent would take the slow one; 100 000 records may owe 300 000 steps)
        write(json.dumps({"today": day.isoformat(), "within": within, "due": items}, ensure_ascii=False) + "\n", output)
    elif fmt == "xlsx":
        head = ["状态", "期限", "程序步骤", "条款", "办法", "登记键", "当事人", "失误错误", "事由", "文号", "登记号"]
        _xlsx(output, "应办程序", head, [[_when(d), d["due"] or "", *_due_row(d)] for d in items])
    else:
        lines = [f"应办程序（{day.isoformat()}{f'起 {within} 天内' if within is not None else ''}）：{len(items)} 项"]
        lines += [f"{_when(d)}  {d['due'] or '—'}  " + "  ".join(map(text_safe, _due_row(d))) for d in items]
        write("\n".join(lines) + "\n", output)


def _when(d: dict) -> str:
    if d["due"] is None:
        return "无期限"
    if d["period"]:
        return f"进行中（至期满还有 {d['days']} 天）"
    return f"逾期 {-d['days']} 天" if d["overdue"] else f"还有 {d['days']} 天"


def _due_row(d: dict) -> list[str]:
    from ..vocabulary import vocabulary

    return [
        vocabulary().label("step", d["step"]),
        d["article"],
        _short(d["regime"]),
        d["subject_key"],
        d["subject_name"] or "—",
        d["incident"],
        d["matter"] or "—",
        d["decision_no"] or "—",
        str(d["record"]),
    ]


def _xlsx(output: str | None, title: str, head: list[str], rows: list[list[str]]) -> None:
    """A sheet of strings (every cell a string: a value like "=1+1" is never a formula)."""
    if output is None:
        fail("xlsx 格式须用 -o 指定输出文件")
    assert output is not None
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = title
    for r, values in enumerate([head, *rows], start=1):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col)
            cell.value = text_safe(value)
            cell.data_type = "s"
            if r == 1:
                cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    write_file(output, book.save)


@register.command()
@click.argument("key")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_register_errors
def show(key: str, fmt: str) -> None:
    """一个当事人（按登记键）的全部记录，每个版本，按认定先后。"""
    from ..register import decided_on, history

    store = _store(False)
    items = history(store, key) if store else []
    if fmt == "json":
        write(json.dumps({"subject_key": key, "records": items}, ensure_ascii=False, indent=2) + "\n", None)
        return
    if not items:
        write(f"登记簿中没有登记键 {text_safe(key)} 的记录。\n", None)
        return
    lines = [f"登记键 {text_safe(key)}：{len(items)} 条记录"]
    for d in items:
        mark = "" if d["current"] else "（旧版本）"
        lines.append(
            f"第 {d['id']} 号 第 {d['version']} 版{mark}  {decided_on(d)}  {_short(d['regime'])}  "
            f"{text_safe(d['subject_name'] or d['subject'])}：{text_safe(d['matter'] or '')}（{d['incident']}）"
            f"  {_verdict(d['verdict'], d['outcome'])}  决定条款：{'、'.join(d['deciding']) or '—'}"
        )
        lines.append(
            f"    文号：{text_safe(d['decision_no'] or '—')}  登记人：{text_safe(d['recorded_by'] or '—')}"
            f"  登记时间：{d['recorded_at']}"
        )
        lines.append(
            f"    文件：{text_safe(d['path'])}（sha256 {d['file_sha256'][:12]}…）"
            f"  工具 {d['tool_version']}，规则 {d['rules_sha256'][:12]}…"
        )
    # every field comes from the register, which an import may have filled: each line escaped whole
    write("\n".join(text_safe(line) for line in lines) + "\n", None)


@register.command()
@click.option("--year", "year", type=int, help="只统计此年份作出的认定。")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "xlsx", "html"]), default="text", show_default=True)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="写入文件（xlsx 必须）。")
@_register_errors
def stats(year: int | None, fmt: str, output: str | None) -> None:
    """统计：按办法、结论、处理程度、决定条款计数，及每月认定件数（html 附图）。"""
    from ..register import stats as count

    store = _store(False)
    data = count(store, year) if store else count_empty(year)
    if fmt == "json":
        write(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output)
    elif fmt == "xlsx":
        _xlsx(output, "统计", ["分类", "项目", "件数"], [[a, b, str(n)] for a, b, n in _stat_rows(data)])
    elif fmt == "html":
        write(_stats_html(data), output)
    else:
        title = f"案件登记簿统计{f'（{year} 年）' if year else ''}：共 {data['total']} 件"
        rows = (text_safe(f"{a}  {b}：{n}") for a, b, n in _stat_rows(data))  # values from the register: escaped
        write("\n".join([title, *rows]) + "\n", output)


def count_empty(year: int | None) -> dict:
    return {"year": year, "total": 0, "by_regime": {}, "by_verdict": {}, "by_outcome": {}, "by_article": [], "by_month": {}}


def _stat_rows(data: dict) -> list[tuple[str, str, int]]:
    from ..vocabulary import vocabulary

    voc = vocabulary()
    rows = [("办法", _short(r), n) for r, n in data["by_regime"].items()]
    rows += [("结论", voc.label("verdict", v), n) for v, n in data["by_verdict"].items()]
    rows += [("处理程度", voc.label("outcome", o) if o != "none" else "（无）", n) for o, n in data["by_outcome"].items()]
    rows += [("决定条款", f"{_short(a['regime'])} {a['article']}", a["count"]) for a in data["by_article"]]
    rows += [("月份", m, n) for m, n in data["by_month"].items()]
    return rows


def _every_month(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Each month from the first to the last counted, a month without decisions as 0; past twenty
    years (a mistyped year 9999 would draw 95 000 bars) each year instead, and past two hundred
    only the years that have decisions."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    if int(last[:4]) - int(first[:4]) >= 20:
        years: dict[str, int] = {}
        for month, n in counts.items():
            years[month[:4]] = years.get(month[:4], 0) + n
        span = range(int(first[:4]), int(last[:4]) + 1)
        return [(f"{y:04d}", years.get(f"{y:04d}", 0)) for y in span] if len(span) <= 200 else sorted(years.items())
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append((f"{y:04d}-{m:02d}", counts.get(f"{y:04d}-{m:02d}", 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _stats_html(data: dict) -> str:
    """A page with the counts and an inline SVG bar chart of decisions per month (no external asset)."""
    months = _every_month(data["by_month"])
    width, height, left, bottom = 900, 320, 48, 40
    top = max((n for _, n in months), default=0) or 1
    step = (width - left - 10) / max(len(months), 1)
    every = max(1, -(-60 // int(step)) if step >= 1 else len(months))  # a label every `every` months: no overlap
    base = height - bottom
    bars = []
    for i, (month, n) in enumerate(months):
        h = (base - 20) * n / top
        x = left + i * step + step * 0.15
        mid = x + step * 0.35
        bars.append(
            f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" fill="#3b6ea8">'
            f"<title>{html_safe(month)}：{n} 件</title></rect>"
        )
        if step >= 24 and n:
            bars.append(f'<text x="{mid:.1f}" y="{base - h - 4:.1f}" font-size="12" text-anchor="middle">{n}</text>')
        if i % every == 0:
            bars.append(f'<text x="{mid:.1f}" y="{base + 16}" font-size="11" text-anchor="middle">{html_safe(month)}</text>')
    axis = (
        f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#333"/>'
        f'<line x1="{left}" y1="20" x2="{width - 10}" y2="20" stroke="#ccc" stroke-dasharray="4 3"/>'
        f'<text x="{left - 6}" y="24" font-size="11" text-anchor="end">{top}</text>'
        f'<text x="{left - 6}" y="{base + 4}" font-size="11" text-anchor="end">0</text>'
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="每月认定件数">'
        f"{axis}{''.join(bars)}</svg>"
        if months
        else "<p>尚无记录。</p>"
    )
    groups: dict[str, list[tuple[str, int]]] = {}
    for a, b, n in _stat_rows(data):
        if a != "月份":
            groups.setdefault(a, []).append((b, n))
    tables = "".join(
        f"<section><h2>按{html_safe(g)}</h2><table><tr><th>{html_safe(g)}</th><th>件数</th></tr>"
        + "".join(f"<tr><td>{html_safe(b)}</td><td class=n>{n}</td></tr>" for b, n in rows)
        + "</table></section>"
        for g, rows in groups.items()
    )
    year = f"（{data['year']} 年）" if data["year"] else ""
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>案件登记簿统计</title><style>'
        "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #bbb;padding:.3em .8em;text-align:left}"
        "td.n{text-align:right}section{display:inline-block;vertical-align:top;margin-right:2em}"
        "</style></head><body>"
        f"<h1>案件登记簿统计{year}</h1><p>共 {data['total']} 件（每起失误错误按最新版本计）。</p>"
        f"<h2>每月认定件数</h2>{svg}<div>{tables}</div></body></html>\n"
    )


@register.command("export")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="写入文件（缺省输出到屏幕）。")
@_register_errors
def export_cmd(output: str | None) -> None:
    """导出登记簿为 JSON lines：每个事实文件一行，每条记录一行；导入后再导出完全相同。"""
    from ..register import export_lines

    store = _store(False)
    lines = export_lines(store) if store else []
    write("".join(line + "\n" for line in lines), output)


MAX_IMPORT_BYTES = 4 * 1024 * 1024 * 1024  # an export of 100 000 decisions is about 1.4 GB


@register.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@_register_errors
def import_cmd(file: str) -> None:
    """导入 export 的 JSON lines（一个事务：任何一行有误则不导入任何记录）；已有的记录跳过。"""
    from ..inputs import InputRefused, read_regular
    from ..register import import_lines

    try:  # the one safe reader: no FIFO, device or endless file
        lines = read_regular(file, MAX_IMPORT_BYTES).decode("utf-8").splitlines()
    except InputRefused as exc:
        fail(f"{text_safe(file)}：{exc}")
    except UnicodeDecodeError:
        fail(f"{text_safe(file)}：不是 UTF-8 文本，不是本工具导出的登记簿")
    store = _store(True)
    assert store is not None
    try:
        counts = import_lines(store, lines)
    finally:
        store.close()
    click.echo(
        f"已导入 {counts.get('records', 0)} 条记录、{counts.get('files', 0)} 个事实文件；"
        f"跳过已有记录 {counts.get('skipped', 0)} 条。"
    )
