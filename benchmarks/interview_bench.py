"""The interview against complete generated incidents: how many questions, how fast each is chosen.

    python benchmarks/interview_bench.py [--incidents 1000] [--regime beijing|all] [--seed 3]

For each regime, then all five at once (--regime all, as `rongcuo interview --regime all` asks):
the incidents' facts are hidden, the interview asks and is answered from the hidden file (every
fact known), and it must end with the verdicts and outcomes `check` gives on the complete file.
Reports the mean and max number of fact questions asked against the number of deciding facts the
regimes read; of the fact questions, the share whose answer changed the set of possible (verdict,
outcome) pairs (under some regime asked) and the number that were moot when asked (no answer
could change that set: never, by construction); and the time to choose each next question (mean, 95th
percentile, max).  Aim: on average at most a third of the deciding facts; p95 ≤ 20 ms and max
≤ 100 ms a question under one regime, p95 ≤ 60 ms under all five.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generate import generate  # noqa: E402

from rongcuo_asp.factfile import parse_fact_text  # noqa: E402
from rongcuo_asp.interview import UNKNOWN, Interview, answer_from  # noqa: E402
from rongcuo_asp.reasoner import solver  # noqa: E402
from rongcuo_asp.repeats import derive_repeats  # noqa: E402
from rongcuo_asp.results import check_file, known_facts  # noqa: E402
from rongcuo_asp.vocabulary import vocabulary  # noqa: E402

KEEP = ("case(", "subject(", "incident(")


def run(regime: str, incidents: int, seed: int) -> dict:
    """Replay the interview (`regime`: one regime, or "all") against `incidents` complete incidents."""
    asked: list[int] = []
    choose: list[float] = []
    changed = moot = 0
    regimes = list(vocabulary().regimes) if regime == "all" else [regime]
    for n in range(incidents):
        text = generate(1, seed=seed, known=1.0, offset=n)
        hidden = parse_fact_text(text.encode())
        [inc] = hidden.incidents.values()
        known = known_facts(hidden, inc, derive_repeats(hidden))
        session = Interview("".join(line + "\n" for line in text.splitlines() if line.startswith(KEEP)), "bench.lp", regime)
        count = 0
        while True:
            start = time.perf_counter()
            q = session.next_question()
            choose.append(time.perf_counter() - start)
            if q is None:
                break
            count += q.key is not None
            if q.key is not None and q.key in known:
                now = session.known(session.ff.incidents[q.incident])
                moot += all(q.key not in solver(r).relevant_unknown(now) for r in q.regimes)
                after = {**now, q.key: known[q.key]}
                changed += any(solver(r).possible(now) != solver(r).possible(after) for r in q.regimes)
            session.answer(q, answer_from(q, known) if q.key else UNKNOWN)
        asked.append(count)
        got, want = check_file(session.ff, regime), check_file(hidden, regime)
        assert len(got) == len(want) == len(regimes), text
        assert [(r["verdict"], r["outcome"]) for r in got] == [(r["verdict"], r["outcome"]) for r in want], text
    deciding = len({k for r in regimes for k in solver(r).deciding})
    choose.sort()
    return {
        "regime": regime,
        "deciding": deciding,
        "mean": statistics.mean(asked),
        "max": max(asked),
        "share": statistics.mean(asked) / deciding,
        "changed": changed / max(1, sum(asked)),
        "moot": moot,
        "ms_mean": 1000 * statistics.mean(choose),
        "ms_p95": 1000 * choose[int(0.95 * (len(choose) - 1))],
        "ms_max": 1000 * choose[-1],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=1000)
    regimes = [*vocabulary().regimes, "all"]
    ap.add_argument("--regime", choices=regimes, help="one regime, or all five at once (default: each, then all)")
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    head = f"{'regime':14} {'deciding':>8} {'asked mean':>10} {'max':>4} {'share':>6} {'changed':>7} {'moot':>4}"
    print(head + f" {'choose ms mean':>14} {'p95':>6} {'max':>6}")
    for regime in [args.regime] if args.regime else regimes:
        r = run(regime, args.incidents, args.seed)
        print(
            f"{r['regime']:14} {r['deciding']:8d} {r['mean']:10.1f} {r['max']:4d} {r['share']:6.2f}"
            f" {r['changed']:7.2f} {r['moot']:4d}"
            f" {r['ms_mean']:14.1f} {r['ms_p95']:6.1f} {r['ms_max']:6.1f}"
        )


if __name__ == "__main__":
    main()
