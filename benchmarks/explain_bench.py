"""Explanations vs verdicts: the cost of explaining, on generated incidents.

    python benchmarks/explain_bench.py [--incidents 1000] [--regime beijing]

Reports, in one run: check (verdict, outcome, grounds, missing) vs explain (the same plus a
minimal sufficient reason, or the facts to establish for each possible verdict) on the same
incidents, alternated incident by incident so both see the same minutes of a shared machine,
as the ratio explain/check per incident (mean over mean, and the median and worst of the
per-incident ratios); the worst wall time of `rongcuo explain` on one empty incident under
`--regime all` (a fresh process each, 3 runs); the time of one minimal why-not; the time of one full whatif enumeration; the cost
of relevance (the difference-making facts of an open incident, one brave enumeration of the
two-incident program) and of the grouped whatif (the alternatives merged into ranges, with the
deciding articles) against check.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generate import generate  # noqa: E402

from rongcuo_asp import explain  # noqa: E402
from rongcuo_asp.factfile import parse_fact_text  # noqa: E402
from rongcuo_asp.questions import alternatives, explain_incident  # noqa: E402
from rongcuo_asp.reasoner import solver  # noqa: E402
from rongcuo_asp.results import incident_result, incidents_of  # noqa: E402
from rongcuo_asp.whatif import whatif  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--incidents", type=int, default=1000)
    ap.add_argument("--regime", default="beijing")
    args = ap.parse_args()
    ff = parse_fact_text(generate(args.incidents).encode(), "generated.lp")
    incs = incidents_of(ff)
    solver(args.regime), whatif(args.regime)  # ground once, outside the timings

    results, checks, explains = [], [], []
    for ci in incs:  # alternated: the same minutes for both
        t0 = time.perf_counter()
        results.append(incident_result(ci, args.regime))
        t1 = time.perf_counter()
        explain_incident(ci, args.regime, None)
        checks.append(t1 - t0)
        explains.append(time.perf_counter() - t1)
    t_check, t_explain = sum(checks), sum(explains)
    ratios = sorted(e / c for e, c in zip(explains, checks, strict=True))

    s = solver(args.regime)
    why_not, what, grouped, relevance = [], [], [], []
    for ci, r in zip(incs, results, strict=True):
        known = ci.known
        if r["verdict"] in ("not_tolerable", "not_applicable"):
            t0 = time.perf_counter()
            explain.why_not(s, known, "tolerable")
            why_not.append(time.perf_counter() - t0)
        if r["verdict"] != "tolerable" and len(what) < 200:
            t0 = time.perf_counter()
            whatif(args.regime).alternatives(known, "tolerable", set(), 60)
            what.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            alternatives(ci, args.regime, "tolerable", set(), 60)
            grouped.append(time.perf_counter() - t0)
        if r["missing"]:
            t0 = time.perf_counter()
            s.relevant_unknown(known)
            relevance.append(time.perf_counter() - t0)

    verdicts = {
        v: sum(r["verdict"] == v for r in results) for v in ("tolerable", "not_tolerable", "not_applicable", "undetermined")
    }
    ms = lambda xs: f"median {statistics.median(xs) * 1000:.2f} ms, max {max(xs) * 1000:.2f} ms"  # noqa: E731
    print(f"regime {args.regime}, {len(incs)} incidents: {verdicts}")
    print(f"check    {t_check:.2f} s  ({t_check / len(incs) * 1000:.2f} ms per incident)")
    per = t_explain / len(incs) * 1000
    print(f"explain  {t_explain:.2f} s  ({per:.2f} ms per incident)  ratio explain/check = {t_explain / t_check:.2f}")
    print(f"  per-incident ratio explain/check: median {statistics.median(ratios):.2f}, max {ratios[-1]:.1f}")
    worst, cpu, bounded = empty_incident_all_regimes()
    print(
        f"explain of one empty incident, --regime all (fresh process, worst of 3): {worst:.2f} s "
        f"(CPU {cpu:.2f} s); bound hit: {bounded}"
    )
    print(f"why-not (minimal blocking facts, {len(why_not)} incidents): {ms(why_not)}")
    print(f"whatif  (all minimal alternatives to 'tolerable', {len(what)} incidents): {ms(what)}")
    per_check = t_check / len(incs)
    print(
        f"relevance (difference-making facts, {len(relevance)} open incidents): {ms(relevance)}; "
        f"mean/check = {statistics.mean(relevance) / per_check:.2f}"
    )
    print(
        f"grouped whatif (ranges + deciding articles, {len(grouped)} incidents): {ms(grouped)}; "
        f"median/check = {statistics.median(grouped) / per_check:.2f}"
    )


def empty_incident_all_regimes(runs: int = 3) -> tuple[float, float, str]:
    """Worst wall and CPU time of `rongcuo explain --regime all` on a file of one incident with no
    fact, and the regimes whose facts to establish hit the bound."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "empty.lp")
        path.write_text("case(c1).\nsubject(c1, s1).\nincident(s1, i1).\n", encoding="utf-8")
        cmd = [sys.executable, "-m", "rongcuo_asp", "explain", str(path), "--regime", "all", "--format", "json"]
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # compiled, as installed
        times, cpu = [], []
        for _ in range(runs + 1):  # the first run writes the byte code
            t0, c0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
            out = subprocess.run(cmd, capture_output=True, check=True, text=True, env=env).stdout
            c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            times.append(time.perf_counter() - t0)
            cpu.append(c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime)
    items = json.loads(out)["explanations"]
    hit = [f"{e['regime']} ({', '.join(t['verdict'] for t in e['to_establish'] if t.get('bounded'))})" for e in items]
    return max(times[1:]), max(cpu[1:]), "; ".join(hit)


if __name__ == "__main__":
    main()
