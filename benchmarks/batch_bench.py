"""Batch throughput and memory against the plain clingo command, and start-up cost.

    python benchmarks/batch_bench.py [--sizes 1000,10000,100000] [--jobs 2] [--regime beijing]

For each size N, N generated incidents (1 000 per file) are reviewed by `rongcuo batch` and,
as the baseline a user would reach for, by the plain `clingo` command on one all-in-one program
(vocabulary + regime encoding + verdict/outcome parts + every fact).  The baseline computes one
answer set in which absent facts are simply false: it neither keeps unknown facts unknown nor
finds grounds, missing facts or deadlines, so it does strictly less work than the batch.
Peak memory is the largest resident set of the whole process tree, sampled every 20 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from rongcuo_asp.encoding import ENCODINGS  # noqa: E402
from rongcuo_asp.vocabulary import vocabulary  # noqa: E402

PER_FILE = 1000


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants."""
    total, todo = 0, [pid]
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            pass
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
        todo += children.get(p, [])
    return total


def measure(cmd: list[str], stdout=subprocess.DEVNULL, **kw) -> tuple[float, int, int]:
    """(seconds, peak tree RSS in bytes, exit code) of a command."""
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL, **kw)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.02)

    t = threading.Thread(target=sample)
    t.start()
    proc.wait()
    done.set()
    t.join()
    return time.perf_counter() - start, peak, proc.returncode


def corpus(n: int, where: Path, known: float = 0.8) -> Path:
    d = where / f"cases_{n}"
    d.mkdir()
    for off in range(0, n, PER_FILE):
        text = generate(min(PER_FILE, n - off), offset=off, known=known)
        (d / f"part_{off // PER_FILE:05d}.lp").write_text(text, encoding="utf-8")
    return d


def baseline_program(d: Path, regime: str) -> Path:
    parts = [vocabulary().asp_facts()]
    parts += [(ENCODINGS / p).read_text(encoding="utf-8") for p in ("verdict.lp", "outcome.lp")]
    # the scale comparisons of the template (at_least/at_most), without its generic incident
    template = (ENCODINGS / "template.lp").read_text(encoding="utf-8").splitlines()
    parts += [line for line in template if line.startswith(("at_least(", "at_most("))]
    parts.append((ENCODINGS / vocabulary().regimes[regime]["encoding"]).read_text(encoding="utf-8"))
    parts += [f.read_text(encoding="utf-8") for f in sorted(d.glob("*.lp"))]
    parts.append("#show verdict/2.")  # for the agreement check; the answer set is computed anyway
    out = d.parent / f"all_in_one_{d.name}.lp"
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


def startup(runs: int = 11) -> tuple[float, float]:
    """Median wall time of both commands, run alternately, as an installed user runs them: byte
    code written (PYTHONDONTWRITEBYTECODE unset, one warm-up run each, which also fills rongcuo's
    start-up cache), as `pip install` does for both the dependencies and the package."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    bare_cmd = [sys.executable, "-c", "import clingo, click, jinja2"]
    check_cmd = [sys.executable, "-m", "rongcuo_asp", "check", str(ROOT / "facts/examples/beijing_example.lp")]
    times: dict[int, list[float]] = {0: [], 1: []}
    for n in range(runs + 1):
        for which, cmd in enumerate((bare_cmd, check_cmd)):
            t0 = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
            if n:  # the first round is the warm-up
                times[which].append(time.perf_counter() - t0)
    return statistics.median(times[0]), statistics.median(times[1])


def batch_verdicts(out: Path) -> dict[str, str]:
    return {r["incident"]: r["verdict"] for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}


def clingo_verdicts(out: Path) -> dict[str, str]:
    return dict(re.findall(r"verdict\((\w+),(\w+)\)", out.read_text(encoding="utf-8")))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--regime", default="beijing")
    ap.add_argument("--known", type=float, default=0.8, help="share of facts stated (1.0: fully specified incidents)")
    ap.add_argument("--full", action="store_true", help="the full per-incident record (rongcuo batch --full)")
    ap.add_argument("--tree", type=Path, default=ROOT, help="the source tree whose rongcuo is run (an older checkout)")
    ap.add_argument("--no-startup", action="store_true")
    args = ap.parse_args()
    clingo_cmd = [sys.executable, "-m", "clingo"]
    print(f"regime {args.regime}, jobs {args.jobs}, {os.cpu_count()} cores, known {args.known}, tree {args.tree}")
    print(f"{'incidents':>10} | {'rongcuo batch':>22} | {'plain clingo (all-in-one)':>26} | speed-up | agreement")
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(x) for x in args.sizes.split(",") if x]:  # --sizes "" : start-up only
            d = corpus(n, Path(tmp), args.known)
            out = Path(tmp) / f"out_{n}.jsonl"
            cmd = [sys.executable, "-m", "rongcuo_asp", "batch", str(d), "--regime", args.regime, "-o", str(out)]
            cmd += ["--jobs", str(args.jobs), "--no-progress", *(["--full"] if args.full else [])]
            secs, rss, code = measure(cmd, cwd=args.tree)
            assert code == 0, code
            program = baseline_program(d, args.regime)
            answer = Path(tmp) / f"clingo_{n}.txt"
            with answer.open("w") as sink:
                bsecs, brss, bcode = measure([*clingo_cmd, "-V0", str(program)], stdout=sink)
            assert bcode in (0, 10, 30), bcode  # the PyPI wheel's clingo application exits 0
            ours, theirs = batch_verdicts(out), clingo_verdicts(answer)
            agree = sum(ours.get(i) == v for i, v in theirs.items()) / max(len(theirs), 1)
            print(
                f"{n:>10} | {secs:7.1f} s {n / secs:7.0f}/s {rss / 2**20:5.0f} MB | {bsecs:8.1f} s {n / bsecs:7.0f}/s "
                f"{brss / 2**20:5.0f} MB | {bsecs / secs:5.2f}x (time ratio {secs / bsecs:.2f}) | "
                f"{agree:.1%} of {len(theirs)}"
            )
    if args.no_startup:
        return
    bare, check = startup()
    print(
        f"start-up: rongcuo check (one case) {check * 1000:.0f} ms vs import clingo, click, jinja2 "
        f"{bare * 1000:.0f} ms: ratio {check / bare:.2f}"
    )


if __name__ == "__main__":
    main()
