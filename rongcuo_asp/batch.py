"""Batch review: many fact files, streamed results, worker processes, resumable output."""

from __future__ import annotations

import csv
import gc
import hashlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TextIO

from .atomic import Identity, check_output, identity
from .batchfile import csv_header, lock, resume_state, to_cell, unlock, unwritable, visible
from .escaping import text_safe as printable

TABLES = ("csv", "xlsx")  # formats whose records are ledger rows (Chinese headers, one row a result)


def refusal_lines(path: str, message: str) -> list[str]:
    """A refusal's problems without the path each line repeats: 第 19 行：未知的……"""
    out = []
    path = printable(path)  # as the message names it
    for line in message.splitlines():
        rest = line[len(path) + 1 :].lstrip() if line.startswith(f"{path}:") else line
        number, sep, text = rest.partition(": ")
        out.append(f"第 {number} 行：{text}" if sep and number.isdigit() else rest)
    return out


BROKEN_LINK = "符号链接无法解析（循环链接或目标不存在）"


def collect(paths: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Fact files named or found (recursively, *.lp) under the paths; missing paths as errors."""
    from .escaping import text_safe
    from .inputs import NOT_REGULAR

    files, errors = [], []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(path.rglob("*.lp"))
            files += [str(f) for f in found if f.is_file()]
            # a link that resolves to nothing (a loop, a target gone) is said, never passed over
            errors += [(text_safe(str(f)), BROKEN_LINK) for f in found if f.is_symlink() and not f.exists()]
        elif path.is_file():
            files.append(str(path))
        else:  # a pipe or a device is no fact file either; a dangling link names no file
            errors.append((text_safe(p), NOT_REGULAR if path.exists() else BROKEN_LINK if path.is_symlink() else "路径不存在"))
    named = []
    for f in dict.fromkeys(files):
        try:  # a name in another encoding (GBK from an unzipped archive) cannot stand in a UTF-8 ledger
            f.encode("utf-8")
            named.append(f)
        except UnicodeEncodeError:
            errors.append((text_safe(f), "文件名不是 UTF-8 编码，无法写入台账；请将文件改名后再审查"))
    return named, errors


@dataclass
class FileResult:
    """One file's results as the worker serialised them (a line of JSON or a CSV row each)."""

    path: str
    file_id: str = ""  # which file, whatever the path's spelling or the directory it is named from
    sha256: str = ""  # what it held when reviewed (--resume refuses a file changed since)
    keys: list[tuple[str, str, str, str]] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=list)
    records: list = field(default_factory=list)  # str (JSON line) or dict (CSV row)
    incidents: int = 0
    error: str | None = None


def check_one(task: tuple[str, str | None, str, bool]) -> FileResult:
    """Worker: one file's results, serialised here so only text crosses to the writing process,
    or its refusal message (a refused file never stops a batch).  A JSON line is the ledger's
    record (ledger.py), or with `full` check's whole record; a table row is the same either way."""
    from .documents import ledger_row
    from .factfile import MAX_FILE_BYTES, FactFileError, parse_fact_text
    from .inputs import InputRefused, read_regular
    from .ledger import ledger_record, results
    from .results import CheckError

    path, regime, fmt, full = task
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    incidents = set()
    try:  # each result serialised as it comes: only its text is kept
        try:
            raw = read_regular(path, MAX_FILE_BYTES)
        except InputRefused as exc:  # as read_fact_file refuses it
            raise FactFileError(path, [(None, str(exc))]) from None
        out = FileResult(path, file_id(path), hashlib.sha256(raw).hexdigest())
        source = {"file_id": out.file_id, "sha256": out.sha256}
        for r, dec in results(parse_fact_text(raw, path), regime, full and fmt not in TABLES):
            incidents.add((r["case"], r["incident"]))
            out.keys.append((out.file_id, r["case"], r["incident"], r["regime"]))
            out.verdicts.append(r["verdict"])
            if fmt in TABLES:
                out.records.append({**ledger_row(r), **source})
            else:
                out.records.append(dumps({**(r if full else ledger_record(r, dec)), **source}) + "\n")
    except (FactFileError, CheckError) as exc:
        return FileResult(path, error=exc.message() if isinstance(exc, FactFileError) else str(exc))
    except Exception as exc:  # a defect met on one file never stops the others
        return FileResult(path, error=f"内部错误（请报告此文件）：{type(exc).__name__}: {exc}")
    out.incidents = len(incidents)
    return out


def file_id(path: str) -> str:
    """Which file a path names, as --resume compares it: `cases/a.lp`, `./cases/a.lp`, a link to it
    and the same path named from another directory are one file (a ledger keeps each path as its
    run was given it; this, of the absolute path, stands beside it)."""
    return hashlib.sha256(os.fsencode(os.path.realpath(path))).hexdigest()[:16]


def fewer_collections() -> None:
    """A batch makes many small objects that live for one incident: the cyclic collector, run every
    700 allocations by default, took about half of a worker's Python time.  Every 100 000 it takes
    a sixth of that; memory stays bounded by one file's results."""
    gc.set_threshold(100_000, 50, 100)


def worker_start() -> None:
    """A worker: fewer collections, and Ctrl-C left to the parent.  The terminal sends SIGINT to the
    whole process group; a worker interrupted in the middle of a task printed a traceback and could
    leave the pool waiting for it for ever.  Ignoring it, a worker finishes the file it holds while
    the parent cancels the rest and ends with 130."""
    import signal

    from .reasoner import decisions_only

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    fewer_collections()
    decisions_only()  # a worker never explains


@dataclass
class Summary:
    files: int = 0
    incidents: int = 0
    results: int = 0
    skipped: int = 0
    counts: Counter = field(default_factory=Counter)  # (regime, verdict) -> n
    refused: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


def run(
    paths: list[str],
    regime: str | None,
    output: str | None,
    jobs: int,
    fmt: str,
    resume: bool,
    progress: bool = True,
    inputs: Iterable[Identity] = (),
    full: bool = False,
) -> Summary:
    """Review the fact files under `paths` into `output` (None: standard output).  The output is
    checked before anything is opened (atomic.check_output: never an input, a device, a read-only
    file) and locked for the whole run; `inputs` are other files the command read (--holidays)."""
    files, missing = collect(paths)
    summary = Summary(refused=list(missing))
    out_path, read = None, set(inputs)
    if output:
        read |= {i for f in files if (i := identity(f)) is not None}
        out_path, _ = check_output(output, read)
    held = lock(out_path) if out_path else None
    try:
        return _run(files, summary, regime, out_path, jobs, fmt, resume, progress, read, full)
    finally:
        if held:
            unlock(held)


def _open(out_path: Path | None, fmt: str, resume: bool, columns: list[str]) -> tuple[TextIO, dict]:
    """The stream to write, and the keys already in it (--resume): validated, a torn last record cut
    off.  A fresh CSV starts with the UTF-8 byte order mark, so that Excel reads it as UTF-8."""
    if out_path is None:
        if fmt == "csv":
            sys.stdout.write(csv_header(columns))
        return sys.stdout, {}
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)  # truncated only once locked
    try:
        skip, keep = resume_state(out_path, fmt, columns) if resume else ({}, 0)
        os.ftruncate(fd, keep)
        os.lseek(fd, keep, os.SEEK_SET)
        stream = open(fd, "w", encoding="utf-8", newline="")  # noqa: SIM115 -- closed by _run
    except BaseException:
        os.close(fd)
        raise
    if fmt == "csv" and keep == 0:
        stream.write(csv_header(columns))
    return stream, skip


def _run(files, summary, regime, out_path, jobs, fmt, resume, progress, read, full) -> Summary:
    import click

    from .documents import LEDGER_COLUMNS, ledger_refusal

    sheet: list[dict] = []  # xlsx: the rows, written at the end (a workbook is one zip file)
    stream: TextIO | None = None
    skip: dict = {}  # --resume: (file_id, case, incident, regime) -> the file's sha256 when written
    if fmt != "xlsx":
        stream, skip = _open(out_path, fmt, resume, LEDGER_COLUMNS)
    writer = csv.DictWriter(stream, fieldnames=LEDGER_COLUMNS) if fmt == "csv" and stream else None

    def emit(record) -> None:
        """One record out: a row of the workbook, of the CSV, or a JSON line."""
        if fmt == "xlsx":
            sheet.append(record)
        elif writer is not None:
            writer.writerow({k: to_cell(v) for k, v in record.items()})
        elif stream is not None:
            stream.write(record)

    def refuse(path: str, reason: str) -> None:
        """A refused file as a ledger row (tables only), once: not again on --resume."""
        if fmt in TABLES and (file_id(path), "", "", "") not in skip:
            row = ledger_refusal(path, reason, file_id(path))
            emit({k: visible(v) for k, v in row.items()} if fmt == "xlsx" else row)

    for path, why in list(summary.refused):  # the paths that do not exist
        refuse(path, why)
    start = time.perf_counter()
    tasks = [(f, regime, fmt, full) for f in files]
    # a pool that can be terminated: on Ctrl-C its workers are ended, never waited for (a
    # ProcessPoolExecutor interrupted in its own bookkeeping could wait for ever)
    pool = get_context("fork").Pool(jobs, initializer=worker_start) if jobs > 1 else None
    thresholds = gc.get_threshold()
    if pool is None:
        fewer_collections()
    results_iter = pool.imap(check_one, tasks, chunksize=1) if pool else map(check_one, tasks)
    finished = False
    bar = (
        click.progressbar(
            length=len(files), label="批量审查", file=sys.stderr, show_eta=True, show_pos=True, item_show_func=lambda rate: rate
        )
        if progress
        else None
    )
    try:
        if bar:
            bar.__enter__()
        for done in results_iter:
            summary.files += 1
            if done.error is None and fmt == "xlsx":
                done.error = unwritable([done.path, *(v for record in done.records for v in record.values())])
            if done.error is not None:
                summary.refused.append((done.path, done.error))
                refuse(done.path, "\n".join(refusal_lines(done.path, done.error)))
            elif any(skip.get(k, done.sha256) != done.sha256 for k in done.keys):
                # reviewed before with other content: its old conclusions are in the output, new
                # ones beside them would contradict them
                why = "自上次审查后文件已改动（校验码不同），输出中是改动前的结论：请重新生成台账（不用 --resume）"
                summary.refused.append((done.path, why))
                refuse(done.path, why)
            else:
                summary.incidents += done.incidents
                for k, verdict, record in zip(done.keys, done.verdicts, done.records, strict=True):
                    if k in skip:
                        summary.skipped += 1
                        continue
                    summary.results += 1
                    summary.counts[(k[3], verdict)] += 1
                    emit(record)
                if stream:
                    stream.flush()
            if bar:
                rate = summary.incidents / max(time.perf_counter() - start, 1e-9)
                bar.update(1, f"{rate:,.0f} 件/秒")
        finished = True
    finally:
        gc.set_threshold(*thresholds)
        if bar:
            bar.__exit__(None, None, None)
        if pool:
            if finished:
                pool.close()
            else:  # interrupted or failed: the files still held are not waited for
                pool.terminate()
            pool.join()
        if out_path and stream:
            stream.close()
    if fmt == "xlsx" and out_path:
        write_workbook(out_path, sheet, summary, read)
    summary.seconds = time.perf_counter() - start
    return summary


def write_workbook(path: Path, rows: list[dict], summary: Summary, inputs: Iterable[Identity] = ()) -> None:
    """The 案件台账 as an Excel workbook (openpyxl, imported here only): a sheet of results with a
    frozen, filterable header, and a sheet of counts; written to a temporary file, then renamed."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from .atomic import replace_atomically
    from .documents import LEDGER_COLUMNS
    from .vocabulary import vocabulary

    voc = vocabulary()
    book = Workbook()
    ws = book.active
    ws.title = "案件台账"
    ws.append(LEDGER_COLUMNS)
    for row in rows:
        ws.append([row[c] for c in LEDGER_COLUMNS])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a user's "=HYPERLINK(…)" stays text, never a formula
    for cell in ws[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column in ws.iter_cols(min_row=2):
        for cell in column:
            cell.alignment = wrap
    widths = {"文件": 36, "结论": 18, "决定条款": 24, "认定依据": 48, "判断因素": 30, "需核实的事实": 48, "时限审查": 30}
    for n, name in enumerate(LEDGER_COLUMNS, start=1):
        ws.column_dimensions[ws.cell(1, n).column_letter].width = widths.get(name, 14)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    counts = book.create_sheet("汇总")
    counts.append(["办法", "结论", "件数"])
    for (regime, verdict), n in sorted(summary.counts.items(), key=lambda kv: (list(voc.regimes).index(kv[0][0]), kv[0][1])):
        counts.append([voc.regimes[regime]["short"], voc.label("verdict", verdict), n])
    counts.append(["拒绝的文件", "", len({p for p, _ in summary.refused})])
    replace_atomically(path, book.save, inputs)


def render_summary(s: Summary) -> str:
    from .vocabulary import vocabulary

    voc = vocabulary()
    regimes = sorted({r for r, _ in s.counts}, key=list(voc.regimes).index)
    lines = [
        f"审查完成：{s.files} 个文件，{s.incidents} 起失误错误，写出 {s.results} 条结论"
        + (f"（已跳过此前完成的 {s.skipped} 条）" if s.skipped else "")
        + f"，用时 {s.seconds:.1f} 秒（{s.incidents / max(s.seconds, 1e-9):,.0f} 件/秒）"
    ]
    for r in regimes:
        counts = "，".join(f"{voc.label('verdict', v)} {s.counts[(r, v)]}" for v in voc.verdicts if s.counts[(r, v)])
        lines.append(f"  {voc.regimes[r]['short']}：{counts}")
    if s.refused:
        lines.append(f"拒绝的文件 {len(s.refused)} 个：")
        for path, msg in s.refused:  # each path once, then its problems
            lines.append(f"  {printable(path)}")
            lines += [f"    {problem}" for problem in refusal_lines(path, msg)]
    return "\n".join(lines)
