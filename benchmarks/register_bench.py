"""The case register at scale: 100 000 recorded decisions, `check` against it, `register due`.

    python benchmarks/register_bench.py [--records 100000] [--decided 1000] [--runs 9] [--db PATH]

Decisions: `--decided` generated incidents (benchmarks/generate.py) are decided under every
document; the decided results are recorded through the store API (register.record_rows, 1 000 a
transaction, a fact file of 1 000 incidents each) as many times as it takes to reach `--records`,
each copy another incident of one of 20 000 subjects (keys P0…), with a matter from a pool of 40,
an occurred date and a decision date in 2021–2025 (deadlines moved with it); of the decisions older
than 90 days, `--settled` (97 %) have every procedure step done, as an office that keeps its
register up to date records them (`--settled 0`: every step of every decision still owed).
Then, each as its own process, as a user runs them, median of `--runs` (interleaved):
- `rongcuo check` of one 常州 case of subject P42 (a key with earlier records), against the
  register and with --no-register;
- `rongcuo register due` (JSON to a file) over the whole register, and with --within 7d.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from rongcuo_asp.factfile import parse_fact_text  # noqa: E402
from rongcuo_asp.register import prepare, record_rows, sha256  # noqa: E402
from rongcuo_asp.register_store import OWED_STATUSES, open_store  # noqa: E402
from rongcuo_asp.results import check_file  # noqa: E402

MATTERS = [f"事由{n:02d}" for n in range(40)]
TODAY = dt.date(2025, 6, 1)  # `register due --today`
DECIDED = dt.date(2024, 6, 3)  # the generated incidents' decision date; each copy's deadlines move with its own
SUBJECTS = 20_000


def decided_rows(count: int) -> tuple[str, list[dict]]:
    """`count` generated incidents decided under every document; the decided ones as record rows."""
    keys = "".join(f'subject_key(s{n}, "G{n}").\ndate(i{n}, decision_made, "{DECIDED.isoformat()}").\n' for n in range(count))
    text = generate(count, seed=24, known=0.95) + keys
    ff = parse_fact_text(text.encode(), "generated.lp")
    results = [dict(r) for r in check_file(ff, "all")]
    rows = prepare(ff, text, results, None, None, "bench").rows
    return text, rows


def fill(db: Path, records: int, decided: int, settled_share: float) -> float:
    text, template = decided_rows(decided)
    rng = random.Random(24)
    store = open_store(True, db)
    assert store is not None
    start = time.perf_counter()
    done = 0
    batch = 0
    while done < records:
        body = text + f"% copy {batch}\n"
        digest = sha256(body)
        rows = []
        for row in template[: min(1000, records - done)]:
            n = done + len(rows)
            occurred = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(1700))
            decided_on = occurred + dt.timedelta(days=rng.randrange(20, 120))
            result = json.loads(row["result"])
            shift = decided_on - DECIDED
            settled = decided_on < TODAY - dt.timedelta(days=90) and rng.random() < settled_share
            for p in result["procedure"]:
                if p.get("due"):
                    p["due"] = (dt.date.fromisoformat(p["due"]) + shift).isoformat()
                if settled and p["actual"] is None and p["status"] in OWED_STATUSES:  # the office did it
                    p["actual"], p["status"] = p["due"] or decided_on.isoformat(), "on_time" if p["due"] else "done"
            rows.append(
                dict(
                    row,
                    subject_key=f"P{n % SUBJECTS}",
                    path=f"/bench/batch{batch}.lp",
                    incident=f"i{n}",
                    file_sha256=digest,
                    matter=json.dumps(rng.choice(MATTERS), ensure_ascii=False),
                    occurred=occurred.isoformat(),
                    decision_date=decided_on.isoformat(),
                    decision_no=f"某纪发〔{decided_on.year}〕{n}号",
                    result=json.dumps(result, ensure_ascii=False, sort_keys=True),
                )
            )
        record_rows(store, body, rows)
        done += len(rows)
        batch += 1
    store.close()
    return time.perf_counter() - start


CASE = """\
case(c1).
regime(c1, changzhou_edu).
subject(c1, s1).
subject_key(s1, "P42").
subject_kind(s1, individual).
org(s1, edu_bureau).
rank(s1, section).
incident(s1, i1).
matter(i1, "{matter}").
date(i1, occurred, "2026-03-01").
holds(i1, ctx_public_service).
holds(i1, cause_efficiency).
holds(i1, public_interest).
holds(i1, consistent_with_policy).
holds(i1, democratic_decision).
holds(i1, remedied).
-holds(i1, knowing_violation).
-holds(i1, defied_prohibition).
-holds(i1, explicitly_prohibited).
-holds(i1, integrity_violation).
-holds(i1, private_gain).
-holds(i1, unit_gain).
-holds(i1, collusion).
-holds(i1, political_discipline_violation).
-holds(i1, refused_rectification).
-holds(i1, concealed).
-holds(i1, dereliction).
level(i1, mass_incident, none).
level(i1, accident, none).
level(i1, environment, none).
level(i1, harm, minor).
level(i1, recovery, full).
"""


def timed(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def in_process(case: Path, db: Path, runs: int) -> str:
    """`check` through the command line in this process, with and without the register (median)."""
    from click.testing import CliRunner

    from rongcuo_asp.cli import main as cli

    os.environ["RONGCUO_DB"] = str(db)
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(runs * 3):
        for consult in (True, False):
            start = time.perf_counter()
            r = CliRunner().invoke(cli, ["check", str(case), *([] if consult else ["--no-register"])])
            times[consult].append(time.perf_counter() - start)
            assert r.exit_code == 0, r.output
    with_, without = (statistics.median(times[k]) * 1000 for k in (True, False))
    return f"{with_:.1f} ms with the register, {without:.1f} ms without (+{with_ - without:.1f} ms)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--decided", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--db", type=Path)
    ap.add_argument("--settled", type=float, default=0.97, help="share of decisions older than 90 days whose steps are done")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rongcuo-register-bench-"))
    db = args.db or work / "register.sqlite3"
    if not db.exists():
        seconds = fill(db, args.records, args.decided, args.settled)
        print(
            f"recorded {args.records} decisions in {seconds:.1f} s ({args.records / seconds:,.0f}/s); "
            f"{db.stat().st_size / 1e6:.0f} MB"
        )
    env = dict(os.environ, RONGCUO_DB=str(db))
    import sqlite3

    with sqlite3.connect(db) as c:
        (matter,) = c.execute("SELECT matter FROM records WHERE subject_key = 'P42' AND current = 1 LIMIT 1").fetchone()
        earlier = c.execute("SELECT COUNT(*) FROM records WHERE subject_key = 'P42'").fetchone()[0]
        steps = c.execute("SELECT COUNT(*) FROM steps").fetchone()[0]
    case = work / "case.lp"
    case.write_text(CASE.replace("{matter}", json.loads(matter)), encoding="utf-8")
    rongcuo = [sys.executable, "-m", "rongcuo_asp"]
    check = {"with": [*rongcuo, "check", str(case)], "without": [*rongcuo, "check", str(case), "--no-register"]}
    out = work / "due.json"
    due = {
        "all": [*rongcuo, "register", "due", "--today", TODAY.isoformat(), "--format", "json", "-o", str(out)],
        "7d": [*rongcuo, "register", "due", "--today", TODAY.isoformat(), "--within", "7d", "--format", "json", "-o", str(out)],
    }
    verdict = json.loads(subprocess.run([*check["with"], "--format", "json"], env=env, capture_output=True, text=True).stdout)
    print(f"check of P42 ({earlier} earlier records): {verdict['results'][0]['verdict']}")
    times: dict[str, list[float]] = {k: [] for k in [*check, *due]}
    for _ in range(args.runs):
        for k in check:
            times[k].append(timed(check[k], env))
        for k in due:
            times[k].append(timed(due[k], env))
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    print(
        f"check: {med['with']:.0f} ms with the register, {med['without']:.0f} ms without (+{med['with'] - med['without']:.0f} ms)"
    )
    print(f"check in one process (the register's own part, without start-up): {in_process(case, db, args.runs)}")
    listed_7d = len(json.loads(out.read_text(encoding="utf-8"))["due"])
    subprocess.run(due["all"], env=env, check=True)
    listed = len(json.loads(out.read_text(encoding="utf-8"))["due"])
    print(f"register due: {med['all']:.0f} ms ({listed} owed steps listed of {steps} kept)")
    print(f"register due --within 7d: {med['7d']:.0f} ms ({listed_7d} listed)")


if __name__ == "__main__":
    main()
