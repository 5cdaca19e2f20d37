"""mutate and coverage: would the scenario files notice a wrong encoding, and what do they exercise."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from ..escaping import text_safe
from ..inputs import os_reason
from ..vocabulary import vocabulary
from .common import REGIME_CHOICES, command, envelope, fail, guarded, read, write, write_file

FORMATS = click.Choice(["text", "json", "html"])


def _files(paths: tuple[str, ...]):
    from ..batch import collect

    files, missing = collect(list(paths))
    if missing:
        fail("；".join(f"{p}：{why}" for p, why in missing))
    return read(files)


def _regimes(option: str | None, present) -> list[str]:
    names = list(vocabulary().regimes)
    if option == "all":
        return names
    if option:
        return [option]
    return [r for r in names if r in present]  # the regimes the files' expectations name


def _progress(done: int, total: int) -> None:
    """At a terminal a counter rewritten in place; otherwise a line at every tenth and at the end."""
    if sys.stderr.isatty():
        click.echo(f"\r变异检验：{done}/{total}", err=True, nl=done == total)
    elif done == total or done % max(1, total // 10) == 0:
        click.echo(f"变异检验：{done}/{total}", err=True)


@command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="路径...")
@click.option(
    "--regime", "regime", type=click.Choice(REGIME_CHOICES), help="检验的办法；all 为全部五部；缺省时为情景预期涉及的办法。"
)
@click.option("--jobs", "jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="并行的进程数。")
@click.option("--only", "only", metavar="条款", help="只变异该条款（前缀匹配，如 第八条 或 第八条第（四）项）。")
@click.option(
    "--write-scenarios",
    "scenarios_dir",
    type=click.Path(file_okay=False),
    metavar="目录",
    help="为每个存活的变异写出能发现它的情景文件：目录/办法/mutant_*.lp。",
)
@click.option(
    "--fail-under",
    "fail_under",
    type=click.FloatRange(0, 100),
    metavar="百分比",
    help="任一办法的变异得分低于该百分比时退出状态为 1。",
)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True, help="输出格式。")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="写入文件（原子写入）。")
@guarded
def mutate(
    paths: tuple[str, ...],
    regime: str | None,
    jobs: int,
    only: str | None,
    scenarios_dir: str | None,
    fail_under: float | None,
    fmt: str,
    output: str | None,
) -> None:
    """变异检验（mutate）：逐一改动编码中的一个要件（删去、改为反面、门槛移动一级、删去不予容错情形、
    改变处理方式），检验情景文件的预期能否发现；未被发现的改动即情景未钉住的条文，并给出能发现它的情景。

    变异得分 = 被发现的变异 ÷（变异总数 − 等价变异）。等价变异在任何情形下都不改变结论。

    \b
    示例：
      rongcuo mutate facts/ --regime all --jobs 2
      rongcuo mutate facts/scenarios/beijing --regime beijing --only 第八条 --write-scenarios 补写情景/
    """
    from .. import mutate as m

    started = time.monotonic()
    suite = m.Suite(_files(paths))
    regimes = _regimes(regime, suite.by_regime)
    if not regimes:
        fail("所给文件中没有任何情景预期（expect 原子）：变异检验需要情景文件")
    outcomes, skip = m.run_all(suite, regimes, jobs, only, progress=_progress)
    seconds = time.monotonic() - started
    written: dict[str, str] = {}
    if scenarios_dir:
        written = _write_scenarios(scenarios_dir, outcomes)
    scores = m.score(outcomes)
    left_out = [f"{c.path}:{c.line} {c.text}" for r in regimes for c in sorted(skip[r], key=lambda c: (c.path, c.line))]
    if fmt == "json":
        data = {
            "regimes": {r: {**scores.get(r, _empty()), "expectations": suite.count(r)} for r in regimes},
            "mutants": [_mutant_json(o, written) for o in outcomes],
            "left_out": left_out,
            "seconds": round(seconds, 2),
        }
        write(json.dumps(envelope(data, regimes), ensure_ascii=False, indent=2) + "\n", output)
    elif fmt == "html":
        write(_html(regimes, outcomes, scores, written, left_out, seconds), output)
    else:
        write(_text(regimes, outcomes, scores, written, left_out, seconds, suite), output)
    if fail_under is not None and any((scores.get(r, _empty())["score"] or 0) * 100 < fail_under for r in regimes):
        sys.exit(1)


def _empty() -> dict:
    return {"total": 0, "killed": 0, "surviving": 0, "equivalent": 0, "invalid": 0, "score": None}


def _write_scenarios(directory: str, outcomes) -> dict[str, str]:
    """Each surviving mutant's scenario as DIR/<regime>/mutant_<article>_<item>_<kind>_<fact>.lp."""
    from ..encoding import citation_key

    written: dict[str, str] = {}
    used: set[Path] = set()
    for o in outcomes:
        if o.status != "surviving" or not o.scenario:
            continue
        mt = o.mutant
        art, item = citation_key(mt.citation)
        tail = mt.fact or (mt.id.rsplit(":", 1)[-1] if mt.kind == "swap" else f"L{mt.line}")
        stem = f"mutant_{art}{f'_{item}' if item else ''}_{mt.kind}_{tail}"
        path = Path(directory) / mt.regime / f"{stem}.lp"
        n = 2
        while path in used:
            path = Path(directory) / mt.regime / f"{stem}_{n}.lp"
            n += 1
        used.add(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            fail(f"无法创建目录 {path.parent}：{os_reason(exc)}")
        write_file(str(path), lambda tmp, text=o.scenario: Path(tmp).write_text(text, encoding="utf-8"))
        written[o.mutant.id] = str(path)
    return written


def _mutant_json(o, written: dict[str, str]) -> dict:
    mt = o.mutant
    entry = {
        "id": mt.id,
        "regime": mt.regime,
        "kind": mt.kind,
        "article": mt.citation,
        "phrase": mt.phrase,
        "fact": mt.fact or None,
        "change": mt.change,
        "line": mt.line,
        "status": o.status,
        "message": o.message,
    }
    if o.killer:
        entry["killed_by"] = o.killer
    if o.differ:
        entry["original"], entry["mutant"] = ({"verdict": v, "outcome": d} for v, d in o.differ)
        entry["scenario_verified"] = o.verified
    if mt.id in written:
        entry["scenario_file"] = written[mt.id]
    return entry


def _pair_zh(pair) -> str:
    voc = vocabulary()
    verdict, degree = pair
    text = voc.verdicts.get(verdict, verdict)
    return text + (f"（{voc.outcomes.get(degree, degree)}）" if verdict == "tolerable" and degree else "")


def _percent(score) -> str:
    return "—" if score is None else f"{score * 100:.1f}%"


def _text(regimes, outcomes, scores, written, left_out, seconds, suite) -> str:
    voc = vocabulary()
    lines = []
    for r in regimes:
        row = scores.get(r, _empty())
        lines.append(
            f"{voc.regimes[r]['short']}（{r}）：{row['total']} 个变异，发现 {row['killed']}，未发现 {row['surviving']}，"
            f"等价 {row['equivalent']}"
            + (f"，无法求解 {row['invalid']}" if row["invalid"] else "")
            + f"；变异得分 {_percent(row['score'])}（情景预期 {suite.count(r)} 项）"
        )
        mine = [o for o in outcomes if o.mutant.regime == r]
        survivors = [o for o in mine if o.status == "surviving"]
        if survivors:
            lines.append("  未被发现的变异（情景未钉住的条文）：")
            for o in survivors:
                lines.append(f"    {o.message}")
                lines.append(
                    f"      能发现它的情景：原编码认定为{_pair_zh(o.differ[0])}，改动后为{_pair_zh(o.differ[1])}"
                    + (f"；已写出 {text_safe(written[o.mutant.id])}" if o.mutant.id in written else "")
                )
        equivalent = [o for o in mine if o.status == "equivalent"]
        if equivalent:
            lines.append("  等价变异（任何情形下结论都不变，值得检查编码是否多余）：")
            lines += [f"    {o.message}" for o in equivalent]
    if left_out:
        lines.append("原编码下已不符的预期（不计入）：")
        lines += [f"  {x}" for x in left_out]
    lines.append(f"共 {len(outcomes)} 个变异，用时 {seconds:.1f} 秒")
    return "\n".join(lines) + "\n"


def _html(regimes, outcomes, scores, written, left_out, seconds) -> str:
    from html import escape

    voc = vocabulary()
    status_zh = {"killed": "已发现", "surviving": "未发现", "equivalent": "等价", "invalid": "无法求解"}
    parts = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>变异检验</title>',
        "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
        "table{border-collapse:collapse}.surviving{background:#fde2e2}.equivalent{background:#eef}"
        ".killed{background:#e6f4e6}</style></head><body><h1>变异检验</h1>",
        "<table><tr><th>办法</th><th>变异</th><th>发现</th><th>未发现</th><th>等价</th><th>得分</th></tr>",
    ]
    for r in regimes:
        row = scores.get(r, _empty())
        parts.append(
            f"<tr><td>{escape(voc.regimes[r]['short'])}</td><td>{row['total']}</td><td>{row['killed']}</td>"
            f"<td>{row['surviving']}</td><td>{row['equivalent']}</td><td>{_percent(row['score'])}</td></tr>"
        )
    parts.append("</table><h2>逐项</h2><table><tr><th>办法</th><th>条款</th><th>改动</th><th>结果</th><th>说明</th></tr>")
    for o in outcomes:
        mt = o.mutant
        note = o.killer or (f"原编码：{_pair_zh(o.differ[0])}；改动后：{_pair_zh(o.differ[1])}" if o.differ else "")
        if mt.id in written:
            note += f"；情景 {written[mt.id]}"
        where = mt.citation + (f" “{mt.phrase}”" if mt.phrase else "")
        parts.append(
            f'<tr class="{o.status}"><td>{escape(mt.regime)}</td><td>{escape(where)}</td><td>{escape(mt.change)}</td>'
            f"<td>{status_zh[o.status]}</td><td>{escape(note)}</td></tr>"
        )
    parts.append("</table>")
    if left_out:
        parts.append("<h2>原编码下已不符的预期（不计入）</h2><ul>" + "".join(f"<li>{escape(x)}</li>" for x in left_out) + "</ul>")
    parts.append(f"<p>共 {len(outcomes)} 个变异，用时 {seconds:.1f} 秒</p></body></html>\n")
    return "".join(parts)


@command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="路径...")
@click.option(
    "--regime", "regime", type=click.Choice(REGIME_CHOICES), help="检验的办法；all 为全部五部；缺省时为情景预期涉及的办法。"
)
@click.option("--only", "only", metavar="条款", help="只看该条款（前缀匹配，如 第十条）。")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True, help="输出格式。")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="写入文件（原子写入）。")
@guarded
def coverage(paths: tuple[str, ...], regime: str | None, only: str | None, fmt: str, output: str | None) -> None:
    """覆盖（coverage）：情景文件检验到了哪些条款、项与要件——成立（作为依据引用）、受阻（作为未满足的
    条件、不予容错情形等引用）、决定性（改动它会使某项预期不符）。

    \b
    示例：
      rongcuo coverage facts/scenarios/beijing --regime beijing
      rongcuo coverage facts/ --regime all --format html -o 覆盖.html
    """
    from ..coverage import coverage as measure
    from ..mutate import Suite

    suite = Suite(_files(paths))
    regimes = _regimes(regime, suite.by_regime)
    if not regimes:
        fail("所给文件中没有任何情景预期（expect 原子）：覆盖检查需要情景文件")
    tables = {r: measure(suite, r, only) for r in regimes}
    if fmt == "json":
        data = {"regimes": {r: [_cited_json(c) for c in table] for r, table in tables.items()}}
        write(json.dumps(envelope(data, regimes), ensure_ascii=False, indent=2) + "\n", output)
    elif fmt == "html":
        write(_coverage_html(tables), output)
    else:
        write(_coverage_text(tables), output)


def _cited_json(c) -> dict:
    elements = [
        {"fact": e.fact, "phrase": e.phrase, "label": e.label, "fired": e.fired, "blocked": e.blocked, "decisive": e.decisive}
        for e in c.elements.values()
    ]
    return {"article": c.citation, "fired": c.fired, "blocked": c.blocked, "decisive": c.decisive, "elements": elements}


def _mark(fired: int, blocked: int, decisive: bool) -> str:
    return f"成立 {fired:>2}  受阻 {blocked:>2}  {'决定性' if decisive else '非决定性'}"


def _coverage_text(tables) -> str:
    voc = vocabulary()
    lines = []
    for r, table in tables.items():
        lines.append(f"{voc.regimes[r]['short']}（{r}）")
        for c in table:
            lines.append(f"  {c.citation:<14} {_mark(c.fired, c.blocked, c.decisive)}")
            phrases = [e.phrase for e in c.elements.values()]
            for e in c.elements.values():
                label = f"〔{e.label}〕" if phrases.count(e.phrase) > 1 and e.label != e.phrase else ""
                lines.append(f"      “{e.phrase}”{label}  {_mark(e.fired, e.blocked, e.decisive)}")
        idle = [c.citation for c in table if not (c.fired or c.blocked)]
        if idle:
            lines.append(f"  没有情景引用的条款：{'、'.join(idle)}")
        weak = [f"{c.citation} “{e.phrase}”" for c in table for e in c.elements.values() if e.mutants and not e.decisive]
        if weak:
            lines.append(f"  改动后没有预期不符的要件：{'、'.join(weak)}")
    return "\n".join(lines) + "\n"


def _coverage_html(tables) -> str:
    from html import escape

    voc = vocabulary()

    def cls(fired: int, blocked: int, decisive: bool) -> str:
        return "decisive" if decisive else "exercised" if fired or blocked else "idle"

    parts = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>情景覆盖</title><style>'
        "body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
        "table{border-collapse:collapse}.decisive{background:#d8f0d8}.exercised{background:#fff3c4}.idle{background:#f8d7d7}"
        '</style></head><body><h1>情景覆盖</h1><p><span class="decisive">决定性</span> '
        '<span class="exercised">被引用但改动不影响预期</span> <span class="idle">未被引用</span></p>'
    ]
    for r, table in tables.items():
        parts.append(
            f"<h2>{escape(voc.regimes[r]['short'])}</h2><table><tr><th>条款</th><th>条文与要件</th><th>成立</th>"
            "<th>受阻</th></tr>"
        )
        for c in table:
            text = escape(c.text)
            for e in sorted(c.elements.values(), key=lambda e: -len(e.phrase)):
                if e.phrase and escape(e.phrase) in text:
                    mark = (
                        f'<mark class="{cls(e.fired, e.blocked, e.decisive)}" title="{escape(e.fact)}">{escape(e.phrase)}</mark>'
                    )
                    text = text.replace(escape(e.phrase), mark, 1)
            parts.append(
                f'<tr><td class="{cls(c.fired, c.blocked, c.decisive)}">{escape(c.citation)}</td><td>{text}</td>'
                f"<td>{c.fired}</td><td>{c.blocked}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "".join(parts)
