"""The `rongcuo` command line.  Bad input: a message naming file and line, exit status 2."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import click

from .vocabulary import vocabulary

REGIME_CHOICES = [*vocabulary().regimes, "all"]


def _write(text: str, out: str | None) -> None:
    """Print, or write `out` atomically: nothing partial is left on failure."""
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    target = Path(out)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.")
    except OSError as exc:
        _fail(f"无法写入 {out}：{exc.strerror or exc}")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # the usual permissions, not mkstemp's private 0600
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rongcuo-asp")
def main() -> None:
    """rongcuo：依五部容错纠错办法认定、解释与检验案件（Answer Set Programming / clingo）。"""


FORMATS = click.Choice(["text", "md", "html", "json"])


def _emit(data: dict, document, fmt: str, output: str | None) -> None:
    """JSON as is; human formats through the document builder and the templates."""
    if fmt == "json":
        _write(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output)
        return
    from .report import render_document

    _write(render_document(document(), fmt), output)


def _read(files):
    from .factfile import read_fact_file

    return [read_fact_file(f) for f in files]  # every file is validated before any is decided


def _guarded(fn):
    """Bad input (a fact file, an option value) -> its message and exit status 2."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .factfile import FactFileError
        from .results import CheckError

        try:
            return fn(*args, **kwargs)
        except FactFileError as exc:
            _fail(exc.message())
        except CheckError as exc:
            _fail(str(exc))

    return wrapper


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--regime", "regime", type=click.Choice(REGIME_CHOICES), help="适用的办法；all 为全部五部；缺省时用案件的 regime/2 事实。"
)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="写入文件（原子写入）。")
@click.option(
    "--holidays",
    "holidays",
    type=click.Path(dir_okay=False),
    help="节假日安排文件（国务院办公厅通知的日期），补充日历数据未收录的年份；格式见 README。",
)
@_guarded
def check(files: tuple[str, ...], regime: str | None, fmt: str, output: str | None, holidays: str | None) -> None:
    """Decide every incident of FILE... (each file its own set of cases)."""
    from .procedure import use_holidays
    from .results import check_file

    use_holidays(holidays)  # None: the packaged calendar only (nothing left from an earlier call)

    files_read = _read(files)
    per_file = [check_file(ff, regime) for ff in files_read]
    results = [r for rs in per_file for r in rs]
    from .documents import check_document

    _emit({"results": results}, lambda: check_document(results), fmt, output)
    _check_expectations(files_read, per_file)


def _check_expectations(files_read, per_file) -> None:
    """Files that carry expect atoms: say on stderr whether they hold; exit status 1 if not."""
    from .scenarios import expectations, has_expectations

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
        for e in failures:
            click.echo(e.message, err=True)
        sys.exit(1)
    click.echo(f"预期核对：{len(checked)} 项预期全部符合。", err=True)


@main.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_guarded
def test_cmd(paths: tuple[str, ...]) -> None:
    """运行事实文件中的预期（expect 原子），目录递归查找 *.lp；有不符时退出状态为 1。

    示例：rongcuo test facts/ mycases/case1.lp
    """
    from .batch import collect
    from .factfile import read_fact_file
    from .scenarios import expectations, has_expectations

    files, missing = collect(list(paths))
    if missing:
        _fail("；".join(f"{p}：{why}" for p, why in missing))
    passed = failed = 0
    for path in files:
        ff = read_fact_file(path)
        if not has_expectations(ff):
            continue
        for e in expectations(ff):
            click.echo(f"{'通过' if e.ok else '不符'}  {e.path}:{e.line}  {e.text}")
            if not e.ok:
                click.echo(e.message)
            passed, failed = passed + e.ok, failed + (not e.ok)
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def _regimes_of(ff, inc, regime: str | None) -> list[str]:
    from .results import regimes_for

    return regimes_for(ff, ff.subjects[inc.subject].case, regime)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--regime", "regime", type=click.Choice(REGIME_CHOICES))
@click.option("--incident", "incident", help="只解释这一起失误错误。")
@click.option(
    "--contrast",
    "contrast",
    help=(
        "对照的结论或处理程度（可容错、不予容错、不适用本办法、免责、减轻、从轻，"
        "或其代码 tolerable、exempt 等）：为何不是它、最少改变什么。"
    ),
)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False))
@_guarded
def explain(file: str, regime: str | None, incident: str | None, contrast: str | None, fmt: str, output: str | None) -> None:
    """Why (not): the derivation, a minimal sufficient reason, facts still to establish, contrasts."""
    from .documents import explain_document
    from .questions import explain_incident, per_incident

    [ff] = _read([file])
    items = [
        explain_incident(ff, inc, r, reps, contrast)
        for inc, reps in per_incident(ff, incident)
        for r in _regimes_of(ff, inc, regime)
    ]
    _emit({"explanations": items}, lambda: explain_document(items), fmt, output)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--regime", "regime", type=click.Choice(list(vocabulary().regimes)), help="缺省时用案件唯一的 regime/2 事实。")
@click.option("--incident", "incident", help="缺省时用文件中唯一的失误错误。")
@click.option(
    "--target",
    "target",
    required=True,
    help="目标：可容错（tolerable）、不予容错（not_tolerable）、不适用本办法（not_applicable）、免责（exempt）、减轻（reduce）、从轻（lighter）。",
)
@click.option("--keep", "keep", multiple=True, help="保持不变的事实（特征名、程度维度或 org/rank/subject_kind），可重复。")
@click.option("--max-changes", "max_changes", type=click.IntRange(0, 60), default=60, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False))
@_guarded
def whatif(file, regime, incident, target, keep, max_changes, fmt, output) -> None:
    """Every minimal set of fact changes that makes TARGET hold (#minimize, optimal models)."""
    from .documents import whatif_document
    from .questions import per_incident, whatif_incident
    from .results import CheckError

    [ff] = _read([file])
    if incident is None and len(ff.incidents) != 1:
        raise CheckError(f"文件中有 {len(ff.incidents)} 起失误错误（{', '.join(ff.incidents) or '无'}）：请用 --incident 指定")
    [(inc, reps)] = per_incident(ff, incident or next(iter(ff.incidents)))
    if regime is None:
        regimes = _regimes_of(ff, inc, None)
        if len(regimes) != 1:
            raise CheckError(f"案件适用 {len(regimes)} 部办法（{', '.join(regimes)}）：请用 --regime 指定")
        regime = regimes[0]
    result = whatif_incident(ff, inc, regime, reps, target, keep, max_changes)
    _emit(result, lambda: whatif_document([result]), fmt, output)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--incident", "incident")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False))
@_guarded
def compare(file: str, incident: str | None, fmt: str, output: str | None) -> None:
    """The same incident under all five regimes, side by side."""
    from .documents import compare_document
    from .questions import compare_incident, per_incident

    [ff] = _read([file])
    items = [compare_incident(ff, inc, reps) for inc, reps in per_incident(ff, incident)]
    _emit({"comparisons": items}, lambda: compare_document(items), fmt, output)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--regime", "regime", type=click.Choice(REGIME_CHOICES), help="缺省时用各案件的 regime/2 事实。")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="结果文件（缺省：标准输出）。")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--jobs", "jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="工作进程数。")
@click.option("--resume", is_flag=True, help="跳过输出文件中已有的结论，接着写。")
@click.option("--progress/--no-progress", default=True, show_default=True)
def batch(paths, regime, output, fmt, jobs, resume, progress) -> None:
    """Review every fact file under PATHS (files or directories); refused files never stop the batch."""
    from .batch import render_summary, run

    if resume and not output:
        _fail("--resume 需要 -o 输出文件")
    try:
        summary = run(list(paths), regime, output, jobs, fmt, resume, progress)
    except OSError as exc:
        _fail(f"无法写入 {output}：{exc.strerror or exc}")
    except KeyboardInterrupt:
        click.echo("\n已中断；已写出的结论完整保留，用 --resume 继续。", err=True)
        sys.exit(130)
    click.echo(render_summary(summary), err=True)
    sys.exit(2 if summary.refused else 0)


@main.command()
@click.option("--regime", "regime", type=click.Choice(REGIME_CHOICES), default="all", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def verify(regime: str, fmt: str) -> None:
    """Prove properties of the encodings with clingo (UNSAT = proof); exit 1 on a counterexample."""
    import dataclasses

    from .verify import verify as run_verify

    findings = run_verify(list(vocabulary().regimes) if regime == "all" else [regime])
    if fmt == "json":
        click.echo(json.dumps({"findings": [dataclasses.asdict(f) for f in findings]}, ensure_ascii=False, indent=2))
    else:
        for f in findings:
            click.echo(f"{'✓' if f.ok else '✗'} {f.regime:14} {f.property:36} {f.seconds * 1000:7.1f} ms  {f.detail}")
            if f.counterexample:
                click.echo(
                    "  反例（可直接运行的事实文件）：\n" + "".join(f"    {line}\n" for line in f.counterexample.splitlines())
                )
        failed = sum(not f.ok for f in findings)
        click.echo(f"{len(findings) - failed} proven, {failed} failed")
    sys.exit(1 if any(not f.ok for f in findings) else 0)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def regimes(fmt: str) -> None:
    """List the five regimes (办法) with title, issuer and date."""
    regs = vocabulary().regimes
    if fmt == "json":
        click.echo(
            json.dumps({k: {f: v[f] for f in ("title", "issuer", "date")} for k, v in regs.items()}, ensure_ascii=False, indent=2)
        )
        return
    for rid, info in regs.items():
        click.echo(f"{rid:14} {info['title']}\n{'':14} {info['issuer']}{'，' + info['date'] if info['date'] else ''}")


@main.command()
@click.option("--regime", "regime", type=click.Choice(list(vocabulary().regimes)), required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def provisions(regime: str, fmt: str) -> None:
    """Every article of a regime's document and how the encoding treats it."""
    from .encoding import citation_key, load_encoding

    if fmt == "json":
        enc = load_encoding(regime)
        cited = enc.cited_items()
        rows = [
            {
                "article": a.number,
                "treatment": a.treatment,
                "text": a.text,
                "items": [
                    {"citation": c, "role": r}
                    for c, r in sorted(cited.get(a.number, ()), key=lambda x: (citation_key(x[0]), x[1]))
                ],
                "readings": [{"citation": c, "text": t} for c, t in enc.article_readings(a.number)],
            }
            for a in enc.articles.values()
        ]
        click.echo(json.dumps({"regime": regime, "articles": rows}, ensure_ascii=False, indent=2))
        return
    from .report import render_provisions

    click.echo(render_provisions(regime), nl=False)


@main.command("vocabulary")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
def vocabulary_cmd(fmt: str) -> None:
    """The fact vocabulary (predicates, features, scales) from its one data file."""
    voc = vocabulary()
    if fmt == "json":
        click.echo(json.dumps(voc.data, ensure_ascii=False, indent=2))
        return
    lines = ["| predicate | arguments | 中文 |", "|---|---|---|"]
    lines += [
        f"| `{p}` | {', '.join(s['args'] + [f'[{a}]' for a in s.get('optional_args', [])])} | {s['zh']} |"
        for p, s in voc.predicates.items()
    ]
    lines += ["", "| dimension | values (ascending) | 中文 |", "|---|---|---|"]
    lines += [
        f"| `{d}` | {' '.join(voc.scale_values(d))} | {s['zh']}：{' / '.join(z for _, z in s['values'])} |"
        for d, s in voc.scales.items()
    ]
    lines += ["", "| feature | holder | group | 中文 |", "|---|---|---|---|"]
    for holder, table in (("subject", voc.subject_features), ("incident", voc.incident_features)):
        lines += [f"| `{f}` | {holder} | {voc.label('group', e['group'])} | {e['zh']} |" for f, e in table.items()]
    # every other value a fact file or an expectation may write, with its Chinese label
    values = [
        ("org（机关单位类型）", voc.orgs),
        ("rank（职级，由低到高）", dict(voc.data["ranks"])),
        ("subject_kind（当事人类别）", voc.subject_kinds),
        ("date 事件（event）", voc.events),
        ("regime（办法）", {r: e["title"] for r, e in voc.regimes.items()}),
        ("expect 结论（verdict）", voc.verdicts),
        ("expect 处理程度（outcome）", voc.outcomes),
        ("expect_procedure 步骤（step）", voc.data["procedure_steps"]),
        ("expect_procedure 状态（status）", voc.data["procedure_statuses"]),
    ]
    for title, table in values:
        lines += ["", f"| {title} | 中文 |", "|---|---|"]
        lines += [f"| `{k}` | {zh} |" for k, zh in table.items()]
    click.echo("\n".join(lines))


def run() -> None:
    """Console entry point: internal errors are reported briefly (RONGCUO_DEBUG=1 for the traceback)."""
    try:
        main(standalone_mode=True)
    except Exception as exc:  # pragma: no cover - a bug, not bad input
        if os.environ.get("RONGCUO_DEBUG"):
            raise
        click.echo(f"rongcuo: 内部错误：{type(exc).__name__}: {exc}（设置 RONGCUO_DEBUG=1 查看详情）", err=True)
        sys.exit(1)
