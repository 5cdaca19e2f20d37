"""Batch review: many fact files, streamed results, worker processes, resumable output."""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

CSV_FIELDS = [
    "file",
    "case",
    "subject",
    "incident",
    "regime",
    "verdict",
    "outcome",
    "grounds",
    "missing",
    "procedure",
    "conflicts",
]


def collect(paths: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Fact files named or found (recursively, *.lp) under the paths; missing paths as errors."""
    files, errors = [], []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files += sorted(str(f) for f in path.rglob("*.lp") if f.is_file())
        elif path.is_file():
            files.append(str(path))
        else:
            errors.append((p, "路径不存在"))
    return list(dict.fromkeys(files)), errors


@dataclass
class FileResult:
    """One file's results as the worker serialised them (a line of JSON or a CSV row each)."""

    path: str
    keys: list[tuple[str, str, str, str]] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=list)
    records: list = field(default_factory=list)  # str (JSON line) or dict (CSV row)
    incidents: int = 0
    error: str | None = None


def check_one(task: tuple[str, str | None, str]) -> FileResult:
    """Worker: one file's results, serialised here so only text crosses to the writing process,
    or its refusal message (a refused file never stops a batch)."""
    from .factfile import FactFileError, read_fact_file
    from .results import CheckError, check_file

    path, regime, fmt = task
    out = FileResult(path)
    try:
        results = check_file(read_fact_file(path), regime)
    except (FactFileError, CheckError) as exc:
        out.error = exc.message() if isinstance(exc, FactFileError) else str(exc)
        return out
    out.incidents = len({(r["case"], r["incident"]) for r in results})
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for r in results:
        out.keys.append(key(r))
        out.verdicts.append(r["verdict"])
        out.records.append(csv_row(r) if fmt == "csv" else dumps(r) + "\n")
    return out


def key(r: dict) -> tuple[str, str, str, str]:
    return (r["file"], r["case"], r["incident"], r["regime"])


def csv_row(r: dict) -> dict:
    return {
        **{k: r[k] for k in ("file", "case", "subject", "incident", "regime", "verdict")},
        "outcome": r["outcome"] or "",
        "grounds": ";".join(f"{g['article']}:{g['role']}:{g['effect']}" for g in r["grounds"]),
        "missing": ";".join(r["missing"]),
        "procedure": ";".join(f"{p['step']}:{p['status']}" for p in r["procedure"]),
        "conflicts": ";".join(c["kind"] for c in r["conflicts"]),
    }


def done_keys(output: Path, fmt: str) -> set[tuple[str, str, str, str]]:
    """Keys already in the output; a last line cut short by an interruption is dropped from the file."""
    if not output.exists():
        return set()
    data = output.read_bytes()
    if data and not data.endswith(b"\n"):
        data = data[: data.rfind(b"\n") + 1]
        output.write_bytes(data)
    text = data.decode("utf-8")
    if fmt == "csv":
        return {(r["file"], r["case"], r["incident"], r["regime"]) for r in csv.DictReader(io.StringIO(text))}
    keys = set()
    for line in text.splitlines():
        if line.strip():
            keys.add(key(json.loads(line)))
    return keys


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
    paths: list[str], regime: str | None, output: str | None, jobs: int, fmt: str, resume: bool, progress: bool = True
) -> Summary:
    import click

    files, missing = collect(paths)
    summary = Summary(refused=list(missing))
    out_path = Path(output) if output else None
    skip = done_keys(out_path, fmt) if (resume and out_path) else set()
    stream = out_path.open("a" if resume else "w", encoding="utf-8", newline="") if out_path else sys.stdout
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=CSV_FIELDS)
        if not (resume and skip):
            writer.writeheader()
    start = time.perf_counter()
    tasks = [(f, regime, fmt) for f in files]
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) if jobs > 1 else None
    results_iter = executor.map(check_one, tasks, chunksize=1) if executor else map(check_one, tasks)
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
            if done.error is not None:
                summary.refused.append((done.path, done.error))
            else:
                summary.incidents += done.incidents
                for k, verdict, record in zip(done.keys, done.verdicts, done.records, strict=True):
                    if k in skip:
                        summary.skipped += 1
                        continue
                    summary.results += 1
                    summary.counts[(k[3], verdict)] += 1
                    if writer:
                        writer.writerow(record)
                    else:
                        stream.write(record)
                stream.flush()
            if bar:
                rate = summary.incidents / max(time.perf_counter() - start, 1e-9)
                bar.update(1, f"{rate:,.0f} 件/秒")
    finally:
        if bar:
            bar.__exit__(None, None, None)
        if executor:
            executor.shutdown(cancel_futures=True)
        if out_path:
            stream.close()
    summary.seconds = time.perf_counter() - start
    return summary


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
        lines.append(f"  {r:14} {counts}")
    if s.refused:
        lines.append(f"拒绝的文件 {len(s.refused)} 个：")
        lines += [f"  {path}：{msg.splitlines()[0]}" for path, msg in s.refused]
    return "\n".join(lines)
